// The Kubernetes Pod Security Standards, as the Pod Security Admission controller evaluates them at
// policy version "latest" of Kubernetes 1.34, so tests can check that every pod template a chart
// renders is admissible in the namespace it lands in.
//
// Each check below mirrors one file of k8s.io/pod-security-admission/policy (kubernetes/kubernetes
// staging/src/k8s.io/pod-security-admission/policy/check_*.go) at tag v0.34.9 (= Kubernetes
// v1.34.9), using the newest version of the check that applies at 1.34. A violation is rendered the
// way the admission controller renders it: `<forbidden reason> (<forbidden detail>)`, e.g.
// `host namespaces (hostNetwork=true)`, one message per failing check, in upstream order
// (baseline check IDs sorted, then restricted check IDs sorted: policy/registry.go).
//
// Two 1.34 behaviours that depend on cluster settings are taken at their defaults:
// - the relaxation of runAsNonRoot, runAsUser and procMount for user-namespace pods
//   (hostUsers: false) is behind the alpha feature gate UserNamespacesPodSecurityStandards, off by
//   default in 1.34 (it became unconditional in 1.35), so it is not applied;
// - hostProbesAndHostLifecycle (new in 1.34) is only skipped when the API server emulates an older
//   minor, so it is applied.

export type PodSecurityLevel = "privileged" | "baseline" | "restricted";

/** A pod template found in a manifest: where it is and its spec/metadata. */
export interface PodTemplate {
    readonly path: string;
    readonly metadata: Record<string, unknown>;
    readonly spec: Record<string, unknown>;
}

type Obj = Record<string, unknown>;

function record(value: unknown): Obj | undefined {
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Obj) : undefined;
}

function records(value: unknown): Obj[] {
    return Array.isArray(value) ? value.map((v) => record(v) ?? {}) : [];
}

/** A string field as Go decodes it: the zero value "" when unset. */
function str(value: unknown): string {
    return typeof value === "string" ? value : "";
}

function strings(value: unknown): string[] {
    return Array.isArray(value) ? value.map((v) => (typeof v === "string" ? v : String(v))) : [];
}

/** Byte-order comparison, as Go's sort.Strings and sets.List use (not locale order). */
function byCodeUnit(a: string, b: string): number {
    return a < b ? -1 : a > b ? 1 : 0;
}

/** A sorted, de-duplicated list: Go's sets.NewString(...).List(). */
function sortedSet(items: Iterable<string>): string[] {
    return [...new Set(items)].sort(byCodeUnit);
}

// policy/helpers.go
function joinQuote(items: readonly string[]): string {
    return items.length === 0 ? "" : `"${items.join('", "')}"`;
}

// policy/helpers.go
function pluralize(singular: string, plural: string, count: number): string {
    return count === 1 ? singular : plural;
}

/** Go's %q for the printable strings annotations hold (JSON escaping matches it for those). */
function goQuote(value: string): string {
    return JSON.stringify(value);
}

// ---------------------------------------------------------------------------------------------
// Workload kinds: the pod templates the admission controller extracts
// (pod-security-admission/admission DefaultPodSpecExtractor).
// ---------------------------------------------------------------------------------------------

/** kind -> [API group, path of the pod template within the manifest]. */
const WORKLOADS: Readonly<Record<string, readonly [string, readonly string[]]>> = {
    Pod: ["", []],
    PodTemplate: ["", ["template"]],
    ReplicationController: ["", ["spec", "template"]],
    ReplicaSet: ["apps", ["spec", "template"]],
    Deployment: ["apps", ["spec", "template"]],
    StatefulSet: ["apps", ["spec", "template"]],
    DaemonSet: ["apps", ["spec", "template"]],
    Job: ["batch", ["spec", "template"]],
    CronJob: ["batch", ["spec", "jobTemplate", "spec", "template"]],
};

function apiGroup(apiVersion: string): string {
    const slash = apiVersion.indexOf("/");
    return slash < 0 ? "" : apiVersion.slice(0, slash);
}

