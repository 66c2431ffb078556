// Each platform component installs its chart as `<name>-chart`: the chart and repository its pin
// in versions.ts names, under the release name and into the namespace the rest of the program
// relies on (the Services, ServiceMonitors and network policies that name them). What each chart
// then renders is the rendered tests' concern.
import * as assert from "node:assert/strict";
import * as k8s from "@pulumi/kubernetes";
import { ArgoCd } from "../../components/argocd";
import { CertManager } from "../../components/cert-manager";
import { ExternalSecrets } from "../../components/external-secrets";
import { MetalLb } from "../../components/metallb";
import { Monitoring } from "../../components/monitoring/monitoring";
import { PrometheusOperatorCrds } from "../../components/prometheus-operator-crds";
import { CHARTS } from "../../components/shared/versions";
import { Velero } from "../../components/velero/velero";
import { ONE_REDUCED } from "../fixtures";
import { only, registrations } from "../harness";

const UI = { ...ONE_REDUCED, clusterIssuer: "homelab-ca", ingressClass: "traefik" };

const INSTALLS = [
    {
        component: () => new ArgoCd("argocd", { ...UI, host: "argocd.home.arpa" }),
        chart: "argocd-chart",
        installs: { chart: "argo-cd", repo: "https://argoproj.github.io/argo-helm" },
        release: "argocd",
        namespace: "argocd",
    },
    {
        component: () => new CertManager("cert-manager", { ...ONE_REDUCED, issuer: { kind: "privateCa" } }),
        chart: "cert-manager-chart",
        installs: { chart: "cert-manager", repo: "https://charts.jetstack.io" },
        release: "cert-manager",
        namespace: "cert-manager",
    },
    {
        component: () => new ExternalSecrets("external-secrets", ONE_REDUCED),
        chart: "external-secrets-chart",
        installs: { chart: "external-secrets", repo: "https://charts.external-secrets.io" },
        release: "external-secrets",
        namespace: "external-secrets",
    },
    {
        component: () => new MetalLb("metallb", { pools: [], resources: "reduced" }),
        chart: "metallb-chart",
        installs: { chart: "metallb", repo: "https://metallb.github.io/metallb" },
        release: "metallb",
        namespace: "metallb-system",
    },
    {
        component: () =>
            new Monitoring("monitoring", {
                ...UI,
                host: "grafana.home.arpa",
                retention: "2d",
                certManager: new k8s.core.v1.Namespace("cert-manager-stand-in", {}),
                crds: new k8s.core.v1.Namespace("crds-stand-in", {}),
            }),
        chart: "monitoring-chart",
        installs: { chart: "kube-prometheus-stack", repo: "https://prometheus-community.github.io/helm-charts" },
        release: "kube-prometheus-stack",
        namespace: "monitoring",
    },
    {
        component: () =>
            new Velero("velero", {
                target: { endpoint: "minio.home.arpa:9000", bucket: "velero" },
                credentials: { accessKey: "access", secretKey: "secret" },
                schedules: { daily: { schedule: "0 3 * * *", ttl: "72h" } },
                excludedNamespaces: [],
                resources: "reduced",
                serviceMonitors: { crds: new k8s.core.v1.Namespace("crds-stand-in", {}) },
            }),
        chart: "velero-chart",
        installs: { chart: "velero", repo: "https://vmware-tanzu.github.io/helm-charts" },
        release: "velero",
        namespace: "velero",
    },
    {
        // The CRDs are cluster-wide; the namespace only holds the release's record.
        component: () => new PrometheusOperatorCrds("prometheus-operator-crds", {}),
        chart: "prometheus-operator-crds-chart",
        installs: { chart: "kube-prometheus-stack", repo: "https://prometheus-community.github.io/helm-charts" },
        release: "prometheus-operator-crds",
        namespace: "kube-system",
    },
];

describe("the platform components' charts", () => {
    for (const { component, chart, installs, release, namespace } of INSTALLS) {
        it(`${chart}: ${installs.chart} at its pin, release ${release} in ${namespace}`, async () => {
            const inputs = only(await registrations(component), "kubernetes:helm.sh/v4:Chart", chart).inputs;
            const pin = Object.values(CHARTS).find((p) => p.chart === installs.chart && p.repo === installs.repo);
            assert.ok(pin, `versions.ts pins no ${installs.chart} from ${installs.repo}`);
            assert.deepEqual(
                [inputs.chart, inputs.version, inputs.repositoryOpts, inputs.name, inputs.namespace],
                [installs.chart, pin.version, { repo: installs.repo }, release, namespace],
            );
        });
    }
});
