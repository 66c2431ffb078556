// The restore drill's script, run for real (sh, jq) as the drill's service account against the
// kubectl stand-in of test/stand-ins/workstation, which models the API server (its RBAC
// included) and Velero's restore controller, in a cluster holding what the BackupDrill component
// creates: the canary, and the drill's rights.
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as k8s from "@pulumi/kubernetes";
import { BackupDrill } from "../../../components/velero/drill";
import { ROOT } from "../../../render/evaluate";
import { programObjects } from "../../../render/program";
import { registrations } from "../../harness";
import { missingCommand, requireTool } from "../../tools";

const SCRIPT = path.join(ROOT, "components", "velero", "drill.sh");
const STAND_INS = path.join(ROOT, "test", "stand-ins", "workstation");

/** A Velero Backup of a schedule, started and completed at these Unix seconds. */
function backup(name: string, phase: string, started: number, completed: number) {
    const time = (seconds: number) => new Date(seconds * 1000).toISOString().replace(/\.\d+Z$/, "Z");
    return {
        apiVersion: "velero.io/v1",
        kind: "Backup",
        metadata: { name, namespace: "velero", labels: { "velero.io/schedule-name": name.replace(/-\d+$/, "") } },
        status: { phase, startTimestamp: time(started), completionTimestamp: time(completed) },
    };
}

const T = 1_796_277_600; // 2026-12-03T06:00:00Z
const DAILY = backup("velero-daily-20261203030000", "Completed", T - 3 * 3600, T - 3 * 3600 + 300);
const OLDER = backup("velero-daily-20261202030000", "Completed", T - 27 * 3600, T - 27 * 3600 + 300);

interface Drill {
    readonly status: number | null;
    readonly stdout: string;
    readonly stderr: string;
    /** What is left in the cluster besides the component's objects: kind and name of each. */
    readonly left: string[];
    /** The component's objects the drill removed. */
    readonly lost: string[];
}

interface ClusterObject {
    readonly kind: string;
    readonly metadata: { readonly name: string; readonly namespace?: string };
}

/** What the BackupDrill component creates, as the cluster holds it. */
let component: ClusterObject[] = [];
const named = (objects: { kind: string; metadata: { name: string } }[]) =>
    objects.map((o) => `${o.kind} ${o.metadata.name}`);

/** Runs the drill in a cluster holding the component's objects and `objects`, its restores ending as `env` says. */
function drill(objects: unknown[], env: Record<string, string> = {}): Drill {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "drill-"));
    const store = path.join(dir, "objects.json");
    fs.writeFileSync(store, JSON.stringify([...component, ...objects]));
    const result = spawnSync("sh", [SCRIPT], {
        env: {
            PATH: `${STAND_INS}:${process.env.PATH}`,
            KUBERNETES_SERVICE_HOST: "10.43.0.1",
            KUBECTL_USER: "system:serviceaccount:velero:backup-drill",
            KUBECTL_OBJECTS: store,
            VELERO_NAMESPACE: "velero",
            CANARY_NAMESPACE: "backup-canary",
            SCRATCH_NAMESPACE: "backup-drill",
            DRILL_TIMEOUT: "5",
            ...env,
        },
        encoding: "utf8",
    });
    // What a namespace being deleted holds goes with it; the namespace shows as Terminating.
    const cluster = JSON.parse(fs.readFileSync(store, "utf8")) as (ClusterObject & { status?: { phase?: string } })[];
    const terminating = cluster.filter((o) => o.kind === "Namespace" && o.status?.phase === "Terminating");
    const after = cluster
        .filter((o) => !terminating.some((n) => n.metadata.name === o.metadata.namespace))
        .map((o) => `${o.kind} ${o.metadata.name}${terminating.includes(o) ? " (Terminating)" : ""}`);
    const before = named(component);
    return {
        status: result.status,
        stdout: result.stdout,
        stderr: result.stderr,
        left: after.filter((o) => !before.includes(o)),
        lost: before.filter((o) => !after.includes(o)),
    };
}

const BACKUPS = ["Backup velero-daily-20261203030000", "Backup velero-daily-20261202030000"];
const BOTH = [BACKUPS[1], BACKUPS[0]];
/** The scratch namespace, deleted at the end of every drill, the namespace controller's to finish. */
const SCRATCH = "Namespace backup-drill (Terminating)";

