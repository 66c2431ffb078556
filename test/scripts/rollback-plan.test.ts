// Where a failed environment rolls back to and whether Pulumi must run there, over a fixture
// repository whose remote holds the environment's last healthy commit (env/<env>-healthy).
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ROOT } from "../../render/evaluate";
import { git } from "../tools";

const SCRIPT = path.join(ROOT, "scripts", "rollback-plan.sh");

describe("scripts/rollback-plan.sh", () => {
    let repo: string;
    let healthy: string;
    const commit = (files: Record<string, string>) => {
        for (const [file, text] of Object.entries(files)) {
            fs.mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
            fs.writeFileSync(path.join(repo, file), text);
        }
        git(repo, "add", "-A");
        git(repo, "commit", "-q", "-m", Object.keys(files).join(" "));
        return git(repo, "rev-parse", "HEAD");
    };
    const plan = (env: string, failed: string) => {
        const result = spawnSync("bash", [SCRIPT, env, failed], { cwd: repo, encoding: "utf8" });
        return { status: result.status, stdout: result.stdout, stderr: result.stderr };
    };
    /** A failed commit on top of the healthy one, with `files` changed. */
    const failing = (files: Record<string, string>) => {
        git(repo, "checkout", "-q", "--detach", healthy);
        return commit(files);
    };

    before(() => {
        repo = fs.mkdtempSync(path.join(os.tmpdir(), "rollback-"));
        git(repo, "init", "-q");
        healthy = commit({
            "components/metallb.ts": "v1",
            "Pulumi.staging.yaml": "staging",
            "Pulumi.dev.yaml": "dev",
            "gitops/applications/app/values.yaml": "app",
        });
        // What the remote's env/staging-healthy holds, as a fetch leaves it.
        git(repo, "update-ref", "refs/remotes/origin/env/staging-healthy", healthy);
    });

    it("returns to the last healthy commit without Pulumi when only what Argo CD deploys changed", () => {
        const failed = failing({
            "gitops/environments/staging/applications/app.yaml": "replicaCount: 9",
            "gitops/infrastructure/values.yaml": "reloader: {}",
            "Pulumi.dev.yaml": "dev, changed",
            "gitops/secrets/dev/app.yaml": "dummy",
            "docs/gitops.md": "docs",
        });
        assert.deepEqual(plan("staging", failed), {
            status: 0,
            stdout: `healthy=${healthy}\nrerun=false\n`,
            stderr: "",
        });
    });

    it("runs Pulumi again where the program changed", () => {
        assert.equal(
            plan("staging", failing({ "components/metallb.ts": "v2" })).stdout,
            `healthy=${healthy}\nrerun=true\n`,
        );
    });

    it("runs Pulumi again where the environment's stack file or dummy secrets changed", () => {
        assert.equal(
            plan("staging", failing({ "Pulumi.staging.yaml": "staging, changed" })).stdout.split("\n")[1],
            "rerun=true",
        );
        assert.equal(
            plan("staging", failing({ "gitops/secrets/staging/app.yaml": "dummy" })).stdout.split("\n")[1],
            "rerun=true",
        );
    });

    it("runs Pulumi again where an application changed, whose project and store Pulumi makes", () => {
        assert.equal(
            plan("staging", failing({ "gitops/applications/blog/Chart.yaml": "name: blog" })).stdout.split("\n")[1],
            "rerun=true",
        );
    });

    it("refuses, saying why, an environment that has never been healthy", () => {
        assert.deepEqual(plan("production", failing({ "components/metallb.ts": "v3" })), {
            status: 3,
            stdout: "",
            stderr: "production has never passed its health gate (no env/production-healthy): nothing to roll back to\n",
        });
    });

    it("undoes nothing when the last healthy commit already includes the failed one", () => {
        const later = failing({ "components/metallb.ts": "v4" });
        git(repo, "update-ref", "refs/remotes/origin/env/staging-healthy", later);
        assert.deepEqual(plan("staging", healthy), {
            status: 4,
            stdout: "",
            stderr: `staging is already healthy at ${later}, which includes ${healthy}: a later run has taken over\n`,
        });
        git(repo, "update-ref", "refs/remotes/origin/env/staging-healthy", healthy);
    });

    it("refuses what is not an environment", () => {
        assert.equal(plan("qa", healthy).status, 2);
    });
});
