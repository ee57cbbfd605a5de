import { TestResource, UNKNOWN } from "../../helpers/policy";
import { sparkAppsUseTeamQueue } from "../../../policies/isolation/rules/spark-queues";
import { expectClean, expectUnknownAdvisory, expectViolation, mutate } from "../security/support";

/** A team's SparkApplication as examples/ submit it (sparkoperator.k8s.io/v1beta2). */
const app = (): TestResource => ({
    type: "kubernetes:sparkoperator.k8s.io/v1beta2:SparkApplication",
    name: "etl",
    props: {
        apiVersion: "sparkoperator.k8s.io/v1beta2",
        kind: "SparkApplication",
        metadata: { name: "daily-etl", namespace: "ads-ranking" },
        spec: {
            type: "Scala",
            mode: "cluster",
            image: "111111111111.dkr.ecr.us-west-2.amazonaws.com/moka-prod/spark:3.5.6-r1",
            mainApplicationFile: "local:///opt/spark/examples/jars/spark-examples.jar",
            sparkVersion: "3.5.6",
            batchScheduler: "yunikorn",
            batchSchedulerOptions: { queue: "root.ads-ranking" },
            driver: { cores: 1, memory: "2g", serviceAccount: "spark", labels: { app: "etl" } },
            executor: { cores: 2, instances: 4, memory: "8g", labels: { app: "etl" } },
        },
    },
});
const scheduled = (): TestResource => ({
    type: "kubernetes:sparkoperator.k8s.io/v1beta2:ScheduledSparkApplication",
    name: "nightly",
    props: { metadata: { name: "nightly", namespace: "growth" }, spec: { schedule: "@daily", template: { ...(app().props.spec as object), batchSchedulerOptions: { queue: "root.growth" } } } },
});

