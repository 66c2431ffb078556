import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { agentWaves, K3sCluster } from "../../../components/k3s/cluster";
import {
    API_CREDENTIAL_SCRIPT,
    credentialRevocationCommand,
    DRAIN_SCRIPT,
    INSTALL_SCRIPT,
    nodeRemovalCommand,
    uncordonCommand,
    uninstallCommand,
} from "../../../components/k3s/node-commands";
import { k3sNodes } from "../../fixtures";
import { isSecret, names, only, Registration, registrations, unwrap } from "../../harness";
import { missingCommand, requireTool } from "../../tools";
import { configIn } from "./node-input";

const COMMAND = "command:remote:Command";
const TOKEN = "password-k3s-token"; // what the mocks return for the generated token

const nodes = k3sNodes;

const build = (servers: number, agents: number, extra: object = {}) => {
    let cluster: K3sCluster | undefined;
    return registrations(() => {
        cluster = new K3sCluster("k3s", {
            nodes: nodes(servers, agents),
            version: "v1.34.2+k3s1",
            apiAddress: "10.0.1.1",
            traefik: true,
            ...extra,
        });
    }).then((recorded) => ({ recorded, cluster: cluster! }));
};

/** The config.yaml a node's install command hands over after the script. */
function configOf(recorded: Registration[], node: string): Record<string, unknown> {
    return configIn(only(recorded, COMMAND, `k3s-${node}`).inputs.stdin as string);
}

/** The longest chain of dependencies among the registrations. */
function longestChain(recorded: Registration[]): number {
    const byUrn = new Map(recorded.map((r) => [`${r.type}::${r.name}`, r]));
    const memo = new Map<Registration, number>();
    const depth = (r: Registration): number => {
        if (!memo.has(r)) {
            const parents = r.dependencies
                .map((urn) => byUrn.get(urn.split("::").slice(-2).join("::")))
                .filter(Boolean);
            memo.set(r, 1 + Math.max(0, ...parents.map((p) => depth(p!))));
        }
        return memo.get(r)!;
    };
    return Math.max(...recorded.map(depth));
}

