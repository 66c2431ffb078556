// Rules that span several config keys, checked after each key has its right shape. Each rule
// returns problems rather than throwing, so an admin sees every one of them in one run.
import { K3S_INGRESS_CLASS } from "../../components/k3s/config";
import { KubeconfigSummary } from "./kubeconfig";
import { AddressBlock, hostBlock, isPrivate, overlaps, parseBlock, parseIPv4 } from "./ipv4";
import { Environment, EnvironmentProfile } from "./profiles";
import { NODE_RULES } from "./node-rules";
import { PEM_CERTIFICATE, PEM_PRIVATE_KEY } from "./fields";
import { ParsedConfig, SECRET_EXAMPLES, SecretKey } from "./schema";

/** One thing wrong with the config: the key, what is wrong, and a right value. */
export interface Problem {
    readonly key: string;
    readonly message: string;
    readonly example?: string;
}

/** What the rules know about the config besides the parsed keys. */
export interface RuleContext {
    readonly environment: Environment;
    readonly profile: EnvironmentProfile;
    readonly config: ParsedConfig;
    /** Secret keys that are set, and whether each is stored as a secret. */
    readonly secrets: ReadonlyMap<SecretKey, { readonly secure: boolean }>;
    /** What the secret kubeconfig holds, where it is set. */
    readonly kubeconfig?: KubeconfigSummary;
    /** A file of the project by its path in the project's folder; undefined where there is none. */
    readonly projectFile: (path: string) => string | undefined;
}

type Rule = (ctx: RuleContext) => Problem[];

const NODE_EXAMPLE = "[{ name: k3s-server-1, address: 192.168.10.11, role: server, user: admin }]";

const oneClusterSource: Rule = ({ config, secrets }) => {
    const hasNodes = (config.cluster.nodes ?? []).length > 0;
    const hasKubeconfig = secrets.has("kubeconfig");
    if (!hasNodes && !hasKubeconfig) {
        return [
            {
                key: "cluster.nodes",
                message:
                    "no cluster to reach: list the nodes to install K3s on, or set the secret kubeconfig of an existing cluster",
                example: NODE_EXAMPLE,
            },
        ];
    }
    if (hasNodes && hasKubeconfig) {
        return [
            {
                key: "kubeconfig",
                message:
                    "is set together with cluster.nodes; keep one: nodes to bootstrap K3s, or kubeconfig for an existing cluster",
                example: "pulumi config rm kubeconfig",
            },
        ];
    }
    return [];
};

const kubeconfigReadable: Rule = ({ kubeconfig }) =>
    kubeconfig !== undefined && "problem" in kubeconfig
        ? [{ key: "kubeconfig", message: kubeconfig.problem, example: SECRET_EXAMPLES.kubeconfig }]
        : [];

const serverCount: Rule = ({ config, environment, profile }) => {
    const nodes = config.cluster.nodes ?? [];
    if (nodes.length === 0) {
        return [];
    }
    const servers = nodes.filter((n) => n.role === "server").length;
    const problems: Problem[] = [];
    if (servers === 0) {
        problems.push({
            key: "cluster.nodes",
            message: "has no server; the first server initialises the cluster",
            example: NODE_EXAMPLE,
        });
    } else if (servers % 2 === 0) {
        problems.push({
            key: "cluster.nodes",
            message: `has ${servers} servers; embedded etcd needs an odd number to keep quorum`,
            example: "1, 3 or 5 nodes with role: server",
        });
    }
    if (servers > 0 && servers < profile.minServers) {
        problems.push({
            key: "cluster.nodes",
            message: `has ${servers} server(s); ${environment} needs at least ${profile.minServers} for a highly available control plane`,
            example: `${profile.minServers} nodes with role: server`,
        });
    }
    return problems;
};

