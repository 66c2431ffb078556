// Test harness: the program under Pulumi's mocks (render/evaluate.ts records every
// registration), plus helpers that unwrap Outputs and pick registrations.
import * as pulumi from "@pulumi/pulumi";
import * as path from "node:path";
import { PROJECT, Registration, settle, StackConfigFile, stackConfigFile, useStack } from "../render/evaluate";

export {
    CLUSTER_CA,
    K3S_KUBECONFIG,
    PROJECT,
    Registration,
    REVIEWER_JWT,
    ROOT,
    settle,
    StackConfigFile,
    useStack,
} from "../render/evaluate";

/** The folder of the fixture homelab's stack files. */
export const FIXTURE_STACKS = path.join(__dirname, "stacks", "fixtures");

/** A fixture homelab's stack file (test/stacks/fixtures/Pulumi.<stack>.yaml), as `pulumi up`
 *  would pass it: the tests that assert literal names and addresses evaluate these, so that the
 *  repository's own stack files stay the user's to edit. */
export function fixtureStackFile(stack: string): StackConfigFile {
    return stackConfigFile(stack, path.join(FIXTURE_STACKS, `Pulumi.${stack}.yaml`));
}

/** The value inside an Output. */
export function unwrap<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply((value) => resolve(value)));
}

/** Whether an Output is marked secret. */
export function isSecret(output: pulumi.Output<unknown>): Promise<boolean> {
    return pulumi.isSecret(output);
}

/** A copy of a stack's config with some keys replaced (JSON values) or removed (undefined). */
export function withConfig(file: StackConfigFile, changes: Record<string, unknown>): StackConfigFile {
    const config = { ...file.config };
    for (const [key, value] of Object.entries(changes)) {
        const full = `${PROJECT}:${key}`;
        if (value === undefined) delete config[full];
        else config[full] = typeof value === "string" ? value : JSON.stringify(value);
    }
    return { config, secretKeys: file.secretKeys };
}

/** A copy of a stack's config with extra secret keys, set as `pulumi config set --secret` would. */
export function withSecretConfig(file: StackConfigFile, secrets: Record<string, string>): StackConfigFile {
    const config = { ...file.config };
    for (const [key, value] of Object.entries(secrets)) config[`${PROJECT}:${key}`] = value;
    return { config, secretKeys: [...file.secretKeys, ...Object.keys(secrets).map((k) => `${PROJECT}:${k}`)] };
}

/** Registers what `build` creates under fresh mocks (no config) and returns the registrations. */
export async function registrations(build: () => void, stack = "dev"): Promise<Registration[]> {
    const recorded = await useStack(stack, { config: {}, secretKeys: [] });
    build();
    await settle();
    return recorded;
}

/** The one registration of `type` named `name`; fails the test if there is not exactly one. */
export function only(recorded: readonly Registration[], type: string, name: string): Registration {
    const found = recorded.filter((r) => r.type === type && r.name === name);
    if (found.length !== 1) throw new Error(`expected one ${type} ${name}, found ${found.length}`);
    return found[0];
}

/** The logical names in a list of URNs (`urn:pulumi:stack::project::type::name`). */
export function names(urns: readonly string[]): string[] {
    return urns.map((urn) => urn.slice(urn.lastIndexOf("::") + 2));
}
