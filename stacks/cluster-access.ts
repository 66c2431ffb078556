// The stack's one Kubernetes provider, built from the cluster access settings: an existing
// cluster's kubeconfig, or the kubeconfig K3s wrote on the first server of `cluster.nodes`.
import * as command from "@pulumi/command";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { StackConfig } from "./config";
import { checked, Node } from "./validate";

/** Where K3s writes the admin kubeconfig on a server. */
export const K3S_KUBECONFIG_PATH = "/etc/rancher/k3s/k3s.yaml";

/** SSH connection to a node; without a private key the SSH agent (SSH_AUTH_SOCK) is used. */
export function sshConnection(
    node: Node,
    privateKey: pulumi.Output<string> | undefined,
): command.types.input.remote.ConnectionArgs {
    return { host: node.address, port: node.port, user: node.user, privateKey };
}

/** The kubeconfig with K3s's loopback server address replaced by the API address clients use. */
export function pointAt(kubeconfig: string, apiAddress: string): string {
    return kubeconfig.replace(/server: https:\/\/127\.0\.0\.1:6443/g, `server: https://${apiAddress}:6443`);
}

/** Reads the admin kubeconfig from a K3s server over SSH; it holds a client key, so it stays secret. */
export function readKubeconfig(
    server: Node,
    apiAddress: string,
    privateKey: pulumi.Output<string> | undefined,
    opts?: pulumi.CustomResourceOptions,
): pulumi.Output<string> {
    const read = new command.remote.Command(
        "kubeconfig",
        {
            connection: sshConnection(server, privateKey),
            // -n: fail at once instead of waiting for a sudo password nobody can type.
            create: `sudo -n cat ${K3S_KUBECONFIG_PATH}`,
            // stdout is the kubeconfig; only stderr (sudo or file errors) may reach the logs.
            logging: command.types.enums.remote.Logging.Stderr,
        },
        pulumi.mergeOptions(opts, { additionalSecretOutputs: ["stdout"] }),
    );
    return pulumi.secret(read.stdout.apply((text) => pointAt(text, apiAddress)));
}

/** The kubeconfig of the cluster this stack manages. */
export function clusterKubeconfig(config: StackConfig): pulumi.Output<string> {
    const cluster = config.cluster;
    if (cluster.mode === "kubeconfig") {
        return checked(config.secrets.kubeconfig, "kubeconfig");
    }
    const firstServer = checked(
        cluster.nodes.find((n) => n.role === "server"),
        "cluster.nodes server",
    );
    return readKubeconfig(firstServer, cluster.apiAddress, config.secrets.sshPrivateKey);
}

/** The API server URL of a kubeconfig's current context (or its only cluster). */
export function serverOf(kubeconfig: string): string {
    const doc = parse(kubeconfig) as {
        "current-context"?: string;
        contexts?: { name: string; context: { cluster: string } }[];
        clusters?: { name: string; cluster: { server: string } }[];
    };
    const clusterName = doc.contexts?.find((c) => c.name === doc["current-context"])?.context.cluster;
    const cluster = doc.clusters?.find((c) => c.name === clusterName) ?? doc.clusters?.[0];
    return checked(cluster?.cluster.server, "kubeconfig cluster server");
}

/** The URL of the cluster's API, as services outside the cluster (Vault) reach it. */
export function apiServerUrl(config: StackConfig, kubeconfig: pulumi.Output<string>): pulumi.Output<string> {
    return config.cluster.mode === "nodes"
        ? pulumi.output(`https://${config.cluster.apiAddress}:6443`)
        : kubeconfig.apply(serverOf);
}

/** The stack's Kubernetes provider; every Kubernetes resource is created through it. */
export function kubernetesProvider(kubeconfig: pulumi.Input<string>): k8s.Provider {
    return new k8s.Provider("kubernetes", { kubeconfig });
}
