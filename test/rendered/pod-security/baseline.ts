// The baseline Pod Security Standard: one function per upstream policy/check_*.go of the baseline
// level, each comment naming the file and check version it mirrors.

import {
    byCodeUnit,
    Forbidden,
    goQuote,
    joinQuote,
    Obj,
    pluralize,
    record,
    records,
    setters,
    sortedSet,
    str,
    strings,
} from "./helpers";
import { Pod } from "./templates";

// check_hostNamespaces.go: hostNamespaces_1_0
export function hostNamespaces(pod: Pod): Forbidden | undefined {
    const shared = (["hostNetwork", "hostPID", "hostIPC"] as const)
        .filter((field) => pod.spec[field] === true)
        .map((field) => `${field}=true`);
    return shared.length > 0 ? { reason: "host namespaces", detail: shared.join(", ") } : undefined;
}

// check_privileged.go: privileged_1_0
export function privileged(pod: Pod): Forbidden | undefined {
    const bad = pod.containers.filter((c) => c.securityContext?.privileged === true).map((c) => c.name);
    if (bad.length === 0) return undefined;
    return {
        reason: "privileged",
        detail: `${pluralize("container", "containers", bad.length)} ${joinQuote(bad)} must not set securityContext.privileged=true`,
    };
}

// check_capabilities_baseline.go: capabilities_allowed_1_0
const DEFAULT_CAPABILITIES = new Set([
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
]);

// check_capabilities_baseline.go: capabilitiesBaseline_1_0
export function capabilitiesBaseline(pod: Pod): Forbidden | undefined {
    const bad: string[] = [];
    const nonDefault: string[] = [];
    for (const c of pod.containers) {
        const added = strings(record(c.securityContext?.capabilities)?.add).filter(
            (cap) => !DEFAULT_CAPABILITIES.has(cap),
        );
        if (added.length > 0) {
            bad.push(c.name);
            nonDefault.push(...added);
        }
    }
    if (bad.length === 0) return undefined;
    return {
        reason: "non-default capabilities",
        detail: `${pluralize("container", "containers", bad.length)} ${joinQuote(bad)} must not include ${joinQuote(sortedSet(nonDefault))} in securityContext.capabilities.add`,
    };
}

// check_hostPathVolumes.go: hostPathVolumes_1_0
export function hostPathVolumes(pod: Pod): Forbidden | undefined {
    const bad = records(pod.spec.volumes)
        .filter((v) => record(v.hostPath) !== undefined)
        .map((v) => str(v.name));
    if (bad.length === 0) return undefined;
    return { reason: "hostPath volumes", detail: `${pluralize("volume", "volumes", bad.length)} ${joinQuote(bad)}` };
}

// check_hostPorts.go: hostPorts_1_0 (hostPort 0 means "no host port")
export function hostPorts(pod: Pod): Forbidden | undefined {
    const bad: string[] = [];
    const ports: string[] = [];
    for (const c of pod.containers) {
        const used = records(c.raw.ports)
            .map((p) => p.hostPort)
            .filter((p): p is number => typeof p === "number" && p !== 0);
        if (used.length > 0) {
            bad.push(c.name);
            ports.push(...used.map(String));
        }
    }
    if (bad.length === 0) return undefined;
    // Upstream sorts the ports as strings (sets.String), so "10000" comes before "8080".
    const forbidden = sortedSet(ports);
    return {
        reason: "hostPort",
        detail: `${pluralize("container", "containers", bad.length)} ${joinQuote(bad)} ${pluralize("uses", "use", bad.length)} ${pluralize("hostPort", "hostPorts", forbidden.length)} ${forbidden.join(", ")}`,
    };
}

// check_hostProbesAndhostLifecycle.go: getForbiddenHostProbes / getForbiddenHostLifecycle
function forbiddenHosts(handler: unknown): string[] {
    const h = record(handler);
    if (h === undefined) return [];
    return [str(record(h.httpGet)?.host), str(record(h.tcpSocket)?.host)].filter((host) => host !== "");
}

