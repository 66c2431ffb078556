// An evaluator of Kubernetes NetworkPolicy (networking.k8s.io/v1) semantics over rendered manifests,
// to prove that the platform's default-deny policies still admit the traffic it needs. It follows
// the Kubernetes documentation ("Network Policies", and the API reference of NetworkPolicySpec,
// NetworkPolicyPeer and NetworkPolicyPort):
// - a pod is isolated for a direction when a policy of its namespace selects it and lists that
//   direction in policyTypes (default: Ingress, plus Egress when the policy has egress rules);
// - an isolated pod accepts what at least one rule of one selecting policy allows (a union);
// - a connection between pods needs the source's egress and the destination's ingress.
// Not modelled, as no proof should lean on them: the local node's traffic, which a CNI always admits
// (the source would have to be the destination's own node), a pod's traffic to itself, and host
// network pods. A manifest the API server would reject (an unknown operator, an endPort without a
// numeric port, a peer with no selector) throws, rather than being read some arbitrary way.

export type Labels = Readonly<Record<string, string>>;

/** A source of traffic: a pod (its namespace and labels), or an address outside the pod network (e.g. the API server on a node, which K3s runs in its host process: its source address is a node IP). */
export type Source = { readonly namespace: string; readonly pod: Labels } | { readonly ip: string };

/** A destination: a pod template's namespace, labels and containers (for named ports), and a port. */
export interface Destination {
    readonly namespace: string;
    readonly pod: Labels;
    readonly containers?: readonly Record<string, unknown>[];
    readonly port: number | string;
    readonly protocol?: "TCP" | "UDP" | "SCTP";
}

type Protocol = "TCP" | "UDP" | "SCTP";
type PolicyType = "Ingress" | "Egress";

type Manifest = Record<string, unknown>;

/** The far end of a rule: the source for an ingress rule, the destination for an egress rule. */
type Peer = { readonly namespace: string; readonly pod: Labels } | { readonly ip: string };

/** The port a connection is opened to, with a pod's containers to resolve named ports against. */
interface Target {
    readonly port: number;
    readonly protocol: Protocol;
    readonly containers: readonly Record<string, unknown>[];
}

interface Policy {
    readonly name: string;
    readonly namespace: string;
    readonly podSelector: Record<string, unknown>;
    readonly types: ReadonlySet<PolicyType>;
    readonly ingress: readonly Record<string, unknown>[];
    readonly egress: readonly Record<string, unknown>[];
}

const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";
const PROTOCOLS: readonly Protocol[] = ["TCP", "UDP", "SCTP"];

const isRecord = (value: unknown): value is Record<string, unknown> =>
    typeof value === "object" && value !== null && !Array.isArray(value);

function recordOf(value: unknown, what: string): Record<string, unknown> | undefined {
    if (value === undefined || value === null) return undefined;
    if (!isRecord(value)) throw new Error(`${what} is not an object`);
    return value;
}

function listOf(value: unknown, what: string): readonly unknown[] | undefined {
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value)) throw new Error(`${what} is not a list`);
    return value as readonly unknown[];
}

function recordsOf(value: unknown, what: string): readonly Record<string, unknown>[] {
    return (listOf(value, what) ?? []).map((item, i) => recordOf(item, `${what}[${i}]`) ?? {});
}

/** Every manifest, with the items of `List` kinds spread in. */
function flatten(manifests: readonly Manifest[]): Manifest[] {
    return manifests.flatMap((manifest) =>
        typeof manifest.kind === "string" && manifest.kind.endsWith("List") && Array.isArray(manifest.items)
            ? flatten(recordsOf(manifest.items, `${manifest.kind}.items`))
            : [manifest],
    );
}

/** Whether a label selector (matchLabels/matchExpressions) matches labels. An empty selector matches
 *  everything; so does `undefined`, read as NetworkPolicySpec.podSelector reads it (a required field
 *  whose absence is an empty selector). A peer's absent selectors mean something else, and are
 *  handled before this is called. */
export function selects(selector: Record<string, unknown> | undefined, labels: Labels): boolean {
    if (selector === undefined) return true;
    const matchLabels = recordOf(selector.matchLabels, "matchLabels") ?? {};
    for (const [key, value] of Object.entries(matchLabels)) {
        if (typeof value !== "string") throw new Error(`matchLabels.${key} is not a string`);
        if (labels[key] !== value) return false;
    }
    return recordsOf(selector.matchExpressions, "matchExpressions").every((expression) =>
        matchesExpression(expression, labels),
    );
}

