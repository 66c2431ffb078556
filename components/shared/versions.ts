// Every chart and image the program installs, pinned in one place so that a bump is one line
// and Renovate can find it. Versions match the upstream data the checks use (shared/upstream).

export interface ChartPin {
    /** Chart name in its repository. */
    readonly chart: string;
    /** Exact chart version. */
    readonly version: string;
    /** Helm repository URL. */
    readonly repo: string;
}

export const CHARTS = {
    // renovate: datasource=helm depName=argo-cd registryUrl=https://argoproj.github.io/argo-helm
    argocd: { chart: "argo-cd", version: "10.1.1", repo: "https://argoproj.github.io/argo-helm" },
    // renovate: datasource=helm depName=metallb registryUrl=https://metallb.github.io/metallb
    metallb: { chart: "metallb", version: "0.16.1", repo: "https://metallb.github.io/metallb" },
    // renovate: datasource=helm depName=cert-manager registryUrl=https://charts.jetstack.io
    certManager: { chart: "cert-manager", version: "v1.21.1", repo: "https://charts.jetstack.io" },
    // renovate: datasource=helm depName=kube-prometheus-stack registryUrl=https://prometheus-community.github.io/helm-charts
    monitoring: {
        chart: "kube-prometheus-stack",
        version: "88.5.3",
        repo: "https://prometheus-community.github.io/helm-charts",
    },
    // renovate: datasource=helm depName=external-secrets registryUrl=https://charts.external-secrets.io
    externalSecrets: { chart: "external-secrets", version: "2.9.0", repo: "https://charts.external-secrets.io" },
    // renovate: datasource=helm depName=velero registryUrl=https://vmware-tanzu.github.io/helm-charts
    velero: { chart: "velero", version: "12.1.0", repo: "https://vmware-tanzu.github.io/helm-charts" },
} as const satisfies Record<string, ChartPin>;

/** K3s release installed on the nodes (homelab:cluster.k3sVersion overrides it). */
// renovate: datasource=github-releases depName=k3s-io/k3s
export const K3S_VERSION = "v1.34.2+k3s1";

/** The oldest Kubernetes minor every pinned chart installs on: the highest `kubeVersion` floor in
 *  their Chart.yaml (argo-cd's and kube-prometheus-stack's `>=1.25.0-0`). Helm refuses a chart on
 *  an older cluster. */
export const MIN_KUBERNETES = { major: 1, minor: 25 } as const;

/** kube-vip, which holds the API's virtual IP on the servers. */
// renovate: datasource=docker depName=ghcr.io/kube-vip/kube-vip
export const KUBE_VIP_IMAGE = "ghcr.io/kube-vip/kube-vip:v1.2.3";

/** kubectl for the webhook gates' dry runs and the restore drill; within one minor version of the
 *  cluster's K3s. Its Debian base carries a shell and coreutils (kubernetes
 *  `build/server-image/kubectl/Dockerfile`), which the drill and its canary run on. */
// renovate: datasource=docker depName=registry.k8s.io/kubectl
export const KUBECTL_IMAGE = "registry.k8s.io/kubectl:v1.34.2";

/** Velero's object-store plugin for S3 and S3-compatible stores: the v1.14 releases are built
 *  against Velero 1.18. */
// renovate: datasource=docker depName=velero/velero-plugin-for-aws
export const VELERO_AWS_PLUGIN_IMAGE = "velero/velero-plugin-for-aws:v1.14.2";
