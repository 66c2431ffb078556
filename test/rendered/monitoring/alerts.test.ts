// The rendered alert rules under promtool, for each environment on each topology: a healthy
// cluster fires (or holds pending) nothing but the Watchdog for two hours, and each fault fires
// its alert after its `for`, not before, and by one evaluation after.
import * as assert from "node:assert/strict";
import { durationSeconds } from "../../../components/monitoring/platform-rules";
import { Environment, ENVIRONMENTS, PROFILES } from "../../../stacks/config/profiles";
import { requireTool } from "../../tools";
import { requireHelm } from "../rendering";
import { PromtoolTest, promtoolMissing, runPromtool } from "./promtool";
import { BackupScenario, FAULT_AT, faults, HEALTHY_MINUTES, healthySeries, selector, testGroup } from "./scenarios";
import { scrapeTargets } from "./scrapes";
import { renderedTopology, topologiesOf, Topology } from "./topologies";

/** Where each environment's alerts link their runbook (its repository at its revision). */
const RUNBOOKS = {
    dev: "https://github.com/example/homelab/blob/env/dev/docs/runbooks/platform-alerts.md",
    staging: "https://github.com/example/homelab/blob/env/staging/docs/runbooks/platform-alerts.md",
    production: "https://github.com/example/homelab/blob/env/production/docs/runbooks/platform-alerts.md",
};

const minutes = (duration: string) => durationSeconds(duration) / 60;

/** Where the backup alerts' faults are tested: their rules read no node and differ between
 *  environments in their ages only, so on production's first topology; every topology's healthy
 *  scenario has backups that fire nothing. */
const backupFaults = (environment: Environment, topology: Topology) =>
    environment === "production" && topologiesOf(environment)[0] === topology;

/** What the environment's profile backs up (every rendered stack names a backup store). */
function backupScenario(environment: Environment): BackupScenario {
    const { schedules, drill } = PROFILES[environment].backups;
    return {
        schedules: Object.fromEntries(Object.entries(schedules).map(([name, s]) => [name, minutes(s.alertAfter)])),
        drillMaxAgeMinutes: minutes(drill.alertAfter),
    };
}

/** What promtool said of a topology's scenarios, and the faults it tested. */
interface Verdicts {
    readonly results: Map<string, string | undefined>;
    readonly names: string[];
}

/** The healthy scenario and each fault of `environment` on `topology`, run under promtool. */
async function verdicts(environment: Environment, topology: Topology): Promise<Verdicts> {
    const profile = PROFILES[environment];
    const rendered = await renderedTopology(environment, topology);
    const targets = scrapeTargets(rendered);
    const snapshots = profile.etcdSnapshots.enabled
        ? { maxAgeMinutes: durationSeconds(profile.etcdSnapshots.alertAfter) / 60 }
        : undefined;
    const backups = backupScenario(environment);
    const healthy = healthySeries(rendered, targets, snapshots !== undefined, backups);
    const tests: Record<string, PromtoolTest> = {
        healthy: {
            group: testGroup(healthy, HEALTHY_MINUTES, [
                {
                    // Every alert that was pending or firing at any evaluation.
                    expr: `count by (alertname) (count_over_time(ALERTS[${HEALTHY_MINUTES}m]))`,
                    eval_time: `${HEALTHY_MINUTES}m`,
                    exp_samples: [{ labels: '{alertname="Watchdog"}', value: 1 }],
                },
            ]),
        },
    };
    const list = faults(
        rendered,
        targets,
        RUNBOOKS[environment],
        snapshots,
        backupFaults(environment, topology) ? backups : undefined,
    );
    for (const fault of list) {
        const firing = `max by (${Object.keys(fault.fires).join(", ")}) (${selector("ALERTS", { alertstate: "firing", ...fault.fires })})`;
        const due = FAULT_AT + fault.forMinutes + 1;
        tests[fault.name] = {
            alert: fault.fires.alertname,
            group: testGroup(
                fault.series(healthy),
                Math.max(HEALTHY_MINUTES, due + 4),
                [
                    { expr: firing, eval_time: `${due - 2}m`, exp_samples: [] },
                    {
                        expr: firing,
                        eval_time: `${due}m`,
                        exp_samples: [{ labels: selector("", fault.fires), value: 1 }],
                    },
                ],
                fault.alert
                    ? [
                          {
                              eval_time: `${due}m`,
                              alertname: fault.fires.alertname,
                              exp_alerts: [
                                  {
                                      exp_labels: fault.alert.labels,
                                      exp_annotations: fault.alert.annotations,
                                  },
                              ],
                          },
                      ]
                    : [],
            ),
        };
    }
    return { results: await runPromtool(rendered.rendered, tests), names: list.map((f) => f.name) };
}

