// The oldest Kubernetes the config accepts (MIN_KUBERNETES) is the one the pinned charts install
// on: read from each chart's own Chart.yaml, so a chart bump that raises its floor fails here.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { chartDirectory } from "../../render/helm";
import { CHARTS, MIN_KUBERNETES } from "../../components/shared/versions";
import { requireHelm } from "../rendered/rendering";

describe("the oldest Kubernetes the config accepts", function () {
    this.timeout(120_000);

    it("is the highest kubeVersion floor of the pinned charts", async function () {
        const setup = await requireHelm(this);
        const floors = await Promise.all(
            Object.values(CHARTS).map(async (pin) => {
                const dir = await chartDirectory(pin, setup);
                const { kubeVersion } = parse(fs.readFileSync(path.join(dir, "Chart.yaml"), "utf8")) as {
                    kubeVersion?: string;
                };
                const floor = /^>=\s*(\d+)\.(\d+)/.exec(kubeVersion ?? ">=0.0");
                assert.ok(floor, `${pin.chart}: kubeVersion ${kubeVersion} is not a ">=" floor`);
                return { major: Number(floor[1]), minor: Number(floor[2]) };
            }),
        );
        const highest = floors.reduce((a, b) =>
            b.major > a.major || (b.major === a.major && b.minor > a.minor) ? b : a,
        );
        assert.deepEqual(highest, { ...MIN_KUBERNETES });
    });
});
