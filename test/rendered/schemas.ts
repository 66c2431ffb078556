// Validation of rendered Kubernetes manifests against real schemas, so tests can check every object
// a chart renders before an API server ever sees it.
//
// - Built-in kinds are checked with the validators kubernetes-models compiles from the Kubernetes
//   OpenAPI spec (kubernetes-models 4.x = Kubernetes 1.33): required fields, types, enums, formats.
//   Those validators allow any additional property, yet the API server drops a field it does not
//   know (a silent misconfiguration), so unknown fields are found by watching the validator: it
//   reads every property its schema defines, so the manifest is validated through a Proxy that
//   records each property read, and a property never read is not in the schema. An object the
//   validator never looks into is free-form (RawExtension, JSON) and is not descended into.
// - Custom resources are checked with ajv against the openAPIV3Schema of their
//   CustomResourceDefinition, converted from a structural OpenAPI v3 schema to JSON Schema: nullable,
//   x-kubernetes-int-or-string, x-kubernetes-preserve-unknown-fields and
//   x-kubernetes-embedded-resource are honoured, a field the schema does not specify is reported as
//   pruned, and nulls are pruned the way the API server prunes them before validating.
// - Object metadata is checked for what the API server validates beyond the schema: the name (by
//   kind), the namespace, and the syntax of label keys and values and of annotation keys.
import Ajv, { type ErrorObject, type FormatDefinition, type ValidateFunction } from "ajv";
import { ObjectMeta } from "@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as net from "node:net";
import * as path from "node:path";

/** A problem of one manifest: a JSON-pointer-like path and a message. */
export interface SchemaProblem {
    readonly path: string;
    readonly message: string;
    readonly severity: "error" | "unknown-field";
}

type Obj = Record<string, unknown>;

function record(value: unknown): Obj | undefined {
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Obj) : undefined;
}

/** One JSON-pointer reference token (RFC 6901). */
function token(key: string | number): string {
    return String(key).replace(/~/g, "~0").replace(/\//g, "~1");
}

function valueAt(root: unknown, pointer: string): unknown {
    if (pointer === "") return root;
    let value = root;
    for (const part of pointer.slice(1).split("/")) {
        const key = part.replace(/~1/g, "/").replace(/~0/g, "~");
        if (Array.isArray(value)) value = value[Number(key)];
        else if (record(value)) value = (value as Obj)[key];
        else return undefined;
    }
    return value;
}

/** `got string "two"`, the value an error is about, for the message. */
function got(value: unknown): string {
    if (value === undefined) return "";
    if (value === null) return ", got null";
    if (Array.isArray(value)) return ", got array";
    if (typeof value === "object") return ", got object";
    if (typeof value === "string") {
        return `, got string ${JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value)}`;
    }
    if (typeof value === "number" || typeof value === "boolean") return `, got ${typeof value} ${value}`;
    return `, got ${typeof value}`;
}

/** The optimal string alignment distance: insertions, deletions, substitutions, transpositions. */
function editDistance(a: string, b: string): number {
    const d = Array.from({ length: a.length + 1 }, (_, i) =>
        Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
    );
    for (let i = 1; i <= a.length; i++) {
        for (let j = 1; j <= b.length; j++) {
            d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
            if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
                d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
            }
        }
    }
    return d[a.length][b.length];
}

/** `; did you mean "resources"?` when one known field is close to the unknown one. */
function suggestion(unknown: string, known: Iterable<string>): string {
    let best: string | undefined;
    let bestDistance = Infinity;
    for (const candidate of known) {
        const distance = candidate.toLowerCase() === unknown.toLowerCase() ? 0 : editDistance(unknown, candidate);
        if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
    }
    return best !== undefined && bestDistance <= Math.min(2, Math.floor(unknown.length / 3))
        ? `; did you mean "${best}"?`
        : "";
}

// ---------------------------------------------------------------------------------------------
// Error messages

/** An ajv error (from kubernetes-models' compiled validators or ajv) as a message. */
function describe(error: ErrorObject): string {
    const params = error.params as Record<string, unknown>;
    switch (error.keyword) {
        case "type":
            return `must be ${String(params.type).split(",").join(" or ")}`;
        case "enum":
            return `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`;
        case "format":
            return `must be ${FORMAT_NAMES[String(params.format)] ?? `a valid ${String(params.format)}`}`;
        case "pattern":
            return `must match the pattern ${JSON.stringify(params.pattern)}`;
        default:
            return error.message ?? `fails ${error.keyword} ${JSON.stringify(params)}`;
    }
}

