// The platform's own alerts, for what kube-prometheus-stack's rules do not watch: certificates,
// External Secrets, Argo CD applications, MetalLB's pools, etcd snapshots, Velero's backups and
// the restore drill. Each alert links its section of docs/runbooks/platform-alerts.md.
import { ARGOCD_RELEASE } from "../argocd";
import { CERT_MANAGER_RELEASE } from "../cert-manager";
import { EXTERNAL_SECRETS_RELEASE } from "../external-secrets";
import { METALLB_METRICS_SERVICE } from "../metallb";
import { DRILL_CRONJOB } from "../velero/drill";
import { VELERO_NAMESPACE, VELERO_RELEASE } from "../velero/velero";

/** What the platform alerts watch, and where their runbook is. */
export interface PlatformAlerts {
    /** Web URL of docs/runbooks/platform-alerts.md at the deployed revision. */
    readonly runbook: string;
    /** Scheduled etcd snapshots, and how old the newest may get (Prometheus duration). */
    readonly snapshots?: { readonly maxAge: string };
    /** Velero's schedules (by name, each with how old its newest successful backup may get) and
     *  how old the last passed restore drill may get (Prometheus durations). */
    readonly backups?: { readonly schedules: Readonly<Record<string, string>>; readonly drillMaxAge: string };
}

/** Jobs the alerts read, as the ServiceMonitors name them: the metrics Services, which the charts
 *  name after their releases (and kube-state-metrics's relabeled job). */
export const PLATFORM_JOBS = {
    certManager: CERT_MANAGER_RELEASE,
    externalSecrets: `${EXTERNAL_SECRETS_RELEASE}-metrics`,
    argocd: `${ARGOCD_RELEASE}-application-controller-metrics`,
    metallb: METALLB_METRICS_SERVICE,
    velero: VELERO_RELEASE,
    kubeStateMetrics: "kube-state-metrics",
} as const;

/** kube-state-metrics' series for K3s's ETCDSnapshotFile objects (see `snapshotMetricsValues`). */
const SNAPSHOT_CREATED = "kube_customresource_etcdsnapshotfile_creation_timestamp_seconds";
const SNAPSHOT_READY = "kube_customresource_etcdsnapshotfile_ready_to_use";

interface Alert {
    readonly alert: string;
    readonly expr: string;
    readonly for: string;
    readonly severity: "warning" | "critical";
    readonly summary: string;
    readonly description: string;
}

function rule(runbook: string, a: Alert): Record<string, unknown> {
    return {
        alert: a.alert,
        expr: a.expr,
        for: a.for,
        labels: { severity: a.severity },
        annotations: {
            summary: a.summary,
            description: a.description,
            runbook_url: `${runbook}#${a.alert.toLowerCase()}`,
        },
    };
}

const group = (name: string, runbook: string, alerts: Alert[]) => ({
    name,
    rules: alerts.map((a) => rule(runbook, a)),
});

