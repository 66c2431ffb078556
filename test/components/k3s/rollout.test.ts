// The K3s layer as a real `pulumi up` runs it: the program's commands, as the mocks record them,
// run through a stand-in of Pulumi's engine and SSH against stand-ins of the nodes (installer,
// systemd, K3s and its API server, test/stand-ins/), which refuse what the real ones refuse.
import * as assert from "node:assert/strict";
import { parse } from "yaml";
import { K3sCluster, K3sClusterArgs } from "../../../components/k3s/cluster";
import { K3sNode } from "../../../components/k3s/config";
import { k3sNodes } from "../../fixtures";
import { registrations } from "../../harness";
import { Engine, Up } from "../../stand-ins/engine";
import { World } from "../../stand-ins/world";

const RELEASE = "v1.34.2+k3s1";
const NEXT_RELEASE = "v1.34.3+k3s1";
const KEY = "ssh-private-key-1";
const NEW_KEY = "ssh-private-key-2";
const VIP = { address: "10.0.1.100", interface: "eth0" };
const hostKey = (node: string) => `ssh-ed25519 AAAAhost-of-${node}`;

/** Two servers and an agent, each pinning its host key. */
const NODES: readonly K3sNode[] = k3sNodes(2, 1).map((n) => ({ ...n, hostKey: hostKey(n.name) }));

/** Production's settings: a VIP, drains, hardening, snapshots to S3. */
const PRODUCTION: Omit<K3sClusterArgs, "nodes"> = {
    version: RELEASE,
    sshPrivateKey: KEY,
    apiAddress: VIP.address,
    vip: VIP,
    traefik: true,
    drain: true,
    hardening: true,
    protect: true,
    snapshots: {
        schedule: "0 */6 * * *",
        retention: 28,
        s3: { endpoint: "minio.home.arpa:9000", bucket: "k3s", accessKey: "AKIA-S3", secretKey: "s3-secret-key" },
    },
};

/** A homelab of stand-in nodes and the stand-in engine that runs `pulumi up` on it. */
class Homelab {
    readonly world: World;
    private readonly engine: Engine;

    constructor(
        readonly nodes: readonly K3sNode[] = NODES,
        from?: Homelab,
    ) {
        this.world = from ? from.world.clone() : new World();
        this.engine = from ? from.engine.clone(this.world) : new Engine(this.world);
        if (from) return;
        for (const node of nodes) {
            this.world.addNode(node.name, {
                address: node.address,
                user: node.user,
                hostKey: hostKey(node.name),
                authorizedKeys: [KEY, NEW_KEY],
            });
        }
    }

    /** The same homelab, apart from this one from now on. */
    clone(): Homelab {
        return new Homelab(this.nodes, this);
    }

    /** `pulumi up` of the cluster with these arguments; the calls the nodes saw. */
    async up(args: Omit<K3sClusterArgs, "nodes">, nodes = this.nodes): Promise<Up & { calls: string[] }> {
        const program = await registrations(() => new K3sCluster("k3s", { nodes, ...args }));
        const up = this.engine.up(program);
        return { ...up, calls: this.world.takeCalls() };
    }
}

const steps = (up: Up) => up.steps.map((s) => `${s.op} ${s.name}`);
/** The calls one node saw, in order. */
const on = (calls: string[], node: string) =>
    calls.filter((c) => c.startsWith(`${node} `)).map((c) => c.slice(node.length + 1));

/** Production's first up, which each day-2 case starts from. */
const installed = new Homelab();
let first: Awaited<ReturnType<Homelab["up"]>>;
before(async () => {
    first = await installed.up(PRODUCTION);
});

