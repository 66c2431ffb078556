// Each series of K3s's shared control-plane registry is stored once, under the job its rules read.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { chartDirectory } from "../../../render/helm";
import { CHARTS } from "../../../components/shared/versions";
import { ENVIRONMENTS } from "../../../stacks/config/profiles";
import { requireHelm } from "../rendering";
import { FAMILIES, PROCESS_ENDPOINTS, served } from "./k3s-process";
import { keeps, scrapeTargets, Target } from "./scrapes";
import { ClusterNode, renderedTopology, RenderedTopology, topologiesOf } from "./topologies";

/** On each node, the jobs that store each family its process serves. */
function keptBy(topology: RenderedTopology, targets: Target[]): Map<string, string[]> {
    const kept = new Map<string, string[]>();
    for (const target of targets) {
        const registry = PROCESS_ENDPOINTS[target.job];
        if (!registry || !target.node || target.path !== "/metrics") continue;
        for (const family of served(target.node, topology.etcd, registry)) {
            if (!keeps(target, family)) continue;
            const key = `${target.node.name} ${family}`;
            kept.set(key, [...(kept.get(key) ?? []), target.job]);
        }
    }
    return kept;
}

for (const environment of ENVIRONMENTS) {
    for (const topology of topologiesOf(environment)) {
        describe(`${environment} on ${topology.name}: K3s's control-plane series`, function () {
            this.timeout(120_000);
            let rendered: RenderedTopology;
            let targets: Target[];

            before(async function () {
                await requireHelm(this);
                rendered = await renderedTopology(environment, topology);
                targets = scrapeTargets(rendered);
            });

            it("stores every family of each node's process once, under the job that owns it", () => {
                const kept = keptBy(rendered, targets);
                // A family is kept by its component's job where that job scrapes the node, else
                // by the kubelet's.
                const ownerOf = (node: ClusterNode, family: string) => {
                    const job = Object.values(FAMILIES).find((f) => f.names.includes(family))!.job;
                    return targets.some((t) => t.job === job && t.node === node) ? job : "kubelet";
                };
                const problems: string[] = [];
                for (const node of rendered.nodes) {
                    for (const registry of ["legacy", "etcd"] as const) {
                        if (registry === "etcd" && !(rendered.etcd && node.role === "server")) continue;
                        for (const family of served(node, rendered.etcd, registry)) {
                            const owner = ownerOf(node, family);
                            const jobs = kept.get(`${node.name} ${family}`) ?? [];
                            if (jobs.length !== 1 || jobs[0] !== owner)
                                problems.push(`${node.name} ${family}: kept by [${jobs.join(", ")}], owner ${owner}`);
                        }
                    }
                }
                assert.deepEqual(problems, []);
            });
        });
    }
}

describe("the K3s relabelings of the API server and kubelet jobs", () => {
    it("keep the chart's own default relabelings first", async function () {
        const setup = await requireHelm(this);
        const chart = parse(
            fs.readFileSync(path.join(await chartDirectory(CHARTS.monitoring, setup), "values.yaml"), "utf8"),
        ) as { kubeApiServer: any; kubelet: any };
        const rendered = await renderedTopology("production", topologiesOf("production")[0]);
        const target = (job: string) => scrapeTargets(rendered).find((t) => t.job === job && t.path === "/metrics")!;
        const chartDefaults = [
            chart.kubeApiServer.serviceMonitor.metricRelabelings,
            chart.kubelet.serviceMonitor.metricRelabelings,
        ];
        assert.deepEqual(
            [target("apiserver"), target("kubelet")].map((t, i) =>
                t.metricRelabelings.slice(0, chartDefaults[i].length),
            ),
            chartDefaults,
        );
    });
});
