// What the two secret stores share: one ClusterSecretStore per application, which only the
// application's namespace may use, and their creation once External Secrets' webhook accepts them.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ExternalSecrets } from "../external-secrets";
import { Application } from "../shared/application";
import { AWAIT_READY } from "../shared/await-ready";
import { CustomObject, WebhookGate } from "../shared/webhook-gate";

/** The ClusterSecretStore of an application, the same name in every environment, so its
 *  ExternalSecret is too (the ApplicationSet passes it as `platform.secretStore`). */
export const storeName = (application: string) => `homelab-${application}`;

/** An application's ClusterSecretStore with the given provider (`{ vault: ... }` or
 *  `{ kubernetes: ... }`): only ExternalSecrets in its namespace may use it. */
export function storeManifest(application: Application, provider: Record<string, unknown>): CustomObject {
    return {
        apiVersion: "external-secrets.io/v1",
        kind: "ClusterSecretStore",
        // Awaited until External Secrets has validated it (the ApplicationSets wait for it).
        metadata: { name: storeName(application.name), annotations: AWAIT_READY },
        spec: { provider, conditions: [{ namespaces: [application.namespace] }] },
    };
}

/** Creates `stores` under `parent` once ESO's chart is installed and its webhook accepts them
 *  (see webhook-gate.ts), each after what `after` lists for it. */
export function createStores(
    parent: pulumi.ComponentResource,
    name: string,
    externalSecrets: ExternalSecrets,
    stores: readonly {
        readonly application: string;
        readonly manifest: CustomObject;
        readonly after: pulumi.Resource[];
    }[],
): k8s.apiextensions.CustomResource[] {
    if (stores.length === 0) return [];
    const chart = externalSecrets.chart;
    const gate = new WebhookGate(
        `${name}-webhook-gate`,
        {
            namespace: externalSecrets.namespace.metadata.name,
            objects: stores.map((s) => s.manifest),
            access: { apiGroup: "external-secrets.io", resources: ["clustersecretstores"] },
            chart,
        },
        { parent },
    );
    return stores.map(
        (store) =>
            new k8s.apiextensions.CustomResource(`${name}-store-${store.application}`, store.manifest, {
                parent,
                dependsOn: [chart, gate.job, ...store.after],
            }),
    );
}
