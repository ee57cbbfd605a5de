/**
 * Container logs: a Fluent Bit DaemonSet on every node that tails /var/log/containers, enriches
 * records with Kubernetes metadata, and ships them to
 *  1. S3, for team namespaces: under `<containerLogPrefix>/<spark-app-id | no-app>/...` in the team's own
 *     bucket (bucket-default SSE-KMS), so a Spark application's driver and executor logs sit next to each
 *     other where the team (and only the team) can read them;
 *  2. CloudWatch Logs, group `/moka/<baseName>/containers` (created here, with retention), one stream per
 *     container.
 * YuniKorn's console-encoded logs are parsed into fields. Fluent Bit has its own least-privilege role
 * through EKS Pod Identity. The pipeline, values and IAM documents are pure functions in
 * components/observability/fluent-bit-pipeline.ts.
 *
 * The namespace must already exist (see ObservabilityNamespace in components/observability/namespace.ts): it must be
 * PSA `privileged`, because Fluent Bit mounts /var/log from the host.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { isLogRetentionDays, LOG_RETENTION_MESSAGE } from "../../lib/aws-limits";
import { throwArgProblems } from "../shared/arg-errors";
import { NAMESPACES } from "../../lib/platform";
import { AWS_ACCOUNT_ID, DNS1123_LABEL } from "../../lib/patterns";
import {
    containerLogGroupName, containerLogPrefixProblem, fluentBitPolicy, fluentBitValues,
} from "./fluent-bit-pipeline";
import { platformRelease } from "../shared/helm";
import { podIdentityTrustPolicy } from "../shared/iam";
import { partitionOfRegion } from "../../lib/aws-partition";
import { logGroupKey } from "../shared/log-key";

/**
 * Chart coordinates. Values keys checked against fluent/helm-charts charts/fluent-bit/values.yaml at tag
 * fluent-bit-0.58.1 (appVersion 5.1.1); pipeline behaviour against fluent/fluent-bit v5.1.1.
 */
export const FLUENT_BIT_DEFAULTS = {
    chart: "fluent-bit",
    version: "0.58.1",
    repo: "https://fluent.github.io/helm-charts",
    releaseName: "fluent-bit",
    serviceAccountName: "fluent-bit",
    image: { repository: "cr.fluentbit.io/fluent/fluent-bit", tag: "5.1.1" },
} as const;

/** Arguments for {@link FluentBit}. */
export interface FluentBitArgs {
    /** Provider of the target cluster. Required. */
    readonly k8sProvider: k8s.Provider;
    /** EKS cluster name, for the Pod Identity association. Required. */
    readonly clusterName: pulumi.Input<string>;
    /** Stem of physical names, e.g. "moka-prod". Required. */
    readonly baseName: string;
    /** AWS region of the bucket and the log group. Required. */
    readonly region: string;
    /** Tags for every taggable AWS resource. Required. */
    readonly tags: Record<string, string>;
    /** Team (= team namespace) → its bucket name; the team's container logs go there. Required. */
    readonly teamBuckets: Readonly<Record<string, pulumi.Input<string>>>;
    /** ARN pattern matching every team bucket and nothing else (SparkStorage.teamBucketArnPattern). Required. */
    readonly teamBucketArnPattern: pulumi.Input<string>;
    /** The stack's AWS account; the write grant is pinned to it. Required. */
    readonly accountId: string;
    /** Key prefix for container logs inside each team bucket, without leading or trailing "/". Required. */
    readonly containerLogPrefix: string;
    /** ARN of the KMS key the bucket encrypts with by default. Required. */
    readonly kmsKeyArn: pulumi.Input<string>;
    /** Retention of the CloudWatch container log group (a CloudWatch Logs retention value). Required. */
    readonly logRetentionDays: number;
    /** Protect the log group's KMS key (prod): `protect`, `retainOnDelete`, a 30-day deletion window. Defaults to false. */
    readonly protect?: boolean;
    /** Namespace to install into; it must exist and allow privileged pods. Defaults to "observability". */
    readonly namespace?: string;
    /** Resources the Kubernetes children wait for (typically the namespace). Defaults to none. */
    readonly dependsOn?: pulumi.Resource[];
}

const TYPE = "moka:observability:FluentBit";

/** Fluent Bit DaemonSet shipping container logs to S3 and CloudWatch Logs. */
export class FluentBit extends pulumi.ComponentResource {
    /** CloudWatch Logs group holding container logs. */
    public readonly logGroupName: pulumi.Output<string>;
    public readonly logGroupArn: pulumi.Output<string>;
    /** Fluent Bit's Pod Identity role. */
    public readonly roleArn: pulumi.Output<string>;
    /** Team → `s3://<team bucket>/<prefix>/`: where the team's container logs land. */
    public readonly s3Locations: pulumi.Output<Record<string, string>>;
    public readonly chartVersion: string;

