// The environment rules of docs/gitops.md and the profiles, as policies over every resource a preview or an
// update registers (chart objects included: Helm v4 charts make each one a resource).
import { EnforcementLevel, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { ChartPin, CHARTS } from "../components/shared/versions";

/** The stack (environment) a resource belongs to, from its URN (`urn:pulumi:<stack>::...`). */
export function environmentOf(urn: string): string {
    return urn.split("::")[0].split(":").pop() ?? "";
}

const inProduction = (args: ResourceValidationArgs) => environmentOf(args.urn) === "production";

export const productionSecretStoreIsVault: ResourceValidationPolicy = {
    name: "production-secret-store-is-vault",
    description: "Production reads workload secrets from Vault only: no secret store of another provider.",
    validateResource: (args, reportViolation) => {
        if (!inProduction(args) || !/^kubernetes:external-secrets\.io\/v\w+:(Cluster)?SecretStore$/.test(args.type))
            return;
        const providers = Object.keys(propsOf(args).spec?.provider ?? {});
        const others = providers.filter((p) => p !== "vault");
        if (others.length > 0)
            reportViolation(`secret store uses ${others.join(", ")}; production secrets come from Vault`);
    },
};

const WORKLOADS = /^kubernetes:(apps\/v1:(Deployment|StatefulSet|DaemonSet)|batch\/v1:(Job|CronJob))$/;

type Container = {
    name?: string;
    resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
};

/** What the policies read of a Kubernetes object's properties; any part may be missing. */
interface ObjectProps {
    readonly metadata?: { readonly name?: unknown; readonly labels?: Record<string, unknown> };
    readonly spec?: {
        readonly provider?: Record<string, unknown>;
        readonly replicas?: unknown;
        readonly template?: { readonly spec?: PodSpec & ApplicationSpec };
        readonly jobTemplate?: { readonly spec?: { readonly template?: { readonly spec?: PodSpec } } };
    } & ApplicationSpec;
}
interface PodSpec {
    readonly initContainers?: Container[];
    readonly containers?: Container[];
}
interface ApplicationSpec {
    readonly project?: unknown;
    readonly syncPolicy?: { readonly automated?: unknown };
}
const propsOf = (args: { props: Record<string, unknown> }) => args.props as ObjectProps;

export const workloadsSetResources: ResourceValidationPolicy = {
    name: "workloads-set-resources",
    description: "In staging and production every container requests CPU and memory and limits memory.",
    validateResource: (args, reportViolation) => {
        if (!["staging", "production"].includes(environmentOf(args.urn)) || !WORKLOADS.test(args.type)) return;
        const spec = propsOf(args).spec;
        const pod = args.type.endsWith(":CronJob") ? spec?.jobTemplate?.spec?.template?.spec : spec?.template?.spec;
        const containers = [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])];
        for (const container of containers) {
            const missing = [
                container.resources?.requests?.cpu === undefined ? "requests.cpu" : undefined,
                container.resources?.requests?.memory === undefined ? "requests.memory" : undefined,
                container.resources?.limits?.memory === undefined ? "limits.memory" : undefined,
            ].filter(Boolean);
            if (missing.length > 0) reportViolation(`container ${container.name ?? "?"} sets no ${missing.join(", ")}`);
        }
    },
};

/**
 * The chart a rendered object comes from, as Helm's `<name>-<version>` label (`+` written as `_`):
 * `helm.sh/chart`, or the older `chart` label of charts that set no other (kube-prometheus-stack).
 */
function chartLabelOf(props: Record<string, unknown>): string | undefined {
    const labels = (props as ObjectProps).metadata?.labels;
    const label = labels?.["helm.sh/chart"] ?? labels?.chart;
    return typeof label === "string" ? label : undefined;
}

/** Helm's chart label for a chart version: `<name>-<version>`, `+` as `_`, at most 63 characters. */
export function helmChartLabel(chart: string, version: string): string {
    return `${chart}-${version}`.replace(/\+/g, "_").slice(0, 63).replace(/-+$/, "");
}

/** The pin of the chart a label names, and the version it names; undefined for charts not pinned. */
function pinnedChartOf(label: string): { pin: ChartPin; version: string } | undefined {
    for (const pin of Object.values<ChartPin>(CHARTS)) {
        const version = label.slice(pin.chart.length + 1);
        // A version follows the name: `cert-manager-v1.21.1`, not `cert-manager-csi-driver-0.1.0`.
        if (label.startsWith(`${pin.chart}-`) && /^v?\d/.test(version))
            return { pin, version: version.replace(/_/g, "+") };
    }
    return undefined;
}

/** Labels that pick one Deployment out of a chart's rendered objects. */
type Selector = Readonly<Record<string, string>>;

/**
 * The controller Deployments of each chart that must run at least twice in production
 * (external-secrets sets no component label: its Deployments differ by name).
 */
export const REPLICATED_CONTROLLERS: Readonly<Record<string, Readonly<Record<string, Selector>>>> = {
    "argo-cd": {
        server: { "app.kubernetes.io/component": "server" },
        "repo-server": { "app.kubernetes.io/component": "repo-server" },
        "applicationset-controller": { "app.kubernetes.io/component": "applicationset-controller" },
    },
    "cert-manager": {
        controller: { "app.kubernetes.io/component": "controller" },
        webhook: { "app.kubernetes.io/component": "webhook" },
        cainjector: { "app.kubernetes.io/component": "cainjector" },
    },
    "external-secrets": {
        controller: { "app.kubernetes.io/name": "external-secrets" },
        webhook: { "app.kubernetes.io/name": "external-secrets-webhook" },
        "cert-controller": { "app.kubernetes.io/name": "external-secrets-cert-controller" },
    },
};

