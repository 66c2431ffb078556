// The platform on the stack's cluster, each component shaped by the environment profile: the
// Prometheus Operator's CRDs first, since Argo CD, External Secrets and monitoring render
// ServiceMonitors and rules; MetalLB, cert-manager, Argo CD and External Secrets (with the
// profile's secret store) install in parallel; monitoring waits for cert-manager, which issues
// its admission webhook's certificate; network policies guard the namespaces where the profile asks; the
// ApplicationSets hand the cluster to GitOps once Argo CD is ready.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import { ApplicationSets } from "../components/application-sets";
import { ARGOCD_NAMESPACE, ArgoCd } from "../components/argocd";
import {
    CERT_MANAGER_NAMESPACE,
    CertManager,
    certManagerServiceMonitor,
    clusterIssuerName,
} from "../components/cert-manager";
import { EXTERNAL_SECRETS_NAMESPACE, ExternalSecrets } from "../components/external-secrets";
import { KubernetesSecretStore, PLAIN_SECRETS_NAMESPACE } from "../components/secret-store/kubernetes";
import { NetworkPolicies } from "../components/network-policies";
import { METALLB_NAMESPACE, MetalLb, metallbServiceMonitor } from "../components/metallb";
import { runbookUrl } from "../components/monitoring/platform-rules";
import { uiHosts } from "./ui-hosts";
import { K3sMetrics } from "../components/monitoring/k3s-scrapes";
import { Monitoring, MONITORING_NAMESPACE } from "../components/monitoring/monitoring";
import { PrometheusOperatorCrds } from "../components/prometheus-operator-crds";
import { VaultSecretStore } from "../components/secret-store/vault";
import { BackupDrill, CANARY_NAMESPACE } from "../components/velero/drill";
import { S3Credentials, Velero, VELERO_NAMESPACE } from "../components/velero/velero";
import { storeName } from "../components/secret-store/store";
import { Application } from "../components/shared/application";
import { StackConfig, VELERO_VAULT_KEY } from "./config/stack-config";

/** Velero, as a consumer of Vault's secrets: the store of its own that reads `<kvMount>/velero`. */
const VELERO_SECRETS: Application = { name: VELERO_VAULT_KEY, namespace: VELERO_NAMESPACE };

/** The secret store of the profile: Vault (production) or plain Kubernetes secrets. Both are
 *  the same-named ClusterSecretStore, so an application's ExternalSecret works everywhere. */
function profileSecretStore(
    config: StackConfig,
    externalSecrets: ExternalSecrets,
    provider: k8s.Provider,
    apiServer: pulumi.Input<string>,
) {
    const guards = config.guards;
    // Each application reads its own secrets only, through a store its namespace alone may use;
    // Velero reads its S3 keys from Vault the same way where the keys live there.
    const applications = config.applications;
    if (config.secretStore.backend === "kubernetes") {
        return new KubernetesSecretStore(
            "secret-store",
            { ...guards, externalSecrets, applications, secrets: config.secretStore.plainSecrets },
            { provider },
        );
    }
    const { backend: _backend, token, ...settings } = config.secretStore;
    // Credentials from the secret vaultToken, else the provider reads VAULT_TOKEN from the environment;
    // a private CA from the repository's file vault.caCertFile, by its path in the project's folder,
    // where the provider runs: the same input on every machine, found by refresh and destroy too.
    const vaultProvider = new vault.Provider("vault", {
        address: settings.address,
        token,
        caCertFile: settings.caCert?.file,
    });
    return new VaultSecretStore(
        "secret-store",
        {
            externalSecrets,
            ...settings,
            caCert: settings.caCert?.pem,
            kubernetesHost: settings.kubernetesHost ?? apiServer,
            environment: config.environment,
            applications: [
                ...applications,
                ...(config.backups && "vault" in config.backups.credentials ? [VELERO_SECRETS] : []),
            ],
            protect: guards.protect,
        },
        { providers: { kubernetes: provider, vault: vaultProvider } },
    );
}

/** The store where the keys are in Vault; the profile that keeps them there has a Vault store. */
function vaultStore(store: KubernetesSecretStore | VaultSecretStore): VaultSecretStore {
    if (!(store instanceof VaultSecretStore))
        throw new Error("internal: Velero's keys are in Vault, but the stack has no Vault store");
    return store;
}

/** Velero with its keys (from Pulumi, or from Vault through its store) and the restore drill. */
function backupComponents(
    config: StackConfig,
    backups: NonNullable<StackConfig["backups"]>,
    crds: PrometheusOperatorCrds,
    store: KubernetesSecretStore | VaultSecretStore,
    provider: k8s.Provider,
) {
    const credentials: S3Credentials =
        "accessKey" in backups.credentials
            ? backups.credentials
            : {
                  store: {
                      name: storeName(VELERO_SECRETS.name),
                      resource: vaultStore(store).storeOf(VELERO_SECRETS.name),
                  },
                  key: backups.credentials.vault.key,
              };
    const velero = new Velero(
        "velero",
        {
            ...config.guards,
            target: backups.target,
            credentials,
            schedules: backups.schedules,
            excludedNamespaces: backups.excludedNamespaces,
            resources: config.workloads.resources,
            serviceMonitors: { crds },
            values: config.components.velero?.values,
        },
        { provider },
    );
    const drill = new BackupDrill(
        "backup-drill",
        {
            veleroNamespace: velero.namespace.metadata.name,
            velero: velero.chart,
            schedule: backups.drill,
            storageClass: config.storageClass,
            podSecurity: config.guards.podSecurity,
        },
        { provider },
    );
    return { velero, drill };
}

