// The stand-ins refuse what the real programs refuse: a stand-in that accepts whatever a script
// does would prove nothing about the script.
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { missingCommand, requireTool } from "../tools";
import { World } from "./world";

const RELEASE = "v1.34.2+k3s1";
const KUBELET = "/var/lib/rancher/k3s/agent/kubelet.kubeconfig";

/** A world with server-1 (10.0.1.1) running K3s with `server` and agent-1 with `agent` as config.yaml. */
function cluster(server: string, agent = "server: https://10.0.1.1:6443\ntoken: t\nnode-ip: 10.0.2.1\n") {
    const world = new World();
    world.addNode("server-1", { address: "10.0.1.1", user: "admin", hostKey: "host-1", authorizedKeys: ["key"] });
    world.addNode("agent-1", { address: "10.0.2.1", user: "admin", hostKey: "host-2", authorizedKeys: ["key"] });
    const start = (node: string, role: string, config: string) => {
        const file = `"$FAKE_WORLD/nodes/${node}/etc/rancher/k3s/config.yaml"`;
        return world.run(
            node,
            [
                `mkdir -p "$(dirname ${file})" && printf '%s' '${config}' > ${file}`,
                `INSTALL_K3S_VERSION=${RELEASE} sh "$(dirname "$(command -v curl)")/../get.k3s.io" ${role}`,
            ].join(" && "),
        );
    };
    return { world, start, server: start("server-1", "server", server), agent: () => start("agent-1", "agent", agent) };
}

const SERVER = "token: t\nnode-ip: 10.0.1.1\ntls-san:\n  - 10.0.1.100\n";

describe("stand-ins", () => {
    describe("the installer (get.k3s.io)", () => {
        it("skips the restart when only config.yaml changed, as get_installed_hashes sees nothing", () => {
            const { world, start } = cluster(SERVER);
            const again = start("server-1", "server", `${SERVER}disable:\n  - traefik\n`);
            assert.deepEqual(
                [again.status, again.stdout.trimEnd().split("\n").at(-1), world.starts("server-1")],
                [0, "[INFO]  No change detected so skipping service start", 1],
            );
        });

        it("restarts anyway with INSTALL_K3S_FORCE_RESTART=true", () => {
            const { world } = cluster(SERVER);
            const forced = world.run(
                "server-1",
                `INSTALL_K3S_FORCE_RESTART=true INSTALL_K3S_VERSION=${RELEASE} sh "$(dirname "$(command -v curl)")/../get.k3s.io" server`,
            );
            assert.deepEqual([forced.status, world.starts("server-1")], [0, 2]);
        });
    });

    describe("k3s agent", () => {
        it("stops at a server-only key in config.yaml", () => {
            const { world, agent } = cluster(SERVER, "server: https://10.0.1.1:6443\ntoken: t\netcd-s3: true\n");
            assert.equal(agent().status, 1);
            assert.equal(
                world.state("agent-1", "journal"),
                'level=fatal msg="flag provided but not defined: -etcd-s3"\n',
            );
        });

        it("does not join without the cluster's token", () => {
            const { world, agent } = cluster(SERVER, "server: https://10.0.1.1:6443\ntoken: other\n");
            assert.equal(agent().status, 1);
            assert.match(world.state("agent-1", "journal")!, /token CA hash does not match/);
        });

        it("with protect-kernel-defaults, does not start on the kernel's own settings", () => {
            const { world, agent } = cluster(
                SERVER,
                "server: https://10.0.1.1:6443\ntoken: t\nprotect-kernel-defaults: true\n",
            );
            assert.equal(agent().status, 1);
            assert.match(world.state("agent-1", "journal")!, /invalid kernel flag: vm.panic_on_oom, expected value: 0/);
        });
    });

    describe("kubectl", () => {
        it("lets a kubelet's identity read its own Node only, as the node authorizer does", () => {
            const { world, agent } = cluster(SERVER);
            agent();
            const kubectl = (args: string) =>
                world.run("agent-1", `k3s kubectl --kubeconfig "$FAKE_WORLD/nodes/agent-1${KUBELET}" ${args}`);
            kubectl("get node agent-1 -o name"); // its kubelet posts its status at its first report
            const own = kubectl("get node agent-1 -o name");
            const list = kubectl("get nodes -o name");
            const other = kubectl("get node server-1 -o name");
            assert.deepEqual([own.status, own.stdout], [0, "node/agent-1\n"]);
            assert.deepEqual(
                [list.status, list.stderr],
                [
                    1,
                    `Error from server (Forbidden): nodes is forbidden: User "system:node:agent-1" cannot list resource "nodes" in API group "" at the cluster scope: node 'agent-1' cannot read all nodes, only its own Node object\n`,
                ],
            );
            assert.equal(other.status, 1);
            assert.match(other.stderr, /cannot read 'server-1', only its own Node object/);
        });

        it("has no admin kubeconfig on an agent", () => {
            const { world, agent } = cluster(SERVER);
            agent();
            const result = world.run("agent-1", "k3s kubectl get node agent-1");
            assert.deepEqual(
                [result.status, result.stderr],
                [
                    1,
                    "The connection to the server localhost:8080 was refused - did you specify the right host or port?\n",
                ],
            );
        });

        it("refuses a certificate that does not name the server name", () => {
            const { world } = cluster(SERVER);
            const result = world.run(
                "server-1",
                "k3s kubectl --server https://10.0.1.1:6443 --tls-server-name k3s.home.arpa get --raw /readyz",
            );
            assert.deepEqual(
                [result.status, result.stderr],
                [
                    1,
                    "Unable to connect to the server: tls: failed to verify certificate: x509: certificate is valid for 10.0.1.100, 10.0.1.1, 127.0.0.1, not k3s.home.arpa\n",
                ],
            );
        });
    });

    describe("their own shell", function () {
        // .ci/run installs shellcheck, and CI never runs without it.
        before(function () {
            requireTool(this, missingCommand("shellcheck", "shellcheck"));
        });

        it("passes shellcheck", () => {
            const commands = fs.readdirSync(path.join(__dirname, "commands")).map((c) => path.join("commands", c));
            execFileSync("shellcheck", ["-x", "--shell=bash", "k3s", "lib.sh", ...commands], { cwd: __dirname });
            execFileSync("shellcheck", ["--shell=sh", "get.k3s.io"], { cwd: __dirname });
        });
    });

    describe("ssh and sudo", () => {
        it("refuses a host key other than the pinned one, and an unknown private key", () => {
            const { world } = cluster(SERVER);
            const connection = { host: "10.0.1.1", user: "admin", privateKey: "key" };
            assert.deepEqual(
                [
                    world.ssh({ ...connection, hostKey: "other" }, "true").stderr,
                    world.ssh({ ...connection, privateKey: "other" }, "true").stderr,
                    world.ssh({ ...connection, hostKey: "host-1" }, "true").status,
                ],
                [
                    "ssh: handshake failed: ssh: host key mismatch",
                    "ssh: handshake failed: ssh: unable to authenticate, attempted methods [none publickey]",
                    0,
                ],
            );
        });

        it("refuses sudo without -n: over SSH there is no terminal for a password", () => {
            const { world } = cluster(SERVER);
            assert.equal(world.run("server-1", "sudo true").status, 1);
        });
    });
});
