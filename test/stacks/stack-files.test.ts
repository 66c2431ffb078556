// The repository's own Pulumi.<env>.yaml files, whatever homelab they describe: each is config the
// program accepts, and evaluates to K3s on exactly the nodes it lists. The other tests evaluate the
// fixture homelab's files (test/stacks/fixtures), so these stay the user's to edit.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { ENVIRONMENTS } from "../../stacks/config/profiles";
import { homelab } from "../../stacks/homelab";
import { K3S_KUBECONFIG, PROJECT, Registration, ROOT, settle, stackConfigFile, useStack } from "../../render/evaluate";

for (const environment of ENVIRONMENTS) {
    const file = path.join(ROOT, `Pulumi.${environment}.yaml`);
    describe(`the repository's Pulumi.${environment}.yaml`, () => {
        let registered: Registration[];
        before(async () => {
            // An encrypted kubeconfig is read for its content: the mocks' cluster stands in for it.
            const { config, secretKeys } = stackConfigFile(environment);
            const kubeconfig = `${PROJECT}:kubeconfig`;
            if (kubeconfig in config) config[kubeconfig] = K3S_KUBECONFIG;
            registered = await useStack(environment, { config, secretKeys });
            homelab();
            await settle();
        });

        it("installs K3s on exactly the nodes it lists, or none where it uses a kubeconfig", () => {
            const nodes = (
                parse(fs.readFileSync(file, "utf8")) as {
                    config: { "homelab:cluster"?: { nodes?: { name: string }[] } };
                }
            ).config["homelab:cluster"]?.nodes;
            // Each node's install runs `bash -s -- <role> <release> <node name>` over SSH.
            const installs = registered
                .filter((r) => r.type === "command:remote:Command")
                .flatMap(
                    (r) => /^sudo -n bash -s -- (?:server|agent) \S+ (\S+)/.exec(String(r.inputs.create))?.[1] ?? [],
                );
            assert.deepEqual(installs.sort(), (nodes ?? []).map((n) => n.name).sort());
        });

        it("registers the platform: one Kubernetes provider and the Argo CD chart", () => {
            assert.deepEqual(
                registered.filter((r) => r.type === "pulumi:providers:kubernetes").map((r) => r.name),
                ["kubernetes"],
            );
            assert.ok(registered.some((r) => r.type === "kubernetes:helm.sh/v4:Chart" && r.name === "argocd-chart"));
        });
    });
}
