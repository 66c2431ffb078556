// K3s on the homelab's nodes over SSH: the first server forms the cluster, the other servers
// join one at a time (etcd membership changes must not race), then the agents in up to three
// waves, so a change never restarts every worker at once. One command per node runs
// components/k3s/install.sh with the node's files (config.yaml, with the cluster token, root-only),
// which restarts K3s only when what it reads changed; where asked, each node is drained exactly
// before such a restart. Once every node is Ready, the first server gives Pulumi a credential of
// its own.
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { kubeVipManifest } from "./kube-vip";
import {
    credentialRevocationCommand,
    CREDENTIAL_SECRET,
    DRAIN_SCRIPT,
    installInput,
    nodeRemovalCommand,
    pointAt,
    sshConnection,
    uncordonCommand,
    uninstallCommand,
    API_CREDENTIAL_SCRIPT,
} from "./node-commands";
import { S3Target } from "../shared/s3-target";
import { agentConfig, K3sClusterSettings, K3sNode, serverConfig, ServerPlace } from "./config";
import { agentFiles, NodeFile, serverFiles, settingsDigest } from "./node-files";
import { K3sMetrics } from "../monitoring/k3s-scrapes";

export interface K3sClusterArgs {
    /** The nodes; the first server forms the cluster. At least one server. Required. */
    nodes: readonly K3sNode[];
    /** K3s release, e.g. `v1.34.2+k3s1`. Required. */
    version: string;
    /** Address clients use for the API (TLS SAN, kubeconfig): the VIP, or a server's. */
    apiAddress: string;
    /** A virtual IP for the API, which kube-vip (a static pod on every server) moves between the
     *  servers; nodes join through it. Default none. */
    vip?: { readonly address: string; readonly interface: string };
    /** Private key for SSH. Default: the SSH agent (SSH_AUTH_SOCK). */
    sshPrivateKey?: pulumi.Input<string>;
    /** Keep K3s's packaged Traefik. */
    traefik: boolean;
    /** Encrypt Secrets at rest. Default false. */
    secretsEncryption?: boolean;
    /** K3s's CIS hardening on every node (kernel settings, admission, audit log). Default false. */
    hardening?: boolean;
    /** Scheduled etcd snapshots (they imply embedded etcd), also to an S3 target with its keys.
     *  Default none. */
    snapshots?: {
        schedule: string;
        retention: number;
        s3?: S3Target & { accessKey: pulumi.Input<string>; secretKey: pulumi.Input<string> };
    };
    /** Cordon and drain each node before its K3s restarts (a server drains itself, the first
     *  server drains an agent) and uncordon it once Ready again. Default false. */
    drain?: boolean;
    /** Protect the servers' installs: deleting one uninstalls K3s and its etcd data. Default false. */
    protect?: boolean;
}

/** Waves agents are installed and changed in: at most AGENT_WAVES, of near-equal size. */
const AGENT_WAVES = 3;
export function agentWaves<T>(agents: readonly T[]): T[][] {
    const size = Math.ceil(agents.length / AGENT_WAVES);
    const waves: T[][] = [];
    for (let i = 0; i < agents.length; i += size) waves.push(agents.slice(i, i + size));
    return waves;
}

export class K3sCluster extends pulumi.ComponentResource {
    /** Pulumi's cluster-admin kubeconfig, a token that does not expire, pointed at the API
     *  address (secret). */
    readonly kubeconfig: pulumi.Output<string>;
    /** Where the control plane serves metrics, for monitoring. */
    readonly metrics: K3sMetrics;

