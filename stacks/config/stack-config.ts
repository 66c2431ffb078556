// The one conversion from config to what the components take: the validated settings with each
// secret value attached where it is used (the rules have already required every one a setting
// needs, so no caller checks for presence again; they stay Pulumi secrets wherever they flow),
// and the profile's choices in the components' own argument types.
import * as pulumi from "@pulumi/pulumi";
import { RepoCredentials } from "../../components/application-sets";
import { Application } from "../../components/shared/application";
import { PlainSecret } from "../../components/secret-store/kubernetes";
import { SecretKey } from "./schema";
import { IssuerArgs } from "../../components/cert-manager";
import { AlertReceiver, MonitoringStorage } from "../../components/monitoring/monitoring";
import { Guards } from "../../components/shared/chart";
import { Replication } from "../../components/shared/sizing";
import { S3Target } from "../../components/shared/s3-target";
import { PlatformAlerts } from "../../components/monitoring/platform-rules";
import { BackupSchedule, VELERO_NAMESPACE, VELERO_RELEASE } from "../../components/velero/velero";
import { CANARY_NAMESPACE } from "../../components/velero/drill";
import { CERT_MANAGER_NAMESPACE } from "../../components/cert-manager";
import { RESERVED_NAMESPACES } from "./applications";
import { ClusterAccessSettings, checked, Settings, VaultSettings } from "./validate";

type Secret = pulumi.Output<string>;
type NodesSettings = Extract<ClusterAccessSettings, { mode: "nodes" }>;
type EtcdS3 = NonNullable<NodesSettings["etcdS3"]>;

/** How the program reaches the cluster, with the credentials it uses. */
export type ClusterConnection =
    | (Omit<NodesSettings, "etcdS3"> & {
          /** Default: the SSH agent. */
          readonly sshPrivateKey?: Secret;
          readonly etcdS3?: EtcdS3 & { readonly accessKey: Secret; readonly secretKey: Secret };
      })
    | (Extract<ClusterAccessSettings, { mode: "kubeconfig" }> & { readonly kubeconfig: Secret });

/** The secret store, with what it serves: dev's and staging's dummy secrets from Git, or Vault
 *  with the token Pulumi uses (default: VAULT_TOKEN from the environment). */
export type SecretStore =
    | { readonly backend: "kubernetes"; readonly plainSecrets: readonly PlainSecret[] }
    | ({ readonly backend: "vault" } & VaultSettings & { readonly token?: Secret });

/** Velero's store with its keys (Pulumi secrets, or `<kvMount>/velero` of the Vault store), what
 *  the profile schedules, and the drill. */
export interface Backups {
    readonly target: S3Target;
    readonly credentials:
        { readonly accessKey: Secret; readonly secretKey: Secret } | { readonly vault: { readonly key: string } };
    readonly schedules: Readonly<Record<string, BackupSchedule>>;
    /** Namespaces no schedule backs up. */
    readonly excludedNamespaces: readonly string[];
    /** When the drill runs (cron). */
    readonly drill: string;
    /** How old each schedule's newest backup, and the last passed drill, may get before an alert. */
    readonly alerts: NonNullable<PlatformAlerts["backups"]>;
    /** What an update waits for (scripts/backup-gate.sh reads it from the stack's outputs), where
     *  the profile gates updates. */
    readonly gate?: { readonly maxAge: string; readonly namespace: string; readonly schedule: string };
}

/** The Vault secret (under the KV mount) holding Velero's keys, `accessKey` and `secretKey`. */
export const VELERO_VAULT_KEY = "velero";

/** What the schedules leave out: what `pulumi up` and Argo CD rebuild (the platform's namespaces,
 *  and K3s's own, whose state the etcd snapshots keep) and the drill's scratch copy. They keep the
 *  applications, the canary, whatever an admin made by hand (in `default` too), and cert-manager's
 *  namespace: the private CA's key, the ACME account and the issued certificates, which Let's
 *  Encrypt's rate limits make costly to issue again. */
export const NOT_BACKED_UP: readonly string[] = RESERVED_NAMESPACES.filter(
    (namespace) => !["default", CERT_MANAGER_NAMESPACE, CANARY_NAMESPACE].includes(namespace),
);

/** What the program runs on: every setting with its secrets, and what the components take in
 *  their own argument types, each decided here once. */
