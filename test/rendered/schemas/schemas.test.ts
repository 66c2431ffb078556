import * as assert from "node:assert/strict";
import { hasBuiltinSchema, schemaProblems, type SchemaProblem } from "./index";

type Obj = Record<string, any>;

const deployment = (edit?: (d: Obj) => void): Obj => {
    const d: Obj = {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "web", namespace: "apps", labels: { "app.kubernetes.io/name": "web" } },
        spec: {
            replicas: 2,
            selector: { matchLabels: { "app.kubernetes.io/name": "web" } },
            template: {
                metadata: { labels: { "app.kubernetes.io/name": "web" }, annotations: { "example.com/hash": "abc" } },
                spec: {
                    containers: [
                        {
                            name: "web",
                            image: "nginx:1.27",
                            ports: [{ name: "http", containerPort: 8080 }],
                            resources: { requests: { cpu: "100m", memory: "64Mi" }, limits: { memory: 128974848 } },
                            readinessProbe: { httpGet: { path: "/", port: "http" } },
                            securityContext: { runAsNonRoot: true, capabilities: { drop: ["ALL"] } },
                        },
                    ],
                },
            },
            strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "25%", maxSurge: 1 } },
        },
    };
    edit?.(d);
    return d;
};
const service = (edit?: (s: Obj) => void): Obj => {
    const s: Obj = {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "web", namespace: "apps" },
        spec: { type: "ClusterIP", selector: { app: "web" }, ports: [{ port: 80, targetPort: "http" }] },
    };
    edit?.(s);
    return s;
};
const error = (path: string, message: string): SchemaProblem => ({ path, message, severity: "error" });
const unknownField = (path: string, message: string): SchemaProblem => ({ path, message, severity: "unknown-field" });

