// `npm run doctor -- <stack> [--ssh]`: everything `pulumi up --stack <stack>` relies on, checked
// from this machine before it runs: the tools and their versions, the stack's config by the
// program's own rules, the GitOps revision on the remote, the UI names in DNS and, with --ssh,
// each node over SSH. Exits 1 when something would make `pulumi up` fail or leave the platform
// broken, naming each with what to do; 0 otherwise, warnings included.
import * as fs from "node:fs";
import * as path from "node:path";
import { K3S_VERSION } from "../components/shared/versions";
import { configFindings } from "./config";
import { Finding, formatReport, hasProblems, Section } from "./finding";
import { revisionFinding } from "./gitops";
import { dnsFindings, sshFindings } from "./network";
import { helmFinding, kubectlFinding, nodeFinding, promtoolFinding, pulumiFinding } from "./tools";

const USAGE = "usage: npm run doctor -- <stack> [--ssh]   (stack: dev, staging or production)";

/** The doctor's sections for `stack`, in the order the README's first steps need them. */
export function diagnose(root: string, stack: string, ssh: boolean, env: NodeJS.ProcessEnv): Section[] {
    const { findings: config, check, secrets } = configFindings(root, stack);
    const settings = check?.ok ? check.settings : undefined;
    // The K3s kubectl must stay near: the stack's, none for an existing cluster (its version is not
    // known here), and the pinned one where the config is too broken to say.
    const k3sVersion =
        settings?.cluster.mode === "nodes" ? settings.cluster.k3sVersion : settings ? undefined : K3S_VERSION;
    const sections: Section[] = [
        {
            title: "Tools",
            findings: [
                nodeFinding(root),
                pulumiFinding(env),
                helmFinding(env),
                kubectlFinding(env, k3sVersion),
                promtoolFinding(env),
            ],
        },
        { title: `Config (Pulumi.${stack}.yaml)`, findings: config },
    ];
    if (settings === undefined) return sections;
    const privateRepository = secrets.has("gitopsToken") || secrets.has("gitopsSshKey");
    sections.push(
        { title: "GitOps", findings: [revisionFinding(env, settings.gitops, privateRepository)] },
        { title: "DNS", findings: dnsFindings(env, settings.domain, settings.metallb) },
    );
    if (ssh) {
        const findings: Finding[] =
            settings.cluster.mode === "nodes"
                ? sshFindings(env, settings.cluster.nodes, secrets.has("sshPrivateKey"))
                : [
                      {
                          status: "ok",
                          subject: "nodes",
                          detail: "none: the stack reaches an existing cluster by its kubeconfig",
                      },
                  ];
        sections.push({ title: "SSH", findings });
    }
    return sections;
}

/** The project's folder: the nearest with a Pulumi.yaml, from `dir` up, as the Pulumi CLI finds it. */
function projectRoot(dir: string): string | undefined {
    for (let at = path.resolve(dir); ; at = path.dirname(at)) {
        if (fs.existsSync(path.join(at, "Pulumi.yaml"))) return at;
        if (path.dirname(at) === at) return undefined;
    }
}

/** What `npm run doctor -- <argv>` does in `cwd` with `env`: its exit status and what it prints. */
export function doctor(
    argv: readonly string[],
    cwd: string,
    env: NodeJS.ProcessEnv,
): { status: number; stdout: string; stderr: string } {
    const stacks = argv.filter((a) => !a.startsWith("-"));
    const unknown = argv.filter((a) => a.startsWith("-") && a !== "--ssh");
    if (stacks.length !== 1 || unknown.length > 0) {
        const stderr = `${unknown.length > 0 ? `unknown option ${unknown.join(" ")}\n` : ""}${USAGE}\n`;
        return { status: 2, stdout: "", stderr };
    }
    const root = projectRoot(cwd);
    if (root === undefined)
        return {
            status: 2,
            stdout: "",
            stderr: "no Pulumi.yaml here or above: run the doctor in the project's folder\n",
        };
    const sections = diagnose(root, stacks[0], argv.includes("--ssh"), env);
    const stdout = formatReport(`homelab doctor: stack ${stacks[0]}`, sections);
    return { status: hasProblems(sections) ? 1 : 0, stdout, stderr: "" };
}

if (require.main === module) {
    const { status, stdout, stderr } = doctor(process.argv.slice(2), process.cwd(), process.env);
    process.stdout.write(stdout);
    process.stderr.write(stderr);
    process.exitCode = status;
}
