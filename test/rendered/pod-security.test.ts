// The Pod Security Standards checks (pod-security.ts), one describe block per upstream
// k8s.io/pod-security-admission/policy/check_*.go: a failing pod with its exact violation list, and the
// boundary cases each check admits.
import * as assert from "node:assert/strict";
import { PodSecurityLevel, podSecurityViolations, podTemplates } from "./pod-security";

/** A container that satisfies restricted. */
function container(name: string): any {
    return {
        name,
        image: "registry.example/app:1.0.0",
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
    };
}

/** A pod that satisfies restricted, with one app container; each case changes what it is about. */
function pod(edit: (p: any) => void = () => undefined): { metadata: any; spec: any } {
    const p = {
        metadata: { name: "app", labels: { app: "app" } },
        spec: {
            securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
            containers: [container("app")],
        },
    };
    edit(p);
    return p;
}

function violations(level: PodSecurityLevel, edit: (p: any) => void): string[] {
    return podSecurityViolations(pod(edit), level);
}

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

// ---------------------------------------------------------------------------------------------
// Baseline
// ---------------------------------------------------------------------------------------------

describe("check_hostNamespaces.go", () => {
    it("forbids hostNetwork, hostPID and hostIPC", () => {
        const edit = (p: any): void => {
            p.spec.hostIPC = true;
            p.spec.hostPID = true;
            p.spec.hostNetwork = true;
        };
        assert.deepEqual(violations("baseline", edit), [
            "host namespaces (hostNetwork=true, hostPID=true, hostIPC=true)",
        ]);
    });

    it("a hostNetwork pod passes privileged but fails baseline and restricted", () => {
        const edit = (p: any): void => void (p.spec.hostNetwork = true);
        assert.deepEqual(violations("privileged", edit), []);
        assert.deepEqual(violations("baseline", edit), ["host namespaces (hostNetwork=true)"]);
        assert.deepEqual(violations("restricted", edit), ["host namespaces (hostNetwork=true)"]);
    });

    it("admits the namespaces set to false", () => {
        const edit = (p: any): void => Object.assign(p.spec, { hostNetwork: false, hostPID: false, hostIPC: false });
        assert.deepEqual(violations("restricted", edit), []);
    });
});

describe("check_privileged.go", () => {
    it("forbids privileged init, app and ephemeral containers, in visiting order", () => {
        const edit = (p: any): void => {
            p.spec.containers.push({ ...container("sidecar"), securityContext: { privileged: true } });
            p.spec.initContainers = [{ name: "init", securityContext: { privileged: true } }];
            p.spec.ephemeralContainers = [{ name: "debug", securityContext: { privileged: true } }];
        };
        assert.deepEqual(violations("baseline", edit), [
            'privileged (containers "init", "sidecar", "debug" must not set securityContext.privileged=true)',
        ]);
    });

    it("admits privileged: false", () => {
        assert.deepEqual(
            violations("restricted", (p) => (p.spec.containers[0].securityContext.privileged = false)),
            [],
        );
    });
});

describe("check_capabilities_baseline.go", () => {
    it("forbids capabilities beyond the default set", () => {
        const edit = (p: any): void => {
            p.spec.initContainers = [{ name: "init", securityContext: { capabilities: { add: ["CHOWN"] } } }];
            p.spec.containers[0].securityContext.capabilities.add = ["SYS_ADMIN", "NET_RAW", "KILL"];
            p.spec.containers.push({ name: "vpn", securityContext: { capabilities: { add: ["NET_ADMIN"] } } });
        };
        assert.deepEqual(violations("baseline", edit), [
            'non-default capabilities (containers "app", "vpn" must not include "NET_ADMIN", "NET_RAW", "SYS_ADMIN" in securityContext.capabilities.add)',
        ]);
    });

    it("admits the whole default set at baseline", () => {
        const defaults = [
            "AUDIT_WRITE",
            "CHOWN",
            "DAC_OVERRIDE",
            "FOWNER",
            "FSETID",
            "KILL",
            "MKNOD",
            "NET_BIND_SERVICE",
            "SETFCAP",
            "SETGID",
            "SETPCAP",
            "SETUID",
            "SYS_CHROOT",
        ];
        const edit = (p: any): void => void (p.spec.containers[0].securityContext.capabilities = { add: defaults });
        assert.deepEqual(violations("baseline", edit), []);
    });

    it("is superseded by capabilities_restricted at restricted", () => {
        const edit = (p: any): void => void (p.spec.containers[0].securityContext.capabilities.add = ["SYS_ADMIN"]);
        assert.deepEqual(violations("restricted", edit), [
            'unrestricted capabilities (container "app" must not include "SYS_ADMIN" in securityContext.capabilities.add)',
        ]);
    });
});

