// The host names of the platform's UIs under the stack's domain: the ingresses' hosts, the names
// DNS must point at Traefik, and the names whose length the domain's rules bound.

/** Each UI's host name under `domain`. */
export function uiHosts(domain: string): { readonly argocd: string; readonly grafana: string } {
    return { argocd: `argocd.${domain}`, grafana: `grafana.${domain}` };
}
