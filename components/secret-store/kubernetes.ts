// Dev and staging: the ClusterSecretStore reads plain Kubernetes secrets, with the dummy values
// committed under gitops/secrets/<env>/, from one namespace, through a service account that may
// read that namespace's secrets and nothing else.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Guards, ownNamespace, PodSecurityLevel } from "../shared/chart";
import { ExternalSecrets } from "../external-secrets";
import { createStore, storeManifest } from "./store";
import { Manifest } from "../shared/webhook-gate";

/** The namespace holding the plain secrets the store serves. */
export const PLAIN_SECRETS_NAMESPACE = "homelab-secrets";
// Only Secrets live here; no pod needs more than restricted.
const POD_SECURITY: PodSecurityLevel = "restricted";
/** The service account the store authenticates as. */
const STORE_READER = "secret-store-reader";

/** One plain secret: its name and its (dummy) values. */
export interface PlainSecret {
    readonly name: string;
    readonly stringData: Readonly<Record<string, string>>;
}

export interface KubernetesSecretStoreArgs extends Guards {
    /** The operator the store belongs to; the store waits for its chart and webhook. Required. */
    externalSecrets: ExternalSecrets;
    /** The secrets to serve. Default none. */
    secrets?: readonly PlainSecret[];
}

/** The ClusterSecretStore, reading the plain-secrets namespace as STORE_READER. */
function kubernetesStore(): Manifest {
    return storeManifest({
        kubernetes: {
            remoteNamespace: PLAIN_SECRETS_NAMESPACE,
            // Every namespace carries the cluster's CA in this ConfigMap.
            server: {
                caProvider: {
                    type: "ConfigMap",
                    name: "kube-root-ca.crt",
                    key: "ca.crt",
                    namespace: PLAIN_SECRETS_NAMESPACE,
                },
            },
            auth: { serviceAccount: { name: STORE_READER, namespace: PLAIN_SECRETS_NAMESPACE } },
        },
    });
}

export class KubernetesSecretStore extends pulumi.ComponentResource {
    /** The component's namespace. */
    readonly namespace: k8s.core.v1.Namespace;
    readonly store: k8s.apiextensions.CustomResource;

    constructor(name: string, args: KubernetesSecretStoreArgs, opts?: pulumi.ComponentResourceOptions) {
        super("homelab:platform:KubernetesSecretStore", name, {}, opts);
        this.namespace = ownNamespace(this, name, PLAIN_SECRETS_NAMESPACE, POD_SECURITY, args);
        const namespace = this.namespace;
        const secrets = (args.secrets ?? []).map(
            (secret) =>
                new k8s.core.v1.Secret(
                    `${name}-${secret.name}`,
                    {
                        metadata: { name: secret.name, namespace: namespace.metadata.name },
                        stringData: pulumi.secret({ ...secret.stringData }),
                    },
                    { parent: this },
                ),
        );

        const reader = new k8s.core.v1.ServiceAccount(
            `${name}-reader`,
            { metadata: { name: STORE_READER, namespace: namespace.metadata.name } },
            { parent: this },
        );
        const role = new k8s.rbac.v1.Role(
            `${name}-reader`,
            {
                metadata: { namespace: namespace.metadata.name },
                // Read-only, this namespace only. (The SelfSubjectRulesReview the provider makes to
                // check these permissions is allowed to every account by system:basic-user.)
                rules: [{ apiGroups: [""], resources: ["secrets"], verbs: ["get", "list", "watch"] }],
            },
            { parent: this },
        );
        const binding = new k8s.rbac.v1.RoleBinding(
            `${name}-reader`,
            {
                metadata: { namespace: namespace.metadata.name },
                roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name },
                subjects: [{ kind: "ServiceAccount", name: reader.metadata.name, namespace: namespace.metadata.name }],
            },
            { parent: this },
        );

        this.store = createStore(this, name, args.externalSecrets, kubernetesStore(), [binding, ...secrets]);
        this.registerOutputs({ namespace: this.namespace, store: this.store });
    }
}
