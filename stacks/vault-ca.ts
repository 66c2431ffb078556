// Pulumi's Vault provider trusts a private CA only from a file (`caCertFile`), while the stack
// holds `vault.caCert` as PEM text; without this the runner would need VAULT_CACERT set by hand.
// The file is named after its content, so the provider's input stays the same from run to run
// (no provider diff) and a changed CA gets a new file rather than one rewritten under a reader.
// It lives in the user's cache, not the shared temp folder: it outlives a reboot, for the
// `pulumi refresh` and `destroy` that configure the provider from state, and no other user
// can put a file in its way.
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** The path of a file holding exactly `pem`, written (readable by all, as a CA certificate is
 *  public) only where no such file of ours is there already. */
export function vaultCaCertFile(pem: string, dir: string = cacheDir()): string {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const digest = createHash("sha256").update(pem).digest("hex").slice(0, 16);
    const file = path.join(dir, `homelab-vault-ca-${digest}.pem`);
    if (!holdsOwn(file, pem)) {
        writeAtomically(file, pem);
    }
    return file;
}

/** The user's cache folder for the program (`$XDG_CACHE_HOME/homelab`, default `~/.cache/homelab`). */
export function cacheDir(): string {
    return path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache"), "homelab");
}

/** Whether `file` holds `pem` and only its owner, this user, can change it: in a shared temp
 *  folder another user's file could be swapped for a CA of theirs after this check. */
function holdsOwn(file: string, pem: string): boolean {
    try {
        const stat = fs.lstatSync(file);
        const owned = stat.isFile() && stat.uid === process.getuid?.() && (stat.mode & 0o022) === 0;
        return owned && fs.readFileSync(file, "utf8") === pem;
    } catch {
        return false;
    }
}

/** Writes `file` through a private folder and a rename, so that a concurrent run never reads it
 *  half written, and a file or link another user put there is not followed. */
function writeAtomically(file: string, content: string): void {
    const staging = fs.mkdtempSync(path.join(path.dirname(file), "homelab-vault-ca-"));
    try {
        const staged = path.join(staging, path.basename(file));
        fs.writeFileSync(staged, content, { mode: 0o644 });
        fs.renameSync(staged, file);
    } finally {
        fs.rmSync(staging, { recursive: true, force: true });
    }
}
