// What dev, staging and production mean, where the README's "Environments" says they differ.
import * as assert from "node:assert/strict";
import { applyOverrides, EnvironmentProfile, PROFILES, profileSchema } from "../../../stacks/config/profiles";
import { validateConfig } from "../../../stacks/config/validate";
import { input, values } from "../../fixtures";

const knob = <K extends keyof EnvironmentProfile>(key: K) => ({
    dev: PROFILES.dev[key],
    staging: PROFILES.staging[key],
    production: PROFILES.production[key],
});

describe("environment profiles", () => {
    it("are each valid against the profile schema", () => {
        for (const profile of Object.values(PROFILES)) assert.equal(profileSchema.safeParse(profile).success, true);
    });

    it("reduce resources outside production", () => {
        assert.deepEqual(knob("resources"), { dev: "reduced", staging: "reduced", production: "full" });
    });

    it("make only production highly available, with two replicas and PodDisruptionBudgets", () => {
        assert.deepEqual(knob("highAvailability"), { dev: false, staging: false, production: true });
        assert.deepEqual(knob("controllerReplicas"), { dev: 1, staging: 1, production: 2 });
        assert.deepEqual(knob("podDisruptionBudgets"), { dev: false, staging: false, production: true });
    });

    it("require three K3s servers in production only", () => {
        assert.deepEqual(knob("minServers"), { dev: 1, staging: 1, production: 3 });
    });

    it("turn security policies off in dev only, and fully harden production", () => {
        assert.deepEqual(knob("podSecurity"), { dev: "off", staging: "enforced", production: "enforced" });
        assert.deepEqual(knob("hardening"), { dev: false, staging: false, production: true });
        assert.deepEqual(knob("pinnedHostKeys"), { dev: false, staging: true, production: true });
    });

    it("give applications' namespaces the environment's suffix, none in production", () => {
        assert.deepEqual(knob("namespaceSuffix"), { dev: "-dev", staging: "-staging", production: "" });
    });

    it("drain each node before K3s restarts on it in production only", () => {
        assert.deepEqual(knob("drainNodes"), { dev: false, staging: false, production: true });
    });

    it("deny network traffic by default outside dev", () => {
        assert.deepEqual(knob("networkPolicies"), { dev: "none", staging: "default-deny", production: "default-deny" });
    });

    it("keep volumes local outside production", () => {
        assert.deepEqual(knob("storage"), { dev: "local", staging: "local", production: "distributed" });
    });

    it("back up etcd outside dev, more often and longer in production, alerting after two missed runs", () => {
        assert.deepEqual(knob("etcdSnapshots"), {
            dev: { enabled: false, schedule: "0 */12 * * *", retention: 5, alertAfter: "25h" },
            staging: { enabled: true, schedule: "0 */12 * * *", retention: 10, alertAfter: "25h" },
            production: { enabled: true, schedule: "0 */6 * * *", retention: 28, alertAfter: "13h" },
        });
    });

    it("encrypt secrets at rest outside dev", () => {
        assert.deepEqual(knob("secretsEncryption"), { dev: false, staging: true, production: true });
    });

    it("read workload secrets from Vault in production only", () => {
        assert.deepEqual(knob("secrets"), { dev: "kubernetes", staging: "kubernetes", production: "vault" });
    });

    it("issue certificates self-signed in dev, from ACME staging and production elsewhere", () => {
        assert.deepEqual(knob("tlsIssuer"), {
            dev: "privateCa",
            staging: "acme-staging",
            production: "acme-production",
        });
    });

    it("keep monitoring data longer, on volumes, with alert routing in production", () => {
        assert.deepEqual(knob("monitoring"), {
            dev: { retention: "2d", persistentStorage: false, storageSize: "5Gi", alertRouting: false },
            staging: { retention: "7d", persistentStorage: true, storageSize: "10Gi", alertRouting: false },
            production: { retention: "30d", persistentStorage: true, storageSize: "50Gi", alertRouting: true },
        });
    });

    it("sync applications automatically except in production", () => {
        assert.deepEqual(knob("applicationsSync"), { dev: "automated", staging: "automated", production: "manual" });
    });
});

describe("profile overrides", () => {
    it("replace a knob and keep the rest", () => {
        assert.deepEqual(applyOverrides(PROFILES.dev, { networkPolicies: "default-deny" }), {
            ...PROFILES.dev,
            networkPolicies: "default-deny",
        });
    });

    it("replace one field of a nested knob and keep its other fields", () => {
        assert.deepEqual(applyOverrides(PROFILES.staging, { monitoring: { retention: "14d" } }).monitoring, {
            ...PROFILES.staging.monitoring,
            retention: "14d",
        });
    });

    it("come from homelab:profile in the stack's config", () => {
        const result = validateConfig(
            input(
                "dev",
                values("dev", (v) => (v.profile = { etcdSnapshots: { enabled: true } })),
            ),
        );
        assert.ok(result.ok);
        assert.deepEqual(result.settings.profile.etcdSnapshots, { ...PROFILES.dev.etcdSnapshots, enabled: true });
    });
});
