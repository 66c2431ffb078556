// Requests and limits for the platform's workloads, by the profile's `resources` preset.
// Memory gets a limit (a leak must not take the node down); CPU gets none, because a CPU limit
// throttles a busy controller even on an idle node, and requests already share CPU fairly.

export type SizingPreset = "reduced" | "full";

/** What a component runs with when its args say nothing: one replica, the reduced preset. */
export const DEFAULT_REPLICAS = 1;
export const DEFAULT_PRESET: SizingPreset = "reduced";

/** How heavy a workload is: a small controller, a busy one, or a data store. */
export type Weight = "small" | "medium" | "large";

export interface Resources {
    readonly requests: { readonly cpu: string; readonly memory: string };
    readonly limits: { readonly memory: string };
}

const TABLE: Readonly<Record<SizingPreset, Readonly<Record<Weight, Resources>>>> = {
    reduced: {
        small: { requests: { cpu: "10m", memory: "32Mi" }, limits: { memory: "128Mi" } },
        medium: { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "512Mi" } },
        large: { requests: { cpu: "100m", memory: "512Mi" }, limits: { memory: "2Gi" } },
    },
    full: {
        small: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "256Mi" } },
        medium: { requests: { cpu: "250m", memory: "256Mi" }, limits: { memory: "1Gi" } },
        large: { requests: { cpu: "500m", memory: "2Gi" }, limits: { memory: "8Gi" } },
    },
};

/** A PodDisruptionBudget in the charts' common shape: at least one pod stays while nodes drain.
 *  None on a single replica, where a budget would block every drain. */
export function disruptionBudget(
    wanted: boolean | undefined,
    replicas: number,
): { enabled: boolean; minAvailable?: number } {
    return wanted && replicas > 1 ? { enabled: true, minAvailable: 1 } : { enabled: false };
}

/** The requests/limits of a workload of `weight` under `preset`. */
export function sized(preset: SizingPreset, weight: Weight): Resources {
    return TABLE[preset][weight];
}

/** How a component's args size and replicate its workloads. */
export interface Replication {
    readonly replicas?: number;
    readonly podDisruptionBudgets?: boolean;
    readonly resources?: SizingPreset;
}

/** A replicated workload's values in the charts' common shape (`replicaCount`,
 *  `podDisruptionBudget`, `resources`), defaults applied. */
export function replicatedWorkload(args: Replication, weight: Weight) {
    const replicas = args.replicas ?? DEFAULT_REPLICAS;
    return {
        replicaCount: replicas,
        podDisruptionBudget: disruptionBudget(args.podDisruptionBudgets, replicas),
        resources: sized(args.resources ?? DEFAULT_PRESET, weight),
    };
}
