// Synthetic series for promtool: a healthy cluster of the topology (every target up, every node
// Ready, every platform object fine), and faults, each the healthy series with one thing broken
// from FAULT_AT on and the alert it must fire.
import { runs } from "./k3s-process";
import { Target } from "./scrapes";
import { ClusterNode, RenderedTopology } from "./topologies";

/** Minutes into the series at which a fault starts. */
export const FAULT_AT = 30;
/** Minutes a healthy cluster is watched. */
export const HEALTHY_MINUTES = 120;

/** Series (promtool notation) -> values, one sample a minute from 0 to `minutes`. */
export type Series = Map<string, (minutes: number) => string>;

export interface Fault {
    readonly name: string;
    /** The alert's `for`, in minutes: it must fire by FAULT_AT + for + one evaluation. */
    readonly forMinutes: number;
    /** The firing alert's identifying labels (alertname first), exactly. */
    readonly fires: Readonly<Record<string, string>>;
    /** The alert's whole labels and annotations once it fires, where its text shows a value. */
    readonly alert?: { readonly labels: Record<string, string>; readonly annotations: Record<string, string> };
    readonly series: (healthy: Series) => Series;
}

/** A series selector in PromQL and promtool notation: `name{label="value",...}`. */
export const selector = (name: string, labels: Readonly<Record<string, string>>) =>
    `${name}{${Object.entries(labels)
        .map(([k, v]) => `${k}="${v}"`)
        .join(",")}}`;

const steady = (value: number) => (minutes: number) => `${value}x${minutes}`;
const rising = (perMinute: number) => (minutes: number) => `0+${perMinute}x${minutes}`;
/** `before` until FAULT_AT, then `after`. */
const turns = (before: number, after: number) => (minutes: number) =>
    `${before}x${FAULT_AT - 1} ${after}x${minutes - FAULT_AT}`;
const endsAtFault = () => (minutes: number) => `1x${FAULT_AT - 1} _x${minutes - FAULT_AT + 1}`;
const startsAtFault = () => (minutes: number) => `_x${FAULT_AT} 1x${minutes - FAULT_AT}`;

const KSM = { job: "kube-state-metrics", namespace: "monitoring", service: "kube-prometheus-stack-kube-state-metrics" };
const CERT = { job: "cert-manager", exported_namespace: "monitoring", name: "grafana-tls", issuer_name: "homelab-ca" };
const EXTERNAL_SECRET = { job: "external-secrets-metrics", exported_namespace: "example", name: "example" };
const ARGOCD = { job: "argocd-application-controller-metrics", exported_namespace: "argocd", project: "default" };
/** An application that syncs automatically (dev, staging, the infrastructure) and one that waits
 *  for a manual sync (production's applications). */
const APP = { ...ARGOCD, name: "example", autosync_enabled: "true" };
const MANUAL_APP = { ...ARGOCD, name: "example-manual", autosync_enabled: "false" };
const POOL = { job: "metallb-controller-metrics", pool: "default" };
const ALERTMANAGER = {
    job: "kube-prometheus-stack-alertmanager",
    namespace: "monitoring",
    container: "alertmanager",
    integration: "webhook",
};
const VELERO = { job: "velero", namespace: "velero", service: "velero" };
const DRILL = { ...KSM, namespace: "velero", cronjob: "backup-drill" };
const DAY = 86400;

/** What the environment backs up: each schedule's name (the Schedule is `velero-<name>`) with the
 *  age its newest successful backup may reach, and the age the last passed drill may reach. */
export interface BackupScenario {
    readonly schedules: Readonly<Record<string, number>>;
    readonly drillMaxAgeMinutes: number;
}

/** Velero's counters of a schedule's backups that failed, partially failed or were invalid. */
const BACKUP_FAILURES = [
    "velero_backup_failure_total",
    "velero_backup_partial_failure_total",
    "velero_backup_validation_failure_total",
];

/** A Unix time that keeps `ageSeconds` behind the series' clock (which starts at 0). */
const keepsAge = (ageSeconds: number) => (minutes: number) => `${-ageSeconds}+60x${minutes}`;

