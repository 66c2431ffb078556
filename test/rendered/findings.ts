// What is wrong with a rendered stack, as lists of findings (empty when all is well): each check
// reads every object the cluster would receive, the charts' and the program's own.
import { ResourceValidationArgs } from "@pulumi/policy";
import { POLICIES } from "../../policy/rules";
import { customKindOf, groupOf, isBuiltin, Manifest } from "../../render/kinds";
import { allObjects, ancestors, RenderedStack } from "../../render/stack";
import { admits, denials, Labels, selects, Source } from "./network-reach";
import { podSecurityViolations, podTemplates, PodSecurityLevel } from "./pod-security";
import { schemaProblems } from "./schemas";

type StackObject = ReturnType<typeof allObjects>[number];

const refOf = (m: Manifest) => `${m.kind} ${m.metadata.namespace ? `${m.metadata.namespace}/` : ""}${m.metadata.name}`;
const crdsOf = (objects: readonly StackObject[]) =>
    objects.map((o) => o.manifest).filter((m) => m.kind === "CustomResourceDefinition");

/** Objects failing the Kubernetes schemas or their CRD's (unknown fields included: the API server drops them). */
export function schemaFindings(objects: readonly StackObject[]): string[] {
    const crds = crdsOf(objects);
    return objects.flatMap((o) =>
        schemaProblems(o.manifest, crds).map((p) => `${o.origin} ${refOf(o.manifest)}${p.path}: ${p.message}`),
    );
}

const ENFORCE = "pod-security.kubernetes.io/enforce";

/** Pod templates their namespace's enforced Pod Security level would reject. */
export function podSecurityFindings(objects: readonly StackObject[]): string[] {
    const levels = new Map<string, PodSecurityLevel>();
    for (const { manifest } of objects) {
        const labels = manifest.metadata.labels as Record<string, string> | undefined;
        if (manifest.kind === "Namespace" && labels?.[ENFORCE])
            levels.set(manifest.metadata.name, labels[ENFORCE] as PodSecurityLevel);
    }
    return objects.flatMap(({ manifest, origin }) =>
        podTemplates(manifest).flatMap((template) => {
            const level = levels.get(manifest.metadata.namespace ?? "") ?? "privileged";
            return podSecurityViolations(template, level).map(
                (v) => `${origin} ${refOf(manifest)} violates ${level}: ${v}`,
            );
        }),
    );
}

/** Custom resources created before their CRD exists, and charts a fresh cluster's first `up`
 *  renders differently from the next (objects gated on an API that is not served yet). */
export function orderFindings(rendered: RenderedStack): string[] {
    const findings: string[] = [];
    const crdOrigin = new Map<string, { urn: string; origin: string }>();
    for (const chart of rendered.charts)
        for (const o of chart.objects) {
            const kind = customKindOf(o.manifest);
            if (kind)
                crdOrigin.set(`${kind.group}/${kind.kind}`, {
                    urn: chart.registration.urn,
                    origin: chart.registration.name,
                });
        }
    for (const o of rendered.program) {
        const kind = customKindOf(o.manifest);
        if (kind) crdOrigin.set(`${kind.group}/${kind.kind}`, { urn: o.registration.urn, origin: o.name });
    }
    const check = (manifest: Manifest, urn: string, origin: string) => {
        if (isBuiltin(manifest.apiVersion) || K3S_GROUPS.has(groupOf(manifest.apiVersion))) return;
        const crd = crdOrigin.get(`${groupOf(manifest.apiVersion)}/${manifest.kind}`);
        if (crd === undefined) findings.push(`${origin} ${refOf(manifest)}: no resource of the stack installs its CRD`);
        else if (crd.urn !== urn && !ancestors(rendered.registrations, urn).has(crd.urn))
            findings.push(
                `${origin} ${refOf(manifest)}: created without waiting for ${crd.origin}, which installs its CRD`,
            );
    };
    for (const chart of rendered.charts) {
        for (const o of chart.objects) check(o.manifest, chart.registration.urn, chart.registration.name);
        const { missing, extra } = chart.firstInstall;
        if (missing.length > 0)
            findings.push(
                `${chart.registration.name}: the first up leaves out ${missing.join(", ")}; the second adds them`,
            );
        if (extra.length > 0)
            findings.push(
                `${chart.registration.name}: the first up renders ${extra.join(", ")}; the second removes them`,
            );
    }
    for (const o of rendered.program) check(o.manifest, o.registration.urn, o.name);
    return findings;
}

