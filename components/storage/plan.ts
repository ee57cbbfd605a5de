/**
 * Pure rules for the Spark buckets: physical names, lifecycle rules and the TLS-only bucket policy.
 * No Pulumi runtime here; components/storage/index.ts turns these into resources and the tests table-test them.
 */
import type { PolicyDocument } from "../shared/iam";

/** S3 bucket names are 3-63 characters of lower-case letters, digits, '-' and '.'. */
export const MAX_BUCKET_NAME_LENGTH = 63;

/** Days after which S3 aborts an incomplete multipart upload (Spark/S3A writes use multipart). */
export const ABORT_INCOMPLETE_MULTIPART_DAYS = 7;

/** The two buckets a stack owns. */
export type SparkBucketKind = "eventLog" | "data";

/** Physical bucket names: `<baseName>-spark-events-<accountId>` and `<baseName>-data-<accountId>`. */
export function sparkBucketName(kind: SparkBucketKind, baseName: string, accountId: string): string {
    return kind === "eventLog" ? `${baseName}-spark-events-${accountId}` : `${baseName}-data-${accountId}`;
}

/** Why `name` is not a valid S3 bucket name, or undefined when it is. */
export function bucketNameProblem(name: string): string | undefined {
    if (name.length < 3 || name.length > MAX_BUCKET_NAME_LENGTH) {
        return `is ${name.length} characters; S3 bucket names are 3-${MAX_BUCKET_NAME_LENGTH}`;
    }
    if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name) || name.includes("..")) {
        return "must be lower-case letters, digits, '-' and '.', starting and ending with a letter or digit";
    }
    return undefined;
}

/** Lifecycle settings the rules are built from (a subset of config.ts `StorageConfig`). */
export interface LifecycleSettings {
    readonly eventLogPrefix: string;
    readonly eventLogRetentionDays: number;
    readonly noncurrentVersionExpirationDays: number;
    readonly containerLogPrefix: string;
}

/** One rule in the shape `aws.s3.BucketLifecycleConfiguration` (v7) takes. */
export interface LifecycleRule {
    id: string;
    status: "Enabled";
    /** `{}` applies the rule to every object; `{ prefix }` to keys under it; `{ and }` combines a prefix with a size floor. */
    filter: { prefix?: string; and?: { prefix: string; objectSizeGreaterThan: number } };
    expiration?: { days?: number; expiredObjectDeleteMarker?: boolean };
    noncurrentVersionExpiration?: { noncurrentDays: number };
    abortIncompleteMultipartUpload?: { daysAfterInitiation: number };
}

/**
 * Lifecycle rules for one bucket.
 *
 * - eventLog: current objects under `<eventLogPrefix>/` and `<containerLogPrefix>/` expire after
 *   `eventLogRetentionDays`.
 * - both: noncurrent versions expire after `noncurrentVersionExpirationDays`, expired delete markers
 *   are removed, and incomplete multipart uploads are aborted after 7 days.
 *
 * Prefix filters end in '/' so `spark-events` does not also match `spark-events-old/`. The event-log
 * rule only expires non-empty objects: each team's 0-byte directory marker (created by the Team
 * component) must survive, or Spark and the team's History Server fail on a missing log directory.
 */
export function lifecycleRules(kind: SparkBucketKind, s: LifecycleSettings): LifecycleRule[] {
    const housekeeping: LifecycleRule = {
        id: "expire-noncurrent-versions-and-abort-multipart",
        status: "Enabled",
        filter: {},
        expiration: { expiredObjectDeleteMarker: true },
        noncurrentVersionExpiration: { noncurrentDays: s.noncurrentVersionExpirationDays },
        abortIncompleteMultipartUpload: { daysAfterInitiation: ABORT_INCOMPLETE_MULTIPART_DAYS },
    };
    if (kind === "data") {
        return [housekeeping];
    }
    return [
        {
            id: "expire-spark-event-logs",
            status: "Enabled",
            filter: { and: { prefix: `${s.eventLogPrefix}/`, objectSizeGreaterThan: 0 } },
            expiration: { days: s.eventLogRetentionDays },
        },
        {
            id: "expire-container-logs",
            status: "Enabled",
            filter: { prefix: `${s.containerLogPrefix}/` },
            expiration: { days: s.eventLogRetentionDays },
        },
        housekeeping,
    ];
}

/** A bucket policy that denies every request not made over TLS, on the bucket and on its objects. */
export function tlsOnlyBucketPolicy(bucketArn: string): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "DenyInsecureTransport",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: [bucketArn, `${bucketArn}/*`],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
        ],
    };
}