describe("schemaProblems: built-in kinds", () => {
    it("accepts a valid Deployment", () => assert.deepEqual(schemaProblems(deployment(), []), []));

    it("accepts a valid Service", () => assert.deepEqual(schemaProblems(service(), []), []));

    it("reports a missing required field", () =>
        assert.deepEqual(
            schemaProblems(
                deployment((d) => delete d.spec.selector),
                [],
            ),
            [error("/spec/selector", "required field is missing")],
        ));

    it("reports a wrong type", () =>
        assert.deepEqual(
            schemaProblems(
                deployment((d) => (d.spec.replicas = "two")),
                [],
            ),
            [error("/spec/replicas", 'must be integer, got string "two"')],
        ));

    it("reports an int-or-string that is neither", () =>
        assert.deepEqual(
            schemaProblems(
                deployment((d) => (d.spec.template.spec.containers[0].readinessProbe.httpGet.port = true)),
                [],
            ),
            [
                error(
                    "/spec/template/spec/containers/0/readinessProbe/httpGet/port",
                    "must be string or integer, got boolean true",
                ),
            ],
        ));

    it("reports a malformed quantity", () =>
        assert.deepEqual(
            schemaProblems(
                deployment((d) => (d.spec.template.spec.containers[0].resources.requests.cpu = "100 m")),
                [],
            ),
            [
                error(
                    "/spec/template/spec/containers/0/resources/requests/cpu",
                    'must match exactly one of: must be number; must be a quantity such as 500m or 1Gi (format quantity), got string "100 m"',
                ),
            ],
        ));

    it("reports a number where a string is expected, and data that is not base64", () => {
        assert.deepEqual(
            schemaProblems(
                deployment((d) => (d.spec.template.spec.containers[0].env = [{ name: "WORKERS", value: 4 }])),
                [],
            ),
            [error("/spec/template/spec/containers/0/env/0/value", "must be string, got number 4")],
        );
        const secret = { apiVersion: "v1", kind: "Secret", metadata: { name: "s" }, data: { password: "hunter2" } };
        assert.deepEqual(schemaProblems(secret, []), [
            error("/data/password", 'must be base64 data (format byte), got string "hunter2"'),
        ]);
    });

    it("reports an unknown field in a container as dropped, with the field meant", () =>
        assert.deepEqual(
            schemaProblems(
                deployment((d) => (d.spec.template.spec.containers[0].resource = { limits: { cpu: "1" } })),
                [],
            ),
            [
                unknownField(
                    "/spec/template/spec/containers/0/resource",
                    'unknown field "resource" (dropped by the API server); did you mean "resources"?',
                ),
            ],
        ));

    it("reports unknown fields at the top level and in metadata", () =>
        assert.deepEqual(
            schemaProblems(
                deployment((d) => {
                    d.metadata.label = { a: "b" };
                    d.sepc = {};
                }),
                [],
            ),
            [
                unknownField(
                    "/metadata/label",
                    'unknown field "label" (dropped by the API server); did you mean "labels"?',
                ),
                unknownField("/sepc", 'unknown field "sepc" (dropped by the API server); did you mean "spec"?'),
            ],
        ));

    it("reports an invalid enum value", () =>
        assert.deepEqual(
            schemaProblems(
                service((s) => (s.spec.type = "Cluster")),
                [],
            ),
            [
                error(
                    "/spec/type",
                    'must be one of "ClusterIP", "ExternalName", "LoadBalancer", "NodePort", got string "Cluster"',
                ),
            ],
        ));

    it("reports an invalid label value and label key", () =>
        assert.deepEqual(
            schemaProblems(
                deployment((d) => {
                    d.metadata.labels.version = "v1.0+build";
                    d.spec.template.metadata.labels["-team"] = "web";
                }),
                [],
            ),
            [
                error(
                    "/metadata/labels/version",
                    `label value "v1.0+build" must be at most 63 characters, empty or letters, digits, '-', '_' or '.' starting and ending with a letter or digit`,
                ),
                error(
                    "/spec/template/metadata/labels/-team",
                    `label key "-team" must have a name part of at most 63 characters: letters, digits, '-', '_' or '.', starting and ending with a letter or digit`,
                ),
            ],
        ));

    it("reports an invalid annotation key", () =>
        assert.deepEqual(
            schemaProblems(
                deployment((d) => (d.metadata.annotations = { "Example.com/a": "x", "a/b/c": "y" })),
                [],
            ),
            [
                error(
                    "/metadata/annotations/a~1b~1c",
                    `annotation key "a/b/c" must be a name with an optional prefix and one '/' (e.g. 'example.com/my-name')`,
                ),
            ],
        ));

    it("reports a name that is not a DNS subdomain", () =>
        assert.deepEqual(
            schemaProblems(
                deployment((d) => (d.metadata.name = "Web_App")),
                [],
            ),
            [
                error(
                    "/metadata/name",
                    `name "Web_App" must be a DNS-1123 subdomain (lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters)`,
                ),
            ],
        ));

    it("requires a Service name to be a DNS-1035 label and a Namespace name a DNS label", () => {
        assert.deepEqual(
            schemaProblems(
                service((s) => (s.metadata.name = "web.apps")),
                [],
            ),
            [
                error(
                    "/metadata/name",
                    `name "web.apps" must be a DNS-1035 label (lowercase letters, digits and '-', starting with a letter, ending with a letter or digit, at most 63 characters)`,
                ),
            ],
        );
        assert.deepEqual(schemaProblems({ apiVersion: "v1", kind: "Namespace", metadata: { name: "a.b" } }, []), [
            error(
                "/metadata/name",
                `name "a.b" must be a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters)`,
            ),
        ]);
    });

    it("accepts RBAC names with colons", () =>
        assert.deepEqual(
            schemaProblems(
                {
                    apiVersion: "rbac.authorization.k8s.io/v1",
                    kind: "ClusterRole",
                    metadata: { name: "system:aggregate-to-view:example" },
                    rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }],
                },
                [],
            ),
            [],
        ));

    it("reports a missing name", () =>
        assert.deepEqual(schemaProblems({ apiVersion: "v1", kind: "ConfigMap", metadata: {}, data: { a: "b" } }, []), [
            error("/metadata/name", "required field is missing"),
        ]));

    it("reports a pre-release version of a built-in API", () =>
        assert.deepEqual(
            schemaProblems(
                {
                    apiVersion: "policy/v1beta1",
                    kind: "PodDisruptionBudget",
                    metadata: { name: "web" },
                    spec: { minAvailable: 1 },
                },
                [],
            ),
            [
                error(
                    "/apiVersion",
                    '"policy/v1beta1" is a pre-release version of a built-in API, not served by default (Kubernetes removed the old ones, and serves no new one by default since 1.24)',
                ),
            ],
        ));

    it("reports a kind the built-in API version does not have", () =>
        assert.deepEqual(schemaProblems({ apiVersion: "apps/v1", kind: "Deploymnet", metadata: { name: "web" } }, []), [
            error("/kind", 'kind "Deploymnet" is not part of the built-in "apps/v1"'),
        ]));

    it("reports a version a built-in API group does not have", () =>
        assert.deepEqual(
            schemaProblems(
                { apiVersion: "autoscaling/v3", kind: "HorizontalPodAutoscaler", metadata: { name: "web" } },
                [],
            ),
            [error("/apiVersion", '"autoscaling/v3" is not a version of the built-in API group "autoscaling"')],
        ));

    it("does not descend into a CRD's openAPIV3Schema", () => assert.deepEqual(schemaProblems(backupCrd, []), []));

    it("checks the items of a List", () =>
        assert.deepEqual(
            schemaProblems(
                {
                    apiVersion: "v1",
                    kind: "List",
                    items: [service(), service((s) => (s.spec.ports[0].port = "80"))],
                },
                [],
            ),
            [error("/items/1/spec/ports/0/port", 'must be integer, got string "80"')],
        ));

    it("checks the metadata of the items of a built-in list", () =>
        assert.deepEqual(
            schemaProblems(
                {
                    apiVersion: "v1",
                    kind: "ConfigMapList",
                    items: [
                        { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a" } },
                        { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "B" }, dta: {} },
                    ],
                },
                [],
            ),
            [
                unknownField("/items/1/dta", 'unknown field "dta" (dropped by the API server); did you mean "data"?'),
                error(
                    "/items/1/metadata/name",
                    `name "B" must be a DNS-1123 subdomain (lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters)`,
                ),
            ],
        ));

    it("ignores undefined values, as JSON does", () =>
        assert.deepEqual(
            schemaProblems(
                deployment((d) => (d.spec.paused = undefined)),
                [],
            ),
            [],
        ));
});

