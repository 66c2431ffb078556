// K3s on the homelab's nodes over SSH: the first server forms the cluster, the other servers
// join one at a time (etcd membership changes must not race), agents join in up to three waves
// once the first server is Ready, so a change never restarts every worker at once. One command
// per node runs components/k3s/install.sh, which first saves the node's settings, the cluster
// token included, as a root-only /etc/rancher/k3s/config.yaml. Where asked, each node is drained
// before its install runs again; the first server then gives Pulumi a credential of its own.
import { createHash } from "node:crypto";
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
import { agentConfig, K3sClusterSettings, K3sNode, serverConfig, SnapshotTarget } from "./config";
import { K3sMetrics } from "../monitoring/k3s-scrapes";

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
    /** Scheduled etcd snapshots (they imply embedded etcd), also to an S3 target with its keys.
     *  Default none. */
    snapshots?: {
        schedule: string;
        retention: number;
        s3?: SnapshotTarget & { accessKey: pulumi.Input<string>; secretKey: pulumi.Input<string> };
    };
    /** Cordon and drain each node before its install runs again (a server drains itself, the
     *  first server drains an agent) and uncordon it once Ready on the new generation. Default false. */
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

function digest(text: string): string {
    return createHash("sha256").update(text).digest("hex");
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
        const apiAddress = args.apiAddress ?? args.vip?.address ?? first.address;
        const cluster: K3sClusterSettings = {
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
            .all([token.result, args.snapshots?.s3?.accessKey, args.snapshots?.s3?.secretKey])
            .apply(([tokenValue, accessKey, secretKey]) => ({
                token: tokenValue,
                ...(accessKey && secretKey ? { "etcd-s3-access-key": accessKey, "etcd-s3-secret-key": secretKey } : {}),
            }));

        /** A node's install, after `after`; new settings or a new release run it again. With
         *  `drain`, a server (the node itself, or the first for an agent) cordons and drains it
         *  first and uncordons it once it is Ready on the new generation. Returns what the nodes
         *  after it wait for. */
        // Servers get kube-vip's static pod (base64, one shell word) when there is a VIP.
        const staticPod = args.vip ? Buffer.from(kubeVipManifest(args.vip)).toString("base64") : undefined;
        const rollOut = (node: K3sNode, settings: Record<string, unknown>, after: pulumi.Resource[]) => {
            const pod = node.role === "server" && staticPod ? ` ${staticPod}` : "";
            const run = `sudo -n bash -s -- ${node.role} ${args.version} ${node.name}${pod}`;
            const inputs = {
                connection: sshConnection(node, args.sshPrivateKey),
                create: run,
                // `update` as well: without it a change would replace the command, and a
                // replacement runs `delete`, the uninstall.
                update: run,
                delete: uninstallCommand(node),
                stdin: pulumi.secret(secretSettings.apply((secrets) => installInput({ ...settings, ...secrets }))),
            };
            // Replaced, so run again, whenever the install runs again: on a change of any of its
            // inputs, which the generation digests. Any other change (of drain.sh, say) updates
            // them with `true`: a drain must never run without its install and uncordon.
            const generation = pulumi
                .all([inputs.connection, inputs.stdin])
                .apply(([connection, stdin]) => digest(JSON.stringify([connection, run, inputs.delete, stdin])));
            const onEveryRun = (step: string, create: string, dependsOn: pulumi.Resource[], stdin?: string) =>
                new command.remote.Command(
                    `${name}-${node.name}-${step}`,
                    {
                        connection: sshConnection(node.role === "server" ? node : first, args.sshPrivateKey),
                        create,
                        update: "true",
                        ...(stdin ? { stdin } : {}),
                        triggers: [generation],
                    },
                    // kubectl drain gives up after 10 minutes.
                    { parent: this, dependsOn, customTimeouts: { create: "15m" } },
                );
            const drain = args.drain
                ? onEveryRun("drain", `sudo -n bash -s -- ${node.name}`, after, DRAIN_SCRIPT)
                : undefined;
            const install = new command.remote.Command(`${name}-${node.name}`, inputs, {
                parent: this,
                dependsOn: drain ? [drain, ...after] : after,
                protect: args.protect && node.role === "server",
                customTimeouts: { create: "20m", update: "20m" },
            });
            return drain ? onEveryRun("uncordon", uncordonCommand(node), [install]) : install;
        };

        let previous = rollOut(first, serverConfig(cluster, first, "first"), []);
        const firstReady = previous;
        for (const server of servers.slice(1)) {
            previous = rollOut(server, serverConfig(cluster, server, "joining"), [previous]);
        }
        // Agents start once the first server is Ready (each waits inside install.sh until every
        // server runs its release); drained agents only after the last server, so that none is
        // held cordoned while the servers restart.
        const agentsAfter = args.drain ? previous : firstReady;
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
                return rollOut(agent, agentConfig(cluster, agent), [agentsAfter, removal, ...previousWave]);
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
                dependsOn: [firstReady],
                additionalSecretOutputs: ["stdout"],
                deleteBeforeReplace: true,
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
