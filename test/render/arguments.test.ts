import * as assert from "node:assert/strict";
import { parseArguments, USAGE } from "../../render/arguments";

describe("render arguments", () => {
    it("takes a stack and optional output and charts directories, as separate or = arguments", () => {
        assert.deepEqual(parseArguments(["production", "--out", "rendered", "--charts-dir=charts"]), {
            stack: "production",
            out: "rendered",
            chartsDir: "charts",
        });
        assert.deepEqual(parseArguments(["dev"]), { stack: "dev", out: undefined, chartsDir: undefined });
    });

    it("refuses a stack without its Pulumi.<stack>.yaml", () => {
        assert.throws(() => parseArguments(["prod"]), {
            message: "no Pulumi.prod.yaml: the stacks are the Pulumi.<stack>.yaml files beside Pulumi.yaml",
        });
    });

    it("refuses no stack, two stacks, an unknown option and an option without its directory", () => {
        assert.throws(() => parseArguments([]), { message: USAGE });
        assert.throws(() => parseArguments(["dev", "staging"]), { message: `unexpected argument staging\n${USAGE}` });
        assert.throws(() => parseArguments(["dev", "--output", "x"]), { message: `unknown option --output\n${USAGE}` });
        assert.throws(() => parseArguments(["dev", "--out"]), { message: `--out needs a value\n${USAGE}` });
        assert.throws(() => parseArguments(["dev", "--out="]), { message: `--out needs a value\n${USAGE}` });
    });
});
