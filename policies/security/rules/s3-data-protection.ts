/**
 * s3-bucket-data-protection (advisory, one stack policy for three controls so the stack is deserialized
 * once): every bucket
 *   - tls-only: has a bucket policy (a BucketPolicy or the bucket's inline `policy`) with a Deny for
 *     any principal on requests where aws:SecureTransport is "false";
 *   - sse-kms: encrypts by default with SSE-KMS (sseAlgorithm aws:kms or aws:kms:dsse) through a
 *     BucketServerSideEncryptionConfiguration(V2) or the inline configuration. S3 always encrypts new
 *     objects (SSE-S3 since Jan 2023), so this is about key control and audit, hence advisory;
 *   - access-logging: has server access logging (a BucketLogging(V2) or the inline `logging`/`loggings`).
 * A bucket that receives server access logs is exempt from sse-kms and access-logging: S3 delivers access
 * logs only to buckets encrypted with SSE-S3, and logging the log bucket would loop.
 *
 * Linking attachments to buckets and the unknown discipline follow s3-bucket-public-access-block
 * (lib/s3.ts): known evidence is judged now; a control whose attachment may belong to any bucket (or to a
 * bucket whose name is unknown) is left to the real deploy-time values and raises the preview advisory.
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { containsUnknown, isUnknownValue, peek, UnknownTracker } from "../../lib/known";
import { asArray, configValue, isRecord } from "../../lib/props";
import { listText } from "../../lib/text";
import { awsFsbp, URLS } from "../common";
import { BUCKET_LOGGING_TYPES, BUCKET_POLICY_TYPE, BUCKET_SSE_TYPES, BUCKET_TYPES } from "../lib/aws";
import { grantsAction, parsePolicyDocument } from "../lib/iam";
import { BucketIndex, indexBuckets, knownString, linkAttachment, StackResource } from "../lib/s3";

const CONTROLS = ["tls-only", "sse-kms", "access-logging"] as const;
type Control = (typeof CONTROLS)[number];
type Evidence = "ok" | "unknown" | "missing";

const isControlList = (v: unknown): v is Control[] => Array.isArray(v) && v.every((x) => (CONTROLS as readonly string[]).includes(x as string));

/** ok beats unknown beats missing. */
function better(a: Evidence | undefined, b: Evidence): Evidence {
    const rank = (e: Evidence | undefined) => (e === "ok" ? 2 : e === "unknown" ? 1 : 0);
    return rank(b) > rank(a) ? b : a ?? b;
}

/** A raw policy document (string or object) holds a Deny-insecure-transport statement; unknown when it may. */
function tlsDeny(doc: unknown): Evidence {
    if (doc === undefined || doc === null) {
        return "missing";
    }
    if (isUnknownValue(doc)) {
        return "unknown";
    }
    const parsed = parsePolicyDocument(doc);
    const found = (parsed?.statements ?? []).some((s) =>
        s.effect.trim().toLowerCase() === "deny"
        && (s.principal?.wildcard ?? false)
        && grantsAction(s, "s3:GetObject")
        && Object.entries(s.conditions).some(([op, keys]) => /^Bool(IfExists)?$/i.test(op.trim())
            && Object.entries(keys).some(([k, v]) => k.trim().toLowerCase() === "aws:securetransport" && v.some((x) => x.trim().toLowerCase() === "false"))));
    return found ? "ok" : containsUnknown(doc) ? "unknown" : "missing";
}

/** Every sseAlgorithm value under a (raw) encryption configuration, at any depth. */
function sseAlgorithms(v: unknown, out: string[] = [], depth = 8): string[] {
    if (depth <= 0 || typeof v !== "object" || v === null) {
        return out;
    }
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        if (k === "sseAlgorithm" && typeof x === "string") {
            out.push(x);
        } else {
            sseAlgorithms(x, out, depth - 1);
        }
    }
    return out;
}

function sseKms(config: unknown): Evidence {
    if (config === undefined || config === null) {
        return "missing";
    }
    const algorithms = sseAlgorithms(config);
    if (algorithms.some((a) => !isUnknownValue(a) && /^aws:kms(:dsse)?$/i.test(a.trim()))) {
        return "ok";
    }
    return containsUnknown(config) ? "unknown" : "missing";
}

