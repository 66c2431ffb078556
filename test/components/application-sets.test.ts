import * as assert from "node:assert/strict";
import {
    applicationProject,
    applicationsApplicationSet,
    ApplicationSets,
    ApplicationSetsArgs,
    infrastructureApplicationSet,
    infrastructureProject,
} from "../../components/application-sets";
import { ArgoCd } from "../../components/argocd";
import { ONE_REDUCED } from "../fixtures";
import { names, only, Registration, registrations } from "../harness";

const REPO = "https://github.com/example/homelab.git";
const PLATFORM = { environment: "dev", domain: "dev.home.arpa", clusterIssuer: "homelab-ca", ingressClass: "traefik" };
const DEV: Omit<ApplicationSetsArgs, "argocd"> = {
    repoUrl: REPO,
    revision: "main",
    path: "gitops",
    platform: PLATFORM,
    namespaceSuffix: "-dev",
    applicationsSync: "automated",
};
const PRODUCTION: Omit<ApplicationSetsArgs, "argocd"> = {
    ...DEV,
    revision: "v1.4.0",
    platform: { ...PLATFORM, environment: "production", domain: "lab.example.com" },
    namespaceSuffix: "",
    applicationsSync: "manual",
};
const RETRY = { limit: 5, backoff: { duration: "10s", factor: 2, maxDuration: "5m" } };
const spec = (manifest: Record<string, unknown>) => manifest.spec as any;

describe("infrastructureProject", () => {
    it("may deploy anything, cluster-scoped too, from this repository only", () => {
        assert.deepEqual(spec(infrastructureProject(REPO)), {
            description: "Cluster add-ons of gitops/infrastructure; may manage cluster-scoped resources",
            sourceRepos: [REPO],
            destinations: [{ server: "https://kubernetes.default.svc", namespace: "*" }],
            clusterResourceWhitelist: [{ group: "*", kind: "*" }],
        });
    });
});

describe("applicationProject", () => {
    it("confines an application to its own namespace, and that Namespace, from this repository", () => {
        const blog = { name: "blog", namespace: "blog-dev" };
        assert.deepEqual(applicationProject(blog, REPO).metadata, { name: "app-blog", namespace: "argocd" });
        assert.deepEqual(spec(applicationProject(blog, REPO)), {
            description: "Workloads of gitops/applications/blog, in blog-dev only",
            sourceRepos: [REPO],
            destinations: [{ server: "https://kubernetes.default.svc", namespace: "blog-dev" }],
            clusterResourceWhitelist: [{ group: "", kind: "Namespace", name: "blog-dev" }],
            namespaceResourceBlacklist: [
                { group: "", kind: "ResourceQuota" },
                { group: "", kind: "LimitRange" },
            ],
        });
    });

    it("names the namespace it is given, without a suffix in production", () => {
        assert.deepEqual(spec(applicationProject({ name: "blog", namespace: "blog" }, REPO)).destinations, [
            { server: "https://kubernetes.default.svc", namespace: "blog" },
        ]);
    });
});

describe("infrastructureApplicationSet", () => {
    const set = spec(infrastructureApplicationSet({ ...DEV, path: "gitops" } as ApplicationSetsArgs));

    it("generates the environment's one infrastructure application with Go templates that fail on missing keys", () => {
        assert.deepEqual(set.generators, [{ list: { elements: [{ environment: "dev" }] } }]);
        assert.equal(set.goTemplate, true);
        assert.deepEqual(set.goTemplateOptions, ["missingkey=error"]);
    });

    it("renders the umbrella chart with the environment's values and the platform's", () => {
        assert.deepEqual(set.template.spec.source, {
            repoURL: REPO,
            targetRevision: "main",
            path: "gitops/infrastructure",
            helm: {
                valueFiles: ["values.yaml", "../environments/{{.environment}}/values.yaml"],
                valuesObject: { platform: PLATFORM },
            },
        });
        assert.equal(set.template.spec.project, "infrastructure");
        assert.deepEqual(set.template.spec.destination, {
            server: "https://kubernetes.default.svc",
            namespace: "infrastructure",
        });
    });

    it("syncs automatically with prune and self-heal, retrying 5 times with exponential backoff", () => {
        assert.deepEqual(set.template.spec.syncPolicy, {
            automated: { prune: true, selfHeal: true },
            syncOptions: ["CreateNamespace=true", "ServerSideApply=true"],
            retry: RETRY,
        });
    });

    it("preserves what it deployed when it is deleted", () => {
        assert.deepEqual(set.syncPolicy, { preserveResourcesOnDeletion: true });
    });
});

