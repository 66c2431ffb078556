import * as assert from "node:assert/strict";
import { k3sScrapeValues } from "../../../components/monitoring/k3s-scrapes";

const APISERVER_FAMILIES =
    "(apiserver|aggregator|apiextensions|authenticated_user|authentication|authorization|field_validation|kube_apiserver|node_authorizer|serviceaccount|watch_cache)_.+|etcd_(bookmark|lease|request|requests)_.+";
const ETCD_FAMILIES = "etcd_(cluster|debugging|disk|mvcc|network|server|snap|wal)_.+|grpc_server_.+";
// The chart's defaults, first in the lists that replace them.
const CHART_APISERVER_DROP = {
    action: "drop",
    regex: "(etcd_request|apiserver_request_slo|apiserver_request_sli|apiserver_request)_duration_seconds_bucket;(0\\.15|0\\.2|0\\.3|0\\.35|0\\.4|0\\.45|0\\.6|0\\.7|0\\.8|0\\.9|1\\.25|1\\.5|1\\.75|2|3|3\\.5|4|4\\.5|6|7|8|9|15|20|40|45|50)(\\.0)?",
    sourceLabels: ["__name__", "le"],
};
const CHART_KUBELET_DROP = {
    action: "drop",
    sourceLabels: ["__name__", "le"],
    regex: "(csi_operations|storage_operation_duration)_seconds_bucket;(0.25|2.5|15|25|120|600)(\\.0)?",
};
// The chart's KubeClientErrors, reading client-go's requests where K3s's scrapes keep them.
const K3S_RULES = {
    "homelab-k3s": {
        groups: [
            {
                name: "homelab.k3s",
                rules: [
                    {
                        alert: "KubeClientErrors",
                        expr: '(sum(rate(rest_client_requests_total{job="kubelet", metrics_path="/metrics", code=~"5.."}[5m])) by (cluster, instance, job, namespace)\n  /\nsum(rate(rest_client_requests_total{job="kubelet", metrics_path="/metrics"}[5m])) by (cluster, instance, job, namespace))\n> 0.01',
                        for: "15m",
                        labels: { severity: "warning" },
                        annotations: {
                            summary: "Kubernetes API server client is experiencing errors.",
                            description:
                                "The K3s process on '{{ $labels.instance }}' is experiencing {{ $value | humanizePercentage }} errors in its requests to the API server.",
                            runbook_url:
                                "https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubeclienterrors",
                        },
                    },
                ],
            },
        ],
    },
};
const keep = (regex: string) => [{ action: "keep", sourceLabels: ["__name__"], regex }];

describe("k3sScrapeValues", () => {
    it("turns off the control-plane scrapes and their rule groups where K3s does not expose them", () => {
        assert.deepEqual(k3sScrapeValues(undefined), {
            kubeApiServer: {
                serviceMonitor: { metricRelabelings: [CHART_APISERVER_DROP, ...keep(APISERVER_FAMILIES)] },
            },
            kubelet: {
                serviceMonitor: {
                    metricRelabelings: [
                        CHART_KUBELET_DROP,
                        { action: "drop", sourceLabels: ["__name__"], regex: APISERVER_FAMILIES },
                    ],
                },
            },
            kubeControllerManager: { enabled: false },
            kubeScheduler: { enabled: false },
            kubeProxy: { enabled: false },
            kubeEtcd: { enabled: false },
            additionalPrometheusRulesMap: K3S_RULES,
            defaultRules: {
                disabled: { KubeClientErrors: true },
                rules: {
                    kubeControllerManager: false,
                    kubeSchedulerAlerting: false,
                    kubeSchedulerRecording: false,
                    kubeProxy: false,
                    etcd: false,
                },
            },
        });
    });

    it("scrapes K3s's servers and nodes, each metric family under one job", () => {
        const values = k3sScrapeValues({ servers: ["10.0.0.1"], nodes: ["10.0.0.1", "10.0.0.2"], etcd: true });
        const https = { https: true, insecureSkipVerify: true };
        assert.deepEqual(values, {
            kubeApiServer: {
                serviceMonitor: {
                    metricRelabelings: [CHART_APISERVER_DROP, ...keep(APISERVER_FAMILIES)],
                },
            },
            kubelet: {
                serviceMonitor: {
                    metricRelabelings: [
                        CHART_KUBELET_DROP,
                        // The API server's families only from the servers' kubelets.
                        {
                            action: "drop",
                            sourceLabels: ["instance", "__name__"],
                            regex: `(10\\.0\\.0\\.1):10250;(${APISERVER_FAMILIES})`,
                        },
                        {
                            action: "drop",
                            sourceLabels: ["__name__"],
                            regex: `scheduler_.+|kubeproxy_.+|${ETCD_FAMILIES}`,
                        },
                    ],
                },
            },
            kubeControllerManager: {
                enabled: true,
                endpoints: ["10.0.0.1"],
                service: { port: 10257, targetPort: 10257 },
                serviceMonitor: {
                    ...https,
                    metricRelabelings: [{ action: "drop", sourceLabels: ["__name__"], regex: ".+" }],
                },
            },
            kubeScheduler: {
                enabled: true,
                endpoints: ["10.0.0.1"],
                service: { port: 10259, targetPort: 10259 },
                serviceMonitor: { ...https, metricRelabelings: keep("scheduler_.+") },
            },
            kubeProxy: {
                enabled: true,
                endpoints: ["10.0.0.1", "10.0.0.2"],
                service: { port: 10249, targetPort: 10249 },
                serviceMonitor: { bearerTokenFile: "", metricRelabelings: keep("kubeproxy_.+") },
            },
            kubeEtcd: {
                enabled: true,
                endpoints: ["10.0.0.1"],
                service: { port: 2381, targetPort: 2381 },
                serviceMonitor: { bearerTokenFile: "", metricRelabelings: keep(ETCD_FAMILIES) },
            },
            additionalPrometheusRulesMap: K3S_RULES,
            defaultRules: {
                disabled: { KubeClientErrors: true },
                rules: {
                    kubeControllerManager: true,
                    kubeSchedulerAlerting: true,
                    kubeSchedulerRecording: true,
                    kubeProxy: true,
                    etcd: true,
                },
            },
        });
    });

    it("leaves etcd's scrape and rules off where the servers run without embedded etcd", () => {
        const values = k3sScrapeValues({ servers: ["10.0.0.1"], nodes: ["10.0.0.1"], etcd: false }) as {
            kubeEtcd: unknown;
            kubelet: { serviceMonitor: { metricRelabelings: unknown[] } };
            defaultRules: { rules: Record<string, boolean> };
        };
        assert.deepEqual(values.kubeEtcd, { enabled: false });
        assert.equal(values.defaultRules.rules.etcd, false);
        assert.deepEqual(values.kubelet.serviceMonitor.metricRelabelings[2], {
            action: "drop",
            sourceLabels: ["__name__"],
            regex: "scheduler_.+|kubeproxy_.+",
        });
    });
});