/** The rule groups, for the chart's `additionalPrometheusRulesMap`. */
export function platformRuleGroups(args: PlatformAlerts): Record<string, unknown>[] {
    const { runbook } = args;
    const job = (name: keyof typeof PLATFORM_JOBS) => `job="${PLATFORM_JOBS[name]}"`;
    return [
        group("homelab.certificates", runbook, [
            {
                alert: "CertificateExpiresSoon",
                // The value is the time left (what the description shows); 0 is "not issued yet".
                expr: `(certmanager_certificate_expiration_timestamp_seconds{${job("certManager")}} - time()) < 14 * 86400 and certmanager_certificate_expiration_timestamp_seconds{${job("certManager")}} > 0`,
                for: "1h",
                severity: "warning",
                summary: "A certificate expires in less than 14 days.",
                description:
                    "Certificate {{ $labels.exported_namespace }}/{{ $labels.name }} expires in {{ $value | humanizeDuration }}; cert-manager renews 30 days ahead, so renewal is failing.",
            },
            {
                alert: "CertificateNotReady",
                expr: `certmanager_certificate_ready_status{${job("certManager")}, condition="False"} == 1`,
                for: "30m",
                severity: "warning",
                summary: "A certificate is not ready.",
                description:
                    "Certificate {{ $labels.exported_namespace }}/{{ $labels.name }} (issuer {{ $labels.issuer_name }}) has not been ready for 30 minutes.",
            },
        ]),
        group("homelab.external-secrets", runbook, [
            {
                alert: "ExternalSecretNotSynced",
                expr: `externalsecret_status_condition{${job("externalSecrets")}, condition="Ready", status="False"} == 1`,
                for: "15m",
                severity: "warning",
                summary: "An ExternalSecret fails to sync.",
                description:
                    "ExternalSecret {{ $labels.exported_namespace }}/{{ $labels.name }} has not synced from its store for 15 minutes; its Secret keeps the last value it got.",
            },
        ]),
        group("homelab.argocd", runbook, [
            {
                alert: "ArgoCDApplicationDegraded",
                expr: `argocd_app_info{${job("argocd")}, health_status="Degraded"} == 1`,
                for: "15m",
                severity: "warning",
                summary: "An Argo CD application is Degraded.",
                description:
                    "Application {{ $labels.name }} (project {{ $labels.project }}) has been Degraded for 15 minutes.",
            },
            {
                alert: "ArgoCDApplicationOutOfSync",
                expr: `argocd_app_info{${job("argocd")}, sync_status="OutOfSync", autosync_enabled="true"} == 1`,
                for: "30m",
                severity: "warning",
                summary: "An Argo CD application that syncs automatically is OutOfSync.",
                description:
                    "Application {{ $labels.name }} has been OutOfSync for 30 minutes although it syncs automatically: its syncs fail.",
            },
            {
                // A manual sync (production's applications) leaves a promoted change OutOfSync
                // until someone approves it: only a forgotten one is worth an alert.
                alert: "ArgoCDApplicationAwaitingSync",
                expr: `argocd_app_info{${job("argocd")}, sync_status="OutOfSync", autosync_enabled="false"} == 1`,
                for: "4h",
                severity: "warning",
                summary: "An Argo CD application has waited for a manual sync for 4 hours.",
                description:
                    "Application {{ $labels.name }} has been OutOfSync, waiting for a manual sync, for 4 hours.",
            },
        ]),
        group("homelab.metallb", runbook, [
            {
                alert: "MetalLBAddressPoolExhausted",
                expr: `metallb_allocator_addresses_in_use_total{${job("metallb")}} >= metallb_allocator_addresses_total{${job("metallb")}}`,
                for: "5m",
                severity: "warning",
                summary: "A MetalLB address pool has no free address.",
                description:
                    "Pool {{ $labels.pool }} has handed out every address; a new LoadBalancer Service stays pending.",
            },
        ]),
        ...(args.snapshots
            ? [
                  group("homelab.etcd-snapshots", runbook, [
                      {
                          alert: "EtcdSnapshotStale",
                          // Failed snapshots carry a creation time too: only ready ones count.
                          expr: `time() - max by (storage) (${SNAPSHOT_CREATED}{${job("kubeStateMetrics")}} and on (name) (${SNAPSHOT_READY}{${job("kubeStateMetrics")}} == 1)) > ${durationSeconds(args.snapshots.maxAge)}`,
                          for: "10m",
                          severity: "warning",
                          summary: "The newest etcd snapshot is too old.",
                          description: `The newest ready etcd snapshot in {{ $labels.storage }} is {{ $value | humanizeDuration }} old, more than ${args.snapshots.maxAge}: scheduled snapshots fail.`,
                      },
                      {
                          alert: "EtcdSnapshotFailing",
                          expr: `max by (storage) (${SNAPSHOT_READY}{${job("kubeStateMetrics")}}) == 0`,
                          for: "1h",
                          severity: "warning",
                          summary: "No etcd snapshot in a store is ready.",
                          description:
                              "Every etcd snapshot in {{ $labels.storage }} failed; there is none to restore from there.",
                      },
                      {
                          // No snapshot object at all: snapshots never ran, or kube-state-metrics
                          // cannot read them. The first scheduled one comes well before this.
                          alert: "EtcdSnapshotsMissing",
                          expr: `absent(${SNAPSHOT_CREATED}{${job("kubeStateMetrics")}})`,
                          for: args.snapshots.maxAge,
                          severity: "warning",
                          summary: "No etcd snapshot exists.",
                          description: `No etcd snapshot has been seen for ${args.snapshots.maxAge}.`,
                      },
                  ]),
              ]
            : []),
        ...(args.backups ? [group("homelab.backups", runbook, backupAlerts(args.backups, job))] : []),
    ];
}

