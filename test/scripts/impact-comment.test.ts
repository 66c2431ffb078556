// The impact comment trusts nothing the pull request's run wrote but the report text itself.
import * as assert from "node:assert/strict";
import { MARKER, postImpactComment } from "../../scripts/impact-comment";

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
        assert.deepEqual(calls, [`create on 7: ${MARKER}\n## Environment impact`]);
    });

    it("updates its own earlier comment, never someone else's that starts the same way", async () => {
        const comments = [
            { issue: 7, id: 1, user: { login: "mallory" }, body: `${MARKER} fake` },
            { issue: 7, id: 2, user: { login: "github-actions[bot]" }, body: `${MARKER}\nold` },
        ];
        const { github, calls } = fakeGitHub([PULL], comments);
        await postImpactComment({ github, context, report: "new", claimedNumber: "7" });
        assert.deepEqual(calls, [`update 2: ${MARKER}\nnew`]);
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
