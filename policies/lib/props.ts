/**
 * Defensive accessors for resource properties as a policy sees them.
 *
 * Properties may be missing, null, of the wrong type, or unknown during preview. Reading an unknown
 * value through @pulumi/policy's proxy throws `UnknownValueError`, which the policy server turns
 * into an advisory "can't run during preview" diagnostic. These helpers therefore never catch
 * errors: they only refuse to crash on odd shapes.
 */

export type Json = unknown;

export function isRecord(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Reads a nested property by path; returns undefined when any step is missing or not an object/array. */
export function get(obj: unknown, ...path: (string | number)[]): unknown {
    let cur: unknown = obj;
    for (const key of path) {
        if (typeof key === "number") {
            if (!Array.isArray(cur)) {
                return undefined;
            }
            cur = cur[key];
        } else {
            if (!isRecord(cur)) {
                return undefined;
            }
            cur = cur[key];
        }
    }
    return cur;
}

export function asString(v: unknown): string | undefined {
    return typeof v === "string" ? v : undefined;
}

export function asNumber(v: unknown): number | undefined {
    if (typeof v === "number" && Number.isFinite(v)) {
        return v;
    }
    if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) {
        return Number(v);
    }
    return undefined;
}

/** Booleans as providers accept them: true/false or the strings "true"/"false". */
export function asBool(v: unknown): boolean | undefined {
    if (typeof v === "boolean") {
        return v;
    }
    if (v === "true") {
        return true;
    }
    if (v === "false") {
        return false;
    }
    return undefined;
}

/** An array as is; a single non-null value as a one-element array; anything else as empty. */
export function asArray(v: unknown): unknown[] {
    if (Array.isArray(v)) {
        return v;
    }
    return v === undefined || v === null ? [] : [v];
}

export function asStringArray(v: unknown): string[] {
    return asArray(v).filter((x): x is string => typeof x === "string");
}

/** Parses a value that may be a JSON string or already an object. Returns undefined for unparseable input. */
export function parseJsonish(v: unknown): unknown {
    if (typeof v === "string") {
        const t = v.trim();
        if (t === "") {
            return undefined;
        }
        try {
            return JSON.parse(t);
        } catch {
            return undefined;
        }
    }
    return v;
}

/** Reads a policy config value with a fallback (the CLI fills configSchema defaults; tests and other hosts may not). */
export function configValue<T>(config: unknown, key: string, fallback: T, check: (v: unknown) => v is T): T {
    const v = isRecord(config) ? config[key] : undefined;
    return check(v) ? v : fallback;
}

export const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === "string");
export const isNumberValue = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
export const isBooleanValue = (v: unknown): v is boolean => typeof v === "boolean";
export const isStringValue = (v: unknown): v is string => typeof v === "string";