/** The series of the backup schedules, the store and the drill, all healthy. */
function backupSeries(backups: BackupScenario): [string, (minutes: number) => string][] {
    return [
        ...Object.keys(backups.schedules).flatMap((name): [string, (minutes: number) => string][] => [
            [
                selector("velero_backup_last_successful_timestamp", { ...VELERO, schedule: `velero-${name}` }),
                keepsAge(3600),
            ],
            ...BACKUP_FAILURES.map((counter): [string, (minutes: number) => string] => [
                selector(counter, { ...VELERO, schedule: `velero-${name}` }),
                steady(0),
            ]),
        ]),
        // Velero's series for backups made by hand, which carry no schedule.
        ...BACKUP_FAILURES.map((counter): [string, (minutes: number) => string] => [
            selector(counter, { ...VELERO, schedule: "" }),
            steady(0),
        ]),
        [selector("velero_backup_location_status_gauge", { ...VELERO, backup_location_name: "default" }), steady(1)],
        // The last drill was scheduled two hours ago and passed 20 minutes later.
        [selector("kube_cronjob_status_last_schedule_time", DRILL), keepsAge(7200)],
        [selector("kube_cronjob_status_last_successful_time", DRILL), keepsAge(6000)],
        [selector("kube_cronjob_status_active", DRILL), steady(0)],
    ];
}

function nodeCondition(node: ClusterNode, status: "true" | "false" | "unknown") {
    return selector("kube_node_status_condition", { ...KSM, node: node.name, condition: "Ready", status });
}

/** Snapshot series of each server's local store, the newest taken an hour before the series start. */
function snapshotSeries(server: ClusterNode, name = `local-on-demand-${server.name}`): [string, string] {
    const labels = { ...KSM, name, node: server.name, storage: server.name };
    return [
        selector("kube_customresource_etcdsnapshotfile_creation_timestamp_seconds", labels),
        selector("kube_customresource_etcdsnapshotfile_ready_to_use", labels),
    ];
}

/** The healthy cluster: what every rule reads, at its healthy value. */
export function healthySeries(
    topology: RenderedTopology,
    targets: Target[],
    snapshots: boolean,
    backups?: BackupScenario,
): Series {
    const series: Series = new Map(backups ? backupSeries(backups) : []);
    // A control-plane target is up only where K3s runs its component: scraping etcd on SQLite
    // finds nothing to scrape.
    for (const target of targets)
        series.set(
            selector("up", target.labels),
            steady(!target.node || runs(target.node, target.job, topology.etcd) ? 1 : 0),
        );
    for (const node of topology.nodes) {
        series.set(selector("kube_node_info", { ...KSM, node: node.name }), steady(1));
        series.set(selector("kube_node_spec_unschedulable", { ...KSM, node: node.name }), steady(0));
        series.set(nodeCondition(node, "true"), steady(1));
        series.set(nodeCondition(node, "false"), steady(0));
        series.set(nodeCondition(node, "unknown"), steady(0));
    }
    for (const server of topology.nodes.filter((n) => n.role === "server" && topology.etcd)) {
        const instance = targets.find((t) => t.job === "kube-etcd" && t.node === server)?.labels.instance;
        if (instance) series.set(selector("etcd_server_has_leader", { job: "kube-etcd", instance }), steady(1));
        if (snapshots) {
            const [created, ready] = snapshotSeries(server);
            series.set(created, steady(-3600));
            series.set(ready, steady(1));
        }
    }
    series.set(selector("certmanager_certificate_expiration_timestamp_seconds", CERT), steady(90 * DAY));
    series.set(selector("certmanager_certificate_ready_status", { ...CERT, condition: "True" }), steady(1));
    series.set(selector("certmanager_certificate_ready_status", { ...CERT, condition: "False" }), steady(0));
    series.set(
        selector("externalsecret_status_condition", { ...EXTERNAL_SECRET, condition: "Ready", status: "True" }),
        steady(1),
    );
    series.set(
        selector("externalsecret_status_condition", { ...EXTERNAL_SECRET, condition: "Ready", status: "False" }),
        steady(0),
    );
    for (const app of [APP, MANUAL_APP])
        series.set(selector("argocd_app_info", { ...app, sync_status: "Synced", health_status: "Healthy" }), steady(1));
    series.set(selector("metallb_allocator_addresses_in_use_total", POOL), steady(3));
    series.set(selector("metallb_allocator_addresses_total", POOL), steady(20));
    series.set(selector("alertmanager_notifications_total", ALERTMANAGER), rising(10));
    series.set(selector("alertmanager_notifications_failed_total", { ...ALERTMANAGER, reason: "other" }), rising(0));
    return series;
}

