import * as assert from "node:assert/strict";
import { CertManager, certManagerValues, IssuerArgs } from "../../components/cert-manager";
import { ONE_REDUCED } from "../fixtures";
import { names, only, Registration, registrations } from "../harness";

const ACME = {
    kind: "acme",
    issuerName: "letsencrypt-production",
    server: "https://acme-v02.api.letsencrypt.org/directory",
    email: "admin@lab.example.com",
    solver: { http01: { ingressClass: "traefik" } },
} as const satisfies IssuerArgs;

describe("CertManager with a private CA", () => {
    let recorded: Registration[];
    before(async () => {
        recorded = await registrations(
            () => new CertManager("cert-manager", { ...ONE_REDUCED, issuer: { kind: "privateCa" } }),
        );
    });

    it("builds the chain self-signed issuer -> root CA certificate -> CA issuer", () => {
        assert.deepEqual(
            recorded
                .filter((r) => r.type.startsWith("kubernetes:cert-manager.io"))
                .map((r) => [r.type, (r.inputs.metadata as any).name, r.inputs.spec]),
            [
                ["kubernetes:cert-manager.io/v1:ClusterIssuer", "selfsigned", { selfSigned: {} }],
                [
                    "kubernetes:cert-manager.io/v1:Certificate",
                    "homelab-root-ca",
                    {
                        isCA: true,
                        commonName: "homelab root CA",
                        secretName: "homelab-root-ca",
                        duration: "87600h",
                        privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Never" },
                        issuerRef: { group: "cert-manager.io", kind: "ClusterIssuer", name: "selfsigned" },
                    },
                ],
                [
                    "kubernetes:cert-manager.io/v1:ClusterIssuer",
                    "homelab-ca",
                    { ca: { secretName: "homelab-root-ca" } },
                ],
            ],
        );
    });

    it("keeps the root CA's secret in cert-manager's namespace, where a CA ClusterIssuer reads it", () => {
        const root = only(recorded, "kubernetes:cert-manager.io/v1:Certificate", "cert-manager-homelab-root-ca");
        assert.equal((root.inputs.metadata as any).namespace, "cert-manager");
    });

    it("creates each link after the chart, the webhook gate and the link before it", () => {
        const deps = (name: string) => names(recorded.find((r) => r.name === name)!.dependencies).sort();
        assert.deepEqual(deps("cert-manager-selfsigned"), ["cert-manager-chart", "cert-manager-webhook-gate"]);
        assert.deepEqual(deps("cert-manager-homelab-root-ca"), [
            "cert-manager-chart",
            "cert-manager-selfsigned",
            "cert-manager-webhook-gate",
        ]);
        assert.deepEqual(deps("cert-manager-homelab-ca"), [
            "cert-manager-chart",
            "cert-manager-homelab-root-ca",
            "cert-manager-webhook-gate",
        ]);
    });
});

describe("CertManager with ACME over HTTP-01", () => {
    let recorded: Registration[];
    before(async () => {
        recorded = await registrations(() => new CertManager("cert-manager", { ...ONE_REDUCED, issuer: ACME }));
    });

    it("creates one ACME ClusterIssuer answering through the ingress class", () => {
        assert.deepEqual(
            only(recorded, "kubernetes:cert-manager.io/v1:ClusterIssuer", "cert-manager-letsencrypt-production").inputs
                .spec,
            {
                acme: {
                    server: "https://acme-v02.api.letsencrypt.org/directory",
                    email: "admin@lab.example.com",
                    privateKeySecretRef: { name: "letsencrypt-production-account-key" },
                    solvers: [{ http01: { ingress: { ingressClassName: "traefik" } } }],
                },
            },
        );
        assert.equal(recorded.filter((r) => r.type.startsWith("kubernetes:cert-manager.io")).length, 1);
    });

    it("creates no API token secret", () => {
        assert.equal(recorded.filter((r) => r.type === "kubernetes:core/v1:Secret").length, 0);
    });
});

describe("CertManager with ACME over Cloudflare DNS-01", () => {
    let recorded: Registration[];
    before(async () => {
        const issuer: IssuerArgs = { ...ACME, solver: { cloudflare: { apiToken: "cf-token" } } };
        recorded = await registrations(() => new CertManager("cert-manager", { ...ONE_REDUCED, issuer }));
    });

    it("keeps the API token in a secret", () => {
        const secret = only(recorded, "kubernetes:core/v1:Secret", "cert-manager-cloudflare-api-token");
        assert.deepEqual(secret.inputs.stringData, { "api-token": "cf-token" });
        assert.deepEqual(secret.secretInputs, ["stringData"]);
    });

    it("solves DNS-01 with that secret, created first", () => {
        const issuer = only(
            recorded,
            "kubernetes:cert-manager.io/v1:ClusterIssuer",
            "cert-manager-letsencrypt-production",
        );
        assert.deepEqual((issuer.inputs.spec as any).acme.solvers, [
            { dns01: { cloudflare: { apiTokenSecretRef: { name: "cloudflare-api-token", key: "api-token" } } } },
        ]);
        assert.ok(names(issuer.dependencies).includes("cert-manager-cloudflare-api-token"));
    });
});

describe("certManagerValues", () => {
    it("installs and keeps the CRDs", () => {
        assert.deepEqual(certManagerValues({ ...ONE_REDUCED, issuer: ACME }).crds, { enabled: true, keep: true });
    });

    it("runs two replicas with PodDisruptionBudgets for controller, webhook and cainjector when asked", () => {
        const values = certManagerValues({
            ...ONE_REDUCED,
            issuer: ACME,
            replicas: 2,
            podDisruptionBudgets: true,
        }) as any;
        for (const workload of [values, values.webhook, values.cainjector]) {
            assert.equal(workload.replicaCount, 2);
            assert.deepEqual(workload.podDisruptionBudget, { enabled: true, minAvailable: 1 });
        }
    });

    it("puts no PodDisruptionBudget on a single replica", () => {
        const values = certManagerValues({ ...ONE_REDUCED, issuer: ACME, podDisruptionBudgets: true }) as any;
        assert.deepEqual(values.podDisruptionBudget, { enabled: false });
    });

    it("turns off the startupapicheck hook and the in-chart ServiceMonitor", () => {
        const values = certManagerValues({ ...ONE_REDUCED, issuer: ACME });
        assert.deepEqual(values.startupapicheck, { enabled: false });
        assert.deepEqual(values.prometheus, { enabled: true, servicemonitor: { enabled: false } });
    });
});
