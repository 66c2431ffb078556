// A chart's validating webhook can report Ready before it serves: MetalLB's controller is ready
// before its cert rotator has injected the CA into the webhook configuration, and cert-manager's
// cainjector patches the CA in after the webhook pod is up. The provider retries a create on
// "no matches for kind" but not on "failed calling webhook", so a custom resource created in
// that window fails the whole update. The gate closes the window: a Job dry-runs the very
// objects that come next through the API server (and so through the webhook) and fails until
// the webhook accepts them; Pulumi waits for the Job to succeed, and the objects depend on it.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { RESTRICTED_CONTAINER } from "./security";
import { KUBECTL_IMAGE } from "./versions";

/** A custom resource as plain data: what the gate dry-runs and a CustomResource then creates. */
export type CustomObject = k8s.apiextensions.CustomResourceArgs;

export interface WebhookGateArgs {
    /** Namespace the gate's Job runs in. Required. */
    namespace: pulumi.Input<string>;
    /** The objects to dry-run, exactly as they are created after the gate. Required. */
    objects: CustomObject[];
    /** API group and resources of the objects (the gate may get, create and patch them). Required. */
    access: { apiGroup: string; resources: string[] };
    /** The chart whose webhook admits the objects; the Job runs once it is installed. Required. */
    chart: pulumi.Resource;
}

/** Job retries before the gate gives up: 10 s, 20 s, 40 s, 80 s, 160 s of backoff, ~5 min. */
export const GATE_RETRIES = 5;

export class WebhookGate extends pulumi.ComponentResource {
    /** The Job that succeeds once the webhook accepts the objects; depend on it. */
    readonly job: k8s.batch.v1.Job;

    constructor(name: string, args: WebhookGateArgs, opts?: pulumi.ComponentResourceOptions) {
        super("homelab:platform:WebhookGate", name, {}, opts);
        const namespace = args.namespace;

        const account = new k8s.core.v1.ServiceAccount(`${name}`, { metadata: { namespace } }, { parent: this });
        // A ClusterRole because the objects may be cluster-scoped (ClusterIssuers); it covers only
        // the objects' own resources.
        const role = new k8s.rbac.v1.ClusterRole(
            `${name}`,
            {
                rules: [
                    {
                        apiGroups: [args.access.apiGroup],
                        resources: args.access.resources,
                        verbs: ["get", "create", "patch"],
                    },
                ],
            },
            { parent: this },
        );
        const binding = new k8s.rbac.v1.ClusterRoleBinding(
            `${name}`,
            {
                roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role.metadata.name },
                subjects: [{ kind: "ServiceAccount", name: account.metadata.name, namespace }],
            },
            { parent: this },
        );
        // Auto-named, so new objects give a new ConfigMap, and so a new Job that runs again.
        const manifest = new k8s.core.v1.ConfigMap(
            `${name}`,
            {
                metadata: { namespace },
                data: {
                    "objects.json": pulumi
                        .all(args.objects)
                        .apply((items) => JSON.stringify({ apiVersion: "v1", kind: "List", items })),
                },
            },
            { parent: this },
        );

        this.job = new k8s.batch.v1.Job(
            `${name}`,
            {
                metadata: {
                    namespace,
                    // A Job that failed its await stays failed, and the provider would await the
                    // same failed Job on every later `up`: replace it, so the gate runs again.
                    annotations: { "pulumi.com/replaceUnready": "true" },
                },
                spec: {
                    backoffLimit: GATE_RETRIES,
                    template: {
                        spec: {
                            serviceAccountName: account.metadata.name,
                            restartPolicy: "Never",
                            securityContext: {
                                runAsNonRoot: true,
                                runAsUser: 65534,
                                seccompProfile: { type: "RuntimeDefault" },
                            },
                            containers: [
                                {
                                    name: "dry-run",
                                    image: KUBECTL_IMAGE,
                                    // Server-side apply also passes objects that already exist.
                                    args: [
                                        "apply",
                                        "--server-side",
                                        "--dry-run=server",
                                        "--force-conflicts",
                                        "--field-manager=webhook-gate",
                                        "--filename=/gate/objects.json",
                                    ],
                                    env: [{ name: "HOME", value: "/tmp" }],
                                    resources: {
                                        requests: { cpu: "10m", memory: "32Mi" },
                                        limits: { memory: "128Mi" },
                                    },
                                    securityContext: RESTRICTED_CONTAINER,
                                    volumeMounts: [
                                        { name: "objects", mountPath: "/gate", readOnly: true },
                                        { name: "tmp", mountPath: "/tmp" },
                                    ],
                                },
                            ],
                            volumes: [
                                { name: "objects", configMap: { name: manifest.metadata.name } },
                                { name: "tmp", emptyDir: {} },
                            ],
                        },
                    },
                },
            },
            // Dry runs before the chart is installed would only spend the Job's retries; without
            // the binding in place they would fail with "forbidden". (A component's own
            // dependsOn is not passed on to its children.)
            { parent: this, dependsOn: [binding, args.chart] },
        );
        this.registerOutputs({ job: this.job });
    }
}