describe("K3sCluster with 3 servers and 2 agents", () => {
    let recorded: Registration[];
    let cluster: K3sCluster;
    before(async () => {
        ({ recorded, cluster } = await build(3, 2, { apiAddress: "k3s.home.arpa" }));
    });

    it("initialises the cluster once, on the first server", () => {
        const initialising = ["server-1", "server-2", "server-3"].filter(
            (n) => configOf(recorded, n)["cluster-init"] === true,
        );
        assert.deepEqual(initialising, ["server-1"]);
    });

    it("joins the other servers through the first", () => {
        for (const server of ["server-2", "server-3"]) {
            assert.equal(configOf(recorded, server).server, "https://10.0.1.1:6443", server);
        }
    });

    it("joins the servers one after another", () => {
        // (k3s-token too: each install's config carries it.)
        const deps = (node: string) => names(only(recorded, COMMAND, `k3s-${node}`).dependencies).sort();
        assert.deepEqual(deps("server-1"), ["k3s-token"]);
        assert.deepEqual(deps("server-2"), ["k3s-server-1", "k3s-token"]);
        assert.deepEqual(deps("server-3"), ["k3s-server-2", "k3s-token"]);
    });

    it("joins the agents in waves once every server is installed, each wave after the one before", () => {
        const deps = (agent: string) => names(only(recorded, COMMAND, `k3s-${agent}`).dependencies).sort();
        assert.deepEqual(deps("agent-1"), ["k3s-agent-1-node", "k3s-server-3", "k3s-token"]);
        assert.deepEqual(deps("agent-2"), ["k3s-agent-1", "k3s-agent-2-node", "k3s-server-3", "k3s-token"]);
    });

    it("installs the pinned release on every server, checking the API at its own address as the API address", () => {
        assert.deepEqual(
            ["server-1", "server-2", "server-3"].map(
                (server) => only(recorded, COMMAND, `k3s-${server}`).inputs.create,
            ),
            [
                "sudo -n bash -s -- server v1.34.2+k3s1 server-1 10.0.1.1 k3s.home.arpa",
                "sudo -n bash -s -- server v1.34.2+k3s1 server-2 10.0.1.2 k3s.home.arpa",
                "sudo -n bash -s -- server v1.34.2+k3s1 server-3 10.0.1.3 k3s.home.arpa",
            ],
        );
        assert.equal(
            only(recorded, COMMAND, "k3s-agent-1").inputs.create,
            "sudo -n bash -s -- agent v1.34.2+k3s1 agent-1",
        );
    });

    it("disables servicelb on every server", () => {
        for (const server of ["server-1", "server-2", "server-3"]) {
            assert.deepEqual(configOf(recorded, server).disable, ["servicelb"], server);
        }
    });

    it("names the API address as a TLS SAN of every server", () => {
        for (const server of ["server-1", "server-2", "server-3"]) {
            assert.deepEqual(configOf(recorded, server)["tls-san"], ["k3s.home.arpa"]);
        }
    });

    it("hands the token only through the config file on stdin, as a secret", () => {
        for (const node of ["server-1", "server-2", "server-3", "agent-1", "agent-2"]) {
            assert.equal(configOf(recorded, node).token, TOKEN);
            assert.deepEqual(
                only(recorded, COMMAND, `k3s-${node}`).secretInputs.filter((p) => p === "stdin"),
                ["stdin"],
            );
        }
    });

    it("never puts the token in a command line or the install script", () => {
        for (const command of recorded.filter((r) => r.type === COMMAND)) {
            for (const key of ["create", "update", "delete"]) {
                assert.ok(!JSON.stringify(command.inputs[key] ?? "").includes(TOKEN), `${command.name}.${key}`);
            }
        }
        assert.ok(!INSTALL_SCRIPT.includes(TOKEN));
    });

    it("ends the script with the call that reads the config following it", () => {
        assert.equal(INSTALL_SCRIPT.trimEnd().split("\n").at(-1), 'main "$@"');
    });

    it("generates the token and keeps it secret", () => {
        const token = only(recorded, "random:index/randomPassword:RandomPassword", "k3s-token");
        assert.deepEqual(token.inputs, { length: 48, special: false });
        assert.ok(token.additionalSecretOutputs.includes("result"));
    });

    it("gets Pulumi's credential from the first server once every node is installed, as a secret", async () => {
        const read = only(recorded, COMMAND, "k3s-api-credential");
        assert.deepEqual(names(read.dependencies).sort(), ["k3s-agent-2", "k3s-server-3"]);
        assert.deepEqual(
            read.additionalSecretOutputs.filter((o) => o === "stdout"),
            ["stdout"],
        );
        assert.equal(await isSecret(cluster.kubeconfig), true);
        assert.match(await unwrap(cluster.kubeconfig), /server: https:\/\/k3s\.home\.arpa:6443/);
    });

    it("revokes the credential before a replacement mints the next, which would otherwise be the same token", () => {
        const credential = only(recorded, COMMAND, "k3s-api-credential");
        assert.deepEqual([credential.deleteBeforeReplace, credential.inputs.addPreviousOutputInEnv], [true, false]);
    });

    it("keeps the credential through an upgrade: the kubeconfig stays known at preview, no restart renews it", async () => {
        const credential = async (version: string) =>
            only((await build(3, 2, { version })).recorded, COMMAND, "k3s-api-credential").inputs;
        const before = await credential("v1.34.2+k3s1");
        assert.deepEqual(await credential("v1.34.3+k3s1"), before);
    });

    it("updates installs in place, so a change never runs the uninstall", () => {
        for (const node of ["server-1", "agent-1"]) {
            const install = only(recorded, COMMAND, `k3s-${node}`);
            assert.equal(install.inputs.update, install.inputs.create);
        }
    });

    it("uninstalls K3s from a node removed from the config", () => {
        assert.equal(
            only(recorded, COMMAND, "k3s-server-2").inputs.delete,
            "sudo -n sh -c '/usr/local/bin/k3s kubectl delete node server-2 --ignore-not-found --wait=false || true; /usr/local/bin/k3s-uninstall.sh'",
        );
        assert.equal(
            only(recorded, COMMAND, "k3s-agent-1").inputs.delete,
            "sudo -n /usr/local/bin/k3s-agent-uninstall.sh",
        );
    });

    it("deletes a removed agent's Node from the first server, after the agent uninstalled", () => {
        const removal = only(recorded, COMMAND, "k3s-agent-1-node");
        assert.deepEqual(
            [(removal.inputs.connection as any).host, removal.inputs.create, removal.inputs.delete],
            ["10.0.1.1", "true", "sudo -n /usr/local/bin/k3s kubectl delete node agent-1 --ignore-not-found"],
        );
        // The install depends on it, so Pulumi deletes the install (the uninstall) first.
        assert.ok(names(only(recorded, COMMAND, "k3s-agent-1").dependencies).includes("k3s-agent-1-node"));
        assert.deepEqual(names(removal.dependencies), ["k3s-server-1"]);
    });

    it("reports where the control plane serves metrics", () => {
        assert.deepEqual(cluster.metrics, {
            servers: ["10.0.1.1", "10.0.1.2", "10.0.1.3"],
            nodes: ["10.0.1.1", "10.0.1.2", "10.0.1.3", "10.0.2.1", "10.0.2.2"],
            etcd: true,
        });
    });
});

