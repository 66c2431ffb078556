// Object metadata, checked for what the API server validates beyond the schema: the name (by kind),
// the namespace, and the syntax of label keys and values and of annotation keys.
import { type Obj, type SchemaProblem, record, token, valueAt } from "./problems";

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

export function metadataProblems(data: Obj, group: string, kind: string, builtin: boolean): SchemaProblem[] {
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
