// No rule watches a job the rendered scrape config lacks: its series could never exist.
import * as assert from "node:assert/strict";
import { ENVIRONMENTS } from "../../../stacks/config/profiles";
import { requireHelm } from "../rendering";
import { ruleGroups } from "./promtool";
import { keeps, scrapeTargets } from "./scrapes";
import { renderedTopology, topologiesOf } from "./topologies";

interface Matcher {
    readonly label: string;
    readonly op: "=" | "=~" | "!=" | "!~";
    readonly value: string;
}

/** Each selector of a PromQL expression, `metric{matchers}` (the metric may be left out), with
 *  its label matchers. */
function selectors(expr: string): { metric: string; matchers: Matcher[] }[] {
    return [...expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)?\s*\{([^}]*)\}/g)].map(([, metric = "", body]) => ({
        metric,
        matchers: [...body.matchAll(/([a-zA-Z_]\w*)\s*(=~|!=|!~|=)\s*"([^"]*)"/g)].map(([, label, op, value]) => ({
            label,
            op: op as Matcher["op"],
            value,
        })),
    }));
}

/** The `job` matchers (`=` and `=~`) of a PromQL expression's selectors. */
export function jobMatchers(expr: string): { op: "=" | "=~"; value: string }[] {
    return selectors(expr).flatMap(({ matchers }) =>
        matchers.flatMap(({ label, op, value }) =>
            label === "job" && (op === "=" || op === "=~") ? [{ op, value }] : [],
        ),
    );
}

/** Selectors of scraped metrics under one job (`metric{job="..."}`); recorded series (with a
 *  colon) and the series Prometheus makes itself (`up`, `scrape_*`) pass no relabeling. */
export function scrapedSelectors(expr: string): { metric: string; job: string; path?: string }[] {
    return selectors(expr).flatMap(({ metric, matchers }) => {
        const equal = (label: string) => matchers.find((m) => m.label === label && m.op === "=")?.value;
        const job = equal("job");
        const path = equal("metrics_path");
        if (
            job === undefined ||
            metric === "" ||
            metric.includes(":") ||
            metric === "up" ||
            metric.startsWith("scrape_")
        )
            return [];
        return [{ metric, job, ...(path ? { path } : {}) }];
    });
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

            it("read each metric under a job that keeps it", async function () {
                await requireHelm(this);
                const rendered = await renderedTopology(environment, topology);
                const targets = scrapeTargets(rendered);
                const unkept = ruleGroups(rendered.rendered).flatMap((group) =>
                    group.rules.flatMap((rule) =>
                        scrapedSelectors(String(rule.expr))
                            .filter(
                                ({ metric, job, path }) =>
                                    !targets.some(
                                        (t) =>
                                            t.job === job &&
                                            (path === undefined || t.path === path) &&
                                            keeps(t, metric),
                                    ),
                            )
                            .map(({ metric, job }) => `${String(rule.alert ?? rule.record)}: ${metric}{job="${job}"}`),
                    ),
                );
                assert.deepEqual([...new Set(unkept)], []);
            });
        });
    }
}

describe("scrapedSelectors", () => {
    it("finds scraped metrics selected under one job, with the kubelet's path", () => {
        assert.deepEqual(
            scrapedSelectors(
                'rate(rest_client_requests_total{job="kubelet", metrics_path="/metrics"}[5m]) / up{job="a"} + b:c{job="d"} + e{job=~"f"}',
            ),
            [{ metric: "rest_client_requests_total", job: "kubelet", path: "/metrics" }],
        );
    });
});

describe("jobMatchers", () => {
    it("finds equality and regex job matchers, not negative ones", () => {
        assert.deepEqual(jobMatchers('up{job="apiserver"} == 0 or x{job=~".*etcd.*"} unless y{job!="a",job!~"b"}'), [
            { op: "=", value: "apiserver" },
            { op: "=~", value: ".*etcd.*" },
        ]);
    });
});
