/**
 * Effective AWS tags of a resource as a policy sees it: the resource's own `tags`, on top of its
 * provider's `defaultTags`, on top of `tagsAll` (the provider-computed union, present in outputs
 * after an update).
 *
 * Provider inputs reach analyzers the way the engine stores them: non-string provider properties
 * are JSON-encoded strings, so `defaultTags` may be `"{\"tags\":{\"team\":\"a\"}}"` or the object
 * `{ tags: { team: "a" } }`. Tag maps may also be missing, null, or hold non-string values
 * (dropped). Reads go through the given object, so an unknown tag map throws UnknownValueError.
 *
 * Exported API (stable; used by the cost and isolation packs):
 *   type TagMap = Record<string, string>
 *   asTagMap(v), resourceTags(props), providerDefaultTags(providerProps), effectiveTags(props, providerProps?),
 *   missingTags(tags, required)
 */
import { isRecord, parseJsonish } from "./props";

export type TagMap = Record<string, string>;

/**
 * A tag map from an object, a JSON string, or a list of `{ key, value }` / `{ Key, Value }` pairs.
 * Non-string values are dropped (numbers and booleans are stringified, as AWS does).
 */
export function asTagMap(v: unknown): TagMap {
    const parsed = parseJsonish(v);
    const out: TagMap = {};
    if (Array.isArray(parsed)) {
        for (const item of parsed) {
            if (isRecord(item)) {
                const k = item.key ?? item.Key;
                const val = item.value ?? item.Value;
                if (typeof k === "string" && (typeof val === "string" || typeof val === "number" || typeof val === "boolean")) {
                    out[k] = String(val);
                }
            }
        }
        return out;
    }
    if (!isRecord(parsed)) {
        return out;
    }
    for (const k of Object.keys(parsed)) {
        const val = parsed[k];
        if (typeof val === "string" || typeof val === "number" || typeof val === "boolean") {
            out[k] = String(val);
        }
    }
    return out;
}

/** The resource's own `tags`. */
export function resourceTags(props: unknown): TagMap {
    return isRecord(props) ? asTagMap(props.tags) : {};
}

/** An AWS provider's `defaultTags.tags` (object or JSON string), or {} when absent. */
export function providerDefaultTags(providerProps: unknown): TagMap {
    if (!isRecord(providerProps)) {
        return {};
    }
    const dt = parseJsonish(providerProps.defaultTags);
    if (Array.isArray(dt)) {
        // Some engine versions store the (max-one) block list form: [{ tags: {...} }].
        return Object.assign({}, ...dt.filter(isRecord).map((b) => asTagMap(b.tags)));
    }
    return isRecord(dt) ? asTagMap(dt.tags) : {};
}

/** tagsAll ⊕ provider defaultTags ⊕ own tags (later wins, as the AWS provider merges them). */
export function effectiveTags(props: unknown, providerProps?: unknown): TagMap {
    const tagsAll = isRecord(props) && "tagsAll" in props ? asTagMap(props.tagsAll) : {};
    return { ...tagsAll, ...providerDefaultTags(providerProps), ...resourceTags(props) };
}

/** Required keys absent from (or empty in) the map. */
export function missingTags(tags: TagMap, required: readonly string[]): string[] {
    return required.filter((k) => (tags[k] ?? "").trim() === "");
}
