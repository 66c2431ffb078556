import * as assert from "node:assert/strict";
import { ArgoCd, argocdValues } from "../../components/argocd";
import { sized } from "../../components/sizing";
import { names, only, Registration, registrations } from "../harness";

const BASE = { host: "argocd.home.arpa", clusterIssuer: "homelab-ca" };

describe("ArgoCd", () => {
    let recorded: Registration[];
    before(async () => {
        recorded = await registrations(() => new ArgoCd("argocd", BASE));
    });

    it("installs the pinned chart into argocd", () => {
        const chart = only(recorded, "kubernetes:helm.sh/v4:Chart", "argocd-chart").inputs;
        assert.deepEqual(
            [chart.chart, chart.version, chart.repositoryOpts, chart.namespace, chart.name],
            ["argo-cd", "10.1.1", { repo: "https://argoproj.github.io/argo-helm" }, "argocd", "argocd"],
        );
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

    it("turns off the redis-secret-init hook job the program replaces", () => {
        assert.deepEqual(single.redisSecretInit, { enabled: false });
    });

    it("serves the UI through an ingress with a certificate from the cluster issuer", () => {
        assert.deepEqual(single.server.ingress, {
            enabled: true,
            ingressClassName: "traefik",
            annotations: { "cert-manager.io/cluster-issuer": "homelab-ca" },
            tls: true,
        });
        assert.equal(single.global.domain, "argocd.home.arpa");
        assert.deepEqual(single.configs.params, { "server.insecure": true });
    });

    it("runs redis-ha with budgets on Redis and HAProxy in HA", () => {
        assert.deepEqual(ha["redis-ha"], {
            enabled: true,
            podDisruptionBudget: { maxUnavailable: 1 },
            haproxy: { podDisruptionBudget: { maxUnavailable: 1 } },
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
        assert.deepEqual(single.controller.resources, sized("reduced", "large"));
        assert.deepEqual(ha.controller.resources, sized("full", "large"));
        assert.deepEqual(ha.repoServer.resources, sized("full", "medium"));
    });

    it("adds ServiceMonitors only when asked", () => {
        const monitored = argocdValues({ ...BASE, serviceMonitors: true }) as any;
        assert.deepEqual(monitored.controller.metrics, { enabled: true, serviceMonitor: { enabled: true } });
        assert.deepEqual(single.controller.metrics, { enabled: false, serviceMonitor: { enabled: false } });
    });
});