describe("applicationsApplicationSet", () => {
    const dev = spec(applicationsApplicationSet(DEV as ApplicationSetsArgs));
    const production = spec(applicationsApplicationSet(PRODUCTION as ApplicationSetsArgs));

    it("generates one application per folder of gitops/applications", () => {
        assert.deepEqual(dev.generators, [
            { git: { repoURL: REPO, revision: "main", directories: [{ path: "gitops/applications/*" }] } },
        ]);
        assert.equal(dev.template.metadata.name, "{{.path.basename}}");
        assert.deepEqual(dev.goTemplateOptions, ["missingkey=error"]);
    });

    it("tracks the environment's revision", () => {
        assert.equal(production.generators[0].git.revision, "v1.4.0");
        assert.deepEqual(
            production.template.spec.sources.map((source: any) => source.targetRevision),
            ["v1.4.0", "v1.4.0"],
        );
    });

    it("layers the environment's values for the application over its defaults, which must exist", () => {
        assert.deepEqual(dev.template.spec.sources[0].helm, {
            valueFiles: ["values.yaml", "../../environments/dev/applications/{{.path.basename}}.yaml"],
            valuesObject: { platform: { ...PLATFORM, secretStore: "homelab-{{.path.basename}}" } },
        });
    });

    it("deploys into <app>-dev in dev and <app> in production", () => {
        assert.equal(dev.template.spec.destination.namespace, "{{.path.basename}}-dev");
        assert.equal(production.template.spec.destination.namespace, "{{.path.basename}}");
        assert.equal(dev.template.spec.project, "app-{{.path.basename}}");
    });

    it("deploys gitops/application-namespace into each application's namespace, without guards by default", () => {
        assert.deepEqual(dev.template.spec.sources[1], {
            repoURL: REPO,
            targetRevision: "main",
            path: "gitops/application-namespace",
            helm: { valuesObject: { networkPolicies: false } },
        });
    });

    it("guards application namespaces as asked: Pod Security at restricted, default-deny with the needed allows", () => {
        const guarded = spec(
            applicationsApplicationSet({
                ...(PRODUCTION as ApplicationSetsArgs),
                namespaceGuard: {
                    podSecurity: true,
                    networkPolicies: { ingressController: { namespace: "ingress-nginx", pods: { app: "nginx" } } },
                },
            }),
        );
        assert.deepEqual(guarded.template.spec.syncPolicy.managedNamespaceMetadata, {
            labels: {
                "pod-security.kubernetes.io/enforce": "restricted",
                "pod-security.kubernetes.io/enforce-version": "latest",
                "pod-security.kubernetes.io/warn": "restricted",
                "pod-security.kubernetes.io/audit": "restricted",
            },
        });
        assert.deepEqual(guarded.template.spec.sources[1].helm.valuesObject, {
            podSecurity: "restricted",
            networkPolicies: true,
            ingressController: { namespace: "ingress-nginx", pods: { app: "nginx" } },
            prometheus: { namespace: "monitoring", pods: { "app.kubernetes.io/name": "prometheus" } },
        });
    });

    it("syncs automatically, with prune and self-heal, where asked", () => {
        assert.deepEqual(dev.template.spec.syncPolicy, {
            automated: { prune: true, selfHeal: true },
            syncOptions: ["CreateNamespace=true"],
            retry: RETRY,
        });
    });

    it("leaves out automated sync where syncs are manual", () => {
        assert.deepEqual(production.template.spec.syncPolicy, { syncOptions: ["CreateNamespace=true"], retry: RETRY });
    });

    it("takes no template patch, so the generator cannot change the sync policy", () => {
        assert.equal("templatePatch" in production, false);
    });

    it("prunes a removed application's workloads with automated syncs; with manual syncs, deletes no application itself", () => {
        assert.deepEqual(dev.syncPolicy, { preserveResourcesOnDeletion: false });
        assert.deepEqual(production.syncPolicy, {
            preserveResourcesOnDeletion: true,
            applicationsSync: "create-update",
        });
    });
});

