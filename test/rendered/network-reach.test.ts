import * as assert from "node:assert/strict";
import { admits, denials, selects, type Destination, type Source } from "./network-reach";

const policy = (name: string, namespace: string, spec: Record<string, unknown>) => ({
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name, namespace },
    spec,
});
const namespace = (name: string, labels?: Record<string, string>) => ({
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name, ...(labels ? { labels } : {}) },
});
const denyIngress = (namespaceName: string) =>
    policy("default-deny", namespaceName, { podSelector: {}, policyTypes: ["Ingress"] });
const allowFrom = (name: string, from: unknown[], ports?: unknown[]) =>
    policy(name, "apps", {
        podSelector: { matchLabels: { app: "web" } },
        policyTypes: ["Ingress"],
        ingress: [{ from, ...(ports ? { ports } : {}) }],
    });
const allowPorts = (name: string, ports: unknown[]) =>
    policy(name, "apps", { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ ports }] });

const web: Destination = { namespace: "apps", pod: { app: "web" }, port: 8080 };
const at = (port: number | string, protocol?: "TCP" | "UDP" | "SCTP"): Destination => ({
    ...web,
    containers: [
        {
            name: "web",
            ports: [
                { name: "http", containerPort: 8080 },
                { name: "dns", containerPort: 5353, protocol: "UDP" },
            ],
        },
    ],
    port,
    ...(protocol ? { protocol } : {}),
});
const neighbour: Source = { namespace: "apps", pod: { app: "worker" } };
const stranger: Source = { namespace: "other", pod: { app: "worker" } };
const prometheus: Source = { namespace: "monitoring", pod: { "app.kubernetes.io/name": "prometheus" } };
const grafana: Source = { namespace: "monitoring", pod: { "app.kubernetes.io/name": "grafana" } };
const fakePrometheus: Source = { namespace: "other", pod: { "app.kubernetes.io/name": "prometheus" } };
const node: Source = { ip: "10.0.0.5" };
const inMonitoring = { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } };
const prometheusPods = { matchLabels: { "app.kubernetes.io/name": "prometheus" } };

