// Rules of MetalLB's address pools: named once, on the LAN, apart from each other and from the
// nodes' addresses.
import { AddressBlock, hostBlock, isPrivate, overlaps, parseBlock, parseIPv4 } from "../ipv4";
import { ParsedConfig } from "../schema";
import { duplicates, Rule } from "./context";
import { inside, serversLan } from "./lan";
import { K3S_NETWORKS } from "./nodes";

export const uniquePools: Rule = ({ config }) =>
    duplicates(config.metallb.pools, "metallb.pools", "name", "pool names");

interface PoolBlock {
    readonly key: string;
    readonly text: string;
    readonly block: AddressBlock;
}

function poolBlocks(config: ParsedConfig): PoolBlock[] {
    return config.metallb.pools.flatMap((pool, p) =>
        pool.addresses.map((text, a) => ({
            key: `metallb.pools[${p}].addresses[${a}]`,
            text,
            block: parseBlock(text) as AddressBlock,
        })),
    );
}

const POOL_EXAMPLE = '"192.168.10.200-192.168.10.220"';

export const privatePools: Rule = ({ config }) =>
    poolBlocks(config)
        .filter((b) => !isPrivate(b.block))
        .map((b) => ({
            key: b.key,
            message: `${JSON.stringify(b.text)} is not inside private (RFC 1918) or shared (RFC 6598) address space`,
            example: POOL_EXAMPLE,
        }));

export const disjointPools: Rule = ({ config }) => {
    const blocks = poolBlocks(config);
    return blocks.flatMap((b, i) =>
        blocks
            .slice(0, i)
            .filter((earlier) => overlaps(earlier.block, b.block))
            .map((earlier) => ({
                key: b.key,
                message: `${JSON.stringify(b.text)} overlaps ${earlier.key} (${JSON.stringify(earlier.text)}); an address must belong to one pool`,
                example: POOL_EXAMPLE,
            })),
    );
};

export const poolsAvoidNodes: Rule = ({ config, nodes }) => {
    const hosts = nodes.map((n, i) => ({ key: `cluster.nodes[${i}].address`, text: n.address }));
    if (config.cluster.apiAddress !== undefined) {
        hosts.push({ key: "cluster.apiAddress", text: config.cluster.apiAddress });
    }
    if (config.cluster.vip !== undefined) {
        hosts.push({ key: "cluster.vip.address", text: config.cluster.vip.address });
    }
    const blocks = poolBlocks(config);
    return hosts.flatMap((host) => {
        const address = parseIPv4(host.text);
        if (address === undefined) {
            return []; // a DNS name: nothing to compare
        }
        return blocks
            .filter((b) => overlaps(b.block, hostBlock(address)))
            .map((b) => ({
                key: b.key,
                message: `${JSON.stringify(b.text)} contains ${host.key} (${host.text}); MetalLB would hand that address to a service`,
                example: POOL_EXAMPLE,
            }));
    });
};

export const poolsOffK3sNetworks: Rule = ({ config }) =>
    poolBlocks(config).flatMap((b) =>
        K3S_NETWORKS.filter((n) => overlaps(n.block, b.block)).map((n) => ({
            key: b.key,
            message: `${JSON.stringify(b.text)} overlaps ${n.name}; every node routes those addresses to pods or services, so a LoadBalancer there is unreachable`,
            example: POOL_EXAMPLE,
        })),
    );

// MetalLB's L2 mode answers ARP for a pool's addresses from a node on their link: an address off
// the nodes' LAN is announced where no client asks for it.
export const poolsOnLan: Rule = (ctx) => {
    const lan = serversLan(ctx);
    if (lan === undefined) return [];
    return poolBlocks(ctx.config)
        .filter((b) => isPrivate(b.block) && !inside(b.block, lan.block))
        .map((b) => ({
            key: b.key,
            message: `${JSON.stringify(b.text)} is not on ${lan.described}; MetalLB's L2 mode announces addresses only on the nodes' link, so clients would never reach it`,
            example: POOL_EXAMPLE,
        }));
};

// A LoadBalancer Service without a pool annotation gets an address only from a pool that assigns
// automatically; K3s's Traefik asks for none, so with no such pool the UIs get no address at all.
export const autoAssigningPool: Rule = ({ config }) =>
    config.cluster.traefik && config.metallb.pools.every((p) => !p.autoAssign)
        ? [
              {
                  key: "metallb.pools",
                  message:
                      "every pool has autoAssign: false; K3s's Traefik asks for no pool by name, so its LoadBalancer would stay <pending> and no UI would be reachable",
                  example: '[{ name: default, addresses: ["192.168.10.200-192.168.10.219"], autoAssign: true }]',
              },
          ]
        : [];
