// A mocha reporter for `npm run bench:suite`: the seconds each test folder takes in one process,
// its hooks (where the charts are rendered) included, written as JSON to SUITE_REPORT.
import * as fs from "node:fs";
import * as path from "node:path";
import { Runner } from "mocha";

const { EVENT_HOOK_BEGIN, EVENT_HOOK_END, EVENT_TEST_END, EVENT_RUN_END } = Runner.constants;

/** `test/rendered/monitoring/alerts.test.ts` -> `rendered/monitoring`; a file at the top -> its name. */
function folderOf(file: string | undefined): string {
    if (file === undefined) return "(root hooks)";
    const relative = path.relative(path.resolve("test"), file);
    return path.dirname(relative) === "." ? relative : path.dirname(relative);
}

export = class SuiteReporter {
    constructor(runner: Runner) {
        const seconds = new Map<string, number>();
        const add = (file: string | undefined, ms: number) =>
            seconds.set(folderOf(file), (seconds.get(folderOf(file)) ?? 0) + ms / 1000);
        let hookStart = 0;
        runner.on(EVENT_HOOK_BEGIN, () => (hookStart = Date.now()));
        runner.on(EVENT_HOOK_END, (hook) => add(hook.file ?? hook.parent?.file, Date.now() - hookStart));
        runner.on(EVENT_TEST_END, (test) => add(test.file, test.duration ?? 0));
        runner.on(EVENT_RUN_END, () => {
            const stats = runner.stats!;
            const report = {
                passes: stats.passes,
                pending: stats.pending,
                failures: stats.failures,
                seconds: [...seconds],
            };
            fs.writeFileSync(process.env.SUITE_REPORT ?? "suite-report.json", JSON.stringify(report));
        });
    }
};
