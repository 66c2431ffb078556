// Production: each application's ClusterSecretStore reads Vault. The program sets up Vault's
// side for this cluster: a Kubernetes auth backend of its own (so several clusters can share one
// Vault), a KV v2 mount for the environment, and per application a read-only policy on its own
// path and a role with that policy only, which only the External Secrets controller's service
// account can log in to (and only the application's store names).
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import { EXTERNAL_SECRETS_ACCOUNT, ExternalSecrets } from "../external-secrets";
import { Application } from "../shared/application";
import { createStores, storeManifest } from "./store";
import { CustomObject } from "../shared/webhook-gate";

/** The Vault role an application's store logs in with. */
export const vaultRole = (application: string) => `external-secrets-${application}`;
/** The audience the role requires and the controller requests its token for (Vault >= 1.21
 *  warns on roles without one; ESO asks for it through serviceAccountRef.audiences). */
const VAULT_AUDIENCE = "vault";
/** Service account whose token Vault uses to review login tokens (TokenReview API). */
const TOKEN_REVIEWER = "vault-token-reviewer";

export interface VaultSecretStoreArgs {
    /** The operator the store belongs to; the store waits for its chart and webhook. Required. */
    externalSecrets: ExternalSecrets;
    /** Vault's address, e.g. `https://vault.home.arpa:8200`. Required. */
    address: string;
    /** Path of this cluster's Kubernetes auth backend. Required. */
    authMount: string;
    /** KV v2 mount holding the environment's secrets. Required. */
    kvMount: string;
    /** Create the KV mount (false: it exists). */
    createKvMount: boolean;
    /** PEM CA of Vault's TLS certificate, when a private CA signed it. Default: system CAs. */
    caCert?: string;
    /** The Kubernetes API URL Vault calls to review tokens. Required. */
    kubernetesHost: pulumi.Input<string>;
    /** Environment name, for the policies' names. Required. */
    environment: string;
    /** The applications, each given a store, a policy and a role of its own. Default none. */
    applications?: readonly Application[];
    /** Protect the auth backend and the KV mount (which holds the secrets) from deletion. Default false. */
    protect?: boolean;
}

/** An application's read-only policy: its own secret (`<kvMount>/<application>`) and those
 *  under it (`<kvMount>/<application>/...`), nothing else. */
export function applicationPolicy(kvMount: string, application: string): string {
    const own = [`${application}`, `${application}/*`];
    return [
        `# Read-only access to ${application}'s secrets under ${kvMount}/, for its External Secrets store.`,
        ...own.flatMap((key) => [`path "${kvMount}/data/${key}" {`, `  capabilities = ["read"]`, `}`]),
        ...own.flatMap((key) => [`path "${kvMount}/metadata/${key}" {`, `  capabilities = ["read", "list"]`, `}`]),
        ``,
    ].join("\n");
}

/** An application's ClusterSecretStore, reading the KV mount through its own role. */
export function vaultStore(
    application: Application,
    args: Pick<VaultSecretStoreArgs, "address" | "authMount" | "kvMount" | "caCert">,
): CustomObject {
    return storeManifest(application, {
        vault: {
            server: args.address,
            path: args.kvMount,
            version: "v2",
            ...(args.caCert ? { caBundle: Buffer.from(args.caCert).toString("base64") } : {}),
            auth: {
                kubernetes: {
                    mountPath: args.authMount,
                    role: vaultRole(application.name),
                    serviceAccountRef: { ...EXTERNAL_SECRETS_ACCOUNT, audiences: [VAULT_AUDIENCE] },
                },
            },
        },
    });
}

/** A value of a service-account token secret, decoded; the API server fills these in and the
 *  provider waits for it, so absence means a preview or a mock. */
function tokenField(secret: k8s.core.v1.Secret, key: string): pulumi.Output<string> {
    return pulumi.secret(secret.data.apply((data) => Buffer.from(data?.[key] ?? "", "base64").toString("utf8")));
}

