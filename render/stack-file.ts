// A stack's config as the Pulumi CLI hands it to the program, read from the files without Pulumi:
// Pulumi.yaml's declared defaults, then Pulumi.<stack>.yaml. The offline render, the tests and
// `npm run doctor` read stacks through it. It lives in render/, which `npm run impact` loads whole
// into older checkouts, so it imports nothing outside it.
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";

/** The project's name: the namespace of its config keys. */
export const PROJECT = "homelab";
/** The project's folder, where Pulumi.yaml and the stack files live. */
export const PROJECT_ROOT = path.resolve(__dirname, "..");

/** Stack config as the Pulumi CLI hands it to the program: `project:key` -> string. */
export interface StackConfigFile {
    readonly config: Record<string, string>;
    readonly secretKeys: string[];
}

type ConfigDeclaration = { default?: unknown } | string | number | boolean | unknown[];

/** The config `pulumi up --stack <stack>` would pass: project defaults, then the stack file
 *  (`Pulumi.<stack>.yaml` beside Pulumi.yaml unless `file` names another). Encrypted (`secure:`)
 *  values become "dummy-secret-<key>", marked secret. */
export function stackConfigFile(
    stack: string,
    file = path.join(PROJECT_ROOT, `Pulumi.${stack}.yaml`),
): StackConfigFile {
    const project = parse(fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), "utf8")) as {
        config?: Record<string, ConfigDeclaration>;
    };
    const stackFile = parse(fs.readFileSync(file, "utf8")) as {
        config?: Record<string, unknown>;
    };
    const values: Record<string, unknown> = {};
    for (const [key, declaration] of Object.entries(project.config ?? {})) {
        if (declaration !== null && typeof declaration === "object" && !Array.isArray(declaration)) {
            if ("default" in declaration) values[`${PROJECT}:${key}`] = declaration.default;
        } else {
            values[`${PROJECT}:${key}`] = declaration;
        }
    }
    Object.assign(values, stackFile.config ?? {});
    const config: Record<string, string> = {};
    const secretKeys: string[] = [];
    for (const [key, value] of Object.entries(values)) {
        if (value !== null && typeof value === "object" && "secure" in value) {
            config[key] = `dummy-secret-${key.split(":")[1]}`;
            secretKeys.push(key);
        } else {
            config[key] = typeof value === "string" ? value : JSON.stringify(value);
        }
    }
    return { config, secretKeys };
}
