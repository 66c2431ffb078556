// What a K3s node serves, as the test data for de-duplication. One process per node runs the
// API server, controller-manager and scheduler (servers) and the kubelet and kube-proxy (every
// node), all registered in Kubernetes' one legacy registry, which each of their endpoints serves
// whole (k3s-io/k3s#2262; component-base metrics/legacyregistry). Embedded etcd serves client_golang's
// default registry on 2381: etcd's own families, that registry's Go and process collectors, and
// the few collectors Kubernetes registers in both (kube-aggregator's availability gauge).
import { ClusterNode } from "./topologies";

/** Metric families each part of the process registers, and the job expected to keep each one. */
export const FAMILIES: Readonly<Record<string, { readonly job: string; readonly names: readonly string[] }>> = {
    apiserver: {
        job: "apiserver",
        names: [
            "apiserver_request_total",
            "apiserver_request_duration_seconds_bucket",
            "apiserver_client_certificate_expiration_seconds_count",
            "authentication_token_cache_request_total",
            "apiserver_storage_objects",
            "apiserver_encryption_config_controller_automatic_reload_success_total",
            "aggregator_unavailable_apiservice",
            "apiextensions_openapi_v3_regeneration_count",
            "authentication_attempts",
            "authorization_attempts_total",
            "etcd_request_duration_seconds_bucket",
            "etcd_requests_total",
            "etcd_bookmark_counts",
            "field_validation_request_duration_seconds_bucket",
            "kube_apiserver_pod_logs_backend_tls_failure_total",
            "serviceaccount_legacy_tokens_total",
            "watch_cache_capacity",
        ],
    },
    controllerManager: {
        job: "kubelet",
        names: [
            "node_collector_evictions_total",
            "replicaset_controller_sorting_deletion_age_ratio_bucket",
            "job_controller_pod_failures_handled_by_failure_policy_total",
            "endpoint_slice_controller_changes",
            "garbagecollector_controller_resources_sync_error_total",
        ],
    },
    scheduler: {
        job: "kube-scheduler",
        names: [
            "scheduler_pending_pods",
            "scheduler_schedule_attempts_total",
            "scheduler_scheduling_attempt_duration_seconds_bucket",
        ],
    },
    kubelet: {
        job: "kubelet",
        names: [
            "kubelet_running_pods",
            "kubelet_node_name",
            "kubelet_pleg_relist_duration_seconds_bucket",
            "kubelet_volume_stats_available_bytes",
            "kubelet_certificate_manager_client_ttl_seconds",
            "storage_operation_duration_seconds_bucket",
            "volume_manager_total_volumes",
        ],
    },
    proxy: {
        job: "kube-proxy",
        names: [
            "kubeproxy_sync_proxy_rules_duration_seconds_bucket",
            "kubeproxy_network_programming_duration_seconds_bucket",
        ],
    },
    // Every process: the Go runtime, the process, client-go, workqueues, K3s's own metrics.
    process: {
        job: "kubelet",
        names: [
            "go_goroutines",
            "process_resident_memory_bytes",
            "process_cpu_seconds_total",
            "rest_client_requests_total",
            "workqueue_depth",
            "kubernetes_build_info",
            "leader_election_master_status",
            "k3s_etcd_snapshot_save_duration_seconds_count",
        ],
    },
    etcd: {
        job: "kube-etcd",
        names: [
            "etcd_server_has_leader",
            "etcd_server_leader_changes_seen_total",
            "etcd_disk_wal_fsync_duration_seconds_bucket",
            "etcd_network_peer_round_trip_time_seconds_bucket",
            "etcd_mvcc_db_total_size_in_bytes",
            "grpc_server_handled_total",
        ],
    },
};

/** API server families a kubelet registers for authenticating its own clients. */
const KUBELET_AUTHENTICATION = [
    "apiserver_client_certificate_expiration_seconds_count",
    "authentication_token_cache_request_total",
];

/** The jobs whose targets are endpoints of a node's K3s process, and what each serves. */
export const PROCESS_ENDPOINTS: Readonly<Record<string, "legacy" | "etcd">> = {
    apiserver: "legacy",
    kubelet: "legacy",
    "kube-controller-manager": "legacy",
    "kube-scheduler": "legacy",
    "kube-proxy": "legacy",
    "kube-etcd": "etcd",
};

/** The families a node's endpoint serves. */
export function served(node: ClusterNode, etcd: boolean, registry: "legacy" | "etcd"): string[] {
    if (registry === "etcd")
        return [
            ...FAMILIES.etcd.names,
            "go_goroutines",
            "process_resident_memory_bytes",
            "process_cpu_seconds_total",
            "aggregator_unavailable_apiservice",
        ];
    const parts =
        node.role === "server"
            ? ["apiserver", "controllerManager", "scheduler", "kubelet", "proxy", "process"]
            : ["kubelet", "proxy", "process"];
    return [
        ...parts.flatMap((part) => FAMILIES[part].names),
        // The kubelet authenticates its own clients, registering these API server families too.
        ...(node.role === "agent" ? KUBELET_AUTHENTICATION : []),
    ].filter((n) => etcd || !n.startsWith("k3s_etcd_"));
}

/** Whether a node runs the component behind a job (false: a target that can only be down). */
export function runs(node: ClusterNode, job: string, etcd: boolean): boolean {
    if (job === "kubelet" || job === "kube-proxy") return true;
    if (job === "kube-etcd") return etcd && node.role === "server";
    return node.role === "server";
}
