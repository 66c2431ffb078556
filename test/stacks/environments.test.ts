// Each environment as a whole: the program evaluated with the fixture homelab's stack file of
// that environment, the way `pulumi up --stack <env>` feeds it config.
import * as assert from "node:assert/strict";
import { API_CREDENTIAL_SCRIPT } from "../../components/k3s/node-commands";
import { configIn } from "../components/k3s/node-input";
import { K3S_VERSION } from "../../components/shared/versions";
import { ENVIRONMENTS, PROFILES } from "../../stacks/config/profiles";
import { homelab } from "../../stacks/homelab";
import { isSecret, K3S_KUBECONFIG, Registration, settle, fixtureStackFile, unwrap, useStack } from "../harness";

/** What each fixture stack file (test/stacks/fixtures) describes. */
const EXPECTED = {
    dev: {
        firstServer: "192.168.10.11",
        apiAddress: "192.168.10.11",
        hostKey: undefined,
        servers: ["dev-k3s-1"],
        agents: [] as string[],
        drained: false,
    },
    staging: {
        firstServer: "192.168.20.11",
        apiAddress: "192.168.20.11",
        hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIa93kQdi6vxK04NeWIgfqnnD0bNidOtYc3ug8DxnqRb",
        servers: ["staging-k3s-1"],
        agents: ["staging-k3s-2"],
        drained: false,
    },
    production: {
        firstServer: "192.168.30.11",
        // The VIP kube-vip holds on one of the servers.
        apiAddress: "192.168.30.10",
        hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIL/RvWcyRfNz6VLYiFq5D2z2zM+LyM3aFPaCDsYnGLg6",
        servers: ["prod-k3s-1", "prod-k3s-2", "prod-k3s-3"],
        agents: ["prod-k3s-4", "prod-k3s-5"],
        drained: true,
    },
};

for (const environment of ENVIRONMENTS) {
    const expected = EXPECTED[environment];

    describe(`${environment} stack (the fixture homelab's)`, () => {
        let registered: Registration[];
        let outputs: ReturnType<typeof homelab>;
        const byName = (name: string) => registered.find((r) => r.name === name) as Registration;

        before(async () => {
            registered = await useStack(environment, fixtureStackFile(environment));
            outputs = homelab();
            await settle();
        });

        it("configures and installs K3s on every node, asks for Pulumi's credential, and creates one Kubernetes provider", () => {
            const of = (prefix: string) => registered.filter((r) => r.type.startsWith(prefix)).map((r) => r.name);
            const nodes = [...expected.servers, ...expected.agents];
            assert.deepEqual(
                of("command:").sort(),
                [
                    ...nodes.map((n) => `k3s-${n}`),
                    ...(expected.drained ? nodes.flatMap((n) => [`k3s-${n}-drain`, `k3s-${n}-uncordon`]) : []),
                    ...expected.agents.map((a) => `k3s-${a}-node`),
                    "k3s-api-credential",
                ].sort(),
            );
            assert.deepEqual(of("pulumi:providers:kubernetes"), ["kubernetes"]);
        });

        it("gets Pulumi's credential from the first server over SSH with sudo, never handing its old output on", () => {
            assert.deepEqual(byName("k3s-api-credential").inputs, {
                connection: {
                    host: expected.firstServer,
                    port: 22,
                    user: "admin",
                    // Pinned where the profile asks (staging, production): any other key stops it.
                    ...(expected.hostKey ? { hostKey: expected.hostKey } : {}),
                    dialErrorLimit: 10,
                    perDialTimeout: 15,
                },
                create: "sudo -n bash -s -- homelab-pulumi-token",
                stdin: API_CREDENTIAL_SCRIPT,
                delete: "sudo -n /usr/local/bin/k3s kubectl -n kube-system delete secret homelab-pulumi-token --ignore-not-found",
                logging: "stderr",
                addPreviousOutputInEnv: false,
            });
        });

        it("pins the host key of every node it connects to, where the profile asks", () => {
            const keys = registered
                .filter((r) => r.type === "command:remote:Command")
                .map((r) => (r.inputs.connection as { hostKey?: string }).hostKey);
            assert.ok(keys.length > 0);
            assert.deepEqual(
                keys.filter((k) => (environment === "dev" ? k !== undefined : k === undefined)),
                [],
            );
        });

        it("keeps the credential secret in state and out of the logs", () => {
            const read = byName("k3s-api-credential");
            assert.deepEqual([...read.additionalSecretOutputs].sort(), ["connection", "stdout"]);
            assert.equal(read.inputs.logging, "stderr");
        });

        it("gives the provider the kubeconfig, pointed at the API address, as a secret", () => {
            const provider = byName("kubernetes");
            assert.deepEqual(provider.inputs, {
                kubeconfig: K3S_KUBECONFIG.replace("https://127.0.0.1:6443", `https://${expected.apiAddress}:6443`),
                clusterIdentifier: `homelab-${environment}`,
            });
            assert.deepEqual(provider.secretInputs, ["kubeconfig"]);
        });

        it("creates the provider once the credential exists", () => {
            assert.deepEqual(byName("kubernetes").dependencies, [
                `urn:pulumi:${environment}::homelab::homelab:platform:K3sCluster$command:remote:Command::k3s-api-credential`,
            ]);
        });

        it("configures K3s with the profile's secrets encryption and etcd snapshots", () => {
            const stdin = byName(`k3s-${expected.servers[0]}`).inputs.stdin as string;
            const config = configIn(stdin);
            const k3s = {
                dev: {},
                staging: {
                    "secrets-encryption": true,
                    "etcd-snapshot-schedule-cron": "0 */12 * * *",
                    "etcd-snapshot-retention": 10,
                },
                production: {
                    "secrets-encryption": true,
                    "etcd-snapshot-schedule-cron": "0 */6 * * *",
                    "etcd-snapshot-retention": 28,
                },
            }[environment];
            const keys = ["secrets-encryption", "etcd-snapshot-schedule-cron", "etcd-snapshot-retention"];
            assert.deepEqual(Object.fromEntries(Object.entries(config).filter(([key]) => keys.includes(key))), k3s);
        });

        it("exports the environment and its profile", () => {
            assert.equal(outputs.environment, environment);
            assert.deepEqual(outputs.profile, PROFILES[environment]);
        });

        it("exports the cluster's servers and agents", () => {
            assert.deepEqual(outputs.cluster, {
                mode: "nodes",
                servers: expected.servers,
                agents: expected.agents,
                k3sVersion: K3S_VERSION,
            });
        });

        it("exports the kubeconfig as a secret output", async () => {
            assert.equal(await isSecret(outputs.kubeconfig), true);
            assert.equal(await unwrap(outputs.kubeconfig), K3S_KUBECONFIG.replace("127.0.0.1", expected.apiAddress));
        });
    });
}
