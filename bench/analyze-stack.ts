/**
 * Benchmark 3 — AnalyzeStack scaling of each pack on generated stacks (bench/stacks.ts, built from
 * the fuzzer's fixtures) of 1,000 and 10,000 resources.
 *
 * The measured call is @pulumi/policy's own AnalyzeStack handler (`makeAnalyzeStackRpcFun`, what
 * `serve()` registers) on a prebuilt `AnalyzeStackRequest` (preview/analyze.ts
 * `analyzeStackRequest`), with each policy's config as preview/analyze.ts `analyzePacks` applies it
 * (schema defaults, then the stack's `policies/config/<env>/<pack>.json`). That is the pack-side
 * work of one AnalyzeStack call. Reported beside it, per size: building the request message and
 * decoding the same request from protobuf bytes (what the pack process also pays when the CLI calls
 * it over gRPC). Neither depends on the policies.
 *
 * Where a pack's time goes:
 *  - framework floor: the same handler with as many NO-OP stack policies as the pack has stack
 *    policies. @pulumi/policy (server.js makeAnalyzeStackRpcFun) deserializes every resource's
 *    properties and provider, wraps them in unknown-checking proxies and links dependencies ONCE PER
 *    STACK POLICY before calling it, so this is k × (one deserialization of the stack);
 *  - each policy's own work: its `validateStack` called directly, many times, on the very
 *    `args.resources` the framework built (captured by a probe policy) — low-noise, so a rule whose
 *    own time grows faster than the stack stands out (own(10k)/own(1k) > 11).
 */
