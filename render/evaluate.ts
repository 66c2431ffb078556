// The program evaluated as `pulumi up --stack <stack>` would run it, but under Pulumi's mocks:
// every resource registration is recorded with what the engine would see (dependencies, parent,
// secret inputs and outputs), so tests and the offline render read the same graph.
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../stacks/config/stack-config";
import { homelab } from "../stacks/homelab";
import { resolvedCluster, StackCluster, statedCluster } from "./cluster";
import { recordRegistrations, Registration } from "./mock-monitor";
import { PROJECT, StackConfigFile, stackConfigFile } from "./stack-file";

export type { Registration } from "./mock-monitor";
export { stackConfigFile } from "./stack-file";
export type { StackConfigFile } from "./stack-file";

export { PROJECT } from "./stack-file";
export const ROOT = path.resolve(__dirname, "..");

/** The kubeconfig the first server prints for Pulumi, which the mocked SSH command returns as stdout. */
export const K3S_KUBECONFIG = [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    "- cluster:",
    "    certificate-authority-data: Y2E=",
    "    server: https://127.0.0.1:6443",
    "  name: default",
    "contexts:",
    "- context:",
    "    cluster: default",
    "    user: homelab-pulumi",
    "  name: default",
    "current-context: default",
    "users:",
    "- name: homelab-pulumi",
    "  user:",
    "    token: eyJhbGciOiJSUzI1NiJ9.pulumi",
    "",
].join("\n");

/** What the API server puts into a service-account token secret, as the mocks return it. */
export const REVIEWER_JWT = "eyJhbGciOiJSUzI1NiJ9.reviewer";
export const CLUSTER_CA = "-----BEGIN CERTIFICATE-----\ncluster-ca\n-----END CERTIFICATE-----\n";
const REVIEWER_JWT_BASE64 = Buffer.from(REVIEWER_JWT).toString("base64");
const CLUSTER_CA_BASE64 = Buffer.from(CLUSTER_CA).toString("base64");

let recording: Registration[] = [];

/** What a mocked resource returns as its state: its inputs plus the outputs the program reads,
 *  with its additionalSecretOutputs marked secret as the engine would. */
function mockState(args: pulumi.runtime.MockResourceArgs): Record<string, unknown> {
    const inputs = args.inputs as Record<string, unknown>;
    const state: Record<string, unknown> = { ...inputs };
    // The provider names an object without metadata.name after its resource plus 7 random characters.
    const metadata = (inputs.metadata ?? {}) as Record<string, unknown>;
    if (args.type.startsWith("kubernetes:") && "kind" in inputs && metadata.name === undefined)
        state.metadata = { ...metadata, name: `${args.name}-xxxxxxx` };
    if (args.type === "command:remote:Command") Object.assign(state, { stdout: K3S_KUBECONFIG, stderr: "" });
    if (args.type === "random:index/randomPassword:RandomPassword") state.result = `password-${args.name}`;
    // The API server fills in a service-account token secret, and the provider waits for it.
    if (args.type === "kubernetes:core/v1:Secret" && inputs.type === "kubernetes.io/service-account-token") {
        state.data = { token: REVIEWER_JWT_BASE64, "ca.crt": CLUSTER_CA_BASE64 };
    }
    const registration = recording.find((r) => r.type === args.type && r.name === args.name);
    for (const key of registration?.additionalSecretOutputs ?? []) {
        if (key in state) state[key] = pulumi.secret(state[key]);
    }
    return state;
}

/** Points the SDK at fresh mocks for `stack` with `file`'s config, and clears the recording. */
export async function useStack(stack: string, file: StackConfigFile): Promise<Registration[]> {
    recording = [];
    recordRegistrations(PROJECT, (registration) => recording.push(registration));
    await pulumi.runtime.setMocks(
        {
            newResource: (args) => ({ id: `${args.name}-id`, state: mockState(args) }),
            call: (args) => args.inputs as Record<string, unknown>,
        },
        PROJECT,
        stack,
        false,
    );
    pulumi.runtime.setAllConfig(file.config, file.secretKeys);
    return recording;
}

/** Waits until every registration the program started has reached the mocks. */
export async function settle(): Promise<void> {
    await pulumi.runtime.disconnect();
}

/** A stack as the program evaluated it: what it registers, and the cluster its config resolved to. */
export interface EvaluatedStack {
    readonly stack: string;
    readonly registrations: Registration[];
    readonly cluster: StackCluster;
}

/** The checkout's config loader, or undefined in a commit from before it had one. */
function configLoader(): (() => StackConfig) | undefined {
    try {
        // Required, not imported: in such a commit the module is missing, and its render must still run.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        return (require("../stacks/config/load") as typeof import("../stacks/config/load")).loadConfig;
    } catch (error) {
        // Missing itself, not something it needs.
        const { code, requireStack } = error as { code?: string; requireStack?: string[] };
        if (code === "MODULE_NOT_FOUND" && requireStack?.[0] === __filename) return undefined;
        throw error;
    }
}

// The SDK's mocks are global: one evaluation at a time, however many a process starts at once.
let evaluations: Promise<unknown> = Promise.resolve();

/** `stack` evaluated with its own `Pulumi.<stack>.yaml` or `file`, once every evaluation started
 *  before it has finished. */
export function evaluateStack(stack: string, file = stackConfigFile(stack)): Promise<EvaluatedStack> {
    const next = evaluations.then(() => evaluate(stack, file));
    evaluations = next.catch(() => undefined);
    return next;
}

async function evaluate(stack: string, file: StackConfigFile): Promise<EvaluatedStack> {
    const registrations = await useStack(stack, file);
    // The impact report runs this render in older commits too: one without the config loader
    // reads its config inside homelab(), and one whose loader resolves another shape has its
    // stack file say what the render needs.
    const config = configLoader()?.();
    homelab(config);
    await settle();
    const cluster = resolvedCluster(config) ?? statedCluster(file.config[`${PROJECT}:cluster`]);
    return { stack, registrations, cluster };
}
