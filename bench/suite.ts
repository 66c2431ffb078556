// `npm run bench:suite`: how long `npm test` takes here, phase by phase (the type check, the
// linters, the tests in the processes .mocharc.json asks for), then where the tests' time goes:
// each test folder's seconds in a run of its own in one process, hooks included. Helm, the charts
// and promtool are used as the environment gives them (HELM, HOMELAB_CHARTS_DIR), as `npm test`
// would; a folder whose tools are missing shows as pending.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const BIN = path.resolve(__dirname, "..", "node_modules", ".bin");

interface Phase {
    readonly name: string;
    readonly command: string[];
}

const PHASES: readonly Phase[] = [
    { name: "type check", command: ["tsc", "--noEmit"] },
    { name: "lint", command: ["eslint", "."] },
    { name: "format", command: ["prettier", "--check", "."] },
    { name: "tests", command: ["mocha", "--reporter", "dot"] },
];

/** Runs `command` from the project folder; its wall time in seconds. Throws when it fails. */
function timed(command: readonly string[], env: NodeJS.ProcessEnv = process.env): number {
    const start = process.hrtime.bigint();
    const result = spawnSync(path.join(BIN, command[0]), command.slice(1), {
        cwd: path.resolve(__dirname, ".."),
        env,
        stdio: ["ignore", "pipe", "pipe"],
    });
    if (result.status !== 0)
        throw new Error(`${command.join(" ")} failed:\n${result.stdout.toString()}${result.stderr.toString()}`);
    return Number(process.hrtime.bigint() - start) / 1e9;
}

const row = (name: string, seconds: number) => `  ${name.padEnd(28)}${seconds.toFixed(1).padStart(7)} s`;

function main(): void {
    console.log(`npm test, phase by phase (${os.availableParallelism()} cores):`);
    let total = 0;
    for (const phase of PHASES) {
        const seconds = timed(phase.command);
        total += seconds;
        console.log(row(`${phase.name} (${phase.command[0]})`, seconds));
    }
    console.log(row("total", total));

    const report = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "homelab-bench-")), "report.json");
    timed(["mocha", "--no-parallel", "--reporter", path.join(__dirname, "suite-reporter.ts")], {
        ...process.env,
        SUITE_REPORT: report,
    });
    const result = JSON.parse(fs.readFileSync(report, "utf8")) as {
        passes: number;
        pending: number;
        seconds: [string, number][];
    };
    fs.rmSync(path.dirname(report), { recursive: true, force: true });
    console.log(`\nthe tests by folder, in one process (${result.passes} passed, ${result.pending} pending):`);
    for (const [folder, seconds] of result.seconds.sort((a, b) => b[1] - a[1])) console.log(row(folder, seconds));
}

main();
