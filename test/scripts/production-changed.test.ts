// Whether a commit changes anything production runs, over a fixture repository with a remote
// whose env/production holds what production runs.
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ROOT } from "../../render/evaluate";
import { git } from "../tools";

const SCRIPT = path.join(ROOT, "scripts", "production-changed.sh");

describe("scripts/production-changed.sh", () => {
    let repo: string;
    const commit = (file: string, text: string) => {
        fs.mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
        fs.writeFileSync(path.join(repo, file), text);
        git(repo, "add", "-A");
        git(repo, "commit", "-q", "-m", file);
        return git(repo, "rev-parse", "HEAD");
    };
    const changed = (sha: string) => execFileSync("bash", [SCRIPT, sha], { cwd: repo }).toString();

    before(() => {
        repo = fs.mkdtempSync(path.join(os.tmpdir(), "promotion-"));
        git(repo, "init", "-q");
        const base = commit("components/metallb.ts", "v1");
        // What the remote's env/production holds, as a fetch leaves it.
        git(repo, "update-ref", "refs/remotes/origin/env/production", base);
    });

    it("says false for changes to other environments, dummy secrets, docs, tests and CI only", () => {
        commit("Pulumi.dev.yaml", "dev");
        commit("gitops/environments/staging/values.yaml", "staging");
        commit("gitops/secrets/dev/app.yaml", "dummy");
        commit("docs/gitops.md", "docs");
        commit("README.md", "readme");
        commit("test/a.test.ts", "test");
        assert.equal(changed(commit(".github/workflows/deploy.yml", "ci")), "changed=false\n");
    });

    it("says true for the program, production's settings or the GitOps tree production runs", () => {
        assert.equal(changed(commit("gitops/applications/app/values.yaml", "app")), "changed=true\n");
        git(repo, "update-ref", "refs/remotes/origin/env/production", "HEAD");
        assert.equal(changed(commit("Pulumi.production.yaml", "prod")), "changed=true\n");
        git(repo, "update-ref", "refs/remotes/origin/env/production", "HEAD");
        assert.equal(changed(commit("components/metallb.ts", "v2")), "changed=true\n");
    });

    it("says true when production has run nothing yet", () => {
        git(repo, "update-ref", "-d", "refs/remotes/origin/env/production");
        assert.equal(changed(git(repo, "rev-parse", "HEAD")), "changed=true\n");
    });
});
