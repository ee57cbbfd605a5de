/**
 * A small PromQL reader for the dashboard checks: not an evaluator, just enough structure to say which
 * metrics a query selects, which label matchers each selector uses, and which labels the query groups or
 * matches on (`by`, `without`, `on`, `ignoring`, `group_left`, `group_right`) or creates (`label_replace`,
 * `label_join`). The metric-catalogue test (tests/components/observability/dashboards.spec.ts) uses it to
 * fail a dashboard that queries a metric the collector does not scrape, or a label its relabelling drops.
 *
 * Grammar covered (Prometheus 3 querying basics): vector selectors `name{l="v", l2=~"r"}` and `{__name__=…}`,
 * range `[5m]` / `[$__rate_interval]`, subqueries `[1h:5m]`, `offset`, `@`, numbers, strings, function calls,
 * aggregations with the modifier before or after the arguments, binary operators with `bool` and vector
 * matching, `and` / `or` / `unless`, and Grafana's `$var` / `${var}` template variables.
 */

/** One label matcher of a selector. */
export interface LabelMatcher {
    readonly label: string;
    readonly op: "=" | "!=" | "=~" | "!~";
    readonly value: string;
}

/** One vector selector: the metric name (undefined for `{__name__=~…}` without a literal name) and its matchers. */
export interface Selector {
    readonly metric: string | undefined;
    readonly matchers: readonly LabelMatcher[];
}

export interface QueryShape {
    readonly selectors: readonly Selector[];
    /** Labels named by by / without / on / ignoring / group_left / group_right. */
    readonly groupingLabels: readonly string[];
    /** Labels a label_replace / label_join (destination) or count_values (its label) writes. */
    readonly producedLabels: readonly string[];
    /** Labels a label_replace / label_join reads (sources). */
    readonly sourceLabels: readonly string[];
}

/** Aggregation operators: `name [by|without (…)] (args) [by|without (…)]`. */
const AGGREGATIONS = new Set(["sum", "avg", "min", "max", "count", "group", "stddev", "stdvar", "topk", "bottomk", "quantile", "count_values", "limitk", "limit_ratio"]);
const GROUPING = new Set(["by", "without", "on", "ignoring", "group_left", "group_right"]);
const KEYWORDS = new Set(["and", "or", "unless", "bool", "offset", "atan2"]);
const MATCH_OPS = ["=~", "!~", "!=", "="] as const;

type Token =
    | { readonly kind: "ident"; readonly text: string }
    | { readonly kind: "string"; readonly text: string }
    | { readonly kind: "number"; readonly text: string }
    | { readonly kind: "punct"; readonly text: string };

/** Splits a query into tokens; template variables, ranges and durations are kept out of the identifier stream. */
export function tokenize(query: string): Token[] {
    const out: Token[] = [];
    let i = 0;
    while (i < query.length) {
        const c = query[i];
        if (/\s/.test(c)) {
            i++;
        } else if (c === "#") {
            while (i < query.length && query[i] !== "\n") i++;
        } else if (c === '"' || c === "'" || c === "`") {
            let j = i + 1;
            let text = "";
            while (j < query.length && query[j] !== c) {
                if (query[j] === "\\" && c !== "`") {
                    j++;
                }
                text += query[j];
                j++;
            }
            if (j >= query.length) {
                throw new Error(`unterminated string at ${i} in ${JSON.stringify(query)}`);
            }
            out.push({ kind: "string", text });
            i = j + 1;
        } else if (c === "[") {
            // A range or subquery: its contents are durations or variables, never labels or metrics.
            const j = query.indexOf("]", i);
            if (j < 0) {
                throw new Error(`unterminated range at ${i} in ${JSON.stringify(query)}`);
            }
            out.push({ kind: "punct", text: "[]" });
            i = j + 1;
        } else if (c === "$") {
            // A Grafana template variable ($team, ${team}, ${team:regex}, $__rate_interval): a value, not a name.
            const m = /^\$(\{[^}]*\}|[A-Za-z0-9_]+)/.exec(query.slice(i));
            if (!m) {
                throw new Error(`bad template variable at ${i} in ${JSON.stringify(query)}`);
            }
            out.push({ kind: "number", text: m[0] });
            i += m[0].length;
        } else if (/[0-9.]/.test(c)) {
            const m = /^(0x[0-9a-fA-F]+|[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?(?:ms|[smhdwy])?)/.exec(query.slice(i))!;
            out.push({ kind: "number", text: m[0] });
            i += Math.max(1, m[0].length);
        } else if (/[A-Za-z_:]/.test(c)) {
            const m = /^[A-Za-z_:][A-Za-z0-9_:]*/.exec(query.slice(i))!;
            out.push({ kind: "ident", text: m[0] });
            i += m[0].length;
        } else {
            const two = query.slice(i, i + 2);
            const op = ["=~", "!~", "!=", "==", ">=", "<="].includes(two) ? two : c;
            if (!"(){},=<>+-*/%^!@~".includes(op[0])) {
                throw new Error(`unexpected character ${JSON.stringify(c)} at ${i} in ${JSON.stringify(query)}`);
            }
            out.push({ kind: "punct", text: op });
            i += op.length;
        }
    }
    return out;
}