    constructor(name: string, args: K3sClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("homelab:platform:K3sCluster", name, {}, opts);
        const servers = args.nodes.filter((n) => n.role === "server");
        const agents = args.nodes.filter((n) => n.role === "agent");
        const first = servers[0];
        if (first === undefined) throw new pulumi.ResourceError("a K3s cluster needs a server", this);
        const apiAddress = args.apiAddress;
        const hardening = args.hardening ?? false;
        const cluster: K3sClusterSettings = {
            apiAddress,
            vip: args.vip?.address,
            // Through the VIP, a node joins whichever server holds it, not only the first.
            joinAddress: args.vip?.address ?? first.address,
            traefik: args.traefik,
            // etcd lets more servers join, and is what snapshots are taken of.
            embeddedEtcd: servers.length > 1 || args.snapshots !== undefined,
            secretsEncryption: args.secretsEncryption ?? false,
            hardening,
            snapshots: args.snapshots,
        };

        const token = new random.RandomPassword(`${name}-token`, { length: 48, special: false }, { parent: this });
        // The S3 keys go to the servers only, which take the snapshots; an agent would refuse them.
        const s3 = args.snapshots?.s3;
        const serverSecrets = pulumi
            .all([token.result, s3?.accessKey, s3?.secretKey])
            .apply(([tokenValue, accessKey, secretKey]) => ({
                token: tokenValue,
                ...(accessKey && secretKey ? { "etcd-s3-access-key": accessKey, "etcd-s3-secret-key": secretKey } : {}),
            }));
        const kubeVip = args.vip ? kubeVipManifest(args.vip) : undefined;
        const serverNode = (node: K3sNode, place: ServerPlace) =>
            serverSecrets.apply((secrets) =>
                serverFiles({ ...serverConfig(cluster, node, place), ...secrets }, hardening, kubeVip),
            );
        const agentNode = (node: K3sNode) =>
            token.result.apply((tokenValue) =>
                agentFiles({ ...agentConfig(cluster, node), token: tokenValue }, hardening),
            );

        /** A node's install, after `after`. It runs again on any change of its inputs, and
         *  restarts K3s only when the node's settings (its release, the files K3s reads) changed;
         *  with `drain`, a server (the node itself, or the first for an agent) cordons and drains
         *  it exactly then, and uncordons it once it is Ready with them. Returns what the nodes
         *  after it wait for. */
        const rollOut = (node: K3sNode, files: pulumi.Output<NodeFile[]>, after: pulumi.Resource[]) => {
            // A server returns once the API answers where Pulumi's kubeconfig will reach it: the
            // VIP (else this server), with a certificate for the API address.
            const api = node.role === "server" ? ` ${args.vip?.address ?? node.address} ${apiAddress}` : "";
            const run = `sudo -n bash -s -- ${node.role} ${args.version} ${node.name}${api}`;
            const settings = pulumi.secret(files.apply((f) => settingsDigest(args.version, f)));
            const onEveryRestart = (step: string, create: string, dependsOn: pulumi.Resource[], stdin?: string) =>
                new command.remote.Command(
                    `${name}-${node.name}-${step}`,
                    {
                        connection: sshConnection(node.role === "server" ? node : first, args.sshPrivateKey),
                        create,
                        // A drain must never run without its install and uncordon: any other
                        // change (of drain.sh, of the connection) runs nothing.
                        update: "true",
                        ...(stdin ? { stdin } : {}),
                        // Replaced, so run again, exactly when the node's K3s restarts.
                        triggers: [settings],
                    },
                    // kubectl drain gives up after 10 minutes.
                    { parent: this, dependsOn, customTimeouts: { create: "15m" } },
                );
            const drain = args.drain
                ? onEveryRestart("drain", `sudo -n bash -s -- ${node.name}`, after, DRAIN_SCRIPT)
                : undefined;
            const install = new command.remote.Command(
                `${name}-${node.name}`,
                {
                    connection: sshConnection(node, args.sshPrivateKey),
                    create: run,
                    // `update` as well: without it a change would run `create` anyway, and a
                    // replacement would run `delete`, the uninstall. install.sh restarts nothing
                    // when only the connection or the script changed.
                    update: run,
                    delete: uninstallCommand(node),
                    stdin: pulumi.secret(files.apply(installInput)),
                },
                {
                    parent: this,
                    dependsOn: drain ? [drain, ...after] : after,
                    protect: args.protect && node.role === "server",
                    customTimeouts: { create: "20m", update: "20m" },
                },
            );
            return drain ? onEveryRestart("uncordon", uncordonCommand(node), [install]) : install;
        };

        let previous = rollOut(first, serverNode(first, "first"), []);
        const firstReady = previous;
        for (const server of servers.slice(1)) {
            previous = rollOut(server, serverNode(server, "joining"), [previous]);
        }
        // Agents only once every server runs its release and settings: a kubelet must never be
        // newer than the API servers (Kubernetes' version skew policy). Pulumi's order sees to
        // it; an agent cannot, as its kubelet's credentials may read its own Node only.
        const lastServer = previous;
        // Agents in waves, each after the one before: a new release or new settings restart at
        // most a third of the workers at once, however many there are.
        let previousWave: pulumi.Resource[] = [];
        for (const wave of agentWaves(agents)) {
            previousWave = wave.map((agent) => {
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
                return rollOut(agent, agentNode(agent), [lastServer, removal, ...previousWave]);
            });
        }

        // Pulumi's own credential: a ServiceAccount token that, unlike K3s's admin certificate
        // (365 days, renewed only by a restart), does not expire. `pulumi up --replace` of this
        // command rotates it: the old Secret deleted first (a new command under the same name
        // would print the old token, which the old command's delete then revoked), then a new one.
        const credential = new command.remote.Command(
            `${name}-api-credential`,
            {
                connection: sshConnection(first, args.sshPrivateKey),
                // -n: fail at once instead of waiting for a sudo password nobody can type.
                create: `sudo -n bash -s -- ${CREDENTIAL_SECRET}`,
                stdin: API_CREDENTIAL_SCRIPT,
                delete: credentialRevocationCommand(CREDENTIAL_SECRET),
                // stdout is the kubeconfig; only stderr (sudo, kubectl) may reach the logs.
                logging: command.types.enums.remote.Logging.Stderr,
                // The previous stdout is the kubeconfig: it must not travel in an environment.
                addPreviousOutputInEnv: false,
            },
            {
                parent: this,
                // The platform starts on the whole cluster: its HA replicas spread over nodes
                // with hard anti-affinity (Argo CD's Redis needs three), and every server has
                // checked that the API answers where this kubeconfig points.
                dependsOn: [lastServer, ...previousWave],
                additionalSecretOutputs: ["stdout"],
                deleteBeforeReplace: true,
                // api-credential.sh waits two minutes for its token at most.
                customTimeouts: { create: "5m", update: "5m" },
            },
        );
        this.kubeconfig = pulumi.secret(credential.stdout.apply((text) => pointAt(text, apiAddress)));
        this.metrics = {
            servers: servers.map((s) => s.address),
            nodes: args.nodes.map((n) => n.address),
            etcd: cluster.embeddedEtcd,
        };
        this.registerOutputs({ kubeconfig: this.kubeconfig, metrics: this.metrics });
    }
}
