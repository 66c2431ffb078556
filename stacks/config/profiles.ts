// What dev, staging and production mean, as typed data (README.md, "Environments").
// Components read these knobs; none of them asks which environment it is in.
import { z } from "zod";
import { matching } from "./fields";

export const ENVIRONMENTS = ["dev", "staging", "production"] as const;

/** Each cron field's range, with the names the parser also takes. */
const CRON_FIELDS: readonly { min: number; max: number; names?: readonly string[] }[] = [
    { min: 0, max: 59 },
    { min: 0, max: 23 },
    { min: 1, max: 31 },
    { min: 1, max: 12, names: ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"] },
    { min: 0, max: 6, names: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] },
];

/** A schedule K3s's cron parser (robfig/cron, standard spec) accepts. */
function isCronSchedule(schedule: string): boolean {
    if (/^@(yearly|annually|monthly|weekly|daily|midnight|hourly)$/.test(schedule)) return true;
    if (/^@every (\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(schedule)) return true;
    // A time zone may lead the five fields (`CRON_TZ=Europe/Berlin 0 3 * * *`).
    const fields = schedule
        .trim()
        .replace(/^(CRON_)?TZ=\S+\s+/, "")
        .split(/\s+/);
    return fields.length === 5 && fields.every((field, i) => isCronField(field, CRON_FIELDS[i]));
}

function isCronField(field: string, range: (typeof CRON_FIELDS)[number]): boolean {
    const value = (text: string) => {
        const named = range.names?.indexOf(text.toLowerCase()) ?? -1;
        const n = named >= 0 ? named + range.min : /^\d+$/.test(text) ? Number(text) : NaN;
        return n >= range.min && n <= range.max ? n : undefined;
    };
    return field.split(",").every((part) => {
        const [span, step, ...rest] = part.split("/");
        if (rest.length > 0 || (step !== undefined && !/^[1-9]\d*$/.test(step))) return false;
        if (span === "*" || span === "?") return true;
        const [from, to, ...more] = span.split("-");
        const start = value(from);
        const end = to === undefined ? start : value(to);
        return more.length === 0 && start !== undefined && end !== undefined && start <= end;
    });
}
export type Environment = (typeof ENVIRONMENTS)[number];

/** Whether `v` is a duration Prometheus and the alerts take (s, m, h, d or w), above zero. */
const isAlertDuration = (v: string) => /^(\d+[smhdw])+$/.test(v) && /[1-9]/.test(v);
const alertDuration = () => matching(isAlertDuration, "is not a duration in s, m, h, d or w above zero");

/** A cron schedule of robfig/cron's standard spec, which K3s, Velero and Kubernetes' CronJobs
 *  parse; Kubernetes refuses a `TZ=` prefix (its CronJobs take spec.timeZone instead). */
const cronSchedule = (what: string, timeZonePrefix = true) =>
    matching(
        (v) => isCronSchedule(v) && (timeZonePrefix || !/^(CRON_)?TZ=/.test(v.trim())),
        `is not a cron schedule ${what} accepts (five fields in range, or @hourly, @daily, @weekly, @monthly, @yearly, @every <duration>${timeZonePrefix ? "" : "; no TZ= prefix"})`,
    );

const etcdSnapshotsSchema = z
    .strictObject({
        /** Take scheduled K3s etcd snapshots. */
        enabled: z.boolean().meta({ example: true }),
        /** Cron schedule of the snapshots (K3s `--etcd-snapshot-schedule-cron`): five fields, or a
         *  descriptor such as `@daily` or `@every 6h`. */
        schedule: cronSchedule("K3s").meta({ example: "0 */6 * * *" }),
        /** Snapshots kept on each server (K3s `--etcd-snapshot-retention`). */
        retention: z.int().min(1).meta({ example: 28 }),
        /** Age of the newest ready snapshot past which `EtcdSnapshotStale` fires (s, m, h, d or w):
         *  two scheduled runs and a margin, so one missed run is not an alert. */
        alertAfter: alertDuration().meta({ example: "13h" }),
    })
    .meta({ example: { enabled: true, schedule: "0 */6 * * *", retention: 28, alertAfter: "13h" } });

const backupScheduleSchema = z
    .strictObject({
        /** When Velero backs up (robfig/cron, as K3s's snapshots). */
        schedule: cronSchedule("Velero").meta({ example: "0 */4 * * *" }),
        /** How long Velero keeps each backup: a Go duration in h, m and s (Velero's `ttl`). */
        ttl: matching(
            (v) => /^(\d+[hms])+$/.test(v) && /[1-9]/.test(v),
            "is not a duration in h, m and s above zero (Velero's ttl takes no days: 168h is a week)",
        ).meta({ example: "168h" }),
        /** Age of the schedule's newest successful backup past which `VeleroBackupStale` fires:
         *  two scheduled runs and a margin, so one missed run is not an alert. */
        alertAfter: alertDuration().meta({ example: "9h" }),
    })
    .meta({ example: { schedule: "0 */4 * * *", ttl: "72h", alertAfter: "9h" } });

const backupsSchema = z
    .strictObject({
        /** Whether a stack must name a backup target (`homelab:backups`): `required` refuses one
         *  without, `recommended` warns, `optional` installs Velero only where one is named. */
        target: z.enum(["optional", "recommended", "required"]).meta({ example: "required" }),
        /** Velero's schedules by name (each the Schedule `velero-<name>`), every one backing up
         *  everything outside the platform's own namespaces. At least one. */
        schedules: z
            .record(matching(/^[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?$/, "is not a short DNS label"), backupScheduleSchema)
            .refine((schedules) => Object.keys(schedules).length > 0, { error: "names no schedule" })
            .meta({ example: { daily: { schedule: "0 3 * * *", ttl: "168h", alertAfter: "49h" } } }),
        /** The restore drill: when it restores the canary's newest backup, and the age of the last
         *  passed drill past which `BackupDrillStale` fires. */
        drill: z
            .strictObject({
                schedule: cronSchedule("a Kubernetes CronJob", false).meta({ example: "0 6 * * *" }),
                alertAfter: alertDuration().meta({ example: "49h" }),
            })
            .meta({ example: { schedule: "0 6 * * *", alertAfter: "49h" } }),
        /** Updates of the stack (`scripts/backup-gate.sh`) wait for a backup younger than this, or
         *  `none`: not gated. */
        maxAgeForUpdates: matching(
            (v) => v === "none" || isAlertDuration(v),
            "is not none or a duration in s, m, h, d or w above zero",
        ).meta({ example: "6h" }),
    })
    .meta({
        example: {
            target: "required",
            schedules: { daily: { schedule: "0 3 * * *", ttl: "168h", alertAfter: "49h" } },
            drill: { schedule: "0 6 * * *", alertAfter: "49h" },
            maxAgeForUpdates: "6h",
        },
    });

/** A Kubernetes quantity above zero (`500m`, `4Gi`, `1.5`). */
const positiveQuantity = () =>
    matching(
        (v) =>
            /^(\d+(\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E|[eE][+-]?\d+)?$/.test(v) &&
            /[1-9]/.test(v.split(/[A-Za-z]/)[0]),
        "is not a Kubernetes quantity above zero",
    );

/** A volume size: a quantity above zero with its unit, since a bare number is bytes. */
const volumeSize = () =>
    matching(
        (v) => positiveQuantity().safeParse(v).success && /[A-Za-z]/.test(v),
        "is not a volume size with its unit (a bare number is that many bytes)",
    );

const monitoringSchema = z
    .strictObject({
        /** How long Prometheus keeps samples (Prometheus duration). */
        retention: matching(
            (v) => /^(\d+(ms|s|m|h|d|w|y))+$/.test(v) && /[1-9]/.test(v),
            "is not a Prometheus duration above zero",
        ).meta({ example: "30d" }),
        /** Keep Prometheus and Alertmanager data on persistent volumes. */
        persistentStorage: z.boolean().meta({ example: true }),
        /** Size of the Prometheus volume (Kubernetes quantity). */
        storageSize: volumeSize().meta({ example: "50Gi" }),
        /** Route alerts to receivers through Alertmanager (otherwise they are only shown). */
        alertRouting: z.boolean().meta({ example: true }),
    })
    .meta({ example: { retention: "30d", persistentStorage: true, storageSize: "50Gi", alertRouting: true } });

const footprintSchema = z
    .strictObject({
        /** CPU the platform's pods may request in all, replicas and DaemonSet pods included. */
        cpuRequests: positiveQuantity().meta({ example: "4" }),
        /** Memory the platform's pods may request in all. */
        memoryRequests: positiveQuantity().meta({ example: "8Gi" }),
        /** Storage the platform's volume claims may request in all. */
        volumes: positiveQuantity().meta({ example: "120Gi" }),
    })
    .meta({ example: { cpuRequests: "4", memoryRequests: "8Gi", volumes: "120Gi" } });

export const profileSchema = z.strictObject({
    /** Requests/limits preset: `reduced` for small test clusters, `full` for production. */
    resources: z.enum(["reduced", "full"]).meta({ example: "full" }),
    /** Run every platform controller highly available (ArgoCD redis-ha, leader election). */
    highAvailability: z.boolean().meta({ example: true }),
    /** Replicas of each stateless platform controller. */
    controllerReplicas: z.int().min(1).meta({ example: 2 }),
    /** Fewest K3s servers the environment accepts (embedded etcd needs 3 for quorum). */
    minServers: z.int().min(1).meta({ example: 3 }),
    /** PodDisruptionBudgets on platform controllers, so node drains keep them serving. */
    podDisruptionBudgets: z.boolean().meta({ example: true }),
    /** Pod Security Admission on the platform's namespaces: `off` or `enforced`. */
    podSecurity: z.enum(["off", "enforced"]).meta({ example: "enforced" }),
    /** Full hardening: K3s CIS flags and the strictest pod security each component allows. */
    hardening: z.boolean().meta({ example: true }),
    /** Every node's SSH host key pinned in config: without it any host key is accepted, and the
     *  cluster token and S3 keys travel over that session. */
    pinnedHostKeys: z.boolean().meta({ example: true }),
    /** Cordon and drain each node before K3s restarts on it (a new release or new settings) and
     *  uncordon it once Ready with them, so its workloads move first. */
    drainNodes: z.boolean().meta({ example: true }),
    /** Protect state from deletion: namespaces, charts (their CRDs kept), Vault's backend and mount, K3s servers. */
    deletionProtection: z.boolean().meta({ example: true }),
    /** Network policies in the platform's namespaces. */
    networkPolicies: z.enum(["none", "default-deny"]).meta({ example: "default-deny" }),
    /** `local` volumes (K3s local-path) or `distributed` ones (storage class from config). */
    storage: z.enum(["local", "distributed"]).meta({ example: "distributed" }),
    /** K3s etcd snapshots. */
    etcdSnapshots: etcdSnapshotsSchema,
    /** Velero's backups of volumes and objects, and the drill that restores them. */
    backups: backupsSchema,
    /** Encrypt Secrets at rest in K3s (`--secrets-encryption`). */
    secretsEncryption: z.boolean().meta({ example: true }),
    /** Where workloads' secrets come from: plain `kubernetes` secrets or `vault` through ESO. */
    secrets: z.enum(["kubernetes", "vault"]).meta({ example: "vault" }),
    /** Who signs the platform's certificates: the homelab's private CA, or Let's Encrypt (staging or production). */
    tlsIssuer: z.enum(["privateCa", "acme-staging", "acme-production"]).meta({ example: "acme-production" }),
    /** Prometheus, Grafana and Alertmanager sizing. */
    monitoring: monitoringSchema,
    /** Appended to each application's name to make its namespace: `<app>-dev`, `<app>-staging`,
     *  and `<app>` where it is empty. */
    namespaceSuffix: matching(
        /^(-[a-z0-9]([-a-z0-9]*[a-z0-9])?)?$/,
        "is not empty or a '-' and a DNS label's lowercase letters, digits and inner '-'",
    ).meta({
        example: "-dev",
    }),
    /** Sync mode of the applications ApplicationSet: `automated` or `manual`. */
    applicationsSync: z.enum(["automated", "manual"]).meta({ example: "manual" }),
    /** What the rendered platform may take of the cluster in all (`npm run footprint`), checked
     *  by test/rendered/footprint.test.ts; the program itself does not read it. */
    footprint: footprintSchema,
});

export type EnvironmentProfile = z.infer<typeof profileSchema>;

/** A site's overrides in `Pulumi.<env>.yaml` (`homelab:profile`): any knob but the footprint
 *  budget, nested ones by field. */
export const profileOverridesSchema = profileSchema
    // The footprint budget is what the environment's machines are promised, checked in tests
    // against every stack's render: a stack file raising it would silence that check.
    .omit({ footprint: true })
    .extend({
        etcdSnapshots: etcdSnapshotsSchema.partial().meta({ example: { retention: 14 } }),
        monitoring: monitoringSchema.partial().meta({ example: { retention: "15d" } }),
        backups: backupsSchema.partial().meta({ example: { maxAgeForUpdates: "12h" } }),
    })
    .partial();

export type ProfileOverrides = z.infer<typeof profileOverridesSchema>;

const dev: EnvironmentProfile = {
    resources: "reduced",
    highAvailability: false,
    controllerReplicas: 1,
    minServers: 1,
    podDisruptionBudgets: false,
    // Off for flexibility: dev is where workloads are tried before they are made compliant.
    podSecurity: "off",
    hardening: false,
    pinnedHostKeys: false,
    drainNodes: false,
    deletionProtection: false,
    networkPolicies: "none",
    storage: "local",
    etcdSnapshots: { enabled: false, schedule: "0 */12 * * *", retention: 5, alertAfter: "25h" },
    // Off unless the stack names a target: dev's data is what it is tried with. Where one is
    // named, a nightly backup kept three days and the drill after it.
    backups: {
        target: "optional",
        schedules: { daily: { schedule: "0 3 * * *", ttl: "72h", alertAfter: "49h" } },
        drill: { schedule: "0 6 * * *", alertAfter: "49h" },
        maxAgeForUpdates: "none",
    },
    secretsEncryption: false,
    secrets: "kubernetes",
    tlsIssuer: "privateCa",
    monitoring: { retention: "2d", persistentStorage: false, storageSize: "5Gi", alertRouting: false },
    namespaceSuffix: "-dev",
    applicationsSync: "automated",
    // A lab of small machines (one in the example stack, a second joining as an agent): the
    // platform may request half of two 2-CPU / 4 GiB nodes, the other half staying for K3s's own
    // add-ons, the OS and the applications tried here (`npm run footprint -- dev` shows today's
    // requests). No data is kept (monitoring has no volume): 2Gi leaves room for a small claim,
    // not for a Prometheus volume.
    footprint: { cpuRequests: "2", memoryRequests: "4Gi", volumes: "2Gi" },
};

/** Staging: dev's sizing, with what production enforces, so a change that breaks under it
 *  fails here first. */
const staging: EnvironmentProfile = {
    ...dev,
    podSecurity: "enforced",
    networkPolicies: "default-deny",
    pinnedHostKeys: true,
    secretsEncryption: true,
    // Let's Encrypt's staging CA has generous rate limits, so a staging rebuild never locks out production.
    tlsIssuer: "acme-staging",
    etcdSnapshots: { enabled: true, schedule: "0 */12 * * *", retention: 10, alertAfter: "25h" },
    // dev's nightly backup, kept a week; a stack without a target hears about it but still
    // installs (staging's data is production's rehearsal, not its own).
    backups: {
        ...dev.backups,
        target: "recommended",
        schedules: { daily: { ...dev.backups.schedules.daily, ttl: "168h" } },
    },
    monitoring: { retention: "7d", persistentStorage: true, storageSize: "10Gi", alertRouting: false },
    namespaceSuffix: "-staging",
    // Sized like dev's lab (two small nodes, the reduced preset): dev's requests plus a DaemonSet
    // pod on the second node. Volumes: Prometheus' 10Gi and Alertmanager's 1Gi; doubling
    // Prometheus' volume still fits.
    footprint: { cpuRequests: "2", memoryRequests: "4Gi", volumes: "24Gi" },
};

/** Production: staging's guards, made highly available, hardened, protected and kept. */
const production: EnvironmentProfile = {
    ...staging,
    resources: "full",
    highAvailability: true,
    controllerReplicas: 2,
    minServers: 3,
    podDisruptionBudgets: true,
    storage: "distributed",
    monitoring: { retention: "30d", persistentStorage: true, storageSize: "50Gi", alertRouting: true },
    etcdSnapshots: { enabled: true, schedule: "0 */6 * * *", retention: 28, alertAfter: "13h" },
    // Every four hours kept three days (at most four hours of data lost), and nightly kept a month
    // (a mistake found late); staging's morning drill, and an update waits for a backup at most
    // one run and two hours old.
    backups: {
        ...staging.backups,
        target: "required",
        schedules: {
            frequent: { schedule: "0 */4 * * *", ttl: "72h", alertAfter: "9h" },
            daily: { ...staging.backups.schedules.daily, schedule: "30 2 * * *", ttl: "720h" },
        },
        maxAgeForUpdates: "6h",
    },
    hardening: true,
    // Only here: a restart in dev or staging may interrupt their workloads rather than wait.
    drainNodes: true,
    deletionProtection: true,
    secrets: "vault",
    tlsIssuer: "acme-production",
    applicationsSync: "manual",
    namespaceSuffix: "",
    // Five nodes, the full preset and two replicas of every controller (Argo CD's redis-ha and
    // Prometheus take half of the memory), with about 30% to spare: a component may grow, a new
    // heavy one is a decision made here.
    // Volumes: two Prometheus replicas of 50Gi and two Alertmanagers of 1Gi (102Gi); two
    // Prometheus volumes of 64Gi would go past it.
    footprint: { cpuRequests: "8", memoryRequests: "16Gi", volumes: "128Gi" },
};

export const PROFILES: Readonly<Record<Environment, EnvironmentProfile>> = { dev, staging, production };

/** The environment's profile with a site's overrides laid over it. */
export function applyOverrides(base: EnvironmentProfile, overrides: ProfileOverrides): EnvironmentProfile {
    return {
        ...base,
        ...overrides,
        etcdSnapshots: { ...base.etcdSnapshots, ...overrides.etcdSnapshots },
        monitoring: { ...base.monitoring, ...overrides.monitoring },
        backups: { ...base.backups, ...overrides.backups },
    };
}
