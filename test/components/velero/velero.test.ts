import * as assert from "node:assert/strict";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { credentialsFile, Velero, VeleroArgs, veleroValues } from "../../../components/velero/velero";
import { names, only, registrations } from "../../harness";

const PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

const args = (change: Partial<VeleroArgs> = {}): VeleroArgs => ({
    target: { endpoint: "minio.home.arpa:9000", bucket: "velero" },
    credentials: { accessKey: "access", secretKey: "secret" },
    schedules: { daily: { schedule: "0 3 * * *", ttl: "72h" } },
    excludedNamespaces: ["kube-system"],
    resources: "reduced",
    serviceMonitors: { crds: {} as pulumi.Resource },
    ...change,
});

/** The one backup storage location of the values. */
const location = (values: Record<string, unknown>) =>
    (values as { configuration: { backupStorageLocation: Record<string, unknown>[] } }).configuration
        .backupStorageLocation[0];

describe("veleroValues", () => {
    it("reaches a MinIO over TLS at host:port, path-style, in MinIO's default region", () => {
        assert.deepEqual(location(veleroValues(args())).config, {
            region: "us-east-1",
            s3ForcePathStyle: "true",
            s3Url: "https://minio.home.arpa:9000",
        });
    });

    it("speaks plain HTTP where the store is insecure, in the bucket's folder and region", () => {
        const values = veleroValues(
            args({
                target: { endpoint: "10.0.0.5:9000", bucket: "velero", folder: "lab", region: "home", insecure: true },
            }),
        );
        assert.deepEqual(
            [location(values).prefix, location(values).config],
            ["lab", { region: "home", s3ForcePathStyle: "true", s3Url: "http://10.0.0.5:9000" }],
        );
    });

    it("trusts a private CA as base64 PEM, or skips verifying where asked", () => {
        const withCa = location(
            veleroValues(args({ target: { endpoint: "minio:9000", bucket: "velero", caCert: PEM } })),
        );
        assert.equal(withCa.caCert, Buffer.from(PEM).toString("base64"));
        const unverified = location(
            veleroValues(args({ target: { endpoint: "minio:9000", bucket: "velero", skipSslVerify: true } })),
        );
        assert.equal((unverified.config as Record<string, string>).insecureSkipTLSVerify, "true");
    });

    it("turns the chart's hook Jobs and volume snapshots off: file-system backups only", () => {
        const values = veleroValues(args()) as any;
        assert.deepEqual(
            [values.upgradeCRDs, values.cleanUpCRDs, values.snapshotsEnabled, values.deployNodeAgent],
            [false, false, false, true],
        );
        assert.deepEqual(
            [values.configuration.uploaderType, values.configuration.defaultVolumesToFsBackup],
            ["kopia", true],
        );
    });

    it("makes a Schedule of each, backing up every namespace but the excluded ones", () => {
        assert.deepEqual((veleroValues(args()) as any).schedules, {
            daily: {
                schedule: "0 3 * * *",
                useOwnerReferencesInBackup: false,
                template: {
                    ttl: "72h",
                    includedNamespaces: ["*"],
                    excludedNamespaces: ["kube-system"],
                    defaultVolumesToFsBackup: true,
                    snapshotVolumes: false,
                    storageLocation: "default",
                },
            },
        });
    });

    it("runs the server as the image's user by number, so Pod Security restricted admits it", () => {
        assert.deepEqual((veleroValues(args()) as any).podSecurityContext, {
            runAsNonRoot: true,
            runAsUser: 1002,
            runAsGroup: 1000,
            fsGroup: 1000,
            seccompProfile: { type: "RuntimeDefault" },
        });
    });

    it("lays the stack's values over its own, last", () => {
        assert.equal((veleroValues(args({ values: { deployNodeAgent: false } })) as any).deployNodeAgent, false);
    });
});

describe("Velero", () => {
    it("writes the S3 keys from Pulumi as a secret AWS credentials file, before the chart", async () => {
        const recorded = await registrations(() => {
            new Velero("velero", args({ serviceMonitors: { crds: new k8s.core.v1.Namespace("crds-stand-in", {}) } }));
        });
        const secret = only(recorded, "kubernetes:core/v1:Secret", "velero-credentials");
        assert.deepEqual(secret.inputs.stringData, {
            cloud: "[default]\naws_access_key_id=access\naws_secret_access_key=secret\n",
        });
        assert.deepEqual(secret.secretInputs, ["stringData"]);
        assert.ok(
            names(only(recorded, "kubernetes:helm.sh/v4:Chart", "velero-chart").dependencies).includes(
                "velero-credentials",
            ),
        );
    });

    it("has External Secrets write the credentials file from the store's accessKey and secretKey", async () => {
        const recorded = await registrations(() => {
            const store = new k8s.core.v1.Namespace("store-stand-in", {});
            new Velero(
                "velero",
                args({ credentials: { store: { name: "homelab-velero", resource: store }, key: "velero" } }),
            );
        });
        const external = only(recorded, "kubernetes:external-secrets.io/v1:ExternalSecret", "velero-credentials");
        assert.deepEqual(external.inputs.spec, {
            refreshInterval: "1h",
            secretStoreRef: { kind: "ClusterSecretStore", name: "homelab-velero" },
            target: {
                name: "velero-credentials",
                template: {
                    data: {
                        cloud: "[default]\naws_access_key_id={{ .accessKey }}\naws_secret_access_key={{ .secretKey }}\n",
                    },
                },
            },
            data: [
                { secretKey: "accessKey", remoteRef: { key: "velero", property: "accessKey" } },
                { secretKey: "secretKey", remoteRef: { key: "velero", property: "secretKey" } },
            ],
        });
        assert.deepEqual(names(external.dependencies).sort(), ["store-stand-in", "velero-namespace"]);
        assert.deepEqual((external.inputs.metadata as { annotations: unknown }).annotations, {
            "pulumi.com/waitFor": "condition=Ready",
        });
    });

    it("writes the AWS plugin's credentials file format", () => {
        assert.equal(credentialsFile("a", "b"), "[default]\naws_access_key_id=a\naws_secret_access_key=b\n");
    });
});
