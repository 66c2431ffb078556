// A stack rendered offline: the program evaluated under the mocks with its own config, every
// v4 Chart templated by the real Helm with the values the program computed, and every object
// the cluster would receive, the charts' and the program's own. Each chart is rendered twice:
// as on the first `pulumi up` of a fresh cluster (the API server then serves only K3s's own
// APIs and the CRDs of what the chart waits for) and as on every later `up` (every CRD of the
// stack served), because the provider renders against live discovery.
import * as fs from "node:fs";
import * as path from "node:path";
import { K3S_VERSION } from "../components/versions";
import { evaluateStack, PROJECT, Registration, stackConfigFile } from "./evaluate";
import { ChartRef, chartDirectory, HelmSetup, helmTemplate } from "./helm";
import { apiVersionsOf, CustomKind, customKindOf, isNamespaced, Manifest, pulumiType } from "./kinds";
import { ChartObject, chartObjects, parseManifest, SkippedHook } from "./v4-chart";

/** One of the program's own Kubernetes objects. */
export interface ProgramObject {
    readonly manifest: Manifest;
    /** The resource's logical name. */
    readonly name: string;
    readonly type: string;
    readonly registration: Registration;
}

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

export interface RenderedStack {
    readonly stack: string;
    readonly kubeVersion: string;
    readonly registrations: Registration[];
    readonly charts: RenderedChart[];
    readonly program: ProgramObject[];
    /** Every secret value the program handles, to redact wherever it shows up. */
    readonly secrets: ReadonlySet<string>;
}

const CHART_TYPE = "kubernetes:helm.sh/v4:Chart";

/** APIs a K3s server serves besides Kubernetes' own: its packaged CRDs, metrics-server and,
 *  unless disabled, Traefik's. */
function k3sKinds(traefik: boolean): CustomKind[] {
    const kinds = (group: string, version: string, names: Record<string, boolean>) =>
        Object.entries(names).map(([kind, namespaced]) => ({
            group,
            kind,
            namespaced,
            versions: [{ name: version, served: true }],
        }));
    const traefikKinds = ["IngressRoute", "IngressRouteTCP", "IngressRouteUDP", "Middleware", "MiddlewareTCP"]
        .concat(["ServersTransport", "ServersTransportTCP", "TLSOption", "TLSStore", "TraefikService"])
        .map((kind): [string, boolean] => [kind, true]);
    return [
        ...kinds("helm.cattle.io", "v1", { HelmChart: true, HelmChartConfig: true }),
        ...kinds("k3s.cattle.io", "v1", { Addon: true, ETCDSnapshotFile: false }),
        ...kinds("metrics.k8s.io", "v1beta1", { NodeMetrics: false, PodMetrics: true }),
        ...(traefik ? kinds("traefik.io", "v1alpha1", Object.fromEntries(traefikKinds)) : []),
    ];
}

/** The cluster settings the render needs from the stack's config: K3s release and Traefik. */
function clusterOf(stack: string): { kubeVersion: string; traefik: boolean } {
    const raw = stackConfigFile(stack).config[`${PROJECT}:cluster`];
    const cluster = (raw ? JSON.parse(raw) : {}) as { k3sVersion?: string; traefik?: boolean };
    return { kubeVersion: cluster.k3sVersion ?? K3S_VERSION, traefik: cluster.traefik !== false };
}

