/** Message text helpers shared by every pack. Pure functions; no side effects. */

/** "a, b and c" for messages. */
export function listText(items: readonly string[]): string {
    if (items.length <= 1) {
        return items.join("");
    }
    return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}
