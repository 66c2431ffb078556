// The two ways to reach a cluster: an existing cluster's kubeconfig, or the nodes over SSH.
import * as assert from "node:assert/strict";
import { pointAt } from "../../components/k3s/node-commands";
import { homelab } from "../../stacks/homelab";
import { PROJECT, Registration, settle, fixtureStackFile, useStack, withConfig, withSecretConfig } from "../harness";

const EXISTING_KUBECONFIG = "apiVersion: v1\nclusters:\n- cluster:\n    server: https://k3s.home.arpa:6443\n";

describe("existing cluster (secret kubeconfig, no nodes)", () => {
    let registered: Registration[];
    let outputs: ReturnType<typeof homelab>;
    before(async () => {
        const file = withSecretConfig(withConfig(fixtureStackFile("dev"), { cluster: {} }), {
            kubeconfig: EXISTING_KUBECONFIG,
        });
        registered = await useStack("dev", file);
        outputs = homelab();
        await settle();
    });

    it("runs no command on any node", () => {
        assert.deepEqual(
            registered.filter((r) => r.type.startsWith("command:")),
            [],
        );
    });

    it("gives the provider the configured kubeconfig as a secret", () => {
        const provider = registered.find((r) => r.type === "pulumi:providers:kubernetes") as Registration;
        assert.deepEqual(provider.inputs, { kubeconfig: EXISTING_KUBECONFIG, clusterIdentifier: "homelab-dev" });
        assert.deepEqual(provider.secretInputs, ["kubeconfig"]);
    });

    it("scrapes no K3s control-plane endpoint, which an existing cluster may not expose", () => {
        const chart = registered.find((r) => r.name === "monitoring-chart")!;
        const values = chart.inputs.values as Record<string, unknown>;
        for (const key of ["kubeControllerManager", "kubeScheduler", "kubeProxy", "kubeEtcd"]) {
            assert.deepEqual(values[key], { enabled: false }, key);
        }
    });

    it("exports the cluster mode without nodes", () => {
        assert.deepEqual(outputs.cluster, { mode: "kubeconfig", servers: [], agents: [] });
    });
});

describe("nodes with an SSH private key", () => {
    let registered: Registration[];
    before(async () => {
        registered = await useStack(
            "dev",
            withSecretConfig(fixtureStackFile("dev"), { sshPrivateKey: "-----BEGIN OPENSSH PRIVATE KEY-----" }),
        );
        homelab();
        await settle();
    });

    it("connects with the key, kept secret", () => {
        const read = registered.find((r) => r.name === "k3s-api-credential") as Registration;
        assert.equal(
            (read.inputs.connection as Record<string, unknown>).privateKey,
            "-----BEGIN OPENSSH PRIVATE KEY-----",
        );
        assert.deepEqual(read.secretInputs, ["connection"]);
    });
});

describe("nodes without an SSH private key", () => {
    let registered: Registration[];
    before(async () => {
        registered = await useStack("dev", fixtureStackFile("dev"));
        homelab();
        await settle();
    });

    it("leaves the key out so the SSH agent is used", () => {
        const read = registered.find((r) => r.name === "k3s-api-credential") as Registration;
        assert.equal("privateKey" in (read.inputs.connection as Record<string, unknown>), false);
    });
});

describe("an API address", () => {
    let registered: Registration[];
    before(async () => {
        const file = withConfig(fixtureStackFile("dev"), {
            cluster: {
                apiAddress: "k3s.home.arpa",
                nodes: [{ name: "dev-k3s-1", address: "192.168.10.11", role: "server", user: "admin" }],
            },
        });
        registered = await useStack("dev", file);
        homelab();
        await settle();
    });

    it("is the server the provider's kubeconfig points at", () => {
        const provider = registered.find((r) => r.type === "pulumi:providers:kubernetes") as Registration;
        assert.match(provider.inputs.kubeconfig as string, /^ {4}server: https:\/\/k3s\.home\.arpa:6443$/m);
    });
});

describe("the provider's identity", () => {
    /** The Kubernetes provider production registers with this API address. */
    async function providerWith(apiAddress: string): Promise<Registration> {
        const file = fixtureStackFile("production");
        const cluster = JSON.parse(file.config[`${PROJECT}:cluster`]) as Record<string, unknown>;
        const registered = await useStack("production", withConfig(file, { cluster: { ...cluster, apiAddress } }));
        homelab();
        await settle();
        return registered.find((r) => r.type === "pulumi:providers:kubernetes") as Registration;
    }

    it("stays the environment's when the API address changes, so nothing is replaced", async () => {
        const before = await providerWith("k3s.home.arpa");
        const after = await providerWith("api.k3s.home.arpa");
        assert.match(before.inputs.kubeconfig as string, /server: https:\/\/k3s\.home\.arpa:6443/);
        assert.match(after.inputs.kubeconfig as string, /server: https:\/\/api\.k3s\.home\.arpa:6443/);
        assert.equal(before.inputs.clusterIdentifier, "homelab-production");
        assert.equal(after.inputs.clusterIdentifier, "homelab-production");
    });
});

describe("pointAt", () => {
    it("replaces only K3s's loopback server address", () => {
        const kubeconfig = "    server: https://127.0.0.1:6443\n    proxy-url: https://127.0.0.1:6443\n";
        assert.equal(
            pointAt(kubeconfig, "192.168.10.10"),
            "    server: https://192.168.10.10:6443\n    proxy-url: https://127.0.0.1:6443\n",
        );
    });
});
