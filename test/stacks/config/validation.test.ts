// One failing fixture per validation rule, each with the exact message an admin sees.
import * as assert from "node:assert/strict";
import { validateConfig } from "../../../stacks/config/validate";
import { eachCase, input, problems, secrets, Stack, values, VALID } from "../../fixtures";

describe("valid configs", () => {
    for (const stack of Object.keys(VALID) as Stack[]) {
        it(`accepts the ${stack} fixture`, () => assert.deepEqual(problems({ stack, values: values(stack) }), []));
    }

    it("accepts every form of a Kubernetes quantity, cron schedule and Git revision K3s and Argo CD take", () => {
        const accepted = (change: (v: any) => void) => problems({ stack: "dev", values: values("dev", change) });
        for (const storageSize of ["500M", "1.5Ti", "20Gi", "1e9", "10G"])
            assert.deepEqual(
                accepted((v) => (v.profile = { monitoring: { storageSize } })),
                [],
                storageSize,
            );
        for (const schedule of [
            "@daily",
            "@every 6h30m",
            "*/15 2-4 1,15 jan-jun mon-fri",
            "CRON_TZ=Europe/Berlin 0 3 * * 0",
            "0 */6 * * *",
        ])
            assert.deepEqual(
                accepted((v) => (v.profile = { etcdSnapshots: { schedule } })),
                [],
                schedule,
            );
        for (const revision of ["env/production", "v1.2.3", "0a1b2c3d4e5f", "HEAD"])
            assert.deepEqual(
                accepted((v) => (v.gitops.revision = revision)),
                [],
                revision,
            );
        assert.deepEqual(
            accepted((v) => (v.profile = { namespaceSuffix: "-team-dev" })),
            [],
        );
        assert.deepEqual(
            problems({
                stack: "production",
                values: values("production", (v) => (v.vault = { ...v.vault, kvMount: "kv.homelab/prod" })),
            }),
            [],
        );
        for (const repoUrl of ["git@github.com:example/homelab.git", "ssh://git@github.com/example/homelab.git"])
            assert.deepEqual(
                problems({
                    stack: "dev",
                    values: values("dev", (v) => (v.gitops.repoUrl = repoUrl)),
                    secrets: secrets({ gitopsSshKey: "secure" }),
                }),
                [],
                repoUrl,
            );
    });
});

