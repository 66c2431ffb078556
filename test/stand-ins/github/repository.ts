// A repository on the stand-in GitHub: a bare repository holding main and the environments'
// branches, with this project's scripts/ and .github/ in every commit (the jobs run them from
// their own checkouts), and a clone to make merges with.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ROOT } from "../../harness";
import { git } from "../../tools";

export class Repository {
    readonly remote = fs.mkdtempSync(path.join(os.tmpdir(), "github-"));
    private readonly work = fs.mkdtempSync(path.join(os.tmpdir(), "merges-"));

    constructor() {
        git(this.remote, "init", "-q", "--bare", "--initial-branch=main");
        git(this.work, "init", "-q", "--initial-branch=main");
        git(this.work, "remote", "add", "origin", this.remote);
        for (const folder of ["scripts", ".github"]) {
            fs.cpSync(path.join(ROOT, folder), path.join(this.work, folder), { recursive: true });
        }
        this.merge("the first commit", { "components/platform.ts": "v1" });
    }

    /** A merge to main changing `files` (path -> content); its commit. */
    merge(message: string, files: Record<string, string>): string {
        for (const [file, content] of Object.entries(files)) {
            fs.mkdirSync(path.dirname(path.join(this.work, file)), { recursive: true });
            fs.writeFileSync(path.join(this.work, file), content);
        }
        git(this.work, "add", "-A");
        git(this.work, "commit", "-q", "-m", message);
        git(this.work, "push", "-q", "origin", "main");
        return git(this.work, "rev-parse", "HEAD");
    }

    /** Where a branch of the stand-in GitHub is, or undefined. */
    at(branch: string): string | undefined {
        try {
            return git(this.remote, "rev-parse", "--verify", "--quiet", `refs/heads/${branch}`);
        } catch {
            return undefined;
        }
    }

    /** Sets a branch, as an earlier deploy (or a bootstrap by hand) left it. */
    set(branch: string, commit: string): void {
        git(this.remote, "update-ref", `refs/heads/${branch}`, commit);
    }
}
