// What the doctor checks on the network: the UI names in DNS, and (with --ssh) each node as the
// program reaches it: its address, its pinned host key, its user and passwordless sudo.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { hostBlock, overlaps, parseBlock, parseIPv4 } from "../stacks/config/ipv4";
import { uiHosts } from "../stacks/ui-hosts";
import { Finding } from "./finding";
import { firstLine, run } from "./run";

interface Pools {
    readonly pools: readonly { readonly name: string; readonly addresses: readonly string[] }[];
}

const DNS_FIX =
    'point the UI names at Traefik\'s LoadBalancer address (kubectl -n kube-system get svc traefik): a dnsmasq wildcard (address=/<domain>/<address>) or /etc/hosts lines (README "Run a stack")';

/** Each UI name as this machine's resolver (NSS, as browsers use it) answers for it: expected in a
 *  MetalLB pool, where Traefik's LoadBalancer address comes from. */
export function dnsFindings(env: NodeJS.ProcessEnv, domain: string, metallb: Pools): Finding[] {
    return Object.values(uiHosts(domain)).map((host): Finding => {
        const ran = run("getent", ["ahostsv4", host], env, 10_000);
        if (ran.missing)
            return { status: "warn", subject: host, detail: "not checked: no getent on this machine (glibc's)" };
        const addresses = [
            ...new Set(
                ran.stdout
                    .split("\n")
                    .map((l) => l.split(/\s+/)[0])
                    .filter(Boolean),
            ),
        ];
        if (ran.status !== 0 || addresses.length === 0)
            return {
                status: "warn",
                subject: host,
                detail: "does not resolve: the UI cannot be opened by name",
                fix: DNS_FIX,
            };
        const outside = addresses.filter((a) => {
            const address = parseIPv4(a);
            return (
                address === undefined ||
                !metallb.pools.some((p) => p.addresses.some((r) => overlaps(parseBlock(r)!, hostBlock(address))))
            );
        });
        return outside.length === 0
            ? { status: "ok", subject: host, detail: `resolves to ${addresses.join(", ")}, in a MetalLB pool` }
            : {
                  status: "warn",
                  subject: host,
                  detail: `resolves to ${outside.join(", ")}, outside every MetalLB pool, where Traefik's address is not`,
                  fix: DNS_FIX,
              };
    });
}

interface Node {
    readonly name: string;
    readonly address: string;
    readonly user: string;
    readonly port: number;
    readonly hostKey?: string;
}

/** Each node over SSH as the program connects: no prompt, the pinned host key only (a node without
 *  one is taken at its word, as the program takes it), then `sudo -n true`. */
export function sshFindings(env: NodeJS.ProcessEnv, nodes: readonly Node[], sshKeyEncrypted: boolean): Finding[] {
    const knownHosts = fs.mkdtempSync(path.join(os.tmpdir(), "homelab-doctor-"));
    try {
        const findings = nodes.map((node) => sshFinding(env, node, path.join(knownHosts, node.name)));
        if (findings.some((f) => f.status === "problem") && sshKeyEncrypted)
            return [
                ...findings,
                {
                    status: "warn",
                    subject: "sshPrivateKey",
                    detail: "is set (encrypted) for Pulumi; the doctor logs in with your SSH agent and keys instead",
                    fix: "ssh-add the key the stack holds, then run the doctor again",
                },
            ];
        return findings;
    } finally {
        fs.rmSync(knownHosts, { recursive: true, force: true });
    }
}

function sshFinding(env: NodeJS.ProcessEnv, node: Node, knownHostsFile: string): Finding {
    const subject = `${node.name} (${node.user}@${node.address}:${node.port})`;
    const host = node.port === 22 ? node.address : `[${node.address}]:${node.port}`;
    if (node.hostKey) fs.writeFileSync(knownHostsFile, `${host} ${node.hostKey}\n`);
    const ran = run(
        "ssh",
        [
            "-o",
            "BatchMode=yes",
            "-o",
            "ConnectTimeout=10",
            // Else the first line of stderr may be OpenSSH's "Permanently added" notice, not the reason.
            "-o",
            "LogLevel=ERROR",
            "-o",
            `StrictHostKeyChecking=${node.hostKey ? "yes" : "no"}`,
            "-o",
            `UserKnownHostsFile=${node.hostKey ? knownHostsFile : "/dev/null"}`,
            "-o",
            "GlobalKnownHostsFile=/dev/null",
            "-p",
            String(node.port),
            "-l",
            node.user,
            node.address,
            "sudo -n true",
        ],
        env,
        30_000,
    );
    if (ran.missing)
        return { status: "problem", subject: "ssh", detail: "not installed", fix: "install the OpenSSH client" };
    if (ran.status === 0)
        return {
            status: "ok",
            subject,
            detail: `reached${node.hostKey ? " with its pinned host key" : " (host key not pinned)"}, passwordless sudo`,
        };
    const said = ran.timedOut ? "timed out" : firstLine(ran.stderr);
    if (ran.status === 255 && /Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED/.test(ran.stderr))
        return {
            status: "problem",
            subject,
            detail: "answers with another host key than the pinned one: every command of the program would stop there",
            fix: `compare with ssh-keyscan -t ed25519 ${node.address} on the LAN, and set the node's hostKey to the right one`,
        };
    if (ran.status === 255 && /Permission denied/.test(ran.stderr))
        return {
            status: "problem",
            subject,
            detail: `refuses ${node.user}'s keys: ${said}`,
            fix: `ssh-copy-id -p ${node.port} ${node.user}@${node.address}, or ssh-add the key the stack uses`,
        };
    if (ran.status === 255 || ran.timedOut)
        return {
            status: "problem",
            subject,
            detail: `cannot be reached: ${said}`,
            fix: "check the address, that the node is up and that sshd listens on that port (docs/nodes.md)",
        };
    return {
        status: "problem",
        subject,
        detail: `logs in, but sudo asks for a password: ${said}`,
        fix: `on the node: echo '${node.user} ALL=(ALL) NOPASSWD: ALL' | sudo tee /etc/sudoers.d/${node.user}`,
    };
}