/** Problems for every entry of the list at `listKey` whose `field` repeats an earlier entry's. */
function duplicates<T, K extends keyof T & string>(
    items: readonly T[],
    listKey: string,
    field: K,
    what: string,
): Problem[] {
    const firstSeen = new Map<unknown, number>();
    const problems: Problem[] = [];
    items.forEach((item, index) => {
        const earlier = firstSeen.get(item[field]);
        if (earlier === undefined) {
            firstSeen.set(item[field], index);
        } else {
            problems.push({
                key: `${listKey}[${index}].${field}`,
                message: `${JSON.stringify(item[field])} is also the ${field} of ${listKey}[${earlier}]; ${what} must be unique`,
            });
        }
    });
    return problems;
}

const uniqueNodes: Rule = ({ config }) => {
    const nodes = config.cluster.nodes ?? [];
    return [
        ...duplicates(nodes, "cluster.nodes", "name", "node names"),
        ...duplicates(nodes, "cluster.nodes", "address", "node addresses"),
    ];
};

const uniquePools: Rule = ({ config }) => duplicates(config.metallb.pools, "metallb.pools", "name", "pool names");

interface PoolBlock {
    readonly key: string;
    readonly text: string;
    readonly block: AddressBlock;
}

function poolBlocks(config: ParsedConfig): PoolBlock[] {
    return config.metallb.pools.flatMap((pool, p) =>
        pool.addresses.map((text, a) => ({
            key: `metallb.pools[${p}].addresses[${a}]`,
            text,
            block: parseBlock(text) as AddressBlock,
        })),
    );
}

const POOL_EXAMPLE = '"192.168.10.200-192.168.10.220"';

const privatePools: Rule = ({ config }) =>
    poolBlocks(config)
        .filter((b) => !isPrivate(b.block))
        .map((b) => ({
            key: b.key,
            message: `${JSON.stringify(b.text)} is not inside private (RFC 1918) address space`,
            example: POOL_EXAMPLE,
        }));

const disjointPools: Rule = ({ config }) => {
    const blocks = poolBlocks(config);
    return blocks.flatMap((b, i) =>
        blocks
            .slice(0, i)
            .filter((earlier) => overlaps(earlier.block, b.block))
            .map((earlier) => ({
                key: b.key,
                message: `${JSON.stringify(b.text)} overlaps ${earlier.key} (${JSON.stringify(earlier.text)}); an address must belong to one pool`,
                example: POOL_EXAMPLE,
            })),
    );
};

const poolsAvoidNodes: Rule = ({ config }) => {
    const hosts = (config.cluster.nodes ?? []).map((n, i) => ({ key: `cluster.nodes[${i}].address`, text: n.address }));
    if (config.cluster.apiAddress !== undefined) {
        hosts.push({ key: "cluster.apiAddress", text: config.cluster.apiAddress });
    }
    if (config.cluster.vip !== undefined) {
        hosts.push({ key: "cluster.vip.address", text: config.cluster.vip.address });
    }
    const blocks = poolBlocks(config);
    return hosts.flatMap((host) => {
        const address = parseIPv4(host.text);
        if (address === undefined) {
            return []; // a DNS name: nothing to compare
        }
        return blocks
            .filter((b) => overlaps(b.block, hostBlock(address)))
            .map((b) => ({
                key: b.key,
                message: `${JSON.stringify(b.text)} contains ${host.key} (${host.text}); MetalLB would hand that address to a service`,
                example: POOL_EXAMPLE,
            }));
    });
};

const vaultWhereNeeded: Rule = ({ config, environment, profile }) => {
    const address = config.vault.address;
    if (profile.secrets === "vault" && address === undefined) {
        return [
            {
                key: "vault.address",
                message: `required: ${environment} reads workload secrets from Vault (profile secrets: vault)`,
                example: '"https://vault.home.arpa:8200"',
            },
        ];
    }
    if (profile.secrets === "vault" && profile.hardening && address !== undefined && !address.startsWith("https://")) {
        return [
            {
                key: "vault.address",
                message: `${JSON.stringify(address)} is plain http; a hardened ${environment} sends Vault tokens over TLS only`,
                example: '"https://vault.home.arpa:8200"',
            },
        ];
    }
    return [];
};

