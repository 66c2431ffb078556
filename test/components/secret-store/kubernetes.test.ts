import * as assert from "node:assert/strict";
import { ExternalSecrets } from "../../../components/external-secrets";
import { KubernetesSecretStore } from "../../../components/secret-store/kubernetes";
import { names, only, Registration, registrations } from "../../harness";

describe("KubernetesSecretStore", () => {
    let recorded: Registration[];
    before(async () => {
        recorded = await registrations(() => {
            const externalSecrets = new ExternalSecrets("external-secrets", {});
            new KubernetesSecretStore("secret-store", {
                externalSecrets,
                secrets: [{ name: "example-app", stringData: { "api-key": "dummy" } }],
            });
        });
    });

    it("creates the plain secrets in their namespace, as secrets", () => {
        const secret = only(recorded, "kubernetes:core/v1:Secret", "secret-store-example-app");
        assert.deepEqual(secret.inputs, {
            apiVersion: "v1",
            kind: "Secret",
            metadata: { name: "example-app", namespace: "homelab-secrets" },
            stringData: { "api-key": "dummy" },
        });
        assert.deepEqual(secret.secretInputs, ["stringData"]);
    });

    it("lets its reader only read secrets in that namespace", () => {
        const role = only(recorded, "kubernetes:rbac.authorization.k8s.io/v1:Role", "secret-store-reader");
        assert.deepEqual(role.inputs.metadata, { namespace: "homelab-secrets" });
        assert.deepEqual(role.inputs.rules, [
            { apiGroups: [""], resources: ["secrets"], verbs: ["get", "list", "watch"] },
        ]);
        assert.deepEqual(
            recorded
                .filter((r) => r.type.includes("ClusterRole") && !r.name.endsWith("webhook-gate"))
                .map((r) => r.name),
            [],
        );
    });

    it("binds the role to the reader account", () => {
        const binding = only(recorded, "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "secret-store-reader");
        assert.deepEqual(binding.inputs.subjects, [
            { kind: "ServiceAccount", name: "secret-store-reader", namespace: "homelab-secrets" },
        ]);
    });

    it("creates the homelab ClusterSecretStore on ESO's Kubernetes provider", () => {
        assert.deepEqual(
            only(recorded, "kubernetes:external-secrets.io/v1:ClusterSecretStore", "secret-store-store").inputs,
            {
                apiVersion: "external-secrets.io/v1",
                kind: "ClusterSecretStore",
                metadata: { name: "homelab", annotations: { "pulumi.com/waitFor": "condition=Ready" } },
                spec: {
                    provider: {
                        kubernetes: {
                            remoteNamespace: "homelab-secrets",
                            server: {
                                caProvider: {
                                    type: "ConfigMap",
                                    name: "kube-root-ca.crt",
                                    key: "ca.crt",
                                    namespace: "homelab-secrets",
                                },
                            },
                            auth: { serviceAccount: { name: "secret-store-reader", namespace: "homelab-secrets" } },
                        },
                    },
                },
            },
        );
    });

    it("creates the store after ESO's chart, its webhook gate, the reader's binding and the secrets", () => {
        const store = only(recorded, "kubernetes:external-secrets.io/v1:ClusterSecretStore", "secret-store-store");
        assert.deepEqual(names(store.dependencies).sort(), [
            "external-secrets-chart",
            "secret-store-example-app",
            "secret-store-reader",
            "secret-store-webhook-gate",
        ]);
    });

    it("touches no Vault", () => {
        assert.deepEqual(
            recorded.filter((r) => r.type.startsWith("vault:") || r.type === "pulumi:providers:vault"),
            [],
        );
    });
});
