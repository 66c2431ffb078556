// One failing fixture per rule of what the cluster, the kubelet, MetalLB, Let's Encrypt, Argo CD
// and Vault would refuse or break on, each with the exact message: the key, what would happen, and
// a right value.
import * as assert from "node:assert/strict";
import { keyShape } from "../../../stacks/config/key-shape";
import { validateConfig } from "../../../stacks/config/validate";
import { eachCase, input, secrets, values } from "../../fixtures";

const HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";

describe("config the cluster would refuse: nodes", () => {
    eachCase([
        {
            rule: "an SSH user pasted as user@host",
            stack: "dev",
            values: values("dev", (v) => (v.cluster.nodes[0].user = "admin@192.168.10.11")),
            expected: [
                'cluster.nodes[0].user: "admin@192.168.10.11" holds an \'@\': give the user alone (the host goes in address); e.g. "admin"',
            ],
        },
        {
            rule: "an SSH user longer than useradd allows",
            stack: "dev",
            values: values("dev", (v) => (v.cluster.nodes[0].user = "a".repeat(33))),
            expected: [
                "cluster.nodes[0].user: \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\" is not a Linux user name (at most 32 letters, digits, '_', '.' and '-', not starting with '-', not all digits); e.g. \"admin\"",
            ],
        },
        {
            rule: "an SSH user with a space",
            stack: "dev",
            values: values("dev", (v) => (v.cluster.nodes[0].user = "john doe")),
            expected: [
                "cluster.nodes[0].user: \"john doe\" is not a Linux user name (at most 32 letters, digits, '_', '.' and '-', not starting with '-', not all digits); e.g. \"admin\"",
            ],
        },
        {
            rule: "a host key cut short",
            stack: "staging",
            values: values("staging", (v) => (v.cluster.nodes[0].hostKey = HOST_KEY.slice(0, 60))),
            expected: [
                'cluster.nodes[0].hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsa" has a ssh-ed25519 key that is cut short or not base64: copy the whole line; e.g. "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"',
            ],
        },
        {
            rule: "a host key whose declared type is not its key's",
            stack: "staging",
            values: values(
                "staging",
                (v) => (v.cluster.nodes[0].hostKey = HOST_KEY.replace("ssh-ed25519", "ecdsa-sha2-nistp256")),
            ),
            expected: [
                'cluster.nodes[0].hostKey: "ecdsa-sha2-nistp256 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl" says ecdsa-sha2-nistp256 but its key is ssh-ed25519: copy the type and the key from the same line; e.g. "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"',
            ],
        },
        {
            rule: "a private key pasted as a host key, never repeated",
            stack: "staging",
            values: values(
                "staging",
                (v) =>
                    (v.cluster.nodes[0].hostKey =
                        "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----"),
            ),
            expected: [
                'cluster.nodes[0].hostKey: holds a private key: give the node\'s public host key (`ssh-keyscan -t ed25519 <address>`), and never put a private key in the stack file; e.g. "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"',
            ],
        },
        {
            rule: "a node name longer than the kubelet's hostname label holds",
            stack: "dev",
            values: values(
                "dev",
                (v) =>
                    (v.cluster.nodes[0].name = "k3s-server-1.rack-2.basement.house-of-the-lab.home.example.internal"),
            ),
            expected: [
                `cluster.nodes[0].name: "k3s-server-1.rack-2.basement.house-of-the-lab.home.example.internal" is not a node name: a lowercase host name (letters, digits, '-', labels joined by '.') of at most 63 characters, the longest the kubelet's kubernetes.io/hostname label holds; e.g. "k3s-server-1"`,
            ],
        },
        {
            rule: "a label key whose prefix has a label over 63 characters",
            stack: "dev",
            values: values("dev", (v) => (v.cluster.nodes[0].labels = { [`${"a".repeat(64)}.io/zone`]: "a" })),
            expected: [
                'cluster.nodes[0].labels["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.io/zone"]: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.io/zone" is not a Kubernetes label key; e.g. {"topology.kubernetes.io/zone":"rack-1"}',
            ],
        },
        {
            rule: "every node tainted NoSchedule, so no platform pod schedules",
            stack: "staging",
            values: values("staging", (v) =>
                v.cluster.nodes.forEach((n: any) => (n.taints = ["dedicated=storage:NoSchedule"])),
            ),
            expected: [
                "cluster.nodes: every node has a NoSchedule or NoExecute taint; the platform's pods tolerate none of them, so the scheduler would place none and every Deployment would stay Pending; e.g. leave one node's taints empty, or use PreferNoSchedule",
            ],
        },
    ]);
});

