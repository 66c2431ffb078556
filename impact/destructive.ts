// Which changes destroy something: a deletion that takes data or the cluster's workloads with it,
// or a change the provider can only make by replacing the resource (delete, then create).
import { ARGOCD_NAMESPACE } from "../components/argocd";
import { SnapshotEntry } from "../render/snapshot";
import { FieldChange } from "./diff";

/** What a removal destroys, or undefined when nothing of value goes with it. */
export function removalDestroys(entry: SnapshotEntry): string | undefined {
    const [kind] = entry.key.split(" ");
    if (kind === "v1/Namespace") return "deletes the namespace and everything in it";
    if (kind === "apiextensions.k8s.io/v1/CustomResourceDefinition")
        return "deletes the CRD and every custom resource of its kind";
    if (kind === "v1/PersistentVolumeClaim") return "deletes the volume claim and, by its reclaim policy, the data";
    if (/^argoproj\.io\/\w+\/ApplicationSet$/.test(kind)) return "stops Argo CD managing the applications it generates";
    if (/^argoproj\.io\/\w+\/Application$/.test(kind)) return "deletes the application's workloads where it prunes";
    if (/^apps\/v1\/(Deployment|StatefulSet)$/.test(kind) && entry.key.split(" ")[1].startsWith(`${ARGOCD_NAMESPACE}/`))
        return "removes part of Argo CD";
    if (kind === "command:remote:Command" && /k3s(-agent)?-uninstall\.sh/.test(String(entry.body.delete)))
        return "uninstalls K3s from the node";
    if (kind === "command:remote:Command" && /kubectl delete node /.test(String(entry.body.delete)))
        return "deletes the node from the cluster";
    if (kind === "vault:index/mount:Mount") return "unmounts the KV engine and every secret in it";
    if (kind === "vault:index/authBackend:AuthBackend") return "removes the cluster's Vault login";
    return undefined;
}

/** Fields whose change the provider can only apply by replacing the resource: Kubernetes'
 *  immutable fields, a command's triggers, a generated password's shape, a mount's path. */
interface ReplacingRule {
    readonly kind: RegExp;
    readonly fields: RegExp;
    /** Only when the object is marked `immutable: true`. */
    readonly immutableOnly?: boolean;
}
const REPLACING: readonly ReplacingRule[] = [
    { kind: /^apps\/v1\/(Deployment|ReplicaSet|DaemonSet)$/, fields: /^spec\.selector\b/ },
    {
        kind: /^apps\/v1\/StatefulSet$/,
        fields: /^spec\.(selector|volumeClaimTemplates|serviceName|podManagementPolicy)\b/,
    },
    { kind: /^batch\/v1\/Job$/, fields: /^spec\.(selector|template|completions|completionMode)\b/ },
    { kind: /^v1\/Service$/, fields: /^spec\.(clusterIP|clusterIPs|ipFamilies)\b/ },
    { kind: /^v1\/PersistentVolumeClaim$/, fields: /^spec\.(storageClassName|accessModes|volumeName|selector)\b/ },
    { kind: /^v1\/(Secret|ConfigMap)$/, fields: /^(data|stringData|binaryData)\b/, immutableOnly: true },
    { kind: /^command:remote:Command$/, fields: /^triggers\b/ },
    { kind: /^random:index\/randomPassword:RandomPassword$/, fields: /^(length|special|upper|lower|numeric)\b/ },
    { kind: /^vault:index\/mount:Mount$/, fields: /^(path|type)\b/ },
];

/** The fields of a change that replace the resource; [] when it is updated in place. */
export function replacingFields(entry: SnapshotEntry, fields: readonly FieldChange[]): string[] {
    const kind = entry.key.split(" ")[0];
    const immutable = (entry.body as { immutable?: boolean }).immutable === true;
    return fields
        .map((f) => f.path)
        .filter((path) =>
            REPLACING.some(
                (rule) => rule.kind.test(kind) && rule.fields.test(path) && (!rule.immutableOnly || immutable),
            ),
        );
}
