// The Prometheus Operator's CRDs (ServiceMonitor, PrometheusRule, ...), installed first and on
// their own. Argo CD's and External Secrets' charts render ServiceMonitors, and the monitoring
// chart waits for cert-manager: were the CRDs part of the monitoring chart, those objects would
// be created before their kind exists (the provider retries "no matches for kind" for about a
// minute only), and Argo CD's chart, which renders its ServiceMonitors only when the API serves
// monitoring.coreos.com/v1, would leave them out on the first `up` and add them on the second.
// The CRDs come from the pinned kube-prometheus-stack chart with every component off, so they
// always match the operator that chart runs.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { KUBE_SYSTEM, pinnedChart } from "./shared/chart";
import { CHARTS } from "./shared/versions";

/** Helm release of the CRDs; the CRDs are cluster-wide, the namespace only names the release. */
const RELEASE = "prometheus-operator-crds";
const RELEASE_NAMESPACE = KUBE_SYSTEM;

/** kube-prometheus-stack with only its `crds` subchart rendered. */
const CRDS_ONLY_VALUES: Record<string, unknown> = {
    crds: { enabled: true },
    defaultRules: { create: false },
    windowsMonitoring: { enabled: false },
    alertmanager: { enabled: false },
    grafana: { enabled: false },
    kubernetesServiceMonitors: { enabled: false },
    kubeApiServer: { enabled: false },
    kubelet: { enabled: false },
    kubeControllerManager: { enabled: false },
    coreDns: { enabled: false },
    kubeDns: { enabled: false },
    kubeEtcd: { enabled: false },
    kubeScheduler: { enabled: false },
    kubeProxy: { enabled: false },
    kubeStateMetrics: { enabled: false },
    nodeExporter: { enabled: false },
    prometheusOperator: { enabled: false },
    prometheus: { enabled: false },
    thanosRuler: { enabled: false },
};

export interface PrometheusOperatorCrdsArgs {
    /** Refuse to delete the CRDs (deleting one deletes every object of its kind). Default false. */
    protect?: boolean;
}

export class PrometheusOperatorCrds extends pulumi.ComponentResource {
    readonly chart: k8s.helm.v4.Chart;

    constructor(name: string, args: PrometheusOperatorCrdsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("homelab:platform:PrometheusOperatorCrds", name, {}, opts);
        this.chart = pinnedChart(
            this,
            name,
            { pin: CHARTS.monitoring, release: RELEASE, namespace: RELEASE_NAMESPACE, values: CRDS_ONLY_VALUES },
            // The chart holds nothing but CRDs, so protecting it protects exactly them: its
            // objects inherit protect and retainOnDelete (pulumi/pulumi inheritFromParent, CLI
            // 3.158 and later); the CRDs from the chart's crds/ folder take no
            // helm.sh/resource-policy annotation.
            { protect: args.protect, retainOnDelete: true },
        );
        this.registerOutputs({ chart: this.chart });
    }
}