/** Installs the platform components with `provider` and returns what admins need from them.
 *  `apiServer` is the cluster's API URL as seen from outside (Vault reviews tokens there). */
export function platform(
    config: StackConfig,
    provider: k8s.Provider,
    apiServer: pulumi.Input<string>,
    k3sMetrics?: K3sMetrics,
) {
    const { profile, guards, workloads, components } = config;
    const clusterIssuer = clusterIssuerName(config.issuer);
    // What both UIs share: their sizing, guards, and an ingress with a certificate.
    const ui = { ...guards, ...workloads, clusterIssuer, ingressClass: config.ingressClass };

    const monitoringCrds = new PrometheusOperatorCrds(
        "prometheus-operator-crds",
        { protect: guards.protect },
        { provider },
    );
    const metallb = new MetalLb(
        "metallb",
        { ...guards, pools: config.metallb.pools, resources: workloads.resources, values: components.metallb?.values },
        { provider },
    );
    const certManager = new CertManager(
        "cert-manager",
        { ...guards, ...workloads, issuer: config.issuer, values: components.certManager?.values },
        { provider },
    );
    const argocd = new ArgoCd(
        "argocd",
        {
            ...ui,
            host: uiHosts(config.domain).argocd,
            highAvailability: profile.highAvailability,
            serviceMonitors: { crds: monitoringCrds },
            sshKnownHosts: config.gitops.knownHosts,
            values: components.argocd?.values,
        },
        { provider },
    );
    const monitoring = new Monitoring(
        "monitoring",
        {
            ...ui,
            host: uiHosts(config.domain).grafana,
            retention: profile.monitoring.retention,
            storage: config.monitoringStorage,
            // K3s serves its control-plane metrics off localhost only where the program installed it
            // (with the flags that expose them); on an existing cluster those scrapes stay off, so
            // there is no false TargetDown.
            k3s: k3sMetrics,
            alerts: config.alerts,
            certManager,
            crds: monitoringCrds,
            additionalServiceMonitors: [certManagerServiceMonitor(), metallbServiceMonitor()],
            platformAlerts: {
                runbook: runbookUrl(config.gitops.repoUrl, config.gitops.revision),
                // Snapshots exist only where the program installed K3s with embedded etcd.
                snapshots:
                    k3sMetrics?.etcd && profile.etcdSnapshots.enabled
                        ? { maxAge: profile.etcdSnapshots.alertAfter }
                        : undefined,
                backups: config.backups?.alerts,
            },
            values: components.monitoring?.values,
        },
        { provider },
    );

    const externalSecrets = new ExternalSecrets(
        "external-secrets",
        {
            ...guards,
            ...workloads,
            serviceMonitors: { crds: monitoringCrds },
            values: components.externalSecrets?.values,
        },
        { provider },
    );
    const store = profileSecretStore(config, externalSecrets, provider, apiServer);
    const backups = config.backups && backupComponents(config, config.backups, monitoringCrds, store, provider);

    if (profile.networkPolicies === "default-deny") {
        const namespaces = {
            [METALLB_NAMESPACE]: metallb.namespace,
            [CERT_MANAGER_NAMESPACE]: certManager.namespace,
            [ARGOCD_NAMESPACE]: argocd.namespace,
            [MONITORING_NAMESPACE]: monitoring.namespace,
            [EXTERNAL_SECRETS_NAMESPACE]: externalSecrets.namespace,
            ...(store instanceof KubernetesSecretStore ? { [PLAIN_SECRETS_NAMESPACE]: store.namespace } : {}),
            ...(backups
                ? { [VELERO_NAMESPACE]: backups.velero.namespace, [CANARY_NAMESPACE]: backups.drill.canaryNamespace }
                : {}),
        };
        new NetworkPolicies(
            "network-policies",
            { namespaces, ingressController: config.ingressController },
            { provider },
        );
    }

    new ApplicationSets(
        "gitops",
        {
            argocd,
            repoUrl: config.gitops.repoUrl,
            revision: config.gitops.revision,
            path: config.gitops.path,
            platform: {
                environment: config.environment,
                domain: config.domain,
                clusterIssuer,
                ingressClass: config.ingressClass,
            },
            namespaceSuffix: profile.namespaceSuffix,
            applicationsSync: profile.applicationsSync,
            applications: config.applications,
            credentials: config.gitopsCredentials,
            platformReady: [...store.stores, certManager.issuer],
            namespaceGuard: {
                podSecurity: guards.podSecurity,
                networkPolicies:
                    profile.networkPolicies === "default-deny"
                        ? { ingressController: config.ingressController }
                        : undefined,
            },
        },
        { provider },
    );

    return {
        argocdUrl: argocd.url,
        grafanaUrl: monitoring.grafanaUrl,
        grafanaAdminPassword: monitoring.grafanaAdminPassword,
        clusterIssuer,
        metallbPools: config.metallb.pools.map((pool) => ({ name: pool.name, addresses: pool.addresses })),
        // What scripts/backup-gate.sh reads before an update, where the profile gates updates.
        ...(config.backups?.gate ? { backupGate: config.backups.gate } : {}),
    };
}
