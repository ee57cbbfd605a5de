import { strict as assert } from "assert";
import { UNKNOWN } from "../../helpers/policy";
import { UnknownTracker } from "../../../policies/lib/known";
import {
    DEFAULT_PROD_ENVIRONMENTS, environmentFromTags, isProdEnvironment, resourceEnvironment, stackEnvironment,
} from "../../../policies/isolation/lib/environment";
import {
    buildNamespaceIndex, containsToken, DEFAULT_SYSTEM_NAMESPACES, expectedQueue, hasWildcardRule, iamRoleNameFromArn, isDefaultDenyIngress, isKind,
    isTenantNamespace, namespaceRef, rbacSubjects, sameNamespace, subjectNamespace,
} from "../../../policies/isolation/lib/tenancy";

const ns = (urn: string, name?: string, labels: Record<string, unknown> = {}) => ({ type: "kubernetes:core/v1:Namespace", urn, props: { metadata: { ...(name ? { name } : {}), labels } } });

describe("isolation: policies/isolation/lib/environment", () => {
    it("reads the environment from tags, in key order, lower-cased", () => {
        assert.equal(environmentFromTags({ environment: "Prod" }), "prod");
        assert.equal(environmentFromTags({ env: "dev", Environment: "staging" }), "staging");
        assert.equal(environmentFromTags({ "moka.dev/environment": "test" }), "test");
        assert.equal(environmentFromTags({ environment: " " }), undefined);
        assert.equal(environmentFromTags({ environment: UNKNOWN }), undefined);
        assert.equal(environmentFromTags({}), undefined);
    });
    it("detects one resource's environment: config, then provider defaultTags, then own tags/labels", () => {
        const provider = { defaultTags: JSON.stringify({ tags: { environment: "dev" } }) };
        assert.deepEqual(resourceEnvironment({ environment: "PROD" }, { tags: { environment: "dev" } }, provider), { environment: "prod", source: "policy config" });
        assert.deepEqual(resourceEnvironment({}, { tags: { environment: "prod" } }, provider), { environment: "dev", source: "provider defaultTags" });
        assert.deepEqual(resourceEnvironment({ environment: "" }, { tags: { environment: "prod" } }, { defaultTags: { tags: {} } }), { environment: "prod", source: "resource tags" });
        assert.deepEqual(resourceEnvironment(undefined, { metadata: { labels: { "moka.dev/environment": "dev" } } }), { environment: "dev", source: "resource tags" });
        assert.equal(resourceEnvironment(undefined, {}), undefined);
        assert.equal(resourceEnvironment("junk", { tags: "junk" }, "junk"), undefined);
    });
    it("detects the stack's environment by majority, providers before tags; unknown votes that could flip a tier leave it undetermined", () => {
        const aws = (env: string) => ({ type: "pulumi:providers:aws", props: { defaultTags: JSON.stringify({ tags: { environment: env } }) } });
        assert.deepEqual(stackEnvironment({}, [aws("dev"), aws("dev"), aws("prod")]), { environment: "dev", source: "provider defaultTags" });
        assert.deepEqual(stackEnvironment({}, [{ type: "aws:s3/bucket:Bucket", props: {}, provider: aws("staging") }]), { environment: "staging", source: "provider defaultTags" });
        assert.deepEqual(
            stackEnvironment({}, [
                { type: "aws:s3/bucket:Bucket", props: { tags: { environment: "prod" } } },
                { type: "kubernetes:core/v1:Namespace", props: { metadata: { labels: { "moka.dev/environment": "prod" } } } },
                { type: "aws:s3/bucket:Bucket", props: { tags: { environment: "dev" } } },
            ]),
            { environment: "prod", source: "resource tags" },
        );
        // An unknown vote stops detection at its tier (no fall-through to resource tags) unless it cannot flip the majority.
        const tracker = new UnknownTracker();
        assert.equal(stackEnvironment({}, [{ type: "pulumi:providers:aws", props: { defaultTags: UNKNOWN } }, { type: "x", props: { tags: { environment: "dev" } } }], tracker), undefined);
        assert.equal(tracker.size, 1);
        assert.equal(stackEnvironment({}, [{ type: "x", props: { tags: UNKNOWN } }, { type: "x", props: { tags: { environment: "dev" } } }]), undefined);
        assert.equal(stackEnvironment({}, [{ type: "x", props: { tags: { environment: UNKNOWN, env: "dev" } } }]), undefined);
        assert.deepEqual(stackEnvironment({}, [aws("dev"), aws("dev"), { type: "pulumi:providers:aws", props: { defaultTags: UNKNOWN } }]), { environment: "dev", source: "provider defaultTags" });
        assert.equal(stackEnvironment({}, [aws("dev"), { type: "pulumi:providers:aws", props: { defaultTags: { tags: UNKNOWN } } }]), undefined);
        assert.equal(stackEnvironment({}, []), undefined);
        assert.deepEqual(stackEnvironment({ environment: "qa" }, [aws("prod")]), { environment: "qa", source: "policy config" });
    });
    it("knows which names are prod", () => {
        assert.deepEqual([...DEFAULT_PROD_ENVIRONMENTS], ["prod", "production"]);
        assert.ok(isProdEnvironment("PROD"));
        assert.ok(!isProdEnvironment("dev"));
        assert.ok(!isProdEnvironment(undefined));
        assert.ok(isProdEnvironment("live", ["live"]));
    });
});

