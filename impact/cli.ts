// `npm run impact -- --base <ref> [--head <ref>] [--stacks dev,staging] [--charts-dir <dir>]
// [--out <file>]`: the environment impact report of a change, with no cluster and no secrets.
// Each commit is checked out apart (the working tree when --head is not given) and rendered with
// this checkout's render/, so a base from before the render existed compares too.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { requireStack } from "../render/arguments";
import { ROOT } from "../render/evaluate";
import { Snapshot } from "../render/snapshot";
import { diffSnapshots } from "./diff";
import { impactReport } from "./report";

const USAGE =
    "usage: npm run impact -- --base <ref> [--head <ref>] [--stacks dev,staging,production] [--charts-dir <dir>] [--out <file>]";

interface Options {
    readonly base: string;
    readonly head?: string;
    readonly stacks: string[];
    readonly chartsDir?: string;
    readonly out?: string;
}

export function parseImpactArguments(argv: readonly string[]): Options {
    const options: Record<string, string> = {};
    for (let i = 0; i < argv.length; i++) {
        const [flag, inline] = argv[i].split(/=(.*)/s, 2);
        if (!["--base", "--head", "--stacks", "--charts-dir", "--out"].includes(flag))
            throw new Error(`unknown argument ${argv[i]}\n${USAGE}`);
        const value = inline ?? argv[++i];
        if (value === undefined || value === "") throw new Error(`${flag} needs a value\n${USAGE}`);
        options[flag] = value;
    }
    if (options["--base"] === undefined) throw new Error(`--base is required\n${USAGE}`);
    const stacks = (options["--stacks"] ?? "")
        .split(",")
        .filter((s) => s)
        .concat(options["--stacks"] ? [] : stacksOf(ROOT));
    stacks.forEach(requireStack);
    return {
        base: options["--base"],
        head: options["--head"],
        stacks,
        chartsDir: options["--charts-dir"],
        out: options["--out"],
    };
}

const stacksOf = (dir: string) =>
    fs
        .readdirSync(dir)
        .map((f) => /^Pulumi\.([\w-]+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();

/** A path given relative to where the command runs, made absolute for a process elsewhere. */
const absolute = (name: string, value: string | undefined): Record<string, string> =>
    value === undefined ? {} : { [name]: value.includes("/") ? path.resolve(value) : value };

/** Snapshots of `stacks` in `tree`, taken by a process of their own (each needs fresh mocks). */
function snapshotsIn(tree: string, stacks: readonly string[], chartsDir: string | undefined): Snapshot[] {
    const present = stacks.filter((s) => fs.existsSync(path.join(tree, `Pulumi.${s}.yaml`)));
    const output = execFileSync(
        process.execPath,
        ["-r", "ts-node/register/transpile-only", path.join("render", "snapshot-cli.ts"), ...present],
        {
            cwd: tree,
            env: {
                ...process.env,
                ...absolute("HOMELAB_CHARTS_DIR", chartsDir ?? process.env.HOMELAB_CHARTS_DIR),
                ...absolute("HELM", process.env.HELM),
            },
            maxBuffer: 512 * 1024 * 1024,
            stdio: ["ignore", "pipe", "inherit"],
        },
    );
    const snapshots = JSON.parse(output.toString()) as Snapshot[];
    // A stack the commit does not have yet compares as empty.
    return stacks.map((s) => snapshots.find((x) => x.stack === s) ?? { stack: s, entries: [], unrendered: [] });
}

/** `ref` checked out in a temporary folder with this checkout's render/ and dependencies. */
function withCheckout<T>(ref: string, use: (tree: string) => T): T {
    const tree = fs.mkdtempSync(path.join(os.tmpdir(), "homelab-impact-"));
    try {
        execFileSync("git", ["worktree", "add", "--detach", tree, ref], {
            cwd: ROOT,
            stdio: ["ignore", "ignore", "pipe"],
        });
        fs.rmSync(path.join(tree, "render"), { recursive: true, force: true });
        fs.cpSync(path.join(ROOT, "render"), path.join(tree, "render"), { recursive: true });
        fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(tree, "node_modules"));
        return use(tree);
    } finally {
        // Whatever happened above: the folder goes, and git forgets the worktree.
        fs.rmSync(tree, { recursive: true, force: true });
        execFileSync("git", ["worktree", "prune"], { cwd: ROOT, stdio: "ignore" });
    }
}

function main(): void {
    const options = parseImpactArguments(process.argv.slice(2));
    const base = withCheckout(options.base, (tree) => snapshotsIn(tree, options.stacks, options.chartsDir));
    const head = options.head
        ? withCheckout(options.head, (tree) => snapshotsIn(tree, options.stacks, options.chartsDir))
        : snapshotsIn(ROOT, options.stacks, options.chartsDir);
    const report = impactReport(
        options.stacks.map((_, i) => diffSnapshots(base[i], head[i])),
        options.base,
        options.head ?? "the working tree",
    );
    if (options.out) fs.writeFileSync(options.out, report);
    else process.stdout.write(report);
}

if (require.main === module) {
    try {
        main();
    } catch (error) {
        process.stderr.write(`impact: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = 1;
    }
}
