/**
 * Benchmark 2 — the offline preview of a stack (default prod) against a floor program, in one process.
 *
 * (a) the offline preview pipeline exactly as `npm start` runs it: preview/run.ts `runPreview`
 *     (config validation, the platform program under preview/mocks.ts `runUnderMocks`, then
 *     `analyzePacks` of all four packs with the stack's policy config, cost estimate, summary);
 * (b) a floor program under the same mocks and the same analysis: it registers the SAME number of
 *     custom resources (plain `pulumi.CustomResource`s of type `bench:index:Res`, a few small inputs each)
 *     and the same number of component resources, then the same `analyzePacks` call.
 *
 * One warm-up run of each, then `reps` interleaved runs; the ratio is median(a) / median(b).
 *
 * Diagnostics (they explain a miss): the program/analysis split of both; how many promises the
 * Pulumi runtime wraps with `debuggablePromise` (each captures `new Error().stack`) and how many
 * stack traces / frames get formatted; a SHAPE-MATCHED floor (one plain CustomResource per real
 * custom resource, with exactly the property keys its real class registers — the SDK does per-key
 * work — and trivial values), which splits the ratio into "what the real resource classes cost the
 * SDK" and "what our components and their data add"; (a) and (b) re-timed with
 * `Error.stackTraceLimit = 0` (Resource.callsites raises the limit itself, so source positions
 * survive); the cost of building the analyzer requests once; and CPU-profiled runs of (a), as is
 * and with the limit at 0, with self time by category (bench/profile.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import { analyzePacks, analyzeRequest, analyzeStackRequest, toAnalyzerResources } from "../preview/analyze";
import { readStackConfig, RecordedResource, runUnderMocks } from "../preview/mocks";
import { defaultPolicyConfigFiles, loadPacks, readPolicyConfig, runPreview } from "../preview/run";
import { fmtMs, fmtRatio, fmtSamples, log, median, nowMs, round, sample, table, target } from "./lib";
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

export type PreviewBenchResult = Awaited<ReturnType<typeof benchPreview>>;
export type RuntimeCounts = Awaited<ReturnType<typeof counted>>["counts"];
type PipelineTiming = ReturnType<typeof timing>;

/** A plain custom resource (CustomResource is abstract in the typings only). */
class BenchResource extends pulumi.CustomResource {
    constructor(name: string, props: pulumi.Inputs, opts?: pulumi.CustomResourceOptions) {
        super("bench:index:Res", name, props, opts);
    }
}

/** A program registering one plain custom resource per property map, spread over `components` components. */
function plainProgram(prefix: string, props: readonly pulumi.Inputs[], components: number): () => Promise<Record<string, unknown>> {
    return async () => {
        const groups: pulumi.ComponentResource[] = [];
        for (let c = 0; c < components; c++) {
            groups.push(new pulumi.ComponentResource("bench:index:Group", `group-${c}`, {}, c === 0 ? {} : { parent: groups[0] }));
        }
        props.forEach((p, i) => new BenchResource(`${prefix}-${i}`, p, groups.length > 0 ? { parent: groups[i % groups.length] } : {}));
        return {};
    };
}

/** The floor program: `custom` plain custom resources with a few small inputs each. */
export function floorProgram(custom: number, components: number): () => Promise<Record<string, unknown>> {
    const tags = { "cost-center": "data-platform", environment: "prod", owner: "platform-team@example.com" };
    return plainProgram("res", Array.from({ length: custom }, (_, i) => ({ name: `bench-res-${i}`, index: i, enabled: true, tags })), components);
}

/** Patches a module function for the duration of `fn` (the SDK internals the diagnostics count). */
async function patched<M extends object, K extends keyof M, T>(mod: M, key: K, wrap: (original: M[K]) => M[K], fn: () => Promise<T>): Promise<T> {
    const original = mod[key];
    mod[key] = wrap(original);
    try {
        return await fn();
    } finally {
        mod[key] = original;
    }
}

