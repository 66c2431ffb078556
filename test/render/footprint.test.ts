// The footprint of rendered objects: Kubernetes quantities, the pods each kind creates and what
// they request, the volumes they claim, and the environment's budget.
import * as assert from "node:assert/strict";
import { footprintArguments, footprintTable, USAGE } from "../../render/footprint-cli";
import { ClusterNode } from "../../render/cluster";
import {
    budgetProblems,
    configReloader,
    footprint,
    formatBytes,
    formatCpu,
    parseQuantity,
    Usage,
} from "../../render/footprint";
import { Manifest } from "../../render/kinds";
import { PROFILES } from "../../stacks/config/profiles";

const GI = 1n << 30n;

/** A usage as the table shows it. */
const shown = (u: Usage) => ({
    cpuRequests: formatCpu(u.cpuRequests),
    cpuLimits: `${formatCpu(u.cpuLimits.bounded)} + ${u.cpuLimits.unbounded} unbounded`,
    memoryRequests: formatBytes(u.memoryRequests),
    memoryLimits: `${formatBytes(u.memoryLimits.bounded)} + ${u.memoryLimits.unbounded} unbounded`,
    volumes: formatBytes(u.volumes),
});

const container = (name: string, requests?: object, limits?: object, extra: object = {}) => ({
    name,
    resources: { ...(requests && { requests }), ...(limits && { limits }) },
    ...extra,
});

const workload = (kind: string, name: string, pod: object, spec: object = {}): Manifest => ({
    apiVersion: kind === "Job" ? "batch/v1" : "apps/v1",
    kind,
    metadata: { name, namespace: "lab" },
    spec: { ...spec, template: { spec: pod } },
});

/** A node of the stack, unlabelled and untainted unless `extra` says otherwise. */
const node = (name: string, role: "server" | "agent", extra: Partial<ClusterNode> = {}): ClusterNode => ({
    name,
    address: "10.0.0.1",
    role,
    labels: {},
    taints: [],
    ...extra,
});

/** The footprint of one object (alone in its component) on `nodes`. */
const usageOf = (manifest: Manifest, nodes?: ClusterNode[], others: Manifest[] = []) =>
    shown(
        footprint(
            [manifest, ...others].map((m) => ({ component: "c", manifest: m })),
            nodes,
        ).total,
    );

describe("Kubernetes quantities", () => {
    it("parse exactly, in billionths of the unit", () => {
        const cases: [string | number, bigint][] = [
            ["100m", 100_000_000n],
            ["1", 1_000_000_000n],
            ["1.5", 1_500_000_000n],
            [".5", 500_000_000n],
            ["0.5m", 500_000n],
            ["250u", 250_000n],
            ["7n", 7n],
            ["1.5n", 2n],
            ["1Ki", 1024n * 1_000_000_000n],
            ["1.5Gi", 1_610_612_736n * 1_000_000_000n],
            ["2Ti", 2_199_023_255_552n * 1_000_000_000n],
            ["1k", 1_000n * 1_000_000_000n],
            ["128M", 128_000_000n * 1_000_000_000n],
            ["10G", 10_000_000_000n * 1_000_000_000n],
            ["2E", 2_000_000_000_000_000_000n * 1_000_000_000n],
            ["1e3", 1_000n * 1_000_000_000n],
            ["1E3", 1_000n * 1_000_000_000n],
            ["5e-1", 500_000_000n],
            [2, 2_000_000_000n],
            [0.25, 250_000_000n],
        ];
        for (const [text, expected] of cases) assert.equal(parseQuantity(text), expected, String(text));
    });

    it("refuse what is not a quantity", () => {
        for (const text of ["10GB", "1.2.3", "", "Mi", "1 Gi"])
            assert.throws(() => parseQuantity(text), {
                message: `${JSON.stringify(text)} is not a Kubernetes quantity`,
            });
    });

    it("show CPU in cores or millicores and bytes in their largest exact unit", () => {
        assert.equal(formatCpu(2_000_000_000n), "2");
        assert.equal(formatCpu(1_250_000_000n), "1250m");
        assert.equal(formatCpu(0n), "0");
        assert.equal(formatBytes(4n * GI * 1_000_000_000n), "4Gi");
        assert.equal(formatBytes(parseQuantity("2176Mi")), "2176Mi");
        assert.equal(formatBytes(parseQuantity("10G")), "10G");
        assert.equal(formatBytes(1023n * 1_000_000_000n), "1023");
    });
});

