// What Prometheus scrapes, worked out from the rendered ServiceMonitors the way the Prometheus
// Operator does: each endpoint of each Service its selector matches is one job (the Service's
// `jobLabel` label, else its name), each address behind the Service one target.
import { Manifest } from "../../../render/kinds";
import { allObjects } from "../../../render/stack";
import { ClusterNode, RenderedTopology } from "./topologies";

/** A metric relabeling as the ServiceMonitors carry it. */
export interface Relabeling {
    readonly action?: string;
    readonly sourceLabels?: string[];
    readonly regex?: string;
    readonly targetLabel?: string;
}

export interface Target {
    readonly job: string;
    /** The labels Prometheus gives the target's series (and its `up`). */
    readonly labels: Readonly<Record<string, string>>;
    /** The node whose K3s process serves it, for the control plane's endpoints. */
    readonly node?: ClusterNode;
    readonly path: string;
    readonly metricRelabelings: readonly Relabeling[];
}

interface Endpoint {
    port?: string;
    targetPort?: number | string;
    path?: string;
    metricRelabelings?: Relabeling[];
    relabelings?: Relabeling[];
}

interface ServiceMonitorSpec {
    jobLabel?: string;
    selector: { matchLabels?: Record<string, string> };
    namespaceSelector?: { matchNames?: string[]; any?: boolean };
    endpoints: Endpoint[];
}

type Service = Manifest & {
    metadata: { labels?: Record<string, string> };
    spec: { selector?: Record<string, string>; ports: { name?: string; port: number; targetPort?: number | string }[] };
};

/** Services the cluster itself makes: the API server's, and the kubelet Service the operator keeps. */
function clusterServices(): Service[] {
    const service = (namespace: string, name: string, labels: Record<string, string>, port: [string, number]) =>
        ({
            apiVersion: "v1",
            kind: "Service",
            metadata: { name, namespace, labels },
            spec: { ports: [{ name: port[0], port: port[1] }] },
        }) as Service;
    return [
        service("default", "kubernetes", { component: "apiserver", provider: "kubernetes" }, ["https", 6443]),
        service(
            "kube-system",
            "kube-prometheus-stack-kubelet",
            { "app.kubernetes.io/name": "kubelet", "k8s-app": "kubelet" },
            ["https-metrics", 10250],
        ),
    ];
}

const matches = (labels: Record<string, string> = {}, selector: Record<string, string> = {}) =>
    Object.entries(selector).every(([key, value]) => labels[key] === value);

/** How many pods back a Service: the replicas of the workloads its selector matches, and of
 *  those the cluster runs outside the render (see `podsOutsideRender`). */
function podCount(service: Service, objects: Manifest[], nodes: readonly ClusterNode[]): number {
    let pods = podsOutsideRender(service, objects);
    for (const o of objects) {
        const spec = o.spec as { replicas?: number; template?: { metadata?: { labels?: Record<string, string> } } };
        if (o.metadata.namespace !== service.metadata.namespace || !spec?.template) continue;
        if (!matches(spec.template.metadata?.labels, service.spec.selector)) continue;
        if (o.kind === "DaemonSet") pods += nodes.length;
        else if (o.kind === "Deployment" || o.kind === "StatefulSet") pods += spec.replicas ?? 1;
    }
    return pods;
}

/** Pods the render does not hold but the cluster runs: the operator's Prometheus and
 *  Alertmanager StatefulSets (their replicas are the custom resources'), and K3s's CoreDNS. */
function podsOutsideRender(service: Service, objects: Manifest[]): number {
    const selector = service.spec.selector ?? {};
    const app = selector["app.kubernetes.io/name"];
    const kind = app === "prometheus" ? "Prometheus" : app === "alertmanager" ? "Alertmanager" : undefined;
    if (kind)
        return objects
            .filter((o) => o.kind === kind && o.metadata.namespace === service.metadata.namespace)
            .reduce((n, o) => n + ((o.spec as { replicas?: number }).replicas ?? 1), 0);
    return service.metadata.namespace === "kube-system" && selector["k8s-app"] === "kube-dns" ? 1 : 0;
}

