// How kube-prometheus-stack scrapes K3s's control plane so that every series exists once.
//
// K3s runs the API server, controller-manager, scheduler, kubelet and kube-proxy inside one
// process per node, and they share one metrics registry: each of their endpoints (6443, 10257,
// 10259, 10250 and 10249) serves every family of that process (k3s-io/k3s#2262). Scraped as the
// chart scrapes kubeadm's separate processes, a server's `go_goroutines` or `workqueue_depth`
// is stored five times under five jobs. Here each family is kept by exactly one job: a
// component's job keeps the families that component owns, and the kubelet's `/metrics`, which
// every node serves, keeps everything else (the process-wide Go, process, client-go and
// workqueue families among them). The kubelet's `/metrics/cadvisor`, `/metrics/probes` and
// `/metrics/resource` are registries of their own and stay as they are.

import { deepMerge } from "../shared/merge";

/** Where K3s serves its control-plane metrics (started with the flags that expose them). */
export interface K3sMetrics {
    /** Server addresses: controller-manager (10257), scheduler (10259); their kubelets also serve the API server's families. */
    readonly servers: readonly string[];
    /** Every node's address: kube-proxy (10249). */
    readonly nodes: readonly string[];
    /** Whether the servers run embedded etcd with `--etcd-expose-metrics` (2381). */
    readonly etcd: boolean;
}

/** Metric families (regular expressions over `__name__`) each K3s component owns. */
export const K3S_OWNED_FAMILIES = {
    // The API server's own families, and its storage client's (`etcd_request_duration_seconds`).
    apiserver:
        "(apiserver|aggregator|apiextensions|authenticated_user|authentication|authorization|field_validation|kube_apiserver|node_authorizer|serviceaccount|watch_cache)_.+|etcd_(bookmark|lease|request|requests)_.+",
    scheduler: "scheduler_.+",
    proxy: "kubeproxy_.+",
    // etcd's own families on 2381, whichever registry K3s serves them from.
    etcd: "etcd_(cluster|debugging|disk|mvcc|network|server|snap|wal)_.+|grpc_server_.+",
} as const;

/** Keeps only `families` of what a target serves. */
const keepOnly = (families: string) => [{ action: "keep", sourceLabels: ["__name__"], regex: families }];

// The chart's own metric relabelings of these two jobs, repeated because a list value replaces
// the chart's default rather than adding to it.
const CHART_APISERVER_RELABELINGS = [
    {
        action: "drop",
        regex: "(etcd_request|apiserver_request_slo|apiserver_request_sli|apiserver_request)_duration_seconds_bucket;(0\\.15|0\\.2|0\\.3|0\\.35|0\\.4|0\\.45|0\\.6|0\\.7|0\\.8|0\\.9|1\\.25|1\\.5|1\\.75|2|3|3\\.5|4|4\\.5|6|7|8|9|15|20|40|45|50)(\\.0)?",
        sourceLabels: ["__name__", "le"],
    },
];
const CHART_KUBELET_RELABELINGS = [
    {
        action: "drop",
        sourceLabels: ["__name__", "le"],
        regex: "(csi_operations|storage_operation_duration)_seconds_bucket;(0.25|2.5|15|25|120|600)(\\.0)?",
    },
];

/** Rule groups of the chart (`defaultRules.rules`) that watch one control-plane component. */
const COMPONENT_RULES = {
    kubeControllerManager: ["kubeControllerManager"],
    kubeScheduler: ["kubeSchedulerAlerting", "kubeSchedulerRecording"],
    kubeProxy: ["kubeProxy"],
    kubeEtcd: ["etcd"],
} as const;

type Component = keyof typeof COMPONENT_RULES;

/** Each component's rule groups on where it is scraped, off (by name) where it is not. */
function componentRules(scraped: Record<Component, boolean>): Record<string, boolean> {
    return Object.fromEntries(
        (Object.keys(COMPONENT_RULES) as Component[]).flatMap((component) =>
            COMPONENT_RULES[component].map((group) => [group, scraped[component]]),
        ),
    );
}

type Owner = keyof typeof K3S_OWNED_FAMILIES;

const escaped = (address: string) => address.replace(/\./g, "\\.");

/** The API server's job keeps its own families. The kubelet's keeps every family no scraped
 *  owner keeps, so a family of a component that is not scraped stays, under `kubelet`. An
 *  agent's kubelet serves a few of the API server's families itself (its own client-certificate
 *  and token-cache metrics), so those are dropped only from the servers' kubelets, where the
 *  API server's job has them; without the servers' addresses, from every kubelet. */