/** The pod templates of a workload manifest (Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob, ReplicationController, PodTemplate); [] for other kinds. path e.g. "spec.template" or "spec.jobTemplate.spec.template" or "" for a Pod. */
export function podTemplates(manifest: Record<string, unknown>): PodTemplate[] {
    const kind = manifest.kind;
    if (typeof kind !== "string" || !Object.hasOwn(WORKLOADS, kind)) return [];
    const [group, path] = WORKLOADS[kind];
    // A kind of the same name in another API group (a custom resource) is not a workload.
    if (typeof manifest.apiVersion === "string" && apiGroup(manifest.apiVersion) !== group) return [];
    let template: Obj | undefined = manifest;
    for (const key of path) template = record(template?.[key]);
    if (template === undefined) return [];
    return [{ path: path.join("."), metadata: record(template.metadata) ?? {}, spec: record(template.spec) ?? {} }];
}

// ---------------------------------------------------------------------------------------------
// The checks
// ---------------------------------------------------------------------------------------------

interface Pod {
    readonly metadata: Obj;
    readonly spec: Obj;
    /** spec.securityContext, if set. */
    readonly securityContext: Obj | undefined;
    /** initContainers, containers, then ephemeralContainers: policy/visitor.go visitContainers. */
    readonly containers: readonly Container[];
}

interface Container {
    readonly name: string;
    readonly raw: Obj;
    readonly securityContext: Obj | undefined;
}

interface Forbidden {
    readonly reason: string;
    readonly detail: string;
}

type CheckPod = (pod: Pod) => Forbidden | undefined;

interface Check {
    readonly id: string;
    readonly level: "baseline" | "restricted";
    readonly check: CheckPod;
    /** Baseline checks this restricted check supersedes (VersionedCheck.OverrideCheckIDs). */
    readonly overrides?: readonly string[];
}

function isWindows(pod: Pod): boolean {
    return record(pod.spec.os)?.name === "windows";
}

/** "pod", `container "a"` or `containers "a", "b"`, joined with " and " as upstream does. */
function setters(pod: boolean, containers: readonly string[]): string[] {
    const result = pod ? ["pod"] : [];
    if (containers.length > 0) {
        result.push(`${pluralize("container", "containers", containers.length)} ${joinQuote(containers)}`);
    }
    return result;
}

// check_hostNamespaces.go: hostNamespaces_1_0
function hostNamespaces(pod: Pod): Forbidden | undefined {
    const shared = (["hostNetwork", "hostPID", "hostIPC"] as const)
        .filter((field) => pod.spec[field] === true)
        .map((field) => `${field}=true`);
    return shared.length > 0 ? { reason: "host namespaces", detail: shared.join(", ") } : undefined;
}

