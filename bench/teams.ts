/**
 * Benchmark 4 — a stack with many teams (default 200).
 *
 * `teamsConfig` turns a stack's config map (Pulumi.prod.yaml) into one with `n` generated teams:
 * DNS-1123 names (`bench-team-001` …), the default disjoint data prefixes (`teams/<name>`), and small
 * quotas so config.ts's cross-check (guaranteed CPU, a quarter of each quota by default, must fit the
 * executor pools' combined cpuLimit) passes, and enough m7g.4xlarge system nodes for the teams' History
 * Servers (the capacity cross-check). Everything else stays as in the stack file.
 *
 * `benchTeams` runs the full offline preview on it in a CHILD process (this file run as a script,
 * through preview/run.ts `runPreviewWithConfig`), so the peak RSS is that process's own (VmHWM and
 * process.resourceUsage().maxRSS). Wall time is measured by the parent from spawn to exit (node and
 * ts-node start-up included); the child also reports the pipeline's own phases and the heap it
 * still retains after a forced GC (run with --expose-gc). The child writes nothing to stdout.
 *
 * Child usage: node --expose-gc -r ts-node/register/transpile-only bench/teams.ts <config.json> <result.json>
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { decodeConfigValue } from "../config";
import { DEFAULT_HEADROOM_PERCENT, fitSystemNodes, nodeGroupCapacity } from "../lib/capacity/model";
import { platformSystemPods } from "../lib/capacity/platform";
import { readStackConfig } from "../preview/mocks";
import { runPreviewWithConfig } from "../preview/run";
import { fmtMs, log, nowMs, PROJECT_ROOT, round, target } from "./lib";

export interface TeamsBenchOptions {
    /** Number of teams. Defaults to 200. */
    readonly teams?: number;
    /** Stack whose config is the base. Defaults to "prod". */
    readonly stack?: string;
    /** Child timeout in ms. Defaults to 600000. */
    readonly timeoutMs?: number;
}

/** What the child writes to its result file. */
type TeamsChildResult = Awaited<ReturnType<typeof child>>;
export type TeamsBenchResult = Awaited<ReturnType<typeof benchTeams>>;

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
    const account = String(decodeConfigValue(base["moka:accountId"] ?? "123456789012"));
    // Each team needs its CI role (moka:teams[].access.ci), one principal per team.
    const teams = Array.from({ length: n }, (_, i) => ({ name: teamName(i), quota: { ...quota }, access: { ci: `arn:aws:iam::${account}:role/${teamName(i)}-ci` } }));
    // One History Server per team lives on the system nodes: size the group so config's capacity check passes.
    const cluster = decodeConfigValue(base["moka:cluster"] ?? "{}") as { systemNodes?: Record<string, unknown> };
    const engines = decodeConfigValue(base["moka:engines"] ?? "{}") as { flink?: boolean; ray?: boolean };
    const observability = decodeConfigValue(base["moka:observability"] ?? "{}") as { grafana?: { enabled?: boolean } };
    const pods = platformSystemPods({ teams: n, flink: engines.flink ?? false, ray: engines.ray ?? false, grafana: observability.grafana?.enabled ?? true });
    const type = "m7g.4xlarge";
    let nodes = 3;
    while (!fitSystemNodes(nodeGroupCapacity(type, nodes)!, pods, { headroomPercent: DEFAULT_HEADROOM_PERCENT, customNetworking: true }).fits) {
        nodes++;
    }
    const systemNodes = { ...cluster.systemNodes, instanceTypes: [type], minSize: nodes, desiredSize: nodes, maxSize: nodes * 2 };
    return { ...base, "moka:teams": JSON.stringify(teams), "moka:cluster": JSON.stringify({ ...cluster, systemNodes }) };
}

/** Runs the child and returns its result plus the parent-measured wall time. */
export async function benchTeams(opts: TeamsBenchOptions = {}) {
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
            const args = ["--expose-gc", "-r", "ts-node/register/transpile-only", __filename, configFile, outFile];
            const proc = spawn(process.execPath, args, { cwd: PROJECT_ROOT, stdio: ["ignore", "ignore", "pipe"], timeout: opts.timeoutMs ?? 600000, killSignal: "SIGKILL" });
            let err = "";
            proc.stderr.on("data", (d: Buffer) => (err += d.toString()));
            proc.on("error", reject);
            proc.on("exit", (code, signal) => (code === 0 ? resolve() : reject(new Error(`teams child exited (${code ?? signal}): ${err.slice(-4000)}`))));
        });
        const wallMs = nowMs() - t0;
        const result = JSON.parse(fs.readFileSync(outFile, "utf8")) as TeamsChildResult;
        const peakRssMiB = result.vmHwmMiB ?? result.maxRssMiB;
        return {
            ...result,
            stack,
            wallMs: round(wallMs), // parent-measured: spawn to exit of the child
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

/** The child: the full offline preview of a config map; timings, counts and its own peak RSS. */
async function child(input: { stack: string; config: Record<string, string>; teams: number }) {
    const t0 = nowMs();
    const result = await runPreviewWithConfig({ stack: input.stack, config: input.config });
    const inProcessMs = round(nowMs() - t0); // from the child's own code (modules loaded) to the end of the preview
    // Peak resident set size in MiB: VmHWM when readable, and resourceUsage().maxRSS.
    const vmHwm = /^VmHWM:\s*(\d+)\s*kB/m.exec(fs.existsSync("/proc/self/status") ? fs.readFileSync("/proc/self/status", "utf8") : "");
    const maxRssMiB = round(process.resourceUsage().maxRSS / 1024);
    (globalThis as { gc?: () => void }).gc?.();
    return {
        teams: input.teams,
        resources: result.resources.length,
        customResources: result.resources.filter((r) => r.custom).length,
        findings: result.findings.length,
        mandatory: result.mandatoryCount,
        timings: result.timings,
        inProcessMs,
        vmHwmMiB: vmHwm ? round(Number(vmHwm[1]) / 1024) : undefined,
        maxRssMiB,
        // V8 heap still in use after a forced full GC at the end, with the preview result still referenced.
        retainedHeapMiB: round(process.memoryUsage().heapUsed / 1024 / 1024),
    };
}

if (require.main === module) {
    const [configFile, outFile] = process.argv.slice(2);
    child(JSON.parse(fs.readFileSync(configFile, "utf8"))).then(
        (result) => {
            fs.writeFileSync(outFile, JSON.stringify(result));
            process.exit(0);
        },
        (e) => {
            process.stderr.write(`${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
            process.exit(1);
        },
    );
}

export function formatTeams(r: TeamsBenchResult): string {
    return [
        `  ${r.teams} teams → ${r.resources} resources (${r.customResources} custom), ${r.findings} findings (${r.mandatory} mandatory)`,
        `  wall time ${fmtMs(r.wallMs)} (child process, spawn to exit); in the child: load ${fmtMs(r.timings.loadMs)}, program ${fmtMs(r.timings.programMs)}, ` +
            `policies ${fmtMs(r.timings.policyMs)}, total ${fmtMs(r.timings.totalMs)}`,
        `  peak RSS ${r.peakRssMiB.toFixed(0)} MiB (VmHWM ${r.vmHwmMiB ?? "n/a"} MiB, maxRSS ${r.maxRssMiB} MiB); heap retained after a full GC at the end ${r.retainedHeapMiB} MiB`,
    ].join("\n");
}
