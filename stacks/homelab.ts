// One environment of the homelab: config first (validated before anything is registered), then
// the cluster (K3s on the nodes, or an existing one) and its provider, then the platform on it.
import { apiServerUrl, clusterAccess, kubernetesProvider } from "./cluster-access";
import { loadConfig } from "./config/load";
import { StackConfig } from "./config/stack-config";
import { platform } from "./platform";

/** Builds the stack from `config` (default: this stack's, read and validated) and returns its outputs. */
export function homelab(config: StackConfig = loadConfig()) {
    const { kubeconfig, k3s } = clusterAccess(config);
    // Every component gets this provider explicitly, so nothing ever lands on whatever cluster
    // an ambient kubeconfig points at.
    const provider = kubernetesProvider(config.environment, kubeconfig);
    const platformOutputs = platform(config, provider, apiServerUrl(config), k3s?.metrics);

    const nodes = config.cluster.mode === "nodes" ? config.cluster.nodes : [];
    return {
        environment: config.environment,
        profile: config.profile,
        cluster: {
            mode: config.cluster.mode,
            servers: nodes.filter((n) => n.role === "server").map((n) => n.name),
            agents: nodes.filter((n) => n.role === "agent").map((n) => n.name),
            ...(config.cluster.mode === "nodes" ? { k3sVersion: config.cluster.k3sVersion } : {}),
        },
        domain: config.domain,
        kubeconfig,
        ...platformOutputs,
    };
}
