// The delivery pipeline: workflows shaped as the seed's promotion flow, code owners, Renovate.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { CHARTS, K3S_VERSION, KUBECTL_IMAGE } from "../components/versions";
import { ROOT } from "./harness";

const read = (file: string) => fs.readFileSync(path.join(ROOT, file), "utf8");
const workflow = (name: string): any => parse(read(`.github/workflows/${name}.yml`));

describe("pull-request workflow", () => {
    const flow = workflow("pull-request");

    it("runs on pull requests to main", () => assert.deepEqual(flow.on, { pull_request: { branches: ["main"] } }));

    it("runs the README's commands: npm ci, npm test (lint, type-check, unit tests)", () => {
        assert.deepEqual(
            flow.jobs.checks.steps.filter((s: any) => s.run).map((s: any) => s.run),
            ["npm ci", "npm test"],
        );
    });

    it("gives the tests Helm before they run, since under CI a missing Helm fails them", () => {
        const steps = flow.jobs.checks.steps.map((s: any) => s.uses ?? s.run);
        assert.ok(steps.indexOf("azure/setup-helm@v4") >= 0);
        assert.ok(steps.indexOf("azure/setup-helm@v4") < steps.indexOf("npm test"));
    });

    it("lints the GitOps charts with every environment's values", () => {
        const script = flow.jobs["helm-lint"].steps.map((s: any) => s.run ?? "").join("\n");
        assert.match(script, /helm lint gitops\/infrastructure --strict -f "gitops\/environments\/\$env\/values.yaml"/);
        assert.match(script, /for app in gitops\/applications\/\*\/; do/);
    });

    it("previews, after the checks, each stack the change touches, with the policy pack", () => {
        const preview = flow.jobs.preview;
        assert.deepEqual(preview.needs, ["checks", "changes"]);
        assert.equal(preview.uses, "./.github/workflows/pulumi.yml");
        assert.equal(preview.with.command, "preview");
        assert.equal(preview.strategy.matrix.stack, "${{ fromJSON(needs.changes.outputs.stacks) }}");
    });
});

describe("deploy workflow", () => {
    const flow = workflow("deploy");

    it("runs on merges to main, one at a time, never cancelled", () => {
        assert.deepEqual(flow.on, { push: { branches: ["main"] } });
        assert.deepEqual(flow.concurrency, { group: "deploy", "cancel-in-progress": false });
    });

    it("updates dev, then staging after dev, then production after staging", () => {
        assert.deepEqual(
            Object.entries(flow.jobs).map(([name, job]: [string, any]) => [
                name,
                job.needs,
                job.with.command,
                job.with.stack,
            ]),
            [
                ["dev", undefined, "up", "dev"],
                ["staging", "dev", "up", "staging"],
                ["production", "staging", "up", "production"],
            ],
        );
    });

    it("runs each update in the GitHub environment of its stack (production's requires reviewers)", () => {
        for (const [name, job] of Object.entries<any>(flow.jobs)) assert.equal(job.with.environment, name);
    });
});

describe("pulumi workflow", () => {
    const flow = workflow("pulumi");
    const job = flow.jobs.pulumi;
    const pulumiStep = job.steps.find((s: any) => String(s.uses).startsWith("pulumi/actions@"));

    it("is called by the other workflows with a command, a stack and an environment", () => {
        assert.deepEqual(Object.keys(flow.on.workflow_call.inputs), ["command", "stack", "environment"]);
        assert.equal(job.environment, "${{ inputs.environment }}");
    });

    it("runs Pulumi with the diff, the PR comment and the policy pack, mandatory in production", () => {
        assert.deepEqual(
            [pulumiStep.with.diff, pulumiStep.with.policyPacks, pulumiStep.with.policyPackConfigs],
            [true, "policy", "${{ inputs.stack == 'production' && 'policy/production.json' || '' }}"],
        );
        assert.equal(pulumiStep.with["comment-on-pr"], "${{ inputs.command == 'preview' }}");
    });

    it("takes every credential from the CI secret store", () => {
        for (const [name, value] of Object.entries<string>(pulumiStep.env)) {
            assert.match(value, /^\$\{\{ (secrets|vars)\.[A-Z_]+ \}\}$/, name);
        }
        const sshStep = job.steps.find((s: any) => String(s.uses).startsWith("webfactory/ssh-agent@"));
        assert.equal(sshStep.with["ssh-private-key"], "${{ secrets.HOMELAB_SSH_PRIVATE_KEY }}");
    });
});

describe("CODEOWNERS", () => {
    it("requires a review for production's config, its GitOps values and the policy pack", () => {
        const owned = read(".github/CODEOWNERS")
            .split("\n")
            .filter((line) => line.startsWith("/"))
            .map((line) => line.split(/\s+/)[0]);
        assert.deepEqual(owned, ["/Pulumi.production.yaml", "/gitops/environments/production/", "/policy/"]);
    });
});

describe("Renovate", () => {
    const renovate = JSON.parse(read("renovate.json"));
    const manager = renovate.customManagers[0];

    it("finds every pin of components/versions.ts with its current version", () => {
        const source = read("components/versions.ts");
        const found = new Map<string, string>();
        for (const pattern of manager.matchStrings as string[]) {
            for (const match of source.matchAll(new RegExp(pattern, "g"))) {
                found.set(match.groups!.depName, match.groups!.currentValue);
            }
        }
        assert.deepEqual(
            Object.fromEntries([...found].sort()),
            Object.fromEntries(
                [
                    ...Object.values(CHARTS).map((c): [string, string] => [c.chart, c.version]),
                    ["k3s-io/k3s", K3S_VERSION],
                    ["registry.k8s.io/kubectl", KUBECTL_IMAGE.split(":")[1]],
                ].sort(),
            ),
        );
    });

    it("keeps TypeScript below 7, which @pulumi/pulumi does not support", () => {
        assert.ok(
            renovate.packageRules.some(
                (r: any) => r.matchPackageNames?.includes("typescript") && r.allowedVersions === "<7",
            ),
        );
    });
});
