// The stack's config, checked by the program's own rules, read from the stack file as the Pulumi
// CLI would hand it over, without Pulumi: secret values stay encrypted, so only whether each is
// set is known (an encrypted kubeconfig is not read).
import * as fs from "node:fs";
import * as path from "node:path";
import { checkProject, configInput, ProjectCheck } from "../stacks/config/check";
import { SecretKey } from "../stacks/config/schema";
import { PROJECT, stackConfigFile } from "../render/stack-file";
import { Finding } from "./finding";

/** The server the doctor supposes an encrypted kubeconfig names: one it never calls. */
const ENCRYPTED_KUBECONFIG_SERVER = "https://encrypted-kubeconfig.invalid:6443";

/** The stack file's config checked whole: the findings, and the check for the sections after it. */
export function configFindings(
    root: string,
    stack: string,
): { findings: Finding[]; check?: ProjectCheck; secrets: ReadonlySet<SecretKey> } {
    const file = `Pulumi.${stack}.yaml`;
    if (!fs.existsSync(path.join(root, file)))
        return {
            findings: [
                {
                    status: "problem",
                    subject: file,
                    detail: "does not exist",
                    fix: `pulumi stack init ${stack}, then copy an example's keys into ${file} (README "Run a stack")`,
                },
            ],
            secrets: new Set(),
        };
    const { config, secretKeys } = stackConfigFile(stack, path.join(root, file));
    const encrypted = (fullKey: string) => secretKeys.includes(fullKey);
    const input = configInput(stack, PROJECT, config, encrypted, (fullKey) => !encrypted(fullKey));
    const secrets = input.secrets;
    // An encrypted kubeconfig only Pulumi reads: the doctor takes it to name a server, unchecked.
    const encryptedKubeconfig = secrets.get("kubeconfig")?.secure === true;
    const kubeconfig = encryptedKubeconfig ? { server: ENCRYPTED_KUBECONFIG_SERVER } : input.kubeconfig;
    const check = checkProject(root, { ...input, kubeconfig });
    if (!check.ok)
        return {
            check,
            secrets: new Set(secrets.keys()),
            findings: check.problems.map((problem) => ({
                status: "problem",
                subject: file,
                detail: problem,
                fix: `edit ${file} (or pulumi config set --stack ${stack} --path ...); the README's "Configuration" lists every key`,
            })),
        };
    const { cluster, domain, environment } = check.settings;
    const where =
        cluster.mode === "nodes"
            ? `${cluster.nodes.length} node${cluster.nodes.length === 1 ? "" : "s"}, K3s ${cluster.k3sVersion}`
            : "an existing cluster (its kubeconfig)";
    return {
        check,
        secrets: new Set(secrets.keys()),
        findings: [
            { status: "ok", subject: file, detail: `valid for ${environment}: ${where}, domain ${domain}` },
            ...check.warnings.map((warning): Finding => ({ status: "warn", subject: file, detail: warning })),
            ...(encryptedKubeconfig
                ? [
                      {
                          status: "warn" as const,
                          subject: "kubeconfig",
                          detail: "is encrypted, so the doctor cannot read it: whether it reaches a cluster, pulumi preview tells",
                      },
                  ]
                : []),
        ],
    };
}
