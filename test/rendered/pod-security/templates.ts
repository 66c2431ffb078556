// Where pod templates sit in workload manifests (podTemplates), and the Pod view the checks read: a
// template's spec with its containers listed in the order upstream visits them (toPod).

import { Obj, record, records, str } from "./helpers";

/** A pod template found in a manifest: where it is and its spec/metadata. */
export interface PodTemplate {
    readonly path: string;
    readonly metadata: Record<string, unknown>;
    readonly spec: Record<string, unknown>;
}

// Workload kinds: the pod templates the admission controller extracts
// (pod-security-admission/admission DefaultPodSpecExtractor).

/** kind -> [API group, path of the pod template within the manifest]. */
const WORKLOADS: Readonly<Record<string, readonly [string, readonly string[]]>> = {
    Pod: ["", []],
    PodTemplate: ["", ["template"]],
    ReplicationController: ["", ["spec", "template"]],
    ReplicaSet: ["apps", ["spec", "template"]],
    Deployment: ["apps", ["spec", "template"]],
    StatefulSet: ["apps", ["spec", "template"]],
    DaemonSet: ["apps", ["spec", "template"]],
    Job: ["batch", ["spec", "template"]],
    CronJob: ["batch", ["spec", "jobTemplate", "spec", "template"]],
};

function apiGroup(apiVersion: string): string {
    const slash = apiVersion.indexOf("/");
    return slash < 0 ? "" : apiVersion.slice(0, slash);
}

/** The pod templates of a workload manifest (Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob, ReplicationController, PodTemplate); [] for other kinds. path e.g. "spec.template" or "spec.jobTemplate.spec.template" or "" for a Pod. */
export function podTemplates(manifest: Record<string, unknown>): PodTemplate[] {
    const kind = manifest.kind;
    if (typeof kind !== "string" || !Object.hasOwn(WORKLOADS, kind)) return [];
    const [group, path] = WORKLOADS[kind];
    // A kind of the same name in another API group (a custom resource) is not a workload.
    if (typeof manifest.apiVersion === "string" && apiGroup(manifest.apiVersion) !== group) return [];
    let template: Obj | undefined = manifest;
    for (const key of path) template = record(template?.[key]);
    if (template === undefined) return [];
    return [{ path: path.join("."), metadata: record(template.metadata) ?? {}, spec: record(template.spec) ?? {} }];
}

export interface Pod {
    readonly metadata: Obj;
    readonly spec: Obj;
    /** spec.securityContext, if set. */
    readonly securityContext: Obj | undefined;
    /** initContainers, containers, then ephemeralContainers: policy/visitor.go visitContainers. */
    readonly containers: readonly Container[];
}

interface Container {
    readonly name: string;
    readonly raw: Obj;
    readonly securityContext: Obj | undefined;
}

/** The Pod the checks read from a template (metadata + spec), containers in visiting order. */
export function toPod(template: { metadata?: Record<string, unknown>; spec: Record<string, unknown> }): Pod {
    const spec = template.spec;
    const containers = [
        ...records(spec.initContainers),
        ...records(spec.containers),
        ...records(spec.ephemeralContainers),
    ].map((raw) => ({ name: str(raw.name), raw, securityContext: record(raw.securityContext) }));
    return {
        metadata: template.metadata ?? {},
        spec,
        securityContext: record(spec.securityContext),
        containers,
    };
}
