// Stand-in nodes (test/stand-ins/) for the scripts' own tests: a server and an agent, and
// install.sh run on them as the program runs it.
import { agentConfig, K3sClusterSettings, serverConfig } from "../../../components/k3s/config";
import { installInput } from "../../../components/k3s/node-commands";
import { agentFiles, NodeFile, serverFiles } from "../../../components/k3s/node-files";
import { k3sNode } from "../../fixtures";
import { World } from "../../stand-ins/world";

export const RELEASE = "v1.34.2+k3s1";
const TOKEN = "cluster-token";
export const SERVER = k3sNode("server-1", "10.0.1.1");
export const AGENT = k3sNode("agent-1", "10.0.2.1", "agent");
export const CLUSTER: K3sClusterSettings = {
    apiAddress: "10.0.1.1",
    joinAddress: "10.0.1.1",
    traefik: true,
    embeddedEtcd: false,
    secretsEncryption: false,
};

/** server-1's files in `cluster`. */
export const server = (cluster = CLUSTER) =>
    serverFiles({ ...serverConfig(cluster, SERVER, "first"), token: TOKEN }, cluster.hardening ?? false);
/** agent-1's files, with `config` over its config.yaml. */
export const agent = (config: Record<string, unknown> = {}) =>
    agentFiles({ ...agentConfig(CLUSTER, AGENT), token: TOKEN, ...config }, false);

/** install.sh on `node` as the program runs it, its deadline `seconds` away; the calls it made. */
export function install(
    world: World,
    node: "server-1" | "agent-1",
    files: NodeFile[],
    api = "10.0.1.1 10.0.1.1",
    seconds = 1080,
) {
    const args = node === "server-1" ? `server ${RELEASE} server-1 ${api}` : `agent ${RELEASE} agent-1`;
    const stdin = installInput(files).replace("deadline_seconds=1080\n", `deadline_seconds=${seconds}\n`);
    const result = world.run(node, `sudo -n bash -s -- ${args}`, stdin);
    return { ...result, calls: world.takeCalls() };
}

/** server-1 and agent-1, nothing installed. */
export function bareNodes(): World {
    const world = new World();
    for (const node of [SERVER, AGENT]) {
        world.addNode(node.name, { address: node.address, user: node.user, hostKey: "", authorizedKeys: [] });
    }
    return world;
}

let withServer: World | undefined;
let withBoth: World | undefined;

/** K3s installed and Ready on server-1, or on both nodes: a copy of its own for each caller. */
export function installedNodes(which: "server-1" | "both" = "both"): World {
    if (withServer === undefined || withBoth === undefined) {
        withServer = bareNodes();
        install(withServer, "server-1", server());
        withBoth = withServer.clone();
        install(withBoth, "agent-1", agent());
    }
    const world = (which === "server-1" ? withServer : withBoth).clone();
    world.takeCalls();
    return world;
}
