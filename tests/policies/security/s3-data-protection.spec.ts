/** s3-bucket-data-protection (issue 12, advisory stack policy): TLS-only deny, SSE-KMS, server access logging, log buckets exempt. */
import { strict as assert } from "assert";
import { TestResource, UNKNOWN } from "../../helpers/policy";
import { s3BucketDataProtection } from "../../../policies/security/rules/s3-data-protection";
import { UNKNOWN_SENTINELS } from "../../../policies/lib/known";
import { check, expectClean, expectUnknownAdvisory, expectViolation, mutate } from "./support";

const urn = (type: string, name: string) => `urn:pulumi:test::moka::${type}::${name}`;
const BUCKET = "aws:s3/bucket:Bucket";
const bucket = (name: string, extra: Record<string, unknown> = {}, type = BUCKET): TestResource => ({ type, name, props: { bucket: `moka-${name}`, ...extra } });
const tlsDeny = (b: string) => ({ Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [`arn:aws:s3:::${b}`, `arn:aws:s3:::${b}/*`], Condition: { Bool: { "aws:SecureTransport": "false" } } });
const doc = (statement: unknown) => ({ Version: "2012-10-17", Statement: statement });

/** Attachments for a bucket, linked by property dependency (target given as an unknown id, as at a first preview) or by name. */
function attachments(name: string, how: "dependency" | "name" = "dependency", logs = "logs"): TestResource[] {
    const target = how === "dependency" ? UNKNOWN : `moka-${name}`;
    const deps = how === "dependency" ? { bucket: [urn(BUCKET, name)] } : undefined;
    return [
        { type: "aws:s3/bucketPolicy:BucketPolicy", name: `${name}-policy`, props: { bucket: target, policy: JSON.stringify(doc(tlsDeny(`moka-${name}`))) }, propertyDependencies: deps },
        { type: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", name: `${name}-sse`, props: { bucket: target, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: "arn:aws:kms:us-west-2:111111111111:key/k" }, bucketKeyEnabled: true }] }, propertyDependencies: deps },
        { type: "aws:s3/bucketLogging:BucketLogging", name: `${name}-logging`, props: { bucket: target, targetBucket: how === "dependency" ? UNKNOWN : `moka-${logs}`, targetPrefix: `${name}/` }, propertyDependencies: how === "dependency" ? { ...deps, targetBucket: [urn(BUCKET, logs)] } : undefined },
    ];
}
/** A log bucket: needs only the TLS-only deny. */
const logBucket = (name = "logs"): TestResource[] => [bucket(name, { policy: doc(tlsDeny(`moka-${name}`)) })];

describe("security: s3-bucket-data-protection", () => {
    it("passes hardened buckets, linked by dependency or by name, with their log bucket exempt from SSE-KMS and logging", async () => {
        await expectClean(s3BucketDataProtection, [bucket("data"), ...attachments("data"), ...logBucket()]);
        await expectClean(s3BucketDataProtection, [bucket("data"), ...attachments("data", "name"), ...logBucket()]);
    });

    it("reports each missing control with its risk, one diagnostic per bucket", async () => {
        const [noPolicy, noSse, noLogging] = [0, 1, 2].map((i) => attachments("data").filter((_, j) => j !== i));
        await expectViolation(s3BucketDataProtection, [bucket("data"), ...noPolicy, ...logBucket()], /^[^]*S3 bucket "moka-data" lacks a bucket policy statement denying "s3:\*" to Principal "\*" when aws:SecureTransport is "false": clients may read and write it over plain HTTP\. Add it\.$/, { level: "advisory" });
        await expectViolation(s3BucketDataProtection, [bucket("data"), ...noSse, ...logBucket()], /lacks default encryption with a KMS key \([^]*\): its objects are encrypted only with S3-managed keys/, { level: "advisory" });
        await expectViolation(s3BucketDataProtection, [bucket("data"), ...noLogging], /lacks server access logging into a separate log bucket \(aws\.s3\.BucketLogging\): nothing records who read or changed its objects\. Add it\.$/, { level: "advisory" });
        const [d] = await expectViolation(s3BucketDataProtection, [bucket("bare")], /"moka-bare" lacks a bucket policy[^]*, default encryption with a KMS key[^]* and server access logging[^]*: clients may[^]*; its objects[^]*; nothing records[^]*\. Add them\.$/, { level: "advisory" });
        assert.equal(d.urn, urn(BUCKET, "bare"));
    });

    it("judges Bucket and BucketV2, the V2 attachment types, and the inline forms", async () => {
        const v2 = "aws:s3/bucketV2:BucketV2";
        await expectClean(s3BucketDataProtection, [
            bucket("a", {}, v2),
            { type: "aws:s3/bucketPolicy:BucketPolicy", props: { bucket: "moka-a", policy: doc([tlsDeny("moka-a")]) } },
            { type: "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2", props: { bucket: "moka-a", rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms:dsse" } }] } },
            { type: "aws:s3/bucketLoggingV2:BucketLoggingV2", props: { bucket: "moka-a", targetBucket: "moka-logs" } },
            bucket("b", {
                policy: JSON.stringify(doc(tlsDeny("moka-b"))),
                serverSideEncryptionConfiguration: { rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } } },
                logging: { targetBucket: "moka-logs", targetPrefix: "b/" },
            }),
            bucket("c", {
                policy: doc(tlsDeny("moka-c")),
                serverSideEncryptionConfigurations: [{ rules: [{ applyServerSideEncryptionByDefault: [{ sseAlgorithm: "aws:kms" }] }] }],
                loggings: [{ targetBucket: "moka-logs" }],
            }, v2),
            ...logBucket(),
        ]);
    });

    it("SSE-S3 (AES256) is not SSE-KMS; only a Deny on SecureTransport \"false\" for every principal is a TLS-only policy", async () => {
        const withPolicy = (statement: unknown) => [bucket("d", { serverSideEncryptionConfiguration: { rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } } }, logging: { targetBucket: "moka-logs" }, policy: doc(statement) }), ...logBucket()];
        await expectViolation(s3BucketDataProtection, withPolicy(tlsDeny("moka-d")), /lacks default encryption with a KMS key[^]*Add it\.$/, { level: "advisory" });
        for (const st of [
            { ...tlsDeny("moka-d"), Effect: "Allow" },
            { ...tlsDeny("moka-d"), Condition: { Bool: { "aws:SecureTransport": "true" } } },
            { ...tlsDeny("moka-d"), Principal: { AWS: "arn:aws:iam::111111111111:root" } },
            { ...tlsDeny("moka-d"), Action: "s3:PutObject" },
            { ...tlsDeny("moka-d"), Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } } },
        ]) {
            await expectViolation(s3BucketDataProtection, withPolicy(st), /when aws:SecureTransport is "false"/, { level: "advisory" });
        }
        for (const st of [{ ...tlsDeny("moka-d"), Principal: { AWS: "*" }, Action: "*" }, { ...tlsDeny("moka-d"), Condition: { BoolIfExists: { "aws:SecureTransport": "FALSE" } } }]) {
            await expectViolation(s3BucketDataProtection, withPolicy(st), /^[^]*lacks default encryption with a KMS key[^"]*"aws:kms"\): [^;]*\. Add it\.$/, { level: "advisory" });
        }
    });

    it("a bucket receiving access logs (by dependency, by name or inline) needs only the TLS-only deny", async () => {
        await expectViolation(s3BucketDataProtection, [bucket("data"), ...attachments("data"), bucket("logs")], /"moka-logs" lacks a bucket policy statement[^]*plain HTTP\. Add it\.$/, { level: "advisory" });
        await expectClean(s3BucketDataProtection, [bucket("x", { policy: doc(tlsDeny("moka-x")), serverSideEncryptionConfiguration: { rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } } }, logging: { targetBucket: "arn:aws:s3:::moka-logs" } }), ...logBucket()]);
    });

    it("honours requiredControls", async () => {
        await expectClean(s3BucketDataProtection, [bucket("bare")], { requiredControls: [] });
        await expectViolation(s3BucketDataProtection, [bucket("bare")], /lacks server access logging[^]*Add it\.$/, { config: { requiredControls: ["access-logging"] }, level: "advisory" });
    });

    describe("unknowns never accuse a bucket (they raise the preview advisory)", () => {
        it("an attachment whose bucket is unknown and has no dependency may be any bucket's: that control is not judged", async () => {
            const rs = [bucket("data"), ...attachments("data"), ...logBucket()];
            const orphan = mutate(rs, (d) => { d[1].propertyDependencies = undefined; d[1].props.bucket = UNKNOWN; });
            await expectUnknownAdvisory(s3BucketDataProtection, orphan);
            // The other controls are still judged: drop the SSE configuration as well and that is reported.
            const ds = await check(s3BucketDataProtection, orphan.filter((r) => !/sse/.test(r.name ?? "")));
            assert.deepEqual(ds.filter((d) => !d.unknownValue).map((d) => /lacks default encryption with a KMS key/.test(d.message)), [true]);
            assert.ok(ds.some((d) => d.unknownValue));
        });

        it("unknown documents, algorithms and inline blocks are advisories", async () => {
            const rs = () => [bucket("data"), ...attachments("data"), ...logBucket()];
            await expectUnknownAdvisory(s3BucketDataProtection, mutate(rs(), (d) => (d[1].props.policy = UNKNOWN)));
            await expectUnknownAdvisory(s3BucketDataProtection, mutate(rs(), (d) => (d[1].props.policy = doc([{ ...tlsDeny("moka-data"), Effect: UNKNOWN }]))));
            await expectUnknownAdvisory(s3BucketDataProtection, mutate(rs(), (d) => (d[2].props.rules[0].applyServerSideEncryptionByDefault.sseAlgorithm = UNKNOWN)));
            await expectUnknownAdvisory(s3BucketDataProtection, [bucket("data", { policy: UNKNOWN, serverSideEncryptionConfiguration: UNKNOWN, logging: UNKNOWN })]);
        });

        it("an unknown log target (no dependency) may make any bucket a log bucket: SSE-KMS and logging are not judged", async () => {
            const rs = mutate([bucket("data"), ...attachments("data"), bucket("other", { policy: doc(tlsDeny("moka-other")) }), ...logBucket()], (d) => { d[3].propertyDependencies = { bucket: [urn(BUCKET, "data")] }; });
            await expectUnknownAdvisory(s3BucketDataProtection, rs);
        });

        it("an unknown bucket derived from a bucket with no visible physical name may be any bucket's (fuzz seed 77)", async () => {
            // Concrete, the logging names "moka-data" literally, so it is linked to "data" by name besides its dependency
            // on "nameless". Unknown, only the dependency is left, and "nameless" shows no physical name to compare: the
            // logging may still be data's, so data's access logging is not judged (before the fix: "lacks server access logging").
            const loggingOnly = { requiredControls: ["access-logging"] };
            const nameless: TestResource = { type: BUCKET, name: "nameless", props: { bucket: false } };
            const logging = attachments("data", "name")[2];
            const linked: TestResource = { ...logging, propertyDependencies: { bucket: [urn(BUCKET, "nameless")] } };
            await expectClean(s3BucketDataProtection, [bucket("data"), linked, nameless, ...logBucket()], loggingOnly);
            const unknown = mutate([bucket("data"), linked, nameless, ...logBucket()], (d) => (d[1].props.bucket = UNKNOWN));
            const ds = await check(s3BucketDataProtection, unknown, loggingOnly);
            assert.deepEqual(ds.filter((d) => !d.unknownValue).map((d) => d.message), []);
            assert.ok(ds.some((d) => d.unknownValue));
        });

        it("a bucket with an unknown name is not accused while an attachment names a bucket literally, and its label is its logical name", async () => {
            const unnamed = bucket("fresh", { bucket: UNKNOWN });
            await expectUnknownAdvisory(s3BucketDataProtection, [unnamed, ...attachments("data", "name"), ...logBucket()]);
            const [d] = await expectViolation(s3BucketDataProtection, [unnamed], /^[^]*S3 bucket "fresh" lacks/, { level: "advisory" });
            assert.ok(![...UNKNOWN_SENTINELS].some((s) => d.message.includes(s)), d.message);
        });
    });

    it("survives odd shapes", async () => {
        const odd = [
            bucket("o", { policy: "not json", serverSideEncryptionConfiguration: "x", logging: 5, loggings: [null] }),
            { type: "aws:s3/bucketPolicy:BucketPolicy", props: { bucket: 7, policy: { Statement: [null, 1] } } },
            { type: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", props: { bucket: null, rules: "aws:kms" } },
            { type: "aws:s3/bucketLogging:BucketLogging", props: { targetBucket: ["x"] } },
        ];
        await expectViolation(s3BucketDataProtection, odd, /"moka-o" lacks/, { level: "advisory" });
        await expectClean(s3BucketDataProtection, [{ type: "aws:s3/bucketPolicy:BucketPolicy", props: { bucket: "b", policy: "{}" } }]);
    });
});
