// Hands the cluster to GitOps: two AppProjects and two ApplicationSets that reconcile the
// gitops/ tree of the configured repository (docs/gitops.md).
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ARGOCD_NAMESPACE, ArgoCd } from "./argocd";
import { IngressControllerPeer, PROMETHEUS_PEER } from "./network-policies";
import { storeName } from "./secret-store/store";
import { Application } from "./shared/application";
import { podSecurityLabels } from "./shared/chart";
import { CustomObject } from "./shared/webhook-gate";

/** The cluster Argo CD runs in, as Applications name it. */
const IN_CLUSTER = "https://kubernetes.default.svc";
/** Namespace of the infrastructure umbrella chart's add-ons. */
export const INFRASTRUCTURE_NAMESPACE = "infrastructure";

/** Values every chart receives under `platform`, so Git never repeats the stack's settings. */
export interface PlatformValues {
    readonly environment: string;
    readonly domain: string;
    readonly clusterIssuer: string;
    readonly ingressClass: string;
}

/** Credentials of a private repository. */
export type RepoCredentials =
    | { readonly username: string; readonly password: pulumi.Input<string> }
    | { readonly sshPrivateKey: pulumi.Input<string> };

export interface ApplicationSetsArgs {
    /** The Argo CD install; projects and ApplicationSets wait for its chart. Required. */
    argocd: ArgoCd;
    /** Git repository of the GitOps tree. Required. */
    repoUrl: string;
    /** Branch, tag or commit this environment tracks. Required. */
    revision: string;
    /** Folder of the GitOps tree in the repository. */
    path: string;
    /** Values every chart gets as `platform`. Required. */
    platform: PlatformValues;
    /** Suffix of application namespaces: `-dev`, `-staging`, or "" in production. Required. */
    namespaceSuffix: string;
    /** Applications sync by themselves (`automated`) or only when someone syncs them (`manual`). Required. */
    applicationsSync: "automated" | "manual";
    /** The applications of gitops/applications/, each given its AppProject. Default none. */
    applications?: readonly Application[];
    /** Credentials for a private repository. Default none (a public repository). */
    credentials?: RepoCredentials;
    /** What applications use and must find working on their first sync: the secret store and
     *  the ClusterIssuer, awaited Ready. Default none. */
    platformReady?: pulumi.Resource[];
    /** How each application's namespace is guarded, as the profile says. Default: not at all. */
    namespaceGuard?: NamespaceGuard;
}

/** Guards of an application's namespace: Pod Security at `restricted` (on the namespace Argo CD
 *  creates), and gitops/application-namespace's default-deny ingress with what every
 *  application needs (same namespace, the ingress controller, Prometheus, ACME's solver). */
export interface NamespaceGuard {
    readonly podSecurity: boolean;
    /** The ingress controller the policies admit; none: no policies. */
    readonly networkPolicies?: { readonly ingressController: IngressControllerPeer };
}

/** The Pod Security level of application namespaces, where the profile enforces one. */
const APPLICATION_POD_SECURITY = "restricted";

/** Retry of a failed sync: 5 times, 10 s doubling up to 5 min. */
export const RETRY = { limit: 5, backoff: { duration: "10s", factor: 2, maxDuration: "5m" } } as const;

const argocdObject = (kind: string, name: string, spec: Record<string, unknown>): CustomObject => ({
    apiVersion: "argoproj.io/v1alpha1",
    kind,
    metadata: { name, namespace: ARGOCD_NAMESPACE },
    spec,
});

/** The AppProject of the infrastructure add-ons: cluster-wide, from this repository only. */
export function infrastructureProject(repoUrl: string): CustomObject {
    return argocdObject("AppProject", "infrastructure", {
        description: "Cluster add-ons of gitops/infrastructure; may manage cluster-scoped resources",
        sourceRepos: [repoUrl],
        destinations: [{ server: IN_CLUSTER, namespace: "*" }],
        clusterResourceWhitelist: [{ group: "*", kind: "*" }],
    });
}