function sharedRegistryValues(
    servers: readonly string[] | undefined,
    scrapedOwners: readonly Owner[],
): Record<string, unknown> {
    const apiserverFamilies =
        servers === undefined
            ? { action: "drop", sourceLabels: ["__name__"], regex: K3S_OWNED_FAMILIES.apiserver }
            : {
                  action: "drop",
                  sourceLabels: ["instance", "__name__"],
                  regex: `(${servers.map(escaped).join("|")}):10250;(${K3S_OWNED_FAMILIES.apiserver})`,
              };
    const others = scrapedOwners.filter((owner) => owner !== "apiserver");
    return {
        kubeApiServer: {
            serviceMonitor: {
                metricRelabelings: [...CHART_APISERVER_RELABELINGS, ...keepOnly(K3S_OWNED_FAMILIES.apiserver)],
            },
        },
        kubelet: {
            serviceMonitor: {
                metricRelabelings: [
                    ...CHART_KUBELET_RELABELINGS,
                    apiserverFamilies,
                    ...(others.length > 0
                        ? [
                              {
                                  action: "drop",
                                  sourceLabels: ["__name__"],
                                  regex: others.map((owner) => K3S_OWNED_FAMILIES[owner]).join("|"),
                              },
                          ]
                        : []),
                ],
            },
        },
        // The chart's KubeClientErrors reads client-go's requests under the API server's job; on
        // K3s they are the whole process's, kept by the kubelet's job.
        defaultRules: { disabled: { KubeClientErrors: true } },
        additionalPrometheusRulesMap: { "homelab-k3s": { groups: [K3S_CLIENT_ERRORS] } },
    };
}

const K3S_CLIENT_ERRORS = {
    name: "homelab.k3s",
    rules: [
        {
            alert: "KubeClientErrors",
            expr: [
                '(sum(rate(rest_client_requests_total{job="kubelet", metrics_path="/metrics", code=~"5.."}[5m])) by (cluster, instance, job, namespace)',
                "  /",
                'sum(rate(rest_client_requests_total{job="kubelet", metrics_path="/metrics"}[5m])) by (cluster, instance, job, namespace))',
                "> 0.01",
            ].join("\n"),
            for: "15m",
            labels: { severity: "warning" },
            annotations: {
                summary: "Kubernetes API server client is experiencing errors.",
                description:
                    "The K3s process on '{{ $labels.instance }}' is experiencing {{ $value | humanizePercentage }} errors in its requests to the API server.",
                runbook_url: "https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubeclienterrors",
            },
        },
    ],
};

/** Scrape settings and rule groups for K3s's control plane. Without `k3s` (a K3s the program
 *  did not install) the controller-manager, scheduler, kube-proxy and etcd serve metrics on
 *  localhost only, so their scrapes and rule groups are off: scraping there would fire TargetDown
 *  forever. The API server and the kubelets are scraped either way. */
export function k3sScrapeValues(k3s: K3sMetrics | undefined): Record<string, unknown> {
    if (k3s === undefined) {
        return deepMerge(sharedRegistryValues(undefined, ["apiserver"]), {
            kubeControllerManager: { enabled: false },
            kubeScheduler: { enabled: false },
            kubeProxy: { enabled: false },
            kubeEtcd: { enabled: false },
            defaultRules: {
                rules: componentRules({
                    kubeControllerManager: false,
                    kubeScheduler: false,
                    kubeProxy: false,
                    kubeEtcd: false,
                }),
            },
        });
    }
    // Self-signed serving certificates on the node addresses: verify nothing but the token.
    const https = { https: true, insecureSkipVerify: true };
    const endpoint = (addresses: readonly string[], port: number) => ({
        enabled: true,
        endpoints: [...addresses],
        service: { port, targetPort: port },
    });
    const scraped: Owner[] = ["apiserver", "scheduler", "proxy", ...(k3s.etcd ? (["etcd"] as const) : [])];
    return deepMerge(sharedRegistryValues(k3s.servers, scraped), {
        // The controller-manager owns no family its rules or dashboard read (those are the
        // process-wide ones, kept by the kubelet's job): its job is there for `up`.
        kubeControllerManager: {
            ...endpoint(k3s.servers, 10257),
            serviceMonitor: {
                ...https,
                metricRelabelings: [{ action: "drop", sourceLabels: ["__name__"], regex: ".+" }],
            },
        },
        kubeScheduler: {
            ...endpoint(k3s.servers, 10259),
            serviceMonitor: { ...https, metricRelabelings: keepOnly(K3S_OWNED_FAMILIES.scheduler) },
        },
        kubeProxy: {
            ...endpoint(k3s.nodes, 10249),
            // Plain HTTP: no token to send in the clear.
            serviceMonitor: { bearerTokenFile: "", metricRelabelings: keepOnly(K3S_OWNED_FAMILIES.proxy) },
        },
        kubeEtcd: k3s.etcd
            ? {
                  ...endpoint(k3s.servers, 2381),
                  serviceMonitor: { bearerTokenFile: "", metricRelabelings: keepOnly(K3S_OWNED_FAMILIES.etcd) },
              }
            : { enabled: false },
        defaultRules: {
            rules: componentRules({
                kubeControllerManager: true,
                kubeScheduler: true,
                kubeProxy: true,
                kubeEtcd: k3s.etcd,
            }),
        },
    });
}