describe("K3sCluster draining nodes (production)", () => {
    let recorded: Registration[];
    const host = (name: string) => (only(recorded, COMMAND, name).inputs.connection as any).host;
    const deps = (name: string) => names(only(recorded, COMMAND, name).dependencies).sort();
    before(async () => {
        ({ recorded } = await build(2, 4, { drain: true }));
    });

    it("has a server drain itself before its install, and uncordon itself once it is Ready", () => {
        const drain = only(recorded, COMMAND, "k3s-server-2-drain");
        assert.deepEqual(
            [host("k3s-server-2-drain"), drain.inputs.create, drain.inputs.stdin],
            ["10.0.1.2", "sudo -n bash -s -- server-2", DRAIN_SCRIPT],
        );
        assert.deepEqual(
            [host("k3s-server-2-uncordon"), only(recorded, COMMAND, "k3s-server-2-uncordon").inputs.create],
            ["10.0.1.2", "sudo -n /usr/local/bin/k3s kubectl uncordon server-2 --request-timeout=10s"],
        );
        // (k3s-token too: the settings digest that triggers it covers the install's config.)
        assert.deepEqual(deps("k3s-server-2-drain"), ["k3s-server-1-uncordon", "k3s-token"]);
        assert.deepEqual(deps("k3s-server-2"), ["k3s-server-1-uncordon", "k3s-server-2-drain", "k3s-token"]);
        assert.deepEqual(deps("k3s-server-2-uncordon"), ["k3s-server-2", "k3s-token"]);
    });

    it("drains and uncordons an agent from the first server: an agent's credentials may not evict", () => {
        assert.deepEqual([host("k3s-agent-1-drain"), host("k3s-agent-1-uncordon")], ["10.0.1.1", "10.0.1.1"]);
        assert.equal(only(recorded, COMMAND, "k3s-agent-1-drain").inputs.create, "sudo -n bash -s -- agent-1");
    });

    it("drains a wave of agents only once the wave before is uncordoned", () => {
        // Four agents: waves [agent-1, agent-2], [agent-3], [agent-4].
        assert.deepEqual(deps("k3s-agent-3-drain"), [
            "k3s-agent-1-uncordon",
            "k3s-agent-2-uncordon",
            "k3s-agent-3-node",
            "k3s-server-2-uncordon",
            "k3s-token",
        ]);
        assert.deepEqual(deps("k3s-agent-3"), [
            "k3s-agent-1-uncordon",
            "k3s-agent-2-uncordon",
            "k3s-agent-3-drain",
            "k3s-agent-3-node",
            "k3s-server-2-uncordon",
            "k3s-token",
        ]);
    });

    it("drains no agent before the last server is back: none is held cordoned while servers restart", () => {
        assert.deepEqual(deps("k3s-agent-1-drain"), ["k3s-agent-1-node", "k3s-server-2-uncordon", "k3s-token"]);
    });

    it("runs a drain or an uncordon only on a replacement: any other change updates it with true", () => {
        for (const step of ["drain", "uncordon"]) {
            assert.equal(only(recorded, COMMAND, `k3s-agent-1-${step}`).inputs.update, "true");
        }
    });

    it("drains again exactly when the node's K3s restarts: new settings or a release, not a new connection", async () => {
        const triggers = async (extra: object, nodes = k3sNodes(2, 4)) => {
            const recorded = await registrations(() => {
                new K3sCluster("k3s", {
                    nodes,
                    version: "v1.34.2+k3s1",
                    apiAddress: "10.0.1.1",
                    traefik: true,
                    drain: true,
                    ...extra,
                });
            });
            return ["agent-1", "agent-2"].map((agent) => [
                only(recorded, COMMAND, `k3s-${agent}-drain`).inputs.triggers,
                only(recorded, COMMAND, `k3s-${agent}-uncordon`).inputs.triggers,
            ]);
        };
        const [agent1, agent2] = await triggers({});
        assert.deepEqual(agent1[1], agent1[0]);
        assert.deepEqual(await triggers({}), [agent1, agent2]);
        assert.deepEqual(await triggers({ sshPrivateKey: "another key" }), [agent1, agent2]);
        const relabelled = k3sNodes(2, 4).map((n) => (n.name === "agent-1" ? { ...n, labels: { zone: "b" } } : n));
        const [changed, unchanged] = await triggers({}, relabelled);
        assert.deepEqual([changed[0] === agent1[0], unchanged], [false, agent2]);
        assert.notDeepEqual((await triggers({ version: "v1.34.3+k3s1" }))[0][0], agent1[0]);
    });
});

