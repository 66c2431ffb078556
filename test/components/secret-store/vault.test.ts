import * as assert from "node:assert/strict";
import { ExternalSecrets } from "../../../components/external-secrets";
import { readOnlyPolicy, VaultSecretStore, VaultSecretStoreArgs } from "../../../components/secret-store/vault";
import { CLUSTER_CA, names, only, REVIEWER_JWT, Registration, registrations } from "../../harness";

const ARGS: Omit<VaultSecretStoreArgs, "externalSecrets"> = {
    address: "https://vault.home.arpa:8200",
    authMount: "kubernetes-production",
    kvMount: "homelab/production",
    kubernetesHost: "https://192.168.30.11:6443",
    environment: "production",
};

async function build(args: Partial<VaultSecretStoreArgs> = {}): Promise<Registration[]> {
    return registrations(() => {
        const externalSecrets = new ExternalSecrets("external-secrets", {});
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

    it("grants read-only access to this environment's mount and nothing else", () => {
        assert.deepEqual(only(recorded, "vault:index/policy:Policy", "secret-store-read").inputs, {
            name: "external-secrets-production",
            policy: [
                "# Read-only access to the secrets under homelab/production/, for External Secrets.",
                'path "homelab/production/data/*" {',
                '  capabilities = ["read"]',
                "}",
                'path "homelab/production/metadata/*" {',
                '  capabilities = ["read", "list"]',
                "}",
                "",
            ].join("\n"),
        });
    });

    it("binds the role to ESO's service account and namespace, with the policy, an audience and short TTLs", () => {
        assert.deepEqual(
            only(recorded, "vault:kubernetes/authBackendRole:AuthBackendRole", "secret-store-role").inputs,
            {
                backend: "kubernetes-production",
                roleName: "external-secrets",
                boundServiceAccountNames: ["external-secrets"],
                boundServiceAccountNamespaces: ["external-secrets"],
                tokenPolicies: ["external-secrets-production"],
                audience: "vault",
                tokenTtl: 900,
                tokenMaxTtl: 3600,
            },
        );
    });

    it("creates the homelab ClusterSecretStore on Vault with Kubernetes auth", () => {
        assert.deepEqual(
            only(recorded, "kubernetes:external-secrets.io/v1:ClusterSecretStore", "secret-store-store").inputs,
            {
                apiVersion: "external-secrets.io/v1",
                kind: "ClusterSecretStore",
                metadata: { name: "homelab", annotations: { "pulumi.com/waitFor": "condition=Ready" } },
                spec: {
                    provider: {
                        vault: {
                            server: "https://vault.home.arpa:8200",
                            path: "homelab/production",
                            version: "v2",
                            auth: {
                                kubernetes: {
                                    mountPath: "kubernetes-production",
                                    role: "external-secrets",
                                    serviceAccountRef: {
                                        name: "external-secrets",
                                        namespace: "external-secrets",
                                        audiences: ["vault"],
                                    },
                                },
                            },
                        },
                    },
                },
            },
        );
    });

    it("creates the store after ESO's chart, its webhook gate and the role", () => {
        const store = only(recorded, "kubernetes:external-secrets.io/v1:ClusterSecretStore", "secret-store-store");
        assert.deepEqual(names(store.dependencies).sort(), [
            "external-secrets-chart",
            "secret-store-role",
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
        const store = only(recorded, "kubernetes:external-secrets.io/v1:ClusterSecretStore", "secret-store-store");
        assert.equal((store.inputs.spec as any).provider.vault.caBundle, Buffer.from(caCert).toString("base64"));
    });
});

describe("readOnlyPolicy", () => {
    it("names only the given mount", () => {
        assert.deepEqual(
            readOnlyPolicy("kv-lab")
                .split("\n")
                .filter((line) => line.startsWith("path")),
            ['path "kv-lab/data/*" {', 'path "kv-lab/metadata/*" {'],
        );
    });
});
