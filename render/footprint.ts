// How much of a cluster a stack's platform takes: the CPU and memory requests and limits of every
// pod its rendered objects create (replicas included) and the volumes they claim, per component,
// checked against the environment's budget (the profile's `footprint`).
//
// What it counts, and where it approximates:
// - Steady state: one pod per replica. A Deployment's surge pods during a rollout and any
//   autoscaler are not counted.
// - A Job or CronJob counts its parallelism (default 1) once, as if running: the webhook gates run
//   during every `up`, next to everything else, so they need the room too.
// - A DaemonSet runs one pod on each node of `cluster.nodes` whose labels match its nodeSelector
//   and whose NoSchedule/NoExecute taints it tolerates. Node affinity is not evaluated, and of the
//   labels K3s sets itself only hostname, os and the server roles are known. Without nodes in the
//   config (an existing cluster's kubeconfig) each DaemonSet counts once.
// - A pod's request is Kubernetes' effective one: the larger of its app containers' sum (plus
//   sidecars, init containers with restartPolicy Always) and its largest init container (plus
//   the sidecars started before it). A limit follows the same rule; a container without one is
//   counted as unbounded, a container without a request as 0.
// - Prometheus and Alertmanager resources (monitoring.coreos.com/v1) become StatefulSets through
//   the operator: replicas (times shards) of the CR's resources plus the config-reloader sidecar
//   and init container, sized by the operator's --config-reloader-* flags. Containers the operator
//   adds only on request (Thanos sidecar) are not counted.
// - Volumes are claims: PersistentVolumeClaims, StatefulSet claim templates, ephemeral volumes and
//   the CRs' volumeClaimTemplate. emptyDir and hostPath use the node's disk and are not counted.
// - What K3s installs itself (CoreDNS, Traefik, metrics-server, local-path-provisioner) and what
//   Argo CD deploys from gitops/ is not part of the render, so not of the footprint.
import { RenderedStack } from "./stack";
import { Manifest, kindRef } from "./kinds";
import { ClusterNode } from "./cluster";
import { Registration } from "./evaluate";
import type { EnvironmentProfile } from "../stacks/config/profiles";

const NANO = 1_000_000_000n;
const BINARY: Record<string, bigint> = Object.fromEntries(
    ["Ki", "Mi", "Gi", "Ti", "Pi", "Ei"].map((suffix, i) => [suffix, 1n << BigInt(10 * (i + 1))]),
);
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, "": 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const QUANTITY = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)|[eE]([+-]?\d+))?$/;

/** A Kubernetes quantity (`100m`, `1.5Gi`, `1e3`, a YAML number) in billionths of its unit, exactly;
 *  a value finer than that is rounded up, as the API server rounds it. */
export function parseQuantity(value: string | number): bigint {
    const match = QUANTITY.exec(String(value).trim());
    if (match === null) throw new Error(`${JSON.stringify(value)} is not a Kubernetes quantity`);
    const [, sign, number, suffix = "", exponent] = match;
    const [whole, fraction = ""] = number.split(".");
    let scaled = BigInt(whole + fraction) * (BINARY[suffix] ?? 1n) * NANO;
    const power = (exponent === undefined ? (DECIMAL[suffix] ?? 0) : Number(exponent)) - fraction.length;
    if (power >= 0) scaled *= 10n ** BigInt(power);
    else scaled = (scaled + 10n ** BigInt(-power) - 1n) / 10n ** BigInt(-power);
    return sign === "-" ? -scaled : scaled;
}

const CPU_UNITS: readonly [string, bigint][] = [
    ["", NANO],
    ["m", 1_000_000n],
    ["u", 1_000n],
    ["n", 1n],
];

/** CPU in its shortest exact form: cores (`2`), millicores (`250m`) or finer. */
export function formatCpu(nano: bigint): string {
    const [suffix, unit] = CPU_UNITS.find(([, unit]) => nano % unit === 0n)!;
    return `${nano / unit}${suffix}`;
}

/** Bytes in their shortest exact form: `1536Mi`, `10G` (not `9765625Ki`), binary units on a tie. */
export function formatBytes(nano: bigint): string {
    if (nano === 0n || nano % NANO !== 0n) return formatCpu(nano);
    const bytes = nano / NANO;
    const units: [string, bigint][] = [
        ...Object.entries(BINARY).reverse(),
        ...(["E", "P", "T", "G", "M", "k"] as const).map((s): [string, bigint] => [s, 10n ** BigInt(DECIMAL[s])]),
    ];
    return units
        .filter(([, unit]) => bytes % unit === 0n)
        .map(([suffix, unit]) => `${bytes / unit}${suffix}`)
        .reduce((shortest, form) => (form.length < shortest.length ? form : shortest), `${bytes}`);
}

