// Custom resources, checked with ajv against the openAPIV3Schema of their CustomResourceDefinition,
// converted from a structural OpenAPI v3 schema to JSON Schema.
import Ajv, { type FormatDefinition, type ValidateFunction } from "ajv";
import { ObjectMeta } from "@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta";
import * as net from "node:net";
import { modelProblems } from "./builtin";
import { type Obj, type SchemaProblem, problemsOf, record } from "./problems";

// The conversion honours nullable, x-kubernetes-int-or-string, x-kubernetes-preserve-unknown-fields
// and x-kubernetes-embedded-resource; a field the schema does not specify is reported as pruned,
// and nulls are pruned the way the API server prunes them before validating.

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

export function customResourceProblems(
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
