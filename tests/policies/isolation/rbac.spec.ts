import { strict as assert } from "assert";
import { check, TestResource, UNKNOWN } from "../../helpers/policy";
import { tenantRbacNamespaceScoped } from "../../../policies/isolation/rules/rbac";
import { expectClean, expectUnknownAdvisory, expectViolation, mutate, runStackDirect } from "../security/support";
import { benchSize } from "../bench-scale";
import { expectUnknownsAddNoViolation, unknownOutcome } from "../regression";

const RBAC = "rbac.authorization.k8s.io";
const sa = (namespace: string, name = "spark") => ({ kind: "ServiceAccount", name, namespace });
const namespace = (name: string, labels: Record<string, string> = {}): TestResource => ({
    type: "kubernetes:core/v1:Namespace",
    name: `ns-${name}`,
    props: { apiVersion: "v1", kind: "Namespace", metadata: { name, labels } },
});
const crb = (name: string, role: string, subjects: unknown): TestResource => ({
    type: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
    name: `crb-${name}`,
    props: { apiVersion: `${RBAC}/v1`, kind: "ClusterRoleBinding", metadata: { name }, roleRef: { apiGroup: RBAC, kind: "ClusterRole", name: role }, subjects },
});
const rb = (ns: string, roleKind: string, role: string, subjects: unknown, name = "spark-driver"): TestResource => ({
    type: "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
    name: `rb-${ns}-${name}`,
    props: { apiVersion: `${RBAC}/v1`, kind: "RoleBinding", metadata: { name, namespace: ns }, roleRef: { apiGroup: RBAC, kind: roleKind, name: role }, subjects },
});
const clusterRole = (name: string, rules: unknown): TestResource => ({
    type: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole",
    name: `cr-${name}`,
    props: { apiVersion: `${RBAC}/v1`, kind: "ClusterRole", metadata: { name }, rules },
});
const role = (ns: string, name: string, rules: unknown): TestResource => ({
    type: "kubernetes:rbac.authorization.k8s.io/v1:Role",
    name: `role-${ns}-${name}`,
    props: { apiVersion: `${RBAC}/v1`, kind: "Role", metadata: { name, namespace: ns }, rules },
});
/** The team's Spark driver Role as components/team-rbac.ts sparkDriverRules builds it (kept in sync by the program tests, which run the real one). */
const SPARK_DRIVER_RULES = [
    { apiGroups: [""], resources: ["pods"], verbs: ["create", "get", "list", "watch", "patch", "delete", "deletecollection"] },
    { apiGroups: [""], resources: ["services"], verbs: ["create", "get", "list", "watch", "delete", "deletecollection"] },
    { apiGroups: [""], resources: ["configmaps"], verbs: ["create", "get", "list", "watch", "delete", "deletecollection"] },
    { apiGroups: [""], resources: ["persistentvolumeclaims"], verbs: ["create", "get", "list", "watch", "delete", "deletecollection"] },
];
const team = () => [namespace("ads-ranking", { "moka.dev/tenant": "true" }), role("ads-ranking", "spark-driver", SPARK_DRIVER_RULES), rb("ads-ranking", "Role", "spark-driver", [sa("ads-ranking")])];
/** A tenant binding of a Role with `rules` in its own namespace. */
const ownRole = (rules: unknown, ns = "ads-ranking") => [role(ns, "r", rules), rb(ns, "Role", "r", [sa(ns)], "rb")];

