import * as assert from "node:assert/strict";
import { Manifest } from "../../render/kinds";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { redact, writeFiles } from "../../render/output";

describe("redact", () => {
    const secrets = new Set(["s3cr3t-password", "short"]);

    it("replaces every value of a Secret's data and stringData", () => {
        const secret: Manifest = {
            apiVersion: "v1",
            kind: "Secret",
            metadata: { name: "x", namespace: "apps" },
            data: { token: "dG9rZW4=" },
            stringData: { user: "admin" },
        };
        assert.deepEqual(redact(secret, secrets), {
            ...secret,
            data: { token: "<redacted>" },
            stringData: { user: "<redacted>" },
        });
    });

    it("replaces a known secret value wherever it shows up, but not values too short to tell apart", () => {
        const config: Manifest = {
            apiVersion: "v1",
            kind: "ConfigMap",
            metadata: { name: "x" },
            data: { url: "https://user:s3cr3t-password@example.com", note: "short" },
        };
        assert.deepEqual(redact(config, secrets).data, { url: "https://user:<redacted>@example.com", note: "short" });
    });
});

describe("writeFiles", () => {
    it("replaces a previous render's files and leaves other files alone", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rendered-"));
        fs.writeFileSync(path.join(dir, "removed-chart.yaml"), "stale");
        fs.writeFileSync(path.join(dir, "notes.txt"), "mine");
        writeFiles(dir, new Map([["program", "---\nkind: Namespace\n"]]));
        assert.deepEqual(fs.readdirSync(dir).sort(), ["notes.txt", "program.yaml"]);
        assert.equal(fs.readFileSync(path.join(dir, "program.yaml"), "utf8"), "---\nkind: Namespace\n");
    });
});