/** Inline logging of a Bucket (`logging`, one object) or BucketV2 (`loggings`, a list). */
function inlineLogging(props: Record<string, unknown>): { evidence: Evidence; targets: unknown[] } {
    const raw = [peek(props, "logging"), peek(props, "loggings")];
    if (raw.some(isUnknownValue)) {
        return { evidence: "unknown", targets: [] };
    }
    const entries = raw.flatMap((v) => asArray(v)).filter(isRecord);
    return { evidence: entries.length > 0 ? "ok" : "missing", targets: entries.map((e) => peek(e, "targetBucket")) };
}

interface Judged {
    readonly evidence: Map<string, Map<Control, Evidence>>;
    /** Controls whose attachments may belong to any bucket (unknown key, no dependency). */
    readonly ambiguous: Set<Control>;
    /** Controls with an attachment naming a literal bucket: unknown-named buckets may be its. */
    readonly literal: Set<Control>;
    /** Buckets receiving access logs, and whether an unknown target may make any bucket one. */
    readonly logTargets: Set<string>;
    logTargetsAmbiguous: boolean;
    logTargetsLiteral: boolean;
}

function judge(resources: readonly StackResource[], index: BucketIndex, tracker: UnknownTracker): Judged {
    const j: Judged = { evidence: new Map(), ambiguous: new Set(), literal: new Set(), logTargets: new Set(), logTargetsAmbiguous: false, logTargetsLiteral: false };
    const add = (urns: Iterable<string>, control: Control, e: Evidence) => {
        for (const urn of urns) {
            const m = j.evidence.get(urn) ?? j.evidence.set(urn, new Map()).get(urn)!;
            m.set(control, better(m.get(control), e));
        }
    };
    /** Evidence from a bucket's own property `key`; an unknown is noted for the preview advisory. */
    const inline = (r: StackResource, control: Control, e: Evidence, key: string) => {
        if (e === "unknown") {
            tracker.note(r.props, key);
        }
        add([r.urn], control, e);
    };
    /** Evidence from an attachment resource whose `bucket` says which bucket it configures. */
    const attach = (r: StackResource, control: Control, e: Evidence, key?: string) => {
        const link = linkAttachment(index, r, "bucket");
        if (link.unknownTarget) {
            j.ambiguous.add(control);
            tracker.note(r.props, "bucket");
        }
        if (link.literalName) {
            j.literal.add(control);
        }
        if (e === "unknown" && key !== undefined && link.linked.size > 0) {
            tracker.note(r.props, key);
        }
        add(link.linked, control, e);
    };
    /** A bucket named as access-log destination (BucketLogging.targetBucket or inline logging targetBucket). */
    const logTarget = (linked: Iterable<string>, unknown: boolean, literal: boolean) => {
        for (const u of linked) {
            j.logTargets.add(u);
        }
        j.logTargetsAmbiguous ||= unknown;
        j.logTargetsLiteral ||= literal;
    };
    for (const r of resources) {
        if (r.type === BUCKET_POLICY_TYPE) {
            attach(r, "tls-only", tlsDeny(peek(r.props, "policy")), "policy");
        } else if (BUCKET_SSE_TYPES.has(r.type)) {
            const key = peek(r.props, "rules") !== undefined ? "rules" : "rule";
            attach(r, "sse-kms", sseKms(peek(r.props, key)), key);
        } else if (BUCKET_LOGGING_TYPES.has(r.type)) {
            attach(r, "access-logging", "ok");
            const link = linkAttachment(index, r, "targetBucket");
            if (link.unknownTarget) {
                tracker.note(r.props, "targetBucket");
            }
            logTarget(link.linked, link.unknownTarget, link.literalName);
        } else if (BUCKET_TYPES.has(r.type)) {
            const sseKey = peek(r.props, "serverSideEncryptionConfiguration") !== undefined ? "serverSideEncryptionConfiguration" : "serverSideEncryptionConfigurations";
            inline(r, "tls-only", tlsDeny(peek(r.props, "policy")), "policy");
            inline(r, "sse-kms", sseKms(peek(r.props, sseKey)), sseKey);
            const logging = inlineLogging(r.props);
            inline(r, "access-logging", logging.evidence, peek(r.props, "logging") !== undefined ? "logging" : "loggings");
            for (const t of logging.targets) {
                const name = knownString(t)?.replace(/^arn:aws[a-z-]*:s3:::/, "");
                if (isUnknownValue(t)) {
                    tracker.note(r.props, peek(r.props, "logging") !== undefined ? "logging" : "loggings");
                }
                logTarget(name !== undefined ? index.byName.get(name) ?? [] : [], isUnknownValue(t), name !== undefined);
            }
        }
    }
    return j;
}

