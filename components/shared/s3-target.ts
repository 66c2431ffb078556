// An S3-compatible object store (a homelab MinIO, say), as K3s's etcd snapshots and Velero reach
// it; the keys are secrets, given separately.

export interface S3Target {
    /** `host` or `host:port`, without a scheme. */
    readonly endpoint: string;
    readonly bucket: string;
    /** Folder inside the bucket. Default: its root. */
    readonly folder?: string;
    /** The bucket's region. Default: the endpoint's own (for Velero, MinIO's us-east-1). */
    readonly region?: string;
    /** Plain HTTP. Default false. */
    readonly insecure?: boolean;
    /** TLS without verifying the endpoint's certificate. Default false. */
    readonly skipSslVerify?: boolean;
    /** PEM CA of the endpoint's certificate, for a private CA. Default: the system's CAs. */
    readonly caCert?: string;
}
