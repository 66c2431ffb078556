// install.sh's saving of the node's config.yaml, run for real under bash: where K3s reads it,
// and root-only from its first byte, since it holds the cluster token.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runInstallFunctions } from "./install-functions";

const bash = (commands: string, stdin = "") => runInstallFunctions(commands, { stdin });

describe("install.sh config.yaml", () => {
    it("is saved where K3s reads its settings", () => {
        assert.equal(bash('echo "$k3s_config"').stdout, "/etc/rancher/k3s/config.yaml\n");
    });

    it("is saved root-only, in a root-only folder, exactly as it arrives on stdin", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "k3s-config-"));
        const file = path.join(dir, "rancher", "config.yaml");
        const result = bash(`k3s_config=${file}\nsave_config`, "token: s3cr3t\nnode-name: node-1\n");
        assert.equal(result.status, 0, result.stderr);
        assert.equal(fs.readFileSync(file, "utf8"), "token: s3cr3t\nnode-name: node-1\n");
        assert.equal((fs.statSync(file).mode & 0o777).toString(8), "600");
        assert.equal((fs.statSync(path.dirname(file)).mode & 0o777).toString(8), "700");
    });
});
