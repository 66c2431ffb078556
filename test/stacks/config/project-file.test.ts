// Pulumi.yaml's config declarations, as the Pulumi CLI reads them before the program runs.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { configSchema } from "../../../stacks/config/schema";
import { ROOT } from "../../harness";

const declared = (
    parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as {
        config: Record<string, { default?: unknown }>;
    }
).config;

describe("Pulumi.yaml", () => {
    it("declares no key without a default: the CLI would stop a stack lacking it before the program's own message", () => {
        assert.deepEqual(
            Object.entries(declared)
                .filter(([, declaration]) => !("default" in declaration))
                .map(([key]) => key),
            [],
        );
    });

    it("declares only keys the program knows", () => {
        const known = Object.keys(configSchema.shape);
        assert.deepEqual(
            Object.keys(declared).filter((key) => !known.includes(key)),
            [],
        );
    });
});
