// What the two secret stores share: the ClusterSecretStore every environment has, and its
// creation once External Secrets' webhook accepts it.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AWAIT_READY } from "../shared/await-ready";
import { ExternalSecrets } from "../external-secrets";
import { Manifest, WebhookGate } from "../shared/webhook-gate";

/** The ClusterSecretStore every environment has, Vault- or Kubernetes-backed, so an
 *  application's ExternalSecret is the same everywhere. */
export const SECRET_STORE_NAME = "homelab";

/** The ClusterSecretStore `homelab` with the given provider (`{ vault: ... }` or `{ kubernetes: ... }`). */
export function storeManifest(provider: Record<string, unknown>): Manifest {
    return {
        apiVersion: "external-secrets.io/v1",
        kind: "ClusterSecretStore",
        // Awaited until External Secrets has validated it (the ApplicationSets wait for it).
        metadata: { name: SECRET_STORE_NAME, annotations: AWAIT_READY },
        spec: { provider },
    };
}

/** Creates `store` under `parent` once ESO's chart is installed and its webhook accepts the
 *  store (see webhook-gate.ts), and after `after`. */
export function createStore(
    parent: pulumi.ComponentResource,
    name: string,
    externalSecrets: ExternalSecrets,
    store: Manifest,
    after: pulumi.Resource[],
): k8s.apiextensions.CustomResource {
    const chart = externalSecrets.chart;
    const gate = new WebhookGate(
        `${name}-webhook-gate`,
        {
            namespace: externalSecrets.namespace.metadata.name,
            objects: [store],
            access: { apiGroup: "external-secrets.io", resources: ["clustersecretstores"] },
            chart,
        },
        { parent },
    );
    return new k8s.apiextensions.CustomResource(`${name}-store`, store, {
        parent,
        dependsOn: [chart, gate.job, ...after],
    });
}
