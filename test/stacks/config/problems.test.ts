import * as assert from "node:assert/strict";
import { z } from "zod";
import { exampleAt, keyPath } from "../../../stacks/config/problems";
import { configSchema } from "../../../stacks/config/schema";

/** Every key path the schema accepts: object keys, and list items as index 0. */
function paths(schema: z.ZodType, at: PropertyKey[] = []): PropertyKey[][] {
    while (schema instanceof z.ZodOptional || schema instanceof z.ZodDefault || schema instanceof z.ZodPrefault)
        schema = schema.unwrap() as z.ZodType;
    if (schema instanceof z.ZodObject) {
        return Object.entries(schema.shape as Record<string, z.ZodType>).flatMap(([k, s]) => [
            [...at, k],
            ...paths(s, [...at, k]),
        ]);
    }
    if (schema instanceof z.ZodArray) return [[...at, 0], ...paths(schema.element as z.ZodType, [...at, 0])];
    return [];
}

describe("keyPath", () => {
    it("writes keys and indices as pulumi config --path does", () =>
        assert.equal(keyPath(["metallb", "pools", 0, "addresses", 1]), "metallb.pools[0].addresses[1]"));
    it("quotes a key that is not a plain name", () =>
        assert.equal(keyPath(["labels", "topology.kubernetes.io/zone"]), 'labels["topology.kubernetes.io/zone"]'));
});

describe("examples", () => {
    it("exist for every key of the config schema", () => {
        const missing = paths(configSchema)
            .filter((p) => exampleAt(configSchema, p) === undefined)
            .map(keyPath);
        assert.deepEqual(missing, []);
    });
    it("are found through list items", () =>
        assert.equal(exampleAt(configSchema, ["cluster", "nodes", 3, "address"]), "192.168.10.11"));
});
