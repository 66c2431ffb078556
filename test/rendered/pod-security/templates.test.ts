// podTemplates (templates.ts): where each workload kind keeps its pod template, and the kinds that
// have none.
import * as assert from "node:assert/strict";
import { podSecurityViolations, podTemplates } from ".";

describe("podTemplates", () => {
    const template = { metadata: { labels: { app: "x" } }, spec: { containers: [{ name: "x", image: "x" }] } };

    const cases: [string, string, any, string][] = [
        ["Deployment", "apps/v1", { spec: { replicas: 1, template } }, "spec.template"],
        ["ReplicaSet", "apps/v1", { spec: { template } }, "spec.template"],
        ["StatefulSet", "apps/v1", { spec: { serviceName: "x", template } }, "spec.template"],
        ["DaemonSet", "apps/v1", { spec: { template } }, "spec.template"],
        ["Job", "batch/v1", { spec: { template } }, "spec.template"],
        [
            "CronJob",
            "batch/v1",
            { spec: { schedule: "@daily", jobTemplate: { spec: { template } } } },
            "spec.jobTemplate.spec.template",
        ],
        ["ReplicationController", "v1", { spec: { template } }, "spec.template"],
        ["PodTemplate", "v1", { template }, "template"],
    ];
    for (const [kind, apiVersion, body, path] of cases) {
        it(`finds the template of a ${kind} at ${path}`, () => {
            const manifest = { apiVersion, kind, metadata: { name: "x" }, ...body };
            assert.deepEqual(podTemplates(manifest), [{ path, metadata: template.metadata, spec: template.spec }]);
        });
    }

    it('takes a Pod\'s own metadata and spec, at path ""', () => {
        const manifest = { apiVersion: "v1", kind: "Pod", metadata: { name: "x" }, spec: template.spec };
        assert.deepEqual(podTemplates(manifest), [{ path: "", metadata: { name: "x" }, spec: template.spec }]);
    });

    it("gives empty metadata and spec for a template without them", () => {
        const manifest = { apiVersion: "apps/v1", kind: "Deployment", spec: { template: {} } };
        assert.deepEqual(podTemplates(manifest), [{ path: "spec.template", metadata: {}, spec: {} }]);
    });

    it("finds nothing in other kinds, or in a same-named kind of another API group", () => {
        assert.deepEqual(podTemplates({ apiVersion: "v1", kind: "Service", spec: { ports: [] } }), []);
        assert.deepEqual(podTemplates({ apiVersion: "v1", kind: "ConfigMap", data: {} }), []);
        assert.deepEqual(podTemplates({ apiVersion: "example.com/v1", kind: "Deployment", spec: { template } }), []);
        assert.deepEqual(podTemplates({ apiVersion: "apps/v1", kind: "Deployment", spec: {} }), []);
    });

    it("feeds podSecurityViolations", () => {
        const manifest = {
            apiVersion: "apps/v1",
            kind: "DaemonSet",
            metadata: { name: "agent" },
            spec: { template: { metadata: {}, spec: { hostPID: true, containers: [{ name: "agent", image: "a" }] } } },
        };
        assert.deepEqual(
            podTemplates(manifest).flatMap((t) => podSecurityViolations(t, "baseline")),
            ["host namespaces (hostPID=true)"],
        );
    });
});
