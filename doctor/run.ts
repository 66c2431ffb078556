// Runs a command of the workstation's for the doctor: its output, or why it could not run. Nothing
// it runs waits for input: a prompt would hang the doctor.
import { spawnSync } from "node:child_process";

export interface Ran {
    /** The exit status; undefined where the command could not start (not installed) or timed out. */
    readonly status: number | undefined;
    readonly stdout: string;
    readonly stderr: string;
    /** Set where the command is not installed. */
    readonly missing?: true;
    /** Set where it ran past its time. */
    readonly timedOut?: true;
}

/** `command args` in `env` (PATH says where tools are), stdin closed, killed after `timeoutMs`. */
export function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs = 20_000): Ran {
    const result = spawnSync(command, args, {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
        timeout: timeoutMs,
        env,
    });
    const code = result.error && "code" in result.error ? result.error.code : undefined;
    if (code === "ENOENT") return { status: undefined, stdout: "", stderr: "", missing: true };
    if (code === "ETIMEDOUT") return { status: undefined, stdout: "", stderr: "", timedOut: true };
    return { status: result.status ?? undefined, stdout: result.stdout ?? "", stderr: result.stderr ?? "" };
}

/** The first line of a command's complaint, for a finding. */
export function firstLine(text: string): string {
    return (
        text
            .split("\n")
            .map((l) => l.trim())
            .find(Boolean) ?? "no output"
    );
}
