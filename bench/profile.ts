/**
 * CPU-profile attribution for the benchmarks' diagnostics: runs a function under the V8 sampling
 * profiler (node:inspector, in this process) and sums SELF time by category — Pulumi SDK stack
 * capture, source-map lookups, protobuf, @pulumi/policy, our own code, GC, … — so a report can say
 * what dominates without anyone opening a .cpuprofile.
 */
import * as inspector from "inspector";
import { round } from "./lib";

export interface CategoryTime {
    readonly category: string;
    readonly ms: number;
    readonly share: number;
}

/** Frame categories, first match wins: (script URL, function name) → category. */
const CATEGORIES: readonly (readonly [(url: string, fn: string) => boolean, string])[] = [
    [(_, fn) => fn === "(garbage collector)", "garbage collection"],
    [(url) => /source-map-support|@jridgewell\/|trace-mapping/.test(url), "source-map lookups for stack traces (ts-node's source-map-support)"],
    [(url, fn) => fn === "get stack" || url.endsWith("@pulumi/pulumi/runtime/debuggable.js") || (url.startsWith("node:internal/errors") && /prepareStackTrace/i.test(fn)),
        "stack-trace capture (@pulumi/pulumi debuggablePromise, Resource.callsites)"],
    [(url) => url.includes("google-protobuf"), "protobuf Struct conversion (google-protobuf)"],
    [(url) => url.includes("/@pulumi/policy/"), "@pulumi/policy (deserialize, proxies, handlers)"],
    [(url) => url.includes("/@pulumi/pulumi/"), "@pulumi/pulumi runtime (outputs, serialization, mocks)"],
    [(url) => /\/@pulumi\/(aws|kubernetes|eks|docker-build)\//.test(url), "provider SDK resource classes"],
    [(url) => url.includes("/node_modules/"), "other node_modules"],
    [(url) => /\/(components|lib|config|contract|index)(\/|\.ts)/.test(url) && !url.includes("/policies/"), "our program code (index.ts, config.ts, components/, lib/, contract/)"],
    [(url) => url.includes("/policies/"), "our policy code (policies/)"],
    [(url) => url.includes("/preview/") || url.includes("/bench/"), "our harness (preview/, bench/)"],
    [(url) => url.startsWith("node:"), "node internals"],
    [(url, fn) => url === "" && (fn === "parse" || fn === "stringify"), "JSON parse/stringify"],
];

/** The category of one profile frame (by script URL and function name). */
export function categorize(url: string, fn: string): string {
    return CATEGORIES.find(([matches]) => matches(url, fn))?.[1] ?? (fn.startsWith("(") ? `${fn.slice(1, -1)} (V8)` : "other");
}

function post<T>(session: inspector.Session, method: string, params?: object): Promise<T> {
    return new Promise((resolve, reject) => session.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res as T))));
}

/** Runs `fn` under the sampling profiler; returns its result and self time by category, largest first. */
export async function profileCategories<T>(fn: () => Promise<T>, intervalUs = 1000): Promise<{ value: T; categories: CategoryTime[]; totalMs: number }> {
    const session = new inspector.Session();
    session.connect();
    try {
        await post(session, "Profiler.enable");
        await post(session, "Profiler.setSamplingInterval", { interval: intervalUs });
        await post(session, "Profiler.start");
        let outcome: { ok: true; value: T } | { ok: false; error: unknown };
        try {
            outcome = { ok: true, value: await fn() };
        } catch (error) {
            outcome = { ok: false, error };
        }
        const { profile } = await post<inspector.Profiler.StopReturnType>(session, "Profiler.stop");
        if (!outcome.ok) {
            throw outcome.error;
        }
        const byId = new Map(profile.nodes.map((n) => [n.id, n]));
        const totals = new Map<string, number>();
        let total = 0;
        (profile.samples ?? []).forEach((id, i) => {
            const dt = (profile.timeDeltas?.[i] ?? 0) / 1000;
            const frame = byId.get(id)?.callFrame;
            // (idle) is no work; "dispatch" (no URL) is the inspector session itself collecting the profile.
            if (!frame || frame.functionName === "(idle)" || (frame.functionName === "dispatch" && frame.url === "")) {
                return;
            }
            const c = categorize(frame.url, frame.functionName);
            totals.set(c, (totals.get(c) ?? 0) + dt);
            total += dt;
        });
        const categories = [...totals.entries()]
            .map(([category, ms]) => ({ category, ms: round(ms), share: round(ms / Math.max(total, 1e-9), 3) }))
            .sort((a, b) => b.ms - a.ms);
        return { value: outcome.value, categories, totalMs: round(total) };
    } finally {
        session.disconnect();
    }
}
