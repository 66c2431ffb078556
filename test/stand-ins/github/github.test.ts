// The stand-in GitHub does what GitHub does, and refuses what it cannot model.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { git } from "../../tools";
import { checkout } from "./checkout";
import { condition, evaluate } from "./expressions";
import { Repository } from "./repository";

describe("stand-in GitHub", () => {
    describe("expressions", () => {
        const contexts = { github: { event_name: "push" }, vars: { LIST: '["Alice"]' }, needs: {} };

        it("compares strings case-insensitively and returns an operand from && and ||", () => {
            assert.deepEqual(
                [
                    evaluate("github.event_name == 'PUSH'", contexts),
                    evaluate("github.event_name == 'pull_request' && 'homelab-preview' || 'homelab'", contexts),
                    evaluate("contains(fromJSON(vars.LIST || '[]'), 'alice')", contexts),
                    evaluate("format('pulumi-{0}-up', 'dev')", contexts),
                ],
                [true, "homelab", true, "pulumi-dev-up"],
            );
        });

        it("checks a condition as success() && (...) unless it names a status function", () => {
            const failed = { failed: true, cancelled: false };
            assert.deepEqual(
                [
                    condition("true", contexts, failed),
                    condition("failure()", contexts, failed),
                    condition(undefined, contexts, failed),
                ],
                [false, true, false],
            );
        });

        it("refuses a context or function it does not model", () => {
            assert.throws(() => evaluate("job.status", contexts), /no context job/);
            assert.throws(() => evaluate("hashFiles('x')", contexts), /no function hashFiles/);
        });
    });

    describe("actions/checkout", () => {
        const repo = new Repository();
        const head = repo.merge("second", { "a.txt": "a" });
        repo.set("env/dev", head);
        const run = (inputs: Partial<Parameters<typeof checkout>[0]>) => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "checkout-"));
            checkout({
                repositoryUrl: repo.remote,
                directory: dir,
                ref: "refs/heads/main",
                commit: head,
                fetchDepth: 1,
                persistCredentials: true,
                token: "job-token",
                env: { PATH: process.env.PATH, HOME: dir },
                ...inputs,
            });
            return dir;
        };

        it("fetches one commit of the event's branch by default, onto a local branch", () => {
            const dir = run({});
            assert.deepEqual(
                [
                    git(dir, "rev-list", "--count", "HEAD"),
                    git(dir, "branch", "--show-current"),
                    git(dir, "branch", "-r"),
                ],
                ["1", "main", "origin/main"],
            );
        });

        it("fetches every branch with fetch-depth 0, and checks a commit out detached", () => {
            const dir = run({ fetchDepth: 0, ref: head });
            assert.deepEqual(
                [
                    git(dir, "rev-list", "--count", "HEAD"),
                    git(dir, "branch", "--show-current"),
                    git(dir, "branch", "-r"),
                ],
                ["2", "", "origin/env/dev\n  origin/main"],
            );
        });

        it("leaves the job's token in .git/config unless told not to", () => {
            const header = (dir: string) =>
                fs.readFileSync(path.join(dir, ".git", "config"), "utf8").includes("extraheader");
            assert.deepEqual([header(run({})), header(run({ persistCredentials: false }))], [true, false]);
        });
    });
});
