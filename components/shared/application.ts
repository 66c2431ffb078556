// An application of gitops/applications/, as the components that serve it see it.

/** An application: its name (its folder's, which also names its secrets) and the namespace
 *  Argo CD deploys it into (the name with the environment's suffix). */
export interface Application {
    readonly name: string;
    readonly namespace: string;
}