describe("isolation: policies/isolation/lib/tenancy", () => {
    it("lists Kubernetes' and the platform's namespaces as system namespaces, but not default", () => {
        assert.deepEqual([...DEFAULT_SYSTEM_NAMESPACES].sort(), ["flink-operator", "karpenter", "kube-node-lease", "kube-public", "kube-system", "kuberay", "observability", "spark-history", "spark-operator", "yunikorn"]);
        assert.ok(!DEFAULT_SYSTEM_NAMESPACES.includes("default"), "default is judged like a tenant namespace");
    });
    it("matches Kubernetes kinds in any API version", () => {
        assert.ok(isKind("kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", "ClusterRoleBinding"));
        assert.ok(isKind("kubernetes:sparkoperator.k8s.io/v1beta2:SparkApplication", "SparkApplication"));
        assert.ok(!isKind("kubernetes:example.com/v1:Namespace", "Namespace"));
        assert.ok(!isKind("aws:s3/bucket:Bucket", "Namespace"));
    });
    it("indexes namespaces and resolves an object's namespace (dependency, name, provider, default)", () => {
        const index = buildNamespaceIndex([ns("urn:a", "team-a", { "moka.dev/tenant": "true" }), ns("urn:auto"), ns("urn:u", UNKNOWN)]);
        assert.equal(index.byName.get("team-a")?.tenantLabelled, true);
        assert.equal(index.byUrn.get("urn:auto")?.name, undefined);
        assert.equal(index.byUrn.get("urn:u")?.name, undefined);
        const obj = (props: unknown, deps?: string[], provider?: unknown) => ({
            type: "kubernetes:core/v1:ResourceQuota", urn: "urn:q", props,
            propertyDependencies: deps ? { metadata: deps.map((urn) => ({ urn, type: "x" })) } : undefined,
            provider: provider as { type: string; props: unknown } | undefined,
        });
        assert.deepEqual(namespaceRef(obj({ metadata: { namespace: UNKNOWN } }, ["urn:auto"]), index), { name: undefined, urn: "urn:auto", unknown: false });
        assert.deepEqual(namespaceRef(obj({ metadata: { namespace: "team-a" } }), index), { name: "team-a", urn: "urn:a", unknown: false });
        assert.deepEqual(namespaceRef(obj({ metadata: { namespace: UNKNOWN } }), index), { unknown: true });
        assert.deepEqual(namespaceRef(obj({ metadata: {} }, [], { type: "pulumi:providers:kubernetes", props: { namespace: "team-b" } }), index), { name: "team-b", urn: undefined, unknown: false });
        assert.deepEqual(namespaceRef(obj({}), index), { name: "default", urn: undefined, unknown: false });
        assert.equal(sameNamespace({ urn: "urn:a", unknown: false }, { name: "x", urn: "urn:a", unknown: false }), true);
        assert.equal(sameNamespace({ name: "a", unknown: false }, { name: "b", unknown: false }), false);
        assert.equal(sameNamespace({ urn: "urn:a", unknown: false }, { name: "a", unknown: false }), undefined);
    });
    it("decides tenancy from the allowlist and the tenant label", () => {
        const system = new Set(DEFAULT_SYSTEM_NAMESPACES);
        const index = buildNamespaceIndex([ns("urn:k", "karpenter", { "moka.dev/tenant": "true" })]);
        assert.ok(isTenantNamespace("team-a", system, index));
        assert.ok(!isTenantNamespace("kube-system", system, index));
        assert.ok(isTenantNamespace("karpenter", system, index), "labelled tenant wins");
    });
    it("reads RBAC subjects and the namespaces they stand for", () => {
        const subjects = rbacSubjects([
            { kind: "ServiceAccount", name: "spark", namespace: "team-a" },
            { kind: "Group", name: "system:serviceaccounts:team-b" },
            { kind: "Group", name: "system:serviceaccounts" },
            { kind: "User", name: "system:serviceaccount:team-c:x" },
            { kind: "User", name: "alice" },
            "junk",
        ]);
        assert.deepEqual(subjects.map(subjectNamespace), ["team-a", "team-b", "*", "team-c", undefined]);
        assert.deepEqual(rbacSubjects({ kind: "ServiceAccount", name: "a", namespace: "n" }).length, 1);
        assert.deepEqual(rbacSubjects(undefined), []);
    });
    it("spots wildcard rules", () => {
        assert.ok(hasWildcardRule([{ apiGroups: [""], resources: ["pods"], verbs: ["*"] }]));
        assert.ok(hasWildcardRule({ apiGroups: ["*"], resources: ["*"], verbs: ["get"] }));
        assert.ok(!hasWildcardRule([{ apiGroups: ["*"], resources: ["pods"], verbs: ["get"] }]));
        assert.ok(!hasWildcardRule("junk"));
    });
    it("recognises default-deny ingress policies", () => {
        assert.equal(isDefaultDenyIngress({ podSelector: {}, policyTypes: ["Ingress"] }), true);
        assert.equal(isDefaultDenyIngress({ podSelector: {} }), true, "absent policyTypes means Ingress");
        assert.equal(isDefaultDenyIngress({ podSelector: { matchLabels: {} }, policyTypes: ["Ingress", "Egress"], ingress: [] }), true);
        assert.equal(isDefaultDenyIngress({ podSelector: {}, policyTypes: ["Egress"] }), false);
        assert.equal(isDefaultDenyIngress({ podSelector: {}, policyTypes: ["Ingress"], ingress: [{}] }), false, "allow-all");
        assert.equal(isDefaultDenyIngress({ podSelector: { matchLabels: { app: "x" } }, policyTypes: ["Ingress"] }), false);
        assert.equal(isDefaultDenyIngress({ podSelector: UNKNOWN }), undefined);
        assert.equal(isDefaultDenyIngress(UNKNOWN), undefined);
        assert.equal(isDefaultDenyIngress("junk"), false);
    });
    it("builds queues, matches delimited tokens and reads role ARNs", () => {
        assert.equal(expectedQueue("root.{namespace}", "team-a"), "root.team-a");
        assert.ok(containsToken("moka-prod-team-growth", "growth"));
        assert.ok(!containsToken("moka-prod-team-growthx", "growth"));
        assert.ok(!containsToken("x", ""));
        assert.equal(iamRoleNameFromArn("arn:aws:iam::111111111111:role/path/moka-prod-team-a"), "moka-prod-team-a");
        assert.equal(iamRoleNameFromArn("arn:aws:s3:::bucket"), undefined);
        assert.equal(iamRoleNameFromArn(5), undefined);
    });
});

