// Dev and staging: each application's ClusterSecretStore reads plain Kubernetes secrets, with
// the dummy values committed under gitops/secrets/<env>/, from one namespace: only the Secret
// named after the application, through a service account of its own that may get that Secret
// and nothing else.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Guards, ownNamespace, PodSecurityLevel } from "../shared/chart";
import { ExternalSecrets } from "../external-secrets";
import { Application } from "../shared/application";
import { createStores, storeManifest } from "./store";
import { CustomObject } from "../shared/webhook-gate";

/** The namespace holding the plain secrets the stores serve. */
export const PLAIN_SECRETS_NAMESPACE = "homelab-secrets";
// Only Secrets live here; no pod needs more than restricted.
const POD_SECURITY: PodSecurityLevel = "restricted";

/** One plain secret: its name (its application's) and its (dummy) values. */
export interface PlainSecret {
    readonly name: string;
    readonly stringData: Readonly<Record<string, string>>;
}

export interface KubernetesSecretStoreArgs extends Guards {
    /** The operator the stores belong to; they wait for its chart and webhook. Required. */
    externalSecrets: ExternalSecrets;
    /** The applications, each given a store of its own. Default none. */
    applications?: readonly Application[];
    /** The secrets to serve, each named after its application. Default none. */
    secrets?: readonly PlainSecret[];
}

/** The service account an application's store authenticates as. */
export const readerName = (application: string) => `secret-store-${application}`;

/** The application's ClusterSecretStore, reading the plain-secrets namespace as its reader. */
export function kubernetesStore(application: Application): CustomObject {
    return storeManifest(application, {
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
            auth: { serviceAccount: { name: readerName(application.name), namespace: PLAIN_SECRETS_NAMESPACE } },
        },
    });
}

/** What an application's reader may do: get the Secret named after the application, nothing
 *  else. (The SelfSubjectRulesReview the provider makes to check it is allowed to every account
 *  by system:basic-user.) */
export function readerRules(application: string): k8s.types.input.rbac.v1.PolicyRule[] {
    return [{ apiGroups: [""], resources: ["secrets"], resourceNames: [application], verbs: ["get"] }];
}

export class KubernetesSecretStore extends pulumi.ComponentResource {
    /** The component's namespace. */
    readonly namespace: k8s.core.v1.Namespace;
    /** Each application's ClusterSecretStore. */
    readonly stores: k8s.apiextensions.CustomResource[];

    constructor(name: string, args: KubernetesSecretStoreArgs, opts?: pulumi.ComponentResourceOptions) {
        super("homelab:platform:KubernetesSecretStore", name, {}, opts);
        this.namespace = ownNamespace(this, name, PLAIN_SECRETS_NAMESPACE, POD_SECURITY, args);
        const namespace = this.namespace;
        const secrets = new Map(
            (args.secrets ?? []).map((secret) => [
                secret.name,
                new k8s.core.v1.Secret(
                    `${name}-${secret.name}`,
                    {
                        metadata: { name: secret.name, namespace: namespace.metadata.name },
                        stringData: pulumi.secret({ ...secret.stringData }),
                    },
                    { parent: this },
                ),
            ]),
        );

        const stores = (args.applications ?? []).map((application) => {
            const reader = new k8s.core.v1.ServiceAccount(
                `${name}-reader-${application.name}`,
                { metadata: { name: readerName(application.name), namespace: namespace.metadata.name } },
                { parent: this },
            );
            const role = new k8s.rbac.v1.Role(
                `${name}-reader-${application.name}`,
                { metadata: { namespace: namespace.metadata.name }, rules: readerRules(application.name) },
                { parent: this },
            );
            const binding = new k8s.rbac.v1.RoleBinding(
                `${name}-reader-${application.name}`,
                {
                    metadata: { namespace: namespace.metadata.name },
                    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name },
                    subjects: [
                        { kind: "ServiceAccount", name: reader.metadata.name, namespace: namespace.metadata.name },
                    ],
                },
                { parent: this },
            );
            return {
                application: application.name,
                manifest: kubernetesStore(application),
                after: [binding, ...[secrets.get(application.name)].filter((s) => s !== undefined)],
            };
        });

        this.stores = createStores(this, name, args.externalSecrets, stores);
        this.registerOutputs({ namespace: this.namespace, stores: this.stores });
    }
}
