import { strict as assert } from "assert";
import { check, TestResource, UNKNOWN } from "../../helpers/policy";
import { networkPolicyNoAllowAll } from "../../../policies/isolation/rules/network-policies";
import { expectClean, expectUnknownAdvisory, expectViolation, mutate } from "../security/support";
import { esmImport } from "../../helpers/esm";

const netpol = (spec: Record<string, unknown>, ns = "team-a", name = "p"): TestResource => ({
    type: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
    name: `np-${ns}-${name}`,
    props: { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name, namespace: ns }, spec },
});
const all = {};
const inNamespace = { podSelector: {} };
/** The team NetworkPolicies as components/team-network.ts builds them (main @39c6156; the program tests run the real ones). */
const TEAM_POLICIES: Record<string, Record<string, unknown>> = {
    "default-deny-ingress": { podSelector: all, policyTypes: ["Ingress"] },
    "default-deny-egress": { podSelector: all, policyTypes: ["Egress"] },
    "allow-same-namespace": { podSelector: all, policyTypes: ["Ingress", "Egress"], ingress: [{ from: [inNamespace] }], egress: [{ to: [inNamespace] }] },
    "allow-ingress-from-scrapers": { podSelector: all, policyTypes: ["Ingress"], ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: ["observability"] }] } }] }] },
    "allow-egress-dns": { podSelector: all, policyTypes: ["Egress"], egress: [{ to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }], ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }] }] },
    "allow-egress-pod-identity": { podSelector: all, policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: "169.254.170.23/32" } }], ports: [{ protocol: "TCP", port: 80 }] }] },
    "allow-egress-https": { podSelector: all, policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ protocol: "TCP", port: 443 }] }] },
};

