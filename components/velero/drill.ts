// The restore drill: backups are proven by restoring them. A canary namespace holds a small
// workload whose volume the schedules back up with everything else; every morning a CronJob
// restores its newest backup into a scratch namespace and checks the value it finds there
// (drill.sh). Its Job's outcome is the drill's metric (kube-state-metrics' CronJob series).
import * as fs from "node:fs";
import * as path from "node:path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ownNamespace } from "../shared/chart";
import { RESTRICTED_CONTAINER, restrictedPod } from "../shared/security";
import { KUBECTL_IMAGE } from "../shared/versions";

/** The canary's namespace, which every schedule backs up. */
export const CANARY_NAMESPACE = "backup-canary";
/** Where the drill restores the canary; it exists only while a drill runs. */
export const DRILL_SCRATCH_NAMESPACE = "backup-drill";
/** The drill's CronJob, which kube-state-metrics' series name (`cronjob`). */
export const DRILL_CRONJOB = "backup-drill";
/** How long each of the drill's waits may take: an earlier drill's scratch namespace gone, the
 *  restore done, the restored canary's value shown. */
const DRILL_WAIT_SECONDS = 600;
/** nobody: the canary and the drill run as no one in particular. */
const NOBODY = 65534;

// In its own namespace the canary writes the time every minute (renamed into place, so a backup
// never copies half a value) and logs it; restored anywhere else it only shows the value it was
// restored with.
const CANARY_SCRIPT = `if [ "$POD_NAMESPACE" = "${CANARY_NAMESPACE}" ]; then
  while :; do date +%s > /data/value.new && mv /data/value.new /data/value && echo "wrote $(cat /data/value)"; sleep 60; done
fi
echo "restored value: $(cat /data/value)"
while :; do sleep 3600; done
`;

export interface BackupDrillArgs {
    /** Velero's namespace, where the drill runs and restores. Required. */
    veleroNamespace: pulumi.Input<string>;
    /** Velero's chart: the drill's Restore needs its CRDs and server. Required. */
    velero: pulumi.Resource;
    /** When the drill runs (cron). Required. */
    schedule: string;
    /** Storage class of the canary's volume: the one the environment's data lives on. Required. */
    storageClass: string;
    /** Enforce Pod Security (restricted) on the canary's namespace, and so on the restored copy. */
    podSecurity: boolean;
}

const tiny = { requests: { cpu: "5m", memory: "16Mi" }, limits: { memory: "64Mi" } };

export class BackupDrill extends pulumi.ComponentResource {
    readonly canaryNamespace: k8s.core.v1.Namespace;
    readonly cronJob: k8s.batch.v1.CronJob;

