/**
 * Benchmark 3 — AnalyzeStack scaling of each pack on synthetic stacks (bench/synthetic.ts) of 1,000
 * and 10,000 resources.
 *
 * The measured call is @pulumi/policy's own AnalyzeStack handler (`makeAnalyzeStackRpcFun`, what
 * `serve()` registers) on a prebuilt `AnalyzeStackRequest` (preview/analyze.ts
 * `analyzeStackRequest`), with each policy's config as preview/analyze.ts `analyzePacks` applies it
 * (schema defaults, then the stack's `policies/config/<env>/<pack>.json`). That is the pack-side
 * work of one AnalyzeStack call. Reported beside it, per size: building the request message
 * (`analyzeStackRequest`; `analyzePacks(…, { perResource: false })` = build + handler) and decoding
 * the same request from protobuf bytes (what the pack process also pays when the CLI calls it over
 * gRPC). Neither depends on the policies.
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
import { analyzeStackRequest, effectivePolicyConfig, PackDefinition, PolicyPackConfig } from "../preview/analyze";
import { defaultPolicyConfigFiles, loadPacks, readPolicyConfig } from "../preview/run";
import { log, nowMs, round, sample, Sample, target, Target } from "./lib";
import { generateStack, SyntheticOptions, typeMix } from "./synthetic";

export interface AnalyzeStackOptions {
    /** Stack sizes, ascending; the last two give the scaling ratios. Defaults to [1000, 10000]. */
    readonly sizes?: readonly number[];
    /** Timed handler calls per pack (and per framework floor) at the largest size, after one warm-up; smaller sizes get up to 3x. Required. */
    readonly reps: number;
    /** Direct validateStack calls per policy at the largest size; smaller sizes get up to 10x. Defaults to 5. */
    readonly policyReps?: number;
    /** Pack names (security, cost, isolation). Defaults to all. */
    readonly packs?: readonly string[];
    /** Synthetic stack options (environment dev by default). */
    readonly synthetic?: SyntheticOptions;
    /** Time each stack policy's own work. Defaults to true. */
    readonly perPolicy?: boolean;
}

export interface PolicyScaling {
    readonly pack: string;
    readonly policy: string;
    /** Its validateStack alone on the framework-built resources, by size. */
    readonly ownBySize: Readonly<Record<number, Sample>>;
    /** Fastest of those calls, by size (least disturbed by GC pauses and machine load). */
    readonly ownMinBySize: Readonly<Record<number, number>>;
    /** ownMin(largest)/ownMin(previous): best-of-N, so a GC pause in a 1 ms call does not fake super-linearity. */
    readonly ratio: number;
    /**
     * ownMin(largest)/ownMin(largest/2): the culprit test. Small stacks fit the CPU caches and large ones
     * do not, so 1k→10k overstates growth for every rule alike; between 5k and 10k linear is ~2x, quadratic ~4x.
     */
    readonly doubling?: { readonly from: number; readonly to: number; readonly ratio: number };
    /** Violations it reported, by size. */
    readonly violations: Readonly<Record<number, number>>;
}

export interface PackScaling {
    readonly pack: string;
    readonly stackPolicies: number;
    /** Handler time of the whole pack, by size. */
    readonly bySize: Readonly<Record<number, Sample>>;
    /** The same handler with as many no-op stack policies as the pack has: @pulumi/policy's share, by size. */
    readonly frameworkFloor: Readonly<Record<number, Sample>>;
    /** Diagnostics the pack reported, by size. */
    readonly diagnostics: Readonly<Record<number, number>>;
    /** time(largest)/time(previous) of the pack. */
    readonly ratio: number;
    readonly policies?: readonly PolicyScaling[];
    /**
     * framework floor / k + Σ own, by size: what the pack would take if @pulumi/policy deserialized the
     * stack once per AnalyzeStack call instead of once per stack policy.
     */
    readonly projectedSharedMs?: Readonly<Record<number, number>>;
}

export interface AnalyzeStackResult {
    readonly sizes: readonly number[];
    readonly environment: string;
    readonly typeMix: Readonly<Record<string, number>>;
    readonly requestBuildMs: Readonly<Record<number, number>>;
    readonly requestDecodeMs: Readonly<Record<number, number>>;
    readonly requestBytes: Readonly<Record<number, number>>;
    readonly packs: readonly PackScaling[];
    readonly targets: readonly Target[];
}

