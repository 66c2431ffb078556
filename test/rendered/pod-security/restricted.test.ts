// The restricted checks (restricted.ts), one describe block per upstream
// k8s.io/pod-security-admission/policy/check_*.go: a failing pod with its exact violation list, and the
// boundary cases each check admits.
import * as assert from "node:assert/strict";
import { podSecurityViolations } from ".";
import { container, pod, violations } from "./fixtures";

describe("check_allowPrivilegeEscalation.go", () => {
    it("requires allowPrivilegeEscalation: false on every container", () => {
        const edit = (p: any): void => {
            p.spec.initContainers = [{ ...container("init"), securityContext: { capabilities: { drop: ["ALL"] } } }];
            p.spec.containers[0].securityContext.allowPrivilegeEscalation = true;
        };
        assert.deepEqual(violations("restricted", edit), [
            'allowPrivilegeEscalation != false (containers "init", "app" must set securityContext.allowPrivilegeEscalation=false)',
        ]);
    });

    it("is not a baseline check", () => {
        const edit = (p: any): void => void (p.spec.containers[0].securityContext.allowPrivilegeEscalation = true);
        assert.deepEqual(violations("baseline", edit), []);
    });

    it("exempts Windows pods", () => {
        const edit = (p: any): void => {
            p.spec.os = { name: "windows" };
            delete p.spec.containers[0].securityContext.allowPrivilegeEscalation;
        };
        assert.deepEqual(violations("restricted", edit), []);
    });
});

describe("check_capabilities_restricted.go", () => {
    it("requires drop ALL and allows adding only NET_BIND_SERVICE", () => {
        const edit = (p: any): void => {
            p.spec.containers = [
                {
                    name: "a",
                    securityContext: { allowPrivilegeEscalation: false, capabilities: { add: ["FOO", "BAR"] } },
                },
                {
                    name: "b",
                    securityContext: { allowPrivilegeEscalation: false, capabilities: { add: ["BAR", "BAZ"] } },
                },
                {
                    name: "c",
                    securityContext: {
                        allowPrivilegeEscalation: false,
                        capabilities: { add: ["NET_BIND_SERVICE", "CHOWN"], drop: ["ALL", "FOO"] },
                    },
                },
                { name: "d", securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["all"] } } },
            ];
        };
        assert.deepEqual(violations("restricted", edit), [
            'unrestricted capabilities (containers "a", "b", "d" must set securityContext.capabilities.drop=["ALL"]; containers "a", "b", "c" must not include "BAR", "BAZ", "CHOWN", "FOO" in securityContext.capabilities.add)',
        ]);
    });

    it("admits NET_BIND_SERVICE added with ALL dropped", () => {
        const edit = (p: any): void => {
            p.spec.containers[0].securityContext.capabilities = { drop: ["ALL"], add: ["NET_BIND_SERVICE"] };
        };
        assert.deepEqual(violations("restricted", edit), []);
    });

    it("exempts Windows pods", () => {
        const edit = (p: any): void => {
            p.spec.os = { name: "windows" };
            delete p.spec.containers[0].securityContext.capabilities;
        };
        assert.deepEqual(violations("restricted", edit), []);
    });
});

describe("check_restrictedVolumes.go", () => {
    it("forbids volume types outside the allowed list", () => {
        const edit = (p: any): void => {
            p.spec.volumes = [
                { name: "media", nfs: { server: "nas.lan", path: "/media" } },
                { name: "src", gitRepo: { repository: "https://example.com/x.git" } },
                { name: "host", hostPath: { path: "/var/log" } },
                { name: "backup", nfs: { server: "nas.lan", path: "/backup" } },
                { name: "data", persistentVolumeClaim: { claimName: "data" } },
            ];
        };
        assert.deepEqual(violations("restricted", edit), [
            'restricted volume types (volumes "media", "src", "host", "backup" use restricted volume types "gitRepo", "hostPath", "nfs")',
        ]);
    });

    it("admits configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected and secret", () => {
        const edit = (p: any): void => {
            p.spec.volumes = [
                { name: "a1", configMap: { name: "cm" } },
                { name: "a2", csi: { driver: "secrets-store.csi.k8s.io" } },
                { name: "a3", downwardAPI: { items: [] } },
                { name: "a4", emptyDir: {} },
                { name: "a5", ephemeral: { volumeClaimTemplate: { spec: {} } } },
                { name: "a6", image: { reference: "registry.example/models:1" } },
                { name: "a7", persistentVolumeClaim: { claimName: "data" } },
                { name: "a8", projected: { sources: [] } },
                { name: "a9", secret: { secretName: "s" } },
                // No source at all: the API server defaults it to emptyDir before admission.
                { name: "a10" },
            ];
        };
        assert.deepEqual(violations("restricted", edit), []);
    });
});

