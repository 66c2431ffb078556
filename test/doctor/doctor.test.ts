// `npm run doctor`: on a workstation of stand-ins (test/stand-ins/workstation: pulumi, helm,
// kubectl, promtool, getent, ssh) with the real git reading a real remote, for a project folder
// holding the fixture homelab's stack file.
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseDocument } from "yaml";
import { diagnose, doctor as inProcess } from "../../doctor/cli";
import { formatReport, Section } from "../../doctor/finding";
import { FIXTURE_STACKS, ROOT } from "../harness";
import { git } from "../tools";

const STAND_INS = path.join(__dirname, "..", "stand-ins", "workstation");
const REPO_URL = "https://github.com/example/homelab.git";
const HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";
const OTHER_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMpI9MyeA3eIWdlSvpZwDQBcmJYyVXOW8p3LpLJ2dZ04";

/** Where the tools are: each stand-in named, and the real programs the stand-ins and git need. */
function workstation(dir: string, standIns: readonly string[]): string {
    const bin = path.join(dir, "bin");
    fs.mkdirSync(bin);
    for (const tool of standIns) fs.symlinkSync(path.join(STAND_INS, tool), path.join(bin, tool));
    fs.symlinkSync(process.execPath, path.join(bin, "node"));
    for (const tool of ["bash", "git", "jq"]) {
        const found = spawnSync("sh", ["-c", `command -v ${tool}`], { encoding: "utf8" }).stdout.trim();
        fs.symlinkSync(found, path.join(bin, tool));
    }
    return bin;
}

/** The project folder: Pulumi.yaml, package.json and gitops/ of this repository, and the fixture
 *  homelab's dev stack file on K3s v1.34.2+k3s1, changed by `change`. */
function project(dir: string, change: (config: Record<string, any>) => void = () => undefined): string {
    const folder = path.join(dir, "project");
    fs.mkdirSync(folder);
    for (const file of ["Pulumi.yaml", "package.json"]) fs.copyFileSync(path.join(ROOT, file), path.join(folder, file));
    fs.cpSync(path.join(ROOT, "gitops"), path.join(folder, "gitops"), { recursive: true });
    const stack = parseDocument(fs.readFileSync(path.join(FIXTURE_STACKS, "Pulumi.dev.yaml"), "utf8"));
    const config = stack.toJS().config as Record<string, any>;
    config["homelab:cluster"].k3sVersion = "v1.34.2+k3s1";
    change(config);
    fs.writeFileSync(path.join(folder, "Pulumi.dev.yaml"), JSON.stringify({ config }));
    return folder;
}

/** A remote holding `branches`, which git reaches for REPO_URL; the tip's commit. */
function remote(dir: string, branches: readonly string[]): { env: NodeJS.ProcessEnv; tip: string } {
    const bare = path.join(dir, "remote.git");
    const work = path.join(dir, "work");
    git(dir, "init", "-q", "--bare", bare);
    git(dir, "init", "-q", "-b", "main", work);
    git(work, "commit", "-q", "--allow-empty", "-m", "the platform");
    for (const branch of branches) git(work, "push", "-q", bare, `HEAD:refs/heads/${branch}`);
    return {
        tip: git(work, "rev-parse", "HEAD"),
        env: {
            GIT_CONFIG_NOSYSTEM: "1",
            GIT_CONFIG_GLOBAL: "/dev/null",
            GIT_CONFIG_COUNT: "1",
            GIT_CONFIG_KEY_0: `url.${bare}.insteadOf`,
            GIT_CONFIG_VALUE_0: REPO_URL,
        },
    };
}

/** A machine whose resolver knows `hosts` and whose SSH reaches `servers`. */
function network(dir: string, hosts: string, servers: Record<string, unknown> = {}): NodeJS.ProcessEnv {
    fs.writeFileSync(path.join(dir, "hosts"), hosts);
    fs.writeFileSync(path.join(dir, "ssh-hosts.json"), JSON.stringify(servers));
    return { GETENT_HOSTS: path.join(dir, "hosts"), SSH_HOSTS: path.join(dir, "ssh-hosts.json") };
}

const UI_IN_POOL = "192.168.10.200 argocd.dev.home.arpa grafana.dev.home.arpa\n";
const ALL_TOOLS = ["pulumi", "helm", "kubectl", "promtool", "getent", "ssh"];
const NODE = `  ok      node: ${process.versions.node} (needs >=22.12.0)`;