type RpcHandler = (call: { request: unknown }, cb: (err: unknown, resp?: analyzerproto.AnalyzeResponse) => void) => unknown;
const server = policyServer as unknown as {
    makeAnalyzeStackRpcFun: (name: string, version: string, level: EnforcementLevel, policies: Policies) => RpcHandler;
};

export function isStackPolicy(p: Policy): p is StackValidationPolicy {
    return "validateStack" in p && typeof (p as StackValidationPolicy).validateStack === "function";
}

/** The pack's policies with config applied the way analyzePacks applies it (level + getConfig), plus each stack policy's config. */
export function configuredPolicies(pack: PackDefinition, config: PolicyPackConfig | undefined): { policies: Policy[]; configs: Map<string, Record<string, unknown>> } {
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

async function timeHandler(handler: RpcHandler, request: unknown, reps: number): Promise<{ sample: Sample; diagnostics: number }> {
    const first = await callHandler(handler, request); // warm-up
    const xs: number[] = [];
    for (let i = 0; i < reps; i++) {
        const t0 = nowMs();
        await callHandler(handler, request);
        xs.push(nowMs() - t0);
    }
    return { sample: sample(xs), diagnostics: first.getDiagnosticsList().length };
}

function noops(k: number): StackValidationPolicy[] {
    return Array.from({ length: k }, (_, i) => ({
        name: `bench-noop-${i}`,
        description: "Checks nothing; the framework floor of one stack policy.",
        enforcementLevel: "advisory",
        validateStack: () => undefined,
    }));
}

/** The `args.resources` @pulumi/policy builds for a stack policy from this request (captured by a probe). */
async function frameworkResources(request: unknown): Promise<PolicyResource[]> {
    let captured: PolicyResource[] | undefined;
    const probe: StackValidationPolicy = {
        name: "bench-probe",
        description: "Captures the stack policy arguments.",
        enforcementLevel: "advisory",
        validateStack: (args) => {
            captured = args.resources;
        },
    };
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

export async function benchAnalyzeStack(opts: AnalyzeStackOptions): Promise<AnalyzeStackResult> {
    const sizes = [...(opts.sizes ?? [1000, 10000])].sort((a, b) => a - b);
    const env = opts.synthetic?.environment ?? "dev";
    const policyReps = opts.policyReps ?? 5;
    const perPolicy = opts.perPolicy ?? true;
    const packs = loadPacks().filter((p) => !opts.packs || opts.packs.some((n) => p.name === `moka-${n}` || p.name === n));
    const config = readPolicyConfig(defaultPolicyConfigFiles(env));

    const requestBuildMs: Record<number, number> = {};
    const requestDecodeMs: Record<number, number> = {};
    const requestBytes: Record<number, number> = {};
    const packTimes = new Map<string, { bySize: Record<number, Sample>; diagnostics: Record<number, number>; framework: Record<number, Sample> }>();
    const policyTimes = new Map<string, { own: Record<number, Sample>; ownMin: Record<number, number>; violations: Record<number, number> }>();
    let mix: Record<string, number> = {};
    const largest = sizes[sizes.length - 1];
    // Policies' own times are also taken at half the largest size: from there to the largest, both are
    // beyond the CPU caches, so a doubling that costs ~2x is linear and ~4x is quadratic.
    const half = Math.floor(largest / 2);
    const ownOnly = perPolicy && sizes.length >= 2 && !sizes.includes(half) && half > sizes[0] ? [half] : [];
    const allSizes = [...sizes, ...ownOnly].sort((a, b) => a - b);

    for (const n of allSizes) {
        const packTimed = sizes.includes(n);
        // Smaller stacks are cheaper and noisier: more calls there.
        const packReps = opts.reps * Math.max(1, Math.min(3, Math.round(largest / n)));
        const ownReps = policyReps * Math.max(1, Math.min(10, Math.round(largest / n)));
        log(`analyze-stack: generating and encoding a ${n}-resource stack`);
        const resources = generateStack(n, { ...opts.synthetic, environment: env });
        mix = typeMix(resources);
        let t0 = nowMs();
        const request = analyzeStackRequest(resources);
        const buildMs = round(nowMs() - t0);
        if (packTimed) {
            requestBuildMs[n] = buildMs;
            const bytes = request.serializeBinary();
            requestBytes[n] = bytes.length;
            t0 = nowMs();
            analyzerproto.AnalyzeStackRequest.deserializeBinary(bytes);
            requestDecodeMs[n] = round(nowMs() - t0);
        }

        for (const pack of packTimed ? packs : []) {
            log(`analyze-stack: ${pack.name} on ${n} resources`);
            const { policies } = configuredPolicies(pack, config);
            const stackPolicies = policies.filter(isStackPolicy);
            const handler = server.makeAnalyzeStackRpcFun(pack.name, pack.version, pack.enforcementLevel, policies);
            const floorHandler = server.makeAnalyzeStackRpcFun("bench-floor", "1.0.0", "advisory", noops(stackPolicies.length));
            // Interleave pack and floor calls so load drift hits both alike.
            const packSamples: number[] = [];
            const floorSamples: number[] = [];
            const first = await callHandler(handler, request);
            await callHandler(floorHandler, request);
            for (let i = 0; i < packReps; i++) {
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
                    const violations = await callValidateStack(p, args); // warm-up
                    const xs: number[] = [];
                    for (let i = 0; i < ownReps; i++) {
                        const t = nowMs();
                        await callValidateStack(p, args);
                        xs.push(nowMs() - t);
                    }
                    const key = `${pack.name}\u0000${p.name}`;
                    const e = policyTimes.get(key) ?? { own: {}, ownMin: {}, violations: {} };
                    e.own[n] = sample(xs);
                    e.ownMin[n] = round(Math.min(...xs), 2);
                    e.violations[n] = violations;
                    policyTimes.set(key, e);
                }
            }
        }
    }

    const [prev, last] = sizes.length >= 2 ? [sizes[sizes.length - 2], sizes[sizes.length - 1]] : [sizes[0], sizes[0]];
    const expectedRatio = last / prev;
    const results: PackScaling[] = packs.map((pack) => {
        const t = packTimes.get(pack.name)!;
        const stackPolicies = pack.policies.filter(isStackPolicy);
        let projectedSharedMs: Record<number, number> | undefined;
        if (perPolicy && stackPolicies.length > 0) {
            projectedSharedMs = {};
            for (const n of sizes) {
                const own = stackPolicies.reduce((sum, p) => sum + policyTimes.get(`${pack.name}\u0000${p.name}`)!.own[n].medianMs, 0);
                projectedSharedMs[n] = round(t.framework[n].medianMs / stackPolicies.length + own);
            }
        }
        return {
            projectedSharedMs,
            pack: pack.name,
            stackPolicies: stackPolicies.length,
            bySize: t.bySize,
            frameworkFloor: t.framework,
            diagnostics: t.diagnostics,
            ratio: round(t.bySize[last].medianMs / t.bySize[prev].medianMs, 3),
            policies: perPolicy
                ? stackPolicies.map((p) => {
                    const e = policyTimes.get(`${pack.name}\u0000${p.name}`)!;
                    return {
                        pack: pack.name,
                        policy: p.name,
                        ownBySize: e.own,
                        ownMinBySize: e.ownMin,
                        violations: e.violations,
                        ratio: round(e.ownMin[last] / Math.max(0.01, e.ownMin[prev]), 3),
                        doubling: ownOnly.length > 0 ? { from: half, to: last, ratio: round(e.ownMin[last] / Math.max(0.01, e.ownMin[half]), 3) } : undefined,
                    };
                })
                : undefined,
        };
    });
    const targets: Target[] = [];
    for (const r of results) {
        targets.push(target("analyze-stack", `${r.pack} AnalyzeStack at ${last}`, r.bySize[last].medianMs, 2000, "ms"));
        if (sizes.length >= 2) {
            targets.push(target("analyze-stack", `${r.pack} time(${last})/time(${prev})`, r.ratio, round(expectedRatio * 1.1, 2), "x"));
        }
    }
    return { sizes, environment: env, typeMix: mix, requestBuildMs, requestDecodeMs, requestBytes, packs: results, targets };
}
