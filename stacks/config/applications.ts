// The applications of gitops/applications/ in this checkout: each folder with a Chart.yaml. The
// program grants each one its own secrets (a secret store only its namespace may use), so it
// reads the same folders the applications ApplicationSet generates Applications from.
import * as fs from "node:fs";
import * as path from "node:path";
import { DNS_LABEL } from "./fields";

/** The applications' names, or every problem with them. `namespaceSuffix` is the environment's
 *  (`-dev`): an application's namespace is its name with it, at most 63 characters. */
export function readApplications(root: string, namespaceSuffix: string): { names: string[]; problems: string[] } {
    const folder = path.join("gitops", "applications");
    const absolute = path.join(root, folder);
    if (!fs.existsSync(absolute)) return { names: [], problems: [] };
    const names: string[] = [];
    const problems: string[] = [];
    for (const entry of fs.readdirSync(absolute, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
        if (!entry.isDirectory() || !fs.existsSync(path.join(absolute, entry.name, "Chart.yaml"))) continue;
        const namespace = `${entry.name}${namespaceSuffix}`;
        if (!DNS_LABEL.test(entry.name) || namespace.length > 63) {
            problems.push(
                `${path.join(folder, entry.name)}: names the namespace "${namespace}", which is not a DNS label of at most 63 characters; e.g. gitops/applications/example-app`,
            );
            continue;
        }
        names.push(entry.name);
    }
    return { names, problems };
}
