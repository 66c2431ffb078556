// Every test that reads a rendered stack, in one process: each stack, topology and set of
// applications is rendered once per run and shared by all the tests that read it. Mocha runs the
// other test files in a second process beside this one; .mocharc.json leaves these files out of
// its spec, so that they load here only.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import "./render/gitops.test";
import "./render/stack.test";
import "./rendered/backups.test";
import "./rendered/broken.test";
import "./rendered/environments.test";
import "./rendered/example-app.test";
import "./rendered/footprint.test";
import "./rendered/monitoring/alerts.test";
import "./rendered/monitoring/dedup.test";
import "./rendered/monitoring/rule-jobs.test";

describe("the rendered tests' process", () => {
    it("runs exactly the files .mocharc.json leaves out of the others", () => {
        const imported = [...fs.readFileSync(__filename, "utf8").matchAll(/^import "\.\/(.+)";$/gm)].map(
            (m) => `test/${m[1]}.ts`,
        );
        const mocharc = JSON.parse(fs.readFileSync(path.join(__dirname, "..", ".mocharc.json"), "utf8")) as {
            ignore: string[];
        };
        assert.deepEqual(mocharc.ignore, imported);
    });
});