describe("isolation: policies/isolation/lib/tenancy edge cases", () => {
    it("containsToken needs delimiters on both sides, keeps searching after a non-delimited hit, and is case-insensitive", () => {
        assert.equal(containsToken("ads-ads", "ads"), true);
        assert.equal(containsToken("xads-ads", "ads"), true);
        assert.equal(containsToken("growth-adsx-ads", "ads"), true);
        assert.equal(containsToken("ADS", "ads"), true);
        assert.equal(containsToken("x-ads", "ads"), true);
        assert.equal(containsToken("adsx", "ads"), false);
        assert.equal(containsToken("xads", "ads"), false);
        assert.equal(containsToken("ads", ""), false);
    });
    it("isDefaultDenyIngress: null/absent selectors and lists are empty, a non-empty expression list or a non-object selector is not", () => {
        assert.equal(isDefaultDenyIngress({ podSelector: null }), true);
        assert.equal(isDefaultDenyIngress({ podSelector: "x" }), false);
        assert.equal(isDefaultDenyIngress({ podSelector: { matchExpressions: null } }), true);
        assert.equal(isDefaultDenyIngress({ podSelector: { matchExpressions: [{ key: "a" }] } }), false);
        assert.equal(isDefaultDenyIngress({ podSelector: { matchExpressions: {} } }), false);
        assert.equal(isDefaultDenyIngress({ podSelector: {}, policyTypes: null }), true);
        assert.equal(isDefaultDenyIngress({ podSelector: {}, ingress: null }), true);
        assert.equal(isDefaultDenyIngress({ podSelector: {}, policyTypes: ["Egress", UNKNOWN] }), undefined);
        assert.equal(isDefaultDenyIngress({ podSelector: {}, ingress: [{}] }), false);
    });
    it("subjectNamespace reads service-account groups and users only in their exact forms", () => {
        assert.equal(subjectNamespace({ kind: "Group", name: "system:serviceaccounts" } as any), "*");
        assert.equal(subjectNamespace({ kind: "Group", name: "system:serviceaccounts:ads" } as any), "ads");
        assert.equal(subjectNamespace({ kind: "Group", name: "x:system:serviceaccounts:ads" } as any), undefined);
        assert.equal(subjectNamespace({ kind: "User", name: "system:serviceaccount:ads:spark" } as any), "ads");
        assert.equal(subjectNamespace({ kind: "User", name: "x:system:serviceaccount:ads:spark" } as any), undefined);
        assert.equal(subjectNamespace({ kind: "User", name: "system:serviceaccount:ads" } as any), undefined);
        assert.equal(subjectNamespace({ kind: "Other", name: "system:serviceaccount:ads:spark" } as any), undefined);
        assert.equal(subjectNamespace({ kind: "Group" } as any), undefined);
    });
    it("iamRoleNameFromArn takes the last path segment of a role ARN only", () => {
        assert.equal(iamRoleNameFromArn("arn:aws:iam::111111111111:role/teams/ads/reader"), "reader");
        assert.equal(iamRoleNameFromArn("arn:aws-cn:iam::111111111111:role/r"), "r");
        assert.equal(iamRoleNameFromArn("xarn:aws:iam::111111111111:role/r"), undefined);
        assert.equal(iamRoleNameFromArn("arn:aws:iam::111111111111:role/r/"), undefined);
        assert.equal(iamRoleNameFromArn("arn:aws1:iam::111111111111:role/r"), undefined);
        assert.equal(hasWildcardRule([{ verbs: "*" }]), true);
        assert.equal(hasWildcardRule(["*"]), false);
    });
});