import type { EnforcementLevel, Policies, Policy, PolicyResource, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import * as policyServer from "@pulumi/policy/server";
import * as analyzerproto from "@pulumi/pulumi/proto/analyzer_pb";
import { analyzeStackRequest, effectivePolicyConfig, PolicyPackConfig } from "../preview/analyze";
import { defaultPolicyConfigFiles, loadPacks, readPolicyConfig } from "../preview/run";
import { fmtMs, fmtRatio, log, nowMs, round, sample, Sample, table, target } from "./lib";
import { generateStack, StackOptions, typeMix } from "./stacks";

type Pack = ReturnType<typeof loadPacks>[number];

export interface AnalyzeStackOptions {
    /** Stack sizes, ascending; the last two give the scaling ratios. Defaults to [1000, 10000]. */
    readonly sizes?: readonly number[];
    /** Timed handler calls per pack (and per framework floor) at the largest size, after one warm-up; smaller sizes get up to 3x. Required. */
    readonly reps: number;
    /** Direct validateStack calls per policy at the largest size; smaller sizes get up to 10x. Defaults to 5. */
    readonly policyReps?: number;
    /** Generated stack options (environment dev by default). */
    readonly stack?: StackOptions;
    /** Time each stack policy's own work. Defaults to true. */
    readonly perPolicy?: boolean;
}

export type AnalyzeStackResult = Awaited<ReturnType<typeof benchAnalyzeStack>>;

type RpcHandler = (call: { request: unknown }, cb: (err: unknown, resp?: analyzerproto.AnalyzeResponse) => void) => unknown;
const server = policyServer as unknown as {
    makeAnalyzeStackRpcFun: (name: string, version: string, level: EnforcementLevel, policies: Policies) => RpcHandler;
};

function isStackPolicy(p: Policy): p is StackValidationPolicy {
    return "validateStack" in p && typeof (p as StackValidationPolicy).validateStack === "function";
}

/** The pack's policies with config applied the way analyzePacks applies it (level + getConfig), plus each policy's config. */
function configuredPolicies(pack: Pack, config: PolicyPackConfig | undefined): { policies: Policy[]; configs: Map<string, Record<string, unknown>> } {
    const configs = new Map<string, Record<string, unknown>>();
    const policies = pack.policies.map((p) => {
        const { level, props } = effectivePolicyConfig(pack, p, config);
        configs.set(p.name, props);
        if (isStackPolicy(p)) {
            const validateStack: StackValidationPolicy["validateStack"] = (args, report) => p.validateStack({ ...args, getConfig: <T>() => props as T }, report);
            return { ...p, enforcementLevel: level, validateStack } as StackValidationPolicy;
        }
        return { ...p, enforcementLevel: level } as Policy;
    });
    return { policies, configs };
}

function callHandler(handler: RpcHandler, request: unknown): Promise<analyzerproto.AnalyzeResponse> {
    return new Promise((resolve, reject) => {
        void handler({ request }, (err, resp) => (err ? reject(err) : resolve(resp!)));
    });
}

const stackPolicy = (name: string, validateStack: StackValidationPolicy["validateStack"]): StackValidationPolicy =>
    ({ name, description: "Checks nothing; a benchmark probe.", enforcementLevel: "advisory", validateStack });

/** The `args.resources` @pulumi/policy builds for a stack policy from this request (captured by a probe). */
async function frameworkResources(request: unknown): Promise<PolicyResource[]> {
    let captured: PolicyResource[] | undefined;
    const probe = stackPolicy("bench-probe", (args) => {
        captured = args.resources;
    });
    await callHandler(server.makeAnalyzeStackRpcFun("bench-probe", "1.0.0", "advisory", [probe]), request);
    if (!captured) {
        throw new Error("the probe stack policy was not called");
    }
    return captured;
}

/** Calls a stack policy's validateStack directly; an UnknownValueError (preview unknowns) ends the call as the framework would. */
async function callValidateStack(p: StackValidationPolicy, args: StackValidationArgs): Promise<number> {
    let violations = 0;
    try {
        await p.validateStack(args, () => {
            violations++;
        });
    } catch (e) {
        if (!(e instanceof Error && e.constructor.name === "UnknownValueError")) {
            throw e;
        }
    }
    return violations;
}

/** Timed calls of `fn`, after one warm-up call whose result is returned. */
async function timeCalls<T>(reps: number, fn: () => Promise<T>): Promise<{ first: T; xs: number[] }> {
    const first = await fn();
    const xs: number[] = [];
    for (let i = 0; i < reps; i++) {
        const t = nowMs();
        await fn();
        xs.push(nowMs() - t);
    }
    return { first, xs };
}

export async function benchAnalyzeStack(opts: AnalyzeStackOptions) {
    const sizes = [...(opts.sizes ?? [1000, 10000])].sort((a, b) => a - b);
    const env = opts.stack?.environment ?? "dev";
    const perPolicy = opts.perPolicy ?? true;
    const packs = loadPacks();
    const config = readPolicyConfig(defaultPolicyConfigFiles(env));
    const requestBuildMs: Record<number, number> = {};
    const requestDecodeMs: Record<number, number> = {};
    const requestBytes: Record<number, number> = {};
    const packTimes = new Map<string, { bySize: Record<number, Sample>; diagnostics: Record<number, number>; framework: Record<number, Sample> }>();
    const policyTimes = new Map<string, { own: Record<number, Sample>; ownMin: Record<number, number>; violations: Record<number, number> }>();
    let mix: Record<string, number> = {};
    const [prev, last] = sizes.length >= 2 ? sizes.slice(-2) : [sizes[0], sizes[0]];
    // Policies' own times are also taken at half the largest size: from there to the largest, both are
    // beyond the CPU caches, so a doubling that costs ~2x is linear and ~4x is quadratic.
    const half = Math.floor(last / 2);
    const ownOnly = perPolicy && sizes.length >= 2 && !sizes.includes(half) && half > sizes[0] ? [half] : [];

    for (const n of [...sizes, ...ownOnly].sort((a, b) => a - b)) {
        const packTimed = sizes.includes(n);
        // Smaller stacks are cheaper and noisier: more calls there.
        const scale = (cap: number) => Math.max(1, Math.min(cap, Math.round(last / n)));
        log(`analyze-stack: generating and encoding a ${n}-resource stack`);
        const resources = generateStack(n, { ...opts.stack, environment: env });
        mix = typeMix(resources);
        let t0 = nowMs();
        const request = analyzeStackRequest(resources);
        if (packTimed) {
            requestBuildMs[n] = round(nowMs() - t0);
            const bytes = request.serializeBinary();
            requestBytes[n] = bytes.length;
            t0 = nowMs();
            analyzerproto.AnalyzeStackRequest.deserializeBinary(bytes);
            requestDecodeMs[n] = round(nowMs() - t0);
        }
        for (const pack of packTimed ? packs : []) {
            log(`analyze-stack: ${pack.name} on ${n} resources`);
            const { policies } = configuredPolicies(pack, config);
            const handler = server.makeAnalyzeStackRpcFun(pack.name, pack.version, pack.enforcementLevel, policies);
            const noops = policies.filter(isStackPolicy).map((_, i) => stackPolicy(`bench-noop-${i}`, () => undefined));
            const floorHandler = server.makeAnalyzeStackRpcFun("bench-floor", "1.0.0", "advisory", noops);
            // Interleave pack and floor calls so load drift hits both alike.
            const packSamples: number[] = [];
            const floorSamples: number[] = [];
            const first = await callHandler(handler, request);
            await callHandler(floorHandler, request);
            for (let i = 0; i < opts.reps * scale(3); i++) {
                let t = nowMs();
                await callHandler(handler, request);
                packSamples.push(nowMs() - t);
                t = nowMs();
                await callHandler(floorHandler, request);
                floorSamples.push(nowMs() - t);
            }
            const entry = packTimes.get(pack.name) ?? { bySize: {}, diagnostics: {}, framework: {} };
            entry.bySize[n] = sample(packSamples);
            entry.framework[n] = sample(floorSamples);
            entry.diagnostics[n] = first.getDiagnosticsList().length;
            packTimes.set(pack.name, entry);
        }
        if (perPolicy) {
            // After the pack timings, so this extra deserialized copy of the stack is not live (GC) during them.
            log(`analyze-stack: each stack policy's own work on ${n} resources`);
            const built = await frameworkResources(request);
            for (const pack of packs) {
                const { configs } = configuredPolicies(pack, config);
                for (const p of pack.policies.filter(isStackPolicy)) {
                    const props = configs.get(p.name) ?? {};
                    const args = {
                        resources: built,
                        getConfig: <T>() => props as T,
                        stackTags: new Map<string, string>(),
                        notApplicable: (reason?: string): never => {
                            throw new Error(`not applicable: ${reason ?? ""}`);
                        },
                    } as unknown as StackValidationArgs;
                    const { first, xs } = await timeCalls((opts.policyReps ?? 5) * scale(10), () => callValidateStack(p, args));
                    const key = `${pack.name}\u0000${p.name}`;
                    const e = policyTimes.get(key) ?? { own: {}, ownMin: {}, violations: {} };
                    e.own[n] = sample(xs);
                    e.ownMin[n] = round(Math.min(...xs), 2);
                    e.violations[n] = first;
                    policyTimes.set(key, e);
                }
            }
        }
    }

    // Per pack: handler time of the whole pack and of as many no-op stack policies (@pulumi/policy's share), by
    // size; diagnostics by size; ratio = time(largest)/time(previous); projectedSharedMs = framework floor / k + Σ own,
    // the pack if @pulumi/policy deserialized the stack once per call, not once per stack policy. Per stack policy:
    // its own validateStack time (median and fastest call, least disturbed by GC and load) and violations by size;
    // ratio = ownMin(largest)/ownMin(previous), best-of-N, so a GC pause in a 1 ms call does not fake super-linearity;
    // doubling = ownMin(largest)/ownMin(largest/2), the culprit test: small stacks fit the CPU caches and large ones do
    // not, so 1k→10k overstates growth for every rule alike; between 5k and 10k linear is ~2x, quadratic ~4x.
    const results = packs.map((pack) => {
        const t = packTimes.get(pack.name)!;
        const stackPolicies = pack.policies.filter(isStackPolicy);
        const own = (p: Policy) => policyTimes.get(`${pack.name}\u0000${p.name}`)!;
        const projected = perPolicy && stackPolicies.length > 0
            ? Object.fromEntries(sizes.map((n) => [n, round(t.framework[n].medianMs / stackPolicies.length + stackPolicies.reduce((sum, p) => sum + own(p).own[n].medianMs, 0))]))
            : undefined;
        return {
            projectedSharedMs: projected,
            pack: pack.name,
            stackPolicies: stackPolicies.length,
            bySize: t.bySize,
            frameworkFloor: t.framework,
            diagnostics: t.diagnostics,
            ratio: round(t.bySize[last].medianMs / t.bySize[prev].medianMs, 3),
            policies: perPolicy
                ? stackPolicies.map((p) => {
                    const e = own(p);
                    const doubling = ownOnly.length > 0 ? { from: half, to: last, ratio: round(e.ownMin[last] / Math.max(0.01, e.ownMin[half]), 3) } : undefined;
                    const ratio = round(e.ownMin[last] / Math.max(0.01, e.ownMin[prev]), 3);
                    return { pack: pack.name, policy: p.name, ownBySize: e.own, ownMinBySize: e.ownMin, violations: e.violations, ratio, doubling };
                })
                : undefined,
        };
    });
    const targets = results.flatMap((r) => [
        target("analyze-stack", `${r.pack} AnalyzeStack at ${last}`, r.bySize[last].medianMs, 2000, "ms"),
        ...(sizes.length >= 2 ? [target("analyze-stack", `${r.pack} time(${last})/time(${prev})`, r.ratio, round((last / prev) * 1.1, 2), "x")] : []),
    ]);
    return { sizes, environment: env, typeMix: mix as Readonly<Record<string, number>>, requestBuildMs, requestDecodeMs, requestBytes, packs: results, targets };
}

export function formatAnalyzeStack(r: AnalyzeStackResult): string {
    const [prev, last] = r.sizes.length >= 2 ? r.sizes.slice(-2) : [r.sizes[0], r.sizes[0]];
    const perSize = r.sizes.map((n) => `${n}: request build ${fmtMs(r.requestBuildMs[n])}, protobuf decode ${fmtMs(r.requestDecodeMs[n])} (${(r.requestBytes[n] / 1e6).toFixed(1)} MB)`);
    const rows = [["AnalyzeStack handler, median", ...r.sizes.map((n) => `${n}`), `${last}/${prev}`, "diagnostics"]];
    for (const p of r.packs) {
        rows.push([p.pack, ...r.sizes.map((n) => fmtMs(p.bySize[n].medianMs)), fmtRatio(p.ratio), r.sizes.map((n) => p.diagnostics[n]).join("/")]);
        rows.push([
            `  framework floor: ${p.stackPolicies} no-op stack policies`,
            ...r.sizes.map((n) => `${fmtMs(p.frameworkFloor[n].medianMs)} (${((100 * p.frameworkFloor[n].medianMs) / p.bySize[n].medianMs).toFixed(0)}%)`),
            fmtRatio(p.frameworkFloor[last].medianMs / p.frameworkFloor[prev].medianMs),
            "",
        ]);
        if (p.projectedSharedMs) {
            rows.push([`  projected, stack deserialized once per call`, ...r.sizes.map((n) => fmtMs(p.projectedSharedMs![n])), fmtRatio(p.projectedSharedMs[last] / p.projectedSharedMs[prev]), ""]);
        }
        for (const pol of p.policies ?? []) {
            const d = pol.doubling;
            rows.push([
                `  own: ${pol.policy}`,
                ...r.sizes.map((n) => `${fmtMs(pol.ownBySize[n].medianMs)} (min ${fmtMs(pol.ownMinBySize[n])})`),
                `${fmtRatio(pol.ratio)}${d ? `; ${d.from}→${d.to}: ${fmtRatio(d.ratio)}${d.ratio > 3 ? " SUPER-LINEAR?" : ""}` : ""}`,
                r.sizes.map((n) => pol.violations[n]).join("/"),
            ]);
        }
    }
    return [
        `  generated ${r.environment} stacks (bench/stacks.ts from the fuzz fixtures, ${Object.keys(r.typeMix).length} resource types); outside the handler, per size: ${perSize.join("; ")}`,
        table(rows),
        "  (framework floor = @pulumi/policy deserializing and proxying the whole stack once per stack policy; own = the policy's validateStack alone,",
        "   median (min), its ratios on the min, incl. half→full size where both exceed the CPU caches: ~2x linear, ~4x quadratic;",
        "   projected = one floor share + the policies' own medians, i.e. the pack if the handler built the resources once per call)",
    ].join("\n");
}