describe("admits", () => {
    describe("isolation", () => {
        it("admits anything to a pod no policy selects", () => {
            assert.equal(admits([], stranger, web), true);
            assert.deepEqual(denials([], stranger, web), []);
        });
        it("denies everything to a pod a default-deny selects", () =>
            assert.equal(admits([denyIngress("apps")], neighbour, web), false));
        it("names the default-deny in the denials", () =>
            assert.deepEqual(denials([denyIngress("apps")], neighbour, web), ["default-deny"]));
        it("admits to a pod the default-deny's podSelector does not select", () => {
            const deny = policy("deny-db", "apps", { podSelector: { matchLabels: { app: "db" } } });
            assert.equal(admits([deny], neighbour, web), true);
        });
        it("ignores a policy of another namespace", () =>
            assert.equal(admits([denyIngress("other")], stranger, web), true));
        it("ignores kinds other than networking.k8s.io/v1 NetworkPolicy", () => {
            const deployment = {
                apiVersion: "apps/v1",
                kind: "Deployment",
                metadata: { name: "x", namespace: "apps" },
            };
            const cilium = { ...denyIngress("apps"), apiVersion: "cilium.io/v2", kind: "CiliumNetworkPolicy" };
            assert.equal(admits([deployment, cilium], neighbour, web), true);
        });
        it("reads the items of a List", () =>
            assert.equal(
                admits([{ apiVersion: "v1", kind: "List", items: [denyIngress("apps")] }], neighbour, web),
                false,
            ));
        it("isolates with policyTypes defaulted to Ingress when none is given", () =>
            assert.equal(admits([policy("deny", "apps", { podSelector: {} })], neighbour, web), false));
        it("does not isolate ingress under policyTypes [Egress]", () =>
            assert.equal(
                admits([policy("deny", "apps", { podSelector: {}, policyTypes: ["Egress"] })], node, web),
                true,
            ));
    });

    describe("rules", () => {
        it("admits every source and port through an empty rule", () => {
            const all = policy("all", "apps", { podSelector: {}, ingress: [{}] });
            assert.equal(admits([denyIngress("apps"), all], node, at(9999, "UDP")), true);
        });
        it("unions the rules of two policies selecting the pod", () => {
            const manifests = [allowPorts("http", [{ port: 8080 }]), allowPorts("metrics", [{ port: 9090 }])];
            assert.deepEqual(
                [8080, 9090].map((port) => admits(manifests, stranger, at(port))),
                [true, true],
            );
        });
        it("names every isolating policy when none admits", () => {
            const manifests = [allowPorts("http", [{ port: 8080 }]), allowPorts("metrics", [{ port: 9090 }])];
            assert.deepEqual(denials(manifests, stranger, at(22)), ["http", "metrics"]);
        });
        it("admits whatever one policy allows despite a default-deny", () =>
            assert.deepEqual(denials([denyIngress("apps"), allowPorts("http", [{ port: 8080 }])], node, web), []));
    });

    describe("peers", () => {
        const sameNamespace = allowFrom("same-namespace", [{ podSelector: {} }]);
        it("admits a pod of the same namespace through podSelector {}", () =>
            assert.equal(admits([sameNamespace], neighbour, web), true));
        it("denies a pod of another namespace through podSelector {}", () =>
            assert.equal(admits([sameNamespace], stranger, web), false));
        it("denies an address through podSelector {}", () => assert.equal(admits([sameNamespace], node, web), false));
        it("matches kubernetes.io/metadata.name of a namespace without a manifest", () =>
            assert.equal(admits([allowFrom("monitoring", [{ namespaceSelector: inMonitoring }])], grafana, web), true));
        it("adds kubernetes.io/metadata.name to a Namespace manifest without it", () => {
            const manifests = [
                namespace("monitoring", { team: "ops" }),
                allowFrom("x", [{ namespaceSelector: inMonitoring }]),
            ];
            assert.equal(admits(manifests, grafana, web), true);
        });
        it("matches a namespace's own labels", () => {
            const byTeam = allowFrom("ops", [{ namespaceSelector: { matchLabels: { team: "ops" } } }]);
            assert.deepEqual(
                [
                    admits([namespace("monitoring", { team: "ops" }), byTeam], grafana, web),
                    admits([byTeam], grafana, web),
                ],
                [true, false],
            );
        });
        it("admits every pod of every namespace through namespaceSelector {}", () =>
            assert.equal(admits([allowFrom("any", [{ namespaceSelector: {} }])], stranger, web), true));

        describe("one peer with both selectors (AND)", () => {
            const and = [allowFrom("prometheus", [{ namespaceSelector: inMonitoring, podSelector: prometheusPods }])];
            it("admits the matching pod of the matching namespace", () =>
                assert.equal(admits(and, prometheus, web), true));
            it("denies another pod of the matching namespace", () => assert.equal(admits(and, grafana, web), false));
            it("denies the matching pod of another namespace", () =>
                assert.equal(admits(and, fakePrometheus, web), false));
        });
        describe("two peers, one selector each (OR)", () => {
            const or = [
                allowFrom("prometheus", [{ namespaceSelector: inMonitoring }, { podSelector: prometheusPods }]),
            ];
            it("admits any pod of the matching namespace", () => assert.equal(admits(or, grafana, web), true));
            it("admits the matching pod of the policy's namespace", () =>
                assert.equal(admits(or, { namespace: "apps", pod: prometheus.pod }, web), true));
            it("denies the matching pod of a third namespace, as podSelector alone means the policy's", () =>
                assert.equal(admits(or, fakePrometheus, web), false));
        });

        describe("ipBlock", () => {
            const block = [allowFrom("nodes", [{ ipBlock: { cidr: "10.0.0.0/16", except: ["10.0.1.0/24"] } }])];
            it("admits an address inside the cidr", () => assert.equal(admits(block, { ip: "10.0.200.1" }, web), true));
            it("denies an address inside an except", () => assert.equal(admits(block, { ip: "10.0.1.7" }, web), false));
            it("denies an address outside the cidr", () => assert.equal(admits(block, { ip: "10.1.0.1" }, web), false));
            it("matches no pod, even with 0.0.0.0/0", () =>
                assert.equal(admits([allowFrom("all", [{ ipBlock: { cidr: "0.0.0.0/0" } }])], neighbour, web), false));
            it("matches an IPv6 address", () => {
                const v6 = [allowFrom("v6", [{ ipBlock: { cidr: "fd00::/64", except: ["fd00::1:0/112"] } }])];
                assert.deepEqual(
                    ["fd00::5", "fd00::1:5", "fd01::5", "10.0.0.5"].map((ip) => admits(v6, { ip }, web)),
                    [true, false, false, false],
                );
            });
            it("rejects a cidr that does not parse", () =>
                assert.throws(
                    () => admits([allowFrom("bad", [{ ipBlock: { cidr: "10.0.0.0/33" } }])], node, web),
                    /not a CIDR/,
                ));
        });
        it("rejects a peer without selectors or ipBlock, as the API server does", () =>
            assert.throws(() => admits([allowFrom("empty", [{}])], node, web), /needs a podSelector/));
    });

    describe("ports", () => {
        it("admits a listed numeric port", () =>
            assert.equal(admits([allowPorts("http", [{ port: 8080 }])], node, at(8080)), true));
        it("denies an unlisted numeric port", () =>
            assert.equal(admits([allowPorts("http", [{ port: 8080 }])], node, at(8081)), false));
        it("resolves a named port against the destination's containers", () =>
            assert.equal(admits([allowPorts("http", [{ port: "http" }])], node, at(8080)), true));
        it("denies another port than the one a name resolves to", () =>
            assert.equal(admits([allowPorts("http", [{ port: "http" }])], node, at(9090)), false));
        it("accepts a destination given by port name", () =>
            assert.equal(admits([allowPorts("http", [{ port: 8080 }])], node, at("http")), true));
        it("denies through a named port no container declares", () =>
            assert.equal(admits([allowPorts("https", [{ port: "https" }])], node, at(8080)), false));
        it("denies through a named port declared for another protocol", () =>
            assert.equal(admits([allowPorts("dns", [{ port: "dns" }])], node, at(5353, "UDP")), false));
        it("resolves a named port with its protocol", () =>
            assert.equal(admits([allowPorts("dns", [{ port: "dns", protocol: "UDP" }])], node, at(5353, "UDP")), true));
        it("rejects a destination port name no container declares", () =>
            assert.throws(() => admits([], node, at("https")), /not declared by any container/));
        it("admits the whole endPort range, bounds included", () => {
            const range = [allowPorts("range", [{ port: 8000, endPort: 8100 }])];
            assert.deepEqual(
                [7999, 8000, 8050, 8100, 8101].map((port) => admits(range, node, at(port))),
                [false, true, true, true, false],
            );
        });
        it("rejects endPort with a named port, as the API server does", () =>
            assert.throws(() => admits([allowPorts("bad", [{ port: "http", endPort: 9000 }])], node, web), /endPort/));
        it("denies a UDP connection to a port allowed for TCP by default", () =>
            assert.equal(admits([allowPorts("dns", [{ port: 53 }])], node, at(53, "UDP")), false));
        it("denies a TCP connection to a port allowed for UDP", () =>
            assert.equal(admits([allowPorts("dns", [{ port: 53, protocol: "UDP" }])], node, at(53)), false));
        it("admits every port of the protocol through an entry without a port", () =>
            assert.equal(admits([allowPorts("udp", [{ protocol: "UDP" }])], node, at(9999, "UDP")), true));
    });

    describe("egress", () => {
        const denyEgress = policy("deny-egress", "other", { podSelector: {}, policyTypes: ["Egress"] });
        it("denies a pod isolated for egress, whatever the destination allows", () =>
            assert.deepEqual(denials([denyEgress], stranger, web), ["deny-egress"]));
        it("admits what an egress rule allows to the destination", () => {
            const toApps = policy("to-apps", "other", {
                podSelector: {},
                policyTypes: ["Egress"],
                egress: [{ to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "apps" } } }] }],
            });
            assert.equal(admits([denyEgress, toApps], stranger, web), true);
        });
        it("resolves an egress named port against the destination's containers", () => {
            const toHttp = policy("to-http", "other", { podSelector: {}, egress: [{ ports: [{ port: "http" }] }] });
            assert.deepEqual(
                [admits([toHttp], stranger, at(8080)), admits([toHttp], stranger, at(8081))],
                [true, false],
            );
        });
        it("defaults policyTypes to include Egress when egress rules exist", () => {
            const toDb = policy("to-db", "other", { podSelector: {}, egress: [{ to: [{ podSelector: {} }] }] });
            assert.deepEqual(denials([toDb], stranger, web), ["to-db"]);
        });
        it("does not default to Egress for an empty egress list", () =>
            assert.deepEqual(denials([policy("p", "other", { podSelector: {}, egress: [] })], stranger, web), []));
        it("needs the destination's ingress as well as the source's egress", () => {
            const toAll = policy("to-all", "other", { podSelector: {}, policyTypes: ["Egress"], egress: [{}] });
            assert.deepEqual(denials([toAll, denyIngress("apps")], stranger, web), ["default-deny"]);
        });
        it("lists the destination's policies before the source's", () =>
            assert.deepEqual(denials([denyEgress, denyIngress("apps")], stranger, web), [
                "default-deny",
                "deny-egress",
            ]));
        it("does not evaluate egress for an address", () =>
            assert.equal(
                admits([policy("deny-egress", "apps", { podSelector: {}, policyTypes: ["Egress"] })], node, web),
                true,
            ));
    });
});

