/**
 * Spark History Servers, one per team.
 *
 * The History Server lists ONE directory, non-recursively, and each team's jobs write event logs to
 * `<eventLogPrefix>/<team>/` (constants.teamEventLogPrefix). So every team gets its own Deployment +
 * Service on its own prefix, in the shared `spark-history` namespace. All of them run as one
 * ServiceAccount bound (EKS Pod Identity) to one IAM role that can only read the event-log prefix.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import { NAMESPACES } from "../../lib/platform";
import {
    HISTORY_SERVICE_ACCOUNT,
    historyServerConfigMap,
    historyServerDeployment,
    historyServerNamespace,
    historyServerPolicy,
    historyServerService,
    historyServerSparkConf,
    historyServerUrl,
    historyServiceAccount,
    sha256,
} from "./history-server-objects";
import { AWS_REGION, DNS1123_LABEL, S3_PREFIX } from "../../lib/patterns";
import { throwArgProblems } from "../shared/arg-errors";
import { podIdentityTrustPolicy } from "../shared/iam";
import { renderSparkDefaultsConf } from "../shared/spark-conf";

export interface HistoryServerArgs {
    /** Provider for the target cluster. Required. */
    readonly k8sProvider: k8s.Provider;
    /** EKS cluster name, for the Pod Identity association. Required. */
    readonly clusterName: pulumi.Input<string>;
    /** Stem of physical names, e.g. "moka-prod"; the IAM role is `<baseName>-spark-history`. Required. */
    readonly baseName: string;
    /** Cost-allocation tags for the IAM role and the Pod Identity association. Required. */
    readonly tags: Readonly<Record<string, string>>;
    /** Team names; each gets `history-<team>` reading `<eventLogPrefix>/<team>/`. Required. */
    readonly teams: readonly string[];
    /** Name of the event-log bucket. Required. */
    readonly eventLogBucket: pulumi.Input<string>;
    /** ARN of the event-log bucket. Required. */
    readonly eventLogBucketArn: pulumi.Input<string>;
    /** Event-log prefix inside the bucket, no slashes at either end (config `storage.eventLogPrefix`). Required. */
    readonly eventLogPrefix: string;
    /** ARN of the KMS key the bucket is encrypted with; the role may decrypt with it through S3 only. Required. */
    readonly kmsKeyArn: pulumi.Input<string>;
    /** The platform Spark image (with hadoop-aws >= 3.4 and the AWS SDK v2 bundle), pinned by tag or digest. Required. */
    readonly image: pulumi.Input<string>;
    /** AWS region of the bucket (S3A endpoint region and the kms:ViaService condition). Required. */
    readonly region: string;
}

const TYPE = "moka:spark:HistoryServer";

export class HistoryServer extends pulumi.ComponentResource {
    /** In-cluster URL per team: `http://history-<team>.spark-history.svc.cluster.local:18080`. */
    public readonly urls: pulumi.Output<Record<string, string>>;
    /** ARN of the read-only IAM role. */
    public readonly roleArn: pulumi.Output<string>;
    /** The History Servers' namespace. */
    public readonly namespace: pulumi.Output<string>;

    constructor(name: string, args: HistoryServerArgs, opts?: pulumi.ComponentResourceOptions) {
        super(TYPE, name, {}, opts);

        const problems: string[] = [];
        if (!args.k8sProvider) {
            problems.push("args.k8sProvider is required");
        }
        if (!args.baseName) {
            problems.push("args.baseName is required");
        }
        if (!args.teams || args.teams.length === 0) {
            problems.push("args.teams must list at least one team");
        }
        (args.teams ?? []).forEach((team, i, all) => {
            if (!DNS1123_LABEL.test(team) || team.length > 40) {
                problems.push(`args.teams entry "${team}" must be a DNS-1123 label of at most 40 characters`);
            } else if (all.indexOf(team) !== i) {
                problems.push(`args.teams lists "${team}" twice`);
            }
        });
        if (!S3_PREFIX.test(args.eventLogPrefix ?? "")) {
            problems.push(`args.eventLogPrefix must be an S3 key prefix without leading or trailing '/', got "${args.eventLogPrefix}"`);
        }
        if (!AWS_REGION.test(args.region ?? "")) {
            problems.push(`args.region must be an AWS region such as us-west-2, got "${args.region}"`);
        }
        const roleName = `${args.baseName}-spark-history`;
        if (roleName.length > 64) {
            problems.push(`IAM role name "${roleName}" is longer than 64 characters; shorten args.baseName`);
        }
        throwArgProblems(TYPE, name, problems);

        const tags = { ...args.tags };
        const k8sOpts = { parent: this, provider: args.k8sProvider };

        // --- IAM: one read-only role for all History Servers, via Pod Identity ---
        const role = new aws.iam.Role(`${name}-role`, {
            name: roleName,
            description: "Spark History Server: read-only access to the Spark event logs",
            assumeRolePolicy: JSON.stringify(podIdentityTrustPolicy()),
            tags,
        }, { parent: this });
        new aws.iam.RolePolicy(`${name}-read-event-logs`, {
            role: role.id,
            policy: pulumi.all([args.eventLogBucketArn, args.kmsKeyArn]).apply(([bucketArn, kmsKeyArn]) =>
                JSON.stringify(historyServerPolicy({ bucketArn, kmsKeyArn, eventLogPrefix: args.eventLogPrefix, region: args.region }))),
        }, { parent: this });

        // --- Kubernetes: namespace and the shared ServiceAccount ---
        const ns = new k8s.core.v1.Namespace(`${name}-namespace`, historyServerNamespace(), k8sOpts);
        const sa = new k8s.core.v1.ServiceAccount(`${name}-service-account`, historyServiceAccount(), { ...k8sOpts, dependsOn: [ns] });
        const association = new aws.eks.PodIdentityAssociation(`${name}-pod-identity`, {
            clusterName: args.clusterName,
            namespace: NAMESPACES.historyServer,
            serviceAccount: HISTORY_SERVICE_ACCOUNT,
            roleArn: role.arn,
            tags,
        }, { parent: this });

        // --- One History Server per team ---
        const urls: Record<string, string> = {};
        for (const team of args.teams) {
            // The shared renderer without the managed-by header: the file (and the hash that rolls the pod) stays as deployed.
            const sparkDefaults = pulumi.output(args.eventLogBucket).apply((bucket) => renderSparkDefaultsConf(
                historyServerSparkConf({ bucket, eventLogPrefix: args.eventLogPrefix, team, region: args.region }), { header: false }));
            const conf = new k8s.core.v1.ConfigMap(`${name}-${team}-conf`, historyServerConfigMap(team, sparkDefaults), { ...k8sOpts, dependsOn: [ns] });
            new k8s.apps.v1.Deployment(`${name}-${team}`, historyServerDeployment({
                team,
                image: args.image,
                configHash: sparkDefaults.apply(sha256),
            }), { ...k8sOpts, dependsOn: [ns, sa, conf, association] });
            new k8s.core.v1.Service(`${name}-${team}-service`, historyServerService(team), { ...k8sOpts, dependsOn: [ns] });
            urls[team] = historyServerUrl(team);
        }

        this.urls = pulumi.output(urls);
        this.roleArn = role.arn;
        this.namespace = ns.metadata.name;
        this.registerOutputs({ urls: this.urls, roleArn: this.roleArn, namespace: this.namespace });
    }
}
