import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { readApplications } from "../../../stacks/config/applications";
import { ROOT } from "../../harness";

/** A checkout whose gitops/applications/ holds these folders, each with a Chart.yaml or not. */
function checkout(folders: Record<string, boolean>): string {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "applications-"));
    for (const [name, chart] of Object.entries(folders)) {
        const folder = path.join(root, "gitops", "applications", name);
        fs.mkdirSync(folder, { recursive: true });
        if (chart) fs.writeFileSync(path.join(folder, "Chart.yaml"), `name: ${name}\n`);
    }
    return root;
}

describe("readApplications", () => {
    it("names each folder with a chart, in order", () => {
        assert.deepEqual(readApplications(checkout({ blog: true, "example-app": true, notes: false }), "-dev"), {
            applications: [
                { name: "blog", namespace: "blog-dev" },
                { name: "example-app", namespace: "example-app-dev" },
            ],
            problems: [],
        });
    });

    it("refuses a folder that cannot name a namespace", () => {
        assert.deepEqual(readApplications(checkout({ My_App: true }), "-dev").problems, [
            'gitops/applications/My_App: names the namespace "My_App-dev", which is not a DNS label of at most 63 characters; e.g. gitops/applications/example-app',
        ]);
    });

    it("refuses a name that with the environment's suffix is longer than a namespace may be", () => {
        const long = "a".repeat(60);
        assert.deepEqual(readApplications(checkout({ [long]: true }), "-staging").problems, [
            `gitops/applications/${long}: names the namespace "${long}-staging", which is not a DNS label of at most 63 characters; e.g. gitops/applications/example-app`,
        ]);
    });

    it("refuses a name the platform or Kubernetes takes, as the application's or its namespace's", () => {
        assert.deepEqual(readApplications(checkout({ argocd: true, infrastructure: true }), "").problems, [
            `gitops/applications/argocd: takes the name of the platform's "argocd"; e.g. gitops/applications/example-app`,
            `gitops/applications/infrastructure: takes the name of the platform's "infrastructure"; e.g. gitops/applications/example-app`,
        ]);
        assert.deepEqual(readApplications(checkout({ "kube-node": true }), "-lease").problems, [
            `gitops/applications/kube-node: takes the name of the platform's "kube-node-lease"; e.g. gitops/applications/example-app`,
        ]);
    });

    it("finds the repository's example application", () => {
        assert.deepEqual(readApplications(ROOT, "").applications, [{ name: "example-app", namespace: "example-app" }]);
    });
});
