// api-credential.sh runs for real under bash, with a stand-in `k3s` on PATH. It models
// `k3s kubectl` (Kubernetes v1.34, as K3s v1.34.2+k3s1 embeds it) against an API server whose
// token controller (kube-controller-manager, pkg/controller/serviceaccount/tokens_controller.go)
// fills a kubernetes.io/service-account-token Secret only some time after it is created: the
// Secret's token is empty for the first `empty` reads. `apply -f -` records the manifest it
// reads, `config view --raw` answers k3s.yaml's CA; any other call is refused (exit 9).
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { API_CREDENTIAL_SCRIPT } from "../../../components/k3s/node-commands";
import { K3S_KUBECONFIG } from "../../harness";

const TOKEN = "eyJhbGciOiJSUzI1NiJ9.pulumi";

function run(empty: number, seconds = 60) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "k3s-"));
    fs.writeFileSync(
        path.join(dir, "k3s"),
        [
            "#!/usr/bin/env bash",
            `echo "$*" >> "${dir}/calls"`,
            'case "$*" in',
            `  "kubectl apply --request-timeout=10s -f -") cat > "${dir}/applied"; echo "serviceaccount/homelab-pulumi created" ;;`,
            `  *"get secret"*) n=$(cat "${dir}/reads" 2>/dev/null || echo 0); echo $((n + 1)) > "${dir}/reads"`,
            `    if [ "$n" -ge ${empty} ]; then printf '%s' "$(printf '%s' '${TOKEN}' | base64 -w0)"; fi ;;`,
            `  "kubectl config view"*) printf 'Y2E=' ;;`,
            "  *) exit 9 ;;",
            "esac",
        ].join("\n"),
        { mode: 0o755 },
    );
    const script = API_CREDENTIAL_SCRIPT.replace(/^poll_seconds=2$/m, "poll_seconds=0").replace(
        /^deadline=.*$/m,
        `deadline=$((SECONDS + ${seconds}))`,
    );
    const result = spawnSync("bash", ["-c", script, "api-credential.sh", "homelab-pulumi-token"], {
        env: { ...process.env, PATH: `${dir}:${process.env.PATH}` },
        encoding: "utf8",
    });
    const read = (name: string) =>
        fs.existsSync(path.join(dir, name)) ? fs.readFileSync(path.join(dir, name), "utf8") : "";
    return { ...result, applied: read("applied"), calls: read("calls").trimEnd().split("\n") };
}

describe("api-credential.sh", () => {
    it("prints a kubeconfig with the ServiceAccount's token and k3s.yaml's CA, once the token is there", () => {
        const result = run(2);
        assert.equal(result.status, 0, result.stderr);
        // Exactly the kubeconfig the program's tests get from the mocked command.
        assert.equal(result.stdout, K3S_KUBECONFIG);
        assert.deepEqual(result.calls, [
            "kubectl apply --request-timeout=10s -f -",
            "kubectl -n kube-system get secret homelab-pulumi-token --request-timeout=10s -o jsonpath={.data.token}",
            "kubectl -n kube-system get secret homelab-pulumi-token --request-timeout=10s -o jsonpath={.data.token}",
            "kubectl -n kube-system get secret homelab-pulumi-token --request-timeout=10s -o jsonpath={.data.token}",
            "kubectl config view --raw -o jsonpath={.clusters[0].cluster.certificate-authority-data}",
        ]);
    });

    it("keeps kubectl's own output off stdout, which is the kubeconfig", () => {
        const result = run(0);
        assert.equal(result.stderr, "serviceaccount/homelab-pulumi created\n");
        assert.doesNotMatch(result.stdout, /created/);
    });

    it("binds a ServiceAccount to cluster-admin and asks for a token Secret it does not list", () => {
        const manifests = run(0).applied.split("---\n");
        assert.deepEqual(manifests, [
            "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: homelab-pulumi\n  namespace: kube-system\n",
            [
                "apiVersion: rbac.authorization.k8s.io/v1",
                "kind: ClusterRoleBinding",
                "metadata:",
                "  name: homelab-pulumi",
                "roleRef:",
                "  apiGroup: rbac.authorization.k8s.io",
                "  kind: ClusterRole",
                "  name: cluster-admin",
                "subjects:",
                "  - kind: ServiceAccount",
                "    name: homelab-pulumi",
                "    namespace: kube-system",
                "",
            ].join("\n"),
            [
                "apiVersion: v1",
                "kind: Secret",
                "metadata:",
                "  name: homelab-pulumi-token",
                "  namespace: kube-system",
                "  annotations:",
                "    kubernetes.io/service-account.name: homelab-pulumi",
                "type: kubernetes.io/service-account-token",
                "",
            ].join("\n"),
        ]);
    });

    it("gives up when the token never comes, saying where to look, and prints nothing", () => {
        const result = run(1000, 0);
        assert.equal(result.status, 1);
        assert.equal(result.stdout, "");
        assert.equal(
            result.stderr,
            "serviceaccount/homelab-pulumi created\n[homelab] the token controller did not fill in secret kube-system/homelab-pulumi-token in time; is kube-controller-manager running? see: journalctl -u k3s\n",
        );
    });
});
