// A fake homelab for the scripts the program runs on nodes: each node a folder (its filesystem
// root) and a state folder (what its processes hold), an API server's objects, a virtual clock;
// the stand-ins in commands/ (systemctl, sudo, curl, sysctl, date, sleep) and, once installed, the k3s
// stand-in act on it. `ssh` stands in for pulumi-command's SSH session.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const STAND_INS = __dirname;

/** What a node's sshd accepts (the program's side is remote.Command's `connection`). */
export interface Sshd {
    readonly address: string;
    readonly user: string;
    readonly hostKey: string;
    /** The private keys its user's authorized_keys let in. */
    readonly authorizedKeys: readonly string[];
}

/** The connection inputs of a remote.Command, as the mocks record them. */
export interface Connection {
    readonly host: string;
    readonly port?: number;
    readonly user: string;
    readonly privateKey?: string;
    readonly hostKey?: string;
}

export interface RunResult {
    readonly status: number;
    readonly stdout: string;
    readonly stderr: string;
}

export class World {
    readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "homelab-world-"));
    private readonly nodes = new Map<string, Sshd & { readonly name: string }>();

    constructor(from?: World) {
        if (from) {
            fs.cpSync(from.dir, this.dir, { recursive: true });
            from.nodes.forEach((node, address) => this.nodes.set(address, node));
            return;
        }
        // 2026-12-03T00:00:00Z
        fs.writeFileSync(path.join(this.dir, "clock"), "1796256000\n");
        fs.writeFileSync(path.join(this.dir, "calls"), "");
    }

    /** Another world, in the state this one is in now. */
    clone(): World {
        return new World(this);
    }

    /** Adds a node reachable over SSH. */
    addNode(name: string, sshd: Sshd): void {
        this.nodes.set(sshd.address, { name, ...sshd });
        fs.mkdirSync(path.join(this.dir, "nodes", name), { recursive: true });
        fs.mkdirSync(path.join(this.dir, "state", name), { recursive: true });
    }

    /** pulumi-command's remote run (provider/pkg/provider/remote, v1.2.1): it dials the host,
     *  checks its host key where `hostKey` is set (else any key is accepted), authenticates with
     *  the private key, and runs the command in the user's shell with stdin piped in. */
    ssh(connection: Connection, command: string, stdin = ""): RunResult {
        const node = this.nodes.get(connection.host);
        if (node === undefined) return refused(`dial tcp ${connection.host}:22: connect: no route to host`);
        if (connection.hostKey !== undefined && connection.hostKey !== node.hostKey) {
            return refused("ssh: handshake failed: ssh: host key mismatch");
        }
        if (connection.user !== node.user || !node.authorizedKeys.includes(connection.privateKey ?? "")) {
            return refused("ssh: handshake failed: ssh: unable to authenticate, attempted methods [none publickey]");
        }
        return this.run(node.name, command, stdin);
    }

    /** A node's sshd gets a new host key (its machine was reinstalled, say). */
    setHostKey(name: string, hostKey: string): void {
        for (const [address, node] of this.nodes) {
            if (node.name === name) this.nodes.set(address, { ...node, hostKey });
        }
    }

    /** Runs `command` in bash on node `name`, as its SSH user would. */
    run(name: string, command: string, stdin = ""): RunResult {
        // --norc: bash reads ~/.bashrc when its stdin is a socket, as it is under sshd and Node.
        const result = spawnSync("bash", ["--norc", "-c", command], {
            input: stdin,
            encoding: "utf8",
            env: {
                // A login's PATH (/usr/local/bin first, where K3s installs), the stand-ins before it.
                PATH: `${path.join(STAND_INS, "commands")}:${path.join(this.dir, "nodes", name, "usr/local/bin")}:/usr/bin:/bin`,
                FAKE_WORLD: this.dir,
                FAKE_NODE: name,
                HOME: path.join(this.dir, "nodes", name),
                LC_ALL: "C",
            },
        });
        return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
    }

    /** A file of a node's filesystem, or undefined. */
    file(node: string, file: string): string | undefined {
        return read(path.join(this.dir, "nodes", node, file));
    }

    /** What a node's processes hold: `running` (the config.yaml K3s started with), `starts`,
     *  `release`, `sysctl`, `journal`, `kube-vip-starts`, ... */
    state(node: string, what: string): string | undefined {
        return read(path.join(this.dir, "state", node, what));
    }

    /** Sets something in a node's state (`renew-certificate`: its next start renews its certificate). */
    setState(node: string, what: string, value = ""): void {
        fs.writeFileSync(path.join(this.dir, "state", node, what), value);
    }

    /** How often K3s started on a node. */
    starts(node: string): number {
        return Number(this.state(node, "starts") ?? 0);
    }

    /** The Node object's status as kubectl's jsonpath in install.sh prints it, or undefined. */
    nodeStatus(node: string): string | undefined {
        return read(path.join(this.dir, "api", "nodes", node))?.trimEnd();
    }

    cordoned(node: string): boolean {
        return fs.existsSync(path.join(this.dir, "api", "cordoned", node));
    }

    /** Every call the stand-ins recorded, `<node> <program> <arguments>`, and forgets them. */
    takeCalls(): string[] {
        const file = path.join(this.dir, "calls");
        const calls = fs.readFileSync(file, "utf8").split("\n").filter(Boolean);
        fs.writeFileSync(file, "");
        return calls;
    }
}

function refused(message: string): RunResult {
    return { status: 255, stdout: "", stderr: message };
}

function read(file: string): string | undefined {
    return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined;
}
