/**
 * One argument-error format for every component: all problems collected, one throw before any child
 * exists, `moka:<area>:<Type> "<name>": <problem>; <problem>`.
 */
import { strict as assert } from "assert";
import * as k8s from "@pulumi/kubernetes";
import {
    Cluster, Engines, FluentBit, HistoryServer, ImageRegistry, Karpenter, Metrics, Network, ObservabilityNamespace,
    SparkOperator, SparkStorage, Team, YuniKorn,
} from "../../../components";
import { argError, throwArgProblems } from "../../../components/shared/arg-errors";
import { parseConfigMap } from "../../../config";
import { LOG_RETENTION_MESSAGE } from "../../../lib/aws-limits";
import { readStackConfig } from "../../../preview/mocks";
import { constructionErrors } from "../../helpers/construct";

const cfg = parseConfigMap(readStackConfig("prod"));
const noProvider = undefined as unknown as k8s.Provider;

describe("shared/arg-errors", () => {
    it("formats the type, the name and every problem", () => {
        assert.equal(argError("moka:x:Y", "y", ["args.a is required", "args.b must be 1"]).message, "moka:x:Y \"y\": args.a is required; args.b must be 1");
        assert.throws(() => throwArgProblems("moka:x:Y", "y", ["p"]), { message: "moka:x:Y \"y\": p" });
        assert.doesNotThrow(() => throwArgProblems("moka:x:Y", "y", []));
    });

    const table: [string, (p: k8s.Provider) => unknown, string][] = [
        ["Network", () => new Network("bad", { baseName: "", clusterName: "", network: cfg.network, tags: {}, flowLogRetentionDays: 10 }),
            `moka:network:Network "bad": args.baseName is required; args.clusterName is required; args.flowLogRetentionDays ${LOG_RETENTION_MESSAGE}, got 10`],
        ["Cluster", () => new Cluster("bad", {
            clusterName: "", cluster: { ...cfg.cluster, adminRoleArns: [] }, vpcId: "vpc-1", privateSubnetIds: [], podSubnets: [], azCount: 3,
            nodeSecurityGroupId: "sg-1", tags: {}, protect: false,
        }), "moka:eks:Cluster \"bad\": args.clusterName is required; args.cluster.adminRoleArns must list at least one IAM role, or nobody can administer the cluster; "
            + "args.podSubnets has 0 entries but args.azCount is 3"],
        ["Karpenter", (p) => new Karpenter("bad", { clusterName: "moka-prod", clusterEndpoint: "https://x", k8sProvider: p, nodePools: {}, baseName: "moka-prod", region: "us-west-2", accountId: "1", tags: {} }),
            "moka:karpenter:Karpenter \"bad\": args.accountId must be a 12-digit AWS account id, got \"1\"; "
            + "args.nodePools: needs at least one pool with role executor (Spark executors are placed on the executor pools only); "
            + "args.nodePools: needs at least one pool with role driver (Spark drivers are placed on the driver pools only)"],
        ["SparkStorage", () => new SparkStorage("bad", { baseName: "", accountId: "1", tags: {}, protect: false, storage: cfg.storage, teams: ["growth"] }),
            "moka:storage:SparkStorage \"bad\": args.baseName is required; args.accountId must be a 12-digit AWS account id, got \"1\""],
        ["ImageRegistry", () => new ImageRegistry("bad", { baseName: "", tags: {}, protect: false, keepTaggedImages: 0 }),
            "moka:images:ImageRegistry \"bad\": args.baseName is required; args.keepTaggedImages must be a whole number between 1 and 1000, got 0"],
        ["Team", (p) => new Team("bad", {
            team: cfg.teams[0], environment: "", baseName: "", clusterName: "c", k8sProvider: p, bucket: "b", bucketArn: "arn:aws:s3:::b",
            kmsKeyArn: "k", eventLogPrefix: "spark-events", containerLogPrefix: "container-logs", region: "us-west-2", tags: {},
        }), "moka:tenancy:Team \"bad\": args.baseName is required; args.environment is required"],
        ["YuniKorn", () => new YuniKorn("bad", { k8sProvider: noProvider, teams: [] }),
            "moka:scheduling:YuniKorn \"bad\": args.k8sProvider is required; args.teams must list at least one team"],
        ["SparkOperator", () => new SparkOperator("bad", { k8sProvider: noProvider, jobNamespaces: ["growth", "karpenter"] }),
            "moka:spark:SparkOperator \"bad\": args.k8sProvider is required; args.jobNamespaces entry \"karpenter\" is a platform namespace, not a team namespace"],
        ["HistoryServer", (p) => new HistoryServer("bad", {
            k8sProvider: p, clusterName: "c", baseName: "moka-prod", tags: {}, teams: ["growth", "growth"].map((name) => ({ name, bucket: "e", bucketArn: "arn:aws:s3:::e" })),
            eventLogPrefix: "/spark-events", kmsKeyArn: "k", image: "i:1", region: "us-west-2",
        }), "moka:spark:HistoryServer \"bad\": args.teams lists \"growth\" twice; args.eventLogPrefix must be an S3 key prefix without leading or trailing '/', got \"/spark-events\""],
        ["ObservabilityNamespace", () => new ObservabilityNamespace("bad", { k8sProvider: noProvider }),
            "moka:observability:ObservabilityNamespace \"bad\": args.k8sProvider is required"],
        ["Metrics", (p) => new Metrics("bad", { k8sProvider: p, clusterName: "c", baseName: "", region: "", tags: {}, metricsRetentionDays: 150 }),
            "moka:observability:Metrics \"bad\": args.baseName is required; args.region is required"],
        ["FluentBit", (p) => new FluentBit("bad", {
            k8sProvider: p, clusterName: "c", baseName: "", region: "us-west-2", tags: {}, teamBuckets: { growth: "b" }, teamBucketArnPattern: "arn:aws:s3:::b-*",
            accountId: "111111111111", containerLogPrefix: "container-logs", kmsKeyArn: "k", logRetentionDays: 31,
        }), `moka:observability:FluentBit "bad": args.baseName is required; args.logRetentionDays ${LOG_RETENTION_MESSAGE}, got 31`],
        ["Engines", () => new Engines("bad", { k8sProvider: noProvider, ray: true, teamNamespaces: [] }),
            "moka:engines:Engines \"bad\": args.k8sProvider is required; args.teamNamespaces must list at least one namespace when flink or ray is enabled (an empty list would make the operators watch every namespace)"],
    ];
    for (const [component, build, message] of table) {
        it(`${component}: every problem in one error, nothing created`, async () => {
            const { errors, created } = await constructionErrors((p) => { build(p); });
            assert.deepEqual(errors, [message]);
            assert.equal(created, 0);
        });
    }
});
