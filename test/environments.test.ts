// Each environment as a whole: the program evaluated with its own Pulumi.<env>.yaml, the way
// `pulumi up --stack <env>` feeds it config.
import * as assert from "node:assert/strict";
import { ENVIRONMENTS, PROFILES } from "../stacks/profiles";
import { homelab } from "../stacks/homelab";
import { isSecret, K3S_KUBECONFIG, Registration, settle, stackConfigFile, unwrap, useStack } from "./harness";

/** What each example stack file describes. */
const EXPECTED = {
    dev: { firstServer: "192.168.10.11", servers: ["dev-k3s-1"], agents: [] as string[] },
    staging: { firstServer: "192.168.20.11", servers: ["staging-k3s-1"], agents: ["staging-k3s-2"] },
    production: {
        firstServer: "192.168.30.11",
        servers: ["prod-k3s-1", "prod-k3s-2", "prod-k3s-3"],
        agents: ["prod-k3s-4", "prod-k3s-5"],
    },
};

for (const environment of ENVIRONMENTS) {
    const expected = EXPECTED[environment];

    describe(`${environment} stack (Pulumi.${environment}.yaml)`, () => {
        let registered: Registration[];
        let outputs: ReturnType<typeof homelab>;
        const byName = (name: string) => registered.find((r) => r.name === name) as Registration;

        before(async () => {
            registered = await useStack(environment, stackConfigFile(environment));
            outputs = homelab();
            await settle();
        });

        it("runs one command, the kubeconfig read, and creates one Kubernetes provider", () => {
            const of = (prefix: string) => registered.filter((r) => r.type.startsWith(prefix)).map((r) => r.name);
            assert.deepEqual(of("command:"), ["kubeconfig"]);
            assert.deepEqual(of("pulumi:providers:kubernetes"), ["kubernetes"]);
        });

        it("reads the kubeconfig from the first server over SSH with sudo", () => {
            assert.deepEqual(byName("kubeconfig").inputs, {
                connection: {
                    host: expected.firstServer,
                    port: 22,
                    user: "admin",
                    dialErrorLimit: 10,
                    perDialTimeout: 15,
                },
                create: "sudo -n cat /etc/rancher/k3s/k3s.yaml",
                logging: "stderr",
            });
        });

        it("keeps the read kubeconfig secret in state and out of the logs", () => {
            const read = byName("kubeconfig");
            assert.deepEqual([...read.additionalSecretOutputs].sort(), ["connection", "stdout"]);
            assert.equal(read.inputs.logging, "stderr");
        });

        it("gives the provider the kubeconfig, pointed at the API address, as a secret", () => {
            const provider = byName("kubernetes");
            assert.deepEqual(provider.inputs, {
                kubeconfig: K3S_KUBECONFIG.replace("https://127.0.0.1:6443", `https://${expected.firstServer}:6443`),
            });
            assert.deepEqual(provider.secretInputs, ["kubeconfig"]);
        });

        it("creates the provider after the kubeconfig is read", () => {
            assert.deepEqual(byName("kubernetes").dependencies, [
                `urn:pulumi:${environment}::homelab::command:remote:Command::kubeconfig`,
            ]);
        });

        it("exports the environment and its profile", () => {
            assert.equal(outputs.environment, environment);
            assert.deepEqual(outputs.profile, PROFILES[environment]);
        });

        it("exports the cluster's servers and agents", () => {
            assert.deepEqual(outputs.cluster, { mode: "nodes", servers: expected.servers, agents: expected.agents });
        });

        it("exports the kubeconfig as a secret output", async () => {
            assert.equal(await isSecret(outputs.kubeconfig), true);
            assert.equal(await unwrap(outputs.kubeconfig), K3S_KUBECONFIG.replace("127.0.0.1", expected.firstServer));
        });
    });
}
