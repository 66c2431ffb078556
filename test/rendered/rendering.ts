// The stacks rendered once per test run with the real Helm, shared by the tests over rendered
// objects. Without Helm or the charts those tests are skipped with the reason, except in CI
// (CI=true), where that is a failure.
import { evaluateStack, PROJECT, Registration, StackConfigFile } from "../../render/evaluate";
import { fixtureStackFile } from "../harness";
import { renderApplications, RenderedApplication } from "../../render/gitops";
import { chartDirectory, HelmSetup, helmSetup, helmVersion } from "../../render/helm";
import { RenderedStack, renderEvaluated } from "../../render/stack";
import { Environment, PROFILES } from "../../stacks/config/profiles";
import { CHARTS } from "../../components/shared/versions";
import { requireTool } from "../tools";
import { K3S_TRAEFIK, TrafficSources } from "./traffic";

const setup = helmSetup();
let ready: Promise<string | undefined> | undefined;

/** Why rendering is impossible here, or undefined when Helm runs and every pinned chart is at hand. */
function unavailable(): Promise<string | undefined> {
    ready ??= (async () => {
        try {
            await helmVersion(setup);
            for (const pin of Object.values(CHARTS)) await chartDirectory(pin, setup);
            return undefined;
        } catch (error) {
            return error instanceof Error ? error.message : String(error);
        }
    })();
    return ready;
}

/** Skips the calling suite (fails it in CI) when the charts cannot be rendered here. */
export async function requireHelm(context: Mocha.Context): Promise<HelmSetup> {
    const reason = await unavailable();
    requireTool(context, reason && `Helm and the pinned charts: ${reason}`);
    return setup;
}

/** The S3 store the rendered stacks back up to, whatever their stack file names. */
export const BACKUP_STORE = { endpoint: "minio.home.arpa:9000", bucket: "velero" };

/** The environment's fixture stack file with BACKUP_STORE as its backup store (and its keys, as secrets,
 *  where the profile keeps them in Pulumi), so every environment renders Velero and the drill. */
export function renderedConfig(environment: Environment): StackConfigFile {
    const file = fixtureStackFile(environment);
    const keys = PROFILES[environment].secrets === "vault" ? [] : ["backupS3AccessKey", "backupS3SecretKey"];
    return {
        config: {
            ...file.config,
            [`${PROJECT}:backups`]: JSON.stringify(BACKUP_STORE),
            ...Object.fromEntries(keys.map((key) => [`${PROJECT}:${key}`, `dummy-secret-${key}`])),
        },
        secretKeys: [...file.secretKeys, ...keys.map((key) => `${PROJECT}:${key}`)],
    };
}

const rendered = new Map<string, Promise<RenderedStack>>();

/** The environment's stack rendered with its config (and a backup store), once per run. */
export function renderedStack(environment: Environment): Promise<RenderedStack> {
    if (!rendered.has(environment))
        rendered.set(
            environment,
            evaluateStack(environment, renderedConfig(environment)).then((evaluated) =>
                renderEvaluated(evaluated, setup),
            ),
        );
    return rendered.get(environment)!;
}

const applications = new Map<string, Promise<RenderedApplication[]>>();

/** What Argo CD deploys from gitops/ for the stack's ApplicationSets, once per run. */
export function renderedApplications(stack: Environment): Promise<RenderedApplication[]> {
    if (!applications.has(stack))
        applications.set(
            stack,
            renderedStack(stack).then((r) => renderApplications(r, setup)),
        );
    return applications.get(stack)!;
}

/** What a rendered stack renders when its registrations are changed by `change`. */
export function renderedVariant(base: RenderedStack, change: (r: Registration) => Registration) {
    const { stack, cluster } = base;
    return renderEvaluated({ stack, cluster, registrations: base.registrations.map(change) }, setup);
}

/** The API server calls webhooks from a server's address, or the CNI bridge's (K3s's default
 *  cluster CIDR 10.42.0.0/16) for a pod on its own node. */
export function trafficSources(rendered: RenderedStack): TrafficSources {
    const servers = (rendered.cluster.nodes ?? []).filter((n) => n.role === "server").map((n) => n.address);
    return { apiServer: [...servers, "10.42.0.1"], ingressController: K3S_TRAEFIK };
}
