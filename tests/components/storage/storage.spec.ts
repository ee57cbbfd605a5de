import { strict as assert } from "assert";
import type { StorageConfig } from "../../../config";
import { SparkStorage, SparkStorageArgs } from "../../../components/storage";
import { bucketNameProblem, lifecycleRules, sparkBucketName, tlsOnlyBucketPolicy } from "../../../components/storage/plan";
import { MockRunResult, RecordedResource, runUnderMocks } from "../../../preview/mocks";
import { byName, ofType, policyDoc } from "../../helpers/resources";

const CONFIG = { "aws:region": "us-west-2", "moka:accountId": "111111111111" };
const TAGS = { "cost-center": "data-platform", owner: "platform-team@example.com", environment: "prod", "managed-by": "pulumi" };
const STORAGE: StorageConfig = { eventLogPrefix: "spark-events", eventLogRetentionDays: 30, noncurrentVersionExpirationDays: 14, containerLogPrefix: "container-logs" };
const KEY_ARN = "arn:aws:kms:us-west-2:111111111111:key/s-key-id";

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
};

function args(overrides: Partial<SparkStorageArgs> = {}): SparkStorageArgs {
    return { baseName: "moka-prod", accountId: "111111111111", tags: TAGS, protect: true, storage: STORAGE, ...overrides };
}

async function run(a: SparkStorageArgs): Promise<MockRunResult> {
    return runUnderMocks({
        stack: "test",
        config: CONFIG,
        program: () => {
            const s = new SparkStorage("s", a);
            return {
                eventLogBucket: s.eventLogBucket, eventLogBucketArn: s.eventLogBucketArn, dataBucket: s.dataBucket,
                dataBucketArn: s.dataBucketArn, kmsKeyArn: s.kmsKeyArn, eventLogPrefix: s.eventLogPrefix, containerLogPrefix: s.containerLogPrefix,
            };
        },
    });
}

