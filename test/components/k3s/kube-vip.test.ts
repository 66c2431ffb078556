import * as assert from "node:assert/strict";
import { parse } from "yaml";
import { K3sCluster } from "../../../components/k3s/cluster";
import { kubeVipManifest } from "../../../components/k3s/kube-vip";
import { KUBE_VIP_MANIFEST } from "../../../components/k3s/node-files";
import { KUBE_VIP_IMAGE } from "../../../components/shared/versions";
import { k3sNodes } from "../../fixtures";
import { only, registrations, unwrap } from "../../harness";
import { configIn, filesOf } from "./node-input";

const VIP = { address: "10.0.1.100", interface: "enp1s0" };
const COMMAND = "command:remote:Command";

describe("kube-vip", () => {
    it("holds the VIP on the servers' interface by ARP, with leader election, as a static pod", () => {
        const pod = parse(kubeVipManifest(VIP));
        const container = pod.spec.containers[0];
        assert.deepEqual(
            [pod.kind, pod.metadata, pod.spec.hostNetwork],
            [
                "Pod",
                {
                    annotations: { "homelab/admin-kubeconfig-sha256": "none" },
                    name: "kube-vip",
                    namespace: "kube-system",
                },
                true,
            ],
        );
        assert.equal(container.image, KUBE_VIP_IMAGE);
        assert.deepEqual(
            Object.fromEntries(container.env.filter((e: any) => "value" in e).map((e: any) => [e.name, e.value])),
            {
                vip_arp: "true",
                port: "6443",
                vip_interface: "enp1s0",
                vip_subnet: "32",
                dns_mode: "first",
                cp_enable: "true",
                cp_namespace: "kube-system",
                vip_leaderelection: "true",
                vip_leasename: "plndr-cp-lock",
                vip_leaseduration: "15",
                vip_renewdeadline: "10",
                vip_retryperiod: "2",
                address: "10.0.1.100",
                prometheus_server: ":2112",
            },
        );
        assert.deepEqual(container.securityContext.capabilities, { add: ["NET_ADMIN", "NET_RAW"], drop: ["ALL"] });
        // K3s's kubeconfig, where kube-vip reads its own.
        assert.deepEqual(pod.spec.volumes, [
            { name: "kubeconfig", hostPath: { path: "/etc/rancher/k3s/k3s.yaml", type: "File" } },
        ]);
        assert.deepEqual(container.volumeMounts, [{ name: "kubeconfig", mountPath: "/etc/kubernetes/admin.conf" }]);
    });

    describe("in a cluster with a VIP", () => {
        let recorded: Awaited<ReturnType<typeof registrations>>;
        let kubeconfig: string;
        before(async () => {
            recorded = await registrations(() => {
                const cluster = new K3sCluster("k3s", {
                    nodes: k3sNodes(3, 1),
                    version: "v1.34.2+k3s1",
                    apiAddress: VIP.address,
                    vip: VIP,
                    traefik: true,
                });
                void unwrap(cluster.kubeconfig).then((text) => (kubeconfig = text));
            });
        });
        const stdinOf = (node: string) => String(only(recorded, COMMAND, `k3s-${node}`).inputs.stdin);
        const configOf = (node: string) => configIn(stdinOf(node));

        it("hands every server kube-vip's manifest, to write before K3s starts, and no agent", () => {
            for (const server of ["server-1", "server-2", "server-3"]) {
                assert.equal(filesOf(stdinOf(server)).get(KUBE_VIP_MANIFEST), kubeVipManifest(VIP), server);
            }
            assert.equal(filesOf(stdinOf("agent-1")).has(KUBE_VIP_MANIFEST), false);
        });

        it("has every server check the API through the VIP before it is done", () => {
            assert.deepEqual(
                ["server-1", "server-2", "server-3"].map((s) => only(recorded, COMMAND, `k3s-${s}`).inputs.create),
                [
                    "sudo -n bash -s -- server v1.34.2+k3s1 server-1 10.0.1.100 10.0.1.100",
                    "sudo -n bash -s -- server v1.34.2+k3s1 server-2 10.0.1.100 10.0.1.100",
                    "sudo -n bash -s -- server v1.34.2+k3s1 server-3 10.0.1.100 10.0.1.100",
                ],
            );
        });

        it("puts the VIP in every server's TLS SANs and joins every other node through it", () => {
            for (const server of ["server-1", "server-2", "server-3"])
                assert.deepEqual(configOf(server)["tls-san"], ["10.0.1.100"]);
            for (const node of ["server-2", "server-3", "agent-1"])
                assert.equal(configOf(node).server, "https://10.0.1.100:6443");
        });

        it("points the kubeconfig at the VIP", () => {
            assert.match(kubeconfig, /server: https:\/\/10\.0\.1\.100:6443/);
        });
    });
});