/** The example application's info series moving from Synced and Healthy to other statuses:
 *  `argocd_app_info` carries its statuses as labels, so one series ends and another starts. */
const appBecomes = (
    app: Record<string, string>,
    sync: string,
    health: string,
): [string, (minutes: number) => string][] => [
    [selector("argocd_app_info", { ...app, sync_status: "Synced", health_status: "Healthy" }), endsAtFault()],
    [selector("argocd_app_info", { ...app, sync_status: sync, health_status: health }), startsAtFault()],
];

const changed = (healthy: Series, changes: [string, (minutes: number) => string][]) => {
    const series = new Map(healthy);
    for (const [name, values] of changes) series.set(name, values);
    return series;
};

/** The faults that apply to the topology, each with the alert it must fire; `runbook` is where
 *  the environment's alerts link, `snapshots` how old its newest may get. */
export function faults(
    topology: RenderedTopology,
    targets: Target[],
    runbook: string,
    snapshots: { readonly maxAgeMinutes: number } | undefined,
    backups?: BackupScenario,
): Fault[] {
    const servers = topology.nodes.filter((n) => n.role === "server");
    const lastServer = servers[servers.length - 1];
    const lastNode = topology.nodes[topology.nodes.length - 1];
    const etcdTargets = targets.filter((t) => t.job === "kube-etcd");
    const down = (which: Target[]) =>
        which.map((t): [string, (m: number) => string] => [selector("up", t.labels), turns(1, 0)]);
    const notReady = (node: ClusterNode): [string, (m: number) => string][] => [
        [nodeCondition(node, "true"), turns(1, 0)],
        [nodeCondition(node, "unknown"), turns(0, 1)],
    ];
    const list: Fault[] = [
        {
            name: `a server down (${lastServer.name})`,
            forMinutes: 10,
            fires: { alertname: "TargetDown", job: "apiserver" },
            series: (h) => changed(h, [...down(targets.filter((t) => t.node === lastServer)), ...notReady(lastServer)]),
        },
        {
            name: `a node NotReady (${lastNode.name})`,
            forMinutes: 15,
            fires: { alertname: "KubeNodeNotReady", node: lastNode.name },
            series: (h) => changed(h, notReady(lastNode)),
        },
        {
            name: "a certificate expiring in under 14 days",
            forMinutes: 60,
            fires: { alertname: "CertificateExpiresSoon", name: "grafana-tls" },
            // At FAULT_AT + 61m the certificate has 13 days less 61 minutes left.
            alert: {
                labels: { severity: "warning", ...CERT },
                annotations: {
                    summary: "A certificate expires in less than 14 days.",
                    description:
                        "Certificate monitoring/grafana-tls expires in 12d 22h 59m 0s; cert-manager renews 30 days ahead, so renewal is failing.",
                    runbook_url: `${runbook}#certificateexpiressoon`,
                },
            },
            series: (h) =>
                changed(h, [
                    [
                        selector("certmanager_certificate_expiration_timestamp_seconds", CERT),
                        turns(90 * DAY, FAULT_AT * 60 + 13 * DAY),
                    ],
                ]),
        },
        {
            name: "an External Secret failing to sync",
            forMinutes: 15,
            fires: { alertname: "ExternalSecretNotSynced", name: "example" },
            series: (h) =>
                changed(h, [
                    [
                        selector("externalsecret_status_condition", {
                            ...EXTERNAL_SECRET,
                            condition: "Ready",
                            status: "True",
                        }),
                        turns(1, 0),
                    ],
                    [
                        selector("externalsecret_status_condition", {
                            ...EXTERNAL_SECRET,
                            condition: "Ready",
                            status: "False",
                        }),
                        turns(0, 1),
                    ],
                ]),
        },
        {
            name: "an Argo CD application Degraded for long",
            forMinutes: 15,
            fires: { alertname: "ArgoCDApplicationDegraded", name: "example" },
            series: (h) => changed(h, appBecomes(APP, "Synced", "Degraded")),
        },
        {
            name: "an Argo CD application OutOfSync for long although it syncs automatically",
            forMinutes: 30,
            fires: { alertname: "ArgoCDApplicationOutOfSync", name: "example" },
            series: (h) => changed(h, appBecomes(APP, "OutOfSync", "Healthy")),
        },
        {
            name: "an Argo CD application waiting for a manual sync for long",
            forMinutes: 240,
            fires: { alertname: "ArgoCDApplicationAwaitingSync", name: "example-manual" },
            series: (h) => changed(h, appBecomes(MANUAL_APP, "OutOfSync", "Healthy")),
        },
        {
            name: "a MetalLB pool with no free address",
            forMinutes: 5,
            fires: { alertname: "MetalLBAddressPoolExhausted", pool: "default" },
            series: (h) => changed(h, [[selector("metallb_allocator_addresses_in_use_total", POOL), turns(3, 20)]]),
        },
        {
            name: "Alertmanager failing to send",
            forMinutes: 5,
            fires: { alertname: "AlertmanagerFailedToSendAlerts", integration: "webhook" },
            series: (h) =>
                changed(h, [
                    [
                        selector("alertmanager_notifications_failed_total", { ...ALERTMANAGER, reason: "other" }),
                        (m) => `0x${FAULT_AT - 1} 0+5x${m - FAULT_AT}`,
                    ],
                ]),
        },
    ];
    if (topology.etcd) {
        const quorum = etcdTargets.slice(0, Math.floor(etcdTargets.length / 2) + 1);
        list.push({
            name: `etcd losing quorum (${quorum.length} of ${etcdTargets.length} members down)`,
            forMinutes: 3,
            fires: { alertname: "etcdInsufficientMembers", job: "kube-etcd" },
            series: (h) => changed(h, down(quorum)),
        });
        if (etcdTargets.length > 1)
            list.push({
                name: "etcd losing a member",
                forMinutes: 20,
                fires: { alertname: "etcdMembersDown", job: "kube-etcd" },
                series: (h) => changed(h, down(etcdTargets.slice(-1))),
            });
    }
    if (topology.etcd && snapshots) {
        const server = servers[0];
        const [created, ready] = snapshotSeries(server);
        const [failedCreated, failedReady] = snapshotSeries(server, `local-failed-${server.name}`);
        const stale = turns(-3600, -30 * DAY);
        list.push(
            {
                name: `a stale etcd snapshot (${server.name})`,
                forMinutes: 10,
                fires: { alertname: "EtcdSnapshotStale", storage: server.name },
                // From FAULT_AT on, the newest snapshot is older than the environment's limit allows.
                series: (h) => changed(h, [[created, stale]]),
            },
            {
                name: `a failed etcd snapshot newer than the last ready one, which is stale (${server.name})`,
                forMinutes: 10,
                fires: { alertname: "EtcdSnapshotStale", storage: server.name },
                series: (h) =>
                    changed(h, [
                        [created, stale],
                        [failedCreated, (m) => `_x${FAULT_AT} ${FAULT_AT * 60}x${m - FAULT_AT}`],
                        [failedReady, (m) => `_x${FAULT_AT} 0x${m - FAULT_AT}`],
                    ]),
            },
            {
                name: `every etcd snapshot of a store failed (${server.name})`,
                forMinutes: 60,
                fires: { alertname: "EtcdSnapshotFailing", storage: server.name },
                series: (h) => changed(h, [[ready, turns(1, 0)]]),
            },
            {
                name: "no etcd snapshot at all",
                // The last samples stay visible for Prometheus' five-minute lookback.
                forMinutes: snapshots.maxAgeMinutes + 5,
                fires: { alertname: "EtcdSnapshotsMissing" },
                series: (h) =>
                    changed(
                        h,
                        servers.flatMap((n) => {
                            const [c, r] = snapshotSeries(n);
                            return [
                                [c, (m: number) => `-3600x${FAULT_AT - 1} _x${m - FAULT_AT + 1}`],
                                [r, endsAtFault()],
                            ] as [string, (m: number) => string][];
                        }),
                    ),
            },
        );
    }
    if (backups) list.push(...backupFaults(backups));
    return list;
}

