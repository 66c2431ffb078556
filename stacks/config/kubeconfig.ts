// An existing cluster's kubeconfig (the secret `kubeconfig`), checked before anything is
// registered: the program needs its API server's URL (Vault reviews tokens there). It holds
// credentials, so no problem quotes any of it.
import { parse } from "yaml";

/** What the program needs of a kubeconfig, or what is wrong with it. */
export type KubeconfigSummary = { readonly server: string } | { readonly problem: string };

interface Kubeconfig {
    "current-context"?: string;
    contexts?: { name?: string; context?: { cluster?: string } }[];
    clusters?: { name?: string; cluster?: { server?: string } }[];
}

/** The API server URL of a kubeconfig's current context (or its only cluster). */
export function summarizeKubeconfig(text: string): KubeconfigSummary {
    const trimmed = text.trim();
    if (!trimmed.includes("\n") && /^(~|\/|\.|[A-Za-z]:\\)|\.ya?ml$|config$/.test(trimmed)) {
        return { problem: "looks like a file's path; set the file's contents instead" };
    }
    let doc: unknown;
    try {
        doc = parse(text);
    } catch {
        return { problem: "is not YAML; set a kubeconfig file's contents" };
    }
    if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
        return { problem: "is not a kubeconfig (a YAML mapping with clusters and contexts)" };
    }
    const config = doc as Kubeconfig;
    const clusters = config.clusters ?? [];
    if (clusters.length === 0) return { problem: "names no cluster" };
    // `kubectl config unset current-context` leaves it empty: unset.
    const current = config["current-context"] || undefined;
    const context = config.contexts?.find((c) => c.name === current);
    if (current !== undefined && context === undefined) {
        return { problem: "has a current-context that none of its contexts is" };
    }
    const cluster = context ? clusters.find((c) => c.name === context.context?.cluster) : clusters[0];
    if (context && cluster === undefined) return { problem: "has a current context whose cluster it does not list" };
    if (current === undefined && clusters.length > 1) {
        return { problem: "lists several clusters but no current-context to choose one" };
    }
    const server = cluster?.cluster?.server;
    if (server === undefined || !/^https?:\/\/[^\s/]+/.test(server)) {
        return { problem: "has no http(s) server URL for its current cluster" };
    }
    return { server };
}
