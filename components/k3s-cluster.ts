// K3s on the homelab's nodes over SSH: the first server forms the cluster, the other servers
// join one at a time (etcd membership changes must not race), agents join in up to three waves
// once the first server is Ready, so a change never restarts every worker at once. One command per node runs components/k3s/install.sh, which first saves
// the node's settings, the cluster token included, as a root-only /etc/rancher/k3s/config.yaml.
import * as fs from "node:fs";
import * as path from "node:path";
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { stringify } from "yaml";
import { kubeVipManifest } from "./k3s/kube-vip";
import { agentConfig, ClusterSettings, K3sNode, serverConfig, SnapshotTarget } from "./k3s-config";
import { K3sMetrics } from "./monitoring";

/** The scripts the nodes run, read from the repository so that shellcheck sees them too: every
 *  node's install, and the first server's printing of Pulumi's kubeconfig. */
export const INSTALL_SCRIPT = readScript("install.sh");
export const API_CREDENTIAL_SCRIPT = readScript("api-credential.sh");

function readScript(name: string): string {
    return fs.readFileSync(path.join(__dirname, "k3s", name), "utf8");
}

/** What a node's install command reads: the script, then the node's config.yaml after its last line. */
export function installInput(settings: Record<string, unknown>): string {
    return `${INSTALL_SCRIPT}${stringify(settings)}`;
}

export interface K3sClusterArgs {
    /** The nodes; the first server forms the cluster. At least one server. Required. */
    nodes: readonly K3sNode[];
    /** K3s release, e.g. `v1.34.2+k3s1`. Required. */
    version: string;
    /** Address clients use for the API (TLS SAN, kubeconfig). Default: the first server's. */
    apiAddress?: string;
    /** A virtual IP for the API, which kube-vip (a static pod on every server) moves between the
     *  servers; nodes join through it. Default none. */
    vip?: { readonly address: string; readonly interface: string };
    /** Private key for SSH. Default: the SSH agent (SSH_AUTH_SOCK). */
    sshPrivateKey?: pulumi.Input<string>;
    /** Keep K3s's packaged Traefik. Default true. */
    traefik?: boolean;
    /** Encrypt Secrets at rest. Default false. */
    secretsEncryption?: boolean;
    /** K3s's CIS hardening on every node (kernel settings, admission, audit log). Default false. */
    hardening?: boolean;
    /** Scheduled etcd snapshots (they imply embedded etcd). Default none. */
    snapshots?: { schedule: string; retention: number; s3?: SnapshotTarget };
    /** Credentials of the snapshots' S3 target. Required with `snapshots.s3`. */
    snapshotCredentials?: { accessKey: pulumi.Input<string>; secretKey: pulumi.Input<string> };
    /** Protect the servers' installs: deleting one uninstalls K3s and its etcd data. Default false. */
    protect?: boolean;
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

/** Waves agents are installed and changed in: at most AGENT_WAVES, of near-equal size. */
export const AGENT_WAVES = 3;
export function agentWaves<T>(agents: readonly T[]): T[][] {
    const size = Math.ceil(agents.length / AGENT_WAVES);
    const waves: T[][] = [];
    for (let i = 0; i < agents.length; i += size) waves.push(agents.slice(i, i + size));
    return waves;
}

/** The command that removes K3s from a node that leaves the cluster. A server deletes its own
 *  Node first, which also takes it out of etcd's membership; an agent's credentials may not
 *  delete Nodes, so its Node goes from the first server afterwards (`nodeRemoval`). */
export function uninstallCommand(node: K3sNode): string {
    if (node.role === "agent") return "sudo -n /usr/local/bin/k3s-agent-uninstall.sh";
    return `sudo -n sh -c 'k3s kubectl delete node ${node.name} --ignore-not-found --wait=false || true; /usr/local/bin/k3s-uninstall.sh'`;
}

/** Deletes an agent's Node object from a server. Deleting the Node also deletes its
 *  node-password secret, which would otherwise refuse a new node of the same name. */
export function nodeRemovalCommand(agent: K3sNode): string {
    return `sudo -n k3s kubectl delete node ${agent.name} --ignore-not-found`;
}

/** The Secret holding Pulumi's ServiceAccount token. */
function credentialSecret(id: string): string {
    return `homelab-pulumi-${id}`;
}

/** Revokes Pulumi's token: without its Secret the API server refuses it. */
export function credentialRevocationCommand(secret: string): string {
    return `sudo -n k3s kubectl -n kube-system delete secret ${secret} --ignore-not-found`;
}

export class K3sCluster extends pulumi.ComponentResource {
    /** Pulumi's cluster-admin kubeconfig, a token that does not expire, pointed at the API
     *  address (secret). */
    readonly kubeconfig: pulumi.Output<string>;
    /** Where the control plane serves metrics, for monitoring. */
    readonly metrics: K3sMetrics;
    /** Install commands by node name; each completes once its node is Ready. */
    readonly installs: Record<string, command.remote.Command>;