/** The AppProject of an application, `app-<app>`: namespaced resources in its own namespace
 *  only, and that Namespace (CreateNamespace creates it), from this repository. Nothing of one
 *  application can land in another's namespace, where it could use that application's secret
 *  store or open its network policies. */
export function applicationProject({ name, namespace }: Application, repoUrl: string): CustomObject {
    return argocdObject("AppProject", projectName(name), {
        description: `Workloads of gitops/applications/${name}, in ${namespace} only`,
        sourceRepos: [repoUrl],
        destinations: [{ server: IN_CLUSTER, namespace }],
        clusterResourceWhitelist: [{ group: "", kind: "Namespace", name: namespace }],
        // Quotas and limits are the cluster admin's, not the application's.
        namespaceResourceBlacklist: [
            { group: "", kind: "ResourceQuota" },
            { group: "", kind: "LimitRange" },
        ],
    });
}

/** An application's AppProject. */
export const projectName = (application: string) => `app-${application}`;

/** Go templates fail on a missing key instead of rendering "<no value>". */
const GO_TEMPLATE = { goTemplate: true, goTemplateOptions: ["missingkey=error"] };

/** The ApplicationSet of the infrastructure umbrella chart, synced automatically everywhere. */
export function infrastructureApplicationSet(args: ApplicationSetsArgs): CustomObject {
    const root = args.path;
    return argocdObject("ApplicationSet", "infrastructure", {
        ...GO_TEMPLATE,
        generators: [{ list: { elements: [{ environment: args.platform.environment }] } }],
        template: {
            metadata: { name: "infrastructure" },
            spec: {
                project: "infrastructure",
                source: {
                    repoURL: args.repoUrl,
                    targetRevision: args.revision,
                    path: `${root}/infrastructure`,
                    helm: {
                        valueFiles: ["values.yaml", "../environments/{{.environment}}/values.yaml"],
                        valuesObject: { platform: { ...args.platform } },
                    },
                },
                destination: { server: IN_CLUSTER, namespace: INFRASTRUCTURE_NAMESPACE },
                syncPolicy: {
                    automated: { prune: true, selfHeal: true },
                    syncOptions: ["CreateNamespace=true", "ServerSideApply=true"],
                    retry: RETRY,
                },
            },
        },
        // Deleting the ApplicationSet (or this stack) never deletes what it deployed.
        syncPolicy: { preserveResourcesOnDeletion: true },
    });
}

/** The ApplicationSet of gitops/applications/*: one Application per folder. */
export function applicationsApplicationSet(args: ApplicationSetsArgs): CustomObject {
    const root = args.path;
    const manual = args.applicationsSync === "manual";
    return argocdObject("ApplicationSet", "applications", {
        ...GO_TEMPLATE,
        generators: [
            {
                git: {
                    repoURL: args.repoUrl,
                    revision: args.revision,
                    directories: [{ path: `${root}/applications/*` }],
                },
            },
        ],
        template: {
            metadata: { name: "{{.path.basename}}" },
            spec: {
                project: projectName("{{.path.basename}}"),
                sources: [
                    {
                        repoURL: args.repoUrl,
                        targetRevision: args.revision,
                        path: "{{.path.path}}",
                        helm: {
                            valueFiles: [
                                "values.yaml",
                                `../../environments/${args.platform.environment}/applications/{{.path.basename}}.yaml`,
                            ],
                            // The application's own secret store (components/secret-store/store.ts).
                            valuesObject: {
                                platform: { ...args.platform, secretStore: storeName("{{.path.basename}}") },
                            },
                        },
                    },
                    // The platform's part of every application's namespace, from this repository.
                    {
                        repoURL: args.repoUrl,
                        targetRevision: args.revision,
                        path: `${root}/application-namespace`,
                        helm: { valuesObject: namespaceGuardValues(args.namespaceGuard) },
                    },
                ],
                destination: { server: IN_CLUSTER, namespace: `{{.path.basename}}${args.namespaceSuffix}` },
                // The sync policy is fixed here, not taken from generator parameters, so Git cannot
                // turn production's manual sync into an automated one.
                syncPolicy: {
                    ...(manual ? {} : { automated: { prune: true, selfHeal: true } }),
                    syncOptions: ["CreateNamespace=true"],
                    ...(args.namespaceGuard?.podSecurity
                        ? { managedNamespaceMetadata: { labels: podSecurityLabels(APPLICATION_POD_SECURITY) } }
                        : {}),
                    retry: RETRY,
                },
            },
        },
        // Argo CD puts its resources finalizer on generated Applications only when resources are
        // not preserved. With automated syncs, removing an application's folder therefore prunes
        // its workloads, as the workflow promises (and deleting the set deletes them too). With
        // manual syncs (production) the set never deletes an Application: a removed folder leaves
        // it for someone to delete on purpose (docs/gitops.md).
        syncPolicy: manual
            ? { preserveResourcesOnDeletion: true, applicationsSync: "create-update" }
            : { preserveResourcesOnDeletion: false },
    });
}

