// The trust boundary as a job checks it, from what its runner says (HOMELAB_RUNNER_ROLE, from the
// runner's .env) and what GitHub says of the repository.
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { ROOT } from "../../render/evaluate";

const SCRIPT = path.join(ROOT, "scripts", "check-runner.sh");

function check(wanted: string, env: Record<string, string>) {
    const result = spawnSync("bash", [SCRIPT, wanted], {
        env: { PATH: process.env.PATH, ...env },
        encoding: "utf8",
    });
    return { status: result.status, stderr: result.stderr };
}

describe("scripts/check-runner.sh", () => {
    it("lets a deploy job run on a deploy runner of a private repository", () => {
        assert.deepEqual(check("deploy", { HOMELAB_RUNNER_ROLE: "deploy", REPOSITORY_VISIBILITY: "private" }), {
            status: 0,
            stderr: "runner role: deploy\n",
        });
    });

    it("refuses a runner that does not say what it is for", () => {
        assert.deepEqual(check("deploy", { REPOSITORY_VISIBILITY: "private" }), {
            status: 1,
            stderr: "::error::this runner does not say what it is for: add HOMELAB_RUNNER_ROLE=deploy to the .env file in its directory and restart it (docs/runbooks/bootstrap.md, step 11)\n",
        });
    });

    it("refuses a runner of the other kind: pull requests' code never where production's credentials are", () => {
        assert.deepEqual(check("deploy", { HOMELAB_RUNNER_ROLE: "pull-requests" }), {
            status: 1,
            stderr: "::error::this job needs a deploy runner, and this one is for pull-requests: the runners that run pull requests' code must never be the ones that hold production's credentials (docs/runbooks/bootstrap.md, step 11)\n",
        });
    });

    it("refuses, in a public repository, runners the admin has not said are restricted to main's workflows", () => {
        assert.deepEqual(
            check("pull-requests", { HOMELAB_RUNNER_ROLE: "pull-requests", REPOSITORY_VISIBILITY: "public" }),
            {
                status: 1,
                stderr: "::error::this repository is public: a fork's pull request could run a workflow of its own on these runners. Restrict their runner group to this repository's workflows on main, require approval for outside contributors, then set the variable HOMELAB_RUNNERS_RESTRICTED=true (docs/runbooks/bootstrap.md, step 11)\n",
            },
        );
        assert.equal(
            check("deploy", {
                HOMELAB_RUNNER_ROLE: "deploy",
                REPOSITORY_VISIBILITY: "public",
                RUNNERS_RESTRICTED: "true",
            }).status,
            0,
        );
    });

    it("knows only the two roles", () => {
        assert.deepEqual(check("admin", {}), { status: 2, stderr: "no runner role admin: deploy or pull-requests\n" });
    });
});
