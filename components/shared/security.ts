// Security contexts that pass Pod Security's restricted level
// (kubernetes.io/docs/concepts/security/pod-security-standards, "Restricted").
import * as k8s from "@pulumi/kubernetes";

/** A container that cannot gain privileges, holds no capability and writes only to its volumes. */
export const RESTRICTED_CONTAINER: k8s.types.input.core.v1.SecurityContext = {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ["ALL"] },
};

/** A pod whose containers run as `uid` and `gid` (numeric: the kubelet cannot check that a named
 *  user is not root), under the runtime's default seccomp profile; its volumes are writable by
 *  that group. */
export function restrictedPod(uid: number, gid = uid): k8s.types.input.core.v1.PodSecurityContext {
    return {
        runAsNonRoot: true,
        runAsUser: uid,
        runAsGroup: gid,
        fsGroup: gid,
        seccompProfile: { type: "RuntimeDefault" },
    };
}