function matchesExpression(expression: Record<string, unknown>, labels: Labels): boolean {
    const { key, operator } = expression;
    if (typeof key !== "string" || key === "") throw new Error("a matchExpressions entry has no key");
    const values = listOf(expression.values, `matchExpressions ${key}: values`) ?? [];
    if (!values.every((value) => typeof value === "string"))
        throw new Error(`matchExpressions ${key}: values must be strings`);
    const has = Object.prototype.hasOwnProperty.call(labels, key);
    switch (operator) {
        case "In":
        case "NotIn": {
            if (values.length === 0) throw new Error(`matchExpressions ${key} ${operator}: values must not be empty`);
            const within = has && values.includes(labels[key]);
            // NotIn also matches labels without the key.
            return operator === "In" ? within : !within;
        }
        case "Exists":
        case "DoesNotExist":
            if (values.length !== 0) throw new Error(`matchExpressions ${key} ${operator}: values must be empty`);
            return operator === "Exists" ? has : !has;
        default:
            throw new Error(`matchExpressions ${key}: unknown operator ${JSON.stringify(operator)}`);
    }
}

/** The labels of every namespace named by a Namespace manifest; the API server sets
 *  kubernetes.io/metadata.name to the name on each, whatever the manifest says. */
function namespaceLabels(manifests: readonly Manifest[]): (name: string) => Labels {
    const known = new Map<string, Labels>();
    for (const manifest of manifests) {
        if (manifest.kind !== "Namespace" || manifest.apiVersion !== "v1") continue;
        const metadata = recordOf(manifest.metadata, "Namespace metadata") ?? {};
        if (typeof metadata.name !== "string") throw new Error("a Namespace has no name");
        const labels = recordOf(metadata.labels, `Namespace ${metadata.name}: labels`) ?? {};
        for (const [key, value] of Object.entries(labels))
            if (typeof value !== "string") throw new Error(`Namespace ${metadata.name}: label ${key} is not a string`);
        known.set(metadata.name, labels as Labels);
    }
    return (name) => ({ ...known.get(name), [NAMESPACE_NAME_LABEL]: name });
}

function policiesOf(manifests: readonly Manifest[]): Policy[] {
    return manifests
        .filter((manifest) => manifest.kind === "NetworkPolicy" && manifest.apiVersion === "networking.k8s.io/v1")
        .map((manifest) => {
            const metadata = recordOf(manifest.metadata, "NetworkPolicy metadata") ?? {};
            const name = metadata.name;
            if (typeof name !== "string" || name === "") throw new Error("a NetworkPolicy has no name");
            const namespace = typeof metadata.namespace === "string" ? metadata.namespace : "default";
            const what = `NetworkPolicy ${namespace}/${name}`;
            const spec = recordOf(manifest.spec, `${what}: spec`) ?? {};
            const ingress = recordsOf(spec.ingress, `${what}: ingress`);
            const egress = recordsOf(spec.egress, `${what}: egress`);
            const declared = listOf(spec.policyTypes, `${what}: policyTypes`) ?? [];
            for (const type of declared)
                if (type !== "Ingress" && type !== "Egress")
                    throw new Error(`${what}: unknown policy type ${JSON.stringify(type)}`);
            // Unset (or empty) policyTypes: Ingress always, Egress when there are egress rules.
            const types = new Set<PolicyType>(
                declared.length > 0
                    ? (declared as PolicyType[])
                    : egress.length > 0
                      ? ["Ingress", "Egress"]
                      : ["Ingress"],
            );
            const podSelector = recordOf(spec.podSelector, `${what}: podSelector`) ?? {};
            return { name, namespace, podSelector, types, ingress, egress };
        });
}

// ---- Addresses ------------------------------------------------------------------------------------

interface Address {
    readonly bits: 32 | 128;
    readonly value: bigint;
}

function parseIPv4(text: string): bigint | undefined {
    const octets = text.split(".");
    if (octets.length !== 4 || !octets.every((octet) => /^(0|[1-9][0-9]{0,2})$/.test(octet) && Number(octet) <= 255))
        return undefined;
    return octets.reduce((value, octet) => (value << 8n) | BigInt(octet), 0n);
}