describe("selects", () => {
    const labels = { app: "web", tier: "front" };
    it("matches anything with an empty selector", () => assert.equal(selects({}, labels), true));
    it("matches anything with no selector", () => assert.equal(selects(undefined, {}), true));
    it("matches equal matchLabels", () => assert.equal(selects({ matchLabels: { app: "web" } }, labels), true));
    it("does not match a differing matchLabels value", () =>
        assert.equal(selects({ matchLabels: { app: "db" } }, labels), false));
    it("ANDs matchLabels and matchExpressions", () =>
        assert.equal(
            selects(
                { matchLabels: { app: "web" }, matchExpressions: [{ key: "tier", operator: "In", values: ["back"] }] },
                labels,
            ),
            false,
        ));
    const expression = (operator: string, values?: string[]) => ({
        matchExpressions: [{ key: "tier", operator, ...(values ? { values } : {}) }],
    });
    it("In matches a listed value", () => assert.equal(selects(expression("In", ["front", "back"]), labels), true));
    it("In does not match a missing key", () =>
        assert.equal(selects(expression("In", ["front"]), { app: "web" }), false));
    it("NotIn does not match a listed value", () =>
        assert.equal(selects(expression("NotIn", ["front"]), labels), false));
    it("NotIn matches an unlisted value", () => assert.equal(selects(expression("NotIn", ["back"]), labels), true));
    it("NotIn matches a missing key", () =>
        assert.equal(selects(expression("NotIn", ["front"]), { app: "web" }), true));
    it("Exists matches a present key", () => assert.equal(selects(expression("Exists"), labels), true));
    it("Exists does not match a missing key", () => assert.equal(selects(expression("Exists"), { app: "web" }), false));
    it("DoesNotExist matches a missing key", () =>
        assert.equal(selects(expression("DoesNotExist"), { app: "web" }), true));
    it("DoesNotExist does not match a present key", () =>
        assert.equal(selects(expression("DoesNotExist"), labels), false));
    it("rejects an unknown operator", () => assert.throws(() => selects(expression("Gt", ["1"]), labels), /operator/));
    it("rejects In without values", () => assert.throws(() => selects(expression("In", []), labels), /not be empty/));
    it("applies matchExpressions in a policy's podSelector", () => {
        const notDb = policy("deny", "apps", {
            podSelector: { matchExpressions: [{ key: "app", operator: "NotIn", values: ["db"] }] },
        });
        assert.deepEqual(
            [admits([notDb], node, web), admits([notDb], node, { ...web, pod: { app: "db" } })],
            [false, true],
        );
    });
});