export class VaultSecretStore extends pulumi.ComponentResource {
    readonly authBackend: vault.AuthBackend;
    /** Each application's ClusterSecretStore. */
    readonly stores: k8s.apiextensions.CustomResource[];
    /** The ClusterSecretStore of one of the applications. */
    readonly storeOf: (application: string) => k8s.apiextensions.CustomResource;

    constructor(name: string, args: VaultSecretStoreArgs, opts?: pulumi.ComponentResourceOptions) {
        super("homelab:platform:VaultSecretStore", name, {}, opts);
        const namespace = args.externalSecrets.namespace.metadata.name;

        // In the cluster: the reviewer account, allowed to review tokens, and its long-lived token.
        const reviewer = new k8s.core.v1.ServiceAccount(
            `${name}-token-reviewer`,
            { metadata: { name: TOKEN_REVIEWER, namespace } },
            { parent: this },
        );
        new k8s.rbac.v1.ClusterRoleBinding(
            `${name}-token-reviewer`,
            {
                roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:auth-delegator" },
                subjects: [{ kind: "ServiceAccount", name: reviewer.metadata.name, namespace }],
            },
            { parent: this },
        );
        const token = new k8s.core.v1.Secret(
            `${name}-token-reviewer`,
            {
                metadata: {
                    name: `${TOKEN_REVIEWER}-token`,
                    namespace,
                    annotations: { "kubernetes.io/service-account.name": reviewer.metadata.name },
                },
                type: "kubernetes.io/service-account-token",
            },
            { parent: this, additionalSecretOutputs: ["data"] },
        );

        // In Vault.
        this.authBackend = new vault.AuthBackend(
            `${name}-auth`,
            {
                type: "kubernetes",
                path: args.authMount,
                description: `Kubernetes auth for the ${args.environment} cluster`,
            },
            { parent: this, protect: args.protect },
        );
        const authConfig = new vault.kubernetes.AuthBackendConfig(
            `${name}-auth`,
            {
                backend: this.authBackend.path,
                kubernetesHost: args.kubernetesHost,
                kubernetesCaCert: tokenField(token, "ca.crt"),
                tokenReviewerJwt: tokenField(token, "token"),
            },
            { parent: this },
        );
        const mount = args.createKvMount
            ? new vault.Mount(
                  `${name}-kv`,
                  {
                      path: args.kvMount,
                      type: "kv",
                      options: { version: "2" },
                      description: `Application secrets of the ${args.environment} environment`,
                  },
                  // Unmounting a secrets engine deletes every secret in it.
                  { parent: this, protect: args.protect },
              )
            : undefined;
        const stores = (args.applications ?? []).map((application) => {
            const policy = new vault.Policy(
                `${name}-read-${application.name}`,
                {
                    name: `external-secrets-${args.environment}-${application.name}`,
                    policy: applicationPolicy(args.kvMount, application.name),
                },
                { parent: this, dependsOn: mount ? [mount] : [] },
            );
            const role = new vault.kubernetes.AuthBackendRole(
                `${name}-role-${application.name}`,
                {
                    backend: this.authBackend.path,
                    roleName: vaultRole(application.name),
                    boundServiceAccountNames: [EXTERNAL_SECRETS_ACCOUNT.name],
                    boundServiceAccountNamespaces: [EXTERNAL_SECRETS_ACCOUNT.namespace],
                    tokenPolicies: [policy.name],
                    audience: VAULT_AUDIENCE,
                    // Short-lived tokens: the controller logs in again as needed.
                    tokenTtl: 900,
                    tokenMaxTtl: 3600,
                },
                { parent: this, dependsOn: [authConfig] },
            );
            return { application: application.name, manifest: vaultStore(application, args), after: [role] };
        });

        this.stores = createStores(this, name, args.externalSecrets, stores);
        this.storeOf = (application) => {
            const index = (args.applications ?? []).findIndex((a) => a.name === application);
            if (index < 0) throw new pulumi.ResourceError(`no store for ${application}`, this);
            return this.stores[index];
        };
        this.registerOutputs({ authBackend: this.authBackend, stores: this.stores });
    }
}
