// The baseline checks (baseline.ts), one describe block per upstream
// k8s.io/pod-security-admission/policy/check_*.go: a failing pod with its exact violation list, and the
// boundary cases each check admits.
import * as assert from "node:assert/strict";
import { container, violations } from "./fixtures";

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
