// What the provider knows about a kind without asking the cluster: whether its group is built
// into Kubernetes, and whether it is namespaced (pulumi-kubernetes provider/pkg/kinds/kinds.go,
// plus the built-in kinds it learns from discovery).

/** A Kubernetes manifest as the API server receives it. */
export interface Manifest {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace?: string; [key: string]: unknown };
    [key: string]: unknown;
}

const BUILTIN_GROUPS = new Set([
    "",
    "admissionregistration.k8s.io",
    "apiextensions.k8s.io",
    "apiregistration.k8s.io",
    "apps",
    "authentication.k8s.io",
    "authorization.k8s.io",
    "autoscaling",
    "batch",
    "certificates.k8s.io",
    "coordination.k8s.io",
    "discovery.k8s.io",
    "events.k8s.io",
    "flowcontrol.apiserver.k8s.io",
    "networking.k8s.io",
    "node.k8s.io",
    "policy",
    "rbac.authorization.k8s.io",
    "resource.k8s.io",
    "scheduling.k8s.io",
    "storage.k8s.io",
]);

/** Built-in kinds that are not namespaced; every other built-in kind is. */
const CLUSTER_SCOPED = new Set([
    "APIService",
    "CertificateSigningRequest",
    "ClusterRole",
    "ClusterRoleBinding",
    "ClusterTrustBundle",
    "CSIDriver",
    "CSINode",
    "CustomResourceDefinition",
    "DeviceClass",
    "FlowSchema",
    "IngressClass",
    "IPAddress",
    "MutatingAdmissionPolicy",
    "MutatingAdmissionPolicyBinding",
    "MutatingWebhookConfiguration",
    "Namespace",
    "Node",
    "PersistentVolume",
    "PriorityClass",
    "PriorityLevelConfiguration",
    "ResourceSlice",
    "RuntimeClass",
    "ServiceCIDR",
    "StorageClass",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "ValidatingWebhookConfiguration",
    "VolumeAttachment",
    "VolumeAttributesClass",
]);

export const groupOf = (apiVersion: string): string => (apiVersion.includes("/") ? apiVersion.split("/")[0] : "");
const versionOf = (apiVersion: string): string => apiVersion.split("/").pop() ?? "";
export const isBuiltin = (apiVersion: string): boolean => BUILTIN_GROUPS.has(groupOf(apiVersion));

/** Pulumi's type token of a kind: `kubernetes:<group or core>/<version>:<Kind>`. */
export const pulumiType = (apiVersion: string, kind: string): string =>
    `kubernetes:${groupOf(apiVersion) || "core"}/${versionOf(apiVersion)}:${kind}`;

/** A v4 Chart's Pulumi type. */
export const CHART_TYPE = "kubernetes:helm.sh/v4:Chart";

/** An object's identity across renders and commits: `apiVersion/Kind namespace/name`. */
export const objectRef = (m: Manifest): string =>
    `${m.apiVersion}/${m.kind} ${m.metadata.namespace ? `${m.metadata.namespace}/` : ""}${m.metadata.name}`;

/** An object as messages name it: `Kind namespace/name`. */
export const kindRef = (m: Manifest): string =>
    `${m.kind} ${m.metadata.namespace ? `${m.metadata.namespace}/` : ""}${m.metadata.name}`;

/** A served custom kind: its group, kind, scope and versions. */
export interface CustomKind {
    readonly group: string;
    readonly kind: string;
    readonly namespaced: boolean;
    readonly versions: readonly { readonly name: string; readonly served: boolean }[];
}

/** The kind a CustomResourceDefinition manifest defines, or undefined for any other object. */
export function customKindOf(manifest: Manifest): CustomKind | undefined {
    if (manifest.kind !== "CustomResourceDefinition" || groupOf(manifest.apiVersion) !== "apiextensions.k8s.io") return;
    const spec = manifest.spec as {
        group: string;
        scope: string;
        names: { kind: string };
        versions?: { name: string; served?: boolean }[];
    };
    return {
        group: spec.group,
        kind: spec.names.kind,
        namespaced: spec.scope === "Namespaced",
        versions: (spec.versions ?? []).map((v) => ({ name: v.name, served: v.served !== false })),
    };
}

/** `group/version` and `group/version/Kind` of every served version, as Helm's Capabilities list them. */
export function apiVersionsOf(kind: CustomKind): string[] {
    return kind.versions
        .filter((v) => v.served)
        .flatMap((v) => [`${kind.group}/${v.name}`, `${kind.group}/${v.name}/${kind.kind}`]);
}

/** Whether a kind is namespaced: built-in from the table, custom from the known CRDs; undefined when unknown. */
export function isNamespaced(apiVersion: string, kind: string, custom: readonly CustomKind[]): boolean | undefined {
    if (isBuiltin(apiVersion)) return !CLUSTER_SCOPED.has(kind);
    return custom.find((c) => c.group === groupOf(apiVersion) && c.kind === kind)?.namespaced;
}
