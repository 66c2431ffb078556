// The servers' LAN: the link kube-vip and MetalLB's L2 mode answer ARP on, so the VIP and every pool
// address must lie on it. `cluster.lan` says where it is; without it, the /24 around the first
// server's address, the most common homelab LAN, and the message says how to widen it.
import { AddressBlock, hostBlock, isPrivate, parseBlock, parseIPv4 } from "../ipv4";
import type { RuleContext } from "./context";

export interface Lan {
    readonly block: AddressBlock;
    /** How a message names it: the setting, or the default it fell back to. */
    readonly described: string;
}

/** The LAN, or undefined where neither the setting nor a server's address says it. */
export function serversLan({ config, nodes }: RuleContext): Lan | undefined {
    const lan = config.cluster.lan;
    if (lan !== undefined) return { block: parseBlock(lan)!, described: `cluster.lan ${lan}` };
    const first = nodes.find((n) => n.role === "server");
    const address = first === undefined ? undefined : parseIPv4(first.address);
    // An address off private space is its own problem (rules/nodes.ts): no LAN to derive from it.
    if (address === undefined || !isPrivate(hostBlock(address))) return undefined;
    const base = address - (address % 256);
    const cidr = `${[base >>> 24, (base >>> 16) & 255, (base >>> 8) & 255, 0].join(".")}/24`;
    return {
        block: parseBlock(cidr)!,
        described: `the servers' LAN ${cidr} (the /24 of ${first!.address}; set cluster.lan where it is wider)`,
    };
}

/** Whether `inner` lies wholly inside `outer`. */
export function inside(inner: AddressBlock, outer: AddressBlock): boolean {
    return outer.first <= inner.first && inner.last <= outer.last;
}
