// Field checks shared by the config schema and the profile schema.
import { z } from "zod";

const LABEL = "[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?";

/** DNS labels joined by dots (RFC 1123 subdomain), unanchored and of any length: the pattern the
 *  names below and label keys' prefixes bound. */
export const SUBDOMAIN_PATTERN = `${LABEL}(\\.${LABEL})*`;

/** A Kubernetes object name of one DNS label (RFC 1123). */
export const DNS_LABEL = new RegExp(`^${LABEL}$`);

/** A Kubernetes object name of DNS labels joined by dots (RFC 1123 subdomain). */
export const DNS_SUBDOMAIN = new RegExp(`^(?=.{1,253}$)${SUBDOMAIN_PATTERN}$`);

/** A node name: a DNS subdomain that also fits the kubernetes.io/hostname label the kubelet sets
 *  from it (63 characters). */
export const NODE_NAME = new RegExp(`^(?=.{1,63}$)${SUBDOMAIN_PATTERN}$`);

/** A string that must satisfy `test`; the message quotes the offending value. */
export function matching(test: RegExp | ((value: string) => boolean), problem: string) {
    return checkedInOrder([{ test: test instanceof RegExp ? (value) => test.test(value) : test, problem }]);
}

/** A string checked in order by `checks`, stopping at the first that fails. A check whose
 *  `quote` is false names the problem without the value: for a value that may hold a credential. */
export function checkedInOrder(
    checks: readonly { test: (value: string) => boolean; problem: string; quote?: boolean }[],
) {
    return z.string().superRefine((value, ctx) => {
        const failed = checks.find((check) => !check.test(value));
        if (failed) {
            ctx.addIssue({
                code: "custom",
                message: failed.quote === false ? failed.problem : `${JSON.stringify(value)} ${failed.problem}`,
            });
        }
    });
}

/** A private key in PEM, of any kind. */
export const PEM_PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;

/** One or more PEM certificates, and nothing else. */
export const PEM_CERTIFICATE = /^-----BEGIN CERTIFICATE-----\r?\n[\s\S]+\r?\n-----END CERTIFICATE-----\s*$/;

/** A PEM CA certificate (or a bundle), as TLS clients take it for a private CA; never a key. */
export const pemCertificate = checkedInOrder([
    {
        test: (v) => !PEM_PRIVATE_KEY.test(v),
        problem: "holds a private key: give only the CA's certificate (a private key must never sit in the stack file)",
        quote: false,
    },
    {
        test: (v) => PEM_CERTIFICATE.test(v),
        problem: "is not a PEM certificate",
    },
]).meta({ example: "-----BEGIN CERTIFICATE-----\nMIIB...\n-----END CERTIFICATE-----" });

/** Whether a URL carries a password or, for https, any user: a token in plain text. */
export function carriesCredentials(url: string): boolean {
    const userinfo = /^[a-z][a-z0-9+.-]*:\/\/([^/?#@]*)@/i.exec(url)?.[1];
    if (userinfo === undefined) return false;
    return userinfo.includes(":") || /^https?:/i.test(url);
}

/** The first check of a URL the stack file holds: no credentials in it (the problem names not the
 *  value, which would show them), and `instead`, how the credential reaches its user. */
export function withoutCredentials(instead: string) {
    return {
        test: (v: string) => !carriesCredentials(v),
        problem: `carries credentials: the stack file would hold them in plain text; ${instead}`,
        quote: false,
    };
}
