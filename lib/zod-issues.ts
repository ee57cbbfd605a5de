/**
 * One way to turn zod issues into messages that name a key, for the stack config (`moka:nodePools.x86.weight`)
 * and for component args (`args.nodePools.x86.weight`) alike. Type-only zod import: no runtime dependency.
 */
import type { core } from "zod";

/** `head` followed by the issue path: `.key` for names, `[i]` for indexes. */
export function issuePath(head: string, path: readonly PropertyKey[]): string {
    return path.reduce<string>((acc, seg) => (typeof seg === "number" ? `${acc}[${seg}]` : `${acc}.${String(seg)}`), head);
}

/** The reason part of an issue, in the platform's wording ("is required", "must be a whole number", "unknown key ..."). */
export function issueMessage(issue: core.$ZodIssue): string {
    if (issue.code === "invalid_type" && /received undefined$/.test(issue.message)) {
        return "is required";
    }
    if (issue.code === "invalid_type" && issue.expected === "int") {
        return "must be a whole number";
    }
    if (issue.code === "unrecognized_keys") {
        return `unknown key${issue.keys.length === 1 ? "" : "s"} ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
    }
    if (issue.code === "invalid_key" && issue.issues.length > 0) {
        return issue.issues.map((i) => i.message).join(", ");
    }
    return issue.message;
}