// check_privileged.go: privileged_1_0
function privileged(pod: Pod): Forbidden | undefined {
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
function capabilitiesBaseline(pod: Pod): Forbidden | undefined {
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
function hostPathVolumes(pod: Pod): Forbidden | undefined {
    const bad = records(pod.spec.volumes)
        .filter((v) => record(v.hostPath) !== undefined)
        .map((v) => str(v.name));
    if (bad.length === 0) return undefined;
    return { reason: "hostPath volumes", detail: `${pluralize("volume", "volumes", bad.length)} ${joinQuote(bad)}` };
}

// check_hostPorts.go: hostPorts_1_0 (hostPort 0 means "no host port")
function hostPorts(pod: Pod): Forbidden | undefined {
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
function hostProbesAndHostLifecycle(pod: Pod): Forbidden | undefined {
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
function appArmorProfile(pod: Pod): Forbidden | undefined {
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
function seLinuxOptions(pod: Pod): Forbidden | undefined {
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
// default in 1.34, see the top of this file)
function procMount(pod: Pod): Forbidden | undefined {
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
function validSeccomp(type: string): boolean {
    return type === "Localhost" || type === "RuntimeDefault";
}

// check_seccompProfile_baseline.go: seccompProfileBaseline_1_19 (the 1.0 annotation check no longer
// applies)
function seccompProfileBaseline(pod: Pod): Forbidden | undefined {
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
function sysctls(pod: Pod): Forbidden | undefined {
    const forbidden = records(pod.securityContext?.sysctls)
        .map((s) => str(s.name))
        .filter((name) => !SAFE_SYSCTLS.has(name));
    return forbidden.length > 0 ? { reason: "forbidden sysctls", detail: forbidden.join(", ") } : undefined;
}

// check_windowsHostProcess.go: windowsHostProcess_1_0
function windowsHostProcess(pod: Pod): Forbidden | undefined {
    const hostProcess = (sc: Obj | undefined): boolean => record(sc?.windowsOptions)?.hostProcess === true;
    const bad = pod.containers.filter((c) => hostProcess(c.securityContext)).map((c) => c.name);
    const badSetters = setters(hostProcess(pod.securityContext), bad);
    if (badSetters.length === 0) return undefined;
    return {
        reason: "hostProcess",
        detail: `${badSetters.join(" and ")} must not set securityContext.windowsOptions.hostProcess=true`,
    };
}

// check_allowPrivilegeEscalation.go: allowPrivilegeEscalation_1_25 (Windows pods exempt)
function allowPrivilegeEscalation(pod: Pod): Forbidden | undefined {
    if (isWindows(pod)) return undefined;
    const bad = pod.containers.filter((c) => c.securityContext?.allowPrivilegeEscalation !== false).map((c) => c.name);
    if (bad.length === 0) return undefined;
    return {
        reason: "allowPrivilegeEscalation != false",
        detail: `${pluralize("container", "containers", bad.length)} ${joinQuote(bad)} must set securityContext.allowPrivilegeEscalation=false`,
    };
}

// check_capabilities_restricted.go: capabilitiesRestricted_1_25 (Windows pods exempt); overrides
// capabilities_baseline
function capabilitiesRestricted(pod: Pod): Forbidden | undefined {
    if (isWindows(pod)) return undefined;
    const missingDropAll: string[] = [];
    const addingForbidden: string[] = [];
    const forbiddenCapabilities: string[] = [];
    for (const c of pod.containers) {
        const capabilities = record(c.securityContext?.capabilities);
        if (capabilities === undefined) {
            missingDropAll.push(c.name);
            continue;
        }
        if (!strings(capabilities.drop).includes("ALL")) missingDropAll.push(c.name);
        const added = strings(capabilities.add).filter((cap) => cap !== "NET_BIND_SERVICE");
        if (added.length > 0) {
            addingForbidden.push(c.name);
            forbiddenCapabilities.push(...added);
        }
    }
    const details: string[] = [];
    if (missingDropAll.length > 0) {
        details.push(
            `${pluralize("container", "containers", missingDropAll.length)} ${joinQuote(missingDropAll)} must set securityContext.capabilities.drop=["ALL"]`,
        );
    }
    if (addingForbidden.length > 0) {
        details.push(
            `${pluralize("container", "containers", addingForbidden.length)} ${joinQuote(addingForbidden)} must not include ${joinQuote(sortedSet(forbiddenCapabilities))} in securityContext.capabilities.add`,
        );
    }
    return details.length > 0 ? { reason: "unrestricted capabilities", detail: details.join("; ") } : undefined;
}

// check_restrictedVolumes.go: the inline volume sources the restricted profile allows
const ALLOWED_VOLUME_SOURCES = [
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "image",
    "persistentVolumeClaim",
    "projected",
    "secret",
];

// check_restrictedVolumes.go: the restricted sources, in the order upstream tests them
const RESTRICTED_VOLUME_SOURCES = [
    "hostPath",
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "gitRepo",
    "nfs",
    "iscsi",
    "glusterfs",
    "rbd",
    "flexVolume",
    "cinder",
    "cephfs",
    "flocker",
    "fc",
    "azureFile",
    "vsphereVolume",
    "quobyte",
    "azureDisk",
    "photonPersistentDisk",
    "portworxVolume",
    "scaleIO",
    "storageos",
];

// check_restrictedVolumes.go: restrictedVolumes_1_0; overrides hostPathVolumes
function restrictedVolumes(pod: Pod): Forbidden | undefined {
    const bad: string[] = [];
    const types: string[] = [];
    for (const volume of records(pod.spec.volumes)) {
        const has = (source: string): boolean => record(volume[source]) !== undefined;
        if (ALLOWED_VOLUME_SOURCES.some(has)) continue;
        const restricted = RESTRICTED_VOLUME_SOURCES.find(has);
        // A volume with no source at all is defaulted to emptyDir by the API server before admission
        // (SetDefaults_Volume), so it is admitted; upstream's "unknown" type cannot arise from a
        // manifest, every VolumeSource field of 1.34 is in one of the two lists.
        if (restricted === undefined) continue;
        bad.push(str(volume.name));
        types.push(restricted);
    }
    if (bad.length === 0) return undefined;
    const forbidden = sortedSet(types);
    return {
        reason: "restricted volume types",
        detail: `${pluralize("volume", "volumes", bad.length)} ${joinQuote(bad)} ${pluralize("uses", "use", bad.length)} ${pluralize("restricted volume type", "restricted volume types", forbidden.length)} ${joinQuote(forbidden)}`,
    };
}

// check_runAsNonRoot.go: runAsNonRoot_1_0 (pod-level true covers containers that leave it unset; a
// container's own value overrides the pod's)
function runAsNonRoot(pod: Pod): Forbidden | undefined {
    const podValue = pod.securityContext?.runAsNonRoot;
    const podBad = podValue === false;
    const podRunAsNonRoot = podValue === true;
    const explicitlyBad: string[] = [];
    const implicitlyBad: string[] = [];
    for (const c of pod.containers) {
        const value = c.securityContext?.runAsNonRoot;
        if (typeof value === "boolean") {
            if (!value) explicitlyBad.push(c.name);
        } else if (!podRunAsNonRoot) {
            implicitlyBad.push(c.name);
        }
    }
    const badSetters = setters(podBad, explicitlyBad);
    if (badSetters.length > 0) {
        return {
            reason: "runAsNonRoot != true",
            detail: `${badSetters.join(" and ")} must not set securityContext.runAsNonRoot=false`,
        };
    }
    if (implicitlyBad.length > 0) {
        return {
            reason: "runAsNonRoot != true",
            detail: `pod or ${pluralize("container", "containers", implicitlyBad.length)} ${joinQuote(implicitlyBad)} must set securityContext.runAsNonRoot=true`,
        };
    }
    return undefined;
}

// check_runAsUser.go: runAsUser_1_23
function runAsUser(pod: Pod): Forbidden | undefined {
    const root = (sc: Obj | undefined): boolean => sc?.runAsUser === 0;
    const bad = pod.containers.filter((c) => root(c.securityContext)).map((c) => c.name);
    const badSetters = setters(root(pod.securityContext), bad);
    if (badSetters.length === 0) return undefined;
    return { reason: "runAsUser=0", detail: `${badSetters.join(" and ")} must not set runAsUser=0` };
}

// check_seccompProfile_restricted.go: seccompProfileRestricted_1_25 (Windows pods exempt); overrides
// seccompProfile_baseline
function seccompProfileRestricted(pod: Pod): Forbidden | undefined {
    if (isWindows(pod)) return undefined;
    const badValues: string[] = [];
    let podSeccompSet = false;
    let podBad = false;
    const podProfile = record(pod.securityContext?.seccompProfile);
    if (podProfile !== undefined) {
        if (validSeccomp(str(podProfile.type))) {
            podSeccompSet = true;
        } else {
            podBad = true;
            badValues.push(str(podProfile.type));
        }
    }
    const explicitlyBad: string[] = [];
    const implicitlyBad: string[] = [];
    for (const c of pod.containers) {
        const profile = record(c.securityContext?.seccompProfile);
        if (profile !== undefined) {
            if (!validSeccomp(str(profile.type))) {
                explicitlyBad.push(c.name);
                badValues.push(str(profile.type));
            }
        } else if (!podSeccompSet) {
            implicitlyBad.push(c.name);
        }
    }
    const badSetters = setters(podBad, explicitlyBad);
    if (badSetters.length > 0) {
        return {
            reason: "seccompProfile",
            detail: `${badSetters.join(" and ")} must not set securityContext.seccompProfile.type to ${joinQuote(sortedSet(badValues))}`,
        };
    }
    if (implicitlyBad.length > 0) {
        return {
            reason: "seccompProfile",
            detail: `pod or ${pluralize("container", "containers", implicitlyBad.length)} ${joinQuote(implicitlyBad)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
        };
    }
    return undefined;
}

// checks.go / the init() of each check_*.go: the checks in force at 1.34.
const CHECKS: readonly Check[] = [
    { id: "appArmorProfile", level: "baseline", check: appArmorProfile },
    { id: "capabilities_baseline", level: "baseline", check: capabilitiesBaseline },
    { id: "hostNamespaces", level: "baseline", check: hostNamespaces },
    { id: "hostPathVolumes", level: "baseline", check: hostPathVolumes },
    { id: "hostPorts", level: "baseline", check: hostPorts },
    { id: "hostProbesAndHostLifecycle", level: "baseline", check: hostProbesAndHostLifecycle },
    { id: "privileged", level: "baseline", check: privileged },
    { id: "procMount", level: "baseline", check: procMount },
    { id: "seLinuxOptions", level: "baseline", check: seLinuxOptions },
    { id: "seccompProfile_baseline", level: "baseline", check: seccompProfileBaseline },
    { id: "sysctls", level: "baseline", check: sysctls },
    { id: "windowsHostProcess", level: "baseline", check: windowsHostProcess },
    { id: "allowPrivilegeEscalation", level: "restricted", check: allowPrivilegeEscalation },
    {
        id: "capabilities_restricted",
        level: "restricted",
        check: capabilitiesRestricted,
        overrides: ["capabilities_baseline"],
    },
    { id: "restrictedVolumes", level: "restricted", check: restrictedVolumes, overrides: ["hostPathVolumes"] },
    { id: "runAsNonRoot", level: "restricted", check: runAsNonRoot },
    { id: "runAsUser", level: "restricted", check: runAsUser },
    {
        id: "seccompProfile_restricted",
        level: "restricted",
        check: seccompProfileRestricted,
        overrides: ["seccompProfile_baseline"],
    },
];

// registry.go populate: baseline IDs sorted, then restricted IDs sorted; restricted drops the
// baseline checks a restricted check overrides.
function checksFor(level: "baseline" | "restricted"): Check[] {
    const byId = (a: Check, b: Check): number => byCodeUnit(a.id, b.id);
    const baseline = CHECKS.filter((c) => c.level === "baseline").sort(byId);
    if (level === "baseline") return baseline;
    const restricted = CHECKS.filter((c) => c.level === "restricted").sort(byId);
    const overridden = new Set(restricted.flatMap((c) => c.overrides ?? []));
    return [...baseline.filter((c) => !overridden.has(c.id)), ...restricted];
}

const LEVEL_CHECKS = { baseline: checksFor("baseline"), restricted: checksFor("restricted") };

function toPod(template: { metadata?: Record<string, unknown>; spec: Record<string, unknown> }): Pod {
    const spec = template.spec;
    const containers = [
        ...records(spec.initContainers),
        ...records(spec.containers),
        ...records(spec.ephemeralContainers),
    ].map((raw) => ({ name: str(raw.name), raw, securityContext: record(raw.securityContext) }));
    return {
        metadata: template.metadata ?? {},
        spec,
        securityContext: record(spec.securityContext),
        containers,
    };
}

/**
 * Violations of `level` by one pod (metadata + spec), one message per failing check in upstream order, each worded as
 * the admission controller words it: `<forbidden reason> (<forbidden detail>)`, e.g. `host namespaces (hostNetwork=true)`
 * or `privileged (container "x" must not set securityContext.privileged=true)`; [] when admitted. privileged admits
 * everything; restricted includes every baseline check (except those a restricted check supersedes).
 */
export function podSecurityViolations(
    template: { metadata?: Record<string, unknown>; spec: Record<string, unknown> },
    level: PodSecurityLevel,
): string[] {
    if (level === "privileged") return [];
    const pod = toPod(template);
    const violations: string[] = [];
    for (const { check } of LEVEL_CHECKS[level]) {
        const forbidden = check(pod);
        // AggregateCheckResult.ForbiddenDetail: "reason (detail)"
        if (forbidden !== undefined) violations.push(`${forbidden.reason} (${forbidden.detail})`);
    }
    return violations;
}
