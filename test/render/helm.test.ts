import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { chartDirectory, helmSetup, helmVersion } from "../../render/helm";

describe("render's Helm and charts", () => {
    const pin = { chart: "metallb", version: "0.16.1", repo: "https://metallb.github.io/metallb" };

    it("takes Helm and the charts directory from the environment, explicit choices first", () => {
        const saved = { helm: process.env.HELM, charts: process.env.HOMELAB_CHARTS_DIR };
        try {
            process.env.HELM = "/opt/helm/helm";
            process.env.HOMELAB_CHARTS_DIR = "/srv/charts";
            assert.deepEqual(
                [helmSetup().helm, helmSetup().chartsDir, helmSetup({ chartsDir: "/mnt/charts" }).chartsDir],
                ["/opt/helm/helm", "/srv/charts", "/mnt/charts"],
            );
        } finally {
            for (const [key, value] of [
                ["HELM", saved.helm],
                ["HOMELAB_CHARTS_DIR", saved.charts],
            ] as const)
                if (value === undefined) delete process.env[key];
                else process.env[key] = value;
        }
    });

    it("reads a chart from <charts dir>/<chart>-<version>, and says which folder is missing", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "charts-"));
        fs.mkdirSync(path.join(dir, "metallb-0.16.1"));
        fs.writeFileSync(path.join(dir, "metallb-0.16.1", "Chart.yaml"), "name: metallb\n");
        assert.equal(
            await chartDirectory(pin, { helm: "helm", chartsDir: dir, cacheDir: dir }),
            path.join(dir, "metallb-0.16.1"),
        );
        await assert.rejects(
            chartDirectory({ ...pin, version: "0.16.2" }, { helm: "helm", chartsDir: dir, cacheDir: dir }),
            {
                message: `${path.join(dir, "metallb-0.16.2")} holds no chart: the charts directory needs metallb-0.16.2/Chart.yaml`,
            },
        );
    });

    it("says how to point it at Helm when Helm does not run", async () => {
        await assert.rejects(helmVersion({ helm: "/nonexistent/helm", cacheDir: os.tmpdir() }), (error: Error) =>
            error.message.startsWith('Helm does not run as "/nonexistent/helm" (set HELM or put helm on PATH): '),
        );
    });
});