describe("the restore drill (drill.sh)", function () {
    before(async function () {
        requireTool(this, missingCommand("jq", "jq") ?? missingCommand("shellcheck", "shellcheck"));
        const recorded = await registrations(() => {
            new BackupDrill("backup-drill", {
                veleroNamespace: "velero",
                velero: new k8s.core.v1.Namespace("velero-stand-in", {}),
                schedule: "0 6 * * *",
                storageClass: "local-path",
                podSecurity: true,
            });
        });
        component = programObjects(recorded, [])
            .filter((o) => o.name !== "velero-stand-in")
            .map((o) => o.manifest as unknown as (typeof component)[number]);
    });

    it("passes ShellCheck as a POSIX sh script", () => {
        const result = spawnSync("shellcheck", ["--shell=sh", "--format=gcc", SCRIPT], { encoding: "utf8" });
        assert.deepEqual([result.status, result.stdout], [0, ""]);
    });

    it("could not wait on a deletion: its account may not watch what it deletes", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "drill-"));
        const store = path.join(dir, "objects.json");
        const scratch = { apiVersion: "v1", kind: "Namespace", metadata: { name: "backup-drill" } };
        fs.writeFileSync(store, JSON.stringify([...component, scratch]));
        const env = {
            PATH: process.env.PATH,
            KUBERNETES_SERVICE_HOST: "10.43.0.1",
            KUBECTL_USER: "system:serviceaccount:velero:backup-drill",
            KUBECTL_OBJECTS: store,
        };
        const kubectl = (...args: string[]) =>
            spawnSync(path.join(STAND_INS, "kubectl"), args, { env, encoding: "utf8" });
        assert.equal(
            kubectl("delete", "namespace", "backup-drill").stderr,
            'Error from server (Forbidden): namespaces "backup-drill" is forbidden: User "system:serviceaccount:velero:backup-drill" cannot list resource "namespaces" in API group "" at the cluster scope\n',
        );
        assert.equal(kubectl("delete", "namespace", "backup-canary", "--wait=false").status, 1);
        assert.equal(kubectl("delete", "namespace", "backup-drill", "--wait=false").status, 0);
    });

    it("passes when the newest backup restores the value the canary wrote while it ran, and cleans up", () => {
        const value = T - 3 * 3600 + 120;
        const run = drill([OLDER, DAILY], {
            VELERO_CANARY_VALUES: JSON.stringify({
                "velero-daily-20261203030000": value,
                "velero-daily-20261202030000": 1,
            }),
        });
        assert.equal(run.status, 0, run.stderr);
        assert.match(
            run.stdout,
            /^restoring backup-canary from velero-daily-20261203030000 \(started 2026-12-03T03:00:00Z, completed 2026-12-03T03:05:00Z\) into backup-drill\n/,
        );
        assert.match(
            run.stdout,
            new RegExp(`drill passed: velero-daily-20261203030000 restored, its volume holds ${value}\\n$`),
        );
        assert.deepEqual([run.left, run.lost], [[...BOTH, SCRATCH], []]);
    });

    it("fails when the restored volume holds a value older than the backup", () => {
        const stale = T - 3 * 3600 - 121;
        const run = drill([DAILY], { VELERO_CANARY_VALUES: JSON.stringify({ "velero-daily-20261203030000": stale }) });
        assert.equal(run.status, 1);
        assert.equal(
            run.stderr,
            `drill failed: the restored volume holds ${stale}, written outside backup velero-daily-20261203030000 (${T - 3 * 3600 - 120} to ${T - 3 * 3600 + 300})\n`,
        );
        assert.deepEqual(run.left, [BACKUPS[0], SCRATCH]);
    });

    it("fails when the restored volume is empty", () => {
        const run = drill([DAILY], { VELERO_CANARY_VALUES: JSON.stringify({ "velero-daily-20261203030000": "" }) });
        assert.equal(run.status, 1);
        assert.equal(run.stderr, 'drill failed: the restored volume holds "", not the canary\'s time\n');
    });

    it("fails when the restore partially fails, and cleans up", () => {
        const run = drill([DAILY], { VELERO_RESTORE_PHASE: "PartiallyFailed" });
        assert.equal(run.status, 1);
        assert.match(run.stderr, /^drill failed: restore drill-\d{14} ended PartiallyFailed\n$/);
        assert.deepEqual(run.left, [BACKUPS[0]]);
    });

    it("fails when no scheduled backup has completed; a failed or hand-made one does not count", () => {
        const byHand = { ...DAILY, metadata: { ...DAILY.metadata, name: "by-hand", labels: {} } };
        const run = drill([backup("velero-daily-20261203030000", "Failed", T - 3600, T - 3000), byHand]);
        assert.equal(run.status, 1);
        assert.equal(run.stderr, "drill failed: no completed scheduled backup in velero\n");
    });

    it("waits until a scratch namespace an earlier drill left is gone, and never reads its old canary", () => {
        const value = T - 3 * 3600 + 60;
        const leftover = [
            { apiVersion: "v1", kind: "Namespace", metadata: { name: "backup-drill" } },
            {
                apiVersion: "v1",
                kind: "Pod",
                metadata: {
                    name: "canary-old",
                    namespace: "backup-drill",
                    labels: { "app.kubernetes.io/name": "canary" },
                },
                log: "restored value: 1\n",
            },
        ];
        const run = drill([DAILY, ...leftover], {
            VELERO_CANARY_VALUES: JSON.stringify({ "velero-daily-20261203030000": value }),
        });
        assert.equal(run.status, 0, run.stderr);
        assert.deepEqual(run.left, [BACKUPS[0], SCRATCH]);
    });
});
