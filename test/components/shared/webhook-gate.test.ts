import * as assert from "node:assert/strict";
import * as k8s from "@pulumi/kubernetes";
import { GATE_RETRIES, WebhookGate } from "../../../components/shared/webhook-gate";
import { KUBECTL_IMAGE } from "../../../components/shared/versions";
import { names, only, Registration, registrations } from "../../harness";

const POOL = {
    apiVersion: "metallb.io/v1beta1",
    kind: "IPAddressPool",
    metadata: { name: "default", namespace: "metallb-system" },
    spec: { addresses: ["192.168.10.200/29"] },
};

describe("WebhookGate", () => {
    let recorded: Registration[];
    before(async () => {
        recorded = await registrations(
            () =>
                new WebhookGate("gate", {
                    namespace: "metallb-system",
                    objects: [POOL],
                    access: { apiGroup: "metallb.io", resources: ["ipaddresspools"] },
                    // Stands in for the chart whose webhook admits the objects.
                    chart: new k8s.core.v1.ConfigMap("chart", {}),
                }),
        );
    });

    it("dry-runs the objects server-side with kubectl, from the ConfigMap it mounts, retrying through the Job's backoff", () => {
        const spec = only(recorded, "kubernetes:batch/v1:Job", "gate").inputs.spec as any;
        assert.equal(spec.backoffLimit, GATE_RETRIES);
        const [container] = spec.template.spec.containers;
        assert.equal(container.image, KUBECTL_IMAGE);
        const [verb, ...flags] = container.args as string[];
        // Apply, so that objects which already exist pass too; server-side, where the webhook
        // admits; never persisted.
        assert.equal(verb, "apply");
        for (const flag of ["--server-side", "--dry-run=server"]) assert.ok(flags.includes(flag), flag);
        const file = flags.find((f) => f.startsWith("--filename="))!.slice("--filename=".length);
        const objects = spec.template.spec.volumes.find((v: any) => v.configMap !== undefined);
        const mount = container.volumeMounts.find((m: any) => m.name === objects?.name);
        assert.equal(file, `${mount.mountPath}/objects.json`);
    });

    it("is replaced, not awaited again, on the next up when it failed before", () => {
        const metadata = only(recorded, "kubernetes:batch/v1:Job", "gate").inputs.metadata as any;
        assert.deepEqual(metadata.annotations, { "pulumi.com/replaceUnready": "true" });
    });

    it("hands the objects to the Job as a List", () => {
        const data = only(recorded, "kubernetes:core/v1:ConfigMap", "gate").inputs.data as Record<string, string>;
        assert.deepEqual(JSON.parse(data["objects.json"]), { apiVersion: "v1", kind: "List", items: [POOL] });
    });

    it("may only get, create and patch the objects' resources", () => {
        assert.deepEqual(only(recorded, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "gate").inputs.rules, [
            { apiGroups: ["metallb.io"], resources: ["ipaddresspools"], verbs: ["get", "create", "patch"] },
        ]);
    });

    it("runs the Job only once the chart is installed and its permissions are bound", () => {
        const job = only(recorded, "kubernetes:batch/v1:Job", "gate");
        // The chart; the binding, service account and ConfigMap, all named after the gate.
        assert.deepEqual(names(job.dependencies).sort(), ["chart", "gate", "gate", "gate"]);
        assert.ok(
            job.dependencies.some((urn) => urn.endsWith("rbac.authorization.k8s.io/v1:ClusterRoleBinding::gate")),
        );
    });

    it("runs as a restricted, non-root pod", () => {
        const pod = (only(recorded, "kubernetes:batch/v1:Job", "gate").inputs.spec as any).template.spec;
        assert.deepEqual(pod.securityContext, {
            runAsNonRoot: true,
            runAsUser: 65534,
            seccompProfile: { type: "RuntimeDefault" },
        });
        assert.deepEqual(pod.containers[0].securityContext, {
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ["ALL"] },
        });
    });
});
