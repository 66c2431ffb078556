// cert-manager and the environment's ClusterIssuer: a private CA (self-signed root) or ACME.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ChartComponent, ComponentHome, Guards } from "./shared/chart";
import { deepMerge } from "./shared/merge";
import { replicatedWorkload, Replication } from "./shared/sizing";
import { CHARTS } from "./shared/versions";
import { AWAIT_READY } from "./shared/await-ready";
import { CustomObject, WebhookGate } from "./shared/webhook-gate";

export const CERT_MANAGER_NAMESPACE = "cert-manager";
// cert-manager, its webhook, cainjector and the webhook gate all run restricted.
const HOME: ComponentHome = { namespace: CERT_MANAGER_NAMESPACE, podSecurity: "restricted" };
/** Helm release name; the chart's object names derive from it. */
export const CERT_MANAGER_RELEASE = "cert-manager";

/** ClusterIssuer names, fixed so ingresses can name them before the issuers exist. */
const ISSUER_NAMES = {
    selfSigned: "selfsigned",
    privateCa: "homelab-ca",
} as const;
/** The private root CA's Certificate and Secret (in cert-manager's namespace, as a CA ClusterIssuer needs). */
const ROOT_CA = "homelab-root-ca";
/** Secret holding the Cloudflare API token for DNS-01. */
const CLOUDFLARE_TOKEN_SECRET = "cloudflare-api-token";

/** How ACME challenges are answered. */
export type AcmeSolver =
    | { readonly http01: { readonly ingressClass: string } }
    | { readonly cloudflare: { readonly apiToken: pulumi.Input<string> } };

/** The environment's issuer: the homelab's private CA, or an ACME CA. */
export type IssuerArgs =
    | { readonly kind: "privateCa" }
    | {
          readonly kind: "acme";
          /** ClusterIssuer name, e.g. `letsencrypt-production`. */
          readonly issuerName: string;
          /** ACME directory URL. */
          readonly server: string;
          readonly email: string;
          readonly solver: AcmeSolver;
      };

export interface CertManagerArgs extends Guards, Replication {
    /** The ClusterIssuer that signs the platform's certificates. Required. */
    issuer: IssuerArgs;
    /** Helm values merged over the program's own, last. Default none. */
    values?: Record<string, unknown>;
}

/** The name of the ClusterIssuer certificates should reference. */
export function clusterIssuerName(issuer: IssuerArgs): string {
    return issuer.kind === "privateCa" ? ISSUER_NAMES.privateCa : issuer.issuerName;
}

/** The chart values, from the args. */
export function certManagerValues(args: CertManagerArgs): Record<string, unknown> {
    const workload = replicatedWorkload(args, "small");
    return deepMerge(
        {
            // The CRDs come with the chart and stay when it is removed (their removal would
            // delete every Certificate and Issuer in the cluster).
            crds: { enabled: true, keep: true },
            ...workload,
            webhook: workload,
            cainjector: workload,
            // Its ServiceMonitor is created by monitoring (additionalServiceMonitors): monitoring
            // waits for cert-manager, so a ServiceMonitor inside this chart could never get its CRD.
            prometheus: { enabled: true, servicemonitor: { enabled: false } },
            // A Helm hook that v4 charts skip; the webhook gate does its job.
            startupapicheck: { enabled: false },
        },
        args.values ?? {},
    );
}

/** The ServiceMonitor spec (kube-prometheus-stack's additionalServiceMonitors) for cert-manager. */
export function certManagerServiceMonitor(): Record<string, unknown> {
    const selector = {
        "app.kubernetes.io/name": "cert-manager",
        "app.kubernetes.io/instance": CERT_MANAGER_RELEASE,
        "app.kubernetes.io/component": "controller",
    };
    return {
        name: "cert-manager",
        selector: { matchLabels: selector },
        namespaceSelector: { matchNames: [CERT_MANAGER_NAMESPACE] },
        endpoints: [{ targetPort: 9402, path: "/metrics", interval: "60s" }],
    };
}

