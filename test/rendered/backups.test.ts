// Velero and the restore drill in each environment as the cluster receives them: the schedules
// the profile asks for, the storage location the program awaits, the node agent on every node,
// the canary and the drill. Each rendered stack backs up to BACKUP_STORE (see rendering.ts);
// schemas, Pod Security and network policies are checked over them with everything else in
// environments.test.ts.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { KUBECTL_IMAGE } from "../../components/shared/versions";
import { Manifest } from "../../render/kinds";
import { allObjects } from "../../render/stack";
import { Environment, ENVIRONMENTS } from "../../stacks/config/profiles";
import { renderedStack, requireHelm } from "./rendering";

/** What each profile schedules: name, cron, and how long a backup is kept. */
const SCHEDULES: Record<Environment, [string, string, string][]> = {
    dev: [["velero-daily", "0 3 * * *", "72h"]],
    staging: [["velero-daily", "0 3 * * *", "168h"]],
    production: [
        ["velero-daily", "30 2 * * *", "720h"],
        ["velero-frequent", "0 */4 * * *", "72h"],
    ],
};

/** What no schedule backs up: what `pulumi up` and Argo CD rebuild, and the drill's scratch copy. */
const NOT_BACKED_UP = [
    "kube-system",
    "kube-public",
    "kube-node-lease",
    "argocd",
    "metallb-system",
    "monitoring",
    "external-secrets",
    "homelab-secrets",
    "infrastructure",
    "velero",
    "backup-drill",
    "longhorn-system",
];

/** The volumes of the environment's data: K3s's local-path, production's distributed class. */
const STORAGE_CLASS: Record<Environment, string> = { dev: "local-path", staging: "local-path", production: "longhorn" };

for (const environment of ENVIRONMENTS) {
    describe(`${environment}'s backups as the cluster receives them (rendered with Helm)`, function () {
        this.timeout(120_000);
        let objects: Manifest[];
        const find = (kind: string, namespace: string, name: string) => {
            const found = objects.filter(
                (o) => o.kind === kind && (o.metadata.namespace ?? "") === namespace && o.metadata.name === name,
            );
            assert.equal(found.length, 1, `${kind} ${namespace}/${name}`);
            return found[0] as any;
        };

        before(async function () {
            await requireHelm(this);
            objects = allObjects(await renderedStack(environment)).map((o) => o.manifest);
        });

        it("schedules the profile's backups of everything but what the platform rebuilds, volumes included", () => {
            const schedules = objects.filter((o) => o.kind === "Schedule") as any[];
            assert.deepEqual(
                schedules.map((s) => [s.metadata.name, s.spec.schedule, s.spec.template.ttl]).sort(),
                SCHEDULES[environment],
            );
            for (const schedule of schedules)
                assert.deepEqual(schedule.spec.template, {
                    ttl: schedule.spec.template.ttl,
                    includedNamespaces: ["*"],
                    excludedNamespaces: NOT_BACKED_UP,
                    defaultVolumesToFsBackup: true,
                    snapshotVolumes: false,
                    storageLocation: "default",
                });
        });

        it("stores backups in the S3 store the stack names, and is awaited until Velero reaches it", () => {
            const location = find("BackupStorageLocation", "velero", "default");
            assert.deepEqual(
                { annotations: location.metadata.annotations, spec: location.spec },
                {
                    annotations: { "pulumi.com/waitFor": "jsonpath={.status.phase}=Available" },
                    spec: {
                        provider: "aws",
                        accessMode: "ReadWrite",
                        default: true,
                        credential: { name: "velero-credentials", key: "cloud" },
                        objectStorage: { bucket: "velero" },
                        config: {
                            region: "us-east-1",
                            s3ForcePathStyle: "true",
                            s3Url: "https://minio.home.arpa:9000",
                        },
                    },
                },
            );
        });

        it("gets the store's keys from Vault where the profile's secrets are there, else from Pulumi", () => {
            if (environment === "production") {
                const keys = find("ExternalSecret", "velero", "velero-credentials");
                assert.deepEqual(
                    [keys.spec.secretStoreRef, keys.spec.data.map((d: any) => d.remoteRef)],
                    [
                        { kind: "ClusterSecretStore", name: "homelab-velero" },
                        [
                            { key: "velero", property: "accessKey" },
                            { key: "velero", property: "secretKey" },
                        ],
                    ],
                );
            } else {
                assert.deepEqual(Object.keys(find("Secret", "velero", "velero-credentials").stringData), ["cloud"]);
            }
        });

        it("copies pod volumes with Kopia through a node agent on each node, from the kubelet's folder", () => {
            const server = find("Deployment", "velero", "velero");
            assert.deepEqual(server.spec.template.spec.containers[0].args, [
                "server",
                "--uploader-type=kopia",
                "--default-volumes-to-fs-backup",
                "--repo-maintenance-job-configmap=velero-repo-maintenance",
            ]);
            const agent = find("DaemonSet", "velero", "node-agent");
            assert.deepEqual(
                agent.spec.template.spec.volumes.find((v: any) => v.name === "host-pods"),
                { name: "host-pods", hostPath: { path: "/var/lib/kubelet/pods" } },
            );
            const level = find("Namespace", "", "velero").metadata.labels?.["pod-security.kubernetes.io/enforce"];
            assert.equal(level, environment === "dev" ? undefined : "privileged");
        });

        it("keeps a canary on the environment's storage, restricted, for the drill to restore", () => {
            const claim = find("PersistentVolumeClaim", "backup-canary", "canary-data");
            assert.equal(claim.spec.storageClassName, STORAGE_CLASS[environment]);
            const canary = find("Deployment", "backup-canary", "canary");
            assert.deepEqual(canary.spec.template.spec.volumes, [
                { name: "data", persistentVolumeClaim: { claimName: "canary-data" } },
            ]);
            const level = find("Namespace", "", "backup-canary").metadata.labels?.[
                "pod-security.kubernetes.io/enforce"
            ];
            assert.equal(level, environment === "dev" ? undefined : "restricted");
        });

        it("runs the restore drill every morning with drill.sh, one at a time and never retried into a pass", () => {
            const drill = find("CronJob", "velero", "backup-drill");
            const pod = drill.spec.jobTemplate.spec.template.spec;
            assert.deepEqual(
                [
                    drill.spec.schedule,
                    drill.spec.concurrencyPolicy,
                    drill.spec.jobTemplate.spec.backoffLimit,
                    pod.containers[0].image,
                    pod.containers[0].command,
                ],
                ["0 6 * * *", "Forbid", 0, KUBECTL_IMAGE, ["/bin/sh", "/drill/drill.sh"]],
            );
            const script = objects.find(
                (o) => o.kind === "ConfigMap" && o.metadata.name === pod.volumes[0].configMap.name,
            ) as any;
            assert.equal(
                script.data["drill.sh"],
                fs.readFileSync(path.join(__dirname, "..", "..", "components", "velero", "drill.sh"), "utf8"),
            );
        });
    });
}
