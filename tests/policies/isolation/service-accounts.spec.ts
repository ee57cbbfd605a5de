import { strict as assert } from "assert";
import { check, TestResource, UNKNOWN } from "../../helpers/policy";
import { tenantServiceAccountsOwnNamespace } from "../../../policies/isolation/rules/service-accounts";
import { expectClean, expectUnknownAdvisory, expectViolation, mutate, runStackDirect, WORKLOADS } from "../security/support";
import { benchSize } from "../bench-scale";
import { expectUnknownsAddNoViolation, unknownOutcome } from "../regression";

const ROLE = "aws:iam/role:Role";
const roleUrn = (team: string) => `urn:pulumi:test::moka::moka:tenancy:Team$aws:iam/role:Role::team-${team}-role`;
const namespace = (n: string): TestResource => ({ type: "kubernetes:core/v1:Namespace", name: `ns-${n}`, props: { metadata: { name: n, labels: { "moka.dev/tenant": "true" } } } });
const serviceAccount = (n: string, name = "spark", annotations?: Record<string, string>): TestResource => ({
    type: "kubernetes:core/v1:ServiceAccount",
    name: `sa-${n}-${name}`,
    props: { metadata: { name, namespace: n, ...(annotations ? { annotations } : {}) } },
});
const role = (team: string, tags: Record<string, string> = { team }): TestResource => ({
    type: ROLE,
    urn: roleUrn(team),
    props: { name: `moka-prod-team-${team}`, assumeRolePolicy: "{}", tags: { ...tags, environment: "prod" } },
});
const pia = (n: string, team: string, viaDependency = true): TestResource => ({
    type: "aws:eks/podIdentityAssociation:PodIdentityAssociation",
    name: `team-${n}-pod-identity`,
    props: { clusterName: "moka-prod", namespace: n, serviceAccount: "spark", roleArn: viaDependency ? UNKNOWN : `arn:aws:iam::111111111111:role/moka-prod-team-${team}`, disableSessionTags: false },
    propertyDependencies: viaDependency ? { roleArn: [roleUrn(team)] } : undefined,
});
const sparkApp = (n: string, driverSa = "spark", extra: Record<string, unknown> = {}): TestResource => ({
    type: "kubernetes:sparkoperator.k8s.io/v1beta2:SparkApplication",
    name: `app-${n}`,
    props: {
        metadata: { name: "etl", namespace: n },
        spec: { type: "Scala", batchScheduler: "yunikorn", driver: { cores: 1, serviceAccount: driverSa }, executor: { cores: 2, instances: 2 }, ...extra },
    },
});
const platform = () => [
    namespace("ads-ranking"), namespace("growth"),
    serviceAccount("ads-ranking"), serviceAccount("growth"),
    role("ads-ranking"), role("growth"),
    pia("ads-ranking", "ads-ranking"), pia("growth", "growth"),
];