describe("isolation: spark-apps-use-team-queue", () => {
    it("passes an app on yunikorn in its namespace's queue, or without a queue", async () => {
        await expectClean(sparkAppsUseTeamQueue, app());
        await expectClean(sparkAppsUseTeamQueue, mutate(app(), (d) => delete d.props.spec.batchSchedulerOptions));
        await expectClean(sparkAppsUseTeamQueue, mutate(app(), (d) => (d.props.spec.batchSchedulerOptions.queue = "ROOT.Ads-Ranking")));
        await expectClean(sparkAppsUseTeamQueue, scheduled());
    });
    it("flags a missing batchScheduler", async () => {
        await expectViolation(sparkAppsUseTeamQueue, mutate(app(), (d) => delete d.props.spec.batchScheduler), /SparkApplication "daily-etl" in namespace "ads-ranking": spec\.batchScheduler is not set \(must be "yunikorn"\)/);
    });
    it("flags another batch scheduler", async () => {
        await expectViolation(sparkAppsUseTeamQueue, mutate(app(), (d) => (d.props.spec.batchScheduler = "volcano")), /spec\.batchScheduler is "volcano"/);
    });
    it("flags another team's queue", async () => {
        await expectViolation(sparkAppsUseTeamQueue, mutate(app(), (d) => (d.props.spec.batchSchedulerOptions.queue = "root.growth")), /spec\.batchSchedulerOptions\.queue is "root\.growth" \(must be "root\.ads-ranking" or another queue whose leaf is "ads-ranking"\)/);
        await expectViolation(sparkAppsUseTeamQueue, mutate(app(), (d) => (d.props.spec.batchSchedulerOptions.queue = "root")), /is "root"/);
    });
    it("passes the team's own queue wherever it sits in the hierarchy: root.spark.<namespace> (issue 12 false alarm, data-on-eks yunikorn-gang-scheduling.yaml)", async () => {
        await expectClean(sparkAppsUseTeamQueue, mutate(app(), (d) => (d.props.spec.batchSchedulerOptions.queue = "root.spark.ads-ranking")));
        await expectClean(sparkAppsUseTeamQueue, mutate(app(), (d) => (d.props.metadata.labels = { queue: "root.spark.ads-ranking" })));
        await expectClean(sparkAppsUseTeamQueue, mutate(app(), (d) => (d.props.spec.executor.labels.queue = "root.batch.nightly.ads-ranking")));
        // The leaf must be the namespace, under root, with no empty parts.
        await expectViolation(sparkAppsUseTeamQueue, mutate(app(), (d) => (d.props.spec.batchSchedulerOptions.queue = "root.ads-ranking.adhoc")), /is "root\.ads-ranking\.adhoc"/);
        await expectViolation(sparkAppsUseTeamQueue, mutate(app(), (d) => (d.props.spec.batchSchedulerOptions.queue = "other.ads-ranking")), /is "other\.ads-ranking"/);
        await expectViolation(sparkAppsUseTeamQueue, mutate(app(), (d) => (d.props.spec.batchSchedulerOptions.queue = "root..ads-ranking")), /is "root\.\.ads-ranking"/);
        await expectViolation(sparkAppsUseTeamQueue, mutate(app(), (d) => (d.props.spec.batchSchedulerOptions.queue = "root.spark.growth")), /is "root\.spark\.growth"/);
    });
    it("reads queue labels in the application's metadata.labels, which the operator copies to driver and executor pods", async () => {
        await expectViolation(sparkAppsUseTeamQueue, mutate(app(), (d) => (d.props.metadata.labels = { app: "etl", queue: "root.test" })), /metadata\.labels\["queue"\] is "root\.test"/);
        await expectViolation(sparkAppsUseTeamQueue, mutate(app(), (d) => (d.props.metadata.labels = { "yunikorn.apache.org/queue": "root.growth" })), /metadata\.labels\["yunikorn\.apache\.org\/queue"\] is "root\.growth"/);
        await expectClean(sparkAppsUseTeamQueue, mutate(app(), (d) => (d.props.metadata.labels = { queue: "root.ads-ranking", app: "etl" })));
        await expectClean(sparkAppsUseTeamQueue, mutate(app(), (d) => (d.props.metadata.labels = "junk")));
        await expectUnknownAdvisory(sparkAppsUseTeamQueue, mutate(app(), (d) => (d.props.metadata.labels = { queue: UNKNOWN })));
    });
    it("flags queue labels/annotations on the driver or executor naming another queue", async () => {
        await expectViolation(sparkAppsUseTeamQueue, mutate(app(), (d) => (d.props.spec.executor.labels.queue = "root.growth")), /spec\.executor\.labels\["queue"\] is "root\.growth"/);
        await expectViolation(sparkAppsUseTeamQueue, mutate(app(), (d) => (d.props.spec.driver.annotations = { "yunikorn.apache.org/queue": "root.x" })), /spec\.driver\.annotations\["yunikorn\.apache\.org\/queue"\]/);
    });
    it("checks ScheduledSparkApplication templates", async () => {
        await expectViolation(sparkAppsUseTeamQueue, mutate(scheduled(), (d) => (d.props.spec.template.batchSchedulerOptions.queue = "root.ads-ranking")), /ScheduledSparkApplication "nightly" in namespace "growth": spec\.template\.batchSchedulerOptions\.queue is "root\.ads-ranking"/);
        await expectViolation(sparkAppsUseTeamQueue, mutate(scheduled(), (d) => delete d.props.spec.template.batchScheduler), /spec\.template\.batchScheduler is not set/);
    });
    it("uses the provider's namespace, then default, when metadata.namespace is absent", async () => {
        const noNs = mutate(app(), (d) => delete d.props.metadata.namespace);
        await expectClean(sparkAppsUseTeamQueue, { ...noNs, provider: { type: "pulumi:providers:kubernetes", props: { namespace: "ads-ranking" } } });
        await expectViolation(sparkAppsUseTeamQueue, noNs, /in namespace "default".*must be "root\.default"/);
    });
    it("honours config (scheduler and queue pattern)", async () => {
        await expectClean(sparkAppsUseTeamQueue, mutate(app(), (d) => (d.props.spec.batchSchedulerOptions.queue = "root.teams.ads-ranking")), { queuePattern: "root.teams.{namespace}" });
        await expectClean(sparkAppsUseTeamQueue, mutate(app(), (d) => { d.props.spec.batchScheduler = "volcano"; delete d.props.spec.batchSchedulerOptions; }), { batchScheduler: "volcano" });
    });
    it("survives odd shapes", async () => {
        await expectViolation(sparkAppsUseTeamQueue, { type: "kubernetes:sparkoperator.k8s.io/v1beta2:SparkApplication", name: "x", props: { spec: "junk" } }, /batchScheduler is not set/);
        await expectViolation(sparkAppsUseTeamQueue, mutate(app(), (d) => (d.props.spec.batchScheduler = 7)), /not set/);
        await expectClean(sparkAppsUseTeamQueue, mutate(app(), (d) => { d.props.spec.batchSchedulerOptions = "root.x"; d.props.spec.driver.labels = "x"; }));
        await expectClean(sparkAppsUseTeamQueue, { type: "kubernetes:apps/v1:Deployment", props: {} });
    });
    it("turns unknown values into an advisory", async () => {
        await expectUnknownAdvisory(sparkAppsUseTeamQueue, mutate(app(), (d) => (d.props.spec.batchSchedulerOptions.queue = UNKNOWN)));
        await expectUnknownAdvisory(sparkAppsUseTeamQueue, mutate(app(), (d) => (d.props.metadata.namespace = UNKNOWN)));
    });
});
