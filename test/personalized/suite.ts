// The whole suite on another homelab: each Pulumi.<stack>.yaml of this checkout made someone
// else's (personalize.ts) in a temporary clone, then `npm test` there. A user who edits the
// stack files to their homelab keeps a green suite; a test that asserts the example's own
// values (node names, addresses, domain, pool, repository) fails here.
// Run by `npm run test:personalized` (CI runs it after `npm test`); it takes as long as the suite.
// KEEP_CLONE=1 leaves the clone in the temporary folder, to look into a failure.
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { personalize } from "./personalize";

const ROOT = path.join(__dirname, "..", "..");
const STACKS = ["dev", "staging", "production"];

/** git in `cwd`, as a fixed author; fails the test on an error. */
function git(cwd: string, ...args: string[]): string {
    const run = spawnSync("git", ["-c", "user.name=test", "-c", "user.email=test@example.net", ...args], {
        cwd,
        encoding: "utf8",
    });
    assert.equal(run.status, 0, `git ${args.join(" ")}: ${run.stderr}`);
    return run.stdout;
}

/** A clone of this repository, its history included, with this checkout's files as they are
 *  (uncommitted changes committed on top), sharing its node_modules. */
function cloneCheckout(): string {
    const clone = fs.mkdtempSync(path.join(os.tmpdir(), "homelab-personalized-"));
    git(ROOT, "clone", "-q", "--no-local", ROOT, clone);
    const files = new Set(git(ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard").split("\0"));
    for (const file of [...files].filter((f) => f && fs.existsSync(path.join(ROOT, f)))) {
        fs.mkdirSync(path.dirname(path.join(clone, file)), { recursive: true });
        fs.copyFileSync(path.join(ROOT, file), path.join(clone, file));
        fs.chmodSync(path.join(clone, file), fs.statSync(path.join(ROOT, file)).mode);
    }
    for (const file of git(clone, "ls-files", "-z").split("\0"))
        if (file && (!files.has(file) || !fs.existsSync(path.join(ROOT, file)))) fs.rmSync(path.join(clone, file));
    git(clone, "add", "-A");
    git(clone, "commit", "-q", "--allow-empty", "-m", "the checkout");
    // A link, not the folder .gitignore names: Git is told to leave it out as well.
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(clone, "node_modules"), "dir");
    fs.appendFileSync(path.join(clone, ".git", "info", "exclude"), "/node_modules\n");
    return clone;
}

describe("the suite on another homelab", function () {
    this.timeout(15 * 60_000);
    let clone: string;
    before(() => (clone = cloneCheckout()));
    after(() => process.env.KEEP_CLONE || fs.rmSync(clone, { recursive: true, force: true }));

    it("changes every stack file's site-specific values", () => {
        for (const stack of STACKS) {
            const file = path.join(clone, `Pulumi.${stack}.yaml`);
            const before = fs.readFileSync(file, "utf8");
            const after = personalize(stack, before);
            assert.notEqual(after, before, `Pulumi.${stack}.yaml`);
            fs.writeFileSync(file, after);
        }
        const format = spawnSync("npx", ["prettier", "--write", ...STACKS.map((s) => `Pulumi.${s}.yaml`)], {
            cwd: clone,
            encoding: "utf8",
        });
        assert.equal(format.status, 0, format.stderr);
        git(clone, "commit", "-q", "-am", "our homelab");
    });

    it("passes there, as on the example", () => {
        // The tools the suite is told of by a path relative to this checkout are as far from the clone.
        const env = { ...process.env };
        for (const tool of ["HELM", "HOMELAB_CHARTS_DIR"] as const) {
            const value = env[tool];
            if (value?.includes("/")) env[tool] = path.resolve(ROOT, value);
        }
        const test = spawnSync("npm", ["test"], { cwd: clone, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
        const summary = test.stdout.search(/^\s+\d+ passing/m);
        const failures = summary >= 0 ? test.stdout.slice(summary) : test.stdout.slice(-8000);
        assert.equal(test.status, 0, `npm test failed on another homelab:\n${failures}\n${test.stderr}`);
        assert.equal(git(clone, "status", "--porcelain"), "", "npm test left files behind");
    });
});
