// The program evaluated as `pulumi up --stack <stack>` would run it, but under Pulumi's mocks:
// every resource registration is recorded with what the engine would see (dependencies, parent,
// secret inputs and outputs), so tests and the offline render read the same graph.
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as mocksModule from "@pulumi/pulumi/runtime/mocks";
import * as rpc from "@pulumi/pulumi/runtime/rpc";
import { parse } from "yaml";
import { homelab } from "../stacks/homelab";

export const PROJECT = "homelab";
export const ROOT = path.resolve(__dirname, "..");

/** The kubeconfig the first server prints for Pulumi, which the mocked SSH command returns as stdout. */
export const K3S_KUBECONFIG = [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    "- cluster:",
    "    certificate-authority-data: Y2E=",
    "    server: https://127.0.0.1:6443",
    "  name: default",
    "contexts:",
    "- context:",
    "    cluster: default",
    "    user: homelab-pulumi",
    "  name: default",
    "current-context: default",
    "users:",
    "- name: homelab-pulumi",
    "  user:",
    "    token: eyJhbGciOiJSUzI1NiJ9.pulumi",
    "",
].join("\n");

/** What the API server puts into a service-account token secret, as the mocks return it. */
export const REVIEWER_JWT = "eyJhbGciOiJSUzI1NiJ9.reviewer";
export const CLUSTER_CA = "-----BEGIN CERTIFICATE-----\ncluster-ca\n-----END CERTIFICATE-----\n";
const REVIEWER_JWT_BASE64 = Buffer.from(REVIEWER_JWT).toString("base64");
const CLUSTER_CA_BASE64 = Buffer.from(CLUSTER_CA).toString("base64");

/** One resource registration as the engine receives it. */
export interface Registration {
    /** The URN the engine gives it: `urn:pulumi:<stack>::<project>::<parent types $ type>::<name>`. */
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly inputs: Record<string, unknown>;
    readonly dependencies: string[];
    /** Parent URN ("" for a root resource). */
    readonly parent: string;
    /** Provider reference (`<urn>::<id>`), "" for a default provider or a component. */
    readonly provider: string;
    readonly protect: boolean;
    readonly retainOnDelete: boolean;
    readonly deleteBeforeReplace: boolean;
    /** The customTimeouts the program set (Go durations such as "20m"), "" where it set none. */
    readonly customTimeouts: { readonly create: string; readonly update: string; readonly delete: string };
    readonly additionalSecretOutputs: string[];
    /** Paths of the inputs that carry a secret value (`connection`, `kubeconfig`, ...). */
    readonly secretInputs: string[];
}

/** Stack config as the Pulumi CLI hands it to the program: `project:key` -> string. */
export interface StackConfigFile {
    readonly config: Record<string, string>;
    readonly secretKeys: string[];
}

type ConfigDeclaration = { default?: unknown } | string | number | boolean | unknown[];

/** The config `pulumi up --stack <stack>` would pass: project defaults, then the stack file.
 *  Encrypted (`secure:`) values become "dummy-secret-<key>", marked secret. */