describe("K3s on stand-in nodes: a first production up", () => {
    const lab = installed;

    it("installs the servers one after the other, then the agent, then gets Pulumi's credential", () => {
        assert.equal(first.failed, undefined, JSON.stringify(first.failed));
        assert.deepEqual(steps(first), [
            "create k3s-server-1-drain",
            "create k3s-server-1",
            "create k3s-server-1-uncordon",
            "create k3s-agent-1-node",
            "create k3s-server-2-drain",
            "create k3s-server-2",
            "create k3s-server-2-uncordon",
            "create k3s-agent-1-drain",
            "create k3s-agent-1",
            "create k3s-agent-1-uncordon",
            "create k3s-api-credential",
        ]);
    });

    it("starts K3s once on every node, Ready on the release", () => {
        for (const node of ["server-1", "server-2", "agent-1"]) {
            assert.equal(lab.world.starts(node), 1, node);
            assert.match(lab.world.nodeStatus(node)!, new RegExp(`^True ${RELEASE.replace("+", "\\+")} 2026-12-03T`));
        }
    });

    it("returns from the first server's install only once the API has answered through the VIP for 30 s", () => {
        const readyz = `kubectl as admin: get --raw /readyz --server https://${VIP.address}:6443`;
        const server1 = on(first.calls, "server-1");
        const restarted = server1.indexOf("systemctl restart k3s");
        assert.deepEqual(
            server1.slice(
                restarted,
                server1.indexOf("sudo /usr/local/bin/k3s kubectl uncordon server-1 --request-timeout=10s"),
            ),
            [
                "systemctl restart k3s",
                // The kubelet's status from before the restart does not count; its next post does.
                "kubectl as admin: get node server-1",
                "kubectl as admin: get node server-1",
                // kube-vip's pod, Ready.
                "kubectl as admin: get pod kube-vip-server-1",
                // It takes the lease 15 s after it started; then answers every 5 s for 30 s.
                readyz,
                ...Array(7).fill(readyz),
            ],
        );
    });

    it("never restarts kube-vip after the install: it started once on each server", () => {
        assert.deepEqual(
            ["server-1", "server-2"].map((s) => lab.world.state(s, "kube-vip-starts")),
            ["1\n", "1\n"],
        );
    });

    it("gives the agent only keys `k3s agent` accepts, with every optional setting on, and no S3 credential", () => {
        const config = parse(lab.world.file("agent-1", "etc/rancher/k3s/config.yaml")!);
        assert.deepEqual(Object.keys(config).sort(), [
            "kube-proxy-arg",
            "kubelet-arg",
            "node-ip",
            "node-name",
            "protect-kernel-defaults",
            "server",
            "token",
        ]);
        assert.equal(config.server, `https://${VIP.address}:6443`);
        assert.equal(JSON.stringify(config).includes("s3"), false);
    });

    it("gives the servers the S3 keys, which take the snapshots", () => {
        const config = parse(lab.world.file("server-2", "etc/rancher/k3s/config.yaml")!);
        assert.deepEqual([config["etcd-s3-access-key"], config["etcd-s3-secret-key"]], ["AKIA-S3", "s3-secret-key"]);
    });

    it("runs nothing on an up that changes nothing", async () => {
        const again = await lab.clone().up(PRODUCTION);
        assert.deepEqual([again.steps, again.calls], [[], []]);
    });
});

