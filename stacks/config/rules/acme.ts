// Rules of the certificates' ACME account and names, judged as Let's Encrypt's Boulder judges them
// (policy/pa.go: ValidDomain, ValidEmail): names it can issue for, a contact address it takes, a
// directory it serves, and no CA whose accounts need what the program does not configure.
import { uiHosts } from "../../ui-hosts";
import { SECRET_EXAMPLES } from "../schema";
import { Problem, Rule } from "./context";

// Suffixes no public CA can issue for: special-use and private-use names (RFC 6761, RFC 8375,
// RFC 6762, RFC 7686, RFC 9476), the reverse-lookup zones, and the names ICANN will never delegate
// (home, corp, mail).
const PRIVATE_SUFFIXES = [
    "alt",
    "onion",
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

/** Let's Encrypt's ACME directories, by profile issuer. */
export const LETS_ENCRYPT = {
    "acme-staging": "https://acme-staging-v02.api.letsencrypt.org/directory",
    "acme-production": "https://acme-v02.api.letsencrypt.org/directory",
} as const;

/** Whether the ACME CA is Let's Encrypt: no directory named (the profile's), or one of its own. */
export function isLetsEncrypt(server: string | undefined): boolean {
    return server === undefined || (Object.values(LETS_ENCRYPT) as string[]).includes(server);
}

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
                example: '"admin@lab.example.com"',
            },
        ];
    }
    const problems: Problem[] = [];
    const suffix = privateSuffix(config.domain);
    if (isLetsEncrypt(acme.server) && suffix !== undefined) {
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

/** The suffix of PRIVATE_SUFFIXES a name is under, if any. */
const privateSuffix = (name: string) => PRIVATE_SUFFIXES.find((s) => name === s || name.endsWith(`.${s}`));

/** ACME CAs whose accounts need External Account Binding, which the program's ClusterIssuers carry
 *  none of: registration fails at the CA. */
const EAB_CAS: Readonly<Record<string, string>> = {
    "acme.zerossl.com": "ZeroSSL",
    "dv.acme-v02.api.pki.goog": "Google Trust Services",
    "dv.acme-v02.test-api.pki.goog": "Google Trust Services",
    "acme.ssl.com": "SSL.com",
};

// The UIs' names are the domain's with a label before it: each must fit DNS's 253 characters.
export const uiHostsFit: Rule = ({ config }) =>
    Object.values(uiHosts(config.domain))
        .filter((host) => host.length > 253)
        .map((host) => ({
            key: "domain",
            message: `makes the UI name ${host.slice(0, 24)}... ${host.length} characters long; DNS names hold at most 253, so no resolver or CA would take it`,
            example: '"lab.example.com"',
        }));

export const acmeServer: Rule = ({ config, environment, profile }) => {
    const server = config.tls.acme?.server;
    if (profile.tlsIssuer === "privateCa" || server === undefined) return [];
    const url = new URL(server);
    const problems: Problem[] = [];
    const eab = EAB_CAS[url.hostname];
    if (eab !== undefined)
        problems.push({
            key: "tls.acme.server",
            message: `${JSON.stringify(server)} is ${eab}'s, whose accounts need External Account Binding, which the program's ClusterIssuer does not carry; registration would fail`,
            example: JSON.stringify(LETS_ENCRYPT["acme-production"]),
        });
    const letsEncrypt = Object.values(LETS_ENCRYPT).find((u) => new URL(u).hostname === url.hostname);
    if (letsEncrypt !== undefined && server !== letsEncrypt)
        problems.push({
            key: "tls.acme.server",
            message: `${JSON.stringify(server)} is not Let's Encrypt's directory; cert-manager reads the directory at exactly this URL and would find none`,
            example: JSON.stringify(letsEncrypt),
        });
    if (profile.tlsIssuer === "acme-production" && url.hostname === new URL(LETS_ENCRYPT["acme-staging"]).hostname)
        problems.push({
            key: "tls.acme.server",
            message: `is Let's Encrypt's staging CA, whose certificates no browser trusts; ${environment} serves trusted ones (profile tlsIssuer: acme-production)`,
            example: JSON.stringify(LETS_ENCRYPT["acme-production"]),
        });
    return problems;
};

// Boulder refuses a contact whose domain is an example domain (forbiddenMailDomains) or not a
// public one (ValidEmail -> validNonWildcardDomain); the account is never registered.
export const acmeEmail: Rule = ({ config, profile }) => {
    const acme = config.tls.acme;
    if (profile.tlsIssuer === "privateCa" || acme === undefined || !isLetsEncrypt(acme.server)) return [];
    const domain = acme.email.split("@").at(-1)!.toLowerCase();
    const suffix = privateSuffix(domain);
    const why = ["example.com", "example.net", "example.org"].includes(domain)
        ? `@${domain} is an example domain, which Let's Encrypt refuses as a contact`
        : suffix !== undefined
          ? `@${domain} is under .${suffix}, not a public domain; Let's Encrypt refuses it as a contact`
          : undefined;
    return why === undefined
        ? []
        : [
              {
                  key: "tls.acme.email",
                  message: `${why}, so no certificate would be issued`,
                  example: '"you@your-domain.net"',
              },
          ];
};
