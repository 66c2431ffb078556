// Helm's output turned into what the v4 Chart registers, on small literal manifests.
import * as assert from "node:assert/strict";
import { chartObjects, parseManifest } from "../../render/v4-chart";

const RELEASE = { resource: "app-chart", namespace: "apps" };
const MONITOR_KIND = {
    group: "monitoring.coreos.com",
    kind: "ServiceMonitor",
    namespaced: true,
    versions: [{ name: "v1", served: true }],
};

const OUTPUT = `---
# Source: app/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports: [{ port: 80 }]
---
# Source: app/templates/clusterrole.yaml
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: reader
  annotations:
    helm.sh/resource-policy: keep
---
# Source: app/templates/hook.yaml
apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
  annotations:
    helm.sh/hook: pre-install,pre-upgrade
---
# Source: app/templates/list.yaml
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ConfigMap
    metadata: { name: one, namespace: other }
  - apiVersion: monitoring.coreos.com/v1
    kind: ServiceMonitor
    metadata: { name: web }
`;

describe("chartObjects", () => {
    const { objects, hooks } = chartObjects(RELEASE, OUTPUT, [MONITOR_KIND]);

    it("registers every object but the hooks, lists as their items, named <chart>:<namespace>/<name>", () => {
        assert.deepEqual(
            objects.map((o) => [o.type, o.name, o.source]),
            [
                ["kubernetes:core/v1:Service", "app-chart:apps/web", "app/templates/service.yaml"],
                [
                    "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole",
                    "app-chart:reader",
                    "app/templates/clusterrole.yaml",
                ],
                ["kubernetes:core/v1:ConfigMap", "app-chart:other/one", "app/templates/list.yaml"],
                ["kubernetes:monitoring.coreos.com/v1:ServiceMonitor", "app-chart:apps/web", "app/templates/list.yaml"],
            ],
        );
    });

    it("lists the hooks it never creates", () => {
        assert.deepEqual(hooks, [{ kind: "Job", name: "migrate", events: "pre-install,pre-upgrade" }]);
    });

    it("puts namespaced objects without a namespace into the release's, keeps explicit ones, leaves cluster-scoped ones alone", () => {
        assert.deepEqual(
            objects.map((o) => o.manifest.metadata.namespace),
            ["apps", undefined, "other", "apps"],
        );
    });

    it("retains objects marked helm.sh/resource-policy: keep", () => {
        assert.deepEqual(
            objects.map((o) => o.retainOnDelete),
            [false, true, false, false],
        );
    });

    it("leaves a custom kind it cannot tell the scope of without a namespace, as the provider does offline", () => {
        const alone = chartObjects(RELEASE, OUTPUT, []).objects;
        assert.equal(alone[3].manifest.metadata.namespace, undefined);
    });

    it("annotates every object pulumi.com/skipAwait with skipAwait", () => {
        const skipped = chartObjects({ ...RELEASE, skipAwait: true }, OUTPUT, [MONITOR_KIND]).objects;
        assert.deepEqual(
            skipped.map((o) => (o.manifest.metadata.annotations as Record<string, string>)["pulumi.com/skipAwait"]),
            ["true", "true", "true", "true"],
        );
    });

    it("refuses an object without a name, and two objects of one resource name", () => {
        assert.throws(
            () => chartObjects(RELEASE, "# Source: a.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata: {}\n", []),
            /a\.yaml: Kubernetes resources require apiVersion, kind and metadata.name/,
        );
        const twice = "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x }\n";
        assert.throws(
            () => chartObjects(RELEASE, `# Source: b.yaml\n${twice}---\n${twice}`, []),
            /b\.yaml: duplicate resource kubernetes:core\/v1:ConfigMap app-chart:apps\/x/,
        );
    });
});

describe("parseManifest", () => {
    it("reads scalars as Kubernetes' YAML 1.1 decoder does", () => {
        const [doc] = parseManifest("a: on\nb: 0644\nc: 2024-01-01\nd: '0644'\ne: ~\nf: 1.5\ng: No\n");
        assert.deepEqual(doc.object, { a: true, b: 420, c: "2024-01-01", d: "0644", e: null, f: 1.5, g: false });
    });

    it("keeps the last of duplicate keys and skips empty documents", () => {
        assert.deepEqual(parseManifest("---\n---\n# Source: x\na: 1\na: 2\n"), [{ source: "x", object: { a: 2 } }]);
    });

    it("refuses a document that is not a mapping", () => {
        assert.throws(() => parseManifest("# Source: s.yaml\n- a\n"), /s\.yaml: a document is not a mapping/);
    });
});
