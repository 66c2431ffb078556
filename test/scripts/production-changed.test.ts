// Whether a commit changes anything production runs, over a fixture repository whose remote
// branch env/production-healthy holds the last commit production ran healthy. One case per path
// that reaches production, and per path that must not.
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ROOT } from "../../render/evaluate";
import { git } from "../tools";

const SCRIPT = path.join(ROOT, "scripts", "production-changed.sh");

/** Paths whose change reaches production, each by a file under it. */
const REACHES_PRODUCTION = [
    "Pulumi.production.yaml",
    "Pulumi.yaml",
    "components/metallb.ts",
    "stacks/platform.ts",
    "policy/rules.ts",
    "package.json",
    "package-lock.json",
    "tsconfig.json",
    ".nvmrc",
    "gitops/environments/production/values.yaml",
    "gitops/infrastructure/values.yaml",
    "gitops/applications/example-app/values.yaml",
    "gitops/application-namespace/values.yaml",
];

/** Paths whose change production never sees. */
const NOT_PRODUCTION = [
    "Pulumi.dev.yaml",
    "Pulumi.staging.yaml",
    "gitops/environments/dev/values.yaml",
    "gitops/environments/staging/applications/example-app.yaml",
    "gitops/secrets/staging/example-app.yaml",
    "docs/gitops.md",
    "README.md",
    "test/pipeline.test.ts",
    "bench/k3s-scale.ts",
    "render/cli.ts",
    "impact/report.ts",
    "scripts/health-gate.sh",
    ".github/workflows/deploy.yml",
    ".ci/run",
    "renovate.json",
    "eslint.config.mjs",
];

describe("scripts/production-changed.sh", () => {
    let repo: string;
    /** A commit changing `file`, from a state production last ran healthy. */
    const changing = (file: string) => {
        git(repo, "update-ref", "refs/remotes/origin/env/production-healthy", "HEAD");
        fs.mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
        fs.appendFileSync(path.join(repo, file), "changed\n");
        git(repo, "add", "-A");
        git(repo, "commit", "-q", "-m", file);
        return git(repo, "rev-parse", "HEAD");
    };
    const changed = (sha: string) => execFileSync("bash", [SCRIPT, sha], { cwd: repo }).toString();

    before(() => {
        repo = fs.mkdtempSync(path.join(os.tmpdir(), "promotion-"));
        git(repo, "init", "-q");
        git(repo, "commit", "-q", "--allow-empty", "-m", "start");
    });

    for (const file of REACHES_PRODUCTION) {
        it(`says true for a change to ${file}`, () => assert.equal(changed(changing(file)), "changed=true\n"));
    }

    for (const file of NOT_PRODUCTION) {
        it(`says false for a change to ${file} alone`, () => assert.equal(changed(changing(file)), "changed=false\n"));
    }

    it("compares with the last commit production ran healthy, so a failed update is asked for again", () => {
        const failed = changing("components/metallb.ts");
        // env/production moved to it; its update failed, so env/production-healthy stayed behind.
        git(repo, "update-ref", "refs/remotes/origin/env/production", failed);
        git(repo, "update-ref", "refs/remotes/origin/env/production-healthy", "HEAD~1");
        fs.appendFileSync(path.join(repo, "docs.md"), "docs\n");
        git(repo, "add", "-A");
        git(repo, "commit", "-q", "-m", "docs only");
        assert.equal(changed(git(repo, "rev-parse", "HEAD")), "changed=true\n");
    });

    it("says true when production has never run healthy", () => {
        git(repo, "update-ref", "-d", "refs/remotes/origin/env/production-healthy");
        assert.equal(changed(git(repo, "rev-parse", "HEAD")), "changed=true\n");
    });
});
