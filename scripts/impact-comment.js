// Posts (or updates) the environment impact report on its pull request, for impact-comment.yml.
// The report and the pull request's number come from an artifact of a run the pull request's own
// code made, forks' included, so nothing in it is trusted: the pull request is the open one whose
// head is the commit that run was for, and its number must be the artifact's.
"use strict";

const MARKER = "<!-- homelab-impact -->";
const BOT = "github-actions[bot]";
/** GitHub refuses comments over 65,536 characters. */
const MAX_BODY = 60000;

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
    const body = `${MARKER}\n${report.slice(0, MAX_BODY)}`;
    const comments = await github.paginate(github.rest.issues.listComments, { owner, repo, issue_number: pull.number });
    const previous = comments.find((c) => c.user && c.user.login === BOT && (c.body || "").startsWith(MARKER));
    if (previous) await github.rest.issues.updateComment({ owner, repo, comment_id: previous.id, body });
    else await github.rest.issues.createComment({ owner, repo, issue_number: pull.number, body });
    return pull.number;
}

module.exports = { postImpactComment, MARKER };