describe("alerts under promtool", function () {
    this.timeout(120_000);
    // Every topology's scenarios start at once, so promtool keeps every core busy; each suite
    // below waits for its own.
    const pending = new Map<string, Promise<Verdicts>>();

    before(async function () {
        requireTool(this, promtoolMissing());
        await requireHelm(this);
        for (const environment of ENVIRONMENTS)
            for (const topology of topologiesOf(environment)) {
                const running = verdicts(environment, topology);
                running.catch(() => undefined); // awaited by its suite, which reports the failure
                pending.set(`${environment}/${topology.name}`, running);
            }
    });
    // Nothing of it may still run when the next file evaluates a stack under the same mocks.
    after(() => Promise.allSettled(pending.values()));

    for (const environment of ENVIRONMENTS) {
        for (const topology of topologiesOf(environment)) {
            describe(`${environment} on ${topology.name}`, function () {
                let results: Map<string, string | undefined>;
                let names: string[];

                before(async function () {
                    ({ results, names } = await pending.get(`${environment}/${topology.name}`)!);
                });

                it("fires nothing but the Watchdog on a healthy cluster for two hours", () => {
                    assert.equal(results.get("healthy"), undefined);
                });

                it("tests exactly the faults this topology can have", () => {
                    assert.deepEqual(names, expectedFaults(environment, topology.name));
                });

                for (const fault of expectedFaults(environment, topology.name)) {
                    it(`fires its alert after its for, in time: ${fault}`, () => {
                        assert.ok(results.has(fault), `no test ran for ${fault}`);
                        assert.equal(results.get(fault), undefined);
                    });
                }
            });
        }
    }
});

/** The faults each environment's topology is tested for, by name. */
function expectedFaults(environment: string, topology: string): string[] {
    const single = topology === "one server" || topology === "an existing cluster";
    const lastServer = single ? `${environment}-server-1` : `${environment}-server-3`;
    const lastNode = topology === "three servers and two agents" ? `${environment}-agent-2` : lastServer;
    const etcd = topology !== "an existing cluster" && (topology !== "one server" || environment !== "dev");
    const snapshots = etcd && environment !== "dev";
    const first = `${environment}-server-1`;
    const backups = environment === "production" && topology === "three servers";
    return [
        `a server down (${lastServer})`,
        `a node NotReady (${lastNode})`,
        "a certificate expiring in under 14 days",
        "an External Secret failing to sync",
        "an Argo CD application Degraded for long",
        "an Argo CD application OutOfSync for long although it syncs automatically",
        "an Argo CD application waiting for a manual sync for long",
        "a MetalLB pool with no free address",
        "Alertmanager failing to send",
        ...(etcd
            ? [single ? "etcd losing quorum (1 of 1 members down)" : "etcd losing quorum (2 of 3 members down)"]
            : []),
        ...(etcd && !single ? ["etcd losing a member"] : []),
        ...(snapshots
            ? [
                  `a stale etcd snapshot (${first})`,
                  `a failed etcd snapshot newer than the last ready one, which is stale (${first})`,
                  `every etcd snapshot of a store failed (${first})`,
                  "no etcd snapshot at all",
              ]
            : []),
        ...(backups
            ? [
                  "a backup schedule whose backups stopped succeeding (velero-frequent)",
                  "a failed or partially failed scheduled backup (velero-frequent)",
                  "the backup store unavailable",
                  "a failed restore drill",
                  "a failed first restore drill, none passed before",
                  "a restore drill that stopped passing",
                  "a backup schedule without any successful backup (velero-frequent)",
                  "no restore drill ever passed",
              ]
            : []),
    ];
}
