// The rendered alert rules under promtool, for each environment on each topology: a healthy
// cluster fires nothing but the Watchdog for two hours, and each fault fires its alert by its
// `for` plus one evaluation.
import * as assert from "node:assert/strict";
import { ENVIRONMENTS, PROFILES } from "../../../stacks/config/profiles";
import { requireTool } from "../../tools";
import { requireHelm } from "../rendering";
import { PromtoolTest, promtoolMissing, runPromtool } from "./promtool";
import { FAULT_AT, faults, HEALTHY_MINUTES, healthySeries, testGroup } from "./scenarios";
import { scrapeTargets } from "./scrapes";
import { renderedTopology, topologiesOf } from "./topologies";

const labels = (set: Record<string, string>) =>
    `{${Object.entries(set)
        .map(([k, v]) => `${k}="${v}"`)
        .join(", ")}}`;

for (const environment of ENVIRONMENTS) {
    const profile = PROFILES[environment];
    for (const topology of topologiesOf(environment)) {
        describe(`${environment} on ${topology.name}: alerts under promtool`, function () {
            this.timeout(120_000);
            let results: Map<string, string | undefined>;
            let names: string[];

            before(async function () {
                requireTool(this, promtoolMissing());
                await requireHelm(this);
                const rendered = await renderedTopology(environment, topology);
                const targets = scrapeTargets(rendered);
                const snapshots = profile.etcdSnapshots.enabled;
                const healthy = healthySeries(rendered, targets, snapshots);
                const tests: Record<string, PromtoolTest> = {
                    healthy: {
                        group: testGroup(healthy, HEALTHY_MINUTES, [
                            {
                                // Every alert that fired at any evaluation of the two hours.
                                expr: `count by (alertname) (count_over_time(ALERTS{alertstate="firing"}[${HEALTHY_MINUTES}m]))`,
                                eval_time: `${HEALTHY_MINUTES}m`,
                                exp_samples: [{ labels: '{alertname="Watchdog"}', value: 1 }],
                            },
                        ]),
                    },
                };
                const list = faults(rendered, targets, snapshots, profile.applicationsSync === "manual");
                for (const fault of list) {
                    const by = Object.keys(fault.fires).join(", ");
                    const minutes = Math.max(HEALTHY_MINUTES, FAULT_AT + fault.forMinutes + 5);
                    tests[fault.name] = {
                        alert: fault.fires.alertname,
                        group: testGroup(fault.series(healthy), minutes, [
                            {
                                expr: `max by (${by}) (ALERTS${labels({ alertstate: "firing", ...fault.fires })})`,
                                eval_time: `${FAULT_AT + fault.forMinutes + 1}m`,
                                exp_samples: [{ labels: labels(fault.fires), value: 1 }],
                            },
                        ]),
                    };
                }
                names = list.map((f) => f.name);
                results = runPromtool(rendered.rendered, tests);
            });

            it("fires nothing but the Watchdog on a healthy cluster for two hours", () => {
                assert.equal(results.get("healthy"), undefined);
            });

            it("tests exactly the faults this topology can have", () => {
                assert.deepEqual(names, expectedFaults(environment, topology.name));
            });

            for (const fault of expectedFaults(environment, topology.name)) {
                it(`fires its alert in time: ${fault}`, () => {
                    assert.ok(results.has(fault), `no test ran for ${fault}`);
                    assert.equal(results.get(fault), undefined);
                });
            }
        });
    }
}

/** The faults each environment's topology is tested for, by name. */
function expectedFaults(environment: string, topology: string): string[] {
    const single = topology === "one server" || topology === "an existing cluster";
    const lastServer = single ? `${environment}-server-1` : `${environment}-server-3`;
    const lastNode = topology === "three servers and two agents" ? `${environment}-agent-2` : lastServer;
    const etcd = topology !== "an existing cluster" && (topology !== "one server" || environment !== "dev");
    return [
        `a server down (${lastServer})`,
        `a node NotReady (${lastNode})`,
        "a certificate expiring in under 14 days",
        "an External Secret failing to sync",
        "an Argo CD application Degraded for long",
        environment === "production"
            ? "an Argo CD application OutOfSync for long (manual sync: 4h)"
            : "an Argo CD application OutOfSync for long (automated sync: 30m)",
        "a MetalLB pool with no free address",
        "Alertmanager failing to send",
        ...(etcd
            ? [
                  topology === "one server"
                      ? "etcd losing quorum (1 of 1 members down)"
                      : "etcd losing quorum (2 of 3 members down)",
              ]
            : []),
        ...(etcd && topology !== "one server" ? ["etcd losing a member"] : []),
        ...(environment !== "dev" ? [`a stale etcd snapshot (${environment}-server-1)`] : []),
    ];
}
