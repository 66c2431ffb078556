// Node settings K3s or the kubelet would refuse at start, or that collide with K3s's own
// networks: caught before anything is installed, each with what K3s would do.
import { AddressBlock, hostBlock, overlaps, parseBlock, parseIPv4 } from "../ipv4";
import type { Problem, RuleContext } from "./context";
import { inside, serversLan } from "./lan";

/** Labels the kubelet may set on its own Node (k8s.io/kubelet `IsKubeletLabel`): any other
 *  label in the kubernetes.io or k8s.io namespaces makes it refuse `--node-labels` and exit. */
const KUBELET_LABELS = new Set([
    "kubernetes.io/hostname",
    "kubernetes.io/arch",
    "kubernetes.io/os",
    "beta.kubernetes.io/arch",
    "beta.kubernetes.io/os",
    "beta.kubernetes.io/instance-type",
    "node.kubernetes.io/instance-type",
    "failure-domain.beta.kubernetes.io/region",
    "failure-domain.beta.kubernetes.io/zone",
    "topology.kubernetes.io/region",
    "topology.kubernetes.io/zone",
]);
const KUBELET_NAMESPACES = ["kubelet.kubernetes.io", "node.kubernetes.io"];

/** Whether the kubelet refuses a node label key. */
function kubeletRefuses(key: string): boolean {
    const slash = key.indexOf("/");
    if (slash < 0) return false;
    const prefix = key.slice(0, slash);
    const reserved = ["kubernetes.io", "k8s.io"].some((ns) => prefix === ns || prefix.endsWith(`.${ns}`));
    if (!reserved || KUBELET_LABELS.has(key)) return false;
    return !KUBELET_NAMESPACES.some((ns) => prefix === ns || prefix.endsWith(`.${ns}`));
}

const nodeLabels = ({ nodes }: RuleContext): Problem[] =>
    nodes.flatMap((node, i) =>
        Object.keys(node.labels)
            .filter(kubeletRefuses)
            .map((key) => ({
                key: `cluster.nodes[${i}].labels`,
                message: `"${key}" is in the kubernetes.io/k8s.io namespace the kubelet reserves; it refuses the label and K3s does not start (set such labels with kubectl after the node joined)`,
                example: '{ "homelab.dev/role": "storage" }',
            })),
    );

/** K3s's default pod and service networks (`cluster-cidr`, `service-cidr`), which node addresses,
 *  the VIP and the pools must stay out of: every node routes them to pods or services. */
export const K3S_NETWORKS: readonly { readonly name: string; readonly block: AddressBlock }[] = [
    { name: "K3s's pod network 10.42.0.0/16", block: parseBlock("10.42.0.0/16")! },
    { name: "K3s's service network 10.43.0.0/16", block: parseBlock("10.43.0.0/16")! },
];
/** Addresses no node can be reached at. */
const UNREACHABLE: readonly { readonly name: string; readonly block: AddressBlock }[] = [
    { name: "the unspecified address", block: parseBlock("0.0.0.0/32")! },
    { name: "loopback", block: parseBlock("127.0.0.0/8")! },
    { name: "link-local", block: parseBlock("169.254.0.0/16")! },
    { name: "multicast", block: parseBlock("224.0.0.0/4")! },
    { name: "the broadcast address", block: parseBlock("255.255.255.255/32")! },
];

const NODE_ADDRESS_EXAMPLE = '"192.168.10.11"';
const API_EXAMPLE = '"192.168.10.10"';

function addressProblems(key: string, text: string, what: string, example = NODE_ADDRESS_EXAMPLE): Problem[] {
    const address = parseIPv4(text);
    if (address === undefined) return [];
    const host = hostBlock(address);
    const unreachable = UNREACHABLE.find((u) => overlaps(u.block, host));
    if (unreachable) return [{ key, message: `${text} is ${unreachable.name}; ${what}`, example }];
    return K3S_NETWORKS.filter((n) => overlaps(n.block, host)).map((n) => ({
        key,
        message: `${text} is inside ${n.name}; routes to it would go to pods or services, not to the host`,
        example,
    }));
}

