// The pod the check tests start from: restricted-compliant, so each case changes only what it is
// about and expects exactly the violations that change causes.

import { PodSecurityLevel, podSecurityViolations } from ".";

/** A container that satisfies restricted. */
export function container(name: string): any {
    return {
        name,
        image: "registry.example/app:1.0.0",
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
    };
}

/** A pod that satisfies restricted, with one app container; each case changes what it is about. */
export function pod(edit: (p: any) => void = () => undefined): { metadata: any; spec: any } {
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

export function violations(level: PodSecurityLevel, edit: (p: any) => void): string[] {
    return podSecurityViolations(pod(edit), level);
}
