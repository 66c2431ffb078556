// The workstation's tools, each with its version against what the program needs: Node for
// everything, the Pulumi CLI for `preview` and `up`, Helm for the renders and their tests, kubectl
// for the runbooks, promtool for the alert rules' tests.
import * as fs from "node:fs";
import * as path from "node:path";
import { Finding } from "./finding";
import { firstLine, run } from "./run";

/** A version's numbers (`v1.34.2+k3s1` -> [1, 34, 2]); undefined where there is none. */
export function versionOf(text: string): number[] | undefined {
    const match = /v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
    return match ? [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)] : undefined;
}

/** Whether version `a` is at least `b`. */
function atLeast(a: readonly number[], b: readonly number[]): boolean {
    for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] > b[i];
    return true;
}

const shown = (v: readonly number[]) => v.join(".");

/** Node: the version package.json's `engines` asks for (`>=22.12.0`). */
export function nodeFinding(root: string, version = process.versions.node): Finding {
    const engines = (
        JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { engines: { node: string } }
    ).engines.node;
    const wanted = versionOf(engines) ?? [0, 0, 0];
    const have = versionOf(version) ?? [0, 0, 0];
    return atLeast(have, wanted)
        ? { status: "ok", subject: "node", detail: `${shown(have)} (needs ${engines})` }
        : {
              status: "problem",
              subject: "node",
              detail: `${shown(have)}, older than ${engines} (@pulumi/pulumi needs it)`,
              fix: "nvm install (the clone's .nvmrc names the line), then npm ci again",
          };
}

/** The Pulumi CLI: 3.158 or newer, whose engine passes a chart's retainOnDelete on to its objects. */
export function pulumiFinding(env: NodeJS.ProcessEnv): Finding {
    const fix = "install it: curl -fsSL https://get.pulumi.com | sh (https://www.pulumi.com/docs/install/)";
    const ran = run("pulumi", ["version"], env);
    if (ran.missing) return { status: "problem", subject: "pulumi", detail: "not installed", fix };
    const version = versionOf(ran.stdout);
    if (ran.status !== 0 || version === undefined)
        return {
            status: "problem",
            subject: "pulumi",
            detail: `\`pulumi version\` failed: ${firstLine(ran.stderr)}`,
            fix,
        };
    return atLeast(version, [3, 158, 0])
        ? { status: "ok", subject: "pulumi", detail: `${shown(version)} (needs 3.158 or newer)` }
        : {
              status: "problem",
              subject: "pulumi",
              detail: `${shown(version)}, older than 3.158: its engine does not pass a chart's retainOnDelete on to the chart's objects`,
              fix: "pulumi self-update, or install it again: curl -fsSL https://get.pulumi.com | sh",
          };
}

/** Helm 3 or 4, from $HELM or PATH, for `npm run render`, `npm run impact` and the render tests. */
export function helmFinding(env: NodeJS.ProcessEnv): Finding {
    const helm = env.HELM || "helm";
    const fix = "install Helm 3 or 4 (https://helm.sh/docs/intro/install/), or set HELM to its path";
    const ran = run(helm, ["version", "--short"], env);
    if (ran.missing) return { status: "problem", subject: "helm", detail: `not installed (no "${helm}" to run)`, fix };
    const version = versionOf(ran.stdout);
    if (ran.status !== 0 || version === undefined)
        return {
            status: "problem",
            subject: "helm",
            detail: `\`${helm} version\` failed: ${firstLine(ran.stderr)}`,
            fix,
        };
    return version[0] === 3 || version[0] === 4
        ? { status: "ok", subject: "helm", detail: `${shown(version)} (needs 3 or 4)` }
        : { status: "problem", subject: "helm", detail: `${shown(version)}, not Helm 3 or 4`, fix };
}

/** kubectl, within the one minor version of the cluster's Kubernetes that kubectl supports either
 *  way (Kubernetes' version skew policy); `k3sVersion` is undefined for a cluster the program did
 *  not install, whose version the doctor cannot know. */
export function kubectlFinding(env: NodeJS.ProcessEnv, k3sVersion: string | undefined): Finding {
    const fix = "install kubectl (https://kubernetes.io/docs/tasks/tools/); the runbooks use it";
    const ran = run("kubectl", ["version", "--client", "-o", "json"], env);
    if (ran.missing) return { status: "problem", subject: "kubectl", detail: "not installed", fix };
    let gitVersion: string | undefined;
    try {
        gitVersion = (JSON.parse(ran.stdout) as { clientVersion?: { gitVersion?: string } }).clientVersion?.gitVersion;
    } catch {
        gitVersion = undefined;
    }
    const version = gitVersion === undefined ? undefined : versionOf(gitVersion);
    if (ran.status !== 0 || version === undefined)
        return {
            status: "problem",
            subject: "kubectl",
            detail: `\`kubectl version --client\` failed: ${firstLine(ran.stderr)}`,
            fix,
        };
    const cluster = k3sVersion === undefined ? undefined : versionOf(k3sVersion);
    if (cluster === undefined || (version[0] === cluster[0] && Math.abs(version[1] - cluster[1]) <= 1))
        return {
            status: "ok",
            subject: "kubectl",
            detail: `${shown(version)}${cluster ? ` (K3s ${k3sVersion}: within one minor version)` : ""}`,
        };
    return {
        status: "warn",
        subject: "kubectl",
        detail: `${shown(version)}, more than one minor version from K3s ${k3sVersion}, outside kubectl's supported skew`,
        fix: `install kubectl ${cluster[0]}.${cluster[1]} (https://kubernetes.io/docs/tasks/tools/)`,
    };
}

/** promtool, which the tests of the alert rules run (skipped without it, outside CI). */
export function promtoolFinding(env: NodeJS.ProcessEnv): Finding {
    const ran = run("promtool", ["--version"], env);
    const version = versionOf(ran.stdout + ran.stderr);
    if (ran.missing || ran.status !== 0 || version === undefined)
        return {
            status: "warn",
            subject: "promtool",
            detail: ran.missing
                ? "not installed: npm test skips the alert rules' tests"
                : `\`promtool --version\` failed: ${firstLine(ran.stderr)}`,
            fix: "install it: sudo apt-get install prometheus (Debian, Ubuntu), or brew install prometheus",
        };
    return { status: "ok", subject: "promtool", detail: shown(version) };
}
