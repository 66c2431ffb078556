import * as assert from "node:assert/strict";
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

    it("links each alert's section of the runbook and compares snapshot age in seconds", () => {
        const [stale] = platformRuleGroups({ runbook: RUNBOOK, snapshots: { maxAge: "25h" } }).at(-1)!.rules as {
            expr: string;
            annotations: Record<string, string>;
        }[];
        assert.equal(stale.annotations.runbook_url, `${RUNBOOK}#etcdsnapshotstale`);
        assert.match(stale.expr, / > 90000$/);
    });
});
