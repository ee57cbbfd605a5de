/**
 * S3 public-exposure rules: every bucket (`aws:s3/bucket:Bucket` or the deprecated
 * `aws:s3/bucketV2:BucketV2`) has a BucketPublicAccessBlock with all four flags on, and nothing
 * grants a public canned ACL.
 */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { isUnknownValue, peek, UnknownTracker } from "../../lib/known";
import { asArray, asBool, asString, get } from "../../lib/props";
import { listText } from "../../lib/text";
import { awsFsbp, URLS } from "../common";
import {
    ACCOUNT_PUBLIC_ACCESS_BLOCK_TYPE,
    BUCKET_ACL_TYPES,
    BUCKET_OBJECT_TYPES,
    BUCKET_PUBLIC_ACCESS_BLOCK_TYPE,
    BUCKET_TYPES,
} from "../lib/aws";
import { indexBuckets, linkAttachment } from "../lib/s3";

/** The four BucketPublicAccessBlock / AccountPublicAccessBlock flags; each defaults to false in the provider. */
const PUBLIC_ACCESS_BLOCK_FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const;

type BlockStatus = { kind: "ok" } | { kind: "weak"; name: string; off: string[] } | { kind: "unknown" };

/** Evaluates a (public access block's) four flags from raw values, noting unknowns. */
function blockStatus(name: string, props: Record<string, unknown>, tracker: UnknownTracker): BlockStatus {
    const off: string[] = [];
    let unknown = false;
    for (const flag of PUBLIC_ACCESS_BLOCK_FLAGS) {
        const v = peek(props, flag);
        if (isUnknownValue(v)) {
            tracker.note(props, flag);
            unknown = true;
        } else if (asBool(v) !== true) {
            off.push(flag);
        }
    }
    return off.length > 0 ? { kind: "weak", name, off } : unknown ? { kind: "unknown" } : { kind: "ok" };
}

/** ok beats unknown beats weak: one good block protects the bucket. */
function better(a: BlockStatus | undefined, b: BlockStatus): BlockStatus {
    if (!a) {
        return b;
    }
    const rank = (s: BlockStatus) => (s.kind === "ok" ? 2 : s.kind === "unknown" ? 1 : 0);
    return rank(b) > rank(a) ? b : a;
}

export const s3BucketPublicAccessBlock: StackValidationPolicy = {
    name: "s3-bucket-public-access-block",
    description: "Checks that every S3 bucket in the stack has a BucketPublicAccessBlock with all four block settings enabled.",
    enforcementLevel: "mandatory",
    severity: "critical",
    tags: ["s3", "data", "public-access"],
    url: URLS.s3PublicAccess,
    framework: awsFsbp("S3.8", "S3 general purpose buckets should block public access"),
    remediationSteps:
        "Add an aws.s3.BucketPublicAccessBlock with bucket: <bucket>.id and blockPublicAcls, blockPublicPolicy, ignorePublicAcls, " +
        "restrictPublicBuckets all true (or an aws.s3.AccountPublicAccessBlock with all four true in the stack).",
    validateStack: (args, reportViolation) => {
        const tracker = new UnknownTracker();
        const blocks: (typeof args.resources)[number][] = [];
        let accountBlocked = false;
        let accountUnknown = false;
        for (const r of args.resources) {
            if (r.type === BUCKET_PUBLIC_ACCESS_BLOCK_TYPE) {
                blocks.push(r);
            } else if (r.type === ACCOUNT_PUBLIC_ACCESS_BLOCK_TYPE) {
                const kind = blockStatus(r.name, r.props, tracker).kind;
                accountBlocked ||= kind === "ok";
                accountUnknown ||= kind === "unknown";
            }
        }
        const index = indexBuckets(args.resources);
        if (index.buckets.size === 0 || accountBlocked) {
            return;
        }
        if (accountUnknown) {
            // An account-wide block whose flags are unknown may block everything: judge after preview.
            tracker.rethrow();
            return;
        }
        // True once a block names a bucket by a literal name other than its dependency's: that name may be an unknown-named bucket's.
        let nameLinkedBlock = false;
        const status = new Map<string, BlockStatus>();
        let ambiguous = false;
        for (const pab of blocks) {
            const link = linkAttachment(index, pab, "bucket");
            if (link.unknownTarget) {
                // Cannot tell which bucket this block protects: don't accuse any bucket of lacking one (or of a weak one).
                ambiguous = true;
                tracker.note(pab.props, "bucket");
            }
            nameLinkedBlock ||= link.literalName;
            if (link.linked.size === 0) {
                continue;
            }
            const s = blockStatus(pab.name, pab.props, tracker);
            for (const urn of link.linked) {
                status.set(urn, better(status.get(urn), s));
            }
        }

        for (const b of index.buckets.values()) {
            const s = status.get(b.urn);
            if (s?.kind === "ok" || s?.kind === "unknown") {
                continue;
            }
            if (index.unknownNamed.has(b.urn) && nameLinkedBlock) {
                // Its name is unknown and some block names its bucket by a literal name: that block may be this bucket's.
                tracker.note(b.props, isUnknownValue(peek(b.props, "bucket")) ? "bucket" : isUnknownValue(peek(b.props, "id")) ? "id" : "arn");
                continue;
            }
            if (s?.kind === "weak" && !ambiguous) {
                reportViolation(
                    `S3 bucket "${b.label}" has a public access block ("${s.name}") that leaves ${listText(s.off)} off. Each off flag ` +
                        "lets a public ACL or bucket policy expose the data. Set all four flags to true.",
                    b.urn,
                );
            } else if (!ambiguous) {
                reportViolation(
                    `S3 bucket "${b.label}" has no BucketPublicAccessBlock in this stack. Without it a public ACL or bucket policy ` +
                        "added later (by hand or by another stack) exposes its data to the internet. Add an aws.s3.BucketPublicAccessBlock " +
                        "with bucket: <bucket>.id and all four block settings true.",
                    b.urn,
                );
            }
        }
        tracker.rethrow();
    },
};

