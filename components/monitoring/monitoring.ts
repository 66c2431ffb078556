// kube-prometheus-stack: Prometheus, Alertmanager and Grafana, sized by the profile, aware
// that K3s runs the control plane inside one process per server.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ChartComponent, ComponentHome, Guards, ingressValues } from "../shared/chart";
import { generatedPassword } from "../shared/generated-password";
import { deepMerge } from "../shared/merge";
import { Replication, sized } from "../shared/sizing";
import { CHARTS } from "../shared/versions";
import { K3sMetrics, k3sScrapeValues } from "./k3s-scrapes";
import { PlatformAlerts, platformRuleGroups, snapshotMetricsValues } from "./platform-rules";

export const MONITORING_NAMESPACE = "monitoring";
// node-exporter reads the host through hostNetwork, hostPID and hostPath: privileged.
const HOME: ComponentHome = { namespace: MONITORING_NAMESPACE, podSecurity: "privileged" };
/** Helm release name; the chart's object names derive from it. */
export const MONITORING_RELEASE = "kube-prometheus-stack";
/** Secret holding Grafana's admin login, created by the program. */
const GRAFANA_ADMIN_SECRET = "grafana-admin";

/** Where Alertmanager sends alerts; the URL (a credential) stays in a Secret it reads as a file. */
export interface AlertReceiver {
    /** A Slack or Discord webhook, or a generic webhook receiver. */
    readonly kind: "slack" | "discord" | "webhook";
    readonly url: pulumi.Input<string>;
    /** Slack channel; default the webhook's own. */
    readonly channel?: string;
}

/** Secret holding the alert receiver's URL, mounted into Alertmanager. */
const ALERT_RECEIVER_SECRET = "alertmanager-receiver";
const RECEIVER_URL_FILE = `/etc/alertmanager/secrets/${ALERT_RECEIVER_SECRET}/url`;

/** Alertmanager's route and receivers: every alert (but the Watchdog heartbeat) to the receiver. */
export function alertmanagerConfig(receiver: AlertReceiver): Record<string, unknown> {
    const send =
        receiver.kind === "slack"
            ? {
                  slack_configs: [
                      {
                          api_url_file: RECEIVER_URL_FILE,
                          send_resolved: true,
                          ...(receiver.channel ? { channel: receiver.channel } : {}),
                      },
                  ],
              }
            : receiver.kind === "discord"
              ? { discord_configs: [{ webhook_url_file: RECEIVER_URL_FILE, send_resolved: true }] }
              : { webhook_configs: [{ url_file: RECEIVER_URL_FILE, send_resolved: true }] };
    return {
        route: { receiver: "default", routes: [{ receiver: "null", matchers: ['alertname = "Watchdog"'] }] },
        receivers: [{ name: "null" }, { name: "default", ...send }],
    };
}

/** Persistent volumes for Prometheus and Alertmanager. */
export interface MonitoringStorage {
    readonly storageClass: string;
    /** Prometheus volume size (Kubernetes quantity). */
    readonly size: string;
}

export interface MonitoringArgs extends Guards, Omit<Replication, "podDisruptionBudgets"> {
    /** The cert-manager install that issues the operator's webhook certificate; the chart waits for it. Required. */
    certManager: pulumi.Resource;
    /** What installs the Prometheus Operator's CRDs (the chart's own `crds` are off); the chart waits for it. Required. */
    crds: pulumi.Resource;
    /** Grafana's host name, e.g. `grafana.home.arpa`. Required. */
    host: string;
    /** cert-manager ClusterIssuer of Grafana's certificate. Required. */
    clusterIssuer: string;
    /** How long Prometheus keeps samples (Prometheus duration). Required. */
    retention: string;
    /** Ingress class of Grafana's ingress. */
    ingressClass: string;
    /** Persistent volumes; without them data lives in emptyDir and is lost with the pod. Default none. */
    storage?: MonitoringStorage;
    /** Where Alertmanager sends alerts. Default: nowhere; they show in Alertmanager's UI only. */
    alerts?: AlertReceiver;
    /** K3s control-plane metrics to scrape; without them those scrapes are off. Default none. */
    k3s?: K3sMetrics;
    /** The platform's own alerts (certificates, External Secrets, Argo CD, MetalLB, snapshots). Default none. */
    platformAlerts?: PlatformAlerts;
    /** ServiceMonitors the chart creates for other components (`prometheus.additionalServiceMonitors`). Default none. */
    additionalServiceMonitors?: readonly Record<string, unknown>[];
    /** Helm values merged over the program's own, last. Default none. */
    values?: Record<string, unknown>;
}

function volumeClaim(storageClass: string, size: string): Record<string, unknown> {
    return {
        volumeClaimTemplate: {
            spec: {
                storageClassName: storageClass,
                accessModes: ["ReadWriteOnce"],
                resources: { requests: { storage: size } },
            },
        },
    };
}

