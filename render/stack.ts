// A stack rendered offline: the program evaluated under the mocks with its own config, every
// v4 Chart templated by the real Helm with the values the program computed, and every object
// the cluster would receive, the charts' and the program's own. Each chart is rendered twice:
// as on the first `pulumi up` of a fresh cluster (the API server then serves only K3s's own
// APIs and the CRDs of what the chart waits for) and as on every later `up` (every CRD of the
// stack served), because the provider renders against live discovery. Helm's `lookup` finds
// nothing offline, as on a fresh cluster; the provider runs it against the live cluster.
import * as fs from "node:fs";
import * as path from "node:path";
import { k3sKinds } from "./cluster";
import { EvaluatedStack, evaluateStack, Registration } from "./evaluate";
import { ChartRef, chartDirectory, HelmSetup, helmTemplate } from "./helm";
import { apiVersionsOf, CHART_TYPE, CustomKind, customKindOf, Manifest, objectRef, pulumiType } from "./kinds";
import { ProgramObject, programObjects, secretValues } from "./program";
import { ChartObject, chartObjects, parseManifest, SkippedHook } from "./v4-chart";

/** A v4 Chart and what it renders. */
export interface RenderedChart {
    readonly registration: Registration;
    readonly ref: ChartRef;
    readonly release: string;
    readonly namespace: string;
    /** What every `up` after the first registers. */
    readonly objects: ChartObject[];
    readonly hooks: SkippedHook[];
    /** Object references (`apiVersion/Kind namespace/name`) only the first `up` of a fresh
     *  cluster leaves out, and only it renders. */
    readonly firstInstall: { readonly missing: string[]; readonly extra: string[] };
}

export interface RenderedStack extends EvaluatedStack {
    readonly charts: RenderedChart[];
    readonly program: ProgramObject[];
    /** Every secret value the program handles, to redact wherever it shows up. */
    readonly secrets: ReadonlySet<string>;
}

/** URNs a resource waits for before it is created, transitively: its dependencies, and those of
 *  the v4 Chart it belongs to (the provider renders a chart once its dependencies are done). A
 *  program's own component passes its dependsOn on to no child. */
export function ancestors(registrations: readonly Registration[], urn: string): Set<string> {
    const byUrn = new Map(registrations.map((r) => [r.urn, r]));
    const chartOf = (r: Registration) => {
        const parent = byUrn.get(r.parent);
        return parent?.type === CHART_TYPE ? parent : undefined;
    };
    const seen = new Set<string>();
    const todo = [urn];
    while (todo.length > 0) {
        for (let at = byUrn.get(todo.pop()!); at !== undefined; at = chartOf(at)) {
            for (const dependency of at.dependencies) {
                if (!seen.has(dependency)) {
                    seen.add(dependency);
                    todo.push(dependency);
                }
            }
        }
    }
    return seen;
}

/** Renders `stack` (see the header). */
export async function renderStack(stack: string, setup: HelmSetup): Promise<RenderedStack> {
    return renderEvaluated(await evaluateStack(stack), setup);
}

/** One v4 Chart to render: how the program declared it and where its chart is. */
interface ChartJob {
    readonly registration: Registration;
    readonly ref: ChartRef;
    readonly dir: string;
    readonly release: string;
    readonly namespace: string;
    readonly values: unknown;
    readonly includeCrds: boolean;
    readonly skipAwait: boolean;
    /** Whether any template reads .Capabilities.APIVersions; if none does, one render serves all. */
    readonly readsApiVersions: boolean;
}

async function chartJob(registration: Registration, setup: HelmSetup): Promise<ChartJob> {
    const inputs = registration.inputs as {
        chart: string;
        version: string;
        repositoryOpts?: { repo?: string };
        name?: string;
        namespace?: string;
        values?: unknown;
        skipCrds?: boolean;
        skipAwait?: boolean;
    };
    const ref = { chart: inputs.chart, version: inputs.version, repo: inputs.repositoryOpts?.repo ?? "" };
    const dir = await chartDirectory(ref, setup);
    return {
        registration,
        ref,
        dir,
        release: inputs.name ?? registration.name,
        namespace: inputs.namespace ?? "default",
        values: inputs.values ?? {},
        includeCrds: !inputs.skipCrds,
        skipAwait: inputs.skipAwait ?? false,
        readsApiVersions: readsApiVersions(dir),
    };
}

/** Whether any template of a chart or of its subcharts (folders, or packed .tgz files, which are
 *  then taken to read them) reads the API versions the cluster serves. */
function readsApiVersions(dir: string): boolean {
    return fs
        .readdirSync(dir, { recursive: true, withFileTypes: true })
        .some(
            (e) =>
                e.isFile() &&
                (e.name.endsWith(".tgz") ||
                    (/\.(ya?ml|tpl)$/.test(e.name) &&
                        fs.readFileSync(path.join(e.parentPath, e.name), "utf8").includes("APIVersions"))),
        );
}

/** Every `helm template` of a pinned chart this process ran, by its whole input: a pinned chart
 *  never changes, so a variant of a stack, another stack or a second render of the same one runs
 *  Helm only for the charts whose input differs. */
const templates = new Map<string, Promise<string>>();

