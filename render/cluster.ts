// The cluster a stack's charts render against before the platform is on it: its Kubernetes
// version (the K3s release) and the APIs K3s itself serves.
import { K3S_VERSION } from "../components/versions";
import { PROJECT, stackConfigFile } from "./evaluate";
import { CustomKind } from "./kinds";

/** APIs a K3s server serves besides Kubernetes' own: its packaged CRDs, metrics-server and,
 *  unless disabled, Traefik's. */
export function k3sKinds(traefik: boolean): CustomKind[] {
    const kinds = (group: string, version: string, names: Record<string, boolean>) =>
        Object.entries(names).map(([kind, namespaced]) => ({
            group,
            kind,
            namespaced,
            versions: [{ name: version, served: true }],
        }));
    const traefikKinds = ["IngressRoute", "IngressRouteTCP", "IngressRouteUDP", "Middleware", "MiddlewareTCP"]
        .concat(["ServersTransport", "ServersTransportTCP", "TLSOption", "TLSStore", "TraefikService"])
        .map((kind): [string, boolean] => [kind, true]);
    return [
        ...kinds("helm.cattle.io", "v1", { HelmChart: true, HelmChartConfig: true }),
        ...kinds("k3s.cattle.io", "v1", { Addon: true, ETCDSnapshotFile: false }),
        ...kinds("metrics.k8s.io", "v1beta1", { NodeMetrics: false, PodMetrics: true }),
        ...(traefik ? kinds("traefik.io", "v1alpha1", Object.fromEntries(traefikKinds)) : []),
    ];
}

/** The cluster settings the render needs from the stack's config: K3s release and Traefik. */
export function clusterOf(stack: string): { kubeVersion: string; traefik: boolean } {
    const raw = stackConfigFile(stack).config[`${PROJECT}:cluster`];
    const cluster = (raw ? JSON.parse(raw) : {}) as { k3sVersion?: string; traefik?: boolean };
    return { kubeVersion: cluster.k3sVersion ?? K3S_VERSION, traefik: cluster.traefik !== false };
}
