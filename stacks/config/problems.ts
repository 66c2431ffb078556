// Turns zod's issues into the project's problem messages: the key path as an admin writes it
// in Pulumi.<env>.yaml (`metallb.pools[0].addresses[1]`), what is wrong, and the example the
// schema keeps beside that field.
import { z } from "zod";
import { Problem } from "./rules";

/** The key path as `pulumi config set --path` spells it: `a.b[0]`, and `a["odd key"]`. */
export function keyPath(path: readonly PropertyKey[]): string {
    return path.reduce<string>((acc, part) => {
        if (typeof part === "number") return `${acc}[${part}]`;
        const name = String(part);
        if (!/^[A-Za-z_][\w-]*$/.test(name)) return `${acc}[${JSON.stringify(name)}]`;
        return acc ? `${acc}.${name}` : name;
    }, "");
}

type Wrapper = z.ZodOptional | z.ZodDefault | z.ZodPrefault | z.ZodNullable;
const isWrapper = (s: z.ZodType): s is Wrapper =>
    s instanceof z.ZodOptional || s instanceof z.ZodDefault || s instanceof z.ZodPrefault || s instanceof z.ZodNullable;

/** The schema layers (wrappers first, the inner type last) found by following `path` from `root`. */
function layersAt(root: z.ZodType, path: readonly PropertyKey[]): z.ZodType[] {
    let layers: z.ZodType[] = [];
    let schema: z.ZodType | undefined = root;
    for (const part of [...path, undefined]) {
        layers = [];
        while (schema !== undefined && isWrapper(schema)) {
            layers.push(schema);
            schema = schema.unwrap() as z.ZodType;
        }
        if (schema === undefined) return [];
        layers.push(schema);
        if (part === undefined) break;
        if (schema instanceof z.ZodObject)
            schema = (schema.shape as Record<string, z.ZodType | undefined>)[String(part)];
        else if (schema instanceof z.ZodArray) schema = schema.element as z.ZodType;
        else if (schema instanceof z.ZodRecord) schema = schema.valueType as z.ZodType;
        else return [];
    }
    return layers;
}

/** The `example` meta of the field at `path`, if the schema keeps one. */
export function exampleAt(root: z.ZodType, path: readonly PropertyKey[]): unknown {
    return layersAt(root, path)
        .map((layer) => layer.meta()?.example)
        .find((example) => example !== undefined);
}

/** The keys the object at `path` accepts. */
function knownKeysAt(root: z.ZodType, path: readonly PropertyKey[]): string[] {
    const inner = layersAt(root, path).at(-1);
    return inner instanceof z.ZodObject ? Object.keys(inner.shape) : [];
}

function describeType(value: unknown): string {
    if (value === null) return "null";
    if (Array.isArray(value)) return "a list";
    if (typeof value === "object") return "an object";
    return `${typeof value} ${JSON.stringify(value)}`;
}

const ARTICLE: Record<string, string> = {
    string: "a string",
    number: "a number",
    int: "an integer",
    boolean: "true or false",
    object: "an object (a YAML mapping)",
    record: "an object (a YAML mapping)",
    array: "a list",
};

/** What is wrong, in words, for one zod issue. */
function describeIssue(issue: z.core.$ZodIssue): string {
    switch (issue.code) {
        case "invalid_type":
            return issue.input === undefined
                ? "required"
                : `must be ${ARTICLE[issue.expected] ?? issue.expected}, got ${describeType(issue.input)}`;
        case "invalid_value":
            return `${JSON.stringify(issue.input)} is not one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
        case "too_small":
            return issue.origin === "array"
                ? `needs at least ${String(issue.minimum)} entr${issue.minimum === 1 ? "y" : "ies"}`
                : issue.origin === "string"
                  ? "must not be empty"
                  : `must be at least ${String(issue.minimum)}, got ${JSON.stringify(issue.input)}`;
        case "too_big":
            return `must be at most ${String(issue.maximum)}, got ${JSON.stringify(issue.input)}`;
        case "invalid_key":
            return issue.issues.map(describeIssue).join("; ");
        default:
            return issue.message;
    }
}

/** The problems behind a failed parse of `schema`; `otherRootKeys` are top-level keys read
 *  apart from the schema (secrets), listed among the known ones. */
export function problemsOf(schema: z.ZodType, error: z.ZodError, otherRootKeys: readonly string[] = []): Problem[] {
    return error.issues.flatMap((issue): Problem[] => {
        if (issue.code === "unrecognized_keys") {
            const extra = issue.path.length === 0 ? otherRootKeys : [];
            const known = [...knownKeysAt(schema, issue.path), ...extra].join(", ");
            return issue.keys.map((k) => {
                // `pulumi config set a.b[0] v` without --path sets one key named "a.b[0]".
                const root = /^([A-Za-z]\w*)[.[]/.exec(k)?.[1];
                const path =
                    issue.path.length === 0 &&
                    root !== undefined &&
                    [...knownKeysAt(schema, []), ...extra].includes(root);
                return {
                    key: keyPath([...issue.path, k]),
                    message: path
                        ? `is not a known key, but a path into ${root}: Pulumi sets a nested value only with --path, and without it made a key of this whole name`
                        : `is not a known key (known: ${known})`,
                    ...(path ? { example: `pulumi config rm '${k}' && pulumi config set --path '${k}' <value>` } : {}),
                };
            });
        }
        // A bad map key is shown with the example of its whole map.
        const example = exampleAt(schema, issue.code === "invalid_key" ? issue.path.slice(0, -1) : issue.path);
        return [
            {
                key: keyPath(issue.path),
                message: describeIssue(issue),
                example: example === undefined ? undefined : JSON.stringify(example),
            },
        ];
    });
}

/** One line a problem: `key: what is wrong; e.g. right value`. */
export function formatProblem(problem: Problem): string {
    return problem.example === undefined
        ? `${problem.key}: ${problem.message}`
        : `${problem.key}: ${problem.message}; e.g. ${problem.example}`;
}
