import * as assert from "node:assert/strict";
import * as k8s from "@pulumi/kubernetes";
import { allowSpec, K3S_TRAEFIK, NetworkPolicies, PLATFORM_TRAFFIC } from "../../components/network-policies";
import { names, only, Registration, registrations } from "../harness";

describe("NetworkPolicies", () => {
    let recorded: Registration[];
    before(async () => {
        recorded = await registrations(() => {
            const namespace = new k8s.core.v1.Namespace("cert-manager-namespace", {
                metadata: { name: "cert-manager" },
            });
            new NetworkPolicies("network-policies", {
                namespaces: { "cert-manager": namespace },
                ingressController: K3S_TRAEFIK,
            });
        });
    });

    it("denies all ingress to the namespace's pods by default", () => {
        const deny = only(
            recorded,
            "kubernetes:networking.k8s.io/v1:NetworkPolicy",
            "network-policies-cert-manager-default-deny-ingress",
        );
        assert.deepEqual(deny.inputs.spec, { podSelector: {}, policyTypes: ["Ingress"] });
        assert.deepEqual((deny.inputs.metadata as any).namespace, "cert-manager");
    });

    it("creates one policy per allow of the namespace, after the namespace", () => {
        const policies = recorded.filter((r) => r.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy");
        assert.deepEqual(
            policies.map((p) => (p.inputs.metadata as any).name),
            ["default-deny-ingress", "allow-same-namespace", "allow-prometheus", "allow-webhook"],
        );
        for (const policy of policies) assert.deepEqual(names(policy.dependencies), ["cert-manager-namespace"]);
    });

    it("states each policy's reason on it", () => {
        const webhook = only(
            recorded,
            "kubernetes:networking.k8s.io/v1:NetworkPolicy",
            "network-policies-cert-manager-allow-webhook",
        );
        assert.deepEqual((webhook.inputs.metadata as any).annotations, {
            "homelab.dev/reason": "the API server calls cert-manager's webhook to validate and default its resources",
        });
    });

    it("refuses a namespace whose traffic is not described", async () => {
        await assert.rejects(
            registrations(() => {
                const namespace = new k8s.core.v1.Namespace("other", { metadata: { name: "other" } });
                new NetworkPolicies("np", { namespaces: { other: namespace }, ingressController: K3S_TRAEFIK });
            }),
            /no traffic is described for namespace other/,
        );
    });
});

describe("allowSpec", () => {
    it("admits the API server to a webhook port from any address", () => {
        assert.deepEqual(
            allowSpec(
                PLATFORM_TRAFFIC["external-secrets"].find((a) => a.name === "webhook")!,
                K3S_TRAEFIK,
            ),
            {
                podSelector: { matchLabels: { "app.kubernetes.io/name": "external-secrets-webhook" } },
                policyTypes: ["Ingress"],
                ingress: [{ from: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ protocol: "TCP", port: 10250 }] }],
            },
        );
    });

    it("admits Prometheus from the monitoring namespace to every port", () => {
        assert.deepEqual(
            allowSpec(
                PLATFORM_TRAFFIC.argocd.find((a) => a.name === "prometheus")!,
                K3S_TRAEFIK,
            ),
            {
                podSelector: {},
                policyTypes: ["Ingress"],
                ingress: [
                    {
                        from: [
                            {
                                namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } },
                                podSelector: { matchLabels: { "app.kubernetes.io/name": "prometheus" } },
                            },
                        ],
                    },
                ],
            },
        );
    });

    it("admits Traefik from kube-system to exposed services", () => {
        assert.deepEqual(
            allowSpec(
                PLATFORM_TRAFFIC.monitoring.find((a) => a.name === "grafana")!,
                K3S_TRAEFIK,
            ).ingress,
            [
                {
                    from: [
                        {
                            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
                            podSelector: { matchLabels: { "app.kubernetes.io/name": "traefik" } },
                        },
                    ],
                    ports: [{ protocol: "TCP", port: 3000 }],
                },
            ],
        );
    });

    it("admits the ingress controller the site names instead of Traefik", () => {
        const nginx = { namespace: "ingress-nginx", pods: { "app.kubernetes.io/name": "ingress-nginx" } };
        assert.deepEqual(
            allowSpec(
                PLATFORM_TRAFFIC.argocd.find((a) => a.name === "ui")!,
                nginx,
            ).ingress,
            [
                {
                    from: [
                        {
                            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } },
                            podSelector: { matchLabels: { "app.kubernetes.io/name": "ingress-nginx" } },
                        },
                    ],
                    ports: [{ protocol: "TCP", port: 8080 }],
                },
            ],
        );
    });

    it("admits a namespace's own pods to each other", () => {
        assert.deepEqual(allowSpec(PLATFORM_TRAFFIC.argocd[0], K3S_TRAEFIK).ingress, [{ from: [{ podSelector: {} }] }]);
    });
});

describe("PLATFORM_TRAFFIC", () => {
    it("gives every allow a reason", () => {
        for (const [namespace, allows] of Object.entries(PLATFORM_TRAFFIC)) {
            for (const allow of allows) assert.ok(allow.reason.length > 20, `${namespace}/${allow.name}`);
        }
    });
});
