// External Secrets Operator: the one way workloads get secrets, whatever store backs it.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ChartComponent, ComponentHome, Guards } from "./shared/chart";
import { deepMerge } from "./shared/merge";
import { replicatedWorkload, Replication } from "./shared/sizing";
import { CHARTS } from "./shared/versions";

export const EXTERNAL_SECRETS_NAMESPACE = "external-secrets";
// The controller, webhook, cert controller and the webhook gate all run restricted.
const HOME: ComponentHome = { namespace: EXTERNAL_SECRETS_NAMESPACE, podSecurity: "restricted" };
/** Helm release name; the controller's service account is named after it. */
export const EXTERNAL_SECRETS_RELEASE = "external-secrets";
/** The controller's service account, which a secret store authenticates as. */
export const EXTERNAL_SECRETS_ACCOUNT = {
    name: EXTERNAL_SECRETS_RELEASE,
    namespace: EXTERNAL_SECRETS_NAMESPACE,
} as const;

/** `replicas`: of the controller, webhook and cert controller. */
export interface ExternalSecretsArgs extends Guards, Replication {
    /** ServiceMonitors of the controller, webhook and cert controller, created once `crds` (the
     *  Prometheus Operator's CRDs) are installed. Default none. */
    serviceMonitors?: { readonly crds: pulumi.Resource };
    /** Helm values merged over the program's own, last. Default none. */
    values?: Record<string, unknown>;
}

/** The chart values, from the args. */
export function externalSecretsValues(args: ExternalSecretsArgs): Record<string, unknown> {
    const workload = replicatedWorkload(args, "small");
    return deepMerge(
        {
            installCRDs: true,
            // Removing the chart must not delete every ExternalSecret and store with their CRDs.
            crds: { annotations: { "helm.sh/resource-policy": "keep" } },
            ...workload,
            // Replicas share the work through a lease; harmless with one.
            leaderElect: true,
            // Always render: the chart would otherwise look for the CRD at render time; it waits
            // for the CRDs instead, so the first run renders what every later run does.
            serviceMonitor: { enabled: args.serviceMonitors !== undefined, renderMode: "alwaysRender" },
            webhook: workload,
            certController: workload,
        },
        args.values ?? {},
    );
}

export class ExternalSecrets extends ChartComponent {
    readonly chart: k8s.helm.v4.Chart;

    constructor(name: string, args: ExternalSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("homelab:platform:ExternalSecrets", name, HOME, args, opts);
        this.chart = this.installChart(
            name,
            { pin: CHARTS.externalSecrets, release: EXTERNAL_SECRETS_RELEASE, values: externalSecretsValues(args) },
            { dependsOn: args.serviceMonitors ? [args.serviceMonitors.crds] : [] },
        );
        this.registerOutputs({ chart: this.chart, namespace: this.namespace });
    }
}
