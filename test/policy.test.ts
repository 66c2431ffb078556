// The policy pack: each policy rejects a violating resource and accepts a compliant one, and the
// whole pack passes on the real stacks.
import * as assert from "node:assert/strict";
import { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { CHARTS } from "../components/shared/versions";
import {
    chartsPinned,
    environmentOf,
    helmChartLabel,
    POLICIES,
    productionApplicationsManualSync,
    productionControllersReplicated,
    productionSecretStoreIsVault,
    workloadsSetResources,
} from "../policy/rules";
import { homelab } from "../stacks/homelab";
import { ENVIRONMENTS } from "../stacks/config/profiles";
import { settle, fixtureStackFile, useStack } from "./harness";

/** The violations a policy reports for one resource. */
function violations(
    policy: ResourceValidationPolicy,
    stack: string,
    type: string,
    props: Record<string, unknown>,
    name = "test",
    parents = "",
): string[] {
    const found: string[] = [];
    const args = {
        type,
        props,
        urn: `urn:pulumi:${stack}::homelab::${parents}${type}::${name}`,
        name,
    } as ResourceValidationArgs;
    const validate = policy.validateResource;
    for (const check of Array.isArray(validate) ? validate : [validate!]) {
        // A policy that answered later would report after this returns, and a test would pass
        // on violations it never saw: every check must report before it returns.
        const answer: unknown = check(args, (message) => found.push(message));
        assert.equal(answer instanceof Promise, false, `${policy.name} validates asynchronously`);
    }
    return found;
}

/** A Kubernetes object as Helm renders it. */
interface Manifest {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace: string; labels: Record<string, string> };
    spec?: Record<string, unknown>;
    [key: string]: unknown;
}

/**
 * The violations a policy reports for an object a v4 Chart renders, as the engine shows it: its
 * own resource, the Chart's child, with the rendered manifest as its props.
 */
function renderedViolations(policy: ResourceValidationPolicy, stack: string, manifest: Manifest): string[] {
    const [group, version] = manifest.apiVersion.includes("/")
        ? manifest.apiVersion.split("/")
        : ["core", manifest.apiVersion];
    const { name, namespace } = manifest.metadata;
    return violations(
        policy,
        stack,
        `kubernetes:${group}/${version}:${manifest.kind}`,
        manifest,
        `chart:${namespace}/${name}`,
        `homelab:platform:Component$kubernetes:helm.sh/v4:Chart$`,
    );
}

/** A Deployment as a chart renders it, with `replicas` unless undefined. */
const renderedDeployment = (name: string, labels: Record<string, string>, replicas?: number): Manifest => ({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace: "platform", labels },
    spec: replicas === undefined ? {} : { replicas },
});

const STORE = "kubernetes:external-secrets.io/v1:ClusterSecretStore";
const CHART = "kubernetes:helm.sh/v4:Chart";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const APPSET = "kubernetes:argoproj.io/v1alpha1:ApplicationSet";
const deployment = (resources: object) => ({
    spec: { template: { spec: { containers: [{ name: "app", resources }] } } },
});
const sized = { requests: { cpu: "10m", memory: "32Mi" }, limits: { memory: "128Mi" } };
const appSet = (syncPolicy: object) => ({
    spec: { template: { spec: { project: "app-{{.path.basename}}", syncPolicy } } },
});

describe("environmentOf", () => {
    it("reads the stack from a URN", () =>
        assert.equal(environmentOf("urn:pulumi:production::homelab::a:b:C::x"), "production"));
});

