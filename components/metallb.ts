// MetalLB in L2 mode: LoadBalancer addresses from the homelab's LAN (K3s's servicelb is off, so
// Traefik's LoadBalancer service takes its address from here).
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ChartComponent, ComponentHome, Guards } from "./shared/chart";
import { deepMerge } from "./shared/merge";
import { sized, SizingPreset } from "./shared/sizing";
import { CHARTS } from "./shared/versions";
import { CustomObject, WebhookGate } from "./shared/webhook-gate";

export const METALLB_NAMESPACE = "metallb-system";
// The speaker answers ARP on the host network and needs NET_RAW: privileged.
const HOME: ComponentHome = { namespace: METALLB_NAMESPACE, podSecurity: "privileged" };

/** One MetalLB IPAddressPool. */
export interface AddressPool {
    /** Pool name. */
    readonly name: string;
    /** CIDRs or `first-last` ranges. */
    readonly addresses: readonly string[];
    /** Whether any LoadBalancer service may take an address from it. */
    readonly autoAssign: boolean;
}

export interface MetalLbArgs extends Guards {
    /** Address pools for LoadBalancer services, all advertised over L2. Required. */
    pools: readonly AddressPool[];
    /** Requests/limits preset. */
    resources: SizingPreset;
    /** Helm values merged over the program's own, last. Default none. */
    values?: Record<string, unknown>;
}

/** The chart values for L2 mode, sized by the preset. */
export function metallbValues(args: MetalLbArgs): Record<string, unknown> {
    const resources = sized(args.resources, "small");
    return deepMerge(
        {
            // Chart 0.16 turns the frr-k8s BGP backend on by default; L2 mode needs neither it nor FRR.
            frrk8s: { enabled: false },
            controller: { resources },
            speaker: { frr: { enabled: false }, resources },
            // No ServiceMonitor or PrometheusRule in this chart: their CRDs arrive with monitoring,
            // after cert-manager, and the pools (and so every LoadBalancer) would wait for them.
            prometheus: {
                rbacPrometheus: false,
                serviceMonitor: { enabled: false },
                prometheusRule: { enabled: false },
            },
        },
        args.values ?? {},
    );
}

function poolObject(pool: AddressPool): CustomObject {
    return {
        apiVersion: "metallb.io/v1beta1",
        kind: "IPAddressPool",
        metadata: { name: pool.name, namespace: METALLB_NAMESPACE },
        spec: { addresses: [...pool.addresses], autoAssign: pool.autoAssign },
    };
}

function advertisementObject(pools: readonly AddressPool[]): CustomObject {
    return {
        apiVersion: "metallb.io/v1beta1",
        kind: "L2Advertisement",
        metadata: { name: "homelab", namespace: METALLB_NAMESPACE },
        spec: { ipAddressPools: pools.map((p) => p.name) },
    };
}

/** The controller's metrics Service. The chart makes one only with its ServiceMonitor, whose CRD
 *  arrives with monitoring, later than the pools must. */
export const METALLB_METRICS_SERVICE = "metallb-controller-metrics";
const METRICS_LABELS = { "app.kubernetes.io/name": "metallb", "app.kubernetes.io/component": "controller-metrics" };

/** The ServiceMonitor spec (kube-prometheus-stack's additionalServiceMonitors) for MetalLB's
 *  controller, which counts each pool's addresses. Its metrics are HTTPS only, on a self-signed
 *  certificate, and need a token allowed to get /metrics (Prometheus's own). */
export function metallbServiceMonitor(): Record<string, unknown> {
    return {
        name: "metallb-controller",
        selector: { matchLabels: METRICS_LABELS },
        namespaceSelector: { matchNames: [METALLB_NAMESPACE] },
        endpoints: [
            {
                port: "metricshttps",
                scheme: "https",
                tlsConfig: { insecureSkipVerify: true },
                bearerTokenFile: "/var/run/secrets/kubernetes.io/serviceaccount/token",
            },
        ],
    };
}

export class MetalLb extends ChartComponent {
    readonly chart: k8s.helm.v4.Chart;
    readonly pools: k8s.apiextensions.CustomResource[];
    readonly advertisement: k8s.apiextensions.CustomResource;
    /** The controller's metrics, for Prometheus. */
    readonly metricsService: k8s.core.v1.Service;

    constructor(name: string, args: MetalLbArgs, opts?: pulumi.ComponentResourceOptions) {
        super("homelab:platform:MetalLb", name, HOME, args, opts);
        const namespace = this.namespace;
        this.chart = this.installChart(
            name,
            { pin: CHARTS.metallb, release: "metallb", values: metallbValues(args) },
            // Its CRDs come from a subchart that takes no annotation, and deleting one deletes
            // every pool: where state is protected, nothing of the chart is deleted with it.
            args.protect ? { retainOnDelete: true } : {},
        );

        const pools = args.pools.map(poolObject);
        const advertisement = advertisementObject(args.pools);
        const gate = new WebhookGate(
            `${name}-webhook-gate`,
            {
                namespace: namespace.metadata.name,
                objects: [...pools, advertisement],
                access: { apiGroup: "metallb.io", resources: ["ipaddresspools", "l2advertisements"] },
                chart: this.chart,
            },
            { parent: this },
        );
        const ready = { parent: this, dependsOn: [this.chart, gate.job] };
        this.pools = args.pools.map(
            (pool, i) => new k8s.apiextensions.CustomResource(`${name}-pool-${pool.name}`, pools[i], ready),
        );
        this.advertisement = new k8s.apiextensions.CustomResource(`${name}-l2`, advertisement, ready);
        this.metricsService = new k8s.core.v1.Service(
            `${name}-controller-metrics`,
            {
                metadata: { name: METALLB_METRICS_SERVICE, namespace: namespace.metadata.name, labels: METRICS_LABELS },
                spec: {
                    selector: {
                        "app.kubernetes.io/name": "metallb",
                        "app.kubernetes.io/instance": "metallb",
                        "app.kubernetes.io/component": "controller",
                    },
                    ports: [{ name: "metricshttps", port: 9120, targetPort: "metricshttps" }],
                },
            },
            // Pulumi waits for a Service's endpoints: the controller is there once the chart is.
            { parent: this, dependsOn: [this.chart] },
        );
        this.registerOutputs({
            namespace: this.namespace,
            chart: this.chart,
            metricsService: this.metricsService,
            pools: this.pools,
            advertisement: this.advertisement,
        });
    }
}
