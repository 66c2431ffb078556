import * as assert from "node:assert/strict";
import { CRDS_ONLY_VALUES, PrometheusOperatorCrds } from "../../components/prometheus-operator-crds";
import { CHARTS } from "../../components/shared/versions";
import { only, registrations } from "../harness";

const CHART = "kubernetes:helm.sh/v4:Chart";

describe("PrometheusOperatorCrds", () => {
    it("installs the pinned kube-prometheus-stack with nothing but its CRDs", async () => {
        const recorded = await registrations(() => new PrometheusOperatorCrds("crds", {}));
        const chart = only(recorded, CHART, "crds-chart").inputs;
        assert.deepEqual(
            [chart.chart, chart.version, chart.repositoryOpts, chart.name, chart.namespace],
            [
                "kube-prometheus-stack",
                CHARTS.monitoring.version,
                { repo: "https://prometheus-community.github.io/helm-charts" },
                "prometheus-operator-crds",
                "kube-system",
            ],
        );
        assert.deepEqual(chart.values, CRDS_ONLY_VALUES);
        assert.deepEqual((CRDS_ONLY_VALUES as any).crds, { enabled: true });
    });

    it("keeps the CRDs when the chart is removed, and protects them when asked", async () => {
        const plain = only(await registrations(() => new PrometheusOperatorCrds("crds", {})), CHART, "crds-chart");
        assert.deepEqual([plain.protect, plain.retainOnDelete], [false, true]);
        const guarded = only(
            await registrations(() => new PrometheusOperatorCrds("crds", { protect: true })),
            CHART,
            "crds-chart",
        );
        assert.deepEqual([guarded.protect, guarded.retainOnDelete], [true, true]);
    });
});
