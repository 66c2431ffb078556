// What the program runs on the nodes over SSH: the scripts (read from the repository, so that
// shellcheck and the tests see exactly what runs), the one-line commands, and the connection.
// K3s's installer puts its binaries in /usr/local/bin, which sudo's secure_path leaves out on
// RHEL-likes: the commands name them by path, the scripts add it to PATH.
import * as fs from "node:fs";
import * as path from "node:path";
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { K3sNode } from "./config";
import { filesInput, NodeFile } from "./node-files";

/** Every node's install; the first server's printing of Pulumi's kubeconfig; a server's drain of
 *  a node before its install runs again. */
export const INSTALL_SCRIPT = readScript("install.sh");
export const API_CREDENTIAL_SCRIPT = readScript("api-credential.sh");
export const DRAIN_SCRIPT = readScript("drain.sh");

function readScript(name: string): string {
    return fs.readFileSync(path.join(__dirname, name), "utf8");
}

/** What a node's install command reads: the script, then the node's files after its last line. */
export function installInput(files: readonly NodeFile[]): string {
    return `${INSTALL_SCRIPT}${filesInput(files)}`;
}

/** SSH connection to a node; without a private key the SSH agent (SSH_AUTH_SOCK) is used. With
 *  a host key, any other key stops the command (`ssh: host key mismatch`). */
export function sshConnection(
    node: K3sNode,
    privateKey: pulumi.Input<string> | undefined,
): command.types.input.remote.ConnectionArgs {
    return {
        host: node.address,
        port: node.port,
        user: node.user,
        privateKey,
        ...(node.hostKey ? { hostKey: node.hostKey } : {}),
    };
}

/** The kubeconfig with K3s's loopback server address replaced by the API address clients use. */
export function pointAt(kubeconfig: string, apiAddress: string): string {
    return kubeconfig.replace(/server: https:\/\/127\.0\.0\.1:6443/g, `server: https://${apiAddress}:6443`);
}

/** The command that removes K3s from a node that leaves the cluster. A server deletes its own
 *  Node first, which also takes it out of etcd's membership; an agent's credentials may not
 *  delete Nodes, so its Node goes from the first server afterwards (`nodeRemoval`). */
export function uninstallCommand(node: K3sNode): string {
    if (node.role === "agent") return "sudo -n /usr/local/bin/k3s-agent-uninstall.sh";
    return `sudo -n sh -c '/usr/local/bin/k3s kubectl delete node ${node.name} --ignore-not-found --wait=false || true; /usr/local/bin/k3s-uninstall.sh'`;
}

/** Deletes an agent's Node object from a server. Deleting the Node also deletes its
 *  node-password secret, which would otherwise refuse a new node of the same name. */
export function nodeRemovalCommand(agent: K3sNode): string {
    return `sudo -n /usr/local/bin/k3s kubectl delete node ${agent.name} --ignore-not-found`;
}

/** Lets a drained node take workloads again, once it is Ready on its new settings. */
export function uncordonCommand(node: K3sNode): string {
    return `sudo -n /usr/local/bin/k3s kubectl uncordon ${node.name} --request-timeout=10s`;
}

/** The Secret holding Pulumi's ServiceAccount token (in kube-system). */
export const CREDENTIAL_SECRET = "homelab-pulumi-token";

/** Revokes Pulumi's token: without its Secret the API server refuses it. */
export function credentialRevocationCommand(secret: string): string {
    return `sudo -n /usr/local/bin/k3s kubectl -n kube-system delete secret ${secret} --ignore-not-found`;
}
