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

/** The problems of the rules that read none of `untrusted` (top-level config keys): where some
 *  keys had to be stood in for, only the rules that never looked at them speak. A rule reads a
 *  key through `config`, and `profile` and `nodes` through what they are made of. */
export function checkRulesNotReading(ctx: RuleContext, untrusted: readonly string[]): Problem[] {
    return RULES.flatMap((rule) => {
        const read = new Set<string>();
        const config = new Proxy(ctx.config, {
            get: (target, key, receiver) => {
                if (typeof key === "string") read.add(key);
                return Reflect.get(target, key, receiver) as unknown;
            },
        });
        const derived: Record<string, string> = { profile: "profile", nodes: "cluster" };
        const tracked = new Proxy(ctx, {
            get: (target, key, receiver) => {
                if (key === "config") return config;
                if (typeof key === "string" && key in derived) read.add(derived[key]);
                return Reflect.get(target, key, receiver) as unknown;
            },
        });
        const problems = rule(tracked);
        return untrusted.some((key) => read.has(key)) ? [] : problems;
    });
}
