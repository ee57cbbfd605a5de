/** Message text helpers shared by every pack. Pure functions; no side effects. */
import { isUnknownValue } from "./known";

/** "a, b and c" for messages. */
export function listText(items: readonly string[]): string {
    if (items.length <= 1) {
        return items.join("");
    }
    return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

/** How messages show a value that is unknown until deploy (never the raw preview sentinel). */
export const UNKNOWN_UNTIL_DEPLOY = "(unknown until deploy)";

/** A raw value for a message: a string as is, a preview-unknown as "(unknown until deploy)", anything else as `fallback`. */
export function shown(v: unknown, fallback = "?"): string {
    if (isUnknownValue(v)) {
        return UNKNOWN_UNTIL_DEPLOY;
    }
    return typeof v === "string" && v !== "" ? v : fallback;
}
