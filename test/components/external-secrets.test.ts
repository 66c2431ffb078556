import * as assert from "node:assert/strict";
import { ExternalSecrets, externalSecretsValues } from "../../components/external-secrets";
import { ONE_REDUCED } from "../fixtures";
import { names, only, registrations } from "../harness";

describe("ExternalSecrets", () => {
    it("waits for the Prometheus Operator's CRDs when it renders ServiceMonitors", async () => {
        const recorded = await registrations(() => {
            const crds = new ExternalSecrets("crds-stand-in", ONE_REDUCED);
            new ExternalSecrets("external-secrets", { ...ONE_REDUCED, serviceMonitors: { crds } });
        });
        const chart = only(recorded, "kubernetes:helm.sh/v4:Chart", "external-secrets-chart");
        assert.ok(names(chart.dependencies).includes("crds-stand-in-chart"));
    });
});

describe("externalSecretsValues", () => {
    const ha = externalSecretsValues({ replicas: 2, podDisruptionBudgets: true, resources: "full" }) as any;
    const single = externalSecretsValues(ONE_REDUCED) as any;

    it("installs the CRDs and keeps them when the chart is removed", () => {
        assert.equal(single.installCRDs, true);
        assert.deepEqual(single.crds, { annotations: { "helm.sh/resource-policy": "keep" } });
    });

    it("runs controller, webhook and cert controller with two replicas and budgets in HA", () => {
        for (const workload of [ha, ha.webhook, ha.certController]) {
            assert.equal(workload.replicaCount, 2);
            assert.deepEqual(workload.podDisruptionBudget, { enabled: true, minAvailable: 1 });
            assert.deepEqual(workload.resources, {
                requests: { cpu: "50m", memory: "64Mi" },
                limits: { memory: "256Mi" },
            });
        }
    });

    it("elects a leader among the controller replicas", () => assert.equal(ha.leaderElect, true));

    it("runs single replicas without budgets otherwise", () => {
        for (const workload of [single, single.webhook, single.certController]) {
            assert.equal(workload.replicaCount, 1);
            assert.deepEqual(workload.podDisruptionBudget, { enabled: false });
        }
    });

    it("always renders its ServiceMonitor when asked, instead of checking for the CRD at render time", () => {
        assert.deepEqual(
            externalSecretsValues({ ...ONE_REDUCED, serviceMonitors: { crds: {} as any } }).serviceMonitor,
            {
                enabled: true,
                renderMode: "alwaysRender",
            },
        );
    });
});
