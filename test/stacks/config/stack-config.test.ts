// The stack config: each secret attached to the setting that uses it, in one pass, still a
// Pulumi secret; and the profile's choices in the components' own argument types.
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { PlainSecret } from "../../../components/secret-store/kubernetes";
import { stackConfig } from "../../../stacks/config/stack-config";
import { SecretKey } from "../../../stacks/config/schema";
import { validateConfig } from "../../../stacks/config/validate";
import { input, secrets, values } from "../../fixtures";
import { isSecret, unwrap, useStack } from "../../harness";

/** Production's settings with these secret keys set, each to `value-<key>`. */
function production(keys: SecretKey[], change: (v: any) => void = () => {}) {
    const result = validateConfig(
        input("production", values("production", change), secrets(Object.fromEntries(keys.map((k) => [k, "secure"])))),
    );
    assert.ok(result.ok, result.ok ? "" : result.problems.join("\n"));
    return stackConfig(result.settings, (key) => (keys.includes(key) ? pulumi.secret(`value-${key}`) : undefined));
}

describe("stackConfig", () => {
    before(() => useStack("production", { config: {}, secretKeys: [] }));

    it("gives the etcd S3 target its keys and the nodes the SSH key, as secrets", async () => {
        const settings = production(["etcdS3AccessKey", "etcdS3SecretKey", "sshPrivateKey", "alertingUrl"], (v) => {
            v.cluster.etcdS3 = { endpoint: "minio.home.arpa:9000", bucket: "k3s-snapshots" };
        });
        assert.equal(settings.cluster.mode, "nodes");
        if (settings.cluster.mode !== "nodes") return;
        const s3 = settings.cluster.etcdS3!;
        assert.deepEqual(
            [await unwrap(s3.accessKey), await unwrap(s3.secretKey), await unwrap(settings.cluster.sshPrivateKey!)],
            ["value-etcdS3AccessKey", "value-etcdS3SecretKey", "value-sshPrivateKey"],
        );
        assert.equal(await isSecret(s3.secretKey), true);
    });

    it("gives Cloudflare's DNS-01 solver its token and the receiver its URL", async () => {
        const settings = production(["cloudflareApiToken", "alertingUrl"], (v) => {
            v.tls = { acme: { email: "admin@lab.example.com", solver: "cloudflare" } };
            v.alerting = { receiver: "discord" };
        });
        assert.ok(settings.issuer.kind === "acme" && "cloudflare" in settings.issuer.solver);
        assert.equal(
            await unwrap(pulumi.output(settings.issuer.solver.cloudflare.apiToken)),
            "value-cloudflareApiToken",
        );
        assert.deepEqual(Object.keys(settings.alerts!), ["kind", "url"]);
        assert.equal(settings.alerts!.kind, "discord");
        assert.equal(await unwrap(pulumi.output(settings.alerts!.url)), "value-alertingUrl");
    });

    it("answers HTTP-01 challenges through the platform's ingress class, and takes Slack's channel", () => {
        const settings = production(["alertingUrl"], (v) => {
            v.tls = { acme: { email: "admin@lab.example.com", solver: "http01" } };
            v.ingressClass = "nginx";
            v.ingressController = { namespace: "ingress-nginx", pods: { "app.kubernetes.io/name": "ingress-nginx" } };
            v.alerting = { receiver: "slack", channel: "#homelab" };
        });
        assert.ok(settings.issuer.kind === "acme");
        assert.deepEqual(settings.issuer.solver, { http01: { ingressClass: "nginx" } });
        assert.deepEqual([settings.alerts!.kind, settings.alerts!.channel], ["slack", "#homelab"]);
    });

    it("sizes, replicates and guards production's components, and keeps its monitoring data", () => {
        const settings = production([], (v) => (v.storageClass = "longhorn"));
        assert.deepEqual(settings.workloads, { replicas: 2, podDisruptionBudgets: true, resources: "full" });
        assert.deepEqual(settings.guards, { podSecurity: true, protect: true });
        assert.deepEqual(settings.monitoringStorage, { storageClass: "longhorn", size: "50Gi" });
    });

    it("runs dev's components once each, reduced and unguarded, and keeps no monitoring data", () => {
        const result = validateConfig(input("dev", values("dev")));
        assert.ok(result.ok);
        const settings = stackConfig(result.settings, () => undefined);
        assert.deepEqual(settings.workloads, { replicas: 1, podDisruptionBudgets: false, resources: "reduced" });
        assert.deepEqual(settings.guards, { podSecurity: false, protect: false });
        assert.equal(settings.monitoringStorage, undefined);
        assert.equal(settings.alerts, undefined);
    });

    it("gives Vault the token Pulumi uses, or none, so the provider reads VAULT_TOKEN", async () => {
        const store = (keys: SecretKey[]) => {
            const { secretStore } = production(keys);
            assert.ok(secretStore.backend === "vault");
            return secretStore;
        };
        assert.equal(await unwrap(store(["vaultToken"]).token!), "value-vaultToken");
        assert.equal(store([]).token, undefined);
    });

    it("gives a plain store the dummy secrets it serves, and no Vault", () => {
        const result = validateConfig(input("dev", values("dev")));
        assert.ok(result.ok);
        const dummy = { name: "example-app", data: { password: "dummy" } } as unknown as PlainSecret;
        const tree = { applications: [], plainSecrets: [dummy] };
        assert.deepEqual(stackConfig(result.settings, () => undefined, tree).secretStore, {
            backend: "kubernetes",
            plainSecrets: [dummy],
        });
    });

    it("takes a deploy key over a token for the GitOps repository, and none without either", async () => {
        const ssh = production(["gitopsSshKey"], (v) => (v.gitops.repoUrl = "git@github.com:example/homelab.git"));
        assert.deepEqual(Object.keys(ssh.gitopsCredentials!), ["sshPrivateKey"]);
        const token = production(["gitopsToken"]).gitopsCredentials as {
            username: string;
            password: pulumi.Output<string>;
        };
        assert.deepEqual([token.username, await unwrap(token.password)], ["git", "value-gitopsToken"]);
        assert.equal(production([]).gitopsCredentials, undefined);
    });
});
