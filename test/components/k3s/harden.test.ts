// install.sh's part of K3s's CIS hardening, run for real under bash against the config.yaml the
// program writes: the kernel settings the kubelet insists on, and the admission and audit
// policies the hardened API server reads, where its flags say they are.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { agentConfig, HARDENING_FILES, K3sClusterSettings, serverConfig } from "../../../components/k3s/config";
import { INSTALL_SCRIPT } from "../../../components/k3s/node-commands";
import { k3sNode } from "../../fixtures";
import { runInstallFunctions } from "./install-functions";

const CLUSTER: K3sClusterSettings = {
    apiAddress: "192.168.30.10",
    joinAddress: "192.168.30.10",
    traefik: true,
    embeddedEtcd: true,
    secretsEncryption: true,
    hardening: true,
};

/** Runs install.sh's `commands` with its files under a temporary folder and a stand-in sysctl. */
function bash(commands: string, config?: Record<string, unknown>) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "harden-"));
    fs.writeFileSync(path.join(dir, "sysctl"), `#!/usr/bin/env bash\necho "$*" >> "${dir}/sysctl-calls"\n`, {
        mode: 0o755,
    });
    if (config) fs.writeFileSync(path.join(dir, "config.yaml"), stringify(config));
    const files = [
        `k3s_config=${dir}/config.yaml`,
        `admission_config=${dir}/psa.yaml`,
        `audit_policy=${dir}/audit.yaml`,
        `audit_log_dir=${dir}/logs`,
        `kernel_settings=${dir}/90-kubelet.conf`,
    ].join("\n");
    const result = runInstallFunctions(`${files}\n${commands}`, { path: dir });
    assert.equal(result.status, 0, result.stderr);
    const read = (name: string) =>
        fs.existsSync(path.join(dir, name)) ? fs.readFileSync(path.join(dir, name), "utf8") : undefined;
    return { dir, stdout: result.stdout, read };
}

/** What `commands` print with install.sh's own file locations. */
const ownLocations = (commands: string) => runInstallFunctions(commands).stdout;

describe("install.sh hardening", () => {
    it("writes its policies where the hardened API server's flags point", () => {
        const paths = ownLocations('printf "%s\\n" "$admission_config" "$audit_policy" "$audit_log_dir"');
        assert.equal(
            paths,
            `${HARDENING_FILES.admission}\n${HARDENING_FILES.auditPolicy}\n${path.dirname(HARDENING_FILES.auditLog)}\n`,
        );
        assert.equal(ownLocations('echo "$kernel_settings"'), "/etc/sysctl.d/90-kubelet.conf\n");
    });

    it("on a hardened server: the kernel settings applied, Pod Security and event limits, the audit policy", () => {
        const { read, dir } = bash("harden", serverConfig(CLUSTER, k3sNode("s1", "192.168.30.11"), "first"));
        assert.equal(
            read("90-kubelet.conf"),
            "vm.panic_on_oom=0\nvm.overcommit_memory=1\nkernel.panic=10\nkernel.panic_on_oops=1\n",
        );
        assert.equal(read("sysctl-calls"), `-p ${dir}/90-kubelet.conf\n`);
        const admission = parse(read("psa.yaml")!);
        const pods = admission.plugins.find((p: any) => p.name === "PodSecurity").configuration;
        assert.deepEqual(
            [pods.defaults.enforce, pods.defaults.audit, pods.defaults.warn, pods.exemptions.namespaces],
            ["baseline", "restricted", "restricted", ["kube-system"]],
        );
        assert.deepEqual(admission.plugins.find((p: any) => p.name === "EventRateLimit").configuration.limits, [
            { type: "Server", qps: 5000, burst: 20000 },
        ]);
        assert.deepEqual(parse(read("audit.yaml")!), {
            apiVersion: "audit.k8s.io/v1",
            kind: "Policy",
            rules: [{ level: "Metadata" }],
        });
        assert.ok(fs.statSync(path.join(dir, "logs")).isDirectory());
    });

    it("on a hardened agent: the kernel settings only, since no API server runs there", () => {
        const { read } = bash("harden", agentConfig(CLUSTER, k3sNode("a1", "192.168.30.21", "agent")));
        assert.notEqual(read("90-kubelet.conf"), undefined);
        assert.deepEqual([read("psa.yaml"), read("audit.yaml")], [undefined, undefined]);
    });

    it("without hardening: nothing written, no kernel setting changed", () => {
        const { read } = bash(
            "harden",
            serverConfig({ ...CLUSTER, hardening: false }, k3sNode("s1", "192.168.30.11"), "first"),
        );
        assert.deepEqual(
            [read("90-kubelet.conf"), read("sysctl-calls"), read("psa.yaml"), read("audit.yaml")],
            [undefined, undefined, undefined, undefined],
        );
    });

    it("hardens right after the config is saved, before K3s (re)starts", () => {
        const main = INSTALL_SCRIPT.slice(INSTALL_SCRIPT.indexOf("main() {"));
        assert.ok(main.indexOf("harden") < main.indexOf("get.k3s.io"));
        assert.match(main, /\n {2}save_config\n {2}harden\n/);
    });
});