const FORMAT_NAMES: Record<string, string> = {
    byte: "base64 data (format byte)",
    int32: "a 32-bit integer (format int32)",
    int64: "a 64-bit integer (format int64)",
    quantity: "a quantity such as 500m or 1Gi (format quantity)",
    "date-time": "an RFC 3339 date-time (format date-time)",
};

const JUNCTORS = new Set(["oneOf", "anyOf"]);

/** Whether `error` comes from a branch of the failed oneOf/anyOf `junctor` at the same place. */
function isBranchError(error: ErrorObject, junctor: ErrorObject): boolean {
    if (error === junctor || error.instancePath !== junctor.instancePath) return false;
    if (error.schemaPath.startsWith(`${junctor.schemaPath}/`)) return true;
    // kubernetes-models compiles each branch to its own function: its paths restart at "#/".
    return /^#\/[a-z]+$/i.test(junctor.schemaPath) && /^#\/[a-z]+$/i.test(error.schemaPath);
}

/**
 * Problems of `errors`, raised on `data` (validated against `schema` when ajv compiled it), with
 * `prefix` before their paths.
 */
function problemsOf(errors: readonly ErrorObject[], data: unknown, prefix: string, schema?: unknown): SchemaProblem[] {
    const branchErrors = new Set(
        errors.filter((e) => JUNCTORS.has(e.keyword)).flatMap((j) => errors.filter((e) => isBranchError(e, j))),
    );
    const problems: SchemaProblem[] = [];
    for (const error of errors) {
        if (branchErrors.has(error)) continue;
        const params = error.params as Record<string, unknown>;
        const value = valueAt(data, error.instancePath);
        if (error.keyword === "required") {
            const path = `${prefix}${error.instancePath}/${token(params.missingProperty as string)}`;
            problems.push({ path, message: "required field is missing", severity: "error" });
        } else if (error.keyword === "additionalProperties") {
            const field = params.additionalProperty as string;
            const parent = valueAt(schema, error.schemaPath.replace(/^#/, "").replace(/\/[^/]*$/, ""));
            const known = Object.keys(record(record(parent)?.properties) ?? {});
            problems.push({
                path: `${prefix}${error.instancePath}/${token(field)}`,
                message: `unknown field "${field}" (pruned by the API server)${suggestion(field, known)}`,
                severity: "unknown-field",
            });
        } else if (JUNCTORS.has(error.keyword)) {
            const branches = errors.filter((e) => isBranchError(e, error));
            const types = branches.filter((e) => e.keyword === "type");
            let message: string;
            if (Array.isArray(params.passingSchemas)) {
                message = "must match exactly one alternative, matches several";
            } else if (types.length > 0 && types.length === branches.length) {
                message = `must be ${types.map((e) => describe(e).replace(/^must be /, "")).join(" or ")}`;
            } else {
                const alternatives = [...new Set(branches.map(describe))].join("; ");
                message = `must match ${error.keyword === "oneOf" ? "exactly" : "at least"} one of: ${alternatives}`;
            }
            problems.push({ path: prefix + error.instancePath, message: message + got(value), severity: "error" });
        } else {
            problems.push({
                path: prefix + error.instancePath,
                message: describe(error) + got(value),
                severity: "error",
            });
        }
    }
    return problems;
}

// ---------------------------------------------------------------------------------------------
// Built-in kinds: kubernetes-models

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
function modelProblems(model: ModelClass, data: unknown, prefix: string): SchemaProblem[] {
    const recorder = new ReadRecorder();
    const errors = runModelValidator(model, recorder.wrap(data));
    const problems = problemsOf(errors, data, prefix);
    unreadFields(data, prefix, recorder, problems);
    return problems;
}

const load = createRequire(__filename);
const MODELS_ROOT = path.dirname(load.resolve("kubernetes-models/package.json"));

/** The built-in API groups kubernetes-models knows ("" for core), each with its versions. */
const BUILTIN_GROUPS: ReadonlyMap<string, ReadonlySet<string>> = (() => {
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

function splitApiVersion(apiVersion: string): { group: string; version: string } {
    const slash = apiVersion.lastIndexOf("/");
    return slash < 0
        ? { group: "", version: apiVersion }
        : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

const builtinModels = new Map<string, ModelClass | undefined>();

/** The kubernetes-models class of a built-in apiVersion/kind, loaded once. */
function builtinModel(apiVersion: string, kind: string): ModelClass | undefined {
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

// ---------------------------------------------------------------------------------------------
// Custom resources: ajv against the CRD's structural schema

/** Formats checked (leniently) in custom resources; any other format is accepted as is. */
const FORMATS: Record<string, FormatDefinition<string> | FormatDefinition<number>> = {
    int32: { type: "number", validate: (n: number) => n >= -2147483648 && n <= 2147483647 },
    int64: { type: "number", validate: () => true },
    float: { type: "number", validate: () => true },
    double: { type: "number", validate: () => true },
    byte: { type: "string", validate: (s: string) => /^[A-Za-z0-9+/]*={0,2}$/.test(s) && s.length % 4 === 0 },
    "date-time": {
        type: "string",
        validate: (s: string) => /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?$/.test(s),
    },
    date: { type: "string", validate: (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s) },
    uuid: { type: "string", validate: (s: string) => /^[0-9a-f]{8}-?([0-9a-f]{4}-?){3}[0-9a-f]{12}$/i.test(s) },
    ipv4: { type: "string", validate: (s: string) => net.isIPv4(s) },
    ipv6: { type: "string", validate: (s: string) => net.isIPv6(s) },
    cidr: {
        type: "string",
        validate: (s: string) => {
            const [ip, bits, extra] = s.split("/");
            const max = net.isIPv4(ip) ? 32 : net.isIPv6(ip) ? 128 : -1;
            return extra === undefined && /^\d{1,3}$/.test(bits ?? "") && Number(bits) <= max;
        },
    },
};

/** CRD patterns are Go RE2: compiled as JS with the `u` flag, else without it, else not checked. */
const lenientRegExp = Object.assign(
    (pattern: string, flags: string): RegExp => {
        for (const f of [flags, ""]) {
            try {
                return new RegExp(pattern, f);
            } catch {
                // try the next flags
            }
        }
        return /(?:)/;
    },
    { code: "lenientRegExp" },
);

let ajvInstance: Ajv | undefined;
function ajv(): Ajv {
    if (!ajvInstance) {
        ajvInstance = new Ajv({
            strict: false,
            allErrors: true,
            logger: false,
            // Unoptimized code compiles a large CRD (Prometheus: 800 KB) about twice as fast.
            code: { regExp: lenientRegExp, optimize: false },
        });
        for (const [name, format] of Object.entries(FORMATS)) ajvInstance.addFormat(name, format);
    }
    return ajvInstance;
}

const COPIED_KEYWORDS = new Set([
    "type",
    "required",
    "enum",
    "minimum",
    "maximum",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "minProperties",
    "maxProperties",
    "multipleOf",
    "pattern",
    "uniqueItems",
]);

/**
 * The JSON Schema (for ajv) of a structural OpenAPI v3 schema node. `pruning` is false inside
 * anyOf/oneOf/allOf/not, which may only restrict values: fields are specified (or not) outside them.
 */
function toJsonSchema(node: unknown, pruning: boolean, root = false): Obj {
    const s = record(node) ?? {};
    const out: Obj = {};
    for (const [key, value] of Object.entries(s)) {
        if (COPIED_KEYWORDS.has(key)) out[key] = value;
        else if (key === "format" && typeof value === "string" && value in FORMATS) out.format = value;
        else if (key === "properties" && record(value)) {
            out.properties = Object.fromEntries(
                Object.entries(value as Obj).map(([k, v]) => [k, toJsonSchema(v, pruning)]),
            );
        } else if (key === "additionalProperties") {
            out.additionalProperties = record(value) ? toJsonSchema(value, pruning) : value;
        } else if (key === "items") {
            out.items = Array.isArray(value)
                ? value.map((v) => toJsonSchema(v, pruning))
                : toJsonSchema(value, pruning);
        } else if (key === "allOf" || key === "anyOf" || key === "oneOf") {
            if (Array.isArray(value)) out[key] = value.map((v) => toJsonSchema(v, false));
        } else if (key === "not") out.not = toJsonSchema(value, false);
        else if (key === "exclusiveMinimum" || key === "exclusiveMaximum") {
            // OpenAPI v3.0: a boolean modifier of minimum/maximum; JSON Schema 7: a number.
            const bound = key === "exclusiveMinimum" ? "minimum" : "maximum";
            if (value === true && typeof s[bound] === "number") out[key] = s[bound];
        }
    }
    if (typeof out.exclusiveMinimum === "number") delete out.minimum;
    if (typeof out.exclusiveMaximum === "number") delete out.maximum;
    if (s["x-kubernetes-int-or-string"] === true) {
        out.type = ["integer", "string"];
        // controller-gen adds `anyOf: [{type: integer}, {type: string}]`: the type says it all.
        for (const junctor of ["anyOf", "oneOf"]) {
            const branches = s[junctor];
            if (
                Array.isArray(branches) &&
                branches.every((b) => Object.keys(record(b) ?? {}).every((k) => k === "type"))
            ) {
                delete out[junctor];
            }
        }
    }
    if (s["x-kubernetes-embedded-resource"] === true || root) {
        const properties = { ...(record(out.properties) ?? {}) };
        properties.apiVersion ??= { type: "string" };
        properties.kind ??= { type: "string" };
        // metadata is checked as an ObjectMeta, with its syntax rules, apart from the schema.
        properties.metadata = root ? {} : (properties.metadata ?? { type: "object" });
        out.properties = properties;
    }
    if (s.nullable === true) {
        if (typeof out.type === "string") out.type = [out.type, "null"];
        else if (Array.isArray(out.type)) out.type = [...(out.type as unknown[]), "null"];
        if (Array.isArray(out.enum)) out.enum = [...(out.enum as unknown[]), null];
    }
    const isObject = s.type === "object" || record(s.properties) !== undefined;
    if (
        pruning &&
        isObject &&
        s.additionalProperties === undefined &&
        s["x-kubernetes-preserve-unknown-fields"] !== true
    ) {
        out.additionalProperties = false;
    }
    return out;
}

/**
 * Removes the nulls the API server prunes before validating a custom resource: the value of a
 * specified field that is not nullable (and is replaced by the default when the field has one).
 */
function pruneNulls(value: unknown, node: unknown): void {
    const s = record(node);
    if (!s) return;
    if (Array.isArray(value)) {
        for (const item of value) pruneNulls(item, s.items);
    } else if (record(value)) {
        const object = value as Obj;
        for (const [key, child] of Object.entries(object)) {
            const sub = record(record(s.properties)?.[key]) ?? record(s.additionalProperties);
            if (child === null && sub && sub.nullable !== true) {
                if (sub.default === undefined) delete object[key];
                else object[key] = structuredClone(sub.default);
            } else pruneNulls(child, sub);
        }
    }
}

/** Compiled validators by schema object and by schema text, for pruning CRDs and for the others. */
const compiled = new Map(
    [true, false].map((prune) => [
        prune,
        { bySchema: new WeakMap<object, ValidateFunction>(), byText: new Map<string, ValidateFunction>() },
    ]),
);

/**
 * The compiled validator of a CRD version's openAPIV3Schema, compiled once per content; `prune` is
 * false for a CRD with `preserveUnknownFields: true`, whose unknown fields are kept.
 */
function crdValidator(schema: Obj, prune: boolean): ValidateFunction {
    const cache = compiled.get(prune)!;
    let validate = cache.bySchema.get(schema);
    if (!validate) {
        const text = JSON.stringify(schema);
        validate = cache.byText.get(text);
        if (!validate) {
            validate = ajv().compile(toJsonSchema(schema, prune, true));
            cache.byText.set(text, validate);
        }
        cache.bySchema.set(schema, validate);
    }
    return validate;
}

interface CrdVersion {
    readonly crdName: string;
    readonly prune: boolean;
    readonly versions: ReadonlyMap<string, { readonly served: boolean; readonly schema?: Obj }>;
}

const crdIndexes = new WeakMap<readonly Obj[], Map<string, CrdVersion>>();

/** The CRDs of `crds` by "group/kind", indexed once per list. */
function crdIndex(crds: readonly Obj[]): Map<string, CrdVersion> {
    let index = crdIndexes.get(crds);
    if (index) return index;
    index = new Map();
    for (const crd of crds) {
        const spec = record(crd.spec);
        const names = record(spec?.names);
        if (crd.kind !== "CustomResourceDefinition" || typeof spec?.group !== "string") continue;
        if (typeof names?.kind !== "string") continue;
        const legacySchema = record(record(spec.validation)?.openAPIV3Schema);
        const versions = new Map<string, { served: boolean; schema?: Obj }>();
        for (const v of Array.isArray(spec.versions) ? spec.versions.map(record) : []) {
            if (typeof v?.name !== "string") continue;
            const schema = record(record(v.schema)?.openAPIV3Schema) ?? legacySchema;
            versions.set(v.name, { served: v.served !== false, ...(schema ? { schema } : {}) });
        }
        if (typeof spec.version === "string" && !versions.has(spec.version)) {
            versions.set(spec.version, { served: true, ...(legacySchema ? { schema: legacySchema } : {}) });
        }
        const name = record(crd.metadata)?.name;
        const crdName = typeof name === "string" ? name : `${String(names.plural)}.${spec.group}`;
        index.set(`${spec.group}/${names.kind}`, { crdName, prune: spec.preserveUnknownFields !== true, versions });
    }
    crdIndexes.set(crds, index);
    return index;
}

function customResourceProblems(
    data: Obj,
    group: string,
    version: string,
    kind: string,
    crds: readonly Obj[],
): SchemaProblem[] {
    const crd = crdIndex(crds).get(`${group}/${kind}`);
    if (!crd) {
        const message = `no CustomResourceDefinition for kind "${kind}" of group "${group}" among the ${crds.length} given`;
        return [{ path: "/kind", message, severity: "error" }];
    }
    const served = crd.versions.get(version);
    if (!served) {
        const defined = [...crd.versions.keys()].join(", ");
        const message = `version "${version}" is not defined by the CustomResourceDefinition ${crd.crdName} (defined: ${defined})`;
        return [{ path: "/apiVersion", message, severity: "error" }];
    }
    if (!served.served) {
        const message = `version "${version}" of the CustomResourceDefinition ${crd.crdName} is not served (served: false)`;
        return [{ path: "/apiVersion", message, severity: "error" }];
    }
    const problems: SchemaProblem[] = [];
    if (served.schema) {
        pruneNulls(data, served.schema);
        const validate = crdValidator(served.schema, crd.prune);
        if (!validate(data)) problems.push(...problemsOf(validate.errors ?? [], data, "", validate.schema));
    }
    if (data.metadata !== undefined) problems.push(...modelProblems(ObjectMeta, data.metadata, "/metadata"));
    return problems;
}

// ---------------------------------------------------------------------------------------------
// Object metadata

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

const SUBDOMAIN_RULE =
    "a DNS-1123 subdomain (lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters)";
const LABEL_RULE =
    "a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters)";
const DNS1035_RULE =
    "a DNS-1035 label (lowercase letters, digits and '-', starting with a letter, ending with a letter or digit, at most 63 characters)";

function isSubdomain(s: string): boolean {
    return s.length <= 253 && DNS1123_SUBDOMAIN.test(s);
}

/** Why `name` is not a valid name for `kind` (as the API server validates it), or undefined. */
function nameProblem(name: string, group: string, kind: string): string | undefined {
    if (group === "" && kind === "Namespace") {
        return name.length <= 63 && DNS1123_LABEL.test(name) ? undefined : `must be ${LABEL_RULE}`;
    }
    if (group === "" && kind === "Service") {
        return name.length <= 63 && DNS1035_LABEL.test(name) ? undefined : `must be ${DNS1035_RULE}`;
    }
    const pathSegment =
        (group === "rbac.authorization.k8s.io" && /^(Cluster)?Role(Binding)?$/.test(kind)) ||
        (group === "" && (kind === "PersistentVolume" || kind === "PersistentVolumeClaim"));
    if (pathSegment) {
        return name !== "." && name !== ".." && !/[/%]/.test(name)
            ? undefined
            : `may not be "." or ".." nor contain "/" or "%"`;
    }
    if (!isSubdomain(name)) return `must be ${SUBDOMAIN_RULE}`;
    if (group === "batch" && kind === "CronJob" && name.length > 52)
        return "must be at most 52 characters for a CronJob";
    return undefined;
}

/** Why `key` is not a valid label or annotation key (a qualified name), or undefined. */
function keyProblem(key: string): string | undefined {
    const parts = key.split("/");
    if (parts.length > 2) return "must be a name with an optional prefix and one '/' (e.g. 'example.com/my-name')";
    const [prefix, name] = parts.length === 2 ? parts : [undefined, parts[0]];
    if (prefix !== undefined && !isSubdomain(prefix)) return `must have a prefix that is ${SUBDOMAIN_RULE}`;
    if (name.length === 0 || name.length > 63 || !QUALIFIED_NAME_PART.test(name)) {
        return "must have a name part of at most 63 characters: letters, digits, '-', '_' or '.', starting and ending with a letter or digit";
    }
    return undefined;
}

const MAX_ANNOTATIONS_BYTES = 256 * 1024;

/** Label and annotation syntax of an ObjectMeta at `pointer`. */
function labelProblems(metadata: Obj, pointer: string, problems: SchemaProblem[]): void {
    for (const [key, value] of Object.entries(record(metadata.labels) ?? {})) {
        const at = `${pointer}/labels/${token(key)}`;
        const badKey = keyProblem(key);
        if (badKey)
            problems.push({ path: at, message: `label key ${JSON.stringify(key)} ${badKey}`, severity: "error" });
        if (typeof value === "string" && (value.length > 63 || !LABEL_VALUE.test(value))) {
            problems.push({
                path: at,
                message: `label value ${JSON.stringify(value)} must be at most 63 characters, empty or letters, digits, '-', '_' or '.' starting and ending with a letter or digit`,
                severity: "error",
            });
        }
    }
    const annotations = record(metadata.annotations) ?? {};
    let bytes = 0;
    for (const [key, value] of Object.entries(annotations)) {
        const badKey = keyProblem(key.toLowerCase());
        const at = `${pointer}/annotations/${token(key)}`;
        if (badKey)
            problems.push({ path: at, message: `annotation key ${JSON.stringify(key)} ${badKey}`, severity: "error" });
        bytes += Buffer.byteLength(key) + (typeof value === "string" ? Buffer.byteLength(value) : 0);
    }
    if (bytes > MAX_ANNOTATIONS_BYTES) {
        problems.push({
            path: `${pointer}/annotations`,
            message: `annotations total ${bytes} bytes, more than the limit of ${MAX_ANNOTATIONS_BYTES}`,
            severity: "error",
        });
    }
}

/** Where workloads keep the metadata of the pods (and claims) they create. */
const TEMPLATE_METADATA = [
    "/spec/template/metadata",
    "/spec/jobTemplate/metadata",
    "/spec/jobTemplate/spec/template/metadata",
    "/template/metadata",
];

function metadataProblems(data: Obj, group: string, kind: string, builtin: boolean): SchemaProblem[] {
    const problems: SchemaProblem[] = [];
    const metadata = record(data.metadata);
    if (!metadata) {
        problems.push({ path: "/metadata", message: "required field is missing", severity: "error" });
        return problems;
    }
    const { name, generateName, namespace } = metadata;
    if (typeof name === "string") {
        const why = nameProblem(name, group, kind);
        if (why)
            problems.push({
                path: "/metadata/name",
                message: `name ${JSON.stringify(name)} ${why}`,
                severity: "error",
            });
    } else if (name === undefined && typeof generateName !== "string") {
        problems.push({ path: "/metadata/name", message: "required field is missing", severity: "error" });
    }
    if (kind === "CustomResourceDefinition" && group === "apiextensions.k8s.io" && typeof name === "string") {
        const spec = record(data.spec);
        const expected = `${String(record(spec?.names)?.plural)}.${String(spec?.group)}`;
        if (name !== expected) {
            problems.push({
                path: "/metadata/name",
                message: `name must be <plural>.<group>: "${expected}"`,
                severity: "error",
            });
        }
    }
    if (typeof namespace === "string" && (namespace.length > 63 || !DNS1123_LABEL.test(namespace))) {
        problems.push({
            path: "/metadata/namespace",
            message: `namespace ${JSON.stringify(namespace)} must be ${LABEL_RULE}`,
            severity: "error",
        });
    }
    labelProblems(metadata, "/metadata", problems);
    if (builtin) {
        for (const pointer of TEMPLATE_METADATA) {
            const nested = record(valueAt(data, pointer));
            if (nested) labelProblems(nested, pointer, problems);
        }
        const claims = valueAt(data, "/spec/volumeClaimTemplates");
        if (Array.isArray(claims)) {
            claims.forEach((claim, i) => {
                const nested = record(record(claim)?.metadata);
                if (nested) labelProblems(nested, `/spec/volumeClaimTemplates/${i}/metadata`, problems);
            });
        }
    }
    return problems;
}

// ---------------------------------------------------------------------------------------------

/**
 * The problems of each built-in object by its JSON: the suite checks the same rendered objects
 * several times, and a CRD object (hundreds of KB of schema) takes milliseconds to walk.
 */
const builtinResults = new Map<string, readonly SchemaProblem[]>();

/** Problems of `manifest` against the Kubernetes schemas (built-in kinds) or the CRDs in `crds` (custom resources). */
export function schemaProblems(
    manifest: Record<string, unknown>,
    crds: readonly Record<string, unknown>[],
): SchemaProblem[] {
    // As JSON: what the API server would receive (no undefined), and a copy free to prune nulls in.
    const text = JSON.stringify(manifest);
    const known = builtinResults.get(text);
    if (known) return [...known];
    const data = JSON.parse(text) as Obj;
    const { apiVersion, kind } = data;
    const problems: SchemaProblem[] = [];
    if (typeof apiVersion !== "string" || typeof kind !== "string") {
        for (const [field, value] of Object.entries({ apiVersion, kind })) {
            if (typeof value !== "string") {
                const message = value === undefined ? "required field is missing" : `must be string${got(value)}`;
                problems.push({ path: `/${field}`, message, severity: "error" });
            }
        }
        return problems;
    }
    const { group, version } = splitApiVersion(apiVersion);
    const model = builtinModel(apiVersion, kind);
    const versions = BUILTIN_GROUPS.get(group);
    if (apiVersion === "v1" && kind === "List") {
        // A List is no API object but a container kubectl and Helm may render: check its items.
        const items = Array.isArray(data.items) ? (data.items as unknown[]) : [];
        items.forEach((item, i) => {
            const object = record(item);
            const at = `/items/${i}`;
            if (!object) problems.push({ path: at, message: `must be object${got(item)}`, severity: "error" });
            else problems.push(...schemaProblems(object, crds).map((p) => ({ ...p, path: at + p.path })));
        });
        return problems;
    }
    if (model) {
        if (!/^v\d+$/.test(version)) {
            problems.push({
                path: "/apiVersion",
                message: `"${apiVersion}" is a pre-release version of a built-in API, not served by default (Kubernetes removed the old ones, and serves no new one by default since 1.24)`,
                severity: "error",
            });
        }
        problems.push(...modelProblems(model, data, ""));
    } else if (versions && !versions.has(version)) {
        const message = `"${apiVersion}" is not a version of the built-in API group "${group}"`;
        problems.push({ path: "/apiVersion", message, severity: "error" });
    } else if (versions) {
        const message = `kind "${kind}" is not part of the built-in "${apiVersion}"`;
        problems.push({ path: "/kind", message, severity: "error" });
    } else {
        problems.push(...customResourceProblems(data, group, version, kind, crds));
    }
    if (model && kind.endsWith("List") && Array.isArray(data.items)) {
        // A built-in list (ConfigMapList, ...): ListMeta, and each item an object of the listed kind.
        data.items.forEach((item, i) => {
            const object = record(item);
            if (!object) return; // reported by the schema
            const itemProblems = metadataProblems(object, group, kind.slice(0, -"List".length), true);
            problems.push(...itemProblems.map((p) => ({ ...p, path: `/items/${i}${p.path}` })));
        });
    } else {
        problems.push(...metadataProblems(data, group, kind, model !== undefined));
    }
    const seen = new Set<string>();
    const result = problems.filter((p) => {
        const key = `${p.path}\n${p.message}`;
        return seen.has(key) ? false : (seen.add(key), true);
    });
    if (versions)
        builtinResults.set(
            text,
            result.map((p) => Object.freeze(p)),
        );
    return result;
}
