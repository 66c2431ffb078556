// Whether the revision the stack's Argo CD tracks exists on the remote: without it, `pulumi up`
// succeeds and Argo CD shows nothing (the quick path's env/dev before the first push).
import { Finding } from "./finding";
import { firstLine, run } from "./run";

interface GitopsSettings {
    readonly repoUrl: string;
    readonly revision: string;
}

/** The revision on the remote: a branch or tag there, a commit (whose presence only Argo CD's fetch
 *  can tell), or missing. `private` is whether Argo CD reads it with a token or deploy key, which the
 *  doctor does not have. */
export function revisionFinding(env: NodeJS.ProcessEnv, gitops: GitopsSettings, privateRepo: boolean): Finding {
    const subject = `${gitops.repoUrl} ${gitops.revision}`;
    // Git told never to ask: no terminal prompt for a password, no SSH question about a host key.
    const nonInteractive = {
        ...env,
        GIT_TERMINAL_PROMPT: "0",
        GIT_SSH_COMMAND: "ssh -o BatchMode=yes -o ConnectTimeout=10",
    };
    const ran = run("git", ["ls-remote", "--heads", "--tags", "--", gitops.repoUrl], nonInteractive, 30_000);
    if (ran.missing)
        return {
            status: "problem",
            subject: "git",
            detail: "not installed",
            fix: "install Git (https://git-scm.com/downloads)",
        };
    if (ran.status !== 0 || ran.timedOut)
        return {
            status: "warn",
            subject,
            detail: `the remote could not be read${ran.timedOut ? " (timed out)" : `: ${firstLine(ran.stderr)}`}`,
            fix: privateRepo
                ? "check it with the credential Argo CD gets (gitopsToken or gitopsSshKey): git ls-remote <repoUrl>"
                : "check gitops.repoUrl and the network; a private repository needs the secret gitopsToken or gitopsSshKey",
        };
    const refs = ran.stdout
        .split("\n")
        .filter(Boolean)
        .map((line) => {
            const [sha, ref] = line.split("\t");
            return { sha, ref };
        });
    if (gitops.revision === "HEAD")
        return refs.length > 0
            ? { status: "ok", subject, detail: "the remote's default branch" }
            : {
                  status: "problem",
                  subject,
                  detail: "the remote has no branch",
                  fix: "push main: git push origin main",
              };
    const named = refs.find((r) =>
        [gitops.revision, `refs/heads/${gitops.revision}`, `refs/tags/${gitops.revision}`].includes(r.ref),
    );
    if (named) return { status: "ok", subject, detail: `${named.ref} is at ${named.sha.slice(0, 12)}` };
    if (/^[0-9a-f]{7,40}$/.test(gitops.revision)) {
        const tip = refs.find((r) => r.sha.startsWith(gitops.revision));
        return tip
            ? { status: "ok", subject, detail: `the commit is ${tip.ref}'s tip` }
            : {
                  status: "warn",
                  subject,
                  detail: "a commit that is no branch's or tag's tip: only Argo CD's fetch can tell whether the remote has it",
                  fix: `git fetch origin && git branch -r --contains ${gitops.revision}`,
              };
    }
    return {
        status: "problem",
        subject,
        detail: `no branch or tag ${gitops.revision} on the remote: Argo CD would track nothing, and the platform's applications would never appear`,
        fix: `push it: git push origin main:refs/heads/${gitops.revision} (the deploy workflow moves it after that; docs/gitops.md)`,
    };
}
