import * as assert from "node:assert/strict";
import { ExternalSecrets } from "../../../components/external-secrets";
import { applicationPolicy, VaultSecretStore, VaultSecretStoreArgs } from "../../../components/secret-store/vault";
import { ONE_REDUCED } from "../../fixtures";
import { CLUSTER_CA, names, only, REVIEWER_JWT, Registration, registrations } from "../../harness";

const ARGS: Omit<VaultSecretStoreArgs, "externalSecrets"> = {
    address: "https://vault.home.arpa:8200",
    authMount: "kubernetes-production",
    kvMount: "homelab/production",
    createKvMount: true,
    kubernetesHost: "https://192.168.30.11:6443",
    environment: "production",
    applications: [
        { name: "example-app", namespace: "example-app" },
        { name: "blog", namespace: "blog" },
    ],
};
const STORE = "kubernetes:external-secrets.io/v1:ClusterSecretStore";
const ROLE = "vault:kubernetes/authBackendRole:AuthBackendRole";

async function build(args: Partial<VaultSecretStoreArgs> = {}): Promise<Registration[]> {
    return registrations(() => {
        const externalSecrets = new ExternalSecrets("external-secrets", ONE_REDUCED);
        new VaultSecretStore("secret-store", { externalSecrets, ...ARGS, ...args });
    }, "production");
}

