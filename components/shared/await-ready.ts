// Pulumi awaits a custom resource only until it exists; this annotation (pulumi-kubernetes
// >= 4.18) makes it wait for the Ready condition, so what depends on the resource starts once
// it works.

/** Annotations of a custom resource Pulumi awaits until its Ready condition is True. */
export const AWAIT_READY = { "pulumi.com/waitFor": "condition=Ready" } as const;
