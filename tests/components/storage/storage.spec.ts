import { strict as assert } from "assert";
import type { StorageConfig } from "../../../config";
import { SparkStorage, SparkStorageArgs } from "../../../components/storage";
import {
    accessLogBucketName, accessLogBucketPolicy, bucketNameProblem, legacyBucketName, lifecycleRules, teamBucketArnPattern, teamBucketName,
    tlsOnlyBucketPolicy,
} from "../../../components/storage/plan";
import { iamGlob } from "../../../lib/iam-eval";
import { MockRunResult, RecordedResource, runUnderMocks } from "../../../preview/mocks";
import { byName, ofType, policyDoc } from "../../helpers/resources";

const CONFIG = { "aws:region": "us-west-2", "moka:accountId": "111111111111" };
const TAGS = { "cost-center": "data-platform", owner: "platform-team@example.com", environment: "prod", "managed-by": "pulumi" };
const STORAGE: StorageConfig = {
    eventLogPrefix: "spark-events", eventLogRetentionDays: 30, noncurrentVersionExpirationDays: 14, containerLogPrefix: "container-logs",
    accessLogRetentionDays: 365, retainLegacySharedBuckets: false,
};
const KEY_ARN = "arn:aws:kms:us-west-2:111111111111:key/s-key-id";
const TEAMS = ["ads-ranking", "growth"];
const LOG_BUCKET = "moka-prod-s3-access-logs-111111111111";

const T = {
    component: "moka:storage:SparkStorage",
    key: "aws:kms/key:Key",
    alias: "aws:kms/alias:Alias",
    bucket: "aws:s3/bucket:Bucket",
    ownership: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    pab: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    sse: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    versioning: "aws:s3/bucketVersioning:BucketVersioning",
    policy: "aws:s3/bucketPolicy:BucketPolicy",
    lifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    logging: "aws:s3/bucketLogging:BucketLogging",
};
const SETTINGS = ["ownership", "public-access", "encryption", "versioning", "policy", "lifecycle"];

function args(overrides: Partial<SparkStorageArgs> = {}): SparkStorageArgs {
    return { baseName: "moka-prod", accountId: "111111111111", tags: TAGS, protect: true, storage: STORAGE, teams: TEAMS, ...overrides };
}

async function run(a: SparkStorageArgs): Promise<MockRunResult> {
    return runUnderMocks({
        stack: "test",
        config: CONFIG,
        program: () => {
            const s = new SparkStorage("s", a);
            return {
                teamBuckets: Object.fromEntries(Object.entries(s.teamBuckets).map(([t, b]) => [t, { bucket: b.bucket, arn: b.arn }])),
                teamBucketArnPattern: s.teamBucketArnPattern, accessLogBucket: s.accessLogBucket.bucket, kmsKeyArn: s.kmsKeyArn,
                eventLogPrefix: s.eventLogPrefix, containerLogPrefix: s.containerLogPrefix,
                legacy: s.legacyBuckets ? { eventLog: s.legacyBuckets.eventLog.bucket, data: s.legacyBuckets.data.bucket } : "none",
            };
        },
    });
}