/** `helm template` of a job against the served kinds. A chart that never reads the served API
 *  versions renders the same against any, so it is rendered against none. */
function template(setup: HelmSetup, kubeVersion: string, job: ChartJob, served: readonly CustomKind[]) {
    const apiVersions = job.readsApiVersions ? [...new Set(served.flatMap(apiVersionsOf))].sort() : [];
    const { release, dir: chartDir, namespace, values, includeCrds } = job;
    const run = { release, chartDir, namespace, values, kubeVersion, apiVersions, includeCrds };
    const key = JSON.stringify([setup.helm, run]);
    if (!templates.has(key)) templates.set(key, helmTemplate(setup, run));
    return templates.get(key)!;
}

/** The custom kinds a rendered manifest defines (read-only, parsed once per text). */
function crdReader(): (output: string) => CustomKind[] {
    const parsed = new Map<string, CustomKind[]>();
    return (output) => {
        if (!parsed.has(output))
            parsed.set(
                output,
                parseManifest(output)
                    .map((d) => customKindOf(d.object as unknown as Manifest))
                    .filter((k): k is CustomKind => k !== undefined),
            );
        return parsed.get(output)!;
    };
}

/** Renders what an evaluated stack (the program's, or a variant of it) installs on its cluster. */
export async function renderEvaluated(evaluated: EvaluatedStack, setup: HelmSetup): Promise<RenderedStack> {
    const { registrations, cluster } = evaluated;
    const k3s = k3sKinds(cluster.traefik);
    const programCrds = registrations
        .filter((r) => r.type === "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition")
        .map((r) => ({
            urn: r.urn,
            kind: customKindOf({
                ...r.inputs,
                apiVersion: "apiextensions.k8s.io/v1",
                kind: "CustomResourceDefinition",
            } as Manifest)!,
        }));
    const jobs = await Promise.all(
        registrations.filter((r) => r.type === CHART_TYPE).map((registration) => chartJob(registration, setup)),
    );
    const render = (job: ChartJob, served: readonly CustomKind[]) => template(setup, cluster.kubeVersion, job, served);
    const crdsIn = crdReader();

    // The first `up`: what a chart renders when only K3s's APIs exist, then with the CRDs of the
    // charts and resources it waits for.
    const bare = await Promise.all(jobs.map((job) => render(job, k3s)));
    const first = await Promise.all(
        jobs.map((job) => {
            const waitsFor = ancestors(registrations, job.registration.urn);
            return render(job, [
                ...k3s,
                ...jobs.flatMap((other, i) => (waitsFor.has(other.registration.urn) ? crdsIn(bare[i]) : [])),
                ...programCrds.filter((c) => waitsFor.has(c.urn)).map((c) => c.kind),
            ]);
        }),
    );
    // Every later `up`: every CRD of the stack is served.
    const served = [...k3s, ...jobs.flatMap((_, i) => crdsIn(first[i])), ...programCrds.map((c) => c.kind)];
    const later = await Promise.all(jobs.map((job) => render(job, served)));

    return {
        ...evaluated,
        charts: jobs.map((job, i) => renderedChart(job, first[i], later[i], served)),
        program: programObjects(registrations, served),
        secrets: secretValues(registrations),
    };
}

/** A chart's objects as every later `up` registers them, and how the first `up` differs. */
function renderedChart(job: ChartJob, first: string, later: string, served: readonly CustomKind[]): RenderedChart {
    const release = { resource: job.registration.name, namespace: job.namespace, skipAwait: job.skipAwait };
    const { objects, hooks } = chartObjects(release, later, served);
    const before = new Set(chartObjects(release, first, served).objects.map((o) => objectRef(o.manifest)));
    const after = new Set(objects.map((o) => objectRef(o.manifest)));
    return {
        registration: job.registration,
        ref: job.ref,
        release: job.release,
        namespace: job.namespace,
        objects,
        hooks,
        firstInstall: {
            missing: [...after].filter((r) => !before.has(r)),
            extra: [...before].filter((r) => !after.has(r)),
        },
    };
}

/** One object of the stack with its Pulumi type, resource name and origin (a chart resource, or `program`). */
export interface StackObject {
    readonly manifest: Manifest;
    readonly type: string;
    readonly name: string;
    readonly origin: string;
    readonly retainOnDelete: boolean;
}

/** Every object of the stack. A chart's objects are retained on delete where `helm.sh/resource-policy:
 *  keep` says so, or where the chart is: the engine passes retainOnDelete from a parent to its
 *  children that set none (pulumi/pulumi `inheritFromParent`, CLI 3.158 and later). */
export function allObjects(rendered: RenderedStack): StackObject[] {
    return [
        ...rendered.charts.flatMap((c) =>
            c.objects.map((o) => ({
                ...o,
                origin: c.registration.name,
                retainOnDelete: o.retainOnDelete || c.registration.retainOnDelete,
            })),
        ),
        ...rendered.program.map((o) => ({
            manifest: o.manifest,
            type: pulumiType(o.manifest.apiVersion, o.manifest.kind),
            name: o.name,
            origin: "program",
            retainOnDelete: o.registration.retainOnDelete,
        })),
    ];
}