describe("isolation: network-policy-no-allow-all", () => {
    it("fixtures are valid NetworkPolicies", async () => {
        const { NetworkPolicy } = await esmImport("kubernetes-models/networking.k8s.io/v1/NetworkPolicy");
        for (const spec of [...Object.values(TEAM_POLICIES), { podSelector: {}, ingress: [{}] }]) {
            new NetworkPolicy(netpol(spec).props).validate();
        }
    });
    it("passes the platform's team policies (default-deny, same-namespace, scrapers, DNS, Pod Identity, HTTPS)", async () => {
        await expectClean(networkPolicyNoAllowAll, Object.entries(TEAM_POLICIES).map(([name, spec]) => netpol(spec, "team-a", name)));
    });
    it("flags the Kubernetes docs' allow-all-ingress policy (ingress: [{}]) — corpus k8sdocs-networkpolicy-allow-all-ingress", async () => {
        const [v] = await expectViolation(networkPolicyNoAllowAll, netpol({ podSelector: {}, ingress: [{}], policyTypes: ["Ingress"] }, "team-a", "allow-all-ingress"),
            /NetworkPolicy "allow-all-ingress" in namespace "team-a" selects every pod \(podSelector \{\}\) and allows all ingress \(ingress\[0\]: a rule with no from and no ports\)\. NetworkPolicies add up/);
        assert.match(v.urn ?? "", /np-team-a-allow-all-ingress$/);
    });
    const flagged: [string, Record<string, unknown>, RegExp][] = [
        ["allow-all egress (egress: [{}])", { podSelector: {}, policyTypes: ["Egress"], egress: [{}] }, /all egress \(egress\[0\]: a rule with no to and no ports\)/],
        ["egress rules without policyTypes (the API adds Egress)", { podSelector: {}, egress: [{ to: [] }] }, /all egress/],
        ["ingress from every namespace on every port", { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {} }] }] }, /from namespaceSelector \{\} \(every pod of every namespace\) on every port/],
        ["ingress from every namespace with an empty podSelector", { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {}, podSelector: {} }] }] }, /every pod of every namespace/],
        ["egress to 0.0.0.0/0 on every port", { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }] }, /to ipBlock 0\.0\.0\.0\/0 on every port/],
        ["ingress from ::/0", { podSelector: { matchLabels: {} }, ingress: [{ from: [{ podSelector: { matchLabels: { a: "b" } } }, { ipBlock: { cidr: "::/0" } }], ports: [] }] }, /ipBlock ::\/0/],
        ["both directions", { podSelector: {}, policyTypes: ["Ingress", "Egress"], ingress: [{}], egress: [{}] }, /all ingress \(ingress\[0\][^)]*\) and all egress/],
    ];
    for (const [what, spec, fragment] of flagged) {
        it(`flags ${what}`, async () => {
            await expectViolation(networkPolicyNoAllowAll, netpol(spec), fragment);
        });
    }
    const passes: [string, Record<string, unknown>][] = [
        ["a default deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] }],
        ["Kyverno's empty-podSelector egress-only policy whose ingress rules are ignored (corpus kyv-netpol-empty-selector-egress-only)", { podSelector: {}, policyTypes: ["Egress"], ingress: [{}] }],
        ["an allow-all rule for selected pods only (a deliberate exposure)", { podSelector: { matchLabels: { app: "web" } }, ingress: [{}] }],
        ["every source on one port", { podSelector: {}, ingress: [{ ports: [{ port: 8080 }] }] }],
        ["0.0.0.0/0 with except", { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8"] } }] }] }],
        ["a labelled namespaceSelector", { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: "a" } } }] }] }],
        ["every namespace but only some pods", { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { role: "scraper" } } }] }] }],
        ["odd shapes", { podSelector: {}, ingress: [null, "x", 3, { from: "x", ports: [1] }] }],
    ];
    for (const [what, spec] of passes) {
        it(`passes ${what}`, async () => {
            await expectClean(networkPolicyNoAllowAll, netpol(spec));
        });
    }
    it("judges default and tenant namespaces, not the system ones (configurable)", async () => {
        const open = { podSelector: {}, ingress: [{}] };
        await expectViolation(networkPolicyNoAllowAll, netpol(open, "default"), /in namespace "default"/);
        for (const ns of ["kube-system", "observability", "spark-operator"]) {
            await expectClean(networkPolicyNoAllowAll, netpol(open, ns));
        }
        await expectClean(networkPolicyNoAllowAll, netpol(open, "lab"), { systemNamespaces: ["lab"] });
        await expectViolation(networkPolicyNoAllowAll, mutate(netpol(open), (d) => delete d.props.metadata.namespace), /in namespace "default"/);
        await expectClean(networkPolicyNoAllowAll, { ...mutate(netpol(open), (d) => delete d.props.metadata.namespace), provider: { type: "pulumi:providers:kubernetes", props: { namespace: "kube-system" } } });
    });
    it("turns unknowns into advisories, never violations", async () => {
        const unknowns: Record<string, unknown>[] = [
            { podSelector: UNKNOWN, ingress: [{}] },
            { podSelector: { matchLabels: UNKNOWN }, ingress: [{}] },
            { podSelector: {}, policyTypes: UNKNOWN, ingress: [{}] },
            { podSelector: {}, ingress: UNKNOWN },
            { podSelector: {}, ingress: [UNKNOWN] },
            { podSelector: {}, ingress: [{ ports: UNKNOWN }] },
            { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: UNKNOWN } }] }] },
            { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: UNKNOWN } }] }] },
        ];
        for (const spec of unknowns) {
            await expectUnknownAdvisory(networkPolicyNoAllowAll, netpol(spec));
        }
        await expectUnknownAdvisory(networkPolicyNoAllowAll, mutate(netpol({ podSelector: {}, ingress: [{}] }), (d) => (d.props.metadata.namespace = UNKNOWN)));
        await expectUnknownAdvisory(networkPolicyNoAllowAll, mutate(netpol({}), (d) => (d.props.spec = UNKNOWN)));
        // A known allow-all rule next to an unknown one is still reported.
        const ds = await check(networkPolicyNoAllowAll, netpol({ podSelector: {}, ingress: [UNKNOWN, {}] }));
        assert.deepEqual(ds.map((d) => [d.enforcementLevel, d.unknownValue]), [["mandatory", false], ["advisory", true]]);
    });
    it("ignores other kinds and non-object specs", async () => {
        await expectClean(networkPolicyNoAllowAll, { type: "kubernetes:example.com/v1:NetworkPolicy", props: { metadata: { namespace: "team-a" }, spec: { podSelector: {}, ingress: [{}] } } });
        await expectClean(networkPolicyNoAllowAll, netpol("junk" as unknown as Record<string, unknown>));
    });
});
