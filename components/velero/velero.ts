// Velero: backups of volumes and objects to an S3-compatible store, restored by a drill. Volumes
// are copied file by file with Kopia through the node agent, so any storage class works
// (local-path and Longhorn alike) without CSI snapshots.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AWAIT_READY } from "../shared/await-ready";
import { ChartComponent, ComponentHome, Guards } from "../shared/chart";
import { deepMerge } from "../shared/merge";
import { S3Target } from "../shared/s3-target";
import { RESTRICTED_CONTAINER, restrictedPod } from "../shared/security";
import { sized, SizingPreset } from "../shared/sizing";
import { CHARTS, VELERO_AWS_PLUGIN_IMAGE } from "../shared/versions";

export const VELERO_NAMESPACE = "velero";
/** Helm release name: the server's Deployment and metrics Service, and the prefix of every
 *  Schedule (`velero-<name>`). */
export const VELERO_RELEASE = "velero";
// Privileged: the node agent mounts the kubelet's pod volumes from the host to copy them.
const HOME: ComponentHome = { namespace: VELERO_NAMESPACE, podSecurity: "privileged" };
/** The backup storage location every schedule and restore uses. */
export const BACKUP_LOCATION = "default";
/** The Secret holding the S3 keys as an AWS credentials file, under `cloud`. */
const CREDENTIALS_SECRET = "velero-credentials";
const CREDENTIALS_KEY = "cloud";
/** The velero image's user, `cnb`, by number (Pod Security restricted needs it numeric): its base
 *  image, Paketo's jammy-tiny run image, makes it uid 1002, gid 1000. */
const VELERO_USER = { uid: 1002, gid: 1000 };

/** Where the S3 keys come from: Pulumi secrets, or an External Secrets store (Vault), under
 *  `accessKey` and `secretKey` of the store's `key`. */
export type S3Credentials =
    | { readonly accessKey: pulumi.Input<string>; readonly secretKey: pulumi.Input<string> }
    | { readonly store: { readonly name: string; readonly resource: pulumi.Resource }; readonly key: string };

export interface BackupSchedule {
    /** Cron schedule. */
    readonly schedule: string;
    /** How long each backup is kept (Go duration). */
    readonly ttl: string;
}

export interface VeleroArgs extends Guards {
    /** The object store. Required. */
    target: S3Target;
    /** Its keys. Required. */
    credentials: S3Credentials;
    /** Schedules by name, each backing up every namespace but `excludedNamespaces`. Required. */
    schedules: Readonly<Record<string, BackupSchedule>>;
    /** Namespaces no schedule backs up: what `pulumi up` and Git rebuild. Required. */
    excludedNamespaces: readonly string[];
    /** Requests/limits preset. */
    resources: SizingPreset;
    /** The server's ServiceMonitor, once `crds` (the Prometheus Operator's CRDs) are installed. Required. */
    serviceMonitors: { readonly crds: pulumi.Resource };
    /** Helm values merged over the program's own, last. Default none. */
    values?: Record<string, unknown>;
}

/** The AWS plugin's `s3Url`, with the scheme the target's transport takes. */
export const s3Url = (target: S3Target) => `${target.insecure ? "http" : "https"}://${target.endpoint}`;

/** An AWS shared credentials file, as the AWS plugin reads it. */
export const credentialsFile = (accessKey: string, secretKey: string) =>
    `[default]\naws_access_key_id=${accessKey}\naws_secret_access_key=${secretKey}\n`;