/** APIs K3s serves itself. */
const K3S_GROUPS = new Set(["helm.cattle.io", "k3s.cattle.io", "metrics.k8s.io", "traefik.io"]);

/** Where traffic comes from: the API server (K3s's host process: a node's address, or the CNI
 *  bridge's for a pod on its own node), Prometheus and K3s's Traefik. */
export interface TrafficSources {
    readonly apiServer: readonly string[];
    readonly ingressController: { readonly namespace: string; readonly pod: Labels };
}

/** K3s's packaged Traefik (its HelmChart `traefik` in kube-system). */
export const K3S_TRAEFIK = {
    namespace: "kube-system",
    pod: { "app.kubernetes.io/name": "traefik", "app.kubernetes.io/instance": "traefik-kube-system" },
} as const;

type Pod = { namespace: string; labels: Labels; containers: Record<string, unknown>[]; ref: string };

function podsOf(objects: readonly StackObject[]): Pod[] {
    return objects.flatMap(({ manifest }) =>
        podTemplates(manifest).map((t) => ({
            namespace: manifest.metadata.namespace ?? "default",
            labels: (t.metadata.labels as Labels | undefined) ?? {},
            containers: (t.spec.containers as Record<string, unknown>[] | undefined) ?? [],
            ref: refOf(manifest),
        })),
    );
}

type ServicePort = { name?: string; port: number; targetPort?: number | string };

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

/** Traffic the platform needs that its network policies would drop: the API server calling each
 *  webhook, Prometheus scraping every ServiceMonitor's pods, the ingress controller reaching every
 *  Ingress backend and cert-manager's HTTP-01 solvers. */
