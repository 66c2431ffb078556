// `npm run footprint -- <stack> [--charts-dir <dir>]`: the CPU, memory and volumes the stack's
// platform takes, per component, as a Markdown table, with the environment's budget (the
// profile's `footprint`). Renders the stack as `npm run render` does (Helm from HELM or PATH,
// charts from --charts-dir or HOMELAB_CHARTS_DIR, else pulled by pin). Exits 1 over budget.
import { commandArguments, requireStack } from "./arguments";
import { ClusterNode } from "./cluster";
import { Footprint, LimitSum, Usage, stackFootprint } from "./footprint";
import { budgetLines, formatBudgeted, formatBytes, formatCpu, FootprintBudget } from "./footprint";
import { helmSetup } from "./helm";
import { renderStack } from "./stack";
import { Environment, ENVIRONMENTS, PROFILES } from "../stacks/config/profiles";

export const USAGE = "usage: npm run footprint -- <stack> [--charts-dir <dir>]";

/** The stack and charts directory of `npm run footprint -- <stack> [--charts-dir <dir>]`. */
export function footprintArguments(argv: readonly string[]): { stack: string; chartsDir?: string } {
    const { positionals, options } = commandArguments(argv, { usage: USAGE, options: ["charts-dir"], positionals: 1 });
    return { stack: requireStack(positionals[0]), chartsDir: options["charts-dir"] };
}

/** A sum of limits as the table shows it: the bounded sum, and how many containers set none. */
function limitCell(sum: LimitSum, format: (value: bigint) => string): string {
    if (sum.unbounded === 0) return format(sum.bounded);
    const unbounded = `${sum.unbounded} unbounded`;
    return sum.bounded === 0n ? unbounded : `${format(sum.bounded)} + ${unbounded}`;
}

function row(name: string, usage: Usage): string[] {
    return [
        name,
        formatCpu(usage.cpuRequests),
        limitCell(usage.cpuLimits, formatCpu),
        formatBytes(usage.memoryRequests),
        limitCell(usage.memoryLimits, formatBytes),
        formatBytes(usage.volumes),
    ];
}

/** The footprint as a Markdown table (one row per component, the total, the budget with pass or
 *  fail), followed by the nodes DaemonSets were counted on and the containers without requests. */
export function footprintTable(
    result: Footprint,
    nodes: readonly ClusterNode[] | undefined,
    budget?: { readonly environment: string; readonly budget: FootprintBudget },
): string {
    const rows = [
        ["component", "CPU requests", "CPU limits", "memory requests", "memory limits", "volumes"],
        ["---", "---:", "---:", "---:", "---:", "---:"],
        ...[...result.components].map(([name, usage]) => row(name, usage)),
        row("**total**", result.total),
    ];
    if (budget !== undefined) {
        const cells = new Map(
            budgetLines(result.total, budget.budget).map((line) => [
                line.resource,
                `${formatBudgeted(line.resource, line.budget)} (${line.used <= line.budget ? "pass" : "fail"})`,
            ]),
        );
        const cell = (resource: keyof FootprintBudget) => cells.get(resource)!;
        rows.push([
            `budget (${budget.environment})`,
            cell("cpuRequests"),
            "",
            cell("memoryRequests"),
            "",
            cell("volumes"),
        ]);
    }
    const lines = rows.map((cells) => `| ${cells.join(" | ")} |`);
    lines.push(
        "",
        nodes === undefined
            ? "DaemonSets counted once each: the stack reaches its cluster by kubeconfig, without a node list."
            : `DaemonSets counted on each node they may run on, of ${nodes.map((n) => `${n.name} (${n.role})`).join(", ")}.`,
    );
    if (result.unrequested.length > 0)
        lines.push(
            "Containers without a request, counted as 0 and so outside the budget:",
            ...result.unrequested.map((c) => `- ${c}`),
        );
    return `${lines.join("\n")}\n`;
}

async function main(): Promise<void> {
    const args = footprintArguments(process.argv.slice(2));
    const rendered = await renderStack(args.stack, helmSetup({ chartsDir: args.chartsDir }));
    const nodes = rendered.cluster.nodes;
    const result = stackFootprint(rendered);
    const environment = (ENVIRONMENTS as readonly string[]).includes(args.stack)
        ? (args.stack as Environment)
        : undefined;
    const budget = environment && { environment, budget: PROFILES[environment].footprint };
    process.stdout.write(footprintTable(result, nodes, budget));
    if (budget && budgetLines(result.total, budget.budget).some((line) => line.used > line.budget))
        process.exitCode = 1;
}

if (require.main === module)
    main().catch((error: unknown) => {
        process.stderr.write(`footprint: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = 1;
    });