describe("hasBuiltinSchema", () => {
    it("knows the built-in kinds", () => {
        for (const [apiVersion, kind] of [
            ["apps/v1", "Deployment"],
            ["v1", "Service"],
            ["rbac.authorization.k8s.io/v1", "ClusterRoleBinding"],
            ["networking.k8s.io/v1", "NetworkPolicy"],
            ["admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration"],
            ["apiextensions.k8s.io/v1", "CustomResourceDefinition"],
            ["policy/v1", "PodDisruptionBudget"],
            ["batch/v1", "CronJob"],
        ]) {
            assert.equal(hasBuiltinSchema(apiVersion, kind), true, `${apiVersion} ${kind}`);
        }
    });
    it("knows no custom resource, no type that is not a kind and no unknown kind", () => {
        assert.equal(hasBuiltinSchema("cert-manager.io/v1", "Certificate"), false);
        assert.equal(hasBuiltinSchema("apps/v1", "DeploymentSpec"), false);
        assert.equal(hasBuiltinSchema("apps/v1", "Pod"), false);
        assert.equal(hasBuiltinSchema("apps/v1", "../v1/Pod"), false);
    });
});

const backupCrd: Obj = {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: "backups.example.com" },
    spec: {
        group: "example.com",
        scope: "Namespaced",
        names: { plural: "backups", singular: "backup", kind: "Backup", listKind: "BackupList" },
        versions: [
            {
                name: "v1",
                served: true,
                storage: true,
                schema: {
                    openAPIV3Schema: {
                        description: "A scheduled backup.",
                        type: "object",
                        properties: {
                            apiVersion: { type: "string" },
                            kind: { type: "string" },
                            metadata: { type: "object" },
                            spec: {
                                type: "object",
                                required: ["schedule"],
                                properties: {
                                    schedule: { type: "string", pattern: "^(@(hourly|daily)|[0-9*/, -]+)$" },
                                    retain: { type: "integer", format: "int32", minimum: 1 },
                                    port: {
                                        "x-kubernetes-int-or-string": true,
                                        anyOf: [{ type: "integer" }, { type: "string" }],
                                    },
                                    suspend: { type: "boolean", nullable: true },
                                    storage: { type: "string", enum: ["s3", "local"] },
                                    tags: { type: "array", items: { type: "string" } },
                                    labels: { type: "object", additionalProperties: { type: "string" } },
                                    options: {
                                        type: "object",
                                        "x-kubernetes-preserve-unknown-fields": true,
                                        properties: { compression: { type: "string" } },
                                    },
                                    target: {
                                        type: "object",
                                        "x-kubernetes-embedded-resource": true,
                                        properties: {
                                            spec: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
                                        },
                                    },
                                },
                                "x-kubernetes-validations": [{ rule: "self.retain < 100", message: "too many" }],
                            },
                            status: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
                        },
                    },
                },
                subresources: { status: {} },
            },
            {
                name: "v1alpha1",
                served: false,
                storage: false,
                schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } },
            },
        ],
    },
};
const crds = [backupCrd];

