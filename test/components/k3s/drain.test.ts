// drain.sh run for real under bash, on stand-in nodes (test/stand-ins/), from the first server.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { DRAIN_SCRIPT } from "../../../components/k3s/node-commands";
import { bareNodes, installedNodes } from "./stand-in-nodes";
import { World } from "../../stand-ins/world";

const drain = (world: World, node: string, on = "server-1") => {
    const result = world.run(on, `sudo -n bash -s -- ${node}`, DRAIN_SCRIPT);
    return { ...result, calls: world.takeCalls().filter((c) => c.includes("kubectl as")) };
};

const GET = "server-1 kubectl as admin: get node agent-1";
const DRAIN = "server-1 kubectl as admin: drain agent-1";

describe("drain.sh", () => {
    it("has nothing to drain where K3s is not installed yet", () => {
        const result = drain(bareNodes(), "server-1");
        assert.deepEqual(
            [result.status, result.stderr],
            [0, "[homelab] K3s is not installed here yet; nothing to drain\n"],
        );
    });

    it("has nothing to drain for a node that has not joined yet", () => {
        const result = drain(installedNodes("server-1"), "agent-1");
        assert.deepEqual(
            [result.status, result.stderr, result.calls],
            [0, "[homelab] node agent-1 is not in the cluster yet; nothing to drain\n", [GET]],
        );
    });

    it("cordons and drains a node of the cluster, and prints nothing on stdout", () => {
        const world = installedNodes();
        const result = drain(world, "agent-1");
        assert.deepEqual([result.status, result.calls, result.stdout], [0, [GET, DRAIN], ""]);
        assert.equal(world.cordoned("agent-1"), true);
    });

    it("stops, the node cordoned, when a PodDisruptionBudget allows no eviction, saying why and what to do", () => {
        const world = installedNodes();
        fs.mkdirSync(path.join(world.dir, "api", "unevictable"));
        fs.writeFileSync(path.join(world.dir, "api", "unevictable", "agent-1"), "web-0");
        const result = drain(world, "agent-1");
        assert.equal(result.status, 1);
        assert.equal(
            result.stderr.split("\n").at(-2),
            "[homelab] node agent-1 did not drain within 600s and stays cordoned: a PodDisruptionBudget may allow no eviction (kubectl get pdb -A), or a pod no controller manages would be lost; fix that and run pulumi up again, or run it with profile.drainNodes: false to restart the node undrained (then kubectl uncordon agent-1)",
        );
        assert.equal(world.cordoned("agent-1"), true);
    });

    it("stops when the API does not answer, rather than restart the node undrained", () => {
        const world = installedNodes();
        world.run("server-1", "systemctl stop k3s");
        const result = drain(world, "agent-1");
        assert.deepEqual(
            [result.status, result.stderr.split("\n").at(-2)],
            [
                1,
                "[homelab] cannot reach the API to drain node agent-1; to restart it undrained, run pulumi up with profile.drainNodes: false",
            ],
        );
    });
});
