import * as assert from "node:assert/strict";
import * as k8s from "@pulumi/kubernetes";
import { alertmanagerConfig, Monitoring, monitoringValues } from "../../../components/monitoring/monitoring";
import { ONE_REDUCED } from "../../fixtures";
import { isSecret, names, only, Registration, registrations, unwrap } from "../../harness";

/** Stand in for the cert-manager install and the CRDs the chart must wait for. */
const certManagerStandIn = () => new k8s.core.v1.Namespace("cert-manager", {});
const crdsStandIn = () => new k8s.core.v1.Namespace("prometheus-operator-crds", {});

const BASE = {
    ...ONE_REDUCED,
    host: "grafana.home.arpa",
    clusterIssuer: "homelab-ca",
    ingressClass: "traefik",
    retention: "7d",
};

describe("Monitoring", () => {
    let recorded: Registration[];
    let monitoring: Monitoring;
    before(async () => {
        recorded = await registrations(() => {
            monitoring = new Monitoring("monitoring", {
                ...BASE,
                certManager: certManagerStandIn(),
                crds: crdsStandIn(),
            });
        });
    });

    it("installs the chart after cert-manager, the operator's CRDs and Grafana's admin secret", () => {
        assert.deepEqual(names(only(recorded, "kubernetes:helm.sh/v4:Chart", "monitoring-chart").dependencies).sort(), [
            "cert-manager",
            "monitoring-grafana-admin",
            "monitoring-namespace",
            "prometheus-operator-crds",
        ]);
    });

    it("keeps Grafana's generated admin password in a secret", () => {
        const secret = only(recorded, "kubernetes:core/v1:Secret", "monitoring-grafana-admin");
        assert.deepEqual(secret.inputs.stringData, {
            "admin-user": "admin",
            "admin-password": "password-monitoring-grafana-admin",
        });
        assert.deepEqual(secret.secretInputs, ["stringData"]);
    });

    it("exports the admin password as a secret", async () => {
        assert.equal(await isSecret(monitoring.grafanaAdminPassword), true);
        assert.equal(await unwrap(monitoring.grafanaAdminPassword), "password-monitoring-grafana-admin");
    });
});

describe("monitoringValues", () => {
    const values = monitoringValues({
        ...BASE,
        replicas: 2,
        resources: "full",
    }) as any;

    it("has cert-manager issue the operator's webhook certificate instead of the skipped hook jobs", () => {
        assert.deepEqual(values.prometheusOperator.admissionWebhooks, {
            certManager: { enabled: true },
            patch: { enabled: false },
            failurePolicy: "Ignore",
        });
    });

    it("leaves the Prometheus Operator's CRDs to their own install", () => {
        assert.deepEqual(values.crds, { enabled: false });
    });

    it("sizes Grafana's dashboard and datasource sidecars", () => {
        assert.deepEqual(values.grafana.sidecar, {
            resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "256Mi" } },
        });
    });

    it("selects every monitor and rule in the cluster", () => {
        const spec = values.prometheus.prometheusSpec;
        for (const key of ["serviceMonitor", "podMonitor", "rule", "probe", "scrapeConfig"]) {
            assert.equal(spec[`${key}SelectorNilUsesHelmValues`], false, key);
        }
    });

    it("takes retention, replicas and sizing from the args", () => {
        const spec = values.prometheus.prometheusSpec;
        assert.deepEqual(
            [spec.retention, spec.replicas, spec.resources],
            ["7d", 2, { requests: { cpu: "500m", memory: "2Gi" }, limits: { memory: "8Gi" } }],
        );
        assert.equal(values.alertmanager.alertmanagerSpec.replicas, 2);
    });

    it("keeps data on volumes of the storage class when given storage", () => {
        const stored = monitoringValues({
            ...BASE,
            storage: { storageClass: "longhorn", size: "50Gi" },
        }) as any;
        assert.deepEqual(stored.prometheus.prometheusSpec.storageSpec, {
            volumeClaimTemplate: {
                spec: {
                    storageClassName: "longhorn",
                    accessModes: ["ReadWriteOnce"],
                    resources: { requests: { storage: "50Gi" } },
                },
            },
        });
        assert.equal(
            stored.alertmanager.alertmanagerSpec.storage.volumeClaimTemplate.spec.storageClassName,
            "longhorn",
        );
    });

    it("uses no volumes without storage", () => {
        assert.equal("storageSpec" in values.prometheus.prometheusSpec, false);
        assert.equal("storage" in values.alertmanager.alertmanagerSpec, false);
    });

    it("serves Grafana through an ingress with a certificate, logging in from the program's secret", () => {
        assert.deepEqual(values.grafana.ingress, {
            enabled: true,
            ingressClassName: "traefik",
            annotations: { "cert-manager.io/cluster-issuer": "homelab-ca", "pulumi.com/skipAwait": "true" },
            hosts: ["grafana.home.arpa"],
            tls: [{ secretName: "grafana-tls", hosts: ["grafana.home.arpa"] }],
        });
        assert.deepEqual(values.grafana.admin, {
            existingSecret: "grafana-admin",
            userKey: "admin-user",
            passwordKey: "admin-password",
        });
    });
});

