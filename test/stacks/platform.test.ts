// The platform each environment installs, from its own Pulumi.<env>.yaml.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { CHARTS } from "../../components/shared/versions";
import { homelab } from "../../stacks/homelab";
import { ENVIRONMENTS } from "../../stacks/config/profiles";
import { isSecret, names, only, Registration, ROOT, settle, fixtureStackFile, useStack, withConfig } from "../harness";

const CHART = "kubernetes:helm.sh/v4:Chart";

/** The custom resources that make up each environment's issuer. */
const ISSUER_OBJECTS = {
    dev: [
        ["kubernetes:cert-manager.io/v1:ClusterIssuer", "cert-manager-selfsigned"],
        ["kubernetes:cert-manager.io/v1:Certificate", "cert-manager-homelab-root-ca"],
        ["kubernetes:cert-manager.io/v1:ClusterIssuer", "cert-manager-homelab-ca"],
    ],
    staging: [["kubernetes:cert-manager.io/v1:ClusterIssuer", "cert-manager-letsencrypt-staging"]],
    production: [["kubernetes:cert-manager.io/v1:ClusterIssuer", "cert-manager-letsencrypt-production"]],
};

/** What each environment's profile makes of the platform, whatever homelab its stack file describes. */
const PROFILE_FACTS = {
    dev: { issuer: "homelab-ca", replicas: 1, ha: false, preset: "reduced", drained: false, snapshots: false },
    staging: {
        issuer: "letsencrypt-staging",
        replicas: 1,
        ha: false,
        preset: "reduced",
        drained: false,
        snapshots: true,
    },
    production: {
        issuer: "letsencrypt-production",
        replicas: 2,
        ha: true,
        preset: "full",
        drained: true,
        snapshots: true,
    },
} as const;

interface StackNode {
    readonly name: string;
    readonly address: string;
    readonly role: "server" | "agent";
}

/** The homelab the environment's stack file describes: its domain, repository and revision, its
 *  MetalLB pools and its nodes. The platform tests follow it, so a stack file edited to another
 *  homelab keeps them meaningful. */
function homelabOf(environment: keyof typeof PROFILE_FACTS) {
    const { config } = fixtureStackFile(environment);
    const json = <T>(key: string) => JSON.parse(config[`homelab:${key}`]) as T;
    const nodes = json<{ nodes: StackNode[] }>("cluster").nodes;
    const gitops = json<{ repoUrl: string; revision?: string }>("gitops");
    const servers = nodes.filter((n) => n.role === "server").map((n) => n.address);
    return {
        ...PROFILE_FACTS[environment],
        domain: config["homelab:domain"],
        repo: gitops.repoUrl,
        revision: gitops.revision ?? "main",
        pools: json<{ pools: { name: string; addresses: string[] }[] }>("metallb").pools,
        nodes,
        agents: nodes.filter((n) => n.role === "agent").map((n) => n.name),
        servers,
        // Embedded etcd with more than one server, or where snapshots are taken.
        etcd: servers.length > 1 || PROFILE_FACTS[environment].snapshots,
        backups: config["homelab:backups"] !== undefined,
    };
}

/** Velero and the drill, where the stack names a backup store: Velero's keys come through a store
 *  of Vault's where the profile's secrets are there, else from Pulumi. */
