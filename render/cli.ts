// `npm run render -- <stack> [--out <dir>] [--charts-dir <dir>]`: every object `pulumi up
// --stack <stack>` would send to the cluster, rendered offline with the real Helm. Without
// --out the YAML goes to stdout; with it, one file per chart and one for the program's own
// objects. Helm comes from HELM or PATH; charts from --charts-dir or HOMELAB_CHARTS_DIR
// (`<dir>/<chart>-<version>/`), else they are pulled by pin into ~/.cache/homelab/charts.
import * as fs from "node:fs";
import * as path from "node:path";
import { helmSetup } from "./helm";
import { renderedYaml } from "./output";
import { renderStack } from "./stack";

const USAGE = "usage: npm run render -- <stack> [--out <dir>] [--charts-dir <dir>]";

function parse(argv: string[]): { stack: string; out?: string; chartsDir?: string } {
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
    const stack = positional[0];
    if (!fs.existsSync(path.resolve(__dirname, "..", `Pulumi.${stack}.yaml`)))
        throw new Error(`no Pulumi.${stack}.yaml: the stacks are the Pulumi.<stack>.yaml files beside Pulumi.yaml`);
    return { stack, out: options["--out"], chartsDir: options["--charts-dir"] };
}

async function main(): Promise<void> {
    const args = parse(process.argv.slice(2));
    const rendered = await renderStack(args.stack, helmSetup({ chartsDir: args.chartsDir }));
    const files = renderedYaml(rendered);
    for (const chart of rendered.charts) {
        const { missing, extra } = chart.firstInstall;
        if (missing.length + extra.length > 0)
            process.stderr.write(
                `warning: ${chart.registration.name} renders differently on a fresh cluster's first up` +
                    ` (missing: ${missing.join(", ") || "none"}; extra: ${extra.join(", ") || "none"})\n`,
            );
    }
    if (args.out === undefined) {
        process.stdout.write([...files.values()].join(""));
        return;
    }
    fs.rmSync(args.out, { recursive: true, force: true });
    fs.mkdirSync(args.out, { recursive: true });
    for (const [origin, text] of files) fs.writeFileSync(path.join(args.out, `${origin}.yaml`), text);
    process.stderr.write(`wrote ${files.size} files to ${args.out}\n`);
}

main().catch((error: unknown) => {
    process.stderr.write(`render: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
});
