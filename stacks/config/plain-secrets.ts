// The dummy secrets dev and staging serve through their Kubernetes-backed secret store, read
// from gitops/secrets/<env>/*.yaml: one Secret manifest per file, values in stringData.
import * as fs from "node:fs";
import * as path from "node:path";
import { parseAllDocuments } from "yaml";
import { PlainSecret } from "../../components/secret-store/kubernetes";
import { DNS_LABEL } from "./fields";

/** One file's path (as shown in messages) and text. */
export interface SecretFile {
    readonly path: string;
    readonly text: string;
}

const EXAMPLE = "apiVersion: v1, kind: Secret, metadata: {name: example-app}, stringData: {api-key: dummy}";

function isStringMap(value: unknown): value is Record<string, string> {
    return (
        value !== null &&
        typeof value === "object" &&
        !Array.isArray(value) &&
        Object.values(value).every((v) => typeof v === "string")
    );
}

/** The secrets in the files, or every problem with them (file, what is wrong, a right shape).
 *  Each secret is one application's, named after it: that application's store reads only it. */
export function parsePlainSecrets(
    files: readonly SecretFile[],
    applications: readonly string[],
): { secrets: PlainSecret[]; problems: string[] } {
    const secrets: PlainSecret[] = [];
    const problems: string[] = [];
    const seen = new Map<string, string>();
    for (const file of files) {
        for (const doc of parseAllDocuments(file.text)) {
            if (doc.errors.length > 0) {
                problems.push(`${file.path}: is not YAML (${doc.errors[0].message.split("\n")[0]})`);
                continue;
            }
            const manifest = doc.toJS() as Record<string, unknown> | null;
            if (manifest === null) continue;
            const metadata = (manifest.metadata ?? {}) as Record<string, unknown>;
            const name = metadata.name;
            const wrong: string[] = [];
            if (manifest.apiVersion !== "v1" || manifest.kind !== "Secret") wrong.push("is not a v1 Secret");
            if (typeof name !== "string" || !DNS_LABEL.test(name)) wrong.push("metadata.name is not a DNS label");
            if (metadata.namespace !== undefined) wrong.push("sets metadata.namespace (the program places it)");
            if ("data" in manifest) wrong.push("uses data; write the dummy values as plain text under stringData");
            if (!isStringMap(manifest.stringData) || Object.keys(manifest.stringData).length === 0) {
                wrong.push("has no stringData of string values");
            }
            if (typeof name === "string" && seen.has(name)) wrong.push(`repeats secret "${name}" of ${seen.get(name)}`);
            if (typeof name === "string" && DNS_LABEL.test(name) && !applications.includes(name))
                wrong.push(`secret "${name}" is named after no application of gitops/applications/`);
            if (wrong.length > 0) {
                problems.push(`${file.path}: ${wrong.join("; ")}; e.g. ${EXAMPLE}`);
                continue;
            }
            seen.set(name as string, file.path);
            secrets.push({ name: name as string, stringData: manifest.stringData as Record<string, string> });
        }
    }
    return { secrets, problems };
}

/** The files of `gitops/secrets/<environment>/`, none where the folder does not exist. */
export function readSecretFiles(root: string, environment: string): SecretFile[] {
    const folder = path.join("gitops", "secrets", environment);
    const absolute = path.join(root, folder);
    if (!fs.existsSync(absolute)) return [];
    return fs
        .readdirSync(absolute)
        .filter((file) => /\.ya?ml$/.test(file))
        .sort()
        .map((file) => ({ path: path.join(folder, file), text: fs.readFileSync(path.join(absolute, file), "utf8") }));
}
