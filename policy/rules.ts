// The environment rules of the seed workflow, as policies over every resource a preview or an
// update registers (chart objects included: Helm v4 charts make each one a resource).
import { EnforcementLevel, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";

/** The stack (environment) a resource belongs to, from its URN (`urn:pulumi:<stack>::...`). */
export function environmentOf(urn: string): string {
    return urn.split("::")[0].split(":").pop() ?? "";
}

const inProduction = (args: ResourceValidationArgs) => environmentOf(args.urn) === "production";
const isChart = (type: string) => /^kubernetes:helm\.sh\/v[34]:(Chart|Release)$/.test(type);

/** The value at a dotted path of an object, or undefined. */
function valueAt(values: unknown, path: string): unknown {
    return path
        .split(".")
        .reduce<unknown>(
            (at, key) => (at && typeof at === "object" ? (at as Record<string, unknown>)[key] : undefined),
            values,
        );
}

export const productionSecretStoreIsVault: ResourceValidationPolicy = {
    name: "production-secret-store-is-vault",
    description: "Production reads workload secrets from Vault only: no secret store of another provider.",
    validateResource: (args, reportViolation) => {
        if (!inProduction(args) || !/^kubernetes:external-secrets\.io\/v\w+:(Cluster)?SecretStore$/.test(args.type))
            return;
        const providers = Object.keys(valueAt(args.props, "spec.provider") ?? {});
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

export const workloadsSetResources: ResourceValidationPolicy = {
    name: "workloads-set-resources",
    description: "In staging and production every container requests CPU and memory and limits memory.",
    validateResource: (args, reportViolation) => {
        if (!["staging", "production"].includes(environmentOf(args.urn)) || !WORKLOADS.test(args.type)) return;
        const pod = args.type.endsWith(":CronJob") ? "spec.jobTemplate.spec.template.spec" : "spec.template.spec";
        const containers = [
            ...((valueAt(args.props, `${pod}.initContainers`) as Container[] | undefined) ?? []),
            ...((valueAt(args.props, `${pod}.containers`) as Container[] | undefined) ?? []),
        ];
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

/** Replica settings of each chart whose controllers must run at least twice in production. */
export const REPLICATED_CHART_VALUES: Readonly<Record<string, readonly string[]>> = {
    "argo-cd": ["server.replicas", "repoServer.replicas", "applicationSet.replicas"],
    "cert-manager": ["replicaCount", "webhook.replicaCount", "cainjector.replicaCount"],
    "external-secrets": ["replicaCount", "webhook.replicaCount", "certController.replicaCount"],
};

export const productionControllersReplicated: ResourceValidationPolicy = {
    name: "production-controllers-replicated",
    description: "Production runs at least two replicas of each platform controller that supports it.",
    validateResource: (args, reportViolation) => {
        if (!inProduction(args) || !isChart(args.type)) return;
        const chart =
            String(args.props.chart ?? "")
                .split("/")
                .pop() ?? "";
        for (const path of REPLICATED_CHART_VALUES[chart] ?? []) {
            const replicas = valueAt(args.props.values, path) ?? 1; // the charts' default
            if (typeof replicas !== "number" || replicas < 2)
                reportViolation(`${chart} ${path} is ${JSON.stringify(replicas)}; production needs >= 2`);
        }
    },
};

export const chartsPinned: ResourceValidationPolicy = {
    name: "charts-pinned",
    description: "Every Helm chart is installed at an exact version, so a preview shows what an update will do.",
    validateResource: (args, reportViolation) => {
        if (!isChart(args.type)) return;
        const version = String(args.props.version ?? "");
        if (!/^v?\d+\.\d+\.\d+$/.test(version))
            reportViolation(`chart ${String(args.props.chart)} has version "${version}", not an exact version`);
    },
};

export const productionApplicationsManualSync: ResourceValidationPolicy = {
    name: "production-applications-manual-sync",
    description: "Production applications sync only when someone syncs them (the seed's manual approval).",
    validateResource: (args, reportViolation) => {
        if (!inProduction(args)) return;
        const spec =
            args.type === "kubernetes:argoproj.io/v1alpha1:ApplicationSet"
                ? valueAt(args.props, "spec.template.spec")
                : args.type === "kubernetes:argoproj.io/v1alpha1:Application"
                  ? valueAt(args.props, "spec")
                  : undefined;
        if (valueAt(spec, "project") === "applications" && valueAt(spec, "syncPolicy.automated") !== undefined) {
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
