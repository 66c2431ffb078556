// What Argo CD will deploy from the gitops/ tree, rendered with the real Helm exactly as the
// stack's ApplicationSets compose it: one Application per folder the git generator matches (or
// per list element), its chart path, value files and valuesObject, release name and
// destination namespace taken from the registered ApplicationSet itself.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ROOT } from "./evaluate";
import { HelmSetup, helmDependencyBuild, helmTemplate } from "./helm";
import { apiVersionsOf, CustomKind, customKindOf } from "./kinds";
import { ChartObject, chartObjects } from "./v4-chart";
import { RenderedStack } from "./stack";

/** One Application the ApplicationSets generate, and what it deploys. */
export interface RenderedApplication {
    readonly name: string;
    readonly namespace: string;
    readonly objects: ChartObject[];
    /** Why it could not be rendered here (e.g. chart dependencies not built); then no objects. */
    readonly error?: string;
}

type Source = {
    path: string;
    helm?: { valueFiles?: string[]; ignoreMissingValueFiles?: boolean; valuesObject?: unknown };
};
type AppSetSpec = {
    generators: {
        git?: { directories?: { path: string; exclude?: boolean }[] };
        list?: { elements: Record<string, string>[] };
    }[];
    template: {
        metadata: { name: string };
        spec: { source?: Source; sources?: Source[]; destination: { namespace: string } };
    };
};

/** The Go template of an ApplicationSet filled with one generator's parameters. */
function fill(text: string, params: Record<string, string>): string {
    return text.replace(/\{\{\s*\.([\w.]+)\s*\}\}/g, (whole, key: string) => {
        if (!(key in params)) throw new Error(`no parameter ${key} for ${whole} (missingkey=error)`);
        return params[key];
    });
}

/** Every string of a value (a valuesObject) filled with the parameters, as Argo CD templates the
 *  whole Application. */
function fillAll(value: unknown, params: Record<string, string>): unknown {
    if (typeof value === "string") return fill(value, params);
    if (Array.isArray(value)) return value.map((v) => fillAll(v, params));
    if (value !== null && typeof value === "object")
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillAll(v, params)]));
    return value;
}

/** Each generator's parameter sets: a list's elements, or a git directory generator's folders. */
function parameterSets(spec: AppSetSpec, tree: string): Record<string, string>[] {
    return spec.generators.flatMap((generator) => {
        if (generator.list) return generator.list.elements;
        const directories = generator.git?.directories ?? [];
        const excluded = new Set(directories.filter((d) => d.exclude).flatMap((d) => matches(tree, d.path)));
        return directories
            .filter((d) => !d.exclude)
            .flatMap((d) => matches(tree, d.path))
            .filter((p) => !excluded.has(p))
            .map((p) => ({ "path.path": p, "path.basename": path.basename(p) }));
    });
}

/** Folders of `tree` matching a generator path with one trailing `*` (`gitops/applications/*`). */
function matches(tree: string, pattern: string): string[] {
    if (!pattern.endsWith("/*")) return fs.existsSync(path.join(tree, pattern)) ? [pattern] : [];
    const parent = pattern.slice(0, -2);
    const dir = path.join(tree, parent);
    if (!fs.existsSync(dir)) return [];
    return fs
        .readdirSync(dir, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => `${parent}/${e.name}`)
        .sort();
}

/** The chart with its dependencies: as it is when its charts/ holds them (or it has none), else a
 *  copy in a temporary folder where `helm dependency build` fetched them, so the checkout stays
 *  untouched. Without network the build fails and the chart is reported as not rendered. */
async function withDependencies(chartDir: string, setup: HelmSetup): Promise<string> {
    const chart = fs.readFileSync(path.join(chartDir, "Chart.yaml"), "utf8");
    if (!/^dependencies:/m.test(chart) || fs.existsSync(path.join(chartDir, "charts"))) return chartDir;
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), "homelab-chart-"));
    fs.cpSync(chartDir, copy, { recursive: true });
    try {
        await helmDependencyBuild(setup, copy);
        return copy;
    } catch {
        return chartDir;
    }
}

/** Renders every Application the stack's ApplicationSets generate from the GitOps tree at `tree`
 *  (default: this checkout). */
export async function renderApplications(
    rendered: RenderedStack,
    setup: HelmSetup,
    tree: string = ROOT,
): Promise<RenderedApplication[]> {
    const sets = rendered.program
        .map((o) => o.manifest)
        .filter((m) => m.kind === "ApplicationSet" && m.apiVersion.startsWith("argoproj.io/"));
    const jobs = sets.flatMap((set) => {
        const spec = set.spec as AppSetSpec;
        return parameterSets(spec, tree).map((params) => ({ spec, params }));
    });
    // Custom kinds the cluster serves once the platform is on it, for namespace defaulting.
    const known = rendered.charts.flatMap((c) =>
        c.objects.map((o) => customKindOf(o.manifest)).filter((k): k is CustomKind => k !== undefined),
    );
    const out = await Promise.all(
        jobs.map(({ spec, params }) =>
            renderApplication(spec, params, setup, tree, rendered.cluster.kubeVersion, known),
        ),
    );
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

async function renderApplication(
    spec: AppSetSpec,
    params: Record<string, string>,
    setup: HelmSetup,
    tree: string,
    kubeVersion: string,
    known: readonly CustomKind[],
): Promise<RenderedApplication> {
    const name = fill(spec.template.metadata.name, params);
    const namespace = fill(spec.template.spec.destination.namespace, params);
    // A multi-source Application deploys every source's objects as one release.
    const sources = spec.template.spec.sources ?? [spec.template.spec.source!];
    try {
        const objects: ChartObject[] = [];
        for (const source of sources) {
            const output = await renderSource(source, { name, namespace, params, setup, tree, kubeVersion, known });
            objects.push(...chartObjects({ resource: `gitops:${name}`, namespace }, output, known).objects);
        }
        return { name, namespace, objects };
    } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const missing = /missing in charts\/ directory: ([^\n]+)/.exec(message)?.[1];
        const reason = missing
            ? `its chart dependencies are not built (${missing}): helm dependency build`
            : message.split("\n")[0];
        return { name, namespace, objects: [], error: reason };
    }
}

interface SourceContext {
    readonly name: string;
    readonly namespace: string;
    readonly params: Record<string, string>;
    readonly setup: HelmSetup;
    readonly tree: string;
    readonly kubeVersion: string;
    readonly known: readonly CustomKind[];
}

/** One source's chart, templated as Argo CD does: value files resolved against the chart's
 *  folder (missing ones skipped only when told), valuesObject over them. */
async function renderSource(source: Source, context: SourceContext): Promise<string> {
    const { params, setup } = context;
    const chartDir = await withDependencies(path.join(context.tree, fill(source.path, params)), setup);
    const files = (source.helm?.valueFiles ?? [])
        .map((file) => path.resolve(chartDir, fill(file, params)))
        .filter((file) => !source.helm?.ignoreMissingValueFiles || fs.existsSync(file));
    return helmTemplate(setup, {
        release: context.name,
        chartDir,
        namespace: context.namespace,
        valueFiles: files,
        values: fillAll(source.helm?.valuesObject ?? {}, params),
        kubeVersion: context.kubeVersion,
        apiVersions: [...new Set(context.known.flatMap(apiVersionsOf))].sort(),
        includeCrds: true,
    });
}
