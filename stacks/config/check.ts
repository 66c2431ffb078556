// The whole check of a stack's config, without Pulumi: the keys (validate.ts), then the project's
// files they lead to (the applications under gitops/, dev's and staging's plain secrets). The
// program runs it before registering anything; `npm run doctor` runs it on the stack file.
import * as fs from "node:fs";
import * as path from "node:path";
import type { Application } from "../../components/shared/application";
import type { PlainSecret } from "../../components/secret-store/kubernetes";
import { readApplications } from "./applications";
import { parsePlainSecrets, readSecretFiles } from "./plain-secrets";
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
