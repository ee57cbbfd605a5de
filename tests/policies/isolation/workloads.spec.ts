import { strict as assert } from "assert";
import { check, TestResource, UNKNOWN } from "../../helpers/policy";
import { workloadNamespaceNotDefault, workloadServiceAccountNotDefault } from "../../../policies/isolation/rules/workloads";
import { expectClean, expectUnknownAdvisory, expectViolation, mutate, WORKLOADS } from "../security/support";

const byKind = (kind: string) => WORKLOADS.find((w) => w.kind === kind)!;
/** The workload with no ServiceAccount setting anywhere (so it runs as `default`). */
function withoutServiceAccount(w: (typeof WORKLOADS)[number], ns: string): TestResource {
    return mutate(w.make(ns), (d) => {
        delete w.pod(d.props)[w.saField];
        if (w.kind === "SparkConnect") {
            delete d.props.spec.executor.template.spec.serviceAccountName;
        }
        if (w.kind === "SparkApplication" || w.kind === "ScheduledSparkApplication") {
            const spec = w.kind === "SparkApplication" ? d.props.spec : d.props.spec.template;
            delete spec.executor.serviceAccount;
        }
    });
}

describe("isolation: workload-namespace-not-default", () => {
    for (const w of WORKLOADS) {
        it(`${w.kind}: flags the default namespace, explicit or by omission; passes a team namespace`, async () => {
            await expectClean(workloadNamespaceNotDefault, w.make("team-a"));
            await expectViolation(workloadNamespaceNotDefault, w.make("default"), new RegExp(`^[^]*${w.kind} "[a-z]+" runs in the "default" namespace\\. default belongs to no team`));
            await expectViolation(workloadNamespaceNotDefault, mutate(w.make("x"), (d) => delete d.props.metadata.namespace), /runs in the "default" namespace \(metadata\.namespace is not set, nor is the provider's namespace\)/);
        });
    }
    it("uses the Kubernetes provider's namespace when metadata.namespace is absent", async () => {
        const noNs = mutate(byKind("Deployment").make("x"), (d) => delete d.props.metadata.namespace);
        await expectClean(workloadNamespaceNotDefault, { ...noNs, provider: { type: "pulumi:providers:kubernetes", props: { namespace: "team-a" } } });
        await expectViolation(workloadNamespaceNotDefault, { ...noNs, provider: { type: "pulumi:providers:kubernetes", props: { namespace: "default" } } }, /runs in the "default" namespace\. /);
        await expectUnknownAdvisory(workloadNamespaceNotDefault, { ...noNs, provider: { type: "pulumi:providers:kubernetes", props: { namespace: UNKNOWN } } });
    });
    it("turns an unknown namespace into an advisory and ignores non-workloads and odd shapes", async () => {
        await expectUnknownAdvisory(workloadNamespaceNotDefault, mutate(byKind("Pod").make("team-a"), (d) => (d.props.metadata.namespace = UNKNOWN)));
        await expectUnknownAdvisory(workloadNamespaceNotDefault, mutate(byKind("Pod").make("team-a"), (d) => (d.props.metadata = UNKNOWN)));
        await expectClean(workloadNamespaceNotDefault, { type: "kubernetes:core/v1:ConfigMap", props: { metadata: { namespace: "default" } } });
        await expectClean(workloadNamespaceNotDefault, { type: "kubernetes:core/v1:Service", props: {} });
        await expectViolation(workloadNamespaceNotDefault, { type: "kubernetes:apps/v1:Deployment", props: { metadata: "x", spec: 3 } }, /Deployment runs in the "default" namespace/);
    });
});

describe("isolation: workload-service-account-not-default", () => {
    for (const w of WORKLOADS) {
        it(`${w.kind}: flags pods running as the default ServiceAccount with its token; passes its own ServiceAccount or a disabled token`, async () => {
            await expectClean(workloadServiceAccountNotDefault, w.make("team-a"));
            const bare = withoutServiceAccount(w, "team-a");
            await expectViolation(workloadServiceAccountNotDefault, bare, /in namespace "team-a" runs as the namespace's default ServiceAccount and mounts its token \(spec/);
            await expectViolation(workloadServiceAccountNotDefault, mutate(w.make("team-a"), (d) => (w.pod(d.props)[w.saField] = "default")), /default ServiceAccount/);
        });
    }
    it("passes automountServiceAccountToken: false (the corrected twin), also as the string \"false\"", async () => {
        const dep = byKind("Deployment");
        await expectClean(workloadServiceAccountNotDefault, mutate(withoutServiceAccount(dep, "team-a"), (d) => (d.props.spec.template.spec.automountServiceAccountToken = false)));
        await expectClean(workloadServiceAccountNotDefault, mutate(withoutServiceAccount(dep, "team-a"), (d) => (d.props.spec.template.spec.automountServiceAccountToken = "false")));
        await expectViolation(workloadServiceAccountNotDefault, mutate(withoutServiceAccount(dep, "team-a"), (d) => (d.props.spec.template.spec.automountServiceAccountToken = true)), /mounts its token/);
    });
    it("judges `default`, skips the system namespaces (and honours systemNamespaces config)", async () => {
        const pod = withoutServiceAccount(byKind("Pod"), "default");
        await expectViolation(workloadServiceAccountNotDefault, pod, /in namespace "default"/);
        for (const ns of ["kube-system", "spark-operator", "spark-history", "observability"]) {
            await expectClean(workloadServiceAccountNotDefault, withoutServiceAccount(byKind("Deployment"), ns));
        }
        await expectClean(workloadServiceAccountNotDefault, withoutServiceAccount(byKind("Deployment"), "sandbox"), { systemNamespaces: ["sandbox"] });
    });
    it("Spark: executors fall back to the driver's ServiceAccount; a driver on default is told to use the team's spark SA", async () => {
        const spark = byKind("SparkApplication");
        await expectClean(workloadServiceAccountNotDefault, mutate(spark.make("team-a"), (d) => delete d.props.spec.executor.serviceAccount));
        await expectClean(workloadServiceAccountNotDefault, mutate(spark.make("team-a"), (d) => {
            delete d.props.spec.driver.serviceAccount;
            delete d.props.spec.executor.serviceAccount;
            d.props.spec.sparkConf = { "spark.kubernetes.authenticate.driver.serviceAccountName": "spark" };
        }));
        await expectClean(workloadServiceAccountNotDefault, mutate(spark.make("team-a"), (d) => {
            delete d.props.spec.driver.serviceAccount;
            d.props.spec.driver.template = { spec: { serviceAccountName: "spark" } };
        }));
        const [v] = await expectViolation(workloadServiceAccountNotDefault, withoutServiceAccount(spark, "team-a"), /\(spec\.driver and spec\.executor\)\..*Spark drivers need their token to create executors: give driver and executor the team's `spark` ServiceAccount\./);
        assert.match(v.message, /SparkApplication "etl"/);
    });
    it("SparkConnect: executors without a ServiceAccount in their template run as default (no operator default at v2.5.2)", async () => {
        const connect = byKind("SparkConnect");
        await expectViolation(workloadServiceAccountNotDefault, mutate(connect.make("team-a"), (d) => delete d.props.spec.executor.template.spec.serviceAccountName), /\(spec\.executor\)/);
        await expectClean(workloadServiceAccountNotDefault, mutate(connect.make("team-a"), (d) => {
            delete d.props.spec.executor.template.spec.serviceAccountName;
            d.props.spec.sparkConf = { "spark.kubernetes.authenticate.executor.serviceAccountName": "spark" };
        }));
    });
    it("turns unknowns into advisories, never violations", async () => {
        const dep = byKind("Deployment");
        await expectUnknownAdvisory(workloadServiceAccountNotDefault, mutate(dep.make("team-a"), (d) => (d.props.spec.template.spec.serviceAccountName = UNKNOWN)));
        await expectUnknownAdvisory(workloadServiceAccountNotDefault, mutate(withoutServiceAccount(dep, "team-a"), (d) => (d.props.spec.template.spec.automountServiceAccountToken = UNKNOWN)));
        await expectUnknownAdvisory(workloadServiceAccountNotDefault, mutate(dep.make("team-a"), (d) => (d.props.spec.template = UNKNOWN)));
        await expectUnknownAdvisory(workloadServiceAccountNotDefault, mutate(dep.make("team-a"), (d) => (d.props.metadata.namespace = UNKNOWN)));
        // A known offender next to an unknown: reported, then the advisory.
        const spark = byKind("SparkApplication");
        const ds = await check(workloadServiceAccountNotDefault, mutate(withoutServiceAccount(spark, "team-a"), (d) => (d.props.spec.executor.serviceAccount = UNKNOWN)));
        assert.deepEqual(ds.map((d) => [d.enforcementLevel, d.unknownValue]), [["mandatory", false], ["advisory", true]]);
    });
    it("survives odd shapes", async () => {
        for (const props of [{}, { spec: null }, { metadata: { namespace: "team-a" }, spec: { template: { spec: { serviceAccountName: 7 } } } }]) {
            await check(workloadServiceAccountNotDefault, { type: "kubernetes:apps/v1:Deployment", props });
        }
        await expectClean(workloadServiceAccountNotDefault, { type: "kubernetes:apps/v1:Deployment", props: { metadata: { namespace: "team-a" }, spec: { template: { spec: { serviceAccountName: 7 } } } } });
        await expectClean(workloadServiceAccountNotDefault, { type: "kubernetes:core/v1:ServiceAccount", props: { metadata: { name: "default", namespace: "team-a" } } });
    });
});
