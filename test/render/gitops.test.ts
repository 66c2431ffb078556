// What Argo CD deploys from gitops/, composed as production's ApplicationSets compose it.
import * as assert from "node:assert/strict";
import { RenderedApplication } from "../../render/gitops";
import { renderedApplications, requireHelm } from "../rendered/rendering";

describe("the GitOps applications of production", function () {
    this.timeout(120_000);
    let applications: RenderedApplication[];

    before(async function () {
        await requireHelm(this);
        applications = await renderedApplications("production");
    });

    it("renders one Application per folder and the infrastructure chart, into their namespaces", () => {
        assert.deepEqual(
            applications.map((a) => [a.name, a.namespace]),
            [
                ["example-app", "example-app"],
                ["infrastructure", "infrastructure"],
            ],
        );
    });

    it("layers the environment's value file over the chart's, and the stack's platform values over both", () => {
        const app = applications.find((a) => a.name === "example-app")!;
        const deployment = app.objects.find((o) => o.manifest.kind === "Deployment")!.manifest as any;
        const ingress = app.objects.find((o) => o.manifest.kind === "Ingress")!.manifest as any;
        assert.equal(deployment.spec.replicas, 2);
        assert.equal(deployment.metadata.namespace, "example-app");
        assert.deepEqual(
            ingress.spec.rules.map((r: any) => r.host),
            ["example-app.lab.example.com"],
        );
    });

    it("says why a chart whose dependencies are not built cannot be rendered", () => {
        assert.equal(
            applications.find((a) => a.name === "infrastructure")!.error,
            "its chart dependencies are not built (reloader, longhorn): helm dependency build",
        );
    });
});