function parseIPv6(text: string): bigint | undefined {
    const halves = text.split("::");
    if (halves.length > 2) return undefined;
    const groupsOf = (part: string): bigint[] | undefined => {
        if (part === "") return [];
        const groups: bigint[] = [];
        const pieces = part.split(":");
        for (const [i, piece] of pieces.entries()) {
            if (i === pieces.length - 1 && piece.includes(".")) {
                const v4 = parseIPv4(piece);
                if (v4 === undefined) return undefined;
                groups.push(v4 >> 16n, v4 & 0xffffn);
            } else if (/^[0-9a-fA-F]{1,4}$/.test(piece)) groups.push(BigInt(`0x${piece}`));
            else return undefined;
        }
        return groups;
    };
    const head = groupsOf(halves[0]);
    const tail = halves.length === 2 ? groupsOf(halves[1]) : [];
    if (head === undefined || tail === undefined) return undefined;
    const missing = 8 - head.length - tail.length;
    if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
    return [...head, ...Array<bigint>(missing).fill(0n), ...tail].reduce((value, group) => (value << 16n) | group, 0n);
}

function parseAddress(text: string): Address | undefined {
    const v4 = parseIPv4(text);
    if (v4 !== undefined) return { bits: 32, value: v4 };
    const v6 = text.includes(":") ? parseIPv6(text) : undefined;
    return v6 === undefined ? undefined : { bits: 128, value: v6 };
}

/** Whether a CIDR (host bits allowed, as the API server allows them) contains an address. */
function contains(cidr: string, address: Address): boolean {
    const [network, prefixText, ...rest] = cidr.split("/");
    const base = parseAddress(network);
    const prefix = Number(prefixText);
    if (base === undefined || rest.length > 0 || !/^[0-9]{1,3}$/.test(prefixText ?? "") || prefix > base.bits)
        throw new Error(`ipBlock: ${cidr} is not a CIDR`);
    if (base.bits !== address.bits) return false;
    const shift = BigInt(base.bits - prefix);
    return base.value >> shift === address.value >> shift;
}

// ---- Rules ----------------------------------------------------------------------------------------

/** Whether one NetworkPolicyPeer of `policy` matches the far end. */
function peerMatches(
    peer: Record<string, unknown>,
    policy: Policy,
    far: Peer,
    labelsOf: (namespace: string) => Labels,
): boolean {
    const what = `NetworkPolicy ${policy.namespace}/${policy.name}`;
    const ipBlock = recordOf(peer.ipBlock, `${what}: ipBlock`);
    const podSelector = recordOf(peer.podSelector, `${what}: podSelector`);
    const namespaceSelector = recordOf(peer.namespaceSelector, `${what}: namespaceSelector`);
    if (ipBlock !== undefined) {
        if (podSelector !== undefined || namespaceSelector !== undefined)
            throw new Error(`${what}: a peer with an ipBlock cannot have selectors`);
        if (typeof ipBlock.cidr !== "string") throw new Error(`${what}: ipBlock has no cidr`);
        // A pod is known here by its labels, not its (ephemeral) address: ipBlock matches no pod.
        if (!("ip" in far)) return false;
        const address = parseAddress(far.ip);
        if (address === undefined) throw new Error(`source ${far.ip} is not an IP address`);
        const except = listOf(ipBlock.except, `${what}: ipBlock.except`) ?? [];
        return (
            contains(ipBlock.cidr, address) &&
            !except.some((cidr) => {
                if (typeof cidr !== "string") throw new Error(`${what}: ipBlock.except holds a non-string`);
                return contains(cidr, address);
            })
        );
    }
    if (podSelector === undefined && namespaceSelector === undefined)
        throw new Error(`${what}: a peer needs a podSelector, a namespaceSelector or an ipBlock`);
    if ("ip" in far) return false;
    // No namespaceSelector: the policy's own namespace. No podSelector: every pod.
    const inNamespace =
        namespaceSelector === undefined
            ? far.namespace === policy.namespace
            : selects(namespaceSelector, labelsOf(far.namespace));
    return inNamespace && (podSelector === undefined || selects(podSelector, far.pod));
}

function protocolOf(value: unknown, what: string): Protocol {
    if (value === undefined || value === null) return "TCP";
    if (!PROTOCOLS.includes(value as Protocol)) throw new Error(`${what}: unknown protocol ${JSON.stringify(value)}`);
    return value as Protocol;
}