const clusterIssuer = (name: string, spec: Record<string, unknown>, awaitReady = false): CustomObject => ({
    apiVersion: "cert-manager.io/v1",
    kind: "ClusterIssuer",
    metadata: { name, ...(awaitReady ? { annotations: AWAIT_READY } : {}) },
    spec,
});

/** The issuer objects, in creation order. */
function issuerObjects(issuer: IssuerArgs): CustomObject[] {
    if (issuer.kind === "privateCa") {
        const issuerRef = { group: "cert-manager.io", kind: "ClusterIssuer", name: ISSUER_NAMES.selfSigned };
        return [
            clusterIssuer(ISSUER_NAMES.selfSigned, { selfSigned: {} }),
            {
                apiVersion: "cert-manager.io/v1",
                kind: "Certificate",
                metadata: { name: ROOT_CA, namespace: CERT_MANAGER_NAMESPACE },
                spec: {
                    isCA: true,
                    commonName: "homelab root CA",
                    secretName: ROOT_CA,
                    duration: "87600h", // ten years: a root is installed once on admins' machines
                    privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Never" },
                    issuerRef,
                },
            },
            clusterIssuer(ISSUER_NAMES.privateCa, { ca: { secretName: ROOT_CA } }, true),
        ];
    }
    const solver =
        "http01" in issuer.solver
            ? { http01: { ingress: { ingressClassName: issuer.solver.http01.ingressClass } } }
            : { dns01: { cloudflare: { apiTokenSecretRef: { name: CLOUDFLARE_TOKEN_SECRET, key: "api-token" } } } };
    return [
        clusterIssuer(
            issuer.issuerName,
            {
                acme: {
                    server: issuer.server,
                    email: issuer.email,
                    privateKeySecretRef: { name: `${issuer.issuerName}-account-key` },
                    solvers: [solver],
                },
            },
            true,
        ),
    ];
}

export class CertManager extends ChartComponent {
    readonly chart: k8s.helm.v4.Chart;
    /** The issuer objects in creation order; for the CA: self-signed issuer, root certificate, CA issuer. */
    readonly chain: k8s.apiextensions.CustomResource[];
    /** The name of the ClusterIssuer that signs the platform's certificates. */
    readonly clusterIssuer: string;
    /** The ClusterIssuer workloads use, awaited until Ready. */
    readonly issuer: k8s.apiextensions.CustomResource;

    constructor(name: string, args: CertManagerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("homelab:platform:CertManager", name, HOME, args, opts);
        const namespace = this.namespace;
        this.chart = this.installChart(name, {
            pin: CHARTS.certManager,
            release: CERT_MANAGER_RELEASE,
            values: certManagerValues(args),
        });

        const solver = args.issuer.kind === "acme" ? args.issuer.solver : undefined;
        const credentials =
            solver !== undefined && "cloudflare" in solver
                ? [
                      new k8s.core.v1.Secret(
                          `${name}-cloudflare-api-token`,
                          {
                              metadata: { name: CLOUDFLARE_TOKEN_SECRET, namespace: namespace.metadata.name },
                              stringData: { "api-token": pulumi.secret(solver.cloudflare.apiToken) },
                          },
                          { parent: this },
                      ),
                  ]
                : [];

        const objects = issuerObjects(args.issuer);
        const gate = new WebhookGate(
            `${name}-webhook-gate`,
            {
                namespace: namespace.metadata.name,
                objects,
                access: { apiGroup: "cert-manager.io", resources: ["clusterissuers", "certificates"] },
                chart: this.chart,
            },
            { parent: this },
        );
        this.chain = [];
        for (const object of objects) {
            const previous = this.chain.slice(-1);
            const objectName = (object.metadata as { name: string }).name;
            this.chain.push(
                new k8s.apiextensions.CustomResource(`${name}-${objectName}`, object, {
                    parent: this,
                    // Each object of the CA chain needs the one before it.
                    dependsOn: [this.chart, gate.job, ...credentials, ...previous],
                }),
            );
        }
        this.clusterIssuer = clusterIssuerName(args.issuer);
        this.issuer = this.chain[this.chain.length - 1];
        this.registerOutputs({
            namespace: this.namespace,
            chart: this.chart,
            chain: this.chain,
            clusterIssuer: this.clusterIssuer,
        });
    }
}
