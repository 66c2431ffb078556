// Rules of the Vault backend: where the profile needs it, how Vault reaches the cluster's API to
// review tokens, and the CA file its certificate is checked against.
import { AddressBlock, hostBlock, overlaps, parseBlock, parseIPv4 } from "../ipv4";
import { PEM_CERTIFICATE, PEM_PRIVATE_KEY } from "../fields";
import { Rule } from "./context";

export const vaultWhereNeeded: Rule = ({ config, environment, profile }) => {
    const address = config.vault.address;
    if (profile.secrets === "vault" && address === undefined) {
        return [
            {
                key: "vault.address",
                message: `required: ${environment} reads workload secrets from Vault (profile secrets: vault)`,
                example: '"https://vault.home.arpa:8200"',
            },
        ];
    }
    if (profile.secrets === "vault" && address !== undefined && isLoopbackUrl(address)) {
        return [
            {
                key: "vault.address",
                message: `${JSON.stringify(address)} is a loopback address; External Secrets calls Vault from inside the cluster, where it would reach its own pod, not Vault`,
                example: '"https://vault.home.arpa:8200"',
            },
        ];
    }
    if (profile.secrets === "vault" && profile.hardening && address !== undefined && !address.startsWith("https://")) {
        return [
            {
                key: "vault.address",
                message: `${JSON.stringify(address)} is plain http; a hardened ${environment} sends Vault tokens over TLS only`,
                example: '"https://vault.home.arpa:8200"',
            },
        ];
    }
    return [];
};

const LOOPBACK = parseBlock("127.0.0.0/8") as AddressBlock;

/** Whether a URL's host is the machine that calls it: 127.0.0.0/8 (also IPv4-mapped), ::1,
 *  0.0.0.0 (which connects locally) or localhost and its subdomains. */
function isLoopbackUrl(url: string): boolean {
    let host: string;
    try {
        // The URL parser writes each spelling of a host one way (`127.1` and `0x7f000001` as
        // 127.0.0.1, `[0::1]` as [::1], names in lowercase); a name's final dot is the same name.
        host = new URL(url).hostname.replace(/\.$/, "");
    } catch {
        return false;
    }
    const ipv4 = parseIPv4(host);
    return (
        host === "localhost" ||
        host.endsWith(".localhost") ||
        host === "[::1]" ||
        host === "0.0.0.0" ||
        // ::ffff:127.x.y.z, which the URL parser writes as [::ffff:7fxx:yyzz]
        host.startsWith("[::ffff:7f") ||
        (ipv4 !== undefined && overlaps(LOOPBACK, hostBlock(ipv4)))
    );
}

const TOKEN_REVIEW_EXAMPLE = '"https://k3s.home.arpa:6443"';

// Vault calls the Kubernetes API to review the tokens External Secrets logs in with. At a loopback
// address Vault would call its own machine, not the cluster, and every login would fail long after
// `pulumi up` succeeded. A kubeconfig often names one (a tunnel, a port-forward, k3d), which suits
// Pulumi on that machine but not Vault; its server is not quoted, as nothing of a kubeconfig is.
export const vaultReachesKubernetes: Rule = ({ config, nodes, profile, kubeconfig }) => {
    if (profile.secrets !== "vault") {
        return [];
    }
    const explicit = config.vault.kubernetesHost;
    if (explicit !== undefined) {
        return isLoopbackUrl(explicit)
            ? [
                  {
                      key: "vault.kubernetesHost",
                      message: `${JSON.stringify(explicit)} is a loopback address; Vault reviews tokens there and would reach its own machine, not the cluster's API`,
                      example: TOKEN_REVIEW_EXAMPLE,
                  },
              ]
            : [];
    }
    const kubeconfigMode = nodes.length === 0;
    const server = kubeconfig !== undefined && "server" in kubeconfig ? kubeconfig.server : undefined;
    return kubeconfigMode && server !== undefined && isLoopbackUrl(server)
        ? [
              {
                  key: "vault.kubernetesHost",
                  message:
                      "required: the kubeconfig's server is a loopback address, which Vault cannot reach to review tokens; set the cluster's API URL as Vault reaches it",
                  example: TOKEN_REVIEW_EXAMPLE,
              },
          ]
        : [];
};

const VAULT_CA_EXAMPLE = '"certs/vault-ca.pem"';

// The provider reads its CA from a file only, and `pulumi refresh` and `destroy` configure it from
// state without running the program: the file must be the repository's, at the same path on
// every machine (the provider runs in the project's folder).
export const vaultCaCertFile: Rule = ({ config, projectFile }) => {
    const file = config.vault.caCertFile;
    const problem = (message: string) => [{ key: "vault.caCertFile", message, example: VAULT_CA_EXAMPLE }];
    if (config.vault.caCert !== undefined) {
        return [
            {
                key: "vault.caCert",
                message:
                    "is replaced by vault.caCertFile: Pulumi's Vault provider reads its CA from a file, which pulumi refresh and destroy need on every machine; commit the CA's PEM to the repository and name its path",
                example: `caCertFile: ${VAULT_CA_EXAMPLE}`,
            },
        ];
    }
    if (file === undefined) return [];
    const pem = projectFile(file);
    if (pem === undefined) {
        return problem(`${JSON.stringify(file)}: no such file in the project's folder; commit the CA's PEM there`);
    }
    if (PEM_PRIVATE_KEY.test(pem)) {
        return problem(
            `${JSON.stringify(file)} holds a private key: give only the CA's certificate (a private key must never sit in the repository)`,
        );
    }
    return PEM_CERTIFICATE.test(pem)
        ? []
        : problem(`${JSON.stringify(file)} does not hold a PEM certificate (-----BEGIN CERTIFICATE-----)`);
};