    constructor(name: string, args: BackupDrillArgs, opts?: pulumi.ComponentResourceOptions) {
        super("homelab:platform:BackupDrill", name, {}, opts);
        this.canaryNamespace = ownNamespace(this, `${name}-canary`, CANARY_NAMESPACE, "restricted", {
            podSecurity: args.podSecurity,
        });
        const canaryNs = this.canaryNamespace.metadata.name;
        const account = new k8s.core.v1.ServiceAccount(
            `${name}`,
            { metadata: { name: DRILL_CRONJOB, namespace: args.veleroNamespace } },
            { parent: this },
        );
        this.canary(name, canaryNs, account, args.storageClass);

        const role = new k8s.rbac.v1.Role(
            `${name}`,
            {
                metadata: { name: DRILL_CRONJOB, namespace: args.veleroNamespace },
                rules: [
                    { apiGroups: ["velero.io"], resources: ["backups"], verbs: ["list"] },
                    { apiGroups: ["velero.io"], resources: ["restores"], verbs: ["create", "get", "delete"] },
                ],
            },
            { parent: this },
        );
        new k8s.rbac.v1.RoleBinding(
            `${name}`,
            {
                metadata: { name: DRILL_CRONJOB, namespace: args.veleroNamespace },
                roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name },
                subjects: [{ kind: "ServiceAccount", name: account.metadata.name, namespace: args.veleroNamespace }],
            },
            { parent: this },
        );
        // Namespaces are cluster-scoped: the drill may remove its scratch namespace, no other.
        const scratch = new k8s.rbac.v1.ClusterRole(
            `${name}-scratch`,
            {
                rules: [
                    {
                        apiGroups: [""],
                        resources: ["namespaces"],
                        resourceNames: [DRILL_SCRATCH_NAMESPACE],
                        verbs: ["get", "delete"],
                    },
                ],
            },
            { parent: this },
        );
        new k8s.rbac.v1.ClusterRoleBinding(
            `${name}-scratch`,
            {
                roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: scratch.metadata.name },
                subjects: [{ kind: "ServiceAccount", name: account.metadata.name, namespace: args.veleroNamespace }],
            },
            { parent: this },
        );
        const script = new k8s.core.v1.ConfigMap(
            `${name}`,
            {
                metadata: { namespace: args.veleroNamespace },
                data: { "drill.sh": fs.readFileSync(path.join(__dirname, "drill.sh"), "utf8") },
            },
            { parent: this },
        );

        this.cronJob = new k8s.batch.v1.CronJob(
            `${name}`,
            {
                metadata: { name: DRILL_CRONJOB, namespace: args.veleroNamespace },
                spec: {
                    schedule: args.schedule,
                    // One drill at a time; a missed one runs late rather than never, within an hour.
                    concurrencyPolicy: "Forbid",
                    startingDeadlineSeconds: 3600,
                    successfulJobsHistoryLimit: 1,
                    failedJobsHistoryLimit: 1,
                    jobTemplate: {
                        spec: {
                            // A failed drill is the finding: it is not retried into a pass.
                            backoffLimit: 0,
                            // Past its three waits, so the script says which one failed.
                            activeDeadlineSeconds: 3 * DRILL_WAIT_SECONDS + 300,
                            template: {
                                spec: {
                                    serviceAccountName: account.metadata.name,
                                    restartPolicy: "Never",
                                    securityContext: restrictedPod(NOBODY),
                                    containers: [
                                        {
                                            name: "drill",
                                            image: KUBECTL_IMAGE,
                                            command: ["/bin/sh", "/drill/drill.sh"],
                                            env: [
                                                { name: "VELERO_NAMESPACE", value: args.veleroNamespace },
                                                { name: "CANARY_NAMESPACE", value: canaryNs },
                                                { name: "SCRATCH_NAMESPACE", value: DRILL_SCRATCH_NAMESPACE },
                                                { name: "DRILL_TIMEOUT", value: `${DRILL_WAIT_SECONDS}` },
                                                { name: "HOME", value: "/tmp" },
                                            ],
                                            resources: tiny,
                                            securityContext: RESTRICTED_CONTAINER,
                                            volumeMounts: [
                                                { name: "drill", mountPath: "/drill", readOnly: true },
                                                { name: "tmp", mountPath: "/tmp" },
                                            ],
                                        },
                                    ],
                                    volumes: [
                                        { name: "drill", configMap: { name: script.metadata.name } },
                                        { name: "tmp", emptyDir: {} },
                                    ],
                                },
                            },
                        },
                    },
                },
            },
            // Its Restores are Velero's kind, served once Velero's chart is installed.
            { parent: this, dependsOn: [args.velero] },
        );
        this.registerOutputs({ canaryNamespace: this.canaryNamespace, cronJob: this.cronJob });
    }

    /** The canary: its volume, the workload writing to it, and the drill's right to read its
     *  restored copy's log (backed up and restored with it, so it holds in the scratch namespace). */
    private canary(
        name: string,
        namespace: pulumi.Output<string>,
        drill: k8s.core.v1.ServiceAccount,
        storageClass: string,
    ): void {
        const claim = new k8s.core.v1.PersistentVolumeClaim(
            `${name}-canary`,
            {
                // A claim of a WaitForFirstConsumer class (local-path, Longhorn's default) binds only
                // once its pod is scheduled, so the Deployment is awaited and the claim is not.
                metadata: { name: "canary-data", namespace, annotations: { "pulumi.com/skipAwait": "true" } },
                spec: {
                    accessModes: ["ReadWriteOnce"],
                    storageClassName: storageClass,
                    resources: { requests: { storage: "64Mi" } },
                },
            },
            { parent: this },
        );
        const labels = { "app.kubernetes.io/name": "canary" };
        new k8s.apps.v1.Deployment(
            `${name}-canary`,
            {
                metadata: { name: "canary", namespace },
                spec: {
                    replicas: 1,
                    // One writer of a ReadWriteOnce volume.
                    strategy: { type: "Recreate" },
                    selector: { matchLabels: labels },
                    template: {
                        metadata: { labels },
                        spec: {
                            securityContext: restrictedPod(NOBODY),
                            automountServiceAccountToken: false,
                            containers: [
                                {
                                    name: "canary",
                                    // Already on the nodes for the drill; its shell and coreutils are all
                                    // the canary needs.
                                    image: KUBECTL_IMAGE,
                                    command: ["/bin/sh", "-c", CANARY_SCRIPT],
                                    env: [
                                        {
                                            name: "POD_NAMESPACE",
                                            valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } },
                                        },
                                    ],
                                    resources: tiny,
                                    securityContext: RESTRICTED_CONTAINER,
                                    volumeMounts: [{ name: "data", mountPath: "/data" }],
                                },
                            ],
                            volumes: [{ name: "data", persistentVolumeClaim: { claimName: claim.metadata.name } }],
                        },
                    },
                },
            },
            { parent: this },
        );
        const reader = new k8s.rbac.v1.Role(
            `${name}-canary-reader`,
            {
                metadata: { name: "backup-drill-reader", namespace },
                rules: [
                    { apiGroups: [""], resources: ["pods"], verbs: ["get", "list"] },
                    { apiGroups: [""], resources: ["pods/log"], verbs: ["get"] },
                ],
            },
            { parent: this },
        );
        new k8s.rbac.v1.RoleBinding(
            `${name}-canary-reader`,
            {
                metadata: { name: "backup-drill-reader", namespace },
                roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: reader.metadata.name },
                subjects: [{ kind: "ServiceAccount", name: drill.metadata.name, namespace: drill.metadata.namespace }],
            },
            { parent: this },
        );
    }
}
