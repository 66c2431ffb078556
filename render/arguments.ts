// The render command's arguments: one stack (a Pulumi.<stack>.yaml beside Pulumi.yaml) and
// the optional output and charts directories.
import * as fs from "node:fs";
import * as path from "node:path";

export const USAGE = "usage: npm run render -- <stack> [--out <dir>] [--charts-dir <dir>]";

/** The stack and options of `npm run render -- <stack> [--out <dir>] [--charts-dir <dir>]`. */
export function parseArguments(argv: readonly string[]): { stack: string; out?: string; chartsDir?: string } {
    const positional: string[] = [];
    const options: Record<string, string> = {};
    for (let i = 0; i < argv.length; i++) {
        const [flag, inline] = argv[i].split(/=(.*)/s, 2);
        if (flag === "--out" || flag === "--charts-dir") {
            const value = inline ?? argv[++i];
            if (value === undefined || value === "") throw new Error(`${flag} needs a directory\n${USAGE}`);
            options[flag] = value;
        } else if (flag.startsWith("-")) throw new Error(`unknown option ${flag}\n${USAGE}`);
        else positional.push(argv[i]);
    }
    if (positional.length !== 1) throw new Error(USAGE);
    const stack = requireStack(positional[0]);
    return { stack, out: options["--out"], chartsDir: options["--charts-dir"] };
}

/** `stack` when this checkout has its Pulumi.<stack>.yaml; an error that says where stacks are otherwise. */
export function requireStack(stack: string): string {
    if (!/^[\w-]+$/.test(stack) || !fs.existsSync(path.resolve(__dirname, "..", `Pulumi.${stack}.yaml`)))
        throw new Error(`no Pulumi.${stack}.yaml: the stacks are the Pulumi.<stack>.yaml files beside Pulumi.yaml`);
    return stack;
}
