// The impact comment as GitHub runs it: the artifact a pull request's own run uploaded (which
// that pull request's workflow could fill with anything), downloaded as actions/download-artifact
// does, and the base repository's script checked out as actions/checkout does
// (test/stand-ins/github/).
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PROVENANCE, MARKER } from "../../scripts/impact-comment";
import { Repository } from "../stand-ins/github/repository";
import { WorkflowRun } from "../stand-ins/github/runner";
import { git } from "../tools";

const PULL = { number: 7, head: { sha: "abc", label: "fork:feature" } };
const EVENT = {
    workflow_run: {
        id: 1,
        event: "pull_request",
        head_repository: { owner: { login: "fork" } },
        head_branch: "feature",
        head_sha: "abc",
    },
};

/** GitHub's API as github-script hands it over: one open pull request, the comments made. */
function fakeGitHub() {
    const comments: string[] = [];
    const github = {
        paginate: (method: (args: any) => any[], args: any) => Promise.resolve(method(args)),
        rest: {
            pulls: { list: (args: any) => (args.head === PULL.head.label ? [PULL] : []) },
            issues: {
                listComments: () => [],
                createComment: (args: any) => Promise.resolve(void comments.push(args.body)),
                updateComment: (args: any) => Promise.resolve(void comments.push(args.body)),
            },
        },
    };
    return { github, comments };
}

/** Every file of a repository's .git, as `<prefix>/.git/...`: what a poisoned artifact carries. */
function dotGit(repo: string, prefix: string): Map<string, Buffer> {
    const files = new Map<string, Buffer>();
    const walk = (dir: string) => {
        for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
            const full = path.join(dir, entry.name);
            if (entry.isDirectory()) walk(full);
            else files.set(path.join(prefix, path.relative(repo, full)), fs.readFileSync(full));
        }
    };
    walk(path.join(repo, ".git"));
    return files;
}

/** impact-comment.yml run for an artifact, on `repo`. */
async function comment(artifact: Map<string, string | Buffer>, repo = new Repository()) {
    const { github, comments } = fakeGitHub();
    const run = await new WorkflowRun(
        ".github/workflows/impact-comment.yml",
        { name: "workflow_run", ref: "refs/heads/main", sha: repo.at("main")!, payload: EVENT },
        { remote: repo.remote, repository: "example/homelab", artifacts: new Map([["impact", artifact]]), github },
    ).run();
    return { run, comments, repo };
}

describe("impact-comment workflow on a stand-in GitHub", function () {
    this.timeout(60000);

    it("posts the report on the pull request the run was for, saying whose work it is", async () => {
        const { run, comments } = await comment(
            new Map([
                ["impact.md", "## Environment impact"],
                ["pull-request-number", "7\n"],
            ]),
        );
        assert.equal(run.result, "success", run.jobs.get("comment")!.log);
        assert.deepEqual(comments, [`${MARKER}\n${PROVENANCE}\n\n## Environment impact`]);
    });

    it("runs nothing a poisoned artifact brings, a .git with an fsmonitor command for the base's checkout, and posts nothing", async () => {
        const marker = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pwned-")), "ran");
        // The repository the artifact would pass for: the base repository's own URL as its origin.
        const poison = fs.mkdtempSync(path.join(os.tmpdir(), "poison-"));
        const setup = (remote: string) => {
            git(poison, "init", "-q", "--initial-branch=main");
            fs.writeFileSync(path.join(poison, "README.md"), "nothing to see\n");
            git(poison, "add", "README.md");
            git(poison, "commit", "-q", "-m", "poison");
            git(poison, "remote", "add", "origin", remote);
            git(poison, "config", "core.fsmonitor", `touch ${marker}; false`);
        };
        const repo = new Repository();
        setup(repo.remote);
        const artifact = new Map<string, string | Buffer>([
            ["impact.md", "## Environment impact"],
            ["pull-request-number", "7\n"],
            ...dotGit(poison, "base"),
        ]);
        const { run, comments } = await comment(artifact, repo);
        assert.equal(fs.existsSync(marker), false, "the artifact's fsmonitor command ran");
        assert.deepEqual([run.result, comments], ["failure", []]);
        assert.match(
            run.jobs.get("comment")!.log,
            /the artifact must hold exactly impact\.md and pull-request-number; it holds base, impact\.md, pull-request-number/,
        );
    });
});
