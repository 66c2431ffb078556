// Invariants of the sizing table: a limit a workload's own request exceeds would have the
// kubelet kill it at start, and production must never get less than the test clusters.
import * as assert from "node:assert/strict";
import { replicatedWorkload, sized, SizingPreset, Weight } from "../../../components/shared/sizing";

const PRESETS: SizingPreset[] = ["reduced", "full"];
const WEIGHTS: Weight[] = ["small", "medium", "large"];

/** A quantity in bytes or millicores, parsed apart from the code under test. */
function amount(quantity: string): number {
    const match = /^(\d+)(m|Mi|Gi)?$/.exec(quantity);
    assert.ok(match, `unexpected quantity ${quantity}`);
    const unit = { m: 1, Mi: 2 ** 20, Gi: 2 ** 30 }[match[2] as "m" | "Mi" | "Gi"] ?? 1000;
    return Number(match[1]) * unit;
}

describe("sizing", () => {
    it("never limits memory below its request", () => {
        for (const preset of PRESETS)
            for (const weight of WEIGHTS) {
                const { requests, limits } = sized(preset, weight);
                assert.ok(amount(limits.memory) >= amount(requests.memory), `${preset}/${weight}`);
            }
    });

    it("gives the full preset at least what the reduced one gives, and heavier weights more", () => {
        for (const weight of WEIGHTS) {
            const [reduced, full] = PRESETS.map((preset) => sized(preset, weight));
            for (const [kind, of] of [
                ["cpu request", (r: typeof full) => r.requests.cpu],
                ["memory request", (r: typeof full) => r.requests.memory],
                ["memory limit", (r: typeof full) => r.limits.memory],
            ] as const) {
                assert.ok(amount(of(full)) >= amount(of(reduced)), `${weight} ${kind}`);
            }
        }
        for (const preset of PRESETS)
            for (const [lighter, heavier] of [
                ["small", "medium"],
                ["medium", "large"],
            ] as const) {
                const [a, b] = [sized(preset, lighter), sized(preset, heavier)];
                assert.ok(amount(b.requests.memory) > amount(a.requests.memory), `${preset} ${heavier}`);
                assert.ok(amount(b.requests.cpu) > amount(a.requests.cpu), `${preset} ${heavier}`);
            }
    });
});

describe("replicatedWorkload", () => {
    it("runs one replica without a budget, which would block every drain, even where budgets are wanted", () => {
        assert.deepEqual(
            replicatedWorkload({ replicas: 1, podDisruptionBudgets: true, resources: "reduced" }, "small"),
            {
                replicaCount: 1,
                podDisruptionBudget: { enabled: false },
                resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { memory: "128Mi" } },
            },
        );
    });

    it("keeps one pod through a drain where several run and budgets are wanted", () => {
        assert.deepEqual(replicatedWorkload({ replicas: 2, podDisruptionBudgets: true, resources: "full" }, "medium"), {
            replicaCount: 2,
            podDisruptionBudget: { enabled: true, minAvailable: 1 },
            resources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { memory: "1Gi" } },
        });
    });
});