function backupObjects(environment: keyof typeof PROFILE_FACTS): string[][] {
    const keys =
        environment === "production"
            ? [
                  ["kubernetes:external-secrets.io/v1:ExternalSecret", "velero-credentials"],
                  ["vault:index/policy:Policy", "secret-store-read-velero"],
                  ["vault:kubernetes/authBackendRole:AuthBackendRole", "secret-store-role-velero"],
                  [STORE, "secret-store-store-velero"],
              ]
            : [["kubernetes:core/v1:Secret", "velero-credentials"]];
    return [
        ["homelab:platform:Velero", "velero"],
        ["kubernetes:core/v1:Namespace", "velero-namespace"],
        [CHART, "velero-chart"],
        ...keys,
        ["homelab:platform:BackupDrill", "backup-drill"],
        ["kubernetes:core/v1:Namespace", "backup-drill-canary-namespace"],
        ["kubernetes:core/v1:PersistentVolumeClaim", "backup-drill-canary"],
        ["kubernetes:apps/v1:Deployment", "backup-drill-canary"],
        ["kubernetes:rbac.authorization.k8s.io/v1:Role", "backup-drill-canary-reader"],
        ["kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "backup-drill-canary-reader"],
        ["kubernetes:core/v1:ServiceAccount", "backup-drill"],
        ["kubernetes:rbac.authorization.k8s.io/v1:Role", "backup-drill"],
        ["kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "backup-drill"],
        ["kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "backup-drill-scratch"],
        ["kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", "backup-drill-scratch"],
        ["kubernetes:core/v1:ConfigMap", "backup-drill"],
        ["kubernetes:batch/v1:CronJob", "backup-drill"],
    ];
}

const STORE = "kubernetes:external-secrets.io/v1:ClusterSecretStore";

/** The resources behind each environment's secret store. */
const STORE_OBJECTS = {
    dev: plainStore(),
    staging: plainStore(),
    production: [
        ["pulumi:providers:vault", "vault"],
        ["homelab:platform:VaultSecretStore", "secret-store"],
        ["kubernetes:core/v1:ServiceAccount", "secret-store-token-reviewer"],
        ["kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", "secret-store-token-reviewer"],
        ["kubernetes:core/v1:Secret", "secret-store-token-reviewer"],
        ["vault:index/authBackend:AuthBackend", "secret-store-auth"],
        ["vault:kubernetes/authBackendConfig:AuthBackendConfig", "secret-store-auth"],
        ["vault:index/mount:Mount", "secret-store-kv"],
        ["vault:index/policy:Policy", "secret-store-read-example-app"],
        ["vault:kubernetes/authBackendRole:AuthBackendRole", "secret-store-role-example-app"],
        [STORE, "secret-store-store-example-app"],
    ],
};

function plainStore(): string[][] {
    return [
        ["homelab:platform:KubernetesSecretStore", "secret-store"],
        ["kubernetes:core/v1:Namespace", "secret-store-namespace"],
        ["kubernetes:core/v1:Secret", "secret-store-example-app"],
        ["kubernetes:core/v1:ServiceAccount", "secret-store-reader-example-app"],
        ["kubernetes:rbac.authorization.k8s.io/v1:Role", "secret-store-reader-example-app"],
        ["kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "secret-store-reader-example-app"],
        [STORE, "secret-store-store-example-app"],
    ];
}

/** Every resource a stack registers besides its issuer and store objects, as [type, name]. */
const COMMON = [
    ["pulumi:providers:kubernetes", "kubernetes"],
    ["homelab:platform:PrometheusOperatorCrds", "prometheus-operator-crds"],
    [CHART, "prometheus-operator-crds-chart"],
    ["homelab:platform:MetalLb", "metallb"],
    ["kubernetes:core/v1:Namespace", "metallb-namespace"],
    [CHART, "metallb-chart"],
    ["kubernetes:metallb.io/v1beta1:L2Advertisement", "metallb-l2"],
    ["kubernetes:core/v1:Service", "metallb-controller-metrics"],
    ["homelab:platform:CertManager", "cert-manager"],
    ["kubernetes:core/v1:Namespace", "cert-manager-namespace"],
    [CHART, "cert-manager-chart"],
    ["homelab:platform:ArgoCd", "argocd"],
    ["kubernetes:core/v1:Namespace", "argocd-namespace"],
    ["random:index/randomPassword:RandomPassword", "argocd-redis"],
    ["kubernetes:core/v1:Secret", "argocd-redis"],
    [CHART, "argocd-chart"],
    ["homelab:platform:Monitoring", "monitoring"],
    ["kubernetes:core/v1:Namespace", "monitoring-namespace"],
    ["random:index/randomPassword:RandomPassword", "monitoring-grafana-admin"],
    ["kubernetes:core/v1:Secret", "monitoring-grafana-admin"],
    [CHART, "monitoring-chart"],
    ["homelab:platform:ExternalSecrets", "external-secrets"],
    ["kubernetes:core/v1:Namespace", "external-secrets-namespace"],
    [CHART, "external-secrets-chart"],
    ["homelab:platform:ApplicationSets", "gitops"],
    ["kubernetes:argoproj.io/v1alpha1:AppProject", "gitops-project-infrastructure"],
    ["kubernetes:argoproj.io/v1alpha1:AppProject", "gitops-project-app-example-app"],
    ["kubernetes:argoproj.io/v1alpha1:ApplicationSet", "gitops-infrastructure"],
    ["kubernetes:argoproj.io/v1alpha1:ApplicationSet", "gitops-applications"],
    ...["metallb-webhook-gate", "cert-manager-webhook-gate", "secret-store-webhook-gate"].flatMap((gate) => [
        ["homelab:platform:WebhookGate", gate],
        ["kubernetes:core/v1:ServiceAccount", gate],
        ["kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", gate],
        ["kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", gate],
        ["kubernetes:core/v1:ConfigMap", gate],
        ["kubernetes:batch/v1:Job", gate],
    ]),
];

/** The NetworkPolicies of a stack whose profile denies ingress by default. */
function networkPolicies(environment: string, backups: boolean): string[][] {
    if (environment === "dev") return [];
    const allows: Record<string, string[]> = {
        argocd: ["same-namespace", "prometheus", "ui", "acme-http01"],
        "cert-manager": ["same-namespace", "prometheus", "webhook"],
        "metallb-system": ["same-namespace", "prometheus", "webhook"],
        monitoring: ["same-namespace", "prometheus", "grafana", "operator-webhook", "acme-http01"],
        "external-secrets": ["same-namespace", "prometheus", "webhook"],
        ...(environment === "production" ? {} : { "homelab-secrets": [] }),
        ...(backups ? { velero: ["prometheus"], "backup-canary": [] } : {}),
    };
    return [
        ["homelab:platform:NetworkPolicies", "network-policies"],
        ...Object.entries(allows).flatMap(([namespace, names]) =>
            ["default-deny-ingress", ...names.map((n) => `allow-${n}`)].map((policy) => [
                "kubernetes:networking.k8s.io/v1:NetworkPolicy",
                `network-policies-${namespace}-${policy}`,
            ]),
        ),
    ];
}

/** The K3s resources of a stack with these nodes. */
function k3sObjects(nodes: readonly string[], agents: readonly string[], drained: boolean): string[][] {
    return [
        ["homelab:platform:K3sCluster", "k3s"],
        ["random:index/randomPassword:RandomPassword", "k3s-token"],
        ...nodes.map((node) => ["command:remote:Command", `k3s-${node}`]),
        // Production drains each node before its install runs again, and uncordons it after.
        ...(drained
            ? nodes.flatMap((node) => [
                  ["command:remote:Command", `k3s-${node}-drain`],
                  ["command:remote:Command", `k3s-${node}-uncordon`],
              ])
            : []),
        // Each agent's Node, deleted from the first server when the agent leaves.
        ...agents.map((agent) => ["command:remote:Command", `k3s-${agent}-node`]),
        ["command:remote:Command", "k3s-api-credential"],
    ];
}

const byKey = (a: string[], b: string[]) => `${a[0]} ${a[1]}`.localeCompare(`${b[0]} ${b[1]}`);

for (const environment of ENVIRONMENTS) {
    const expected = homelabOf(environment);

    describe(`${environment} platform`, () => {
        let registered: Registration[];
        let outputs: ReturnType<typeof homelab>;
        const values = (component: string) => only(registered, CHART, `${component}-chart`).inputs.values as any;

        before(async () => {
            registered = await useStack(environment, fixtureStackFile(environment));
            outputs = homelab();
            await settle();
        });

        it("registers exactly the platform's resources", () => {
            assert.deepEqual(
                registered.map((r) => [r.type, r.name]).sort(byKey),
                [
                    ...COMMON,
                    ...ISSUER_OBJECTS[environment],
                    ...STORE_OBJECTS[environment],
                    ...expected.pools.map((p) => [
                        "kubernetes:metallb.io/v1beta1:IPAddressPool",
                        `metallb-pool-${p.name}`,
                    ]),
                    ...k3sObjects(
                        expected.nodes.map((n) => n.name),
                        expected.agents,
                        expected.drained,
                    ),
                    ...networkPolicies(environment, expected.backups),
                    ...(expected.backups ? backupObjects(environment) : []),
                ].sort(byKey),
            );
        });

        it("installs the pinned charts into their namespaces, and the operator's CRDs apart", () => {
            const charts = registered
                .filter((r) => r.type === CHART)
                .map((r) => [r.inputs.chart, r.inputs.version, r.inputs.namespace, r.inputs.name])
                .sort();
            assert.deepEqual(charts, [
                ["argo-cd", CHARTS.argocd.version, "argocd", "argocd"],
                ["cert-manager", CHARTS.certManager.version, "cert-manager", "cert-manager"],
                ["external-secrets", CHARTS.externalSecrets.version, "external-secrets", "external-secrets"],
                ["kube-prometheus-stack", CHARTS.monitoring.version, "kube-system", "prometheus-operator-crds"],
                ["kube-prometheus-stack", CHARTS.monitoring.version, "monitoring", "kube-prometheus-stack"],
                ["metallb", CHARTS.metallb.version, "metallb-system", "metallb"],
                ...(expected.backups ? [["velero", CHARTS.velero.version, "velero", "velero"]] : []),
            ]);
        });

        it("installs the Prometheus Operator's CRDs first, with nothing before them", () => {
            assert.deepEqual(only(registered, CHART, "prometheus-operator-crds-chart").dependencies, []);
        });

        it("makes every chart that renders monitoring objects wait for the operator's CRDs", () => {
            for (const chart of ["argocd-chart", "external-secrets-chart", "monitoring-chart"]) {
                assert.ok(
                    names(only(registered, CHART, chart).dependencies).includes("prometheus-operator-crds-chart"),
                    chart,
                );
            }
        });

        it("creates every Kubernetes object with the stack's provider", () => {
            const provider = `urn:pulumi:${environment}::homelab::pulumi:providers:kubernetes::kubernetes::kubernetes-id`;
            const objects = registered.filter((r) => r.type.startsWith("kubernetes:"));
            assert.deepEqual(
                objects.filter((r) => r.provider !== provider).map((r) => r.name),
                [],
            );
        });

        it("installs MetalLB, cert-manager and Argo CD without waiting on one another", () => {
            for (const chart of ["metallb-chart", "cert-manager-chart", "argocd-chart"]) {
                const deps = names(only(registered, CHART, chart).dependencies);
                assert.deepEqual(
                    deps.filter((d) => d.endsWith("-chart") && d !== "prometheus-operator-crds-chart"),
                    [],
                    chart,
                );
            }
        });

        it("creates the MetalLB pools and advertisement after the MetalLB chart", () => {
            for (const name of [...expected.pools.map((p) => `metallb-pool-${p.name}`), "metallb-l2"]) {
                assert.ok(names(registered.find((r) => r.name === name)!.dependencies).includes("metallb-chart"), name);
            }
        });

        it("creates the configured pools", () => {
            for (const pool of expected.pools) {
                const registration = only(
                    registered,
                    "kubernetes:metallb.io/v1beta1:IPAddressPool",
                    `metallb-pool-${pool.name}`,
                );
                assert.deepEqual((registration.inputs.spec as any).addresses, pool.addresses);
            }
        });

        it("creates the profile's issuer after the cert-manager chart", () => {
            for (const [, name] of ISSUER_OBJECTS[environment]) {
                assert.ok(
                    names(registered.find((r) => r.name === name)!.dependencies).includes("cert-manager-chart"),
                    name,
                );
            }
        });

        it("installs monitoring after cert-manager and its issuer", () => {
            const deps = names(only(registered, CHART, "monitoring-chart").dependencies);
            for (const [, name] of [[CHART, "cert-manager-chart"], ...ISSUER_OBJECTS[environment]]) {
                assert.ok(deps.includes(name), name);
            }
        });

        it("keeps the Redis and Grafana passwords secret", () => {
            for (const name of ["argocd-redis", "monitoring-grafana-admin"]) {
                assert.deepEqual(
                    only(registered, "kubernetes:core/v1:Secret", name).secretInputs,
                    ["stringData"],
                    name,
                );
                assert.ok(
                    only(
                        registered,
                        "random:index/randomPassword:RandomPassword",
                        name,
                    ).additionalSecretOutputs.includes("result"),
                    name,
                );
            }
        });

        it("sizes and replicates Argo CD by the profile", () => {
            const argocd = values("argocd");
            assert.equal(argocd["redis-ha"].enabled, expected.ha);
            assert.equal(argocd.server.replicas, expected.replicas);
            assert.equal(argocd.repoServer.replicas, expected.replicas);
            assert.equal(argocd.applicationSet.replicas, expected.replicas);
            assert.equal(argocd.server.pdb.enabled, expected.ha);
        });

        it("sizes workloads by the profile's preset", () => {
            const reduced = { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "512Mi" } };
            const full = { requests: { cpu: "250m", memory: "256Mi" }, limits: { memory: "1Gi" } };
            assert.deepEqual(values("argocd").server.resources, expected.preset === "full" ? full : reduced);
        });

        it("replicates cert-manager by the profile", () => {
            const certManager = values("cert-manager");
            for (const workload of [certManager, certManager.webhook, certManager.cainjector]) {
                assert.equal(workload.replicaCount, expected.replicas);
                assert.equal(workload.podDisruptionBudget.enabled, expected.ha);
            }
        });

        it("scrapes K3s's control plane on the servers, kube-proxy on every node, and etcd where it runs", () => {
            const monitoring = values("monitoring");
            const where = (component: any) =>
                component.enabled ? { endpoints: component.endpoints, port: component.service.port } : "off";
            assert.deepEqual(
                [
                    monitoring.kubeControllerManager,
                    monitoring.kubeScheduler,
                    monitoring.kubeProxy,
                    monitoring.kubeEtcd,
                ].map(where),
                [
                    { endpoints: expected.servers, port: 10257 },
                    { endpoints: expected.servers, port: 10259 },
                    { endpoints: expected.nodes.map((n) => n.address), port: 10249 },
                    expected.etcd ? { endpoints: expected.servers, port: 2381 } : "off",
                ],
            );
            assert.equal(monitoring.defaultRules.rules.etcd, expected.etcd);
        });

        it("exports the Argo CD and Grafana URLs, the issuer and the MetalLB pools", () => {
            assert.equal(outputs.argocdUrl, `https://argocd.${expected.domain}`);
            assert.equal(outputs.grafanaUrl, `https://grafana.${expected.domain}`);
            assert.equal(outputs.clusterIssuer, expected.issuer);
            assert.deepEqual(
                outputs.metallbPools,
                expected.pools.map((p) => ({ name: p.name, addresses: p.addresses })),
            );
        });

        it("gives gitops/applications/example-app its own ClusterSecretStore, for its namespace only", () => {
            const store = only(registered, STORE, "secret-store-store-example-app").inputs as any;
            assert.deepEqual(
                [store.metadata.name, store.spec.conditions],
                [
                    "homelab-example-app",
                    [
                        {
                            namespaces: [
                                { dev: "example-app-dev", staging: "example-app-staging", production: "example-app" }[
                                    environment
                                ],
                            ],
                        },
                    ],
                ],
            );
        });

        it(`creates the secret store after ESO's chart${environment === "production" ? " and its Vault role" : ""}`, () => {
            const deps = names(only(registered, STORE, "secret-store-store-example-app").dependencies);
            assert.ok(deps.includes("external-secrets-chart"));
            assert.equal(deps.includes("secret-store-role-example-app"), environment === "production");
        });

        it(
            environment === "production" ? "configures Vault through its own provider" : "registers no Vault resource",
            () => {
                const vaultResources = registered.filter((r) => r.type.startsWith("vault:"));
                if (environment !== "production") {
                    assert.deepEqual(vaultResources, []);
                    return;
                }
                const provider = `urn:pulumi:production::homelab::pulumi:providers:vault::vault::vault-id`;
                // The auth backend, its config and the KV mount; a policy and a role for the example
                // application, and for Velero where it reads its keys from Vault.
                assert.equal(vaultResources.length, expected.backups ? 7 : 5);
                assert.deepEqual(
                    vaultResources.filter((r) => r.provider !== provider),
                    [],
                );
            },
        );

        it("reconciles gitops/applications/* into <app> with the environment's suffix and the profile's sync", () => {
            const set = only(registered, "kubernetes:argoproj.io/v1alpha1:ApplicationSet", "gitops-applications");
            const suffix = { dev: "-dev", staging: "-staging", production: "" }[environment];
            const platform = {
                environment,
                domain: expected.domain,
                clusterIssuer: expected.issuer,
                ingressClass: "traefik",
            };
            const retry = { limit: 5, backoff: { duration: "10s", factor: 2, maxDuration: "5m" } };
            assert.deepEqual(set.inputs.spec, {
                goTemplate: true,
                goTemplateOptions: ["missingkey=error"],
                generators: [
                    {
                        git: {
                            repoURL: expected.repo,
                            revision: expected.revision,
                            directories: [{ path: "gitops/applications/*" }],
                        },
                    },
                ],
                template: {
                    metadata: { name: "{{.path.basename}}" },
                    spec: {
                        project: "app-{{.path.basename}}",
                        sources: [
                            {
                                repoURL: expected.repo,
                                targetRevision: expected.revision,
                                path: "{{.path.path}}",
                                helm: {
                                    valueFiles: [
                                        "values.yaml",
                                        `../../environments/${environment}/applications/{{.path.basename}}.yaml`,
                                    ],
                                    valuesObject: {
                                        platform: { ...platform, secretStore: "homelab-{{.path.basename}}" },
                                    },
                                },
                            },
                            {
                                repoURL: expected.repo,
                                targetRevision: expected.revision,
                                path: "gitops/application-namespace",
                                helm: {
                                    valuesObject:
                                        environment === "dev"
                                            ? { networkPolicies: false }
                                            : {
                                                  podSecurity: "restricted",
                                                  networkPolicies: true,
                                                  ingressController: {
                                                      namespace: "kube-system",
                                                      pods: { "app.kubernetes.io/name": "traefik" },
                                                  },
                                                  prometheus: {
                                                      namespace: "monitoring",
                                                      pods: { "app.kubernetes.io/name": "prometheus" },
                                                  },
                                              },
                                },
                            },
                        ],
                        destination: {
                            server: "https://kubernetes.default.svc",
                            namespace: `{{.path.basename}}${suffix}`,
                        },
                        syncPolicy: {
                            ...(environment === "production" ? {} : { automated: { prune: true, selfHeal: true } }),
                            syncOptions: ["CreateNamespace=true"],
                            ...(environment === "dev"
                                ? {}
                                : {
                                      managedNamespaceMetadata: {
                                          labels: {
                                              "pod-security.kubernetes.io/enforce": "restricted",
                                              "pod-security.kubernetes.io/enforce-version": "latest",
                                              "pod-security.kubernetes.io/warn": "restricted",
                                              "pod-security.kubernetes.io/audit": "restricted",
                                          },
                                      },
                                  }),
                            retry,
                        },
                    },
                },
                syncPolicy:
                    environment === "production"
                        ? { preserveResourcesOnDeletion: true, applicationsSync: "create-update" }
                        : { preserveResourcesOnDeletion: false },
            });
        });

        it("reconciles the infrastructure chart with this environment's values, automated", () => {
            const set = only(registered, "kubernetes:argoproj.io/v1alpha1:ApplicationSet", "gitops-infrastructure")
                .inputs.spec as any;
            assert.deepEqual(set.generators, [{ list: { elements: [{ environment }] } }]);
            assert.deepEqual(set.template.spec.syncPolicy.automated, { prune: true, selfHeal: true });
            assert.deepEqual(set.template.spec.syncPolicy.retry, {
                limit: 5,
                backoff: { duration: "10s", factor: 2, maxDuration: "5m" },
            });
            assert.deepEqual(set.syncPolicy, { preserveResourcesOnDeletion: true });
        });

        it("confines gitops/applications/example-app to its namespace, with the environment's suffix", () => {
            const project = only(
                registered,
                "kubernetes:argoproj.io/v1alpha1:AppProject",
                "gitops-project-app-example-app",
            ).inputs.spec as any;
            const namespace = { dev: "example-app-dev", staging: "example-app-staging", production: "example-app" }[
                environment
            ];
            assert.deepEqual(
                [project.destinations, project.clusterResourceWhitelist, project.sourceRepos],
                [
                    [{ server: "https://kubernetes.default.svc", namespace }],
                    [{ group: "", kind: "Namespace", name: namespace }],
                    [expected.repo],
                ],
            );
        });

        it("starts the applications' ApplicationSet once their stores and the ClusterIssuer are Ready", () => {
            const issuer = environment === "dev" ? "cert-manager-homelab-ca" : `cert-manager-${expected.issuer}`;
            const deps = (name: string) => names(registered.find((r) => r.name === name)!.dependencies);
            assert.deepEqual(
                [deps("gitops-applications"), deps("gitops-infrastructure")].map((d) =>
                    ["secret-store-store-example-app", issuer].filter((n) => d.includes(n)),
                ),
                [["secret-store-store-example-app", issuer], []],
            );
            for (const name of ["secret-store-store-example-app", issuer])
                assert.deepEqual((registered.find((r) => r.name === name)!.inputs.metadata as any).annotations, {
                    "pulumi.com/waitFor": "condition=Ready",
                });
        });

        it("registers the GitOps objects after Argo CD", () => {
            for (const name of [
                "gitops-project-infrastructure",
                "gitops-project-app-example-app",
                "gitops-infrastructure",
                "gitops-applications",
            ]) {
                assert.ok(names(registered.find((r) => r.name === name)!.dependencies).includes("argocd-chart"), name);
            }
        });

        it(
            environment === "dev"
                ? "labels no namespace for Pod Security"
                : "enforces each namespace's Pod Security level",
            () => {
                const levels = {
                    "metallb-namespace": "privileged",
                    "cert-manager-namespace": "restricted",
                    "argocd-namespace": "baseline",
                    "monitoring-namespace": "privileged",
                    "external-secrets-namespace": "restricted",
                    ...(environment === "production" ? {} : { "secret-store-namespace": "restricted" }),
                };
                for (const [name, level] of Object.entries(levels)) {
                    const labels = (only(registered, "kubernetes:core/v1:Namespace", name).inputs.metadata as any)
                        .labels;
                    assert.deepEqual(
                        labels,
                        environment === "dev"
                            ? undefined
                            : {
                                  "pod-security.kubernetes.io/enforce": level,
                                  "pod-security.kubernetes.io/enforce-version": "latest",
                                  "pod-security.kubernetes.io/warn": "restricted",
                                  "pod-security.kubernetes.io/audit": "restricted",
                              },
                        name,
                    );
                }
            },
        );

        it(environment === "production" ? "protects what holds state" : "protects nothing from deletion", () => {
            const protectedOnes = registered
                .filter((r) => r.protect)
                .map((r) => `${r.type.split(":").pop()} ${r.name}`)
                .sort();
            const production = [
                // Namespaces and CRDs hold state; the other charts stay unprotected, so an
                // upgrade that drops or replaces one of their objects goes through.
                ...["argocd", "cert-manager", "external-secrets", "metallb", "monitoring"].map(
                    (c) => `Namespace ${c}-namespace`,
                ),
                "Chart prometheus-operator-crds-chart",
                // Servers hold etcd; agents hold nothing a reinstall would not bring back.
                "Command k3s-prod-k3s-1",
                "Command k3s-prod-k3s-2",
                "Command k3s-prod-k3s-3",
                "AuthBackend secret-store-auth",
                "Mount secret-store-kv",
                ...(expected.backups ? ["Namespace velero-namespace"] : []),
            ].sort();
            assert.deepEqual(protectedOnes, environment === "production" ? production : []);
        });

        it("keeps the Prometheus Operator's CRDs when their chart is removed, and MetalLB's and Velero's where state is protected", () => {
            const retained = registered.filter((r) => r.retainOnDelete).map((r) => r.name);
            assert.deepEqual(
                retained.sort(),
                environment === "production"
                    ? ["metallb-chart", "prometheus-operator-crds-chart", ...(expected.backups ? ["velero-chart"] : [])]
                    : ["prometheus-operator-crds-chart"],
            );
        });

        it(
            environment === "production"
                ? "exports the backup gate its updates wait at"
                : "exports no backup gate: its updates wait for no backup",
            () => {
                assert.deepEqual(
                    outputs.backupGate,
                    environment === "production"
                        ? { maxAge: "6h", namespace: "velero", schedule: "velero-frequent" }
                        : undefined,
                );
            },
        );

        it("exports Grafana's admin password as a secret", async () => {
            assert.equal(await isSecret(outputs.grafanaAdminPassword), true);
        });
    });
}

describe("production's Vault provider and token reviews", () => {
    /** A CA certificate committed with the tests, as an admin commits Vault's. */
    const VAULT_CA_FILE = "test/stacks/fixtures/vault-ca.pem";

    /** Production's registrations with these `homelab:vault` settings. */
    async function productionWith(vault: Record<string, unknown>): Promise<Registration[]> {
        const registered = await useStack("production", withConfig(fixtureStackFile("production"), { vault }));
        homelab();
        await settle();
        return registered;
    }
    const vaultProvider = (registered: Registration[]) => only(registered, "pulumi:providers:vault", "vault");
    const authConfig = (registered: Registration[]) =>
        only(registered, "vault:kubernetes/authBackendConfig:AuthBackendConfig", "secret-store-auth");

    describe("with vault.caCertFile and vault.kubernetesHost", () => {
        let registered: Registration[];
        before(async () => {
            registered = await productionWith({
                address: "https://vault.home.arpa:8200",
                caCertFile: VAULT_CA_FILE,
                kubernetesHost: "https://k3s.lab.example.com:6443",
            });
        });

        it("gives the provider the file's path in the project's folder, the same on every machine", () => {
            assert.equal(vaultProvider(registered).inputs.caCertFile, "test/stacks/fixtures/vault-ca.pem");
        });

        it("has External Secrets trust the file's PEM in every application's store", () => {
            const stores = registered.filter((r) => r.type === STORE);
            assert.ok(stores.length > 0);
            for (const store of stores) {
                assert.equal(
                    (store.inputs.spec as any).provider.vault.caBundle,
                    Buffer.from(fs.readFileSync(path.join(ROOT, VAULT_CA_FILE), "utf8")).toString("base64"),
                );
            }
        });

        it("has Vault review tokens at the address the stack names", () => {
            assert.equal(authConfig(registered).inputs.kubernetesHost, "https://k3s.lab.example.com:6443");
        });
    });

    describe("without them", () => {
        let registered: Registration[];
        before(async () => {
            registered = await productionWith({ address: "https://vault.home.arpa:8200" });
        });

        it("gives the provider no CA file, so it trusts the system's CAs", () => {
            assert.equal("caCertFile" in vaultProvider(registered).inputs, false);
        });

        it("has Vault review tokens at the cluster's API address, the VIP", () => {
            assert.equal(authConfig(registered).inputs.kubernetesHost, "https://192.168.30.10:6443");
        });
    });
});