/** A sum of limits: what the containers that set one allow, and how many containers set none. */
export interface LimitSum {
    readonly bounded: bigint;
    readonly unbounded: number;
}

/** What some pods take, in billionths of a core or a byte. */
export interface Usage {
    readonly cpuRequests: bigint;
    readonly cpuLimits: LimitSum;
    readonly memoryRequests: bigint;
    readonly memoryLimits: LimitSum;
    readonly volumes: bigint;
}

const NO_USAGE: Usage = {
    cpuRequests: 0n,
    cpuLimits: { bounded: 0n, unbounded: 0 },
    memoryRequests: 0n,
    memoryLimits: { bounded: 0n, unbounded: 0 },
    volumes: 0n,
};

function addUsage(a: Usage, b: Usage): Usage {
    const limits = (x: LimitSum, y: LimitSum) => ({
        bounded: x.bounded + y.bounded,
        unbounded: x.unbounded + y.unbounded,
    });
    return {
        cpuRequests: a.cpuRequests + b.cpuRequests,
        cpuLimits: limits(a.cpuLimits, b.cpuLimits),
        memoryRequests: a.memoryRequests + b.memoryRequests,
        memoryLimits: limits(a.memoryLimits, b.memoryLimits),
        volumes: a.volumes + b.volumes,
    };
}

interface Resources {
    requests?: Record<string, string | number>;
    limits?: Record<string, string | number>;
}
interface Container {
    name: string;
    resources?: Resources;
    restartPolicy?: string;
    args?: string[];
}
interface Toleration {
    key?: string;
    operator?: string;
    value?: string;
    effect?: string;
}
interface ClaimTemplate {
    spec?: { resources?: { requests?: { storage?: string | number } } };
}
interface PodSpec {
    containers?: Container[];
    initContainers?: Container[];
    nodeSelector?: Record<string, string>;
    tolerations?: Toleration[];
    volumes?: { ephemeral?: { volumeClaimTemplate?: ClaimTemplate } }[];
}

/** Labels a K3s node carries: the config's plus the ones K3s and the kubelet set that selectors use. */
function nodeLabels(node: ClusterNode): Record<string, string> {
    const roles = ["control-plane", "master", "etcd"].map((role): [string, string] => [
        `node-role.kubernetes.io/${role}`,
        "true",
    ]);
    return {
        "kubernetes.io/hostname": node.name,
        "kubernetes.io/os": "linux",
        ...(node.role === "server" ? Object.fromEntries(roles) : {}),
        ...node.labels,
    };
}

function tolerates(tolerations: readonly Toleration[], taint: string): boolean {
    const [, key, value = "", effect] = /^([^=:]+)(?:=([^:]*))?:(\w+)$/.exec(taint) ?? [];
    if (effect === "PreferNoSchedule") return true;
    return tolerations.some(
        (t) =>
            (t.effect === undefined || t.effect === "" || t.effect === effect) &&
            (t.operator === "Exists"
                ? t.key === undefined || t.key === "" || t.key === key
                : t.key === key && (t.value ?? "") === value),
    );
}

/** Nodes a DaemonSet's pod lands on (see the header). */
function daemonNodes(pod: PodSpec, nodes: readonly ClusterNode[] | undefined): number {
    if (nodes === undefined) return 1;
    return nodes.filter((node) => {
        const labels = nodeLabels(node);
        const selected = Object.entries(pod.nodeSelector ?? {}).every(([key, value]) => labels[key] === value);
        return selected && (node.taints ?? []).every((taint) => tolerates(pod.tolerations ?? [], taint));
    }).length;
}

type Field = "requests" | "limits";
type Resource = "cpu" | "memory";
const amount = (c: Container, field: Field, resource: Resource): bigint | undefined => {
    const value = c.resources?.[field]?.[resource];
    return value === undefined ? undefined : parseQuantity(value);
};

/** Kubernetes' effective request or limit of one pod (see the header), a missing value as 0. */
function podAmount(pod: PodSpec, field: Field, resource: Resource): bigint {
    const of = (c: Container) => amount(c, field, resource) ?? 0n;
    let sidecars = 0n;
    let initPeak = 0n;
    for (const init of pod.initContainers ?? []) {
        if (init.restartPolicy === "Always") sidecars += of(init);
        else if (of(init) + sidecars > initPeak) initPeak = of(init) + sidecars;
    }
    const running = (pod.containers ?? []).reduce((sum, c) => sum + of(c), sidecars);
    return running > initPeak ? running : initPeak;
}

const storageOf = (template: ClaimTemplate | undefined): bigint => {
    const storage = template?.spec?.resources?.requests?.storage;
    return storage === undefined ? 0n : parseQuantity(storage);
};