// check_hostProbesAndhostLifecycle.go: hostProbesAndHostLifecycleV1Dot34
export function hostProbesAndHostLifecycle(pod: Pod): Forbidden | undefined {
    const bad: string[] = [];
    const hosts: string[] = [];
    for (const c of pod.containers) {
        const lifecycle = record(c.raw.lifecycle);
        const found = [
            c.raw.livenessProbe,
            c.raw.readinessProbe,
            c.raw.startupProbe,
            lifecycle?.postStart,
            lifecycle?.preStop,
        ].flatMap(forbiddenHosts);
        if (found.length > 0) {
            bad.push(c.name);
            hosts.push(...found);
        }
    }
    if (bad.length === 0) return undefined;
    // Upstream keeps both the containers and the hosts in sets, so both are listed sorted.
    const containers = sortedSet(bad);
    const forbidden = sortedSet(hosts);
    return {
        reason: "probe or lifecycle host",
        detail: `${pluralize("container", "containers", containers.length)} ${joinQuote(containers)} ${pluralize("uses", "use", containers.length)} ${pluralize("probe or lifecycle host", "probe or lifecycle hosts", forbidden.length)} ${joinQuote(forbidden)}`,
    };
}

// check_appArmorProfile.go: allowedProfileType
function allowedAppArmorType(type: string): boolean {
    return type === "RuntimeDefault" || type === "Localhost";
}

// check_appArmorProfile.go: allowedAnnotationValue
function allowedAppArmorAnnotation(value: string): boolean {
    return value === "" || value === "runtime/default" || value.startsWith("localhost/");
}

const APPARMOR_ANNOTATION_PREFIX = "container.apparmor.security.beta.kubernetes.io/";

// check_appArmorProfile.go: appArmorProfile_1_0
export function appArmorProfile(pod: Pod): Forbidden | undefined {
    const badValues: string[] = [];
    const badType = (sc: Obj | undefined): boolean => {
        const profile = record(sc?.appArmorProfile);
        if (profile === undefined || allowedAppArmorType(str(profile.type))) return false;
        badValues.push(str(profile.type));
        return true;
    };
    const podBad = badType(pod.securityContext);
    const badContainers = pod.containers.filter((c) => badType(c.securityContext)).map((c) => c.name);
    const badSetters = setters(podBad, badContainers);

    const annotations = record(pod.metadata.annotations) ?? {};
    const forbiddenAnnotations = Object.entries(annotations)
        .filter(([key, value]) => key.startsWith(APPARMOR_ANNOTATION_PREFIX) && !allowedAppArmorAnnotation(str(value)))
        .map(([key, value]) => `${key}=${goQuote(str(value))}`)
        .sort(byCodeUnit);

    const badValueList = [...sortedSet(badValues), ...forbiddenAnnotations];
    if (forbiddenAnnotations.length > 0) {
        badSetters.push(pluralize("annotation", "annotations", forbiddenAnnotations.length));
    }
    if (badSetters.length === 0) return undefined;
    return {
        reason: pluralize("forbidden AppArmor profile", "forbidden AppArmor profiles", badValueList.length),
        detail: `${badSetters.join(" and ")} must not set AppArmor profile type to ${joinQuote(badValueList)}`,
    };
}