/** The number of the container port named `name` with `protocol`, if a container declares one. */
function namedPort(
    name: string,
    protocol: Protocol,
    containers: readonly Record<string, unknown>[],
): number | undefined {
    for (const container of containers)
        for (const port of recordsOf(container.ports, "container ports"))
            if (port.name === name && protocolOf(port.protocol, `container port ${name}`) === protocol)
                return typeof port.containerPort === "number" ? port.containerPort : undefined;
    return undefined;
}

/** Whether one NetworkPolicyPort matches the target port. */
function portMatches(entry: Record<string, unknown>, policy: Policy, target: Target): boolean {
    const what = `NetworkPolicy ${policy.namespace}/${policy.name}`;
    const { port, endPort } = entry;
    if (endPort !== undefined && endPort !== null) {
        if (typeof port !== "number") throw new Error(`${what}: endPort needs a numeric port`);
        if (typeof endPort !== "number" || endPort < port) throw new Error(`${what}: endPort is below port`);
    }
    if (protocolOf(entry.protocol, what) !== target.protocol) return false;
    if (port === undefined || port === null) return true;
    if (typeof port === "number")
        return typeof endPort === "number" ? port <= target.port && target.port <= endPort : port === target.port;
    if (typeof port === "string") return namedPort(port, target.protocol, target.containers) === target.port;
    throw new Error(`${what}: port is neither a number nor a name`);
}

/** Whether one rule (peers in `peersKey`: `from` or `to`) allows the far end on the target port.
 *  An empty or absent list of peers or ports allows every peer or port. */
function ruleAllows(
    rule: Record<string, unknown>,
    peersKey: "from" | "to",
    policy: Policy,
    far: Peer,
    target: Target,
    labelsOf: (namespace: string) => Labels,
): boolean {
    const what = `NetworkPolicy ${policy.namespace}/${policy.name}`;
    const peers = recordsOf(rule[peersKey], `${what}: ${peersKey}`);
    const ports = recordsOf(rule.ports, `${what}: ports`);
    return (
        (peers.length === 0 || peers.some((peer) => peerMatches(peer, policy, far, labelsOf))) &&
        (ports.length === 0 || ports.some((port) => portMatches(port, policy, target)))
    );
}

/** The names of the policies isolating `pod` for `type` when none of them allows the traffic;
 *  [] when the pod is not isolated or some rule allows it. */
function refusals(
    policies: readonly Policy[],
    type: PolicyType,
    pod: { readonly namespace: string; readonly pod: Labels },
    far: Peer,
    target: Target,
    labelsOf: (namespace: string) => Labels,
): string[] {
    const isolating = policies.filter(
        (policy) =>
            policy.namespace === pod.namespace && policy.types.has(type) && selects(policy.podSelector, pod.pod),
    );
    const allowed = isolating.some((policy) =>
        (type === "Ingress" ? policy.ingress : policy.egress).some((rule) =>
            ruleAllows(rule, type === "Ingress" ? "from" : "to", policy, far, target, labelsOf),
        ),
    );
    return allowed ? [] : isolating.map((policy) => policy.name);
}

/** Why not: the names of the policies that isolate the destination (or source) and found no matching rule, for error messages; [] when admitted.
 *  The destination's ingress policies come first, then the source's egress policies, each in manifest order. */
export function denials(
    manifests: readonly Record<string, unknown>[],
    source: Source,
    destination: Destination,
): string[] {
    const all = flatten(manifests);
    const policies = policiesOf(all);
    const labelsOf = namespaceLabels(all);
    const protocol = protocolOf(destination.protocol, "destination");
    const containers = destination.containers ?? [];
    let port: number | undefined;
    if (typeof destination.port === "number") port = destination.port;
    else {
        port = namedPort(destination.port, protocol, containers);
        if (port === undefined)
            throw new Error(`destination port ${destination.port}/${protocol} is not declared by any container`);
    }
    const target: Target = { port, protocol, containers };
    const far: Peer = { namespace: destination.namespace, pod: destination.pod };
    return [
        ...refusals(policies, "Ingress", destination, source, target, labelsOf),
        ...("ip" in source ? [] : refusals(policies, "Egress", source, far, target, labelsOf)),
    ];
}

/** Whether the NetworkPolicies among `manifests` (other kinds ignored, Namespaces read for labels) let `source` open a connection to `destination`. */
export function admits(
    manifests: readonly Record<string, unknown>[],
    source: Source,
    destination: Destination,
): boolean {
    return denials(manifests, source, destination).length === 0;
}
