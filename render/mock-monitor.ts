// The one place the render reaches into the Pulumi SDK's internals. The SDK's mock monitor hands
// the mocks a resource's inputs but not its dependencies, options or secret paths; wrapping its
// registerResource records the whole request, as the engine would see it. The wrap checks that
// the SDK still has what it wraps, and fails with what changed rather than record less.
import * as pulumi from "@pulumi/pulumi";
import * as mocksModule from "@pulumi/pulumi/runtime/mocks";
import * as rpc from "@pulumi/pulumi/runtime/rpc";
import { version as sdkVersion } from "@pulumi/pulumi/version";

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

type Struct = Parameters<typeof rpc.deserializeProperties>[0];
/** The RegisterResourceRequest getters read here (proto/resource_pb.js). */
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
const GETTERS: readonly (keyof RegisterRequest)[] = [
    "getType",
    "getName",
    "getObject",
    "getDependenciesList",
    "getParent",
    "getProvider",
    "getProtect",
    "getRetainondelete",
    "getDeletebeforereplace",
    "getCustomtimeouts",
    "getAdditionalsecretoutputsList",
];

type RegisterResource = (
    this: unknown,
    req: RegisterRequest,
    callback: (err: unknown, resp: unknown) => void,
) => Promise<void>;

/** What changed in the SDK, for the error that says the render cannot trust its recording. */
const changed = (what: string) =>
    new Error(
        `@pulumi/pulumi ${sdkVersion}: ${what}; render/mock-monitor.ts records registrations through it and must be adapted`,
    );

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
function urnOf(project: string, type: string, name: string, parent: string): string {
    const qualified = parent ? `${parent.slice(0, parent.lastIndexOf("::"))}$${type}` : undefined;
    return `${qualified ?? `urn:pulumi:${pulumi.getStack()}::${project}::${type}`}::${name}`;
}

function registrationOf(project: string, req: RegisterRequest): Registration {
    const missing = GETTERS.filter((getter) => typeof req[getter] !== "function");
    if (missing.length > 0) throw changed(`a registration request has no ${missing.join(", ")}`);
    const timeouts = req.getCustomtimeouts();
    return {
        urn: urnOf(project, req.getType(), req.getName(), req.getParent()),
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
            create: timeouts?.getCreate() ?? "",
            update: timeouts?.getUpdate() ?? "",
            delete: timeouts?.getDelete() ?? "",
        },
        additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
        secretInputs: secretPaths(req.getObject().toJavaScript(), ""),
    };
}

let listener: { readonly project: string; readonly record: (registration: Registration) => void } | undefined;

/** Hands every registration the mocks receive to `record`, from now on (one listener at a time;
 *  the mocks are global too). */
export function recordRegistrations(project: string, record: (registration: Registration) => void): void {
    const monitor = (mocksModule as { MockMonitor?: { prototype: { registerResource?: RegisterResource } } })
        .MockMonitor?.prototype;
    if (monitor === undefined) throw changed("runtime/mocks exports no MockMonitor");
    if (listener === undefined) {
        const original = monitor.registerResource;
        if (typeof original !== "function") throw changed("MockMonitor has no registerResource");
        monitor.registerResource = function (this: unknown, req, callback) {
            if (listener) listener.record(registrationOf(listener.project, req));
            return original.call(this, req, callback);
        };
    }
    listener = { project, record };
}
