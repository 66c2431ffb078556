// `npm run impact -- --base <ref> [--head <ref>] [--stacks dev,staging] [--charts-dir <dir>]
// [--out <file>]`: the environment impact report of a change, with no cluster and no secrets.
// Each commit is checked out apart (the working tree when --head is not given) and rendered with
// this checkout's render/, so a base from before the render existed compares too.
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { commandArguments, requireStack } from "../render/arguments";
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
    const { options } = commandArguments(argv, {
        usage: USAGE,
        options: ["base", "head", "stacks", "charts-dir", "out"],
        positionals: 0,
    });
    if (options.base === undefined) throw new Error(`--base is required\n${USAGE}`);
    const stacks = options.stacks?.split(",").filter((s) => s) ?? stacksOf(ROOT);
    stacks.forEach(requireStack);
    return { base: options.base, head: options.head, stacks, chartsDir: options["charts-dir"], out: options.out };
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

/** Snapshots of `stacks` in `tree` (which holds `ref`), taken by a process of their own (each
 *  needs fresh mocks). */
async function snapshotsIn(
    tree: string,
    ref: string,
    stacks: readonly string[],
    chartsDir: string | undefined,
): Promise<Snapshot[]> {
    const present = stacks.filter((s) => fs.existsSync(path.join(tree, `Pulumi.${s}.yaml`)));
    const child = spawn(
        process.execPath,
        ["-r", "ts-node/register/transpile-only", path.join("render", "snapshot-cli.ts"), ...present],
        {
            cwd: tree,
            env: {
                ...process.env,
                ...absolute("HOMELAB_CHARTS_DIR", chartsDir ?? process.env.HOMELAB_CHARTS_DIR),
                ...absolute("HELM", process.env.HELM),
            },
            stdio: ["ignore", "pipe", "inherit"],
        },
    );
    const chunks: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
    const code = await new Promise<number | null>((resolve, reject) => {
        child.on("error", reject);
        child.on("close", resolve);
    });
    if (code !== 0) throw new Error(`the snapshot of ${ref} failed (exit ${code}); its error is above`);
    const snapshots = JSON.parse(Buffer.concat(chunks).toString()) as Snapshot[];
    // A stack the commit does not have yet compares as empty.
    return stacks.map((s) => snapshots.find((x) => x.stack === s) ?? { stack: s, entries: [], unrendered: [] });
}

/** `ref` checked out in a temporary folder with this checkout's render/ and dependencies. The
 *  checkout is made at once (git takes one at a time); `use` may run alongside another's. */
export async function withCheckout<T>(ref: string, use: (tree: string) => Promise<T>): Promise<T> {
    const tree = fs.mkdtempSync(path.join(os.tmpdir(), "homelab-impact-"));
    try {
        execFileSync("git", ["worktree", "add", "--detach", tree, ref], {
            cwd: ROOT,
            stdio: ["ignore", "ignore", "pipe"],
        });
        fs.rmSync(path.join(tree, "render"), { recursive: true, force: true });
        fs.cpSync(path.join(ROOT, "render"), path.join(tree, "render"), { recursive: true });
        fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(tree, "node_modules"));
        return await use(tree);
    } finally {
        // Whatever happened above: the folder goes, and git forgets the worktree.
        fs.rmSync(tree, { recursive: true, force: true });
        execFileSync("git", ["worktree", "prune"], { cwd: ROOT, stdio: "ignore" });
    }
}

/** Snapshots of `stacks` at `ref`, rendered with this checkout's render/; without a ref, of the
 *  working tree. */
function snapshotsAt(
    ref: string | undefined,
    stacks: readonly string[],
    chartsDir: string | undefined,
): Promise<Snapshot[]> {
    if (ref === undefined) return snapshotsIn(ROOT, "the working tree", stacks, chartsDir);
    return withCheckout(ref, (tree) => snapshotsIn(tree, ref, stacks, chartsDir));
}

async function main(): Promise<void> {
    const options = parseImpactArguments(process.argv.slice(2));
    // Both sides at once: each is a process of its own, mostly waiting for Helm.
    const [base, head] = await Promise.all([
        snapshotsAt(options.base, options.stacks, options.chartsDir),
        snapshotsAt(options.head, options.stacks, options.chartsDir),
    ]);
    const report = impactReport(
        options.stacks.map((_, i) => diffSnapshots(base[i], head[i])),
        options.base,
        options.head ?? "the working tree",
    );
    if (options.out) {
        fs.mkdirSync(path.dirname(options.out), { recursive: true });
        fs.writeFileSync(options.out, report);
    } else process.stdout.write(report);
}

if (require.main === module)
    main().catch((error: unknown) => {
        process.stderr.write(`impact: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = 1;
    });
