/**
 * Data-at-rest and artifact rules: KMS key rotation, SQS server-side encryption, ECR scanning and
 * tag immutability. Defaults matter: SQS queues get SSE-SQS when `sqsManagedSseEnabled` is absent
 * (not flagged); ECR repositories default to MUTABLE tags and no scan on push (flagged); KMS keys
 * default to no rotation (flagged), and asymmetric, HMAC and custom-key-store keys cannot rotate
 * (not applicable). Also: KMS keys must not skip the key-policy lockout safety check, and CloudWatch log
 * groups should encrypt with a KMS key (advisory: CloudWatch Logs always encrypts at rest with an AWS
 * owned key; a customer-managed key adds key-policy control and an audit trail of decryption).
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { cisEks } from "../../lib/frameworks";
import { asArray, asBool, asString, configValue, get, isStringArray } from "../../lib/props";
import { awsFsbp, URLS } from "../common";
import { ECR_REPOSITORY_TYPE, KMS_KEY_TYPE, LOG_GROUP_TYPE, SQS_QUEUE_TYPE } from "../lib/aws";

function nonEmpty(v: unknown): boolean {
    const s = asString(v);
    return s !== undefined && s.trim() !== "";
}

export const kmsKeyRotation: ResourceValidationPolicy = {
    name: "kms-key-rotation",
    description: "Checks that symmetric KMS keys have automatic key rotation enabled.",
    enforcementLevel: "mandatory",
    severity: "medium",
    tags: ["kms", "encryption", "data"],
    url: URLS.kmsRotation,
    framework: awsFsbp("KMS.4", "AWS KMS key rotation should be enabled"),
    remediationSteps: "Set enableKeyRotation: true on the aws.kms.Key (optionally rotationPeriodInDays).",
    validateResource: (args, reportViolation) => {
        if (args.type !== KMS_KEY_TYPE) {
            return;
        }
        const spec = (asString(args.props.customerMasterKeySpec) ?? asString(args.props.keySpec))?.trim().toUpperCase() || "SYMMETRIC_DEFAULT";
        const usage = asString(args.props.keyUsage)?.trim().toUpperCase() || "ENCRYPT_DECRYPT";
        if (spec !== "SYMMETRIC_DEFAULT" || usage !== "ENCRYPT_DECRYPT") {
            args.notApplicable(`automatic rotation is not supported for ${spec} keys with usage ${usage}`);
        }
        if (nonEmpty(args.props.customKeyStoreId) || nonEmpty(args.props.xksKeyId)) {
            args.notApplicable("automatic rotation is not supported for keys in a custom key store");
        }
        if (asBool(args.props.enableKeyRotation) !== true) {
            reportViolation(
                "This KMS key does not rotate its key material (enableKeyRotation is not true; the default is false). Long-lived key " +
                    "material widens the impact of a compromise and fails common compliance controls. Set enableKeyRotation: true.",
            );
        }
    },
};

export const kmsNoLockoutBypass: ResourceValidationPolicy = {
    name: "kms-no-lockout-bypass",
    description: "Checks that no KMS key skips the key-policy lockout safety check (bypassPolicyLockoutSafetyCheck: true).",
    enforcementLevel: "mandatory",
    severity: "high",
    tags: ["kms", "encryption", "data"],
    url: URLS.kmsKeyPolicy,
    remediationSteps:
        "Remove bypassPolicyLockoutSafetyCheck (it defaults to false) and make sure the key policy lets the account's administrators " +
        "(the account root principal, delegating to IAM) manage the key.",
    validateResource: (args, reportViolation) => {
        if (args.type !== KMS_KEY_TYPE) {
            return;
        }
        if (asBool(args.props.bypassPolicyLockoutSafetyCheck) === true) {
            reportViolation(
                "This KMS key sets bypassPolicyLockoutSafetyCheck: true, so KMS accepts a key policy that locks every principal (the " +
                    "account's administrators included) out of managing the key. Once that happens only AWS Support can restore access, and " +
                    "the data encrypted under the key may stay unreadable. Remove the flag.",
            );
        }
    },
};

export const sqsSseEnabled: ResourceValidationPolicy = {
    name: "sqs-sse-enabled",
    description: "Checks that no SQS queue turns server-side encryption off (sqsManagedSseEnabled: false without a KMS key).",
    enforcementLevel: "mandatory",
    severity: "medium",
    tags: ["sqs", "encryption", "data"],
    url: URLS.sqsSse,
    framework: awsFsbp("SQS.1", "Amazon SQS queues should be encrypted at rest"),
    remediationSteps: "Remove sqsManagedSseEnabled: false (SSE-SQS is the default) or set kmsMasterKeyId to a KMS key.",
    validateResource: (args, reportViolation) => {
        if (args.type !== SQS_QUEUE_TYPE) {
            return;
        }
        if (asBool(args.props.sqsManagedSseEnabled) === false && !nonEmpty(args.props.kmsMasterKeyId)) {
            reportViolation(
                "This SQS queue stores messages unencrypted: sqsManagedSseEnabled is false and no kmsMasterKeyId is set. Messages " +
                    "often carry job parameters and identifiers. Remove sqsManagedSseEnabled: false (SSE-SQS is on by default) or set kmsMasterKeyId.",
            );
        }
    },
};

export const ecrScanOnPush: ResourceValidationPolicy = {
    name: "ecr-scan-on-push",
    description: "Checks that ECR repositories scan images for vulnerabilities on push.",
    enforcementLevel: "mandatory",
    severity: "medium",
    tags: ["ecr", "supply-chain", "cis"],
    url: URLS.ecr,
    framework: cisEks("5.1.1", "Ensure Image Vulnerability Scanning using Amazon ECR image scanning or a third party provider"),
    remediationSteps: "Set imageScanningConfiguration: { scanOnPush: true } on the aws.ecr.Repository.",
    validateResource: (args, reportViolation) => {
        if (args.type !== ECR_REPOSITORY_TYPE) {
            return;
        }
        const scan = asArray(args.props.imageScanningConfiguration).some((c) => asBool(get(c, "scanOnPush")) === true);
        if (!scan) {
            reportViolation(
                "This ECR repository does not scan images on push (imageScanningConfiguration.scanOnPush is not true; the default " +
                    "is false). Images with known CVEs then reach the cluster unnoticed. Set imageScanningConfiguration: { scanOnPush: true }.",
            );
        }
    },
};

export const ecrImmutableTags: ResourceValidationPolicy = {
    name: "ecr-immutable-tags",
    description: "Checks that ECR repositories make image tags immutable.",
    enforcementLevel: "mandatory",
    severity: "medium",
    tags: ["ecr", "supply-chain"],
    url: URLS.ecr,
    framework: awsFsbp("ECR.2", "ECR private repositories should have tag immutability configured"),
    remediationSteps: 'Set imageTagMutability: "IMMUTABLE" (or "IMMUTABLE_WITH_EXCLUSION" with narrow exclusion filters: exact tags or prefixes, never a filter of wildcards only).',
    configSchema: {
        properties: {
            allowedTagMutability: {
                type: "array",
                items: { type: "string", enum: ["IMMUTABLE", "IMMUTABLE_WITH_EXCLUSION", "MUTABLE", "MUTABLE_WITH_EXCLUSION"] },
                default: ["IMMUTABLE", "IMMUTABLE_WITH_EXCLUSION"],
                description: "imageTagMutability values accepted.",
            },
        },
    },
    validateResource: (args, reportViolation) => {
        if (args.type !== ECR_REPOSITORY_TYPE) {
            return;
        }
        const allowed = configValue(args.getConfig(), "allowedTagMutability", ["IMMUTABLE", "IMMUTABLE_WITH_EXCLUSION"], isStringArray);
        const explicit = asString(args.props.imageTagMutability)?.trim().toUpperCase();
        const mode = explicit || "MUTABLE";
        if (!allowed.includes(mode)) {
            reportViolation(
                `This ECR repository's tags are ${mode}${explicit ? "" : " (imageTagMutability is not set; the default is MUTABLE)"}. ` +
                    "A pushed tag can be silently overwritten, so a deployment pinned to a tag may run different code. " +
                    'Set imageTagMutability: "IMMUTABLE".',
            );
            return;
        }
        if (mode !== "IMMUTABLE_WITH_EXCLUSION") {
            return;
        }
        // The exclusions are the mutable tags (botocore ecr 2015-09-21: WILDCARD filters, ^[0-9a-zA-Z._*-]{1,128}$).
        // An exact tag or a prefix such as "dev-*" is narrow; a filter of wildcards only matches every tag.
        const broad = asArray(args.props.imageTagMutabilityExclusionFilters)
            .map((f) => asString(get(f, "filter")))
            .filter((f): f is string => f !== undefined && f.replace(/\*/g, "").trim() === "");
        if (broad.length > 0) {
            reportViolation(
                `This ECR repository's tags are IMMUTABLE_WITH_EXCLUSION, but its exclusion filter ${broad.map((f) => `"${f}"`).join(", ")} matches every tag, ` +
                    "so every tag can be silently overwritten and a deployment pinned to a tag may run different code. " +
                    'Exclude only the tags that must move: an exact tag (e.g. the one a build re-pushes) or a prefix such as "dev-*".',
            );
        }
    },
};

export const cloudwatchLogGroupKmsEncrypted: ResourceValidationPolicy = {
    name: "cloudwatch-log-group-kms-encrypted",
    description: "Checks that CloudWatch log groups encrypt their data with a customer-managed KMS key (kmsKeyId).",
    enforcementLevel: "advisory",
    severity: "low",
    tags: ["cloudwatch", "logging", "encryption", "kms"],
    url: URLS.logGroupKms,
    remediationSteps:
        "Set kmsKeyId to a KMS key whose key policy lets logs.<region>.amazonaws.com use it for this log group " +
        "(kms:EncryptionContext:aws:logs:arn condition), as the platform's control-plane log group does.",
    validateResource: (args, reportViolation) => {
        if (args.type !== LOG_GROUP_TYPE) {
            return;
        }
        if (!nonEmpty(args.props.kmsKeyId)) {
            reportViolation(
                "This CloudWatch log group has no kmsKeyId, so its logs are encrypted only with an AWS owned key: anyone with " +
                    "logs:GetLogEvents reads them, with no key policy in between and no KMS audit trail of decryption. Logs often carry " +
                    "request data, identifiers and stack traces. Set kmsKeyId to a customer-managed key.",
            );
        }
    },
};
