// The render's one hook into the Pulumi SDK: it records what the engine would receive, or says
// what changed in the SDK rather than record less.
import * as assert from "node:assert/strict";
import * as mocksModule from "@pulumi/pulumi/runtime/mocks";
import { version } from "@pulumi/pulumi/version";
import { recordRegistrations } from "../../render/mock-monitor";

describe("the mock monitor hook", () => {
    it("refuses a registration request that lacks what it reads, naming the SDK's version", () => {
        recordRegistrations("homelab", () => undefined);
        const monitor = mocksModule.MockMonitor.prototype as unknown as {
            registerResource(this: void, req: unknown, callback: () => void): unknown;
        };
        const request = { getType: () => "kubernetes:core/v1:Namespace", getName: () => "argocd" };
        assert.throws(() => monitor.registerResource(request, () => undefined), {
            message:
                `@pulumi/pulumi ${version}: a registration request has no getObject, getDependenciesList, getParent, ` +
                "getProvider, getProtect, getRetainondelete, getDeletebeforereplace, getCustomtimeouts, " +
                "getAdditionalsecretoutputsList; render/mock-monitor.ts records registrations through it and must be adapted",
        });
    });
});