describe("production-secret-store-is-vault", () => {
    it("rejects a Kubernetes-backed store in production", () => {
        assert.deepEqual(
            violations(productionSecretStoreIsVault, "production", STORE, { spec: { provider: { kubernetes: {} } } }),
            ["secret store uses kubernetes; production secrets come from Vault"],
        );
    });
    it("accepts a Vault-backed store in production", () => {
        assert.deepEqual(
            violations(productionSecretStoreIsVault, "production", STORE, { spec: { provider: { vault: {} } } }),
            [],
        );
    });
    it("leaves dev's Kubernetes-backed store alone", () => {
        assert.deepEqual(
            violations(productionSecretStoreIsVault, "dev", STORE, { spec: { provider: { kubernetes: {} } } }),
            [],
        );
    });
});

describe("workloads-set-resources", () => {
    it("rejects a container without requests and limits in staging", () => {
        assert.deepEqual(violations(workloadsSetResources, "staging", DEPLOYMENT, deployment({})), [
            "container app sets no requests.cpu, requests.memory, limits.memory",
        ]);
    });
    it("accepts a sized container", () => {
        assert.deepEqual(violations(workloadsSetResources, "production", DEPLOYMENT, deployment(sized)), []);
    });
    it("checks a CronJob's pod template", () => {
        const cronJob = {
            spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: "backup" }] } } } } },
        };
        assert.equal(violations(workloadsSetResources, "production", "kubernetes:batch/v1:CronJob", cronJob).length, 1);
    });
    it("leaves dev alone", () => {
        assert.deepEqual(violations(workloadsSetResources, "dev", DEPLOYMENT, deployment({})), []);
    });
});

// The chart labels the pinned charts render (`<name>-<version>`).
const ARGO_CD = `argo-cd-${CHARTS.argocd.version}`;
const METALLB = `metallb-${CHARTS.metallb.version}`;
const CERT_MANAGER = `cert-manager-${CHARTS.certManager.version}`;
const KUBE_PROMETHEUS_STACK = `kube-prometheus-stack-${CHARTS.monitoring.version}`;
const EXTERNAL_SECRETS = `external-secrets-${CHARTS.externalSecrets.version}`;
const VELERO = `velero-${CHARTS.velero.version}`;

/** Another version than the pin, whatever it is: the pinned one with its major version raised. */
const notPinned = (version: string) => version.replace(/\d+/, (major) => String(Number(major) + 1));

// The controller Deployments' labels as the pinned charts render them (shared/tools/render.js).
const CONTROLLERS: [string, Record<string, string>][] = [
    ["argocd-server", { "helm.sh/chart": ARGO_CD, "app.kubernetes.io/component": "server" }],
    ["argocd-repo-server", { "helm.sh/chart": ARGO_CD, "app.kubernetes.io/component": "repo-server" }],
    [
        "argocd-applicationset-controller",
        { "helm.sh/chart": ARGO_CD, "app.kubernetes.io/component": "applicationset-controller" },
    ],
    ["cert-manager", { "helm.sh/chart": CERT_MANAGER, "app.kubernetes.io/component": "controller" }],
    ["cert-manager-webhook", { "helm.sh/chart": CERT_MANAGER, "app.kubernetes.io/component": "webhook" }],
    ["cert-manager-cainjector", { "helm.sh/chart": CERT_MANAGER, "app.kubernetes.io/component": "cainjector" }],
    ["external-secrets", { "helm.sh/chart": EXTERNAL_SECRETS, "app.kubernetes.io/name": "external-secrets" }],
    [
        "external-secrets-webhook",
        { "helm.sh/chart": EXTERNAL_SECRETS, "app.kubernetes.io/name": "external-secrets-webhook" },
    ],
    [
        "external-secrets-cert-controller",
        { "helm.sh/chart": EXTERNAL_SECRETS, "app.kubernetes.io/name": "external-secrets-cert-controller" },
    ],
];
const controllers = (stack: string, replicas?: number) =>
    CONTROLLERS.flatMap(([name, labels]) =>
        renderedViolations(productionControllersReplicated, stack, renderedDeployment(name, labels, replicas)),
    );

