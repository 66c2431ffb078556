// The shape of the project's `homelab:*` config keys, field by field. Every field carries an
// example (zod `meta`) that error messages quote; rules that span fields live in rules/.
import * as path from "node:path";
import { z } from "zod";
import { K3S_INGRESS_CLASS } from "../../components/k3s/config";
import {
    checkedInOrder,
    withoutCredentials,
    DNS_LABEL,
    DNS_SUBDOMAIN,
    matching,
    NODE_NAME,
    pemCertificate,
    SUBDOMAIN_PATTERN,
} from "./fields";
import { hostKeySchema, knownHostLines, knownHostProblem } from "./host-key";
import { parseBlock, parseIPv4 } from "./ipv4";
import { profileOverridesSchema } from "./profiles";

const DNS_NAME = /^(?=.{1,253}$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

const ipv4 = matching((v) => parseIPv4(v) !== undefined, "is not an IPv4 address");
const hostname = matching((v) => parseIPv4(v) !== undefined || DNS_NAME.test(v), "is not an IPv4 address or DNS name");
const dnsName = matching(DNS_NAME, "is not a lowercase DNS name");

/** A label key the API server accepts (apimachinery IsQualifiedName): an optional DNS subdomain
 *  prefix of at most 253 characters and `/`, then a name of at most 63. */
const labelKey = new RegExp(
    `^((?=[^/]{1,253}\\/)${SUBDOMAIN_PATTERN}\\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$`,
);
const labelValue = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

const NODE_EXAMPLE = { name: "k3s-server-1", address: "192.168.10.11", role: "server", user: "admin" };

const nodeSchema = z
    .strictObject({
        /** Kubernetes node name: a host name, short or fully qualified. Required. */
        name: matching(
            NODE_NAME,
            "is not a node name: a lowercase host name (letters, digits, '-', labels joined by '.') of at most 63 characters, the longest the kubelet's kubernetes.io/hostname label holds",
        ).meta({
            example: "k3s-server-1",
        }),
        /** IPv4 address K3s binds to and SSH connects to. Required. */
        address: ipv4.meta({ example: "192.168.10.11" }),
        /** `server` (control plane + etcd) or `agent` (workloads only). Required. */
        role: z.enum(["server", "agent"]).meta({ example: "server" }),
        /** SSH user with passwordless sudo. Required. */
        user: checkedInOrder([
            {
                test: (v) => !v.includes("@"),
                problem: "holds an '@': give the user alone (the host goes in address)",
            },
            {
                // shadow-utils' is_valid_user_name (lib/chkname.c): letters, digits, '_', '.' and
                // '-', not first a '-', not all digits, not "." or "..", a '$' last at most; at
                // most 32 characters, the limit useradd(8) documents.
                test: (v) =>
                    /^[A-Za-z0-9_.][A-Za-z0-9_.-]{0,30}[A-Za-z0-9_.$-]?$/.test(v) &&
                    !/^\d+$/.test(v) &&
                    v !== "." &&
                    v !== "..",
                problem:
                    "is not a Linux user name (at most 32 letters, digits, '_', '.' and '-', not starting with '-', not all digits)",
            },
        ]).meta({ example: "admin" }),
        /** SSH port. Default 22. */
        port: z.int().min(1).max(65535).default(22).meta({ example: 22 }),
        /** The node's SSH host key, as `ssh-keyscan -t ed25519 <address>` prints it (with or without
         *  the host name) or a `.pub` line holds it; a different key stops every command. Required
         *  where the profile pins host keys (staging, production). */
        hostKey: hostKeySchema
            .optional()
            .meta({ example: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl" }),
        /** Kubernetes labels for the node. Default none. */
        labels: z
            .record(
                matching(labelKey, "is not a Kubernetes label key"),
                matching(labelValue, "is not a Kubernetes label value").meta({ example: "rack-1" }),
            )
            .default({})
            .meta({ example: { "topology.kubernetes.io/zone": "rack-1" } }),
        /** Kubernetes taints for the node, `key=value:Effect`. Default none. */
        taints: z
            .array(
                // The kubelet refuses a taint whose key or value is not label-shaped, and K3s
                // does not start.
                matching(
                    new RegExp(
                        `^${labelKey.source.slice(1, -1)}(=${labelValue.source.slice(1, -1)})?:(NoSchedule|PreferNoSchedule|NoExecute)$`,
                    ),
                    "is not a taint of the form key=value:NoSchedule|PreferNoSchedule|NoExecute with a label-shaped key and value",
                ).meta({ example: "dedicated=storage:NoSchedule" }),
            )
            .default([])
            .meta({ example: ["dedicated=storage:NoSchedule"] }),
    })
    .meta({ example: NODE_EXAMPLE });

const NODES_EXAMPLE = [NODE_EXAMPLE];

/** A bucket name S3 (and MinIO, which follows it) accepts: AWS's "Bucket naming rules" for general
 *  purpose buckets. */
function isS3BucketName(name: string): boolean {
    return (
        /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name) &&
        !name.includes("..") &&
        parseIPv4(name) === undefined &&
        !/^(xn--|sthree-|amzn-s3-demo-)/.test(name) &&
        !/(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(name)
    );
}

/** An S3-compatible object store (a homelab MinIO, say), as K3s's snapshots and Velero reach it. */
function s3TargetSchema(bucketExample: string) {
    return z
        .strictObject({
            /** Endpoint of the S3 API: a host, or `host:port` (a homelab MinIO). Required. */
            endpoint: checkedInOrder([
                {
                    test: (v) => !v.includes("@"),
                    problem:
                        "carries credentials: the stack file would hold them in plain text; give the host alone and the keys as secrets",
                    quote: false,
                },
                {
                    test: (v) => {
                        const [host, port, ...rest] = v.split(":");
                        const validPort =
                            port === undefined ||
                            (/^\d{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65535);
                        return (
                            rest.length === 0 &&
                            validPort &&
                            (parseIPv4(host) !== undefined || DNS_NAME.test(host) || DNS_LABEL.test(host))
                        );
                    },
                    problem: "is not a host or host:port (no scheme)",
                },
            ]).meta({ example: "minio.home.arpa:9000" }),
            /** The bucket. Required. */
            bucket: matching(
                isS3BucketName,
                "is not an S3 bucket name (3 to 63 lowercase letters, digits, '.' and '-', starting and ending with a letter or digit; no '..', no IP address, no prefix xn-- or sthree-, no suffix -s3alias or --ol-s3)",
            ).meta({ example: bucketExample }),
            /** Folder inside the bucket. Default: the bucket's root. */
            folder: matching((v) => !v.startsWith("/") && !v.split("/").includes(".."), "is not a relative folder")
                .optional()
                .meta({ example: "production" }),
            /** Region of the bucket. Default: the endpoint's default. */
            region: z.string().min(1).optional().meta({ example: "us-east-1" }),
            /** Plain HTTP to the endpoint, for a MinIO without TLS. Default false. */
            insecure: z.boolean().default(false).meta({ example: true }),
            /** Skip verifying the endpoint's certificate, for a self-signed MinIO. Default false. */
            skipSslVerify: z.boolean().default(false).meta({ example: true }),
            /** PEM CA certificate of the endpoint's TLS certificate, for a MinIO signed by a private
             *  CA. Default: the system's CAs. */
            caCert: pemCertificate.optional(),
        })
        .meta({ example: { endpoint: "minio.home.arpa:9000", bucket: bucketExample } });
}

/** Where K3s also stores etcd snapshots (`etcd-s3-*`: insecure is `etcd-s3-insecure`,
 *  skipSslVerify `etcd-s3-skip-ssl-verify`, caCert `etcd-s3-endpoint-ca`). */
const etcdS3Schema = s3TargetSchema("k3s-snapshots");

const clusterSchema = z.strictObject({
    /** Nodes to install K3s on over SSH; leave out to use the secret `kubeconfig` instead. */
    nodes: z.array(nodeSchema).optional().meta({ example: NODES_EXAMPLE }),
    /** Address clients use for the API (a DNS name for it, say). Default: `vip.address`, else the
     *  first server's address. */
    apiAddress: hostname.optional().meta({ example: "192.168.10.10" }),
    /** A virtual IP for the API that kube-vip moves between the servers (ARP), so the API, new
     *  nodes' joins and Vault's token reviews survive a server's loss. Default none. */
    vip: z
        .strictObject({
            /** The VIP: a free address on the servers' LAN, outside DHCP and MetalLB. Required. */
            address: ipv4.meta({ example: "192.168.30.10" }),
            /** The servers' network interface on that LAN. Required. */
            interface: matching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,14}$/, "is not a network interface name").meta({
                example: "eth0",
            }),
        })
        .optional()
        .meta({ example: { address: "192.168.30.10", interface: "eth0" } }),
    /** The servers' LAN as a CIDR, where the VIP and the MetalLB pools must lie (ARP answers only on
     *  the link). Default: the /24 around the first server's address. */
    lan: matching((v) => /\//.test(v) && parseBlock(v) !== undefined, "is not an IPv4 CIDR on its network boundary")
        .optional()
        .meta({ example: "192.168.0.0/22" }),
    /** K3s release the bootstrap installs on the nodes. Default: the program's pinned release. */
    k3sVersion: matching(/^v\d+\.\d+\.\d+(-rc\d+)?\+k3s\d+$/, "is not a K3s release tag")
        .optional()
        .meta({ example: "v1.34.2+k3s1" }),
    /** Keep K3s's packaged Traefik as the ingress controller. Default true. */
    traefik: z.boolean().default(true).meta({ example: false }),
    /** S3-compatible target for etcd snapshots, besides the servers' disks. Default none. */
    etcdS3: etcdS3Schema.optional(),
});

const POOL_EXAMPLE = { name: "default", addresses: ["192.168.10.200-192.168.10.220"] };

const poolSchema = z
    .strictObject({
        /** Pool name (MetalLB IPAddressPool). Required. */
        name: matching(
            DNS_SUBDOMAIN,
            "is not a Kubernetes object name (lowercase letters, digits, '-' and '.', at most 253 characters)",
        ).meta({
            example: "default",
        }),
        /** CIDRs or `first-last` ranges, inside RFC 1918 (or RFC 6598 shared) space. At least one. */
        addresses: z
            .array(
                matching(
                    (v) => parseBlock(v) !== undefined,
                    "is not an IPv4 CIDR (on its network boundary) or first-last range",
                ).meta({ example: "192.168.10.200-192.168.10.220" }),
            )
            .min(1)
            .meta({ example: ["192.168.10.200-192.168.10.220"] }),
        /** Hand addresses out to any LoadBalancer service that asks. Default true. */
        autoAssign: z.boolean().default(true).meta({ example: true }),
    })
    .meta({ example: POOL_EXAMPLE });

const POOLS_EXAMPLE = [POOL_EXAMPLE];

const metallbSchema = z
    .strictObject({
        /** Address pools for LoadBalancer services. At least one. */
        pools: z.array(poolSchema).min(1).meta({ example: POOLS_EXAMPLE }),
    })
    .meta({ example: { pools: POOLS_EXAMPLE } });

const acmeSchema = z.strictObject({
    /** Account email for expiry notices. Required. */
    email: z.email({ error: (issue) => `${JSON.stringify(issue.input)} is not an email address` }).meta({
        example: "admin@lab.example.com",
    }),
    /** ACME directory URL. Default: Let's Encrypt staging or production, per the profile. */
    server: checkedInOrder([
        withoutCredentials("an ACME directory takes no credentials in its URL"),
        { test: (v) => /^https:\/\/\S+$/.test(v) && URL.canParse(v), problem: "is not an https URL" },
    ])
        .optional()
        .meta({ example: "https://acme-v02.api.letsencrypt.org/directory" }),
    /** Challenge: `http01` through the ingress, or `cloudflare` DNS-01. Default http01. */
    solver: z.enum(["http01", "cloudflare"]).default("http01").meta({ example: "cloudflare" }),
});

const tlsSchema = z.strictObject({
    /** ACME account and solver, for profiles whose issuer is ACME. */
    acme: acmeSchema.optional().meta({ example: { email: "admin@lab.example.com", solver: "http01" } }),
});

const gitopsSchema = z.strictObject({
    /** Git repository ArgoCD reads, https or ssh. Required. */
    repoUrl: checkedInOrder([
        withoutCredentials("set the secret gitopsToken (https) or gitopsSshKey (ssh) instead"),
        {
            test: (v) => /^(https?:\/\/|ssh:\/\/)[^\s]+$/.test(v) || /^[\w.-]+@[\w.-]+:[^\s]+$/.test(v),
            problem: "is not an http(s) or ssh Git URL",
        },
    ]).meta({ example: "https://github.com/example/homelab.git" }),
    /** Branch, tag or commit this environment tracks. Default `main`. */
    revision: matching(isGitRevision, "is not a Git branch, tag or commit Argo CD can track")
        .default("main")
        .meta({ example: "main" }),
    /** Folder of the GitOps tree in the repository. Default `gitops`. */
    path: checkedInOrder([
        {
            test: (v) => !v.startsWith("/") && !v.split("/").includes(".."),
            problem: "is not a relative path inside the repository",
        },
        {
            // The ApplicationSets' Git generators match `<path>/applications/*` against the paths
            // in the repository, which have no `.` segment, no empty one and no trailing '/'.
            test: (v) => v.split("/").every((segment) => segment !== "" && segment !== "."),
            problem:
                "is not written as the repository's paths are (no leading './', no trailing or doubled '/', not empty): the ApplicationSets' Git generators would match no folder",
        },
    ])
        .default("gitops")
        .meta({ example: "gitops" }),
    /** User name sent with the secret gitopsToken (https). Default `git`. */
    username: z.string().min(1).default("git").meta({ example: "git" }),
    /** Host keys of an SSH repository's server, as `ssh-keyscan <host>` prints them (one per line),
     *  for a server Argo CD does not know already (GitHub, GitLab, Bitbucket, Azure DevOps). */
    knownHosts: matching(
        (v) => knownHostLines(v).length > 0 && knownHostLines(v).every((l) => knownHostProblem(l) === undefined),
        "is not known_hosts lines (`host key-type key`, as ssh-keyscan <host> prints them)",
    )
        .optional()
        .meta({
            example: "gitea.home.arpa ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl",
        }),
});

const VAULT_PATH = /^[\w.-]+(\/[\w.-]+)*\/?$/;
/** Paths Vault mounts itself: no secrets engine may be mounted there. */
const VAULT_RESERVED = ["sys", "identity", "cubbyhole", "auth", "audit"];

/** A revision Argo CD can resolve: a branch or tag name Git accepts (git check-ref-format), or a commit. */
function isGitRevision(value: string): boolean {
    return (
        value.length > 0 &&
        // No control characters, spaces or DEL (other bytes, UTF-8 included, Git takes), and none
        // of Git's special characters.
        [...value].every((c) => c.charCodeAt(0) > 0x20 && c.charCodeAt(0) !== 0x7f) &&
        !/[~^:?*[\\]/.test(value) &&
        !/^[-/.]|[/.]$|\.\.|\/\/|@\{|\/\.|\.lock(\/|$)/.test(value) &&
        value !== "@"
    );
}

const vaultSchema = z.strictObject({
    /** Vault API address. Required where the profile's secrets come from Vault. */
    address: checkedInOrder([
        withoutCredentials(
            "Pulumi logs in with the secret vaultToken, External Secrets with the Kubernetes auth backend",
        ),
        {
            test: (v) => /^https?:\/\/[^/?#\s]+\/?$/.test(v) && URL.canParse(v),
            problem: "is not an http(s) URL of scheme, host and port (1 to 65535) only",
        },
    ])
        .optional()
        .meta({ example: "https://vault.home.arpa:8200" }),
    /** Path of this cluster's Kubernetes auth backend, under Vault's `auth/`. Default `kubernetes-<stack>`. */
    authMount: checkedInOrder([
        { test: (v) => VAULT_PATH.test(v), problem: "is not a Vault mount path" },
        {
            test: (v) => !v.startsWith("auth/"),
            problem: "starts with auth/, which Vault puts before every auth backend's path itself",
        },
    ])
        .optional()
        .meta({
            example: "kubernetes-production",
        }),
    /** KV v2 mount holding this environment's application secrets. Default `homelab/<stack>`. */
    kvMount: checkedInOrder([
        { test: (v) => VAULT_PATH.test(v), problem: "is not a Vault mount path" },
        {
            test: (v) => !v.endsWith("/"),
            problem: "ends with '/': the program adds it where Vault's paths need one; write the mount's path alone",
        },
        {
            test: (v) => v.split("/").at(-1) !== "data",
            problem:
                "ends in data, the segment KV v2's API puts after the mount (<mount>/data/<secret>): give the mount's path alone",
        },
        {
            test: (v) => !VAULT_RESERVED.includes(v.split("/")[0]),
            problem: `is under a path Vault reserves (${VAULT_RESERVED.join(", ")})`,
        },
    ])
        .optional()
        .meta({ example: "homelab/production" }),
    /** Create the KV v2 mount (false: use an existing one). Default true. */
    createKvMount: z.boolean().default(true).meta({ example: false }),
    /** A file of the repository, by its path in the project's folder, holding the PEM CA of
     *  Vault's TLS certificate, for a private CA: External Secrets and Pulumi's Vault provider both
     *  trust it, and the provider finds it on every machine with the repository, for `refresh` and
     *  `destroy` too, which configure it without running the program. Default: the system's CAs. */
    caCertFile: checkedInOrder([
        {
            test: (v) => !path.isAbsolute(v) && !v.startsWith("~"),
            problem:
                "is not a path in the project's folder: Pulumi's Vault provider reads it there, on every machine with the repository",
        },
        {
            test: (v) => !path.normalize(v).split(path.sep).includes(".."),
            problem: "leaves the project's folder, where Pulumi's Vault provider reads it",
        },
    ])
        .optional()
        .meta({ example: "certs/vault-ca.pem" }),
    /** Replaced by caCertFile; rules/vault.ts says so to a stack that still sets it. */
    caCert: z.unknown().optional().meta({ example: "(replaced by caCertFile)" }),
    /** The Kubernetes API's URL as Vault reaches it: Vault reviews External Secrets' login tokens
     *  there. Default: the cluster's API address (`https://<apiAddress>:6443`, or the kubeconfig's server). */
    kubernetesHost: checkedInOrder([
        withoutCredentials("Vault authenticates to the API with the token reviewer's JWT"),
        {
            test: (v) => /^https:\/\/[^/?#\s]+(\/[^?#\s]*)?$/.test(v),
            problem: "is not an https URL of the Kubernetes API (host, port and path only)",
        },
    ])
        .optional()
        .meta({ example: "https://k3s.home.arpa:6443" }),
});

const alertingSchema = z
    .strictObject({
        /** Kind of receiver: a Slack or Discord webhook, or a generic webhook (e.g. ntfy). Required. */
        receiver: z.enum(["slack", "discord", "webhook"]).meta({ example: "discord" }),
        /** Slack channel, when the webhook may post to several: `#name`, `name` or its ID
         *  (`C0123ABCD`). Default: the webhook's own. */
        channel: matching(/^#?[a-z0-9][a-z0-9._-]{0,79}$|^[CG][A-Z0-9]{8,}$/, "is not a Slack channel name or ID")
            .optional()
            .meta({ example: "#homelab-alerts" }),
    })
    .meta({ example: { receiver: "discord" } });

const valuesSchema = z.record(z.string(), z.unknown()).meta({ example: { server: { replicas: 3 } } });
const componentSchema = z
    .strictObject({
        /** Helm values deep-merged over the program's own, last. Default none. */
        values: valuesSchema.default({}),
    })
    .meta({ example: { values: { server: { replicas: 3 } } } });

const componentsSchema = z.strictObject({
    argocd: componentSchema.optional(),
    metallb: componentSchema.optional(),
    certManager: componentSchema.optional(),
    monitoring: componentSchema.optional(),
    externalSecrets: componentSchema.optional(),
    velero: componentSchema.optional(),
});

/** The non-secret `homelab:*` keys. Secret keys are read separately (see SECRET_KEYS). */
export const configSchema = z.strictObject({
    /** How to reach the cluster: nodes to bootstrap over SSH (or the secret `kubeconfig`). */
    // prefault, not default: the empty object is parsed, so its fields' defaults apply.
    cluster: clusterSchema.prefault({}).meta({ example: { nodes: NODES_EXAMPLE } }),
    /** Base DNS domain; platform hosts are `<service>.<domain>`. Required. */
    domain: dnsName.meta({ example: "dev.home.arpa" }),
    /** Ingress class of the platform's ingresses. Default `traefik` (bundled with K3s). */
    ingressClass: matching(DNS_LABEL, "is not an ingress class name")
        .default(K3S_INGRESS_CLASS)
        .meta({ example: K3S_INGRESS_CLASS }),
    /** The ingress controller serving `ingressClass`, which the network policies admit to the
     *  platform's UIs. Default: K3s's Traefik in kube-system. */
    ingressController: z
        .strictObject({
            /** Its namespace. Required. */
            namespace: matching(DNS_LABEL, "is not a namespace name").meta({ example: "ingress-nginx" }),
            /** Labels its pods carry. At least one. Required. */
            pods: z
                .record(z.string(), z.string())
                .refine((labels) => Object.keys(labels).length > 0, { error: "names no label" })
                .meta({ example: { "app.kubernetes.io/name": "ingress-nginx" } }),
        })
        .optional()
        .meta({
            example: { namespace: "ingress-nginx", pods: { "app.kubernetes.io/name": "ingress-nginx" } },
        }),
    /** MetalLB L2 address pools. Required. */
    metallb: metallbSchema,
    /** Certificate issuer settings. */
    tls: tlsSchema.default({}).meta({ example: { acme: { email: "admin@lab.example.com" } } }),
    /** Git repository ArgoCD reconciles from. Required. */
    gitops: gitopsSchema.meta({ example: { repoUrl: "https://github.com/example/homelab.git", revision: "main" } }),
    /** Vault for External Secrets. Required in profiles with `secrets: vault`. */
    vault: vaultSchema.prefault({}).meta({ example: { address: "https://vault.home.arpa:8200" } }),
    /** Storage class of persistent volumes. Default `local-path` where the profile's storage is local. */
    storageClass: matching((v) => DNS_NAME.test(v) || DNS_LABEL.test(v), "is not a storage class name")
        .optional()
        .meta({ example: "longhorn" }),
    /** Where Velero keeps backups of volumes and objects (keys: the secrets backupS3AccessKey and
     *  backupS3SecretKey, or Vault's `<kvMount>/velero` where the profile's secrets come from
     *  Vault). Required where the profile's backups.target is required. */
    backups: s3TargetSchema("velero").optional(),
    /** Where Alertmanager sends alerts (URL: the secret alertingUrl), where the profile routes them. */
    alerting: alertingSchema.optional(),
    /** Overrides of the environment profile's knobs. */
    profile: profileOverridesSchema.default({}).meta({ example: { monitoring: { retention: "15d" } } }),
    /** Per-component escape hatches. */
    components: componentsSchema.default({}).meta({ example: { argocd: { values: { server: { replicas: 3 } } } } }),
});

export type ParsedConfig = z.output<typeof configSchema>;

/** Config keys whose values must be Pulumi secrets (`pulumi config set --secret`). */
export const SECRET_KEYS = [
    "kubeconfig",
    "sshPrivateKey",
    "cloudflareApiToken",
    "vaultToken",
    "gitopsToken",
    "gitopsSshKey",
    "etcdS3AccessKey",
    "etcdS3SecretKey",
    "backupS3AccessKey",
    "backupS3SecretKey",
    "alertingUrl",
] as const;
export type SecretKey = (typeof SECRET_KEYS)[number];

/** How each secret key is set, for error messages. */
export const SECRET_EXAMPLES: Readonly<Record<SecretKey, string>> = {
    kubeconfig: "pulumi config set --secret kubeconfig < ~/.kube/config",
    sshPrivateKey: "pulumi config set --secret sshPrivateKey < ~/.ssh/id_ed25519",
    cloudflareApiToken: "pulumi config set --secret cloudflareApiToken <token>",
    vaultToken: "pulumi config set --secret vaultToken <token> (or export VAULT_TOKEN)",
    gitopsToken: "pulumi config set --secret gitopsToken <read-only access token>",
    gitopsSshKey: "pulumi config set --secret gitopsSshKey < ~/.ssh/homelab_deploy_key",
    etcdS3AccessKey: "pulumi config set --secret etcdS3AccessKey <access key>",
    etcdS3SecretKey: "pulumi config set --secret etcdS3SecretKey <secret key>",
    backupS3AccessKey: "pulumi config set --secret backupS3AccessKey <access key>",
    backupS3SecretKey: "pulumi config set --secret backupS3SecretKey <secret key>",
    alertingUrl: "pulumi config set --secret alertingUrl https://discord.com/api/webhooks/<id>/<token>",
};
