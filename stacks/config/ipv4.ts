// IPv4 arithmetic for validating address pools and node addresses. Addresses are handled as
// unsigned 32-bit integers so that ranges can be compared and overlaps found exactly.

/** An inclusive block of IPv4 addresses, as integers. */
export interface AddressBlock {
    readonly first: number;
    readonly last: number;
}

const OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** The address as an integer, or undefined when it is not a dotted-quad IPv4 address. */
export function parseIPv4(text: string): number | undefined {
    const parts = text.split(".");
    if (parts.length !== 4 || !parts.every((p) => OCTET.test(p))) {
        return undefined;
    }
    return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

/** The block a CIDR (`10.0.0.0/24`) or range (`10.0.0.10-10.0.0.20`) covers, or undefined. */
export function parseBlock(text: string): AddressBlock | undefined {
    const cidr = /^([^/]+)\/(\d{1,2})$/.exec(text);
    if (cidr) {
        const base = parseIPv4(cidr[1]);
        const prefix = Number(cidr[2]);
        if (base === undefined || prefix > 32) {
            return undefined;
        }
        const size = 2 ** (32 - prefix);
        // MetalLB rejects a CIDR whose host bits are set, so the block must start on its boundary.
        if (base % size !== 0) {
            return undefined;
        }
        return { first: base, last: base + size - 1 };
    }
    // MetalLB trims the spaces around each end of a range (internal/config/config.go parseCIDR).
    const range = /^\s*([^-\s]+)\s*-\s*([^-\s]+)\s*$/.exec(text);
    if (range) {
        const first = parseIPv4(range[1]);
        const last = parseIPv4(range[2]);
        if (first === undefined || last === undefined || first > last) {
            return undefined;
        }
        return { first, last };
    }
    return undefined;
}

/** The private IPv4 blocks of RFC 1918, where a homelab's LAN lives, and RFC 6598's shared
 *  (CGNAT) block, which overlay LANs such as Tailscale's use. */
const PRIVATE_BLOCKS: readonly AddressBlock[] = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"].map(
    (cidr) => parseBlock(cidr) as AddressBlock,
);

/** True when the whole block lies inside one private or shared block. */
export function isPrivate(block: AddressBlock): boolean {
    return PRIVATE_BLOCKS.some((p) => p.first <= block.first && block.last <= p.last);
}

/** True when the two blocks share at least one address. */
export function overlaps(a: AddressBlock, b: AddressBlock): boolean {
    return a.first <= b.last && b.first <= a.last;
}

/** A single address as a block of one. */
export function hostBlock(address: number): AddressBlock {
    return { first: address, last: address };
}