describe("check_hostPathVolumes.go", () => {
    it("forbids hostPath volumes", () => {
        const edit = (p: any): void => {
            p.spec.volumes = [
                { name: "config", configMap: { name: "app" } },
                { name: "host", hostPath: { path: "/var/lib" } },
                { name: "sock", hostPath: { path: "/run/containerd/containerd.sock", type: "Socket" } },
            ];
        };
        assert.deepEqual(violations("baseline", edit), ['hostPath volumes (volumes "host", "sock")']);
    });

    it("admits other volume types, even those restricted forbids", () => {
        const edit = (p: any): void => void (p.spec.volumes = [{ name: "media", nfs: { server: "nas", path: "/m" } }]);
        assert.deepEqual(violations("baseline", edit), []);
    });

    it("is superseded by restrictedVolumes at restricted", () => {
        const edit = (p: any): void => void (p.spec.volumes = [{ name: "host", hostPath: { path: "/" } }]);
        assert.deepEqual(violations("restricted", edit), [
            'restricted volume types (volume "host" uses restricted volume type "hostPath")',
        ]);
    });
});

describe("check_hostPorts.go", () => {
    it("forbids non-zero host ports, listed as upstream sorts them (as strings)", () => {
        const edit = (p: any): void => {
            p.spec.containers[0].ports = [
                { containerPort: 8080, hostPort: 8080 },
                { containerPort: 9000, hostPort: 10000 },
            ];
            p.spec.containers.push({ ...container("sidecar"), ports: [{ containerPort: 53, hostPort: 8080 }] });
        };
        assert.deepEqual(violations("baseline", edit), [
            'hostPort (containers "app", "sidecar" use hostPorts 10000, 8080)',
        ]);
    });

    it("forbids host ports on init containers", () => {
        const edit = (p: any): void => void (p.spec.initContainers = [{ name: "init", ports: [{ hostPort: 9 }] }]);
        assert.deepEqual(violations("baseline", edit), ['hostPort (container "init" uses hostPort 9)']);
    });

    it("admits hostPort 0 and container ports without a host port", () => {
        const edit = (p: any): void => {
            p.spec.containers[0].ports = [{ containerPort: 8080, hostPort: 0 }, { containerPort: 9090 }];
        };
        assert.deepEqual(violations("restricted", edit), []);
    });
});

