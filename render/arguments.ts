// The commands' arguments (render, footprint, impact), read with Node's util.parseArgs: options
// that each take a value, a fixed number of positionals, and every mistake refused with the
// command's usage.
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";

/** What a command takes: its usage line, its options (long names without `--`) and how many
 *  positionals. */
export interface CommandShape<O extends string> {
    readonly usage: string;
    readonly options: readonly O[];
    readonly positionals: number;
}

/** The positionals and the options given, by name. */
export function commandArguments<O extends string>(
    argv: readonly string[],
    shape: CommandShape<O>,
): { positionals: string[]; options: Partial<Record<O, string>> } {
    let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
    try {
        parsed = parseArgs({
            args: [...argv],
            options: Object.fromEntries(shape.options.map((name) => [name, { type: "string" as const }])),
            allowPositionals: true,
            strict: true,
        });
    } catch (error) {
        throw new Error(`${mistake(error)}\n${shape.usage}`);
    }
    for (const [name, value] of Object.entries(parsed.values))
        if (value === "") throw new Error(`--${name} needs a value\n${shape.usage}`);
    const extra = parsed.positionals[shape.positionals];
    if (extra !== undefined) throw new Error(`unexpected argument ${extra}\n${shape.usage}`);
    if (parsed.positionals.length < shape.positionals) throw new Error(shape.usage);
    return { positionals: parsed.positionals, options: parsed.values as Partial<Record<O, string>> };
}

/** parseArgs' complaint, shortened to what the user got wrong. */
function mistake(error: unknown): string {
    const { code, message } = error as { code?: string; message: string };
    const option = /'(-[^' ]+)/.exec(message)?.[1];
    if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") return `unknown option ${option}`;
    if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") return `${option} needs a value`;
    return message;
}

export const USAGE = "usage: npm run render -- <stack> [--out <dir>] [--charts-dir <dir>]";

/** The stack and options of `npm run render -- <stack> [--out <dir>] [--charts-dir <dir>]`. */
export function parseArguments(argv: readonly string[]): { stack: string; out?: string; chartsDir?: string } {
    const { positionals, options } = commandArguments(argv, {
        usage: USAGE,
        options: ["out", "charts-dir"],
        positionals: 1,
    });
    return { stack: requireStack(positionals[0]), out: options.out, chartsDir: options["charts-dir"] };
}

/** `stack` when this checkout has its Pulumi.<stack>.yaml; an error that says where stacks are otherwise. */
export function requireStack(stack: string): string {
    if (!/^[\w-]+$/.test(stack) || !fs.existsSync(path.resolve(__dirname, "..", `Pulumi.${stack}.yaml`)))
        throw new Error(`no Pulumi.${stack}.yaml: the stacks are the Pulumi.<stack>.yaml files beside Pulumi.yaml`);
    return stack;
}
