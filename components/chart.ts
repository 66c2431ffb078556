// The two steps every platform component starts with: a namespace of its own, and its pinned
// chart installed into it through Helm v4 (each object a Pulumi resource, diffed in previews).
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ChartPin } from "./versions";

/** The component's namespace, `<name>-namespace`, with a fixed name the chart's objects use. */
export function ownNamespace(parent: pulumi.ComponentResource, name: string, namespace: string): k8s.core.v1.Namespace {
    return new k8s.core.v1.Namespace(`${name}-namespace`, { metadata: { name: namespace } }, { parent });
}

export interface ChartInstall {
    /** The chart, its version and repository. */
    readonly pin: ChartPin;
    /** Helm release name; the chart's object names derive from it. */
    readonly release: string;
    readonly namespace: k8s.core.v1.Namespace;
    readonly values: Record<string, unknown>;
    /** What the chart's objects need before they start. Default none. */
    readonly dependsOn?: pulumi.Resource[];
}

/** The pinned chart, `<name>-chart`, installed into the component's namespace. */
export function pinnedChart(parent: pulumi.ComponentResource, name: string, install: ChartInstall): k8s.helm.v4.Chart {
    return new k8s.helm.v4.Chart(
        `${name}-chart`,
        {
            chart: install.pin.chart,
            version: install.pin.version,
            repositoryOpts: { repo: install.pin.repo },
            name: install.release,
            namespace: install.namespace.metadata.name,
            values: install.values,
        },
        { parent, dependsOn: install.dependsOn },
    );
}
