// What a render takes of the stack's cluster: the program's resolved config, or, for an older
// commit whose program resolves it in another shape, its stack file.
import * as assert from "node:assert/strict";
import { resolvedCluster, statedCluster } from "../../render/cluster";
import { K3S_VERSION } from "../../components/shared/versions";
import { k3sNode } from "../fixtures";

describe("the cluster a stack renders against", () => {
    it("is the resolved config's: its K3s release, Traefik and nodes", () => {
        const nodes = [k3sNode("lab-1", "10.0.0.5")];
        const config = { cluster: { mode: "nodes", k3sVersion: "v1.33.6+k3s1", traefik: false, nodes } };
        assert.deepEqual(resolvedCluster(config), { kubeVersion: "v1.33.6+k3s1", traefik: false, nodes });
    });

    it("is the pinned release with Traefik and no nodes where the stack reaches its cluster by kubeconfig", () => {
        assert.deepEqual(resolvedCluster({ cluster: { mode: "kubeconfig", server: "https://k3s:6443" } }), {
            kubeVersion: K3S_VERSION,
            traefik: true,
        });
    });

    it("is not read from a config in another shape, which an older commit's stack file then states", () => {
        assert.equal(resolvedCluster({ cluster: { nodes: [] } }), undefined);
        assert.equal(resolvedCluster(undefined), undefined);
        const raw = JSON.stringify({ traefik: false, nodes: [{ name: "n1", address: "10.0.0.9", role: "server" }] });
        assert.deepEqual(statedCluster(raw), {
            kubeVersion: K3S_VERSION,
            traefik: false,
            nodes: [{ name: "n1", address: "10.0.0.9", role: "server", labels: {}, taints: [] }],
        });
        assert.deepEqual(statedCluster(undefined), { kubeVersion: K3S_VERSION, traefik: true });
    });
});
