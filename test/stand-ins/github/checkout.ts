// Stand-in for actions/checkout v5.1.0 (fbc6f3992d24b796d5a048ff273f7fcc4a7b6c09): the git
// commands it runs, in its order (src/git-source-provider.ts, ref-helper.ts,
// git-directory-helper.ts, git-auth-helper.ts), against a bare repository standing in for GitHub.
// - A directory that already holds a .git whose remote.origin.url is the repository's is reused:
//   checkout runs git in it (rev-parse, checkout --detach, branch deletions, clean -ffdx,
//   reset --hard) with that repository's own .git/config, hooks and fsmonitor included; any
//   other content is deleted first.
// - The fetch: `--no-tags --prune --no-recurse-submodules --depth=1 origin +<sha>:refs/remotes/
//   origin/<branch>` for the event's branch, `origin <sha>` for a commit given as `ref`; with
//   fetch-depth 0 every branch and tag (+refs/heads/*, +refs/tags/*), without --depth.
// - The checkout: `-B <branch> refs/remotes/origin/<branch>` for a branch, detached for a commit.
// - The token: http.<server>/.extraheader in .git/config while it fetches, removed afterwards
//   when persist-credentials is false (the default is true). Sparse checkout: cone patterns.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

export interface CheckoutInputs {
    /** The repository's URL as checkout builds it (https://github.com/<owner>/<repo>); here the
     *  bare repository's path. */
    readonly repositoryUrl: string;
    /** Where to check out: the workspace, or `path` under it. */
    readonly directory: string;
    /** The event's ref (refs/heads/main) and commit, or a commit or ref given as `ref`. */
    readonly ref: string;
    readonly commit: string;
    readonly fetchDepth: number;
    readonly persistCredentials: boolean;
    readonly sparseCheckout?: readonly string[];
    /** The job's token, written as an extraheader while checkout runs. */
    readonly token: string;
    /** Environment for git (HOME and the like). */
    readonly env: NodeJS.ProcessEnv;
}

function git(cwd: string, env: NodeJS.ProcessEnv, ...args: string[]) {
    const result = spawnSync("git", args, { cwd, env, encoding: "utf8" });
    if (result.status !== 0) throw new Error(`checkout: git ${args.join(" ")}: ${result.stderr}`);
    return result.stdout.trim();
}

const tryGit = (cwd: string, env: NodeJS.ProcessEnv, ...args: string[]) =>
    spawnSync("git", args, { cwd, env, encoding: "utf8" });

/** Runs checkout as v5.1.0 does. */
export function checkout(inputs: CheckoutInputs): void {
    const { directory: dir, env } = inputs;
    fs.mkdirSync(dir, { recursive: true });
    prepareExistingDirectory(inputs);
    if (!fs.existsSync(path.join(dir, ".git"))) {
        git(dir, env, "init", dir);
        git(dir, env, "remote", "add", "origin", inputs.repositoryUrl);
    }
    git(dir, env, "config", "--local", "gc.auto", "0");
    const header = `http.${inputs.repositoryUrl}.extraheader`;
    git(
        dir,
        env,
        "config",
        "--local",
        header,
        `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${inputs.token}`).toString("base64")}`,
    );

    const sha = /^[0-9a-f]{40}$/i.test(inputs.ref) ? inputs.ref : inputs.commit;
    const branch = inputs.ref.startsWith("refs/heads/") ? inputs.ref.slice("refs/heads/".length) : undefined;
    const fetch = ["-c", "protocol.version=2", "fetch"];
    if (inputs.fetchDepth > 0) {
        const refspec = branch ? `+${sha}:refs/remotes/origin/${branch}` : sha;
        git(
            dir,
            env,
            ...fetch,
            "--no-tags",
            "--prune",
            "--no-recurse-submodules",
            `--depth=${inputs.fetchDepth}`,
            "origin",
            refspec,
        );
    } else {
        const args = [...fetch, "--prune", "--no-recurse-submodules"];
        if (fs.existsSync(path.join(dir, ".git", "shallow"))) args.push("--unshallow");
        git(dir, env, ...args, "origin", "+refs/heads/*:refs/remotes/origin/*", "+refs/tags/*:refs/tags/*");
    }
    if (inputs.sparseCheckout && inputs.sparseCheckout.length > 0) {
        git(dir, env, "sparse-checkout", "set", ...inputs.sparseCheckout);
    }
    if (branch) git(dir, env, "checkout", "--progress", "--force", "-B", branch, `refs/remotes/origin/${branch}`);
    else git(dir, env, "checkout", "--progress", "--force", sha);
    if (!inputs.persistCredentials) git(dir, env, "config", "--local", "--unset-all", header);
}

/** An existing directory: reused when its .git's origin is the repository, else emptied. */
function prepareExistingDirectory(inputs: CheckoutInputs): void {
    const { directory: dir, env } = inputs;
    const entries = fs.readdirSync(dir);
    if (entries.length === 0) return;
    const hasGit = fs.existsSync(path.join(dir, ".git"));
    const origin = hasGit ? tryGit(dir, env, "config", "--local", "--get", "remote.origin.url").stdout.trim() : "";
    if (!hasGit || origin !== inputs.repositoryUrl) {
        for (const entry of entries) fs.rmSync(path.join(dir, entry), { recursive: true, force: true });
        return;
    }
    // What git-directory-helper.ts runs in a directory it keeps: with its own .git/config.
    for (const lock of ["index.lock", "shallow.lock"]) fs.rmSync(path.join(dir, ".git", lock), { force: true });
    tryGit(dir, env, "rev-parse", "--symbolic-full-name", "--verify", "--quiet", "HEAD");
    tryGit(dir, env, "checkout", "--detach");
    tryGit(dir, env, "rev-parse", "--symbolic-full-name", "--branches");
    tryGit(dir, env, "submodule", "status");
    const cleaned =
        tryGit(dir, env, "clean", "-ffdx").status === 0 && tryGit(dir, env, "reset", "--hard", "HEAD").status === 0;
    if (!cleaned)
        for (const entry of fs.readdirSync(dir)) fs.rmSync(path.join(dir, entry), { recursive: true, force: true });
}
