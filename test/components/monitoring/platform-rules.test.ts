import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { durationSeconds, platformRuleGroups, runbookUrl } from "../../../components/monitoring/platform-rules";

const RUNBOOK = "https://github.com/example/homelab/blob/main/docs/runbooks/platform-alerts.md";

describe("runbookUrl", () => {
    it("links the runbook at the revision, from each form of repository URL", () => {
        const urls = [
            "https://github.com/example/homelab.git",
            "https://github.com/example/homelab/",
            "git@github.com:example/homelab.git",
            "ssh://git@github.com:22/example/homelab.git",
        ].map((url) => runbookUrl(url, "env/staging"));
        assert.deepEqual(urls, [
            "https://github.com/example/homelab/blob/env/staging/docs/runbooks/platform-alerts.md",
            "https://github.com/example/homelab/blob/env/staging/docs/runbooks/platform-alerts.md",
            "https://github.com/example/homelab/blob/env/staging/docs/runbooks/platform-alerts.md",
            "https://github.com/example/homelab/blob/env/staging/docs/runbooks/platform-alerts.md",
        ]);
    });
});

describe("durationSeconds", () => {
    it("adds up each part", () => {
        assert.deepEqual(["13h", "1d12h", "90s", "1w"].map(durationSeconds), [46800, 129600, 90, 604800]);
    });

    it("refuses what it cannot read", () => {
        assert.throws(() => durationSeconds("1.5d"), /not a duration in s, m, h, d or w: 1.5d/);
    });
});

describe("platformRuleGroups", () => {
    const alerts = (groups: Record<string, unknown>[]) =>
        groups.flatMap((g) => (g.rules as { alert: string; for: string }[]).map((r) => `${r.alert} ${r.for}`));

    it("watches certificates, External Secrets, Argo CD and MetalLB, and snapshots where they are taken", () => {
        assert.deepEqual(alerts(platformRuleGroups({ runbook: RUNBOOK, snapshots: { maxAge: "13h" } })), [
            "CertificateExpiresSoon 1h",
            "CertificateNotReady 30m",
            "ExternalSecretNotSynced 15m",
            "ArgoCDApplicationDegraded 15m",
            "ArgoCDApplicationOutOfSync 30m",
            "ArgoCDApplicationAwaitingSync 4h",
            "MetalLBAddressPoolExhausted 5m",
            "EtcdSnapshotStale 10m",
            "EtcdSnapshotFailing 1h",
            "EtcdSnapshotsMissing 13h",
        ]);
        assert.deepEqual(alerts(platformRuleGroups({ runbook: RUNBOOK })).at(-1), "MetalLBAddressPoolExhausted 5m");
    });

    const BACKUPS = { schedules: { frequent: "9h", daily: "49h" }, drillMaxAge: "49h" };

    it("watches each backup schedule, the store and the restore drill where Velero backs up", () => {
        assert.deepEqual(alerts(platformRuleGroups({ runbook: RUNBOOK, backups: BACKUPS })).slice(7), [
            "VeleroBackupStale 10m",
            "VeleroBackupMissing 9h",
            "VeleroBackupStale 10m",
            "VeleroBackupMissing 49h",
            "VeleroBackupFailed 5m",
            "VeleroBackupLocationUnavailable 15m",
            "BackupDrillFailed 5m",
            "BackupDrillStale 10m",
            "BackupDrillMissing 49h",
        ]);
    });

    it("has a runbook section for every alert", () => {
        const runbook = fs.readFileSync(
            path.join(__dirname, "..", "..", "..", "docs", "runbooks", "platform-alerts.md"),
            "utf8",
        );
        const names = new Set(
            alerts(platformRuleGroups({ runbook: RUNBOOK, snapshots: { maxAge: "13h" }, backups: BACKUPS })).map(
                (a) => a.split(" ")[0],
            ),
        );
        assert.deepEqual(
            [...names].filter((name) => !runbook.includes(`\n## ${name}\n`)),
            [],
        );
    });

    it("links each alert's section of the runbook and compares snapshot age in seconds", () => {
        const [stale] = platformRuleGroups({ runbook: RUNBOOK, snapshots: { maxAge: "25h" } }).at(-1)!.rules as {
            expr: string;
            annotations: Record<string, string>;
        }[];
        assert.equal(stale.annotations.runbook_url, `${RUNBOOK}#etcdsnapshotstale`);
        assert.match(stale.expr, / > 90000$/);
    });
});
