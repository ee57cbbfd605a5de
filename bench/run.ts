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
 * print PASS or MISS; a miss is a finding, not a failure: the exit code is 1 only when a benchmark
 * crashes (2 for a bad command line). Progress goes to stderr, the report to stdout, the JSON to --out.
 *
 * Benchmarks: cold-start (bench/cold-start.ts), preview (bench/preview.ts), analyze-stack
 * (bench/analyze-stack.ts), teams (bench/teams.ts).
 */
import * as fs from "fs";
import * as path from "path";
import { parseCommandLine, parseOrUsage, UsageError } from "../preview/cli-args";
import { benchAnalyzeStack, formatAnalyzeStack } from "./analyze-stack";
import { benchColdStart, formatColdStart, PACKS } from "./cold-start";
import { fmtRatio, log, machineInfo, machineLine, PROJECT_ROOT, round, Target } from "./lib";
import { benchPreview, formatPreview } from "./preview";
import { benchTeams, formatTeams } from "./teams";

export const BENCHMARKS = ["cold-start", "preview", "analyze-stack", "teams"] as const;
export type BenchmarkName = (typeof BENCHMARKS)[number];

const USAGE = `usage: npm run bench -- [--quick] [--only <name>[,<name>…]] [--out <file>] [--teams <n>]

  --quick          fewer repetitions (cold start 2 rounds, preview 2 runs, AnalyzeStack 1 call)
  --only <names>   run only these: ${BENCHMARKS.join(", ")}
  --out <file>     JSON results file. Default: reports/bench.json
  --teams <n>      teams in the teams benchmark. Default: 200
  -h, --help       this help

Exit code 0 unless a benchmark crashed; missed targets are reported as MISS.`;

const OPTIONS = {
    quick: { type: "boolean" },
    only: { type: "string" },
    out: { type: "string" },
    teams: { type: "string" },
    help: { type: "boolean", short: "h" },
} as const;

/** The command line of `npm run bench`; throws a UsageError (exit 2) for a bad one. */
export function parseBenchArgs(argv: readonly string[]) {
    const v = parseCommandLine(argv, OPTIONS);
    const only = v.only === undefined ? [...BENCHMARKS] : v.only.split(",").map((s) => s.trim()).filter((s) => s !== "");
    const bad = only.filter((n) => !(BENCHMARKS as readonly string[]).includes(n));
    if (bad.length > 0 || only.length === 0) {
        throw new UsageError(`--only: unknown benchmark ${bad.join(", ") || "(none)"}; choose from ${BENCHMARKS.join(", ")}`);
    }
    const teams = Number(v.teams ?? 200);
    if (!Number.isInteger(teams) || teams < 1) {
        throw new UsageError("--teams must be a positive integer");
    }
    return {
        quick: v.quick ?? false,
        only: only as BenchmarkName[],
        out: path.resolve(v.out ?? path.join(PROJECT_ROOT, "reports", "bench.json")),
        teams,
        help: v.help ?? false,
    };
}

/** Repetitions per benchmark for a full or --quick run (chosen to stay within ~5 minutes on 2 cores). */
export function repetitions(quick: boolean) {
    return quick
        ? { coldStart: 2, preview: 2, previewDiagnostic: 1, analyzeStack: 1, analyzeStackPolicy: 2 }
        : { coldStart: 4, preview: 4, previewDiagnostic: 2, analyzeStack: 3, analyzeStackPolicy: 5 };
}

function verdict(t: Target): string {
    const fmt = (x: number) => (t.unit === "x" ? fmtRatio(x) : `${x} ${t.unit}`);
    return `${t.pass ? "PASS" : "MISS"}  ${t.name}: ${fmt(t.value)} (target ≤ ${fmt(t.limit)})`;
}

/** Warns when policies/ or lib/ sources are newer than the prebuilt packs the runner loads. */
function stalePacksWarning(): string | undefined {
    const newest = (dir: string, ext: string): number => !fs.existsSync(dir) ? 0 : Math.max(0, ...fs.readdirSync(dir, { withFileTypes: true }).map((e) => {
        const full = path.join(dir, e.name);
        return e.isDirectory() && e.name !== "node_modules" ? newest(full, ext) : e.name.endsWith(ext) && !e.name.endsWith(".d.ts") ? fs.statSync(full).mtimeMs : 0;
    }));
    const src = Math.max(newest(path.join(PROJECT_ROOT, "policies"), ".ts"), newest(path.join(PROJECT_ROOT, "lib"), ".ts"));
    const built = newest(path.join(PROJECT_ROOT, "build", "packs"), ".js");
    return built === 0
        ? "build/packs is missing: run `node scripts/build-packs.js` (the cold-start benchmark needs the prebuilt packs)"
        : src > built
            ? "policies/ or lib/ changed after build/packs was built: the cold-start benchmark starts the prebuilt JS; run `node scripts/build-packs.js` for current code"
            : undefined;
}

export async function main(argv: readonly string[]): Promise<number> {
    const args = parseOrUsage(argv, USAGE, parseBenchArgs);
    if (typeof args === "number") {
        return args;
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
            r.targets.forEach((t) => out(`  ${verdict(t)}`));
            log(`${name} done in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
        } catch (e) {
            errors[name] = e instanceof Error ? e.stack ?? e.message : String(e);
            out(`  CRASH: ${e instanceof Error ? e.message : String(e)}`);
        }
    };

    await run("cold-start", "pack cold start under the CLI's runner vs a bare one-rule pack", () => benchColdStart({ reps: reps.coldStart, packs: PACKS }), formatColdStart);
    await run("preview", "offline preview of prod vs a floor program with as many resources", () => benchPreview({ reps: reps.preview, diagnosticReps: reps.previewDiagnostic }), formatPreview);
    await run("analyze-stack", "AnalyzeStack scaling, 1,000 → 10,000 generated resources", () => benchAnalyzeStack({ reps: reps.analyzeStack, policyReps: reps.analyzeStackPolicy }), formatAnalyzeStack);
    await run("teams", `full offline preview with ${args.teams} teams, in a child process`, () => benchTeams({ teams: args.teams }), formatTeams);

    const report = {
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

    const json = path.relative(process.cwd(), args.out) || args.out;
    out("");
    out("== summary");
    targets.forEach((t) => out(`  ${verdict(t)}`));
    Object.keys(errors).forEach((name) => out(`  CRASH ${name} (stack in ${json})`));
    out(`  ${targets.filter((t) => t.pass).length} PASS, ${targets.filter((t) => !t.pass).length} MISS, ${Object.keys(errors).length} crashed; ` +
        `${round((Date.now() - started) / 1000, 0)} s; load average after ${report.loadAverageAfter.join(" ")}; JSON: ${json}`);
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
