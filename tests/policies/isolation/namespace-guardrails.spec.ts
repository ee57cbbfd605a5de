import { strict as assert } from "assert";
import { check, TestResource, UNKNOWN } from "../../helpers/policy";
import { tenantNamespaceGuardrails } from "../../../policies/isolation/rules/namespace-guardrails";
import { expectClean, expectUnknownAdvisory, expectViolation, mutate, runStackDirect } from "../security/support";
import { benchSize } from "../bench-scale";
import { expectUnknownsAddNoViolation, unknownOutcome } from "../regression";

const nsUrn = (n: string) => `urn:pulumi:test::moka::moka:tenancy:Team$kubernetes:core/v1:Namespace::team-${n}-namespace`;
const namespace = (n: string, labels: Record<string, string> = { "moka.dev/tenant": "true" }): TestResource => ({
    type: "kubernetes:core/v1:Namespace",
    urn: nsUrn(n),
    props: { apiVersion: "v1", kind: "Namespace", metadata: { name: n, labels } },
});
const inNs = (type: string, kind: string, n: string, name: string, spec: Record<string, unknown>, byDependency = false): TestResource => ({
    type,
    name: `${n}-${name}`,
    props: { kind, metadata: { name, namespace: byDependency ? UNKNOWN : n }, spec },
    propertyDependencies: byDependency ? { metadata: [nsUrn(n)] } : undefined,
});
const quota = (n: string, dep = false) => inNs("kubernetes:core/v1:ResourceQuota", "ResourceQuota", n, "team-quota", { hard: { "requests.cpu": "64", "requests.memory": "256Gi", pods: "200" } }, dep);
const limits = (n: string, dep = false) => inNs("kubernetes:core/v1:LimitRange", "LimitRange", n, "team-limits", { limits: [{ type: "Container", default: { cpu: "1" } }] }, dep);
const denyIngress = (n: string, dep = false) => inNs("kubernetes:networking.k8s.io/v1:NetworkPolicy", "NetworkPolicy", n, "default-deny-ingress", { podSelector: {}, policyTypes: ["Ingress"] }, dep);
const tenant = (n: string, dep = false) => [namespace(n), quota(n, dep), limits(n, dep), denyIngress(n, dep)];

