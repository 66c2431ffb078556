// install.sh run for real under bash, on stand-in nodes (test/stand-ins/): the files it writes,
// when it restarts K3s and when not, and how it fails.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { ADMISSION_CONFIG, AUDIT_POLICY, HARDENING_FILES, KERNEL_SETTINGS } from "../../../components/k3s/hardening";
import { INSTALL_SCRIPT, installInput } from "../../../components/k3s/node-commands";
import { K3S_CONFIG } from "../../../components/k3s/node-files";
import { World } from "../../stand-ins/world";
import { agent, bareNodes, CLUSTER, install, installedNodes, RELEASE, server } from "./stand-in-nodes";

const mode = (world: World, node: string, file: string) =>
    (fs.statSync(path.join(world.dir, "nodes", node, file)).mode & 0o777).toString(8);

describe("install.sh on a stand-in node", () => {
    it("saves config.yaml where K3s reads it, root-only", () => {
        const world = bareNodes();
        const result = install(world, "server-1", server());
        assert.equal(result.status, 0, result.stderr);
        assert.deepEqual(
            [mode(world, "server-1", K3S_CONFIG), mode(world, "server-1", path.dirname(K3S_CONFIG))],
            ["600", "755"],
        );
        assert.match(world.file("server-1", K3S_CONFIG)!, /^token: cluster-token$/m);
    });

    it("restarts nothing when run again with the same files: no installer, no restart", () => {
        const world = installedNodes("server-1");
        const again = install(world, "server-1", server());
        assert.equal(again.status, 0, again.stderr);
        assert.equal(world.starts("server-1"), 1);
        assert.deepEqual(
            again.calls.filter((c) => /curl|systemctl/.test(c)),
            ["server-1 systemctl is-active --quiet k3s"],
        );
        assert.match(
            again.stderr,
            /^\[homelab\] K3s v1\.34\.2\+k3s1 already runs with these settings: not restarted$/m,
        );
    });

    it("restarts K3s when only config.yaml changed, which the installer would skip", () => {
        const world = installedNodes("server-1");
        const changed = install(world, "server-1", server({ ...CLUSTER, traefik: false }));
        assert.equal(changed.status, 0, changed.stderr);
        assert.deepEqual(
            changed.calls.filter((c) => /curl|systemctl/.test(c)),
            ["server-1 systemctl stop k3s", "server-1 systemctl start k3s"],
        );
        assert.equal(world.starts("server-1"), 2);
    });

    it("hardens: kernel settings applied before K3s starts, the API server's policies where its flags point", () => {
        const world = bareNodes();
        const result = install(world, "server-1", server({ ...CLUSTER, hardening: true }));
        assert.equal(result.status, 0, result.stderr);
        assert.deepEqual(
            [
                world.file("server-1", HARDENING_FILES.kernelSettings),
                world.file("server-1", HARDENING_FILES.admission),
                world.file("server-1", HARDENING_FILES.auditPolicy),
            ],
            [KERNEL_SETTINGS, ADMISSION_CONFIG, AUDIT_POLICY],
        );
        assert.equal(
            world.state("server-1", "sysctl"),
            "vm.panic_on_oom=0\nvm.overcommit_memory=1\nkernel.panic=10\nkernel.panic_on_oops=1\n",
        );
        const sysctlAt = result.calls.findIndex((c) => c.startsWith("server-1 sysctl -p"));
        assert.ok(sysctlAt >= 0 && sysctlAt < result.calls.indexOf("server-1 systemctl restart k3s"));
    });

    it("removes the hardening files once hardening is off, and restarts K3s without them", () => {
        const world = bareNodes();
        install(world, "server-1", server({ ...CLUSTER, hardening: true }));
        const result = install(world, "server-1", server());
        assert.equal(result.status, 0, result.stderr);
        assert.deepEqual(
            Object.values(HARDENING_FILES).map((file) => world.file("server-1", file)),
            [undefined, undefined, undefined, undefined],
        );
        assert.equal(world.starts("server-1"), 2);
    });

    it("reports an agent that refuses its settings, and restarts it again on the next run until it starts", () => {
        const world = installedNodes("server-1");
        const refused = install(world, "agent-1", agent({ "etcd-s3": true }));
        assert.deepEqual(
            [refused.status, refused.stderr.split("\n").at(-2)],
            [1, "[homelab] K3s's installer failed for v1.34.2+k3s1; see above and: journalctl -u k3s-agent"],
        );
        assert.equal(world.state("agent-1", "journal"), 'level=fatal msg="flag provided but not defined: -etcd-s3"\n');
        const fixed = install(world, "agent-1", agent());
        assert.equal(fixed.status, 0, fixed.stderr);
        assert.deepEqual(
            fixed.calls.filter((c) => /systemctl (stop|start|restart)/.test(c)),
            ["agent-1 systemctl stop k3s-agent", "agent-1 systemctl start k3s-agent"],
        );
        assert.match(world.nodeStatus("agent-1")!, /^True v1\.34\.2\+k3s1 /);
    });

    it("restarts again when the last restart did not become Ready, though the files are the same", () => {
        const world = installedNodes("server-1");
        install(world, "agent-1", agent({ "etcd-s3": true }));
        const again = install(world, "agent-1", agent({ "etcd-s3": true }));
        assert.equal(again.status, 1);
        assert.deepEqual(
            again.calls.filter((c) => /systemctl (stop|start|restart)/.test(c)),
            ["agent-1 systemctl stop k3s-agent", "agent-1 systemctl start k3s-agent"],
        );
    });

    it("gives up at its deadline when the API does not answer where the kubeconfig points, saying what it last saw", () => {
        const world = installedNodes("server-1");
        const result = install(world, "server-1", server(), "10.0.1.99 10.0.1.99", 60);
        assert.deepEqual(
            [result.status, result.stderr.split("\n").at(-2)],
            [
                1,
                "[homelab] the API does not answer at https://10.0.1.99:6443 as 10.0.1.99 in time (last: Unable to connect to the server: dial tcp 10.0.1.99:6443: connect: no route to host)",
            ],
        );
    });

    it("does not hand over an API whose certificate lacks the API's name", () => {
        const world = installedNodes("server-1");
        const result = install(world, "server-1", server(), "10.0.1.1 k3s.home.arpa", 60);
        assert.deepEqual(
            [result.status, result.stderr.split("\n").at(-2)],
            [
                1,
                "[homelab] the API does not answer at https://10.0.1.1:6443 as k3s.home.arpa in time (last: Unable to connect to the server: tls: failed to verify certificate: x509: certificate is valid for 10.0.1.1, 127.0.0.1, not k3s.home.arpa)",
            ],
        );
    });

    it("refuses a server without the API's address and name to check", () => {
        const world = bareNodes();
        const result = world.run("server-1", `sudo -n bash -s -- server ${RELEASE} server-1`, installInput(server()));
        assert.deepEqual(
            [result.status, result.stderr],
            [2, "[homelab] a server needs the API's address and name to check, after its release and node name\n"],
        );
    });

    it("ends with the call that reads the files following it", () => {
        assert.equal(INSTALL_SCRIPT.trimEnd().split("\n").at(-1), 'main "$@"');
    });
});