/** Where the control plane's targets run: their addresses are the nodes'. */
function addressesOf(service: Service, objects: Manifest[], nodes: readonly ClusterNode[]): (ClusterNode | string)[] {
    const name = service.metadata.name;
    if (name === "kubernetes") return nodes.filter((n) => n.role === "server");
    if (name === "kube-prometheus-stack-kubelet") return [...nodes];
    const endpoints = objects.find(
        (o) =>
            o.kind === "Endpoints" && o.metadata.name === name && o.metadata.namespace === service.metadata.namespace,
    ) as { subsets?: { addresses: { ip: string }[] }[] } | undefined;
    if (endpoints)
        return endpoints.subsets!.flatMap((s) => s.addresses.map((a) => nodes.find((n) => n.address === a.ip) ?? a.ip));
    return Array.from({ length: podCount(service, objects, nodes) }, (_, i) => `${name}-${i}`);
}

/** Every target of the rendered topology's scrape config. */
export function scrapeTargets(topology: RenderedTopology): Target[] {
    const objects = allObjects(topology.rendered).map((o) => o.manifest);
    const services = [...objects.filter((o): o is Service => o.kind === "Service"), ...clusterServices()];
    const targets: Target[] = [];
    for (const monitor of objects.filter((o) => o.kind === "ServiceMonitor")) {
        const spec = monitor.spec as ServiceMonitorSpec;
        const namespaces = spec.namespaceSelector?.any
            ? undefined
            : (spec.namespaceSelector?.matchNames ?? [monitor.metadata.namespace!]);
        for (const service of services) {
            if (namespaces && !namespaces.includes(service.metadata.namespace!)) continue;
            if (!matches(service.metadata.labels, spec.selector.matchLabels)) continue;
            const job = (spec.jobLabel && service.metadata.labels?.[spec.jobLabel]) || service.metadata.name;
            for (const endpoint of spec.endpoints) {
                const port = service.spec.ports.find((p) =>
                    endpoint.port !== undefined
                        ? p.name === endpoint.port
                        : (p.targetPort ?? p.port) === endpoint.targetPort,
                );
                if (!port) continue;
                const path = endpoint.path ?? "/metrics";
                const withPath = endpoint.relabelings?.some((r) => r.targetLabel === "metrics_path");
                for (const address of addressesOf(service, objects, topology.nodes)) {
                    const node = typeof address === "string" ? undefined : address;
                    const host = typeof address === "string" ? address : address.address;
                    targets.push({
                        job,
                        node,
                        path,
                        metricRelabelings: endpoint.metricRelabelings ?? [],
                        labels: {
                            job,
                            instance: `${host}:${port.port}`,
                            namespace: service.metadata.namespace!,
                            service: service.metadata.name,
                            ...(port.name ? { endpoint: port.name } : {}),
                            ...(withPath ? { metrics_path: path } : {}),
                            // The operator's kubelet Endpoints point at Node objects, which name the node.
                            ...(node && service.metadata.name === "kube-prometheus-stack-kubelet"
                                ? { node: node.name }
                                : {}),
                        },
                    });
                }
            }
        }
    }
    return targets;
}

/** Whether a series named `name` (with no labels of its own) survives the target's metric
 *  relabelings, as Prometheus applies them: the source labels' values joined with ";", matched
 *  whole. Only keep and drop decide; the chart's bucket drops match no bucket-less series. */
export function keeps(target: Target, name: string): boolean {
    const labels: Record<string, string> = { ...target.labels, __name__: name };
    for (const r of target.metricRelabelings) {
        if (r.action !== "keep" && r.action !== "drop") continue;
        const value = (r.sourceLabels ?? []).map((l) => labels[l] ?? "").join(";");
        const matched = new RegExp(`^(?:${r.regex ?? "(.*)"})$`).test(value);
        if (r.action === "keep" && !matched) return false;
        if (r.action === "drop" && matched) return false;
    }
    return true;
}
