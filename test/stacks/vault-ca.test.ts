// The file Pulumi's Vault provider reads vault.caCert from.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { vaultCaCertFile } from "../../stacks/vault-ca";

const CA = "-----BEGIN CERTIFICATE-----\nvault-ca\n-----END CERTIFICATE-----\n";
const OTHER_CA = "-----BEGIN CERTIFICATE-----\nother-ca\n-----END CERTIFICATE-----\n";

describe("vaultCaCertFile", () => {
    let dir: string;
    beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "vault-ca-test-"))));
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("writes the PEM to a file named after its hash, which no other user can change", () => {
        const file = vaultCaCertFile(CA, dir);
        assert.equal(file, path.join(dir, "homelab-vault-ca-1b26d8644726b82b.pem"));
        assert.equal(fs.readFileSync(file, "utf8"), CA);
        assert.equal(fs.statSync(file).mode & 0o022, 0);
        assert.deepEqual(fs.readdirSync(dir), ["homelab-vault-ca-1b26d8644726b82b.pem"]);
    });

    it("keeps the same path for the same CA, and another for another CA", () => {
        assert.equal(vaultCaCertFile(CA, dir), vaultCaCertFile(CA, dir));
        assert.equal(vaultCaCertFile(OTHER_CA, dir), path.join(dir, "homelab-vault-ca-770c23651d3f1a3f.pem"));
    });

    it("leaves a file that holds the CA alone", () => {
        const file = vaultCaCertFile(CA, dir);
        const written = fs.statSync(file).ino;
        vaultCaCertFile(CA, dir);
        assert.equal(fs.statSync(file).ino, written);
    });

    it("writes the CA again over a file that was changed", () => {
        const file = vaultCaCertFile(CA, dir);
        fs.writeFileSync(file, OTHER_CA);
        vaultCaCertFile(CA, dir);
        assert.equal(fs.readFileSync(file, "utf8"), CA);
    });
});