describe("isolation: tenant-service-accounts-own-namespace", () => {
    it("passes the platform's per-team SAs, roles and Pod Identity associations, and apps using their own SA", async () => {
        await expectClean(tenantServiceAccountsOwnNamespace, [...platform(), sparkApp("ads-ranking"), sparkApp("growth")]);
    });
    it("passes an app-team stack whose SA is not in the stack", async () => {
        await expectClean(tenantServiceAccountsOwnNamespace, sparkApp("ads-ranking", "spark"));
    });
    it("flags a namespace-qualified serviceAccountName on every workload kind", async () => {
        for (const w of WORKLOADS) {
            const res = mutate(w.make("ads-ranking"), (d) => (w.pod(d.props)[w.saField] = w.saField === "serviceAccount" ? "growth:spark" : "system:serviceaccount:growth:spark"));
            await expectViolation(tenantServiceAccountsOwnNamespace, res, /names a ServiceAccount with a namespace qualifier/);
        }
        await expectViolation(tenantServiceAccountsOwnNamespace, sparkApp("ads-ranking", "growth/spark"), /spec\.driver\.serviceAccount "growth\/spark" names a ServiceAccount with a namespace qualifier/);
    });
    it("flags a workload using a ServiceAccount the stack defines only in other namespaces", async () => {
        const [v] = await expectViolation(tenantServiceAccountsOwnNamespace, [namespace("growth"), serviceAccount("growth", "spark-admin"), sparkApp("ads-ranking", "spark-admin")], /SparkApplication "etl" in namespace "ads-ranking": spec\.driver\.serviceAccount "spark-admin" is defined in "growth" but not in "ads-ranking"/);
        assert.match(v.urn ?? "", /app-ads-ranking$/);
        const dep = WORKLOADS.find((w) => w.kind === "Deployment")!;
        await expectViolation(tenantServiceAccountsOwnNamespace, [serviceAccount("growth", "app"), dep.make("ads-ranking")], /spec\.template\.spec\.serviceAccountName "app" is defined in "growth"/);
    });
    it("reads Spark pod templates and SparkConnect templates (one pod-spec reader)", async () => {
        await expectViolation(tenantServiceAccountsOwnNamespace, mutate(sparkApp("ads-ranking"), (d) => (d.props.spec.executor.template = { spec: { serviceAccountName: "growth/spark" } })), /spec\.executor\.template\.spec\.serviceAccountName "growth\/spark" names a ServiceAccount with a namespace qualifier/);
        const connect = WORKLOADS.find((w) => w.kind === "SparkConnect")!;
        await expectViolation(tenantServiceAccountsOwnNamespace, [serviceAccount("growth", "connect"), mutate(connect.make("ads-ranking"), (d) => (d.props.spec.server.template.spec.serviceAccountName = "connect"))], /SparkConnect "connect" in namespace "ads-ranking": spec\.server\.template\.spec\.serviceAccountName "connect" is defined in "growth"/);
        await expectViolation(tenantServiceAccountsOwnNamespace, mutate(connect.make("ads-ranking"), (d) => (d.props.spec.sparkConf = { "spark.kubernetes.namespace": "growth" })), /sparkConf\["spark\.kubernetes\.namespace"\] is "growth"/);
    });
    it("flags executor service accounts and sparkConf overrides", async () => {
        await expectViolation(tenantServiceAccountsOwnNamespace, [...platform(), mutate(sparkApp("ads-ranking"), (d) => (d.props.spec.executor.serviceAccount = "x:y"))], /spec\.executor\.serviceAccount "x:y"/);
        await expectViolation(tenantServiceAccountsOwnNamespace, [...platform(), serviceAccount("growth", "etl"), sparkApp("ads-ranking", "spark", { sparkConf: { "spark.kubernetes.authenticate.driver.serviceAccountName": "etl" } })], /sparkConf\["spark\.kubernetes\.authenticate\.driver\.serviceAccountName"\] "etl" is defined in "growth"/);
        await expectViolation(tenantServiceAccountsOwnNamespace, sparkApp("ads-ranking", "spark", { sparkConf: { "spark.kubernetes.namespace": "growth" } }), /sparkConf\["spark\.kubernetes\.namespace"\] is "growth", another namespace/);
    });
    it("flags a Pod Identity association giving a namespace another team's role (tag, naming convention, token)", async () => {
        await expectViolation(tenantServiceAccountsOwnNamespace, [...platform(), pia("ads-ranking", "growth")], /Pod Identity association "team-ads-ranking-pod-identity" for namespace "ads-ranking": its roleArn role "moka-prod-team-growth" is tagged team "growth"/);
        await expectViolation(tenantServiceAccountsOwnNamespace, [...platform().filter((r) => r.type !== ROLE), pia("ads-ranking", "growth", false)], /role "moka-prod-team-growth" is team "growth"'s role by name/);
        const other: TestResource = { type: "aws:eks/podIdentityAssociation:PodIdentityAssociation", name: "p", props: { namespace: "ads-ranking", serviceAccount: "spark", roleArn: "arn:aws:iam::111111111111:role/growth-s3-writer" } };
        await expectViolation(tenantServiceAccountsOwnNamespace, [...platform(), other], /role "growth-s3-writer" names tenant "growth"/);
        const target = mutate(pia("ads-ranking", "ads-ranking"), (d) => (d.props.targetRoleArn = "arn:aws:iam::222222222222:role/moka-prod-team-growth"));
        await expectViolation(tenantServiceAccountsOwnNamespace, [...platform(), target], /its targetRoleArn role "moka-prod-team-growth"/);
    });
    it("does not judge roles without team markers, or a role naming both teams' shared prefix", async () => {
        const neutral: TestResource = { type: "aws:eks/podIdentityAssociation:PodIdentityAssociation", name: "p", props: { namespace: "ads-ranking", serviceAccount: "spark", roleArn: "arn:aws:iam::111111111111:role/shared-reader" } };
        await expectClean(tenantServiceAccountsOwnNamespace, [...platform(), neutral]);
        const own: TestResource = { type: "aws:eks/podIdentityAssociation:PodIdentityAssociation", name: "q", props: { namespace: "ads", serviceAccount: "spark", roleArn: "arn:aws:iam::111111111111:role/ads-etl" } };
        await expectClean(tenantServiceAccountsOwnNamespace, [namespace("ads"), namespace("ads-ranking"), own]);
    });
    it("lets the association's actual namespace win over the name pattern (issue 12 false alarm: data-on-eks <cluster>-emr-data-team-a)", async () => {
        // infra/terraform/emr-on-eks-spark.tf at a546a190: the EMR team role is named "<cluster>-<namespace>", namespace emr-data-team-a.
        const emrRole: TestResource = { type: ROLE, urn: "urn:pulumi:test::moka::aws:iam/role:Role::emr-a", props: { name: "data-on-eks-emr-data-team-a", assumeRolePolicy: "{}", tags: { Team: "emr-data-team-a" } } };
        const assoc = (ns: string, sa: string): TestResource => ({
            type: "aws:eks/podIdentityAssociation:PodIdentityAssociation", name: `emr-${ns}-${sa}`,
            props: { clusterName: "data-on-eks", namespace: ns, serviceAccount: sa, roleArn: "arn:aws:iam::111111111111:role/data-on-eks-emr-data-team-a" },
        });
        await expectClean(tenantServiceAccountsOwnNamespace, [emrRole, assoc("emr-data-team-a", "driver"), assoc("emr-data-team-a", "executor")]);
        // IRSA, data-on-eks spark-team.tf: role spark-operator-doeks-spark-team-a on namespace spark-team-a's ServiceAccount.
        await expectClean(tenantServiceAccountsOwnNamespace, serviceAccount("spark-team-a", "spark-team-a", { "eks.amazonaws.com/role-arn": "arn:aws:iam::111111111111:role/spark-operator-doeks-spark-team-a" }));
        // The same role handed to another namespace is still another team's (the synthetic corpus twin), and
        // namespace "b" does not own "team-b"'s role just because it ends in "b" (the name must end in the whole namespace).
        await expectViolation(tenantServiceAccountsOwnNamespace, [emrRole, assoc("emr-data-team-b", "driver")], /namespace "emr-data-team-b": its roleArn role "data-on-eks-emr-data-team-a" is team "a"'s role by name/);
        await expectViolation(tenantServiceAccountsOwnNamespace, { ...assoc("b", "driver"), props: { ...assoc("b", "driver").props, roleArn: "arn:aws:iam::111111111111:role/moka-prod-team-team-b" } }, /for namespace "b": its roleArn role "moka-prod-team-team-b" is team "team-b"'s role by name/);
    });
    it("resolves the association's namespace through a Namespace dependency", async () => {
        const nsUrn = "urn:pulumi:test::moka::kubernetes:core/v1:Namespace::ns-growth";
        const p = { ...pia("growth", "ads-ranking"), props: { ...pia("growth", "ads-ranking").props, namespace: UNKNOWN }, propertyDependencies: { roleArn: [roleUrn("ads-ranking")], namespace: [nsUrn] } };
        await expectViolation(tenantServiceAccountsOwnNamespace, [{ ...namespace("growth"), urn: nsUrn }, role("ads-ranking"), p], /for namespace "growth": its roleArn role "moka-prod-team-ads-ranking" is tagged team "ads-ranking"/);
    });
    it("flags an IRSA annotation naming another team's role", async () => {
        await expectViolation(tenantServiceAccountsOwnNamespace, [...platform(), serviceAccount("ads-ranking", "etl", { "eks.amazonaws.com/role-arn": "arn:aws:iam::111111111111:role/moka-prod-team-growth" })], /ServiceAccount "etl" in namespace "ads-ranking": its eks\.amazonaws\.com\/role-arn role "moka-prod-team-growth"/);
        await expectClean(tenantServiceAccountsOwnNamespace, [...platform(), serviceAccount("ads-ranking", "etl", { "eks.amazonaws.com/role-arn": "arn:aws:iam::111111111111:role/moka-prod-team-ads-ranking" })]);
    });
    it("honours a custom team-role naming pattern", async () => {
        const p: TestResource = { type: "aws:eks/podIdentityAssociation:PodIdentityAssociation", name: "p", props: { namespace: "a", serviceAccount: "s", roleArn: "arn:aws:iam::111111111111:role/tenant_b_role" } };
        await expectViolation(tenantServiceAccountsOwnNamespace, p, /team "b"'s role by name/, { config: { teamRoleNamePattern: "^tenant_([a-z]+)_role$" } });
        await expectClean(tenantServiceAccountsOwnNamespace, p, { teamRoleNamePattern: "(" });
    });
    it("survives odd shapes", async () => {
        await expectClean(tenantServiceAccountsOwnNamespace, [
            { type: "kubernetes:sparkoperator.k8s.io/v1beta2:SparkApplication", props: { spec: "junk" } },
            { type: "kubernetes:core/v1:ServiceAccount", props: { metadata: { annotations: "x" } } },
            { type: "aws:eks/podIdentityAssociation:PodIdentityAssociation", props: { roleArn: 5 } },
            { type: ROLE, props: { tags: "x" } },
            mutate(sparkApp("a"), (d) => (d.props.spec.sparkConf = ["x"])),
        ]);
    });
    it("skips unknowns, reports the rest, then raises the advisory", async () => {
        await expectUnknownAdvisory(tenantServiceAccountsOwnNamespace, [...platform(), sparkApp("ads-ranking", UNKNOWN)]);
        const ds = await check(tenantServiceAccountsOwnNamespace, [...platform(), mutate(sparkApp("ads-ranking"), (d) => (d.props.metadata.namespace = UNKNOWN)), sparkApp("growth", "a:b")]);
        assert.equal(ds.filter((d) => d.enforcementLevel === "mandatory").length, 1);
        assert.equal(ds.filter((d) => d.unknownValue).length, 1);
        await expectUnknownAdvisory(tenantServiceAccountsOwnNamespace, [...platform(), { ...pia("ads-ranking", "growth"), propertyDependencies: undefined }]);
    });
    it("is linear: 12,000 resources (2,000 tenants) in well under two seconds", async () => {
        const many: TestResource[] = [];
        for (let i = 0; i < benchSize(2000); i++) {
            const neutral: TestResource = { type: "aws:eks/podIdentityAssociation:PodIdentityAssociation", name: `n${i}`, props: { namespace: `t${i}`, serviceAccount: "spark", roleArn: `arn:aws:iam::111111111111:role/shared-reader-${i}-x` } };
            many.push(namespace(`t${i}`), serviceAccount(`t${i}`), role(`t${i}`), pia(`t${i}`, `t${i}`), sparkApp(`t${i}`), neutral);
        }
        const { violations, ms } = await runStackDirect(tenantServiceAccountsOwnNamespace, many);
        assert.equal(violations.length, 0);
        assert.ok(ms < 2000, `${ms} ms`);
    });
});

describe("isolation: tenant-service-accounts-own-namespace — fuzz regressions (unknowns never add a violation)", () => {
    const ECR = "111111111111.dkr.ecr.us-west-2.amazonaws.com/app:1.0";
    const podIdentity = (team: unknown): TestResource[] => [
        { type: "aws:iam/role:Role", name: "role", urn: "urn:pulumi:test::moka::aws:iam/role:Role::role", props: { name: "moka-dev-team-team-b", tags: { team } } },
        {
            type: "aws:eks/podIdentityAssociation:PodIdentityAssociation", name: "assoc",
            props: { clusterName: "moka-dev", namespace: "team-a", serviceAccount: "spark", roleArn: "arn:aws:iam::111111111111:role/moka-dev-team-team-b" },
            propertyDependencies: { roleArn: ["urn:pulumi:test::moka::aws:iam/role:Role::role"] },
        },
    ];
    const sparkSas = (secondNamespace: unknown, secondName: unknown = "spark"): TestResource[] => [
        { type: "kubernetes:core/v1:ServiceAccount", name: "sa-a", props: { metadata: { name: "spark", namespace: "team-a" } } },
        { type: "kubernetes:core/v1:ServiceAccount", name: "sa-c", props: { metadata: { name: secondName, namespace: secondNamespace } } },
        { type: "kubernetes:apps/v1:Deployment", name: "job", props: { metadata: { name: "job", namespace: "team-c" }, spec: { template: { spec: { serviceAccountName: "spark", containers: [{ name: "c", image: ECR }] } } } } },
    ];

    it("ISO-3: an unknown Kubernetes provider namespace is not taken for \"default\" (workloads)", async () => {
        const deployment = (providerNamespace: unknown): TestResource[] => [
            { type: "kubernetes:core/v1:ServiceAccount", name: "sa", props: { metadata: { name: "spark", namespace: "team-a" } } },
            { type: "kubernetes:apps/v1:Deployment", name: "app", provider: { type: "pulumi:providers:kubernetes", name: "k8s", props: { namespace: providerNamespace } }, props: { metadata: { name: "app" }, spec: { template: { spec: { serviceAccountName: "spark", containers: [{ name: "c", image: ECR }] } } } } },
        ];
        // Root cause: namespaceRef put a workload whose Kubernetes provider `namespace` was unknown in "default", as if it were absent.
        await expectUnknownsAddNoViolation(tenantServiceAccountsOwnNamespace, deployment("team-a"), deployment(UNKNOWN));
        assert.deepEqual((await unknownOutcome(tenantServiceAccountsOwnNamespace, deployment("team-a"))).mandatory, []);
        const out = await unknownOutcome(tenantServiceAccountsOwnNamespace, deployment(UNKNOWN));
        assert.deepEqual(out.mandatory, []);
        assert.ok(out.advisory);
    });

    it("ISO-5: an unknown team tag on an IAM role does not fall back to matching the role name", async () => {
        // Root cause: an unknown team tag read as "no tag", so the role's owner was taken from its name (moka-dev-team-team-b → team-b).
        await expectUnknownsAddNoViolation(tenantServiceAccountsOwnNamespace, podIdentity("team-a"), podIdentity(UNKNOWN));
        assert.deepEqual((await unknownOutcome(tenantServiceAccountsOwnNamespace, podIdentity("team-a"))).mandatory, []);
        const out = await unknownOutcome(tenantServiceAccountsOwnNamespace, podIdentity(UNKNOWN));
        assert.deepEqual(out.mandatory, []);
        assert.ok(out.advisory);
        // An unknown tags map likewise; a known foreign team tag is still flagged.
        const wholeTags = podIdentity("x").map((r) => r.name === "role" ? { ...r, props: { ...r.props, tags: UNKNOWN } } : r);
        assert.deepEqual((await unknownOutcome(tenantServiceAccountsOwnNamespace, wholeTags)).mandatory, []);
        assert.equal((await unknownOutcome(tenantServiceAccountsOwnNamespace, podIdentity("team-b"))).mandatory.length, 1);
    });

    it("ISO-6: a ServiceAccount with an unknown namespace or name may be the workload's own", async () => {
        // Root cause: ServiceAccounts with an unknown name or namespace were left out of the index, so a workload's own SA looked foreign.
        await expectUnknownsAddNoViolation(tenantServiceAccountsOwnNamespace, sparkSas("team-c"), sparkSas(UNKNOWN));
        assert.deepEqual((await unknownOutcome(tenantServiceAccountsOwnNamespace, sparkSas("team-c"))).mandatory, []);
        for (const variant of [sparkSas(UNKNOWN), sparkSas("team-c", UNKNOWN), sparkSas(UNKNOWN, UNKNOWN)]) {
            const out = await unknownOutcome(tenantServiceAccountsOwnNamespace, variant);
            assert.deepEqual(out.mandatory, []);
            assert.ok(out.advisory);
        }
        // An unknown-named SA in yet another namespace cannot be team-c's: still flagged.
        assert.equal((await unknownOutcome(tenantServiceAccountsOwnNamespace, sparkSas("team-b", UNKNOWN))).mandatory.length, 1);
    });
});
