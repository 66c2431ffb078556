// Validates a stack's raw config and resolves it into the settings the program runs on. Pure:
// it sees neither Pulumi nor secret values (only which secret keys are set, and how, and what
// the kubeconfig's check found), so it is tested directly and can never leak a secret into an
// error message.
import type { z } from "zod";
import { IssuerArgs } from "../../components/cert-manager";
import { IngressControllerPeer, K3S_TRAEFIK } from "../../components/network-policies";
import { K3S_VERSION } from "../../components/shared/versions";
import { KubeconfigSummary } from "./kubeconfig";
import { applyOverrides, Environment, ENVIRONMENTS, EnvironmentProfile, PROFILES } from "./profiles";
import { KeyShape } from "./key-shape";
import { exampleAt, formatProblem, problemsOf } from "./problems";
import { checkRules, checkRulesNotReading, Problem } from "./rules";
import { isLetsEncrypt, LETS_ENCRYPT } from "./rules/acme";
import { plainSettingsUnencrypted } from "./rules/secrets";
import { unusedSettings } from "./warnings";
import { configSchema, ParsedConfig, SECRET_KEYS, SecretKey } from "./schema";

/** K3s's bundled storage class, used where the profile keeps volumes local. */
const LOCAL_STORAGE_CLASS = "local-path";

export type Node = NonNullable<ParsedConfig["cluster"]["nodes"]>[number];

/** How the program reaches the cluster. */
export type ClusterAccessSettings =
    | {
          readonly mode: "nodes";
          readonly nodes: readonly Node[];
          readonly apiAddress: string;
          readonly vip?: ParsedConfig["cluster"]["vip"];
          readonly k3sVersion: string;
          readonly traefik: boolean;
          readonly etcdS3?: ParsedConfig["cluster"]["etcdS3"];
      }
    | {
          readonly mode: "kubeconfig";
          /** The API server's URL, from the kubeconfig. */
          readonly server: string;
      };

/** How the platform's certificates are issued, resolved from the profile and `tls.acme`: the
 *  issuer cert-manager takes, with its ACME solver only named (Cloudflare's token is a secret).
 *  An ACME issuer's name is `letsencrypt-<stage>` for Let's Encrypt, else `acme-<stage>`. */
export type TlsSettings =
    | Extract<IssuerArgs, { kind: "privateCa" }>
    | (Omit<Extract<IssuerArgs, { kind: "acme" }>, "solver"> & { readonly solver: "http01" | "cloudflare" });

/** Where workloads' secrets come from: plain Kubernetes Secrets, or Vault. */
export type SecretStoreSettings = { readonly backend: "kubernetes" } | ({ readonly backend: "vault" } & VaultSettings);

export interface VaultSettings {
    readonly address: string;
    /** Path of this cluster's Kubernetes auth backend. */
    readonly authMount: string;
    /** KV v2 mount of this environment's application secrets. */
    readonly kvMount: string;
    /** Whether the program creates the KV mount (false: it exists already). */
    readonly createKvMount: boolean;
    /** The CA of Vault's certificate, when a private CA signed it: the repository's file (its
     *  path in the project's folder) and the PEM it holds. */
    readonly caCert?: { readonly file: string; readonly pem: string };
    /** The Kubernetes API's URL Vault reviews tokens at, where the stack names one. Default: the
     *  cluster's API address, as the platform is given it. */
    readonly kubernetesHost?: string;
}

/** Everything the program needs to know about one environment, validated and resolved. */
export interface Settings {
    readonly environment: Environment;
    readonly profile: EnvironmentProfile;
    readonly cluster: ClusterAccessSettings;
    readonly domain: string;
    readonly ingressClass: string;
    /** The controller serving that class, as the network policies admit it. */
    readonly ingressController: IngressControllerPeer;
    readonly metallb: ParsedConfig["metallb"];
    readonly tls: TlsSettings;
    readonly gitops: ParsedConfig["gitops"];
    /** Where Alertmanager sends alerts, where the profile routes them. */
    readonly alerting?: ParsedConfig["alerting"];
    /** The profile's secret store. */
    readonly secretStore: SecretStoreSettings;
    readonly storageClass: string;
    /** Velero's S3 store, where the stack names one. */
    readonly backups?: ParsedConfig["backups"];
    readonly components: ParsedConfig["components"];
}

