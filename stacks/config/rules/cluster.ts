// Rules of how the program reaches the cluster: nodes to install K3s on or an existing cluster's
// kubeconfig, enough servers for the datastore, nodes named once, and etcd snapshots' target.
import { K3S_VERSION, MIN_KUBERNETES } from "../../../components/shared/versions";
import { SECRET_EXAMPLES } from "../schema";
import { duplicates, Problem, Rule } from "./context";

const NODE_EXAMPLE = "[{ name: k3s-server-1, address: 192.168.10.11, role: server, user: admin }]";

export const oneClusterSource: Rule = ({ nodes, secrets }) => {
    const hasNodes = nodes.length > 0;
    const hasKubeconfig = secrets.has("kubeconfig");
    if (!hasNodes && !hasKubeconfig) {
        return [
            {
                key: "cluster.nodes",
                message:
                    "no cluster to reach: list the nodes to install K3s on, or set the secret kubeconfig of an existing cluster",
                example: NODE_EXAMPLE,
            },
        ];
    }
    if (hasNodes && hasKubeconfig) {
        return [
            {
                key: "kubeconfig",
                message:
                    "is set together with cluster.nodes; keep one: nodes to bootstrap K3s, or kubeconfig for an existing cluster",
                example: "pulumi config rm kubeconfig",
            },
        ];
    }
    return [];
};

export const kubeconfigReadable: Rule = ({ kubeconfig }) =>
    kubeconfig !== undefined && "problem" in kubeconfig
        ? [{ key: "kubeconfig", message: kubeconfig.problem, example: SECRET_EXAMPLES.kubeconfig }]
        : [];

export const serverCount: Rule = ({ nodes, environment, profile }) => {
    if (nodes.length === 0) {
        return [];
    }
    const servers = nodes.filter((n) => n.role === "server").length;
    const problems: Problem[] = [];
    if (servers === 0) {
        problems.push({
            key: "cluster.nodes",
            message: "has no server; the first server initialises the cluster",
            example: NODE_EXAMPLE,
        });
    } else if (servers % 2 === 0) {
        problems.push({
            key: "cluster.nodes",
            message: `has ${servers} servers; embedded etcd needs an odd number to keep quorum`,
            example: "1, 3 or 5 nodes with role: server",
        });
    }
    if (servers > 0 && servers < profile.minServers) {
        problems.push({
            key: "cluster.nodes",
            message: `has ${servers} server(s); ${environment} needs at least ${profile.minServers} for a highly available control plane`,
            example: `${profile.minServers} nodes with role: server`,
        });
    }
    return problems;
};

export const uniqueNodes: Rule = ({ nodes }) => {
    return [
        ...duplicates(nodes, "cluster.nodes", "name", "node names"),
        ...duplicates(nodes, "cluster.nodes", "address", "node addresses"),
    ];
};

// Only where snapshots are taken: elsewhere the target is unused (a warning says so), and its
// keys would be asked for nothing.
export const snapshotTarget: Rule = ({ config, nodes, profile, secrets }) =>
    config.cluster.etcdS3 === undefined || nodes.length === 0 || !profile.etcdSnapshots.enabled
        ? []
        : (["etcdS3AccessKey", "etcdS3SecretKey"] as const)
              .filter((key) => !secrets.has(key))
              .map((key) => ({
                  key,
                  message: "required: cluster.etcdS3 stores etcd snapshots in S3",
                  example: SECRET_EXAMPLES[key],
              }));

/** `who` reaches an S3 endpoint one way: plain HTTP, TLS it does not verify, or TLS verified
 *  against the CA; with skip-verify it ignores the CA, with plain HTTP both. */
export function oneTransport(
    key: string,
    target: { insecure: boolean; skipSslVerify: boolean; caCert?: string } | undefined,
    who: string,
    bucket: string,
): Problem[] {
    const ways = target ? (["insecure", "skipSslVerify", "caCert"] as const).filter((way) => target[way]) : [];
    return ways.length > 1
        ? [
              {
                  key,
                  message: `sets ${ways.join(" and ")}, but ${who} reaches the endpoint one way: plain HTTP (insecure), unverified TLS (skipSslVerify) or TLS verified against caCert`,
                  example: `{ endpoint: minio.home.arpa:9000, bucket: ${bucket}, caCert: <PEM> }`,
              },
          ]
        : [];
}

export const snapshotTransport: Rule = ({ config }) =>
    oneTransport("cluster.etcdS3", config.cluster.etcdS3, "K3s", "k3s-snapshots");

// Pulumi's v4 Chart hands Helm the cluster's version, and Helm refuses a chart whose kubeVersion
// it does not meet: on an older K3s the platform's charts would never install.
export const k3sVersionSupported: Rule = ({ config }) => {
    const version = config.cluster.k3sVersion;
    const [major, minor] = (version ?? "").slice(1).split(".").map(Number);
    const tooOld = major < MIN_KUBERNETES.major || (major === MIN_KUBERNETES.major && minor < MIN_KUBERNETES.minor);
    return version !== undefined && tooOld
        ? [
              {
                  key: "cluster.k3sVersion",
                  message: `${JSON.stringify(version)} is Kubernetes ${major}.${minor}; the pinned charts need ${MIN_KUBERNETES.major}.${MIN_KUBERNETES.minor} or newer (their Chart.yaml kubeVersion), and Helm would refuse to install them`,
                  example: JSON.stringify(K3S_VERSION),
              },
          ]
        : [];
};
