// Pulumi entry point (Pulumi.yaml `main`): the returned object becomes the stack's outputs.
import { homelab } from "./homelab";

export = homelab;
