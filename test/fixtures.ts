// Valid configs for the pure validation tests, one per environment; each failing case changes
// exactly one thing in one of them.
import * as assert from "node:assert/strict";
import { K3sNode } from "../components/k3s/config";
import { Replication } from "../components/shared/sizing";
import { KubeconfigSummary } from "../stacks/config/kubeconfig";
import { SecretKey } from "../stacks/config/schema";
import { ConfigInput, validateConfig } from "../stacks/config/validate";

/** A valid SSH host key (ed25519), which staging and production require on every node. */
export const HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";

const server = (n: number, subnet: number) => ({
    name: `k3s-server-${n}`,
    address: `192.168.${subnet}.${10 + n}`,
    role: "server",
    user: "admin",
    hostKey: HOST_KEY,
});
const agent = (n: number, subnet: number) => ({
    name: `k3s-agent-${n}`,
    address: `192.168.${subnet}.${20 + n}`,
    role: "agent",
    user: "admin",
    hostKey: HOST_KEY,
});

export const VALID: Readonly<Record<"dev" | "staging" | "production", Record<string, unknown>>> = {
    dev: {
        cluster: { nodes: [server(1, 10)] },
        domain: "dev.home.arpa",
        metallb: { pools: [{ name: "default", addresses: ["192.168.10.200-192.168.10.219"] }] },
        gitops: { repoUrl: "https://github.com/example/homelab.git" },
    },
    staging: {
        cluster: { nodes: [server(1, 20), agent(1, 20)] },
        domain: "staging.lab.example.com",
        metallb: { pools: [{ name: "default", addresses: ["192.168.20.200-192.168.20.219"] }] },
        tls: { acme: { email: "admin@lab.example.com" } },
        gitops: { repoUrl: "https://github.com/example/homelab.git" },
    },
    production: {
        cluster: { nodes: [server(1, 30), server(2, 30), server(3, 30), agent(1, 30), agent(2, 30)] },
        domain: "lab.example.com",
        metallb: { pools: [{ name: "default", addresses: ["192.168.30.192/27"] }] },
        tls: { acme: { email: "admin@lab.example.com" } },
        gitops: { repoUrl: "https://github.com/example/homelab.git" },
        vault: { address: "https://vault.home.arpa:8200" },
        storageClass: "longhorn",
        backups: { endpoint: "minio.home.arpa:9000", bucket: "velero" },
    },
};

export type Stack = keyof typeof VALID;

/** A deep copy of an environment's valid values, changed by `change`. */
export function values(stack: Stack, change: (v: any) => void = () => undefined): Record<string, unknown> {
    const copy = structuredClone(VALID[stack]);
    change(copy);
    return copy;
}

/** Secret keys as set with `--secret` (secure) or in plain text. */
export function secrets(entries: Partial<Record<SecretKey, "secure" | "plain">> = {}): ConfigInput["secrets"] {
    return new Map(
        (Object.entries(entries) as [SecretKey, "secure" | "plain"][]).map(([key, how]) => [
            key,
            { secure: how === "secure" },
        ]),
    );
}

/** The files of the project the validation cases see, by their path in the project's folder. */
export const PROJECT_FILES: Readonly<Record<string, string>> = {
    "certs/vault-ca.pem": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
    "certs/vault-ca-and-key.pem":
        "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n-----BEGIN PRIVATE KEY-----\nMIIEv\n-----END PRIVATE KEY-----\n",
    "certs/vault-ca.der": "MIIB",
};

/** What a readable kubeconfig of an existing cluster holds. */
export const EXISTING_CLUSTER = { server: "https://k3s.home.arpa:6443" };

/** The validator's input for a stack with the given values and secrets; a set kubeconfig is
 *  readable unless `kubeconfig` says what its check found. */
export function input(
    stack: string,
    vals: Record<string, unknown>,
    secretKeys = secrets(),
    kubeconfig: KubeconfigSummary | undefined = secretKeys.has("kubeconfig") ? EXISTING_CLUSTER : undefined,
): ConfigInput {
    return { stack, values: vals, secrets: secretKeys, kubeconfig, projectFile: (file) => PROJECT_FILES[file] };
}

/** One validation case: a config that differs from a valid one in one way, and what it yields. */
export interface Case {
    readonly rule: string;
    readonly stack: string;
    readonly values: Record<string, unknown>;
    readonly secrets?: ConfigInput["secrets"];
    /** What the kubeconfig's check found. Default: a readable one, where it is set. */
    readonly kubeconfig?: KubeconfigSummary;
    /** The exact problems (or, for `warnings`, the warnings) the validator reports. */
    readonly expected: readonly string[];
}

/** The problems the validator reports for a case ([] when it accepts it). */
export function problems(c: Pick<Case, "stack" | "values" | "secrets" | "kubeconfig">): readonly string[] {
    const result = validateConfig(input(c.stack, c.values, c.secrets, c.kubeconfig));
    return result.ok ? [] : result.problems;
}

/** The warnings for an accepted case, or its problems when it is rejected. */
export function warnings(c: Pick<Case, "stack" | "values" | "secrets" | "kubeconfig">): readonly string[] {
    const result = validateConfig(input(c.stack, c.values, c.secrets, c.kubeconfig));
    return result.ok ? result.warnings : result.problems;
}

/** One test per case, asserting `outcome` of the case equals its expected messages exactly. */
export function eachCase(cases: readonly Case[], outcome: (c: Case) => readonly string[] = problems): void {
    for (const c of cases) {
        it(c.rule, () => assert.deepEqual(outcome(c), c.expected));
    }
}

/** How dev's profile sizes a component: one replica of the reduced preset, no budgets. */
export const ONE_REDUCED: Replication = { replicas: 1, podDisruptionBudgets: false, resources: "reduced" };

/** A K3s node reached as admin on port 22, without labels or taints. */
export function k3sNode(name: string, address: string, role: "server" | "agent" = "server"): K3sNode {
    return { name, address, role, user: "admin", port: 22, labels: {}, taints: [] };
}

/** `servers` servers (10.0.1.x) and `agents` agents (10.0.2.x). */
export function k3sNodes(servers: number, agents: number): K3sNode[] {
    return [
        ...Array.from({ length: servers }, (_, i) => k3sNode(`server-${i + 1}`, `10.0.1.${i + 1}`, "server")),
        ...Array.from({ length: agents }, (_, i) => k3sNode(`agent-${i + 1}`, `10.0.2.${i + 1}`, "agent")),
    ];
}
