// What is wrong with a rendered stack, as lists of findings (empty when all is well): each check
// reads every object the cluster would receive, the charts' and the program's own. The traffic
// the network policies must let through is in traffic.ts.
import { ResourceValidationArgs } from "@pulumi/policy";
import { POLICIES } from "../../policy/rules";
import { k3sKinds } from "../../render/cluster";
import { customKindOf, groupOf, isBuiltin, kindRef, Manifest } from "../../render/kinds";
import { ancestors, RenderedStack, StackObject } from "../../render/stack";
import { podSecurityViolations, podTemplates, PodSecurityLevel } from "./pod-security";
import { schemaProblems } from "./schemas";

const crdsOf = (objects: readonly StackObject[]) =>
    objects.map((o) => o.manifest).filter((m) => m.kind === "CustomResourceDefinition");

/** Objects failing the Kubernetes schemas or their CRD's (unknown fields included: the API server drops them). */
export function schemaFindings(objects: readonly StackObject[]): string[] {
    const crds = crdsOf(objects);
    return objects.flatMap((o) =>
        schemaProblems(o.manifest, crds).map((p) => `${o.origin} ${kindRef(o.manifest)}${p.path}: ${p.message}`),
    );
}

const ENFORCE = "pod-security.kubernetes.io/enforce";

/** Pod templates their namespace's enforced Pod Security level would reject. */
export function podSecurityFindings(objects: readonly StackObject[]): string[] {
    const levels = new Map<string, PodSecurityLevel>();
    for (const { manifest } of objects) {
        const labels = manifest.metadata.labels as Record<string, string> | undefined;
        if (manifest.kind === "Namespace" && labels?.[ENFORCE])
            levels.set(manifest.metadata.name, labels[ENFORCE] as PodSecurityLevel);
    }
    return objects.flatMap(({ manifest, origin }) =>
        podTemplates(manifest).flatMap((template) => {
            const level = levels.get(manifest.metadata.namespace ?? "") ?? "privileged";
            return podSecurityViolations(template, level).map(
                (v) => `${origin} ${kindRef(manifest)} violates ${level}: ${v}`,
            );
        }),
    );
}

/** Custom resources created before their CRD exists, and charts a fresh cluster's first `up`
 *  renders differently from the next (objects gated on an API that is not served yet). */
export function orderFindings(rendered: RenderedStack): string[] {
    const findings: string[] = [];
    const crdOrigin = new Map<string, { urn: string; origin: string }>();
    for (const chart of rendered.charts)
        for (const o of chart.objects) {
            const kind = customKindOf(o.manifest);
            if (kind)
                crdOrigin.set(`${kind.group}/${kind.kind}`, {
                    urn: chart.registration.urn,
                    origin: chart.registration.name,
                });
        }
    for (const o of rendered.program) {
        const kind = customKindOf(o.manifest);
        if (kind) crdOrigin.set(`${kind.group}/${kind.kind}`, { urn: o.registration.urn, origin: o.name });
    }
    const check = (manifest: Manifest, urn: string, origin: string) => {
        if (isBuiltin(manifest.apiVersion) || K3S_GROUPS.has(groupOf(manifest.apiVersion))) return;
        const crd = crdOrigin.get(`${groupOf(manifest.apiVersion)}/${manifest.kind}`);
        if (crd === undefined)
            findings.push(`${origin} ${kindRef(manifest)}: no resource of the stack installs its CRD`);
        else if (crd.urn !== urn && !ancestors(rendered.registrations, urn).has(crd.urn))
            findings.push(
                `${origin} ${kindRef(manifest)}: created without waiting for ${crd.origin}, which installs its CRD`,
            );
    };
    for (const chart of rendered.charts) {
        for (const o of chart.objects) check(o.manifest, chart.registration.urn, chart.registration.name);
        const { missing, extra } = chart.firstInstall;
        if (missing.length > 0)
            findings.push(
                `${chart.registration.name}: the first up leaves out ${missing.join(", ")}; the second adds them`,
            );
        if (extra.length > 0)
            findings.push(
                `${chart.registration.name}: the first up renders ${extra.join(", ")}; the second removes them`,
            );
    }
    for (const o of rendered.program) check(o.manifest, o.registration.urn, o.name);
    return findings;
}

/** APIs K3s serves itself (its packaged CRDs, metrics-server, Traefik's). */
const K3S_GROUPS = new Set(k3sKinds(true).map((k) => k.group));

/** Violations the policy pack reports for the objects, as the engine hands them over: each
 *  object a resource with its manifest as props. */
export function policyFindings(stack: string, objects: readonly StackObject[]): string[] {
    const findings: string[] = [];
    for (const o of objects) {
        const args = {
            type: o.type,
            name: o.name,
            urn: `urn:pulumi:${stack}::homelab::${o.type}::${o.name}`,
            props: o.manifest,
        } as unknown as ResourceValidationArgs;
        for (const policy of POLICIES) {
            const validate = policy.validateResource;
            for (const check of Array.isArray(validate) ? validate : validate ? [validate] : [])
                void check(args, (message) =>
                    findings.push(`${policy.name}: ${o.origin} ${kindRef(o.manifest)}: ${message}`),
                );
        }
    }
    return findings;
}
