// Default-deny ingress in the platform's namespaces, and the traffic each one must accept. Only
// ingress is restricted: the platform's outbound traffic (DNS, the Kubernetes API, Git,
// Helm and image registries, Vault, ACME) goes to addresses a policy cannot name reliably.
// Each allow carries its reason, also as an annotation on the NetworkPolicy.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ARGOCD_NAMESPACE } from "./argocd";
import { CERT_MANAGER_NAMESPACE } from "./cert-manager";
import { EXTERNAL_SECRETS_NAMESPACE } from "./external-secrets";
import { METALLB_NAMESPACE } from "./metallb";
import { MONITORING_NAMESPACE, MONITORING_RELEASE } from "./monitoring/monitoring";
import { PLAIN_SECRETS_NAMESPACE } from "./secret-store/kubernetes";
import { KUBE_SYSTEM } from "./shared/chart";
import { CANARY_NAMESPACE } from "./velero/drill";
import { VELERO_NAMESPACE } from "./velero/velero";

/** Who may connect. */
export type Peer =
    /** Every pod of the same namespace. */
    | "same-namespace"
    /** Prometheus, in the monitoring namespace. */
    | "prometheus"
    /** The ingress controller serving the platform's ingress class (K3s's Traefik by default). */
    | "ingress-controller"
    /** The API server calling a webhook: it runs in K3s's host process, so its source is a
     *  node's address, which no pod or namespace selector matches. */
    | "api-server";

/** One permitted kind of incoming traffic. */
export interface IngressAllow {
    /** Suffix of the NetworkPolicy's name. */
    readonly name: string;
    /** Why this traffic must be allowed. */
    readonly reason: string;
    /** Labels of the receiving pods; none: every pod of the namespace. */
    readonly pods?: Readonly<Record<string, string>>;
    readonly from: Peer;
    /** Receiving TCP ports; none: every port. */
    readonly ports?: readonly number[];
}

const SAME_NAMESPACE: IngressAllow = {
    name: "same-namespace",
    reason: "a component's own pods talk to each other (servers, controllers, caches, webhooks)",
    from: "same-namespace",
};
const SCRAPES: IngressAllow = {
    name: "prometheus",
    reason: "Prometheus scrapes the metrics endpoints of the platform's pods",
    from: "prometheus",
};
const ACME_SOLVER: IngressAllow = {
    name: "acme-http01",
    reason: "Let's Encrypt validates HTTP-01 challenges through the ingress controller at cert-manager's solver pods, in the namespace of the certificate's ingress",
    pods: { "acme.cert-manager.io/http01-solver": "true" },
    from: "ingress-controller",
    ports: [8089],
};

/** The traffic each platform namespace accepts, besides which it denies all ingress. */
export const PLATFORM_TRAFFIC: Readonly<Record<string, readonly IngressAllow[]>> = {
    [ARGOCD_NAMESPACE]: [
        SAME_NAMESPACE,
        SCRAPES,
        {
            name: "ui",
            reason: "the Argo CD UI and API are served through the ingress (argocd.<domain>)",
            pods: { "app.kubernetes.io/name": "argocd-server" },
            from: "ingress-controller",
            ports: [8080],
        },
        ACME_SOLVER,
    ],
    [CERT_MANAGER_NAMESPACE]: [
        SAME_NAMESPACE,
        SCRAPES,
        {
            name: "webhook",
            reason: "the API server calls cert-manager's webhook to validate and default its resources",
            pods: { "app.kubernetes.io/name": "webhook" },
            from: "api-server",
            ports: [10250],
        },
    ],
    [METALLB_NAMESPACE]: [
        SAME_NAMESPACE,
        SCRAPES,
        {
            name: "webhook",
            reason: "the API server calls MetalLB's webhook (in the controller) to validate pools and advertisements",
            pods: { "app.kubernetes.io/component": "controller" },
            from: "api-server",
            ports: [9443],
        },
    ],
    [MONITORING_NAMESPACE]: [
        SAME_NAMESPACE,
        SCRAPES,
        {
            name: "grafana",
            reason: "Grafana is served through the ingress (grafana.<domain>)",
            pods: { "app.kubernetes.io/name": "grafana" },
            from: "ingress-controller",
            ports: [3000],
        },
        {
            name: "operator-webhook",
            reason: "the API server calls the Prometheus Operator's webhook to validate PrometheusRules",
            pods: { app: `${MONITORING_RELEASE}-operator` },
            from: "api-server",
            ports: [10250],
        },
        ACME_SOLVER,
    ],
    [EXTERNAL_SECRETS_NAMESPACE]: [
        SAME_NAMESPACE,
        SCRAPES,
        {
            name: "webhook",
            reason: "the API server calls External Secrets' webhook to validate stores and ExternalSecrets",
            pods: { "app.kubernetes.io/name": "external-secrets-webhook" },
            from: "api-server",
            ports: [10250],
        },
    ],
    // Only Secrets live here, read through the API; no pod receives traffic.
    [PLAIN_SECRETS_NAMESPACE]: [],
    // The server and the node agents talk through the API and reach S3 outbound; only their
    // metrics are scraped.
    [VELERO_NAMESPACE]: [SCRAPES],
    // The canary only writes its volume, and the drill reads its restored copy's log through the
    // API; the scratch namespace it is restored into gets these same policies.
    [CANARY_NAMESPACE]: [],
};

