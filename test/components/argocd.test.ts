import * as assert from "node:assert/strict";
import { ArgoCd, argocdValues } from "../../components/argocd";
import { ONE_REDUCED } from "../fixtures";
import { names, only, Registration, registrations } from "../harness";

const BASE = { ...ONE_REDUCED, host: "argocd.home.arpa", clusterIssuer: "homelab-ca", ingressClass: "traefik" };

describe("ArgoCd", () => {
    let recorded: Registration[];
    before(async () => {
        recorded = await registrations(() => new ArgoCd("argocd", BASE));
    });

    it("creates the argocd-redis secret from a generated password, as a secret", () => {
        const secret = only(recorded, "kubernetes:core/v1:Secret", "argocd-redis");
        assert.deepEqual(secret.inputs, {
            apiVersion: "v1",
            kind: "Secret",
            metadata: { name: "argocd-redis", namespace: "argocd" },
            stringData: { auth: "password-argocd-redis" },
        });
        assert.deepEqual(secret.secretInputs, ["stringData"]);
        assert.deepEqual(only(recorded, "random:index/randomPassword:RandomPassword", "argocd-redis").inputs, {
            length: 32,
            special: false,
        });
    });

    it("waits for the Prometheus Operator's CRDs only when it renders ServiceMonitors", async () => {
        const withMonitors = await registrations(() => {
            const crds = new ArgoCd("crds-stand-in", BASE);
            new ArgoCd("argocd", { ...BASE, serviceMonitors: { crds } });
        });
        assert.ok(
            names(only(withMonitors, "kubernetes:helm.sh/v4:Chart", "argocd-chart").dependencies).includes(
                "crds-stand-in-chart",
            ),
        );
        assert.deepEqual(names(only(recorded, "kubernetes:helm.sh/v4:Chart", "argocd-chart").dependencies).sort(), [
            "argocd-namespace",
            "argocd-redis",
        ]);
    });

    it("installs the chart after the redis secret exists", () => {
        assert.ok(
            names(only(recorded, "kubernetes:helm.sh/v4:Chart", "argocd-chart").dependencies).includes("argocd-redis"),
        );
    });
});

describe("argocdValues", () => {
    const ha = argocdValues({
        ...BASE,
        highAvailability: true,
        replicas: 2,
        podDisruptionBudgets: true,
        resources: "full",
    }) as any;
    const single = argocdValues(BASE) as any;

    it("runs redis-exporter, which the Redis metrics Service scrapes, only with ServiceMonitors", () => {
        const monitored = argocdValues({ ...BASE, serviceMonitors: { crds: {} as any } }) as any;
        assert.deepEqual(monitored.redis.exporter, {
            enabled: true,
            resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { memory: "128Mi" } },
        });
        assert.equal(single.redis.exporter.enabled, false);
    });

    it("turns off the redis-secret-init hook job the program replaces", () => {
        assert.deepEqual(single.redisSecretInit, { enabled: false });
    });

    it("serves the UI through an ingress with a certificate from the cluster issuer", () => {
        assert.deepEqual(single.server.ingress, {
            enabled: true,
            ingressClassName: "traefik",
            // No wait for a load-balancer address a controller may never publish.
            annotations: { "cert-manager.io/cluster-issuer": "homelab-ca", "pulumi.com/skipAwait": "true" },
            tls: true,
        });
        assert.equal(single.global.domain, "argocd.home.arpa");
        assert.deepEqual(single.configs.params, { "server.insecure": true });
    });

    it("adds an ssh Git server's host keys to the chart's known hosts, and leaves them alone otherwise", () => {
        const line =
            "[gitea.home.arpa]:2222 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";
        const gitea = argocdValues({ ...BASE, sshKnownHosts: line }) as any;
        assert.deepEqual(gitea.configs.ssh, { extraHosts: line });
        assert.equal(single.configs.ssh, undefined);
    });

    it("runs redis-ha in HA with budgets on Redis and HAProxy, every container sized by the preset", () => {
        const small = { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "256Mi" } };
        assert.deepEqual(ha["redis-ha"], {
            enabled: true,
            podDisruptionBudget: { maxUnavailable: 1 },
            redis: {
                resources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { memory: "1Gi" } },
                // Awaited 20 minutes: three servers in order, each pulling its images on its node.
                annotations: { "pulumi.com/timeoutSeconds": "1200" },
            },
            sentinel: { resources: small },
            init: { resources: small },
            splitBrainDetection: { resources: small },
            haproxy: { podDisruptionBudget: { maxUnavailable: 1 }, resources: small, init: { resources: small } },
        });
    });

    it("runs two replicas of server, repo-server and ApplicationSet controller, each with a budget, in HA", () => {
        for (const workload of [ha.server, ha.repoServer, ha.applicationSet]) {
            assert.equal(workload.replicas, 2);
            assert.deepEqual(workload.pdb, { enabled: true, minAvailable: 1 });
        }
    });

    it("runs single replicas without budgets or redis-ha otherwise", () => {
        assert.equal(single["redis-ha"].enabled, false);
        for (const workload of [single.server, single.repoServer, single.applicationSet]) {
            assert.equal(workload.replicas, 1);
            assert.deepEqual(workload.pdb, { enabled: false });
        }
    });

    it("sizes the workloads by the preset", () => {
        assert.deepEqual(single.controller.resources, {
            requests: { cpu: "100m", memory: "512Mi" },
            limits: { memory: "2Gi" },
        });
        assert.deepEqual(ha.controller.resources, {
            requests: { cpu: "500m", memory: "2Gi" },
            limits: { memory: "8Gi" },
        });
        assert.deepEqual(ha.repoServer.resources, {
            requests: { cpu: "250m", memory: "256Mi" },
            limits: { memory: "1Gi" },
        });
    });

    it("adds ServiceMonitors only when asked", () => {
        const monitored = argocdValues({ ...BASE, serviceMonitors: { crds: {} as any } }) as any;
        assert.deepEqual(monitored.controller.metrics, { enabled: true, serviceMonitor: { enabled: true } });
        assert.deepEqual(single.controller.metrics, { enabled: false, serviceMonitor: { enabled: false } });
    });
});