/** Records the property keys @pulumi/pulumi transfers for each resource while `fn` runs (by its label). */
async function withShapes<T>(fn: () => Promise<T>): Promise<{ value: T; keysByLabel: Map<string, string[]> }> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the module object itself is patched
    const rpc = require("@pulumi/pulumi/runtime/rpc") as { transferProperties: (onto: unknown, label: string, props: Record<string, unknown>) => unknown };
    const keysByLabel = new Map<string, string[]>();
    const value = await patched(rpc, "transferProperties", (original) => (onto, label, props) => {
        keysByLabel.set(label, Object.keys(props).filter((k) => k !== "id" && k !== "urn"));
        return original(onto, label, props);
    }, fn);
    return { value, keysByLabel };
}

/** Counts debuggablePromise calls and formatted stack traces while `fn` runs. */
async function counted<T>(fn: () => Promise<T>) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the module object itself is patched
    const debuggable = require("@pulumi/pulumi/runtime/debuggable") as { debuggablePromise: (...a: unknown[]) => unknown };
    // debuggablePromise wraps (each captures a stack trace); stack traces formatted through Error.prepareStackTrace, and their frames.
    const counts = { debuggablePromises: 0, stackTraces: 0, stackFrames: 0 };
    const prepare = Error.prepareStackTrace;
    Error.prepareStackTrace = (err, callSites) => {
        counts.stackTraces++;
        counts.stackFrames += callSites.length;
        return prepare ? prepare(err, callSites) : `${err}\n${callSites.map((c) => `    at ${c}`).join("\n")}`;
    };
    try {
        const value = await patched(debuggable, "debuggablePromise", (original) => (...a: unknown[]) => {
            counts.debuggablePromises++;
            return original(...a);
        }, fn);
        return { value, counts };
    } finally {
        Error.prepareStackTrace = prepare;
    }
}

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

function counts(resources: readonly RecordedResource[]): { total: number; custom: number; components: number } {
    const custom = resources.filter((r) => r.custom).length;
    return { total: resources.length, custom, components: resources.length - custom };
}

interface Run {
    readonly ms: number;
    readonly programMs: number;
    readonly analysisMs: number;
    readonly resources: readonly RecordedResource[];
}

function timing(xs: readonly Run[]) {
    return { total: sample(xs.map((x) => x.ms)), program: sample(xs.map((x) => x.programMs)), analysis: sample(xs.map((x) => x.analysisMs)) };
}

export async function benchPreview(opts: PreviewBenchOptions) {
    const stack = opts.stack ?? "prod";
    const config = readStackConfig(stack);
    const packs = loadPacks();
    const policyConfig = readPolicyConfig(defaultPolicyConfigFiles(stack));
    const first = opts.warmup === false ? "first" : "warm-up";

    let findings = 0;
    const runProd = async (): Promise<Run> => {
        const t0 = nowMs();
        const r = await runPreview({ stack });
        findings = r.findings.length;
        return { ms: nowMs() - t0, programMs: r.timings.programMs, analysisMs: r.timings.policyMs, resources: r.resources };
    };
    const underMocks = (program: () => Promise<Record<string, unknown>>) => async (): Promise<Run> => {
        const t0 = nowMs();
        const run = await runUnderMocks({ stack, config, program });
        const t1 = nowMs();
        await analyzePacks(packs, toAnalyzerResources(run.resources), { config: policyConfig });
        const t2 = nowMs();
        return { ms: t2 - t0, programMs: t1 - t0, analysisMs: t2 - t1, resources: run.resources };
    };

    log(`preview: ${first} run of the ${stack} pipeline`);
    const warm = await runProd();
    const shape = counts(warm.resources);
    const runFloor = underMocks(floorProgram(shape.custom, shape.components));
    log(`preview: ${first} run of the floor program`);
    const warmFloor = await runFloor();
    const floorShape = counts(warmFloor.resources);
    if (floorShape.custom !== shape.custom) {
        throw new Error(`floor program registered ${floorShape.custom} custom resources, the ${stack} program ${shape.custom}`);
    }

    // Without a warm-up the first runs count as measured runs.
    const a: Run[] = opts.warmup === false ? [warm] : [];
    const b: Run[] = opts.warmup === false ? [warmFloor] : [];
    for (let i = a.length + 1; i <= opts.reps; i++) {
        log(`preview: run ${i}/${opts.reps} (${stack}, then floor)`);
        a.push(await runProd());
        b.push(await runFloor());
    }
    const prod = timing(a);
    const floor = timing(b);
    const ratio = prod.total.medianMs / floor.total.medianMs;
    return {
        stack,
        resources: shape,
        floorResources: floorShape,
        findings,
        prod,
        floor,
        ratio: round(ratio, 3),
        programRatio: round(prod.program.medianMs / floor.program.medianMs, 3),
        analysisRatio: round(prod.analysis.medianMs / floor.analysis.medianMs, 3),
        diagnostics: (opts.diagnostics ?? true) ? await diagnose(opts.diagnosticReps ?? 2, runProd, runFloor, underMocks, prod, floor, shape.components) : undefined,
        targets: [target("preview", `${stack} offline preview / floor program`, ratio, 1.5, "x")],
    };
}

