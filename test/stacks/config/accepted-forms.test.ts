// Valid settings in the forms the real parsers accept: each is taken as it is, never refused for
// its spelling. Each list names the parser whose behaviour it follows.
import * as assert from "node:assert/strict";
import { parseHostKey } from "../../../stacks/config/host-key";
import { validateConfig } from "../../../stacks/config/validate";
import { input, problems, secrets, Stack, values } from "../../fixtures";

const ED25519 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";
const ECDSA =
    "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBEmKSENjQEezOmxkZMy7opKgwFB9nkt5YRrYMjNuG5N87uRgg6CLrbo5wAdT/y6v0mKV0U2w0WZ2YB/++Tpockg=";

/** The problems of `stack`'s fixture changed by `change`, with `keys` set as secrets. */
const accepted = (stack: Stack, change: (v: any) => void, keys: Parameters<typeof secrets>[0] = {}) =>
    problems({ stack, values: values(stack, change), secrets: secrets(keys) });

describe("valid forms the real parsers accept", () => {
    it("node names that are fully qualified host names (the kubelet's node name is a DNS subdomain)", () => {
        for (const name of ["k3s-1.home.arpa", "pi4.rack-2.lan", "n1"])
            assert.deepEqual(
                accepted("dev", (v) => (v.cluster.nodes[0].name = name)),
                [],
                name,
            );
    });

    it("SSH users Linux takes (shadow-utils' is_valid_user_name)", () => {
        for (const user of ["ubuntu", "_k3s", "pi", "svc-deploy_2", "a".repeat(32)])
            assert.deepEqual(
                accepted("dev", (v) => (v.cluster.nodes[0].user = user)),
                [],
                user,
            );
    });

    it("host keys as ssh-keyscan prints them (host first) or as a .pub file holds them (comment last)", () => {
        for (const line of [
            ED25519,
            `192.168.20.11 ${ED25519}`,
            `[192.168.20.11]:2222 ${ED25519}`,
            `${ED25519} root@staging-k3s-1`,
            `  ${ED25519}\n`,
            ECDSA,
        ])
            assert.deepEqual(
                accepted("staging", (v) => (v.cluster.nodes[0].hostKey = line)),
                [],
                line,
            );
    });

    it("pins the key alone, whatever the line around it", () => {
        assert.deepEqual(parseHostKey(`192.168.20.11 ${ED25519} root@staging-k3s-1`), { key: ED25519 });
        const result = validateConfig(
            input(
                "staging",
                values("staging", (v) => (v.cluster.nodes[0].hostKey = `${ED25519} root@staging-k3s-1`)),
            ),
        );
        assert.ok(result.ok && result.settings.cluster.mode === "nodes");
        assert.equal(result.settings.cluster.nodes[0].hostKey, ED25519);
    });

    it("K3s release candidates (get.k3s.io installs INSTALL_K3S_VERSION=v1.34.2-rc1+k3s1)", () => {
        assert.deepEqual(
            accepted("dev", (v) => (v.cluster.k3sVersion = "v1.34.2-rc1+k3s1")),
            [],
        );
    });

    it("pool ranges with spaces, and names with dots (MetalLB trims the range's ends; an IPAddressPool name is a DNS subdomain)", () => {
        for (const range of ["192.168.10.200 - 192.168.10.219", " 192.168.10.200-192.168.10.219 "])
            assert.deepEqual(
                accepted("dev", (v) => (v.metallb.pools[0].addresses = [range])),
                [],
                range,
            );
        assert.deepEqual(
            accepted("dev", (v) => (v.metallb.pools[0].name = "lan.services")),
            [],
        );
    });

    it("a LAN in the shared CGNAT block (RFC 6598), as overlay networks use", () => {
        assert.deepEqual(
            accepted("dev", (v) => {
                v.cluster.nodes[0].address = "100.64.10.11";
                v.metallb.pools[0].addresses = ["100.64.10.200-100.64.10.219"];
            }),
            [],
        );
    });

    it("Slack channels with or without '#', and channel IDs (Slack's chat.postMessage takes each)", () => {
        for (const channel of ["#homelab-alerts", "homelab-alerts", "C0123ABCDEF"])
            assert.deepEqual(
                accepted("production", (v) => (v.alerting = { receiver: "slack", channel }), { alertingUrl: "secure" }),
                [],
                channel,
            );
    });

    it("an S3 endpoint by a single-label host name (a MinIO on the LAN's search domain)", () => {
        assert.deepEqual(
            accepted("production", (v) => (v.backups.endpoint = "minio:9000")),
            [],
        );
    });
});