export function stackConfigFile(stack: string): StackConfigFile {
    const project = parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as {
        config?: Record<string, ConfigDeclaration>;
    };
    const stackFile = parse(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as {
        config?: Record<string, unknown>;
    };
    const values: Record<string, unknown> = {};
    for (const [key, declaration] of Object.entries(project.config ?? {})) {
        if (declaration !== null && typeof declaration === "object" && !Array.isArray(declaration)) {
            if ("default" in declaration) values[`${PROJECT}:${key}`] = declaration.default;
        } else {
            values[`${PROJECT}:${key}`] = declaration;
        }
    }
    Object.assign(values, stackFile.config ?? {});
    const config: Record<string, string> = {};
    const secretKeys: string[] = [];
    for (const [key, value] of Object.entries(values)) {
        if (value !== null && typeof value === "object" && "secure" in value) {
            config[key] = `dummy-secret-${key.split(":")[1]}`;
            secretKeys.push(key);
        } else {
            config[key] = typeof value === "string" ? value : JSON.stringify(value);
        }
    }
    return { config, secretKeys };
}

let recording: Registration[] = [];

// The SDK's mock monitor passes a resource's inputs to the mocks but not its dependencies or
// additionalSecretOutputs; wrapping it records the whole request, as the engine would see it.
const monitor = mocksModule.MockMonitor.prototype as unknown as {
    registerResource: (
        this: unknown,
        req: RegisterRequest,
        callback: (err: unknown, resp: unknown) => void,
    ) => Promise<void>;
};
type Struct = Parameters<typeof rpc.deserializeProperties>[0];
interface RegisterRequest {
    getType(): string;
    getName(): string;
    getObject(): Struct;
    getDependenciesList(): string[];
    getParent(): string;
    getProvider(): string;
    getProtect(): boolean;
    getRetainondelete(): boolean;
    getDeletebeforereplace(): boolean;
    getCustomtimeouts(): { getCreate(): string; getUpdate(): string; getDelete(): string } | undefined;
    getAdditionalsecretoutputsList(): string[];
}

/** A deserialized value with its secret wrappers removed (secretness is recorded apart). */
function reveal(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(reveal);
    if (value === null || typeof value !== "object") return value;
    const record = value as Record<string, unknown>;
    if (record[rpc.specialSigKey] === rpc.specialSecretSig) return reveal(record.value);
    return Object.fromEntries(Object.entries(record).map(([key, inner]) => [key, reveal(inner)]));
}

/** Dotted paths of the values marked secret in a serialized property struct. */
function secretPaths(value: unknown, at: string): string[] {
    if (value === null || typeof value !== "object") return [];
    const record = value as Record<string, unknown>;
    if (record[rpc.specialSigKey] === rpc.specialSecretSig) return [at];
    return Object.entries(record).flatMap(([key, inner]) =>
        secretPaths(inner, Array.isArray(value) ? `${at}[${key}]` : at ? `${at}.${key}` : key),
    );
}

/** A child's URN qualifies its type with its parent's (`Parent$Child`), as the engine does. */
function urnOf(type: string, name: string, parent: string): string {
    const qualified = parent ? `${parent.slice(0, parent.lastIndexOf("::"))}$${type}` : undefined;
    return `${qualified ?? `urn:pulumi:${pulumi.getStack()}::${PROJECT}::${type}`}::${name}`;
}

const originalRegister = monitor.registerResource;
monitor.registerResource = function (this: unknown, req, callback) {
    recording.push({
        urn: urnOf(req.getType(), req.getName(), req.getParent()),
        type: req.getType(),
        name: req.getName(),
        inputs: reveal(rpc.deserializeProperties(req.getObject())) as Record<string, unknown>,
        dependencies: req.getDependenciesList(),
        parent: req.getParent(),
        provider: req.getProvider(),
        protect: req.getProtect(),
        retainOnDelete: req.getRetainondelete(),
        deleteBeforeReplace: req.getDeletebeforereplace(),
        customTimeouts: {
            create: req.getCustomtimeouts()?.getCreate() ?? "",
            update: req.getCustomtimeouts()?.getUpdate() ?? "",
            delete: req.getCustomtimeouts()?.getDelete() ?? "",
        },
        additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
        secretInputs: secretPaths(req.getObject().toJavaScript(), ""),
    });
    return originalRegister.call(this, req, callback);
};

/** What a mocked resource returns as its state: its inputs plus the outputs the program reads,
 *  with its additionalSecretOutputs marked secret as the engine would. */
function mockState(args: pulumi.runtime.MockResourceArgs): Record<string, unknown> {
    const inputs = args.inputs as Record<string, unknown>;
    const state: Record<string, unknown> = { ...inputs };
    // The provider names an object without metadata.name after its resource plus 7 random characters.
    const metadata = (inputs.metadata ?? {}) as Record<string, unknown>;
    if (args.type.startsWith("kubernetes:") && "kind" in inputs && metadata.name === undefined)
        state.metadata = { ...metadata, name: `${args.name}-xxxxxxx` };
    if (args.type === "command:remote:Command") Object.assign(state, { stdout: K3S_KUBECONFIG, stderr: "" });
    if (args.type === "random:index/randomPassword:RandomPassword") state.result = `password-${args.name}`;
    // The API server fills in a service-account token secret, and the provider waits for it.
    if (args.type === "kubernetes:core/v1:Secret" && inputs.type === "kubernetes.io/service-account-token") {
        state.data = { token: REVIEWER_JWT_BASE64, "ca.crt": CLUSTER_CA_BASE64 };
    }
    const registration = recording.find((r) => r.type === args.type && r.name === args.name);
    for (const key of registration?.additionalSecretOutputs ?? []) {
        if (key in state) state[key] = pulumi.secret(state[key]);
    }
    return state;
}

/** Points the SDK at fresh mocks for `stack` with `file`'s config, and clears the recording. */
export async function useStack(stack: string, file: StackConfigFile): Promise<Registration[]> {
    recording = [];
    await pulumi.runtime.setMocks(
        {
            newResource: (args) => ({ id: `${args.name}-id`, state: mockState(args) }),
            call: (args) => args.inputs as Record<string, unknown>,
        },
        PROJECT,
        stack,
        false,
    );
    pulumi.runtime.setAllConfig(file.config, file.secretKeys);
    return recording;
}

/** Waits until every registration the program started has reached the mocks. */
export async function settle(): Promise<void> {
    await pulumi.runtime.disconnect();
}

/** The program's registrations for `stack`, evaluated with its own `Pulumi.<stack>.yaml` or `file`. */
export async function evaluateStack(stack: string, file = stackConfigFile(stack)): Promise<Registration[]> {
    const recorded = await useStack(stack, file);
    homelab();
    await settle();
    return recorded;
}
