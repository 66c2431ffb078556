// Settings that are valid but have no effect in the chosen environment or mode: the admin
// hears about them, and nothing fails.
import { RuleContext } from "./rules";
import { BACKUP_TARGET_EXAMPLE } from "./rules/backups";

/** Settings that are valid but have no effect here: worth a warning, not a failure. */
export function unusedSettings({ config, nodes, environment, profile, secrets }: RuleContext): string[] {
    const warnings: string[] = [];
    if (profile.secrets !== "vault") {
        // The schema's defaults are not the admin's settings; only keys written in the stack count.
        const written = Object.keys(config.vault).filter(
            (key) => key !== "createKvMount" || !config.vault.createKvMount,
        );
        for (const key of written) {
            warnings.push(
                `vault.${key}: set, but ${environment} uses plain Kubernetes secrets (profile secrets: kubernetes); Vault is not configured`,
            );
        }
        if (secrets.has("vaultToken")) {
            warnings.push(`vaultToken: set, but ${environment} uses plain Kubernetes secrets; it is not used`);
        }
    }
    if (config.cluster.etcdS3 !== undefined && nodes.length === 0) {
        warnings.push(
            "cluster.etcdS3: set, but there are no cluster.nodes; the program takes no snapshots of an existing cluster",
        );
    } else if (config.cluster.etcdS3 !== undefined && !profile.etcdSnapshots.enabled) {
        warnings.push(
            `cluster.etcdS3: set, but ${environment} takes no etcd snapshots (profile etcdSnapshots.enabled: false)`,
        );
    }
    if (config.backups === undefined && profile.backups.target === "recommended") {
        warnings.push(
            `backups: not set, so ${environment}'s volumes and objects are not backed up; e.g. ${BACKUP_TARGET_EXAMPLE} and the secrets backupS3AccessKey and backupS3SecretKey`,
        );
    }
    for (const key of ["backupS3AccessKey", "backupS3SecretKey"] as const) {
        if (!secrets.has(key)) continue;
        if (config.backups === undefined) warnings.push(`${key}: set, but backups names no store; it is not used`);
        else if (profile.secrets === "vault")
            warnings.push(
                `${key}: set, but ${environment}'s secrets come from Vault, and Velero reads its keys there (<kvMount>/velero: accessKey, secretKey); it is not used`,
            );
    }
    if (profile.monitoring.alertRouting && config.alerting === undefined) {
        warnings.push(
            `alerting: not set, so ${environment}'s alerts show in Alertmanager only; e.g. { receiver: discord } and the secret alertingUrl`,
        );
    } else if (!profile.monitoring.alertRouting && config.alerting !== undefined) {
        warnings.push(
            `alerting: set, but ${environment} does not route alerts (profile monitoring.alertRouting: false)`,
        );
    }
    if (nodes.length === 0) {
        if (config.cluster.apiAddress !== undefined) {
            warnings.push(
                "cluster.apiAddress: set, but there are no cluster.nodes; the cluster's API is where the kubeconfig points",
            );
        }
        // Written in the stack: traefik defaults to true, so only false was written.
        const installSettings = {
            vip: config.cluster.vip !== undefined,
            k3sVersion: config.cluster.k3sVersion !== undefined,
            traefik: !config.cluster.traefik,
        };
        for (const [key, written] of Object.entries(installSettings)) {
            if (written) {
                warnings.push(
                    `cluster.${key}: set, but there are no cluster.nodes; the program installs no K3s on an existing cluster`,
                );
            }
        }
    }
    if (config.alerting?.channel !== undefined && config.alerting.receiver !== "slack") {
        warnings.push(
            `alerting.channel: set, but the receiver is ${config.alerting.receiver}; only a Slack webhook takes a channel`,
        );
    }
    if (secrets.has("sshPrivateKey") && nodes.length === 0) {
        warnings.push("sshPrivateKey: set, but there are no cluster.nodes to connect to; it is not used");
    }
    if (profile.tlsIssuer === "privateCa" && config.tls.acme !== undefined) {
        warnings.push(
            `tls.acme: set, but ${environment} issues certificates from the homelab's private CA (profile tlsIssuer: privateCa); ACME is not used`,
        );
    }
    return warnings;
}
