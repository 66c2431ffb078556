import * as assert from "node:assert/strict";
import { MetalLb, metallbServiceMonitor, metallbValues } from "../../components/metallb";
import { names, only, Registration, registrations } from "../harness";

const POOLS = [
    { name: "default", addresses: ["192.168.10.200-192.168.10.219"], autoAssign: true },
    { name: "reserved", addresses: ["192.168.10.240/29"], autoAssign: false },
];

describe("MetalLb", () => {
    let recorded: Registration[];
    before(async () => {
        recorded = await registrations(() => new MetalLb("metallb", { pools: POOLS, resources: "full" }));
    });

    it("deletes the chart's objects with it where state is not protected (dev, staging)", () => {
        assert.equal(only(recorded, "kubernetes:helm.sh/v4:Chart", "metallb-chart").retainOnDelete, false);
    });

    it("keeps the chart's objects, its CRDs and so every pool, when the chart goes, where state is protected", async () => {
        const kept = await registrations(
            () => new MetalLb("metallb", { pools: POOLS, resources: "reduced", protect: true }),
        );
        const chart = only(kept, "kubernetes:helm.sh/v4:Chart", "metallb-chart");
        // Not protect: a chart upgrade that drops an object must still work.
        assert.deepEqual([chart.retainOnDelete, chart.protect], [true, false]);
    });

    it("creates one IPAddressPool per configured pool", () => {
        assert.deepEqual(
            only(recorded, "kubernetes:metallb.io/v1beta1:IPAddressPool", "metallb-pool-reserved").inputs,
            {
                apiVersion: "metallb.io/v1beta1",
                kind: "IPAddressPool",
                metadata: { name: "reserved", namespace: "metallb-system" },
                spec: { addresses: ["192.168.10.240/29"], autoAssign: false },
            },
        );
        assert.equal(recorded.filter((r) => r.type.endsWith(":IPAddressPool")).length, 2);
    });

    it("advertises every pool over L2", () => {
        assert.deepEqual(only(recorded, "kubernetes:metallb.io/v1beta1:L2Advertisement", "metallb-l2").inputs, {
            apiVersion: "metallb.io/v1beta1",
            kind: "L2Advertisement",
            metadata: { name: "homelab", namespace: "metallb-system" },
            spec: { ipAddressPools: ["default", "reserved"] },
        });
    });

    it("creates the pools and the advertisement after the chart and its webhook gate", () => {
        for (const name of ["metallb-pool-default", "metallb-pool-reserved", "metallb-l2"]) {
            const cr = recorded.find((r) => r.name === name) as Registration;
            assert.deepEqual(names(cr.dependencies).sort(), ["metallb-chart", "metallb-webhook-gate"], name);
        }
    });

    it("gates on a dry run of exactly those objects", () => {
        const objects = JSON.parse(
            (
                only(recorded, "kubernetes:core/v1:ConfigMap", "metallb-webhook-gate").inputs.data as Record<
                    string,
                    string
                >
            )["objects.json"],
        ) as { items: { kind: string; metadata: { name: string } }[] };
        assert.deepEqual(
            objects.items.map((o) => [o.kind, o.metadata.name]),
            [
                ["IPAddressPool", "default"],
                ["IPAddressPool", "reserved"],
                ["L2Advertisement", "homelab"],
            ],
        );
    });

    it("waits for the chart before the gate's Job runs", () => {
        const job = only(recorded, "kubernetes:batch/v1:Job", "metallb-webhook-gate");
        assert.ok(names(job.dependencies).includes("metallb-chart"));
    });

    it("serves the controller's HTTPS metrics through its own Service, once the chart is up", () => {
        const service = only(recorded, "kubernetes:core/v1:Service", "metallb-controller-metrics");
        assert.deepEqual(service.inputs.spec, {
            selector: {
                "app.kubernetes.io/name": "metallb",
                "app.kubernetes.io/instance": "metallb",
                "app.kubernetes.io/component": "controller",
            },
            ports: [{ name: "metricshttps", port: 9120, targetPort: "metricshttps" }],
        });
        assert.deepEqual(names(service.dependencies), ["metallb-chart", "metallb-namespace"]);
        assert.deepEqual(metallbServiceMonitor(), {
            name: "metallb-controller",
            selector: {
                matchLabels: {
                    "app.kubernetes.io/name": "metallb",
                    "app.kubernetes.io/component": "controller-metrics",
                },
            },
            namespaceSelector: { matchNames: ["metallb-system"] },
            endpoints: [
                {
                    port: "metricshttps",
                    scheme: "https",
                    tlsConfig: { insecureSkipVerify: true },
                    bearerTokenFile: "/var/run/secrets/kubernetes.io/serviceaccount/token",
                },
            ],
        });
    });
});

describe("metallbValues", () => {
    it("turns frr-k8s and FRR off for L2 mode", () => {
        const values = metallbValues({ pools: POOLS, resources: "reduced" });
        assert.deepEqual(values.frrk8s, { enabled: false });
        assert.deepEqual((values.speaker as Record<string, unknown>).frr, { enabled: false });
    });

    it("sizes controller and speaker by the preset", () => {
        const values = metallbValues({ pools: POOLS, resources: "full" });
        assert.deepEqual((values.controller as Record<string, unknown>).resources, {
            requests: { cpu: "50m", memory: "64Mi" },
            limits: { memory: "256Mi" },
        });
        assert.deepEqual((values.speaker as Record<string, unknown>).resources, {
            requests: { cpu: "50m", memory: "64Mi" },
            limits: { memory: "256Mi" },
        });
    });

    it("creates no monitoring objects, which would wait for monitoring's CRDs", () => {
        assert.deepEqual(metallbValues({ pools: POOLS, resources: "reduced" }).prometheus, {
            rbacPrometheus: false,
            serviceMonitor: { enabled: false },
            prometheusRule: { enabled: false },
        });
    });

    it("lays the escape-hatch values over its own", () => {
        const values = metallbValues({
            pools: POOLS,
            resources: "reduced",
            values: { controller: { logLevel: "debug" } },
        });
        assert.deepEqual(values.controller, {
            resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { memory: "128Mi" } },
            logLevel: "debug",
        });
    });
});