describe("K3sCluster at scale", () => {
    it("keeps the longest dependency chain bounded when agents are added: three waves at most", async () => {
        const small = await build(3, 3);
        const large = await build(3, 50);
        // An install per node, a Node removal per agent, Pulumi's credential.
        assert.equal(large.recorded.filter((r) => r.type === COMMAND).length, 53 + 50 + 1);
        assert.equal(longestChain(large.recorded), longestChain(small.recorded));
    });
});

describe("agentWaves", () => {
    it("splits agents into at most three waves of near-equal size, in order", () => {
        assert.deepEqual(agentWaves([]), []);
        assert.deepEqual(agentWaves(["a", "b"]), [["a"], ["b"]]);
        assert.deepEqual(agentWaves(["a", "b", "c", "d", "e", "f", "g"]), [["a", "b", "c"], ["d", "e", "f"], ["g"]]);
        assert.equal(agentWaves(Array.from({ length: 50 }, (_, i) => i)).length, 3);
    });
});

describe("K3sCluster with one server", () => {
    it("runs SQLite without cluster-init when it takes no snapshots", async () => {
        const { recorded } = await build(1, 0);
        assert.equal("cluster-init" in configOf(recorded, "server-1"), false);
    });

    it("runs embedded etcd when it takes snapshots", async () => {
        const { recorded } = await build(1, 0, { snapshots: { schedule: "0 */12 * * *", retention: 10 } });
        const config = configOf(recorded, "server-1");
        assert.deepEqual(
            [config["cluster-init"], config["etcd-snapshot-schedule-cron"], config["etcd-snapshot-retention"]],
            [true, "0 */12 * * *", 10],
        );
    });

    it("adds the S3 keys to the servers' config files only, as secrets", async () => {
        const { recorded } = await build(1, 1, {
            snapshots: {
                schedule: "0 */6 * * *",
                retention: 28,
                s3: { endpoint: "minio.home.arpa", bucket: "snaps", accessKey: "AKID", secretKey: "SECRETKEY" },
            },
        });
        const config = configOf(recorded, "server-1");
        assert.deepEqual([config["etcd-s3-access-key"], config["etcd-s3-secret-key"]], ["AKID", "SECRETKEY"]);
        assert.ok(only(recorded, COMMAND, "k3s-server-1").secretInputs.includes("stdin"));
        assert.deepEqual(
            Object.keys(configOf(recorded, "agent-1")).filter((key) => key.includes("s3")),
            [],
        );
    });
});

describe("shell the nodes run", function () {
    const check = (script: string) => {
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "sh-")), "script.sh");
        fs.writeFileSync(file, script);
        execFileSync("shellcheck", ["--shell=bash", file], { encoding: "utf8" });
    };
    // .ci/run installs shellcheck, and CI never runs without it.
    before(function () {
        requireTool(this, missingCommand("shellcheck", "shellcheck"));
    });

    it("passes shellcheck: install.sh", () => check(INSTALL_SCRIPT));

    it("passes shellcheck: api-credential.sh", () => check(API_CREDENTIAL_SCRIPT));

    it("passes shellcheck: drain.sh", () => check(DRAIN_SCRIPT));

    it("passes shellcheck: the uninstall commands", () => {
        const [server, agent] = [nodes(1, 0)[0], nodes(0, 1)[0]];
        check(
            [
                "#!/usr/bin/env bash",
                uninstallCommand(server),
                uninstallCommand(agent),
                nodeRemovalCommand(agent),
                credentialRevocationCommand("homelab-pulumi-token"),
                uncordonCommand(server),
                "",
            ].join("\n"),
        );
    });
});
