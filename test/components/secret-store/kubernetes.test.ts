import * as assert from "node:assert/strict";
import { ExternalSecrets } from "../../../components/external-secrets";
import { KubernetesSecretStore } from "../../../components/secret-store/kubernetes";
import { ONE_REDUCED } from "../../fixtures";
import { names, only, Registration, registrations } from "../../harness";

const STORE = "kubernetes:external-secrets.io/v1:ClusterSecretStore";
const ROLE = "kubernetes:rbac.authorization.k8s.io/v1:Role";
const BINDING = "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding";

describe("KubernetesSecretStore", () => {
    let recorded: Registration[];
    before(async () => {
        recorded = await registrations(() => {
            const externalSecrets = new ExternalSecrets("external-secrets", ONE_REDUCED);
            new KubernetesSecretStore("secret-store", {
                externalSecrets,
                applications: [
                    { name: "example-app", namespace: "example-app-dev" },
                    { name: "blog", namespace: "blog-dev" },
                ],
                secrets: [
                    { name: "example-app", stringData: { "api-key": "dummy" } },
                    { name: "blog", stringData: { "database-password": "dummy" } },
                ],
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

    it("lets each application's reader get its own secret and nothing else", () => {
        assert.deepEqual(
            ["example-app", "blog"].map((app) => {
                const { metadata, rules } = only(recorded, ROLE, `secret-store-reader-${app}`).inputs;
                return { metadata, rules };
            }),
            [
                {
                    metadata: { namespace: "homelab-secrets" },
                    rules: [
                        { apiGroups: [""], resources: ["secrets"], resourceNames: ["example-app"], verbs: ["get"] },
                    ],
                },
                {
                    metadata: { namespace: "homelab-secrets" },
                    rules: [{ apiGroups: [""], resources: ["secrets"], resourceNames: ["blog"], verbs: ["get"] }],
                },
            ],
        );
        assert.deepEqual(
            recorded
                .filter((r) => r.type.includes("ClusterRole") && !r.name.endsWith("webhook-gate"))
                .map((r) => r.name),
            [],
        );
    });

    it("binds each role to its application's reader account", () => {
        assert.deepEqual(only(recorded, BINDING, "secret-store-reader-blog").inputs.subjects, [
            { kind: "ServiceAccount", name: "secret-store-blog", namespace: "homelab-secrets" },
        ]);
    });

    it("gives each application a ClusterSecretStore on ESO's Kubernetes provider that only its namespace may use", () => {
        assert.deepEqual(only(recorded, STORE, "secret-store-store-example-app").inputs, {
            apiVersion: "external-secrets.io/v1",
            kind: "ClusterSecretStore",
            metadata: { name: "homelab-example-app", annotations: { "pulumi.com/waitFor": "condition=Ready" } },
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
                        auth: { serviceAccount: { name: "secret-store-example-app", namespace: "homelab-secrets" } },
                    },
                },
                conditions: [{ namespaces: ["example-app-dev"] }],
            },
        });
        const blog = only(recorded, STORE, "secret-store-store-blog").inputs as any;
        assert.deepEqual(
            [blog.spec.conditions, blog.spec.provider.kubernetes.auth.serviceAccount.name],
            [[{ namespaces: ["blog-dev"] }], "secret-store-blog"],
        );
    });

    it("creates each store after ESO's chart, its webhook gate, its reader's binding and its secret", () => {
        assert.deepEqual(names(only(recorded, STORE, "secret-store-store-blog").dependencies).sort(), [
            "external-secrets-chart",
            "secret-store-blog",
            "secret-store-reader-blog",
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