describe("check_hostProbesAndhostLifecycle.go", () => {
    it("forbids a host in probes and lifecycle handlers, containers and hosts sorted", () => {
        const edit = (p: any): void => {
            p.spec.containers.unshift({
                ...container("web"),
                livenessProbe: { httpGet: { host: "10.0.0.1", path: "/healthz", port: 80 } },
                readinessProbe: { tcpSocket: { host: "localhost", port: 80 } },
            });
            p.spec.containers[1].lifecycle = { preStop: { httpGet: { host: "example.com", path: "/", port: 80 } } };
        };
        assert.deepEqual(violations("baseline", edit), [
            'probe or lifecycle host (containers "app", "web" use probe or lifecycle hosts "10.0.0.1", "example.com", "localhost")',
        ]);
    });

    it("checks startup probes and postStart handlers of init containers", () => {
        const edit = (p: any): void => {
            p.spec.initContainers = [
                {
                    name: "init",
                    startupProbe: { tcpSocket: { host: "db", port: 5432 } },
                    lifecycle: { postStart: { tcpSocket: { host: "db", port: 5432 } } },
                },
            ];
        };
        assert.deepEqual(violations("baseline", edit), [
            'probe or lifecycle host (container "init" uses probe or lifecycle host "db")',
        ]);
    });

    it("admits probes and handlers without a host, or with an empty one", () => {
        const edit = (p: any): void => {
            p.spec.containers[0].livenessProbe = { httpGet: { path: "/healthz", port: 8080 } };
            p.spec.containers[0].readinessProbe = { tcpSocket: { host: "", port: 8080 } };
            p.spec.containers[0].startupProbe = { exec: { command: ["true"] } };
            p.spec.containers[0].lifecycle = { preStop: { sleep: { seconds: 5 } } };
        };
        assert.deepEqual(violations("restricted", edit), []);
    });
});

describe("check_appArmorProfile.go", () => {
    it("forbids Unconfined at pod and container level and in the beta annotations", () => {
        const edit = (p: any): void => {
            p.metadata.annotations = {
                "container.apparmor.security.beta.kubernetes.io/app": "unconfined",
                "container.apparmor.security.beta.kubernetes.io/sidecar": "runtime/default",
            };
            p.spec.securityContext.appArmorProfile = { type: "Unconfined" };
            p.spec.containers[0].securityContext.appArmorProfile = { type: "Unconfined" };
        };
        assert.deepEqual(violations("baseline", edit), [
            'forbidden AppArmor profiles (pod and container "app" and annotation must not set AppArmor profile type to "Unconfined", "container.apparmor.security.beta.kubernetes.io/app="unconfined"")',
        ]);
    });

    it("uses the singular for one bad value", () => {
        const edit = (p: any): void =>
            void (p.spec.containers[0].securityContext.appArmorProfile = { type: "Unconfined" });
        assert.deepEqual(violations("baseline", edit), [
            'forbidden AppArmor profile (container "app" must not set AppArmor profile type to "Unconfined")',
        ]);
    });

    it("admits RuntimeDefault, Localhost, runtime/default, localhost/* and other annotations", () => {
        const edit = (p: any): void => {
            p.metadata.annotations = {
                "container.apparmor.security.beta.kubernetes.io/app": "runtime/default",
                "container.apparmor.security.beta.kubernetes.io/sidecar": "localhost/k8s-sidecar",
                "example.com/apparmor": "unconfined",
            };
            p.spec.securityContext.appArmorProfile = { type: "RuntimeDefault" };
            p.spec.containers[0].securityContext.appArmorProfile = { type: "Localhost", localhostProfile: "k8s-app" };
        };
        assert.deepEqual(violations("restricted", edit), []);
    });
});

describe("check_seLinuxOptions.go", () => {
    it("forbids other types and any user or role", () => {
        const edit = (p: any): void => {
            p.spec.securityContext.seLinuxOptions = { type: "spc_t" };
            p.spec.containers[0].securityContext.seLinuxOptions = { user: "system_u", role: "system_r" };
            p.spec.containers.push({ ...container("sidecar"), securityContext: { seLinuxOptions: { type: "foo_t" } } });
        };
        assert.deepEqual(violations("baseline", edit), [
            'seLinuxOptions (pod and containers "app", "sidecar" set forbidden securityContext.seLinuxOptions: types "foo_t", "spc_t"; user may not be set; role may not be set)',
        ]);
    });

    it("admits the container types (container_engine_t since 1.31) and a level", () => {
        const edit = (p: any): void => {
            p.spec.securityContext.seLinuxOptions = { level: "s0:c123,c456" };
            p.spec.initContainers = ["container_t", "container_init_t", "container_kvm_t", "container_engine_t"].map(
                (type) => ({
                    ...container(type),
                    securityContext: { ...container(type).securityContext, seLinuxOptions: { type } },
                }),
            );
        };
        assert.deepEqual(violations("restricted", edit), []);
    });
});

