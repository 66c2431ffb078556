import * as assert from "node:assert/strict";
import { agentConfig, K3sClusterSettings, serverConfig } from "../../../components/k3s/config";
import { k3sNode } from "../../fixtures";

const node = k3sNode;
const HA: K3sClusterSettings = {
    apiAddress: "k3s.home.arpa",
    joinAddress: "192.168.30.11",
    traefik: true,
    embeddedEtcd: true,
    secretsEncryption: true,
    snapshots: { schedule: "0 */6 * * *", retention: 28 },
};
const METRICS = {
    "kube-controller-manager-arg": ["bind-address=0.0.0.0"],
    "kube-scheduler-arg": ["bind-address=0.0.0.0"],
    "kube-proxy-arg": ["metrics-bind-address=0.0.0.0:10249"],
};

describe("serverConfig", () => {
    it("initialises embedded etcd on the first server, with the cluster-wide settings", () => {
        assert.deepEqual(serverConfig(HA, node("s1", "192.168.30.11"), "first"), {
            "cluster-init": true,
            "node-name": "s1",
            "node-ip": "192.168.30.11",
            "tls-san": ["k3s.home.arpa"],
            disable: ["servicelb"],
            "write-kubeconfig-mode": "0600",
            "secrets-encryption": true,
            "etcd-snapshot-schedule-cron": "0 */6 * * *",
            "etcd-snapshot-retention": 28,
            ...METRICS,
            "etcd-expose-metrics": true,
        });
    });

    it("joins the other servers through the first", () => {
        const joining = serverConfig(HA, node("s2", "192.168.30.12"), "joining");
        assert.equal(joining.server, "https://192.168.30.11:6443");
        assert.equal("cluster-init" in joining, false);
    });

    it("gives every server the same cluster-wide settings", () => {
        const shared = (config: Record<string, unknown>) => {
            const { server: _server, "cluster-init": _init, "node-name": _name, "node-ip": _ip, ...rest } = config;
            return rest;
        };
        assert.deepEqual(
            shared(serverConfig(HA, node("s1", "192.168.30.11"), "first")),
            shared(serverConfig(HA, node("s2", "192.168.30.12"), "joining")),
        );
    });

    it("runs a single server without snapshots on SQLite", () => {
        const single = serverConfig(
            { ...HA, embeddedEtcd: false, secretsEncryption: false, snapshots: undefined },
            node("s1", "10.0.0.1"),
            "first",
        );
        assert.equal("cluster-init" in single, false);
        assert.equal("etcd-snapshot-schedule-cron" in single, false);
        assert.equal("secrets-encryption" in single, false);
        assert.equal("etcd-expose-metrics" in single, false);
    });

    it("sends snapshots to S3 when given a target", () => {
        const s3 = { endpoint: "minio.home.arpa", bucket: "k3s-snapshots", folder: "production", region: "us-east-1" };
        const config = serverConfig({ ...HA, snapshots: { ...HA.snapshots!, s3 } }, node("s1", "10.0.0.1"), "first");
        assert.deepEqual(Object.fromEntries(Object.entries(config).filter(([key]) => key.startsWith("etcd-s3"))), {
            "etcd-s3": true,
            "etcd-s3-endpoint": "minio.home.arpa",
            "etcd-s3-bucket": "k3s-snapshots",
            "etcd-s3-folder": "production",
            "etcd-s3-region": "us-east-1",
        });
    });

    it("reaches a homelab MinIO: host:port, plain HTTP or an unverified certificate", () => {
        const s3 = { endpoint: "minio.home.arpa:9000", bucket: "k3s-snapshots", insecure: true, skipSslVerify: true };
        const config = serverConfig({ ...HA, snapshots: { ...HA.snapshots!, s3 } }, node("s1", "10.0.0.1"), "first");
        assert.deepEqual(Object.fromEntries(Object.entries(config).filter(([key]) => key.startsWith("etcd-s3"))), {
            "etcd-s3": true,
            "etcd-s3-endpoint": "minio.home.arpa:9000",
            "etcd-s3-bucket": "k3s-snapshots",
            "etcd-s3-insecure": true,
            "etcd-s3-skip-ssl-verify": true,
        });
    });

    it("trusts a private CA for the endpoint, inline as K3s takes it (base64 of the PEM)", () => {
        const caCert = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
        const s3 = { endpoint: "minio.home.arpa:9000", bucket: "k3s-snapshots", caCert };
        const config = serverConfig({ ...HA, snapshots: { ...HA.snapshots!, s3 } }, node("s1", "10.0.0.1"), "first");
        assert.equal(
            config["etcd-s3-endpoint-ca"],
            "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUIKLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo=",
        );
    });

    it("disables Traefik too when it is not kept", () => {
        assert.deepEqual(serverConfig({ ...HA, traefik: false }, node("s1", "10.0.0.1"), "first").disable, [
            "servicelb",
            "traefik",
        ]);
    });

    it("labels and taints the node", () => {
        const labelled = {
            ...node("s1", "10.0.0.1"),
            labels: { zone: "rack-1" },
            taints: ["dedicated=storage:NoSchedule"],
        };
        const config = serverConfig(HA, labelled, "first");
        assert.deepEqual(
            [config["node-label"], config["node-taint"]],
            [["zone=rack-1"], ["dedicated=storage:NoSchedule"]],
        );
    });
});

