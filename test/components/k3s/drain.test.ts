// drain.sh runs for real under bash, with a stand-in `k3s` on PATH that answers `get node` and
// `drain` as told and records every call.
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DRAIN_SCRIPT } from "../../../components/k3s/node-commands";

interface Cluster {
    /** No `k3s` on PATH: the node's first install has not run. */
    readonly installed?: boolean;
    /** What `get node` prints, and its exit status. */
    readonly node?: { readonly out: string; readonly status: number };
    /** The exit status of `drain`. */
    readonly drainStatus?: number;
}

function run({ installed = true, node = { out: "", status: 0 }, drainStatus = 0 }: Cluster) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "drain-"));
    if (installed) {
        fs.writeFileSync(
            path.join(dir, "k3s"),
            [
                "#!/usr/bin/env bash",
                `echo "$*" >> "${dir}/calls"`,
                'case "$*" in',
                `  "kubectl get node"*) printf '%s' '${node.out}'; exit ${node.status} ;;`,
                `  "kubectl drain"*) echo "node/node-1 drained"; exit ${drainStatus} ;;`,
                "  *) exit 9 ;;",
                "esac",
            ].join("\n"),
            { mode: 0o755 },
        );
    }
    // Only the stand-in and the system's tools: a real k3s elsewhere on PATH must not answer.
    const result = spawnSync("bash", ["-c", DRAIN_SCRIPT, "drain.sh", "node-1"], {
        env: { ...process.env, PATH: `${dir}:/usr/bin:/bin` },
        encoding: "utf8",
    });
    const calls = fs.existsSync(path.join(dir, "calls"))
        ? fs.readFileSync(path.join(dir, "calls"), "utf8").trimEnd().split("\n")
        : [];
    return { status: result.status, stdout: result.stdout, stderr: result.stderr, calls };
}

const GET = "kubectl get node node-1 --ignore-not-found -o name";
const DRAIN = "kubectl drain node-1 --ignore-daemonsets --delete-emptydir-data --timeout=600s";

describe("drain.sh", () => {
    it("has nothing to drain where K3s is not installed yet", () => {
        const result = run({ installed: false });
        assert.deepEqual(
            [result.status, result.stderr],
            [0, "[homelab] K3s is not installed here yet; nothing to drain\n"],
        );
    });

    it("has nothing to drain for a node that has not joined yet", () => {
        const result = run({ node: { out: "", status: 0 } });
        assert.deepEqual(
            [result.status, result.stderr, result.calls],
            [0, "[homelab] node node-1 is not in the cluster yet; nothing to drain\n", [GET]],
        );
    });

    it("cordons and drains a node of the cluster, honouring PodDisruptionBudgets for ten minutes", () => {
        const result = run({ node: { out: "node/node-1", status: 0 } });
        assert.deepEqual([result.status, result.calls], [0, [GET, DRAIN]]);
        assert.equal(result.stdout, "");
    });

    it("stops, the node cordoned, when the drain does not finish, saying why and what to do", () => {
        const result = run({ node: { out: "node/node-1", status: 0 }, drainStatus: 1 });
        assert.equal(result.status, 1);
        assert.equal(
            result.stderr,
            "node/node-1 drained\n[homelab] node node-1 did not drain within 600s and stays cordoned: a PodDisruptionBudget may allow no eviction (kubectl get pdb -A), or a pod no controller manages would be lost; fix that and run pulumi up again, or run it with profile.drainNodes: false to restart the node undrained (then kubectl uncordon node-1)\n",
        );
    });

    it("stops when the API does not answer, rather than restart the node undrained", () => {
        const result = run({ node: { out: "", status: 1 } });
        assert.deepEqual(
            [result.status, result.stderr, result.calls],
            [
                1,
                "[homelab] cannot reach the API to drain node node-1; to restart it undrained, run pulumi up with profile.drainNodes: false\n",
                [GET],
            ],
        );
    });
});
