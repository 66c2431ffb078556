// Built-in kinds, checked with the validators kubernetes-models compiles from the Kubernetes OpenAPI
// spec, and the unknown fields those validators let through but the API server would drop.
import type { ErrorObject } from "ajv";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { type Obj, type SchemaProblem, problemsOf, suggestion, token } from "./problems";

// The validators of kubernetes-models 4.x (= Kubernetes 1.33) check required fields, types, enums
// and formats. They allow any additional property, yet the API server drops a field it does not
// know (a silent misconfiguration), so unknown fields are found by watching the validator: it
// reads every property its schema defines, so the manifest is validated through a Proxy that
// records each property read, and a property never read is not in the schema. An object the
// validator never looks into is free-form (RawExtension, JSON) and is not descended into.

/** What a kubernetes-models class offers: its type and the validate method of its prototype. */
interface ModelClass {
    readonly apiVersion?: unknown;
    readonly kind?: unknown;
    readonly prototype: { readonly validate: (this: unknown) => void };
}

/** Runs the compiled validator of `model` on `data` and returns its errors. */
function runModelValidator(model: ModelClass, data: unknown): ErrorObject[] {
    try {
        // Model#validate validates `this`: called on the data itself, nothing is copied, so the
        // Proxy sees each property the validator reads.
        Reflect.apply(model.prototype.validate, data, []);
        return [];
    } catch (e) {
        const errors = (e as { errors?: unknown }).errors;
        if (Array.isArray(errors)) return errors as ErrorObject[];
        throw e;
    }
}

/**
 * Validates through a Proxy that records, per object of the data, the properties the validator
 * reads (and whether it looked into the object at all).
 */
class ReadRecorder {
    private readonly proxies = new WeakMap<object, object>();
    readonly read = new WeakMap<object, Set<string>>();

    private keysOf(target: object): Set<string> {
        let keys = this.read.get(target);
        if (!keys) this.read.set(target, (keys = new Set()));
        return keys;
    }

    wrap(value: unknown): unknown {
        if (typeof value !== "object" || value === null) return value;
        let proxy = this.proxies.get(value);
        if (!proxy) {
            proxy = new Proxy(value, {
                get: (target, key, receiver) => {
                    const keys = this.keysOf(target);
                    if (typeof key === "string") keys.add(key);
                    return this.wrap(Reflect.get(target, key, receiver));
                },
                ownKeys: (target) => {
                    this.keysOf(target);
                    return Reflect.ownKeys(target);
                },
            });
            this.proxies.set(value, proxy);
        }
        return proxy;
    }
}

/** Fields kubernetes-models strips from its schemas: never reported as unknown. */
function isStrippedField(key: string): boolean {
    return key === "description" || key.startsWith("x-kubernetes-");
}

/** The fields of `value` the validator never read, below objects it looked into. */
function unreadFields(value: unknown, pointer: string, recorder: ReadRecorder, problems: SchemaProblem[]): void {
    if (typeof value !== "object" || value === null) return;
    const read = recorder.read.get(value);
    if (!read) return; // free-form: the schema does not look into it
    if (Array.isArray(value)) {
        value.forEach((item, i) => {
            if (read.has(String(i))) unreadFields(item, `${pointer}/${i}`, recorder, problems);
        });
        return;
    }
    for (const [key, child] of Object.entries(value as Obj)) {
        if (isStrippedField(key)) continue;
        if (!read.has(key)) {
            problems.push({
                path: `${pointer}/${token(key)}`,
                message: `unknown field "${key}" (dropped by the API server)${suggestion(key, read)}`,
                severity: "unknown-field",
            });
        } else if (key !== "openAPIV3Schema") {
            // A CRD's openAPIV3Schema is free-form JSON Schema with x-kubernetes-* extensions.
            unreadFields(child, `${pointer}/${token(key)}`, recorder, problems);
        }
    }
}

/** Validates `data` (a JSON copy) with `model`, reporting errors and unknown fields. */
export function modelProblems(model: ModelClass, data: unknown, prefix: string): SchemaProblem[] {
    const recorder = new ReadRecorder();
    const errors = runModelValidator(model, recorder.wrap(data));
    const problems = problemsOf(errors, data, prefix);
    unreadFields(data, prefix, recorder, problems);
    return problems;
}

const load = createRequire(__filename);
const MODELS_ROOT = path.dirname(load.resolve("kubernetes-models/package.json"));

/** The built-in API groups kubernetes-models knows ("" for core), each with its versions. */
export const BUILTIN_GROUPS: ReadonlyMap<string, ReadonlySet<string>> = (() => {
    const dirs = (dir: string) =>
        fs
            .readdirSync(dir, { withFileTypes: true })
            .filter((e) => e.isDirectory() && !e.name.startsWith("_"))
            .map((e) => e.name);
    const groups = new Map<string, Set<string>>([["", new Set(["v1"])]]);
    for (const group of dirs(MODELS_ROOT)) {
        if (group !== "v1") groups.set(group, new Set(dirs(path.join(MODELS_ROOT, group))));
    }
    return groups;
})();

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
    const slash = apiVersion.lastIndexOf("/");
    return slash < 0
        ? { group: "", version: apiVersion }
        : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

const builtinModels = new Map<string, ModelClass | undefined>();

/** The kubernetes-models class of a built-in apiVersion/kind, loaded once. */
export function builtinModel(apiVersion: string, kind: string): ModelClass | undefined {
    const key = `${apiVersion} ${kind}`;
    if (builtinModels.has(key)) return builtinModels.get(key);
    let model: ModelClass | undefined;
    const { group, version } = splitApiVersion(apiVersion);
    if (BUILTIN_GROUPS.get(group)?.has(version) && /^[A-Z][A-Za-z0-9]*$/.test(kind)) {
        const module = `kubernetes-models/${group === "" ? "" : `${group}/`}${version}/${kind}`;
        try {
            const candidate = (load(module) as Record<string, ModelClass | undefined>)[kind];
            if (candidate?.apiVersion === apiVersion && candidate.kind === kind) model = candidate;
        } catch {
            model = undefined; // no such module: not a kind of this apiVersion
        }
    }
    builtinModels.set(key, model);
    return model;
}

/** Whether kubernetes-models has a schema for a built-in apiVersion/kind (for tests that nothing goes unchecked). */
export function hasBuiltinSchema(apiVersion: string, kind: string): boolean {
    return builtinModel(apiVersion, kind) !== undefined;
}
