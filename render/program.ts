// The program's own objects and secrets, from its registrations: what it creates besides the
// charts, as the provider would send it, and every value it marks secret.
import { valueAt } from "./paths";
import { Registration } from "./evaluate";
import { CustomKind, isNamespaced, Manifest } from "./kinds";

/** One of the program's own Kubernetes objects. */
export interface ProgramObject {
    readonly manifest: Manifest;
    /** The resource's logical name. */
    readonly name: string;
    readonly type: string;
    readonly registration: Registration;
}

/** The program's own Kubernetes objects: every `kubernetes:` resource but charts, providers and patches. */
export function programObjects(registrations: readonly Registration[], custom: readonly CustomKind[]): ProgramObject[] {
    const out: ProgramObject[] = [];
    for (const registration of registrations) {
        const match = /^kubernetes:([^:/]+)\/([^:/]+):(\w+)$/.exec(registration.type);
        if (!match || ["helm.sh", "yaml", "kustomize"].includes(match[1]) || /Patch$|List$/.test(match[3])) continue;
        const apiVersion = match[1] === "core" ? match[2] : `${match[1]}/${match[2]}`;
        const inputs = registration.inputs as { metadata?: Record<string, unknown> };
        const metadata = { ...(inputs.metadata ?? {}) } as Manifest["metadata"];
        // Pulumi names an object without metadata.name after the resource plus 7 random characters.
        metadata.name ??= `${registration.name}-xxxxxxx`;
        if (metadata.namespace === undefined && isNamespaced(apiVersion, match[3], custom))
            metadata.namespace = "default";
        const manifest = { ...registration.inputs, apiVersion, kind: match[3], metadata } as Manifest;
        out.push({ manifest, name: registration.name, type: registration.type, registration });
    }
    return out;
}

/** Every string in a value. */
function stringsIn(value: unknown): string[] {
    if (typeof value === "string") return [value];
    if (value === null || typeof value !== "object") return [];
    return Object.values(value).flatMap(stringsIn);
}

/** Every value the program marks secret, to redact wherever it shows up. */
export function secretValues(registrations: readonly Registration[]): Set<string> {
    return new Set(registrations.flatMap((r) => r.secretInputs.flatMap((path) => stringsIn(valueAt(r.inputs, path)))));
}