describe("production-controllers-replicated", () => {
    it("rejects each controller at 1 replica in production", () => {
        assert.deepEqual(controllers("production", 1), [
            "argo-cd server Deployment argocd-server runs 1 replica; production needs >= 2",
            "argo-cd repo-server Deployment argocd-repo-server runs 1 replica; production needs >= 2",
            "argo-cd applicationset-controller Deployment argocd-applicationset-controller runs 1 replica; production needs >= 2",
            "cert-manager controller Deployment cert-manager runs 1 replica; production needs >= 2",
            "cert-manager webhook Deployment cert-manager-webhook runs 1 replica; production needs >= 2",
            "cert-manager cainjector Deployment cert-manager-cainjector runs 1 replica; production needs >= 2",
            "external-secrets controller Deployment external-secrets runs 1 replica; production needs >= 2",
            "external-secrets webhook Deployment external-secrets-webhook runs 1 replica; production needs >= 2",
            "external-secrets cert-controller Deployment external-secrets-cert-controller runs 1 replica; production needs >= 2",
        ]);
    });
    it("counts a controller without spec.replicas as 1 replica", () => {
        const webhook = renderedDeployment("cert-manager-webhook", {
            "helm.sh/chart": CERT_MANAGER,
            "app.kubernetes.io/component": "webhook",
        });
        assert.deepEqual(renderedViolations(productionControllersReplicated, "production", webhook), [
            "cert-manager webhook Deployment cert-manager-webhook runs 1 replica (spec.replicas unset); production needs >= 2",
        ]);
    });
    it("accepts controllers at 2 replicas in production", () => {
        assert.deepEqual(controllers("production", 2), []);
    });
    it("leaves dev's single replicas alone", () => {
        assert.deepEqual(controllers("dev", 1), []);
        assert.deepEqual(controllers("dev"), []);
    });
    it("leaves the Deployments that are not listed controllers alone", () => {
        const argo = (component: string) => ({
            "helm.sh/chart": ARGO_CD,
            "app.kubernetes.io/component": component,
        });
        const others = [
            renderedDeployment("argocd-notifications-controller", argo("notifications-controller"), 1),
            renderedDeployment("argocd-redis", argo("redis")),
            renderedDeployment("metallb-controller", {
                "helm.sh/chart": METALLB,
                "app.kubernetes.io/component": "controller",
            }),
            renderedDeployment("kube-prometheus-stack-grafana", { "helm.sh/chart": "grafana-12.11.1" }, 1),
            {
                ...renderedDeployment("argocd-application-controller", argo("application-controller"), 1),
                kind: "StatefulSet",
            },
        ];
        assert.deepEqual(
            others.flatMap((o) => renderedViolations(productionControllersReplicated, "production", o)),
            [],
        );
    });
    it("does not look into a v4 Chart, which shows a policy no properties", () => {
        assert.deepEqual(violations(productionControllersReplicated, "production", CHART, {}), []);
    });
});

const configMap = (labels: Record<string, string>): Manifest => ({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "settings", namespace: "platform", labels },
});

