// Rules that span several config keys, checked after each key has its right shape. Each rule
// returns problems rather than throwing, so an admin sees every one of them in one run. The rules
// live by topic beside this file; the order here is the order an admin reads the problems in.
import {
    kubeconfigReadable,
    oneClusterSource,
    serverCount,
    snapshotTarget,
    snapshotTransport,
    uniqueNodes,
} from "./cluster";
import { backupKeys, backupTargetWhereNeeded, backupTransport } from "./backups";
import { Problem, Rule, RuleContext } from "./context";
import { NODE_RULES } from "./nodes";
import { disjointPools, poolsAvoidNodes, privatePools, uniquePools } from "./pools";
import {
    acmeWhereNeeded,
    ingressControllerNamed,
    ingressServed,
    productionInvariants,
    storageClassWhereNeeded,
} from "./profile";
import { alertReceiver, gitopsCredentials, plainCredentials, secretsEncrypted } from "./secrets";
import { vaultCaCertFile, vaultReachesKubernetes, vaultWhereNeeded } from "./vault";

export type { Problem, RuleContext } from "./context";

const RULES: readonly Rule[] = [
    oneClusterSource,
    kubeconfigReadable,
    serverCount,
    uniqueNodes,
    uniquePools,
    privatePools,
    disjointPools,
    poolsAvoidNodes,
    vaultWhereNeeded,
    vaultReachesKubernetes,
    vaultCaCertFile,
    acmeWhereNeeded,
    secretsEncrypted,
    storageClassWhereNeeded,
    gitopsCredentials,
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