/** The chart values, from the args. */
export function veleroValues(args: VeleroArgs): Record<string, unknown> {
    const { target } = args;
    return deepMerge(
        {
            // Both are Helm hooks, which Pulumi's v4 Chart does not run: the CRDs come from the
            // chart's crds/ folder, created before the chart's custom resources.
            upgradeCRDs: false,
            cleanUpCRDs: false,
            // The AWS object-store plugin speaks S3 to MinIO and its kin; Velero copies it from this
            // init container into its plugins folder.
            initContainers: [
                {
                    name: "velero-plugin-for-aws",
                    image: VELERO_AWS_PLUGIN_IMAGE,
                    imagePullPolicy: "IfNotPresent",
                    volumeMounts: [{ mountPath: "/target", name: "plugins" }],
                    securityContext: RESTRICTED_CONTAINER,
                    resources: sized(args.resources, "small"),
                },
            ],
            // The server runs restricted; only the node agent needs the host (root, hostPath).
            podSecurityContext: restrictedPod(VELERO_USER.uid, VELERO_USER.gid),
            // Writable root: Kopia keeps its repository config and cache under the user's home.
            containerSecurityContext: { ...RESTRICTED_CONTAINER, readOnlyRootFilesystem: false },
            resources: sized(args.resources, "medium"),
            credentials: { useSecret: true, existingSecret: CREDENTIALS_SECRET },
            // File-system backups only: no volume snapshot provider is configured.
            snapshotsEnabled: false,
            deployNodeAgent: true,
            // A node agent idles between backups, then copies files for a while: it requests what
            // it idles on, and may burst to a busy controller's memory.
            nodeAgent: {
                resources: {
                    requests: sized(args.resources, "small").requests,
                    limits: sized(args.resources, "medium").limits,
                },
            },
            configuration: {
                uploaderType: "kopia",
                defaultVolumesToFsBackup: true,
                backupStorageLocation: [
                    {
                        name: BACKUP_LOCATION,
                        provider: "aws",
                        bucket: target.bucket,
                        ...(target.folder ? { prefix: target.folder } : {}),
                        default: true,
                        ...(target.caCert ? { caCert: Buffer.from(target.caCert).toString("base64") } : {}),
                        credential: { name: CREDENTIALS_SECRET, key: CREDENTIALS_KEY },
                        config: {
                            // MinIO answers any region and defaults to this one.
                            region: target.region ?? "us-east-1",
                            s3ForcePathStyle: "true",
                            s3Url: s3Url(target),
                            ...(target.skipSslVerify ? { insecureSkipTLSVerify: "true" } : {}),
                        },
                        // Pulumi waits until Velero has reached the store with the keys: a wrong
                        // endpoint, bucket or key fails the update here, not at the first backup.
                        annotations: { "pulumi.com/waitFor": "jsonpath={.status.phase}=Available" },
                    },
                ],
            },
            schedules: Object.fromEntries(
                Object.entries(args.schedules).map(([name, schedule]) => [
                    name,
                    {
                        schedule: schedule.schedule,
                        useOwnerReferencesInBackup: false,
                        template: {
                            ttl: schedule.ttl,
                            includedNamespaces: ["*"],
                            excludedNamespaces: [...args.excludedNamespaces],
                            defaultVolumesToFsBackup: true,
                            snapshotVolumes: false,
                            storageLocation: BACKUP_LOCATION,
                        },
                    },
                ]),
            ),
            // Rendered whatever the API serves: the component waits for the CRDs instead, so the
            // first run renders what every later run does.
            metrics: { enabled: true, serviceMonitor: { enabled: true, autodetect: false } },
        },
        args.values ?? {},
    );
}

export class Velero extends ChartComponent {
    readonly chart: k8s.helm.v4.Chart;

    constructor(name: string, args: VeleroArgs, opts?: pulumi.ComponentResourceOptions) {
        super("homelab:platform:Velero", name, HOME, args, opts);
        const credentials = this.credentials(name, args.credentials);
        this.chart = this.installChart(
            name,
            { pin: CHARTS.velero, release: VELERO_RELEASE, values: veleroValues(args) },
            // Its CRDs take no helm.sh/resource-policy: keep; where state is protected, removing
            // the chart leaves them (and every Backup and Restore) in place.
            { dependsOn: [args.serviceMonitors.crds, credentials], ...(args.protect ? { retainOnDelete: true } : {}) },
        );
        this.registerOutputs({ chart: this.chart, namespace: this.namespace });
    }

    /** The credentials file Velero and its node agent read: written from Pulumi secrets, or by
     *  External Secrets from the store (which must have synced before Velero can reach S3). */
    private credentials(name: string, credentials: S3Credentials): pulumi.Resource {
        const metadata = { name: CREDENTIALS_SECRET, namespace: this.namespace.metadata.name };
        if ("accessKey" in credentials) {
            return new k8s.core.v1.Secret(
                `${name}-credentials`,
                {
                    metadata,
                    stringData: {
                        [CREDENTIALS_KEY]: pulumi
                            .secret(pulumi.all([credentials.accessKey, credentials.secretKey]))
                            .apply(([access, secret]) => credentialsFile(access, secret)),
                    },
                },
                { parent: this },
            );
        }
        return new k8s.apiextensions.CustomResource(
            `${name}-credentials`,
            {
                apiVersion: "external-secrets.io/v1",
                kind: "ExternalSecret",
                metadata: { ...metadata, annotations: AWAIT_READY },
                spec: {
                    refreshInterval: "1h",
                    secretStoreRef: { kind: "ClusterSecretStore", name: credentials.store.name },
                    target: {
                        name: CREDENTIALS_SECRET,
                        template: {
                            data: {
                                [CREDENTIALS_KEY]: credentialsFile("{{ .accessKey }}", "{{ .secretKey }}"),
                            },
                        },
                    },
                    data: ["accessKey", "secretKey"].map((property) => ({
                        secretKey: property,
                        remoteRef: { key: credentials.key, property },
                    })),
                },
            },
            { parent: this, dependsOn: [credentials.store.resource] },
        );
    }
}
