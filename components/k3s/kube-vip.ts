// kube-vip as a static pod on every server: it holds the API's virtual IP on one server at a
// time (ARP, leader election through a Lease) and moves it when that server goes. The kubelet
// starts it with K3s, so the VIP exists as soon as an API server does. The manifest is the one
// `kube-vip manifest pod --controlplane --arp --leaderElection` generates, with K3s's kubeconfig
// mounted where kube-vip reads its own (admin.conf).
import { stringify } from "yaml";
import { KUBE_SYSTEM } from "../shared/chart";
import { KUBE_VIP_IMAGE } from "../shared/versions";

/** The API's virtual IP and the servers' interface it is announced on. */
export interface Vip {
    readonly address: string;
    readonly interface: string;
}

const env = (name: string, value: string) => ({ name, value });

/** The annotation that restarts kube-vip when the kubeconfig it read has been renewed. */
export const KUBECONFIG_DIGEST = "homelab/admin-kubeconfig-sha256";

/** The static pod manifest for `/var/lib/rancher/k3s/agent/pod-manifests/kube-vip.yaml`. */
export function kubeVipManifest(vip: Vip): string {
    return stringify({
        apiVersion: "v1",
        kind: "Pod",
        metadata: {
            // install.sh replaces `none` with the digest of K3s's admin kubeconfig (see there).
            annotations: { [KUBECONFIG_DIGEST]: "none" },
            name: "kube-vip",
            namespace: KUBE_SYSTEM,
        },
        spec: {
            containers: [
                {
                    name: "kube-vip",
                    image: KUBE_VIP_IMAGE,
                    imagePullPolicy: "IfNotPresent",
                    args: ["manager"],
                    env: [
                        env("vip_arp", "true"),
                        env("port", "6443"),
                        { name: "vip_nodename", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
                        env("vip_interface", vip.interface),
                        env("vip_subnet", "32"),
                        env("dns_mode", "first"),
                        env("cp_enable", "true"),
                        env("cp_namespace", KUBE_SYSTEM),
                        env("vip_leaderelection", "true"),
                        env("vip_leasename", "plndr-cp-lock"),
                        env("vip_leaseduration", "15"),
                        env("vip_renewdeadline", "10"),
                        env("vip_retryperiod", "2"),
                        env("address", vip.address),
                        env("prometheus_server", ":2112"),
                    ],
                    securityContext: { capabilities: { add: ["NET_ADMIN", "NET_RAW"], drop: ["ALL"] } },
                    volumeMounts: [{ name: "kubeconfig", mountPath: "/etc/kubernetes/admin.conf" }],
                },
            ],
            // kube-vip talks to the local API server as `kubernetes:6443`.
            hostAliases: [{ ip: "127.0.0.1", hostnames: ["kubernetes"] }],
            hostNetwork: true,
            // The file K3s writes when it starts; until then the kubelet retries the pod.
            volumes: [{ name: "kubeconfig", hostPath: { path: "/etc/rancher/k3s/k3s.yaml", type: "File" } }],
        },
    });
}
