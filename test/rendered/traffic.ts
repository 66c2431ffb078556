// The traffic the platform needs and its network policies must let through: the API server
// calling every webhook, Prometheus scraping every ServiceMonitor's pods, the ingress controller
// reaching every Ingress backend and cert-manager's HTTP-01 solvers.
import { groupOf, kindRef, Manifest } from "../../render/kinds";
import { StackObject } from "../../render/stack";
import { admits, denials, Labels, selects, Source } from "./network-reach";
import { podTemplates } from "./pod-security";

/** Where traffic comes from: the API server (K3s's host process: a node's address, or the CNI
 *  bridge's for a pod on its own node) and the ingress controller's pods. */
export interface TrafficSources {
    readonly apiServer: readonly string[];
    readonly ingressController: { readonly namespace: string; readonly pod: Labels };
}

/** K3s's packaged Traefik (its HelmChart `traefik` in kube-system). */
export const K3S_TRAEFIK = {
    namespace: "kube-system",
    pod: { "app.kubernetes.io/name": "traefik", "app.kubernetes.io/instance": "traefik-kube-system" },
} as const;

/** Traffic that must get through: from sources to a Service's port, or straight to pods. */
interface Need {
    readonly what: string;
    readonly from: readonly Source[];
    readonly to:
        | { readonly service: { readonly namespace: string; readonly name: string; readonly port: number | string } }
        | { readonly pods: { readonly namespace: string; readonly labels: Labels; readonly port: number } };
}

type ServicePort = { name?: string; port: number; targetPort?: number | string };
type ServiceRef = { namespace: string; name: string; port?: number };
type Backend = { service?: { name: string; port: { number?: number; name?: string } } };
type Pod = { namespace: string; labels: Labels; containers: Record<string, unknown>[]; ref: string };

/** The traffic the network policies among `stackObjects` would drop, as findings. */
export function reachabilityFindings(stackObjects: readonly StackObject[], sources: TrafficSources): string[] {
    const objects = [...stackObjects, ...CLUSTER_SERVICES];
    const findings: string[] = [];
    const needs = objects.flatMap(({ manifest }) => [
        ...webhookNeeds(manifest, sources),
        ...scrapeNeeds(manifest, objects, findings),
        ...ingressNeeds(manifest, sources),
    ]);
    const manifests = objects.map((o) => o.manifest as unknown as Record<string, unknown>);
    const pods = podsOf(objects);
    for (const need of needs) findings.push(...unmet(need, objects, pods, manifests));
    return findings;
}

/** The API server calls each webhook's Service. */
function webhookNeeds(manifest: Manifest, sources: TrafficSources): Need[] {
    const from = sources.apiServer.map((ip) => ({ ip }));
    const need = (what: string, svc: ServiceRef): Need => ({
        what: `${kindRef(manifest)} ${what}`,
        from,
        to: { service: { namespace: svc.namespace, name: svc.name, port: svc.port ?? 443 } },
    });
    if (/^(Validating|Mutating)WebhookConfiguration$/.test(manifest.kind)) {
        const hooks = (manifest.webhooks as { clientConfig?: { service?: ServiceRef } }[] | undefined) ?? [];
        return hooks.flatMap((h) => (h.clientConfig?.service ? [need("webhook", h.clientConfig.service)] : []));
    }
    const spec = manifest.spec as { conversion?: { webhook?: { clientConfig?: { service?: ServiceRef } } } };
    const conversion = spec?.conversion?.webhook?.clientConfig?.service;
    return manifest.kind === "CustomResourceDefinition" && conversion ? [need("conversion webhook", conversion)] : [];
}

/** Prometheus scrapes the Services a ServiceMonitor selects that have the endpoint's port (one
 *  without it only yields no target); an endpoint no selected Service has is a finding. */
