import * as assert from "node:assert/strict";
import { isPrivate, overlaps, parseBlock, parseIPv4 } from "../../../stacks/config/ipv4";

describe("parseIPv4", () => {
    it("reads a dotted quad as an integer", () => assert.equal(parseIPv4("192.168.1.2"), 0xc0a80102));
    it("rejects an octet above 255", () => assert.equal(parseIPv4("192.168.1.256"), undefined));
    it("rejects leading zeros, which some tools read as octal", () =>
        assert.equal(parseIPv4("192.168.01.2"), undefined));
    it("rejects three octets", () => assert.equal(parseIPv4("192.168.1"), undefined));
});

describe("parseBlock", () => {
    it("reads a CIDR", () => assert.deepEqual(parseBlock("10.0.0.0/30"), { first: 0x0a000000, last: 0x0a000003 }));
    it("reads a /32 as one address", () =>
        assert.deepEqual(parseBlock("10.0.0.7/32"), { first: 0x0a000007, last: 0x0a000007 }));
    it("reads a range", () =>
        assert.deepEqual(parseBlock("10.0.0.5-10.0.0.9"), { first: 0x0a000005, last: 0x0a000009 }));
    it("reads a range with spaces around the dash", () =>
        assert.deepEqual(parseBlock("10.0.0.5 - 10.0.0.9"), { first: 0x0a000005, last: 0x0a000009 }));
    it("rejects a CIDR off its network boundary", () => assert.equal(parseBlock("10.0.0.1/30"), undefined));
    it("rejects a prefix above 32", () => assert.equal(parseBlock("10.0.0.0/33"), undefined));
    it("rejects a backwards range", () => assert.equal(parseBlock("10.0.0.9-10.0.0.5"), undefined));
    it("rejects a bare address", () => assert.equal(parseBlock("10.0.0.5"), undefined));
});

describe("isPrivate", () => {
    it("accepts each RFC 1918 block", () => {
        for (const cidr of ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"])
            assert.equal(isPrivate(parseBlock(cidr)!), true);
    });
    it("rejects public space", () => assert.equal(isPrivate(parseBlock("203.0.113.0/24")!), false));
    it("rejects a range that leaves private space", () =>
        assert.equal(isPrivate(parseBlock("172.31.255.250-172.32.0.5")!), false));
});

describe("overlaps", () => {
    it("is true for blocks sharing one address", () =>
        assert.equal(overlaps(parseBlock("10.0.0.0-10.0.0.5")!, parseBlock("10.0.0.5-10.0.0.9")!), true));
    it("is false for adjacent blocks", () =>
        assert.equal(overlaps(parseBlock("10.0.0.0/30")!, parseBlock("10.0.0.4/30")!), false));
});
