// One failing fixture per cross-field rule, each with its exact message.
import * as assert from "node:assert/strict";
import { Case, eachCase, problems, secrets, values } from "../../fixtures";

const NODE_EXAMPLE = "[{ name: k3s-server-1, address: 192.168.10.11, role: server, user: admin }]";

describe("cross-field rules", () => {
    const cases: Case[] = [
        {
            rule: "a cluster is reachable: nodes or a kubeconfig",
            stack: "dev",
            values: values("dev", (v) => delete v.cluster),
            expected: [
                `cluster.nodes: no cluster to reach: list the nodes to install K3s on, or set the secret kubeconfig of an existing cluster; e.g. ${NODE_EXAMPLE}`,
            ],
        },
        {
            rule: "nodes and a kubeconfig are not both set",
            stack: "dev",
            values: values("dev"),
            secrets: secrets({ kubeconfig: "secure" }),
            expected: [
                "kubeconfig: is set together with cluster.nodes; keep one: nodes to bootstrap K3s, or kubeconfig for an existing cluster; e.g. pulumi config rm kubeconfig",
            ],
        },
        {
            rule: "the nodes include a server",
            stack: "dev",
            values: values("dev", (v) => (v.cluster.nodes[0].role = "agent")),
            expected: [`cluster.nodes: has no server; the first server initialises the cluster; e.g. ${NODE_EXAMPLE}`],
        },
        {
            rule: "node labels stay out of the namespaces the kubelet reserves",
            stack: "dev",
            values: values("dev", (v) => {
                v.cluster.nodes[0].labels = {
                    "node-role.kubernetes.io/storage": "true",
                    "topology.kubernetes.io/zone": "rack-1",
                    "node.kubernetes.io/pool": "a",
                    "homelab.dev/role": "storage",
                };
            }),
            expected: [
                'cluster.nodes[0].labels: "node-role.kubernetes.io/storage" is in the kubernetes.io/k8s.io namespace the kubelet reserves; it refuses the label and K3s does not start (set such labels with kubectl after the node joined); e.g. { "homelab.dev/role": "storage" }',
            ],
        },
        {
            rule: "node addresses stay out of K3s's pod and service networks",
            stack: "staging",
            values: values("staging", (v) => (v.cluster.nodes[1].address = "10.43.0.10")),
            expected: [
                'cluster.nodes[1].address: 10.43.0.10 is inside K3s\'s service network 10.43.0.0/16; routes to it would go to pods or services, not to the host; e.g. "192.168.10.11"',
            ],
        },
        {
            rule: "node addresses are reachable: no loopback, link-local, multicast or broadcast",
            stack: "dev",
            values: values("dev", (v) => (v.cluster.nodes[0].address = "127.0.0.1")),
            expected: [
                'cluster.nodes[0].address: 127.0.0.1 is loopback; SSH and the other nodes cannot reach a node there; e.g. "192.168.10.11"',
            ],
        },
        {
            rule: "the API address is not an agent's",
            stack: "staging",
            values: values("staging", (v) => (v.cluster.apiAddress = v.cluster.nodes[1].address)),
            expected: [
                "cluster.apiAddress: 192.168.20.21 is agent k3s-agent-1's address; agents serve no API (the VIP or a server's address); e.g. \"192.168.10.10\"",
            ],
        },
        {
            rule: "the API address is reachable",
            stack: "dev",
            values: values("dev", (v) => (v.cluster.apiAddress = "0.0.0.0")),
            expected: [
                'cluster.apiAddress: 0.0.0.0 is the unspecified address; clients cannot reach the API there; e.g. "192.168.10.10"',
            ],
        },
        {
            rule: "the VIP is a free address, not a node's",
            stack: "production",
            values: values("production", (v) => (v.cluster.vip = { address: "192.168.30.12", interface: "eth0" })),
            expected: [
                `cluster.vip.address: 192.168.30.12 is node k3s-server-2's own address; the VIP must be a free address kube-vip can move between the servers; e.g. "192.168.10.10"`,
            ],
        },
        {
            rule: "the VIP is outside every MetalLB pool",
            stack: "production",
            values: values("production", (v) => (v.cluster.vip = { address: "192.168.30.200", interface: "eth0" })),
            expected: [
                'metallb.pools[0].addresses[0]: "192.168.30.192/27" contains cluster.vip.address (192.168.30.200); MetalLB would hand that address to a service; e.g. "192.168.10.200-192.168.10.220"',
            ],
        },
        {
            rule: "staging and production pin every node's SSH host key",
            stack: "staging",
            values: values("staging", (v) => delete v.cluster.nodes[1].hostKey),
            expected: [
                'cluster.nodes[1].hostKey: required in staging (profile pinnedHostKeys): without it SSH accepts any host key, and the cluster token would go to whoever answers at 192.168.20.21; get it with ssh-keyscan -t ed25519 192.168.20.21, without the host name; e.g. "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"',
            ],
        },
        {
            rule: "an ingress controller serves the ingress class",
            stack: "dev",
            values: values("dev", (v) => (v.cluster.traefik = false)),
            expected: [
                'ingressClass: "traefik" names K3s\'s Traefik, which cluster.traefik: false turns off; name the class of the ingress controller you run instead, or keep Traefik; e.g. "nginx"',
            ],
        },
        {
            rule: "the number of servers is odd",
            stack: "staging",
            values: values("staging", (v) => (v.cluster.nodes[1].role = "server")),
            expected: [
                "cluster.nodes: has 2 servers; embedded etcd needs an odd number to keep quorum; e.g. 1, 3 or 5 nodes with role: server",
            ],
        },
        {
            rule: "production has at least three servers",
            stack: "production",
            values: values("production", (v) => v.cluster.nodes.splice(1, 2)),
            expected: [
                "cluster.nodes: has 1 server(s); production needs at least 3 for a highly available control plane; e.g. 3 nodes with role: server",
            ],
        },
        {
            rule: "node names are unique",
            stack: "staging",
            values: values("staging", (v) => (v.cluster.nodes[1].name = "k3s-server-1")),
            expected: [
                'cluster.nodes[1].name: "k3s-server-1" is also the name of cluster.nodes[0]; node names must be unique',
            ],
        },
        {
            rule: "node addresses are unique",
            stack: "staging",
            values: values("staging", (v) => (v.cluster.nodes[1].address = "192.168.20.11")),
            expected: [
                'cluster.nodes[1].address: "192.168.20.11" is also the address of cluster.nodes[0]; node addresses must be unique',
            ],
        },
        {
            rule: "pool names are unique",
            stack: "dev",
            values: values("dev", (v) => v.metallb.pools.push({ name: "default", addresses: ["192.168.10.230/32"] })),
            expected: [
                'metallb.pools[1].name: "default" is also the name of metallb.pools[0]; pool names must be unique',
            ],
        },
        {
            rule: "pools lie in private address space",
            stack: "dev",
            values: values("dev", (v) => (v.metallb.pools[0].addresses = ["203.0.113.0/28"])),
            expected: [
                'metallb.pools[0].addresses[0]: "203.0.113.0/28" is not inside private (RFC 1918) or shared (RFC 6598) address space; e.g. "192.168.10.200-192.168.10.220"',
            ],
        },
        {
            rule: "pools do not overlap each other",
            stack: "dev",
            values: values("dev", (v) => v.metallb.pools.push({ name: "extra", addresses: ["192.168.10.216/29"] })),
            expected: [
                'metallb.pools[1].addresses[0]: "192.168.10.216/29" overlaps metallb.pools[0].addresses[0] ("192.168.10.200-192.168.10.219"); an address must belong to one pool; e.g. "192.168.10.200-192.168.10.220"',
            ],
        },
        {
            rule: "pools do not contain a node's address",
            stack: "dev",
            values: values("dev", (v) => (v.metallb.pools[0].addresses = ["192.168.10.0/28"])),
            expected: [
                'metallb.pools[0].addresses[0]: "192.168.10.0/28" contains cluster.nodes[0].address (192.168.10.11); MetalLB would hand that address to a service; e.g. "192.168.10.200-192.168.10.220"',
            ],
        },
        {
            rule: "pools do not contain the API address",
            stack: "dev",
            values: values("dev", (v) => (v.cluster.apiAddress = "192.168.10.210")),
            expected: [
                'metallb.pools[0].addresses[0]: "192.168.10.200-192.168.10.219" contains cluster.apiAddress (192.168.10.210); MetalLB would hand that address to a service; e.g. "192.168.10.200-192.168.10.220"',
            ],
        },
        {
            rule: "production names its Vault",
            stack: "production",
            values: values("production", (v) => delete v.vault),
            expected: [
                'vault.address: required: production reads workload secrets from Vault (profile secrets: vault); e.g. "https://vault.home.arpa:8200"',
            ],
        },
        {
            rule: "production reaches Vault over TLS",
            stack: "production",
            values: values("production", (v) => (v.vault.address = "http://vault.home.arpa:8200")),
            expected: [
                'vault.address: "http://vault.home.arpa:8200" is plain http; a hardened production sends Vault tokens over TLS only; e.g. "https://vault.home.arpa:8200"',
            ],
        },
        {
            rule: "an ACME issuer has an account email",
            stack: "staging",
            values: values("staging", (v) => delete v.tls),
            expected: [
                'tls.acme.email: required: staging issues certificates through ACME (profile tlsIssuer: acme-staging); e.g. "admin@lab.example.com"',
            ],
        },
        {
            rule: "Let's Encrypt is not asked for a private domain",
            stack: "production",
            values: values("production", (v) => (v.domain = "lab.home.arpa")),
            expected: [
                `domain: "lab.home.arpa" is under .home.arpa, which Let's Encrypt cannot issue for; use a public domain, a private ACME CA in tls.acme.server, or profile.tlsIssuer: privateCa; e.g. "lab.example.com"`,
            ],
        },
        {
            rule: "the Cloudflare solver has its API token",
            stack: "staging",
            values: values("staging", (v) => (v.tls.acme.solver = "cloudflare")),
            expected: [
                "cloudflareApiToken: required: tls.acme.solver is cloudflare (DNS-01 needs an API token with Zone.DNS edit); e.g. pulumi config set --secret cloudflareApiToken <token>",
            ],
        },
        {
            rule: "secret keys are stored encrypted",
            stack: "dev",
            values: values("dev"),
            secrets: secrets({ sshPrivateKey: "plain" }),
            expected: [
                "sshPrivateKey: is stored in plain text in the stack file; set it as a secret; e.g. pulumi config set --secret sshPrivateKey < ~/.ssh/id_ed25519",
            ],
        },
        {
            rule: "distributed storage names its storage class",
            stack: "production",
            values: values("production", (v) => delete v.storageClass),
            expected: [
                'storageClass: required: production keeps data on distributed storage (profile storage: distributed); e.g. "longhorn"',
            ],
        },
        {
            rule: "distributed storage is not local-path",
            stack: "production",
            values: values("production", (v) => (v.storageClass = "local-path")),
            expected: [
                'storageClass: "local-path" keeps each volume on one node; production needs a distributed storage class; e.g. "longhorn"',
            ],
        },
        {
            rule: "a GitOps token goes with an https repository",
            stack: "dev",
            values: values("dev", (v) => (v.gitops.repoUrl = "git@github.com:example/homelab.git")),
            secrets: secrets({ gitopsToken: "secure" }),
            expected: [
                "gitopsToken: is set, but gitops.repoUrl is an ssh URL; a token authenticates over https only; e.g. pulumi config set --secret gitopsSshKey < ~/.ssh/homelab_deploy_key",
            ],
        },
        {
            rule: "a GitOps deploy key goes with an ssh repository",
            stack: "dev",
            values: values("dev"),
            secrets: secrets({ gitopsSshKey: "secure" }),
            expected: [
                "gitopsSshKey: is set, but gitops.repoUrl is an https URL; a deploy key authenticates over ssh only; e.g. pulumi config set --secret gitopsToken <read-only access token>",
            ],
        },
        {
            rule: "a repository has one kind of GitOps credential",
            stack: "dev",
            values: values("dev", (v) => (v.gitops.repoUrl = "ssh://git@github.com/example/homelab.git")),
            secrets: secrets({ gitopsToken: "secure", gitopsSshKey: "secure" }),
            expected: [
                "gitopsToken: is set, but gitops.repoUrl is an ssh URL; a token authenticates over https only; e.g. pulumi config set --secret gitopsSshKey < ~/.ssh/homelab_deploy_key",
                "gitopsSshKey: is set together with gitopsToken; keep the one that matches gitops.repoUrl; e.g. pulumi config rm gitopsSshKey",
            ],
        },
        {
            rule: "an S3 snapshot target has its access and secret keys",
            stack: "staging",
            values: values(
                "staging",
                (v) => (v.cluster.etcdS3 = { endpoint: "minio.home.arpa", bucket: "k3s-snapshots" }),
            ),
            secrets: secrets({ etcdS3AccessKey: "secure" }),
            expected: [
                "etcdS3SecretKey: required: cluster.etcdS3 stores etcd snapshots in S3; e.g. pulumi config set --secret etcdS3SecretKey <secret key>",
            ],
        },
        {
            rule: "an S3 snapshot target is reached one way",
            stack: "staging",
            values: values(
                "staging",
                (v) =>
                    (v.cluster.etcdS3 = {
                        endpoint: "minio.home.arpa:9000",
                        bucket: "k3s-snapshots",
                        skipSslVerify: true,
                        caCert: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
                    }),
            ),
            secrets: secrets({ etcdS3AccessKey: "secure", etcdS3SecretKey: "secure" }),
            expected: [
                "cluster.etcdS3: sets skipSslVerify and caCert, but K3s reaches the endpoint one way: plain HTTP (insecure), unverified TLS (skipSslVerify) or TLS verified against caCert; e.g. { endpoint: minio.home.arpa:9000, bucket: k3s-snapshots, caCert: <PEM> }",
            ],
        },
        {
            rule: "an alert receiver has its URL",
            stack: "production",
            values: values("production", (v) => (v.alerting = { receiver: "discord" })),
            expected: [
                "alertingUrl: required: alerting names a receiver, and this is its webhook URL; e.g. pulumi config set --secret alertingUrl https://discord.com/api/webhooks/<id>/<token>",
            ],
        },
        {
            rule: "production keeps Vault as its secret source",
            stack: "production",
            values: values("production", (v) => (v.profile = { secrets: "kubernetes" })),
            expected: [
                // Velero's keys would then be Pulumi's to hold.
                "backupS3AccessKey: required: backups names Velero's S3 store, and this is one of its keys; e.g. pulumi config set --secret backupS3AccessKey <access key>",
                "backupS3SecretKey: required: backups names Velero's S3 store, and this is one of its keys; e.g. pulumi config set --secret backupS3SecretKey <secret key>",
                'profile.secrets: "kubernetes" is not allowed: production reads secrets from Vault only; e.g. "vault" (or remove the override)',
            ],
        },
        {
            rule: "production keeps K3s's hardening",
            stack: "production",
            values: values("production", (v) => (v.profile = { hardening: false })),
            expected: [
                "profile.hardening: false is not allowed: production runs K3s with its CIS hardening; e.g. true (or remove the override)",
            ],
        },
        {
            rule: "production keeps applications on manual sync",
            stack: "production",
            values: values("production", (v) => (v.profile = { applicationsSync: "automated" })),
            expected: [
                'profile.applicationsSync: "automated" is not allowed: production applications sync only after manual approval; e.g. "manual" (or remove the override)',
            ],
        },
        {
            rule: "production keeps three servers",
            stack: "production",
            values: values("production", (v) => (v.profile = { minServers: 1 })),
            expected: [
                "profile.minServers: 1 is not allowed: production keeps its control plane (and etcd quorum) on at least three servers; e.g. 3 (or remove the override)",
            ],
        },
        {
            rule: "production keeps distributed storage",
            stack: "production",
            values: values("production", (v) => (v.profile = { storage: "local" })),
            expected: [
                'profile.storage: "local" is not allowed: production keeps data on distributed storage, so a node\'s loss loses no volume; e.g. "distributed" (or remove the override)',
            ],
        },
        {
            rule: "production keeps its backups and the update gate",
            stack: "production",
            values: values("production", (v) => (v.profile = { backups: { maxAgeForUpdates: "none" } })),
            expected: [
                'profile.backups: {"maxAgeForUpdates":"none"} is not allowed: production keeps backups of its data, and updates only after a fresh one; e.g. { target: required, maxAgeForUpdates: "6h" } (or remove the override)',
            ],
        },
        {
            rule: "production names its backup store",
            stack: "production",
            values: values("production", (v) => delete v.backups),
            expected: [
                "backups: required: production backs up its volumes and objects with Velero to an S3-compatible store (profile backups.target: required); e.g. { endpoint: minio.home.arpa:9000, bucket: velero }",
            ],
        },
        {
            rule: "a stack whose updates wait for a fresh backup names a backup store",
            stack: "staging",
            values: values("staging", (v) => (v.profile = { backups: { maxAgeForUpdates: "26h" } })),
            expected: [
                "backups: required: staging's updates wait for a backup at most 26h old (profile backups.maxAgeForUpdates), which Velero takes to an S3-compatible store; e.g. { endpoint: minio.home.arpa:9000, bucket: velero }",
            ],
        },
        {
            rule: "a backup store's keys are set where Pulumi holds them",
            stack: "staging",
            values: values("staging", (v) => (v.backups = { endpoint: "minio.home.arpa:9000", bucket: "velero" })),
            secrets: secrets({ backupS3AccessKey: "secure" }),
            expected: [
                "backupS3SecretKey: required: backups names Velero's S3 store, and this is one of its keys; e.g. pulumi config set --secret backupS3SecretKey <secret key>",
            ],
        },
        {
            rule: "Velero reaches its store one way",
            stack: "production",
            values: values("production", (v) => (v.backups = { ...v.backups, insecure: true, skipSslVerify: true })),
            expected: [
                "backups: sets insecure and skipSslVerify, but Velero reaches the endpoint one way: plain HTTP (insecure), unverified TLS (skipSslVerify) or TLS verified against caCert; e.g. { endpoint: minio.home.arpa:9000, bucket: velero, caCert: <PEM> }",
            ],
        },
        {
            rule: "ACME is refused for a name ICANN never delegates",
            stack: "staging",
            values: values("staging", (v) => (v.domain = "lab.corp")),
            expected: [
                'domain: "lab.corp" is under .corp, which Let\'s Encrypt cannot issue for; use a public domain, a private ACME CA in tls.acme.server, or profile.tlsIssuer: privateCa; e.g. "lab.example.com"',
            ],
        },
        {
            rule: "a credential in chart values is refused, and the message does not repeat it",
            stack: "staging",
            values: values(
                "staging",
                (v) =>
                    (v.components = {
                        monitoring: {
                            values: {
                                grafana: {
                                    adminPassword: "hunter2hunter2",
                                    admin: { existingSecret: "grafana-admin" },
                                    // A reference Grafana resolves at start holds no credential.
                                    "grafana.ini": {
                                        auth: { generic_oauth: { client_secret: "$__file{/etc/secrets/oauth}" } },
                                    },
                                },
                            },
                        },
                        argocd: { values: { notifications: { secret: { items: [{ slackToken: "xoxb-1234" }] } } } },
                    }),
            ),
            expected: [
                "components.argocd.values.notifications.secret.items[0].slackToken: holds a credential in plain text in the stack file; keep it in a Kubernetes Secret the chart reads by name (its existingSecret-style value); e.g. grafana: { admin: { existingSecret: grafana-admin } }",
                "components.monitoring.values.grafana.adminPassword: holds a credential in plain text in the stack file; keep it in a Kubernetes Secret the chart reads by name (its existingSecret-style value); e.g. grafana: { admin: { existingSecret: grafana-admin } }",
            ],
        },
        {
            rule: "an existing cluster's kubeconfig is readable, and the message quotes none of it",
            stack: "dev",
            values: values("dev", (v) => delete v.cluster),
            secrets: secrets({ kubeconfig: "secure" }),
            kubeconfig: { problem: "looks like a file's path; set the file's contents instead" },
            expected: [
                "kubeconfig: looks like a file's path; set the file's contents instead; e.g. pulumi config set --secret kubeconfig < ~/.kube/config",
            ],
        },
        {
            rule: "another ingress controller is named for the network policies",
            stack: "staging",
            values: values("staging", (v) => (v.ingressClass = "nginx")),
            expected: [
                'ingressController: required: ingressClass "nginx" is served by another controller than K3s\'s Traefik, and the network policies admit only the controller named here; e.g. { namespace: ingress-nginx, pods: { "app.kubernetes.io/name": ingress-nginx } }',
            ],
        },
    ];
    eachCase(cases);

    it("reports every rule's problem at once", () => {
        const broken = values("production", (v) => {
            delete v.vault;
            delete v.storageClass;
        });
        assert.deepEqual(problems({ stack: "production", values: broken }), [
            'vault.address: required: production reads workload secrets from Vault (profile secrets: vault); e.g. "https://vault.home.arpa:8200"',
            'storageClass: required: production keeps data on distributed storage (profile storage: distributed); e.g. "longhorn"',
        ]);
    });
});