describe("alert routing", () => {
    it("sends every alert but the Watchdog to the receiver, reading its URL from a file", () => {
        assert.deepEqual(alertmanagerConfig({ kind: "slack", url: "https://hooks.slack.com/x", channel: "#alerts" }), {
            route: { receiver: "default", routes: [{ receiver: "null", matchers: ['alertname = "Watchdog"'] }] },
            receivers: [
                { name: "null" },
                {
                    name: "default",
                    slack_configs: [
                        {
                            api_url_file: "/etc/alertmanager/secrets/alertmanager-receiver/url",
                            send_resolved: true,
                            channel: "#alerts",
                        },
                    ],
                },
            ],
        });
    });

    it("uses Discord's and generic webhooks' file settings", () => {
        assert.deepEqual((alertmanagerConfig({ kind: "discord", url: "u" }).receivers as any[])[1].discord_configs, [
            { webhook_url_file: "/etc/alertmanager/secrets/alertmanager-receiver/url", send_resolved: true },
        ]);
        assert.deepEqual((alertmanagerConfig({ kind: "webhook", url: "u" }).receivers as any[])[1].webhook_configs, [
            { url_file: "/etc/alertmanager/secrets/alertmanager-receiver/url", send_resolved: true },
        ]);
    });

    it("keeps the URL out of the chart values, in a secret Alertmanager mounts", async () => {
        const recorded = await registrations(() => {
            new Monitoring("monitoring", {
                ...BASE,
                certManager: certManagerStandIn(),
                crds: crdsStandIn(),
                alerts: { kind: "discord", url: "https://discord.com/api/webhooks/1/abc" },
            });
        });
        const secret = only(recorded, "kubernetes:core/v1:Secret", "monitoring-alert-receiver");
        assert.deepEqual(secret.inputs.stringData, { url: "https://discord.com/api/webhooks/1/abc" });
        assert.deepEqual(secret.secretInputs, ["stringData"]);
        const chart = only(recorded, "kubernetes:helm.sh/v4:Chart", "monitoring-chart");
        assert.deepEqual((chart.inputs.values as any).alertmanager.alertmanagerSpec.secrets, ["alertmanager-receiver"]);
        assert.equal(JSON.stringify(chart.inputs.values).includes("discord.com"), false);
        assert.ok(names(chart.dependencies).includes("monitoring-alert-receiver"));
    });

    it("routes nothing without a receiver", () => {
        const values = monitoringValues(BASE) as any;
        assert.equal("config" in values.alertmanager, false);
        assert.equal("secrets" in values.alertmanager.alertmanagerSpec, false);
    });
});