describe("isolation: tenant-namespace-guardrails", () => {
    it("passes a tenant namespace with quota, limits and default-deny ingress (by name or by dependency)", async () => {
        await expectClean(tenantNamespaceGuardrails, tenant("ads-ranking"));
        await expectClean(tenantNamespaceGuardrails, tenant("growth", true));
    });
    it("accepts the deny-all-both-ways form and absent policyTypes", async () => {
        const both = mutate(denyIngress("a"), (d) => (d.props.spec = { podSelector: { matchLabels: {} }, policyTypes: ["Ingress", "Egress"] }));
        await expectClean(tenantNamespaceGuardrails, [namespace("a"), quota("a"), limits("a"), both]);
        const implicit = mutate(denyIngress("a"), (d) => (d.props.spec = { podSelector: {} }));
        await expectClean(tenantNamespaceGuardrails, [namespace("a"), quota("a"), limits("a"), implicit]);
    });
    it("ignores system namespaces", async () => {
        await expectClean(tenantNamespaceGuardrails, [namespace("karpenter", {}), namespace("kube-system", {})]);
    });
    it("flags a tenant namespace with no ResourceQuota", async () => {
        const [v] = await expectViolation(tenantNamespaceGuardrails, [namespace("a"), limits("a"), denyIngress("a")], /Tenant namespace "a" has no ResourceQuota in this stack/);
        assert.equal(v.urn, nsUrn("a"));
    });
    it("flags a missing LimitRange", async () => {
        await expectViolation(tenantNamespaceGuardrails, [namespace("a"), quota("a"), denyIngress("a")], /has no LimitRange in this stack/);
    });
    it("flags a missing default-deny NetworkPolicy (allow-all or egress-only policies do not count)", async () => {
        await expectViolation(tenantNamespaceGuardrails, [namespace("a"), quota("a"), limits("a")], /has no default-deny NetworkPolicy/);
        const allowAll = mutate(denyIngress("a"), (d) => (d.props.spec.ingress = [{}]));
        await expectViolation(tenantNamespaceGuardrails, [namespace("a"), quota("a"), limits("a"), allowAll], /default-deny NetworkPolicy/);
        const egressOnly = mutate(denyIngress("a"), (d) => (d.props.spec.policyTypes = ["Egress"]));
        await expectViolation(tenantNamespaceGuardrails, [namespace("a"), quota("a"), limits("a"), egressOnly], /default-deny NetworkPolicy/);
        const selective = mutate(denyIngress("a"), (d) => (d.props.spec.podSelector = { matchLabels: { app: "x" } }));
        await expectViolation(tenantNamespaceGuardrails, [namespace("a"), quota("a"), limits("a"), selective], /default-deny NetworkPolicy/);
    });
    it("does not count another namespace's guardrails", async () => {
        await expectViolation(tenantNamespaceGuardrails, [...tenant("a"), namespace("b")], /Tenant namespace "b" has no ResourceQuota, LimitRange and default-deny NetworkPolicy/);
    });
    it("treats any non-system namespace as a tenant, and auto-named namespaces too", async () => {
        await expectViolation(tenantNamespaceGuardrails, namespace("batch", {}), /"batch"/);
        await expectViolation(tenantNamespaceGuardrails, { type: "kubernetes:core/v1:Namespace", props: { metadata: {} } }, /Tenant namespace "\(auto-named\)"/);
        await expectClean(tenantNamespaceGuardrails, namespace("batch", {}), { systemNamespaces: ["batch"] });
    });
    it("survives odd shapes", async () => {
        await expectClean(tenantNamespaceGuardrails, [...tenant("a"), { type: "kubernetes:networking.k8s.io/v1:NetworkPolicy", props: { spec: "x" } }, { type: "kubernetes:core/v1:ResourceQuota", props: {} }]);
        await expectClean(tenantNamespaceGuardrails, [namespace("a"), quota("a"), limits("a"), mutate(denyIngress("a"), (d) => (d.props.spec.policyTypes = "Ingress"))]);
    });
    it("does not flag what an unknown namespace might cover; raises the advisory instead", async () => {
        const q = mutate(quota("a"), (d) => (d.props.metadata.namespace = UNKNOWN));
        await expectUnknownAdvisory(tenantNamespaceGuardrails, [namespace("a"), q, limits("a"), denyIngress("a")]);
        const ds = await check(tenantNamespaceGuardrails, [namespace("a"), q, denyIngress("a")]);
        const vs = ds.filter((d) => !d.unknownValue);
        assert.equal(vs.length, 1, JSON.stringify(ds.map((d) => d.message)));
        assert.match(vs[0].message, /has no LimitRange in this stack/);
        await expectUnknownAdvisory(tenantNamespaceGuardrails, [namespace("a"), quota("a"), limits("a"), mutate(denyIngress("a"), (d) => (d.props.spec.podSelector = UNKNOWN))]);
    });
    it("is linear: 10,000 resources in well under a second", async () => {
        const many: TestResource[] = [];
        for (let i = 0; i < benchSize(2500); i++) {
            many.push(...tenant(`t${i}`, i % 2 === 0));
        }
        const { violations, ms } = await runStackDirect(tenantNamespaceGuardrails, many);
        assert.equal(violations.length, 0);
        assert.ok(ms < 1500, `${ms} ms`);
    });
});