async function diagnose(
    reps: number,
    runProd: () => Promise<Run>,
    runFloor: () => Promise<Run>,
    underMocks: (program: () => Promise<Record<string, unknown>>) => () => Promise<Run>,
    prod: PipelineTiming,
    floor: PipelineTiming,
    components: number,
) {
    log("preview: diagnostics (runtime counts, shape-matched floor, runs without stack capture, profiles)");
    const prodRun = await withShapes(() => counted(runProd));
    const floorRun = await withShapes(() => counted(runFloor));
    const label = (r: RecordedResource) => `resource:${r.name}[${r.type}]`;
    const customs = prodRun.value.value.resources.filter((r) => r.custom);
    const keysOf = (recorded: readonly RecordedResource[], byLabel: Map<string, string[]>) => {
        const cs = recorded.filter((r) => r.custom);
        return round(cs.reduce((sum, r) => sum + (byLabel.get(label(r))?.length ?? 0), 0) / Math.max(1, cs.length), 1);
    };
    // The shape-matched floor: the real property keys ("x" where the real resource had an input, undefined for output-only keys).
    const shapes = customs.map((r) => {
        const keys = prodRun.keysByLabel.get(label(r)) ?? Object.keys(r.wire);
        return Object.fromEntries(keys.map((k) => [k, k in r.wire ? "x" : undefined]));
    });
    const runShape = underMocks(plainProgram("shape", shapes, components));
    const shapeFloorCounts = (await counted(runShape)).counts; // also its warm-up
    const shapeTimes: number[] = [];
    for (let i = 0; i < reps; i++) {
        shapeTimes.push((await runShape()).ms);
    }
    const noA: Run[] = [];
    const noB: number[] = [];
    await withoutStacks(runProd); // the first run at a new limit re-warms a few paths
    for (let i = 0; i < Math.max(2, reps); i++) {
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
    const profile = await profileCategories(runProd);
    const profileNoStacks = await profileCategories(() => withoutStacks(runProd));
    return {
        // One profiled run of (a), as is and with Error.stackTraceLimit = 0: self time by category (bench/profile.ts).
        profile: { totalMs: profile.totalMs, categories: profile.categories },
        profileNoStacks: { totalMs: profileNoStacks.totalMs, categories: profileNoStacks.categories },
        // (a) and (b) with Error.stackTraceLimit = 0 for the run: no stack is captured.
        noStacks: {
            prod: sample(noA.map((x) => x.ms)),
            prodProgram: sample(noA.map((x) => x.programMs)),
            prodAnalysis: sample(noA.map((x) => x.analysisMs)),
            floor: sample(noB),
            ratio: round(median(noA.map((x) => x.ms)) / median(noB), 3),
        },
        // Building every AnalyzeRequest plus the AnalyzeStackRequest for (a)'s resources once.
        requestBuildMs: round(median(buildTimes)),
        prodCounts: prodRun.value.counts,
        floorCounts: floorRun.value.counts,
        shapeFloorCounts,
        // Property keys the SDK transfers per custom resource: prod (real classes) vs the plain floor.
        keysPerResource: { prod: keysOf(customs, prodRun.keysByLabel), floor: keysOf(floorRun.value.value.resources, floorRun.keysByLabel) },
        // The shape-matched floor: its time, (a)/shape (our code + data) and shape/(b) (the real classes' SDK cost).
        shapeFloor: {
            total: sample(shapeTimes),
            prodOverShape: round(prod.total.medianMs / median(shapeTimes), 3),
            shapeOverFloor: round(median(shapeTimes) / floor.total.medianMs, 3),
        },
        // Share of (a)'s median that capturing stacks costs: 1 - noStacks(a)/median(a).
        stackShareOfProd: round(1 - median(noA.map((x) => x.ms)) / prod.total.medianMs, 3),
    };
}

function profileRows(a: readonly CategoryTime[], b: readonly CategoryTime[]): string[][] {
    const cell = (xs: readonly CategoryTime[], n: string) => {
        const c = xs.find((x) => x.category === n);
        return c ? `${fmtMs(c.ms)} ${(c.share * 100).toFixed(0).padStart(3)}%` : "-";
    };
    const msOf = (n: string) => a.find((c) => c.category === n)?.ms ?? 0;
    return [...new Set([...a, ...b].filter((c) => c.share >= 0.01).map((c) => c.category))]
        .sort((x, y) => msOf(y) - msOf(x))
        .map((n) => [n, cell(a, n), cell(b, n)]);
}

export function formatPreview(r: PreviewBenchResult): string {
    const rows = [
        ["", "total (median)", "program", "analysis", "samples (ms)"],
        [`(a) ${r.stack} offline preview`, fmtMs(r.prod.total.medianMs), fmtMs(r.prod.program.medianMs), fmtMs(r.prod.analysis.medianMs), fmtSamples(r.prod.total)],
        ["(b) floor program", fmtMs(r.floor.total.medianMs), fmtMs(r.floor.program.medianMs), fmtMs(r.floor.analysis.medianMs), fmtSamples(r.floor.total)],
        ["(a)/(b)", fmtRatio(r.ratio), fmtRatio(r.programRatio), fmtRatio(r.analysisRatio), ""],
    ];
    const lines = [
        `  resources: ${r.resources.custom} custom + ${r.resources.components} components in both (floor: ${r.floorResources.custom} + ${r.floorResources.components}); ${r.findings} findings in (a)`,
        table(rows),
    ];
    const d = r.diagnostics;
    if (d) {
        lines.push(
            `  SDK work per run: debuggablePromises ${d.prodCounts.debuggablePromises} (a) vs ${d.floorCounts.debuggablePromises} (b) vs ${d.shapeFloorCounts.debuggablePromises} (shape floor); ` +
                `stack traces ${d.prodCounts.stackTraces} vs ${d.floorCounts.stackTraces}; frames ${d.prodCounts.stackFrames} vs ${d.floorCounts.stackFrames}; ` +
                `property keys per custom resource ${d.keysPerResource.prod} vs ${d.keysPerResource.floor}`,
            `  shape-matched floor (same resources, same property keys, trivial values): ${fmtMs(d.shapeFloor.total.medianMs)}; ` +
                `shape/(b) ${fmtRatio(d.shapeFloor.shapeOverFloor)} = the real resource classes' SDK cost; (a)/shape ${fmtRatio(d.shapeFloor.prodOverShape)} = our components and their data`,
            `  with Error.stackTraceLimit = 0 (no stacks captured): (a) ${fmtMs(d.noStacks.prod.medianMs)} (program ${fmtMs(d.noStacks.prodProgram.medianMs)}, ` +
                `analysis ${fmtMs(d.noStacks.prodAnalysis.medianMs)}), (b) ${fmtMs(d.noStacks.floor.medianMs)}, (a)/(b) ${fmtRatio(d.noStacks.ratio)}; ` +
                `capturing stacks is ${(d.stackShareOfProd * 100).toFixed(0)}% of (a)`,
            `  building (a)'s analyzer requests once: ${fmtMs(d.requestBuildMs)} (analyzePacks builds them once for all four packs)`,
            `  where (a)'s CPU goes (self time; profiled run as is, ${fmtMs(d.profile.totalMs)} sampled | with the limit at 0, ${fmtMs(d.profileNoStacks.totalMs)}):`,
            table(profileRows(d.profile.categories, d.profileNoStacks.categories)),
        );
    }
    return lines.join("\n");
}
