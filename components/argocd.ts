// Argo CD: the GitOps engine the ApplicationSets run on, HA where the profile asks for it.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ChartComponent, ComponentHome, Guards, ingressValues } from "./shared/chart";
import { generatedPassword } from "./shared/generated-password";
import { deepMerge } from "./shared/merge";
import { disruptionBudget, Replication, sized } from "./shared/sizing";
import { CHARTS } from "./shared/versions";

export const ARGOCD_NAMESPACE = "argocd";
/** Helm release name; the chart's object names derive from it. */
export const ARGOCD_RELEASE = "argocd";
// Baseline, warning on restricted: not every container of redis-ha is known to pass restricted.
const HOME: ComponentHome = { namespace: ARGOCD_NAMESPACE, podSecurity: "baseline" };
/** The Redis password secret the chart's workloads read (name and key fixed by the chart). */
const REDIS_SECRET = "argocd-redis";

export interface ArgoCdArgs extends Guards, Replication {
    /** Host name of the UI and API, e.g. `argocd.home.arpa`. Required. */
    host: string;
    /** cert-manager ClusterIssuer of the server's certificate. Required. */
    clusterIssuer: string;
    /** Ingress class of the server's ingress. */
    ingressClass: string;
    /** Redis HA (redis-ha: three Redis servers on separate nodes, behind HAProxy). Default false. */
    highAvailability?: boolean;
    /** Metrics services and ServiceMonitors, once `crds` (the Prometheus Operator's CRDs) are
     *  installed: the chart renders its ServiceMonitors only when the API serves them. Default none. */
    serviceMonitors?: { readonly crds: pulumi.Resource };
    /** Host keys (known_hosts lines) of an ssh Git server the chart's list lacks, added to
     *  argocd-ssh-known-hosts-cm. Default none. */
    sshKnownHosts?: string;
    /** Helm values merged over the program's own, last. Default none. */
    values?: Record<string, unknown>;
}

/** How long the provider awaits redis-ha's StatefulSet, instead of its 10-minute default: its
 *  three servers start one after the other (OrderedReady), each on a node of its own (hard
 *  anti-affinity) where its images are pulled first, each Ready only once its sentinel passed
 *  three readiness probes (30 s delay, 15 s apart). On a first up that can outlast 10 minutes;
 *  docs/nodes.md, "A first production up", has the worst case. */
export const REDIS_HA_AWAIT_SECONDS = 1200;

/** The chart values, from the args. */
export function argocdValues(args: ArgoCdArgs): Record<string, unknown> {
    const { resources: preset, replicas } = args;
    const ha = args.highAvailability ?? false;
    const pdb = disruptionBudget(args.podDisruptionBudgets, replicas);
    const monitored = args.serviceMonitors !== undefined;
    const metrics = { enabled: monitored, serviceMonitor: { enabled: monitored } };
    const replicated = (weight: "small" | "medium") => ({ replicas, pdb, metrics, resources: sized(preset, weight) });
    const haPdb = ha && args.podDisruptionBudgets ? { maxUnavailable: 1 } : {};
    return deepMerge(
        {
            global: {
                domain: args.host,
                // The chart's own policies admit every source to argocd-server (`ingress: [{}]`);
                // the program's NetworkPolicies govern this namespace as they do the others.
                networkPolicy: { create: false },
            },
            configs: {
                // TLS ends at the ingress controller; the server speaks plain HTTP behind it.
                params: { "server.insecure": true },
                // Appended to the chart's own known hosts (GitHub, GitLab, Bitbucket, Azure DevOps).
                ...(args.sshKnownHosts ? { ssh: { extraHosts: args.sshKnownHosts } } : {}),
            },
            // v4 charts skip this hook Job; the program creates the argocd-redis secret itself.
            redisSecretInit: { enabled: false },
            // No SSO is configured by the program; Dex would idle.
            dex: { enabled: false },
            // The application controller shards by cluster; with one cluster a second replica idles.
            controller: { replicas: 1, metrics, resources: sized(preset, "large") },
            server: {
                ...replicated("medium"),
                ingress: {
                    ...ingressValues(args.ingressClass, args.clusterIssuer),
                    tls: true,
                },
            },
            repoServer: replicated("medium"),
            applicationSet: replicated("small"),
            notifications: { metrics, resources: sized(preset, "small") },
            // The metrics Service and ServiceMonitor scrape redis-exporter, a sidecar of its own.
            redis: {
                metrics,
                resources: sized(preset, "small"),
                exporter: { enabled: monitored, resources: sized(preset, "small") },
            },
            "redis-ha": {
                enabled: ha,
                podDisruptionBudget: haPdb,
                redis: {
                    resources: sized(preset, "medium"),
                    annotations: { "pulumi.com/timeoutSeconds": String(REDIS_HA_AWAIT_SECONDS) },
                },
                sentinel: { resources: sized(preset, "small") },
                // The config-init containers of the Redis servers.
                init: { resources: sized(preset, "small") },
                splitBrainDetection: { resources: sized(preset, "small") },
                haproxy: {
                    podDisruptionBudget: haPdb,
                    resources: sized(preset, "small"),
                    init: { resources: sized(preset, "small") },
                },
            },
        },
        args.values ?? {},
    );
}

export class ArgoCd extends ChartComponent {
    readonly chart: k8s.helm.v4.Chart;
    /** The UI's URL. */
    readonly url: string;

    constructor(name: string, args: ArgoCdArgs, opts?: pulumi.ComponentResourceOptions) {
        super("homelab:platform:ArgoCd", name, HOME, args, opts);
        const redis = generatedPassword(this, `${name}-redis`, {
            secretName: REDIS_SECRET,
            namespace: this.namespace.metadata.name,
            data: (password) => ({ auth: password }),
        });
        this.chart = this.installChart(
            name,
            { pin: CHARTS.argocd, release: ARGOCD_RELEASE, values: argocdValues(args) },
            // Redis and every component that talks to it read the password at start.
            { dependsOn: [redis.secret, ...(args.serviceMonitors ? [args.serviceMonitors.crds] : [])] },
        );
        this.url = `https://${args.host}`;
        this.registerOutputs({ namespace: this.namespace, chart: this.chart, url: this.url });
    }
}