/** The doctor's report lines of one section. */
const section = (sections: readonly Section[], title: string) =>
    formatReport("", [sections.find((s) => s.title === title)!])
        .split("\n")
        .slice(3, -3);

describe("npm run doctor", function () {
    this.timeout(60_000);
    let dir: string;
    beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "homelab-doctor-test-"))));
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    /** The doctor run as `npm run doctor -- dev` runs it, in the project's folder, as a process. */
    const doctor = (folder: string, env: NodeJS.ProcessEnv, ...args: string[]) =>
        spawnSync(
            process.execPath,
            ["-r", require.resolve("ts-node/register/transpile-only"), path.join(ROOT, "doctor", "cli.ts"), ...args],
            { cwd: folder, env: { ...env, TS_NODE_PROJECT: path.join(ROOT, "tsconfig.json") }, encoding: "utf8" },
        );

    it("exits 0 on the fixture homelab with every tool present, naming each version", () => {
        const { env: gitEnv, tip } = remote(dir, ["main", "env/dev"]);
        const env = { PATH: workstation(dir, ALL_TOOLS), HOME: dir, ...gitEnv, ...network(dir, UI_IN_POOL) };
        const ran = doctor(project(dir), env, "dev");
        assert.equal(ran.stderr, "");
        assert.equal(
            ran.stdout,
            [
                "homelab doctor: stack dev",
                "",
                "Tools",
                NODE,
                "  ok      pulumi: 3.208.0 (needs 3.158 or newer)",
                "  ok      helm: 4.1.4 (needs 3 or 4)",
                "  ok      kubectl: 1.34.2 (K3s v1.34.2+k3s1: within one minor version)",
                "  ok      promtool: 2.53.4",
                "",
                "Config (Pulumi.dev.yaml)",
                "  ok      Pulumi.dev.yaml: valid for dev: 1 node, K3s v1.34.2+k3s1, domain dev.home.arpa",
                "",
                "GitOps",
                `  ok      ${REPO_URL} env/dev: refs/heads/env/dev is at ${tip.slice(0, 12)}`,
                "",
                "DNS",
                "  ok      argocd.dev.home.arpa: resolves to 192.168.10.200, in a MetalLB pool",
                "  ok      grafana.dev.home.arpa: resolves to 192.168.10.200, in a MetalLB pool",
                "",
                "Everything checked is in place.",
                "",
            ].join("\n"),
        );
        assert.equal(ran.status, 0);
    });

    it("exits 1 naming each missing tool, with how to install it", () => {
        const { env: gitEnv } = remote(dir, ["env/dev"]);
        const env = { PATH: workstation(dir, ["getent"]), HOME: dir, ...gitEnv, ...network(dir, UI_IN_POOL) };
        const ran = inProcess(["dev"], project(dir), env);
        assert.deepEqual(ran.stdout.split("\n").slice(2, 13), [
            "Tools",
            NODE,
            "  PROBLEM pulumi: not installed",
            "          -> install it: curl -fsSL https://get.pulumi.com | sh (https://www.pulumi.com/docs/install/)",
            '  PROBLEM helm: not installed (no "helm" to run)',
            "          -> install Helm 3 or 4 (https://helm.sh/docs/intro/install/), or set HELM to its path",
            "  PROBLEM kubectl: not installed",
            "          -> install kubectl (https://kubernetes.io/docs/tasks/tools/); the runbooks use it",
            "  warn    promtool: not installed: npm test skips the alert rules' tests",
            "          -> install it: sudo apt-get install prometheus (Debian, Ubuntu), or brew install prometheus",
            "",
        ]);
        assert.match(ran.stdout, /\n3 problems, 1 warning\.\n$/);
        assert.equal(ran.status, 1);
    });

    it("refuses to guess the stack, and runs only in a project's folder", () => {
        assert.deepEqual(inProcess([], project(dir), {}), {
            status: 2,
            stdout: "",
            stderr: "usage: npm run doctor -- <stack> [--ssh]   (stack: dev, staging or production)\n",
        });
        assert.deepEqual(inProcess(["dev"], os.tmpdir(), {}), {
            status: 2,
            stdout: "",
            stderr: "no Pulumi.yaml here or above: run the doctor in the project's folder\n",
        });
    });

    it("runs on stand-ins that refuse what the real tools refuse: an ssh that would prompt", () => {
        const env = { PATH: workstation(dir, ALL_TOOLS), ...network(dir, "", { "10.0.0.1": { hostKey: HOST_KEY } }) };
        const ssh = (...args: string[]) => spawnSync("ssh", args, { env, encoding: "utf8" });
        assert.deepEqual(
            [ssh("-l", "admin", "10.0.0.1", "sudo -n true")].map((r) => [r.status, r.stderr]),
            [[2, "stand-in ssh: without BatchMode=yes ssh would prompt, and the caller would hang\n"]],
        );
        const strict = ["-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=/dev/null"];
        assert.deepEqual(
            [ssh(...strict, "-l", "admin", "10.0.0.1", "sudo -n true")].map((r) => [r.status, r.stderr]),
            [
                [
                    255,
                    "No ED25519 host key is known for 10.0.0.1 and you have requested strict checking.\nHost key verification failed.\n",
                ],
            ],
        );
    });

    describe("in process", () => {
        const run = (folder: string, env: NodeJS.ProcessEnv, ssh = false) => diagnose(folder, "dev", ssh, env);

        it("names a Pulumi CLI too old for the program and a kubectl outside the cluster's skew", () => {
            const env = { PATH: workstation(dir, ALL_TOOLS), PULUMI_VERSION: "v3.150.0", KUBECTL_VERSION: "v1.31.4" };
            const tools = section(
                run(project(dir), { ...env, ...remote(dir, ["env/dev"]).env, ...network(dir, UI_IN_POOL) }),
                "Tools",
            );
            assert.deepEqual(tools.slice(1, 3), [
                "  PROBLEM pulumi: 3.150.0, older than 3.158: its engine does not pass a chart's retainOnDelete on to the chart's objects",
                "          -> pulumi self-update, or install it again: curl -fsSL https://get.pulumi.com | sh",
            ]);
            assert.deepEqual(tools.slice(4, 6), [
                "  warn    kubectl: 1.31.4, more than one minor version from K3s v1.34.2+k3s1, outside kubectl's supported skew",
                "          -> install kubectl 1.34 (https://kubernetes.io/docs/tasks/tools/)",
            ]);
        });

        it("reports the config's problems by the program's own rules, and checks nothing that depends on it", () => {
            const folder = project(dir, (c) => (c["homelab:cluster"].nodes[0].user = "admin@192.168.10.11"));
            const sections = run(folder, { PATH: workstation(dir, ALL_TOOLS) });
            assert.deepEqual(
                sections.map((s) => s.title),
                ["Tools", "Config (Pulumi.dev.yaml)"],
            );
            assert.deepEqual(section(sections, "Config (Pulumi.dev.yaml)"), [
                `  PROBLEM Pulumi.dev.yaml: cluster.nodes[0].user: "admin@192.168.10.11" holds an '@': give the user alone (the host goes in address); e.g. "admin"`,
                `          -> edit Pulumi.dev.yaml (or pulumi config set --stack dev --path ...); the README's "Configuration" lists every key`,
            ]);
        });

        it("finds a revision written as a full ref name", () => {
            const { env: gitEnv, tip } = remote(dir, ["env/dev"]);
            const env = { PATH: workstation(dir, ALL_TOOLS), ...gitEnv, ...network(dir, UI_IN_POOL) };
            const folder = project(dir, (c) => (c["homelab:gitops"].revision = "refs/heads/env/dev"));
            assert.deepEqual(section(run(folder, env), "GitOps"), [
                `  ok      ${REPO_URL} refs/heads/env/dev: refs/heads/env/dev is at ${tip.slice(0, 12)}`,
            ]);
        });

        it("checks a stack on an existing cluster, whose encrypted kubeconfig it cannot read", () => {
            const folder = path.join(dir, "project");
            project(dir);
            const file = path.join(folder, "Pulumi.dev.yaml");
            const { config } = JSON.parse(fs.readFileSync(file, "utf8")) as { config: Record<string, unknown> };
            delete config["homelab:cluster"];
            config["homelab:kubeconfig"] = { secure: "v1:AAAA" };
            fs.writeFileSync(file, JSON.stringify({ config }));
            const env = {
                PATH: workstation(dir, ALL_TOOLS),
                ...remote(dir, ["env/dev"]).env,
                ...network(dir, UI_IN_POOL),
            };
            const sections = run(folder, env, true);
            assert.deepEqual(section(sections, "Config (Pulumi.dev.yaml)"), [
                "  ok      Pulumi.dev.yaml: valid for dev: an existing cluster (its kubeconfig), domain dev.home.arpa",
                "  warn    kubeconfig: is encrypted, so the doctor cannot read it: whether it reaches a cluster, pulumi preview tells",
            ]);
            assert.deepEqual(section(sections, "SSH"), [
                "  ok      nodes: none: the stack reaches an existing cluster by its kubeconfig",
            ]);
        });

        it("names a revision the remote does not have, and how to create it", () => {
            const env = {
                PATH: workstation(dir, ALL_TOOLS),
                ...remote(dir, ["main"]).env,
                ...network(dir, UI_IN_POOL),
            };
            assert.deepEqual(section(run(project(dir), env), "GitOps"), [
                `  PROBLEM ${REPO_URL} env/dev: no branch or tag env/dev on the remote: Argo CD would track nothing, and the platform's applications would never appear`,
                "          -> push it: git push origin main:refs/heads/env/dev (the deploy workflow moves it after that; docs/gitops.md)",
            ]);
        });

        it("warns of UI names that do not resolve, or resolve outside the MetalLB pools", () => {
            const hosts = "192.168.10.11 argocd.dev.home.arpa\n";
            const env = { PATH: workstation(dir, ALL_TOOLS), ...remote(dir, ["env/dev"]).env, ...network(dir, hosts) };
            const fix =
                '          -> point the UI names at Traefik\'s LoadBalancer address (kubectl -n kube-system get svc traefik): a dnsmasq wildcard (address=/<domain>/<address>) or /etc/hosts lines (README "Run a stack")';
            assert.deepEqual(section(run(project(dir), env), "DNS"), [
                "  warn    argocd.dev.home.arpa: resolves to 192.168.10.11, outside every MetalLB pool, where Traefik's address is not",
                fix,
                "  warn    grafana.dev.home.arpa: does not resolve: the UI cannot be opened by name",
                fix,
            ]);
        });

        it("with --ssh, reaches each node with its pinned key and passwordless sudo, and names what stops each other", () => {
            const node = (name: string, address: string) => ({
                name,
                address,
                role: "agent",
                user: "admin",
                hostKey: HOST_KEY,
            });
            const folder = project(dir, (c) =>
                c["homelab:cluster"].nodes.push(
                    node("pinned", "192.168.10.24"),
                    node("moved", "192.168.10.21"),
                    node("off", "192.168.10.23"),
                ),
            );
            const servers = {
                // The one node without a pinned key: its sudo asks, and the reason is sudo's, not
                // ssh's notice of the key it took.
                "192.168.10.11": { users: { admin: { sudo: "password" } }, hostKey: OTHER_KEY },
                "192.168.10.24": { users: { admin: { sudo: "nopasswd" } }, hostKey: HOST_KEY },
                "192.168.10.21": { users: { admin: { sudo: "nopasswd" } }, hostKey: OTHER_KEY },
            };
            const env = {
                PATH: workstation(dir, ALL_TOOLS),
                ...remote(dir, ["env/dev"]).env,
                ...network(dir, UI_IN_POOL, servers),
            };
            assert.deepEqual(section(run(folder, env, true), "SSH"), [
                "  PROBLEM dev-k3s-1 (admin@192.168.10.11:22): logs in, but sudo asks for a password: sudo: a password is required",
                "          -> on the node: echo 'admin ALL=(ALL) NOPASSWD: ALL' | sudo tee /etc/sudoers.d/admin",
                "  ok      pinned (admin@192.168.10.24:22): reached with its pinned host key, passwordless sudo",
                "  PROBLEM moved (admin@192.168.10.21:22): answers with another host key than the pinned one: every command of the program would stop there",
                "          -> compare with ssh-keyscan -t ed25519 192.168.10.21 on the LAN, and set the node's hostKey to the right one",
                "  PROBLEM off (admin@192.168.10.23:22): cannot be reached: ssh: connect to host 192.168.10.23 port 22: Connection timed out",
                "          -> check the address, that the node is up and that sshd listens on that port (docs/nodes.md)",
            ]);
        });
    });
});
