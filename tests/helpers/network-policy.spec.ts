/** The NetworkPolicy reachability model (tests/helpers/network-policy.ts), rule by rule. */
import { strict as assert } from "assert";
import { canConnect, type ModelNetworkPolicy, selects } from "./network-policy";

const a = { namespace: "a", labels: { app: "x" } };
const b = { namespace: "b", labels: { app: "y" } };
const pol = (namespace: string, spec: ModelNetworkPolicy["spec"]): ModelNetworkPolicy => ({ metadata: { namespace }, spec });
const denyIn = (ns: string) => pol(ns, { podSelector: {}, policyTypes: ["Ingress"] });
const denyOut = (ns: string) => pol(ns, { podSelector: {}, policyTypes: ["Egress"] });

describe("tests/helpers/network-policy: NetworkPolicy semantics", () => {
    it("selectors: matchLabels and every matchExpressions operator; the empty selector selects all", () => {
        assert.ok(selects({}, {}));
        assert.ok(selects({ matchLabels: { app: "x" } }, { app: "x", other: "1" }));
        assert.ok(!selects({ matchLabels: { app: "x" } }, { app: "y" }));
        assert.ok(selects({ matchExpressions: [{ key: "app", operator: "In", values: ["x", "z"] }] }, { app: "x" }));
        assert.ok(!selects({ matchExpressions: [{ key: "app", operator: "NotIn", values: ["x"] }] }, { app: "x" }));
        assert.ok(selects({ matchExpressions: [{ key: "app", operator: "Exists" }] }, { app: "" }));
        assert.ok(selects({ matchExpressions: [{ key: "app", operator: "DoesNotExist" }] }, {}));
    });

    const cases: [string, ModelNetworkPolicy[], boolean][] = [
        ["no policies: open", [], true],
        ["receiver isolated for ingress, no rule: closed", [denyIn("b")], false],
        ["sender isolated for egress: closed", [denyOut("a")], false],
        ["a policy in another namespace does not isolate", [denyIn("a")], true],
        ["namespaceSelector peer by the metadata.name label", [denyIn("b"), pol("b", { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "a" } } }] }] })], true],
        ["podSelector alone means the policy's own namespace", [denyIn("b"), pol("b", { podSelector: {}, ingress: [{ from: [{ podSelector: { matchLabels: { app: "x" } } }] }] })], false],
        ["namespace AND pod selector in one peer", [denyIn("b"), pol("b", { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: "nope" } } }] }] })], false],
        ["a rule on another port does not open 8080", [denyIn("b"), pol("b", { podSelector: {}, ingress: [{ ports: [{ protocol: "TCP", port: 9090 }] }] })], false],
        ["a port range does", [denyIn("b"), pol("b", { podSelector: {}, ingress: [{ ports: [{ port: 8000, endPort: 8100 }] }] })], true],
        ["UDP does not open TCP", [denyIn("b"), pol("b", { podSelector: {}, ingress: [{ ports: [{ protocol: "UDP", port: 8080 }] }] })], false],
        ["a policy selecting other pods leaves this one open", [pol("b", { podSelector: { matchLabels: { app: "other" } }, policyTypes: ["Ingress"] })], true],
        ["policyTypes unset with egress rules isolates egress too", [pol("a", { podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: "192.168.0.0/16" } }] }] })], false],
        ["egress by ipBlock to the pod's IP", [denyOut("a"), pol("a", { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: "10.1.0.0/16", except: ["10.1.2.0/24"] } }] }] })], true],
    ];
    for (const [label, policies, open] of cases) {
        it(`${label}`, () => assert.equal(canConnect(policies, a, { ...b, ip: "10.1.1.5" }, 8080), open));
    }

    it("ipBlock except carves out addresses; pods without an IP never match an ipBlock", () => {
        const p = [denyOut("a"), pol("a", { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: "10.1.0.0/16", except: ["10.1.2.0/24"] } }] }] })];
        assert.ok(!canConnect(p, a, { ...b, ip: "10.1.2.9" }, 8080));
        assert.ok(!canConnect(p, a, b, 8080));
    });
});
