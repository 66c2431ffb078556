// The secret config values, each attached to the setting that uses it, in one pass: the rules
// have already required every one a setting needs, so no caller checks for presence again.
// They stay Pulumi secrets wherever they flow.
import * as pulumi from "@pulumi/pulumi";
import { RepoCredentials } from "../../components/application-sets";
import { PlainSecret } from "../../components/secret-store/kubernetes";
import { SecretKey } from "./schema";
import { ClusterAccessSettings, checked, Settings, TlsSettings, VaultSettings } from "./validate";

type Secret = pulumi.Output<string>;
type NodesSettings = Extract<ClusterAccessSettings, { mode: "nodes" }>;
type EtcdS3 = NonNullable<NodesSettings["etcdS3"]>;

/** How the program reaches the cluster, with the credentials it uses. */
export type ClusterConnection =
    | (Omit<NodesSettings, "etcdS3"> & {
          /** Default: the SSH agent. */
          readonly sshPrivateKey?: Secret;
          readonly etcdS3?: EtcdS3 & { readonly accessKey: Secret; readonly secretKey: Secret };
      })
    | (Extract<ClusterAccessSettings, { mode: "kubeconfig" }> & { readonly kubeconfig: Secret });

/** How certificates are issued, with the DNS-01 token where Cloudflare answers challenges. */
export type Tls =
    | Extract<TlsSettings, { kind: "privateCa" }>
    | (Omit<Extract<TlsSettings, { kind: "acme" }>, "solver"> & {
          readonly solver: { readonly kind: "http01" } | { readonly kind: "cloudflare"; readonly apiToken: Secret };
      });

/** The secret store, with what it serves: dev's and staging's dummy secrets from Git, or Vault
 *  with the token Pulumi uses (default: VAULT_TOKEN from the environment). */
export type SecretStore =
    | { readonly backend: "kubernetes"; readonly plainSecrets: readonly PlainSecret[] }
    | ({ readonly backend: "vault" } & VaultSettings & { readonly token?: Secret });

/** Every setting, with its secrets. */
export interface SettingsWithSecrets extends Omit<Settings, "cluster" | "tls" | "alerting" | "secretStore"> {
    readonly cluster: ClusterConnection;
    readonly tls: Tls;
    /** Where Alertmanager sends alerts, with the receiver's URL. */
    readonly alerting?: NonNullable<Settings["alerting"]> & { readonly url: Secret };
    readonly secretStore: SecretStore;
    /** Credentials of a private GitOps repository. */
    readonly gitopsCredentials?: RepoCredentials;
}

/** `settings` with each secret, read by `secret`, where it is used, and the dummy secrets a
 *  plain store serves. */
export function withSecrets(
    settings: Settings,
    secret: (key: SecretKey) => Secret | undefined,
    plainSecrets: readonly PlainSecret[] = [],
): SettingsWithSecrets {
    const required = (key: SecretKey) => checked(secret(key), key);
    const { cluster, tls, alerting, secretStore } = settings;
    const sshKey = secret("gitopsSshKey");
    const token = secret("gitopsToken");
    return {
        ...settings,
        cluster:
            cluster.mode === "kubeconfig"
                ? { ...cluster, kubeconfig: required("kubeconfig") }
                : {
                      ...cluster,
                      sshPrivateKey: secret("sshPrivateKey"),
                      etcdS3: cluster.etcdS3 && {
                          ...cluster.etcdS3,
                          accessKey: required("etcdS3AccessKey"),
                          secretKey: required("etcdS3SecretKey"),
                      },
                  },
        tls:
            tls.kind === "privateCa"
                ? tls
                : {
                      ...tls,
                      solver:
                          tls.solver === "cloudflare"
                              ? { kind: "cloudflare", apiToken: required("cloudflareApiToken") }
                              : { kind: "http01" },
                  },
        alerting: alerting && { ...alerting, url: required("alertingUrl") },
        secretStore:
            secretStore.backend === "vault"
                ? { ...secretStore, token: secret("vaultToken") }
                : { ...secretStore, plainSecrets },
        gitopsCredentials: sshKey
            ? { sshPrivateKey: sshKey }
            : token
              ? { username: settings.gitops.username, password: token }
              : undefined,
    };
}