/** Values of gitops/application-namespace. */
function namespaceGuardValues(guard: NamespaceGuard | undefined): Record<string, unknown> {
    const policies = guard?.networkPolicies;
    return {
        ...(guard?.podSecurity ? { podSecurity: APPLICATION_POD_SECURITY } : {}),
        ...(policies
            ? {
                  networkPolicies: true,
                  ingressController: { ...policies.ingressController, pods: { ...policies.ingressController.pods } },
                  prometheus: { ...PROMETHEUS_PEER, pods: { ...PROMETHEUS_PEER.pods } },
              }
            : { networkPolicies: false }),
    };
}

/** The Argo CD repository secret for a private repository. */
function repositorySecret(repoUrl: string, credentials: RepoCredentials): Record<string, pulumi.Input<string>> {
    return "sshPrivateKey" in credentials
        ? { type: "git", url: repoUrl, sshPrivateKey: credentials.sshPrivateKey }
        : { type: "git", url: repoUrl, username: credentials.username, password: credentials.password };
}

export class ApplicationSets extends pulumi.ComponentResource {
    readonly projects: k8s.apiextensions.CustomResource[];
    readonly applicationSets: k8s.apiextensions.CustomResource[];

    constructor(name: string, args: ApplicationSetsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("homelab:platform:ApplicationSets", name, {}, opts);
        const after = [args.argocd.chart];

        const credentials = args.credentials
            ? [
                  new k8s.core.v1.Secret(
                      `${name}-repository`,
                      {
                          metadata: {
                              name: "gitops-repository",
                              namespace: ARGOCD_NAMESPACE,
                              labels: { "argocd.argoproj.io/secret-type": "repository" },
                          },
                          stringData: pulumi.secret(repositorySecret(args.repoUrl, args.credentials)),
                      },
                      { parent: this, dependsOn: after },
                  ),
              ]
            : [];

        const projects = [
            infrastructureProject(args.repoUrl),
            ...(args.applications ?? []).map((application) => applicationProject(application, args.repoUrl)),
        ];
        this.projects = projects.map(
            (project) =>
                new k8s.apiextensions.CustomResource(
                    `${name}-project-${(project.metadata as { name: string }).name}`,
                    project,
                    {
                        parent: this,
                        dependsOn: after,
                    },
                ),
        );
        const [infrastructure, ...applications] = this.projects;
        const set = (manifest: CustomObject, dependsOn: pulumi.Resource[]) =>
            new k8s.apiextensions.CustomResource(`${name}-${(manifest.metadata as { name: string }).name}`, manifest, {
                parent: this,
                dependsOn: [...after, ...credentials, ...dependsOn],
            });
        this.applicationSets = [
            set(infrastructureApplicationSet(args), [infrastructure]),
            // The applications need their projects, and the platform they use: an ExternalSecret
            // or Certificate synced before its store or issuer works fails its five retries and
            // waits for the next commit.
            set(applicationsApplicationSet(args), [...applications, ...(args.platformReady ?? [])]),
        ];
        this.registerOutputs({ projects: this.projects, applicationSets: this.applicationSets });
    }
}
