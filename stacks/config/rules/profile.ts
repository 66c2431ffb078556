// Rules of what the environment's profile asks for: an ACME account where certificates come from
// an ACME CA, distributed storage, an ingress controller that serves the class, and production's
// promises kept whatever the overrides say.
import { K3S_INGRESS_CLASS } from "../../../components/k3s/config";
import { ParsedConfig, SECRET_EXAMPLES } from "../schema";
import { Problem, Rule } from "./context";

// Suffixes no public CA can issue for: special-use and private-use names (RFC 6761, RFC 8375,
// RFC 6762), the reverse-lookup zones, and the names ICANN will never delegate (home, corp, mail).
const PRIVATE_SUFFIXES = [
    "home.arpa",
    "in-addr.arpa",
    "ip6.arpa",
    "local",
    "lan",
    "internal",
    "localdomain",
    "localhost",
    "test",
    "invalid",
    "example",
    "home",
    "corp",
    "mail",
];

export const acmeWhereNeeded: Rule = ({ config, environment, profile, secrets }) => {
    if (profile.tlsIssuer === "privateCa") {
        return [];
    }
    const acme = config.tls.acme;
    if (acme === undefined) {
        return [
            {
                key: "tls.acme.email",
                message: `required: ${environment} issues certificates through ACME (profile tlsIssuer: ${profile.tlsIssuer})`,
                example: '"admin@example.com"',
            },
        ];
    }
    const problems: Problem[] = [];
    const suffix = PRIVATE_SUFFIXES.find((s) => config.domain === s || config.domain.endsWith(`.${s}`));
    if (acme.server === undefined && suffix !== undefined) {
        problems.push({
            key: "domain",
            message: `"${config.domain}" is under .${suffix}, which Let's Encrypt cannot issue for; use a public domain, a private ACME CA in tls.acme.server, or profile.tlsIssuer: privateCa`,
            example: '"lab.example.com"',
        });
    }
    if (acme.solver === "cloudflare" && !secrets.has("cloudflareApiToken")) {
        problems.push({
            key: "cloudflareApiToken",
            message: "required: tls.acme.solver is cloudflare (DNS-01 needs an API token with Zone.DNS edit)",
            example: SECRET_EXAMPLES.cloudflareApiToken,
        });
    }
    return problems;
};

export const storageClassWhereNeeded: Rule = ({ config, environment, profile }) => {
    if (profile.storage !== "distributed") {
        return [];
    }
    if (config.storageClass === undefined) {
        return [
            {
                key: "storageClass",
                message: `required: ${environment} keeps data on distributed storage (profile storage: distributed)`,
                example: '"longhorn"',
            },
        ];
    }
    if (config.storageClass === "local-path") {
        return [
            {
                key: "storageClass",
                message: `"local-path" keeps each volume on one node; ${environment} needs a distributed storage class`,
                example: '"longhorn"',
            },
        ];
    }
    return [];
};

// K3s's Traefik serves the class `traefik`; with it turned off nothing does, and every
// platform Ingress (Argo CD, Grafana, ACME HTTP-01 challenges) would go unserved.
export const ingressServed: Rule = ({ config }) =>
    config.cluster.traefik === false && config.ingressClass === K3S_INGRESS_CLASS
        ? [
              {
                  key: "ingressClass",
                  message:
                      '"traefik" names K3s\'s Traefik, which cluster.traefik: false turns off; name the class of the ingress controller you run instead, or keep Traefik',
                  example: '"nginx"',
              },
          ]
        : [];

// The network policies admit K3s's Traefik to the platform's UIs unless told which controller
// serves another class; without that, every Ingress of the platform would be refused.
export const ingressControllerNamed: Rule = ({ config, profile }) =>
    profile.networkPolicies === "default-deny" &&
    config.ingressClass !== K3S_INGRESS_CLASS &&
    config.ingressController === undefined
        ? [
              {
                  key: "ingressController",
                  message: `required: ingressClass ${JSON.stringify(config.ingressClass)} is served by another controller than K3s's Traefik, and the network policies admit only the controller named here`,
                  example: '{ namespace: ingress-nginx, pods: { "app.kubernetes.io/name": ingress-nginx } }',
              },
          ]
        : [];

// What production promises; a site override in `homelab:profile` must not quietly undo it.
const PRODUCTION_PROMISES: readonly {
    readonly knob: keyof ParsedConfig["profile"];
    readonly keeps: (value: unknown) => boolean;
    readonly promise: string;
    readonly example: string;
}[] = [
    { knob: "secrets", keeps: (v) => v === "vault", promise: "reads secrets from Vault only", example: '"vault"' },
    {
        knob: "applicationsSync",
        keeps: (v) => v === "manual",
        promise: "applications sync only after manual approval",
        example: '"manual"',
    },
    { knob: "hardening", keeps: (v) => v === true, promise: "runs K3s with its CIS hardening", example: "true" },
    {
        knob: "minServers",
        keeps: (v) => typeof v === "number" && v >= 3,
        promise: "keeps its control plane (and etcd quorum) on at least three servers",
        example: "3",
    },
    {
        knob: "backups",
        keeps: (v) => {
            const backups = v as ParsedConfig["profile"]["backups"];
            return (backups?.target ?? "required") === "required" && backups?.maxAgeForUpdates !== "none";
        },
        promise: "keeps backups of its data, and updates only after a fresh one",
        example: '{ target: required, maxAgeForUpdates: "6h" }',
    },
    {
        knob: "storage",
        keeps: (v) => v === "distributed",
        promise: "keeps data on distributed storage, so a node's loss loses no volume",
        example: '"distributed"',
    },
];

export const productionInvariants: Rule = ({ config, environment }) =>
    environment !== "production"
        ? []
        : PRODUCTION_PROMISES.filter(({ knob, keeps }) => knob in config.profile && !keeps(config.profile[knob])).map(
              ({ knob, promise, example }) => ({
                  key: `profile.${knob}`,
                  message: `${JSON.stringify(config.profile[knob])} is not allowed: production ${promise}`,
                  example: `${example} (or remove the override)`,
              }),
          );
