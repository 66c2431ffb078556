// Requests and limits for the platform's workloads, by the profile's `resources` preset.
// Memory gets a limit (a leak must not take the node down); CPU gets none, because a CPU limit
// throttles a busy controller even on an idle node, and requests already share CPU fairly.

export type SizingPreset = "reduced" | "full";

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
export function disruptionBudget(wanted: boolean, replicas: number): { enabled: boolean; minAvailable?: number } {
    return wanted && replicas > 1 ? { enabled: true, minAvailable: 1 } : { enabled: false };
}

/** The requests/limits of a workload of `weight` under `preset`. */
export function sized(preset: SizingPreset, weight: Weight): Resources {
    return TABLE[preset][weight];
}

/** How a component sizes and replicates its workloads, as the environment profile says. */
export interface Replication {
    /** Replicas of each workload that can run more than one. */
    readonly replicas: number;
    /** PodDisruptionBudgets, where replicas > 1. */
    readonly podDisruptionBudgets: boolean;
    /** Requests/limits preset. */
    readonly resources: SizingPreset;
}

/** A replicated workload's values in the charts' common shape (`replicaCount`,
 *  `podDisruptionBudget`, `resources`). */
export function replicatedWorkload(args: Replication, weight: Weight) {
    return {
        replicaCount: args.replicas,
        podDisruptionBudget: disruptionBudget(args.podDisruptionBudgets, args.replicas),
        resources: sized(args.resources, weight),
    };
}
