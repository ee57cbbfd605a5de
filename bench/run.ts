/**
 * `npm run bench` — the project's performance benchmarks.
 *
 *   npm run bench                              # all four, full repetitions (~5 min on 2 cores)
 *   npm run bench -- --quick                   # fewer repetitions
 *   npm run bench -- --only analyze-stack      # one benchmark (comma-separate several)
 *   npm run bench -- --out reports/bench.json  # where the JSON goes (this is the default)
 *
 * Every figure is a MEDIAN of repeated runs, shown as a RATIO to a floor measured in the same run
 * (so machine load shifts both alike) next to the absolute numbers, plus the machine line. Targets
 * print PASS or MISS; a miss is a finding, not a failure: the exit code is non-zero only when a
 * benchmark crashes. Progress goes to stderr, the report to stdout, the JSON to --out.
 *
 * Benchmarks: cold-start (bench/cold-start.ts), preview (bench/preview.ts), analyze-stack
 * (bench/analyze-stack.ts), teams (bench/teams.ts).
 */
import * as fs from "fs";
import * as path from "path";
import { AnalyzeStackResult, benchAnalyzeStack } from "./analyze-stack";
import { benchColdStart, ColdStartResult, PACKS } from "./cold-start";
import { fmtMs, fmtRatio, log, machineInfo, machineLine, PROJECT_ROOT, round, Target } from "./lib";
import { benchPreview, PreviewBenchResult } from "./preview";
import type { CategoryTime } from "./profile";
import { benchTeams, TeamsBenchResult } from "./teams";

export const BENCHMARKS = ["cold-start", "preview", "analyze-stack", "teams"] as const;
export type BenchmarkName = (typeof BENCHMARKS)[number];

const USAGE = `usage: npm run bench -- [--quick] [--only <name>[,<name>…]] [--out <file>] [--teams <n>]

  --quick          fewer repetitions (cold start 2 rounds, preview 2 runs, AnalyzeStack 1 call)
  --only <names>   run only these: ${BENCHMARKS.join(", ")}
  --out <file>     JSON results file. Default: reports/bench.json
  --teams <n>      teams in the teams benchmark. Default: 200
  -h, --help       this help

Exit code 0 unless a benchmark crashed; missed targets are reported as MISS.`;

export interface BenchArgs {
    quick: boolean;
    only: BenchmarkName[];
    out: string;
    teams: number;
    help: boolean;
}

export function parseBenchArgs(argv: readonly string[]): BenchArgs {
    const args: BenchArgs = { quick: false, only: [...BENCHMARKS], out: path.join(PROJECT_ROOT, "reports", "bench.json"), teams: 200, help: false };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        const [flag, inline] = a.startsWith("--") && a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
        const value = (): string => {
            const v = inline ?? argv[++i];
            if (v === undefined) {
                throw new Error(`${flag} needs a value`);
            }
            return v;
        };
        switch (flag) {
            case "--quick":
                args.quick = true;
                break;
            case "--only": {
                const names = value().split(",").map((s) => s.trim()).filter((s) => s !== "");
                const bad = names.filter((n) => !(BENCHMARKS as readonly string[]).includes(n));
                if (bad.length > 0 || names.length === 0) {
                    throw new Error(`--only: unknown benchmark ${bad.join(", ") || "(none)"}; choose from ${BENCHMARKS.join(", ")}`);
                }
                args.only = names as BenchmarkName[];
                break;
            }
            case "--out":
                args.out = path.resolve(value());
                break;
            case "--teams": {
                const n = Number(value());
                if (!Number.isInteger(n) || n < 1) {
                    throw new Error("--teams must be a positive integer");
                }
                args.teams = n;
                break;
            }
            case "-h":
            case "--help":
                args.help = true;
                break;
            default:
                throw new Error(`unknown argument "${a}"`);
        }
    }
    return args;
}

/** Repetitions per benchmark for a full or --quick run (chosen to stay within ~5 minutes on 2 cores). */
export function repetitions(quick: boolean) {
    return quick
        ? { coldStart: 2, preview: 2, previewDiagnostic: 1, analyzeStack: 1, analyzeStackPolicy: 2 }
        : { coldStart: 4, preview: 4, previewDiagnostic: 2, analyzeStack: 3, analyzeStackPolicy: 5 };
}

// ---------------------------------------------------------------------------------------------
// Report text
// ---------------------------------------------------------------------------------------------

