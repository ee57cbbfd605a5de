/**
 * `--config key=value` overrides for the offline preview, in the spirit of `pulumi config set`:
 * `key` is `namespace:name`, optionally followed by a path into a structured value exactly like
 * `pulumi config set --path` (`moka:cluster.publicAccessCidrs[0]`, `moka:nodePools.x86.cpuLimit`).
 * The value is parsed as JSON when it is valid JSON (numbers, booleans, arrays, objects, null) and
 * taken as a plain string otherwise. A JSON `null` at a path deletes that key.
 */
import { decodeConfigValue } from "../config";
import { encodeConfigValue } from "./mocks";

export interface ConfigOverride {
    /** `namespace:name`. */
    readonly key: string;
    /** Path segments below the key (empty for a whole-key set). */
    readonly path: readonly (string | number)[];
    readonly value: unknown;
}

const KEY_RE = /^([A-Za-z0-9_-]+:[A-Za-z0-9_-]+)((?:\.[A-Za-z0-9_-]+|\[\d+\])*)$/;

/** Parses one `key=value` argument; throws with the offending text on bad syntax. */
export function parseOverride(arg: string): ConfigOverride {
    const eq = arg.indexOf("=");
    if (eq <= 0) {
        throw new Error(`--config expects key=value (e.g. moka:network.azCount=2), got "${arg}"`);
    }
    const keyPart = arg.slice(0, eq).trim();
    const raw = arg.slice(eq + 1);
    const m = KEY_RE.exec(keyPart);
    if (!m) {
        throw new Error(`--config key "${keyPart}" is not namespace:name with an optional .path or [index] suffix`);
    }
    const path: (string | number)[] = [];
    for (const seg of m[2].match(/\.[A-Za-z0-9_-]+|\[\d+\]/g) ?? []) {
        path.push(seg.startsWith("[") ? Number(seg.slice(1, -1)) : seg.slice(1));
    }
    let value: unknown;
    try {
        value = JSON.parse(raw);
    } catch {
        value = raw;
    }
    return { key: m[1], path, value };
}

/** Applies overrides to a flat CLI-style config map and returns a new map. */
export function applyOverrides(config: Record<string, string>, overrides: readonly ConfigOverride[]): Record<string, string> {
    const out = { ...config };
    for (const o of overrides) {
        if (o.path.length === 0) {
            if (o.value === null) {
                delete out[o.key];
            } else {
                out[o.key] = encodeConfigValue(o.value);
            }
            continue;
        }
        const current = out[o.key] === undefined ? undefined : decodeConfigValue(out[o.key]);
        const root: unknown = current !== undefined && typeof current === "object" && current !== null
            ? JSON.parse(JSON.stringify(current))
            : typeof o.path[0] === "number" ? [] : {};
        // A JSON tree walked by key or index (the path's syntax was checked by parseOverride).
        let node = root as Record<string | number, unknown>;
        for (let i = 0; i < o.path.length - 1; i++) {
            const seg = o.path[i];
            if (node[seg] === undefined || node[seg] === null || typeof node[seg] !== "object") {
                node[seg] = typeof o.path[i + 1] === "number" ? [] : {};
            }
            node = node[seg] as Record<string | number, unknown>;
        }
        const last = o.path[o.path.length - 1];
        if (o.value === null) {
            if (Array.isArray(node) && typeof last === "number") {
                node.splice(last, 1);
            } else {
                delete node[last];
            }
        } else {
            node[last] = o.value;
        }
        out[o.key] = JSON.stringify(root);
    }
    return out;
}
