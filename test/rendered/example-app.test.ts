// The example application as Argo CD deploys it in each environment, rendered with Helm from
// gitops/ with the values the ApplicationSet composes: the model every application copies.
import * as assert from "node:assert/strict";
import { ENVIRONMENTS } from "../../stacks/config/profiles";
import { admits } from "./network-reach";
import { podSecurityViolations } from "./pod-security";
import { renderedApplications, renderedStack, requireHelm } from "./rendering";

/** The Pod Security level each environment's application namespaces enforce (dev: none). */
const POD_SECURITY = { dev: undefined, staging: "restricted", production: "restricted" } as const;
/** The policies each environment's application namespaces get (dev: none). */
const GUARD_POLICIES = [
    "allow-acme-http01",
    "allow-ingress-controller",
    "allow-prometheus",
    "allow-same-namespace",
    "default-deny-ingress",
];
const POLICIES = { dev: [], staging: GUARD_POLICIES, production: GUARD_POLICIES };
const TRAEFIK = { namespace: "kube-system", pod: { "app.kubernetes.io/name": "traefik" } };
const PROMETHEUS = { namespace: "monitoring", pod: { "app.kubernetes.io/name": "prometheus" } };
const OTHER_APP = { namespace: "blog", pod: { "app.kubernetes.io/name": "blog" } };

/** Each environment's ClusterIssuer, which the application's ingress asks for. */
const ISSUERS = { dev: "homelab-ca", staging: "letsencrypt-staging", production: "letsencrypt-production" };

for (const environment of ENVIRONMENTS) {
    describe(`example-app in ${environment} (rendered with Helm)`, function () {
        this.timeout(120_000);
        let objects: Record<string, any>;
        let manifests: Record<string, any>[];
        let enforced: string | undefined;
        let namespace: string;

        before(async function () {
            await requireHelm(this);
            const app = (await renderedApplications(environment)).find((a) => a.name === "example-app");
            assert.ok(app && !app.error, app?.error);
            manifests = app.objects.map((o) => o.manifest);
            objects = Object.fromEntries(manifests.map((m) => [m.kind, m]));
            namespace = app.namespace;
            const set = (await renderedStack(environment)).program.find(
                (o) => o.manifest.kind === "ApplicationSet" && o.manifest.metadata.name === "applications",
            )!.manifest as any;
            enforced =
                set.spec.template.spec.syncPolicy.managedNamespaceMetadata?.labels[
                    "pod-security.kubernetes.io/enforce"
                ];
        });

        it("is admitted at its namespace's Pod Security level, which its own chart cannot lower", () => {
            assert.equal(enforced, POD_SECURITY[environment]);
            // The platform's Namespace manifest, the last source's, wins over one of the app's chart.
            assert.equal(
                objects.Namespace?.metadata.labels["pod-security.kubernetes.io/enforce"],
                POD_SECURITY[environment],
            );
            assert.deepEqual(podSecurityViolations(objects.Deployment.spec.template, enforced ?? "privileged"), []);
        });

        it("gets its namespace's default-deny policies with what every application needs", () => {
            assert.deepEqual(
                manifests
                    .filter((m) => m.kind === "NetworkPolicy")
                    .map((m) => m.metadata.name)
                    .sort(),
                POLICIES[environment],
            );
        });

        it("is reachable by the ingress controller on its Service's port, and by Prometheus", () => {
            const destination = {
                namespace,
                pod: objects.Deployment.spec.template.metadata.labels,
                containers: objects.Deployment.spec.template.spec.containers,
                port: objects.Service.spec.ports[0].targetPort,
            };
            assert.deepEqual(
                [TRAEFIK, PROMETHEUS, OTHER_APP].map((source) => admits(manifests, source, destination)),
                [true, true, environment === "dev"],
            );
        });

        const container = () => objects.Deployment.spec.template.spec.containers[0];

        it("probes liveness at /healthz and readiness at /readyz", () => {
            assert.deepEqual(
                [container().livenessProbe.httpGet.path, container().readinessProbe.httpGet.path],
                ["/healthz", "/readyz"],
            );
        });

        it("runs as non-root with a read-only root filesystem and no privileges", () => {
            const pod = objects.Deployment.spec.template.spec.securityContext;
            const own = container().securityContext;
            assert.deepEqual(
                [pod.runAsNonRoot, own.readOnlyRootFilesystem, own.allowPrivilegeEscalation, own.capabilities.drop],
                [true, true, false, ["ALL"]],
            );
        });

        it("requests CPU and memory and limits memory", () => {
            const { requests, limits } = container().resources;
            assert.ok(requests.cpu && requests.memory && limits.memory, JSON.stringify(container().resources));
        });

        it("asks the environment's ClusterIssuer for its ingress certificate", () => {
            assert.equal(objects.Ingress.metadata.annotations["cert-manager.io/cluster-issuer"], ISSUERS[environment]);
        });

        it("reads its secret through its own store, which only its namespace may use", () => {
            assert.deepEqual(objects.ExternalSecret.spec.secretStoreRef, {
                kind: "ClusterSecretStore",
                name: "homelab-example-app",
            });
        });

        it("mounts the Secret its ExternalSecret writes", () => {
            const volumes = objects.Deployment.spec.template.spec.volumes.map((v: any) => v.secret?.secretName);
            assert.ok(volumes.includes(objects.ExternalSecret.spec.target.name));
            assert.equal(objects.ExternalSecret.spec.target.name, "example-app");
        });
    });
}