function scrapeNeeds(manifest: Manifest, objects: readonly StackObject[], findings: string[]): Need[] {
    if (manifest.kind !== "ServiceMonitor" || groupOf(manifest.apiVersion) !== "monitoring.coreos.com") return [];
    const spec = manifest.spec as {
        selector?: Record<string, unknown>;
        namespaceSelector?: { any?: boolean; matchNames?: string[] };
        endpoints?: { port?: string; targetPort?: number | string }[];
    };
    const scope = spec.namespaceSelector?.any
        ? undefined
        : (spec.namespaceSelector?.matchNames ?? [manifest.metadata.namespace]);
    const services = objects.filter(
        ({ manifest: m }) =>
            m.kind === "Service" &&
            (scope === undefined || scope.includes(m.metadata.namespace)) &&
            selects(spec.selector, (m.metadata.labels as Labels | undefined) ?? {}),
    );
    const from = prometheusPods(objects);
    return (spec.endpoints ?? []).flatMap((endpoint) => {
        const port = endpoint.port ?? endpoint.targetPort ?? 0;
        const serving = services.filter(({ manifest: m }) =>
            ((m.spec as { ports?: ServicePort[] }).ports ?? []).some((p) => p.name === port || p.port === port),
        );
        if (serving.length === 0) findings.push(`${kindRef(manifest)} scrape: selects no Service with port ${port}`);
        return serving.map(({ manifest: m }) => ({
            what: `${kindRef(manifest)} scrape`,
            from,
            to: { service: { namespace: m.metadata.namespace!, name: m.metadata.name, port } },
        }));
    });
}

/** The ingress controller reaches each backend Service and, for an Ingress with a certificate,
 *  cert-manager's HTTP-01 solver pods in its namespace. */
function ingressNeeds(manifest: Manifest, sources: TrafficSources): Need[] {
    if (manifest.kind !== "Ingress" || groupOf(manifest.apiVersion) !== "networking.k8s.io") return [];
    const namespace = manifest.metadata.namespace!;
    const from = [sources.ingressController];
    const spec = manifest.spec as { rules?: { http?: { paths?: { backend: Backend }[] } }[]; defaultBackend?: Backend };
    const backends = [
        ...(spec.rules ?? []).flatMap((r) => (r.http?.paths ?? []).map((p) => p.backend)),
        ...(spec.defaultBackend ? [spec.defaultBackend] : []),
    ];
    const needs: Need[] = backends.flatMap(({ service }) =>
        service
            ? [
                  {
                      what: `${kindRef(manifest)} backend`,
                      from,
                      to: {
                          service: {
                              namespace,
                              name: service.name,
                              port: service.port.number ?? service.port.name ?? 0,
                          },
                      },
                  },
              ]
            : [],
    );
    const annotations = (manifest.metadata.annotations ?? {}) as Record<string, string>;
    if (annotations["cert-manager.io/cluster-issuer"])
        needs.push({
            what: `${kindRef(manifest)} ACME HTTP-01 solver`,
            from,
            to: { pods: { namespace, labels: { "acme.cert-manager.io/http01-solver": "true" }, port: 8089 } },
        });
    return needs;
}

/** Why a need is not met: nothing to reach, a port no container declares, or a policy in the way. */
function unmet(
    need: Need,
    objects: readonly StackObject[],
    pods: readonly Pod[],
    manifests: readonly Record<string, unknown>[],
): string[] {
    const who = (source: Source) => ("ip" in source ? source.ip : `${source.namespace} pods`);
    if ("pods" in need.to) {
        const { namespace, labels, port } = need.to.pods;
        return need.from
            .filter((source) => !admits(manifests, source, { namespace, pod: labels, port }))
            .map((source) => `${need.what}: ${who(source)} cannot reach solver pods in ${namespace} on port ${port}`);
    }
    const { namespace, name, port } = need.to.service;
    const found = backends(objects, pods, namespace, name, port);
    if ("missing" in found) return [`${need.what}: no ${found.missing}`];
    const out: string[] = [];
    for (const pod of found.pods) {
        const declared =
            typeof found.target === "number" ||
            pod.containers.some((c) =>
                ((c.ports as { name?: string }[] | undefined) ?? []).some((p) => p.name === found.target),
            );
        if (!declared) {
            out.push(`${need.what}: ${pod.ref} declares no port ${found.target} (${namespace}/${name})`);
            continue;
        }
        for (const source of need.from) {
            const destination = { namespace, pod: pod.labels, containers: pod.containers, port: found.target };
            if (!admits(manifests, source, destination))
                out.push(
                    `${need.what}: ${who(source)} cannot reach ${pod.ref} on port ${found.target} (${denials(manifests, source, destination).join(", ")})`,
                );
        }
    }
    return out;
}