describe("VaultSecretStore", () => {
    let recorded: Registration[];
    before(async () => {
        recorded = await build();
    });

    it("mounts this cluster's Kubernetes auth backend at its own path", () => {
        assert.deepEqual(only(recorded, "vault:index/authBackend:AuthBackend", "secret-store-auth").inputs, {
            type: "kubernetes",
            path: "kubernetes-production",
            description: "Kubernetes auth for the production cluster",
        });
    });

    it("configures the backend with the API address, the cluster CA and the reviewer JWT, both secret", () => {
        const config = only(recorded, "vault:kubernetes/authBackendConfig:AuthBackendConfig", "secret-store-auth");
        assert.deepEqual(config.inputs, {
            backend: "kubernetes-production",
            kubernetesHost: "https://192.168.30.11:6443",
            kubernetesCaCert: CLUSTER_CA,
            tokenReviewerJwt: REVIEWER_JWT,
        });
        assert.deepEqual(config.secretInputs.sort(), ["kubernetesCaCert", "tokenReviewerJwt"]);
    });

    it("takes the reviewer JWT from a token of an account allowed to review tokens", () => {
        const token = only(recorded, "kubernetes:core/v1:Secret", "secret-store-token-reviewer");
        assert.equal(token.inputs.type, "kubernetes.io/service-account-token");
        assert.deepEqual((token.inputs.metadata as any).annotations, {
            "kubernetes.io/service-account.name": "vault-token-reviewer",
        });
        const binding = only(
            recorded,
            "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
            "secret-store-token-reviewer",
        );
        assert.deepEqual(binding.inputs.roleRef, {
            apiGroup: "rbac.authorization.k8s.io",
            kind: "ClusterRole",
            name: "system:auth-delegator",
        });
        assert.deepEqual(binding.inputs.subjects, [
            { kind: "ServiceAccount", name: "vault-token-reviewer", namespace: "external-secrets" },
        ]);
    });

    it("creates the environment's KV v2 mount", () => {
        assert.deepEqual(only(recorded, "vault:index/mount:Mount", "secret-store-kv").inputs, {
            path: "homelab/production",
            type: "kv",
            options: { version: "2" },
            description: "Application secrets of the production environment",
        });
    });

    it("grants each application read-only access to its own secrets under the mount, and nothing else", () => {
        assert.deepEqual(
            ["example-app", "blog"].map(
                (app) => only(recorded, "vault:index/policy:Policy", `secret-store-read-${app}`).inputs,
            ),
            [
                {
                    name: "external-secrets-production-example-app",
                    policy: [
                        "# Read-only access to example-app's secrets under homelab/production/, for its External Secrets store.",
                        'path "homelab/production/data/example-app" {',
                        '  capabilities = ["read"]',
                        "}",
                        'path "homelab/production/data/example-app/*" {',
                        '  capabilities = ["read"]',
                        "}",
                        'path "homelab/production/metadata/example-app" {',
                        '  capabilities = ["read", "list"]',
                        "}",
                        'path "homelab/production/metadata/example-app/*" {',
                        '  capabilities = ["read", "list"]',
                        "}",
                        "",
                    ].join("\n"),
                },
                {
                    name: "external-secrets-production-blog",
                    policy: [
                        "# Read-only access to blog's secrets under homelab/production/, for its External Secrets store.",
                        'path "homelab/production/data/blog" {',
                        '  capabilities = ["read"]',
                        "}",
                        'path "homelab/production/data/blog/*" {',
                        '  capabilities = ["read"]',
                        "}",
                        'path "homelab/production/metadata/blog" {',
                        '  capabilities = ["read", "list"]',
                        "}",
                        'path "homelab/production/metadata/blog/*" {',
                        '  capabilities = ["read", "list"]',
                        "}",
                        "",
                    ].join("\n"),
                },
            ],
        );
    });

    it("gives each application a role with its policy only, bound to ESO's service account, an audience and short TTLs", () => {
        assert.deepEqual(only(recorded, ROLE, "secret-store-role-example-app").inputs, {
            backend: "kubernetes-production",
            roleName: "external-secrets-example-app",
            boundServiceAccountNames: ["external-secrets"],
            boundServiceAccountNamespaces: ["external-secrets"],
            tokenPolicies: ["external-secrets-production-example-app"],
            audience: "vault",
            tokenTtl: 900,
            tokenMaxTtl: 3600,
        });
        assert.deepEqual((only(recorded, ROLE, "secret-store-role-blog").inputs as any).tokenPolicies, [
            "external-secrets-production-blog",
        ]);
    });

    it("gives each application a ClusterSecretStore on Vault, through its role, that only its namespace may use", () => {
        assert.deepEqual(only(recorded, STORE, "secret-store-store-example-app").inputs, {
            apiVersion: "external-secrets.io/v1",
            kind: "ClusterSecretStore",
            metadata: { name: "homelab-example-app", annotations: { "pulumi.com/waitFor": "condition=Ready" } },
            spec: {
                provider: {
                    vault: {
                        server: "https://vault.home.arpa:8200",
                        path: "homelab/production",
                        version: "v2",
                        auth: {
                            kubernetes: {
                                mountPath: "kubernetes-production",
                                role: "external-secrets-example-app",
                                serviceAccountRef: {
                                    name: "external-secrets",
                                    namespace: "external-secrets",
                                    audiences: ["vault"],
                                },
                            },
                        },
                    },
                },
                conditions: [{ namespaces: ["example-app"] }],
            },
        });
        const blog = only(recorded, STORE, "secret-store-store-blog").inputs as any;
        assert.deepEqual(
            [blog.spec.conditions, blog.spec.provider.vault.auth.kubernetes.role],
            [[{ namespaces: ["blog"] }], "external-secrets-blog"],
        );
    });

    it("creates each store after ESO's chart, its webhook gate and its role", () => {
        assert.deepEqual(names(only(recorded, STORE, "secret-store-store-blog").dependencies).sort(), [
            "external-secrets-chart",
            "secret-store-role-blog",
            "secret-store-webhook-gate",
        ]);
    });
});

describe("VaultSecretStore with an existing mount and a private CA", () => {
    let recorded: Registration[];
    const caCert = "-----BEGIN CERTIFICATE-----\nvault-ca\n-----END CERTIFICATE-----\n";
    before(async () => {
        recorded = await build({ createKvMount: false, caCert });
    });

    it("creates no mount", () => {
        assert.deepEqual(
            recorded.filter((r) => r.type === "vault:index/mount:Mount"),
            [],
        );
    });

    it("has ESO trust Vault's CA", () => {
        const store = only(recorded, STORE, "secret-store-store-example-app");
        assert.equal((store.inputs.spec as any).provider.vault.caBundle, Buffer.from(caCert).toString("base64"));
    });
});

describe("applicationPolicy", () => {
    it("names only the application's own paths of the given mount", () => {
        assert.deepEqual(
            applicationPolicy("kv-lab", "blog")
                .split("\n")
                .filter((line) => line.startsWith("path")),
            [
                'path "kv-lab/data/blog" {',
                'path "kv-lab/data/blog/*" {',
                'path "kv-lab/metadata/blog" {',
                'path "kv-lab/metadata/blog/*" {',
            ],
        );
    });
});
