// The warnings for settings that have no effect where they are set, each with its exact text.
import { Case, eachCase, secrets, values, warnings } from "../../fixtures";

describe("unused settings", () => {
    const cases: Case[] = [
        {
            rule: "warns that Vault is unused where secrets are plain",
            stack: "dev",
            values: values("dev", (v) => (v.vault = { address: "https://vault.home.arpa:8200" })),
            expected: [
                "vault.address: set, but dev uses plain Kubernetes secrets (profile secrets: kubernetes); Vault is not configured",
            ],
        },
        {
            rule: "warns about every Vault setting where secrets are plain",
            stack: "dev",
            values: values("dev", (v) => (v.vault = { authMount: "kubernetes-lab", createKvMount: false })),
            expected: [
                "vault.authMount: set, but dev uses plain Kubernetes secrets (profile secrets: kubernetes); Vault is not configured",
                "vault.createKvMount: set, but dev uses plain Kubernetes secrets (profile secrets: kubernetes); Vault is not configured",
            ],
        },
        {
            rule: "warns that a Vault token is unused where secrets are plain",
            stack: "dev",
            values: values("dev"),
            secrets: secrets({ vaultToken: "secure" }),
            expected: ["vaultToken: set, but dev uses plain Kubernetes secrets; it is not used"],
        },
        {
            rule: "warns that an S3 snapshot target is unused without snapshots",
            stack: "dev",
            values: values("dev", (v) => (v.cluster.etcdS3 = { endpoint: "minio.home.arpa", bucket: "k3s-snapshots" })),
            secrets: secrets({ etcdS3AccessKey: "secure", etcdS3SecretKey: "secure" }),
            expected: ["cluster.etcdS3: set, but dev takes no etcd snapshots (profile etcdSnapshots.enabled: false)"],
        },
        {
            rule: "warns that production's alerts go nowhere without a receiver",
            stack: "production",
            values: values("production"),
            expected: [
                "alerting: not set, so production's alerts show in Alertmanager only; e.g. { receiver: discord } and the secret alertingUrl",
            ],
        },
        {
            rule: "warns that a receiver is unused where alerts are not routed",
            stack: "dev",
            values: values("dev", (v) => (v.alerting = { receiver: "webhook" })),
            secrets: secrets({ alertingUrl: "secure" }),
            expected: ["alerting: set, but dev does not route alerts (profile monitoring.alertRouting: false)"],
        },
        {
            rule: "warns that staging's data is not backed up without a backup store",
            stack: "staging",
            values: values("staging"),
            expected: [
                "backups: not set, so staging's volumes and objects are not backed up; e.g. { endpoint: minio.home.arpa:9000, bucket: velero } and the secrets backupS3AccessKey and backupS3SecretKey",
            ],
        },
        {
            rule: "warns that backup keys are unused without a backup store",
            stack: "dev",
            values: values("dev"),
            secrets: secrets({ backupS3AccessKey: "secure" }),
            expected: ["backupS3AccessKey: set, but backups names no store; it is not used"],
        },
        {
            rule: "warns that backup keys in Pulumi are unused where Velero reads them from Vault",
            stack: "production",
            values: values("production"),
            secrets: secrets({ backupS3SecretKey: "secure" }),
            expected: [
                "backupS3SecretKey: set, but production's secrets come from Vault, and Velero reads its keys there (<kvMount>/velero: accessKey, secretKey); it is not used",
                "alerting: not set, so production's alerts show in Alertmanager only; e.g. { receiver: discord } and the secret alertingUrl",
            ],
        },
        {
            rule: "warns that an SSH key is unused without nodes",
            stack: "dev",
            values: values("dev", (v) => delete v.cluster),
            secrets: secrets({ kubeconfig: "secure", sshPrivateKey: "secure" }),
            expected: ["sshPrivateKey: set, but there are no cluster.nodes to connect to; it is not used"],
        },
        {
            rule: "warns that ACME is unused with a self-signed issuer",
            stack: "dev",
            values: values("dev", (v) => (v.tls = { acme: { email: "admin@lab.example.com" } })),
            expected: [
                "tls.acme: set, but dev issues certificates from the homelab's private CA (profile tlsIssuer: privateCa); ACME is not used",
            ],
        },
        {
            rule: "warns that node settings are unused with an existing cluster's kubeconfig",
            stack: "dev",
            values: values("dev", (v) => {
                v.cluster = { apiAddress: "k3s.home.arpa", k3sVersion: "v1.34.2+k3s1", traefik: false };
                v.ingressClass = "nginx";
            }),
            secrets: secrets({ kubeconfig: "secure" }),
            expected: [
                "cluster.apiAddress: set, but there are no cluster.nodes; the cluster's API is where the kubeconfig points",
                "cluster.k3sVersion: set, but there are no cluster.nodes; the program installs no K3s on an existing cluster",
                "cluster.traefik: set, but there are no cluster.nodes; the program installs no K3s on an existing cluster",
            ],
        },
        {
            rule: "warns that a Slack channel is unused by another receiver",
            stack: "production",
            values: values("production", (v) => (v.alerting = { receiver: "discord", channel: "#homelab-alerts" })),
            secrets: secrets({ alertingUrl: "secure", vaultToken: "secure" }),
            expected: ["alerting.channel: set, but the receiver is discord; only a Slack webhook takes a channel"],
        },
    ];
    eachCase(cases, warnings);
});