function verdict(t: Target): string {
    const v = t.unit === "x" ? fmtRatio(t.value) : `${t.value} ${t.unit}`;
    const l = t.unit === "x" ? fmtRatio(t.limit) : `${t.limit} ${t.unit}`;
    return `${t.pass ? "PASS" : "MISS"}  ${t.name}: ${v} (target ≤ ${l})`;
}

function table(rows: string[][]): string {
    const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length)));
    return rows.map((r) => `    ${r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  ")}`).join("\n");
}

export function formatColdStart(r: ColdStartResult): string {
    const rows = [["", "median", "samples (ms)", "/ floor", "/ runner floor", "no-TS runner", "/ floor"]];
    rows.push(["floor: node bench/floor-pack (bare)", fmtMs(r.floor.medianMs), r.floor.samplesMs.map((x) => x.toFixed(0)).join(" "), "1.00x", "", "", ""]);
    rows.push(["floor pack under the runner", fmtMs(r.floorUnderRunner.medianMs), r.floorUnderRunner.samplesMs.map((x) => x.toFixed(0)).join(" "), fmtRatio(r.floorUnderRunner.medianMs / r.floor.medianMs), "1.00x", "", ""]);
    for (const p of r.packs) {
        rows.push([
            `policies/${p.pack} under the runner`,
            fmtMs(p.runner.medianMs),
            p.runner.samplesMs.map((x) => x.toFixed(0)).join(" "),
            fmtRatio(p.ratio),
            fmtRatio(p.ratioVsRunnerFloor),
            p.runnerNoTypeScript ? fmtMs(p.runnerNoTypeScript.medianMs) : "-",
            p.ratioNoTypeScript !== undefined ? fmtRatio(p.ratioNoTypeScript) : "-",
        ]);
    }
    const lines = [
        `  command: ${r.command}`,
        `  engine address ${r.engineAddress}: ${r.engineConnections} connection(s) from the runner (expected 0: the runner never dials it)`,
        table(rows),
    ];
    const stages = r.packs.find((p) => p.stages)?.stages;
    if (stages && r.floorStages) {
        lines.push("  where the time goes (one replay each; bench/cold-start-stages.js):");
        const srows = [["stage", "floor (bare)", ...r.packs.filter((p) => p.stages).map((p) => p.pack)]];
        for (const s of stages) {
            const floorStage = r.floorStages.find((f) => f.stage === s.stage);
            srows.push([s.stage, floorStage ? fmtMs(floorStage.ms) : "-", ...r.packs.filter((p) => p.stages).map((p) => fmtMs(p.stages!.find((x) => x.stage === s.stage)?.ms ?? 0))]);
        }
        srows.push(["total", fmtMs(r.floorStages.reduce((a, s) => a + s.ms, 0)), ...r.packs.filter((p) => p.stages).map((p) => fmtMs(p.stages!.reduce((a, s) => a + s.ms, 0)))]);
        lines.push(table(srows));
    }
    return lines.join("\n");
}

function profileRows(a: readonly CategoryTime[], b: readonly CategoryTime[]): string[][] {
    const names = [...new Set([...a, ...b].filter((c) => c.share >= 0.01).map((c) => c.category))];
    const cell = (xs: readonly CategoryTime[], n: string) => {
        const c = xs.find((x) => x.category === n);
        return c ? `${fmtMs(c.ms)} ${(c.share * 100).toFixed(0).padStart(3)}%` : "-";
    };
    return names
        .sort((x, y) => (a.find((c) => c.category === y)?.ms ?? 0) - (a.find((c) => c.category === x)?.ms ?? 0))
        .map((n) => [n, cell(a, n), cell(b, n)]);
}

export function formatPreview(r: PreviewBenchResult): string {
    const rows = [["", "total (median)", "program", "analysis", "samples (ms)"]];
    rows.push([`(a) ${r.stack} offline preview`, fmtMs(r.prod.total.medianMs), fmtMs(r.prod.program.medianMs), fmtMs(r.prod.analysis.medianMs), r.prod.total.samplesMs.map((x) => x.toFixed(0)).join(" ")]);
    rows.push(["(b) floor program", fmtMs(r.floor.total.medianMs), fmtMs(r.floor.program.medianMs), fmtMs(r.floor.analysis.medianMs), r.floor.total.samplesMs.map((x) => x.toFixed(0)).join(" ")]);
    rows.push(["(a)/(b)", fmtRatio(r.ratio), fmtRatio(r.programRatio), fmtRatio(r.analysisRatio), ""]);
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
            `  building (a)'s analyzer requests once: ${fmtMs(d.requestBuildMs)} (analyzePacks builds them once per pack, 3x)`,
            `  where (a)'s CPU goes (self time; profiled run as is, ${fmtMs(d.profile.totalMs)} sampled | with the limit at 0, ${fmtMs(d.profileNoStacks.totalMs)}):`,
            table(profileRows(d.profile.categories, d.profileNoStacks.categories)),
        );
    }
    return lines.join("\n");
}

