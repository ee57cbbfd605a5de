/**
 * One hardened bucket and the settings every platform bucket carries (used by components/storage/index.ts
 * for the team buckets, the access-log bucket and the retained legacy buckets):
 * ACLs off (BucketOwnerEnforced), public access block (all four flags), default encryption (SSE-KMS with
 * the storage key and an S3 Bucket Key, or SSE-S3 where AWS requires it), versioning, a bucket policy
 * (TLS only, plus what the caller adds), lifecycle rules, and server access logging into the access-log
 * bucket. The bucket itself is `protect` + `retainOnDelete` when the stack protects data.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { PolicyDocument } from "../shared/iam";
import { accessLogTargetPrefix, type LifecycleRule } from "./plan";

export interface HardenedBucketSpec {
    /** Physical bucket name. */
    readonly bucketName: string;
    /** Value of the `moka.dev/bucket-role` tag. */
    readonly roleTag: string;
    readonly tags: Readonly<Record<string, string>>;
    /** SSE-KMS with this key ARN, or "AES256" (SSE-S3). */
    readonly encryption: pulumi.Input<string> | "AES256";
    readonly lifecycle: LifecycleRule[];
    /** The bucket policy, from the bucket's ARN. */
    readonly policy: (bucketArn: string) => PolicyDocument;
    /** Deliver server access logs to this bucket (name), after `after`. Omitted for the access-log bucket itself. */
    readonly accessLogs?: { readonly targetBucket: pulumi.Input<string>; readonly after: readonly pulumi.Resource[] };
    readonly protect: boolean;
}

export interface HardenedBucket {
    readonly bucket: aws.s3.Bucket;
    readonly policy: aws.s3.BucketPolicy;
}

/** Creates the bucket `name` and its settings as children of `parent` (children named `<name>-<setting>`). */
export function hardenedBucket(parent: pulumi.Resource, name: string, spec: HardenedBucketSpec): HardenedBucket {
    const bucket = new aws.s3.Bucket(name, {
        bucket: spec.bucketName,
        forceDestroy: false,
        tags: { ...spec.tags, "moka.dev/bucket-role": spec.roleTag },
    }, { parent, protect: spec.protect, retainOnDelete: spec.protect });
    const child = { parent };
    new aws.s3.BucketOwnershipControls(`${name}-ownership`, {
        bucket: bucket.id,
        rule: { objectOwnership: "BucketOwnerEnforced" },
    }, child);
    const pab = new aws.s3.BucketPublicAccessBlock(`${name}-public-access`, {
        bucket: bucket.id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
    }, child);
    new aws.s3.BucketServerSideEncryptionConfiguration(`${name}-encryption`, {
        bucket: bucket.id,
        rules: [spec.encryption === "AES256"
            ? { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }
            : { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: spec.encryption }, bucketKeyEnabled: true }],
    }, child);
    const versioning = new aws.s3.BucketVersioning(`${name}-versioning`, {
        bucket: bucket.id,
        versioningConfiguration: { status: "Enabled" },
    }, child);
    const policy = new aws.s3.BucketPolicy(`${name}-policy`, {
        bucket: bucket.id,
        policy: bucket.arn.apply((arn) => JSON.stringify(spec.policy(arn))),
    }, { parent, dependsOn: [pab] });
    // Noncurrent-version rules need versioning in place first.
    new aws.s3.BucketLifecycleConfiguration(`${name}-lifecycle`, {
        bucket: bucket.id,
        rules: spec.lifecycle,
    }, { parent, dependsOn: [versioning] });
    if (spec.accessLogs) {
        new aws.s3.BucketLogging(`${name}-access-logging`, {
            bucket: bucket.id,
            targetBucket: spec.accessLogs.targetBucket,
            targetPrefix: accessLogTargetPrefix(spec.bucketName),
            targetObjectKeyFormat: { partitionedPrefix: { partitionDateSource: "EventTime" } },
        }, { parent, dependsOn: [...spec.accessLogs.after] });
    }
    return { bucket, policy };
}