describe("check_runAsNonRoot.go", () => {
    it("requires runAsNonRoot: true at pod level or on every container", () => {
        const edit = (p: any): void => {
            delete p.spec.securityContext.runAsNonRoot;
            p.spec.securityContext.runAsUser = 1000;
            p.spec.initContainers = [container("init")];
            p.spec.containers.push({ ...container("sidecar") });
            p.spec.containers[1].securityContext = { ...p.spec.containers[1].securityContext, runAsNonRoot: true };
        };
        assert.deepEqual(violations("restricted", edit), [
            'runAsNonRoot != true (pod or containers "init", "app" must set securityContext.runAsNonRoot=true)',
        ]);
    });

    it("forbids an explicit false, which a container sets over the pod's true", () => {
        const edit = (p: any): void => void (p.spec.containers[0].securityContext.runAsNonRoot = false);
        assert.deepEqual(violations("restricted", edit), [
            'runAsNonRoot != true (container "app" must not set securityContext.runAsNonRoot=false)',
        ]);
    });

    it("forbids false at pod level even when every container sets true", () => {
        const edit = (p: any): void => {
            p.spec.securityContext.runAsNonRoot = false;
            p.spec.containers[0].securityContext.runAsNonRoot = true;
        };
        assert.deepEqual(violations("restricted", edit), [
            "runAsNonRoot != true (pod must not set securityContext.runAsNonRoot=false)",
        ]);
    });

    it("admits pod-level true covering the containers (the fixture)", () => {
        assert.deepEqual(podSecurityViolations(pod(), "restricted"), []);
    });

    it("admits container-level true without a pod-level value", () => {
        const edit = (p: any): void => {
            delete p.spec.securityContext.runAsNonRoot;
            p.spec.containers[0].securityContext.runAsNonRoot = true;
        };
        assert.deepEqual(violations("restricted", edit), []);
    });

    it("does not relax for hostUsers: false in 1.34 (the feature gate is off by default)", () => {
        const edit = (p: any): void => {
            p.spec.hostUsers = false;
            delete p.spec.securityContext.runAsNonRoot;
        };
        assert.deepEqual(violations("restricted", edit), [
            'runAsNonRoot != true (pod or container "app" must set securityContext.runAsNonRoot=true)',
        ]);
    });
});

describe("check_runAsUser.go", () => {
    it("forbids runAsUser: 0 at pod and container level", () => {
        const edit = (p: any): void => {
            p.spec.securityContext.runAsUser = 0;
            p.spec.containers[0].securityContext.runAsUser = 0;
        };
        assert.deepEqual(violations("restricted", edit), [
            'runAsUser=0 (pod and container "app" must not set runAsUser=0)',
        ]);
    });

    it("admits non-zero users, and root at baseline", () => {
        assert.deepEqual(
            violations("restricted", (p) => (p.spec.securityContext.runAsUser = 65534)),
            [],
        );
        assert.deepEqual(
            violations("baseline", (p) => (p.spec.securityContext.runAsUser = 0)),
            [],
        );
    });
});

describe("check_seccompProfile_restricted.go", () => {
    it("requires a profile at pod level or on every container", () => {
        const edit = (p: any): void => {
            delete p.spec.securityContext.seccompProfile;
            p.spec.containers.push(container("sidecar"));
            p.spec.containers[1].securityContext.seccompProfile = { type: "RuntimeDefault" };
            p.spec.initContainers = [container("init")];
        };
        assert.deepEqual(violations("restricted", edit), [
            'seccompProfile (pod or containers "init", "app" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
        ]);
    });

    it("forbids a container's Unconfined over the pod's RuntimeDefault", () => {
        const edit = (p: any): void =>
            void (p.spec.containers[0].securityContext.seccompProfile = { type: "Unconfined" });
        assert.deepEqual(violations("restricted", edit), [
            'seccompProfile (container "app" must not set securityContext.seccompProfile.type to "Unconfined")',
        ]);
    });

    it("admits Localhost and RuntimeDefault set on the containers only", () => {
        const edit = (p: any): void => {
            delete p.spec.securityContext.seccompProfile;
            p.spec.containers[0].securityContext.seccompProfile = { type: "Localhost", localhostProfile: "app.json" };
            p.spec.containers.push(container("sidecar"));
            p.spec.containers[1].securityContext.seccompProfile = { type: "RuntimeDefault" };
        };
        assert.deepEqual(violations("restricted", edit), []);
    });

    it("exempts Windows pods", () => {
        const edit = (p: any): void => {
            p.spec.os = { name: "windows" };
            delete p.spec.securityContext.seccompProfile;
        };
        assert.deepEqual(violations("restricted", edit), []);
    });
});
