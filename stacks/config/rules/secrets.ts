// Rules of the secret values: each stored encrypted, given where a setting needs it, and never in
// plain chart values.
import { SECRET_EXAMPLES } from "../schema";
import { Problem, Rule } from "./context";

export const secretsEncrypted: Rule = ({ secrets }) =>
    [...secrets]
        .filter(([, state]) => !state.secure)
        .map(([key]) => ({
            key,
            message: "is stored in plain text in the stack file; set it as a secret",
            example: SECRET_EXAMPLES[key],
        }));

const isHttps = (url: string) => url.startsWith("https://");

// A token only works over https and a deploy key only over ssh; the wrong one would leave Argo CD
// unable to read a private repository.
export const gitopsCredentials: Rule = ({ config, secrets }) => {
    const problems: Problem[] = [];
    const https = isHttps(config.gitops.repoUrl);
    if (secrets.has("gitopsToken") && !https) {
        problems.push({
            key: "gitopsToken",
            message: "is set, but gitops.repoUrl is an ssh URL; a token authenticates over https only",
            example: SECRET_EXAMPLES.gitopsSshKey,
        });
    }
    if (secrets.has("gitopsSshKey") && https) {
        problems.push({
            key: "gitopsSshKey",
            message: "is set, but gitops.repoUrl is an https URL; a deploy key authenticates over ssh only",
            example: SECRET_EXAMPLES.gitopsToken,
        });
    }
    if (secrets.has("gitopsToken") && secrets.has("gitopsSshKey")) {
        problems.push({
            key: "gitopsSshKey",
            message: "is set together with gitopsToken; keep the one that matches gitops.repoUrl",
            example: "pulumi config rm gitopsSshKey",
        });
    }
    return problems;
};

export const alertReceiver: Rule = ({ config, secrets }) =>
    config.alerting !== undefined && !secrets.has("alertingUrl")
        ? [
              {
                  key: "alertingUrl",
                  message: "required: alerting names a receiver, and this is its webhook URL",
                  example: SECRET_EXAMPLES.alertingUrl,
              },
          ]
        : [];

// Value keys that hold a credential in Helm charts (adminPassword, bearerToken, apiKey, ...);
// names of Secrets and of keys inside them (existingSecret, passwordKey) end otherwise.
const CREDENTIAL_KEY = /(password|passwd|token|api_?key|secret_?key|client_?secret|private_?key)$/i;

// References the charts resolve at run time, which hold no credential themselves: Grafana's
// `$__file{...}`, `$__env{...}`, `$__vault{...}`, Argo CD's `$<secret>:<key>`.
const CREDENTIAL_REFERENCE = /^\$(__(file|env|vault)\{|[\w.-]+:)/;

/** Paths, below `at`, of the non-empty strings under credential keys in chart values. */
function credentialPaths(value: unknown, at: string): string[] {
    if (Array.isArray(value)) return value.flatMap((item, i) => credentialPaths(item, `${at}[${i}]`));
    if (value === null || typeof value !== "object") return [];
    return Object.entries(value).flatMap(([key, inner]) =>
        CREDENTIAL_KEY.test(key) && typeof inner === "string" && inner.length > 0 && !CREDENTIAL_REFERENCE.test(inner)
            ? [`${at}.${key}`]
            : credentialPaths(inner, `${at}.${key}`),
    );
}

// The stack file holds non-secret config in plain text: a credential in chart values would sit
// there, in Git, and in the rendered chart's state unencrypted.
export const plainCredentials: Rule = ({ config }) =>
    Object.entries(config.components).flatMap(([name, component]) =>
        credentialPaths(component?.values, `components.${name}.values`).map((key) => ({
            key,
            message:
                "holds a credential in plain text in the stack file; keep it in a Kubernetes Secret the chart reads by name (its existingSecret-style value)",
            example: "grafana: { admin: { existingSecret: grafana-admin } }",
        })),
    );
