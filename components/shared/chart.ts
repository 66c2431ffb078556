// The steps every platform component starts with: a namespace of its own (with Pod Security
// Admission where the profile enforces it) and its pinned chart installed into it through Helm
// v4 (each object a Pulumi resource, diffed in previews). Deletion protection guards the
// namespace, which holds the component's state; never the chart, whose children inherit
// `protect`, so an ordinary upgrade that drops or replaces an object would fail.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ChartPin } from "./versions";

/** Kubernetes' and K3s's own namespace: K3s's Traefik, kube-vip and the operator's CRDs' release. */
export const KUBE_SYSTEM = "kube-system";

/** Pod Security Standard levels (kubernetes.io/docs/concepts/security/pod-security-standards). */
export type PodSecurityLevel = "restricted" | "baseline" | "privileged";

/** How a component guards itself; the environment profile decides. */
export interface Guards {
    /** Enforce Pod Security Admission on the component's namespace at its level. Default false. */
    podSecurity?: boolean;
    /** Protect the namespace from deletion (deleting it deletes everything in it). The charts
     *  keep their CRDs through `helm.sh/resource-policy: keep` whatever this says. Default false. */
    protect?: boolean;
}

/** Pod Security Admission labels: enforce the level, and warn and audit against restricted so
 *  a workload that could be tightened shows up. */
export function podSecurityLabels(level: PodSecurityLevel): Record<string, string> {
    return {
        "pod-security.kubernetes.io/enforce": level,
        "pod-security.kubernetes.io/enforce-version": "latest",
        "pod-security.kubernetes.io/warn": "restricted",
        "pod-security.kubernetes.io/audit": "restricted",
    };
}

/** The component's namespace, `<name>-namespace`, with a fixed name the chart's objects use. */
export function ownNamespace(
    parent: pulumi.ComponentResource,
    name: string,
    namespace: string,
    level: PodSecurityLevel,
    guards: Guards = {},
): k8s.core.v1.Namespace {
    return new k8s.core.v1.Namespace(
        `${name}-namespace`,
        { metadata: { name: namespace, ...(guards.podSecurity ? { labels: podSecurityLabels(level) } : {}) } },
        { parent, protect: guards.protect },
    );
}

export interface ChartInstall {
    /** The chart, its version and repository. */
    readonly pin: ChartPin;
    /** Helm release name; the chart's object names derive from it. */
    readonly release: string;
    readonly namespace: k8s.core.v1.Namespace;
    readonly values: Record<string, unknown>;
    /** What the chart's objects need before they start. Default none. */
    readonly dependsOn?: pulumi.Resource[];
    /** Keep every object of the chart in the cluster when the chart leaves the program, for a
     *  chart whose CRDs take no `helm.sh/resource-policy: keep`: the engine passes
     *  retainOnDelete on to the chart's objects (pulumi/pulumi `inheritFromParent`, CLI 3.158
     *  and later). Default false. */
    readonly retain?: boolean;
}

/** K3s's packaged ingress controller serves this class. */
export const DEFAULT_INGRESS_CLASS = "traefik";

/** What every platform UI's ingress values share: on, in `ingressClass`, with a certificate from
 *  `clusterIssuer`, and no wait for a load-balancer address. The provider otherwise awaits
 *  `.status.loadBalancer.ingress` for ten minutes, which an ingress controller that does not
 *  publish status never sets, and the platform's readiness must not hang on it. */
export function ingressValues(ingressClass: string | undefined, clusterIssuer: string) {
    return {
        enabled: true,
        ingressClassName: ingressClass ?? DEFAULT_INGRESS_CLASS,
        annotations: { "cert-manager.io/cluster-issuer": clusterIssuer, "pulumi.com/skipAwait": "true" },
    };
}

/** The pinned chart, `<name>-chart`, installed into the component's namespace. */
export function pinnedChart(parent: pulumi.ComponentResource, name: string, install: ChartInstall): k8s.helm.v4.Chart {
    return new k8s.helm.v4.Chart(
        `${name}-chart`,
        {
            chart: install.pin.chart,
            version: install.pin.version,
            repositoryOpts: { repo: install.pin.repo },
            name: install.release,
            namespace: install.namespace.metadata.name,
            values: install.values,
        },
        { parent, dependsOn: install.dependsOn, ...(install.retain ? { retainOnDelete: true } : {}) },
    );
}
