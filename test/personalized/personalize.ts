// Another valid homelab written over a stack file, as a user would make the example theirs: other
// node names, users, addresses and host keys, another domain, pool, repository, ACME e-mail,
// Vault and backup store. It changes whichever of these the file sets and keeps the rest (the
// profile overrides, the comments), so it applies to any stack file, not only the example.
import { isMap, isSeq, parseDocument } from "yaml";

/** Host keys of the other homelab's nodes: ed25519 keys made for this by `ssh-keygen -t ed25519`. */
const HOST_KEYS = [
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMpI9MyeA3eIWdlSvpZwDQBcmJYyVXOW8p3LpLJ2dZ04",
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAID4+KFRAzeO6zwkxYLdRnyw75QEnJ04dbqHS6i6l/ouy",
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINOQypono4TusRCCuu7lTTDmnRoPhvGh2af5MGZFbsjP",
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDOrJ48uLvWuiOfNnIpWJ/B+pTpoqL9ptGfKy6Aj76Pq",
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOaOr0n6MNrwmiwskM2K+QbePVk+rTbww7I3y9yBN98g",
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPM76vv5M+79C+6c4/9F/v/pENwu8HK+ILynSQFM0cF2",
];

/** What each environment becomes: its own /24 in 10.77.0.0/16 and its own domain. */
const SITES: Record<string, { subnet: number; domain: string }> = {
    dev: { subnet: 1, domain: "dev.lab.internal" },
    staging: { subnet: 2, domain: "stage.homelab.example.net" },
    production: { subnet: 3, domain: "homelab.example.net" },
};

/** `text`, a Pulumi.<stack>.yaml, with the site-specific values of another homelab. */
export function personalize(stack: string, text: string): string {
    const site = SITES[stack];
    if (!site) throw new Error(`no other homelab for stack ${stack} (one of ${Object.keys(SITES).join(", ")})`);
    const doc = parseDocument(text);
    const config = doc.get("config");
    if (!isMap(config)) throw new Error(`Pulumi.${stack}.yaml has no config mapping`);
    const lan = (host: number) => `10.77.${site.subnet}.${host}`;

    const cluster = config.get("homelab:cluster");
    const nodes = isMap(cluster) ? cluster.get("nodes") : undefined;
    if (isSeq(nodes)) {
        const count = { server: 0, agent: 0 };
        nodes.items.forEach((item, i) => {
            if (!isMap(item)) return;
            const role = item.get("role") === "agent" ? "agent" : "server";
            count[role] += 1;
            item.set("name", `${role === "server" ? "cp" : "worker"}-${count[role]}.rack.lan`);
            item.set("address", lan(role === "server" ? 20 + count[role] : 40 + count[role]));
            item.set("user", "ops");
            if (item.has("hostKey")) item.set("hostKey", HOST_KEYS[i % HOST_KEYS.length]);
        });
    }
    setIn(cluster, ["vip", "address"], lan(5));
    config.set("homelab:domain", site.domain);
    if (config.has("homelab:metallb"))
        config.set("homelab:metallb", { pools: [{ name: "lan.services", addresses: [`${lan(192)}/27`] }] });
    setIn(config.get("homelab:tls"), ["acme", "email"], "ops@homelab.example.net");
    setIn(config.get("homelab:gitops"), ["repoUrl"], "https://git.example.net/ops/platform.git");
    setIn(config.get("homelab:vault"), ["address"], "https://vault.example.net:8200");
    setIn(config.get("homelab:backups"), ["endpoint"], "s3.example.net");
    setIn(config.get("homelab:backups"), ["bucket"], "k8s-backups");
    return doc.toString({ lineWidth: 0 });
}

/** Sets `path` under `node` to `value` where the file already sets it. */
function setIn(node: unknown, path: string[], value: string): void {
    if (isMap(node) && node.hasIn(path)) node.setIn(path, value);
}