const LOOPBACK = parseBlock("127.0.0.0/8") as AddressBlock;

/** Whether a URL's host is the machine that calls it: 127.0.0.0/8 (also IPv4-mapped), ::1,
 *  0.0.0.0 (which connects locally) or localhost and its subdomains. */
function isLoopbackUrl(url: string): boolean {
    let host: string;
    try {
        // The URL parser writes each spelling of a host one way (`127.1` and `0x7f000001` as
        // 127.0.0.1, `[0::1]` as [::1], names in lowercase); a name's final dot is the same name.
        host = new URL(url).hostname.replace(/\.$/, "");
    } catch {
        return false;
    }
    const ipv4 = parseIPv4(host);
    return (
        host === "localhost" ||
        host.endsWith(".localhost") ||
        host === "[::1]" ||
        host === "0.0.0.0" ||
        // ::ffff:127.x.y.z, which the URL parser writes as [::ffff:7fxx:yyzz]
        host.startsWith("[::ffff:7f") ||
        (ipv4 !== undefined && overlaps(LOOPBACK, hostBlock(ipv4)))
    );
}

const TOKEN_REVIEW_EXAMPLE = '"https://k3s.home.arpa:6443"';

// Vault calls the Kubernetes API to review the tokens External Secrets logs in with. At a loopback
// address Vault would call its own machine, not the cluster, and every login would fail long after
// `pulumi up` succeeded. A kubeconfig often names one (a tunnel, a port-forward, k3d), which suits
// Pulumi on that machine but not Vault; its server is not quoted, as nothing of a kubeconfig is.
const vaultReachesKubernetes: Rule = ({ config, profile, kubeconfig }) => {
    if (profile.secrets !== "vault") {
        return [];
    }
    const explicit = config.vault.kubernetesHost;
    if (explicit !== undefined) {
        return isLoopbackUrl(explicit)
            ? [
                  {
                      key: "vault.kubernetesHost",
                      message: `${JSON.stringify(explicit)} is a loopback address; Vault reviews tokens there and would reach its own machine, not the cluster's API`,
                      example: TOKEN_REVIEW_EXAMPLE,
                  },
              ]
            : [];
    }
    const kubeconfigMode = (config.cluster.nodes ?? []).length === 0;
    const server = kubeconfig !== undefined && "server" in kubeconfig ? kubeconfig.server : undefined;
    return kubeconfigMode && server !== undefined && isLoopbackUrl(server)
        ? [
              {
                  key: "vault.kubernetesHost",
                  message:
                      "required: the kubeconfig's server is a loopback address, which Vault cannot reach to review tokens; set the cluster's API URL as Vault reaches it",
                  example: TOKEN_REVIEW_EXAMPLE,
              },
          ]
        : [];
};

const VAULT_CA_EXAMPLE = '"certs/vault-ca.pem"';

// The provider reads its CA from a file only, and `pulumi refresh` and `destroy` configure it from
// state without running the program: the file must be the repository's, at the same path on
// every machine (the provider runs in the project's folder).
const vaultCaCertFile: Rule = ({ config, projectFile }) => {
    const file = config.vault.caCertFile;
    const problem = (message: string) => [{ key: "vault.caCertFile", message, example: VAULT_CA_EXAMPLE }];
    if (config.vault.caCert !== undefined) {
        return [
            {
                key: "vault.caCert",
                message:
                    "is replaced by vault.caCertFile: Pulumi's Vault provider reads its CA from a file, which pulumi refresh and destroy need on every machine; commit the CA's PEM to the repository and name its path",
                example: `caCertFile: ${VAULT_CA_EXAMPLE}`,
            },
        ];
    }
    if (file === undefined) return [];
    const pem = projectFile(file);
    if (pem === undefined) {
        return problem(`${JSON.stringify(file)}: no such file in the project's folder; commit the CA's PEM there`);
    }
    if (PEM_PRIVATE_KEY.test(pem)) {
        return problem(
            `${JSON.stringify(file)} holds a private key: give only the CA's certificate (a private key must never sit in the repository)`,
        );
    }
    return PEM_CERTIFICATE.test(pem)
        ? []
        : problem(`${JSON.stringify(file)} does not hold a PEM certificate (-----BEGIN CERTIFICATE-----)`);
};

