// What every check reports: the SchemaProblem type, JSON-pointer helpers, and the messages made of
// ajv errors, which both kubernetes-models' compiled validators and ajv (for CRDs) raise.
import type { ErrorObject } from "ajv";

/** A problem of one manifest: a JSON-pointer-like path and a message. */
export interface SchemaProblem {
    readonly path: string;
    readonly message: string;
    readonly severity: "error" | "unknown-field";
}

export type Obj = Record<string, unknown>;

export function record(value: unknown): Obj | undefined {
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Obj) : undefined;
}

/** One JSON-pointer reference token (RFC 6901). */
export function token(key: string | number): string {
    return String(key).replace(/~/g, "~0").replace(/\//g, "~1");
}

export function valueAt(root: unknown, pointer: string): unknown {
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
export function got(value: unknown): string {
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
export function suggestion(unknown: string, known: Iterable<string>): string {
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
export function problemsOf(
    errors: readonly ErrorObject[],
    data: unknown,
    prefix: string,
    schema?: unknown,
): SchemaProblem[] {
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