describe("K3s on stand-in nodes: day 2", () => {
    it("restarts K3s on the one node whose settings changed, drained first and uncordoned after", async () => {
        const lab = installed.clone();
        const labelled = NODES.map((n) => (n.name === "agent-1" ? { ...n, labels: { zone: "rack-2" } } : n));
        const change = await lab.up(PRODUCTION, labelled);
        assert.equal(change.failed, undefined, JSON.stringify(change.failed));
        assert.deepEqual(steps(change), [
            "replace k3s-agent-1-drain",
            "delete k3s-agent-1-drain",
            "update k3s-agent-1",
            "replace k3s-agent-1-uncordon",
            "delete k3s-agent-1-uncordon",
        ]);
        assert.deepEqual(
            change.calls.filter((c) => /drain|systemctl (stop|start|restart)|uncordon/.test(c)),
            [
                "server-1 kubectl as admin: drain agent-1",
                "agent-1 systemctl stop k3s-agent",
                "agent-1 systemctl start k3s-agent",
                "server-1 sudo /usr/local/bin/k3s kubectl uncordon agent-1 --request-timeout=10s",
                "server-1 kubectl as admin: uncordon agent-1",
            ],
        );
        assert.deepEqual(
            ["server-1", "server-2", "agent-1"].map((n) => lab.world.starts(n)),
            [1, 1, 2],
        );
        assert.deepEqual(parse(lab.world.state("agent-1", "running")!)["node-label"], ["zone=rack-2"]);
        assert.equal(lab.world.cordoned("agent-1"), false);
    });

    it("restarts a node's K3s without the installer when only its settings changed (dev: no drain)", async () => {
        const dev = { version: RELEASE, sshPrivateKey: KEY, apiAddress: "10.0.1.1", traefik: true };
        const lab = new Homelab(k3sNodes(1, 0));
        await lab.up(dev);
        const change = await lab.up({ ...dev, traefik: false });
        assert.deepEqual(steps(change), ["update k3s-server-1"]);
        assert.deepEqual(on(change.calls, "server-1").slice(0, 3), [
            "sudo bash -s -- server v1.34.2+k3s1 server-1 10.0.1.1 10.0.1.1",
            "systemctl stop k3s",
            "systemctl start k3s",
        ]);
        assert.deepEqual(parse(lab.world.state("server-1", "running")!).disable, ["servicelb", "traefik"]);
    });

    describe("an upgrade", () => {
        let lab: Homelab;
        let upgrade: Awaited<ReturnType<Homelab["up"]>>;
        before(async () => {
            lab = installed.clone();
            // The first server's restart renews its admin certificate, which kube-vip reads.
            lab.world.setState("server-1", "renew-certificate");
            upgrade = await lab.up({ ...PRODUCTION, version: NEXT_RELEASE });
        });

        it("upgrades the servers, then the agent, which never lists Nodes with its kubelet's identity", () => {
            assert.equal(upgrade.failed, undefined, JSON.stringify(upgrade.failed));
            assert.deepEqual(
                upgrade.steps.filter((s) => s.op === "update").map((s) => s.name),
                ["k3s-server-1", "k3s-server-2", "k3s-agent-1"],
            );
            assert.deepEqual(
                on(upgrade.calls, "agent-1").filter((c) => c.startsWith("kubectl")),
                [
                    "kubectl as system:node:agent-1: get node agent-1",
                    "kubectl as system:node:agent-1: get node agent-1",
                ],
            );
            for (const node of ["server-1", "server-2", "agent-1"]) {
                assert.equal(lab.world.state(node, "release"), `${NEXT_RELEASE}\n`, node);
            }
        });

        it("restarts kube-vip where K3s renewed its certificate, and returns when the VIP answers again", () => {
            assert.deepEqual(
                ["server-1", "server-2"].map((s) => lab.world.state(s, "kube-vip-starts")),
                ["2\n", "1\n"],
            );
            const server1 = on(upgrade.calls, "server-1");
            const restarted = server1.indexOf("systemctl restart k3s");
            assert.deepEqual(server1.slice(restarted + 3, restarted + 6), [
                // The old pod until the kubelet sees the new manifest, then the new one.
                "kubectl as admin: get pod kube-vip-server-1",
                "kubectl as admin: get pod kube-vip-server-1",
                "kubectl as admin: get pod kube-vip-server-1",
            ]);
            // Then the VIP, which server-2 holds while server-1 restarts, for 30 s.
            assert.equal(server1.filter((c) => c.includes("readyz")).length, 7);
        });
    });

    it("takes a new SSH key and a re-pinned host key by updating every command, restarting and draining nothing", async () => {
        const lab = installed.clone();
        lab.world.setHostKey("server-2", "ssh-ed25519 AAAAreinstalled");
        const repinned = NODES.map((n) =>
            n.name === "server-2" ? { ...n, hostKey: "ssh-ed25519 AAAAreinstalled" } : n,
        );
        const rotated = await lab.up({ ...PRODUCTION, sshPrivateKey: NEW_KEY }, repinned);
        assert.equal(rotated.failed, undefined, JSON.stringify(rotated.failed));
        assert.deepEqual([...new Set(rotated.steps.map((s) => s.op))], ["update"]);
        assert.deepEqual(
            rotated.calls.filter((c) => /drain|systemctl (stop|start|restart)|curl/.test(c)),
            [],
        );
        assert.deepEqual(
            ["server-1", "server-2", "agent-1"].map((n) => lab.world.starts(n)),
            [1, 1, 1],
        );
    });
});
