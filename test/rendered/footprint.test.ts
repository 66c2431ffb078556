// Each environment's rendered platform within the footprint budget of its profile, as
// `npm run footprint` prints it.
import * as assert from "node:assert/strict";
import { budgetProblems, stackFootprint } from "../../render/footprint";
import { CHART_TYPE } from "../../render/kinds";
import { ENVIRONMENTS, PROFILES } from "../../stacks/config/profiles";
import { renderedStack, renderedVariant, requireHelm } from "./rendering";

for (const environment of ENVIRONMENTS) {
    describe(`${environment}'s footprint (rendered with Helm)`, function () {
        this.timeout(120_000);
        let footprint: ReturnType<typeof stackFootprint>;

        before(async function () {
            await requireHelm(this);
            footprint = stackFootprint(await renderedStack(environment));
        });

        it("requests no more CPU, memory and volumes than the profile's budget", () => {
            assert.deepEqual(budgetProblems(footprint.total, PROFILES[environment].footprint), []);
        });

        it("counts the pods of every component that runs some", () => {
            assert.deepEqual(
                [...footprint.components.keys()],
                [
                    "argocd",
                    "backup-drill",
                    "cert-manager",
                    "external-secrets",
                    "metallb",
                    "monitoring",
                    "secret-store",
                    "velero",
                ],
            );
        });
    });
}

describe("dev's footprint budget", function () {
    this.timeout(120_000);

    it("fails when a component's requests grow past it", async function () {
        await requireHelm(this);
        const dev = await renderedStack("dev");
        // Argo CD's application controller from 100m to 1600m: dev's 670m become 2170m.
        const grown = await renderedVariant(dev, (r) => {
            if (r.type !== CHART_TYPE || r.name !== "argocd-chart") return r;
            const values = r.inputs.values as { controller: { resources: { requests: object } } };
            const controller = values.controller;
            const resources = { ...controller.resources, requests: { ...controller.resources.requests, cpu: "1600m" } };
            return { ...r, inputs: { ...r.inputs, values: { ...values, controller: { ...controller, resources } } } };
        });
        const footprint = stackFootprint(grown);
        assert.deepEqual(budgetProblems(footprint.total, PROFILES.dev.footprint), [
            "CPU requests: 2170m, over the budget of 2",
        ]);
    });
});