const nodeAddresses = ({ nodes }: RuleContext): Problem[] =>
    nodes.flatMap((node, i) =>
        addressProblems(
            `cluster.nodes[${i}].address`,
            node.address,
            "SSH and the other nodes cannot reach a node there",
        ),
    );

const apiAddress = ({ config, nodes }: RuleContext): Problem[] => {
    const address = config.cluster.apiAddress;
    if (address === undefined) return [];
    const agent = nodes.find((n) => n.role === "agent" && n.address === address);
    if (agent)
        return [
            {
                key: "cluster.apiAddress",
                message: `${address} is agent ${agent.name}'s address; agents serve no API (the VIP or a server's address)`,
                example: API_EXAMPLE,
            },
        ];
    return addressProblems("cluster.apiAddress", address, "clients cannot reach the API there", API_EXAMPLE);
};

const vipAddress = ({ config, nodes }: RuleContext): Problem[] => {
    const vip = config.cluster.vip;
    if (vip === undefined) return [];
    const node = nodes.find((n) => n.address === vip.address);
    if (node)
        return [
            {
                key: "cluster.vip.address",
                message: `${vip.address} is node ${node.name}'s own address; the VIP must be a free address kube-vip can move between the servers`,
                example: API_EXAMPLE,
            },
        ];
    return addressProblems("cluster.vip.address", vip.address, "kube-vip cannot announce it", API_EXAMPLE);
};

const hostKeys = ({ nodes, environment, profile }: RuleContext): Problem[] =>
    profile.pinnedHostKeys
        ? nodes.flatMap((node, i) =>
              node.hostKey === undefined
                  ? [
                        {
                            key: `cluster.nodes[${i}].hostKey`,
                            message: `required in ${environment} (profile pinnedHostKeys): without it SSH accepts any host key, and the cluster token would go to whoever answers at ${node.address}; get it with ssh-keyscan -t ed25519 ${node.address}, without the host name`,
                            example:
                                '"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"',
                        },
                    ]
                  : [],
          )
        : [];

// kube-vip announces the VIP by ARP from the server holding it: off the servers' link, no client's
// ARP request reaches it.
const vipOnLan = (ctx: RuleContext): Problem[] => {
    const vip = ctx.config.cluster.vip;
    const address = vip === undefined ? undefined : parseIPv4(vip.address);
    const lan = serversLan(ctx);
    return address === undefined || lan === undefined || inside(hostBlock(address), lan.block)
        ? []
        : [
              {
                  key: "cluster.vip.address",
                  message: `${vip!.address} is not on ${lan.described}; kube-vip announces it by ARP from a server, so nothing off that link reaches the API there`,
                  example: API_EXAMPLE,
              },
          ];
};

/** A taint that keeps every pod without its toleration off the node (PreferNoSchedule only
 *  discourages). */
const BLOCKING_TAINT = /:(NoSchedule|NoExecute)$/;

// The platform's pods (Argo CD, cert-manager, MetalLB's controller, monitoring) tolerate no custom
// taint: with every node tainted the scheduler places none of them, and `pulumi up` waits on
// Deployments that stay Pending.
const schedulableNode = ({ nodes }: RuleContext): Problem[] =>
    nodes.length > 0 && nodes.every((n) => n.taints.some((t) => BLOCKING_TAINT.test(t)))
        ? [
              {
                  key: "cluster.nodes",
                  message: `every node has a NoSchedule or NoExecute taint; the platform's pods tolerate none of them, so the scheduler would place none and every Deployment would stay Pending`,
                  example: "leave one node's taints empty, or use PreferNoSchedule",
              },
          ]
        : [];

export const NODE_RULES = [
    nodeLabels,
    nodeAddresses,
    apiAddress,
    vipAddress,
    vipOnLan,
    schedulableNode,
    hostKeys,
] as const;
