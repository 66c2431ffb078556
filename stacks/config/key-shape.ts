// What a secret that should hold an SSH private key holds, told without quoting it: a pasted path
// or public key is the usual mistake, and the SSH client would fail with it on every node.

export type KeyShape = "private key" | "public key" | "path" | "other";

/** The shape of a secret meant to be an SSH private key (OpenSSH or PEM). */
export function keyShape(text: string): KeyShape {
    if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) return "private key";
    if (/^\s*(ssh-(ed25519|rsa|dss)|ecdsa-sha2-nistp\d+|sk-)\S* [A-Za-z0-9+/]/.test(text)) return "public key";
    if (/^\s*(~|\.{0,2}\/|[A-Za-z]:\\)\S*\s*$/.test(text) || /^\s*[\w.-]*id_[\w.-]+\s*$/.test(text)) return "path";
    return "other";
}
