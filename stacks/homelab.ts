// One environment of the homelab: config first (validated before anything is registered), then
// the cluster's provider, then the platform on it.
import { apiServerUrl, clusterKubeconfig, kubernetesProvider } from "./cluster-access";
import { loadConfig } from "./config";
import { platform } from "./platform";

/** Builds the stack and returns its outputs. */
export function homelab() {
    const config = loadConfig();
    const kubeconfig = clusterKubeconfig(config);
    // Every component gets this provider explicitly, so nothing ever lands on whatever cluster
    // an ambient kubeconfig points at.
    const platformOutputs = platform(config, kubernetesProvider(kubeconfig), apiServerUrl(config, kubeconfig));

    const nodes = config.cluster.mode === "nodes" ? config.cluster.nodes : [];
    return {
        environment: config.environment,
        profile: config.profile,
        cluster: {
            mode: config.cluster.mode,
            servers: nodes.filter((n) => n.role === "server").map((n) => n.name),
            agents: nodes.filter((n) => n.role === "agent").map((n) => n.name),
        },
        domain: config.domain,
        kubeconfig,
        ...platformOutputs,
    };
}
