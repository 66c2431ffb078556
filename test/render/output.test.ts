import * as assert from "node:assert/strict";
import { Manifest } from "../../render/kinds";
import { redact } from "../../render/output";

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
