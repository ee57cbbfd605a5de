/**
 * Which S3 bucket a bucket-scoped resource (public access block, bucket policy, encryption or logging
 * configuration) belongs to, as a stack policy can tell from raw properties. For stack policies only:
 * everything is read with `peek` (no unknown-checking proxy) and unknowns are noted on the caller's
 * UnknownTracker, so one unknown never hides the verdicts on other buckets.
 *
 * A bucket is known by its physical name (`bucket`, `id`, or the resource part of `arn`) and, where no
 * physical name collides, by its Pulumi logical name. An attachment links to a bucket through the
 * engine's property dependency on the key (`bucket`, `targetBucket`) or by naming it (a name or a bucket
 * ARN). Two kinds of doubt are reported rather than guessed:
 *   - `unknownTarget`: the key is unknown and no dependency says which bucket: it may be any bucket;
 *   - `literalName`: the key names a bucket by a literal that is not the name of the bucket it depends
 *     on: it may be one of the buckets whose own name is unknown (`unknownNamed`).
 *
 * Pack-private to the security pack. Exported API (stable):
 *   interface BucketInfo { urn, label, props }, interface BucketIndex, interface AttachmentLink,
 *   indexBuckets(resources), linkAttachment(index, resource, key), knownString(v)
 */
import { isUnknownValue, peek } from "../../lib/known";
import { asString } from "../../lib/props";
import { BUCKET_TYPES, parseArn } from "./aws";

/** The parts of a stack-policy resource the linker reads. */
export interface StackResource {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly props: Record<string, unknown>;
    readonly propertyDependencies?: Readonly<Record<string, readonly { urn: string }[]>>;
}

export interface BucketInfo {
    readonly urn: string;
    /** Physical name when known, else the logical name: never an unknown sentinel. */
    readonly label: string;
    readonly props: Record<string, unknown>;
}

export interface BucketIndex {
    readonly buckets: ReadonlyMap<string, BucketInfo>;
    /** Bucket name (physical, else logical) → URNs of the buckets carrying it. */
    readonly byName: ReadonlyMap<string, ReadonlySet<string>>;
    /** Buckets with no known physical name and an unknown one: an attachment naming a literal may be theirs. */
    readonly unknownNamed: ReadonlyMap<string, BucketInfo>;
    /** Buckets whose physical name (bucket, id or ARN) is known. */
    readonly physicallyNamed: ReadonlySet<string>;
}

export interface AttachmentLink {
    /** Buckets the attachment belongs to. */
    readonly linked: ReadonlySet<string>;
    /** The key is a preview-unknown with no dependency: the attachment may belong to any bucket. */
    readonly unknownTarget: boolean;
    /** The key names a bucket by a literal other than its dependency's: it may be an unknown-named bucket's. */
    readonly literalName: boolean;
}

/** A known, non-empty, trimmed string (never an unknown sentinel). */
export function knownString(v: unknown): string | undefined {
    const s = asString(v);
    return s !== undefined && !isUnknownValue(s) && s.trim() !== "" ? s.trim() : undefined;
}

function addName(map: Map<string, Set<string>>, name: string, urn: string): void {
    (map.get(name) ?? map.set(name, new Set()).get(name)!).add(urn);
}

/** Every bucket of the stack with the names attachments may use for it. */
export function indexBuckets(resources: readonly StackResource[]): BucketIndex {
    const buckets = new Map<string, BucketInfo>();
    const byName = new Map<string, Set<string>>();
    const unknownNamed = new Map<string, BucketInfo>();
    const physicallyNamed = new Set<string>();
    const logical: [string, string][] = [];
    for (const r of resources) {
        if (!BUCKET_TYPES.has(r.type)) {
            continue;
        }
        const raw = [peek(r.props, "bucket"), peek(r.props, "id"), peek(r.props, "arn")];
        const names = [knownString(raw[0]), knownString(raw[1]), parseArn(knownString(raw[2]))?.resource];
        const info: BucketInfo = { urn: r.urn, label: names.find((n) => n !== undefined) ?? r.name, props: r.props };
        buckets.set(r.urn, info);
        for (const n of names) {
            if (n !== undefined) {
                addName(byName, n, r.urn);
                physicallyNamed.add(r.urn);
            }
        }
        if (names.every((n) => n === undefined) && raw.some(isUnknownValue)) {
            unknownNamed.set(r.urn, info);
        }
        logical.push([r.name, r.urn]);
    }
    // Logical (Pulumi) names link only where no physical bucket name is the same string.
    const physical = new Set(byName.keys());
    for (const [name, urn] of logical) {
        if (!physical.has(name)) {
            addName(byName, name, urn);
        }
    }
    return { buckets, byName, unknownNamed, physicallyNamed };
}

/** The buckets an attachment's `key` (e.g. "bucket", "targetBucket") points at. */
export function linkAttachment(index: BucketIndex, r: StackResource, key: string): AttachmentLink {
    const linked = new Set<string>();
    for (const dep of r.propertyDependencies?.[key] ?? []) {
        if (index.buckets.has(dep.urn)) {
            linked.add(dep.urn);
        }
    }
    const target = peek(r.props, key);
    if (isUnknownValue(target)) {
        // The value derives from its dependencies. When one of them shows no physical name, the known value
        // could equal another bucket's name (which a literal links by name, below), so it may be any bucket's.
        const nameless = [...linked].some((u) => !index.physicallyNamed.has(u));
        return { linked, unknownTarget: linked.size === 0 || nameless, literalName: false };
    }
    const name = knownString(target)?.replace(/^arn:aws[a-z-]*:s3:::/, "");
    const named = name !== undefined ? index.byName.get(name) ?? new Set<string>() : new Set<string>();
    const literalName = name !== undefined && ![...linked].some((u) => named.has(u) || index.unknownNamed.has(u));
    for (const urn of named) {
        linked.add(urn);
    }
    return { linked, unknownTarget: false, literalName };
}
