// The cluster shapes monitoring must tell the truth about, each rendered with an environment's
// config: one server (SQLite, or etcd where the environment takes snapshots), three servers
// with embedded etcd, and three servers with two agents. Production refuses one server.
import { ClusterNode } from "../../../render/cluster";
import { EvaluatedStack, evaluateStack, K3S_KUBECONFIG, StackConfigFile } from "../../../render/evaluate";
import { CHART_TYPE } from "../../../render/kinds";
import { RenderedStack, renderEvaluated } from "../../../render/stack";
import { Environment } from "../../../stacks/config/profiles";
import { renderedConfig, renderedStack } from "../rendering";
import { helmSetup } from "../../../render/helm";

export interface Topology {
    readonly name: string;
    readonly servers: number;
    readonly agents: number;
    /** A K3s cluster the program did not install, reached by kubeconfig: its control plane
     *  serves metrics on localhost only. */
    readonly existing?: boolean;
}

export const TOPOLOGIES: readonly Topology[] = [
    { name: "one server", servers: 1, agents: 0 },
    { name: "three servers", servers: 3, agents: 0 },
    { name: "three servers and two agents", servers: 3, agents: 2 },
];

/** dev also on a one-server K3s it reaches by kubeconfig, where the rules of the control plane's
 *  unscraped parts must be off. */
export const EXISTING_CLUSTER: Topology = { name: "an existing cluster", servers: 1, agents: 0, existing: true };

export type { ClusterNode } from "../../../render/cluster";

/** Every topology an environment accepts. */
export function topologiesOf(environment: Environment): Topology[] {
    return [
        ...TOPOLOGIES.filter((t) => environment !== "production" || t.servers >= 3),
        ...(environment === "dev" ? [EXISTING_CLUSTER] : []),
    ];
}

/** The environment's cluster config with `topology`'s nodes, on the first node's /24. */
function topologyConfig(environment: Environment, topology: Topology): StackConfigFile {
    const file = renderedConfig(environment);
    const cluster = JSON.parse(file.config["homelab:cluster"]) as { nodes: Record<string, string>[]; vip?: unknown };
    const template = cluster.nodes[0];
    const lan = template.address.split(".").slice(0, 3).join(".");
    const node = (role: "server" | "agent", index: number) => ({
        ...template,
        name: `${environment}-${role}-${index}`,
        address: `${lan}.${(role === "server" ? 10 : 20) + index}`,
        role,
    });
    const nodes = [
        ...Array.from({ length: topology.servers }, (_, i) => node("server", i + 1)),
        ...Array.from({ length: topology.agents }, (_, i) => node("agent", i + 1)),
    ];
    if (topology.existing)
        return {
            config: {
                ...file.config,
                "homelab:cluster": JSON.stringify({}),
                "homelab:kubeconfig": K3S_KUBECONFIG.replace("127.0.0.1", nodes[0].address),
            },
            secretKeys: [...file.secretKeys, "homelab:kubeconfig"],
        };
    const vip = cluster.vip ?? (topology.servers > 1 ? { address: `${lan}.10`, interface: "eth0" } : undefined);
    return {
        config: { ...file.config, "homelab:cluster": JSON.stringify({ ...cluster, nodes, ...(vip ? { vip } : {}) }) },
        secretKeys: file.secretKeys,
    };
}

/** The nodes of a rendered topology: the ones the program installs, or the existing cluster's
 *  one server. */
function nodesOf(environment: Environment, evaluated: EvaluatedStack, file: StackConfigFile): readonly ClusterNode[] {
    if (evaluated.cluster.nodes) return evaluated.cluster.nodes;
    const server = new URL(/server: (\S+)/.exec(file.config["homelab:kubeconfig"])![1]).hostname;
    return [{ name: `${environment}-server-1`, address: server, role: "server", labels: {}, taints: [] }];
}

export interface RenderedTopology {
    readonly environment: Environment;
    readonly topology: Topology;
    readonly nodes: readonly ClusterNode[];
    /** Whether the servers run embedded etcd: with more than one server, or for snapshots (staging, production). */
    readonly etcd: boolean;
    /** The monitoring chart rendered for the topology, every other chart as the environment's. */
    readonly rendered: RenderedStack;
}

const MONITORING_CHART = "monitoring-chart";
const cache = new Map<string, Promise<RenderedTopology>>();

/** `environment` on `topology`; only the monitoring chart depends on the topology, so only it is
 *  rendered again. */
export function renderedTopology(environment: Environment, topology: Topology): Promise<RenderedTopology> {
    const key = `${environment}/${topology.name}`;
    if (!cache.has(key))
        cache.set(
            key,
            (async () => {
                const file = topologyConfig(environment, topology);
                const base = await renderedStack(environment);
                const stack = await evaluateStack(environment, file);
                const monitoringOnly = stack.registrations.filter(
                    (r) => r.type !== CHART_TYPE || r.name === MONITORING_CHART,
                );
                const variant = await renderEvaluated({ ...stack, registrations: monitoringOnly }, helmSetup());
                const rendered: RenderedStack = {
                    ...variant,
                    charts: [...base.charts.filter((c) => c.registration.name !== MONITORING_CHART), ...variant.charts],
                };
                const etcd = !topology.existing && (topology.servers > 1 || environment !== "dev");
                return { environment, topology, nodes: nodesOf(environment, stack, file), etcd, rendered };
            })(),
        );
    return cache.get(key)!;
}
