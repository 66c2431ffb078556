import * as assert from "node:assert/strict";
import { PrometheusOperatorCrds } from "../../components/prometheus-operator-crds";
import { only, registrations } from "../harness";

const CHART = "kubernetes:helm.sh/v4:Chart";

describe("PrometheusOperatorCrds", () => {
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
