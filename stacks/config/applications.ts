// The applications of gitops/applications/ in this checkout: each folder with a Chart.yaml. The
// program grants each one its own secrets (a secret store only its namespace may use), so it
// reads the same folders the applications ApplicationSet generates Applications from.
import * as fs from "node:fs";
import * as path from "node:path";
import { INFRASTRUCTURE_NAMESPACE } from "../../components/application-sets";
import { ARGOCD_NAMESPACE } from "../../components/argocd";
import { CERT_MANAGER_NAMESPACE } from "../../components/cert-manager";
import { EXTERNAL_SECRETS_NAMESPACE } from "../../components/external-secrets";
import { METALLB_NAMESPACE } from "../../components/metallb";
import { MONITORING_NAMESPACE } from "../../components/monitoring/monitoring";
import { PLAIN_SECRETS_NAMESPACE } from "../../components/secret-store/kubernetes";
import { Application } from "../../components/shared/application";
import { KUBE_SYSTEM } from "../../components/shared/chart";
import { CANARY_NAMESPACE, DRILL_SCRATCH_NAMESPACE } from "../../components/velero/drill";
import { VELERO_NAMESPACE } from "../../components/velero/velero";
import { DNS_LABEL } from "./fields";

/** Names no application may take, as its name (the infrastructure Application is one) or as its
 *  namespace: Kubernetes's own namespaces and the platform's. */
export const RESERVED_NAMESPACES = [
    "default",
    KUBE_SYSTEM,
    "kube-public",
    "kube-node-lease",
    ARGOCD_NAMESPACE,
    CERT_MANAGER_NAMESPACE,
    METALLB_NAMESPACE,
    MONITORING_NAMESPACE,
    EXTERNAL_SECRETS_NAMESPACE,
    PLAIN_SECRETS_NAMESPACE,
    INFRASTRUCTURE_NAMESPACE,
    VELERO_NAMESPACE,
    CANARY_NAMESPACE,
    DRILL_SCRATCH_NAMESPACE,
    "longhorn-system",
];

/** The applications, or every problem with them. `namespaceSuffix` is the environment's (`-dev`):
 *  an application's namespace is its name with it, at most 63 characters. */
export function readApplications(
    root: string,
    namespaceSuffix: string,
): { applications: Application[]; problems: string[] } {
    const folder = path.join("gitops", "applications");
    const absolute = path.join(root, folder);
    if (!fs.existsSync(absolute)) return { applications: [], problems: [] };
    const applications: Application[] = [];
    const problems: string[] = [];
    for (const entry of fs.readdirSync(absolute, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
        if (!entry.isDirectory()) continue;
        // The applications ApplicationSet generates an Application for every folder here (a Git
        // directory generator), each in the AppProject the program makes for a chart it finds.
        if (!fs.existsSync(path.join(absolute, entry.name, "Chart.yaml"))) {
            problems.push(
                `${path.join(folder, entry.name)}: has no Chart.yaml; Argo CD would still make it an Application, in an AppProject the program creates only for a chart, and it would never sync; add the chart or move the folder out of ${folder}; e.g. gitops/applications/example-app/Chart.yaml`,
            );
            continue;
        }
        const namespace = `${entry.name}${namespaceSuffix}`;
        if (!DNS_LABEL.test(entry.name) || namespace.length > 63) {
            problems.push(
                `${path.join(folder, entry.name)}: names the namespace "${namespace}", which is not a DNS label of at most 63 characters; e.g. gitops/applications/example-app`,
            );
            continue;
        }
        if (RESERVED_NAMESPACES.includes(entry.name) || RESERVED_NAMESPACES.includes(namespace)) {
            problems.push(
                `${path.join(folder, entry.name)}: takes the name of the platform's "${RESERVED_NAMESPACES.includes(entry.name) ? entry.name : namespace}"; e.g. gitops/applications/example-app`,
            );
            continue;
        }
        applications.push({ name: entry.name, namespace });
    }
    return { applications, problems };
}
