// The stack's one Kubernetes provider, built from the cluster access settings: an existing
// cluster's kubeconfig, or Pulumi's own credential from the first server of `cluster.nodes`.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { K3sCluster } from "../components/k3s/cluster";
import { StackConfig } from "./config/stack-config";

/** How the stack reaches its cluster: the kubeconfig, and the K3s it installed (nodes mode). */
export interface ClusterAccess {
    readonly kubeconfig: pulumi.Output<string>;
    readonly k3s?: K3sCluster;
}

/** Installs K3s on `cluster.nodes` and gets Pulumi's credential there, or takes the secret `kubeconfig`. */
export function clusterAccess(config: StackConfig): ClusterAccess {
    const cluster = config.cluster;
    if (cluster.mode === "kubeconfig") {
        return { kubeconfig: cluster.kubeconfig };
    }
    const snapshots = config.profile.etcdSnapshots;
    const k3s = new K3sCluster("k3s", {
        nodes: cluster.nodes,
        version: cluster.k3sVersion,
        apiAddress: cluster.apiAddress,
        vip: cluster.vip,
        sshPrivateKey: cluster.sshPrivateKey,
        traefik: cluster.traefik,
        secretsEncryption: config.profile.secretsEncryption,
        hardening: config.profile.hardening,
        snapshots: snapshots.enabled
            ? { schedule: snapshots.schedule, retention: snapshots.retention, s3: cluster.etcdS3 }
            : undefined,
        drain: config.profile.drainNodes,
        protect: config.profile.deletionProtection,
    });
    return { kubeconfig: k3s.kubeconfig, k3s };
}

/** The URL of the cluster's API, as services outside the cluster (Vault) reach it. Secret where
 *  it comes from the secret kubeconfig, as everything read from a secret stays. */
export function apiServerUrl(config: StackConfig): pulumi.Output<string> {
    return config.cluster.mode === "nodes"
        ? pulumi.output(`https://${config.cluster.apiAddress}:6443`)
        : pulumi.secret(config.cluster.server);
}

/** The stack's Kubernetes provider; every Kubernetes resource is created through it. Its
 *  identity is the environment's: without one, the provider would be replaced, and every
 *  Kubernetes resource with it, whenever the kubeconfig names another server (a new API address)
 *  or is not known yet at preview (a server's install about to run again). With it, only a new
 *  identity replaces them. */
export function kubernetesProvider(environment: string, kubeconfig: pulumi.Input<string>): k8s.Provider {
    return new k8s.Provider("kubernetes", { kubeconfig, clusterIdentifier: `homelab-${environment}` });
}