// Why: with one replica, every restart or node drain is an outage of what the controller serves
// (Argo CD's UI and syncs, certificate issuance, webhooks that admit resources). The engine never
// shows a v4 Chart's values to a policy, so the rule reads the rendered Deployments themselves.
// Not listed: Argo CD's application-controller (a StatefulSet sharded by cluster), notifications
// controller and redis. A Deployment scaled by an HPA is out of scope.
export const productionControllersReplicated: ResourceValidationPolicy = {
    name: "production-controllers-replicated",
    description: "Production runs at least two replicas of each platform controller that supports it.",
    validateResource: (args, reportViolation) => {
        if (!inProduction(args) || args.type !== "kubernetes:apps/v1:Deployment") return;
        const label = chartLabelOf(args.props);
        const chart = label === undefined ? undefined : pinnedChartOf(label)?.pin.chart;
        if (chart === undefined) return;
        const labels = propsOf(args).metadata?.labels ?? {};
        const controller = Object.entries(REPLICATED_CONTROLLERS[chart] ?? {}).find(([, selector]) =>
            Object.entries(selector).every(([key, value]) => labels[key] === value),
        )?.[0];
        if (controller === undefined) return;
        const replicas = propsOf(args).spec?.replicas;
        const count = replicas ?? 1; // Kubernetes' default
        if (typeof count === "number" && count >= 2) return;
        const runs =
            typeof count !== "number"
                ? `sets replicas ${JSON.stringify(count)}`
                : `runs ${count} replica${count === 1 ? "" : "s"}${replicas === undefined ? " (spec.replicas unset)" : ""}`;
        const objectName = propsOf(args).metadata?.name;
        const name = typeof objectName === "string" ? objectName : args.name;
        reportViolation(`${chart} ${controller} Deployment ${name} ${runs}; production needs >= 2`);
    },
};

/** An exact chart version (SemVer, optionally `v`-prefixed): no range, no `latest`. */
const EXACT_VERSION = /^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

/** The subcharts each pinned chart brings (its Chart.yaml dependencies): their versions are
 *  locked by the parent's pin. */
export const SUBCHARTS: Readonly<Record<string, readonly string[]>> = {
    "argo-cd": ["redis-ha"],
    metallb: ["crds", "frr-k8s"],
    "kube-prometheus-stack": [
        "crds",
        "grafana",
        "kube-state-metrics",
        "prometheus-node-exporter",
        "prometheus-windows-exporter",
    ],
    "external-secrets": ["bitwarden-sdk-server"],
    velero: [],
};

/** The chart name in a `<name>-<version>` label. */
const chartNameOf = (label: string) => /^(.+?)-v?\d[\w.]*(-[\w.]+)?$/.exec(label)?.[1];

// Why: a preview must show what an update will install. Under the engine a v4 Chart registers no
// properties, so the versions are read where they show: the chart label of every rendered object
// must name a chart components/shared/versions.ts pins, at the pinned version, or a subchart of one. A
// helm Release is a resource with inputs: its `version` must be exact.
export const chartsPinned: ResourceValidationPolicy = {
    name: "charts-pinned",
    description: "Every Helm chart is installed at the exact version components/shared/versions.ts pins.",
    validateResource: (args, reportViolation) => {
        if (args.type === "kubernetes:helm.sh/v3:Release") {
            const version = String(args.props.version ?? "");
            if (!EXACT_VERSION.test(version))
                reportViolation(`chart ${String(args.props.chart)} has version "${version}", not an exact version`);
            return;
        }
        const label = chartLabelOf(args.props);
        if (label === undefined) return;
        const rendered = pinnedChartOf(label);
        if (rendered === undefined) {
            const name = chartNameOf(label);
            if (!Object.values(SUBCHARTS).some((subcharts) => name !== undefined && subcharts.includes(name)))
                reportViolation(
                    `objects rendered from chart ${label}, which components/shared/versions.ts does not pin`,
                );
            return;
        }
        if (label === helmChartLabel(rendered.pin.chart, rendered.pin.version)) return;
        reportViolation(
            `${rendered.pin.chart} objects rendered from chart version ${rendered.version}; ` +
                `components/shared/versions.ts pins ${rendered.pin.version}`,
        );
    },
};

export const productionApplicationsManualSync: ResourceValidationPolicy = {
    name: "production-applications-manual-sync",
    description: "Production applications sync only when someone syncs them (manual approval, docs/gitops.md).",
    validateResource: (args, reportViolation) => {
        if (!inProduction(args)) return;
        const props = propsOf(args);
        const spec: ApplicationSpec | undefined =
            args.type === "kubernetes:argoproj.io/v1alpha1:ApplicationSet"
                ? props.spec?.template?.spec
                : args.type === "kubernetes:argoproj.io/v1alpha1:Application"
                  ? props.spec
                  : undefined;
        // Each application has its AppProject, app-<app> (components/application-sets.ts).
        const project = spec?.project;
        if (typeof project === "string" && project.startsWith("app-") && spec?.syncPolicy?.automated !== undefined) {
            reportViolation("applications in production must not sync automatically");
        }
    },
};

export const POLICIES: ResourceValidationPolicy[] = [
    productionSecretStoreIsVault,
    workloadsSetResources,
    productionControllersReplicated,
    chartsPinned,
    productionApplicationsManualSync,
];

/** Advisory by default; production's pipeline makes every policy mandatory (production.json). */
export const DEFAULT_ENFORCEMENT: EnforcementLevel = "advisory";
