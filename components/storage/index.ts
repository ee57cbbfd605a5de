/**
 * The Spark buckets: one for event logs (and shipped container logs), one for team data, both
 * encrypted with one customer-managed KMS key, versioned, private, ACL-less and TLS-only.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import type { StorageConfig } from "../../config";
import { bucketNameProblem, lifecycleRules, SparkBucketKind, sparkBucketName, tlsOnlyBucketPolicy } from "./plan";
import { AWS_ACCOUNT_ID, S3_PREFIX } from "../../lib/patterns";
import { throwArgProblems } from "../shared/arg-errors";

export interface SparkStorageArgs {
    /** Stem of every physical name, e.g. "moka-prod" (config `baseName`). Required. */
    readonly baseName: string;
    /** The 12-digit AWS account id; bucket names end in it so they are globally unique. Required. */
    readonly accountId: string;
    /** Cost-allocation tags put on the key and both buckets. Required. */
    readonly tags: Readonly<Record<string, string>>;
    /** Protect the buckets and the key from deletion (`protect` + `retainOnDelete`); also sets a 30-day key deletion window. Required. */
    readonly protect: boolean;
    /** Prefixes and retention (config `storage`). Required. */
    readonly storage: StorageConfig;
}

const TYPE = "moka:storage:SparkStorage";

export class SparkStorage extends pulumi.ComponentResource {
    /** Name of the event-log bucket. */
    public readonly eventLogBucket: pulumi.Output<string>;
    public readonly eventLogBucketArn: pulumi.Output<string>;
    /** Name of the team-data bucket. */
    public readonly dataBucket: pulumi.Output<string>;
    public readonly dataBucketArn: pulumi.Output<string>;
    /** ARN of the KMS key both buckets are encrypted with. */
    public readonly kmsKeyArn: pulumi.Output<string>;
    /** Key prefix (no slashes at either end) Spark event logs go under; teams write to `<prefix>/<team>/`. */
    public readonly eventLogPrefix: string;
    /** Key prefix (no slashes at either end) shipped container logs go under in the event-log bucket. */
    public readonly containerLogPrefix: string;

    constructor(name: string, args: SparkStorageArgs, opts?: pulumi.ComponentResourceOptions) {
        super(TYPE, name, {}, opts);

        const problems: string[] = [];
        if (!args.baseName) {
            problems.push("args.baseName is required");
        }
        if (!AWS_ACCOUNT_ID.test(args.accountId ?? "")) {
            problems.push(`args.accountId must be a 12-digit AWS account id, got "${args.accountId}"`);
        }
        for (const key of ["eventLogPrefix", "containerLogPrefix"] as const) {
            if (!S3_PREFIX.test(args.storage[key])) {
                problems.push(`args.storage.${key} must be an S3 key prefix without leading or trailing '/', got "${args.storage[key]}"`);
            }
        }
        const { eventLogPrefix: ev, containerLogPrefix: cl } = args.storage;
        if (ev === cl || cl.startsWith(`${ev}/`) || ev.startsWith(`${cl}/`)) {
            problems.push(`args.storage.containerLogPrefix "${cl}" and eventLogPrefix "${ev}" must not overlap (the History Server role reads everything under the event-log prefix)`);
        }
        for (const key of ["eventLogRetentionDays", "noncurrentVersionExpirationDays"] as const) {
            if (!Number.isInteger(args.storage[key]) || args.storage[key] < 1) {
                problems.push(`args.storage.${key} must be a whole number of days >= 1, got ${args.storage[key]}`);
            }
        }
        if (args.baseName) {
            for (const kind of ["eventLog", "data"] as const) {
                const bucketName = sparkBucketName(kind, args.baseName, args.accountId);
                const problem = bucketNameProblem(bucketName);
                if (problem) {
                    problems.push(`bucket name "${bucketName}" ${problem}; shorten args.baseName`);
                }
            }
        }
        throwArgProblems(TYPE, name, problems);

        const protect = args.protect;
        const tags = { ...args.tags };
        const stateful: pulumi.CustomResourceOptions = { parent: this, protect, retainOnDelete: protect };

        const key = new aws.kms.Key(`${name}-key`, {
            description: `Encrypts the Spark event-log and data buckets of ${args.baseName}`,
            enableKeyRotation: true,
            deletionWindowInDays: protect ? 30 : 7,
            tags,
        }, stateful);
        new aws.kms.Alias(`${name}-key-alias`, {
            name: `alias/${args.baseName}-spark-storage`,
            targetKeyId: key.keyId,
        }, { parent: this });

        // One bucket plus the settings every Spark bucket carries.
        const makeBucket = (kind: SparkBucketKind, role: string): aws.s3.Bucket => {
            const bucket = new aws.s3.Bucket(`${name}-${role}`, {
                bucket: sparkBucketName(kind, args.baseName, args.accountId),
                forceDestroy: false,
                tags: { ...tags, "moka.dev/bucket-role": role },
            }, stateful);
            const child = { parent: this };
            new aws.s3.BucketOwnershipControls(`${name}-${role}-ownership`, {
                bucket: bucket.id,
                rule: { objectOwnership: "BucketOwnerEnforced" },
            }, child);
            const pab = new aws.s3.BucketPublicAccessBlock(`${name}-${role}-public-access`, {
                bucket: bucket.id,
                blockPublicAcls: true,
                blockPublicPolicy: true,
                ignorePublicAcls: true,
                restrictPublicBuckets: true,
            }, child);
            new aws.s3.BucketServerSideEncryptionConfiguration(`${name}-${role}-encryption`, {
                bucket: bucket.id,
                rules: [{
                    applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn },
                    bucketKeyEnabled: true,
                }],
            }, child);
            const versioning = new aws.s3.BucketVersioning(`${name}-${role}-versioning`, {
                bucket: bucket.id,
                versioningConfiguration: { status: "Enabled" },
            }, child);
            new aws.s3.BucketPolicy(`${name}-${role}-policy`, {
                bucket: bucket.id,
                policy: bucket.arn.apply((arn) => JSON.stringify(tlsOnlyBucketPolicy(arn))),
            }, { parent: this, dependsOn: [pab] });
            // Noncurrent-version rules need versioning in place first.
            new aws.s3.BucketLifecycleConfiguration(`${name}-${role}-lifecycle`, {
                bucket: bucket.id,
                rules: lifecycleRules(kind, args.storage),
            }, { parent: this, dependsOn: [versioning] });
            return bucket;
        };

        const events = makeBucket("eventLog", "spark-events");
        const data = makeBucket("data", "data");

        this.eventLogBucket = events.bucket;
        this.eventLogBucketArn = events.arn;
        this.dataBucket = data.bucket;
        this.dataBucketArn = data.arn;
        this.kmsKeyArn = key.arn;
        this.eventLogPrefix = args.storage.eventLogPrefix;
        this.containerLogPrefix = args.storage.containerLogPrefix;
        this.registerOutputs({
            eventLogBucket: this.eventLogBucket,
            eventLogBucketArn: this.eventLogBucketArn,
            dataBucket: this.dataBucket,
            dataBucketArn: this.dataBucketArn,
            kmsKeyArn: this.kmsKeyArn,
            eventLogPrefix: this.eventLogPrefix,
            containerLogPrefix: this.containerLogPrefix,
        });
    }
}