describe("agentConfig", () => {
    it("joins through the first server with only node settings and kube-proxy's metrics", () => {
        assert.deepEqual(agentConfig(HA, node("a1", "192.168.30.21", "agent")), {
            server: "https://192.168.30.11:6443",
            "node-name": "a1",
            "node-ip": "192.168.30.21",
            "kube-proxy-arg": ["metrics-bind-address=0.0.0.0:10249"],
        });
    });
});

describe("agentConfig with every optional setting on", () => {
    it("holds `k3s agent` flags only: no server key (S3, tls-san, disable, cluster-init) reaches an agent", () => {
        const everything: K3sClusterSettings = {
            ...HA,
            vip: "192.168.30.100",
            hardening: true,
            snapshots: { ...HA.snapshots!, s3: { endpoint: "minio.home.arpa:9000", bucket: "k3s", caCert: "PEM" } },
        };
        const agent = { ...node("a1", "192.168.30.21", "agent"), labels: { zone: "b" }, taints: ["x=y:NoSchedule"] };
        assert.deepEqual(Object.keys(agentConfig(everything, agent)).sort(), [
            "kube-proxy-arg",
            "kubelet-arg",
            "node-ip",
            "node-label",
            "node-name",
            "node-taint",
            "protect-kernel-defaults",
            "server",
        ]);
    });
});

describe("K3s's CIS hardening", () => {
    const hardened = { ...HA, secretsEncryption: false, hardening: true };
    const KUBELET = [
        "streaming-connection-idle-timeout=5m",
        "tls-cipher-suites=TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305",
    ];

    it("gives servers every setting of the hardening guide, keeping the metrics bind address", () => {
        const config = serverConfig(hardened, node("s1", "192.168.30.11"), "first");
        assert.deepEqual(
            [config["protect-kernel-defaults"], config["secrets-encryption"], config["kubelet-arg"]],
            [true, true, KUBELET],
        );
        assert.deepEqual(config["kube-apiserver-arg"], [
            "enable-admission-plugins=NodeRestriction,EventRateLimit",
            "admission-control-config-file=/var/lib/rancher/k3s/server/psa.yaml",
            "audit-log-path=/var/lib/rancher/k3s/server/logs/audit.log",
            "audit-policy-file=/var/lib/rancher/k3s/server/audit.yaml",
            "audit-log-maxage=30",
            "audit-log-maxbackup=10",
            "audit-log-maxsize=100",
            "service-account-extend-token-expiration=false",
        ]);
        assert.deepEqual(config["kube-controller-manager-arg"], [
            "bind-address=0.0.0.0",
            "terminated-pod-gc-threshold=100",
        ]);
    });

    it("gives agents the kubelet's part", () => {
        const config = agentConfig(hardened, node("a1", "192.168.30.21", "agent"));
        assert.deepEqual([config["protect-kernel-defaults"], config["kubelet-arg"]], [true, KUBELET]);
    });

    it("leaves unhardened nodes alone", () => {
        const config = serverConfig(HA, node("s1", "192.168.30.11"), "first");
        assert.deepEqual(
            ["protect-kernel-defaults", "kube-apiserver-arg", "kubelet-arg"].filter((key) => key in config),
            [],
        );
    });
});
