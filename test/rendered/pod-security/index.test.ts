// The levels as a whole (index.ts): what each level admits, and the order violations are listed in
// when several checks fail.
import * as assert from "node:assert/strict";
import { podSecurityViolations } from ".";
import { pod, violations } from "./fixtures";

describe("pod security levels", () => {
    it("admits a restricted-compliant pod at every level", () => {
        for (const level of ["privileged", "baseline", "restricted"] as const) {
            assert.deepEqual(podSecurityViolations(pod(), level), [], level);
        }
    });

    it("admits a pod without metadata", () => {
        assert.deepEqual(podSecurityViolations({ spec: pod().spec }, "restricted"), []);
    });

    it("admits a bare pod at baseline but not at restricted", () => {
        const bare = { spec: { containers: [{ name: "app", image: "nginx" }] } };
        assert.deepEqual(podSecurityViolations(bare, "baseline"), []);
        assert.deepEqual(podSecurityViolations(bare, "restricted"), [
            'allowPrivilegeEscalation != false (container "app" must set securityContext.allowPrivilegeEscalation=false)',
            'unrestricted capabilities (container "app" must set securityContext.capabilities.drop=["ALL"])',
            'runAsNonRoot != true (pod or container "app" must set securityContext.runAsNonRoot=true)',
            'seccompProfile (pod or container "app" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
        ]);
    });

    it("privileged admits everything", () => {
        const anything = pod((p) => {
            p.spec.hostNetwork = true;
            p.spec.hostPID = true;
            p.spec.volumes = [{ name: "root", hostPath: { path: "/" } }];
            p.spec.securityContext = { runAsUser: 0, sysctls: [{ name: "kernel.msgmax", value: "1" }] };
            p.spec.containers[0].securityContext = { privileged: true, capabilities: { add: ["SYS_ADMIN"] } };
        });
        assert.deepEqual(podSecurityViolations(anything, "privileged"), []);
    });

    it("restricted reports baseline violations too, baseline checks first, each in upstream ID order", () => {
        const edit = (p: any): void => {
            p.spec.hostNetwork = true;
            p.spec.containers[0].securityContext.privileged = true;
            p.spec.securityContext.runAsUser = 0;
            p.spec.containers[0].ports = [{ containerPort: 80, hostPort: 80 }];
        };
        assert.deepEqual(violations("baseline", edit), [
            "host namespaces (hostNetwork=true)",
            'hostPort (container "app" uses hostPort 80)',
            'privileged (container "app" must not set securityContext.privileged=true)',
        ]);
        assert.deepEqual(violations("restricted", edit), [
            "host namespaces (hostNetwork=true)",
            'hostPort (container "app" uses hostPort 80)',
            'privileged (container "app" must not set securityContext.privileged=true)',
            "runAsUser=0 (pod must not set runAsUser=0)",
        ]);
    });
});