describe("check_procMount.go", () => {
    it("forbids procMount other than Default", () => {
        const edit = (p: any): void => void (p.spec.containers[0].securityContext.procMount = "Unmasked");
        assert.deepEqual(violations("baseline", edit), [
            'procMount (container "app" must not set securityContext.procMount to "Unmasked")',
        ]);
    });

    it("does not relax for hostUsers: false in 1.34 (the feature gate is off by default)", () => {
        const edit = (p: any): void => {
            p.spec.hostUsers = false;
            p.spec.containers[0].securityContext.procMount = "Unmasked";
        };
        assert.deepEqual(violations("baseline", edit), [
            'procMount (container "app" must not set securityContext.procMount to "Unmasked")',
        ]);
    });

    it("admits Default", () => {
        const edit = (p: any): void => void (p.spec.containers[0].securityContext.procMount = "Default");
        assert.deepEqual(violations("restricted", edit), []);
    });
});

describe("check_seccompProfile_baseline.go", () => {
    it("forbids Unconfined at pod and container level", () => {
        const edit = (p: any): void => {
            p.spec.securityContext.seccompProfile = { type: "Unconfined" };
            p.spec.ephemeralContainers = [
                { name: "debug", securityContext: { seccompProfile: { type: "Unconfined" } } },
            ];
        };
        assert.deepEqual(violations("baseline", edit), [
            'seccompProfile (pod and container "debug" must not set securityContext.seccompProfile.type to "Unconfined")',
        ]);
    });

    it("admits an unset profile, and ignores the alpha annotations (checked only before 1.19)", () => {
        const edit = (p: any): void => {
            delete p.spec.securityContext.seccompProfile;
            p.metadata.annotations = { "seccomp.security.alpha.kubernetes.io/pod": "unconfined" };
        };
        assert.deepEqual(violations("baseline", edit), []);
    });

    it("is superseded by seccompProfile_restricted at restricted", () => {
        const edit = (p: any): void => void (p.spec.securityContext.seccompProfile = { type: "Unconfined" });
        assert.deepEqual(violations("restricted", edit), [
            'seccompProfile (pod must not set securityContext.seccompProfile.type to "Unconfined")',
        ]);
    });
});

describe("check_sysctls.go", () => {
    it("forbids sysctls outside the safe set, in the order given", () => {
        const edit = (p: any): void => {
            p.spec.securityContext.sysctls = [
                { name: "net.core.somaxconn", value: "1024" },
                { name: "net.ipv4.tcp_syncookies", value: "1" },
                { name: "kernel.msgmax", value: "65536" },
            ];
        };
        assert.deepEqual(violations("baseline", edit), ["forbidden sysctls (net.core.somaxconn, kernel.msgmax)"]);
    });

    it("admits the whole 1.32+ safe set", () => {
        const safe = [
            "kernel.shm_rmid_forced",
            "net.ipv4.ip_local_port_range",
            "net.ipv4.tcp_syncookies",
            "net.ipv4.ping_group_range",
            "net.ipv4.ip_unprivileged_port_start",
            "net.ipv4.ip_local_reserved_ports",
            "net.ipv4.tcp_keepalive_time",
            "net.ipv4.tcp_fin_timeout",
            "net.ipv4.tcp_keepalive_intvl",
            "net.ipv4.tcp_keepalive_probes",
            "net.ipv4.tcp_rmem",
            "net.ipv4.tcp_wmem",
        ];
        const edit = (p: any): void =>
            void (p.spec.securityContext.sysctls = safe.map((name) => ({ name, value: "1" })));
        assert.deepEqual(violations("restricted", edit), []);
    });

    it("does not yet admit the sysctls added after 1.34", () => {
        const edit = (p: any): void => {
            p.spec.securityContext.sysctls = [{ name: "net.ipv4.tcp_slow_start_after_idle", value: "0" }];
        };
        assert.deepEqual(violations("baseline", edit), ["forbidden sysctls (net.ipv4.tcp_slow_start_after_idle)"]);
    });
});