describe("config the cluster would refuse: versions", () => {
    eachCase([
        {
            rule: "a K3s release older than the pinned charts' kubeVersion",
            stack: "dev",
            values: values("dev", (v) => (v.cluster.k3sVersion = "v1.24.17+k3s1")),
            expected: [
                'cluster.k3sVersion: "v1.24.17+k3s1" is Kubernetes 1.24; the pinned charts need 1.25 or newer (their Chart.yaml kubeVersion), and Helm would refuse to install them; e.g. "v1.34.2+k3s1"',
            ],
        },
    ]);
});

describe("config the cluster would refuse: addresses", () => {
    eachCase([
        {
            rule: "a VIP off the servers' /24",
            stack: "production",
            values: values("production", (v) => (v.cluster.vip = { address: "192.168.31.10", interface: "eth0" })),
            expected: [
                'cluster.vip.address: 192.168.31.10 is not on the servers\' LAN 192.168.30.0/24 (the /24 of 192.168.30.11; set cluster.lan where it is wider); kube-vip announces it by ARP from a server, so nothing off that link reaches the API there; e.g. "192.168.10.10"',
            ],
        },
        {
            rule: "a VIP off cluster.lan",
            stack: "production",
            values: values("production", (v) => {
                v.cluster.vip = { address: "192.168.31.10", interface: "eth0" };
                v.cluster.lan = "192.168.30.0/24";
            }),
            expected: [
                'cluster.vip.address: 192.168.31.10 is not on cluster.lan 192.168.30.0/24; kube-vip announces it by ARP from a server, so nothing off that link reaches the API there; e.g. "192.168.10.10"',
            ],
        },
        {
            rule: "a pool off the servers' /24",
            stack: "dev",
            values: values("dev", (v) => (v.metallb.pools[0].addresses = ["192.168.11.200-192.168.11.219"])),
            expected: [
                'metallb.pools[0].addresses[0]: "192.168.11.200-192.168.11.219" is not on the servers\' LAN 192.168.10.0/24 (the /24 of 192.168.10.11; set cluster.lan where it is wider); MetalLB\'s L2 mode announces addresses only on the nodes\' link, so clients would never reach it; e.g. "192.168.10.200-192.168.10.220"',
            ],
        },
        {
            rule: "a pool inside K3s's pod network",
            stack: "dev",
            values: values("dev", (v) => {
                v.cluster.lan = "10.0.0.0/8";
                v.metallb.pools[0].addresses = ["10.42.5.0/28"];
            }),
            expected: [
                'metallb.pools[0].addresses[0]: "10.42.5.0/28" overlaps K3s\'s pod network 10.42.0.0/16; every node routes those addresses to pods or services, so a LoadBalancer there is unreachable; e.g. "192.168.10.200-192.168.10.220"',
            ],
        },
        {
            rule: "no pool that assigns automatically, with K3s's Traefik",
            stack: "dev",
            values: values("dev", (v) => (v.metallb.pools[0].autoAssign = false)),
            expected: [
                'metallb.pools: every pool has autoAssign: false; K3s\'s Traefik asks for no pool by name, so its LoadBalancer would stay <pending> and no UI would be reachable; e.g. [{ name: default, addresses: ["192.168.10.200-192.168.10.219"], autoAssign: true }]',
            ],
        },
    ]);
});

