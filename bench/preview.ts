/**
 * Benchmark 2 — the offline preview of a stack (default prod) against a floor program, in one process.
 *
 * (a) the offline preview pipeline exactly as `npm start` runs it: preview/run.ts `runPreview`
 *     (config validation, the platform program under preview/mocks.ts `runUnderMocks`, then
 *     `analyzePacks` of all three packs with the stack's policy config, cost estimate, summary);
 * (b) a floor program under the same mocks and the same analysis: it registers the SAME number of
 *     custom resources (plain `pulumi.CustomResource`s of type `bench:index:Res`, a few small inputs each)
 *     and the same number of component resources, then the same `analyzePacks` call.
 *
 * One warm-up run of each, then `reps` interleaved runs; the ratio is median(a) / median(b).
 *
 * Diagnostics (they explain a miss): the program/analysis split of both; how many promises the
 * Pulumi runtime wraps with `debuggablePromise` (each captures `new Error().stack`) and how many
 * stack traces / frames get formatted — under ts-node every frame is source-mapped by
 * @cspotcode/source-map-support; a SHAPE-MATCHED floor (same custom resources, each registered as
 * a plain CustomResource with exactly the property keys its real class registers — the SDK does
 * per-key work — and trivial values), which splits the ratio into "what the real resource classes
 * cost the SDK" and "what our components and their data add"; (a) and (b) re-timed with
 * `Error.stackTraceLimit = 0` (no stack captured at all —
 * the proposed fix; Resource.callsites raises the limit itself, so source positions survive);
 * the cost of building the analyzer requests once (analyzePacks builds them once per pack); and
 * CPU-profiled runs of (a), as is and with the limit at 0, with self time by category (bench/profile.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import { analyzePacks, analyzeRequest, analyzeStackRequest, toAnalyzerResources } from "../preview/analyze";
import { readStackConfig, RecordedResource, runUnderMocks } from "../preview/mocks";
import { defaultPolicyConfigFiles, loadPacks, readPolicyConfig, runPreview } from "../preview/run";
import { log, median, nowMs, round, sample, Sample, target, Target } from "./lib";
import { CategoryTime, profileCategories } from "./profile";

export interface PreviewBenchOptions {
    /** Measured runs of each pipeline (after one warm-up each). Required. */
    readonly reps: number;
    /** Stack to preview. Defaults to "prod". */
    readonly stack?: string;
    /** Measure the diagnostics (runtime counts, shape-matched floor, runs without stack capture, profiles). Defaults to true. */
    readonly diagnostics?: boolean;
    /** Runs of the shape-matched floor and of each pipeline without stack capture. Defaults to 2. */
    readonly diagnosticReps?: number;
    /** One unmeasured warm-up run of each pipeline first (JIT, module caches). Defaults to true. */
    readonly warmup?: boolean;
}

export interface PipelineTiming {
    readonly total: Sample;
    readonly program: Sample;
    readonly analysis: Sample;
}

export interface RuntimeCounts {
    /** Promises wrapped by @pulumi/pulumi's debuggablePromise (each one captures a stack trace). */
    readonly debuggablePromises: number;
    /** Stack traces formatted through Error.prepareStackTrace. */
    readonly stackTraces: number;
    /** Call-site frames in those traces (each one source-mapped under ts-node). */
    readonly stackFrames: number;
}

