// Validation of rendered Kubernetes manifests against real schemas, so tests can check every object
// a chart renders before an API server ever sees it: built-in kinds (builtin.ts), custom resources
// against their CRDs (custom.ts) and object metadata (metadata.ts), with problems as in problems.ts.
import { BUILTIN_GROUPS, builtinModel, modelProblems, splitApiVersion } from "./builtin";
import { customResourceProblems } from "./custom";
import { metadataProblems } from "./metadata";
import { type Obj, type SchemaProblem, got, record } from "./problems";

export type { SchemaProblem } from "./problems";
export { hasBuiltinSchema } from "./builtin";

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
