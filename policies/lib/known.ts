/**
 * Known/unknown handling for STACK policies.
 *
 * A resource policy reads properties through @pulumi/policy's unknown-checking proxy: the first
 * preview-unknown value throws `UnknownValueError` and the policy becomes one advisory
 * "can't run during preview" diagnostic for that resource. That is right for one resource, but a
 * stack policy that reads thousands of resources would lose every check because of one unknown
 * (for example an image built in the same stack, or a new bucket's id).
 *
 * Stack policies therefore:
 *   1. read properties with `peek` / `peekPath`, which return the raw value (the unknown sentinel
 *      strings included) without tripping the proxy;
 *   2. evaluate and report everything that is known;
 *   3. note each unknown they needed in an `UnknownTracker` and call `rethrow()` LAST, which re-reads
 *      the first noted path through the proxy so the genuine `UnknownValueError` propagates and the
 *      CLI shows its advisory — after the violations already reported (they are kept).
 * No error is ever caught.
 *
 * Exported API (stable; used by the security, cost and isolation packs):
 *   UNKNOWN_SENTINELS, isUnknownValue(v), containsUnknown(v), peek(obj, key), peekPath(obj, ...path), rawProps(props),
 *   class UnknownTracker { note(obj, ...path); get size; rethrow() }
 */
import { get } from "./props";

/** Every sentinel @pulumi/policy uses for a preview-unknown value (the wire format uses the string one). */
export const UNKNOWN_SENTINELS: ReadonlySet<string> = new Set([
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7", // boolean
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421", // number
    "04da6b54-80e4-46f7-96ec-b56ff0331ba9", // string (the wire sentinel)
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2", // array
    "030794c1-ac77-496b-92df-f27374a8bd58", // asset
    "e48ece36-62e2-4504-bad9-02848725956a", // archive
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff", // object
]);

/** True when the (raw) value is a preview-unknown sentinel. */
export function isUnknownValue(v: unknown): boolean {
    return typeof v === "string" && UNKNOWN_SENTINELS.has(v);
}

/** True when the raw value is unknown or holds an unknown anywhere inside (depth-limited). */
export function containsUnknown(v: unknown, depth = 32): boolean {
    if (isUnknownValue(v)) {
        return true;
    }
    if (depth <= 0 || typeof v !== "object" || v === null) {
        return false;
    }
    const values = Array.isArray(v) ? v : Object.values(v as Record<string, unknown>);
    return values.some((x) => containsUnknown(x, depth - 1));
}

/**
 * Reads one own property without triggering the unknown-checking proxy's `get` trap (the proxy only
 * traps `get`; property descriptors come straight from the target). The result is the raw value:
 * nested objects are plain (unproxied) and unknowns are sentinel strings — test with isUnknownValue.
 */
export function peek(obj: unknown, key: string | number): unknown {
    if (typeof obj !== "object" || obj === null) {
        return undefined;
    }
    if (typeof key === "number" && !Array.isArray(obj)) {
        return undefined;
    }
    const d = Object.getOwnPropertyDescriptor(obj, key);
    return d && "value" in d ? d.value : undefined;
}

/**
 * A shallow raw copy of a props object: every top-level value read with `peek`, so the result and
 * everything under it are plain data (unknowns appear as sentinel strings). Feed it to readers such
 * as podSpecs() that would otherwise trip the proxy.
 */
export function rawProps(props: unknown): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    if (typeof props !== "object" || props === null || Array.isArray(props)) {
        return out;
    }
    for (const k of Object.keys(props)) {
        out[k] = peek(props, k);
    }
    return out;
}

/** `peek` along a path; stops (returning the sentinel) at an unknown, undefined at a missing/odd step. */
export function peekPath(obj: unknown, ...path: (string | number)[]): unknown {
    let cur: unknown = obj;
    for (const key of path) {
        if (isUnknownValue(cur)) {
            return cur;
        }
        cur = peek(cur, key);
    }
    return cur;
}

/**
 * Remembers where a stack policy met unknown values. `rethrow()` re-reads the first one through the
 * proxy, raising the real UnknownValueError (a no-op for plain, unproxied objects). Call it last.
 */
export class UnknownTracker {
    private readonly seen: { obj: unknown; path: (string | number)[] }[] = [];

    /** Notes an unknown met at `path` under `obj` (obj being the proxied props the policy received). */
    note(obj: unknown, ...path: (string | number)[]): void {
        this.seen.push({ obj, path });
    }

    get size(): number {
        return this.seen.length;
    }

    /** Re-reads each noted path through the proxy; the first unknown read throws UnknownValueError. */
    rethrow(): void {
        for (const { obj, path } of this.seen) {
            deepRead(get(obj, ...path));
        }
    }
}

/** Touches every nested value so the proxy throws on the first unknown inside. */
function deepRead(v: unknown, depth = 32): void {
    if (depth <= 0 || typeof v !== "object" || v === null) {
        return;
    }
    for (const k of Object.keys(v)) {
        deepRead((v as Record<string, unknown>)[k], depth - 1);
    }
}