describe("config the cluster would refuse: names and ACME", () => {
    eachCase([
        {
            rule: "a domain whose UI names exceed DNS's 253 characters",
            stack: "dev",
            values: values("dev", (v) => (v.domain = Array(4).fill("a".repeat(61)).join("."))),
            expected: [
                'domain: makes the UI name argocd.aaaaaaaaaaaaaaaaa... 254 characters long; DNS names hold at most 253, so no resolver or CA would take it; e.g. "lab.example.com"',
                'domain: makes the UI name grafana.aaaaaaaaaaaaaaaa... 255 characters long; DNS names hold at most 253, so no resolver or CA would take it; e.g. "lab.example.com"',
            ],
        },
        {
            rule: "a .internal domain with Let's Encrypt",
            stack: "staging",
            values: values("staging", (v) => (v.domain = "lab.internal")),
            expected: [
                'domain: "lab.internal" is under .internal, which Let\'s Encrypt cannot issue for; use a public domain, a private ACME CA in tls.acme.server, or profile.tlsIssuer: privateCa; e.g. "lab.example.com"',
            ],
        },
        {
            rule: "a private domain with Let's Encrypt named explicitly",
            stack: "staging",
            values: values("staging", (v) => {
                v.domain = "lab.home.arpa";
                v.tls.acme.server = "https://acme-staging-v02.api.letsencrypt.org/directory";
            }),
            expected: [
                `domain: "lab.home.arpa" is under .home.arpa, which Let's Encrypt cannot issue for; use a public domain, a private ACME CA in tls.acme.server, or profile.tlsIssuer: privateCa; e.g. "lab.example.com"`,
            ],
        },
        {
            rule: "an ACME contact at example.com, which Boulder forbids",
            stack: "staging",
            values: values("staging", (v) => (v.tls.acme.email = "admin@example.com")),
            expected: [
                'tls.acme.email: @example.com is an example domain, which Let\'s Encrypt refuses as a contact, so no certificate would be issued; e.g. "you@your-domain.net"',
            ],
        },
        {
            rule: "an ACME contact at a non-public domain",
            stack: "staging",
            values: values("staging", (v) => (v.tls.acme.email = "admin@router.lan")),
            expected: [
                'tls.acme.email: @router.lan is under .lan, not a public domain; Let\'s Encrypt refuses it as a contact, so no certificate would be issued; e.g. "you@your-domain.net"',
            ],
        },
        {
            rule: "Let's Encrypt's host without its /directory",
            stack: "staging",
            values: values("staging", (v) => (v.tls.acme.server = "https://acme-v02.api.letsencrypt.org/")),
            expected: [
                'tls.acme.server: "https://acme-v02.api.letsencrypt.org/" is not Let\'s Encrypt\'s directory; cert-manager reads the directory at exactly this URL and would find none; e.g. "https://acme-v02.api.letsencrypt.org/directory"',
            ],
        },
        {
            rule: "Let's Encrypt's staging directory in production",
            stack: "production",
            values: values(
                "production",
                (v) => (v.tls.acme.server = "https://acme-staging-v02.api.letsencrypt.org/directory"),
            ),
            expected: [
                "tls.acme.server: is Let's Encrypt's staging CA, whose certificates no browser trusts; production serves trusted ones (profile tlsIssuer: acme-production); e.g. \"https://acme-v02.api.letsencrypt.org/directory\"",
            ],
        },
        {
            rule: "a CA whose accounts need External Account Binding",
            stack: "staging",
            values: values("staging", (v) => (v.tls.acme.server = "https://acme.zerossl.com/v2/DV90")),
            expected: [
                'tls.acme.server: "https://acme.zerossl.com/v2/DV90" is ZeroSSL\'s, whose accounts need External Account Binding, which the program\'s ClusterIssuer does not carry; registration would fail; e.g. "https://acme-v02.api.letsencrypt.org/directory"',
            ],
        },
    ]);
});

