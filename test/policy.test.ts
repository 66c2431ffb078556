// The policy pack: each policy rejects a violating resource and accepts a compliant one, and the
// whole pack passes on the real stacks.
import * as assert from "node:assert/strict";
import { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import {
    chartsPinned,
    environmentOf,
    POLICIES,
    productionApplicationsManualSync,
    productionControllersReplicated,
    productionSecretStoreIsVault,
    workloadsSetResources,
} from "../policy/rules";
import { homelab } from "../stacks/homelab";
import { ENVIRONMENTS } from "../stacks/profiles";
import { settle, stackConfigFile, useStack } from "./harness";

/** The violations a policy reports for one resource. */
function violations(
    policy: ResourceValidationPolicy,
    stack: string,
    type: string,
    props: Record<string, unknown>,
): string[] {
    const found: string[] = [];
    const args = {
        type,
        props,
        urn: `urn:pulumi:${stack}::homelab::${type}::test`,
        name: "test",
    } as ResourceValidationArgs;
    const validate = policy.validateResource;
    for (const check of Array.isArray(validate) ? validate : [validate!])
        void check(args, (message) => found.push(message));
    return found;
}

const STORE = "kubernetes:external-secrets.io/v1:ClusterSecretStore";
const CHART = "kubernetes:helm.sh/v4:Chart";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const APPSET = "kubernetes:argoproj.io/v1alpha1:ApplicationSet";
const deployment = (resources: object) => ({
    spec: { template: { spec: { containers: [{ name: "app", resources }] } } },
});
const sized = { requests: { cpu: "10m", memory: "32Mi" }, limits: { memory: "128Mi" } };
const appSet = (syncPolicy: object) => ({ spec: { template: { spec: { project: "applications", syncPolicy } } } });

describe("environmentOf", () => {
    it("reads the stack from a URN", () =>
        assert.equal(environmentOf("urn:pulumi:production::homelab::a:b:C::x"), "production"));
});

describe("production-secret-store-is-vault", () => {
    it("rejects a Kubernetes-backed store in production", () => {
        assert.deepEqual(
            violations(productionSecretStoreIsVault, "production", STORE, { spec: { provider: { kubernetes: {} } } }),
            ["secret store uses kubernetes; production secrets come from Vault"],
        );
    });
    it("accepts a Vault-backed store in production", () => {
        assert.deepEqual(
            violations(productionSecretStoreIsVault, "production", STORE, { spec: { provider: { vault: {} } } }),
            [],
        );
    });
    it("leaves dev's Kubernetes-backed store alone", () => {
        assert.deepEqual(
            violations(productionSecretStoreIsVault, "dev", STORE, { spec: { provider: { kubernetes: {} } } }),
            [],
        );
    });
});

describe("workloads-set-resources", () => {
    it("rejects a container without requests and limits in staging", () => {
        assert.deepEqual(violations(workloadsSetResources, "staging", DEPLOYMENT, deployment({})), [
            "container app sets no requests.cpu, requests.memory, limits.memory",
        ]);
    });
    it("accepts a sized container", () => {
        assert.deepEqual(violations(workloadsSetResources, "production", DEPLOYMENT, deployment(sized)), []);
    });
    it("checks a CronJob's pod template", () => {
        const cronJob = {
            spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: "backup" }] } } } } },
        };
        assert.equal(violations(workloadsSetResources, "production", "kubernetes:batch/v1:CronJob", cronJob).length, 1);
    });
    it("leaves dev alone", () => {
        assert.deepEqual(violations(workloadsSetResources, "dev", DEPLOYMENT, deployment({})), []);
    });
});

describe("production-controllers-replicated", () => {
    it("rejects a single-replica cert-manager in production", () => {
        assert.deepEqual(
            violations(productionControllersReplicated, "production", CHART, {
                chart: "cert-manager",
                values: { replicaCount: 2, webhook: { replicaCount: 2 } },
            }),
            ["cert-manager cainjector.replicaCount is 1; production needs >= 2"],
        );
    });
    it("accepts replicated controllers", () => {
        const values = { server: { replicas: 2 }, repoServer: { replicas: 3 }, applicationSet: { replicas: 2 } };
        assert.deepEqual(
            violations(productionControllersReplicated, "production", CHART, { chart: "argo-cd", values }),
            [],
        );
    });
});

describe("charts-pinned", () => {
    it("rejects a chart without an exact version", () => {
        assert.deepEqual(violations(chartsPinned, "dev", CHART, { chart: "metallb", version: "^0.16" }), [
            'chart metallb has version "^0.16", not an exact version',
        ]);
    });
    it("accepts an exact version", () => {
        assert.deepEqual(violations(chartsPinned, "dev", CHART, { chart: "cert-manager", version: "v1.21.1" }), []);
    });
});

describe("production-applications-manual-sync", () => {
    it("rejects automated sync of applications in production", () => {
        assert.deepEqual(
            violations(productionApplicationsManualSync, "production", APPSET, appSet({ automated: { prune: true } })),
            ["applications in production must not sync automatically"],
        );
    });
    it("accepts manual sync in production", () => {
        assert.deepEqual(
            violations(productionApplicationsManualSync, "production", APPSET, appSet({ syncOptions: [] })),
            [],
        );
    });
    it("leaves staging's automated sync alone", () => {
        assert.deepEqual(
            violations(productionApplicationsManualSync, "staging", APPSET, appSet({ automated: {} })),
            [],
        );
    });
});

for (const environment of ENVIRONMENTS) {
    describe(`the policy pack on the ${environment} stack`, () => {
        it("finds no violation", async () => {
            const registered = await useStack(environment, stackConfigFile(environment));
            homelab();
            await settle();
            const found = registered.flatMap((r) =>
                POLICIES.flatMap((policy) =>
                    violations(policy, environment, r.type, r.inputs).map((v) => `${policy.name} ${r.name}: ${v}`),
                ),
            );
            assert.deepEqual(found, []);
        });
    });
}
