// Rules of the backups: a target where the profile needs one, its keys where Pulumi holds them,
// and one way to reach it.
import { SECRET_EXAMPLES } from "../schema";
import { Problem, Rule } from "./context";
import { oneTransport } from "./cluster";

export const BACKUP_TARGET_EXAMPLE = "{ endpoint: minio.home.arpa:9000, bucket: velero }";

export const backupTargetWhereNeeded: Rule = ({ config, environment, profile }) => {
    if (config.backups !== undefined) return [];
    const { target, maxAgeForUpdates } = profile.backups;
    const why =
        target === "required"
            ? `${environment} backs up its volumes and objects with Velero to an S3-compatible store (profile backups.target: required)`
            : maxAgeForUpdates !== "none"
              ? `${environment}'s updates wait for a backup at most ${maxAgeForUpdates} old (profile backups.maxAgeForUpdates), which Velero takes to an S3-compatible store`
              : undefined;
    return why === undefined ? [] : [{ key: "backups", message: `required: ${why}`, example: BACKUP_TARGET_EXAMPLE }];
};

// Where secrets come from Vault, Velero's keys do too (<kvMount>/velero); elsewhere Pulumi holds them.
export const backupKeys: Rule = ({ config, profile, secrets }) =>
    config.backups === undefined || profile.secrets === "vault"
        ? []
        : (["backupS3AccessKey", "backupS3SecretKey"] as const)
              .filter((key) => !secrets.has(key))
              .map((key): Problem => ({
                  key,
                  message: "required: backups names Velero's S3 store, and this is one of its keys",
                  example: SECRET_EXAMPLES[key],
              }));

export const backupTransport: Rule = ({ config }) => oneTransport("backups", config.backups, "Velero", "velero");