/** Velero's backups, its store and the restore drill (kube-state-metrics' series of its CronJob). */
function backupAlerts(
    backups: NonNullable<PlatformAlerts["backups"]>,
    job: (name: keyof typeof PLATFORM_JOBS) => string,
): Alert[] {
    const drill = `${job("kubeStateMetrics")}, namespace="${VELERO_NAMESPACE}", cronjob="${DRILL_CRONJOB}"`;
    const scheduled = (name: string) => `${job("velero")}, schedule="${VELERO_RELEASE}-${name}"`;
    return [
        ...Object.entries(backups.schedules).flatMap(([name, maxAge]): Alert[] => [
            {
                alert: "VeleroBackupStale",
                expr: `time() - velero_backup_last_successful_timestamp{${scheduled(name)}} > ${durationSeconds(maxAge)}`,
                for: "10m",
                severity: "critical",
                summary: "A backup schedule's newest successful backup is too old.",
                description: `The newest successful backup of {{ $labels.schedule }} is {{ $value | humanizeDuration }} old, more than ${maxAge}: its backups fail or do not run.`,
            },
            {
                // No successful backup at all: a new schedule backs up at once, so only one whose
                // backups never succeeded (or a Velero that does not run) goes this long without.
                alert: "VeleroBackupMissing",
                expr: `absent(velero_backup_last_successful_timestamp{${scheduled(name)}})`,
                for: maxAge,
                severity: "critical",
                summary: "A backup schedule has no successful backup.",
                description: `No successful backup of {{ $labels.schedule }} has been seen for ${maxAge}.`,
            },
        ]),
        {
            // Velero counts each schedule's failed, partially failed and invalid backups (its
            // last-status gauge is no use: the schedule controller sets it back to 1 every minute).
            alert: "VeleroBackupFailed",
            expr: `sum by (schedule) (${["failure", "partial_failure", "validation_failure"]
                .map((outcome) => `increase(velero_backup_${outcome}_total{${job("velero")}, schedule!=""}[1d])`)
                .join(" + ")}) > 0`,
            for: "5m",
            severity: "warning",
            summary: "A scheduled backup failed or partially failed in the last day.",
            description:
                "A backup of {{ $labels.schedule }} failed, left items out or was invalid within the last 24 hours; the drill and the update gate use the newest complete one.",
        },
        {
            alert: "VeleroBackupLocationUnavailable",
            expr: `velero_backup_location_status_gauge{${job("velero")}} == 0`,
            for: "15m",
            severity: "critical",
            summary: "Velero cannot reach its backup store.",
            description:
                "Backup storage location {{ $labels.backup_location_name }} has been unavailable for 15 minutes: no backup can be written or restored.",
        },
        {
            // The last scheduled drill came after the last passed one and no drill is running: it
            // failed (or the first drill failed, with none passed before it).
            alert: "BackupDrillFailed",
            expr: `((kube_cronjob_status_last_schedule_time{${drill}} > kube_cronjob_status_last_successful_time{${drill}}) or (kube_cronjob_status_last_schedule_time{${drill}} unless kube_cronjob_status_last_successful_time{${drill}})) and on (namespace, cronjob) (kube_cronjob_status_active{${drill}} == 0)`,
            for: "5m",
            severity: "critical",
            summary: "The restore drill failed.",
            description:
                "The last restore drill did not restore the canary's newest backup with the value it held: the backups may not restore.",
        },
        {
            alert: "BackupDrillStale",
            expr: `time() - kube_cronjob_status_last_successful_time{${drill}} > ${durationSeconds(backups.drillMaxAge)}`,
            for: "10m",
            severity: "warning",
            summary: "No restore drill has passed for too long.",
            description: `The last passed restore drill is {{ $value | humanizeDuration }} old, more than ${backups.drillMaxAge}.`,
        },
        {
            alert: "BackupDrillMissing",
            expr: `absent(kube_cronjob_status_last_successful_time{${drill}})`,
            for: backups.drillMaxAge,
            severity: "warning",
            summary: "No restore drill has ever passed.",
            description: `No passed restore drill has been seen for ${backups.drillMaxAge}.`,
        },
    ];
}