/** Where a peer's pods run (the ingress controller's, Prometheus's), and their labels. */
export interface IngressControllerPeer {
    readonly namespace: string;
    readonly pods: Readonly<Record<string, string>>;
}

/** K3s's packaged Traefik: its HelmChart installs it into kube-system. */
export const K3S_TRAEFIK: IngressControllerPeer = {
    namespace: KUBE_SYSTEM,
    pods: { "app.kubernetes.io/name": "traefik" },
};

/** Prometheus's pods (kube-prometheus-stack's), which scrape every namespace. */
export const PROMETHEUS_PEER: IngressControllerPeer = {
    namespace: MONITORING_NAMESPACE,
    pods: { "app.kubernetes.io/name": "prometheus" },
};

const namespaceOf = (name: string) => ({ matchLabels: { "kubernetes.io/metadata.name": name } });

function peers(
    from: Peer,
    ingressController: IngressControllerPeer,
): k8s.types.input.networking.v1.NetworkPolicyPeer[] {
    switch (from) {
        case "same-namespace":
            return [{ podSelector: {} }];
        case "prometheus":
            return [
                {
                    namespaceSelector: namespaceOf(PROMETHEUS_PEER.namespace),
                    podSelector: { matchLabels: { ...PROMETHEUS_PEER.pods } },
                },
            ];
        case "ingress-controller":
            return [
                {
                    namespaceSelector: namespaceOf(ingressController.namespace),
                    podSelector: { matchLabels: { ...ingressController.pods } },
                },
            ];
        case "api-server":
            return [{ ipBlock: { cidr: "0.0.0.0/0" } }];
    }
}

/** The NetworkPolicy spec of one allow. */
export function allowSpec(
    allow: IngressAllow,
    ingressController: IngressControllerPeer,
): k8s.types.input.networking.v1.NetworkPolicySpec {
    return {
        podSelector: allow.pods ? { matchLabels: { ...allow.pods } } : {},
        policyTypes: ["Ingress"],
        ingress: [
            {
                from: peers(allow.from, ingressController),
                ...(allow.ports ? { ports: allow.ports.map((port) => ({ protocol: "TCP", port })) } : {}),
            },
        ],
    };
}

export interface NetworkPoliciesArgs {
    /** The namespaces to guard, by name; each needs an entry in PLATFORM_TRAFFIC. Required. */
    namespaces: Readonly<Record<string, k8s.core.v1.Namespace>>;
    /** The ingress controller that serves the platform's ingresses. Required. */
    ingressController: IngressControllerPeer;
}

export class NetworkPolicies extends pulumi.ComponentResource {
    readonly policies: k8s.networking.v1.NetworkPolicy[];

    constructor(name: string, args: NetworkPoliciesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("homelab:platform:NetworkPolicies", name, {}, opts);
        this.policies = Object.entries(args.namespaces).flatMap(([namespaceName, namespace]) => {
            const allows = PLATFORM_TRAFFIC[namespaceName];
            if (allows === undefined)
                throw new pulumi.ResourceError(`no traffic is described for namespace ${namespaceName}`, this);
            const policy = (
                policyName: string,
                spec: k8s.types.input.networking.v1.NetworkPolicySpec,
                reason: string,
            ) =>
                new k8s.networking.v1.NetworkPolicy(
                    `${name}-${namespaceName}-${policyName}`,
                    {
                        metadata: {
                            name: policyName,
                            namespace: namespace.metadata.name,
                            annotations: { "homelab.dev/reason": reason },
                        },
                        spec,
                    },
                    { parent: this },
                );
            return [
                policy(
                    "default-deny-ingress",
                    { podSelector: {}, policyTypes: ["Ingress"] },
                    "nothing reaches the namespace's pods unless a policy below allows it",
                ),
                ...allows.map((allow) =>
                    policy(`allow-${allow.name}`, allowSpec(allow, args.ingressController), allow.reason),
                ),
            ];
        });
        this.registerOutputs({ policies: this.policies });
    }
}
