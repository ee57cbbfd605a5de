/**
 * The platform's buckets: one bucket per team (its data, Spark event logs and container logs), one bucket
 * for S3 server access logs, and, while a stack migrates from the pre-2.0 layout, the two retained shared
 * buckets. Every bucket is ACL-less, public-access-blocked, versioned, TLS-only, lifecycle-managed and
 * protected in prod; team and legacy buckets are SSE-KMS with one customer-managed key and log their
 * access into the access-log bucket. Names, lifecycle and policies: components/storage/plan.ts.
 *
 * Why one bucket per team (not a data bucket and an event-log bucket per team, not shared buckets): a
 * team role needs a plain `s3:ListBucket` on whatever it writes, or S3 answers a HEAD on a missing key
 * with 403 and S3A fails (README, "Storage"); a plain ListBucket on a shared bucket would list every
 * team's keys. One bucket per team keeps that grant to the team's own keys, and halves the bucket count
 * (and its per-bucket settings) against two per team.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import type { StorageConfig } from "../../config";
import {
    accessLogBucketName, accessLogBucketPolicy, bucketNameProblem, legacyBucketName, lifecycleRules, teamBucketArnPattern,
    teamBucketName, tlsOnlyBucketPolicy,
} from "./plan";
import { hardenedBucket } from "./bucket";
import { AWS_ACCOUNT_ID, DNS1123_LABEL, S3_PREFIX } from "../../lib/patterns";
import { throwArgProblems } from "../shared/arg-errors";

export interface SparkStorageArgs {
    /** Stem of every physical name, e.g. "moka-prod" (config `baseName`). Required. */
    readonly baseName: string;
    /** The 12-digit AWS account id; bucket names end in it so they are globally unique. Required. */
    readonly accountId: string;
    /** Cost-allocation tags put on the key and every bucket. Required. */
    readonly tags: Readonly<Record<string, string>>;
    /** Protect the buckets and the key from deletion (`protect` + `retainOnDelete`); also sets a 30-day key deletion window. Required. */
    readonly protect: boolean;
    /** Prefixes, retention and the legacy-bucket switch (config `storage`). Required. */
    readonly storage: StorageConfig;
    /** Team names; each gets the bucket `<baseName>-team-<team>-<accountId>`. Required. */
    readonly teams: readonly string[];
}

/** A bucket's name and ARN. */
export interface BucketRef {
    readonly bucket: pulumi.Output<string>;
    readonly arn: pulumi.Output<string>;
}

const TYPE = "moka:storage:SparkStorage";

export class SparkStorage extends pulumi.ComponentResource {
    /** Team name → its bucket. */
    public readonly teamBuckets: Readonly<Record<string, BucketRef>>;
    /** ARN pattern matching every team bucket of the stack (and nothing else the stack owns). */
    public readonly teamBucketArnPattern: pulumi.Output<string>;
    /** The bucket receiving S3 server access logs. */
    public readonly accessLogBucket: BucketRef;
    /** The pre-2.0 shared buckets, present only with `storage.retainLegacySharedBuckets`. */
    public readonly legacyBuckets?: { readonly eventLog: BucketRef; readonly data: BucketRef };
    /** ARN of the KMS key the team (and legacy) buckets are encrypted with. */
    public readonly kmsKeyArn: pulumi.Output<string>;
    /** Key prefix (no slashes at either end) of the Spark event logs in each team bucket. */
    public readonly eventLogPrefix: string;
    /** Key prefix (no slashes at either end) of the shipped container logs in each team bucket. */
    public readonly containerLogPrefix: string;

