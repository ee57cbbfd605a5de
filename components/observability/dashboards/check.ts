/**
 * The catalogue check: does a PromQL query select only metrics the collector's scrape jobs produce, and
 * only labels those series carry after relabelling? Used by the dashboard tests on every generated query
 * (tests/components/observability/dashboards.spec.ts) and by `dashboardProblems` for a whole dashboard.
 */
import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import type { CatalogueIndex } from "./catalogue";
import { dashboardQueries } from "./panels";
import { parsePromQL } from "./promql";

/** Grafana's built-in variables a query may use without defining them. */
const BUILTIN_VARIABLES = new Set(["__rate_interval", "__interval", "__range", "__range_s", "__interval_ms"]);

/** Why `query` could be silently empty: metrics outside the catalogue, labels the series do not carry. Empty when none. */
export function queryProblems(query: string, index: CatalogueIndex): string[] {
    const problems: string[] = [];
    let shape;
    try {
        shape = parsePromQL(query);
    } catch (e) {
        return [(e as Error).message];
    }
    const available = new Set<string>(shape.producedLabels);
    for (const s of shape.selectors) {
        if (s.metric === undefined) {
            problems.push(`a selector without a literal metric name (${JSON.stringify(s.matchers)}) cannot be checked against the catalogue`);
            continue;
        }
        const byJob = index.get(s.metric);
        if (!byJob) {
            problems.push(`metric ${s.metric} is not produced by any scrape job of the collector (not in the metric catalogue)`);
            continue;
        }
        const jobMatcher = s.matchers.find((m) => m.label === "job" && m.op === "=");
        const jobs = jobMatcher ? [...byJob.keys()].filter((j) => j === jobMatcher.value) : [...byJob.keys()];
        if (jobMatcher && jobs.length === 0) {
            problems.push(`metric ${s.metric} does not come from job "${jobMatcher.value}" (it comes from ${[...byJob.keys()].join(", ")})`);
            continue;
        }
        const labels = new Set(jobs.flatMap((j) => [...byJob.get(j)!]));
        labels.forEach((l) => available.add(l));
        for (const m of s.matchers) {
            if (!labels.has(m.label)) {
                problems.push(`label ${m.label} is not on ${s.metric} (job ${jobs.join(", ")}: ${[...labels].sort().join(", ")})`);
            }
        }
    }
    for (const l of [...shape.groupingLabels, ...shape.sourceLabels]) {
        if (!available.has(l)) {
            problems.push(`label ${l} (grouping, matching or label_replace source) is on none of the query's series`);
        }
    }
    return problems;
}

/** The problems of every query of a dashboard, and of every template variable it uses without defining. */
export function dashboardProblems(d: Dashboard, index: CatalogueIndex): string[] {
    const defined = new Set((d.templating?.list ?? []).map((v) => v.name));
    return dashboardQueries(d).flatMap(({ panel, expr }) => {
        const used = [...expr.matchAll(/\$\{?([A-Za-z0-9_]+)/g)].map((m) => m[1]).filter((v) => !BUILTIN_VARIABLES.has(v) && !defined.has(v));
        return [
            ...queryProblems(expr, index),
            ...used.map((v) => `uses $${v}, which the dashboard does not define`),
        ].map((p) => `${d.uid} / "${panel}": ${p}`);
    });
}
