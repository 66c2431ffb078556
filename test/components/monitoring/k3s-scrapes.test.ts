import * as assert from "node:assert/strict";
import { k3sScrapeValues } from "../../../components/monitoring/k3s-scrapes";

const APISERVER_FAMILIES =
    "(apiserver|aggregator|apiextensions|authenticated_user|authentication|authorization|field_validation|kube_apiserver|node_authorizer|serviceaccount|watch_cache)_.+|etcd_(bookmark|lease|request|requests)_.+";
const ETCD_FAMILIES = "etcd_(cluster|debugging|disk|mvcc|network|server|snap|wal)_.+|grpc_server_.+";
/** The values without what is the chart's: the one default relabeling that leads each of the two
 *  lists the program replaces (rendered/monitoring/dedup.test.ts checks it against the pinned
 *  chart), and the rule map, whose one rule the last test reads. */
function programOwn(values: Record<string, unknown>): Record<string, unknown> {
    const own = structuredClone(values) as any;
    own.kubeApiServer.serviceMonitor.metricRelabelings.shift();
    own.kubelet.serviceMonitor.metricRelabelings.shift();
    delete own.additionalPrometheusRulesMap;
    return own;
}
const keep = (regex: string) => [{ action: "keep", sourceLabels: ["__name__"], regex }];

describe("k3sScrapeValues", () => {
    it("turns off the control-plane scrapes and their rule groups where K3s does not expose them", () => {
        assert.deepEqual(programOwn(k3sScrapeValues(undefined)), {
            kubeApiServer: {
                serviceMonitor: { metricRelabelings: keep(APISERVER_FAMILIES) },
            },
            kubelet: {
                serviceMonitor: {
                    metricRelabelings: [{ action: "drop", sourceLabels: ["__name__"], regex: APISERVER_FAMILIES }],
                },
            },
            kubeControllerManager: { enabled: false },
            kubeScheduler: { enabled: false },
            kubeProxy: { enabled: false },
            kubeEtcd: { enabled: false },
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
        assert.deepEqual(programOwn(values), {
            kubeApiServer: {
                serviceMonitor: { metricRelabelings: keep(APISERVER_FAMILIES) },
            },
            kubelet: {
                serviceMonitor: {
                    metricRelabelings: [
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

    it("moves KubeClientErrors to the kubelet's job, where K3s's client-go requests are kept", () => {
        for (const k3s of [undefined, { servers: ["10.0.0.1"], nodes: ["10.0.0.1"], etcd: true }]) {
            const values = k3sScrapeValues(k3s) as any;
            assert.deepEqual(values.defaultRules.disabled, { KubeClientErrors: true });
            const groups = values.additionalPrometheusRulesMap["homelab-k3s"].groups;
            assert.deepEqual(
                groups.map((g: any) => [g.name, g.rules.map((r: any) => [r.alert, r.for, r.labels])]),
                [["homelab.k3s", [["KubeClientErrors", "15m", { severity: "warning" }]]]],
            );
            const expr: string = groups[0].rules[0].expr;
            assert.equal(expr.match(/rest_client_requests_total\{job="kubelet", metrics_path="\/metrics"/g)?.length, 2);
        }
    });
});
