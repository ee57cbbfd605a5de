/**
 * Child process of the teams benchmark (bench/teams.ts): runs the full offline preview on a config
 * map read from a file and writes timings, counts and its own peak RSS to a result file. Writes
 * nothing to stdout.
 *
 * Usage: node --expose-gc -r ts-node/register/transpile-only bench/teams-child.ts <config.json> <result.json>
 */
import * as fs from "fs";
import { runPreviewWithConfig } from "../preview/run";
import { nowMs, peakRssMiB, round } from "./lib";
import type { TeamsChildResult } from "./teams";

async function main(): Promise<void> {
    const [configFile, outFile] = process.argv.slice(2);
    if (!configFile || !outFile) {
        throw new Error("usage: teams-child.ts <config.json> <result.json>");
    }
    const input = JSON.parse(fs.readFileSync(configFile, "utf8")) as { stack: string; config: Record<string, string>; teams: number };
    const t0 = nowMs();
    const result = await runPreviewWithConfig({ stack: input.stack, config: input.config });
    const inProcessMs = nowMs() - t0;
    const rss = peakRssMiB();
    (globalThis as { gc?: () => void }).gc?.();
    const out: TeamsChildResult = {
        teams: input.teams,
        resources: result.resources.length,
        customResources: result.resources.filter((r) => r.custom).length,
        findings: result.findings.length,
        mandatory: result.mandatoryCount,
        timings: result.timings,
        inProcessMs: round(inProcessMs),
        vmHwmMiB: rss.vmHwmMiB,
        maxRssMiB: rss.maxRssMiB,
        retainedHeapMiB: round(process.memoryUsage().heapUsed / 1024 / 1024),
    };
    fs.writeFileSync(outFile, JSON.stringify(out));
}

main().then(
    () => process.exit(0),
    (e) => {
        process.stderr.write(`${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
        process.exit(1);
    },
);
