/**
 * Shared helpers for the benchmarks (bench/run.ts): wall-clock timing, medians, the machine line,
 * targets, the report table and number formatting. No side effects.
 */
import * as fs from "fs";
import * as os from "os";

export { PROJECT_ROOT } from "../preview/mocks";

/** Milliseconds since an arbitrary origin, sub-millisecond resolution. */
export function nowMs(): number {
    return Number(process.hrtime.bigint()) / 1e6;
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
export type Target = ReturnType<typeof target>;

export function target(benchmark: string, name: string, value: number, limit: number, unit: string) {
    return { benchmark, name, value: round(value, unit === "x" ? 2 : 1), limit, unit, pass: value <= limit };
}

/** CPU model, logical cores, memory, node version; the CPU model from /proc/cpuinfo when os.cpus() is vague. */
export function machineInfo() {
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

export function machineLine(m: ReturnType<typeof machineInfo>): string {
    return `machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, node ${m.node}, ${m.platform}, load ${m.loadAverage.join(" ")}`;
}

export function fmtMs(ms: number): string {
    return ms >= 10000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms >= 100 ? 0 : 1)} ms`;
}

export function fmtRatio(x: number): string {
    return `${x.toFixed(2)}x`;
}

/** Sample values in ms, space-separated, for the report. */
export function fmtSamples(s: Sample): string {
    return s.samplesMs.map((x) => x.toFixed(0)).join(" ");
}

/** A report table: the first column left-aligned, the others right-aligned, indented by four spaces. */
export function table(rows: readonly (readonly string[])[]): string {
    const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length)));
    return rows.map((r) => `    ${r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  ")}`).join("\n");
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
