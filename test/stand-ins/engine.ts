// Stand-in for `pulumi up` running the program's remote.Command resources against a World, from
// the registrations the program makes under the mocks. What it models (pulumi/pulumi's step
// generator and executor; pulumi-command v1.2.1, remote.Command, which has no Diff of its own, so
// pulumi-go-provider's applies, with `triggers` marked replaceOnChanges):
// - in the program, not in the state: create, which runs `create`;
// - `triggers` changed: replace, which runs the new resource's `create`, then the old one's
//   `delete` (the old one's `delete` first with deleteBeforeReplace);
// - any other input changed (connection, stdin, create, update, delete): update, which runs
//   `update`, or `create` where `update` is unset, over the new connection;
// - nothing changed: nothing runs;
// - in the state, not in the program: delete, which runs its `delete`, after the rest;
// - a step runs after its dependencies' steps; the first failure ends the run, and the state
//   keeps what it had for the failed resource (a failed update keeps the old inputs).
// Other resources (the token's RandomPassword) are recorded without running anything. It runs
// one step at a time, where the engine runs independent steps side by side (a wave's agents),
// and deletes a replaced resource's old copy at once, where the engine deletes it at the end.
import { isDeepStrictEqual } from "node:util";
import { Registration } from "../harness";
import { Connection, RunResult, World } from "./world";

const COMMAND = "command:remote:Command";

export type Operation = "create" | "update" | "replace" | "delete";

export interface Step {
    readonly name: string;
    readonly op: Operation;
}

export interface Up {
    /** The steps that ran, in order (a replacement's deletion of the old resource included). */
    readonly steps: Step[];
    /** The step that failed, and what its command printed. */
    readonly failed?: Step & { readonly result: RunResult };
}

export class Engine {
    private readonly state: Map<string, Registration>;

    constructor(
        private readonly world: World,
        from?: Engine,
    ) {
        this.state = new Map(from?.state);
    }

    /** An engine for `world` whose state is this one's now (a copy of the stack's state). */
    clone(world: World): Engine {
        return new Engine(world, this);
    }

    /** `pulumi up` of a program that made these registrations. */
    up(program: readonly Registration[]): Up {
        const steps: Step[] = [];
        const run = (name: string, op: Operation, inputs: Record<string, unknown>, command: unknown) => {
            steps.push({ name, op });
            if (typeof command !== "string") return undefined;
            const result = this.world.ssh(inputs.connection as Connection, command, (inputs.stdin as string) ?? "");
            return result.status === 0 ? undefined : { name, op, result };
        };
        for (const resource of inDependencyOrder(program)) {
            const old = this.state.get(resource.name);
            const inputs = resource.inputs;
            const failed = ((): Up["failed"] => {
                if (resource.type !== COMMAND) return undefined;
                if (old === undefined) return run(resource.name, "create", inputs, inputs.create);
                if (!isDeepStrictEqual(old.inputs.triggers, inputs.triggers)) {
                    if (resource.deleteBeforeReplace) {
                        return (
                            run(resource.name, "delete", old.inputs, old.inputs.delete) ??
                            run(resource.name, "replace", inputs, inputs.create)
                        );
                    }
                    return (
                        run(resource.name, "replace", inputs, inputs.create) ??
                        run(resource.name, "delete", old.inputs, old.inputs.delete)
                    );
                }
                if (!isDeepStrictEqual(old.inputs, inputs)) {
                    return run(resource.name, "update", inputs, inputs.update ?? inputs.create);
                }
                return undefined;
            })();
            if (failed) return { steps, failed };
            this.state.set(resource.name, resource);
        }
        const kept = new Set(program.map((r) => r.name));
        for (const resource of inDependencyOrder([...this.state.values()]).reverse()) {
            if (kept.has(resource.name)) continue;
            if (resource.type === COMMAND) {
                const failed = run(resource.name, "delete", resource.inputs, resource.inputs.delete);
                if (failed) return { steps, failed };
            }
            this.state.delete(resource.name);
        }
        return { steps };
    }
}

/** The registrations with each one after every one it depends on, otherwise in program order. */
function inDependencyOrder(registrations: readonly Registration[]): Registration[] {
    const byUrn = new Map(registrations.map((r) => [r.urn, r]));
    const ordered: Registration[] = [];
    const placed = new Set<string>();
    const place = (r: Registration) => {
        if (placed.has(r.urn)) return;
        placed.add(r.urn);
        for (const urn of r.dependencies) {
            const dependency = byUrn.get(urn);
            if (dependency) place(dependency);
        }
        ordered.push(r);
    };
    registrations.forEach(place);
    return ordered;
}