describe("field rules", () => {
    eachCase([
        {
            rule: "an unknown top-level key is named",
            stack: "dev",
            values: values("dev", (v) => (v.domian = "x")),
            expected: [
                "domian: is not a known key (known: cluster, domain, ingressClass, ingressController, metallb, tls, gitops, vault, storageClass, backups, alerting, profile, components, kubeconfig, sshPrivateKey, cloudflareApiToken, vaultToken, gitopsToken, gitopsSshKey, etcdS3AccessKey, etcdS3SecretKey, backupS3AccessKey, backupS3SecretKey, alertingUrl)",
            ],
        },
        {
            rule: "an unknown nested key is named",
            stack: "dev",
            values: values("dev", (v) => (v.cluster.nodes[0].adress = "x")),
            expected: [
                "cluster.nodes[0].adress: is not a known key (known: name, address, role, user, port, hostKey, labels, taints)",
            ],
        },
        {
            rule: "a required key must be set",
            stack: "dev",
            values: values("dev", (v) => delete v.domain),
            expected: ['domain: required; e.g. "dev.home.arpa"'],
        },
        {
            rule: "an object key must hold an object",
            stack: "dev",
            values: values("dev", (v) => (v.metallb = "192.168.10.200-192.168.10.219")),
            expected: [
                'metallb: must be an object (a YAML mapping), got string "192.168.10.200-192.168.10.219"; e.g. {"pools":[{"name":"default","addresses":["192.168.10.200-192.168.10.220"]}]}',
            ],
        },
        {
            rule: "a node name is a host name",
            stack: "dev",
            values: values("dev", (v) => (v.cluster.nodes[0].name = "Server_1")),
            expected: [
                `cluster.nodes[0].name: "Server_1" is not a node name: a lowercase host name (letters, digits, '-', labels joined by '.') of at most 63 characters, the longest the kubelet's kubernetes.io/hostname label holds; e.g. "k3s-server-1"`,
            ],
        },
        {
            rule: "a node address is an IPv4 address",
            stack: "dev",
            values: values("dev", (v) => (v.cluster.nodes[0].address = "192.168.10.300")),
            expected: ['cluster.nodes[0].address: "192.168.10.300" is not an IPv4 address; e.g. "192.168.10.11"'],
        },
        {
            rule: "a node role is server or agent",
            stack: "dev",
            values: values("dev", (v) => (v.cluster.nodes[0].role = "master")),
            expected: ['cluster.nodes[0].role: "master" is not one of "server", "agent"; e.g. "server"'],
        },
        {
            rule: "a node user is a Linux user name",
            stack: "dev",
            values: values("dev", (v) => (v.cluster.nodes[0].user = "")),
            expected: [
                `cluster.nodes[0].user: "" is not a Linux user name (at most 32 letters, digits, '_', '.' and '-', not starting with '-', not all digits); e.g. "admin"`,
            ],
        },
        {
            rule: "a node port is a TCP port",
            stack: "dev",
            values: values("dev", (v) => (v.cluster.nodes[0].port = 70000)),
            expected: ["cluster.nodes[0].port: must be at most 65535, got 70000; e.g. 22"],
        },
        {
            rule: "a node label key is a Kubernetes label key",
            stack: "dev",
            values: values("dev", (v) => (v.cluster.nodes[0].labels = { "bad key": "x" })),
            expected: [
                'cluster.nodes[0].labels["bad key"]: "bad key" is not a Kubernetes label key; e.g. {"topology.kubernetes.io/zone":"rack-1"}',
            ],
        },
        {
            rule: "a node label value is a Kubernetes label value",
            stack: "dev",
            values: values("dev", (v) => (v.cluster.nodes[0].labels = { zone: "rack 1" })),
            expected: ['cluster.nodes[0].labels.zone: "rack 1" is not a Kubernetes label value; e.g. "rack-1"'],
        },
        {
            rule: "a node taint is key=value:Effect",
            stack: "dev",
            values: values("dev", (v) => (v.cluster.nodes[0].taints = ["storage"])),
            expected: [
                'cluster.nodes[0].taints[0]: "storage" is not a taint of the form key=value:NoSchedule|PreferNoSchedule|NoExecute with a label-shaped key and value; e.g. "dedicated=storage:NoSchedule"',
            ],
        },
        {
            rule: "a node taint's key and value are label-shaped",
            stack: "dev",
            values: values("dev", (v) => (v.cluster.nodes[0].taints = ["gpu=nvidia a100:NoSchedule"])),
            expected: [
                'cluster.nodes[0].taints[0]: "gpu=nvidia a100:NoSchedule" is not a taint of the form key=value:NoSchedule|PreferNoSchedule|NoExecute with a label-shaped key and value; e.g. "dedicated=storage:NoSchedule"',
            ],
        },
        {
            rule: "the API address is an IPv4 address or DNS name",
            stack: "dev",
            values: values("dev", (v) => (v.cluster.apiAddress = "https://k3s:6443")),
            expected: [
                'cluster.apiAddress: "https://k3s:6443" is not an IPv4 address or DNS name; e.g. "192.168.10.10"',
            ],
        },
        {
            rule: "the K3s version is a K3s release tag",
            stack: "dev",
            values: values("dev", (v) => (v.cluster.k3sVersion = "1.33")),
            expected: ['cluster.k3sVersion: "1.33" is not a K3s release tag; e.g. "v1.34.2+k3s1"'],
        },
        {
            rule: "keeping Traefik is true or false",
            stack: "dev",
            values: values("dev", (v) => (v.cluster.traefik = "no")),
            expected: ['cluster.traefik: must be true or false, got string "no"; e.g. false'],
        },
        {
            rule: "the snapshot S3 endpoint is a host or host:port",
            stack: "staging",
            values: values(
                "staging",
                (v) => (v.cluster.etcdS3 = { endpoint: "https://minio:9000", bucket: "k3s-snapshots" }),
            ),
            expected: [
                'cluster.etcdS3.endpoint: "https://minio:9000" is not a host or host:port (no scheme); e.g. "minio.home.arpa:9000"',
            ],
        },
        {
            rule: "the snapshot S3 endpoint's port is a port",
            stack: "staging",
            values: values(
                "staging",
                (v) => (v.cluster.etcdS3 = { endpoint: "minio.home.arpa:99999", bucket: "k3s-snapshots" }),
            ),
            expected: [
                'cluster.etcdS3.endpoint: "minio.home.arpa:99999" is not a host or host:port (no scheme); e.g. "minio.home.arpa:9000"',
            ],
        },
        {
            rule: "the snapshot S3 bucket is a bucket name",
            stack: "staging",
            values: values(
                "staging",
                (v) => (v.cluster.etcdS3 = { endpoint: "minio.home.arpa", bucket: "K3s_Snapshots" }),
            ),
            expected: [
                `cluster.etcdS3.bucket: "K3s_Snapshots" is not an S3 bucket name (3 to 63 lowercase letters, digits, '.' and '-', starting and ending with a letter or digit; no '..', no IP address, no prefix xn-- or sthree-, no suffix -s3alias or --ol-s3); e.g. "k3s-snapshots"`,
            ],
        },
        {
            rule: "a pool address is a CIDR or range",
            stack: "dev",
            values: values("dev", (v) => (v.metallb.pools[0].addresses = ["10.0.0.300/24"])),
            expected: [
                'metallb.pools[0].addresses[0]: "10.0.0.300/24" is not an IPv4 CIDR (on its network boundary) or first-last range; e.g. "192.168.10.200-192.168.10.220"',
            ],
        },
        {
            rule: "a pool CIDR starts on its network boundary",
            stack: "dev",
            values: values("dev", (v) => (v.metallb.pools[0].addresses = ["192.168.10.201/28"])),
            expected: [
                'metallb.pools[0].addresses[0]: "192.168.10.201/28" is not an IPv4 CIDR (on its network boundary) or first-last range; e.g. "192.168.10.200-192.168.10.220"',
            ],
        },
        {
            rule: "a pool has at least one address",
            stack: "dev",
            values: values("dev", (v) => (v.metallb.pools[0].addresses = [])),
            expected: ['metallb.pools[0].addresses: needs at least 1 entry; e.g. ["192.168.10.200-192.168.10.220"]'],
        },
        {
            rule: "there is at least one pool",
            stack: "dev",
            values: values("dev", (v) => (v.metallb.pools = [])),
            expected: [
                'metallb.pools: needs at least 1 entry; e.g. [{"name":"default","addresses":["192.168.10.200-192.168.10.220"]}]',
            ],
        },
        {
            rule: "a pool name is a Kubernetes object name",
            stack: "dev",
            values: values("dev", (v) => (v.metallb.pools[0].name = "LAN pool")),
            expected: [
                `metallb.pools[0].name: "LAN pool" is not a Kubernetes object name (lowercase letters, digits, '-' and '.', at most 253 characters); e.g. "default"`,
            ],
        },
        {
            rule: "a pool's autoAssign is a boolean",
            stack: "dev",
            values: values("dev", (v) => (v.metallb.pools[0].autoAssign = "yes")),
            expected: ['metallb.pools[0].autoAssign: must be true or false, got string "yes"; e.g. true'],
        },
        {
            rule: "the domain is a lowercase DNS name",
            stack: "dev",
            values: values("dev", (v) => (v.domain = "Home_Lab")),
            expected: ['domain: "Home_Lab" is not a lowercase DNS name; e.g. "dev.home.arpa"'],
        },
        {
            rule: "the ingress class is a name",
            stack: "dev",
            values: values("dev", (v) => (v.ingressClass = "Traefik Ingress")),
            expected: ['ingressClass: "Traefik Ingress" is not an ingress class name; e.g. "traefik"'],
        },
        {
            rule: "the ACME email is an email address",
            stack: "staging",
            values: values("staging", (v) => (v.tls.acme.email = "admin")),
            expected: ['tls.acme.email: "admin" is not an email address; e.g. "admin@lab.example.com"'],
        },
        {
            rule: "the ACME server is an https URL",
            stack: "staging",
            values: values("staging", (v) => (v.tls.acme.server = "http://ca.home.arpa/acme")),
            expected: [
                'tls.acme.server: "http://ca.home.arpa/acme" is not an https URL; e.g. "https://acme-v02.api.letsencrypt.org/directory"',
            ],
        },
        {
            rule: "the ACME solver is http01 or cloudflare",
            stack: "staging",
            values: values("staging", (v) => (v.tls.acme.solver = "route53")),
            expected: ['tls.acme.solver: "route53" is not one of "http01", "cloudflare"; e.g. "cloudflare"'],
        },
        {
            rule: "the GitOps repository is an http(s) or ssh URL",
            stack: "dev",
            values: values("dev", (v) => (v.gitops.repoUrl = "github.com/example/homelab")),
            expected: [
                'gitops.repoUrl: "github.com/example/homelab" is not an http(s) or ssh Git URL; e.g. "https://github.com/example/homelab.git"',
            ],
        },
        {
            rule: "the GitOps user name is not empty",
            stack: "dev",
            values: values("dev", (v) => (v.gitops.username = "")),
            expected: ['gitops.username: must not be empty; e.g. "git"'],
        },
        {
            rule: "the GitOps revision is not empty",
            stack: "dev",
            values: values("dev", (v) => (v.gitops.revision = "")),
            expected: ['gitops.revision: "" is not a Git branch, tag or commit Argo CD can track; e.g. "main"'],
        },
        {
            rule: "the ingress controller's pods are named by a label",
            stack: "dev",
            values: values("dev", (v) => (v.ingressController = { namespace: "ingress-nginx", pods: {} })),
            expected: ['ingressController.pods: names no label; e.g. {"app.kubernetes.io/name":"ingress-nginx"}'],
        },
        {
            rule: "the GitOps revision is a name Git accepts",
            stack: "dev",
            values: values("dev", (v) => (v.gitops.revision = "feature branch")),
            expected: [
                'gitops.revision: "feature branch" is not a Git branch, tag or commit Argo CD can track; e.g. "main"',
            ],
        },
        {
            rule: "the GitOps repository URL carries no credentials, and the message does not repeat them",
            stack: "dev",
            values: values(
                "dev",
                (v) => (v.gitops.repoUrl = "https://admin:ghp_s3cr3tT0ken@github.com/example/homelab.git"),
            ),
            expected: [
                'gitops.repoUrl: carries credentials: the stack file would hold them in plain text; set the secret gitopsToken (https) or gitopsSshKey (ssh) instead; e.g. "https://github.com/example/homelab.git"',
            ],
        },
        {
            rule: "the GitOps path stays inside the repository",
            stack: "dev",
            values: values("dev", (v) => (v.gitops.path = "../other")),
            expected: ['gitops.path: "../other" is not a relative path inside the repository; e.g. "gitops"'],
        },
        {
            rule: "the Vault address is an http(s) URL",
            stack: "production",
            values: values("production", (v) => (v.vault.address = "vault.home.arpa:8200")),
            expected: [
                'vault.address: "vault.home.arpa:8200" is not an http(s) URL of scheme, host and port (1 to 65535) only; e.g. "https://vault.home.arpa:8200"',
            ],
        },
        {
            rule: "the Vault address carries no credentials, and the message does not repeat them",
            stack: "production",
            values: values("production", (v) => (v.vault.address = "https://root:hvs.s3cr3t@vault.home.arpa:8200")),
            expected: [
                'vault.address: carries credentials: the stack file would hold them in plain text; Pulumi logs in with the secret vaultToken, External Secrets with the Kubernetes auth backend; e.g. "https://vault.home.arpa:8200"',
            ],
        },
        {
            rule: "the Vault address has no path",
            stack: "production",
            values: values("production", (v) => (v.vault.address = "https://vault.home.arpa:8200/v1")),
            expected: [
                'vault.address: "https://vault.home.arpa:8200/v1" is not an http(s) URL of scheme, host and port (1 to 65535) only; e.g. "https://vault.home.arpa:8200"',
            ],
        },
        {
            rule: "the Vault auth mount does not repeat auth/",
            stack: "production",
            values: values("production", (v) => (v.vault.authMount = "auth/kubernetes")),
            expected: [
                'vault.authMount: "auth/kubernetes" starts with auth/, which Vault puts before every auth backend\'s path itself; e.g. "kubernetes-production"',
            ],
        },
        {
            rule: "the Vault KV mount is not a path Vault reserves",
            stack: "production",
            values: values("production", (v) => (v.vault.kvMount = "sys/homelab")),
            expected: [
                'vault.kvMount: "sys/homelab" is under a path Vault reserves (sys, identity, cubbyhole, auth, audit); e.g. "homelab/production"',
            ],
        },
        {
            rule: "Vault's CA file holds no private key, and the message does not repeat it",
            stack: "production",
            values: values("production", (v) => (v.vault.caCertFile = "certs/vault-ca-and-key.pem")),
            expected: [
                'vault.caCertFile: "certs/vault-ca-and-key.pem" holds a private key: give only the CA\'s certificate (a private key must never sit in the repository); e.g. "certs/vault-ca.pem"',
            ],
        },
        {
            rule: "Vault's CA file is a file of the project",
            stack: "production",
            values: values("production", (v) => (v.vault.caCertFile = "certs/missing.pem")),
            expected: [
                'vault.caCertFile: "certs/missing.pem": no such file in the project\'s folder; commit the CA\'s PEM there; e.g. "certs/vault-ca.pem"',
            ],
        },
        {
            rule: "Vault's CA file is a path in the project's folder, not an absolute one",
            stack: "production",
            values: values("production", (v) => (v.vault.caCertFile = "/etc/ssl/vault-ca.pem")),
            expected: [
                'vault.caCertFile: "/etc/ssl/vault-ca.pem" is not a path in the project\'s folder: Pulumi\'s Vault provider reads it there, on every machine with the repository; e.g. "certs/vault-ca.pem"',
            ],
        },
        {
            rule: "Vault's CA file stays in the project's folder",
            stack: "production",
            values: values("production", (v) => (v.vault.caCertFile = "certs/../../vault-ca.pem")),
            expected: [
                'vault.caCertFile: "certs/../../vault-ca.pem" leaves the project\'s folder, where Pulumi\'s Vault provider reads it; e.g. "certs/vault-ca.pem"',
            ],
        },
        {
            rule: "vault.caCert (PEM in the stack file) is replaced by a file of the repository",
            stack: "production",
            values: values(
                "production",
                (v) => (v.vault.caCert = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"),
            ),
            expected: [
                "vault.caCert: is replaced by vault.caCertFile: Pulumi's Vault provider reads its CA from a file, which pulumi refresh and destroy need on every machine; commit the CA's PEM to the repository and name its path; e.g. caCertFile: \"certs/vault-ca.pem\"",
            ],
        },
        {
            rule: "the Vault auth mount is a mount path",
            stack: "production",
            values: values("production", (v) => (v.vault.authMount = "/kubernetes")),
            expected: ['vault.authMount: "/kubernetes" is not a Vault mount path; e.g. "kubernetes-production"'],
        },
        {
            rule: "the Vault KV mount is a mount path",
            stack: "production",
            values: values("production", (v) => (v.vault.kvMount = "kv v2")),
            expected: ['vault.kvMount: "kv v2" is not a Vault mount path; e.g. "homelab/production"'],
        },
        {
            rule: "creating the KV mount is true or false",
            stack: "production",
            values: values("production", (v) => (v.vault.createKvMount = "no")),
            expected: ['vault.createKvMount: must be true or false, got string "no"; e.g. false'],
        },
        {
            rule: "Vault's CA file holds a PEM certificate",
            stack: "production",
            values: values("production", (v) => (v.vault.caCertFile = "certs/vault-ca.der")),
            expected: [
                'vault.caCertFile: "certs/vault-ca.der" does not hold a PEM certificate (-----BEGIN CERTIFICATE-----); e.g. "certs/vault-ca.pem"',
            ],
        },
        {
            rule: "Vault's address of the Kubernetes API is an https URL",
            stack: "production",
            values: values("production", (v) => (v.vault.kubernetesHost = "k3s.home.arpa:6443")),
            expected: [
                'vault.kubernetesHost: "k3s.home.arpa:6443" is not an https URL of the Kubernetes API (host, port and path only); e.g. "https://k3s.home.arpa:6443"',
            ],
        },
        {
            rule: "Vault's address of the Kubernetes API carries no credentials, and the message does not repeat them",
            stack: "production",
            values: values("production", (v) => (v.vault.kubernetesHost = "https://admin:s3cr3t@k3s.home.arpa:6443")),
            expected: [
                'vault.kubernetesHost: carries credentials: the stack file would hold them in plain text; Vault authenticates to the API with the token reviewer\'s JWT; e.g. "https://k3s.home.arpa:6443"',
            ],
        },
        {
            rule: "the storage class is a name",
            stack: "production",
            values: values("production", (v) => (v.storageClass = "Longhorn SSD")),
            expected: ['storageClass: "Longhorn SSD" is not a storage class name; e.g. "longhorn"'],
        },
        {
            rule: "the alert receiver is slack, discord or webhook",
            stack: "production",
            values: values("production", (v) => (v.alerting = { receiver: "email" })),
            expected: ['alerting.receiver: "email" is not one of "slack", "discord", "webhook"; e.g. "discord"'],
        },
        {
            rule: "the Slack channel is a channel",
            stack: "production",
            values: values("production", (v) => (v.alerting = { receiver: "slack", channel: "#Homelab Alerts" })),
            secrets: secrets({ alertingUrl: "secure" }),
            expected: ['alerting.channel: "#Homelab Alerts" is not a Slack channel name or ID; e.g. "#homelab-alerts"'],
        },
        {
            rule: "a profile override names a known knob",
            stack: "dev",
            values: values("dev", (v) => (v.profile = { replicas: 2 })),
            expected: [
                "profile.replicas: is not a known key (known: resources, highAvailability, controllerReplicas, minServers, podDisruptionBudgets, podSecurity, hardening, pinnedHostKeys, drainNodes, deletionProtection, networkPolicies, storage, etcdSnapshots, backups, secretsEncryption, secrets, tlsIssuer, monitoring, namespaceSuffix, applicationsSync)",
            ],
        },
        {
            rule: "a profile override has a valid value",
            stack: "dev",
            values: values("dev", (v) => (v.profile = { networkPolicies: "deny-all" })),
            expected: ['profile.networkPolicies: "deny-all" is not one of "none", "default-deny"; e.g. "default-deny"'],
        },
        {
            rule: "controller replicas are at least 1",
            stack: "dev",
            values: values("dev", (v) => (v.profile = { controllerReplicas: 0 })),
            expected: ["profile.controllerReplicas: must be at least 1, got 0; e.g. 2"],
        },
        {
            rule: "the monitoring retention is above zero",
            stack: "dev",
            values: values("dev", (v) => (v.profile = { monitoring: { retention: "0d" } })),
            expected: ['profile.monitoring.retention: "0d" is not a Prometheus duration above zero; e.g. "30d"'],
        },
        {
            rule: "the monitoring storage size is above zero",
            stack: "dev",
            values: values("dev", (v) => (v.profile = { monitoring: { storageSize: "0Gi" } })),
            expected: [
                'profile.monitoring.storageSize: "0Gi" is not a volume size with its unit (a bare number is that many bytes); e.g. "50Gi"',
            ],
        },
        {
            rule: "the etcd snapshot schedule's day of week is 0-6, as K3s's cron parser takes it",
            stack: "dev",
            values: values("dev", (v) => (v.profile = { etcdSnapshots: { schedule: "0 3 * * 7" } })),
            expected: [
                'profile.etcdSnapshots.schedule: "0 3 * * 7" is not a cron schedule K3s accepts (five fields in range, or @hourly, @daily, @weekly, @monthly, @yearly, @every <duration>); e.g. "0 */6 * * *"',
            ],
        },
        {
            rule: "the etcd snapshot alert's age is a duration PromQL compares in whole units",
            stack: "dev",
            values: values("dev", (v) => (v.profile = { etcdSnapshots: { alertAfter: "1.5d" } })),
            expected: [
                'profile.etcdSnapshots.alertAfter: "1.5d" is not a duration in s, m, h, d or w above zero; e.g. "13h"',
            ],
        },
        {
            rule: "the etcd snapshot schedule's fields are in range",
            stack: "dev",
            values: values("dev", (v) => (v.profile = { etcdSnapshots: { schedule: "0 24 * * *" } })),
            expected: [
                'profile.etcdSnapshots.schedule: "0 24 * * *" is not a cron schedule K3s accepts (five fields in range, or @hourly, @daily, @weekly, @monthly, @yearly, @every <duration>); e.g. "0 */6 * * *"',
            ],
        },
        {
            rule: "the monitoring retention is a Prometheus duration",
            stack: "dev",
            values: values("dev", (v) => (v.profile = { monitoring: { retention: "5 days" } })),
            expected: ['profile.monitoring.retention: "5 days" is not a Prometheus duration above zero; e.g. "30d"'],
        },
        {
            rule: "the monitoring storage size is a Kubernetes quantity",
            stack: "dev",
            values: values("dev", (v) => (v.profile = { monitoring: { storageSize: "10GB" } })),
            expected: [
                'profile.monitoring.storageSize: "10GB" is not a volume size with its unit (a bare number is that many bytes); e.g. "50Gi"',
            ],
        },
        {
            rule: "the etcd snapshot schedule is a cron schedule",
            stack: "dev",
            values: values("dev", (v) => (v.profile = { etcdSnapshots: { schedule: "hourly" } })),
            expected: [
                'profile.etcdSnapshots.schedule: "hourly" is not a cron schedule K3s accepts (five fields in range, or @hourly, @daily, @weekly, @monthly, @yearly, @every <duration>); e.g. "0 */6 * * *"',
            ],
        },
        {
            rule: "a backup's ttl is a Go duration, which takes no days",
            stack: "dev",
            values: values(
                "dev",
                (v) =>
                    (v.profile = {
                        backups: { schedules: { daily: { schedule: "0 3 * * *", ttl: "7d", alertAfter: "49h" } } },
                    }),
            ),
            expected: [
                'profile.backups.schedules.daily.ttl: "7d" is not a duration in h, m and s above zero (Velero\'s ttl takes no days: 168h is a week); e.g. "168h"',
            ],
        },
        {
            rule: "the backup schedules name at least one",
            stack: "dev",
            values: values("dev", (v) => (v.profile = { backups: { schedules: {} } })),
            expected: [
                'profile.backups.schedules: names no schedule; e.g. {"daily":{"schedule":"0 3 * * *","ttl":"168h","alertAfter":"49h"}}',
            ],
        },
        {
            rule: "a backup schedule's name makes a Schedule name",
            stack: "dev",
            values: values(
                "dev",
                (v) =>
                    (v.profile = {
                        backups: { schedules: { Daily: { schedule: "0 3 * * *", ttl: "72h", alertAfter: "49h" } } },
                    }),
            ),
            expected: [
                'profile.backups.schedules.Daily: "Daily" is not a short DNS label; e.g. {"daily":{"schedule":"0 3 * * *","ttl":"168h","alertAfter":"49h"}}',
            ],
        },
        {
            rule: "the drill's schedule takes no time zone prefix, which Kubernetes refuses in a CronJob",
            stack: "dev",
            values: values(
                "dev",
                (v) =>
                    (v.profile = {
                        backups: { drill: { schedule: "CRON_TZ=Europe/Berlin 0 6 * * *", alertAfter: "49h" } },
                    }),
            ),
            expected: [
                'profile.backups.drill.schedule: "CRON_TZ=Europe/Berlin 0 6 * * *" is not a cron schedule a Kubernetes CronJob accepts (five fields in range, or @hourly, @daily, @weekly, @monthly, @yearly, @every <duration>; no TZ= prefix); e.g. "0 6 * * *"',
            ],
        },
        {
            rule: "the update gate's age is a duration, or none",
            stack: "dev",
            values: values("dev", (v) => (v.profile = { backups: { maxAgeForUpdates: "off" } })),
            expected: [
                'profile.backups.maxAgeForUpdates: "off" is not none or a duration in s, m, h, d or w above zero; e.g. "6h"',
            ],
        },
        {
            rule: "the backup store's endpoint has no scheme",
            stack: "dev",
            values: values("dev", (v) => (v.backups = { endpoint: "https://minio.home.arpa:9000", bucket: "velero" })),
            expected: [
                'backups.endpoint: "https://minio.home.arpa:9000" is not a host or host:port (no scheme); e.g. "minio.home.arpa:9000"',
            ],
        },
        {
            rule: "a volume size carries its unit: a bare number is bytes",
            stack: "dev",
            values: values("dev", (v) => (v.profile = { monitoring: { storageSize: "50" } })),
            expected: [
                'profile.monitoring.storageSize: "50" is not a volume size with its unit (a bare number is that many bytes); e.g. "50Gi"',
            ],
        },
        ...["velero..backups", "192.168.1.10", "xn--velero", "velero-s3alias"].map((bucket) => ({
            rule: `the backup store's bucket is one S3 accepts: not ${bucket}`,
            stack: "dev",
            values: values("dev", (v) => (v.backups = { endpoint: "minio.home.arpa:9000", bucket })),
            expected: [
                `backups.bucket: "${bucket}" is not an S3 bucket name (3 to 63 lowercase letters, digits, '.' and '-', starting and ending with a letter or digit; no '..', no IP address, no prefix xn-- or sthree-, no suffix -s3alias or --ol-s3); e.g. "velero"`,
            ],
        })),
        {
            rule: "component overrides name a known component",
            stack: "dev",
            values: values("dev", (v) => (v.components = { traefik: { values: {} } })),
            expected: [
                "components.traefik: is not a known key (known: argocd, metallb, certManager, monitoring, externalSecrets, velero)",
            ],
        },
        {
            rule: "component values are a map",
            stack: "dev",
            values: values("dev", (v) => (v.components = { argocd: { values: "server.replicas=3" } })),
            expected: [
                'components.argocd.values: must be an object (a YAML mapping), got string "server.replicas=3"; e.g. {"server":{"replicas":3}}',
            ],
        },
        {
            rule: "every field problem is reported at once",
            stack: "dev",
            values: values("dev", (v) => {
                v.domain = 42;
                v.cluster.nodes[0].address = "x";
            }),
            expected: [
                'cluster.nodes[0].address: "x" is not an IPv4 address; e.g. "192.168.10.11"',
                'domain: must be a string, got number 42; e.g. "dev.home.arpa"',
            ],
        },
    ]);
});

describe("stack name", () => {
    eachCase([
        {
            rule: "an unknown stack name lists the environments",
            stack: "prod",
            values: values("production"),
            expected: [
                'stack: "prod" is not an environment; the stack name selects one of dev, staging, production; e.g. pulumi stack select dev',
            ],
        },
    ]);
});

describe("TLS settings, resolved once", () => {
    const tls = (stack: "dev" | "staging", acme?: Record<string, unknown>) => {
        const set = secrets(acme?.solver === "cloudflare" ? { cloudflareApiToken: "secure" } : {});
        const result = validateConfig(
            input(
                stack,
                values(stack, (v) => acme && (v.tls = { acme })),
                set,
            ),
        );
        assert.ok(result.ok, result.ok ? "" : result.problems.join("\n"));
        return result.settings.tls;
    };

    it("is the private CA where the profile signs its own certificates", () => {
        assert.deepEqual(tls("dev"), { kind: "privateCa" });
    });

    it("names Let's Encrypt's issuer after the stage, with its directory", () => {
        assert.deepEqual(tls("staging", { email: "admin@lab.example.com" }), {
            kind: "acme",
            issuerName: "letsencrypt-staging",
            server: "https://acme-staging-v02.api.letsencrypt.org/directory",
            email: "admin@lab.example.com",
            solver: "http01",
        });
    });

    it("names another ACME CA's issuer acme-<stage>", () => {
        const server = "https://ca.home.example.com/acme/acme/directory";
        assert.deepEqual(tls("staging", { email: "admin@lab.example.com", server, solver: "cloudflare" }), {
            kind: "acme",
            issuerName: "acme-staging",
            server,
            email: "admin@lab.example.com",
            solver: "cloudflare",
        });
    });
});

describe("Vault settings, resolved once", () => {
    it("name the auth backend and KV mount after the environment where the stack does not", () => {
        const result = validateConfig(
            input(
                "production",
                values("production", (v) => (v.vault = { address: "https://vault.home.arpa:8200" })),
            ),
        );
        assert.ok(result.ok, result.ok ? "" : result.problems.join("\n"));
        assert.deepEqual(result.settings.secretStore, {
            backend: "vault",
            address: "https://vault.home.arpa:8200",
            authMount: "kubernetes-production",
            kvMount: "homelab/production",
            createKvMount: true,
            kubernetesHost: undefined,
        });
    });

    it("carry the CA file's path, for Pulumi's provider, and its PEM, for External Secrets", () => {
        const result = validateConfig(
            input(
                "production",
                values("production", (v) => (v.vault.caCertFile = "certs/vault-ca.pem")),
            ),
        );
        assert.ok(result.ok, result.ok ? "" : result.problems.join("\n"));
        assert.deepEqual((result.settings.secretStore as any).caCert, {
            file: "certs/vault-ca.pem",
            pem: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
        });
    });
});

describe("Vault's address of the Kubernetes API", () => {
    /** Production on an existing cluster whose kubeconfig names `server`. */
    const existingCluster = (server: string, change: (v: any) => void = () => undefined) => ({
        stack: "production",
        values: values("production", (v) => {
            delete v.cluster;
            change(v);
        }),
        secrets: secrets({ kubeconfig: "secure" }),
        kubeconfig: { server },
    });

    eachCase([
        {
            rule: "is not a loopback address where the stack names it",
            stack: "production",
            values: values("production", (v) => (v.vault.kubernetesHost = "https://127.0.0.1:6443")),
            expected: [
                'vault.kubernetesHost: "https://127.0.0.1:6443" is a loopback address; Vault reviews tokens there and would reach its own machine, not the cluster\'s API; e.g. "https://k3s.home.arpa:6443"',
            ],
        },
        {
            rule: "is named where the kubeconfig's server is a loopback address, and the message quotes none of it",
            ...existingCluster("https://localhost:16443"),
            expected: [
                "vault.kubernetesHost: required: the kubeconfig's server is a loopback address, which Vault cannot reach to review tokens; set the cluster's API URL as Vault reaches it; e.g. \"https://k3s.home.arpa:6443\"",
            ],
        },
    ]);

    it("refuses every spelling of loopback: 127.0.0.0/8 (also IPv4-mapped), ::1, 0.0.0.0 and localhost", () => {
        for (const kubernetesHost of [
            "https://127.0.0.1:6443",
            "https://127.1:6443",
            "https://127.200.0.1",
            "https://[::1]:6443",
            "https://[0:0:0:0:0:0:0:1]:6443",
            "https://localhost:6443",
            "https://LOCALHOST.:6443",
            "https://api.localhost:6443",
            "https://0.0.0.0:6443",
            "https://[::ffff:127.0.0.1]:6443",
        ]) {
            const found = problems({
                stack: "production",
                values: values("production", (v) => (v.vault.kubernetesHost = kubernetesHost)),
            });
            assert.equal(found.length, 1, kubernetesHost);
            assert.match(found[0], /^vault\.kubernetesHost: .* is a loopback address; /, kubernetesHost);
        }
    });

    it("accepts an address Vault can reach, also over a loopback kubeconfig", () => {
        assert.deepEqual(
            problems(
                existingCluster(
                    "https://127.0.0.1:6443",
                    (v) => (v.vault.kubernetesHost = "https://192.168.30.10:6443"),
                ),
            ),
            [],
        );
        assert.deepEqual(problems(existingCluster("https://k3s.home.arpa:6443")), []);
        assert.deepEqual(
            problems({
                stack: "production",
                values: values(
                    "production",
                    (v) => (v.vault.kubernetesHost = "https://rancher.home.arpa/k8s/clusters/c-m-x"),
                ),
            }),
            [],
        );
    });

    it("lets a kubeconfig name a loopback server where Vault is not used", () => {
        assert.deepEqual(
            problems({
                stack: "dev",
                values: values("dev", (v) => delete v.cluster),
                secrets: secrets({ kubeconfig: "secure" }),
                kubeconfig: { server: "https://127.0.0.1:6443" },
            }),
            [],
        );
    });

    it("is carried to the Vault settings where the stack names it", () => {
        const result = validateConfig(
            input(
                "production",
                values("production", (v) => (v.vault.kubernetesHost = "https://k3s.lab.example.com:6443")),
            ),
        );
        assert.ok(result.ok, result.ok ? "" : result.problems.join("\n"));
        assert.equal(
            result.settings.secretStore.backend === "vault" && result.settings.secretStore.kubernetesHost,
            "https://k3s.lab.example.com:6443",
        );
    });
});
