// Rules that span several config keys, checked after each key has its right shape. Each rule
// returns problems rather than throwing, so an admin sees every one of them in one run. The rules
// live by topic beside this file; the order here is the order an admin reads the problems in.
import {
    k3sVersionSupported,
    kubeconfigReadable,
    oneClusterSource,
    serverCount,
    snapshotTarget,
    snapshotTransport,
    uniqueNodes,
} from "./cluster";
import { backupKeys, backupTargetWhereNeeded, backupTransport } from "./backups";
import { Problem, Rule, RuleContext } from "./context";
import { sshHostKnown } from "./gitops";
import { NODE_RULES } from "./nodes";
import {
    autoAssigningPool,
    disjointPools,
    poolsAvoidNodes,
    poolsOffK3sNetworks,
    poolsOnLan,
    privatePools,
    uniquePools,
} from "./pools";
import { acmeEmail, acmeServer, acmeWhereNeeded, uiHostsFit } from "./acme";
import { ingressControllerNamed, ingressServed, productionInvariants, storageClassWhereNeeded } from "./profile";
import { alertReceiver, gitopsCredentials, plainCredentials, privateKeysGiven, secretsEncrypted } from "./secrets";
import { vaultCaCertFile, vaultReachesKubernetes, vaultWhereNeeded } from "./vault";

export type { Problem, RuleContext } from "./context";

const RULES: readonly Rule[] = [
    oneClusterSource,
    kubeconfigReadable,
    serverCount,
    k3sVersionSupported,
    uniqueNodes,
    uniquePools,
    privatePools,
    disjointPools,
    poolsAvoidNodes,
    poolsOffK3sNetworks,
    poolsOnLan,
    autoAssigningPool,
    vaultWhereNeeded,
    vaultReachesKubernetes,
    vaultCaCertFile,
    uiHostsFit,
    acmeWhereNeeded,
    acmeServer,
    acmeEmail,
    secretsEncrypted,
    privateKeysGiven,
    storageClassWhereNeeded,
    gitopsCredentials,
    sshHostKnown,
    snapshotTarget,
    snapshotTransport,
    backupTargetWhereNeeded,
    backupKeys,
    backupTransport,
    alertReceiver,
    ingressServed,
    ingressControllerNamed,
    productionInvariants,
    plainCredentials,
    ...NODE_RULES,
];

/** Every cross-field problem of the config, in rule order. */
export function checkRules(ctx: RuleContext): Problem[] {
    return RULES.flatMap((rule) => rule(ctx));
}
