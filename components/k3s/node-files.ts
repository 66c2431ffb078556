// The files a node's install writes, and who reads each one, which decides what a change costs:
// K3s reads config.yaml and the hardening policies only when it starts, so a change restarts it;
// the kernel's settings apply at once but the hardened kubelet checks them when it starts; the
// kubelet watches static pod manifests itself and restarts only that pod. install.sh receives
// them as lines after its last line, `<reader> <path> <mode> <content in base64, or - for none>`.
import { createHash } from "node:crypto";
import { stringify } from "yaml";
import { ADMISSION_CONFIG, AUDIT_POLICY, HARDENING_FILES, KERNEL_SETTINGS } from "./hardening";

export type Reader = "k3s" | "kernel" | "kubelet";

export interface NodeFile {
    readonly reader: Reader;
    readonly path: string;
    readonly mode: "0600" | "0644";
    /** The content; undefined: the file must not exist (a setting turned off removes its file). */
    readonly content?: string;
}

/** Where K3s reads its settings (docs.k3s.io "Configuration File"); it holds the cluster token. */
export const K3S_CONFIG = "/etc/rancher/k3s/config.yaml";
/** Where the kubelet K3s runs reads static pods. */
export const KUBE_VIP_MANIFEST = "/var/lib/rancher/k3s/agent/pod-manifests/kube-vip.yaml";

const file = (reader: Reader, path: string, mode: NodeFile["mode"], content: string | undefined): NodeFile => ({
    reader,
    path,
    mode,
    ...(content === undefined ? {} : { content }),
});

/** An agent's files: its config.yaml, and the kernel settings where it is hardened. */
export function agentFiles(config: Record<string, unknown>, hardening: boolean): NodeFile[] {
    return [
        file("k3s", K3S_CONFIG, "0600", stringify(config)),
        file("kernel", HARDENING_FILES.kernelSettings, "0644", hardening ? KERNEL_SETTINGS : undefined),
    ];
}

/** A server's files: an agent's, the API server's admission and audit policies where it is
 *  hardened, and kube-vip's static pod where the API has a virtual IP. */
export function serverFiles(config: Record<string, unknown>, hardening: boolean, kubeVip?: string): NodeFile[] {
    return [
        ...agentFiles(config, hardening),
        file("k3s", HARDENING_FILES.admission, "0600", hardening ? ADMISSION_CONFIG : undefined),
        file("k3s", HARDENING_FILES.auditPolicy, "0600", hardening ? AUDIT_POLICY : undefined),
        file("kubelet", KUBE_VIP_MANIFEST, "0600", kubeVip),
    ];
}

/** One file as install.sh reads it. */
function line(f: NodeFile): string {
    const content = f.content === undefined ? "-" : Buffer.from(f.content).toString("base64");
    return `${f.reader} ${f.path} ${f.mode} ${content}`;
}

/** The lines that follow install.sh on its stdin. */
export function filesInput(files: readonly NodeFile[]): string {
    return files.map((f) => `${line(f)}\n`).join("");
}

/** What a node's K3s runs with: its release and every file K3s or the kernel reads, as a digest
 *  (install.sh computes the same one, and keeps it once K3s is Ready with them). It changes
 *  exactly when the node's K3s must restart; kube-vip's pod and the SSH connection are not in it. */
export function settingsDigest(release: string, files: readonly NodeFile[]): string {
    const read = files.filter((f) => f.reader !== "kubelet").map((f) => `${line(f)}\n`);
    return createHash("sha256")
        .update(`${release}\n${read.join("")}`)
        .digest("hex");
}