export interface PreviewBenchResult {
    readonly stack: string;
    readonly resources: { readonly total: number; readonly custom: number; readonly components: number };
    readonly floorResources: { readonly total: number; readonly custom: number; readonly components: number };
    readonly findings: number;
    readonly prod: PipelineTiming;
    readonly floor: PipelineTiming;
    readonly ratio: number;
    readonly programRatio: number;
    readonly analysisRatio: number;
    readonly diagnostics?: {
        readonly prodCounts: RuntimeCounts;
        readonly floorCounts: RuntimeCounts;
        readonly shapeFloorCounts: RuntimeCounts;
        /** Property keys the SDK transfers per custom resource: prod (real classes) vs the plain floor. */
        readonly keysPerResource: { readonly prod: number; readonly floor: number };
        /** The shape-matched floor: its time, (a)/shape (our code + data) and shape/(b) (the real classes' SDK cost). */
        readonly shapeFloor: { readonly total: Sample; readonly prodOverShape: number; readonly shapeOverFloor: number };
        /** Share of (a)'s median that capturing stacks costs: 1 - noStacks(a)/median(a). */
        readonly stackShareOfProd: number;
        /** (a) and (b) with Error.stackTraceLimit = 0 for the run: no stack is captured. */
        readonly noStacks: {
            readonly prod: Sample;
            readonly prodProgram: Sample;
            readonly prodAnalysis: Sample;
            readonly floor: Sample;
            readonly ratio: number;
        };
        /** Building every AnalyzeRequest plus the AnalyzeStackRequest for (a)'s resources once; analyzePacks does it once per pack. */
        readonly requestBuildMs: number;
        /** One profiled run of (a): self time by category (bench/profile.ts). */
        readonly profile: { readonly totalMs: number; readonly categories: readonly CategoryTime[] };
        /** One profiled run of (a) with Error.stackTraceLimit = 0. */
        readonly profileNoStacks: { readonly totalMs: number; readonly categories: readonly CategoryTime[] };
    };
    readonly targets: readonly Target[];
}

/** A plain custom resource (CustomResource is abstract in the typings only). */
class BenchResource extends pulumi.CustomResource {
    constructor(name: string, props: pulumi.Inputs, opts?: pulumi.CustomResourceOptions) {
        super("bench:index:Res", name, props, opts);
    }
}

/** The floor program: `custom` plain custom resources spread over `components` components. */
export function floorProgram(custom: number, components: number): () => Promise<Record<string, unknown>> {
    return async () => {
        const groups: pulumi.ComponentResource[] = [];
        for (let c = 0; c < components; c++) {
            groups.push(new pulumi.ComponentResource("bench:index:Group", `group-${c}`, {}, c === 0 ? {} : { parent: groups[0] }));
        }
        for (let i = 0; i < custom; i++) {
            new BenchResource(`res-${i}`, {
                name: `bench-res-${i}`,
                index: i,
                enabled: true,
                tags: { "cost-center": "data-platform", environment: "prod", owner: "platform-team@example.com" },
            }, groups.length > 0 ? { parent: groups[i % groups.length] } : {});
        }
        return {};
    };
}

/** One custom resource's registration shape: its property keys and which of them carry a value. */
export interface ResourceShape {
    readonly name: string;
    readonly keys: readonly string[];
    readonly valued: ReadonlySet<string>;
}

/**
 * The shape-matched floor: one plain CustomResource per recorded custom resource, with the same
 * property keys (a trivial value where the real one had an input, undefined for output-only keys),
 * spread over `components` components. Same SDK per-key work, none of our components' logic or data.
 */
export function shapeFloorProgram(shapes: readonly ResourceShape[], components: number): () => Promise<Record<string, unknown>> {
    return async () => {
        const groups: pulumi.ComponentResource[] = [];
        for (let c = 0; c < components; c++) {
            groups.push(new pulumi.ComponentResource("bench:index:Group", `group-${c}`, {}, c === 0 ? {} : { parent: groups[0] }));
        }
        shapes.forEach((shape, i) => {
            const props: Record<string, unknown> = {};
            for (const k of shape.keys) {
                props[k] = shape.valued.has(k) ? "x" : undefined;
            }
            new BenchResource(`shape-${i}`, props, groups.length > 0 ? { parent: groups[i % groups.length] } : {});
        });
        return {};
    };
}

/** Records the property keys @pulumi/pulumi transfers for each resource while `fn` runs (by its label). */
async function withShapes<T>(fn: () => Promise<T>): Promise<{ value: T; keysByLabel: Map<string, string[]> }> {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const rpc = require("@pulumi/pulumi/runtime/rpc") as { transferProperties: (onto: unknown, label: string, props: Record<string, unknown>) => unknown };
    const original = rpc.transferProperties;
    const keysByLabel = new Map<string, string[]>();
    rpc.transferProperties = (onto, label, props) => {
        keysByLabel.set(label, Object.keys(props).filter((k) => k !== "id" && k !== "urn"));
        return original(onto, label, props);
    };
    try {
        return { value: await fn(), keysByLabel };
    } finally {
        rpc.transferProperties = original;
    }
}