function podsOf(objects: readonly StackObject[]): Pod[] {
    return objects.flatMap(({ manifest }) =>
        podTemplates(manifest).map((t) => ({
            namespace: manifest.metadata.namespace ?? "default",
            labels: (t.metadata.labels as Labels | undefined) ?? {},
            containers: (t.spec.containers as Record<string, unknown>[] | undefined) ?? [],
            ref: kindRef(manifest),
        })),
    );
}

/** The pods behind a Service port and the port they listen on; none for a Service without a
 *  selector (its endpoints are addresses outside the pod network). */
function backends(
    objects: readonly StackObject[],
    pods: readonly Pod[],
    namespace: string,
    service: string,
    port: number | string,
) {
    const svc = objects.find(
        (o) =>
            o.manifest.kind === "Service" &&
            o.manifest.metadata.namespace === namespace &&
            o.manifest.metadata.name === service,
    )?.manifest;
    if (svc === undefined) return { missing: `Service ${namespace}/${service}` };
    const spec = svc.spec as { selector?: Labels; ports?: ServicePort[] };
    const entry = spec.ports?.find((p) => p.port === port || p.name === port);
    if (entry === undefined) return { missing: `port ${port} of Service ${namespace}/${service}` };
    if (spec.selector === undefined) return { pods: [], target: entry.port };
    const selected = pods.filter(
        (p) => p.namespace === namespace && Object.entries(spec.selector!).every(([k, v]) => p.labels[k] === v),
    );
    return { pods: selected, target: entry.targetPort ?? entry.port };
}

const clusterService = (namespace: string, name: string, labels: Labels, ports: ServicePort[]): StackObject => ({
    manifest: { apiVersion: "v1", kind: "Service", metadata: { name, namespace, labels }, spec: { ports } },
    type: "kubernetes:core/v1:Service",
    name,
    origin: "cluster",
    retainOnDelete: false,
});

/** Services that exist without the stack declaring them, with no selector: their endpoints are
 *  the nodes (Kubernetes' own API server Service, and the kubelet Service the Prometheus
 *  Operator keeps, kube-prometheus-stack's `prometheusOperator.kubeletService`). */
const CLUSTER_SERVICES: readonly StackObject[] = [
    clusterService("default", "kubernetes", { component: "apiserver", provider: "kubernetes" }, [
        { name: "https", port: 443 },
    ]),
    clusterService(
        "kube-system",
        "kube-prometheus-stack-kubelet",
        { "app.kubernetes.io/name": "kubelet", "k8s-app": "kubelet" },
        [
            { name: "https-metrics", port: 10250 },
            { name: "http-metrics", port: 10255 },
            { name: "cadvisor", port: 4194 },
        ],
    ),
];

/** Prometheus's pods as the operator labels them (prometheus-operator pkg/prometheus), one per Prometheus resource. */
function prometheusPods(objects: readonly StackObject[]): Source[] {
    return objects
        .filter((o) => o.manifest.kind === "Prometheus" && groupOf(o.manifest.apiVersion) === "monitoring.coreos.com")
        .map(({ manifest }) => {
            const name = manifest.metadata.name;
            const extra = (manifest.spec as { podMetadata?: { labels?: Labels } }).podMetadata?.labels ?? {};
            return {
                namespace: manifest.metadata.namespace!,
                pod: {
                    ...extra,
                    "app.kubernetes.io/name": "prometheus",
                    "app.kubernetes.io/instance": name,
                    prometheus: name,
                },
            };
        });
}
