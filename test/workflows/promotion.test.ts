// One commit promoted through dev, staging and production by the deploy workflow as GitHub runs
// it: each job's own checkout, made as actions/checkout makes it, the scripts run from it with
// the job's environment, pushes to a stand-in GitHub (test/stand-ins/github/). The jobs on the
// homelab's runners (pulumi, the health gate) are stood in for with the outcome each case needs.
import * as assert from "node:assert/strict";
import { Repository } from "../stand-ins/github/repository";
import { JobStandIn, Result, Setting, WorkflowRun } from "../stand-ins/github/runner";

const ENVIRONMENTS = ["dev", "staging", "production"] as const;
type Env = (typeof ENVIRONMENTS)[number];

/** Every environment at `commit`, and its last healthy record too, as a completed deploy leaves it. */
function deployed(repo: Repository, commit: string) {
    for (const env of ENVIRONMENTS) {
        repo.set(`env/${env}`, commit);
        repo.set(`env/${env}-healthy`, commit);
    }
}

/** The setting of a run: updates succeed; each environment's health gate as `gates` says, and a
 *  rollback's gate (at the last healthy commit exactly) passes; production's backup gate
 *  (scripts/backup-gate.sh, tested on its own) as `backups` says. */
function setting(
    repo: Repository,
    gates: Partial<Record<Env, Result>> = {},
    vars: Record<string, string> = {},
    backups: Result = "success",
): Setting {
    const calls: Record<string, JobStandIn> = {
        "./.github/workflows/pulumi.yml": () => ({ result: "success" }),
        "./.github/workflows/backup-gate.yml": () => ({ result: backups }),
        "./.github/workflows/health-gate.yml": (inputs) => ({
            result: inputs.exact ? "success" : (gates[inputs.stack as Env] ?? "success"),
            outputs: { synced: "true" },
        }),
        // The rollback's report, which needs the GitHub API: said elsewhere.
        report: () => ({ result: "success" }),
    };
    return { remote: repo.remote, repository: "example/homelab", jobs: calls, vars };
}

const deploy = (commit: string, s: Setting, only?: string[]) =>
    new WorkflowRun(".github/workflows/deploy.yml", { name: "push", ref: "refs/heads/main", sha: commit }, s).run(only);

const branches = (repo: Repository) =>
    Object.fromEntries(ENVIRONMENTS.flatMap((env) => [`env/${env}`, `env/${env}-healthy`]).map((b) => [b, repo.at(b)]));

describe("deploy workflow on a stand-in GitHub", function () {
    this.timeout(60000);

    it("promotes one commit through dev, staging and production from depth-1 checkouts", async () => {
        const repo = new Repository();
        deployed(repo, repo.at("main")!);
        const commit = repo.merge("change the program", { "components/platform.ts": "v2" });
        const run = await deploy(commit, setting(repo));
        assert.equal(run.result, "success", [...run.jobs].map(([n, j]) => `${n}: ${j.result}\n${j.log}`).join("\n"));
        assert.deepEqual(branches(repo), {
            "env/dev": commit,
            "env/dev-healthy": commit,
            "env/staging": commit,
            "env/staging-healthy": commit,
            "env/production": commit,
            "env/production-healthy": commit,
        });
    });

    it("lets the newer of two quick merges through and stands the older down, green, where it was overtaken", async () => {
        const repo = new Repository();
        deployed(repo, repo.at("main")!);
        const older = repo.merge("first change", { "components/platform.ts": "v2" });
        const newer = repo.merge("second change", { "components/platform.ts": "v3" });
        // The newer run promotes dev first; the older one's promotion comes after it.
        const second = await deploy(newer, setting(repo), ["promote-dev"]);
        const first = await deploy(older, setting(repo));
        assert.deepEqual(
            [first.result, first.jobs.get("promote-dev")!.outputs, first.jobs.get("dev")!.result],
            ["success", { current: "false" }, "skipped"],
        );
        assert.match(first.jobs.get("promote-dev")!.log, /a newer run has taken over, so this one stands down/);
        await second.run();
        assert.equal(second.result, "success");
        assert.deepEqual(branches(repo), {
            "env/dev": newer,
            "env/dev-healthy": newer,
            "env/staging": newer,
            "env/staging-healthy": newer,
            "env/production": newer,
            "env/production-healthy": newer,
        });
    });

    it("rolls staging back when its gate fails, and production never sees the commit", async () => {
        const repo = new Repository();
        const before = repo.at("main")!;
        deployed(repo, before);
        const commit = repo.merge("a change staging rejects", { "components/platform.ts": "v2" });
        const run = await deploy(commit, setting(repo, { staging: "failure" }));
        assert.deepEqual(
            ["staging-rollback", "production-changes", "approve-production"].map((j) => run.jobs.get(j)!.result),
            ["success", "skipped", "skipped"],
        );
        assert.deepEqual(branches(repo), {
            "env/dev": commit,
            "env/dev-healthy": commit,
            "env/staging": before,
            "env/staging-healthy": before,
            "env/production": before,
            "env/production-healthy": before,
        });
    });

    it("stops production's promotion before its branch moves when its newest backup is too old, and rolls nothing back", async () => {
        const repo = new Repository();
        const before = repo.at("main")!;
        deployed(repo, before);
        const commit = repo.merge("change the program", { "components/platform.ts": "v2" });
        const run = await deploy(commit, setting(repo, {}, {}, "failure"));
        assert.deepEqual(
            ["approve-production", "production-backups", "advance-production", "production", "production-rollback"].map(
                (j) => run.jobs.get(j)!.result,
            ),
            ["success", "failure", "skipped", "skipped", "skipped"],
        );
        assert.deepEqual(
            [repo.at("env/staging-healthy"), repo.at("env/production"), repo.at("env/production-healthy")],
            [commit, before, before],
        );
    });

    it("takes a dispatched approval only for the commit staging recorded healthy, never one whose gate is pending", async () => {
        const repo = new Repository();
        const before = repo.at("main")!;
        deployed(repo, before);
        const commit = repo.merge("change the program", { "components/platform.ts": "v2" });
        const s = setting(repo, {}, { PRODUCTION_APPROVAL: "dispatch", PRODUCTION_APPROVERS: '["admin"]' });
        const approve = () =>
            new WorkflowRun(
                ".github/workflows/promote-production.yml",
                { name: "workflow_dispatch", ref: "refs/heads/main", sha: commit, inputs: { commit }, actor: "admin" },
                s,
            ).run();
        // env/staging holds the commit; its update and gate are still running.
        const run = await deploy(commit, s, ["promote-staging"]);
        const early = await approve();
        assert.deepEqual([early.jobs.get("approve")!.result, repo.at("env/production")], ["failure", before]);
        assert.match(early.jobs.get("approve")!.log, /is not what staging last ran healthy/);
        await run.run();
        assert.deepEqual(
            [run.jobs.get("staging-recorded")!.result, run.jobs.get("approve-production")!.result],
            ["success", "skipped"],
        );
        const approved = await approve();
        assert.equal(approved.result, "success", approved.jobs.get("approve")!.log);
        assert.deepEqual([repo.at("env/production"), repo.at("env/production-healthy")], [commit, commit]);
    });
});
