// Posts (or updates) the environment impact report on its pull request, for impact-comment.yml.
// The report and the pull request's number come from an artifact of a run the pull request's own
// code made, forks' included, so nothing in it is trusted: it is read as data only (two regular
// files, bounded, nothing else: no link, no folder, no .git), the pull request is the open one
// whose head is the commit that run was for, its number must be the artifact's, and the comment
// says the report is the pull request's own work.
"use strict";

// github-script loads this file with require(), as CommonJS.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fs = require("fs");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const path = require("path");

const MARKER = "<!-- homelab-impact -->";
const BOT = "github-actions[bot]";
/** GitHub refuses comments over 65,536 characters. */
const MAX_BODY = 60000;
/** What the artifact may hold, and how large each file may be. */
const FILES = { "impact.md": 1024 * 1024, "pull-request-number": 32 };
const PROVENANCE =
    "_Computed by this pull request's own run, with its own code (a change to `render/` or `impact/` changes how it is computed); checked here only for its pull request._";

/** The report and the claimed number from the unpacked artifact in `dir`, or an error that says
 *  what is wrong with it. */
function readArtifact(dir) {
    const entries = fs.readdirSync(dir).sort();
    const unexpected = entries.filter((name) => !(name in FILES));
    if (unexpected.length > 0 || entries.length !== Object.keys(FILES).length)
        throw new Error(
            `the artifact must hold exactly ${Object.keys(FILES).join(" and ")}; it holds ${entries.join(", ") || "nothing"}`,
        );
    const read = (name) => {
        const file = path.join(dir, name);
        const stat = fs.lstatSync(file);
        if (!stat.isFile()) throw new Error(`the artifact's ${name} is not a regular file`);
        if (stat.size > FILES[name]) throw new Error(`the artifact's ${name} is larger than ${FILES[name]} bytes`);
        return fs.readFileSync(file, "utf8");
    };
    const number = read("pull-request-number").trim();
    if (!/^[1-9][0-9]{0,9}$/.test(number)) throw new Error("the artifact's pull-request-number is not a number");
    return { report: read("impact.md"), number };
}

/** @param {{ github: any, context: any, report: string, claimedNumber: string }} args */
async function postImpactComment({ github, context, report, claimedNumber }) {
    const run = context.payload.workflow_run;
    const { owner, repo } = context.repo;
    const head = `${run.head_repository.owner.login}:${run.head_branch}`;
    const pulls = await github.paginate(github.rest.pulls.list, { owner, repo, state: "open", head });
    const pull = pulls.find((p) => p.head.sha === run.head_sha);
    if (!pull) throw new Error(`no open pull request from ${head} at ${run.head_sha}`);
    if (String(pull.number) !== String(claimedNumber).trim())
        throw new Error(
            `the artifact claims pull request ${String(claimedNumber).trim()}, the run was for ${pull.number}`,
        );
    const body = `${MARKER}\n${PROVENANCE}\n\n${report.slice(0, MAX_BODY)}`;
    const comments = await github.paginate(github.rest.issues.listComments, { owner, repo, issue_number: pull.number });
    const previous = comments.find((c) => c.user && c.user.login === BOT && (c.body || "").startsWith(MARKER));
    if (previous) await github.rest.issues.updateComment({ owner, repo, comment_id: previous.id, body });
    else await github.rest.issues.createComment({ owner, repo, issue_number: pull.number, body });
    return pull.number;
}

module.exports = { postImpactComment, readArtifact, MARKER, PROVENANCE };
