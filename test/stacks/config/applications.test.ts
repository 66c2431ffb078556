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
        assert.deepEqual(readApplications(checkout({ blog: true, "example-app": true }), "-dev"), {
            applications: [
                { name: "blog", namespace: "blog-dev" },
                { name: "example-app", namespace: "example-app-dev" },
            ],
            problems: [],
        });
    });

    it("refuses a folder without a chart, which Argo CD would still make an Application", () => {
        assert.deepEqual(readApplications(checkout({ blog: true, notes: false }), "-dev"), {
            applications: [{ name: "blog", namespace: "blog-dev" }],
            problems: [
                "gitops/applications/notes: has no Chart.yaml; Argo CD would still make it an Application, in an AppProject the program creates only for a chart, and it would never sync; add the chart or move the folder out of gitops/applications; e.g. gitops/applications/example-app/Chart.yaml",
            ],
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

    it("finds every application of the repository's own gitops/applications/, without a problem", () => {
        const folders = fs.readdirSync(path.join(ROOT, "gitops", "applications")).sort();
        assert.deepEqual(readApplications(ROOT, ""), {
            applications: folders.map((name) => ({ name, namespace: name })),
            problems: [],
        });
    });
});
