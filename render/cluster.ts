// The cluster a stack's charts render against before the platform is on it: its Kubernetes
// version (the K3s release), the APIs K3s itself serves, and its nodes.
import * as fs from "node:fs";
import * as path from "node:path";
import type { K3sNode } from "../components/k3s/config";
import type { ClusterConnection } from "../stacks/config/stack-config";
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

/** What a render needs of the stack's cluster: the K3s release its charts see as the Kubernetes
 *  version, whether K3s runs its Traefik, and the nodes the program installs (none for a cluster
 *  it reaches by kubeconfig). */
export interface StackCluster {
    readonly kubeVersion: string;
    readonly traefik: boolean;
    readonly nodes?: readonly ClusterNode[];
}

type NodesCluster = Extract<ClusterConnection, { mode: "nodes" }>;

/** A node of the stack: where it is, its role, and what DaemonSets' selectors and tolerations see. */
export type ClusterNode = Pick<K3sNode, "name" | "address" | "role" | "labels" | "taints">;

/** The cluster of the stack config the program resolved (stacks/config/stack-config.ts), or
 *  undefined where the program is an older commit's that resolves it in another shape. */
export function resolvedCluster(config: unknown): StackCluster | undefined {
    const cluster = (config as { cluster?: Partial<Record<keyof NodesCluster, unknown>> } | undefined)?.cluster;
    if (cluster?.mode === "kubeconfig") return { kubeVersion: pinnedK3sVersion(), traefik: true };
    const { k3sVersion, traefik, nodes } = cluster ?? {};
    if (cluster?.mode !== "nodes" || typeof k3sVersion !== "string" || typeof traefik !== "boolean") return undefined;
    return { kubeVersion: k3sVersion, traefik, nodes: nodes as NodesCluster["nodes"] };
}

// Where the checkout pins its K3s release. The impact report runs this render inside older
// commits too, so it looks for the pins where each layout of the program kept them.
const PIN_MODULES = ["components/shared/versions.ts", "components/versions.ts"];
const ROOT = path.resolve(__dirname, "..");

/** The K3s release the checkout pins. */
function pinnedK3sVersion(): string {
    const module = PIN_MODULES.map((file) => path.join(ROOT, file)).find((file) => fs.existsSync(file));
    if (module === undefined) throw new Error(`no K3s pin in ${PIN_MODULES.join(" or ")}`);
    // Read as Renovate reads it: the one line that pins it.
    const pin = /^export const K3S_VERSION = "([^"]+)";$/m.exec(fs.readFileSync(module, "utf8"));
    if (pin === null) throw new Error(`no K3S_VERSION in ${module}`);
    return pin[1];
}

/** The cluster as an older commit's stack file states it, for a commit whose program resolves its
 *  config in another shape (the impact report renders those with this checkout's render/). */
export function statedCluster(rawCluster: string | undefined): StackCluster {
    const cluster = (rawCluster ? JSON.parse(rawCluster) : {}) as {
        k3sVersion?: string;
        traefik?: boolean;
        nodes?: (Omit<ClusterNode, "labels" | "taints"> & Partial<ClusterNode>)[];
    };
    const nodes = cluster.nodes?.map((n) => ({ ...n, labels: n.labels ?? {}, taints: n.taints ?? [] }));
    return {
        kubeVersion: cluster.k3sVersion ?? pinnedK3sVersion(),
        traefik: cluster.traefik !== false,
        ...(nodes && nodes.length > 0 ? { nodes } : {}),
    };
}