export interface ConfigInput {
    /** The Pulumi stack name, which selects the environment. */
    readonly stack: string;
    /** The non-secret `homelab:*` values, namespace stripped, objects already JSON-parsed. */
    readonly values: Readonly<Record<string, unknown>>;
    /** The secret keys that are set, and whether each is stored encrypted. */
    readonly secrets: ReadonlyMap<SecretKey, { readonly secure: boolean }>;
    /** What the secret kubeconfig holds, where it is set (it never reaches a message). */
    readonly kubeconfig?: KubeconfigSummary;
    /** What the secrets meant to hold SSH private keys hold, where they are set and readable. */
    readonly keyShapes?: Partial<Record<"sshPrivateKey" | "gitopsSshKey", KeyShape>>;
    /** Keys of plain settings whose values are stored encrypted (`pulumi config set --secret`):
     *  their values never reach a message. Default none. */
    readonly encryptedKeys?: readonly string[];
    /** A file of the project by its path in the project's folder (the folder of Pulumi.yaml);
     *  undefined where there is none. Default: no file. */
    readonly projectFile?: (path: string) => string | undefined;
}

export type ValidationResult =
    | { readonly ok: true; readonly settings: Settings; readonly warnings: readonly string[] }
    | { readonly ok: false; readonly problems: readonly string[] };

function isEnvironment(stack: string): stack is Environment {
    return (ENVIRONMENTS as readonly string[]).includes(stack);
}

/** A value the rules have already required; reaching undefined here is a bug in the rules. */
export function checked<T>(value: T | undefined, key: string): T {
    if (value === undefined) {
        throw new Error(`internal: ${key} passed validation but is missing`);
    }
    return value;
}

function tlsSettings(profile: EnvironmentProfile, acme: ParsedConfig["tls"]["acme"]): TlsSettings {
    if (profile.tlsIssuer === "privateCa") {
        return { kind: "privateCa" };
    }
    const { email, server, solver } = checked(acme, "tls.acme");
    const letsEncrypt = isLetsEncrypt(server);
    const stage = profile.tlsIssuer === "acme-staging" ? "staging" : "production";
    return {
        kind: "acme",
        issuerName: `${letsEncrypt ? "letsencrypt" : "acme"}-${stage}`,
        server: server ?? LETS_ENCRYPT[profile.tlsIssuer],
        email,
        solver,
    };
}

function resolve(
    environment: Environment,
    profile: EnvironmentProfile,
    config: ParsedConfig,
    kubeconfig: KubeconfigSummary | undefined,
    projectFile: (path: string) => string | undefined,
): Settings {
    const caCertFile = config.vault.caCertFile;
    const nodes = config.cluster.nodes ?? [];
    return {
        environment,
        profile,
        cluster:
            nodes.length > 0
                ? {
                      mode: "nodes",
                      nodes,
                      apiAddress:
                          config.cluster.apiAddress ??
                          config.cluster.vip?.address ??
                          checked(
                              nodes.find((n) => n.role === "server"),
                              "cluster.nodes server",
                          ).address,
                      vip: config.cluster.vip,
                      k3sVersion: config.cluster.k3sVersion ?? K3S_VERSION,
                      traefik: config.cluster.traefik,
                      etcdS3: config.cluster.etcdS3,
                  }
                : {
                      mode: "kubeconfig",
                      server: checked(
                          kubeconfig && "server" in kubeconfig ? kubeconfig.server : undefined,
                          "kubeconfig server",
                      ),
                  },
        domain: config.domain,
        ingressClass: config.ingressClass,
        ingressController: config.ingressController ?? K3S_TRAEFIK,
        metallb: config.metallb,
        tls: tlsSettings(profile, config.tls.acme),
        gitops: config.gitops,
        secretStore:
            profile.secrets === "vault"
                ? {
                      backend: "vault",
                      address: checked(config.vault.address, "vault.address"),
                      authMount: config.vault.authMount ?? `kubernetes-${environment}`,
                      kvMount: config.vault.kvMount ?? `homelab/${environment}`,
                      createKvMount: config.vault.createKvMount,
                      ...(caCertFile === undefined
                          ? {}
                          : {
                                caCert: { file: caCertFile, pem: checked(projectFile(caCertFile), "vault.caCertFile") },
                            }),
                      kubernetesHost: config.vault.kubernetesHost,
                  }
                : { backend: "kubernetes" },
        storageClass: config.storageClass ?? LOCAL_STORAGE_CLASS,
        backups: config.backups,
        alerting: profile.monitoring.alertRouting ? config.alerting : undefined,
        components: config.components,
    };
}

