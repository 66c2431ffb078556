// The restricted Pod Security Standard: the checks restricted adds on top of baseline, one function
// per upstream policy/check_*.go, some superseding a baseline check (see the registry in index.ts).

import { validSeccomp } from "./baseline";
import { Forbidden, joinQuote, Obj, pluralize, record, records, setters, sortedSet, str, strings } from "./helpers";
import { Pod } from "./templates";

function isWindows(pod: Pod): boolean {
    return record(pod.spec.os)?.name === "windows";
}

// check_allowPrivilegeEscalation.go: allowPrivilegeEscalation_1_25 (Windows pods exempt)
export function allowPrivilegeEscalation(pod: Pod): Forbidden | undefined {
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
export function capabilitiesRestricted(pod: Pod): Forbidden | undefined {
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
export function restrictedVolumes(pod: Pod): Forbidden | undefined {
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
export function runAsNonRoot(pod: Pod): Forbidden | undefined {
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
export function runAsUser(pod: Pod): Forbidden | undefined {
    const root = (sc: Obj | undefined): boolean => sc?.runAsUser === 0;
    const bad = pod.containers.filter((c) => root(c.securityContext)).map((c) => c.name);
    const badSetters = setters(root(pod.securityContext), bad);
    if (badSetters.length === 0) return undefined;
    return { reason: "runAsUser=0", detail: `${badSetters.join(" and ")} must not set runAsUser=0` };
}

// check_seccompProfile_restricted.go: seccompProfileRestricted_1_25 (Windows pods exempt); overrides
// seccompProfile_baseline
export function seccompProfileRestricted(pod: Pod): Forbidden | undefined {
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
