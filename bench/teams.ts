/**
 * Benchmark 4 — a stack with many teams (default 200).
 *
 * `teamsConfig` turns a stack's config map (Pulumi.prod.yaml) into one with `n` generated teams:
 * DNS-1123 names (`bench-team-001` …), the default disjoint data prefixes (`teams/<name>`), and small
 * quotas so config.ts's cross-check (guaranteed CPU, a quarter of each quota by default, must fit the
 * executor pools' combined cpuLimit) passes. Everything else stays as in the stack file.
 *
 * `benchTeams` runs the full offline preview on it in a CHILD process (bench/teams-child.ts, through
 * preview/run.ts `runPreviewWithConfig`), so the peak RSS is that process's own (VmHWM and
 * process.resourceUsage().maxRSS). Wall time is measured by the parent from spawn to exit (node and
 * ts-node start-up included); the child also reports the pipeline's own phases and the heap it
 * still retains after a forced GC (run with --expose-gc).
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { decodeConfigValue } from "../config";
import { readStackConfig } from "../preview/mocks";
import { BENCH_DIR, log, nowMs, PROJECT_ROOT, round, target, Target } from "./lib";

export interface TeamsBenchOptions {
    /** Number of teams. Defaults to 200. */
    readonly teams?: number;
    /** Stack whose config is the base. Defaults to "prod". */
    readonly stack?: string;
    /** Child timeout in ms. Defaults to 600000. */
    readonly timeoutMs?: number;
}

/** What bench/teams-child.ts writes to its result file. */
export interface TeamsChildResult {
    readonly teams: number;
    readonly resources: number;
    readonly customResources: number;
    readonly findings: number;
    readonly mandatory: number;
    readonly timings: Readonly<Record<string, number>>;
    /** From the start of the child's own code (modules loaded) to the end of the preview. */
    readonly inProcessMs: number;
    readonly vmHwmMiB?: number;
    readonly maxRssMiB: number;
    /** V8 heap still in use after a forced full GC at the end, with the preview result still referenced. */
    readonly retainedHeapMiB: number;
}

export interface TeamsBenchResult extends TeamsChildResult {
    readonly stack: string;
    /** Parent-measured: spawn to exit of the child. */
    readonly wallMs: number;
    readonly peakRssMiB: number;
    readonly targets: readonly Target[];
}

/** A team name: DNS-1123 label, never reserved, unique. */
export function teamName(i: number): string {
    return `bench-team-${String(i + 1).padStart(3, "0")}`;
}

/**
 * The stack's config map with `n` generated teams. Quotas: 40 vCPU / 160 GiB each (guaranteed 10
 * vCPU), so n teams need 10·n guaranteed vCPU; throws if that exceeds the pools' combined cpuLimit.
 */
export function teamsConfig(base: Record<string, string>, n: number): Record<string, string> {
    if (!Number.isInteger(n) || n < 1) {
        throw new Error(`teamsConfig: n must be a positive integer, got ${n}`);
    }
    const pools = decodeConfigValue(base["moka:nodePools"] ?? "{}") as Record<string, { cpuLimit?: number }>;
    const capacity = (pools.graviton?.cpuLimit ?? Infinity) + (pools.x86?.cpuLimit ?? Infinity);
    const quota = { cpu: 40, memoryGi: 160, pods: 200, pvcs: 20, maxApplications: 10 };
    if ((quota.cpu / 4) * n > capacity) {
        throw new Error(`teamsConfig: ${n} teams need ${(quota.cpu / 4) * n} guaranteed vCPU, above the executor pools' ${capacity}`);
    }
    const teams = Array.from({ length: n }, (_, i) => ({ name: teamName(i), quota: { ...quota } }));
    return { ...base, "moka:teams": JSON.stringify(teams) };
}

/** Runs the child and returns its result plus the parent-measured wall time. */
export async function benchTeams(opts: TeamsBenchOptions = {}): Promise<TeamsBenchResult> {
    const n = opts.teams ?? 200;
    const stack = opts.stack ?? "prod";
    const config = teamsConfig(readStackConfig(stack), n);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "moka-bench-teams-"));
    const configFile = path.join(dir, "config.json");
    const outFile = path.join(dir, "result.json");
    fs.writeFileSync(configFile, JSON.stringify({ stack, config, teams: n }));
    try {
        log(`teams: full offline preview of ${n} teams in a child process`);
        const t0 = nowMs();
        await new Promise<void>((resolve, reject) => {
            const child = spawn(
                process.execPath,
                ["--expose-gc", "-r", "ts-node/register/transpile-only", path.join(BENCH_DIR, "teams-child.ts"), configFile, outFile],
                { cwd: PROJECT_ROOT, stdio: ["ignore", "ignore", "pipe"] },
            );
            let err = "";
            const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 600000);
            child.stderr.on("data", (d: Buffer) => {
                err += d.toString();
            });
            child.on("error", reject);
            child.on("exit", (code, signal) => {
                clearTimeout(timer);
                code === 0 ? resolve() : reject(new Error(`teams child exited (${code ?? signal}): ${err.slice(-4000)}`));
            });
        });
        const wallMs = nowMs() - t0;
        const child = JSON.parse(fs.readFileSync(outFile, "utf8")) as TeamsChildResult;
        const peakRssMiB = child.vmHwmMiB ?? child.maxRssMiB;
        return {
            ...child,
            stack,
            wallMs: round(wallMs),
            peakRssMiB,
            targets: [
                target("teams", `${n}-team preview wall time`, wallMs / 1000, 60, "s"),
                target("teams", `${n}-team preview peak RSS`, peakRssMiB / 1024, 2, "GiB"),
            ],
        };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}