export function formatAnalyzeStack(r: AnalyzeStackResult): string {
    const [prev, last] = r.sizes.length >= 2 ? r.sizes.slice(-2) : [r.sizes[0], r.sizes[0]];
    const lines = [
        `  synthetic ${r.environment} stacks (bench/synthetic.ts, ${Object.keys(r.typeMix).length} resource types); outside the handler, per size: ` +
            r.sizes.map((n) => `${n}: request build ${fmtMs(r.requestBuildMs[n])}, protobuf decode ${fmtMs(r.requestDecodeMs[n])} (${(r.requestBytes[n] / 1e6).toFixed(1)} MB)`).join("; "),
    ];
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
            rows.push([
                `  own: ${pol.policy}`,
                ...r.sizes.map((n) => `${fmtMs(pol.ownBySize[n].medianMs)} (min ${fmtMs(pol.ownMinBySize[n])})`),
                `${fmtRatio(pol.ratio)}${pol.doubling ? `; ${pol.doubling.from}→${pol.doubling.to}: ${fmtRatio(pol.doubling.ratio)}${pol.doubling.ratio > 3 ? " SUPER-LINEAR?" : ""}` : ""}`,
                r.sizes.map((n) => pol.violations[n]).join("/"),
            ]);
        }
    }
    lines.push(table(rows));
    lines.push(
        "  (framework floor = @pulumi/policy deserializing and proxying the whole stack once per stack policy; own = the policy's validateStack alone,",
        "   median (min), its ratios on the min, incl. half→full size where both exceed the CPU caches: ~2x linear, ~4x quadratic;",
        "   projected = one floor share + the policies' own medians, i.e. the pack if the handler built the resources once per call)",
    );
    return lines.join("\n");
}

export function formatTeams(r: TeamsBenchResult): string {
    return [
        `  ${r.teams} teams → ${r.resources} resources (${r.customResources} custom), ${r.findings} findings (${r.mandatory} mandatory)`,
        `  wall time ${fmtMs(r.wallMs)} (child process, spawn to exit); in the child: load ${fmtMs(r.timings.loadMs)}, program ${fmtMs(r.timings.programMs)}, ` +
            `policies ${fmtMs(r.timings.policyMs)}, total ${fmtMs(r.timings.totalMs)}`,
        `  peak RSS ${r.peakRssMiB.toFixed(0)} MiB (VmHWM ${r.vmHwmMiB ?? "n/a"} MiB, maxRSS ${r.maxRssMiB} MiB); heap retained after a full GC at the end ${r.retainedHeapMiB} MiB`,
    ].join("\n");
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

export interface BenchReport {
    readonly startedAt: string;
    readonly command: string;
    readonly quick: boolean;
    readonly machine: ReturnType<typeof machineInfo>;
    readonly loadAverageAfter: readonly number[];
    readonly durationMs: number;
    readonly results: Partial<Record<BenchmarkName, unknown>>;
    readonly errors: Partial<Record<BenchmarkName, string>>;
    readonly targets: readonly Target[];
}

/** Warns when policies/ or lib/ sources are newer than the prebuilt packs the runner loads. */
function stalePacksWarning(): string | undefined {
    const newest = (dir: string, ext: string): number => {
        if (!fs.existsSync(dir)) {
            return 0;
        }
        let m = 0;
        for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
            const full = path.join(dir, e.name);
            if (e.isDirectory() && e.name !== "node_modules") {
                m = Math.max(m, newest(full, ext));
            } else if (e.name.endsWith(ext) && !e.name.endsWith(".d.ts")) {
                m = Math.max(m, fs.statSync(full).mtimeMs);
            }
        }
        return m;
    };
    const src = Math.max(newest(path.join(PROJECT_ROOT, "policies"), ".ts"), newest(path.join(PROJECT_ROOT, "lib"), ".ts"));
    const built = newest(path.join(PROJECT_ROOT, "build", "packs"), ".js");
    return built === 0
        ? "build/packs is missing: run `node scripts/build-packs.js` (the cold-start benchmark needs the prebuilt packs)"
        : src > built
          ? "policies/ or lib/ changed after build/packs was built: the cold-start benchmark starts the prebuilt JS; run `node scripts/build-packs.js` for current code"
          : undefined;
}

