/**
 * A plain view of the resources for the deployability analyses, the same whether it comes from a stack
 * policy (`args.resources`, read raw with `peek`, so preview unknowns stay sentinel strings) or from the
 * offline preview's recorded registrations. Links between resources are followed two ways, as in the S3
 * public-access-block rule: by a known ID/name string, and by the property dependency the engine records
 * for the property (the only link while IDs are unknown in a preview).
 */
import { isUnknownValue, peek, rawProps } from "../known";
import { asString, isRecord } from "../props";

export interface ResView {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    /** Raw properties (unknowns are sentinel strings). */
    readonly props: Record<string, unknown>;
    /** Property name → URNs of the resources it depends on. */
    readonly deps: Readonly<Record<string, readonly string[]>>;
    readonly parent?: string;
    /** The resource's provider (raw properties), when the engine sent one. */
    readonly provider?: { readonly type: string; readonly props: Record<string, unknown> };
}

/** Where an analysis needed a value that is unknown at preview (the rule notes it, then raises the advisory). */
export interface UnknownAt {
    readonly urn: string;
    readonly path: readonly (string | number)[];
    /** The path is in the resource's provider inputs, not its own properties. */
    readonly onProvider?: boolean;
}

/** The policy-side shape (a subset of @pulumi/policy's PolicyResource). */
export interface PolicyResourceLike {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly props: unknown;
    readonly parent?: { readonly urn: string };
    readonly propertyDependencies?: Readonly<Record<string, readonly { readonly urn: string }[] | undefined>>;
    readonly provider?: { readonly type: string; readonly props: unknown };
}

/** Views of the resources a stack policy received. */
export function viewsOf(resources: readonly PolicyResourceLike[]): ResView[] {
    return resources.map((r) => {
        const deps: Record<string, string[]> = {};
        for (const [k, v] of Object.entries(r.propertyDependencies ?? {})) {
            deps[k] = (v ?? []).map((d) => d.urn).filter((u): u is string => typeof u === "string");
        }
        const provider = r.provider ? { type: r.provider.type, props: rawProps(r.provider.props) } : undefined;
        return { urn: r.urn, type: r.type, name: r.name, props: rawProps(r.props), deps, parent: r.parent?.urn, provider };
    });
}

/** A known, non-empty string, or undefined (unknown sentinels, other types). */
export function known(v: unknown): string | undefined {
    const s = asString(v);
    return s !== undefined && !isUnknownValue(s) && s.trim() !== "" ? s.trim() : undefined;
}

/** Raw value at a path. */
export function at(props: unknown, ...path: (string | number)[]): unknown {
    let cur: unknown = props;
    for (const k of path) {
        if (isUnknownValue(cur)) {
            return cur;
        }
        cur = peek(cur, k);
    }
    return cur;
}

/**
 * What a property refers to: every known string in it (an ID, a name, a list of IDs) plus the URNs it
 * depends on. Two references meet when the sets intersect.
 */
export function refKeys(r: ResView, prop: string, value: unknown = r.props[prop]): Set<string> {
    const keys = new Set<string>(r.deps[prop] ?? []);
    const add = (v: unknown) => {
        const s = known(v);
        if (s !== undefined) {
            keys.add(s);
        }
    };
    if (Array.isArray(value)) {
        value.forEach(add);
    } else {
        add(value);
    }
    return keys;
}

/** The resource itself: its URN and, when known, its id, name and ARN. */
export function selfKeys(r: ResView): Set<string> {
    const keys = new Set<string>([r.urn]);
    for (const k of ["id", "arn"]) {
        const s = known(r.props[k]);
        if (s !== undefined) {
            keys.add(s);
        }
    }
    return keys;
}

export function intersects(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
    for (const x of a) {
        if (b.has(x)) {
            return true;
        }
    }
    return false;
}

/** True when the value or anything inside it is an unknown sentinel. */
export function hasUnknown(v: unknown, depth = 24): boolean {
    if (isUnknownValue(v)) {
        return true;
    }
    if (depth <= 0 || (!Array.isArray(v) && !isRecord(v))) {
        return false;
    }
    return (Array.isArray(v) ? v : Object.values(v)).some((x) => hasUnknown(x, depth - 1));
}
