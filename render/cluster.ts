// The cluster a stack's charts render against before the platform is on it: its Kubernetes
// version (the K3s release) and the APIs K3s itself serves.
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT, ROOT, stackConfigFile } from "./evaluate";
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

// Where the checkout pins its K3s release. The impact report runs this render inside older
// commits too, so it looks for the pins where each layout of the program kept them.
const PIN_MODULES = ["components/shared/versions.ts", "components/versions.ts"];

/** The K3s release the checkout pins. */
function pinnedK3sVersion(): string {
    const module = PIN_MODULES.map((file) => path.join(ROOT, file)).find((file) => fs.existsSync(file));
    if (module === undefined) throw new Error(`no K3s pin in ${PIN_MODULES.join(" or ")}`);
    // Read as Renovate reads it: the one line that pins it.
    const pin = /^export const K3S_VERSION = "([^"]+)";$/m.exec(fs.readFileSync(module, "utf8"));
    if (pin === null) throw new Error(`no K3S_VERSION in ${module}`);
    return pin[1];
}

/** The cluster settings the render needs from the stack's config: K3s release and Traefik. */
export function clusterOf(stack: string): { kubeVersion: string; traefik: boolean } {
    const raw = stackConfigFile(stack).config[`${PROJECT}:cluster`];
    const cluster = (raw ? JSON.parse(raw) : {}) as { k3sVersion?: string; traefik?: boolean };
    return { kubeVersion: cluster.k3sVersion ?? pinnedK3sVersion(), traefik: cluster.traefik !== false };
}