const RISK: Readonly<Record<Control, string>> = {
    "tls-only": "clients may read and write it over plain HTTP",
    "sse-kms": "its objects are encrypted only with S3-managed keys that no key policy restricts and no KMS log audits",
    "access-logging": "nothing records who read or changed its objects",
};

const REMEDY: Readonly<Record<Control, string>> = {
    "tls-only": 'a bucket policy statement denying "s3:*" to Principal "*" when aws:SecureTransport is "false"',
    "sse-kms": 'default encryption with a KMS key (BucketServerSideEncryptionConfiguration, sseAlgorithm "aws:kms")',
    "access-logging": "server access logging into a separate log bucket (aws.s3.BucketLogging)",
};

export const s3BucketDataProtection: StackValidationPolicy = {
    name: "s3-bucket-data-protection",
    description: "Checks that every S3 bucket denies non-TLS requests, encrypts by default with SSE-KMS and has server access logging (log buckets are exempt from the last two).",
    enforcementLevel: "advisory",
    severity: "medium",
    tags: ["s3", "data", "encryption", "logging"],
    url: URLS.s3DataProtection,
    framework: awsFsbp("S3.5", "S3 general purpose buckets should require requests to use SSL"),
    remediationSteps:
        'Add a BucketPolicy denying "s3:*" to "*" when aws:SecureTransport is "false"; a BucketServerSideEncryptionConfiguration with ' +
        'sseAlgorithm "aws:kms" and a customer-managed key; and a BucketLogging into a dedicated log bucket (SSE-S3 encrypted).',
    configSchema: {
        properties: {
            requiredControls: {
                type: "array",
                items: { type: "string", enum: [...CONTROLS] },
                default: [...CONTROLS],
                description: "Controls every bucket must have: tls-only, sse-kms, access-logging.",
            },
        },
    },
    validateStack: (args, reportViolation) => {
        const required = configValue(args.getConfig(), "requiredControls", [...CONTROLS], isControlList);
        const index = indexBuckets(args.resources);
        if (index.buckets.size === 0 || required.length === 0) {
            return;
        }
        const tracker = new UnknownTracker();
        const j = judge(args.resources, index, tracker);
        for (const b of index.buckets.values()) {
            const unknownNamed = index.unknownNamed.has(b.urn);
            const isLogTarget = j.logTargets.has(b.urn);
            const missing: Control[] = [];
            for (const control of required) {
                if (isLogTarget && control !== "tls-only") {
                    continue;
                }
                if ((j.evidence.get(b.urn)?.get(control) ?? "missing") !== "missing") {
                    continue;
                }
                if (j.ambiguous.has(control) || (j.logTargetsAmbiguous && control !== "tls-only")) {
                    continue; // an attachment whose bucket is unknown may be this bucket's (or make it a log bucket): noted above
                }
                if (unknownNamed && (j.literal.has(control) || (j.logTargetsLiteral && control !== "tls-only"))) {
                    // Its name is unknown and an attachment names a bucket literally: that one may be this bucket's.
                    tracker.note(b.props, ["bucket", "id", "arn"].find((k) => isUnknownValue(peek(b.props, k))) ?? "bucket");
                    continue;
                }
                missing.push(control);
            }
            if (missing.length > 0) {
                reportViolation(
                    `S3 bucket "${b.label}" lacks ${listText(missing.map((c) => REMEDY[c]))}: ${missing.map((c) => RISK[c]).join("; ")}. ` +
                        `Add ${missing.length > 1 ? "them" : "it"}.`,
                    b.urn,
                );
            }
        }
        tracker.rethrow();
    },
};