describe("the footprint of rendered objects", () => {
    it("multiplies a Deployment's pod by its replicas, one when unset", () => {
        const pod = { containers: [container("app", { cpu: "100m", memory: "128Mi" }, { memory: "256Mi" })] };
        assert.deepEqual(usageOf(workload("Deployment", "app", pod, { replicas: 3 })), {
            cpuRequests: "300m",
            cpuLimits: "0 + 3 unbounded",
            memoryRequests: "384Mi",
            memoryLimits: "768Mi + 0 unbounded",
            volumes: "0",
        });
        assert.equal(usageOf(workload("Deployment", "app", pod)).cpuRequests, "100m");
    });

    it("counts a container without requests as 0 and lists it", () => {
        const pod = { containers: [container("app", { cpu: "10m" }), container("bare")] };
        const result = footprint([{ component: "c", manifest: workload("Deployment", "app", pod) }], undefined);
        assert.deepEqual(shown(result.total), {
            cpuRequests: "10m",
            cpuLimits: "0 + 2 unbounded",
            memoryRequests: "0",
            memoryLimits: "0 + 2 unbounded",
            volumes: "0",
        });
        assert.deepEqual(result.unrequested, [
            "Deployment lab/app app: no memory request",
            "Deployment lab/app bare: no cpu or memory request",
        ]);
    });

    it("takes the larger of the app containers' sum and the largest init container", () => {
        const pod = {
            initContainers: [container("migrate", { cpu: "500m", memory: "64Mi" }, { cpu: "1", memory: "64Mi" })],
            containers: [
                container("app", { cpu: "100m", memory: "128Mi" }, { cpu: "200m", memory: "256Mi" }),
                container("proxy", { cpu: "100m", memory: "128Mi" }, { cpu: "200m", memory: "256Mi" }),
            ],
        };
        assert.deepEqual(usageOf(workload("Deployment", "app", pod, { replicas: 2 })), {
            cpuRequests: "1",
            cpuLimits: "2 + 0 unbounded",
            memoryRequests: "512Mi",
            memoryLimits: "1Gi + 0 unbounded",
            volumes: "0",
        });
    });

    it("adds sidecars (restartPolicy Always) to the app containers and to the init containers after them", () => {
        const sidecar = container("mesh", { cpu: "50m", memory: "32Mi" }, undefined, { restartPolicy: "Always" });
        const pod = (initCpu: string) => ({
            initContainers: [sidecar, container("setup", { cpu: initCpu, memory: "16Mi" })],
            containers: [container("app", { cpu: "100m", memory: "64Mi" })],
        });
        // max(300m + 50m, 100m + 50m) and max(16Mi + 32Mi, 64Mi + 32Mi)
        assert.equal(usageOf(workload("Deployment", "a", pod("300m"))).cpuRequests, "350m");
        assert.equal(usageOf(workload("Deployment", "a", pod("300m"))).memoryRequests, "96Mi");
        // max(100m + 50m, 100m + 50m)
        assert.equal(usageOf(workload("Deployment", "a", pod("100m"))).cpuRequests, "150m");
    });

    it("runs a DaemonSet's pod once on each node its selector and tolerations admit", () => {
        const nodes: ClusterNode[] = [
            node("s1", "server"),
            node("a1", "agent", { taints: ["dedicated=storage:NoSchedule"] }),
            node("a2", "agent", { labels: { disk: "ssd" }, taints: ["busy:PreferNoSchedule"] }),
        ];
        const daemon = (pod: object) =>
            usageOf(workload("DaemonSet", "agent", { ...pod, containers: [container("agent", { cpu: "10m" })] }), nodes)
                .cpuRequests;
        assert.equal(daemon({}), "20m");
        assert.equal(daemon({ nodeSelector: { "kubernetes.io/os": "linux" } }), "20m");
        assert.equal(daemon({ tolerations: [{ operator: "Exists" }] }), "30m");
        assert.equal(daemon({ tolerations: [{ key: "dedicated", value: "storage", effect: "NoSchedule" }] }), "30m");
        assert.equal(daemon({ tolerations: [{ key: "dedicated", value: "other" }] }), "20m");
        assert.equal(daemon({ nodeSelector: { "node-role.kubernetes.io/control-plane": "true" } }), "10m");
        assert.equal(daemon({ nodeSelector: { disk: "ssd" } }), "10m");
        assert.equal(daemon({ nodeSelector: { "kubernetes.io/hostname": "a1" } }), "0");
        assert.equal(
            usageOf(workload("DaemonSet", "agent", { containers: [container("agent", { cpu: "10m" })] })).cpuRequests,
            "10m",
            "without nodes, once",
        );
    });

    it("counts a Job's parallelism and a CronJob's once", () => {
        const pod = { containers: [container("run", { cpu: "10m", memory: "32Mi" })] };
        assert.equal(usageOf(workload("Job", "once", pod)).cpuRequests, "10m");
        assert.equal(usageOf(workload("Job", "batch", pod, { parallelism: 3 })).cpuRequests, "30m");
        const cron: Manifest = {
            apiVersion: "batch/v1",
            kind: "CronJob",
            metadata: { name: "nightly", namespace: "lab" },
            spec: { schedule: "0 3 * * *", jobTemplate: { spec: { parallelism: 2, template: { spec: pod } } } },
        };
        assert.equal(usageOf(cron).memoryRequests, "64Mi");
    });

    it("adds StatefulSet claim templates per replica, ephemeral volumes per pod and standalone claims", () => {
        const claim = (storage: string) => ({ spec: { resources: { requests: { storage } } } });
        const db = workload(
            "StatefulSet",
            "db",
            { containers: [container("db", { cpu: "100m", memory: "256Mi" })] },
            { replicas: 2, volumeClaimTemplates: [claim("10Gi"), claim("500Mi")] },
        );
        const cache = workload(
            "Deployment",
            "cache",
            {
                containers: [container("cache", { cpu: "0" })],
                volumes: [{ ephemeral: { volumeClaimTemplate: claim("1Gi") } }],
            },
            { replicas: 3 },
        );
        const pvc: Manifest = {
            apiVersion: "v1",
            kind: "PersistentVolumeClaim",
            metadata: { name: "backups", namespace: "lab" },
            spec: claim("5G").spec,
        };
        // 2 x (10Gi + 500Mi) = 21480Mi, 3 x 1Gi = 3072Mi, and 5G = 5000000000 bytes.
        assert.equal(usageOf(db).volumes, "21480Mi");
        assert.equal(usageOf(cache).volumes, "3Gi");
        assert.equal(usageOf(pvc).volumes, "5G");
        assert.equal(
            formatBytes(
                footprint(
                    [db, cache, pvc].map((m) => ({ component: "c", manifest: m })),
                    undefined,
                ).total.volumes,
            ),
            "30744637952",
        );
    });

    it("sizes the Prometheus Operator's config-reloader by its flags, none where a flag is 0", () => {
        const operator = (args: string[]) =>
            workload("Deployment", "operator", { containers: [container("operator", undefined, undefined, { args })] });
        assert.deepEqual(configReloader([]), {
            requests: { cpu: "10m", memory: "50Mi" },
            limits: { cpu: "10m", memory: "50Mi" },
        });
        assert.deepEqual(
            configReloader([
                operator([
                    "--prometheus-config-reloader=quay.io/prometheus-operator/prometheus-config-reloader:v0.93.1",
                    "--config-reloader-cpu-request=0",
                    "--config-reloader-cpu-limit",
                    "0",
                    "--config-reloader-memory-request=25Mi",
                ]),
            ]),
            { requests: { memory: "25Mi" }, limits: { memory: "50Mi" } },
        );
    });

    it("runs replicas times shards of a Prometheus and replicas of an Alertmanager, each with its config-reloader", () => {
        const storage = { volumeClaimTemplate: { spec: { resources: { requests: { storage: "50Gi" } } } } };
        const prometheus: Manifest = {
            apiVersion: "monitoring.coreos.com/v1",
            kind: "Prometheus",
            metadata: { name: "k8s", namespace: "monitoring" },
            spec: {
                replicas: 2,
                shards: 2,
                resources: { requests: { cpu: "100m", memory: "512Mi" }, limits: { memory: "2Gi" } },
                storage,
            },
        };
        const operator = workload("Deployment", "operator", {
            containers: [
                container("operator", { cpu: "50m", memory: "64Mi" }, undefined, {
                    args: ["--prometheus-config-reloader=reloader:v1", "--config-reloader-cpu-request=5m"]
                        .concat(["--config-reloader-memory-request=20Mi", "--config-reloader-cpu-limit=0"])
                        .concat(["--config-reloader-memory-limit=0"]),
                }),
            ],
        });
        // Four pods of 100m + 5m and 512Mi + 20Mi; the operator's own 50m and 64Mi.
        assert.deepEqual(usageOf(prometheus, undefined, [operator]), {
            cpuRequests: "470m",
            cpuLimits: "0 + 13 unbounded",
            memoryRequests: "2192Mi",
            memoryLimits: "8Gi + 9 unbounded",
            volumes: "200Gi",
        });
        const alertmanager: Manifest = {
            apiVersion: "monitoring.coreos.com/v1",
            kind: "Alertmanager",
            metadata: { name: "main", namespace: "monitoring" },
            spec: {
                resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { memory: "128Mi" } },
                containers: [container("config-reloader", { memory: "10Mi" })],
            },
        };
        // The operator's defaults (10m, 50Mi), the CR's memory request laid over the sidecar's:
        // its 10Mi and Alertmanager's 32Mi weigh less than the init container's 50Mi.
        assert.deepEqual(usageOf(alertmanager), {
            cpuRequests: "20m",
            cpuLimits: "10m + 1 unbounded",
            memoryRequests: "50Mi",
            memoryLimits: "178Mi + 0 unbounded",
            volumes: "0",
        });
    });

    it("sums per component, sorted by name, and ignores objects that create no pod", () => {
        const pod = (cpu: string) => ({ containers: [container("app", { cpu, memory: "1Mi" })] });
        const result = footprint(
            [
                { component: "zeta", manifest: workload("Deployment", "z", pod("300m")) },
                { component: "alpha", manifest: workload("Deployment", "a1", pod("100m")) },
                { component: "alpha", manifest: workload("StatefulSet", "a2", pod("200m")) },
                { component: "beta", manifest: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" } } },
            ],
            undefined,
        );
        assert.deepEqual(
            [...result.components].map(([name, usage]) => [name, formatCpu(usage.cpuRequests)]),
            [
                ["alpha", "300m"],
                ["zeta", "300m"],
            ],
        );
        assert.equal(formatCpu(result.total.cpuRequests), "600m");
    });
});