/** Web URL of the runbook in the repository Argo CD deploys from (`https://`, `ssh://` or
 *  `git@host:` form), at `revision`, in the `/blob/` layout of GitHub and GitLab. */
export function runbookUrl(repoUrl: string, revision: string): string {
    const web = repoUrl
        .replace(/^ssh:\/\/(?:[^@/]+@)?([^/:]+)(?::\d+)?\//, "https://$1/")
        .replace(/^[^@/]+@([^:/]+):/, "https://$1/")
        .replace(/^http:\/\//, "https://")
        .replace(/\.git$/, "")
        .replace(/\/$/, "");
    return `${web}/blob/${revision}/docs/runbooks/platform-alerts.md`;
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** Seconds in a Prometheus duration of one or more parts (`25h`, `1d12h`). */
export function durationSeconds(duration: string): number {
    const parts = [...duration.matchAll(/(\d+)([smhdw])/g)];
    if (parts.length === 0 || parts.map((p) => p[0]).join("") !== duration)
        throw new Error(`not a duration in s, m, h, d or w: ${duration}`);
    return parts.reduce((sum, [, n, unit]) => sum + Number(n) * UNIT_SECONDS[unit], 0);
}

/** kube-state-metrics values that export K3s's ETCDSnapshotFile objects: their creation time
 *  (RFC 3339, which it turns into Unix seconds) and whether they are ready to use, labeled by
 *  where they are stored (a server's name, or `s3`). */
export function snapshotMetricsValues(): Record<string, unknown> {
    const storage = ["metadata", "labels", "etcd.k3s.cattle.io/snapshot-storage-node"];
    return {
        rbac: {
            extraRules: [{ apiGroups: ["k3s.cattle.io"], resources: ["etcdsnapshotfiles"], verbs: ["list", "watch"] }],
        },
        customResourceState: {
            enabled: true,
            config: {
                kind: "CustomResourceStateMetrics",
                spec: {
                    resources: [
                        {
                            groupVersionKind: { group: "k3s.cattle.io", version: "v1", kind: "ETCDSnapshotFile" },
                            resourcePlural: "etcdsnapshotfiles",
                            labelsFromPath: { name: ["metadata", "name"], node: ["spec", "nodeName"], storage },
                            metrics: [
                                {
                                    name: "etcdsnapshotfile_creation_timestamp_seconds",
                                    help: "When K3s took the snapshot (status.creationTime).",
                                    each: { type: "Gauge", gauge: { path: ["status", "creationTime"] } },
                                },
                                {
                                    name: "etcdsnapshotfile_ready_to_use",
                                    help: "Whether the snapshot succeeded (status.readyToUse).",
                                    each: { type: "Gauge", gauge: { path: ["status", "readyToUse"], nilIsZero: true } },
                                },
                            ],
                        },
                    ],
                },
            },
        },
    };
}