/** The chart values, from the args. */
export function monitoringValues(args: Omit<MonitoringArgs, "certManager" | "crds">): Record<string, unknown> {
    const preset = args.resources;
    const replicas = args.replicas;
    const storage = args.storage;
    return deepMerge(
        {
            // Installed apart, before every chart that renders monitoring objects.
            crds: { enabled: false },
            // The chart's own cAdvisor relabeling drops container_memory_swap, so this recording
            // rule group could never have input.
            defaultRules: { rules: { k8sContainerMemorySwap: false } },
            prometheusOperator: {
                admissionWebhooks: {
                    // v4 charts skip the hook jobs that would create the webhook certificate;
                    // cert-manager issues it instead.
                    certManager: { enabled: true },
                    patch: { enabled: false },
                    // The chart's own PrometheusRules (and other charts' rules) are applied while the
                    // operator still waits for that certificate. With the patch jobs the chart sets
                    // Ignore for this reason; without them it would default to Fail.
                    failurePolicy: "Ignore",
                },
                resources: sized(preset, "medium"),
            },
            prometheus: {
                prometheusSpec: {
                    replicas,
                    retention: args.retention,
                    resources: sized(preset, "large"),
                    // Select every monitor and rule in the cluster, not only the chart's own.
                    serviceMonitorSelectorNilUsesHelmValues: false,
                    podMonitorSelectorNilUsesHelmValues: false,
                    ruleSelectorNilUsesHelmValues: false,
                    probeSelectorNilUsesHelmValues: false,
                    scrapeConfigSelectorNilUsesHelmValues: false,
                    ...(storage ? { storageSpec: volumeClaim(storage.storageClass, storage.size) } : {}),
                },
                additionalServiceMonitors: [...(args.additionalServiceMonitors ?? [])],
            },
            alertmanager: {
                alertmanagerSpec: {
                    replicas,
                    resources: sized(preset, "small"),
                    ...(storage ? { storage: volumeClaim(storage.storageClass, "1Gi") } : {}),
                    ...(args.alerts ? { secrets: [ALERT_RECEIVER_SECRET] } : {}),
                },
                ...(args.alerts ? { config: alertmanagerConfig(args.alerts) } : {}),
            },
            grafana: {
                admin: { existingSecret: GRAFANA_ADMIN_SECRET, userKey: "admin-user", passwordKey: "admin-password" },
                resources: sized(preset, "medium"),
                // The dashboard and datasource sidecars.
                sidecar: { resources: sized(preset, "small") },
                ingress: {
                    ...ingressValues(args.ingressClass, args.clusterIssuer),
                    hosts: [args.host],
                    tls: [{ secretName: "grafana-tls", hosts: [args.host] }],
                },
            },
            "kube-state-metrics": { resources: sized(preset, "small") },
            "prometheus-node-exporter": { resources: sized(preset, "small") },
        },
        deepMerge(deepMerge(k3sScrapeValues(args.k3s), platformAlertValues(args.platformAlerts)), args.values ?? {}),
    );
}

/** The platform's rule groups, and the snapshot metrics they read. */
function platformAlertValues(alerts: PlatformAlerts | undefined): Record<string, unknown> {
    if (alerts === undefined) return {};
    return {
        additionalPrometheusRulesMap: { "homelab-platform": { groups: platformRuleGroups(alerts) } },
        ...(alerts.snapshots ? { "kube-state-metrics": snapshotMetricsValues() } : {}),
    };
}

export class Monitoring extends ChartComponent {
    readonly chart: k8s.helm.v4.Chart;
    /** Grafana's URL. */
    readonly grafanaUrl: string;
    /** Grafana's generated admin password (secret). */
    readonly grafanaAdminPassword: pulumi.Output<string>;

    constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
        super("homelab:platform:Monitoring", name, HOME, args, opts);
        const namespace = this.namespace;
        const admin = generatedPassword(this, `${name}-grafana-admin`, {
            secretName: GRAFANA_ADMIN_SECRET,
            namespace: namespace.metadata.name,
            data: (password) => ({ "admin-user": "admin", "admin-password": password }),
        });
        const receiverSecret = args.alerts
            ? [
                  new k8s.core.v1.Secret(
                      `${name}-alert-receiver`,
                      {
                          metadata: { name: ALERT_RECEIVER_SECRET, namespace: namespace.metadata.name },
                          stringData: { url: pulumi.secret(args.alerts.url) },
                      },
                      { parent: this },
                  ),
              ]
            : [];
        this.chart = this.installChart(
            name,
            { pin: CHARTS.monitoring, release: MONITORING_RELEASE, values: monitoringValues(args) },
            { dependsOn: [admin.secret, ...receiverSecret, args.certManager, args.crds] },
        );
        this.grafanaUrl = `https://${args.host}`;
        this.grafanaAdminPassword = admin.password;
        this.registerOutputs({
            namespace: this.namespace,
            chart: this.chart,
            grafanaUrl: this.grafanaUrl,
            grafanaAdminPassword: this.grafanaAdminPassword,
        });
    }
}