describe("isolation: tenant-rbac-namespace-scoped", () => {
    it("passes the team's namespaced Role binding", async () => {
        await expectClean(tenantRbacNamespaceScoped, team());
    });
    it("passes cluster-wide bindings of platform (system namespace) service accounts and non-SA users", async () => {
        await expectClean(tenantRbacNamespaceScoped, [crb("karpenter", "karpenter-core", [sa("karpenter", "karpenter")]), crb("admins", "cluster-admin", [{ kind: "Group", name: "platform-admins" }])]);
    });
    it("flags a ClusterRoleBinding to a tenant ServiceAccount", async () => {
        const [v] = await expectViolation(tenantRbacNamespaceScoped, [...team(), crb("spark-nodes", "view", [sa("ads-ranking")])], /ClusterRoleBinding "spark-nodes" grants ClusterRole "view" cluster-wide to tenant ServiceAccount ads-ranking\/spark/);
        assert.match(v.urn ?? "", /crb-spark-nodes$/);
    });
    it("treats any non-system namespace as a tenant, even when not created in the stack", async () => {
        await expectViolation(tenantRbacNamespaceScoped, crb("x", "view", [sa("growth", "app")]), /tenant ServiceAccount growth\/app/);
    });
    it("flags tenant service-account groups and users, and the all-service-accounts group", async () => {
        await expectViolation(tenantRbacNamespaceScoped, crb("g", "view", [{ kind: "Group", apiGroup: RBAC, name: "system:serviceaccounts:growth" }]), /Group system:serviceaccounts:growth/);
        await expectViolation(tenantRbacNamespaceScoped, crb("u", "view", [{ kind: "User", apiGroup: RBAC, name: "system:serviceaccount:growth:spark" }]), /User system:serviceaccount:growth:spark/);
        await expectViolation(tenantRbacNamespaceScoped, crb("all", "view", [{ kind: "Group", apiGroup: RBAC, name: "system:serviceaccounts" }]), /every service account in the cluster/);
    });
    it("flags a RoleBinding of cluster-admin, admin or edit to a tenant SA (even in its own namespace)", async () => {
        for (const role of ["cluster-admin", "admin", "edit"]) {
            await expectViolation(tenantRbacNamespaceScoped, [...team(), rb("ads-ranking", "ClusterRole", role, [sa("ads-ranking")], `bind-${role}`)], new RegExp(`binds the ClusterRole "${role}" to tenant ServiceAccount ads-ranking/spark`));
        }
    });
    it("passes a RoleBinding of the built-in view ClusterRole in the tenant's own namespace", async () => {
        await expectClean(tenantRbacNamespaceScoped, [...team(), rb("ads-ranking", "ClusterRole", "view", [sa("ads-ranking")], "viewers")]);
    });
    it("flags a RoleBinding of a stack-defined wildcard ClusterRole, resolved by name or by dependency", async () => {
        const wild = clusterRole("team-power", [{ apiGroups: [""], resources: ["*"], verbs: ["get", "list"] }]);
        await expectViolation(tenantRbacNamespaceScoped, [wild, rb("ads-ranking", "ClusterRole", "team-power", [sa("ads-ranking")])], /binds the wildcard ClusterRole "team-power"/);
        const auto = { ...clusterRole("x", [{ apiGroups: ["*"], resources: ["pods"], verbs: ["*"] }]), urn: "urn:pulumi:test::moka::kubernetes:rbac.authorization.k8s.io/v1:ClusterRole::auto" };
        delete (auto.props.metadata as Record<string, unknown>).name;
        const binding = { ...rb("ads-ranking", "ClusterRole", UNKNOWN, [sa("ads-ranking")]), propertyDependencies: { roleRef: [auto.urn] } };
        await expectViolation(tenantRbacNamespaceScoped, [auto, binding], /wildcard ClusterRole/);
    });
    it("passes a RoleBinding of a narrow stack-defined ClusterRole", async () => {
        await expectClean(tenantRbacNamespaceScoped, [clusterRole("reader", [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get"] }]), rb("ads-ranking", "ClusterRole", "reader", [sa("ads-ranking")])]);
    });
    it("flags a RoleBinding that grants a tenant SA rights in another namespace", async () => {
        await expectViolation(tenantRbacNamespaceScoped, [...team(), rb("growth", "Role", "reader", [sa("ads-ranking")])], /RoleBinding "spark-driver" grants Role "reader" in namespace "growth" to tenant ServiceAccount ads-ranking\/spark \(namespace "ads-ranking"\)/);
        await expectViolation(tenantRbacNamespaceScoped, rb("kube-system", "Role", "reader", [{ kind: "Group", name: "system:serviceaccounts:growth" }]), /in namespace "kube-system"/);
        await expectViolation(tenantRbacNamespaceScoped, rb("growth", "Role", "reader", [{ kind: "Group", name: "system:serviceaccounts" }]), /every service account/);
    });
    it("flags dangerous roles bound to system:authenticated, but not harmless ones", async () => {
        await expectViolation(tenantRbacNamespaceScoped, crb("everyone", "cluster-admin", [{ kind: "Group", name: "system:authenticated" }]), /group system:authenticated, which includes every tenant service account/);
        await expectViolation(tenantRbacNamespaceScoped, rb("growth", "ClusterRole", "edit", [{ kind: "Group", name: "system:unauthenticated" }]), /system:unauthenticated/);
        await expectClean(tenantRbacNamespaceScoped, crb("discovery", "system:discovery", [{ kind: "Group", name: "system:authenticated" }]));
    });
    it("treats a tenant-labelled namespace as a tenant even if its name is in the allowlist", async () => {
        await expectViolation(tenantRbacNamespaceScoped, [namespace("observability", { "moka.dev/tenant": "true" }), crb("x", "view", [sa("observability", "app")])], /tenant ServiceAccount observability\/app/);
    });
    it("honours config: systemNamespaces and dangerousClusterRoles", async () => {
        await expectClean(tenantRbacNamespaceScoped, crb("x", "view", [sa("batch")]), { systemNamespaces: ["kube-system", "batch"] });
        await expectViolation(tenantRbacNamespaceScoped, rb("growth", "ClusterRole", "view", [sa("growth")]), /binds the ClusterRole "view"/, { config: { dangerousClusterRoles: ["view"] } });
    });
    it("resolves auto-named namespaces through property dependencies", async () => {
        const nsUrn = "urn:pulumi:test::moka::kubernetes:core/v1:Namespace::auto";
        const auto: TestResource = { type: "kubernetes:core/v1:Namespace", urn: nsUrn, props: { metadata: { labels: {} } } };
        const own = { ...rb(UNKNOWN, "Role", "r", [sa(UNKNOWN)]), propertyDependencies: { metadata: [nsUrn], subjects: [nsUrn] } };
        const clusterWide = { ...crb("c", "view", [sa(UNKNOWN)]), propertyDependencies: { subjects: [nsUrn] } };
        await expectClean(tenantRbacNamespaceScoped, [auto, own]);
        await expectViolation(tenantRbacNamespaceScoped, [auto, own, clusterWide], /ClusterRoleBinding "c" grants ClusterRole "view" cluster-wide to tenant ServiceAccount \(auto-named namespace\)\/spark/);
    });
    it("survives odd shapes: single subject object, null subjects, missing roleRef", async () => {
        await expectViolation(tenantRbacNamespaceScoped, crb("one", "view", sa("growth")), /growth\/spark/);
        await expectClean(tenantRbacNamespaceScoped, crb("none", "view", null));
        await expectClean(tenantRbacNamespaceScoped, mutate(rb("growth", "Role", "r", [sa("growth")]), (d) => delete d.props.roleRef));
        await expectClean(tenantRbacNamespaceScoped, [crb("junk", "view", ["x", 3, { kind: 7 }])]);
    });
    it("turns an unknown subject into an advisory but still reports the other bindings", async () => {
        await expectUnknownAdvisory(tenantRbacNamespaceScoped, crb("u", "view", UNKNOWN));
        const ds = await check(tenantRbacNamespaceScoped, [crb("u", "view", [sa(UNKNOWN)]), crb("bad", "view", [sa("growth")])]);
        assert.equal(ds.filter((d) => d.enforcementLevel === "mandatory").length, 1);
        assert.equal(ds.filter((d) => d.unknownValue).length, 1);
    });
    it("is linear: 12,500 bindings, roles and namespaces (2,500 tenants with same-named Roles) in well under a second", async () => {
        const many: TestResource[] = [];
        for (let i = 0; i < benchSize(2500); i++) {
            // Every namespace has a Role of the same name, as every team has its "spark" Role: resolved per namespace, not by scanning.
            many.push(namespace(`t${i}`), clusterRole(`r${i}`, [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }]), rb(`t${i}`, "ClusterRole", `r${i}`, [sa(`t${i}`)]),
                role(`t${i}`, "x", SPARK_DRIVER_RULES), rb(`t${i}`, "Role", "x", [sa(`t${i}`)], "y"));
        }
        const { violations, ms } = await runStackDirect(tenantRbacNamespaceScoped, many);
        assert.equal(violations.length, 0);
        assert.ok(ms < 1500, `${ms} ms`);
    });
});

describe("isolation: tenant-rbac-namespace-scoped — dangerous rights in the tenant's own namespace (issue 12)", () => {
    it("passes the team's own Spark driver Role (pods, services, configmaps, PVCs)", async () => {
        await expectClean(tenantRbacNamespaceScoped, team());
    });
    const dangerous: [string, unknown, RegExp][] = [
        ["* verbs", [{ apiGroups: [""], resources: ["pods"], verbs: ["*"] }], /every verb or every resource \(\*\)/],
        ["* resources", [{ apiGroups: [""], resources: ["*"], verbs: ["list"] }], /every verb or every resource \(\*\) and reading Secrets/],
        ["secrets get", [{ apiGroups: [""], resources: ["secrets"], verbs: ["get"] }], /reading Secrets \(get\/list\/watch\)/],
        ["secrets watch", [{ apiGroups: [""], resources: ["secrets"], verbs: ["create", "watch"] }], /reading Secrets/],
        ["pods/exec create", [{ apiGroups: [""], resources: ["pods/exec"], verbs: ["create"] }], /exec\/attach into pods/],
        ["pods/attach get", [{ apiGroups: [""], resources: ["pods/attach"], verbs: ["get"] }], /exec\/attach into pods/],
        ["pods/* create", [{ apiGroups: [""], resources: ["pods/*"], verbs: ["create"] }], /exec\/attach into pods/],
        ["nodes/proxy get", [{ apiGroups: [""], resources: ["nodes/proxy"], verbs: ["get"] }], /exec\/attach into pods/],
        ["bind roles", [{ apiGroups: [RBAC], resources: ["roles"], verbs: ["bind"] }], /bind, escalate or impersonate/],
        ["escalate clusterroles", [{ apiGroups: [RBAC], resources: ["clusterroles"], verbs: ["escalate"] }], /bind, escalate or impersonate/],
        ["impersonate serviceaccounts", [{ apiGroups: [""], resources: ["serviceaccounts"], verbs: ["impersonate"] }], /bind, escalate or impersonate/],
        ["* on rolebindings", [{ apiGroups: [RBAC], resources: ["roles", "rolebindings"], verbs: ["*"] }], /every verb or every resource \(\*\) and bind, escalate or impersonate/],
        ["delete networkpolicies", [{ apiGroups: ["networking.k8s.io"], resources: ["networkpolicies"], verbs: ["delete"] }], /changing or deleting the namespace's NetworkPolicies/],
        ["create networkpolicies (an allow-all one cancels default-deny)", [{ apiGroups: ["networking.k8s.io"], resources: ["networkpolicies"], verbs: ["create"] }], /NetworkPolicies/],
        ["patch resourcequotas", [{ apiGroups: [""], resources: ["resourcequotas"], verbs: ["patch"] }], /ResourceQuotas or LimitRanges/],
        ["deletecollection limitranges", [{ apiGroups: ["*"], resources: ["limitranges"], verbs: ["deletecollection"] }], /ResourceQuotas or LimitRanges/],
    ];
    for (const [what, rules, fragment] of dangerous) {
        it(`flags a Role granting ${what} to a tenant ServiceAccount in its own namespace`, async () => {
            const [v] = await expectViolation(tenantRbacNamespaceScoped, ownRole(rules), new RegExp(`RoleBinding "rb" grants Role "r" to tenant ServiceAccount ads-ranking/spark in its own namespace, which allows .*${fragment.source}`));
            assert.match(v.urn ?? "", /rb-ads-ranking-rb$/);
        });
    }
    const harmless: [string, unknown][] = [
        ["create secrets (write-only)", [{ apiGroups: [""], resources: ["secrets"], verbs: ["create", "update"] }]],
        ["read pod logs", [{ apiGroups: [""], resources: ["pods", "pods/log"], verbs: ["get", "list"] }]],
        ["read NetworkPolicies and quotas", [{ apiGroups: ["networking.k8s.io"], resources: ["networkpolicies"], verbs: ["get", "list", "watch"] }, { apiGroups: [""], resources: ["resourcequotas", "limitranges"], verbs: ["get"] }]],
        ["add a ResourceQuota (only restricts further)", [{ apiGroups: [""], resources: ["resourcequotas"], verbs: ["create"] }]],
        ["create rolebindings without bind", [{ apiGroups: [RBAC], resources: ["rolebindings"], verbs: ["create", "get"] }]],
        ["secrets in another API group", [{ apiGroups: ["example.com"], resources: ["secrets"], verbs: ["get"] }]],
        ["odd shapes", [null, "x", 3, { verbs: "get", resources: "pods" }]],
    ];
    for (const [what, rules] of harmless) {
        it(`passes a Role that may ${what}`, async () => {
            await expectClean(tenantRbacNamespaceScoped, ownRole(rules));
        });
    }
    it("flags a stack ClusterRole with dangerous rights bound in the tenant's namespace, and says what it allows", async () => {
        await expectViolation(tenantRbacNamespaceScoped, [clusterRole("secret-reader", [{ apiGroups: [""], resources: ["secrets"], verbs: ["list"] }]), rb("ads-ranking", "ClusterRole", "secret-reader", [sa("ads-ranking")])],
            /binds the ClusterRole "secret-reader" to tenant ServiceAccount ads-ranking\/spark, which allows reading Secrets \(get\/list\/watch\)\./);
        await expectViolation(tenantRbacNamespaceScoped, [clusterRole("execs", [{ apiGroups: [""], resources: ["pods/exec"], verbs: ["create"] }]), crb("execs", "execs", [sa("ads-ranking")])],
            /grants ClusterRole "execs" cluster-wide to tenant ServiceAccount ads-ranking\/spark, which allows exec\/attach into pods \(pods\/exec, pods\/attach, nodes\/proxy\)\./);
    });
    it("resolves the Role by dependency, or by name in the binding's namespace only", async () => {
        const auto = { ...role("ads-ranking", "x", [{ apiGroups: [""], resources: ["secrets"], verbs: ["get"] }]), urn: "urn:pulumi:test::moka::kubernetes:rbac.authorization.k8s.io/v1:Role::auto" };
        delete (auto.props.metadata as Record<string, unknown>).name;
        await expectViolation(tenantRbacNamespaceScoped, [auto, { ...rb("ads-ranking", "Role", UNKNOWN, [sa("ads-ranking")], "rb"), propertyDependencies: { roleRef: [auto.urn] } }], /grants Role "\(unknown until deploy\)" to tenant/);
        // A same-named Role in ANOTHER namespace is not the one bound here.
        await expectClean(tenantRbacNamespaceScoped, [role("growth", "r", [{ apiGroups: [""], resources: ["secrets"], verbs: ["get"] }]), rb("ads-ranking", "Role", "r", [sa("ads-ranking")], "rb")]);
    });
    it("does not judge what it cannot know yet: unknown rules, a Role whose namespace is unknown", async () => {
        await expectUnknownAdvisory(tenantRbacNamespaceScoped, ownRole(UNKNOWN));
        await expectUnknownAdvisory(tenantRbacNamespaceScoped, ownRole([{ apiGroups: [""], resources: ["secrets"], verbs: UNKNOWN }]));
        await expectUnknownAdvisory(tenantRbacNamespaceScoped, [mutate(role("ads-ranking", "r", [{ apiGroups: [""], resources: ["secrets"], verbs: ["get"] }]), (d) => (d.props.metadata.namespace = UNKNOWN)), rb("ads-ranking", "Role", "r", [sa("ads-ranking")], "rb")]);
        // A known dangerous rule still counts next to an unknown one.
        const ds = await check(tenantRbacNamespaceScoped, ownRole([UNKNOWN, { apiGroups: [""], resources: ["secrets"], verbs: ["get"] }]));
        assert.equal(ds.filter((d) => d.enforcementLevel === "mandatory").length, 1);
    });
    it("judges the default namespace like a tenant's (it is no longer a system namespace)", async () => {
        await expectViolation(tenantRbacNamespaceScoped, crb("execs", "view", [sa("default", "over-privileged-sa1")]), /cluster-wide to tenant ServiceAccount default\/over-privileged-sa1/);
    });
    it("never prints the preview-unknown sentinel (issue 12 message defect)", async () => {
        const nsUrn = "urn:pulumi:test::moka::kubernetes:core/v1:Namespace::auto";
        const auto: TestResource = { type: "kubernetes:core/v1:Namespace", urn: nsUrn, props: { metadata: { labels: {} } } };
        const [v] = await expectViolation(tenantRbacNamespaceScoped, [auto, { ...crb("c", "view", [{ kind: "ServiceAccount", name: UNKNOWN, namespace: UNKNOWN }]), propertyDependencies: { subjects: [nsUrn] } }],
            /cluster-wide to tenant ServiceAccount \(auto-named namespace\)\/\(unknown until deploy\)/);
        assert.doesNotMatch(v.message, /04da6b54/);
    });
});

describe("isolation: tenant-rbac-namespace-scoped — fuzz regressions (unknowns never add a violation)", () => {
    const NS_URN = "urn:pulumi:test::moka::kubernetes:core/v1:Namespace::ns";

    it("ISO-1: a Namespace whose name is unknown is not taken for an auto-named tenant (subjects resolved through it)", async () => {
        // Root cause: buildNamespaceIndex mapped an unknown metadata.name to `name: undefined`, which tenantOf took for an auto-named (tenant) namespace.
        const platformBinding = (nsName: unknown): TestResource[] => [
            { type: "kubernetes:core/v1:Namespace", name: "ns", urn: NS_URN, props: { metadata: { name: nsName } } },
            { ...crb("operator", "view", [sa(nsName as string)]), propertyDependencies: { subjects: [NS_URN] } },
        ];
        await expectUnknownsAddNoViolation(tenantRbacNamespaceScoped, platformBinding("spark-operator"), platformBinding(UNKNOWN));
        // A tenant-labelled namespace is a tenant whatever its name: still flagged.
        const labelled = platformBinding(UNKNOWN).map((r) => (r.name === "ns" ? { ...r, props: { metadata: { name: UNKNOWN, labels: { "moka.dev/tenant": "true" } } } } : r));
        assert.equal((await unknownOutcome(tenantRbacNamespaceScoped, labelled)).mandatory.length, 1);
    });

    it("ISO-7: a Namespace with an odd metadata is not taken for an auto-named tenant (subjects resolved through it)", async () => {
        // Found with FUZZ_SEED=99 FUZZ_SCALE=6. Root cause: buildNamespaceIndex read a Namespace whose metadata was not an object
        // as auto-named (no name), which tenantOf counts as a tenant.
        const binding = (saNamespace: unknown): TestResource[] => [
            { type: "kubernetes:core/v1:Namespace", name: "ns", urn: NS_URN, props: { metadata: "[object Object]" } },
            { ...crb("operator", "view", [sa(saNamespace as string, "karpenter")]), propertyDependencies: { subjects: [NS_URN] } },
        ];
        await expectUnknownsAddNoViolation(tenantRbacNamespaceScoped, binding("karpenter"), binding(UNKNOWN));
        // A Namespace whose metadata is an object without a name is auto-named, hence a tenant: still flagged.
        const auto = binding(UNKNOWN).map((r) => (r.name === "ns" ? { ...r, props: { metadata: { labels: {} } } } : r));
        assert.equal((await unknownOutcome(tenantRbacNamespaceScoped, auto)).mandatory.length, 1);
    });

    it("ISO-3: an unknown Kubernetes provider namespace is not taken for \"default\" (RoleBindings)", async () => {
        // Root cause: namespaceRef put a RoleBinding whose Kubernetes provider `namespace` was unknown in "default", as if it were absent.
        const viaProvider = (providerNamespace: unknown): TestResource[] => [
            namespace("team-a", { "moka.dev/tenant": "true" }),
            {
                type: "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", name: "rb-reader",
                provider: { type: "pulumi:providers:kubernetes", name: "k8s", props: { namespace: providerNamespace } },
                props: { metadata: { name: "reader" }, roleRef: { apiGroup: RBAC, kind: "Role", name: "reader" }, subjects: [sa("team-a")] },
            },
        ];
        await expectUnknownsAddNoViolation(tenantRbacNamespaceScoped, viaProvider("team-a"), viaProvider(UNKNOWN));
        // A known other namespace is still a cross-namespace grant.
        await expectViolation(tenantRbacNamespaceScoped, viaProvider("team-b"), /grants Role "reader" in namespace "team-b" to tenant ServiceAccount team-a\/spark \(namespace "team-a"\)/);
    });
});