describe("storage-rules", () => {
    describe("sparkBucketName", () => {
        const cases: [Parameters<typeof sparkBucketName>, string][] = [
            [["eventLog", "moka-prod", "111111111111"], "moka-prod-spark-events-111111111111"],
            [["data", "moka-prod", "111111111111"], "moka-prod-data-111111111111"],
            [["eventLog", "acme-staging", "222222222222"], "acme-staging-spark-events-222222222222"],
        ];
        for (const [input, expected] of cases) {
            it(`${input.join(" ")} -> ${expected}`, () => assert.equal(sparkBucketName(...input), expected));
        }
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
        it("event-log bucket: expires event logs and container logs after the retention, plus housekeeping", () => {
            assert.deepEqual(lifecycleRules("eventLog", STORAGE), [
                { id: "expire-spark-event-logs", status: "Enabled", filter: { and: { prefix: "spark-events/", objectSizeGreaterThan: 0 } }, expiration: { days: 30 } },
                { id: "expire-container-logs", status: "Enabled", filter: { prefix: "container-logs/" }, expiration: { days: 30 } },
                housekeeping,
            ]);
        });
        it("data bucket: never expires current objects, only noncurrent versions and multipart uploads", () => {
            assert.deepEqual(lifecycleRules("data", STORAGE), [housekeeping]);
        });
        it("follows the configured prefixes and days", () => {
            const rules = lifecycleRules("eventLog", { eventLogPrefix: "logs/spark", eventLogRetentionDays: 7, noncurrentVersionExpirationDays: 1, containerLogPrefix: "logs/pods" });
            assert.deepEqual(rules.map((r) => [r.filter.prefix ?? r.filter.and?.prefix, r.expiration?.days, r.noncurrentVersionExpiration?.noncurrentDays]), [
                ["logs/spark/", 7, undefined],
                ["logs/pods/", 7, undefined],
                [undefined, undefined, 1],
            ]);
        });
        it("keeps the 0-byte event-log directory markers: the event-log rule only expires non-empty objects", () => {
            const rule = lifecycleRules("eventLog", { eventLogPrefix: "spark-events", eventLogRetentionDays: 7, noncurrentVersionExpirationDays: 1, containerLogPrefix: "container-logs" })[0];
            assert.deepEqual(rule.filter, { and: { prefix: "spark-events/", objectSizeGreaterThan: 0 } });
        });
        it("never combines Days with ExpiredObjectDeleteMarker in one rule (S3 rejects that)", () => {
            for (const r of [...lifecycleRules("eventLog", STORAGE), ...lifecycleRules("data", STORAGE)]) {
                assert.ok(!(r.expiration?.days !== undefined && r.expiration?.expiredObjectDeleteMarker !== undefined), r.id);
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
});

describe("SparkStorage", () => {
    describe("protect = true", () => {
        let r: MockRunResult;
        const buckets = [
            { role: "spark-events", kind: "eventLog" as const, name: "moka-prod-spark-events-111111111111" },
            { role: "data", kind: "data" as const, name: "moka-prod-data-111111111111" },
        ];
        const child = (role: string, suffix: string): RecordedResource => byName(r.resources, `s-${role}-${suffix}`);

        before(async () => {
            r = await run(args());
        });

        it("creates exactly one key, one alias, two buckets and each bucket's six settings", () => {
            const counts = Object.fromEntries(Object.entries(T).map(([k, t]) => [k, ofType(r.resources, t).length]));
            assert.deepEqual(counts, { component: 1, key: 1, alias: 1, bucket: 2, ownership: 2, pab: 2, sse: 2, versioning: 2, policy: 2, lifecycle: 2 });
            assert.equal(r.resources.length, 17);
            const names = r.resources.filter((x) => x.custom).map((x) => x.name).sort();
            assert.deepEqual(names, [
                "s-data", "s-data-encryption", "s-data-lifecycle", "s-data-ownership", "s-data-policy", "s-data-public-access", "s-data-versioning",
                "s-key", "s-key-alias",
                "s-spark-events", "s-spark-events-encryption", "s-spark-events-lifecycle", "s-spark-events-ownership", "s-spark-events-policy",
                "s-spark-events-public-access", "s-spark-events-versioning",
            ]);
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

        for (const b of buckets) {
            describe(`${b.role} bucket`, () => {
                it("is a v7 aws.s3.Bucket with the physical name, no forceDestroy, tags, protected and retained", () => {
                    const bucket = byName(r.resources, `s-${b.role}`);
                    assert.equal(bucket.type, T.bucket);
                    assert.equal(bucket.inputs.bucket, b.name);
                    assert.equal(bucket.inputs.forceDestroy, false);
                    assert.deepEqual(bucket.inputs.tags, { ...TAGS, "moka.dev/bucket-role": b.role });
                    assert.equal(bucket.protect, true);
                    assert.equal(bucket.retainOnDelete, true);
                    assert.equal(bucket.inputs.acl, undefined);
                    assert.equal(bucket.inputs.policy, undefined);
                });
                it("blocks all public access (all four flags)", () => {
                    const pab = child(b.role, "public-access");
                    assert.equal(pab.inputs.bucket, b.name);
                    assert.deepEqual(
                        [pab.inputs.blockPublicAcls, pab.inputs.blockPublicPolicy, pab.inputs.ignorePublicAcls, pab.inputs.restrictPublicBuckets],
                        [true, true, true, true],
                    );
                });
                it("turns ACLs off (BucketOwnerEnforced)", () => {
                    const o = child(b.role, "ownership");
                    assert.equal(o.inputs.bucket, b.name);
                    assert.deepEqual(o.inputs.rule, { objectOwnership: "BucketOwnerEnforced" });
                });
                it("encrypts with SSE-KMS under the stack key, with a bucket key", () => {
                    const sse = child(b.role, "encryption");
                    assert.equal(sse.inputs.bucket, b.name);
                    assert.deepEqual(sse.inputs.rules, [{
                        applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY_ARN },
                        bucketKeyEnabled: true,
                    }]);
                });
                it("enables versioning", () => {
                    const v = child(b.role, "versioning");
                    assert.equal(v.inputs.bucket, b.name);
                    assert.deepEqual(v.inputs.versioningConfiguration, { status: "Enabled" });
                });
                it("denies non-TLS requests on the bucket and its objects, after the public access block", () => {
                    const p = child(b.role, "policy");
                    assert.equal(p.inputs.bucket, b.name);
                    const doc = policyDoc(p.inputs.policy);
                    assert.deepEqual(doc.Statement, [{
                        Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*",
                        Resource: [`arn:aws:s3:::${b.name}`, `arn:aws:s3:::${b.name}/*`],
                        Condition: { Bool: { "aws:SecureTransport": "false" } },
                    }]);
                    assert.ok(p.dependencies.includes(child(b.role, "public-access").urn));
                });
                it("has the lifecycle rules for its kind, applied after versioning", () => {
                    const l = child(b.role, "lifecycle");
                    assert.equal(l.inputs.bucket, b.name);
                    assert.deepEqual(l.inputs.rules, lifecycleRules(b.kind, STORAGE));
                    assert.ok(l.dependencies.includes(child(b.role, "versioning").urn));
                });
                it("does not protect the bucket's setting resources (only buckets and the key)", () => {
                    for (const suffix of ["public-access", "ownership", "encryption", "versioning", "policy", "lifecycle"]) {
                        assert.equal(child(b.role, suffix).protect, false, suffix);
                    }
                });
            });
        }

        it("event-log bucket expires both log prefixes after eventLogRetentionDays", () => {
            const rules = child("spark-events", "lifecycle").inputs.rules as any[];
            assert.deepEqual(rules.filter((x) => x.expiration?.days).map((x) => [x.filter.prefix ?? x.filter.and?.prefix, x.expiration.days]), [["spark-events/", 30], ["container-logs/", 30]]);
        });

        it("exports names, ARNs, the key ARN and the prefixes", () => {
            assert.deepEqual(r.outputs, {
                eventLogBucket: "moka-prod-spark-events-111111111111",
                eventLogBucketArn: "arn:aws:s3:::moka-prod-spark-events-111111111111",
                dataBucket: "moka-prod-data-111111111111",
                dataBucketArn: "arn:aws:s3:::moka-prod-data-111111111111",
                kmsKeyArn: KEY_ARN,
                eventLogPrefix: "spark-events",
                containerLogPrefix: "container-logs",
            });
        });
    });

    describe("protect = false", () => {
        let r: MockRunResult;
        before(async () => {
            r = await run(args({ protect: false, baseName: "moka-dev" }));
        });
        it("neither protects nor retains the buckets and key, and uses a 7-day deletion window", () => {
            for (const name of ["s-key", "s-spark-events", "s-data"]) {
                const x = byName(r.resources, name);
                assert.equal(x.protect, false, name);
                assert.equal(x.retainOnDelete, false, name);
            }
            assert.equal(byName(r.resources, "s-key").inputs.deletionWindowInDays, 7);
            assert.equal(byName(r.resources, "s-spark-events").inputs.forceDestroy, false);
        });
        it("still encrypts, versions and blocks public access", () => {
            assert.equal(ofType(r.resources, T.sse).length, 2);
            assert.equal(ofType(r.resources, T.versioning).length, 2);
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
                title: "container prefix with a leading slash",
                a: { storage: { ...STORAGE, containerLogPrefix: "/logs" } },
                message: "moka:storage:SparkStorage \"s\": args.storage.containerLogPrefix must be an S3 key prefix without leading or trailing '/', got \"/logs\"",
            },
            {
                title: "container logs under the event-log prefix",
                a: { storage: { ...STORAGE, containerLogPrefix: "spark-events/pods" } },
                message: "moka:storage:SparkStorage \"s\": args.storage.containerLogPrefix \"spark-events/pods\" and eventLogPrefix \"spark-events\" must not overlap (the History Server role reads everything under the event-log prefix)",
            },
            {
                title: "same prefix for both",
                a: { storage: { ...STORAGE, containerLogPrefix: "spark-events" } },
                message: "moka:storage:SparkStorage \"s\": args.storage.containerLogPrefix \"spark-events\" and eventLogPrefix \"spark-events\" must not overlap (the History Server role reads everything under the event-log prefix)",
            },
            {
                title: "zero retention",
                a: { storage: { ...STORAGE, eventLogRetentionDays: 0 } },
                message: "moka:storage:SparkStorage \"s\": args.storage.eventLogRetentionDays must be a whole number of days >= 1, got 0",
            },
            {
                title: "fractional noncurrent expiry",
                a: { storage: { ...STORAGE, noncurrentVersionExpirationDays: 1.5 } },
                message: "moka:storage:SparkStorage \"s\": args.storage.noncurrentVersionExpirationDays must be a whole number of days >= 1, got 1.5",
            },
            {
                title: "baseName too long for a bucket name",
                a: { baseName: "a-very-long-platform-name-for-prod-xyz" },
                message: "moka:storage:SparkStorage \"s\": bucket name \"a-very-long-platform-name-for-prod-xyz-spark-events-111111111111\" is 64 characters; S3 bucket names are 3-63; shorten args.baseName",
            },
            {
                title: "upper-case baseName",
                a: { baseName: "Moka-prod" },
                message: "moka:storage:SparkStorage \"s\": bucket name \"Moka-prod-spark-events-111111111111\" must be lower-case letters, digits, '-' and '.', starting and ending with a letter or digit; shorten args.baseName; "
                    + "bucket name \"Moka-prod-data-111111111111\" must be lower-case letters, digits, '-' and '.', starting and ending with a letter or digit; shorten args.baseName",
            },
        ];
        for (const c of cases) {
            it(`throws: ${c.title}`, async () => {
                await assert.rejects(run(args(c.a)), { message: c.message });
            });
        }
    });
});