// Suffixes no public CA can issue for: special-use and private-use names (RFC 6761, RFC 8375,
// RFC 6762), the reverse-lookup zones, and the names ICANN will never delegate (home, corp, mail).
const PRIVATE_SUFFIXES = [
    "home.arpa",
    "in-addr.arpa",
    "ip6.arpa",
    "local",
    "lan",
    "internal",
    "localdomain",
    "localhost",
    "test",
    "invalid",
    "example",
    "home",
    "corp",
    "mail",
];

const acmeWhereNeeded: Rule = ({ config, environment, profile, secrets }) => {
    if (profile.tlsIssuer === "privateCa") {
        return [];
    }
    const acme = config.tls.acme;
    if (acme === undefined) {
        return [
            {
                key: "tls.acme.email",
                message: `required: ${environment} issues certificates through ACME (profile tlsIssuer: ${profile.tlsIssuer})`,
                example: '"admin@example.com"',
            },
        ];
    }
    const problems: Problem[] = [];
    const suffix = PRIVATE_SUFFIXES.find((s) => config.domain === s || config.domain.endsWith(`.${s}`));
    if (acme.server === undefined && suffix !== undefined) {
        problems.push({
            key: "domain",
            message: `"${config.domain}" is under .${suffix}, which Let's Encrypt cannot issue for; use a public domain, a private ACME CA in tls.acme.server, or profile.tlsIssuer: privateCa`,
            example: '"lab.example.com"',
        });
    }
    if (acme.solver === "cloudflare" && !secrets.has("cloudflareApiToken")) {
        problems.push({
            key: "cloudflareApiToken",
            message: "required: tls.acme.solver is cloudflare (DNS-01 needs an API token with Zone.DNS edit)",
            example: SECRET_EXAMPLES.cloudflareApiToken,
        });
    }
    return problems;
};

const secretsEncrypted: Rule = ({ secrets }) =>
    [...secrets]
        .filter(([, state]) => !state.secure)
        .map(([key]) => ({
            key,
            message: "is stored in plain text in the stack file; set it as a secret",
            example: SECRET_EXAMPLES[key],
        }));

const storageClassWhereNeeded: Rule = ({ config, environment, profile }) => {
    if (profile.storage !== "distributed") {
        return [];
    }
    if (config.storageClass === undefined) {
        return [
            {
                key: "storageClass",
                message: `required: ${environment} keeps data on distributed storage (profile storage: distributed)`,
                example: '"longhorn"',
            },
        ];
    }
    if (config.storageClass === "local-path") {
        return [
            {
                key: "storageClass",
                message: `"local-path" keeps each volume on one node; ${environment} needs a distributed storage class`,
                example: '"longhorn"',
            },
        ];
    }
    return [];
};

const isHttps = (url: string) => url.startsWith("https://");

