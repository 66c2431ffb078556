// What the tests need from the machine: the tools they run for real, and git for fixture
// repositories.
import { execFileSync } from "node:child_process";

/** For a suite that needs a tool `missing` says is absent: under CI (CI=true), where every tool
 *  must be there, a failure; elsewhere a skip that says why. No-op when nothing is missing. */
export function requireTool(context: Mocha.Context, missing: string | undefined): void {
    if (missing === undefined) return;
    if (process.env.CI === "true") throw new Error(`CI needs ${missing}`);
    console.warn(`    skipped: no ${missing.split("\n")[0]}`);
    context.skip();
}

/** Why `command --version` does not run here, or undefined when it does. */
export function missingCommand(command: string, debianPackage: string): string | undefined {
    try {
        execFileSync(command, ["--version"], { stdio: "ignore" });
        return undefined;
    } catch {
        return `${command} (Debian package ${debianPackage})`;
    }
}

/** git in `cwd` as a fixed test author; its trimmed output. */
export function git(cwd: string, ...args: string[]): string {
    return execFileSync("git", ["-c", "user.name=test", "-c", "user.email=test@example.com", ...args], {
        cwd,
        stdio: "pipe",
    })
        .toString()
        .trim();
}
