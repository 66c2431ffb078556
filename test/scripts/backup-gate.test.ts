// The backup gate before an update, run for real (bash, jq, date) with the stand-ins for pulumi
// and kubectl in test/stand-ins/workstation, which say what they model. Backups are Velero 1.18's
// Backup objects; their ages are set against the clock when the test starts, and the gate
// reports whole minutes, so a test taking under half a minute reads the same.
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ROOT } from "../../render/evaluate";
import { missingCommand, requireTool } from "../tools";

const SCRIPT = path.join(ROOT, "scripts", "backup-gate.sh");
const STAND_INS = path.join(ROOT, "test", "stand-ins", "workstation");
const KUBECONFIG = "apiVersion: v1\nkind: Config\n# production's cluster";
const GATE = { maxAge: "6h", namespace: "velero", schedule: "velero-frequent" };

/** A Velero Backup in `phase`, completed `ageMinutes` (and 30 s) ago; scheduled unless `schedule` is null. */
function backup(name: string, phase: string, ageMinutes: number, schedule: string | null = "velero-frequent") {
    const completed = new Date(Date.now() - (ageMinutes * 60 + 30) * 1000).toISOString().replace(/\.\d+Z$/, "Z");
    return {
        apiVersion: "velero.io/v1",
        kind: "Backup",
        metadata: {
            name,
            namespace: "velero",
            labels: schedule === null ? {} : { "velero.io/schedule-name": schedule },
        },
        status: { phase, completionTimestamp: completed },
    };
}

interface Run {
    readonly status: number | null;
    readonly stdout: string;
    readonly stderr: string;
}

/** Runs the gate for production with these outputs, backups and environment. */
function gate(outputs: Record<string, unknown>, backups: unknown[], env: Record<string, string> = {}): Run {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "backup-gate-"));
    fs.writeFileSync(path.join(dir, "outputs.json"), JSON.stringify({ production: outputs }));
    fs.writeFileSync(path.join(dir, "objects.json"), JSON.stringify(backups));
    const result = spawnSync("bash", [SCRIPT, "production"], {
        env: {
            ...process.env,
            PATH: `${STAND_INS}:${process.env.PATH}`,
            PULUMI_OUTPUTS: path.join(dir, "outputs.json"),
            PULUMI_SECRET_OUTPUTS: "kubeconfig",
            KUBECTL_OBJECTS: path.join(dir, "objects.json"),
            KUBECTL_CLUSTER: KUBECONFIG,
            BACKUP_GATE_OVERRIDE: "",
            ...env,
        },
        encoding: "utf8",
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const gated = { kubeconfig: KUBECONFIG, backupGate: GATE };
const BACK_UP_NOW =
    "Back up now (velero backup create --from-schedule velero-frequent --namespace velero --wait) and run the update again, or set BACKUP_GATE_OVERRIDE to the reason to update without one.";

describe("scripts/backup-gate.sh", function () {
    before(function () {
        requireTool(this, missingCommand("jq", "jq"));
    });

    it("lets production's update through when its newest completed backup is young enough", () => {
        const run = gate(gated, [
            backup("velero-daily-20261202023000", "Completed", 20 * 60, "velero-daily"),
            backup("velero-frequent-20261203080000", "Completed", 125),
        ]);
        assert.deepEqual(run, {
            status: 0,
            stdout: "",
            stderr: "production: the newest completed backup, velero-frequent-20261203080000, is 2h5m old (at most 6h)\n",
        });
    });

    it("refuses production's update when its newest completed backup is too old", () => {
        const run = gate(gated, [
            backup("velero-frequent-20261203000000", "Completed", 7 * 60 + 12),
            // Neither a failed backup nor one made by hand counts.
            backup("velero-frequent-20261203040000", "PartiallyFailed", 60),
            backup("by-hand", "Completed", 10, null),
        ]);
        assert.deepEqual(run, {
            status: 1,
            stdout: `::error::production: the newest completed backup, velero-frequent-20261203000000, is 7h12m old, and its updates wait for one at most 6h old. ${BACK_UP_NOW}\n`,
            stderr: "",
        });
    });

    it("refuses production's update when Velero has no completed backup", () => {
        const run = gate(gated, [backup("velero-frequent-20261203040000", "Failed", 60)]);
        assert.deepEqual(run, {
            status: 1,
            stdout: `::error::production: Velero has no completed scheduled backup in velero, and its updates wait for one at most 6h old. ${BACK_UP_NOW}\n`,
            stderr: "",
        });
    });

    it("lets the update through with an override's reason, saying so", () => {
        const run = gate(gated, [backup("velero-frequent-20261203000000", "Completed", 7 * 60 + 12)], {
            BACKUP_GATE_OVERRIDE: "the store is being moved",
        });
        assert.deepEqual(run, {
            status: 0,
            stdout: "::warning::production: updating without a fresh backup (the store is being moved): the newest completed backup, velero-frequent-20261203000000, is 7h12m old, and its updates wait for one at most 6h old\n",
            stderr: "",
        });
    });

    it("lets a stack whose updates wait for no backup through, without reading its cluster", () => {
        const run = gate({ kubeconfig: "unreachable" }, []);
        assert.deepEqual(run, { status: 0, stdout: "", stderr: "production: its updates wait for no backup\n" });
    });

    it("refuses the update when the cluster cannot be read, and lets the override through", () => {
        const refused = gate(gated, [], { KUBECTL_CLUSTER: "another cluster" });
        assert.deepEqual(refused, {
            status: 1,
            stdout: `::error::production: cannot read Velero's backups: Unable to connect to the server: dial tcp: lookup another-cluster: no such host. ${BACK_UP_NOW}\n`,
            stderr: "",
        });
        const forced = gate(gated, [], {
            KUBECTL_CLUSTER: "another cluster",
            BACKUP_GATE_OVERRIDE: "repairing the API",
        });
        assert.deepEqual(forced, {
            status: 0,
            stdout: "::warning::production: updating without a fresh backup (repairing the API): cannot read Velero's backups: Unable to connect to the server: dial tcp: lookup another-cluster: no such host\n",
            stderr: "",
        });
    });
});
