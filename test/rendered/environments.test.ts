// Each environment as the cluster would receive it: every chart rendered by the real Helm with
// the values the program computes, and the program's own objects, checked against the
// Kubernetes and CRD schemas, Pod Security, the order of a first `up`, the network policies
// and the policy pack.
import * as assert from "node:assert/strict";
import { isBuiltin } from "../../render/kinds";
import { allObjects, RenderedStack } from "../../render/stack";
import { ENVIRONMENTS } from "../../stacks/config/profiles";
import { orderFindings, podSecurityFindings, policyFindings, schemaFindings } from "./findings";
import { reachabilityFindings } from "./traffic";
import { renderedApplications, renderedStack, requireHelm, trafficSources } from "./rendering";
import { hasBuiltinSchema, schemaProblems } from "./schemas";

for (const environment of ENVIRONMENTS) {
    describe(`${environment} as the cluster receives it (rendered with Helm)`, function () {
        this.timeout(120_000);
        let rendered: RenderedStack;
        let objects: ReturnType<typeof allObjects>;

        before(async function () {
            await requireHelm(this);
            rendered = await renderedStack(environment);
            objects = allObjects(rendered);
        });

        it("renders every chart, the Prometheus Operator's CRDs first on their own", () => {
            assert.deepEqual(rendered.charts.map((c) => [c.registration.name, c.objects.length > 0]).sort(), [
                ["argocd-chart", true],
                ["cert-manager-chart", true],
                ["external-secrets-chart", true],
                ["metallb-chart", true],
                ["monitoring-chart", true],
                ["prometheus-operator-crds-chart", true],
                ["velero-chart", true],
            ]);
            const crdChart = rendered.charts.find((c) => c.registration.name === "prometheus-operator-crds-chart")!;
            assert.deepEqual(crdChart.registration.dependencies, []);
            const crds = crdChart.objects.map((o) => `${o.manifest.kind} ${o.manifest.metadata.name}`);
            assert.equal(crds.length, 10);
            assert.ok(
                crds.every((c) => /^CustomResourceDefinition [a-z]+\.monitoring\.coreos\.com$/.test(c)),
                crds.join(),
            );
        });

        it("sends only objects valid against the Kubernetes and CRD schemas", () => {
            assert.deepEqual(schemaFindings(objects), []);
        });

        it("checks every built-in kind it sends against a schema", () => {
            const unchecked = objects
                .map((o) => o.manifest)
                .filter((m) => isBuiltin(m.apiVersion) && !hasBuiltinSchema(m.apiVersion, m.kind));
            assert.deepEqual(unchecked, []);
        });

        it("awaits nothing the platform does not control: Ingresses skip the load-balancer wait, Jobs are replaced when they failed", () => {
            const annotation = (kind: string, key: string) =>
                objects
                    .filter((o) => o.manifest.kind === kind)
                    .map((o) => [
                        o.name,
                        (o.manifest.metadata.annotations as Record<string, string> | undefined)?.[key],
                    ]);
            const ingresses = annotation("Ingress", "pulumi.com/skipAwait");
            assert.deepEqual(ingresses.length, 2);
            assert.deepEqual(
                ingresses.filter(([, value]) => value !== "true"),
                [],
            );
            const jobs = annotation("Job", "pulumi.com/replaceUnready");
            assert.ok(jobs.length >= 2);
            assert.deepEqual(
                jobs.filter(([, value]) => value !== "true"),
                [],
            );
        });

        it("runs every pod under its namespace's Pod Security level", () => {
            assert.deepEqual(podSecurityFindings(objects), []);
        });

        it("creates every custom resource after its CRD, and renders the same objects on the first up as on the second", () => {
            assert.deepEqual(orderFindings(rendered), []);
        });

        it("lets through the traffic the platform needs: webhooks, scrapes, ingress backends, ACME solvers", () => {
            assert.deepEqual(reachabilityFindings(objects, trafficSources(rendered)), []);
        });

        it("sends Argo CD only GitOps objects valid against the Kubernetes and CRD schemas", async () => {
            const applications = await renderedApplications(environment);
            const crds = objects.map((o) => o.manifest).filter((m) => m.kind === "CustomResourceDefinition");
            const rendering = applications.filter((a) => !a.error).map((a) => a.name);
            assert.deepEqual(rendering, ["example-app"]);
            const problems = applications.flatMap((a) =>
                a.objects.flatMap((o) =>
                    schemaProblems(o.manifest, crds).map((p) => `${a.name} ${o.name}${p.path}: ${p.message}`),
                ),
            );
            assert.deepEqual(problems, []);
        });

        it("passes the policy pack, as the engine shows it every rendered object", () => {
            assert.deepEqual(policyFindings(environment, objects), []);
        });

        it("keeps every chart's CRDs when the chart is removed, MetalLB's and Velero's where state is protected", () => {
            const crds = objects.filter((o) => o.manifest.kind === "CustomResourceDefinition");
            const dropped = crds.filter((o) => !o.retainOnDelete);
            assert.deepEqual(
                [...new Set(dropped.map((o) => o.origin))],
                environment === "production" ? [] : ["metallb-chart", "velero-chart"],
            );
        });
    });
}
