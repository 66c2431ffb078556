// What every rule sees and returns: the parsed config with its context, and the problems found.
import { KeyShape } from "../key-shape";
import { KubeconfigSummary } from "../kubeconfig";
import { Environment, EnvironmentProfile } from "../profiles";
import { ParsedConfig, SecretKey } from "../schema";

type Node = NonNullable<ParsedConfig["cluster"]["nodes"]>[number];

/** One thing wrong with the config: the key, what is wrong, and a right value. */
export interface Problem {
    readonly key: string;
    readonly message: string;
    readonly example?: string;
}

/** What the rules know about the config besides the parsed keys. */
export interface RuleContext {
    readonly environment: Environment;
    readonly profile: EnvironmentProfile;
    readonly config: ParsedConfig;
    /** The nodes to install K3s on; none where the cluster is reached by its kubeconfig. */
    readonly nodes: readonly Node[];
    /** Secret keys that are set, and whether each is stored as a secret. */
    readonly secrets: ReadonlyMap<SecretKey, { readonly secure: boolean }>;
    /** What the secret kubeconfig holds, where it is set. */
    readonly kubeconfig?: KubeconfigSummary;
    /** What the secrets meant to hold SSH private keys hold, where they are set and readable. */
    readonly keyShapes: Partial<Record<"sshPrivateKey" | "gitopsSshKey", KeyShape>>;
    /** A file of the project by its path in the project's folder; undefined where there is none. */
    readonly projectFile: (path: string) => string | undefined;
}

/** A rule: every problem it finds, none where the config passes it. */
export type Rule = (ctx: RuleContext) => Problem[];

/** Problems for every entry of the list at `listKey` whose `field` repeats an earlier entry's. */
export function duplicates<T, K extends keyof T & string>(
    items: readonly T[],
    listKey: string,
    field: K,
    what: string,
): Problem[] {
    const firstSeen = new Map<unknown, number>();
    const problems: Problem[] = [];
    items.forEach((item, index) => {
        const earlier = firstSeen.get(item[field]);
        if (earlier === undefined) {
            firstSeen.set(item[field], index);
        } else {
            problems.push({
                key: `${listKey}[${index}].${field}`,
                message: `${JSON.stringify(item[field])} is also the ${field} of ${listKey}[${earlier}]; ${what} must be unique`,
            });
        }
    });
    return problems;
}