/** `read`, each file read once however often the rules and the resolution ask for it. */
function readOnce(read: (path: string) => string | undefined): (path: string) => string | undefined {
    const files = new Map<string, string | undefined>();
    return (path) => {
        if (!files.has(path)) files.set(path, read(path));
        return files.get(path);
    };
}

/** What the rules see of a parsed config. */
function ruleContext(environment: Environment, input: ConfigInput, config: ParsedConfig) {
    return {
        environment,
        profile: applyOverrides(PROFILES[environment], config.profile),
        config,
        nodes: config.cluster.nodes ?? [],
        secrets: input.secrets,
        kubeconfig: input.kubeconfig,
        keyShapes: input.keyShapes ?? {},
        projectFile: readOnce(input.projectFile ?? (() => undefined)),
    };
}

/** The rules' problems with the keys that do have their shape, where others do not: each broken
 *  top-level key left to its default, or given its example where it has none, and only the rules
 *  that read none of those keys heard (the examples' values are not the user's). An unknown
 *  top-level key is left out, as the schema will have named it. */
function rulesBeside(environment: Environment, input: ConfigInput, error: z.ZodError): Problem[] {
    const values: Record<string, unknown> = { ...input.values };
    const broken = new Set<string>();
    for (const issue of error.issues) {
        if (issue.path.length === 0 && issue.code === "unrecognized_keys")
            for (const key of issue.keys) delete values[key];
        else if (issue.path.length > 0) broken.add(String(issue.path[0]));
        else return [];
    }
    for (const key of broken) delete values[key];
    const missing = configSchema.safeParse(values);
    if (!missing.success)
        for (const key of new Set(missing.error.issues.map((issue) => String(issue.path[0])))) {
            values[key] = exampleAt(configSchema, [key]);
            broken.add(key);
        }
    const repaired = configSchema.safeParse(values);
    if (!repaired.success) return [];
    return checkRulesNotReading(ruleContext(environment, input, repaired.data), [...broken]);
}

/** The strings of the encrypted keys' values, longest first, which no message may show. */
function encryptedStrings(input: ConfigInput): string[] {
    const leaves = (value: unknown): string[] =>
        typeof value === "string" || typeof value === "number"
            ? [String(value)]
            : value !== null && typeof value === "object"
              ? Object.values(value).flatMap(leaves)
              : [];
    return (input.encryptedKeys ?? [])
        .flatMap((key) => leaves(input.values[key]))
        .flatMap((s) => [s, JSON.stringify(s).slice(1, -1)])
        .filter((s) => s.length >= 3)
        .sort((a, b) => b.length - a.length);
}

/** Checks the whole config, collecting every problem before failing. */
export function validateConfig(input: ConfigInput): ValidationResult {
    const hidden = encryptedStrings(input);
    const redact = (message: string) => hidden.reduce((m, s) => m.split(s).join("[secret]"), message);
    const result = validateValues(input);
    return result.ok
        ? { ...result, warnings: result.warnings.map(redact) }
        : { ok: false, problems: result.problems.map(redact) };
}

function validateValues(input: ConfigInput): ValidationResult {
    const problems: Problem[] = [];
    if (!isEnvironment(input.stack)) {
        problems.push({
            key: "stack",
            message: `"${input.stack}" is not an environment; the stack name selects one of ${ENVIRONMENTS.join(", ")}`,
            example: "pulumi stack select dev",
        });
    }
    const parsed = configSchema.safeParse(input.values, { reportInput: true });
    if (!parsed.success) {
        problems.push(...problemsOf(configSchema, parsed.error, SECRET_KEYS));
    }
    // Whatever shape the values have: a secret stored as a plain setting is a problem of its own.
    problems.push(...plainSettingsUnencrypted(input.encryptedKeys ?? []));
    if (!isEnvironment(input.stack)) return { ok: false, problems: problems.map(formatProblem) };
    const environment = input.stack;
    if (!parsed.success) {
        // The rules still judge the keys that have their shape, so that one run names every problem.
        problems.push(...rulesBeside(environment, input, parsed.error));
        return { ok: false, problems: problems.map(formatProblem) };
    }
    const ctx = ruleContext(environment, input, parsed.data);
    problems.push(...checkRules(ctx));
    if (problems.length === 0) {
        return {
            ok: true,
            settings: resolve(environment, ctx.profile, parsed.data, input.kubeconfig, ctx.projectFile),
            warnings: unusedSettings(ctx),
        };
    }
    return { ok: false, problems: problems.map(formatProblem) };
}
