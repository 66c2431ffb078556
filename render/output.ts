// The rendered objects as YAML an admin can read and diff: grouped by where they come from,
// sorted, and with every secret value replaced, so the output can be shared or committed.
import * as fs from "node:fs";
import * as path from "node:path";
import { dump } from "js-yaml";
import { Manifest } from "./kinds";
import { allObjects, RenderedStack } from "./stack";

/** What stands where a secret value was. */
export const REDACTED = "<redacted>";
/** Shorter secret values are not searched for in other strings: too likely to match by chance. */
const MIN_SECRET_LENGTH = 8;

/** A copy of `manifest` with Secret data and every known secret value redacted. */
export function redact(manifest: Manifest, secrets: ReadonlySet<string>): Manifest {
    const long = [...secrets].filter((s) => s.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
    const scrub = (value: unknown): unknown => {
        if (typeof value === "string") return long.reduce((text, secret) => text.split(secret).join(REDACTED), value);
        if (Array.isArray(value)) return value.map(scrub);
        if (value === null || typeof value !== "object") return value;
        return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, scrub(inner)]));
    };
    const copy = scrub(manifest) as Manifest;
    if (manifest.apiVersion === "v1" && manifest.kind === "Secret") {
        for (const field of ["data", "stringData"]) {
            const values = copy[field] as Record<string, unknown> | undefined;
            if (values) copy[field] = Object.fromEntries(Object.keys(values).map((key) => [key, REDACTED]));
        }
    }
    return copy;
}

const sortKey = (m: Manifest) => [m.kind, m.apiVersion, m.metadata.namespace ?? "", m.metadata.name].join("\0");

/** The stack's objects as YAML documents per origin (`program` or a chart resource), sorted. */
export function renderedYaml(rendered: RenderedStack): Map<string, string> {
    const byOrigin = new Map<string, { key: string; text: string }[]>();
    for (const object of allObjects(rendered)) {
        const header = `# ${object.type} ${object.name}${object.retainOnDelete ? " (retained on delete)" : ""}\n`;
        const body = dump(redact(object.manifest, rendered.secrets), { sortKeys: true, lineWidth: -1, noRefs: true });
        const list = byOrigin.get(object.origin) ?? [];
        list.push({ key: sortKey(object.manifest), text: header + body });
        byOrigin.set(object.origin, list);
    }
    const out = new Map<string, string>();
    for (const origin of [...byOrigin.keys()].sort()) {
        const documents = byOrigin.get(origin)!.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
        out.set(origin, documents.map((d) => `---\n${d.text}`).join(""));
    }
    return out;
}

/** Writes each origin's YAML to `<dir>/<origin>.yaml`. Only a previous render's files go first:
 *  a chart removed since must not linger, and a directory named by mistake keeps everything else. */
export function writeFiles(dir: string, files: ReadonlyMap<string, string>): void {
    fs.mkdirSync(dir, { recursive: true });
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".yaml"))) fs.rmSync(path.join(dir, file));
    for (const [origin, text] of files) fs.writeFileSync(path.join(dir, `${origin}.yaml`), text);
}
