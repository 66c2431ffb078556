// The health gate between environments, run for real with stand-ins for pulumi and kubectl;
// jq and bash are the real ones. The kubectl stand-in serves fixture Applications as
// `kubectl get applications.argoproj.io -o json` prints them (Argo CD v3.4's Application status:
// sync.status, sync.revision or, for several sources, sync.revisions, health.status); the
// pulumi stand-in prints a kubeconfig for `stack output kubeconfig --show-secrets`.
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ROOT } from "../../render/evaluate";
import { git, missingCommand, requireTool } from "../tools";

const COMMIT = "0123abcd";
const SCRIPT = path.join(ROOT, "scripts", "health-gate.sh");

const app = (name: string, automated: boolean, sync: string, revision: string, health: string) => ({
    metadata: { name },
    spec: { syncPolicy: automated ? { automated: { prune: true } } : {} },
    status: { sync: { status: sync, revision }, health: { status: health } },
});

/** Runs the gate with `applications` served by a stand-in kubectl; the pulumi stand-in records its arguments. */
function gate(applications: unknown[], timeout = "0", commit = COMMIT, cwd = ROOT, exact = false) {
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), "gate-"));
    const fixture = path.join(bin, "applications.json");
    fs.writeFileSync(fixture, JSON.stringify({ items: applications }));
    fs.writeFileSync(
        path.join(bin, "pulumi"),
        `#!/bin/sh\necho "$@" > "${bin}/pulumi.args"\necho "kubeconfig-of-$5"\n`,
        { mode: 0o755 },
    );
    fs.writeFileSync(
        path.join(bin, "kubectl"),
        `#!/bin/sh\necho "$KUBECONFIG $@" > "${bin}/kubectl.args"\ncat "${fixture}"\n`,
        { mode: 0o755 },
    );
    const result = spawnSync("bash", [SCRIPT, "staging", commit, timeout], {
        cwd,
        env: {
            ...process.env,
            PATH: `${bin}:${process.env.PATH}`,
            HEALTH_GATE_INTERVAL: "0",
            HEALTH_GATE_EXACT: exact ? "1" : "",
        },
        encoding: "utf8",
    });
    const read = (f: string) => fs.readFileSync(path.join(bin, f), "utf8").trim();
    return {
        status: result.status,
        stdout: result.stdout,
        stderr: result.stderr,
        pulumi: read("pulumi.args"),
        kubectl: read("kubectl.args"),
    };
}

describe("scripts/health-gate.sh", function () {
    before(function () {
        requireTool(this, missingCommand("jq", "jq"));
    });

    it("passes when every automated application is Synced at the commit and every one is Healthy", () => {
        const result = gate([
            app("infrastructure", true, "Synced", COMMIT, "Healthy"),
            app("example-app", true, "Synced", COMMIT, "Healthy"),
        ]);
        assert.deepEqual(
            [result.status, result.stdout, result.stderr],
            [0, "synced=true\n", `staging: every application is healthy at ${COMMIT}\n`],
        );
    });

    it("passes, but does not call the commit synced, while an application synced by hand runs an older one", () => {
        const result = gate([
            app("infrastructure", true, "Synced", COMMIT, "Healthy"),
            app("example-app", false, "OutOfSync", "old", "Healthy"),
        ]);
        assert.deepEqual(
            [result.status, result.stdout, result.stderr.split("\n")[1]],
            [
                0,
                "synced=false\n",
                `::notice::staging: waiting for a sync by hand at ${COMMIT}: example-app; ${COMMIT} is not its last healthy commit until they run it`,
            ],
        );
    });

    it("reads a multi-source application's revision from its list of revisions", () => {
        const multiSource = (revisions: string[]) => ({
            metadata: { name: "example-app" },
            spec: { syncPolicy: { automated: { prune: true } } },
            status: { sync: { status: "Synced", revisions }, health: { status: "Healthy" } },
        });
        assert.equal(gate([multiSource([COMMIT, COMMIT])]).status, 0);
        assert.equal(
            gate([multiSource(["previous", "previous"])]).stderr,
            `staging: not healthy at ${COMMIT} after 0s:\nexample-app: Synced at previous, Healthy\n`,
        );
    });

    it("reads the stack's kubeconfig through pulumi and hands kubectl a file, never the text", () => {
        const result = gate([app("infrastructure", true, "Synced", COMMIT, "Healthy")]);
        assert.equal(result.pulumi, "stack output kubeconfig --show-secrets --stack staging");
        assert.match(result.kubectl, /^\/tmp\/\S+ get applications\.argoproj\.io --namespace argocd --output json$/);
    });

    it("fails after the timeout, naming each application not synced at the commit or not healthy", () => {
        const result = gate([
            app("infrastructure", true, "Synced", "previous", "Healthy"),
            app("example-app", true, "Synced", COMMIT, "Degraded"),
            app("manual-app", false, "OutOfSync", "old", "Progressing"),
            app("fine", true, "Synced", COMMIT, "Healthy"),
        ]);
        assert.equal(result.status, 1);
        assert.equal(
            result.stderr,
            [
                `staging: not healthy at ${COMMIT} after 0s:`,
                "infrastructure: Synced at previous, Healthy",
                `example-app: Synced at ${COMMIT}, Degraded`,
                "manual-app: OutOfSync at old, Progressing",
                "",
            ].join("\n"),
        );
    });

    it("accepts a later commit of the branch, not an unrelated one", () => {
        const repo = fs.mkdtempSync(path.join(os.tmpdir(), "gate-repo-"));
        git(repo, "init", "-q");
        const sha = () => git(repo, "rev-parse", "HEAD");
        git(repo, "commit", "-q", "--allow-empty", "-m", "promoted");
        const promoted = sha();
        git(repo, "commit", "-q", "--allow-empty", "-m", "merged after");
        const later = sha();
        git(repo, "checkout", "-q", "--orphan", "other");
        git(repo, "commit", "-q", "--allow-empty", "-m", "unrelated");
        const unrelated = sha();
        assert.equal(gate([app("infrastructure", true, "Synced", later, "Healthy")], "0", promoted, repo).status, 0);
        const other = gate([app("infrastructure", true, "Synced", unrelated, "Healthy")], "0", promoted, repo);
        assert.equal(other.stderr.split("\n")[1], `infrastructure: Synced at ${unrelated}, Healthy`);
        // A rollback's gate: the commit gone back to only, not the failed one that includes it.
        const rollback = gate([app("infrastructure", true, "Synced", later, "Healthy")], "0", promoted, repo, true);
        assert.deepEqual(
            [rollback.status, rollback.stderr.split("\n")[1]],
            [1, `infrastructure: Synced at ${later}, Healthy`],
        );
        assert.equal(
            gate([app("infrastructure", true, "Synced", promoted, "Healthy")], "0", promoted, repo, true).status,
            0,
        );
    });

    it("lets a new manual-sync application wait undeployed for its first sync, not a broken one", () => {
        const fresh = app("new-app", false, "OutOfSync", "abc", "Missing");
        assert.equal(gate([app("infrastructure", true, "Synced", COMMIT, "Healthy"), fresh]).status, 0);
        const broken = gate([app("old-app", false, "Synced", "abc", "Missing")]);
        assert.equal(broken.stderr.split("\n")[1], "old-app: Synced at abc, Missing");
    });

    it("does not pass a cluster with no application yet", () => {
        const result = gate([]);
        assert.deepEqual(
            [result.status, result.stderr],
            [1, `staging: not healthy at ${COMMIT} after 0s:\nno Application yet\n`],
        );
    });
});
