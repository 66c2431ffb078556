// install.sh's waits run for real under bash, with a stand-in `k3s` on PATH that answers each
// `k3s kubectl` call with the next line of a script of answers.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { KUBECONFIG_DIGEST, kubeVipManifest } from "../../../components/k3s/kube-vip";
import { INSTALL_SCRIPT } from "../../../components/k3s/node-commands";
import { runInstallFunctions } from "./install-functions";

const VERSION = "v1.34.2+k3s1";

/** Runs one of install.sh's functions as `role` with `answers` (one per kubectl call, the last
 *  repeated), the deadline `seconds` away, in `dir` with these extra arguments. */
function run(
    fn: string,
    role: "server" | "agent",
    answers: string[],
    seconds = 60,
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "k3s-")),
    extra: string[] = [],
) {
    fs.writeFileSync(path.join(dir, "answers"), answers.join("\n") + "\n");
    fs.writeFileSync(
        path.join(dir, "k3s"),
        [
            "#!/usr/bin/env bash",
            `n=$(cat "${dir}/count" 2>/dev/null || echo 0); echo $((n + 1)) > "${dir}/count"`,
            `lines=$(wc -l < "${dir}/answers"); line=$(( n + 1 > lines ? lines : n + 1 ))`,
            `printf '%b' "$(sed -n "\${line}p" "${dir}/answers")"`,
        ].join("\n"),
        { mode: 0o755 },
    );
    const files = `admin_kubeconfig=${dir}/k3s.yaml\npod_manifests=${dir}/pod-manifests`;
    const result = runInstallFunctions(`poll_seconds=0\ndeadline=$((SECONDS + ${seconds}))\n${files}\n${fn}`, {
        args: [role, VERSION, "node-1", ...extra],
        path: dir,
    });
    return {
        status: result.status,
        stderr: result.stderr,
        calls: fs.existsSync(path.join(dir, "count")) ? Number(fs.readFileSync(path.join(dir, "count"), "utf8")) : 0,
    };
}

describe("install.sh waits", () => {
    it("does not take the Ready status from before the restart: it waits for Ready on the new release", () => {
        const result = run("wait_until_ready", "server", [
            "True v1.33.6+k3s1",
            "False v1.34.2+k3s1",
            `True ${VERSION}`,
        ]);
        assert.deepEqual(
            [result.status, result.calls, result.stderr],
            [0, 3, `[homelab] node node-1 is Ready on ${VERSION}\n`],
        );
    });

    it("gives up at the run's deadline, saying what it last saw", () => {
        const result = run("wait_until_ready", "agent", ["True v1.33.6+k3s1"], 0);
        assert.equal(result.status, 1);
        assert.equal(
            result.stderr,
            `[homelab] node node-1 is not Ready on ${VERSION} in time (last: True v1.33.6+k3s1); see: journalctl -u k3s*\n`,
        );
    });

    it("holds an agent until every server runs the new release", () => {
        const result = run("wait_for_servers", "agent", [`v1.33.6+k3s1\\n${VERSION}\\n`, `${VERSION}\\n${VERSION}\\n`]);
        assert.deepEqual([result.status, result.calls], [0, 2]);
    });

    it("does not upgrade an agent whose servers never get there", () => {
        const result = run("wait_for_servers", "agent", [`v1.33.6+k3s1\\n${VERSION}\\n`], 0);
        assert.deepEqual(
            [result.status, result.stderr],
            [1, `[homelab] servers are not all on ${VERSION} in time; not upgrading this agent\n`],
        );
    });
});

describe("install.sh kube-vip manifest", () => {
    const manifest = kubeVipManifest({ address: "10.0.1.100", interface: "eth0" });
    const pod = Buffer.from(manifest).toString("base64");
    /** The manifest write_static_pod leaves, with K3s's kubeconfig as `kubeconfig` (none: not written yet). */
    const written = (dir: string, kubeconfig?: string) => {
        if (kubeconfig !== undefined) fs.writeFileSync(path.join(dir, "k3s.yaml"), kubeconfig);
        const result = run("write_static_pod", "server", [""], 60, dir, [pod]);
        assert.equal(result.status, 0, result.stderr);
        assert.deepEqual(fs.readdirSync(path.join(dir, "pod-manifests")), ["kube-vip.yaml"]);
        return fs.readFileSync(path.join(dir, "pod-manifests", "kube-vip.yaml"), "utf8");
    };
    const annotation = (text: string) =>
        (parse(text).metadata.annotations as Record<string, string>)[KUBECONFIG_DIGEST];

    it("writes the pod before K3s ever started, without a kubeconfig digest", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "k3s-"));
        assert.equal(written(dir), manifest.replace(`${KUBECONFIG_DIGEST}: none`, `${KUBECONFIG_DIGEST}: "none"`));
    });

    it("marks the pod with the digest of K3s's kubeconfig, so a renewed certificate restarts kube-vip", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "k3s-"));
        const first = written(dir, "client-certificate-data: b2xk\n");
        // sha256 of "client-certificate-data: b2xk\n"
        assert.equal(annotation(first), "43f4b3f2ac6a3f3d2c4cbf2e46ee31229b0c5c98b33ed5cc8fc89ff60a1fc41a");
        assert.equal(written(dir, "client-certificate-data: b2xk\n"), first);
        assert.notEqual(annotation(written(dir, "client-certificate-data: bmV3\n")), annotation(first));
    });

    it("rewrites the pod once K3s is Ready, after the restart that may renew the certificate", () => {
        const main = INSTALL_SCRIPT.slice(INSTALL_SCRIPT.indexOf("main() {"));
        assert.match(
            main,
            /\n {2}wait_until_ready\n {2}if \[ "\$role" = server \]; then\n {4}write_static_pod\n {2}fi\n\}/,
        );
    });
});