/** Whether any template of a chart or its subcharts reads the API versions the cluster serves. */
function readsApiVersions(dir: string): boolean {
    return fs
        .readdirSync(dir, { recursive: true, withFileTypes: true })
        .some(
            (e) =>
                e.isFile() &&
                /\.(ya?ml|tpl)$/.test(e.name) &&
                fs.readFileSync(path.join(e.parentPath, e.name), "utf8").includes("APIVersions"),
        );
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

/** The program's own Kubernetes objects: every `kubernetes:` resource but charts, providers and patches. */
function programObjects(registrations: readonly Registration[], custom: readonly CustomKind[]): ProgramObject[] {
    const out: ProgramObject[] = [];
    for (const registration of registrations) {
        const match = /^kubernetes:([^:/]+)\/([^:/]+):(\w+)$/.exec(registration.type);
        if (!match || ["helm.sh", "yaml", "kustomize"].includes(match[1]) || /Patch$|List$/.test(match[3])) continue;
        const apiVersion = match[1] === "core" ? match[2] : `${match[1]}/${match[2]}`;
        const inputs = registration.inputs as { metadata?: Record<string, unknown> };
        const metadata = { ...(inputs.metadata ?? {}) } as Manifest["metadata"];
        // Pulumi names an object without metadata.name after the resource plus 7 random characters.
        metadata.name ??= `${registration.name}-xxxxxxx`;
        if (metadata.namespace === undefined && isNamespaced(apiVersion, match[3], custom))
            metadata.namespace = "default";
        const manifest = { ...registration.inputs, apiVersion, kind: match[3], metadata } as Manifest;
        out.push({ manifest, name: registration.name, type: registration.type, registration });
    }
    return out;
}

/** Every string in a value. */
function stringsIn(value: unknown): string[] {
    if (typeof value === "string") return [value];
    if (value === null || typeof value !== "object") return [];
    return Object.values(value).flatMap(stringsIn);
}

/** The value at a harness path (`a.b[0].c`). */
function valueAt(value: unknown, path: string): unknown {
    return path
        .split(/\.|\[(\d+)\]/)
        .filter((part) => part)
        .reduce<unknown>((at, key) => (at !== null && typeof at === "object" ? (at as never)[key] : undefined), value);
}

const refOf = (m: Manifest) =>
    `${m.apiVersion}/${m.kind} ${m.metadata.namespace ? `${m.metadata.namespace}/` : ""}${m.metadata.name}`;

/** Renders `stack` (see the header). */
export async function renderStack(stack: string, setup: HelmSetup): Promise<RenderedStack> {
    return renderRegistrations(stack, await evaluateStack(stack), setup);
}

/** Renders what `registrations` (the program's, or a variant of them) install on `stack`'s cluster. */
export async function renderRegistrations(
    stack: string,
    registrations: Registration[],
    setup: HelmSetup,
): Promise<RenderedStack> {
    const cluster = clusterOf(stack);
    const k3s = k3sKinds(cluster.traefik);
    const charts = registrations.filter((r) => r.type === CHART_TYPE);
    const programCrds = registrations
        .filter((r) => r.type === "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition")
        .map((r) => ({
            urn: r.urn,
            kind: customKindOf({
                apiVersion: "apiextensions.k8s.io/v1",
                kind: "CustomResourceDefinition",
                ...r.inputs,
            } as Manifest)!,
        }));

    const jobs = await Promise.all(
        charts.map(async (registration) => {
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
            return {
                registration,
                ref,
                dir: await chartDirectory(ref, setup),
                release: inputs.name ?? registration.name,
                namespace: inputs.namespace ?? "default",
                values: inputs.values ?? {},
                includeCrds: !inputs.skipCrds,
                skipAwait: inputs.skipAwait ?? false,
            };
        }),
    );
    // A chart whose templates never read .Capabilities.APIVersions renders the same whatever is
    // served: rendered once.
    const runs = new Map<string, Promise<string>>();
    const template = (job: (typeof jobs)[number], served: readonly CustomKind[]) => {
        const apiVersions = [...new Set(served.flatMap(apiVersionsOf))].sort();
        const key = `${job.registration.urn}\0${readsApiVersions(job.dir) ? apiVersions.join() : ""}`;
        if (!runs.has(key))
            runs.set(
                key,
                helmTemplate(setup, {
                    release: job.release,
                    chartDir: job.dir,
                    namespace: job.namespace,
                    values: job.values,
                    kubeVersion: cluster.kubeVersion,
                    apiVersions,
                    includeCrds: job.includeCrds,
                }),
            );
        return runs.get(key)!;
    };
    const crds = new Map<string, CustomKind[]>();
    const crdsIn = (output: string): CustomKind[] => {
        if (!crds.has(output))
            crds.set(
                output,
                parseManifest(output)
                    .map((d) => customKindOf(d.object as unknown as Manifest))
                    .filter((k): k is CustomKind => k !== undefined),
            );
        return crds.get(output)!;
    };

    // The first `up`: what a chart renders when only K3s's APIs exist, then with the CRDs of the
    // charts and resources it waits for.
    const bare = await Promise.all(jobs.map((job) => template(job, k3s)));
    const firstServed = jobs.map((job) => {
        const waitsFor = ancestors(registrations, job.registration.urn);
        return [
            ...k3s,
            ...jobs.flatMap((other, i) => (waitsFor.has(other.registration.urn) ? crdsIn(bare[i]) : [])),
            ...programCrds.filter((c) => waitsFor.has(c.urn)).map((c) => c.kind),
        ];
    });
    const first = await Promise.all(jobs.map((job, i) => template(job, firstServed[i])));
    // Every later `up`: every CRD of the stack is served.
    const allCustom = [...k3s, ...jobs.flatMap((_, i) => crdsIn(first[i])), ...programCrds.map((c) => c.kind)];
    const steady = await Promise.all(jobs.map((job) => template(job, allCustom)));

    const rendered = jobs.map((job, i): RenderedChart => {
        const release = { resource: job.registration.name, namespace: job.namespace, skipAwait: job.skipAwait };
        const later = chartObjects(release, steady[i], allCustom);
        const before = new Set(chartObjects(release, first[i], allCustom).objects.map((o) => refOf(o.manifest)));
        const after = new Set(later.objects.map((o) => refOf(o.manifest)));
        return {
            registration: job.registration,
            ref: job.ref,
            release: job.release,
            namespace: job.namespace,
            objects: later.objects,
            hooks: later.hooks,
            firstInstall: {
                missing: [...after].filter((r) => !before.has(r)),
                extra: [...before].filter((r) => !after.has(r)),
            },
        };
    });

    const secrets = new Set(
        registrations.flatMap((r) => r.secretInputs.flatMap((path) => stringsIn(valueAt(r.inputs, path)))),
    );
    return {
        stack,
        kubeVersion: cluster.kubeVersion,
        registrations,
        charts: rendered,
        program: programObjects(registrations, allCustom),
        secrets,
    };
}

/** Every object of the stack with its Pulumi type, resource name and origin. */
export function allObjects(
    rendered: RenderedStack,
): { manifest: Manifest; type: string; name: string; origin: string; retainOnDelete: boolean }[] {
    return [
        ...rendered.charts.flatMap((c) =>
            c.objects.map((o) => ({ ...o, origin: c.registration.name, retainOnDelete: o.retainOnDelete })),
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