    constructor(name: string, args: SparkStorageArgs, opts?: pulumi.ComponentResourceOptions) {
        super(TYPE, name, {}, opts);
        throwArgProblems(TYPE, name, sparkStorageArgProblems(args));

        const protect = args.protect;
        const tags = { ...args.tags };
        const s = args.storage;

        const key = new aws.kms.Key(`${name}-key`, {
            description: `Encrypts the Spark event-log and data buckets of ${args.baseName}`,
            enableKeyRotation: true,
            deletionWindowInDays: protect ? 30 : 7,
            tags,
        }, { parent: this, protect, retainOnDelete: protect });
        new aws.kms.Alias(`${name}-key-alias`, {
            name: `alias/${args.baseName}-spark-storage`,
            targetKeyId: key.keyId,
        }, { parent: this });

        // Access logs: SSE-S3, because S3 server access log delivery documents SSE-S3 as the supported default
        // encryption of a destination bucket (the records are request metadata, not data).
        const logs = hardenedBucket(this, `${name}-access-logs`, {
            bucketName: accessLogBucketName(args.baseName, args.accountId),
            roleTag: "s3-access-logs",
            tags,
            encryption: "AES256",
            lifecycle: lifecycleRules("accessLogs", s),
            policy: (arn) => accessLogBucketPolicy({
                bucketArn: arn,
                sourceBucketArnPattern: `${arn.slice(0, arn.indexOf(":::"))}:::${args.baseName}-*`,
                accountId: args.accountId,
            }),
            protect,
        });
        const accessLogs = { targetBucket: logs.bucket.bucket, after: [logs.policy] };

        const teamBuckets: Record<string, BucketRef> = {};
        for (const team of args.teams) {
            const b = hardenedBucket(this, `${name}-team-${team}`, {
                bucketName: teamBucketName(args.baseName, team, args.accountId),
                roleTag: "team",
                tags: { ...tags, team },
                encryption: key.arn,
                lifecycle: lifecycleRules("team", s),
                policy: tlsOnlyBucketPolicy,
                accessLogs,
                protect,
            }).bucket;
            teamBuckets[team] = { bucket: b.bucket, arn: b.arn };
        }

        if (s.retainLegacySharedBuckets) {
            // Same logical names and inputs as before 2.0, so the existing (protected) buckets keep their URNs.
            const legacy = (kind: "eventLog" | "data", role: string): BucketRef => {
                const b = hardenedBucket(this, `${name}-${role}`, {
                    bucketName: legacyBucketName(kind, args.baseName, args.accountId),
                    roleTag: role,
                    tags,
                    encryption: key.arn,
                    lifecycle: lifecycleRules(kind === "eventLog" ? "legacyEventLog" : "legacyData", s),
                    policy: tlsOnlyBucketPolicy,
                    accessLogs,
                    protect,
                }).bucket;
                return { bucket: b.bucket, arn: b.arn };
            };
            this.legacyBuckets = { eventLog: legacy("eventLog", "spark-events"), data: legacy("data", "data") };
        }

        this.teamBuckets = teamBuckets;
        this.teamBucketArnPattern = logs.bucket.arn.apply((arn) => teamBucketArnPattern(arn.split(":")[1], args.baseName, args.accountId));
        this.accessLogBucket = { bucket: logs.bucket.bucket, arn: logs.bucket.arn };
        this.kmsKeyArn = key.arn;
        this.eventLogPrefix = s.eventLogPrefix;
        this.containerLogPrefix = s.containerLogPrefix;
        this.registerOutputs({
            teamBuckets: Object.fromEntries(Object.entries(teamBuckets).map(([t, b]) => [t, b.bucket])),
            accessLogBucket: this.accessLogBucket.bucket,
            kmsKeyArn: this.kmsKeyArn,
            eventLogPrefix: this.eventLogPrefix,
            containerLogPrefix: this.containerLogPrefix,
        });
    }
}

/** Problems with SparkStorage args, each naming the arg; empty when valid. */
export function sparkStorageArgProblems(args: SparkStorageArgs): string[] {
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
    for (const key of ["eventLogRetentionDays", "noncurrentVersionExpirationDays", "accessLogRetentionDays"] as const) {
        if (!Number.isInteger(args.storage[key]) || args.storage[key] < 1) {
            problems.push(`args.storage.${key} must be a whole number of days >= 1, got ${args.storage[key]}`);
        }
    }
    if ((args.teams ?? []).length === 0) {
        problems.push("args.teams must list at least one team");
    }
    (args.teams ?? []).forEach((team, i, all) => {
        if (!DNS1123_LABEL.test(team)) {
            problems.push(`args.teams[${i}] "${team}" is not a DNS-1123 label`);
        } else if (all.indexOf(team) !== i) {
            problems.push(`args.teams[${i}] "${team}" is listed twice`);
        }
    });
    if (args.baseName && AWS_ACCOUNT_ID.test(args.accountId ?? "")) {
        const names = [
            accessLogBucketName(args.baseName, args.accountId),
            ...(args.storage.retainLegacySharedBuckets ? [legacyBucketName("eventLog", args.baseName, args.accountId), legacyBucketName("data", args.baseName, args.accountId)] : []),
            ...(args.teams ?? []).filter((t) => DNS1123_LABEL.test(t)).map((t) => teamBucketName(args.baseName, t, args.accountId)),
        ];
        for (const bucketName of names) {
            const problem = bucketNameProblem(bucketName);
            if (problem) {
                problems.push(`bucket name "${bucketName}" ${problem}; shorten args.baseName or the team name`);
            }
        }
    }
    return problems;
}
