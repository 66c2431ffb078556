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
    /** The namespace the release goes to. */
    readonly namespace: pulumi.Input<string>;
    readonly values: Record<string, unknown>;
}

/** What every platform UI's ingress values share: on, in `ingressClass`, with a certificate from
 *  `clusterIssuer`, and no wait for a load-balancer address. The provider otherwise awaits
 *  `.status.loadBalancer.ingress` for ten minutes, which an ingress controller that does not
 *  publish status never sets, and the platform's readiness must not hang on it. */
export function ingressValues(ingressClass: string, clusterIssuer: string) {
    return {
        enabled: true,
        ingressClassName: ingressClass,
        annotations: { "cert-manager.io/cluster-issuer": clusterIssuer, "pulumi.com/skipAwait": "true" },
    };
}

/** The pinned chart, `<name>-chart`. `options` are the chart's: what its objects wait for
 *  (`dependsOn`); `retainOnDelete` for a chart whose CRDs take no `helm.sh/resource-policy: keep`,
 *  which the engine passes on to each of its objects (pulumi/pulumi `inheritFromParent`, CLI 3.158
 *  and later). */
export function pinnedChart(
    parent: pulumi.ComponentResource,
    name: string,
    install: ChartInstall,
    options: Omit<pulumi.CustomResourceOptions, "parent"> = {},
): k8s.helm.v4.Chart {
    return new k8s.helm.v4.Chart(
        `${name}-chart`,
        {
            chart: install.pin.chart,
            version: install.pin.version,
            repositoryOpts: { repo: install.pin.repo },
            name: install.release,
            namespace: install.namespace,
            values: install.values,
        },
        { ...options, parent },
    );
}

/** Where a platform component lives: its namespace, and the Pod Security level its pods need there. */
export interface ComponentHome {
    readonly namespace: string;
    readonly podSecurity: PodSecurityLevel;
}

/** A platform component: a namespace of its own, and its pinned chart installed into it. */
export class ChartComponent extends pulumi.ComponentResource {
    /** The component's namespace. */
    readonly namespace: k8s.core.v1.Namespace;

    constructor(
        type: string,
        name: string,
        home: ComponentHome,
        guards: Guards,
        opts?: pulumi.ComponentResourceOptions,
    ) {
        super(type, name, {}, opts);
        this.namespace = ownNamespace(this, name, home.namespace, home.podSecurity, guards);
    }

    /** The pinned chart, `<name>-chart`, in the component's namespace (see pinnedChart). */
    protected installChart(
        name: string,
        install: Omit<ChartInstall, "namespace">,
        options?: Omit<pulumi.CustomResourceOptions, "parent">,
    ): k8s.helm.v4.Chart {
        return pinnedChart(this, name, { ...install, namespace: this.namespace.metadata.name }, options);
    }
}