describe("config the cluster would refuse: GitOps", () => {
    eachCase([
        {
            rule: "a revision Git refuses: a leading '.'",
            stack: "dev",
            values: values("dev", (v) => (v.gitops.revision = ".hidden")),
            expected: ['gitops.revision: ".hidden" is not a Git branch, tag or commit Argo CD can track; e.g. "main"'],
        },
        {
            rule: "a revision Git refuses: a component ending in .lock",
            stack: "dev",
            values: values("dev", (v) => (v.gitops.revision = "a.lock/b")),
            expected: ['gitops.revision: "a.lock/b" is not a Git branch, tag or commit Argo CD can track; e.g. "main"'],
        },
        {
            rule: "an empty GitOps path",
            stack: "dev",
            values: values("dev", (v) => (v.gitops.path = "")),
            expected: [
                "gitops.path: \"\" is not written as the repository's paths are (no leading './', no trailing or doubled '/', not empty): the ApplicationSets' Git generators would match no folder; e.g. \"gitops\"",
            ],
        },
        {
            rule: "a GitOps path with a leading ./",
            stack: "dev",
            values: values("dev", (v) => (v.gitops.path = "./gitops")),
            expected: [
                "gitops.path: \"./gitops\" is not written as the repository's paths are (no leading './', no trailing or doubled '/', not empty): the ApplicationSets' Git generators would match no folder; e.g. \"gitops\"",
            ],
        },
        {
            rule: "a GitOps path with a trailing /",
            stack: "dev",
            values: values("dev", (v) => (v.gitops.path = "gitops/")),
            expected: [
                "gitops.path: \"gitops/\" is not written as the repository's paths are (no leading './', no trailing or doubled '/', not empty): the ApplicationSets' Git generators would match no folder; e.g. \"gitops\"",
            ],
        },
        {
            rule: "an ssh repository without a deploy key, which no ssh server lets in",
            stack: "dev",
            values: values("dev", (v) => (v.gitops.repoUrl = "git@github.com:example/homelab.git")),
            expected: [
                "gitopsSshKey: required: gitops.repoUrl is an ssh URL, and an ssh server lets no one in without a key, not even to a public repository; or use the https URL; e.g. pulumi config set --secret gitopsSshKey < ~/.ssh/homelab_deploy_key",
            ],
        },
        {
            rule: "an ssh repository on a server Argo CD does not know, without known hosts",
            stack: "dev",
            values: values("dev", (v) => (v.gitops.repoUrl = "ssh://git@gitea.home.arpa:2222/ops/homelab.git")),
            secrets: secrets({ gitopsSshKey: "secure" }),
            expected: [
                'gitops.knownHosts: required: Argo CD knows the host keys of GitHub, GitLab, Bitbucket and Azure DevOps only, and would refuse every fetch from [gitea.home.arpa]:2222 (knownhosts: key is unknown); e.g. pulumi config set --path gitops.knownHosts "$(ssh-keyscan -p 2222 gitea.home.arpa)"',
            ],
        },
        {
            rule: "known hosts that name another server",
            stack: "dev",
            values: values("dev", (v) => {
                v.gitops.repoUrl = "git@gitea.home.arpa:ops/homelab.git";
                v.gitops.knownHosts = `git.home.arpa ${HOST_KEY}`;
            }),
            secrets: secrets({ gitopsSshKey: "secure" }),
            expected: [
                'gitops.knownHosts: names no key of gitea.home.arpa: Argo CD knows the host keys of GitHub, GitLab, Bitbucket and Azure DevOps only, and would refuse every fetch from gitea.home.arpa (knownhosts: key is unknown); e.g. pulumi config set --path gitops.knownHosts "$(ssh-keyscan gitea.home.arpa)"',
            ],
        },
        {
            rule: "known hosts that are not known_hosts lines",
            stack: "dev",
            values: values("dev", (v) => (v.gitops.knownHosts = "gitea.home.arpa")),
            expected: [
                'gitops.knownHosts: "gitea.home.arpa" is not known_hosts lines (`host key-type key`, as ssh-keyscan <host> prints them); e.g. "gitea.home.arpa ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"',
            ],
        },
    ]);
});

describe("config the cluster would refuse: Vault", () => {
    eachCase([
        {
            rule: "a Vault port out of range",
            stack: "production",
            values: values("production", (v) => (v.vault.address = "https://vault.home.arpa:82000")),
            expected: [
                'vault.address: "https://vault.home.arpa:82000" is not an http(s) URL of scheme, host and port (1 to 65535) only; e.g. "https://vault.home.arpa:8200"',
            ],
        },
        {
            rule: "a loopback Vault address",
            stack: "production",
            values: values("production", (v) => (v.vault.address = "https://127.0.0.1:8200")),
            expected: [
                'vault.address: "https://127.0.0.1:8200" is a loopback address; External Secrets calls Vault from inside the cluster, where it would reach its own pod, not Vault; e.g. "https://vault.home.arpa:8200"',
            ],
        },
        {
            rule: "a KV mount with a trailing /",
            stack: "production",
            values: values("production", (v) => (v.vault.kvMount = "homelab/production/")),
            expected: [
                "vault.kvMount: \"homelab/production/\" ends with '/': the program adds it where Vault's paths need one; write the mount's path alone; e.g. \"homelab/production\"",
            ],
        },
        {
            rule: "a KV mount written as KV v2's data/ API path",
            stack: "production",
            values: values("production", (v) => (v.vault.kvMount = "secret/data")),
            expected: [
                'vault.kvMount: "secret/data" ends in data, the segment KV v2\'s API puts after the mount (<mount>/data/<secret>): give the mount\'s path alone; e.g. "homelab/production"',
            ],
        },
    ]);
});

