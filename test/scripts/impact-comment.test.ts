// The impact comment trusts nothing the pull request's run wrote but the report text itself.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { MARKER, postImpactComment, PROVENANCE, readArtifact } from "../../scripts/impact-comment";

/** A stand-in for github-script's client, with open pull requests and comments. */
function fakeGitHub(pulls: any[], comments: any[]) {
    const calls: string[] = [];
    const github = {
        paginate: (method: (args: any) => any[], args: any) => Promise.resolve(method(args)),
        rest: {
            pulls: { list: (args: any) => pulls.filter((p) => p.headLabel === args.head && args.state === "open") },
            issues: {
                listComments: (args: any) => comments.filter((c) => c.issue === args.issue_number),
                updateComment: (args: any) =>
                    Promise.resolve(void calls.push(`update ${args.comment_id}: ${args.body}`)),
                createComment: (args: any) =>
                    Promise.resolve(void calls.push(`create on ${args.issue_number}: ${args.body}`)),
            },
        },
    };
    return { github, calls };
}

const context = {
    repo: { owner: "home", repo: "lab" },
    payload: {
        workflow_run: { head_repository: { owner: { login: "fork" } }, head_branch: "feature", head_sha: "abc" },
    },
};
const PULL = { number: 7, headLabel: "fork:feature", head: { sha: "abc" } };

describe("scripts/impact-comment.js", () => {
    it("comments on the pull request the run was for", async () => {
        const { github, calls } = fakeGitHub([PULL], []);
        assert.equal(
            await postImpactComment({ github, context, report: "## Environment impact", claimedNumber: "7\n" }),
            7,
        );
        assert.deepEqual(calls, [`create on 7: ${MARKER}\n${PROVENANCE}\n\n## Environment impact`]);
    });

    it("updates its own earlier comment, never someone else's that starts the same way", async () => {
        const comments = [
            { issue: 7, id: 1, user: { login: "mallory" }, body: `${MARKER} fake` },
            { issue: 7, id: 2, user: { login: "github-actions[bot]" }, body: `${MARKER}\nold` },
        ];
        const { github, calls } = fakeGitHub([PULL], comments);
        await postImpactComment({ github, context, report: "new", claimedNumber: "7" });
        assert.deepEqual(calls, [`update 2: ${MARKER}\n${PROVENANCE}\n\nnew`]);
    });

    it("refuses an artifact that names another pull request", async () => {
        const { github, calls } = fakeGitHub([PULL, { number: 8, headLabel: "other:main", head: { sha: "def" } }], []);
        await assert.rejects(postImpactComment({ github, context, report: "x", claimedNumber: "8" }), {
            message: "the artifact claims pull request 8, the run was for 7",
        });
        assert.deepEqual(calls, []);
    });

    it("refuses a run whose commit is no longer the head of an open pull request", async () => {
        const { github } = fakeGitHub([{ ...PULL, head: { sha: "newer" } }], []);
        await assert.rejects(postImpactComment({ github, context, report: "x", claimedNumber: "7" }), {
            message: "no open pull request from fork:feature at abc",
        });
    });
});

describe("scripts/impact-comment.js reading the artifact", () => {
    /** An unpacked artifact holding `files` (name -> content). */
    const artifact = (files: Record<string, string>) => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "artifact-"));
        for (const [name, content] of Object.entries(files)) {
            fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
            fs.writeFileSync(path.join(dir, name), content);
        }
        return dir;
    };
    const GOOD = { "impact.md": "## Environment impact", "pull-request-number": "7\n" };

    it("reads the report and the number", () => {
        assert.deepEqual(readArtifact(artifact(GOOD)), { report: "## Environment impact", number: "7" });
    });

    it("refuses anything more than the two files, a .git above all", () => {
        assert.throws(() => readArtifact(artifact({ ...GOOD, "base/.git/config": "[core]" })), {
            message:
                "the artifact must hold exactly impact.md and pull-request-number; it holds base, impact.md, pull-request-number",
        });
    });

    it("refuses an artifact without one of them", () => {
        assert.throws(() => readArtifact(artifact({ "impact.md": "x" })), {
            message: "the artifact must hold exactly impact.md and pull-request-number; it holds impact.md",
        });
    });

    it("refuses a link where a file belongs", () => {
        const dir = artifact({ "pull-request-number": "7" });
        fs.symlinkSync("/etc/passwd", path.join(dir, "impact.md"));
        assert.throws(() => readArtifact(dir), { message: "the artifact's impact.md is not a regular file" });
    });

    it("refuses a report larger than a megabyte", () => {
        assert.throws(() => readArtifact(artifact({ ...GOOD, "impact.md": "x".repeat(1024 * 1024 + 1) })), {
            message: "the artifact's impact.md is larger than 1048576 bytes",
        });
    });

    it("refuses a number that is not one", () => {
        assert.throws(() => readArtifact(artifact({ ...GOOD, "pull-request-number": "7; rm -rf /" })), {
            message: "the artifact's pull-request-number is not a number",
        });
    });
});
