// The secret kubeconfig of an existing cluster, checked before anything is registered: each
// problem without a word of the file, which holds credentials.
import * as assert from "node:assert/strict";
import { summarizeKubeconfig } from "../../../stacks/config/kubeconfig";

const CLUSTER = (name: string, server: string) => `- name: ${name}\n  cluster:\n    server: ${server}\n`;
const CONTEXT = (name: string, cluster: string) =>
    `- name: ${name}\n  context:\n    cluster: ${cluster}\n    user: admin\n`;
const USERS = "users:\n- name: admin\n  user:\n    token: s3cr3t-t0ken\n";

describe("summarizeKubeconfig", () => {
    it("finds the server of the current context's cluster", () => {
        const text = `current-context: lab\ncontexts:\n${CONTEXT("other", "b")}${CONTEXT("lab", "a")}clusters:\n${CLUSTER("b", "https://other:6443")}${CLUSTER("a", "https://k3s.home.arpa:6443")}${USERS}`;
        assert.deepEqual(summarizeKubeconfig(text), { server: "https://k3s.home.arpa:6443" });
    });

    it("takes an empty current-context, which kubectl config unset leaves, as none", () => {
        assert.deepEqual(
            summarizeKubeconfig(`current-context: ""\nclusters:\n${CLUSTER("a", "https://10.0.0.1:6443")}`),
            {
                server: "https://10.0.0.1:6443",
            },
        );
    });

    it("takes the only cluster of a file without contexts", () => {
        assert.deepEqual(summarizeKubeconfig(`clusters:\n${CLUSTER("a", "https://10.0.0.1:6443")}`), {
            server: "https://10.0.0.1:6443",
        });
    });

    const refused: [string, string, string][] = [
        ["a file's path", "~/.kube/config", "looks like a file's path; set the file's contents instead"],
        ["text that is not YAML", "clusters: [\n  - {", "is not YAML; set a kubeconfig file's contents"],
        ["a list", "- a\n- b\n", "is not a kubeconfig (a YAML mapping with clusters and contexts)"],
        ["no cluster", `current-context: lab\n${USERS}`, "names no cluster"],
        [
            "a current-context no context is",
            `current-context: gone\ncontexts:\n${CONTEXT("lab", "a")}clusters:\n${CLUSTER("a", "https://k3s:6443")}${USERS}`,
            "has a current-context that none of its contexts is",
        ],
        [
            "a context whose cluster is missing",
            `current-context: lab\ncontexts:\n${CONTEXT("lab", "gone")}clusters:\n${CLUSTER("a", "https://k3s:6443")}${USERS}`,
            "has a current context whose cluster it does not list",
        ],
        [
            "several clusters and no current-context",
            `clusters:\n${CLUSTER("a", "https://a:6443")}${CLUSTER("b", "https://b:6443")}${USERS}`,
            "lists several clusters but no current-context to choose one",
        ],
        [
            "a cluster without a server",
            `clusters:\n- name: a\n  cluster:\n    certificate-authority-data: Y2E=\n${USERS}`,
            "has no http(s) server URL for its current cluster",
        ],
    ];
    for (const [what, text, problem] of refused) {
        it(`refuses ${what}, quoting none of it`, () => {
            const summary = summarizeKubeconfig(text);
            assert.deepEqual(summary, { problem });
            assert.ok(!problem.includes("s3cr3t") && !problem.includes(".kube"));
        });
    }
});
