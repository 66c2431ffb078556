// The README's commands, as a newcomer runs them from the clone: what they write stays out of
// Git and out of the formatting check, so `git status` stays clean and `npm test` stays green.
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { ROOT } from "./harness";

/** The shell lines of the README's bash blocks. */
function commands(): string[] {
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    return [...readme.matchAll(/```bash\n([\s\S]*?)```/g)].flatMap((m) => m[1].split("\n").filter(Boolean));
}

/** Where a command writes in the clone: its `--out` and its stdout redirected to a file (its
 *  comment left aside; paths outside the clone, absolute or under ~, are not the clone's). */
const written = (line: string) =>
    [...line.replace(/\s+#.*$/, "").matchAll(/(?:--out\s+|>\s*)([\w./-]+)/g)]
        .map((m) => m[1])
        .filter((p) => !p.startsWith("/"));

describe("the README's commands", () => {
    const outputs = commands().flatMap(written);

    it("write somewhere in the clone (the render and impact examples)", () => {
        assert.deepEqual(outputs, ["rendered/production", "rendered/dev.yaml", "rendered/impact.md"]);
    });

    it("write only where Git ignores", () => {
        const check = spawnSync("git", ["check-ignore", "--no-index", ...outputs], { cwd: ROOT, encoding: "utf8" });
        assert.deepEqual(check.stdout.split("\n").filter(Boolean), outputs);
    });

    it("write only where the formatting check does not look", () => {
        const ignored = fs
            .readFileSync(path.join(ROOT, ".prettierignore"), "utf8")
            .split("\n")
            .filter((l) => l.startsWith("/") && l.endsWith("/"));
        assert.deepEqual(
            outputs.filter((o) => !ignored.some((dir) => `/${o}`.startsWith(dir))),
            [],
        );
    });
});

describe("the README's prerequisites", () => {
    it("are enforced: npm refuses a Node older than the one the README names", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
            engines: { node: string };
        };
        const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
        assert.match(fs.readFileSync(path.join(ROOT, ".npmrc"), "utf8"), /^engine-strict=true$/m);
        assert.equal(pkg.engines.node, ">=22.12.0");
        assert.match(readme, /\*\*Node\.js 22 or newer\*\*/);
    });
});