function counts(resources: readonly RecordedResource[]): { total: number; custom: number; components: number } {
    const custom = resources.filter((r) => r.custom).length;
    return { total: resources.length, custom, components: resources.length - custom };
}

/** Counts debuggablePromise calls and formatted stack traces while `fn` runs. */
async function counted<T>(fn: () => Promise<T>): Promise<{ value: T; counts: RuntimeCounts }> {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const debuggable = require("@pulumi/pulumi/runtime/debuggable") as { debuggablePromise: (...a: unknown[]) => unknown };
    const originalPromise = debuggable.debuggablePromise;
    const originalPrepare = Error.prepareStackTrace;
    let promises = 0;
    let traces = 0;
    let frames = 0;
    debuggable.debuggablePromise = (...a: unknown[]) => {
        promises++;
        return originalPromise(...a);
    };
    Error.prepareStackTrace = (err, callSites) => {
        traces++;
        frames += callSites.length;
        return originalPrepare ? originalPrepare(err, callSites) : `${err}\n${callSites.map((c) => `    at ${c}`).join("\n")}`;
    };
    try {
        const value = await fn();
        return { value, counts: { debuggablePromises: promises, stackTraces: traces, stackFrames: frames } };
    } finally {
        debuggable.debuggablePromise = originalPromise;
        Error.prepareStackTrace = originalPrepare;
    }
}

/** Runs `fn` with V8's own stack formatting (no source-map lookups per frame). */
/** Runs `fn` with Error.stackTraceLimit = 0: `new Error().stack` captures no frames (Resource.callsites raises it itself). */
async function withoutStacks<T>(fn: () => Promise<T>): Promise<T> {
    const original = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
        return await fn();
    } finally {
        Error.stackTraceLimit = original;
    }
}

