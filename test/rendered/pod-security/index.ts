// The Pod Security Standards checker: the public API (podTemplates, podSecurityViolations) and the
// registry of which checks each level runs, in the order the admission controller runs them.

import {
    appArmorProfile,
    capabilitiesBaseline,
    hostNamespaces,
    hostPathVolumes,
    hostPorts,
    hostProbesAndHostLifecycle,
    privileged,
    procMount,
    seccompProfileBaseline,
    seLinuxOptions,
    sysctls,
    windowsHostProcess,
} from "./baseline";
import { byCodeUnit, Forbidden } from "./helpers";
import {
    allowPrivilegeEscalation,
    capabilitiesRestricted,
    restrictedVolumes,
    runAsNonRoot,
    runAsUser,
    seccompProfileRestricted,
} from "./restricted";
import { Pod, toPod } from "./templates";

export { podTemplates, type PodTemplate } from "./templates";

// The Kubernetes Pod Security Standards, as the Pod Security Admission controller evaluates them at
// policy version "latest" of Kubernetes 1.34, so tests can check that every pod template a chart
// renders is admissible in the namespace it lands in.
//
// Each check (baseline.ts, restricted.ts) mirrors one file of k8s.io/pod-security-admission/policy
// (kubernetes/kubernetes staging/src/k8s.io/pod-security-admission/policy/check_*.go) at tag v0.34.9
// (= Kubernetes v1.34.9), using the newest version of the check that applies at 1.34. A violation is
// rendered the way the admission controller renders it: `<forbidden reason> (<forbidden detail>)`,
// e.g. `host namespaces (hostNetwork=true)`, one message per failing check, in upstream order
// (baseline check IDs sorted, then restricted check IDs sorted: policy/registry.go).
//
// Two 1.34 behaviours that depend on cluster settings are taken at their defaults:
// - the relaxation of runAsNonRoot, runAsUser and procMount for user-namespace pods
//   (hostUsers: false) is behind the alpha feature gate UserNamespacesPodSecurityStandards, off by
//   default in 1.34 (it became unconditional in 1.35), so it is not applied;
// - hostProbesAndHostLifecycle (new in 1.34) is only skipped when the API server emulates an older
//   minor, so it is applied.

export type PodSecurityLevel = "privileged" | "baseline" | "restricted";

type CheckPod = (pod: Pod) => Forbidden | undefined;

interface Check {
    readonly id: string;
    readonly level: "baseline" | "restricted";
    readonly check: CheckPod;
    /** Baseline checks this restricted check supersedes (VersionedCheck.OverrideCheckIDs). */
    readonly overrides?: readonly string[];
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
