// K3s's CIS hardening (docs.k3s.io/security/hardening-guide): the flags every node or server
// runs with, and the files those flags name, which the node's install writes before K3s starts.
import { stringify } from "yaml";

/** Where the hardened API server reads its admission and audit policies and writes its log, and
 *  where the kernel settings the hardened kubelet insists on live. */
export const HARDENING_FILES = {
    admission: "/var/lib/rancher/k3s/server/psa.yaml",
    auditPolicy: "/var/lib/rancher/k3s/server/audit.yaml",
    // kube-apiserver's log rotation (lumberjack) creates the folder itself.
    auditLog: "/var/lib/rancher/k3s/server/logs/audit.log",
    kernelSettings: "/etc/sysctl.d/90-kubelet.conf",
} as const;

/** TLS cipher suites the hardening guide allows the kubelet. */
const KUBELET_CIPHERS = [
    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305",
    "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305",
].join(",");

/** Every node's part: the kubelet refuses kernel settings other than the ones it needs, drops
 *  idle streams and speaks only strong ciphers. All three are `k3s agent` flags too. */
export const HARDENED_NODE = {
    "protect-kernel-defaults": true,
    "kubelet-arg": ["streaming-connection-idle-timeout=5m", `tls-cipher-suites=${KUBELET_CIPHERS}`],
};

/** A server's part: admission (Pod Security defaults, event rate limits), the audit log with
 *  rotation, no extended service-account tokens. */
export const HARDENED_API_SERVER_ARGS = [
    "enable-admission-plugins=NodeRestriction,EventRateLimit",
    `admission-control-config-file=${HARDENING_FILES.admission}`,
    `audit-log-path=${HARDENING_FILES.auditLog}`,
    `audit-policy-file=${HARDENING_FILES.auditPolicy}`,
    "audit-log-maxage=30",
    "audit-log-maxbackup=10",
    "audit-log-maxsize=100",
    "service-account-extend-token-expiration=false",
];

/** The kernel settings `protect-kernel-defaults` checks when the kubelet starts. */
export const KERNEL_SETTINGS = [
    "vm.panic_on_oom=0",
    "vm.overcommit_memory=1",
    "kernel.panic=10",
    "kernel.panic_on_oops=1",
]
    .map((line) => `${line}\n`)
    .join("");

/** Pod Security: baseline wherever a namespace names no level (Argo CD creates application
 *  namespaces without labels), restricted reported; the platform's namespaces carry their own
 *  levels. Event rate limits as the hardening guide sets them. */
export const ADMISSION_CONFIG = stringify({
    apiVersion: "apiserver.config.k8s.io/v1",
    kind: "AdmissionConfiguration",
    plugins: [
        {
            name: "PodSecurity",
            configuration: {
                apiVersion: "pod-security.admission.config.k8s.io/v1",
                kind: "PodSecurityConfiguration",
                defaults: {
                    enforce: "baseline",
                    "enforce-version": "latest",
                    audit: "restricted",
                    "audit-version": "latest",
                    warn: "restricted",
                    "warn-version": "latest",
                },
                exemptions: { usernames: [], runtimeClasses: [], namespaces: ["kube-system"] },
            },
        },
        {
            name: "EventRateLimit",
            configuration: {
                apiVersion: "eventratelimit.admission.k8s.io/v1alpha1",
                kind: "Configuration",
                limits: [{ type: "Server", qps: 5000, burst: 20000 }],
            },
        },
    ],
});

/** Every request's metadata, nothing of its body. */
export const AUDIT_POLICY = stringify({
    apiVersion: "audit.k8s.io/v1",
    kind: "Policy",
    rules: [{ level: "Metadata" }],
});