/** The faults of Velero's backups, its store and the restore drill. */
function backupFaults(backups: BackupScenario): Fault[] {
    const [name, maxAgeMinutes] = Object.entries(backups.schedules)[0];
    const schedule = { ...VELERO, schedule: `velero-${name}` };
    const lastSuccess = selector("velero_backup_last_successful_timestamp", schedule);
    const drillPassed = selector("kube_cronjob_status_last_successful_time", DRILL);
    const drillScheduled = selector("kube_cronjob_status_last_schedule_time", DRILL);
    const drillActive = selector("kube_cronjob_status_active", DRILL);
    /** A drill scheduled at FAULT_AT that runs ten minutes and does not pass. */
    const failedDrill = (before: string): [string, (m: number) => string][] => [
        [drillScheduled, (m) => `${before} ${FAULT_AT * 60}x${m - FAULT_AT}`],
        [drillActive, (m) => `0x${FAULT_AT - 1} 1x9 0x${m - FAULT_AT - 10}`],
    ];
    /** From FAULT_AT on, a time `ageMinutes` (and an hour) older than the fault. */
    const staleFrom = (ageMinutes: number) => (m: number) =>
        `-3600+60x${FAULT_AT - 1} ${-(ageMinutes + 60) * 60}x${m - FAULT_AT}`;
    return [
        {
            name: `a backup schedule whose backups stopped succeeding (velero-${name})`,
            forMinutes: 10,
            fires: { alertname: "VeleroBackupStale", schedule: `velero-${name}` },
            series: (h) => changed(h, [[lastSuccess, staleFrom(maxAgeMinutes)]]),
        },
        {
            name: `a failed or partially failed scheduled backup (velero-${name})`,
            forMinutes: 5,
            fires: { alertname: "VeleroBackupFailed", schedule: `velero-${name}` },
            series: (h) => changed(h, [[selector("velero_backup_partial_failure_total", schedule), turns(0, 1)]]),
        },
        {
            name: "the backup store unavailable",
            forMinutes: 15,
            fires: { alertname: "VeleroBackupLocationUnavailable", backup_location_name: "default" },
            series: (h) =>
                changed(h, [
                    [
                        selector("velero_backup_location_status_gauge", { ...VELERO, backup_location_name: "default" }),
                        turns(1, 0),
                    ],
                ]),
        },
        {
            name: "a failed restore drill",
            // Pending once the drill's Job has ended, ten minutes after it was scheduled.
            forMinutes: 15,
            fires: { alertname: "BackupDrillFailed", cronjob: "backup-drill" },
            series: (h) => changed(h, failedDrill(`-7200+60x${FAULT_AT - 1}`)),
        },
        {
            name: "a failed first restore drill, none passed before",
            forMinutes: 15,
            fires: { alertname: "BackupDrillFailed", cronjob: "backup-drill" },
            series: (h) => {
                const series = changed(h, failedDrill(`_x${FAULT_AT - 1}`));
                series.delete(drillPassed);
                return series;
            },
        },
        {
            name: "a restore drill that stopped passing",
            forMinutes: 10,
            fires: { alertname: "BackupDrillStale", cronjob: "backup-drill" },
            series: (h) => changed(h, [[drillPassed, staleFrom(backups.drillMaxAgeMinutes)]]),
        },
        {
            name: `a backup schedule without any successful backup (velero-${name})`,
            // The last samples stay visible for Prometheus' five-minute lookback.
            forMinutes: maxAgeMinutes + 5,
            fires: { alertname: "VeleroBackupMissing", schedule: `velero-${name}` },
            series: (h) => changed(h, [[lastSuccess, endsAtFault()]]),
        },
        {
            name: "no restore drill ever passed",
            forMinutes: backups.drillMaxAgeMinutes + 5,
            fires: { alertname: "BackupDrillMissing", cronjob: "backup-drill" },
            series: (h) => changed(h, [[drillPassed, endsAtFault()]]),
        },
    ];
}

/** One promtool test group over `series` for `minutes`. */
export function testGroup(
    series: Series,
    minutes: number,
    checks: Record<string, unknown>[],
    alertChecks: Record<string, unknown>[] = [],
): Record<string, unknown> {
    return {
        interval: "1m",
        input_series: [...series].map(([name, values]) => ({ series: name, values: values(minutes) })),
        promql_expr_test: checks,
        ...(alertChecks.length > 0 ? { alert_rule_test: alertChecks } : {}),
    };
}
