// Runs `promtool test rules` over the rendered PrometheusRules: one test file per scenario, all
// of a topology's in one promtool run, each file's verdict read back from its output.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { allObjects, RenderedStack } from "../../../render/stack";
import { missingCommand } from "../../tools";

/** Why promtool cannot run here, or undefined. */
export const promtoolMissing = () => missingCommand("promtool", "prometheus");

/** The rendered PrometheusRules' groups. */
export function ruleGroups(rendered: RenderedStack): { name: string; rules: Record<string, unknown>[] }[] {
    return allObjects(rendered)
        .filter((o) => o.manifest.kind === "PrometheusRule")
        .flatMap((o) => (o.manifest.spec as { groups: { name: string; rules: Record<string, unknown>[] }[] }).groups);
}

/** A test group, and the one alert it needs evaluated (else every rule is). */
export interface PromtoolTest {
    readonly group: Record<string, unknown>;
    readonly alert?: string;
}

/** Each test file's result: undefined when it passed, else promtool's complaint. A test of one
 *  alert loads only that alert's rule group: every rule each minute is what makes promtool slow. */
export function runPromtool(
    rendered: RenderedStack,
    tests: Record<string, PromtoolTest>,
): Map<string, string | undefined> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "homelab-promtool-"));
    try {
        const groups = ruleGroups(rendered);
        groups.forEach((group, i) =>
            fs.writeFileSync(path.join(dir, `rules-${i}.yaml`), stringify({ groups: [group] })),
        );
        const ruleFiles = (alert: string | undefined) =>
            groups.flatMap((group, i) =>
                alert === undefined || group.rules.some((r) => r.alert === alert) ? [`rules-${i}.yaml`] : [],
            );
        const files = Object.entries(tests).map(([name, test], i) => {
            const file = `test-${i}.yaml`;
            const rule_files = ruleFiles(test.alert);
            if (rule_files.length === 0) throw new Error(`no rendered rule group has the alert ${test.alert}`);
            fs.writeFileSync(
                path.join(dir, file),
                stringify({ rule_files, evaluation_interval: "1m", tests: [test.group] }),
            );
            return [name, file] as const;
        });
        // stdout (the verdicts) and stderr (the failures) into one file, in the order written.
        const log = path.join(dir, "log");
        const fd = fs.openSync(log, "w");
        spawnSync("promtool", ["test", "rules", ...files.map(([, f]) => f)], { cwd: dir, stdio: ["ignore", fd, fd] });
        fs.closeSync(fd);
        const sections = new Map(
            fs
                .readFileSync(log, "utf8")
                .split(/^Unit Testing: +/m)
                .slice(1)
                .map((s) => [s.split("\n")[0].trim(), s.slice(s.indexOf("\n") + 1).trim()] as const),
        );
        return new Map(
            files.map(([name, file]) => {
                const output = sections.get(file);
                return [name, output === "SUCCESS" ? undefined : (output ?? "promtool gave no verdict")];
            }),
        );
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}