describe("charts-pinned", () => {
    it("rejects a child Deployment rendered from another version of a pinned chart", () => {
        const other = notPinned(CHARTS.argocd.version);
        const server = renderedDeployment("argocd-server", { "helm.sh/chart": `argo-cd-${other}` }, 2);
        assert.deepEqual(renderedViolations(chartsPinned, "dev", server), [
            `argo-cd objects rendered from chart version ${other}; components/shared/versions.ts pins ${CHARTS.argocd.version}`,
        ]);
    });
    it("accepts objects labelled with each pinned chart version", () => {
        const labelled = [ARGO_CD, METALLB, CERT_MANAGER, KUBE_PROMETHEUS_STACK, EXTERNAL_SECRETS, VELERO].map(
            (label) => configMap({ "helm.sh/chart": label }),
        );
        assert.deepEqual(
            labelled.flatMap((o) => renderedViolations(chartsPinned, "dev", o)),
            [],
        );
        assert.equal(Object.keys(CHARTS).length, labelled.length);
        assert.equal(helmChartLabel("cert-manager", CHARTS.certManager.version), CERT_MANAGER);
        assert.equal(helmChartLabel("chart", "1.0.0+build.1"), "chart-1.0.0_build.1");
    });
    it("rejects objects of a chart the program does not pin", () => {
        assert.deepEqual(renderedViolations(chartsPinned, "dev", configMap({ "helm.sh/chart": "traefik-37.1.0" })), [
            "objects rendered from chart traefik-37.1.0, which components/shared/versions.ts does not pin",
        ]);
    });
    it("reads the older `chart` label kube-prometheus-stack sets on its own objects", () => {
        const other = notPinned(CHARTS.monitoring.version);
        assert.deepEqual(
            renderedViolations(chartsPinned, "dev", configMap({ chart: `kube-prometheus-stack-${other}` })),
            [
                `kube-prometheus-stack objects rendered from chart version ${other}; ` +
                    `components/shared/versions.ts pins ${CHARTS.monitoring.version}`,
            ],
        );
        assert.deepEqual(renderedViolations(chartsPinned, "dev", configMap({ chart: KUBE_PROMETHEUS_STACK })), []);
    });
    it("accepts a subchart's label: its parent chart pins it", () => {
        const subcharts = [
            configMap({ "helm.sh/chart": "grafana-12.11.1" }),
            configMap({ "helm.sh/chart": "bitwarden-sdk-server-v0.5.1" }),
            configMap({ chart: "redis-ha-4.38.0" }),
        ];
        assert.deepEqual(
            subcharts.flatMap((o) => renderedViolations(chartsPinned, "dev", o)),
            [],
        );
    });
    it("does not report a v4 Chart, which shows a policy no properties", () => {
        assert.deepEqual(violations(chartsPinned, "production", CHART, {}), []);
    });
    it("accepts a helm Release, a resource with inputs, at an exact version", () => {
        const release = "kubernetes:helm.sh/v3:Release";
        assert.deepEqual(
            violations(chartsPinned, "dev", release, { chart: "cert-manager", version: CHARTS.certManager.version }),
            [],
        );
    });
    it("rejects a helm Release at a version range or none", () => {
        const release = "kubernetes:helm.sh/v3:Release";
        assert.deepEqual(violations(chartsPinned, "dev", release, { chart: "metallb", version: "^0.16" }), [
            'chart metallb has version "^0.16", not an exact version',
        ]);
        assert.deepEqual(violations(chartsPinned, "dev", release, { chart: "metallb" }), [
            'chart metallb has version "", not an exact version',
        ]);
    });
});

describe("production-applications-manual-sync", () => {
    it("rejects automated sync of applications in production", () => {
        assert.deepEqual(
            violations(productionApplicationsManualSync, "production", APPSET, appSet({ automated: { prune: true } })),
            ["applications in production must not sync automatically"],
        );
    });
    it("accepts manual sync in production", () => {
        assert.deepEqual(
            violations(productionApplicationsManualSync, "production", APPSET, appSet({ syncOptions: [] })),
            [],
        );
    });
    it("leaves staging's automated sync alone", () => {
        assert.deepEqual(
            violations(productionApplicationsManualSync, "staging", APPSET, appSet({ automated: {} })),
            [],
        );
    });
});

for (const environment of ENVIRONMENTS) {
    describe(`the policy pack on the ${environment} stack`, () => {
        it("finds no violation", async () => {
            const registered = await useStack(environment, fixtureStackFile(environment));
            homelab();
            await settle();
            const found = registered.flatMap((r) =>
                POLICIES.flatMap((policy) =>
                    violations(policy, environment, r.type, r.inputs).map((v) => `${policy.name} ${r.name}: ${v}`),
                ),
            );
            assert.deepEqual(found, []);
        });
    });
}
