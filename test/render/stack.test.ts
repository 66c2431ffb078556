// The offline render of a whole stack, as `npm run render` writes it.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { renderCommand } from "../../render/cli";
import { renderedYaml } from "../../render/output";
import { RenderedStack, renderStack } from "../../render/stack";
import { requireHelm } from "../rendered/rendering";

describe("npm run render -- production", function () {
    this.timeout(120_000);
    let rendered: RenderedStack;
    let out: string;
    const stdout: string[] = [];
    const stderr: string[] = [];

    before(async function () {
        const setup = await requireHelm(this);
        // The stack file as it is, as the command reads it (the rendered tests' stacks add a backup store).
        rendered = await renderStack("production", setup);
        out = fs.mkdtempSync(path.join(os.tmpdir(), "homelab-render-"));
        await renderCommand(["production", "--out", out], {
            stdout: (text) => stdout.push(text),
            stderr: (text) => stderr.push(text),
        });
    });
    after(() => out && fs.rmSync(out, { recursive: true, force: true }));

    it("says where it wrote, and nothing else: every chart renders the same on the first up", () => {
        assert.deepEqual(stdout, []);
        assert.deepEqual(stderr, [`wrote 8 files to ${out}\n`]);
    });

    it("writes one file per chart and one for the program's own objects", () => {
        assert.deepEqual(fs.readdirSync(out).sort(), [
            "argocd-chart.yaml",
            "cert-manager-chart.yaml",
            "external-secrets-chart.yaml",
            "metallb-chart.yaml",
            "monitoring-chart.yaml",
            "program.yaml",
            "prometheus-operator-crds-chart.yaml",
            "velero-chart.yaml",
        ]);
    });

    it("writes the same objects on every run", () => {
        for (const [origin, text] of renderedYaml(rendered))
            assert.equal(fs.readFileSync(path.join(out, `${origin}.yaml`), "utf8"), text, origin);
    });

    it("writes every object the cluster receives, each headed by its Pulumi type and name", () => {
        const count = (text: string) => text.split("\n---\n").length;
        const written = fs.readdirSync(out).reduce((n, f) => n + count(fs.readFileSync(path.join(out, f), "utf8")), 0);
        const objects = rendered.charts.reduce((n, c) => n + c.objects.length, rendered.program.length);
        assert.equal(written, objects);
        assert.match(
            fs.readFileSync(path.join(out, "program.yaml"), "utf8"),
            /^---\n# kubernetes:core\/v1:Namespace argocd-namespace\n/m,
        );
    });

    it("shows no secret value the program handles", () => {
        const text = fs
            .readdirSync(out)
            .map((f) => fs.readFileSync(path.join(out, f), "utf8"))
            .join("");
        // The mocks' generated passwords and the stack file's encrypted values (dummy-secret-<key>).
        assert.deepEqual(text.match(/password-[\w-]+|dummy-secret-\w+/g), null);
        assert.match(text, /auth: <redacted>/);
        assert.match(text, /admin-password: <redacted>/);
    });
});
