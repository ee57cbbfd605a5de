/**
 * Plain-data tree helpers for the policy fuzzer: enumerate node paths, read/write/delete at a path,
 * clone without prototype surprises. Values are what a Pulumi property map holds on the wire
 * (null, booleans, numbers, strings, arrays, objects). Keys such as "__proto__" are kept as OWN
 * properties (defineProperty), never turned into prototypes here.
 */

export type Path = readonly (string | number)[];

export function isObject(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Sets an own, enumerable property (safe for "__proto__" and friends). */
export function put(obj: Record<string, unknown>, key: string, value: unknown): void {
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Deep copy of a plain-data tree (bounded depth; deeper parts are shared, they are never mutated in place). */
export function clone<T>(v: T, depth = 400): T {
    if (depth <= 0 || typeof v !== "object" || v === null) {
        return v;
    }
    if (Array.isArray(v)) {
        return v.map((x) => clone(x, depth - 1)) as unknown as T;
    }
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) {
        put(out, k, clone((v as Record<string, unknown>)[k], depth - 1));
    }
    return out as T;
}

export interface NodeRef {
    readonly path: Path;
    readonly value: unknown;
}

/**
 * Every non-root node (pre-order), at most `limit` of them and at most `maxDepth` deep. `leavesOnly`
 * keeps scalars and empty containers.
 */
export function nodes(root: unknown, opts: { limit?: number; maxDepth?: number; leavesOnly?: boolean } = {}): NodeRef[] {
    const limit = opts.limit ?? 4000;
    const maxDepth = opts.maxDepth ?? 64;
    const out: NodeRef[] = [];
    const walk = (v: unknown, path: (string | number)[]) => {
        if (out.length >= limit) {
            return;
        }
        const isContainer = typeof v === "object" && v !== null;
        const empty = isContainer && (Array.isArray(v) ? v.length === 0 : Object.keys(v).length === 0);
        if (path.length > 0 && (!opts.leavesOnly || !isContainer || empty)) {
            out.push({ path: [...path], value: v });
        }
        if (!isContainer || path.length >= maxDepth) {
            return;
        }
        if (Array.isArray(v)) {
            v.forEach((x, i) => walk(x, [...path, i]));
        } else {
            for (const k of Object.keys(v)) {
                walk((v as Record<string, unknown>)[k], [...path, k]);
            }
        }
    };
    walk(root, []);
    return out;
}

export function countNodes(root: unknown, cap = 100_000): number {
    let n = 0;
    const stack: unknown[] = [root];
    while (stack.length > 0 && n < cap) {
        const v = stack.pop();
        n++;
        if (typeof v === "object" && v !== null) {
            stack.push(...(Array.isArray(v) ? v : Object.values(v)));
        }
    }
    return n;
}

export function getAt(root: unknown, path: Path): unknown {
    let cur: unknown = root;
    for (const k of path) {
        if (typeof cur !== "object" || cur === null) {
            return undefined;
        }
        cur = (cur as Record<string | number, unknown>)[k];
    }
    return cur;
}

/** Replaces the node at `path` (which must exist) in place. */
export function setAt(root: unknown, path: Path, value: unknown): void {
    const parent = getAt(root, path.slice(0, -1));
    const key = path[path.length - 1];
    if (Array.isArray(parent) && typeof key === "number") {
        parent[key] = value;
    } else if (isObject(parent)) {
        put(parent, String(key), value);
    }
}

/** Removes the node at `path`: a missing property, or an array element spliced out. */
export function deleteAt(root: unknown, path: Path): void {
    const parent = getAt(root, path.slice(0, -1));
    const key = path[path.length - 1];
    if (Array.isArray(parent) && typeof key === "number") {
        parent.splice(key, 1);
    } else if (isObject(parent)) {
        delete parent[String(key)];
    }
}

export function pathText(path: Path): string {
    return path.map((k) => (typeof k === "number" ? `[${k}]` : `.${k}`)).join("").replace(/^\./, "");
}