describe("the footprint budget", () => {
    // Argo CD's pods as one component: 4 replicas of 500m and 1Gi, dev's budget exactly.
    const argocd = (cpu: string, replicas: number) =>
        footprint(
            [
                {
                    component: "argocd",
                    manifest: workload(
                        "Deployment",
                        "server",
                        { containers: [container("server", { cpu, memory: "1Gi" })] },
                        { replicas },
                    ),
                },
            ],
            undefined,
        ).total;

    it("is dev's two small machines: 2 CPUs and 4Gi of requests, 2Gi of volumes", () => {
        assert.deepEqual(PROFILES.dev.footprint, { cpuRequests: "2", memoryRequests: "4Gi", volumes: "2Gi" });
    });

    it("passes a stack that takes all of it", () => {
        assert.deepEqual(budgetProblems(argocd("500m", 4), PROFILES.dev.footprint), []);
    });

    it("fails when a component's requests grow past it, saying by how much", () => {
        assert.deepEqual(budgetProblems(argocd("501m", 4), PROFILES.dev.footprint), [
            "CPU requests: 2004m, over the budget of 2",
        ]);
        assert.deepEqual(budgetProblems(argocd("500m", 5), PROFILES.dev.footprint), [
            "CPU requests: 2500m, over the budget of 2",
            "memory requests: 5Gi, over the budget of 4Gi",
        ]);
    });
});