// check_seLinuxOptions.go: selinuxAllowedTypes1_31 (container_engine_t added in 1.31)
const SELINUX_ALLOWED_TYPES = new Set(["", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"]);

// check_seLinuxOptions.go: seLinuxOptions1_31
export function seLinuxOptions(pod: Pod): Forbidden | undefined {
    const badTypes: string[] = [];
    let setUser = false;
    let setRole = false;
    const invalid = (sc: Obj | undefined): boolean => {
        const opts = record(sc?.seLinuxOptions);
        if (opts === undefined) return false;
        let bad = false;
        if (!SELINUX_ALLOWED_TYPES.has(str(opts.type))) {
            bad = true;
            badTypes.push(str(opts.type));
        }
        if (str(opts.user) !== "") {
            bad = true;
            setUser = true;
        }
        if (str(opts.role) !== "") {
            bad = true;
            setRole = true;
        }
        return bad;
    };
    const podBad = invalid(pod.securityContext);
    const badContainers = pod.containers.filter((c) => invalid(c.securityContext)).map((c) => c.name);
    const badSetters = setters(podBad, badContainers);
    if (badSetters.length === 0) return undefined;

    const types = sortedSet(badTypes);
    const badData: string[] = [];
    if (types.length > 0) badData.push(`${pluralize("type", "types", types.length)} ${joinQuote(types)}`);
    if (setUser) badData.push("user may not be set");
    if (setRole) badData.push("role may not be set");
    return {
        reason: "seLinuxOptions",
        detail: `${badSetters.join(" and ")} set forbidden securityContext.seLinuxOptions: ${badData.join("; ")}`,
    };
}

// check_procMount.go: procMount_1_0 ("Default" or unset; the hostUsers: false relaxation is off by
// default in 1.34, see index.ts)
export function procMount(pod: Pod): Forbidden | undefined {
    const bad: string[] = [];
    const types: string[] = [];
    for (const c of pod.containers) {
        const value = c.securityContext?.procMount;
        if (value === undefined || value === null || value === "Default") continue;
        bad.push(c.name);
        types.push(str(value));
    }
    if (bad.length === 0) return undefined;
    return {
        reason: "procMount",
        detail: `${pluralize("container", "containers", bad.length)} ${joinQuote(bad)} must not set securityContext.procMount to ${joinQuote(sortedSet(types))}`,
    };
}

// check_seccompProfile_baseline.go: validSeccomp
export function validSeccomp(type: string): boolean {
    return type === "Localhost" || type === "RuntimeDefault";
}

// check_seccompProfile_baseline.go: seccompProfileBaseline_1_19 (the 1.0 annotation check no longer
// applies)
export function seccompProfileBaseline(pod: Pod): Forbidden | undefined {
    const badValues: string[] = [];
    const badType = (sc: Obj | undefined): boolean => {
        const profile = record(sc?.seccompProfile);
        if (profile === undefined || validSeccomp(str(profile.type))) return false;
        badValues.push(str(profile.type));
        return true;
    };
    const podBad = badType(pod.securityContext);
    const badContainers = pod.containers.filter((c) => badType(c.securityContext)).map((c) => c.name);
    const badSetters = setters(podBad, badContainers);
    if (badSetters.length === 0) return undefined;
    return {
        reason: "seccompProfile",
        detail: `${badSetters.join(" and ")} must not set securityContext.seccompProfile.type to ${joinQuote(sortedSet(badValues))}`,
    };
}

// check_sysctls.go: sysctlsAllowedV1Dot32, the newest safe set
const SAFE_SYSCTLS = new Set([
    // 1.0
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_unprivileged_port_start",
    // 1.27
    "net.ipv4.ip_local_reserved_ports",
    // 1.29
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
    // 1.32
    "net.ipv4.tcp_rmem",
    "net.ipv4.tcp_wmem",
]);

// check_sysctls.go: sysctlsV1Dot32
export function sysctls(pod: Pod): Forbidden | undefined {
    const forbidden = records(pod.securityContext?.sysctls)
        .map((s) => str(s.name))
        .filter((name) => !SAFE_SYSCTLS.has(name));
    return forbidden.length > 0 ? { reason: "forbidden sysctls", detail: forbidden.join(", ") } : undefined;
}

// check_windowsHostProcess.go: windowsHostProcess_1_0
export function windowsHostProcess(pod: Pod): Forbidden | undefined {
    const hostProcess = (sc: Obj | undefined): boolean => record(sc?.windowsOptions)?.hostProcess === true;
    const bad = pod.containers.filter((c) => hostProcess(c.securityContext)).map((c) => c.name);
    const badSetters = setters(hostProcess(pod.securityContext), bad);
    if (badSetters.length === 0) return undefined;
    return {
        reason: "hostProcess",
        detail: `${badSetters.join(" and ")} must not set securityContext.windowsOptions.hostProcess=true`,
    };
}
