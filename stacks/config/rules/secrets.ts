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

// A plain setting stored encrypted is still handed to resources and outputs as plain text: the
// program cannot keep a value secret that it does not know is one.
export const plainSettingsUnencrypted = (encryptedKeys: readonly string[]): Problem[] =>
    encryptedKeys.map((key) => ({
        key,
        message:
            "is stored encrypted (set with --secret), but it is a plain setting: the program would still show it in outputs and resource inputs; set it without --secret",
        example: `pulumi config rm ${key} && pulumi config set ${key} <value>`,
    }));

// The SSH client reads these as private keys: a path or a public key fails on every connection.
export const privateKeysGiven: Rule = ({ keyShapes }) =>
    (Object.entries(keyShapes) as [keyof typeof keyShapes, string][])
        .filter(([, shape]) => shape !== "private key")
        .map(([key, shape]) => ({
            key,
            message: `holds ${shape === "other" ? "no private key" : `a ${shape}`}, not the private key itself; SSH would fail with it on every connection`,
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
    // Git over ssh always authenticates, a public repository's too: without a key Argo CD's fetch fails.
    if (
        !https &&
        !config.gitops.repoUrl.startsWith("http://") &&
        !secrets.has("gitopsSshKey") &&
        !secrets.has("gitopsToken")
    ) {
        problems.push({
            key: "gitopsSshKey",
            message:
                "required: gitops.repoUrl is an ssh URL, and an ssh server lets no one in without a key, not even to a public repository; or use the https URL",
            example: SECRET_EXAMPLES.gitopsSshKey,
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

// Value keys that hold a credential in Helm charts (adminPassword, bearerToken, apiKey, PagerDuty's
// routing_key, Argo CD's webhook.github.secret as githubSecret, ...). Names of Secrets and of keys
// inside them end otherwise (existingSecret, passwordKey, envFromSecret, controllerMetricsTLSSecret):
// a bare `...Secret` is a credential only under the names webhooks and OAuth clients give it.
const CREDENTIAL_KEY =
    /(password|passwd|token|api_?key|secret_?key|private_?key|routing_?key|service_?key|(client|github|gitlab|gogs|bitbucket|bitbucket_?server|azure_?devops|webhook|shared|hmac|cookie|session|signing)_?secret)$/i;
const REFERENCE_KEY = /^existing/i;

// References the charts resolve at run time, which hold no credential themselves: Grafana's
// `$__file{...}`, `$__env{...}`, `$__vault{...}`, Argo CD's `$<secret>:<key>`.
const CREDENTIAL_REFERENCE = /^\$(__(file|env|vault)\{|[\w.-]+:)/;

// A credential inside a string whatever its key: a webhook URL whose path is its token (Slack,
// Discord, Teams, Telegram), a URL with a password, or `clientSecret: ...` inside a config text
// such as Argo CD's oidc.config.
const CREDENTIAL_IN_TEXT = [
    /https:\/\/hooks\.slack\.com\/services\/\S+/,
    /https:\/\/(discord|discordapp)\.com\/api\/webhooks\/\S+/,
    /https:\/\/[\w.-]*webhook\.office\.com\/\S+/,
    /https:\/\/api\.telegram\.org\/bot\d+:\S+/,
    /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i,
    /(client_?secret|password|token)\s*[:=]\s*(?!\$)["']?[^\s"'$][^\s"']*/i,
    // An AWS-style credentials file, as Velero's credentials.secretContents.cloud holds one.
    /aws_secret_access_key\s*=\s*\S+/i,
];

/** Paths, below `at`, of the credentials held in chart values. */
function credentialPaths(value: unknown, at: string): string[] {
    if (Array.isArray(value)) return value.flatMap((item, i) => credentialPaths(item, `${at}[${i}]`));
    if (typeof value === "string") return CREDENTIAL_IN_TEXT.some((p) => p.test(value)) ? [at] : [];
    if (value === null || typeof value !== "object") return [];
    return Object.entries(value).flatMap(([key, inner]) => {
        const scalar = typeof inner === "number" || (typeof inner === "string" && inner.length > 0);
        return CREDENTIAL_KEY.test(key) &&
            !REFERENCE_KEY.test(key) &&
            scalar &&
            !CREDENTIAL_REFERENCE.test(String(inner))
            ? [`${at}.${key}`]
            : credentialPaths(inner, `${at}.${key}`);
    });
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