describe("storage-rules", () => {
    describe("bucket names", () => {
        const cases: [string, string, string][] = [
            ["team bucket", teamBucketName("moka-prod", "ads-ranking", "111111111111"), "moka-prod-team-ads-ranking-111111111111"],
            ["access-log bucket", accessLogBucketName("moka-prod", "111111111111"), "moka-prod-s3-access-logs-111111111111"],
            ["legacy event-log bucket", legacyBucketName("eventLog", "moka-prod", "111111111111"), "moka-prod-spark-events-111111111111"],
            ["legacy data bucket", legacyBucketName("data", "acme-staging", "222222222222"), "acme-staging-data-222222222222"],
            ["team bucket pattern", teamBucketArnPattern("aws", "moka-prod", "111111111111"), "arn:aws:s3:::moka-prod-team-*-111111111111"],
        ];
        for (const [label, actual, expected] of cases) {
            it(`${label}: ${expected}`, () => assert.equal(actual, expected));
        }
        it("the team pattern matches every team bucket and no platform or legacy bucket", () => {
            const pattern = teamBucketArnPattern("aws", "moka-prod", "111111111111");
            for (const t of ["a", "ads-ranking", "data"]) {
                assert.ok(iamGlob(pattern, `arn:aws:s3:::${teamBucketName("moka-prod", t, "111111111111")}`), t);
            }
            for (const b of [accessLogBucketName("moka-prod", "111111111111"), legacyBucketName("eventLog", "moka-prod", "111111111111"), legacyBucketName("data", "moka-prod", "111111111111"),
                teamBucketName("moka-prod", "a", "222222222222"), teamBucketName("moka-dev", "a", "111111111111")]) {
                assert.ok(!iamGlob(pattern, `arn:aws:s3:::${b}`), b);
            }
        });
    });

    describe("bucketNameProblem", () => {
        const cases: [string, RegExp | undefined][] = [
            ["moka-prod-data-111111111111", undefined],
            ["a".repeat(63), undefined],
            ["a".repeat(64), /is 64 characters; S3 bucket names are 3-63/],
            ["ab", /is 2 characters/],
            ["Moka-prod", /lower-case letters/],
            ["moka-", /lower-case letters/],
            ["moka..prod", /lower-case letters/],
        ];
        for (const [name, expected] of cases) {
            it(`${name.length > 20 ? `${name.slice(0, 12)}…(${name.length})` : name} -> ${expected ?? "ok"}`, () => {
                const problem = bucketNameProblem(name);
                if (expected === undefined) {
                    assert.equal(problem, undefined);
                } else {
                    assert.match(problem ?? "", expected);
                }
            });
        }
    });

    describe("lifecycleRules", () => {
        const housekeeping = {
            id: "expire-noncurrent-versions-and-abort-multipart",
            status: "Enabled",
            filter: {},
            expiration: { expiredObjectDeleteMarker: true },
            noncurrentVersionExpiration: { noncurrentDays: 14 },
            abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
        };
        const logs = [
            { id: "expire-spark-event-logs", status: "Enabled", filter: { and: { prefix: "spark-events/", objectSizeGreaterThan: 0 } }, expiration: { days: 30 } },
            { id: "expire-container-logs", status: "Enabled", filter: { prefix: "container-logs/" }, expiration: { days: 30 } },
        ];
        it("team bucket: expires event logs and container logs after the retention, never data; plus housekeeping", () => {
            assert.deepEqual(lifecycleRules("team", STORAGE), [...logs, housekeeping]);
        });
        it("legacy buckets keep their pre-2.0 rules (event-log: logs + housekeeping; data: housekeeping only)", () => {
            assert.deepEqual(lifecycleRules("legacyEventLog", STORAGE), [...logs, housekeeping]);
            assert.deepEqual(lifecycleRules("legacyData", STORAGE), [housekeeping]);
        });
        it("access-log bucket: every object expires after accessLogRetentionDays", () => {
            assert.deepEqual(lifecycleRules("accessLogs", STORAGE), [{ id: "expire-access-logs", status: "Enabled", filter: {}, expiration: { days: 365 } }, housekeeping]);
        });
        it("follows the configured prefixes and days", () => {
            const rules = lifecycleRules("team", { ...STORAGE, eventLogPrefix: "logs/spark", eventLogRetentionDays: 7, noncurrentVersionExpirationDays: 1, containerLogPrefix: "logs/pods" });
            assert.deepEqual(rules.map((r) => [r.filter.prefix ?? r.filter.and?.prefix, r.expiration?.days, r.noncurrentVersionExpiration?.noncurrentDays]), [
                ["logs/spark/", 7, undefined],
                ["logs/pods/", 7, undefined],
                [undefined, undefined, 1],
            ]);
        });
        it("never combines Days with ExpiredObjectDeleteMarker in one rule (S3 rejects that)", () => {
            for (const role of ["team", "accessLogs", "legacyEventLog", "legacyData"] as const) {
                for (const r of lifecycleRules(role, STORAGE)) {
                    assert.ok(!(r.expiration?.days !== undefined && r.expiration?.expiredObjectDeleteMarker !== undefined), `${role} ${r.id}`);
                }
            }
        });
    });

    it("tlsOnlyBucketPolicy denies non-TLS requests on the bucket and its objects", () => {
        assert.deepEqual(tlsOnlyBucketPolicy("arn:aws:s3:::b"), {
            Version: "2012-10-17",
            Statement: [{
                Sid: "DenyInsecureTransport",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            }],
        });
    });

    it("accessLogBucketPolicy: TLS only, and only S3 log delivery for the stack's buckets in its account may put objects", () => {
        const doc = accessLogBucketPolicy({ bucketArn: "arn:aws:s3:::logs", sourceBucketArnPattern: "arn:aws:s3:::moka-prod-*", accountId: "111111111111" });
        assert.deepEqual(doc.Statement[0], tlsOnlyBucketPolicy("arn:aws:s3:::logs").Statement[0]);
        assert.deepEqual(doc.Statement[1], {
            Sid: "AllowS3ServerAccessLogDelivery", Effect: "Allow", Principal: { Service: "logging.s3.amazonaws.com" }, Action: "s3:PutObject",
            Resource: "arn:aws:s3:::logs/*",
            Condition: { ArnLike: { "aws:SourceArn": "arn:aws:s3:::moka-prod-*" }, StringEquals: { "aws:SourceAccount": "111111111111" } },
        });
        assert.equal(doc.Statement.length, 2);
    });
});