const backup = (edit?: (b: Obj) => void): Obj => {
    const b: Obj = {
        apiVersion: "example.com/v1",
        kind: "Backup",
        metadata: { name: "nightly", namespace: "apps", labels: { app: "db" } },
        spec: {
            schedule: "@daily",
            retain: 7,
            port: 5432,
            storage: "s3",
            tags: ["db"],
            labels: { team: "data" },
            target: { apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name: "data" }, spec: { a: 1 } },
        },
    };
    edit?.(b);
    return b;
};

describe("schemaProblems: custom resources", () => {
    it("accepts a valid custom resource", () => assert.deepEqual(schemaProblems(backup(), crds), []));

    it("reports a wrong type", () =>
        assert.deepEqual(
            schemaProblems(
                backup((b) => (b.spec.retain = "7")),
                crds,
            ),
            [error("/spec/retain", 'must be integer, got string "7"')],
        ));

    it("reports a value out of range, a pattern mismatch and an enum", () =>
        assert.deepEqual(
            schemaProblems(
                backup((b) => {
                    b.spec.retain = 0;
                    b.spec.schedule = "daily";
                    b.spec.storage = "gcs";
                }),
                crds,
            ),
            [
                error("/spec/schedule", 'must match the pattern "^(@(hourly|daily)|[0-9*/, -]+)$", got string "daily"'),
                error("/spec/retain", "must be >= 1, got number 0"),
                error("/spec/storage", 'must be one of "s3", "local", got string "gcs"'),
            ],
        ));

    it("reports a missing required field", () =>
        assert.deepEqual(
            schemaProblems(
                backup((b) => delete b.spec.schedule),
                crds,
            ),
            [error("/spec/schedule", "required field is missing")],
        ));

    it("reports an unknown field as pruned, with the field meant", () =>
        assert.deepEqual(
            schemaProblems(
                backup((b) => {
                    b.spec.retian = 7;
                    b.extra = true;
                }),
                crds,
            ),
            [
                unknownField("/extra", 'unknown field "extra" (pruned by the API server)'),
                unknownField(
                    "/spec/retian",
                    'unknown field "retian" (pruned by the API server); did you mean "retain"?',
                ),
            ],
        ));

    it("reports an unknown field in the metadata", () =>
        assert.deepEqual(
            schemaProblems(
                backup((b) => (b.metadata.annotation = {})),
                crds,
            ),
            [
                unknownField(
                    "/metadata/annotation",
                    'unknown field "annotation" (dropped by the API server); did you mean "annotations"?',
                ),
            ],
        ));

    it("accepts an integer or a string for x-kubernetes-int-or-string, nothing else", () => {
        assert.deepEqual(
            schemaProblems(
                backup((b) => (b.spec.port = "postgres")),
                crds,
            ),
            [],
        );
        assert.deepEqual(
            schemaProblems(
                backup((b) => (b.spec.port = 1.5)),
                crds,
            ),
            [error("/spec/port", "must be integer or string, got number 1.5")],
        );
    });

    it("accepts null where nullable, prunes it elsewhere, and rejects it in a list", () => {
        assert.deepEqual(
            schemaProblems(
                backup((b) => {
                    b.spec.suspend = null;
                    b.spec.storage = null; // not nullable: pruned as if unset
                }),
                crds,
            ),
            [],
        );
        assert.deepEqual(
            schemaProblems(
                backup((b) => {
                    b.spec.schedule = null;
                    b.spec.tags = [null];
                }),
                crds,
            ),
            [error("/spec/schedule", "required field is missing"), error("/spec/tags/0", "must be string, got null")],
        );
    });

    it("keeps unknown fields under x-kubernetes-preserve-unknown-fields, checking the known ones", () => {
        assert.deepEqual(
            schemaProblems(
                backup((b) => {
                    b.spec.options = { compression: "zstd", level: 3, nested: { any: ["thing"] } };
                    b.status = { phase: "Done" };
                }),
                crds,
            ),
            [],
        );
        assert.deepEqual(
            schemaProblems(
                backup((b) => (b.spec.options = { compression: 9 })),
                crds,
            ),
            [error("/spec/options/compression", "must be string, got number 9")],
        );
    });

    it("allows apiVersion, kind and metadata in an embedded resource, and prunes other unknown fields", () =>
        assert.deepEqual(
            schemaProblems(
                backup((b) => (b.spec.target.status = {})),
                crds,
            ),
            [unknownField("/spec/target/status", 'unknown field "status" (pruned by the API server)')],
        ));

    it("keeps every unknown field of a CRD with preserveUnknownFields: true", () => {
        const legacy = structuredClone(backupCrd);
        legacy.spec.preserveUnknownFields = true;
        assert.deepEqual(
            schemaProblems(
                backup((b) => (b.spec.retian = 7)),
                [legacy],
            ),
            [],
        );
    });

    it("reports a custom resource whose CRD is not given", () =>
        assert.deepEqual(
            schemaProblems(
                backup((b) => (b.kind = "Restore")),
                crds,
            ),
            [error("/kind", 'no CustomResourceDefinition for kind "Restore" of group "example.com" among the 1 given')],
        ));

    it("reports a version that is not served", () =>
        assert.deepEqual(
            schemaProblems(
                backup((b) => (b.apiVersion = "example.com/v1alpha1")),
                crds,
            ),
            [
                error(
                    "/apiVersion",
                    'version "v1alpha1" of the CustomResourceDefinition backups.example.com is not served (served: false)',
                ),
            ],
        ));

    it("reports a version the CRD does not define", () =>
        assert.deepEqual(
            schemaProblems(
                backup((b) => (b.apiVersion = "example.com/v2")),
                crds,
            ),
            [
                error(
                    "/apiVersion",
                    'version "v2" is not defined by the CustomResourceDefinition backups.example.com (defined: v1, v1alpha1)',
                ),
            ],
        ));

    it("checks the metadata of a custom resource", () =>
        assert.deepEqual(
            schemaProblems(
                backup((b) => (b.metadata.name = "Nightly")),
                crds,
            ),
            [
                error(
                    "/metadata/name",
                    `name "Nightly" must be a DNS-1123 subdomain (lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters)`,
                ),
            ],
        ));

    it("does not modify the manifest", () => {
        const b = backup((x) => (x.spec.storage = null));
        const copy = structuredClone(b);
        schemaProblems(b, crds);
        assert.deepEqual(b, copy);
    });
});