describe("config the cluster would refuse: production's promises", () => {
    eachCase([
        {
            rule: "network policies turned off",
            stack: "production",
            values: values("production", (v) => (v.profile = { networkPolicies: "none" })),
            expected: [
                'profile.networkPolicies: "none" is not allowed: production admits to each platform namespace only the traffic it needs (default-deny network policies); e.g. "default-deny" (or remove the override)',
            ],
        },
        {
            rule: "Pod Security turned off",
            stack: "production",
            values: values("production", (v) => (v.profile = { podSecurity: "off" })),
            expected: [
                'profile.podSecurity: "off" is not allowed: production enforces Pod Security on the platform\'s namespaces; e.g. "enforced" (or remove the override)',
            ],
        },
        {
            rule: "secrets encryption turned off",
            stack: "production",
            values: values("production", (v) => (v.profile = { secretsEncryption: false })),
            expected: [
                "profile.secretsEncryption: false is not allowed: production encrypts Secrets at rest in K3s's datastore; e.g. true (or remove the override)",
            ],
        },
        {
            rule: "etcd snapshots turned off",
            stack: "production",
            values: values("production", (v) => (v.profile = { etcdSnapshots: { enabled: false } })),
            expected: [
                'profile.etcdSnapshots: {"enabled":false} is not allowed: production takes etcd snapshots, the one way back for a lost control plane; e.g. { enabled: true, schedule: "0 */6 * * *" } (or remove the override)',
            ],
        },
        {
            rule: "untrusted certificates",
            stack: "production",
            values: values("production", (v) => (v.profile = { tlsIssuer: "acme-staging" })),
            expected: [
                'profile.tlsIssuer: "acme-staging" is not allowed: production serves certificates every browser trusts (Let\'s Encrypt\'s production CA); e.g. "acme-production" (or remove the override)',
            ],
        },
        {
            rule: "host keys no longer pinned",
            stack: "production",
            values: values("production", (v) => (v.profile = { pinnedHostKeys: false })),
            expected: [
                "profile.pinnedHostKeys: false is not allowed: production connects only to nodes whose SSH host key is pinned; e.g. true (or remove the override)",
            ],
        },
        {
            rule: "deletion protection turned off",
            stack: "production",
            values: values("production", (v) => (v.profile = { deletionProtection: false })),
            expected: [
                "profile.deletionProtection: false is not allowed: production protects what holds state from deletion; e.g. true (or remove the override)",
            ],
        },
    ]);
});