export const s3PublicAccessBlockEnabled: ResourceValidationPolicy = {
    name: "s3-public-access-block-enabled",
    description: "Checks that every S3 bucket or account public access block enables all four block settings.",
    enforcementLevel: "mandatory",
    severity: "high",
    tags: ["s3", "data", "public-access"],
    url: URLS.s3PublicAccess,
    framework: awsFsbp("S3.8", "S3 general purpose buckets should block public access"),
    remediationSteps: "Set blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets to true (each defaults to false).",
    validateResource: (args, reportViolation) => {
        if (args.type !== BUCKET_PUBLIC_ACCESS_BLOCK_TYPE && args.type !== ACCOUNT_PUBLIC_ACCESS_BLOCK_TYPE) {
            return;
        }
        const off = PUBLIC_ACCESS_BLOCK_FLAGS.filter((f) => asBool(args.props[f]) !== true);
        if (off.length > 0) {
            const what = args.type === ACCOUNT_PUBLIC_ACCESS_BLOCK_TYPE ? "The account public access block" : "The bucket public access block";
            reportViolation(
                `${what} leaves ${listText(off)} off (absent means false). Public ACLs or bucket policies can then expose objects. ` +
                    "Set all four flags to true.",
            );
        }
    },
};

const PUBLIC_CANNED_ACLS = new Set(["public-read", "public-read-write", "authenticated-read"]);
const PUBLIC_GROUP_URIS = new Set(["http://acs.amazonaws.com/groups/global/AllUsers", "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"]);

function publicGrantUris(grants: unknown, uriPath: string[]): string[] {
    return asArray(grants)
        .map((g) => asString(get(g, ...uriPath))?.trim())
        .filter((u): u is string => u !== undefined && PUBLIC_GROUP_URIS.has(u.replace(/^https:/, "http:")));
}

export const s3NoPublicAcl: ResourceValidationPolicy = {
    name: "s3-no-public-acl",
    description: "Checks that no S3 bucket, bucket ACL or object grants access to AllUsers or AuthenticatedUsers through a canned ACL or grant.",
    enforcementLevel: "mandatory",
    severity: "critical",
    tags: ["s3", "data", "public-access", "acl"],
    url: URLS.s3Acl,
    framework: awsFsbp("S3.2", "S3 general purpose buckets should block public read access"),
    remediationSteps:
        'Remove the acl (or set "private") and any grant to the AllUsers / AuthenticatedUsers groups; keep Object Ownership at ' +
        "BucketOwnerEnforced and share data through IAM or presigned URLs.",
    validateResource: (args, reportViolation) => {
        const isBucket = BUCKET_TYPES.has(args.type);
        const isAcl = BUCKET_ACL_TYPES.has(args.type);
        if (!isBucket && !isAcl && !BUCKET_OBJECT_TYPES.has(args.type)) {
            return;
        }
        const acl = asString(args.props.acl)?.trim().toLowerCase();
        const problems: string[] = [];
        if (acl !== undefined && PUBLIC_CANNED_ACLS.has(acl)) {
            problems.push(`acl "${acl}"`);
        }
        const uris = isBucket
            ? publicGrantUris(args.props.grants, ["uri"])
            : isAcl
              ? publicGrantUris(get(args.props, "accessControlPolicy", "grants"), ["grantee", "uri"])
              : [];
        for (const u of new Set(uris)) {
            problems.push(`a grant to ${u.split("/").pop()}`);
        }
        if (problems.length > 0) {
            reportViolation(
                `This S3 resource makes data public with ${listText(problems)}. Anyone on the internet (or any AWS account) could read ` +
                    'or write it. Remove the public ACL/grant (use "private" with BucketOwnerEnforced ownership).',
            );
        }
    },
};
