// K3s's settings for each node, as the /etc/rancher/k3s/config.yaml K3s reads when it starts
// (keys are the `k3s server` / `k3s agent` flags without their dashes; see docs.k3s.io/cli).
// Each role gets only the keys it accepts: `k3s server` skips a key it does not know, but
// `k3s agent` turns every key into a flag and stops at one it lacks ("flag provided but not
// defined"; k3s-io/k3s pkg/configfilearg/defaultparser.go, ValidFlags lists server and
// etcd-snapshot only). An agent's keys are all in `NewAgentCommand`'s flags
// (pkg/cli/cmds/agent.go at the pinned release).
import { S3Target } from "../shared/s3-target";
import { HARDENED_API_SERVER_ARGS, HARDENED_NODE } from "./hardening";

/** The ingress class K3s's packaged Traefik serves. */
export const K3S_INGRESS_CLASS = "traefik";

/** One node of the cluster. */
export interface K3sNode {
    readonly name: string;
    readonly address: string;
    readonly role: "server" | "agent";
    readonly user: string;
    readonly port: number;
    /** The SSH host key to insist on; none: any (dev). */
    readonly hostKey?: string;
    readonly labels: Readonly<Record<string, string>>;
    readonly taints: readonly string[];
}

/** The settings every server shares (K3s refuses servers whose cluster-wide flags differ). */
export interface K3sClusterSettings {
    /** Address clients use for the API; a TLS SAN of every server. */
    readonly apiAddress: string;
    /** The API's virtual IP (kube-vip); a TLS SAN of every server too. Default none. */
    readonly vip?: string;
    /** Address new nodes join through: the VIP, else the first server's. */
    readonly joinAddress: string;
    /** Keep K3s's packaged Traefik as the ingress controller. */
    readonly traefik: boolean;
    /** Embedded etcd (HA, snapshots) instead of SQLite. */
    readonly embeddedEtcd: boolean;
    /** Encrypt Secrets at rest. */
    readonly secretsEncryption: boolean;
    /** K3s's CIS hardening (docs.k3s.io/security/hardening-guide). Default false. */
    readonly hardening?: boolean;
    /** Scheduled etcd snapshots, when embedded etcd runs. */
    readonly snapshots?: { readonly schedule: string; readonly retention: number; readonly s3?: S3Target };
}

/** Where a server stands in the cluster's formation. */
export type ServerPlace = "first" | "joining";

// Metrics of the control plane, off localhost so Prometheus (monitoring) can scrape them; the
// controller-manager and scheduler still require an authorized token.
const CONTROL_PLANE_METRICS = {
    "kube-controller-manager-arg": ["bind-address=0.0.0.0"],
    "kube-scheduler-arg": ["bind-address=0.0.0.0"],
};
const PROXY_METRICS = { "kube-proxy-arg": ["metrics-bind-address=0.0.0.0:10249"] };

function nodeSettings(node: K3sNode): Record<string, unknown> {
    return {
        "node-name": node.name,
        "node-ip": node.address,
        ...(Object.keys(node.labels).length > 0
            ? { "node-label": Object.entries(node.labels).map(([key, value]) => `${key}=${value}`) }
            : {}),
        ...(node.taints.length > 0 ? { "node-taint": [...node.taints] } : {}),
    };
}

/** A server's config.yaml settings, without the token and S3 keys (the secrets). */
export function serverConfig(cluster: K3sClusterSettings, node: K3sNode, place: ServerPlace): Record<string, unknown> {
    const snapshots = cluster.embeddedEtcd ? cluster.snapshots : undefined;
    return {
        ...(place === "first"
            ? cluster.embeddedEtcd
                ? { "cluster-init": true }
                : {}
            : { server: `https://${cluster.joinAddress}:6443` }),
        ...nodeSettings(node),
        "tls-san": [...new Set([cluster.apiAddress, ...(cluster.vip ? [cluster.vip] : [])])],
        // MetalLB hands out LoadBalancer addresses, so K3s's servicelb stays off.
        disable: cluster.traefik ? ["servicelb"] : ["servicelb", "traefik"],
        "write-kubeconfig-mode": "0600",
        ...(cluster.secretsEncryption ? { "secrets-encryption": true } : {}),
        ...(snapshots
            ? {
                  "etcd-snapshot-schedule-cron": snapshots.schedule,
                  "etcd-snapshot-retention": snapshots.retention,
                  ...(snapshots.s3
                      ? {
                            "etcd-s3": true,
                            "etcd-s3-endpoint": snapshots.s3.endpoint,
                            "etcd-s3-bucket": snapshots.s3.bucket,
                            ...(snapshots.s3.folder ? { "etcd-s3-folder": snapshots.s3.folder } : {}),
                            ...(snapshots.s3.region ? { "etcd-s3-region": snapshots.s3.region } : {}),
                            ...(snapshots.s3.insecure ? { "etcd-s3-insecure": true } : {}),
                            ...(snapshots.s3.skipSslVerify ? { "etcd-s3-skip-ssl-verify": true } : {}),
                            // K3s takes the CA inline as base64 of the PEM (or as a file path), so
                            // no file has to reach the node first.
                            ...(snapshots.s3.caCert
                                ? { "etcd-s3-endpoint-ca": Buffer.from(snapshots.s3.caCert).toString("base64") }
                                : {}),
                        }
                      : {}),
              }
            : {}),
        ...CONTROL_PLANE_METRICS,
        ...PROXY_METRICS,
        ...(cluster.embeddedEtcd ? { "etcd-expose-metrics": true } : {}),
        ...(cluster.hardening
            ? {
                  ...HARDENED_NODE,
                  "kube-apiserver-arg": HARDENED_API_SERVER_ARGS,
                  // The metrics bind address stays; the guide adds the garbage collection threshold.
                  "kube-controller-manager-arg": [
                      ...CONTROL_PLANE_METRICS["kube-controller-manager-arg"],
                      "terminated-pod-gc-threshold=100",
                  ],
                  // The hardening guide turns secrets encryption on as well.
                  "secrets-encryption": true,
              }
            : {}),
    };
}

/** An agent's config.yaml settings, without the token. */
export function agentConfig(cluster: K3sClusterSettings, node: K3sNode): Record<string, unknown> {
    return {
        server: `https://${cluster.joinAddress}:6443`,
        ...nodeSettings(node),
        ...PROXY_METRICS,
        ...(cluster.hardening ? HARDENED_NODE : {}),
    };
}
