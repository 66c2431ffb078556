// A password the program generates for a chart, and the Secret the chart reads it from by name:
// Pulumi keeps it encrypted in state, and it survives every upgrade of the chart.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

export interface GeneratedPasswordArgs {
    /** The Secret's name, as the chart expects it. */
    readonly secretName: string;
    readonly namespace: pulumi.Input<string>;
    /** The Secret's entries, given the password. */
    readonly data: (password: pulumi.Output<string>) => Record<string, pulumi.Input<string>>;
}

/** `name`'s random password (32 letters and digits) and its Secret, both under `parent`. */
export function generatedPassword(
    parent: pulumi.ComponentResource,
    name: string,
    args: GeneratedPasswordArgs,
): { readonly password: pulumi.Output<string>; readonly secret: k8s.core.v1.Secret } {
    const password = pulumi.secret(new random.RandomPassword(name, { length: 32, special: false }, { parent }).result);
    const secret = new k8s.core.v1.Secret(
        name,
        { metadata: { name: args.secretName, namespace: args.namespace }, stringData: args.data(password) },
        { parent },
    );
    return { password, secret };
}