/** What `count` copies of a pod take, with `claims` of storage per copy besides its ephemeral volumes. */
function podsUsage(pod: PodSpec, count: number, claims = 0n): Usage {
    const containers = [...(pod.initContainers ?? []), ...(pod.containers ?? [])];
    const n = BigInt(count);
    const limit = (resource: Resource): LimitSum => ({
        bounded: podAmount(pod, "limits", resource) * n,
        unbounded: containers.filter((c) => amount(c, "limits", resource) === undefined).length * count,
    });
    const ephemeral = (pod.volumes ?? []).reduce((sum, v) => sum + storageOf(v.ephemeral?.volumeClaimTemplate), 0n);
    return {
        cpuRequests: podAmount(pod, "requests", "cpu") * n,
        cpuLimits: limit("cpu"),
        memoryRequests: podAmount(pod, "requests", "memory") * n,
        memoryLimits: limit("memory"),
        volumes: (claims + ephemeral) * n,
    };
}

/** The config-reloader the Prometheus Operator adds to each Prometheus and Alertmanager pod, sized
 *  by its flags (`0` sets none; the operator's defaults are 10m CPU and 50Mi memory). */
export function configReloader(manifests: readonly Manifest[]): Resources {
    const operator = manifests
        .filter((m) => m.kind === "Deployment")
        .flatMap((m) => (m.spec as { template: { spec: PodSpec } }).template.spec.containers ?? [])
        .find((c) => c.args?.some((a) => /^--?prometheus-config-reloader(=|$)/.test(a)));
    const args = operator?.args ?? [];
    const flag = (name: string, fallback: string): string | undefined => {
        const at = args.findIndex((a) => new RegExp(`^--?config-reloader-${name}(=|$)`).test(a));
        const value = at < 0 ? fallback : args[at].includes("=") ? args[at].split("=")[1] : args[at + 1];
        return parseQuantity(value) === 0n ? undefined : value;
    };
    const pick = (entries: [Resource, string | undefined][]) =>
        Object.fromEntries(entries.filter((e): e is [Resource, string] => e[1] !== undefined));
    return {
        requests: pick([
            ["cpu", flag("cpu-request", "10m")],
            ["memory", flag("memory-request", "50Mi")],
        ]),
        limits: pick([
            ["cpu", flag("cpu-limit", "10m")],
            ["memory", flag("memory-limit", "50Mi")],
        ]),
    };
}

/** The operator's containers with the CR's own laid over them by name (its strategic merge). */
function mergedContainers(base: Container[], overrides: readonly Container[] = []): Container[] {
    const merged = base.map((c) => {
        const o = overrides.find((x) => x.name === c.name);
        if (o === undefined) return c;
        const requests = { ...c.resources?.requests, ...o.resources?.requests };
        return { ...c, ...o, resources: { requests, limits: { ...c.resources?.limits, ...o.resources?.limits } } };
    });
    return [...merged, ...overrides.filter((o) => !base.some((c) => c.name === o.name))];
}

/** The pod the operator makes of a Prometheus or Alertmanager resource. */
function operatorPod(spec: Record<string, unknown>, main: string, reloader: Resources): PodSpec {
    const own = spec as PodSpec & { resources?: Resources };
    return {
        ...own,
        containers: mergedContainers(
            [
                { name: main, resources: own.resources },
                { name: "config-reloader", resources: reloader },
            ],
            own.containers,
        ),
        initContainers: mergedContainers([{ name: "init-config-reloader", resources: reloader }], own.initContainers),
    };
}

/** What the cluster runs for one object, with the pods it creates; undefined for an object that creates none. */
function objectUsage(
    manifest: Manifest,
    nodes: readonly ClusterNode[] | undefined,
    reloader: Resources,
): { usage: Usage; pods: PodSpec } | undefined {
    const spec = (manifest.spec ?? {}) as Record<string, unknown> & { replicas?: number; template?: { spec: PodSpec } };
    const replicas = spec.replicas ?? 1;
    const result = (pods: PodSpec, count: number, claims?: bigint) => ({ usage: podsUsage(pods, count, claims), pods });
    const group = manifest.apiVersion.split("/")[0];
    switch (`${group === manifest.apiVersion ? "" : group}/${manifest.kind}`) {
        case "/Pod":
            return result(spec as PodSpec, 1);
        case "/PersistentVolumeClaim":
            return { usage: { ...NO_USAGE, volumes: storageOf(manifest as ClaimTemplate) }, pods: {} };
        case "apps/Deployment":
        case "apps/ReplicaSet":
            return result(spec.template!.spec, replicas);
        case "apps/StatefulSet": {
            const templates = (spec.volumeClaimTemplates ?? []) as ClaimTemplate[];
            return result(
                spec.template!.spec,
                replicas,
                templates.map(storageOf).reduce((a, b) => a + b, 0n),
            );
        }
        case "apps/DaemonSet":
            return result(spec.template!.spec, daemonNodes(spec.template!.spec, nodes));
        case "batch/Job":
            return result(spec.template!.spec, (spec.parallelism as number | undefined) ?? 1);
        case "batch/CronJob": {
            const job = (spec.jobTemplate as { spec: { parallelism?: number; template: { spec: PodSpec } } }).spec;
            return result(job.template.spec, job.parallelism ?? 1);
        }
        case "monitoring.coreos.com/Prometheus":
        case "monitoring.coreos.com/Alertmanager": {
            const main = manifest.kind.toLowerCase();
            const shards = manifest.kind === "Prometheus" ? ((spec.shards as number | undefined) ?? 1) : 1;
            const storage = (spec.storage as { volumeClaimTemplate?: ClaimTemplate } | undefined)?.volumeClaimTemplate;
            return result(operatorPod(spec, main, reloader), replicas * shards, storageOf(storage));
        }
        default:
            return undefined;
    }
}

