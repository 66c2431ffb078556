// No rule watches a job the rendered scrape config lacks: its series could never exist.
import * as assert from "node:assert/strict";
import { ENVIRONMENTS } from "../../../stacks/config/profiles";
import { requireHelm } from "../rendering";
import { ruleGroups } from "./promtool";
import { scrapeTargets } from "./scrapes";
import { renderedTopology, topologiesOf } from "./topologies";

/** The `job` matchers (`=` and `=~`) of a PromQL expression's selectors. */
export function jobMatchers(expr: string): { op: "=" | "=~"; value: string }[] {
    return [...expr.matchAll(/\bjob\s*(=~|=)\s*"([^"]*)"/g)].map((m) => ({ op: m[1] as "=" | "=~", value: m[2] }));
}

for (const environment of ENVIRONMENTS) {
    for (const topology of topologiesOf(environment)) {
        describe(`${environment} on ${topology.name}: the rules' jobs`, function () {
            this.timeout(120_000);

            it("are each scraped by the rendered config", async function () {
                await requireHelm(this);
                const rendered = await renderedTopology(environment, topology);
                const jobs = new Set(scrapeTargets(rendered).map((t) => t.job));
                const unscraped = ruleGroups(rendered.rendered).flatMap((group) =>
                    group.rules.flatMap((rule) =>
                        jobMatchers(String(rule.expr))
                            .filter(({ op, value }) =>
                                op === "="
                                    ? !jobs.has(value)
                                    : ![...jobs].some((j) => new RegExp(`^(?:${value})$`).test(j)),
                            )
                            .map(({ op, value }) => `${String(rule.alert ?? rule.record)}: job${op}"${value}"`),
                    ),
                );
                assert.deepEqual([...new Set(unscraped)], []);
            });
        });
    }
}

describe("jobMatchers", () => {
    it("finds equality and regex job matchers, not negative ones", () => {
        assert.deepEqual(jobMatchers('up{job="apiserver"} == 0 or x{job=~".*etcd.*"} unless y{job!="a",job!~"b"}'), [
            { op: "=", value: "apiserver" },
            { op: "=~", value: ".*etcd.*" },
        ]);
    });
});