describe("config the cluster would refuse: credentials in chart values", () => {
    eachCase([
        {
            rule: "a Slack webhook URL under a key the names miss",
            stack: "dev",
            values: values(
                "dev",
                (v) =>
                    (v.components = {
                        monitoring: {
                            values: {
                                alertmanager: {
                                    config: {
                                        receivers: [
                                            {
                                                name: "x",
                                                slack_configs: [
                                                    { api_url: "https://hooks.slack.com/services/T0/B0/abc" },
                                                ],
                                            },
                                        ],
                                    },
                                },
                            },
                        },
                    }),
            ),
            expected: [
                "components.monitoring.values.alertmanager.config.receivers[0].slack_configs[0].api_url: holds a credential in plain text in the stack file; keep it in a Kubernetes Secret the chart reads by name (its existingSecret-style value); e.g. grafana: { admin: { existingSecret: grafana-admin } }",
            ],
        },
        {
            rule: "Velero's AWS credentials file",
            stack: "dev",
            values: values(
                "dev",
                (v) =>
                    (v.components = {
                        velero: {
                            values: {
                                credentials: {
                                    secretContents: {
                                        cloud: "[default]\naws_access_key_id=AKIA0\naws_secret_access_key=abc123\n",
                                    },
                                },
                            },
                        },
                    }),
            ),
            expected: [
                "components.velero.values.credentials.secretContents.cloud: holds a credential in plain text in the stack file; keep it in a Kubernetes Secret the chart reads by name (its existingSecret-style value); e.g. grafana: { admin: { existingSecret: grafana-admin } }",
            ],
        },
        {
            rule: "an all-digit SSH user, which Linux refuses",
            stack: "dev",
            values: values("dev", (v) => (v.cluster.nodes[0].user = "1000")),
            expected: [
                `cluster.nodes[0].user: "1000" is not a Linux user name (at most 32 letters, digits, '_', '.' and '-', not starting with '-', not all digits); e.g. "admin"`,
            ],
        },
        {
            rule: "a PagerDuty routing key",
            stack: "dev",
            values: values(
                "dev",
                (v) =>
                    (v.components = {
                        monitoring: {
                            values: {
                                alertmanager: {
                                    config: {
                                        receivers: [{ name: "x", pagerduty_configs: [{ routing_key: "R0UT1NG" }] }],
                                    },
                                },
                            },
                        },
                    }),
            ),
            expected: [
                "components.monitoring.values.alertmanager.config.receivers[0].pagerduty_configs[0].routing_key: holds a credential in plain text in the stack file; keep it in a Kubernetes Secret the chart reads by name (its existingSecret-style value); e.g. grafana: { admin: { existingSecret: grafana-admin } }",
            ],
        },
        {
            rule: "Argo CD's GitHub webhook secret",
            stack: "dev",
            values: values(
                "dev",
                (v) => (v.components = { argocd: { values: { configs: { secret: { githubSecret: "hunter22" } } } } }),
            ),
            expected: [
                "components.argocd.values.configs.secret.githubSecret: holds a credential in plain text in the stack file; keep it in a Kubernetes Secret the chart reads by name (its existingSecret-style value); e.g. grafana: { admin: { existingSecret: grafana-admin } }",
            ],
        },
        {
            rule: "an OIDC client secret inside a config text",
            stack: "dev",
            values: values(
                "dev",
                (v) =>
                    (v.components = {
                        argocd: {
                            values: {
                                configs: {
                                    cm: { "oidc.config": "name: SSO\nclientID: argocd\nclientSecret: s3cr3t-value\n" },
                                },
                            },
                        },
                    }),
            ),
            expected: [
                "components.argocd.values.configs.cm.oidc.config: holds a credential in plain text in the stack file; keep it in a Kubernetes Secret the chart reads by name (its existingSecret-style value); e.g. grafana: { admin: { existingSecret: grafana-admin } }",
            ],
        },
        {
            rule: "a password given as a YAML number",
            stack: "dev",
            values: values(
                "dev",
                (v) => (v.components = { monitoring: { values: { grafana: { adminPassword: 12345678 } } } }),
            ),
            expected: [
                "components.monitoring.values.grafana.adminPassword: holds a credential in plain text in the stack file; keep it in a Kubernetes Secret the chart reads by name (its existingSecret-style value); e.g. grafana: { admin: { existingSecret: grafana-admin } }",
            ],
        },
    ]);
});

describe("config the cluster would refuse: keys", () => {
    eachCase([
        {
            rule: "a key path set without --path",
            stack: "dev",
            values: values("dev", (v) => (v["metallb.pools[0].addresses[0]"] = "192.168.10.200-192.168.10.230")),
            expected: [
                "[\"metallb.pools[0].addresses[0]\"]: is not a known key, but a path into metallb: Pulumi sets a nested value only with --path, and without it made a key of this whole name; e.g. pulumi config rm 'metallb.pools[0].addresses[0]' && pulumi config set --path 'metallb.pools[0].addresses[0]' <value>",
            ],
        },
    ]);
});

