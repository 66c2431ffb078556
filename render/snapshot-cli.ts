// Prints the snapshots of the given stacks of this checkout as JSON (see snapshot.ts); `npm run
// impact` runs it in each of the two checkouts it compares.
import { helmSetup } from "./helm";
import { snapshot } from "./snapshot";

async function main(): Promise<void> {
    const setup = helmSetup();
    const snapshots = [];
    // One at a time: each evaluation replaces the mocks of the one before.
    for (const stack of process.argv.slice(2)) snapshots.push(await snapshot(stack, setup));
    process.stdout.write(JSON.stringify(snapshots));
}

main().catch((error: unknown) => {
    process.stderr.write(`snapshot: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
});
