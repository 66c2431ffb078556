// The one place the program reads Pulumi config. Everything is validated here, before any
// resource is registered; components receive the typed result and never read config.
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as runtimeConfig from "@pulumi/pulumi/runtime/config";
import { checkProject, configInput } from "./check";
import { StackConfig, stackConfig } from "./stack-config";

/** The project's root folder, where Pulumi.yaml and gitops/ live, and where Pulumi runs the program
 *  and its providers. */
const ROOT = path.resolve(__dirname, "..", "..");

// The language host lists the keys set with `--secret`; the SDK keeps the check internal, so
// it is reached through the module object rather than its typings.
const isConfigSecret = (runtimeConfig as unknown as { isConfigSecret: (key: string) => boolean }).isConfigSecret;

/** Thrown with every config problem at once; Pulumi prints a RunError without a stack trace. */
export class ConfigError extends pulumi.RunError {
    constructor(
        readonly stackName: string,
        readonly problems: readonly string[],
    ) {
        super(
            [
                `Config of stack "${stackName}" has ${problems.length} problem${problems.length === 1 ? "" : "s"}; nothing was changed:`,
                ...problems.map((p) => `  - ${p}`),
            ].join("\n"),
        );
    }
}

/** Reads, validates and resolves this stack's `homelab:*` config, or throws a ConfigError. */
export function loadConfig(): StackConfig {
    const project = pulumi.getProject();
    const stack = pulumi.getStack();
    const config = new pulumi.Config();
    const input = configInput(stack, project, pulumi.runtime.allConfig(), isConfigSecret, () => true);
    const result = checkProject(ROOT, input);
    if (!result.ok) {
        throw new ConfigError(stack, result.problems);
    }
    for (const warning of result.warnings) {
        void pulumi.log.warn(warning);
    }
    // Read with getSecret, so that each value stays a secret wherever it flows.
    const { applications, plainSecrets } = result;
    return stackConfig(result.settings, (key) => config.getSecret(key), { applications, plainSecrets });
}
