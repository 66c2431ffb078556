// Runs `promtool test rules` over the rendered PrometheusRules: one test file per scenario, each
// in a promtool run of its own, its verdict read back from its output.
import { spawn } from "node:child_process";
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

/** promtool processes at a time: one per core, each on one (GOMAXPROCS=1: Go's collector would
 *  otherwise take the other cores from the tests running beside it). */
const slots = { free: os.availableParallelism(), waiting: [] as (() => void)[] };

/** `promtool test rules <file>` in `dir` when a slot is free: its output, stdout and stderr in the
 *  order written. */
async function promtoolTest(dir: string, file: string): Promise<string> {
    if (slots.free > 0) slots.free--;
    else await new Promise<void>((resolve) => slots.waiting.push(resolve));
    try {
        const log = path.join(dir, `${file}.log`);
        const fd = fs.openSync(log, "w");
        try {
            const child = spawn("promtool", ["test", "rules", file], {
                cwd: dir,
                stdio: ["ignore", fd, fd],
                env: { ...process.env, GOMAXPROCS: "1" },
            });
            await new Promise((resolve, reject) => child.on("error", reject).on("close", resolve));
        } finally {
            fs.closeSync(fd);
        }
        return fs.readFileSync(log, "utf8");
    } finally {
        const next = slots.waiting.shift();
        if (next) next();
        else slots.free++;
    }
}

/** Each test file's result: undefined when it passed, else promtool's complaint. A test of one
 *  alert loads only that alert's rule group: every rule each minute is what makes promtool slow.
 *  Each file is a promtool run of its own, as many at once as there are cores. */
export async function runPromtool(
    rendered: RenderedStack,
    tests: Record<string, PromtoolTest>,
): Promise<Map<string, string | undefined>> {
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
        const outputs = await Promise.all(files.map(([, file]) => promtoolTest(dir, file)));
        return new Map(
            files.map(([name, file], i) => {
                const verdict = outputs[i].split(/^Unit Testing: +/m)[1];
                const output = verdict?.startsWith(file) ? verdict.slice(verdict.indexOf("\n") + 1).trim() : undefined;
                return [name, output === "SUCCESS" ? undefined : (output ?? `promtool gave no verdict: ${outputs[i]}`)];
            }),
        );
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}