    constructor(name: string, args: K3sClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("homelab:platform:K3sCluster", name, {}, opts);
        const servers = args.nodes.filter((n) => n.role === "server");
        const agents = args.nodes.filter((n) => n.role === "agent");
        const first = servers[0];
        if (first === undefined) throw new Error(`${name}: a K3s cluster needs a server`);
        const apiAddress = args.apiAddress ?? args.vip?.address ?? first.address;
        const cluster: ClusterSettings = {
            apiAddress,
            vip: args.vip?.address,
            // Through the VIP, a node joins whichever server holds it, not only the first.
            joinAddress: args.vip?.address ?? first.address,
            traefik: args.traefik ?? true,
            // etcd lets more servers join, and is what snapshots are taken of.
            embeddedEtcd: servers.length > 1 || args.snapshots !== undefined,
            secretsEncryption: args.secretsEncryption ?? false,
            hardening: args.hardening ?? false,
            snapshots: args.snapshots,
        };

        const token = new random.RandomPassword(`${name}-token`, { length: 48, special: false }, { parent: this });
        const secretSettings = pulumi
            .all([token.result, args.snapshotCredentials?.accessKey, args.snapshotCredentials?.secretKey])
            .apply(([tokenValue, accessKey, secretKey]) => ({
                token: tokenValue,
                ...(args.snapshots?.s3 && accessKey && secretKey
                    ? { "etcd-s3-access-key": accessKey, "etcd-s3-secret-key": secretKey }
                    : {}),
            }));

        /** A node's install, waiting for `after`; new settings or a new release run it again. */
        // Servers get kube-vip's static pod (base64, one shell word) when there is a VIP.
        const staticPod = args.vip ? Buffer.from(kubeVipManifest(args.vip)).toString("base64") : undefined;
        const install = (node: K3sNode, settings: Record<string, unknown>, after: pulumi.Resource[]) => {
            const pod = node.role === "server" && staticPod ? ` ${staticPod}` : "";
            const run = `sudo -n bash -s -- ${node.role} ${args.version} ${node.name}${pod}`;
            return new command.remote.Command(
                `${name}-${node.name}`,
                {
                    connection: sshConnection(node, args.sshPrivateKey),
                    create: run,
                    // `update` as well: without it a change would replace the command, and a
                    // replacement runs `delete`, the uninstall.
                    update: run,
                    delete: uninstallCommand(node),
                    stdin: pulumi.secret(secretSettings.apply((secrets) => installInput({ ...settings, ...secrets }))),
                },
                {
                    parent: this,
                    dependsOn: after,
                    protect: args.protect && node.role === "server",
                    customTimeouts: { create: "20m", update: "20m" },
                },
            );
        };

        this.installs = {};
        let previous = install(first, serverConfig(cluster, first, "first"), []);
        const firstReady = previous;
        this.installs[first.name] = previous;
        for (const server of servers.slice(1)) {
            previous = install(server, serverConfig(cluster, server, "joining"), [previous]);
            this.installs[server.name] = previous;
        }
        // Agents in waves, each after the one before: a new release or new settings restart at
        // most a third of the workers at once, however many there are.
        const waves = agentWaves(agents);
        let previousWave: command.remote.Command[] = [];
        for (const wave of waves) {
            const installs = wave.map((agent) => {
                // Created before the agent's install, so deleted after it: the agent uninstalls,
                // then the first server deletes its Node.
                const removal = new command.remote.Command(
                    `${name}-${agent.name}-node`,
                    {
                        connection: sshConnection(first, args.sshPrivateKey),
                        create: "true",
                        delete: nodeRemovalCommand(agent),
                    },
                    { parent: this, dependsOn: [firstReady] },
                );
                this.installs[agent.name] = install(agent, agentConfig(cluster, agent), [
                    firstReady,
                    removal,
                    ...previousWave,
                ]);
                return this.installs[agent.name];
            });
            previousWave = installs;
        }

        // Pulumi's own credential: a ServiceAccount token that, unlike K3s's admin certificate
        // (365 days, renewed only by a restart), does not expire. Its Secret's name is random, so
        // `pulumi up --replace` of the id rotates it: the new token first, then the old revoked.
        const credentialId = new random.RandomId(`${name}-api-credential-id`, { byteLength: 4 }, { parent: this });
        const credential = new command.remote.Command(
            `${name}-api-credential`,
            {
                connection: sshConnection(first, args.sshPrivateKey),
                // -n: fail at once instead of waiting for a sudo password nobody can type.
                create: credentialId.hex.apply((id) => `sudo -n bash -s -- ${credentialSecret(id)}`),
                stdin: API_CREDENTIAL_SCRIPT,
                delete: credentialId.hex.apply((id) => credentialRevocationCommand(credentialSecret(id))),
                // stdout is the kubeconfig; only stderr (sudo, kubectl) may reach the logs.
                logging: command.types.enums.remote.Logging.Stderr,
                triggers: [credentialId.hex],
            },
            { parent: this, dependsOn: [firstReady], additionalSecretOutputs: ["stdout"] },
        );
        this.kubeconfig = pulumi.secret(credential.stdout.apply((text) => pointAt(text, apiAddress)));
        this.metrics = {
            servers: servers.map((s) => s.address),
            nodes: args.nodes.map((n) => n.address),
            etcd: cluster.embeddedEtcd,
        };
        this.registerOutputs({ kubeconfig: this.kubeconfig });
    }
}
