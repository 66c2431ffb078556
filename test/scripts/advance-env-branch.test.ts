// Promotion moves an environment's branch forward only, pushed to a bare repository standing in
// for GitHub.
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
            [result.status, result.stdout.trim().split("\n").pop(), at("env/staging")],
            [0, `env/staging is at ${second}`, second],
        );
    });

    it("never moves it back: a slower run with an older commit is rejected", () => {
        const newest = at("env/staging");
        const older = git(work, "rev-parse", "HEAD~1");
        assert.notEqual(advance("env/staging", older).status, 0);
        assert.equal(at("env/staging"), newest);
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
        assert.deepEqual(
            [late.status, late.stdout.trim().split("\n").pop(), at("env/staging-healthy")],
            [0, `env/staging-healthy is already past ${older}`, head],
        );
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
