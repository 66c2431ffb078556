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

    it("a Git server over plain http (a Gitea on the LAN), as Argo CD fetches from it", () => {
        assert.deepEqual(
            accepted("dev", (v) => (v.gitops.repoUrl = "http://gitea.home.arpa:3000/ops/homelab.git")),
            [],
        );
    });

    it("a revision with non-ASCII letters (git check-ref-format takes any byte but controls and its specials)", () => {
        assert.deepEqual(
            accepted("dev", (v) => (v.gitops.revision = "env/développement")),
            [],
        );
    });

    it("a PEM certificate with Windows line endings (Go's encoding/pem reads them)", () => {
        const pem = "-----BEGIN CERTIFICATE-----\r\nMIIB\r\n-----END CERTIFICATE-----\r\n";
        assert.deepEqual(
            accepted("production", (v) => (v.backups.caCert = pem)),
            [],
        );
    });

    it("an etcd snapshot target without keys where no snapshots are taken (dev): only a warning", () => {
        assert.deepEqual(
            accepted("dev", (v) => (v.cluster.etcdS3 = { endpoint: "minio:9000", bucket: "k3s-snapshots" })),
            [],
        );
    });

    it("an ssh repository on another server, with its keys as ssh-keyscan prints them", () => {
        const knownHosts = `# gitea.home.arpa:2222 SSH-2.0-Go\n[gitea.home.arpa]:2222 ${ED25519}\n`;
        assert.deepEqual(
            accepted(
                "dev",
                (v) => {
                    v.gitops.repoUrl = "ssh://git@gitea.home.arpa:2222/ops/homelab.git";
                    v.gitops.knownHosts = knownHosts;
                },
                { gitopsSshKey: "secure" },
            ),
            [],
        );
    });

    it("a VIP and pools on a LAN wider than a /24, where cluster.lan says so", () => {
        assert.deepEqual(
            accepted("production", (v) => {
                v.cluster.lan = "192.168.30.0/23";
                v.cluster.vip = { address: "192.168.31.10", interface: "eth0" };
                v.metallb.pools[0].addresses = ["192.168.31.192/27"];
            }),
            [],
        );
    });

    it("Linux user names with dots or capitals (shadow-utils takes them)", () => {
        for (const user of ["john.doe", "Admin"])
            assert.deepEqual(
                accepted("dev", (v) => (v.cluster.nodes[0].user = user)),
                [],
                user,
            );
    });

    it("chart values that name Secrets, not credentials (MetalLB's TLS secrets, Grafana's envFromSecret)", () => {
        assert.deepEqual(
            accepted(
                "dev",
                (v) =>
                    (v.components = {
                        metallb: {
                            values: {
                                prometheus: {
                                    controllerMetricsTLSSecret: "metallb-metrics",
                                    speakerMetricsTLSSecret: "metallb-metrics",
                                },
                            },
                        },
                        monitoring: {
                            values: {
                                grafana: {
                                    envFromSecret: "grafana-env",
                                    admin: { existingSecret: "grafana-admin", passwordKey: "password" },
                                },
                            },
                        },
                    }),
            ),
            [],
        );
    });
});