export function reachabilityFindings(stackObjects: readonly StackObject[], sources: TrafficSources): string[] {
    const objects = [...stackObjects, ...CLUSTER_SERVICES];
    const manifests = objects.map((o) => o.manifest as unknown as Record<string, unknown>);
    const pods = podsOf(objects);
    const findings: string[] = [];
    const need = (what: string, from: readonly Source[], namespace: string, service: string, port: number | string) => {
        const found = backends(objects, pods, namespace, service, port);
        if ("missing" in found) {
            findings.push(`${what}: no ${found.missing}`);
            return;
        }
        for (const pod of found.pods)
            for (const source of from) {
                const destination = { namespace, pod: pod.labels, containers: pod.containers, port: found.target };
                const declared =
                    typeof found.target === "number" ||
                    pod.containers.some((c) =>
                        ((c.ports as { name?: string }[] | undefined) ?? []).some((p) => p.name === found.target),
                    );
                if (!declared)
                    findings.push(`${what}: ${pod.ref} declares no port ${found.target} (${namespace}/${service})`);
                else if (!admits(manifests, source, destination))
                    findings.push(
                        `${what}: ${"ip" in source ? source.ip : `${source.namespace} pods`} cannot reach ${pod.ref} on port ${found.target} (${denials(manifests, source, destination).join(", ")})`,
                    );
            }
    };
    const apiServer = sources.apiServer.map((ip) => ({ ip }));

    for (const { manifest } of objects) {
        const ref = refOf(manifest);
        if (/^(Validating|Mutating)WebhookConfiguration$/.test(manifest.kind)) {
            for (const hook of (manifest.webhooks as { clientConfig?: { service?: WebhookService } }[] | undefined) ??
                []) {
                const svc = hook.clientConfig?.service;
                if (svc) need(`${ref} webhook`, apiServer, svc.namespace, svc.name, svc.port ?? 443);
            }
        }
        const conversion = (
            manifest.spec as { conversion?: { webhook?: { clientConfig?: { service?: WebhookService } } } } | undefined
        )?.conversion?.webhook?.clientConfig?.service;
        if (manifest.kind === "CustomResourceDefinition" && conversion)
            need(`${ref} conversion webhook`, apiServer, conversion.namespace, conversion.name, conversion.port ?? 443);
        if (manifest.kind === "ServiceMonitor" && groupOf(manifest.apiVersion) === "monitoring.coreos.com") {
            const spec = manifest.spec as {
                selector?: Record<string, unknown>;
                namespaceSelector?: { any?: boolean; matchNames?: string[] };
                endpoints?: { port?: string; targetPort?: number | string }[];
            };
            const scope = spec.namespaceSelector?.any
                ? undefined
                : (spec.namespaceSelector?.matchNames ?? [manifest.metadata.namespace]);
            const services = objects.filter(
                (o) =>
                    o.manifest.kind === "Service" &&
                    (scope === undefined || scope.includes(o.manifest.metadata.namespace)) &&
                    selects(spec.selector, (o.manifest.metadata.labels as Labels | undefined) ?? {}),
            );
            // Prometheus scrapes the selected Services that have the endpoint's port; one without it
            // only yields no target.
            for (const endpoint of spec.endpoints ?? []) {
                const port = endpoint.port ?? endpoint.targetPort ?? 0;
                const serving = services.filter((svc) =>
                    ((svc.manifest.spec as { ports?: ServicePort[] }).ports ?? []).some(
                        (p) => p.name === port || p.port === port,
                    ),
                );
                if (serving.length === 0) findings.push(`${ref} scrape: selects no Service with port ${port}`);
                for (const svc of serving)
                    need(
                        `${ref} scrape`,
                        prometheusPods(objects),
                        svc.manifest.metadata.namespace!,
                        svc.manifest.metadata.name,
                        port,
                    );
            }
        }
        if (manifest.kind === "Ingress" && groupOf(manifest.apiVersion) === "networking.k8s.io") {
            const namespace = manifest.metadata.namespace!;
            const spec = manifest.spec as {
                rules?: { http?: { paths?: { backend: Backend }[] } }[];
                defaultBackend?: Backend;
            };
            const all = [
                ...(spec.rules ?? []).flatMap((r) => (r.http?.paths ?? []).map((p) => p.backend)),
                ...(spec.defaultBackend ? [spec.defaultBackend] : []),
            ];
            for (const backend of all)
                if (backend.service)
                    need(
                        `${ref} backend`,
                        [sources.ingressController],
                        namespace,
                        backend.service.name,
                        backend.service.port.number ?? backend.service.port.name ?? 0,
                    );
            const annotations = (manifest.metadata.annotations ?? {}) as Record<string, string>;
            const solver = { namespace, pod: { "acme.cert-manager.io/http01-solver": "true" }, port: 8089 };
            if (annotations["cert-manager.io/cluster-issuer"] && !admits(manifests, sources.ingressController, solver))
                findings.push(
                    `${ref} ACME HTTP-01 solver: ${sources.ingressController.namespace} pods cannot reach solver pods in ${namespace} on port 8089`,
                );
        }
    }
    return findings;
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

type WebhookService = { namespace: string; name: string; port?: number };
type Backend = { service?: { name: string; port: { number?: number; name?: string } } };

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

/** Violations the policy pack reports for the objects, as the engine hands them over: each
 *  object a resource with its manifest as props. */
export function policyFindings(stack: string, objects: readonly StackObject[]): string[] {
    const findings: string[] = [];
    for (const o of objects) {
        const args = {
            type: o.type,
            name: o.name,
            urn: `urn:pulumi:${stack}::homelab::${o.type}::${o.name}`,
            props: o.manifest,
        } as unknown as ResourceValidationArgs;
        for (const policy of POLICIES) {
            const validate = policy.validateResource;
            for (const check of Array.isArray(validate) ? validate : validate ? [validate] : [])
                void check(args, (message) =>
                    findings.push(`${policy.name}: ${o.origin} ${refOf(o.manifest)}: ${message}`),
                );
        }
    }
    return findings;
}
