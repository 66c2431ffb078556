// The real Helm, run as the v4 Chart runs its embedded Helm: `helm template` of the pinned chart
// with the program's values and the Capabilities the cluster will report. Charts come from a
// directory of unpacked charts (air-gapped machines, CI) or are pulled by pin into a cache.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";

const exec = promisify(execFile);

/** Runs Helm; a Helm that is not there is said so, not as the command that needed it failing. */
async function run(helm: string, args: string[], options: { maxBuffer?: number } = {}) {
    try {
        return await exec(helm, args, options);
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT")
            throw new Error(
                `Helm is not installed: there is no "${helm}" to run (install Helm 3 or 4, https://helm.sh/docs/intro/install/, or set HELM to its path)`,
            );
        throw error;
    }
}

/** Helm's output for the largest chart is a few MiB (kube-prometheus-stack's CRDs). */
const MAX_OUTPUT = 256 * 1024 * 1024;

/** Where Helm and the charts come from. */
export interface HelmSetup {
    /** The Helm binary: `HELM`, else `helm` on PATH. */
    readonly helm: string;
    /** Unpacked charts as `<dir>/<chart>-<version>/`: `--charts-dir`, else `HOMELAB_CHARTS_DIR`. */
    readonly chartsDir?: string;
    /** Where pulled charts are kept: `HOMELAB_CHARTS_CACHE`, else `~/.cache/homelab/charts`. */
    readonly cacheDir: string;
}

/** The setup from the environment, with explicit choices taking precedence. */
export function helmSetup(choices: { helm?: string; chartsDir?: string } = {}): HelmSetup {
    const chartsDir = choices.chartsDir ?? process.env.HOMELAB_CHARTS_DIR;
    return {
        helm: choices.helm ?? process.env.HELM ?? "helm",
        ...(chartsDir ? { chartsDir: path.resolve(chartsDir) } : {}),
        cacheDir: process.env.HOMELAB_CHARTS_CACHE ?? path.join(os.homedir(), ".cache", "homelab", "charts"),
    };
}

/** Helm's version (`v4.1.4+g05fa379`); throws with the reason when Helm cannot run. */
export async function helmVersion(setup: HelmSetup): Promise<string> {
    try {
        const { stdout } = await run(setup.helm, ["version", "--short"]);
        return stdout.trim();
    } catch (error) {
        if (error instanceof Error && error.message.startsWith("Helm is not installed")) throw error;
        throw new Error(`Helm does not run as "${setup.helm}" (set HELM or put helm on PATH): ${String(error)}`);
    }
}

/** A chart at an exact version in a Helm repository. */
export interface ChartRef {
    readonly chart: string;
    readonly version: string;
    readonly repo: string;
}

const pulls = new Map<string, Promise<string>>();

/** The unpacked chart: from the charts directory, else the cache, pulling it there first (once
 *  per process, though two charts of a stack share a pin). */
export function chartDirectory(ref: ChartRef, setup: HelmSetup): Promise<string> {
    const key = JSON.stringify([ref, setup.chartsDir ?? setup.cacheDir]);
    if (!pulls.has(key)) pulls.set(key, findOrPull(ref, setup));
    return pulls.get(key)!;
}

async function findOrPull(ref: ChartRef, setup: HelmSetup): Promise<string> {
    const folder = `${ref.chart}-${ref.version}`;
    if (setup.chartsDir !== undefined) {
        const dir = path.join(setup.chartsDir, folder);
        if (!fs.existsSync(path.join(dir, "Chart.yaml")))
            throw new Error(`${dir} holds no chart: the charts directory needs ${folder}/Chart.yaml`);
        return dir;
    }
    const dir = path.join(setup.cacheDir, folder);
    if (fs.existsSync(path.join(dir, "Chart.yaml"))) return dir;
    fs.mkdirSync(setup.cacheDir, { recursive: true });
    const pulled = fs.mkdtempSync(path.join(setup.cacheDir, `.pull-${folder}-`));
    try {
        await run(setup.helm, [
            "pull",
            ref.chart,
            "--repo",
            ref.repo,
            "--version",
            ref.version,
            "--untar",
            "--untardir",
            pulled,
        ]);
        // Renamed whole, so a pull cut short never looks like a cached chart; another process
        // may have put the same chart there meanwhile.
        if (!fs.existsSync(path.join(dir, "Chart.yaml"))) fs.renameSync(path.join(pulled, ref.chart), dir);
    } catch (error) {
        if (error instanceof Error && error.message.startsWith("Helm is not installed")) throw error;
        throw new Error(`cannot pull ${ref.chart} ${ref.version} from ${ref.repo}: ${String(error)}`);
    } finally {
        fs.rmSync(pulled, { recursive: true, force: true });
    }
    return dir;
}

/** Fetches a chart's dependencies into its charts/ folder (`helm dependency build`). */
export async function helmDependencyBuild(setup: HelmSetup, chartDir: string): Promise<void> {
    await run(setup.helm, ["dependency", "build", chartDir]);
}

/** One `helm template` run. */
export interface TemplateRun {
    readonly release: string;
    readonly chartDir: string;
    readonly namespace: string;
    readonly values: unknown;
    /** Value files read before `values`, later ones winning, as `helm -f` merges them. Default none. */
    readonly valueFiles?: readonly string[];
    /** The cluster's version, e.g. `v1.34.2+k3s1` (`.Capabilities.KubeVersion`). */
    readonly kubeVersion: string;
    /** What discovery serves besides Helm's built-in APIs (`.Capabilities.APIVersions`). */
    readonly apiVersions: readonly string[];
    /** Render the charts' `crds/` folders too (the v4 Chart does unless `skipCrds`). */
    readonly includeCrds: boolean;
}

/** Helm's rendered manifest. The v4 Chart renders every `up` as a fresh install: revision 1, no hooks run. */
export async function helmTemplate(setup: HelmSetup, job: TemplateRun): Promise<string> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "homelab-values-"));
    try {
        const values = path.join(dir, "values.json");
        fs.writeFileSync(values, JSON.stringify(job.values));
        const files = (job.valueFiles ?? []).flatMap((file) => ["--values", file]);
        const args = [
            "template",
            job.release,
            job.chartDir,
            "--namespace",
            job.namespace,
            ...files,
            "--values",
            values,
        ];
        if (job.includeCrds) args.push("--include-crds");
        if (job.kubeVersion) args.push("--kube-version", job.kubeVersion);
        if (job.apiVersions.length > 0) args.push("--api-versions", job.apiVersions.join(","));
        const { stdout } = await run(setup.helm, args, { maxBuffer: MAX_OUTPUT });
        return stdout;
    } catch (error) {
        const stderr = (error as { stderr?: string }).stderr?.trim();
        throw new Error(`helm template ${job.release} failed: ${stderr || String(error)}`);
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}
