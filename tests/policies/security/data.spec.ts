import { TestResource, UNKNOWN } from "../../helpers/policy";
import { cloudwatchLogGroupKmsEncrypted, ecrImmutableTags, ecrScanOnPush, kmsKeyRotation, kmsNoLockoutBypass, sqsSseEnabled } from "../../../policies/security/rules/data";
import { expectClean, expectUnknownAdvisory, expectViolation, mutate } from "./support";

const key = (): TestResource => ({
    type: "aws:kms/key:Key",
    props: { description: "moka-prod data", enableKeyRotation: true, deletionWindowInDays: 30, tags: { team: "platform" } },
});
const queue = (): TestResource => ({ type: "aws:sqs/queue:Queue", props: { name: "moka-prod-interruption", messageRetentionSeconds: 300 } });
const repo = (): TestResource => ({
    type: "aws:ecr/repository:Repository",
    props: { name: "moka/spark", imageTagMutability: "IMMUTABLE", imageScanningConfiguration: { scanOnPush: true }, encryptionConfigurations: [{ encryptionType: "KMS" }] },
});

describe("security: data rules", () => {
    describe("kms-key-rotation", () => {
        it("passes a rotating symmetric key", async () => {
            await expectClean(kmsKeyRotation, key());
        });
        it("flags rotation off and rotation absent (default off)", async () => {
            await expectViolation(kmsKeyRotation, mutate(key(), (d) => (d.props.enableKeyRotation = false)), /does not rotate/);
            await expectViolation(kmsKeyRotation, mutate(key(), (d) => delete d.props.enableKeyRotation), /does not rotate/);
        });
        it("flags an explicit SYMMETRIC_DEFAULT / ENCRYPT_DECRYPT key without rotation", async () => {
            await expectViolation(kmsKeyRotation, mutate(key(), (d) => Object.assign(d.props, { enableKeyRotation: false, customerMasterKeySpec: "SYMMETRIC_DEFAULT", keyUsage: "ENCRYPT_DECRYPT" })), /rotate/);
        });
        it("treats asymmetric, HMAC and custom-key-store keys as not applicable", async () => {
            for (const extra of [
                { customerMasterKeySpec: "RSA_2048", keyUsage: "SIGN_VERIFY" },
                { customerMasterKeySpec: "ECC_NIST_P256", keyUsage: "SIGN_VERIFY" },
                { customerMasterKeySpec: "HMAC_256", keyUsage: "GENERATE_VERIFY_MAC" },
                { customKeyStoreId: "cks-1234" },
            ]) {
                await expectClean(kmsKeyRotation, mutate(key(), (d) => Object.assign(d.props, { enableKeyRotation: false }, extra)));
            }
        });
        it("turns an unknown rotation flag into an advisory", async () => {
            await expectUnknownAdvisory(kmsKeyRotation, mutate(key(), (d) => (d.props.enableKeyRotation = UNKNOWN)));
        });
    });

    describe("sqs-sse-enabled", () => {
        it("passes the default (SSE-SQS on when unset), explicit SSE-SQS and SSE-KMS", async () => {
            await expectClean(sqsSseEnabled, queue());
            await expectClean(sqsSseEnabled, mutate(queue(), (d) => (d.props.sqsManagedSseEnabled = true)));
            await expectClean(sqsSseEnabled, mutate(queue(), (d) => Object.assign(d.props, { sqsManagedSseEnabled: false, kmsMasterKeyId: "alias/aws/sqs" })));
        });
        it("flags SSE explicitly off without a KMS key", async () => {
            await expectViolation(sqsSseEnabled, mutate(queue(), (d) => (d.props.sqsManagedSseEnabled = false)), /unencrypted: sqsManagedSseEnabled is false/);
            await expectViolation(sqsSseEnabled, mutate(queue(), (d) => Object.assign(d.props, { sqsManagedSseEnabled: "false", kmsMasterKeyId: "" })), /unencrypted/);
        });
        it("turns an unknown flag into an advisory", async () => {
            await expectUnknownAdvisory(sqsSseEnabled, mutate(queue(), (d) => (d.props.sqsManagedSseEnabled = UNKNOWN)));
        });
    });

    describe("ecr-scan-on-push", () => {
        it("passes scanOnPush: true", async () => {
            await expectClean(ecrScanOnPush, repo());
        });
        it("flags scanOnPush false and absent configuration (default off)", async () => {
            await expectViolation(ecrScanOnPush, mutate(repo(), (d) => (d.props.imageScanningConfiguration.scanOnPush = false)), /does not scan images on push/);
            await expectViolation(ecrScanOnPush, mutate(repo(), (d) => delete d.props.imageScanningConfiguration), /does not scan/);
            await expectViolation(ecrScanOnPush, mutate(repo(), (d) => (d.props.imageScanningConfiguration = null)), /does not scan/);
        });
        it("accepts the list form", async () => {
            await expectClean(ecrScanOnPush, mutate(repo(), (d) => (d.props.imageScanningConfiguration = [{ scanOnPush: true }])));
        });
        it("turns an unknown flag into an advisory", async () => {
            await expectUnknownAdvisory(ecrScanOnPush, mutate(repo(), (d) => (d.props.imageScanningConfiguration.scanOnPush = UNKNOWN)));
        });
    });

    describe("ecr-immutable-tags", () => {
        const withExclusions = (...filters: unknown[]) => mutate(repo(), (d) => {
            d.props.imageTagMutability = "IMMUTABLE_WITH_EXCLUSION";
            d.props.imageTagMutabilityExclusionFilters = filters.map((filter) => ({ filterType: "WILDCARD", filter }));
        });
        it("passes IMMUTABLE, and IMMUTABLE_WITH_EXCLUSION with narrow filters (the platform's exact build tag, a prefix)", async () => {
            await expectClean(ecrImmutableTags, repo());
            await expectClean(ecrImmutableTags, mutate(repo(), (d) => (d.props.imageTagMutability = "IMMUTABLE_WITH_EXCLUSION")));
            await expectClean(ecrImmutableTags, withExclusions("4.1.2-r2"));
            await expectClean(ecrImmutableTags, withExclusions("dev-*", "latest"));
        });
        it("flags an exclusion filter that matches every tag (effectively MUTABLE)", async () => {
            await expectViolation(ecrImmutableTags, withExclusions("4.1.2-r2", "*"), /IMMUTABLE_WITH_EXCLUSION, but its exclusion filter "\*" matches every tag, so every tag can be silently overwritten/);
            await expectViolation(ecrImmutableTags, withExclusions("**"), /exclusion filter "\*\*" matches every tag/);
        });
        it("an unknown exclusion filter list is an advisory", async () => {
            await expectUnknownAdvisory(ecrImmutableTags, mutate(withExclusions("x"), (d) => (d.props.imageTagMutabilityExclusionFilters = UNKNOWN)));
        });
        it("flags MUTABLE, MUTABLE_WITH_EXCLUSION and the MUTABLE default", async () => {
            await expectViolation(ecrImmutableTags, mutate(repo(), (d) => (d.props.imageTagMutability = "MUTABLE")), /tags are MUTABLE\. /);
            await expectViolation(ecrImmutableTags, mutate(repo(), (d) => (d.props.imageTagMutability = "MUTABLE_WITH_EXCLUSION")), /MUTABLE_WITH_EXCLUSION/);
            await expectViolation(ecrImmutableTags, mutate(repo(), (d) => delete d.props.imageTagMutability), /MUTABLE \(imageTagMutability is not set/);
        });
        it("honours allowedTagMutability", async () => {
            await expectClean(ecrImmutableTags, mutate(repo(), (d) => (d.props.imageTagMutability = "MUTABLE")), { allowedTagMutability: ["MUTABLE"] });
        });
        it("turns an unknown value into an advisory", async () => {
            await expectUnknownAdvisory(ecrImmutableTags, mutate(repo(), (d) => (d.props.imageTagMutability = UNKNOWN)));
        });
    });

    describe("kms-no-lockout-bypass (issue 12)", () => {
        it("flags bypassPolicyLockoutSafetyCheck: true (boolean or provider string)", async () => {
            await expectViolation(kmsNoLockoutBypass, mutate(key(), (d) => (d.props.bypassPolicyLockoutSafetyCheck = true)), /^[^]*sets bypassPolicyLockoutSafetyCheck: true, so KMS accepts a key policy that locks every principal/);
            await expectViolation(kmsNoLockoutBypass, mutate(key(), (d) => (d.props.bypassPolicyLockoutSafetyCheck = "true")), /only AWS Support can restore access/);
        });
        it("passes false, absent (the default) and odd values, and ignores other types", async () => {
            await expectClean(kmsNoLockoutBypass, key());
            for (const v of [false, "false", "yes", 1, null, {}]) {
                await expectClean(kmsNoLockoutBypass, mutate(key(), (d) => (d.props.bypassPolicyLockoutSafetyCheck = v)));
            }
            await expectClean(kmsNoLockoutBypass, { type: "aws:kms/replicaKey:ReplicaKey", props: { bypassPolicyLockoutSafetyCheck: true } });
        });
        it("turns an unknown value into an advisory", async () => {
            await expectUnknownAdvisory(kmsNoLockoutBypass, mutate(key(), (d) => (d.props.bypassPolicyLockoutSafetyCheck = UNKNOWN)));
        });
    });

    describe("cloudwatch-log-group-kms-encrypted (advisory, issue 12)", () => {
        const logGroup = (extra: Record<string, unknown> = {}): TestResource => ({ type: "aws:cloudwatch/logGroup:LogGroup", props: { name: "/moka/fluent-bit", retentionInDays: 90, ...extra } });
        it("flags a log group without kmsKeyId", async () => {
            await expectViolation(cloudwatchLogGroupKmsEncrypted, logGroup(), /^[^]*This CloudWatch log group has no kmsKeyId, so its logs are encrypted only with an AWS owned key/, { level: "advisory" });
            for (const kmsKeyId of ["", "  ", 7, null]) {
                await expectViolation(cloudwatchLogGroupKmsEncrypted, logGroup({ kmsKeyId }), /no kmsKeyId/, { level: "advisory" });
            }
        });
        it("passes a KMS key and ignores other types", async () => {
            await expectClean(cloudwatchLogGroupKmsEncrypted, logGroup({ kmsKeyId: "arn:aws:kms:us-west-2:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab" }));
            await expectClean(cloudwatchLogGroupKmsEncrypted, { type: "aws:cloudwatch/logStream:LogStream", props: { logGroupName: "x" } });
        });
        it("turns an unknown key into an advisory", async () => {
            await expectUnknownAdvisory(cloudwatchLogGroupKmsEncrypted, logGroup({ kmsKeyId: UNKNOWN }));
        });
    });
});
