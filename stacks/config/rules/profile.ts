// Rules of what the environment's profile asks for: distributed storage, an ingress controller that
// serves the class, and production's promises kept whatever the overrides say.
import { K3S_INGRESS_CLASS } from "../../../components/k3s/config";
import { ParsedConfig } from "../schema";
import { Rule } from "./context";

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
        knob: "networkPolicies",
        keeps: (v) => v === "default-deny",
        promise: "admits to each platform namespace only the traffic it needs (default-deny network policies)",
        example: '"default-deny"',
    },
    {
        knob: "podSecurity",
        keeps: (v) => v === "enforced",
        promise: "enforces Pod Security on the platform's namespaces",
        example: '"enforced"',
    },
    {
        knob: "secretsEncryption",
        keeps: (v) => v === true,
        promise: "encrypts Secrets at rest in K3s's datastore",
        example: "true",
    },
    {
        knob: "etcdSnapshots",
        keeps: (v) => (v as ParsedConfig["profile"]["etcdSnapshots"])?.enabled !== false,
        promise: "takes etcd snapshots, the one way back for a lost control plane",
        example: '{ enabled: true, schedule: "0 */6 * * *" }',
    },
    {
        knob: "tlsIssuer",
        keeps: (v) => v === "acme-production",
        promise: "serves certificates every browser trusts (Let's Encrypt's production CA)",
        example: '"acme-production"',
    },
    {
        knob: "pinnedHostKeys",
        keeps: (v) => v === true,
        promise: "connects only to nodes whose SSH host key is pinned",
        example: "true",
    },
    {
        knob: "deletionProtection",
        keeps: (v) => v === true,
        promise: "protects what holds state from deletion",
        example: "true",
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