export interface StackConfig extends Omit<Settings, "cluster" | "tls" | "alerting" | "secretStore" | "backups"> {
    readonly cluster: ClusterConnection;
    /** The ClusterIssuer that signs the platform's certificates, with the DNS-01 token where
     *  Cloudflare answers challenges. */
    readonly issuer: IssuerArgs;
    /** Where Alertmanager sends alerts, with the receiver's URL; none where the profile keeps
     *  alerts in Alertmanager. */
    readonly alerts?: AlertReceiver;
    readonly secretStore: SecretStore;
    /** Credentials of a private GitOps repository. */
    readonly gitopsCredentials?: RepoCredentials;
    /** How the profile sizes and replicates the platform's workloads. */
    readonly workloads: Replication;
    /** How the profile guards each component's namespace. */
    readonly guards: Required<Guards>;
    /** Prometheus's and Alertmanager's volumes, where the profile keeps their data. */
    readonly monitoringStorage?: MonitoringStorage;
    /** The applications of gitops/applications/. */
    readonly applications: readonly Application[];
    /** Velero and its drill, where the stack names a store. */
    readonly backups?: Backups;
}

/** What the program reads from the GitOps tree: the applications, and the dummy secrets a plain
 *  store serves. */
export interface GitopsTree {
    readonly applications: readonly Application[];
    readonly plainSecrets: readonly PlainSecret[];
}

/** The stack config: `settings` with each secret, read by `secret`, where it is used, the dummy
 *  secrets a plain store serves, and the components' arguments. */
export function stackConfig(
    settings: Settings,
    secret: (key: SecretKey) => Secret | undefined,
    tree: GitopsTree = { applications: [], plainSecrets: [] },
): StackConfig {
    const required = (key: SecretKey) => checked(secret(key), key);
    const { cluster, tls, alerting, secretStore, backups, ...unchanged } = settings;
    const { profile } = settings;
    const { schedules, drill, maxAgeForUpdates } = profile.backups;
    const sshKey = secret("gitopsSshKey");
    const token = secret("gitopsToken");
    return {
        ...unchanged,
        cluster:
            cluster.mode === "kubeconfig"
                ? { ...cluster, kubeconfig: required("kubeconfig") }
                : {
                      ...cluster,
                      sshPrivateKey: secret("sshPrivateKey"),
                      etcdS3: cluster.etcdS3 && {
                          ...cluster.etcdS3,
                          accessKey: required("etcdS3AccessKey"),
                          secretKey: required("etcdS3SecretKey"),
                      },
                  },
        issuer:
            tls.kind === "privateCa"
                ? tls
                : {
                      ...tls,
                      solver:
                          tls.solver === "cloudflare"
                              ? { cloudflare: { apiToken: required("cloudflareApiToken") } }
                              : { http01: { ingressClass: settings.ingressClass } },
                  },
        alerts: alerting && {
            kind: alerting.receiver,
            ...(alerting.channel === undefined ? {} : { channel: alerting.channel }),
            url: required("alertingUrl"),
        },
        secretStore:
            secretStore.backend === "vault"
                ? { ...secretStore, token: secret("vaultToken") }
                : { ...secretStore, plainSecrets: tree.plainSecrets },
        gitopsCredentials: sshKey
            ? { sshPrivateKey: sshKey }
            : token
              ? { username: settings.gitops.username, password: token }
              : undefined,
        workloads: {
            replicas: profile.controllerReplicas,
            podDisruptionBudgets: profile.podDisruptionBudgets,
            resources: profile.resources,
        },
        guards: { podSecurity: profile.podSecurity === "enforced", protect: profile.deletionProtection },
        monitoringStorage: profile.monitoring.persistentStorage
            ? { storageClass: settings.storageClass, size: profile.monitoring.storageSize }
            : undefined,
        applications: tree.applications,
        backups: backups && {
            target: backups,
            credentials:
                profile.secrets === "vault"
                    ? { vault: { key: VELERO_VAULT_KEY } }
                    : { accessKey: required("backupS3AccessKey"), secretKey: required("backupS3SecretKey") },
            schedules: Object.fromEntries(
                Object.entries(schedules).map(([name, { schedule, ttl }]) => [name, { schedule, ttl }]),
            ),
            excludedNamespaces: NOT_BACKED_UP,
            drill: drill.schedule,
            alerts: {
                schedules: Object.fromEntries(Object.entries(schedules).map(([name, s]) => [name, s.alertAfter])),
                drillMaxAge: drill.alertAfter,
            },
            // The profile's first schedule is the one to back up with at once when the gate refuses.
            gate:
                maxAgeForUpdates === "none"
                    ? undefined
                    : {
                          maxAge: maxAgeForUpdates,
                          namespace: VELERO_NAMESPACE,
                          schedule: `${VELERO_RELEASE}-${Object.keys(schedules)[0]}`,
                      },
        },
    };
}