// A token only works over https and a deploy key only over ssh; the wrong one would leave Argo CD
// unable to read a private repository.
const gitopsCredentials: Rule = ({ config, secrets }) => {
    const problems: Problem[] = [];
    const https = isHttps(config.gitops.repoUrl);
    if (secrets.has("gitopsToken") && !https) {
        problems.push({
            key: "gitopsToken",
            message: "is set, but gitops.repoUrl is an ssh URL; a token authenticates over https only",
            example: SECRET_EXAMPLES.gitopsSshKey,
        });
    }
    if (secrets.has("gitopsSshKey") && https) {
        problems.push({
            key: "gitopsSshKey",
            message: "is set, but gitops.repoUrl is an https URL; a deploy key authenticates over ssh only",
            example: SECRET_EXAMPLES.gitopsToken,
        });
    }
    if (secrets.has("gitopsToken") && secrets.has("gitopsSshKey")) {
        problems.push({
            key: "gitopsSshKey",
            message: "is set together with gitopsToken; keep the one that matches gitops.repoUrl",
            example: "pulumi config rm gitopsSshKey",
        });
    }
    return problems;
};

const snapshotTarget: Rule = ({ config, secrets }) =>
    config.cluster.etcdS3 === undefined
        ? []
        : (["etcdS3AccessKey", "etcdS3SecretKey"] as const)
              .filter((key) => !secrets.has(key))
              .map((key) => ({
                  key,
                  message: "required: cluster.etcdS3 stores etcd snapshots in S3",
                  example: SECRET_EXAMPLES[key],
              }));

// K3s reaches the endpoint one way: plain HTTP, TLS it does not verify, or TLS verified against
// the CA; with skip-verify it ignores the CA, with plain HTTP both.
const snapshotTransport: Rule = ({ config }) => {
    const s3 = config.cluster.etcdS3;
    const ways = s3 ? (["insecure", "skipSslVerify", "caCert"] as const).filter((key) => s3[key]) : [];
    return ways.length > 1
        ? [
              {
                  key: "cluster.etcdS3",
                  message: `sets ${ways.join(" and ")}, but K3s reaches the endpoint one way: plain HTTP (insecure), unverified TLS (skipSslVerify) or TLS verified against caCert`,
                  example: "{ endpoint: minio.home.arpa:9000, bucket: k3s-snapshots, caCert: <PEM> }",
              },
          ]
        : [];
};

const alertReceiver: Rule = ({ config, secrets }) =>
    config.alerting !== undefined && !secrets.has("alertingUrl")
        ? [
              {
                  key: "alertingUrl",
                  message: "required: alerting names a receiver, and this is its webhook URL",
                  example: SECRET_EXAMPLES.alertingUrl,
              },
          ]
        : [];

// K3s's Traefik serves the class `traefik`; with it turned off nothing does, and every
// platform Ingress (Argo CD, Grafana, ACME HTTP-01 challenges) would go unserved.
const ingressServed: Rule = ({ config }) =>
    config.cluster.traefik === false && config.ingressClass === K3S_INGRESS_CLASS
        ? [
              {
                  key: "ingressClass",
                  message:
                      '"traefik" names K3s\'s Traefik, which cluster.traefik: false turns off; name the class of the ingress controller you run instead, or keep Traefik',
                  example: '"nginx"',
              },
          ]
        : [];

// Value keys that hold a credential in Helm charts (adminPassword, bearerToken, apiKey, ...);
// names of Secrets and of keys inside them (existingSecret, passwordKey) end otherwise.
const CREDENTIAL_KEY = /(password|passwd|token|api_?key|secret_?key|client_?secret|private_?key)$/i;

