// `npm run impact` end to end: a commit that widens dev's MetalLB pool and adds an application
// folder, compared with the commit it starts from, rendered with the real Helm.
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseImpactArguments, withCheckout } from "../../impact/cli";
import { ROOT } from "../../render/evaluate";
import { FIXTURE_STACKS } from "../harness";
import { requireHelm } from "../rendered/rendering";
import { git } from "../tools";

/** Two commits on top of HEAD: the base, with the fixture homelab's dev stack file, and the head,
 *  with `change` applied to it; the checkout is removed again. */
function commitsOnHead(change: (tree: string) => void): { base: string; head: string } {
    const tree = fs.mkdtempSync(path.join(os.tmpdir(), "impact-fixture-"));
    git(ROOT, "worktree", "add", "--detach", tree, "HEAD");
    try {
        fs.copyFileSync(path.join(FIXTURE_STACKS, "Pulumi.dev.yaml"), path.join(tree, "Pulumi.dev.yaml"));
        git(tree, "commit", "-q", "--allow-empty", "-am", "fixture: the fixture homelab's dev");
        const base = git(tree, "rev-parse", "HEAD");
        change(tree);
        git(tree, "add", "-A");
        git(tree, "commit", "-q", "-m", "fixture: widen the pool, add an application");
        return { base, head: git(tree, "rev-parse", "HEAD") };
    } finally {
        git(ROOT, "worktree", "remove", "--force", tree);
    }
}

describe("npm run impact", function () {
    this.timeout(180_000);

    it("reports a widened pool and an added application for dev, and nothing destructive", async function () {
        await requireHelm(this);
        const { base, head } = commitsOnHead((tree) => {
            const stack = path.join(tree, "Pulumi.dev.yaml");
            fs.writeFileSync(stack, fs.readFileSync(stack, "utf8").replace("192.168.10.219", "192.168.10.229"));
            fs.cpSync(
                path.join(tree, "gitops/applications/example-app"),
                path.join(tree, "gitops/applications/guestbook"),
                {
                    recursive: true,
                },
            );
            for (const environment of ["dev", "staging", "production"]) {
                const values = path.join(tree, "gitops/environments", environment, "applications");
                fs.copyFileSync(path.join(values, "example-app.yaml"), path.join(values, "guestbook.yaml"));
            }
        });
        const report = execFileSync(
            "npm",
            ["run", "-s", "impact", "--", "--base", base, "--head", head, "--stacks", "dev"],
            {
                cwd: ROOT,
                stdio: ["ignore", "pipe", "pipe"],
            },
        ).toString();
        const gate = "`v1/ConfigMap metallb-system/metallb-webhook-gate-xxxxxxx` (program)";
        assert.equal(
            report,
            [
                "## Environment impact",
                "",
                `What \`${head}\` changes against \`${base}\` in each environment, rendered offline with Helm as \`pulumi up\` and Argo CD would apply it (secrets redacted).`,
                "",
                "### dev: 9 added, 3 changed, 0 removed",
                "",
                "**Added**",
                "- `apps/v1/Deployment guestbook-dev/example-app` (gitops:guestbook)",
                // The new application's own project and secret store, and its reader's right to its
                // secret alone.
                "- `argoproj.io/v1alpha1/AppProject argocd/app-guestbook` (program)",
                "- `external-secrets.io/v1/ClusterSecretStore homelab-guestbook` (program)",
                "- `external-secrets.io/v1/ExternalSecret guestbook-dev/example-app` (gitops:guestbook)",
                "- `networking.k8s.io/v1/Ingress guestbook-dev/example-app` (gitops:guestbook)",
                "- `rbac.authorization.k8s.io/v1/Role homelab-secrets/secret-store-reader-guestbook-xxxxxxx` (program)",
                "- `rbac.authorization.k8s.io/v1/RoleBinding homelab-secrets/secret-store-reader-guestbook-xxxxxxx` (program)",
                "- `v1/Service guestbook-dev/example-app` (gitops:guestbook)",
                "- `v1/ServiceAccount homelab-secrets/secret-store-guestbook` (program)",
                "",
                "**Changed**",
                "- `metallb.io/v1beta1/IPAddressPool metallb-system/default` (program)",
                '  - `spec.addresses[0]`: `"192.168.10.200-192.168.10.219"` → `"192.168.10.200-192.168.10.229"`',
                "- `v1/ConfigMap external-secrets/secret-store-webhook-gate-xxxxxxx` (program)",
                '  - `data.objects.json#items`: `[{"apiVersion":"external-secrets.io/v1","kind":"ClusterSecretStore","metadata...` → `[{"apiVersion":"external-secrets.io/v1","kind":"ClusterSecretStore","metadata...`',
                `- ${gate}`,
                '  - `data.objects.json#items[0].spec.addresses[0]`: `"192.168.10.200-192.168.10.219"` → `"192.168.10.200-192.168.10.229"`',
                "- not rendered: infrastructure: its chart dependencies are not built (reloader, longhorn): helm dependency build",
                "",
            ].join("\n"),
        );
    });
});

describe("a base from before this render's layout", function () {
    this.timeout(60_000);

    it("loads this checkout's render/ whole, and evaluates the base's own program with it", async () => {
        // The last commit whose render/ had no mock-monitor.ts, nor its program the stack config
        // this render reads the cluster from.
        const added = git(ROOT, "log", "--diff-filter=A", "--format=%H", "--", "render/mock-monitor.ts").split("\n");
        const base = `${added[added.length - 1]}^`;
        // What the impact report's snapshot process loads and evaluates there, without the charts.
        const script = [
            'require("./render/snapshot");',
            'require("./render/evaluate").evaluateStack("dev").then((s) => console.log(JSON.stringify({',
            "  charts: s.registrations.filter((r) => r.type === 'kubernetes:helm.sh/v4:Chart').map((r) => r.name),",
            "  nodes: s.cluster.nodes.length,",
            "})));",
        ].join("\n");
        const output = await withCheckout(base, (tree) =>
            Promise.resolve(
                execFileSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", script], {
                    cwd: tree,
                    stdio: ["ignore", "pipe", "pipe"],
                }).toString(),
            ),
        );
        const evaluated = JSON.parse(output.trim().split("\n").pop()!) as { charts: string[]; nodes: number };
        assert.deepEqual(evaluated.charts.sort(), [
            "argocd-chart",
            "cert-manager-chart",
            "external-secrets-chart",
            "metallb-chart",
            "monitoring-chart",
            "prometheus-operator-crds-chart",
        ]);
        assert.ok(evaluated.nodes > 0);
    });
});

describe("impact arguments", () => {
    it("needs a base, takes stacks that exist, and refuses anything else", () => {
        assert.deepEqual(parseImpactArguments(["--base", "main", "--stacks", "dev,production"]), {
            base: "main",
            head: undefined,
            stacks: ["dev", "production"],
            chartsDir: undefined,
            out: undefined,
        });
        assert.deepEqual(parseImpactArguments(["--base=main"]).stacks, ["dev", "production", "staging"]);
        assert.throws(() => parseImpactArguments([]), /^Error: --base is required\nusage: npm run impact/);
        assert.throws(() => parseImpactArguments(["--base", "main", "--stacks", "prod"]), {
            message: "no Pulumi.prod.yaml: the stacks are the Pulumi.<stack>.yaml files beside Pulumi.yaml",
        });
        assert.throws(
            () => parseImpactArguments(["--base", "main", "--force"]),
            /^Error: unknown option --force\nusage: npm run impact/,
        );
        assert.throws(() => parseImpactArguments(["main"]), /^Error: unexpected argument main\nusage: npm run impact/);
    });
});
