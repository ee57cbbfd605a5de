/**
 * Pure rules for the platform's buckets: physical names, lifecycle rules and bucket policies. No Pulumi
 * runtime here; components/storage/index.ts turns these into resources and the tests table-test them.
 *
 * Layout (contract 2.x): one bucket per team holding its data (`<dataPrefix>/`), its Spark event logs
 * (`<eventLogPrefix>/`) and its container logs (`<containerLogPrefix>/`), so a team role can hold a plain
 * `s3:ListBucket` on its own bucket (S3 answers HEAD on a missing key with 404 only then; hadoop-aws
 * S3AFileSystem.s3GetFileStatus turns any other status into AccessDeniedException) without seeing another
 * team's key names. One platform bucket receives the S3 server access logs of every other bucket.
 */
import type { PolicyDocument } from "../shared/iam";

/** S3 bucket names are 3-63 characters of lower-case letters, digits, '-' and '.'. */
export const MAX_BUCKET_NAME_LENGTH = 63;

/** Days after which S3 aborts an incomplete multipart upload (Spark/S3A writes use multipart). */
export const ABORT_INCOMPLETE_MULTIPART_DAYS = 7;

/** The pre-2.0 shared buckets, kept only when `moka:storage.retainLegacySharedBuckets` is true. */
export type LegacyBucketKind = "eventLog" | "data";

/** Pre-2.0 bucket names: `<baseName>-spark-events-<accountId>` and `<baseName>-data-<accountId>`. */
export function legacyBucketName(kind: LegacyBucketKind, baseName: string, accountId: string): string {
    return kind === "eventLog" ? `${baseName}-spark-events-${accountId}` : `${baseName}-data-${accountId}`;
}

/** A team's bucket: `<baseName>-team-<team>-<accountId>` (the `team` infix keeps it apart from platform buckets). */
export function teamBucketName(baseName: string, team: string, accountId: string): string {
    return `${baseName}-team-${team}-${accountId}`;
}

/** Every team bucket of a stack, as one ARN pattern (for a writer such as Fluent Bit that serves every team). */
export function teamBucketArnPattern(partition: string, baseName: string, accountId: string): string {
    return `arn:${partition}:s3:::${teamBucketName(baseName, "*", accountId)}`;
}

/** The platform bucket receiving S3 server access logs: `<baseName>-s3-access-logs-<accountId>`. */
export function accessLogBucketName(baseName: string, accountId: string): string {
    return `${baseName}-s3-access-logs-${accountId}`;
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

/** Lifecycle settings the rules are built from (a subset of config `StorageConfig`). */
export interface LifecycleSettings {
    readonly eventLogPrefix: string;
    readonly eventLogRetentionDays: number;
    readonly noncurrentVersionExpirationDays: number;
    readonly containerLogPrefix: string;
    readonly accessLogRetentionDays: number;
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

/** What a bucket holds, which decides its lifecycle. */
export type BucketRole = "team" | "accessLogs" | "legacyEventLog" | "legacyData";

/**
 * Lifecycle rules for one bucket.
 *
 * - team (and the legacy event-log bucket): current objects under `<eventLogPrefix>/` and
 *   `<containerLogPrefix>/` expire after `eventLogRetentionDays`; data never expires;
 * - accessLogs: every current object expires after `accessLogRetentionDays`;
 * - all: noncurrent versions expire after `noncurrentVersionExpirationDays`, expired delete markers are
 *   removed, and incomplete multipart uploads are aborted after 7 days.
 *
 * Prefix filters end in '/' so `spark-events` does not also match `spark-events-old/`. The event-log rule
 * only expires non-empty objects: the 0-byte directory marker `<eventLogPrefix>/` (created by the Team
 * component) must survive, or Spark (`spark.eventLog.dir` must exist) and the History Server fail.
 */
export function lifecycleRules(role: BucketRole, s: LifecycleSettings): LifecycleRule[] {
    const housekeeping: LifecycleRule = {
        id: "expire-noncurrent-versions-and-abort-multipart",
        status: "Enabled",
        filter: {},
        expiration: { expiredObjectDeleteMarker: true },
        noncurrentVersionExpiration: { noncurrentDays: s.noncurrentVersionExpirationDays },
        abortIncompleteMultipartUpload: { daysAfterInitiation: ABORT_INCOMPLETE_MULTIPART_DAYS },
    };
    switch (role) {
        case "legacyData":
            return [housekeeping];
        case "accessLogs":
            return [{ id: "expire-access-logs", status: "Enabled", filter: {}, expiration: { days: s.accessLogRetentionDays } }, housekeeping];
        case "team":
        case "legacyEventLog":
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
}

/** The statement denying every request not made over TLS, on the bucket and on its objects. */
function denyInsecureTransport(bucketArn: string) {
    return {
        Sid: "DenyInsecureTransport",
        Effect: "Deny" as const,
        Principal: "*" as const,
        Action: "s3:*",
        Resource: [bucketArn, `${bucketArn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
    };
}

/** A bucket policy that denies every request not made over TLS. */
export function tlsOnlyBucketPolicy(bucketArn: string): PolicyDocument {
    return { Version: "2012-10-17", Statement: [denyInsecureTransport(bucketArn)] };
}

export interface AccessLogPolicyInput {
    /** ARN of the access-log bucket. */
    readonly bucketArn: string;
    /** ARN pattern of the source buckets allowed to deliver (`arn:aws:s3:::<baseName>-*`). */
    readonly sourceBucketArnPattern: string;
    /** The stack's account: only its buckets may deliver (confused deputy). */
    readonly accountId: string;
}

/**
 * The access-log bucket's policy: TLS only, and S3's log delivery service (`logging.s3.amazonaws.com`) may
 * put objects, only for the stack's own buckets in its own account. With Object Ownership
 * `BucketOwnerEnforced` (ACLs off) a bucket policy is the only way to grant delivery (AWS S3 user guide,
 * "Enabling Amazon S3 server access logging": grant the logging service principal in the destination
 * bucket policy; source and destination in the same Region and account).
 */
export function accessLogBucketPolicy(p: AccessLogPolicyInput): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            denyInsecureTransport(p.bucketArn),
            {
                Sid: "AllowS3ServerAccessLogDelivery",
                Effect: "Allow",
                Principal: { Service: "logging.s3.amazonaws.com" },
                Action: "s3:PutObject",
                Resource: `${p.bucketArn}/*`,
                Condition: {
                    ArnLike: { "aws:SourceArn": p.sourceBucketArnPattern },
                    StringEquals: { "aws:SourceAccount": p.accountId },
                },
            },
        ],
    };
}

/** Key prefix a source bucket's access logs land under in the access-log bucket: `<source bucket>/`. */
export function accessLogTargetPrefix(sourceBucket: string): string {
    return `${sourceBucket}/`;
}