    constructor(name: string, args: FluentBitArgs, opts?: pulumi.ComponentResourceOptions) {
        super(TYPE, name, {}, opts);

        const problems: string[] = [];
        if (!args.k8sProvider) {
            problems.push("args.k8sProvider is required");
        }
        if (!args.baseName) {
            problems.push("args.baseName is required");
        }
        if (!args.region) {
            problems.push("args.region is required");
        }
        const prefixProblem = containerLogPrefixProblem(args.containerLogPrefix ?? "");
        if (prefixProblem) {
            problems.push(`args.containerLogPrefix ${prefixProblem}, got "${args.containerLogPrefix ?? ""}"`);
        }
        if (!isLogRetentionDays(args.logRetentionDays)) {
            problems.push(`args.logRetentionDays ${LOG_RETENTION_MESSAGE}, got ${args.logRetentionDays}`);
        }
        if (!AWS_ACCOUNT_ID.test(args.accountId ?? "")) {
            problems.push(`args.accountId must be a 12-digit AWS account id, got "${args.accountId}"`);
        }
        for (const team of Object.keys(args.teamBuckets ?? {})) {
            if (!DNS1123_LABEL.test(team)) {
                problems.push(`args.teamBuckets key "${team}" is not a team namespace name`);
            }
        }
        throwArgProblems(TYPE, name, problems);

        const namespace = args.namespace ?? NAMESPACES.observability;
        const dependsOn = args.dependsOn ?? [];
        const d = FLUENT_BIT_DEFAULTS;

        const logGroupName = containerLogGroupName(args.baseName);
        const logKey = logGroupKey(`${name}-log-key`, {
            description: `${args.baseName}: container log group encryption (Fluent Bit)`,
            aliasName: `${args.baseName}-container-logs`,
            logGroupName,
            partition: partitionOfRegion(args.region), region: args.region, accountId: args.accountId,
            protect: args.protect ?? false,
            tags: args.tags,
        }, this);
        const logGroup = new aws.cloudwatch.LogGroup(`${name}-log-group`, {
            name: logGroupName,
            retentionInDays: args.logRetentionDays,
            kmsKeyId: logKey.arn,
            tags: args.tags,
        }, { parent: this });

        const role = new aws.iam.Role(`${name}-role`, {
            name: `${args.baseName}-fluent-bit`,
            description: "Fluent Bit: write container logs to S3 and CloudWatch Logs",
            assumeRolePolicy: JSON.stringify(podIdentityTrustPolicy()),
            tags: args.tags,
        }, { parent: this });

        const policy = new aws.iam.RolePolicy(`${name}-policy`, {
            role: role.name,
            name: "container-logs",
            policy: pulumi.all([args.teamBucketArnPattern, args.kmsKeyArn, logGroup.arn]).apply(([teamBucketArnPattern, kmsKeyArn, logGroupArn]) =>
                JSON.stringify(fluentBitPolicy({
                    teamBucketArnPattern, accountId: args.accountId, kmsKeyArn, logGroupArn, region: args.region, containerLogPrefix: args.containerLogPrefix,
                }))),
        }, { parent: this });

        // Pod Identity injects credentials at pod creation, so the association must exist before the pods.
        const podIdentity = new aws.eks.PodIdentityAssociation(`${name}-pod-identity`, {
            clusterName: args.clusterName,
            namespace,
            serviceAccount: d.serviceAccountName,
            roleArn: role.arn,
            tags: args.tags,
        }, { parent: this });

        const teamBuckets = pulumi.output(args.teamBuckets as Record<string, pulumi.Input<string>>) as pulumi.Output<Record<string, string>>;
        platformRelease(`${name}-release`, d, namespace, pulumi.all([teamBuckets, logGroup.name]).apply(([buckets, logGroupName]) => fluentBitValues({
                region: args.region,
                teamBuckets: buckets,
                containerLogPrefix: args.containerLogPrefix,
                logGroupName,
                yunikornNamespace: NAMESPACES.yunikorn,
                imageRepository: d.image.repository,
                imageTag: d.image.tag,
                serviceAccountName: d.serviceAccountName,
            })), { parent: this, provider: args.k8sProvider, dependsOn: [...dependsOn, podIdentity, policy] });

        this.logGroupName = logGroup.name;
        this.logGroupArn = logGroup.arn;
        this.roleArn = role.arn;
        this.s3Locations = teamBuckets.apply((b) => Object.fromEntries(Object.entries(b).map(([t, bucket]) => [t, `s3://${bucket}/${args.containerLogPrefix}/`])));
        this.chartVersion = d.version;

        this.registerOutputs({
            logGroupName: this.logGroupName,
            logGroupArn: this.logGroupArn,
            roleArn: this.roleArn,
            s3Locations: this.s3Locations,
        });
    }
}
