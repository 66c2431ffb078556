// A node's SSH host key, in the forms an admin has at hand: the key alone (`ssh-ed25519 AAAA...`),
// a line of `ssh-keyscan` (host first) or of a `.pub` file (comment last). Each becomes the key
// alone, which is what the Command provider pins; the key itself is decoded, so a truncated key
// or one whose declared type is not its own is caught here rather than by every SSH connection.
import { z } from "zod";
import { PEM_PRIVATE_KEY } from "./fields";

/** Key types OpenSSH's ssh-keyscan prints that the program pins, with the sizes of their wire
 *  encodings (RFC 8709 for ed25519: type, then a 32-byte key; RFC 5656 for ECDSA: type, curve
 *  name, then an uncompressed point). RSA is left out: its host keys would be pinned with the
 *  SHA-1 signatures OpenSSH no longer accepts. */
const KEY_TYPES: Readonly<Record<string, { curve?: string; pointBytes: number }>> = {
    "ssh-ed25519": { pointBytes: 32 },
    "ecdsa-sha2-nistp256": { curve: "nistp256", pointBytes: 65 },
    "ecdsa-sha2-nistp384": { curve: "nistp384", pointBytes: 97 },
    "ecdsa-sha2-nistp521": { curve: "nistp521", pointBytes: 133 },
};

/** The strings of an SSH wire encoding (each a 4-byte length, then its bytes); undefined when
 *  the bytes do not divide into strings exactly. */
function wireStrings(blob: Buffer): Buffer[] | undefined {
    const strings: Buffer[] = [];
    for (let at = 0; at < blob.length;) {
        if (at + 4 > blob.length) return undefined;
        const length = blob.readUInt32BE(at);
        if (at + 4 + length > blob.length) return undefined;
        strings.push(blob.subarray(at + 4, at + 4 + length));
        at += 4 + length;
    }
    return strings;
}

/** What is wrong with a host key line, or its key alone (`type base64`) when nothing is. */
export function parseHostKey(line: string): { key: string } | { problem: string } {
    const fields = line.trim().split(/\s+/);
    const at = fields.findIndex((f) => Object.hasOwn(KEY_TYPES, f));
    if (at < 0 || at > 1 || fields.length < at + 2)
        return {
            problem: `is not an ed25519 or ECDSA host key (the output of \`ssh-keyscan -t ed25519 <address>\`, with or without the host name; RSA keys would pin SHA-1 signatures that OpenSSH refuses)`,
        };
    const [type, base64] = [fields[at], fields[at + 1]];
    const blob = /^[A-Za-z0-9+/]+={0,2}$/.test(base64) ? Buffer.from(base64, "base64") : undefined;
    const strings = blob && blob.toString("base64") === base64 ? wireStrings(blob) : undefined;
    const declared = strings?.[0]?.toString("latin1");
    if (strings === undefined || declared === undefined)
        return { problem: `has a ${type} key that is cut short or not base64: copy the whole line` };
    if (declared !== type)
        return { problem: `says ${type} but its key is ${declared}: copy the type and the key from the same line` };
    const { curve, pointBytes } = KEY_TYPES[type];
    const expected = curve === undefined ? 2 : 3;
    const point = strings[expected - 1];
    if (strings.length !== expected || point.length !== pointBytes || (curve && strings[1].toString() !== curve))
        return { problem: `has a ${type} key that is cut short or not base64: copy the whole line` };
    return { key: `${type} ${base64}` };
}

/** The host key field: any of the forms above, given as the key alone; a private key pasted here
 *  is refused without being repeated. */
export const hostKeySchema = z.string().transform((line, ctx) => {
    if (PEM_PRIVATE_KEY.test(line) || /PRIVATE KEY/.test(line)) {
        ctx.addIssue({
            code: "custom",
            message:
                "holds a private key: give the node's public host key (`ssh-keyscan -t ed25519 <address>`), and never put a private key in the stack file",
        });
        return z.NEVER;
    }
    const parsed = parseHostKey(line);
    if ("problem" in parsed) {
        ctx.addIssue({ code: "custom", message: `${JSON.stringify(line)} ${parsed.problem}` });
        return z.NEVER;
    }
    return parsed.key;
});

/** The lines of a known_hosts text that name keys: comments (ssh-keyscan prints one per host)
 *  and blank lines left out. */
export function knownHostLines(text: string): string[] {
    return text
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter((l) => l !== "" && !l.startsWith("#"));
}

/** What is wrong with a known_hosts line (`host[,host...] type key`), as Argo CD's known hosts take
 *  it: any of the types above, or RSA, which a Git server may still offer alone. */
export function knownHostProblem(line: string): string | undefined {
    const [hosts, type, base64] = line.split(/\s+/);
    if (!hosts || !type || !base64) return "is not `host key-type key`";
    if (type === "ssh-rsa") {
        const strings = /^[A-Za-z0-9+/]+={0,2}$/.test(base64) ? wireStrings(Buffer.from(base64, "base64")) : undefined;
        return strings?.length === 3 && strings[0].toString("latin1") === type ? undefined : "has a cut-short RSA key";
    }
    const parsed = parseHostKey(`${type} ${base64}`);
    return "problem" in parsed ? parsed.problem : undefined;
}
