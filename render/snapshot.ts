// A stack's snapshot for comparing two commits: every Kubernetes object Pulumi would apply, every
// other resource the program registers (K3s node commands, Vault), and what Argo CD would deploy
// from gitops/, all with secrets redacted. `npm run impact` takes one per stack and commit.
import { Registration } from "./evaluate";
import { renderApplications } from "./gitops";
import { HelmSetup } from "./helm";
import { CHART_TYPE, objectRef } from "./kinds";
import { redact, REDACTED } from "./output";
import { pathKeys } from "./paths";
import { allObjects, renderStack } from "./stack";

/** One thing the stack declares, keyed so that the same thing in two snapshots matches. */
export interface SnapshotEntry {
    /** `<Pulumi type> <resource name>` for resources; `<apiVersion>/<Kind> <namespace>/<name>` for objects. */
    readonly key: string;
    /** Where it comes from: a chart resource, `program`, or `gitops:<application>`. */
    readonly origin: string;
    /** The Kubernetes manifest, or a resource's inputs. */
    readonly body: Record<string, unknown>;
}

export interface Snapshot {
    readonly stack: string;
    readonly entries: SnapshotEntry[];
    /** Applications that could not be rendered, with the reason. */
    readonly unrendered: string[];
}

/** A resource's inputs with every secret path replaced. */
function redactInputs(registration: Registration): Record<string, unknown> {
    const copy = structuredClone(registration.inputs);
    for (const secretPath of registration.secretInputs) {
        const keys = pathKeys(secretPath);
        const last = keys.pop()!;
        const parent = keys.reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key], copy) as
            Record<string, unknown> | undefined;
        if (parent && last in parent) parent[last] = REDACTED;
    }
    return copy;
}

/** The snapshot of `stack` in this checkout. */
export async function snapshot(stack: string, setup: HelmSetup): Promise<Snapshot> {
    const rendered = await renderStack(stack, setup);
    const applications = await renderApplications(rendered, setup);
    const entries: SnapshotEntry[] = [
        ...allObjects(rendered).map((o) => ({
            key: objectRef(o.manifest),
            origin: o.origin,
            body: redact(o.manifest, rendered.secrets),
        })),
        // Resources that are not Kubernetes objects (K3s commands, Vault, providers), and the
        // charts themselves without their values: what the values change shows in the objects.
        ...rendered.registrations
            .filter((r) => !r.type.startsWith("kubernetes:") || r.type === CHART_TYPE)
            .filter((r) => !r.type.startsWith("homelab:"))
            .map((r) => {
                const body = redactInputs(r);
                if (r.type === CHART_TYPE) delete body.values;
                return { key: `${r.type} ${r.name}`, origin: "program", body };
            }),
        ...applications.flatMap((app) =>
            app.objects.map((o) => ({
                key: objectRef(o.manifest),
                origin: `gitops:${app.name}`,
                body: redact(o.manifest, rendered.secrets),
            })),
        ),
    ];
    const unrendered = applications.filter((a) => a.error).map((a) => `${a.name}: ${a.error}`);
    return { stack, entries, unrendered };
}
