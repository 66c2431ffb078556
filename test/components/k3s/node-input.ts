// What a node's install command hands install.sh after the script: the node's files.
import * as assert from "node:assert/strict";
import { parse } from "yaml";
import { INSTALL_SCRIPT } from "../../../components/k3s/node-commands";
import { K3S_CONFIG } from "../../../components/k3s/node-files";

/** The files in an install command's stdin, path -> content (undefined: to be removed). */
export function filesOf(stdin: string): Map<string, string | undefined> {
    assert.ok(stdin.startsWith(INSTALL_SCRIPT));
    return new Map(
        stdin
            .slice(INSTALL_SCRIPT.length)
            .trimEnd()
            .split("\n")
            .map((line) => {
                const [, path, , content] = line.split(" ");
                return [path, content === "-" ? undefined : Buffer.from(content, "base64").toString()];
            }),
    );
}

/** The config.yaml in an install command's stdin. */
export function configIn(stdin: string): Record<string, unknown> {
    return parse(filesOf(stdin).get(K3S_CONFIG)!) as Record<string, unknown>;
}
