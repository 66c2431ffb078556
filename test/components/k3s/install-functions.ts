// install.sh's functions run for real under bash, without the script's last line, which would
// run the whole install: the tests call one function at a time.
import { spawnSync } from "node:child_process";
import { INSTALL_SCRIPT } from "../../../components/k3s/node-commands";

const FUNCTIONS = INSTALL_SCRIPT.trimEnd().split("\n").slice(0, -1).join("\n");

export interface InstallRun {
    /** install.sh's arguments: role, release, node name, [static pod]. Default: a server. */
    readonly args?: readonly string[];
    /** Put first on PATH (where stand-ins for k3s or sysctl live). */
    readonly path?: string;
    readonly stdin?: string;
}

/** `commands` after install.sh's functions and settings, run as `bash -c` with its arguments. */
export function runInstallFunctions(commands: string, run: InstallRun = {}) {
    return spawnSync(
        "bash",
        ["-c", `${FUNCTIONS}\n${commands}`, "install.sh", ...(run.args ?? ["server", "v1", "node-1"])],
        {
            env: run.path ? { ...process.env, PATH: `${run.path}:${process.env.PATH}` } : process.env,
            input: run.stdin,
            encoding: "utf8",
        },
    );
}