export async function main(argv: readonly string[]): Promise<number> {
    let args: BenchArgs;
    try {
        args = parseBenchArgs(argv);
    } catch (e) {
        process.stderr.write(`error: ${(e as Error).message}\n\n${USAGE}\n`);
        return 2;
    }
    if (args.help) {
        process.stdout.write(`${USAGE}\n`);
        return 0;
    }
    const started = Date.now();
    const reps = repetitions(args.quick);
    const machine = machineInfo();
    const command = `npm run bench${argv.length > 0 ? ` -- ${argv.join(" ")}` : ""}`;
    const out = (s: string) => process.stdout.write(`${s}\n`);
    out(`moka benchmarks — ${command}`);
    out(machineLine(machine));
    out(`repetitions: ${JSON.stringify(reps)}${args.quick ? " (--quick)" : ""}; medians of repeated runs, ratios to floors measured in this run`);
    const stale = args.only.includes("cold-start") ? stalePacksWarning() : undefined;
    if (stale) {
        out(`note: ${stale}`);
    }

    const results: Partial<Record<BenchmarkName, unknown>> = {};
    const errors: Partial<Record<BenchmarkName, string>> = {};
    const targets: Target[] = [];
    const run = async <R extends { targets: readonly Target[] }>(name: BenchmarkName, title: string, fn: () => Promise<R>, format: (r: R) => string) => {
        if (!args.only.includes(name)) {
            return;
        }
        out("");
        out(`== ${name}: ${title}`);
        const t0 = Date.now();
        try {
            const r = await fn();
            results[name] = r;
            targets.push(...r.targets);
            out(format(r));
            for (const t of r.targets) {
                out(`  ${verdict(t)}`);
            }
            log(`${name} done in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
        } catch (e) {
            errors[name] = e instanceof Error ? e.stack ?? e.message : String(e);
            out(`  CRASH: ${e instanceof Error ? e.message : String(e)}`);
        }
    };

    await run("cold-start", "pack cold start under the CLI's runner vs a bare one-rule pack", () => benchColdStart({ reps: reps.coldStart, packs: PACKS }), formatColdStart);
    await run("preview", "offline preview of prod vs a floor program with as many resources", () => benchPreview({ reps: reps.preview, diagnosticReps: reps.previewDiagnostic }), formatPreview);
    await run("analyze-stack", "AnalyzeStack scaling, 1,000 → 10,000 synthetic resources", () => benchAnalyzeStack({ reps: reps.analyzeStack, policyReps: reps.analyzeStackPolicy }), formatAnalyzeStack);
    await run("teams", `full offline preview with ${args.teams} teams, in a child process`, () => benchTeams({ teams: args.teams }), formatTeams);

    const report: BenchReport = {
        startedAt: new Date(started).toISOString(),
        command,
        quick: args.quick,
        machine,
        loadAverageAfter: machineInfo().loadAverage,
        durationMs: Date.now() - started,
        results,
        errors,
        targets,
    };
    fs.mkdirSync(path.dirname(args.out), { recursive: true });
    fs.writeFileSync(args.out, `${JSON.stringify(report, null, 2)}\n`);

    out("");
    out("== summary");
    for (const t of targets) {
        out(`  ${verdict(t)}`);
    }
    for (const name of Object.keys(errors)) {
        out(`  CRASH ${name} (stack in ${path.relative(process.cwd(), args.out) || args.out})`);
    }
    out(`  ${targets.filter((t) => t.pass).length} PASS, ${targets.filter((t) => !t.pass).length} MISS, ${Object.keys(errors).length} crashed; ` +
        `${round((Date.now() - started) / 1000, 0)} s; load average after ${report.loadAverageAfter.join(" ")}; JSON: ${path.relative(process.cwd(), args.out) || args.out}`);
    return Object.keys(errors).length > 0 ? 1 : 0;
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => {
            process.exitCode = code;
        },
        (e) => {
            process.stderr.write(`bench crashed: ${e instanceof Error ? e.stack : String(e)}\n`);
            process.exitCode = 1;
        },
    );
}