describe("SparkStorage", () => {
    describe("two teams, protect = true, no legacy buckets", () => {
        let r: MockRunResult;
        const child = (bucket: string, suffix: string): RecordedResource => byName(r.resources, `${bucket}-${suffix}`);
        const teamBucket = (t: string) => `moka-prod-team-${t}-111111111111`;

        before(async () => {
            r = await run(args());
        });

        it("creates one key + alias, the access-log bucket and one bucket per team, each with its settings; team buckets log access", () => {
            const counts = Object.fromEntries(Object.entries(T).map(([k, t]) => [k, ofType(r.resources, t).length]));
            assert.deepEqual(counts, { component: 1, key: 1, alias: 1, bucket: 3, ownership: 3, pab: 3, sse: 3, versioning: 3, policy: 3, lifecycle: 3, logging: 2 });
            assert.equal(r.resources.length, 1 + 2 + 3 * 7 + 2);
            const names = r.resources.filter((x) => x.custom).map((x) => x.name).sort();
            assert.deepEqual(names, [
                "s-access-logs", ...SETTINGS.map((x) => `s-access-logs-${x}`),
                "s-key", "s-key-alias",
                ...TEAMS.flatMap((t) => [`s-team-${t}`, `s-team-${t}-access-logging`, ...SETTINGS.map((x) => `s-team-${t}-${x}`)]),
            ].sort());
        });

        it("parents every child on the component", () => {
            const component = ofType(r.resources, T.component)[0];
            for (const x of r.resources.filter((y) => y.custom)) {
                assert.equal(x.parent, component.urn, x.name);
            }
        });

        it("KMS key: rotation on, 30-day deletion window, tagged, protected and retained", () => {
            const key = byName(r.resources, "s-key");
            assert.equal(key.inputs.enableKeyRotation, true);
            assert.equal(key.inputs.deletionWindowInDays, 30);
            assert.deepEqual(key.inputs.tags, TAGS);
            assert.equal(key.protect, true);
            assert.equal(key.retainOnDelete, true);
            assert.equal(byName(r.resources, "s-key-alias").inputs.name, "alias/moka-prod-spark-storage");
        });

        const buckets = [
            ...TEAMS.map((t) => ({ res: `s-team-${t}`, name: `moka-prod-team-${t}-111111111111`, tags: { ...TAGS, team: t, "moka.dev/bucket-role": "team" }, kms: true, rules: lifecycleRules("team", STORAGE) })),
            { res: "s-access-logs", name: LOG_BUCKET, tags: { ...TAGS, "moka.dev/bucket-role": "s3-access-logs" }, kms: false, rules: lifecycleRules("accessLogs", STORAGE) },
        ];
        for (const b of buckets) {
            describe(`bucket ${b.res}`, () => {
                it("is a v7 aws.s3.Bucket with the physical name, no forceDestroy, tags, protected and retained", () => {
                    const bucket = byName(r.resources, b.res);
                    assert.equal(bucket.type, T.bucket);
                    assert.equal(bucket.inputs.bucket, b.name);
                    assert.equal(bucket.inputs.forceDestroy, false);
                    assert.deepEqual(bucket.inputs.tags, b.tags);
                    assert.equal(bucket.protect, true);
                    assert.equal(bucket.retainOnDelete, true);
                    assert.equal(bucket.inputs.acl, undefined);
                    assert.equal(bucket.inputs.policy, undefined);
                });
                it("blocks all public access (all four flags) and turns ACLs off", () => {
                    const pab = child(b.res, "public-access");
                    assert.equal(pab.inputs.bucket, b.name);
                    assert.deepEqual(
                        [pab.inputs.blockPublicAcls, pab.inputs.blockPublicPolicy, pab.inputs.ignorePublicAcls, pab.inputs.restrictPublicBuckets],
                        [true, true, true, true],
                    );
                    assert.deepEqual(child(b.res, "ownership").inputs.rule, { objectOwnership: "BucketOwnerEnforced" });
                });
                it(b.kms ? "encrypts with SSE-KMS under the stack key, with a bucket key" : "encrypts with SSE-S3 (the supported default for an access-log destination)", () => {
                    const sse = child(b.res, "encryption");
                    assert.equal(sse.inputs.bucket, b.name);
                    assert.deepEqual(sse.inputs.rules, [b.kms
                        ? { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY_ARN }, bucketKeyEnabled: true }
                        : { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]);
                });
                it("enables versioning; lifecycle rules for its role, applied after versioning", () => {
                    assert.deepEqual(child(b.res, "versioning").inputs.versioningConfiguration, { status: "Enabled" });
                    const l = child(b.res, "lifecycle");
                    assert.deepEqual(l.inputs.rules, b.rules);
                    assert.ok(l.dependencies.includes(child(b.res, "versioning").urn));
                });
                it("denies non-TLS requests, after the public access block", () => {
                    const p = child(b.res, "policy");
                    const doc = policyDoc(p.inputs.policy);
                    assert.deepEqual(doc.Statement[0], tlsOnlyBucketPolicy(`arn:aws:s3:::${b.name}`).Statement[0]);
                    assert.ok(p.dependencies.includes(child(b.res, "public-access").urn));
                });
                it("does not protect the bucket's setting resources (only buckets and the key)", () => {
                    for (const suffix of SETTINGS) {
                        assert.equal(child(b.res, suffix).protect, false, suffix);
                    }
                });
            });
        }

        it("team buckets: TLS-only policy and nothing else; access logs to the log bucket under their own name, after its delivery grant", () => {
            for (const t of TEAMS) {
                assert.equal(policyDoc(child(`s-team-${t}`, "policy").inputs.policy).Statement.length, 1);
                const logging = child(`s-team-${t}`, "access-logging");
                assert.deepEqual(
                    { bucket: logging.inputs.bucket, targetBucket: logging.inputs.targetBucket, targetPrefix: logging.inputs.targetPrefix, format: logging.inputs.targetObjectKeyFormat },
                    { bucket: teamBucket(t), targetBucket: LOG_BUCKET, targetPrefix: `${teamBucket(t)}/`, format: { partitionedPrefix: { partitionDateSource: "EventTime" } } },
                );
                assert.ok(logging.dependencies.includes(child("s-access-logs", "policy").urn));
            }
        });

        it("the access-log bucket admits S3 log delivery only from the stack's buckets in its account, and logs nowhere itself", () => {
            const doc = policyDoc(child("s-access-logs", "policy").inputs.policy);
            assert.deepEqual(doc, accessLogBucketPolicy({ bucketArn: `arn:aws:s3:::${LOG_BUCKET}`, sourceBucketArnPattern: "arn:aws:s3:::moka-prod-*", accountId: "111111111111" }));
            assert.equal(ofType(r.resources, T.logging).filter((l) => l.inputs.bucket === LOG_BUCKET).length, 0);
        });

        it("exports the team buckets, the pattern, the log bucket, the key ARN and the prefixes; no legacy buckets", () => {
            assert.deepEqual(r.outputs, {
                teamBuckets: Object.fromEntries(TEAMS.map((t) => [t, { bucket: teamBucket(t), arn: `arn:aws:s3:::${teamBucket(t)}` }])),
                teamBucketArnPattern: "arn:aws:s3:::moka-prod-team-*-111111111111",
                accessLogBucket: LOG_BUCKET,
                kmsKeyArn: KEY_ARN,
                eventLogPrefix: "spark-events",
                containerLogPrefix: "container-logs",
                legacy: "none",
            });
        });
    });

    describe("retained legacy buckets", () => {
        let r: MockRunResult;
        before(async () => {
            r = await run(args({ storage: { ...STORAGE, retainLegacySharedBuckets: true } }));
        });
        it("keeps both pre-2.0 buckets under their old logical names and inputs (same URNs), protected, logging access", () => {
            for (const [res, name, role] of [["s-spark-events", "moka-prod-spark-events-111111111111", "spark-events"], ["s-data", "moka-prod-data-111111111111", "data"]]) {
                const b = byName(r.resources, res);
                assert.deepEqual(b.inputs, { bucket: name, forceDestroy: false, tags: { ...TAGS, "moka.dev/bucket-role": role } });
                assert.equal(b.protect, true);
                assert.equal(b.retainOnDelete, true);
                for (const suffix of SETTINGS) {
                    byName(r.resources, `${res}-${suffix}`);
                }
                assert.equal(byName(r.resources, `${res}-access-logging`).inputs.targetBucket, LOG_BUCKET);
            }
            assert.deepEqual(byName(r.resources, "s-spark-events-lifecycle").inputs.rules, lifecycleRules("legacyEventLog", STORAGE));
            assert.deepEqual(byName(r.resources, "s-data-lifecycle").inputs.rules, lifecycleRules("legacyData", STORAGE));
            assert.deepEqual(r.outputs.legacy, { eventLog: "moka-prod-spark-events-111111111111", data: "moka-prod-data-111111111111" });
            assert.equal(ofType(r.resources, T.bucket).length, 5);
        });
    });

    describe("protect = false", () => {
        let r: MockRunResult;
        before(async () => {
            r = await run(args({ protect: false, baseName: "moka-dev" }));
        });
        it("neither protects nor retains the buckets and key, and uses a 7-day deletion window", () => {
            for (const name of ["s-key", "s-access-logs", ...TEAMS.map((t) => `s-team-${t}`)]) {
                const x = byName(r.resources, name);
                assert.equal(x.protect, false, name);
                assert.equal(x.retainOnDelete, false, name);
            }
            assert.equal(byName(r.resources, "s-key").inputs.deletionWindowInDays, 7);
        });
        it("still encrypts, versions and blocks public access", () => {
            assert.equal(ofType(r.resources, T.sse).length, 3);
            assert.equal(ofType(r.resources, T.versioning).length, 3);
            assert.ok(ofType(r.resources, T.pab).every((p) => p.inputs.restrictPublicBuckets === true));
        });
    });

    describe("argument validation", () => {
        const cases: { title: string; a: Partial<SparkStorageArgs>; message: string }[] = [
            { title: "empty baseName", a: { baseName: "" }, message: "moka:storage:SparkStorage \"s\": args.baseName is required" },
            { title: "short account id", a: { accountId: "1234" }, message: "moka:storage:SparkStorage \"s\": args.accountId must be a 12-digit AWS account id, got \"1234\"" },
            {
                title: "prefix with a trailing slash",
                a: { storage: { ...STORAGE, eventLogPrefix: "spark-events/" } },
                message: "moka:storage:SparkStorage \"s\": args.storage.eventLogPrefix must be an S3 key prefix without leading or trailing '/', got \"spark-events/\"",
            },
            {
                title: "container logs under the event-log prefix",
                a: { storage: { ...STORAGE, containerLogPrefix: "spark-events/pods" } },
                message: "moka:storage:SparkStorage \"s\": args.storage.containerLogPrefix \"spark-events/pods\" and eventLogPrefix \"spark-events\" must not overlap (the History Server role reads everything under the event-log prefix)",
            },
            {
                title: "zero access-log retention",
                a: { storage: { ...STORAGE, accessLogRetentionDays: 0 } },
                message: "moka:storage:SparkStorage \"s\": args.storage.accessLogRetentionDays must be a whole number of days >= 1, got 0",
            },
            { title: "no team", a: { teams: [] }, message: "moka:storage:SparkStorage \"s\": args.teams must list at least one team" },
            { title: "a team twice", a: { teams: ["a", "a"] }, message: "moka:storage:SparkStorage \"s\": args.teams[1] \"a\" is listed twice" },
            {
                title: "a team whose bucket name is too long",
                a: { teams: ["t".repeat(40)] },
                message: `moka:storage:SparkStorage "s": bucket name "moka-prod-team-${"t".repeat(40)}-111111111111" is 68 characters; S3 bucket names are 3-63; shorten args.baseName or the team name`,
            },
            {
                title: "upper-case baseName",
                a: { baseName: "Moka-prod", teams: ["a"] },
                message: "moka:storage:SparkStorage \"s\": bucket name \"Moka-prod-s3-access-logs-111111111111\" must be lower-case letters, digits, '-' and '.', starting and ending with a letter or digit; shorten args.baseName or the team name; "
                    + "bucket name \"Moka-prod-team-a-111111111111\" must be lower-case letters, digits, '-' and '.', starting and ending with a letter or digit; shorten args.baseName or the team name",
            },
        ];
        for (const c of cases) {
            it(`throws: ${c.title}`, async () => {
                await assert.rejects(run(args(c.a)), { message: c.message });
            });
        }
    });
});
