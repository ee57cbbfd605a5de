/**
 * CPU-profile attribution for the benchmarks' diagnostics: runs a function under the V8 sampling
 * profiler (node:inspector, in this process) and sums SELF time by category — Pulumi SDK stack
 * capture, source-map lookups, protobuf, @pulumi/policy, our own code, GC, … — so a report can say
 * what dominates without anyone opening a .cpuprofile.
 */
import * as inspector from "inspector";
import { round } from "./lib";

interface ProfileNode {
    readonly id: number;
    readonly callFrame: { readonly functionName: string; readonly url: string };
    readonly children?: readonly number[];
}

interface Profile {
    readonly nodes: readonly ProfileNode[];
    readonly samples: readonly number[];
    readonly timeDeltas: readonly number[];
}

export interface CategoryTime {
    readonly category: string;
    readonly ms: number;
    readonly share: number;
}

/** The category of one profile frame (by script URL and function name). */
export function categorize(url: string, fn: string): string {
    if (fn === "(garbage collector)") {
        return "garbage collection";
    }
    if (url.includes("source-map-support") || url.includes("@jridgewell/") || url.includes("trace-mapping")) {
        return "source-map lookups for stack traces (ts-node's source-map-support)";
    }
    if (fn === "get stack" || url.endsWith("@pulumi/pulumi/runtime/debuggable.js") || (url.startsWith("node:internal/errors") && /prepareStackTrace/i.test(fn))) {
        return "stack-trace capture (@pulumi/pulumi debuggablePromise, Resource.callsites)";
    }
    if (url.includes("google-protobuf")) {
        return "protobuf Struct conversion (google-protobuf)";
    }
    if (url.includes("/@pulumi/policy/")) {
        return "@pulumi/policy (deserialize, proxies, handlers)";
    }
    if (url.includes("/@pulumi/pulumi/")) {
        return "@pulumi/pulumi runtime (outputs, serialization, mocks)";
    }
    if (/\/@pulumi\/(aws|kubernetes|eks|docker-build)\//.test(url)) {
        return "provider SDK resource classes";
    }
    if (url.includes("/node_modules/")) {
        return "other node_modules";
    }
    if (/\/(components|lib|config|contract|index)(\/|\.ts)/.test(url) && !url.includes("/policies/")) {
        return "our program code (index.ts, config.ts, components/, lib/, contract/)";
    }
    if (url.includes("/policies/")) {
        return "our policy code (policies/)";
    }
    if (url.includes("/preview/") || url.includes("/bench/")) {
        return "our harness (preview/, bench/)";
    }
    if (url.startsWith("node:")) {
        return "node internals";
    }
    if (url === "" && (fn === "parse" || fn === "stringify")) {
        return "JSON parse/stringify";
    }
    return fn.startsWith("(") ? `${fn.slice(1, -1)} (V8)` : "other";
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
        const { profile } = await post<{ profile: Profile }>(session, "Profiler.stop");
        if (!outcome.ok) {
            throw outcome.error;
        }
        const value = outcome.value;
        const byId = new Map(profile.nodes.map((n) => [n.id, n]));
        const totals = new Map<string, number>();
        let total = 0;
        profile.samples.forEach((id, i) => {
            const dt = (profile.timeDeltas[i] ?? 0) / 1000;
            const node = byId.get(id);
            // (idle) is no work; "dispatch" (no URL) is the inspector session itself collecting the profile.
            if (!node || node.callFrame.functionName === "(idle)" || (node.callFrame.functionName === "dispatch" && node.callFrame.url === "")) {
                return;
            }
            const c = categorize(node.callFrame.url, node.callFrame.functionName);
            totals.set(c, (totals.get(c) ?? 0) + dt);
            total += dt;
        });
        const categories = [...totals.entries()]
            .map(([category, ms]) => ({ category, ms: round(ms), share: round(ms / Math.max(total, 1e-9), 3) }))
            .sort((a, b) => b.ms - a.ms);
        return { value, categories, totalMs: round(total) };
    } finally {
        session.disconnect();
    }
}