describe("config whose secret values never reach a message", () => {
    it("a plain setting stored encrypted: refused, and its value shown nowhere", () => {
        const result = validateConfig({
            ...input(
                "dev",
                values("dev", (v) => (v.domain = "Secret_Lab.example.com")),
            ),
            encryptedKeys: ["domain"],
        });
        assert.deepEqual(result, {
            ok: false,
            problems: [
                'domain: "[secret]" is not a lowercase DNS name; e.g. "dev.home.arpa"',
                "domain: is stored encrypted (set with --secret), but it is a plain setting: the program would still show it in outputs and resource inputs; set it without --secret; e.g. pulumi config rm domain && pulumi config set domain <value>",
            ],
        });
    });

    it("credentials in an S3 endpoint or an ACME directory URL", () => {
        const result = validateConfig(
            input(
                "production",
                values("production", (v) => {
                    v.backups.endpoint = "velero:Sup3rS3cret@minio.home.arpa:9000";
                    v.tls.acme.server = "https://acct:Sup3rS3cret@acme.home.arpa/directory";
                }),
            ),
        );
        assert.deepEqual(result, {
            ok: false,
            problems: [
                'tls.acme.server: carries credentials: the stack file would hold them in plain text; an ACME directory takes no credentials in its URL; e.g. "https://acme-v02.api.letsencrypt.org/directory"',
                'backups.endpoint: carries credentials: the stack file would hold them in plain text; give the host alone and the keys as secrets; e.g. "minio.home.arpa:9000"',
            ],
        });
    });

    it("an SSH private key given as its path or as the public key, told by its shape only", () => {
        const shapes = ["~/.ssh/id_ed25519", "id_ed25519", `${HOST_KEY} admin@laptop`, "hunter2"].map(keyShape);
        assert.deepEqual(shapes, ["path", "path", "public key", "other"]);
        const result = validateConfig({
            ...input("dev", values("dev"), secrets({ sshPrivateKey: "secure" })),
            keyShapes: { sshPrivateKey: "path" },
        });
        assert.deepEqual(result, {
            ok: false,
            problems: [
                "sshPrivateKey: holds a path, not the private key itself; SSH would fail with it on every connection; e.g. pulumi config set --secret sshPrivateKey < ~/.ssh/id_ed25519",
            ],
        });
    });
});

describe("every problem in one run", () => {
    it("an empty production file: the missing keys, and what production's rules need besides", () => {
        assert.deepEqual(validateConfig(input("production", {})), {
            ok: false,
            problems: [
                'domain: required; e.g. "dev.home.arpa"',
                'metallb: required; e.g. {"pools":[{"name":"default","addresses":["192.168.10.200-192.168.10.220"]}]}',
                'gitops: required; e.g. {"repoUrl":"https://github.com/example/homelab.git","revision":"main"}',
                "cluster.nodes: no cluster to reach: list the nodes to install K3s on, or set the secret kubeconfig of an existing cluster; e.g. [{ name: k3s-server-1, address: 192.168.10.11, role: server, user: admin }]",
                'vault.address: required: production reads workload secrets from Vault (profile secrets: vault); e.g. "https://vault.home.arpa:8200"',
                'tls.acme.email: required: production issues certificates through ACME (profile tlsIssuer: acme-production); e.g. "admin@lab.example.com"',
                'storageClass: required: production keeps data on distributed storage (profile storage: distributed); e.g. "longhorn"',
                "backups: required: production backs up its volumes and objects with Velero to an S3-compatible store (profile backups.target: required); e.g. { endpoint: minio.home.arpa:9000, bucket: velero }",
            ],
        });
    });
});

describe("rules beside keys without their shape", () => {
    it("speak only where they read no key that was stood in for", () => {
        // The profile override is broken, so the rules that read the profile stay silent rather
        // than judge ingressClass by a profile the user did not write.
        const result = validateConfig(
            input(
                "staging",
                values("staging", (v) => {
                    v.ingressClass = "nginx";
                    v.profile = { networkPolicies: "none", typo: 1 };
                }),
            ),
        );
        assert.deepEqual(result, {
            ok: false,
            problems: [
                "profile.typo: is not a known key (known: resources, highAvailability, controllerReplicas, minServers, podDisruptionBudgets, podSecurity, hardening, pinnedHostKeys, drainNodes, deletionProtection, networkPolicies, storage, etcdSnapshots, backups, secretsEncryption, secrets, tlsIssuer, monitoring, namespaceSuffix, applicationsSync)",
            ],
        });
    });

    it("still speak beside an unknown top-level key", () => {
        const result = validateConfig(
            input(
                "production",
                values("production", (v) => {
                    v.domian = "lab.example.com";
                    v.vault = {};
                }),
            ),
        );
        assert.deepEqual(result.ok ? [] : result.problems.map((p) => p.split(":")[0]), ["domian", "vault.address"]);
    });
});

describe("secret values escaped in a message are hidden as well", () => {
    it("a value with a newline, which the message quotes as JSON", () => {
        const result = validateConfig({
            ...input(
                "production",
                values("production", (v) => (v.alerting = "line1\nSecretLine2")),
            ),
            encryptedKeys: ["alerting"],
        });
        assert.ok(!result.ok);
        assert.deepEqual(
            result.problems.filter((p) => p.includes("Secret") || p.includes("line1")),
            [],
        );
    });
});