describe("npm run footprint", () => {
    it("takes a stack and an optional charts directory", () => {
        assert.deepEqual(footprintArguments(["dev", "--charts-dir=charts"]), { stack: "dev", chartsDir: "charts" });
        assert.deepEqual(footprintArguments(["staging", "--charts-dir", "c"]), { stack: "staging", chartsDir: "c" });
        assert.deepEqual(footprintArguments(["production"]), { stack: "production", chartsDir: undefined });
        assert.throws(() => footprintArguments([]), { message: USAGE });
        assert.throws(() => footprintArguments(["dev", "--out", "x"]), { message: `unknown option --out\n${USAGE}` });
        assert.throws(() => footprintArguments(["dev", "--charts-dir"]), {
            message: `--charts-dir needs a value\n${USAGE}`,
        });
    });

    it("prints a row per component, the total and the budget with pass or fail, then what it could not count", () => {
        const pod = {
            containers: [container("app", { cpu: "1500m", memory: "1Gi" }, { memory: "2Gi" }), container("bare")],
        };
        const result = footprint(
            [
                { component: "argocd", manifest: workload("Deployment", "app", pod) },
                { component: "metallb", manifest: workload("DaemonSet", "speaker", pod) },
            ],
            [node("n1", "server")],
        );
        assert.equal(
            footprintTable(result, [node("n1", "server")], {
                environment: "dev",
                budget: PROFILES.dev.footprint,
            }),
            [
                "| component | CPU requests | CPU limits | memory requests | memory limits | volumes |",
                "| --- | ---: | ---: | ---: | ---: | ---: |",
                "| argocd | 1500m | 2 unbounded | 1Gi | 2Gi + 1 unbounded | 0 |",
                "| metallb | 1500m | 2 unbounded | 1Gi | 2Gi + 1 unbounded | 0 |",
                "| **total** | 3 | 4 unbounded | 2Gi | 4Gi + 2 unbounded | 0 |",
                "| budget (dev) | 2 (fail) |  | 4Gi (pass) |  | 2Gi (pass) |",
                "",
                "DaemonSets counted on each node they may run on, of n1 (server).",
                "Containers without a request, counted as 0 and so outside the budget:",
                "- Deployment lab/app bare: no cpu or memory request",
                "- DaemonSet lab/speaker bare: no cpu or memory request",
                "",
            ].join("\n"),
        );
    });
});
