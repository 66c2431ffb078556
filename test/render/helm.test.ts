import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { chartDirectory, helmSetup, helmVersion } from "../../render/helm";
import { requireHelm } from "../rendered/rendering";

/** A Helm repository on loopback serving one packaged chart; it counts the chart downloads. */
async function chartRepository(helm: string): Promise<{ url: string; downloads: () => number; close: () => void }> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "repo-"));
    fs.mkdirSync(path.join(dir, "src", "demo", "templates"), { recursive: true });
    fs.writeFileSync(path.join(dir, "src", "demo", "Chart.yaml"), "apiVersion: v2\nname: demo\nversion: 1.2.3\n");
    fs.writeFileSync(
        path.join(dir, "src", "demo", "templates", "cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: demo }\n",
    );
    execFileSync(helm, ["package", path.join(dir, "src", "demo"), "--destination", dir], { stdio: "ignore" });
    let downloads = 0;
    const server = http.createServer((request, response) => {
        const file = path.join(dir, path.basename(request.url ?? ""));
        if (!request.url?.match(/^\/[\w.-]+$/) || !fs.existsSync(file)) return void response.writeHead(404).end();
        if (file.endsWith(".tgz")) downloads++;
        response.end(fs.readFileSync(file));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    execFileSync(helm, ["repo", "index", dir, "--url", url], { stdio: "ignore" });
    return { url, downloads: () => downloads, close: () => server.close() };
}

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

    it("pulls a chart by pin into the cache once, and reads it from there after", async function () {
        const { helm } = await requireHelm(this);
        const repo = await chartRepository(helm);
        try {
            const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "cache-"));
            const setup = { helm, cacheDir };
            const ref = { chart: "demo", version: "1.2.3", repo: repo.url };
            const dir = await chartDirectory(ref, setup);
            assert.equal(dir, path.join(cacheDir, "demo-1.2.3"));
            assert.match(fs.readFileSync(path.join(dir, "Chart.yaml"), "utf8"), /version: 1\.2\.3/);
            assert.equal(await chartDirectory({ ...ref }, { ...setup }), dir);
            assert.deepEqual([repo.downloads(), fs.readdirSync(cacheDir)], [1, ["demo-1.2.3"]]);
            await assert.rejects(chartDirectory({ ...ref, version: "9.9.9" }, setup), (error: Error) =>
                error.message.startsWith(`cannot pull demo 9.9.9 from ${repo.url}: `),
            );
        } finally {
            repo.close();
        }
    });

    it("says Helm is not installed, and how to point it at Helm, when there is none", async () => {
        const missing = {
            helm: "/nonexistent/helm",
            cacheDir: fs.mkdtempSync(path.join(os.tmpdir(), "charts-")),
        };
        const message =
            'Helm is not installed: there is no "/nonexistent/helm" to run (install Helm 3 or 4, https://helm.sh/docs/intro/install/, or set HELM to its path)';
        await assert.rejects(helmVersion(missing), { message });
        // Not a network failure: a pull needs Helm first.
        await assert.rejects(chartDirectory(pin, missing), { message });
    });

    it("says how to point it at Helm when Helm does not run", async () => {
        const broken = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "helm-")), "helm");
        fs.writeFileSync(broken, "#!/bin/sh\nexit 3\n", { mode: 0o755 });
        await assert.rejects(helmVersion({ helm: broken, cacheDir: os.tmpdir() }), (error: Error) =>
            error.message.startsWith(`Helm does not run as "${broken}" (set HELM or put helm on PATH): `),
        );
    });
});
