// Each check over the rendered objects fails on a broken case: production's real objects with
// one thing changed, or rendered again with one dependency taken away.
import * as assert from "node:assert/strict";
import { Manifest } from "../../render/kinds";
import { allObjects, RenderedStack, StackObject } from "../../render/stack";
import { orderFindings, podSecurityFindings, policyFindings, schemaFindings } from "./findings";
import { reachabilityFindings } from "./traffic";
import { renderedStack, renderedVariant, requireHelm, trafficSources } from "./rendering";

/** The objects with the one named `kind namespace/name` replaced by `change` of a copy of it. */
function changed(objects: readonly StackObject[], ref: string, change: (m: any) => void): StackObject[] {
    let found = false;
    const out = objects.map((o) => {
        if (`${o.manifest.kind} ${o.manifest.metadata.namespace}/${o.manifest.metadata.name}` !== ref) return o;
        found = true;
        const manifest = structuredClone<Manifest>(o.manifest);
        change(manifest);
        return { ...o, manifest };
    });
    assert.ok(found, `no ${ref}`);
    return out;
}

describe("the checks over rendered objects, on broken cases", function () {
    this.timeout(120_000);
    let rendered: RenderedStack;
    let objects: StackObject[];

    before(async function () {
        await requireHelm(this);
        rendered = await renderedStack("production");
        objects = allObjects(rendered);
    });

    it("rejects an object a schema does not allow, and a field the API server would drop", () => {
        const broken = changed(objects, "Deployment external-secrets/external-secrets", (d) => {
            d.spec.replicas = "two";
            d.spec.template.spec.containers[0].resource = d.spec.template.spec.containers[0].resources;
        });
        assert.deepEqual(schemaFindings(broken), [
            'external-secrets-chart Deployment external-secrets/external-secrets/spec/replicas: must be integer, got string "two"',
            'external-secrets-chart Deployment external-secrets/external-secrets/spec/template/spec/containers/0/resource: unknown field "resource" (dropped by the API server); did you mean "resources"?',
        ]);
    });

    it("rejects a pod its namespace's Pod Security level forbids", () => {
        const broken = changed(objects, "Deployment external-secrets/external-secrets", (d) => {
            d.spec.template.spec.hostNetwork = true;
        });
        assert.deepEqual(podSecurityFindings(broken), [
            "external-secrets-chart Deployment external-secrets/external-secrets violates restricted: host namespaces (hostNetwork=true)",
        ]);
    });

    it("rejects a ServiceMonitor created before its CRD, and a chart that renders less on the first up", async () => {
        const crds = rendered.registrations.find((r) => r.name === "prometheus-operator-crds-chart")!;
        const early = await renderedVariant(rendered, (r) =>
            ["argocd-chart", "external-secrets-chart"].includes(r.name)
                ? { ...r, dependencies: r.dependencies.filter((d) => d !== crds.urn && d !== crds.parent) }
                : r,
        );
        const before = (ref: string, chart: string) =>
            `${chart} ServiceMonitor ${ref}: created without waiting for prometheus-operator-crds-chart, which installs its CRD`;
        const argocd = ["application-controller", "applicationset-controller", "notifications-controller"]
            .concat(["repo-server", "server"])
            .map((c) => `argocd/argocd-${c}`);
        assert.deepEqual(orderFindings(early), [
            ...["metrics", "webhook-metrics", "cert-controller-metrics"].map((m) =>
                before(`external-secrets/external-secrets-${m}`, "external-secrets-chart"),
            ),
            ...argocd.map((ref) => before(ref, "argocd-chart")),
            `argocd-chart: the first up leaves out ${argocd.map((ref) => `monitoring.coreos.com/v1/ServiceMonitor ${ref}`).join(", ")}; the second adds them`,
        ]);
    });

    it("rejects network policies that block the API server from a webhook", () => {
        const broken = objects.filter(
            (o) =>
                !(
                    o.manifest.kind === "NetworkPolicy" &&
                    o.manifest.metadata.namespace === "cert-manager" &&
                    o.manifest.metadata.name === "allow-webhook"
                ),
        );
        assert.equal(broken.length, objects.length - 1);
        const blocked = (kind: string, from: string) =>
            `${kind} cert-manager-webhook webhook: ${from} cannot reach Deployment cert-manager/cert-manager-webhook on port https (default-deny-ingress, allow-same-namespace, allow-prometheus)`;
        const sources = ["192.168.30.11", "192.168.30.12", "192.168.30.13", "10.42.0.1"];
        assert.deepEqual(reachabilityFindings(broken, trafficSources(rendered)), [
            ...sources.map((ip) => blocked("MutatingWebhookConfiguration", ip)),
            ...sources.map((ip) => blocked("ValidatingWebhookConfiguration", ip)),
        ]);
    });

    it("rejects network policies that keep Prometheus from a target, and the ingress controller from a backend", () => {
        const dropped = ["external-secrets/allow-prometheus", "monitoring/allow-grafana"];
        const broken = objects.filter(
            (o) =>
                !(
                    o.manifest.kind === "NetworkPolicy" &&
                    dropped.includes(`${o.manifest.metadata.namespace}/${o.manifest.metadata.name}`)
                ),
        );
        assert.equal(broken.length, objects.length - 2);
        const scrape = (name: string, deployment: string, allows: string) =>
            `ServiceMonitor external-secrets/${name} scrape: monitoring pods cannot reach Deployment external-secrets/${deployment} on port metrics (${allows})`;
        assert.deepEqual(reachabilityFindings(broken, trafficSources(rendered)), [
            scrape("external-secrets-metrics", "external-secrets", "default-deny-ingress, allow-same-namespace"),
            scrape(
                "external-secrets-webhook-metrics",
                "external-secrets-webhook",
                "default-deny-ingress, allow-same-namespace, allow-webhook",
            ),
            scrape(
                "external-secrets-cert-controller-metrics",
                "external-secrets-cert-controller",
                "default-deny-ingress, allow-same-namespace",
            ),
            "Ingress monitoring/kube-prometheus-stack-grafana backend: kube-system pods cannot reach Deployment monitoring/kube-prometheus-stack-grafana on port grafana (default-deny-ingress, allow-same-namespace, allow-prometheus)",
        ]);
    });

    it("rejects network policies that keep the ingress controller from ACME HTTP-01 solvers", () => {
        const broken = objects.filter(
            (o) => !(o.manifest.kind === "NetworkPolicy" && o.manifest.metadata.name === "allow-acme-http01"),
        );
        assert.equal(broken.length, objects.length - 2);
        assert.deepEqual(reachabilityFindings(broken, trafficSources(rendered)), [
            "Ingress argocd/argocd-server ACME HTTP-01 solver: kube-system pods cannot reach solver pods in argocd on port 8089",
            "Ingress monitoring/kube-prometheus-stack-grafana ACME HTTP-01 solver: kube-system pods cannot reach solver pods in monitoring on port 8089",
        ]);
    });

    it("reports a container without resources through the policy pack", () => {
        const broken = changed(objects, "Deployment cert-manager/cert-manager-webhook", (d) => {
            delete d.spec.template.spec.containers[0].resources;
        });
        assert.deepEqual(policyFindings("production", broken), [
            "workloads-set-resources: cert-manager-chart Deployment cert-manager/cert-manager-webhook: container cert-manager-webhook sets no requests.cpu, requests.memory, limits.memory",
        ]);
    });
});