// References the charts resolve at run time, which hold no credential themselves: Grafana's
// `$__file{...}`, `$__env{...}`, `$__vault{...}`, Argo CD's `$<secret>:<key>`.
const CREDENTIAL_REFERENCE = /^\$(__(file|env|vault)\{|[\w.-]+:)/;

/** Paths, below `at`, of the non-empty strings under credential keys in chart values. */
function credentialPaths(value: unknown, at: string): string[] {
    if (Array.isArray(value)) return value.flatMap((item, i) => credentialPaths(item, `${at}[${i}]`));
    if (value === null || typeof value !== "object") return [];
    return Object.entries(value).flatMap(([key, inner]) =>
        CREDENTIAL_KEY.test(key) && typeof inner === "string" && inner.length > 0 && !CREDENTIAL_REFERENCE.test(inner)
            ? [`${at}.${key}`]
            : credentialPaths(inner, `${at}.${key}`),
    );
}

// The stack file holds non-secret config in plain text: a credential in chart values would sit
// there, in Git, and in the rendered chart's state unencrypted.
const plainCredentials: Rule = ({ config }) =>
    Object.entries(config.components).flatMap(([name, component]) =>
        credentialPaths(component?.values, `components.${name}.values`).map((key) => ({
            key,
            message:
                "holds a credential in plain text in the stack file; keep it in a Kubernetes Secret the chart reads by name (its existingSecret-style value)",
            example: "grafana: { admin: { existingSecret: grafana-admin } }",
        })),
    );

// The network policies admit K3s's Traefik to the platform's UIs unless told which controller
// serves another class; without that, every Ingress of the platform would be refused.
const ingressControllerNamed: Rule = ({ config, profile }) =>
    profile.networkPolicies === "default-deny" &&
    config.ingressClass !== K3S_INGRESS_CLASS &&
    config.ingressController === undefined
        ? [
              {
                  key: "ingressController",
                  message: `required: ingressClass ${JSON.stringify(config.ingressClass)} is served by another controller than K3s's Traefik, and the network policies admit only the controller named here`,
                  example: '{ namespace: ingress-nginx, pods: { "app.kubernetes.io/name": ingress-nginx } }',
              },
          ]
        : [];

// What production promises; a site override in `homelab:profile` must not quietly undo it.
const PRODUCTION_PROMISES: readonly {
    readonly knob: keyof ParsedConfig["profile"];
    readonly keeps: (value: unknown) => boolean;
    readonly promise: string;
    readonly example: string;
}[] = [
    { knob: "secrets", keeps: (v) => v === "vault", promise: "reads secrets from Vault only", example: '"vault"' },
    {
        knob: "applicationsSync",
        keeps: (v) => v === "manual",
        promise: "applications sync only after manual approval",
        example: '"manual"',
    },
    { knob: "hardening", keeps: (v) => v === true, promise: "runs K3s with its CIS hardening", example: "true" },
    {
        knob: "minServers",
        keeps: (v) => typeof v === "number" && v >= 3,
        promise: "keeps its control plane (and etcd quorum) on at least three servers",
        example: "3",
    },
    {
        knob: "storage",
        keeps: (v) => v === "distributed",
        promise: "keeps data on distributed storage, so a node's loss loses no volume",
        example: '"distributed"',
    },
];

const productionInvariants: Rule = ({ config, environment }) =>
    environment !== "production"
        ? []
        : PRODUCTION_PROMISES.filter(({ knob, keeps }) => knob in config.profile && !keeps(config.profile[knob])).map(
              ({ knob, promise, example }) => ({
                  key: `profile.${knob}`,
                  message: `${JSON.stringify(config.profile[knob])} is not allowed: production ${promise}`,
                  example: `${example} (or remove the override)`,
              }),
          );

const RULES: readonly Rule[] = [
    oneClusterSource,
    kubeconfigReadable,
    serverCount,
    uniqueNodes,
    uniquePools,
    privatePools,
    disjointPools,
    poolsAvoidNodes,
    vaultWhereNeeded,
    vaultReachesKubernetes,
    vaultCaCertFile,
    acmeWhereNeeded,
    secretsEncrypted,
    storageClassWhereNeeded,
    gitopsCredentials,
    snapshotTarget,
    snapshotTransport,
    alertReceiver,
    ingressServed,
    ingressControllerNamed,
    productionInvariants,
    plainCredentials,
    ...NODE_RULES,
];

/** Every cross-field problem of the config, in rule order. */
export function checkRules(ctx: RuleContext): Problem[] {
    return RULES.flatMap((rule) => rule(ctx));
}
