// The whole check of a stack's config, without Pulumi: the keys (validate.ts), then the project's
// files they lead to (the applications under gitops/, dev's and staging's plain secrets). The
// program runs it before registering anything; `npm run doctor` runs it on the stack file.
import * as fs from "node:fs";
import * as path from "node:path";
import type { Application } from "../../components/shared/application";
import type { PlainSecret } from "../../components/secret-store/kubernetes";
import { readApplications } from "./applications";
import { keyShape } from "./key-shape";
import { summarizeKubeconfig } from "./kubeconfig";
import { parsePlainSecrets, readSecretFiles } from "./plain-secrets";
import { SECRET_KEYS, SecretKey } from "./schema";
import { ConfigInput, Settings, validateConfig } from "./validate";

export type ProjectCheck =
    | {
          readonly ok: true;
          readonly settings: Settings;
          readonly warnings: readonly string[];
          readonly applications: Application[];
          readonly plainSecrets: PlainSecret[];
      }
    | { readonly ok: false; readonly problems: readonly string[] };

/** A config value as the program sees it: objects and lists arrive as JSON text. */
function parseValue(text: string): unknown {
    if (/^\s*[[{]/.test(text)) {
        try {
            return JSON.parse(text) as unknown;
        } catch {
            return text; // the schema reports it as a string where an object belongs
        }
    }
    return text;
}

/** What the check takes of a stack's config as Pulumi hands it over (`<project>:<key>` -> text):
 *  the plain keys' values, which secret keys are set and how, the plain keys stored encrypted,
 *  and what the kubeconfig and the SSH keys hold where `readable` says their text is theirs
 *  (Pulumi decrypts every value; the doctor reads the stack file, where a secret is ciphertext). */
export function configInput(
    stack: string,
    project: string,
    entries: Readonly<Record<string, string>>,
    isSecure: (fullKey: string) => boolean,
    readable: (fullKey: string) => boolean,
): Omit<ConfigInput, "projectFile"> {
    const values: Record<string, unknown> = {};
    const secrets = new Map<SecretKey, { secure: boolean }>();
    const texts = new Map<SecretKey, string>();
    const encryptedKeys: string[] = [];
    for (const [fullKey, text] of Object.entries(entries)) {
        if (!fullKey.startsWith(`${project}:`)) continue;
        const key = fullKey.slice(project.length + 1);
        if ((SECRET_KEYS as readonly string[]).includes(key)) {
            secrets.set(key as SecretKey, { secure: isSecure(fullKey) });
            if (readable(fullKey)) texts.set(key as SecretKey, text);
        } else {
            values[key] = parseValue(text);
            if (isSecure(fullKey)) encryptedKeys.push(key);
        }
    }
    const kubeconfigText = texts.get("kubeconfig");
    const keyShapes = Object.fromEntries(
        (["sshPrivateKey", "gitopsSshKey"] as const).flatMap((key) => {
            const text = texts.get(key);
            return text === undefined ? [] : [[key, keyShape(text)]];
        }),
    );
    return {
        stack,
        values,
        secrets,
        encryptedKeys,
        keyShapes,
        ...(kubeconfigText === undefined ? {} : { kubeconfig: summarizeKubeconfig(kubeconfigText) }),
    };
}

/** A file of the project under `root`, or undefined where there is none (a link out of the
 *  project's folder counts as none: another machine would not have its target). */
export function projectFileReader(root: string): (file: string) => string | undefined {
    return (file) => {
        try {
            const real = fs.realpathSync(path.join(root, file));
            if (path.relative(fs.realpathSync(root), real).split(path.sep)[0] === "..") return undefined;
            return fs.readFileSync(real, "utf8");
        } catch {
            return undefined;
        }
    };
}

/** Every problem of the config and of the project files it leads to, or the resolved settings. */
export function checkProject(root: string, input: Omit<ConfigInput, "projectFile">): ProjectCheck {
    const result = validateConfig({ ...input, projectFile: projectFileReader(root) });
    if (!result.ok) return result;
    const { environment, profile } = result.settings;
    const { applications, problems: applicationProblems } = readApplications(root, profile.namespaceSuffix);
    const plain =
        profile.secrets === "kubernetes"
            ? parsePlainSecrets(
                  readSecretFiles(root, environment),
                  applications.map((a) => a.name),
              )
            : { secrets: [], problems: [] };
    const problems = [...applicationProblems, ...plain.problems];
    if (problems.length > 0) return { ok: false, problems };
    return {
        ok: true,
        settings: result.settings,
        warnings: result.warnings,
        applications,
        plainSecrets: plain.secrets,
    };
}
