// The modelled timeline of a first production `up` (docs/nodes.md, "A first production up"):
// every step's worst case fits its timeout, and the timeouts and deadlines it names are the
// program's own.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { argocdValues, REDIS_HA_AWAIT_SECONDS } from "../../../components/argocd";
import { K3sCluster } from "../../../components/k3s/cluster";
import {
    API_CREDENTIAL_SCRIPT,
    DRAIN_SCRIPT,
    INSTALL_SCRIPT,
    uncordonCommand,
} from "../../../components/k3s/node-commands";
import { k3sNodes, ONE_REDUCED } from "../../fixtures";
import { only, Registration, registrations, ROOT } from "../../harness";

const COMMAND = "command:remote:Command";
/** pulumi-kubernetes awaits a Deployment 10 minutes unless told otherwise (provider/pkg/await/deployment.go). */
const DEPLOYMENT_AWAIT_SECONDS = 600;

interface Row {
    readonly step: string;
    readonly worst: number[];
    readonly timeout: number[];
}

/** The timeline table of docs/nodes.md. */
function timeline(): Row[] {
    const doc = fs.readFileSync(path.join(ROOT, "docs", "nodes.md"), "utf8");
    const section = doc.slice(doc.indexOf("## A first production up"));
    const table = section.slice(section.indexOf("| step |"), section.indexOf("\n\n", section.indexOf("| step |")));
    const seconds = (cell: string) => [...cell.matchAll(/(\d+) s\b/g)].map((m) => Number(m[1]));
    return table
        .split("\n")
        .slice(2)
        .map((line) => line.split("|").map((cell) => cell.trim()))
        .map((cells) => ({ step: cells[1], worst: seconds(cells[4]), timeout: seconds(cells[5]) }));
}

const row = (step: string) => {
    const found = timeline().find((r) => r.step === step);
    if (found === undefined) throw new Error(`docs/nodes.md has no timeline row ${step}`);
    return found;
};

/** A Go duration as the program writes customTimeouts ("15m"), in seconds. */
const durationSeconds = (duration: string) => {
    const match = /^(\d+)m$/.exec(duration);
    if (match === null) throw new Error(`not a duration in minutes: "${duration}"`);
    return Number(match[1]) * 60;
};

/** A script's setting `name=<value>` (a number, or seconds written `10s`). */
const setting = (script: string, name: string) => {
    const match = new RegExp(`^${name}=(\\d+)s?$`, "m").exec(script);
    if (match === null) throw new Error(`no setting ${name}`);
    return Number(match[1]);
};

describe("a first production up, as docs/nodes.md models it", () => {
    let recorded: Registration[];
    before(async () => {
        recorded = await registrations(() => {
            new K3sCluster("k3s", {
                nodes: k3sNodes(3, 2),
                version: "v1.34.2+k3s1",
                apiAddress: "10.0.1.100",
                vip: { address: "10.0.1.100", interface: "eth0" },
                traefik: true,
                drain: true,
                hardening: true,
            });
        });
    });
    const timeouts = (name: string) => only(recorded, COMMAND, name).customTimeouts;

    it("has every step's worst case within its timeout", () => {
        const rows = timeline();
        assert.equal(rows.length, 7);
        for (const { step, worst, timeout } of rows) {
            assert.equal(worst.length, timeout.length, step);
            worst.forEach((seconds, i) => assert.ok(seconds <= timeout[i], `${step}: ${seconds} s > ${timeout[i]} s`));
        }
    });

    it("names the install's timeout and install.sh's deadline, poll and request timeout", () => {
        assert.deepEqual(row("`k3s-<server>`"), {
            step: "`k3s-<server>`",
            worst: [1110],
            timeout: [1200],
        });
        assert.deepEqual(
            [timeouts("k3s-server-2").create, timeouts("k3s-server-2").update, timeouts("k3s-agent-2").update].map(
                durationSeconds,
            ),
            [1200, 1200, 1200],
        );
        assert.deepEqual(
            ["deadline_seconds", "poll_seconds", "request_timeout"].map((name) => setting(INSTALL_SCRIPT, name)),
            [1080, 10, 10],
        );
    });

    it("names the drain's timeout and drain.sh's timeout and request timeout", () => {
        assert.deepEqual(row("`k3s-<server>-drain`"), { step: "`k3s-<server>-drain`", worst: [680], timeout: [900] });
        assert.equal(durationSeconds(timeouts("k3s-server-2-drain").create), 900);
        assert.deepEqual(
            ["timeout", "request_timeout"].map((name) => setting(DRAIN_SCRIPT, name)),
            [600, 10],
        );
    });

    it("names the uncordon's timeout and its request timeout", () => {
        assert.deepEqual(row("`k3s-<server>-uncordon`"), {
            step: "`k3s-<server>-uncordon`",
            worst: [40],
            timeout: [900],
        });
        assert.equal(durationSeconds(timeouts("k3s-server-2-uncordon").create), 900);
        assert.match(uncordonCommand(k3sNodes(1, 0)[0]), / --request-timeout=10s$/);
    });

    it("names the agents' steps as the servers'", () => {
        assert.deepEqual(row("`k3s-<agent>-drain`, `k3s-<agent>`, `k3s-<agent>-uncordon`").worst, [680, 1110, 40]);
        assert.deepEqual(
            ["k3s-agent-2-drain", "k3s-agent-2", "k3s-agent-2-uncordon"].map((name) =>
                durationSeconds(timeouts(name).create),
            ),
            [900, 1200, 900],
        );
    });

    it("names the credential's timeout and api-credential.sh's deadline, poll and request timeout", () => {
        assert.deepEqual(row("`k3s-api-credential`"), {
            step: "`k3s-api-credential`",
            worst: [150],
            timeout: [300],
        });
        assert.equal(durationSeconds(timeouts("k3s-api-credential").create), 300);
        assert.match(API_CREDENTIAL_SCRIPT, /^deadline=\$\(\(SECONDS \+ 120\)\)$/m);
        assert.deepEqual(
            ["poll_seconds", "request_timeout"].map((name) => setting(API_CREDENTIAL_SCRIPT, name)),
            [2, 10],
        );
    });

    it("names the await the program gives redis-ha's StatefulSet, and the provider's for HAProxy", () => {
        const redis = argocdValues({
            ...ONE_REDUCED,
            host: "argocd.home.arpa",
            clusterIssuer: "ca",
            ingressClass: "traefik",
            highAvailability: true,
        });
        const annotations = (redis["redis-ha"] as any).redis.annotations;
        assert.deepEqual(annotations, { "pulumi.com/timeoutSeconds": "1200" });
        assert.deepEqual(row("Argo CD's `argocd-redis-ha-server` StatefulSet").timeout, [REDIS_HA_AWAIT_SECONDS]);
        assert.deepEqual(row("Argo CD's `argocd-redis-ha-haproxy` Deployment").timeout, [DEPLOYMENT_AWAIT_SECONDS]);
    });
});