describe("isolation: tenant-namespace-guardrails — fuzz regressions (unknowns never add a violation)", () => {
    const K8S = "pulumi:providers:kubernetes";
    const guarded = (opts: { providerNamespace?: unknown; podSelector?: unknown }): TestResource[] => [
        { type: "kubernetes:core/v1:Namespace", name: "team-a", props: { metadata: { name: "team-a", labels: { "moka.dev/tenant": "true", "pod-security.kubernetes.io/enforce": "restricted" } } } },
        { type: "kubernetes:core/v1:ResourceQuota", name: "quota", provider: { type: K8S, name: "k8s", props: { namespace: opts.providerNamespace ?? "team-a" } }, props: { metadata: { name: "quota" }, spec: { hard: { pods: "100" } } } },
        { type: "kubernetes:core/v1:LimitRange", name: "limits", props: { metadata: { name: "limits", namespace: "team-a" }, spec: { limits: [{ type: "Container", default: { memory: "1Gi" } }] } } },
        { type: "kubernetes:networking.k8s.io/v1:NetworkPolicy", name: "deny", props: { metadata: { name: "deny", namespace: "team-a" }, spec: { podSelector: opts.podSelector ?? {}, policyTypes: ["Ingress"] } } },
    ];

    it("ISO-1: a Namespace whose name is unknown is not taken for an auto-named tenant", async () => {
        // Root cause: buildNamespaceIndex mapped an unknown metadata.name to `name: undefined`, which the rule took for an auto-named (tenant) namespace.
        const ns = (name: unknown): TestResource[] => [{ type: "kubernetes:core/v1:Namespace", name: "ns", props: { metadata: { name } } }];
        await expectUnknownsAddNoViolation(tenantNamespaceGuardrails, ns("spark-operator"), ns(UNKNOWN));
        const out = await unknownOutcome(tenantNamespaceGuardrails, [{ type: "kubernetes:core/v1:Namespace", name: "ns", props: { metadata: { name: UNKNOWN } } }]);
        assert.deepEqual(out.mandatory, []);
        assert.ok(out.advisory);
        // Still flagged: tenant-labelled (tenant whatever its name) and no guardrail anywhere.
        const labelled = await unknownOutcome(tenantNamespaceGuardrails, [{ type: "kubernetes:core/v1:Namespace", name: "ns", props: { metadata: { name: UNKNOWN, labels: { "moka.dev/tenant": "true" } } } }]);
        assert.equal(labelled.mandatory.length, 1);
        // A labelled namespace of unknown name whose guardrails name a namespace the stack does not know may have them.
        const named = await unknownOutcome(tenantNamespaceGuardrails, guarded({}).map((r) => r.name === "team-a" ? { ...r, props: { metadata: { name: UNKNOWN, labels: { "moka.dev/tenant": "true" } } } } : r));
        assert.deepEqual(named.mandatory, []);
        assert.ok(named.advisory);
    });

    it("ISO-3: an unknown Kubernetes provider namespace is not taken for \"default\"", async () => {
        // Root cause: namespaceRef fell back to "default" when the Kubernetes provider's `namespace` was unknown, as if it were absent.
        await expectUnknownsAddNoViolation(tenantNamespaceGuardrails, guarded({ providerNamespace: "team-a" }), guarded({ providerNamespace: UNKNOWN }));
        assert.deepEqual((await unknownOutcome(tenantNamespaceGuardrails, guarded({}))).mandatory, []);
        const out = await unknownOutcome(tenantNamespaceGuardrails, guarded({ providerNamespace: UNKNOWN }));
        assert.deepEqual(out.mandatory, []);
        assert.ok(out.advisory);
    });

    it("ISO-4: an unknown podSelector.matchLabels does not make a default-deny NetworkPolicy count as missing", async () => {
        // Root cause: isEmptySelector answered false (not default-deny) when podSelector.matchLabels or .matchExpressions was unknown.
        await expectUnknownsAddNoViolation(tenantNamespaceGuardrails, guarded({ podSelector: { matchLabels: {} } }), guarded({ podSelector: { matchLabels: UNKNOWN } }));
        const out = await unknownOutcome(tenantNamespaceGuardrails, guarded({ podSelector: { matchLabels: UNKNOWN } }));
        assert.deepEqual(out.mandatory, []);
        assert.ok(out.advisory);
        // A known non-empty part still narrows the selector: not default-deny, flagged.
        const narrowed = await unknownOutcome(tenantNamespaceGuardrails, guarded({ podSelector: { matchLabels: { app: "x" }, matchExpressions: UNKNOWN } }));
        assert.equal(narrowed.mandatory.length, 1);
        assert.match(narrowed.mandatory[0], /default-deny NetworkPolicy/);
    });
});
