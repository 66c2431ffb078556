// What Pulumi's helm.v4.Chart registers from Helm's output (pulumi-kubernetes
// provider/pkg/provider/helm/v4/chart.go and provider/pkg/provider/yaml/v2): hooks are never
// created, lists become their items, namespaced objects without a namespace get the release's,
// each object becomes a resource named `<chart resource>:<namespace>/<name>`, and
// `helm.sh/resource-policy: keep` retains an object when it is deleted.
import * as yaml from "js-yaml";
import { CustomKind, isNamespaced, Manifest, pulumiType } from "./kinds";

/** One object a chart makes Pulumi register. */
export interface ChartObject {
    readonly manifest: Manifest;
    /** Pulumi resource name: `<chart resource>:<namespace>/<name>`, or `<chart resource>:<name>`. */
    readonly name: string;
    readonly type: string;
    /** The template it comes from (`# Source:`). */
    readonly source: string;
    /** Kept in the cluster when the resource is deleted (`helm.sh/resource-policy: keep`). */
    readonly retainOnDelete: boolean;
}

/** A hook Helm renders and Pulumi never creates. */
export interface SkippedHook {
    readonly kind: string;
    readonly name: string;
    readonly events: string;
}

/** How the chart resource is declared. */
export interface ChartRelease {
    /** The Chart resource's name, the prefix of its objects' names. */
    readonly resource: string;
    readonly namespace: string;
    /** `skipAwait`: every object annotated `pulumi.com/skipAwait: "true"`. */
    readonly skipAwait?: boolean;
}

const HOOK = "helm.sh/hook";

/** YAML 1.1 booleans (`yes`, `on`, ...) and octal integers (`0644`), which js-yaml's YAML 1.2
 *  schema reads as strings and decimals. */
const BOOLEANS = new Map<string, boolean>([
    ..."y Y yes Yes YES true True TRUE on On ON".split(" ").map((word): [string, boolean] => [word, true]),
    ..."n N no No NO false False FALSE off Off OFF".split(" ").map((word): [string, boolean] => [word, false]),
]);
/** js-yaml's own scalar types (exported at run time, missing from its type declarations). */
const TYPES = (yaml as unknown as { types: Record<"null" | "int" | "float" | "merge", yaml.Type> }).types;
const OCTAL = /^[-+]?0[0-7]+$/;
const yaml11Bool = new yaml.Type("tag:yaml.org,2002:bool", {
    kind: "scalar",
    resolve: (data: string) => BOOLEANS.has(data),
    construct: (data: string) => BOOLEANS.get(data),
});
const coreInt = TYPES.int as unknown as { resolve(d: string): boolean; construct(d: string): number };
const yaml11Int = new yaml.Type("tag:yaml.org,2002:int", {
    kind: "scalar",
    resolve: (data: string) => OCTAL.test(data) || coreInt.resolve(data),
    construct: (data: string) => (OCTAL.test(data) ? parseInt(data, 8) : coreInt.construct(data)),
});
/** How the provider decodes manifests (sigs.k8s.io/yaml on go-yaml v2): YAML 1.1 scalars,
 *  timestamps kept as strings. */
const KUBERNETES_YAML = yaml.FAILSAFE_SCHEMA.extend({
    implicit: [TYPES.null, yaml11Bool, yaml11Int, TYPES.float, TYPES.merge],
});

/** Helm's output split into documents, each with its `# Source:` template. */
export function parseManifest(text: string): { source: string; object: Record<string, unknown> }[] {
    const out: { source: string; object: Record<string, unknown> }[] = [];
    let source = "";
    for (const chunk of text.split(/^---[ \t]*$/m)) {
        source = /^# Source: (.+)$/m.exec(chunk)?.[1].trim() ?? source;
        // Kubernetes' decoder keeps the last of duplicate keys.
        for (const object of yaml.loadAll(chunk, undefined, { schema: KUBERNETES_YAML, json: true })) {
            if (object === null || object === undefined) continue;
            if (typeof object !== "object" || Array.isArray(object))
                throw new Error(`${source}: a document is not a mapping`);
            if (Object.keys(object).length > 0) out.push({ source, object: object as Record<string, unknown> });
        }
    }
    return out;
}

/** The objects the chart registers and the hooks it skips, from Helm's output. `known` are the
 *  custom kinds the provider can tell the scope of (the chart's own CRDs, the cluster's). */
export function chartObjects(
    release: ChartRelease,
    helmOutput: string,
    known: readonly CustomKind[],
): { objects: ChartObject[]; hooks: SkippedHook[] } {
    const hooks: SkippedHook[] = [];
    const flat: { source: string; object: Record<string, unknown> }[] = [];
    const expand = (source: string, object: Record<string, unknown>) => {
        if (Array.isArray(object.items))
            for (const item of object.items) expand(source, item as Record<string, unknown>);
        else flat.push({ source, object });
    };
    for (const { source, object } of parseManifest(helmOutput)) {
        const annotations = (object.metadata as { annotations?: Record<string, string> | null } | undefined)
            ?.annotations;
        if (annotations && HOOK in annotations) {
            const meta = object.metadata as { name: string };
            hooks.push({ kind: String(object.kind), name: meta.name, events: annotations[HOOK] });
        } else expand(source, object);
    }
    const objects: ChartObject[] = [];
    const names = new Set<string>();
    for (const { source, object } of flat) {
        const manifest = object as unknown as Manifest;
        if (!manifest.apiVersion || !manifest.kind || !manifest.metadata?.name)
            throw new Error(`${source}: Kubernetes resources require apiVersion, kind and metadata.name`);
        if (manifest.metadata.namespace === undefined || manifest.metadata.namespace === "") {
            if (isNamespaced(manifest.apiVersion, manifest.kind, known))
                manifest.metadata.namespace = release.namespace;
        }
        if (release.skipAwait) {
            const annotations = (manifest.metadata.annotations ?? {}) as Record<string, string>;
            manifest.metadata.annotations = { ...annotations, "pulumi.com/skipAwait": "true" };
        }
        const namespace = manifest.metadata.namespace;
        const name = `${release.resource}:${namespace ? `${namespace}/` : ""}${manifest.metadata.name}`;
        const type = pulumiType(manifest.apiVersion, manifest.kind);
        if (names.has(`${type}::${name}`)) throw new Error(`${source}: duplicate resource ${type} ${name}`);
        names.add(`${type}::${name}`);
        const policy = (manifest.metadata.annotations as Record<string, string> | undefined)?.[
            "helm.sh/resource-policy"
        ];
        objects.push({ manifest, name, type, source, retainOnDelete: policy === "keep" });
    }
    return { objects, hooks };
}