/** One object and the component (the program's top-level resource) it belongs to. */
export interface OwnedObject {
    readonly component: string;
    readonly manifest: Manifest;
}

export interface Footprint {
    /** Each component whose objects create pods or claim volumes, by name. */
    readonly components: ReadonlyMap<string, Usage>;
    readonly total: Usage;
    /** Containers without a CPU or memory request: the budget cannot see them. */
    readonly unrequested: string[];
}

/** The footprint of `objects` on a cluster of `nodes` (undefined: DaemonSets count once). */
export function footprint(objects: readonly OwnedObject[], nodes: readonly ClusterNode[] | undefined): Footprint {
    const reloader = configReloader(objects.map((o) => o.manifest));
    const components = new Map<string, Usage>();
    const unrequested: string[] = [];
    for (const { component, manifest } of objects) {
        const counted = objectUsage(manifest, nodes, reloader);
        if (counted === undefined) continue;
        components.set(component, addUsage(components.get(component) ?? NO_USAGE, counted.usage));
        for (const c of [...(counted.pods.initContainers ?? []), ...(counted.pods.containers ?? [])]) {
            const missing = (["cpu", "memory"] as const).filter((r) => amount(c, "requests", r) === undefined);
            if (missing.length > 0)
                unrequested.push(`${kindRef(manifest)} ${c.name}: no ${missing.join(" or ")} request`);
        }
    }
    const sorted = new Map([...components].sort(([a], [b]) => a.localeCompare(b)));
    return { components: sorted, total: [...sorted.values()].reduce(addUsage, NO_USAGE), unrequested };
}

/** The stack's top-level resource a registration belongs to: its component, such as `argocd`. */
function componentOf(registration: Registration, byUrn: ReadonlyMap<string, Registration>): string {
    let at = registration;
    for (let parent = byUrn.get(at.parent); parent !== undefined; parent = byUrn.get(at.parent)) at = parent;
    return at.name;
}

/** The stack's footprint, DaemonSets counted on the nodes of its cluster (once each where the
 *  stack reaches its cluster by kubeconfig, without a node list). */
export function stackFootprint(rendered: RenderedStack): Footprint {
    const byUrn = new Map(rendered.registrations.map((r) => [r.urn, r]));
    return footprint(
        [
            ...rendered.charts.flatMap((c) =>
                c.objects.map((o) => ({ component: componentOf(c.registration, byUrn), manifest: o.manifest })),
            ),
            ...rendered.program.map((o) => ({ component: componentOf(o.registration, byUrn), manifest: o.manifest })),
        ],
        rendered.cluster.nodes,
    );
}

export type FootprintBudget = EnvironmentProfile["footprint"];

/** One budgeted resource: what the stack takes and what the environment allows. */
export interface BudgetLine {
    readonly resource: keyof FootprintBudget;
    readonly used: bigint;
    readonly budget: bigint;
}

const BUDGETED = { cpuRequests: "CPU requests", memoryRequests: "memory requests", volumes: "volumes" } as const;
const FORMAT = { cpuRequests: formatCpu, memoryRequests: formatBytes, volumes: formatBytes } as const;

export function budgetLines(total: Usage, budget: FootprintBudget): BudgetLine[] {
    return (Object.keys(BUDGETED) as (keyof FootprintBudget)[]).map((resource) => ({
        resource,
        used: total[resource],
        budget: parseQuantity(budget[resource]),
    }));
}

/** What goes past the budget, in words; none when the stack fits. */
export function budgetProblems(total: Usage, budget: FootprintBudget): string[] {
    return budgetLines(total, budget)
        .filter((line) => line.used > line.budget)
        .map(({ resource, used, budget: allowed }) => {
            const format = FORMAT[resource];
            return `${BUDGETED[resource]}: ${format(used)}, over the budget of ${format(allowed)}`;
        });
}

export const formatBudgeted = (resource: keyof FootprintBudget, value: bigint): string => FORMAT[resource](value);
