/**
 * Raw paths into a props tree for the pod-spec reader (policies/lib/pod-spec.ts): every value comes
 * with where it sits, so a rule can name it in a message or note it as a preview-unknown.
 */
import { isUnknownValue } from "../known";
import { isRecord } from "../props";

export type Path = readonly (string | number)[];

/** A raw value and where it sits under the props root (for messages and for noting unknowns). */
export interface Field {
    readonly value: unknown;
    readonly path: Path;
}

/** The value at `path` under `root`; stops at a preview-unknown (returning it, with the path up to it). */
export function fieldAt(root: unknown, path: Path): Field {
    let cur: unknown = root;
    for (let i = 0; i < path.length; i++) {
        if (isUnknownValue(cur)) {
            return { value: cur, path: path.slice(0, i) };
        }
        const key = path[i];
        if (typeof key === "number") {
            cur = Array.isArray(cur) ? cur[key] : undefined;
        } else {
            cur = isRecord(cur) ? cur[key] : undefined;
        }
    }
    return { value: cur, path };
}

/** A nested field of a field (same stop-at-unknown rule). */
export function sub(field: Field, ...keys: (string | number)[]): Field {
    const f = fieldAt(field.value, keys);
    return { value: f.value, path: [...field.path, ...f.path] };
}

/** `spec.template.spec.containers[0]`; keys that are not identifiers print as `["spark.conf.key"]`. */
export function pathText(path: Path): string {
    return path.map((k, i) => (typeof k === "number" ? `[${k}]` : !/^[A-Za-z_$][\w$-]*$/.test(k) ? `[${JSON.stringify(k)}]` : i === 0 ? k : `.${k}`)).join("");
}