export async function benchPreview(opts: PreviewBenchOptions): Promise<PreviewBenchResult> {
    const stack = opts.stack ?? "prod";
    const diagnostics = opts.diagnostics ?? true;
    const config = readStackConfig(stack);
    const packs = loadPacks();
    const policyConfig = readPolicyConfig(defaultPolicyConfigFiles(stack));

    const runProd = async () => {
        const t0 = nowMs();
        const r = await runPreview({ stack });
        return { ms: nowMs() - t0, programMs: r.timings.programMs, analysisMs: r.timings.policyMs, resources: r.resources, findings: r.findings.length };
    };

    log(`preview: ${opts.warmup === false ? "first" : "warm-up"} run of the ${stack} pipeline`);
    const warm = await runProd();
    const shape = counts(warm.resources);
    const program = floorProgram(shape.custom, shape.components);
    const runFloor = async () => {
        const t0 = nowMs();
        const run = await runUnderMocks({ stack, config, program });
        const t1 = nowMs();
        await analyzePacks(packs, toAnalyzerResources(run.resources), { config: policyConfig });
        const t2 = nowMs();
        return { ms: t2 - t0, programMs: t1 - t0, analysisMs: t2 - t1, resources: run.resources };
    };
    log(`preview: ${opts.warmup === false ? "first" : "warm-up"} run of the floor program`);
    const warmFloor = await runFloor();
    const floorShape = counts(warmFloor.resources);
    if (floorShape.custom !== shape.custom) {
        throw new Error(`floor program registered ${floorShape.custom} custom resources, the ${stack} program ${shape.custom}`);
    }

    // Without a warm-up the first runs count as measured runs.
    const a: { ms: number; programMs: number; analysisMs: number }[] = opts.warmup === false ? [warm] : [];
    const b: { ms: number; programMs: number; analysisMs: number }[] = opts.warmup === false ? [warmFloor] : [];
    for (let i = a.length + 1; i <= opts.reps; i++) {
        log(`preview: run ${i}/${opts.reps} (${stack}, then floor)`);
        a.push(await runProd());
        b.push(await runFloor());
    }
    const timing = (xs: typeof a): PipelineTiming => ({
        total: sample(xs.map((x) => x.ms)),
        program: sample(xs.map((x) => x.programMs)),
        analysis: sample(xs.map((x) => x.analysisMs)),
    });
    const prod = timing(a);
    const floor = timing(b);
    const ratio = prod.total.medianMs / floor.total.medianMs;

    let diag: PreviewBenchResult["diagnostics"];
    if (diagnostics) {
        log("preview: diagnostics (runtime counts, shape-matched floor, runs without stack capture, profiles)");
        const prodRun = await withShapes(() => counted(runProd));
        const prodCounts = prodRun.value.counts;
        const floorRun = await withShapes(() => counted(runFloor));
        const floorCounts = floorRun.value.counts;
        const customs = prodRun.value.value.resources.filter((r) => r.custom);
        const shapes: ResourceShape[] = customs.map((r) => {
            const keys = prodRun.keysByLabel.get(`resource:${r.name}[${r.type}]`) ?? Object.keys(r.wire);
            return { name: r.name, keys, valued: new Set(Object.keys(r.wire)) };
        });
        const keysOf = (recorded: readonly RecordedResource[], byLabel: Map<string, string[]>) => {
            const cs = recorded.filter((r) => r.custom);
            return round(cs.reduce((sum, r) => sum + (byLabel.get(`resource:${r.name}[${r.type}]`)?.length ?? 0), 0) / Math.max(1, cs.length), 1);
        };
        const shapeProgram = shapeFloorProgram(shapes, shape.components);
        const runShape = async () => {
            const t0 = nowMs();
            const run = await runUnderMocks({ stack, config, program: shapeProgram });
            await analyzePacks(packs, toAnalyzerResources(run.resources), { config: policyConfig });
            return { ms: nowMs() - t0 };
        };
        const shapeFloorCounts = (await counted(runShape)).counts; // also its warm-up
        const shapeTimes: number[] = [];
        for (let i = 0; i < (opts.diagnosticReps ?? 2); i++) {
            shapeTimes.push((await runShape()).ms);
        }
        const noA: { ms: number; programMs: number; analysisMs: number }[] = [];
        const noB: number[] = [];
        await withoutStacks(runProd); // the first run at a new limit re-warms a few paths
        for (let i = 0; i < Math.max(2, opts.diagnosticReps ?? 2); i++) {
            noA.push(await withoutStacks(runProd));
            noB.push((await withoutStacks(runFloor)).ms);
        }
        const analyzerResources = toAnalyzerResources(prodRun.value.value.resources);
        const buildTimes: number[] = [];
        for (let i = 0; i < 3; i++) {
            const t0 = nowMs();
            analyzerResources.forEach((r) => analyzeRequest(r));
            analyzeStackRequest(analyzerResources);
            buildTimes.push(nowMs() - t0);
        }
        const profiled = await profileCategories(runProd);
        const profiledNoStacks = await profileCategories(() => withoutStacks(runProd));
        diag = {
            profile: { totalMs: profiled.totalMs, categories: profiled.categories },
            profileNoStacks: { totalMs: profiledNoStacks.totalMs, categories: profiledNoStacks.categories },
            noStacks: {
                prod: sample(noA.map((x) => x.ms)),
                prodProgram: sample(noA.map((x) => x.programMs)),
                prodAnalysis: sample(noA.map((x) => x.analysisMs)),
                floor: sample(noB),
                ratio: round(median(noA.map((x) => x.ms)) / median(noB), 3),
            },
            requestBuildMs: round(median(buildTimes)),
            prodCounts,
            floorCounts,
            shapeFloorCounts,
            keysPerResource: { prod: keysOf(customs, prodRun.keysByLabel), floor: keysOf(floorRun.value.value.resources, floorRun.keysByLabel) },
            shapeFloor: {
                total: sample(shapeTimes),
                prodOverShape: round(prod.total.medianMs / median(shapeTimes), 3),
                shapeOverFloor: round(median(shapeTimes) / floor.total.medianMs, 3),
            },
            stackShareOfProd: round(1 - median(noA.map((x) => x.ms)) / prod.total.medianMs, 3),
        };
    }
    return {
        stack,
        resources: shape,
        floorResources: floorShape,
        findings: warm.findings,
        prod,
        floor,
        ratio: round(ratio, 3),
        programRatio: round(prod.program.medianMs / floor.program.medianMs, 3),
        analysisRatio: round(prod.analysis.medianMs / floor.analysis.medianMs, 3),
        diagnostics: diag,
        targets: [target("preview", `${stack} offline preview / floor program`, ratio, 1.5, "x")],
    };
}
