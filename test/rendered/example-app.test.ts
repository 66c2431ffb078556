// The example application as Argo CD deploys it in each environment, rendered with Helm from
// gitops/ with the values the ApplicationSet composes: the model every application copies.
import * as assert from "node:assert/strict";
import { ENVIRONMENTS } from "../../stacks/config/profiles";
import { renderedApplications, requireHelm } from "./rendering";

/** Each environment's ClusterIssuer, which the application's ingress asks for. */
const ISSUERS = { dev: "homelab-ca", staging: "letsencrypt-staging", production: "letsencrypt-production" };

for (const environment of ENVIRONMENTS) {
    describe(`example-app in ${environment} (rendered with Helm)`, function () {
        this.timeout(120_000);
        let objects: Record<string, any>;

        before(async function () {
            await requireHelm(this);
            const app = (await renderedApplications(environment)).find((a) => a.name === "example-app");
            assert.ok(app && !app.error, app?.error);
            objects = Object.fromEntries(app.objects.map((o) => [o.manifest.kind, o.manifest]));
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

        it("mounts the Secret its ExternalSecret writes", () => {
            const volumes = objects.Deployment.spec.template.spec.volumes.map((v: any) => v.secret?.secretName);
            assert.ok(volumes.includes(objects.ExternalSecret.spec.target.name));
            assert.equal(objects.ExternalSecret.spec.target.name, "example-app");
        });
    });
}