/** Reads the structure the catalogue check needs; throws on unbalanced parentheses or braces and on a malformed matcher. */
export function parsePromQL(query: string): QueryShape {
    const tokens = tokenize(query);
    const selectors: Selector[] = [];
    const groupingLabels: string[] = [];
    const producedLabels: string[] = [];
    const sourceLabels: string[] = [];
    const depth = { paren: 0 };
    const isPunct = (t: Token | undefined, text: string) => t?.kind === "punct" && t.text === text;

    const readMatchers = (start: number): { matchers: LabelMatcher[]; next: number } => {
        const matchers: LabelMatcher[] = [];
        let i = start + 1;
        while (!isPunct(tokens[i], "}")) {
            const label = tokens[i];
            const op = tokens[i + 1];
            const value = tokens[i + 2];
            if (label?.kind !== "ident" || op?.kind !== "punct" || !(MATCH_OPS as readonly string[]).includes(op.text) || (value?.kind !== "string")) {
                throw new Error(`malformed label matcher in ${JSON.stringify(query)}`);
            }
            matchers.push({ label: label.text, op: op.text as LabelMatcher["op"], value: value.text });
            i += 3;
            if (isPunct(tokens[i], ",")) {
                i++;
            } else if (!isPunct(tokens[i], "}")) {
                throw new Error(`expected ',' or '}' after a matcher in ${JSON.stringify(query)}`);
            }
        }
        return { matchers, next: i + 1 };
    };

    const readLabelList = (start: number): { labels: string[]; next: number } => {
        if (!isPunct(tokens[start], "(")) {
            return { labels: [], next: start };
        }
        const labels: string[] = [];
        let i = start + 1;
        while (!isPunct(tokens[i], ")")) {
            const t = tokens[i];
            if (t === undefined) {
                throw new Error(`unterminated label list in ${JSON.stringify(query)}`);
            }
            if (t.kind === "ident" || t.kind === "string") {
                labels.push(t.text);
            } else if (!isPunct(t, ",")) {
                throw new Error(`unexpected ${t.text} in a label list in ${JSON.stringify(query)}`);
            }
            i++;
        }
        return { labels, next: i + 1 };
    };

    /** The string arguments at top-level positions of a call starting at the "(" token `open`. */
    const callStringArgs = (open: number): Map<number, string> => {
        const args = new Map<number, string>();
        let level = 0;
        let index = 0;
        for (let i = open; i < tokens.length; i++) {
            const t = tokens[i];
            if (isPunct(t, "(") || isPunct(t, "{")) level++;
            else if (isPunct(t, ")") || isPunct(t, "}")) {
                level--;
                if (level === 0) break;
            } else if (level === 1 && isPunct(t, ",")) index++;
            else if (level === 1 && t.kind === "string" && !args.has(index)) args.set(index, t.text);
        }
        return args;
    };

    for (let i = 0; i < tokens.length; i++) {
        const t = tokens[i];
        if (t.kind === "punct") {
            if (t.text === "(") depth.paren++;
            if (t.text === ")") depth.paren--;
            if (depth.paren < 0) {
                throw new Error(`unbalanced ')' in ${JSON.stringify(query)}`);
            }
            if (t.text === "{") {
                const { matchers, next } = readMatchers(i);
                const name = matchers.find((m) => m.label === "__name__" && m.op === "=")?.value;
                selectors.push({ metric: name, matchers: matchers.filter((m) => m.label !== "__name__") });
                i = next - 1;
            }
            continue;
        }
        if (t.kind !== "ident") {
            continue;
        }
        const next = tokens[i + 1];
        if (GROUPING.has(t.text)) {
            const { labels, next: after } = readLabelList(i + 1);
            groupingLabels.push(...labels);
            i = after - 1;
        } else if (isPunct(next, "(")) {
            if (t.text === "count_values") {
                const label = callStringArgs(i + 1).get(0);
                if (label !== undefined) producedLabels.push(label);
            }
            if (t.text === "label_replace" || t.text === "label_join") {
                const args = callStringArgs(i + 1);
                const dst = args.get(1);
                if (dst !== undefined) producedLabels.push(dst);
                const sources = t.text === "label_replace" ? [args.get(3)] : [...args.entries()].filter(([k]) => k >= 3).map(([, v]) => v);
                sourceLabels.push(...sources.filter((s): s is string => s !== undefined && s !== ""));
            }
            // Function or aggregation: its arguments are read as the loop continues.
        } else if (AGGREGATIONS.has(t.text) && next?.kind === "ident" && GROUPING.has(next.text)) {
            // `sum by (x) (…)`: the grouping is read on the next iteration.
        } else if (!KEYWORDS.has(t.text)) {
            if (isPunct(next, "{")) {
                const { matchers, next: after } = readMatchers(i + 1);
                selectors.push({ metric: t.text, matchers });
                i = after - 1;
            } else {
                selectors.push({ metric: t.text, matchers: [] });
            }
        }
    }
    if (depth.paren !== 0) {
        throw new Error(`unbalanced '(' in ${JSON.stringify(query)}`);
    }
    return { selectors, groupingLabels, producedLabels, sourceLabels };
}
