// `npm run render -- <stack> [--out <dir>] [--charts-dir <dir>]`: every object `pulumi up
// --stack <stack>` would send to the cluster, rendered offline with the real Helm. Without
// --out the YAML goes to stdout; with it, one file per chart and one for the program's own
// objects, replacing the directory's .yaml files. Helm comes from HELM or PATH; charts from --charts-dir or HOMELAB_CHARTS_DIR
// (`<dir>/<chart>-<version>/`), else they are pulled by pin into ~/.cache/homelab/charts.
import { parseArguments } from "./arguments";
import { helmSetup } from "./helm";
import { renderedYaml, writeFiles } from "./output";
import { renderStack } from "./stack";

/** Where a command writes: its output, and what it tells the user. */
export interface CommandOutput {
    readonly stdout: (text: string) => void;
    readonly stderr: (text: string) => void;
}

/** `npm run render` with `argv` (see the header). */
export async function renderCommand(argv: readonly string[], output: CommandOutput): Promise<void> {
    const args = parseArguments(argv);
    const rendered = await renderStack(args.stack, helmSetup({ chartsDir: args.chartsDir }));
    const files = renderedYaml(rendered);
    for (const chart of rendered.charts) {
        const { missing, extra } = chart.firstInstall;
        if (missing.length + extra.length > 0)
            output.stderr(
                `warning: ${chart.registration.name} renders differently on a fresh cluster's first up` +
                    ` (missing: ${missing.join(", ") || "none"}; extra: ${extra.join(", ") || "none"})\n`,
            );
    }
    if (args.out === undefined) {
        output.stdout([...files.values()].join(""));
        return;
    }
    writeFiles(args.out, files);
    output.stderr(`wrote ${files.size} files to ${args.out}\n`);
}

if (require.main === module)
    renderCommand(process.argv.slice(2), {
        stdout: (text) => process.stdout.write(text),
        stderr: (text) => process.stderr.write(text),
    }).catch((error: unknown) => {
        process.stderr.write(`render: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = 1;
    });
