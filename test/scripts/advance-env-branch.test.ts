// Promotion moves an environment's branch forward only, pushed to a bare repository standing in
// for GitHub, from a clone that holds what the script needs to see (the workflows' own depth-1
// checkouts are in test/workflows/).
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ROOT } from "../../render/evaluate";
import { git } from "../tools";

const SCRIPT = path.join(ROOT, "scripts", "advance-env-branch.sh");

describe("scripts/advance-env-branch.sh", () => {
    let work: string;
    let remote: string;
    const commit = (message: string) => {
        git(work, "commit", "-q", "--allow-empty", "-m", message);
        return git(work, "rev-parse", "HEAD");
    };
    const advance = (branch: string, sha: string, ...options: string[]) =>
        spawnSync("bash", [SCRIPT, branch, sha, ...options], {
            cwd: work,
            env: { ...process.env, REMOTE_URL: remote },
            encoding: "utf8",
        });
    const at = (branch: string) => git(remote, "rev-parse", `refs/heads/${branch}`);

    before(() => {
        remote = fs.mkdtempSync(path.join(os.tmpdir(), "remote-"));
        work = fs.mkdtempSync(path.join(os.tmpdir(), "work-"));
        git(remote, "init", "-q", "--bare");
        git(work, "init", "-q");
    });

    it("moves the branch forward to the commit", () => {
        const first = commit("first");
        assert.equal(advance("env/staging", first).status, 0);
        const second = commit("second");
        const result = advance("env/staging", second);
        assert.deepEqual(
            [result.status, result.stdout, result.stderr, at("env/staging")],
            [0, "current=true\n", `env/staging is at ${second}\n`, second],
        );
    });

    it("never moves it back: a slower run with an older commit stands down, green, saying why", () => {
        const newest = at("env/staging");
        const older = git(work, "rev-parse", "HEAD~1");
        const result = advance("env/staging", older);
        assert.deepEqual(
            [result.status, result.stdout, result.stderr, at("env/staging")],
            [
                0,
                "current=false\n",
                `::notice::env/staging is already at ${newest}, which includes ${older}: a newer run has taken over, so this one stands down\n`,
                newest,
            ],
        );
    });

    it("refuses a branch moved by hand to a commit that is neither before nor after", () => {
        const base = git(work, "rev-parse", "HEAD");
        git(work, "checkout", "-q", "-b", "side", "HEAD~1");
        const side = commit("side");
        git(work, "push", "-q", remote, `${side}:refs/heads/env/dev`);
        git(work, "checkout", "-q", "-");
        const result = advance("env/dev", base);
        assert.deepEqual(
            [result.status, result.stderr, at("env/dev")],
            [
                1,
                `::error::env/dev is at ${side}, neither before nor after ${base}: it was moved by hand; move it to a commit of main (docs/runbooks/rollback.md)\n`,
                side,
            ],
        );
    });

    it("moves nothing but the environments' branches and their -healthy records", () => {
        const result = advance("main", git(work, "rev-parse", "HEAD"));
        assert.deepEqual(
            [result.status, result.stderr],
            [2, "refusing to move main: only the environments' branches and their -healthy records\n"],
        );
    });

    it("records a healthy commit, forward only, leaving a record already past it", () => {
        const head = git(work, "rev-parse", "HEAD");
        const older = git(work, "rev-parse", "HEAD~1");
        assert.deepEqual([advance("env/staging-healthy", head).status, at("env/staging-healthy")], [0, head]);
        const late = advance("env/staging-healthy", older);
        assert.deepEqual([late.status, late.stdout, at("env/staging-healthy")], [0, "current=false\n", head]);
        assert.deepEqual(
            [advance("env/staging-healthy", older, "--back", head).stderr, at("env/staging-healthy")],
            ["refusing to move env/staging-healthy back: a healthy commit stays healthy\n", head],
        );
    });

    it("moves an environment back with --back, while it still holds the failed commit", () => {
        const head = git(work, "rev-parse", "HEAD");
        const older = git(work, "rev-parse", "HEAD~1");
        assert.equal(advance("env/staging", head).status, 0);
        // A newer promotion took over: the stale rollback is refused.
        assert.notEqual(advance("env/staging", older, "--back", older).status, 0);
        assert.equal(at("env/staging"), head);
        const result = advance("env/staging", older, "--back", head);
        assert.deepEqual([result.status, at("env/staging")], [0, older]);
        assert.equal(advance("env/staging", older, "--back").status, 2);
    });
});
