// The impact report over a fixture change: a pool address changed, an application added, a
// namespace removed, a StatefulSet's immutable field changed and a CRD moved to another chart.
import * as assert from "node:assert/strict";
import { diffSnapshots, fieldChanges } from "../../impact/diff";
import { removalDestroys } from "../../impact/destructive";
import { impactReport } from "../../impact/report";
import { Snapshot, SnapshotEntry } from "../../render/snapshot";

const entry = (key: string, origin: string, body: Record<string, unknown>): SnapshotEntry => ({ key, origin, body });
const pool = (addresses: string[]) =>
    entry("metallb.io/v1beta1/IPAddressPool metallb-system/default", "program", {
        apiVersion: "metallb.io/v1beta1",
        kind: "IPAddressPool",
        metadata: { name: "default", namespace: "metallb-system" },
        spec: { addresses },
    });
const statefulSet = (serviceName: string, replicas: number) =>
    entry("apps/v1/StatefulSet monitoring/db", "monitoring-chart", { spec: { serviceName, replicas } });
const crd = (origin: string) =>
    entry("apiextensions.k8s.io/v1/CustomResourceDefinition servicemonitors.monitoring.coreos.com", origin, {});
const storeNamespace = entry("v1/Namespace homelab-secrets", "program", { metadata: { name: "homelab-secrets" } });
const newApp = entry("apps/v1/Deployment new-app-dev/new-app", "gitops:new-app", { spec: { replicas: 1 } });

const BASE: Snapshot = {
    stack: "dev",
    entries: [pool(["192.168.10.200-192.168.10.219"]), storeNamespace, statefulSet("db", 1), crd("monitoring-chart")],
    unrendered: [],
};
const HEAD: Snapshot = {
    stack: "dev",
    entries: [pool(["192.168.10.200-192.168.10.229"]), newApp, statefulSet("db-headless", 2), crd("crds-chart")],
    unrendered: ["infrastructure: dependencies not built"],
};

describe("impact report", () => {
    it("lists what is added, changed field by field and removed, destructive changes first", () => {
        assert.equal(
            impactReport([diffSnapshots(BASE, HEAD)], "main", "feature"),
            [
                "## Environment impact",
                "",
                "What `feature` changes against `main` in each environment, rendered offline with Helm as `pulumi up` and Argo CD would apply it (secrets redacted).",
                "",
                "### dev: 2 added, 2 changed, 2 removed, **3 destructive**",
                "",
                "**Destructive**",
                "- ⚠️ moves `apiextensions.k8s.io/v1/CustomResourceDefinition servicemonitors.monitoring.coreos.com` from monitoring-chart to crds-chart: deleting it from monitoring-chart deletes the CRD and every custom resource of its kind; move it in state first",
                "- ⚠️ removes `v1/Namespace homelab-secrets` (program): deletes the namespace and everything in it",
                "- ⚠️ replaces `apps/v1/StatefulSet monitoring/db` (monitoring-chart): spec.serviceName cannot change in place",
                "",
                "**Added**",
                "- `apiextensions.k8s.io/v1/CustomResourceDefinition servicemonitors.monitoring.coreos.com` (crds-chart)",
                "- `apps/v1/Deployment new-app-dev/new-app` (gitops:new-app)",
                "",
                "**Changed**",
                "- `apps/v1/StatefulSet monitoring/db` (monitoring-chart)",
                "  - `spec.replicas`: `1` → `2`",
                '  - `spec.serviceName`: `"db"` → `"db-headless"`',
                "- `metallb.io/v1beta1/IPAddressPool metallb-system/default` (program)",
                '  - `spec.addresses[0]`: `"192.168.10.200-192.168.10.219"` → `"192.168.10.200-192.168.10.229"`',
                "",
                "**Removed**",
                "- `apiextensions.k8s.io/v1/CustomResourceDefinition servicemonitors.monitoring.coreos.com` (monitoring-chart)",
                "- `v1/Namespace homelab-secrets` (program)",
                "- not rendered: infrastructure: dependencies not built",
                "",
            ].join("\n"),
        );
    });

    it("says when a stack does not change", () => {
        assert.equal(
            impactReport([diffSnapshots(BASE, BASE)], "main", "feature")
                .split("\n")
                .slice(4)
                .join("\n"),
            "### dev: no change\n",
        );
    });
});

describe("fieldChanges", () => {
    it("names added, removed and changed fields by path, lists of another length whole", () => {
        assert.deepEqual(fieldChanges({ a: { b: 1, c: [1, 2] }, d: 1 }, { a: { b: 2, c: [1, 2, 3] }, e: "x" }), [
            { path: "a.b", before: 1, after: 2 },
            { path: "a.c", before: [1, 2], after: [1, 2, 3] },
            { path: "d", before: 1 },
            { path: "e", after: "x" },
        ]);
    });
});

describe("what removing a K3s command destroys", () => {
    const command = (name: string, remove: string) =>
        removalDestroys(entry(`command:remote:Command ${name}`, "program", { delete: remove }));

    it("an install uninstalls K3s; an agent's Node removal deletes the Node", () => {
        assert.equal(
            command("k3s-agent-1", "sudo -n /usr/local/bin/k3s-agent-uninstall.sh"),
            "uninstalls K3s from the node",
        );
        assert.equal(
            command("k3s-agent-1-node", "sudo -n k3s kubectl delete node agent-1 --ignore-not-found"),
            "deletes the node from the cluster",
        );
    });

    it("Pulumi's credential only revokes a token", () => {
        assert.equal(
            command(
                "k3s-api-credential",
                "sudo -n /usr/local/bin/k3s kubectl -n kube-system delete secret homelab-pulumi-token --ignore-not-found",
            ),
            undefined,
        );
    });
});