describe("check_windowsHostProcess.go", () => {
    it("forbids hostProcess at pod and container level", () => {
        const edit = (p: any): void => {
            p.spec.os = { name: "windows" };
            p.spec.securityContext.windowsOptions = { hostProcess: true };
            p.spec.containers[0].securityContext.windowsOptions = { hostProcess: true };
        };
        assert.deepEqual(violations("baseline", edit), [
            'hostProcess (pod and container "app" must not set securityContext.windowsOptions.hostProcess=true)',
        ]);
    });

    it("admits hostProcess: false", () => {
        const edit = (p: any): void => {
            p.spec.securityContext.windowsOptions = { hostProcess: false, runAsUserName: "ContainerUser" };
        };
        assert.deepEqual(violations("restricted", edit), []);
    });
});

// ---------------------------------------------------------------------------------------------
// Restricted
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Workload kinds
// ---------------------------------------------------------------------------------------------

describe("podTemplates", () => {
    const template = { metadata: { labels: { app: "x" } }, spec: { containers: [{ name: "x", image: "x" }] } };

    const cases: [string, string, any, string][] = [
        ["Deployment", "apps/v1", { spec: { replicas: 1, template } }, "spec.template"],
        ["ReplicaSet", "apps/v1", { spec: { template } }, "spec.template"],
        ["StatefulSet", "apps/v1", { spec: { serviceName: "x", template } }, "spec.template"],
        ["DaemonSet", "apps/v1", { spec: { template } }, "spec.template"],
        ["Job", "batch/v1", { spec: { template } }, "spec.template"],
        [
            "CronJob",
            "batch/v1",
            { spec: { schedule: "@daily", jobTemplate: { spec: { template } } } },
            "spec.jobTemplate.spec.template",
        ],
        ["ReplicationController", "v1", { spec: { template } }, "spec.template"],
        ["PodTemplate", "v1", { template }, "template"],
    ];
    for (const [kind, apiVersion, body, path] of cases) {
        it(`finds the template of a ${kind} at ${path}`, () => {
            const manifest = { apiVersion, kind, metadata: { name: "x" }, ...body };
            assert.deepEqual(podTemplates(manifest), [{ path, metadata: template.metadata, spec: template.spec }]);
        });
    }

    it('takes a Pod\'s own metadata and spec, at path ""', () => {
        const manifest = { apiVersion: "v1", kind: "Pod", metadata: { name: "x" }, spec: template.spec };
        assert.deepEqual(podTemplates(manifest), [{ path: "", metadata: { name: "x" }, spec: template.spec }]);
    });

    it("gives empty metadata and spec for a template without them", () => {
        const manifest = { apiVersion: "apps/v1", kind: "Deployment", spec: { template: {} } };
        assert.deepEqual(podTemplates(manifest), [{ path: "spec.template", metadata: {}, spec: {} }]);
    });

    it("finds nothing in other kinds, or in a same-named kind of another API group", () => {
        assert.deepEqual(podTemplates({ apiVersion: "v1", kind: "Service", spec: { ports: [] } }), []);
        assert.deepEqual(podTemplates({ apiVersion: "v1", kind: "ConfigMap", data: {} }), []);
        assert.deepEqual(podTemplates({ apiVersion: "example.com/v1", kind: "Deployment", spec: { template } }), []);
        assert.deepEqual(podTemplates({ apiVersion: "apps/v1", kind: "Deployment", spec: {} }), []);
    });

    it("feeds podSecurityViolations", () => {
        const manifest = {
            apiVersion: "apps/v1",
            kind: "DaemonSet",
            metadata: { name: "agent" },
            spec: { template: { metadata: {}, spec: { hostPID: true, containers: [{ name: "agent", image: "a" }] } } },
        };
        assert.deepEqual(
            podTemplates(manifest).flatMap((t) => podSecurityViolations(t, "baseline")),
            ["host namespaces (hostPID=true)"],
        );
    });
});