describe("ApplicationSets", () => {
    const build = (args: Partial<ApplicationSetsArgs>) =>
        registrations(() => {
            const argocd = new ArgoCd("argocd", {
                ...ONE_REDUCED,
                host: "argocd.dev.home.arpa",
                clusterIssuer: "homelab-ca",
                ingressClass: "traefik",
            });
            new ApplicationSets("gitops", { argocd, ...DEV, ...args });
        });

    describe("for a public repository", () => {
        let recorded: Registration[];
        before(async () => {
            recorded = await build({
                applications: [
                    { name: "example-app", namespace: "example-app-dev" },
                    { name: "blog", namespace: "blog-dev" },
                ],
            });
        });

        it("creates the projects and sets in argocd, after Argo CD's chart", () => {
            for (const name of [
                "gitops-project-infrastructure",
                "gitops-project-app-example-app",
                "gitops-project-app-blog",
                "gitops-infrastructure",
                "gitops-applications",
            ]) {
                const resource = recorded.find((r) => r.name === name)!;
                assert.equal((resource.inputs.metadata as any).namespace, "argocd", name);
                assert.ok(names(resource.dependencies).includes("argocd-chart"), name);
            }
        });

        it("creates each ApplicationSet after its projects, and only the applications' set after theirs", () => {
            const dependencies = (name: string) =>
                names(recorded.find((r) => r.name === name)!.dependencies).filter((d) =>
                    d.startsWith("gitops-project"),
                );
            assert.deepEqual(dependencies("gitops-applications"), [
                "gitops-project-app-example-app",
                "gitops-project-app-blog",
            ]);
            assert.deepEqual(dependencies("gitops-infrastructure"), ["gitops-project-infrastructure"]);
        });

        it("creates no repository secret", () => {
            assert.deepEqual(
                recorded.filter((r) => r.name === "gitops-repository"),
                [],
            );
        });
    });

    describe("for a private repository over https", () => {
        let recorded: Registration[];
        before(async () => {
            recorded = await build({ credentials: { username: "git", password: "read-token" } });
        });

        it("gives Argo CD the token in a repository secret, as a secret", () => {
            const secret = only(recorded, "kubernetes:core/v1:Secret", "gitops-repository");
            assert.deepEqual(secret.inputs.stringData, {
                type: "git",
                url: REPO,
                username: "git",
                password: "read-token",
            });
            assert.deepEqual((secret.inputs.metadata as any).labels, {
                "argocd.argoproj.io/secret-type": "repository",
            });
            assert.deepEqual(secret.secretInputs, ["stringData"]);
        });

        it("creates the ApplicationSets after the credentials", () => {
            assert.ok(
                names(recorded.find((r) => r.name === "gitops-applications")!.dependencies).includes(
                    "gitops-repository",
                ),
            );
        });
    });

    describe("for a private repository over ssh", () => {
        it("gives Argo CD the deploy key", async () => {
            const recorded = await build({
                repoUrl: "git@github.com:example/homelab.git",
                credentials: { sshPrivateKey: "KEY" },
            });
            assert.deepEqual(only(recorded, "kubernetes:core/v1:Secret", "gitops-repository").inputs.stringData, {
                type: "git",
                url: "git@github.com:example/homelab.git",
                sshPrivateKey: "KEY",
            });
        });
    });
});
