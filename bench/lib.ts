/**
 * Shared helpers for the benchmarks (bench/run.ts): wall-clock timing, medians, the machine line,
 * targets and number formatting. No side effects.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export const BENCH_DIR = __dirname;
export const PROJECT_ROOT = path.resolve(__dirname, "..");

/** Milliseconds since an arbitrary origin, sub-millisecond resolution. */
export function nowMs(): number {
    return Number(process.hrtime.bigint()) / 1e6;
}

/** Runs `fn` and returns its result and duration in ms. */
export async function timed<T>(fn: () => Promise<T> | T): Promise<{ value: T; ms: number }> {
    const t0 = nowMs();
    const value = await fn();
    return { value, ms: nowMs() - t0 };
}

/** The median of a non-empty sample (mean of the middle two for even sizes). */
export function median(xs: readonly number[]): number {
    if (xs.length === 0) {
        throw new Error("median of an empty sample");
    }
    const s = [...xs].sort((a, b) => a - b);
    const mid = Math.floor(s.length / 2);
    return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** A timing summary: median plus the raw samples (ms), rounded for the report. */
export interface Sample {
    readonly medianMs: number;
    readonly samplesMs: readonly number[];
}

export function sample(xs: readonly number[]): Sample {
    return { medianMs: round(median(xs)), samplesMs: xs.map(round) };
}

export function round(x: number, digits = 1): number {
    const f = 10 ** digits;
    return Math.round(x * f) / f;
}

/** One target: PASS when `value <= limit`. A missed target is reported, never an error. */
export interface Target {
    readonly benchmark: string;
    readonly name: string;
    readonly value: number;
    readonly limit: number;
    readonly unit: string;
    readonly pass: boolean;
}

export function target(benchmark: string, name: string, value: number, limit: number, unit: string): Target {
    return { benchmark, name, value: round(value, unit === "x" ? 2 : 1), limit, unit, pass: value <= limit };
}

export interface MachineInfo {
    readonly cpuModel: string;
    readonly cores: number;
    readonly memoryGiB: number;
    readonly node: string;
    readonly platform: string;
    readonly loadAverage: readonly number[];
}

/** CPU model, logical cores, memory, node version; the CPU model from /proc/cpuinfo when os.cpus() is vague. */
export function machineInfo(): MachineInfo {
    const cpus = os.cpus();
    let model = cpus[0]?.model?.trim() || "unknown";
    try {
        const info = fs.readFileSync("/proc/cpuinfo", "utf8");
        const m = /^model name\s*:\s*(.+)$/m.exec(info);
        if (m && m[1].trim().length > model.length) {
            model = m[1].trim();
        }
    } catch {
        // not Linux: os.cpus() is all there is
    }
    return {
        cpuModel: model,
        cores: cpus.length,
        memoryGiB: round(os.totalmem() / 1024 ** 3, 1),
        node: process.version,
        platform: `${os.platform()} ${os.release()} ${os.arch()}`,
        loadAverage: os.loadavg().map((x) => round(x, 2)),
    };
}

export function machineLine(m: MachineInfo): string {
    return `machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, node ${m.node}, ${m.platform}, load ${m.loadAverage.join(" ")}`;
}

export function fmtMs(ms: number): string {
    return ms >= 10000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms >= 100 ? 0 : 1)} ms`;
}

export function fmtRatio(x: number): string {
    return `${x.toFixed(2)}x`;
}

let logging = true;

/** Turns progress output on or off (the smoke test turns it off). */
export function setLogging(enabled: boolean): void {
    logging = enabled;
}

/** Progress output: stderr, so stdout stays the report. */
export function log(message: string): void {
    if (logging) {
        process.stderr.write(`  · ${message}\n`);
    }
}

/** Peak resident set size of this process in MiB (VmHWM when readable, else resourceUsage().maxRSS). */
export function peakRssMiB(): { vmHwmMiB?: number; maxRssMiB: number } {
    let vmHwmMiB: number | undefined;
    try {
        const m = /^VmHWM:\s*(\d+)\s*kB/m.exec(fs.readFileSync("/proc/self/status", "utf8"));
        vmHwmMiB = m ? round(Number(m[1]) / 1024) : undefined;
    } catch {
        vmHwmMiB = undefined;
    }
    return { vmHwmMiB, maxRssMiB: round(process.resourceUsage().maxRSS / 1024) };
}
