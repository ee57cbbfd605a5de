/**
 * Benchmark 1 — pack cold start under the CLI's runner.
 *
 * For each pack, spawns exactly what the Pulumi CLI's Node.js language host runs for a policy pack:
 * `node node_modules/@pulumi/pulumi/cmd/run-policy-pack <engine-address> .` with cwd = the pack
 * directory (the CLI passes "." as the program, see pkg/resource/plugin/analyzer_plugin.go), and
 * times spawn → first stdout line (the gRPC port), then kills it. The engine address is a real TCP
 * listener on 127.0.0.1 that counts connections: the runner must never dial it (checked).
 *
 * Floor: bare `node bench/floor-pack/index.js` — @pulumi/policy serving a one-rule pack — timed the
 * same way. Rounds are interleaved (floor, pack, pack, …) so machine-load drift hits all alike.
 *
 * Diagnostics (always measured, they explain a miss):
 *  - the floor pack under the real runner: the runner's own fixed cost, independent of our packs;
 *  - each pack under bench/runner-no-typescript.js: the same runner with `typeScript: false`;
 *  - one stage-by-stage replay of the runner (bench/cold-start-stages.js) per pack and for the floor.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import { PACK_NAMES as PACKS } from "../preview/run";
import { BENCH_DIR, log, median, nowMs, PROJECT_ROOT, round, sample, Sample, target, Target } from "./lib";

export { PACKS };

export interface ColdStartOptions {
    /** Measured rounds (after one warm-up round). Required. */
    readonly reps: number;
    /** Packs to start. Defaults to all three. */
    readonly packs?: readonly string[];
    /** Also time each pack under the runner without TypeScript, and replay the stages. Defaults to true. */
    readonly diagnostics?: boolean;
    /** Run one unmeasured warm-up round first (fills the OS file cache). Defaults to true. */
    readonly warmup?: boolean;
    /** Per-start timeout in ms. Defaults to 60000. */
    readonly timeoutMs?: number;
}

export interface StageTiming {
    readonly stage: string;
    readonly ms: number;
}

export interface PackColdStart {
    readonly pack: string;
    /** Under the real runner (what the CLI does). */
    readonly runner: Sample;
    /** runner median / bare floor median: the benchmark's ratio. */
    readonly ratio: number;
    /** runner median / floor-pack-under-the-runner median: what the pack itself adds. */
    readonly ratioVsRunnerFloor: number;
    /** Under the runner with typeScript: false (diagnostic). */
    readonly runnerNoTypeScript?: Sample;
    readonly ratioNoTypeScript?: number;
    readonly stages?: readonly StageTiming[];
}

export interface ColdStartResult {
    readonly command: string;
    readonly engineAddress: string;
    /** Connections the runner made to the engine address (expected 0). */
    readonly engineConnections: number;
    readonly floor: Sample;
    readonly floorUnderRunner: Sample;
    readonly floorStages?: readonly StageTiming[];
    readonly floorUnderRunnerStages?: readonly StageTiming[];
    readonly packs: readonly PackColdStart[];
    readonly targets: readonly Target[];
}

const RUNNER = path.join(PROJECT_ROOT, "node_modules", "@pulumi", "pulumi", "cmd", "run-policy-pack");
const NO_TS_RUNNER = path.join(BENCH_DIR, "runner-no-typescript.js");
const STAGES = path.join(BENCH_DIR, "cold-start-stages.js");
export const FLOOR_PACK_DIR = path.join(BENCH_DIR, "floor-pack");

/**
 * The child environment: ours minus anything that would change how the runner or ts-node behave
 * (NODE_OPTIONS such as `-r ts-node/register`, TS_NODE_* switches), so children start as the CLI starts them.
 */
export function childEnv(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) {
        if (k !== "NODE_OPTIONS" && !k.startsWith("TS_NODE_")) {
            env[k] = v;
        }
    }
    return env;
}

export function packDir(pack: string): string {
    return path.join(PROJECT_ROOT, "policies", pack);
}

/** Spawns `node <args>` in `cwd` and resolves with the ms until the first stdout line; kills the child. */
export function timeToFirstLine(args: readonly string[], cwd: string, timeoutMs = 60000): Promise<{ ms: number; line: string }> {
    return new Promise((resolve, reject) => {
        const t0 = nowMs();
        const child = spawn(process.execPath, [...args], { cwd, stdio: ["ignore", "pipe", "pipe"], env: childEnv() });
        let out = "";
        let err = "";
        let done = false;
        const finish = (e: Error | undefined, result?: { ms: number; line: string }) => {
            if (done) {
                return;
            }
            done = true;
            clearTimeout(timer);
            if (child.exitCode === null && child.signalCode === null) {
                child.once("exit", () => (e ? reject(e) : resolve(result!)));
                child.kill("SIGKILL");
            } else {
                e ? reject(e) : resolve(result!);
            }
        };
        const timer = setTimeout(() => finish(new Error(`no stdout line within ${timeoutMs} ms from node ${args.join(" ")} (cwd ${cwd}); stderr: ${err.slice(-2000)}`)), timeoutMs);
        child.stdout.on("data", (d: Buffer) => {
            out += d.toString();
            const nl = out.indexOf("\n");
            if (nl >= 0) {
                const ms = nowMs() - t0;
                const line = out.slice(0, nl).trim();
                if (!/^\d+$/.test(line)) {
                    finish(new Error(`first stdout line of node ${args.join(" ")} is not a port: ${JSON.stringify(line)}; stderr: ${err.slice(-2000)}`));
                } else {
                    finish(undefined, { ms, line });
                }
            }
        });
        child.stderr.on("data", (d: Buffer) => {
            err += d.toString();
        });
        child.on("error", (e) => finish(e));
        child.on("exit", (code, signal) => finish(new Error(`node ${args.join(" ")} exited (${code ?? signal}) before printing a port; stderr: ${err.slice(-2000)}`)));
    });
}

/** Replays the runner's stages in one child (bench/cold-start-stages.js). */
export function stageTimings(cwd: string, bare: boolean, timeoutMs = 60000): Promise<StageTiming[]> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [STAGES, ...(bare ? ["--bare"] : []), cwd], { cwd, stdio: ["ignore", "ignore", "pipe"], env: childEnv() });
        let err = "";
        const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
        child.stderr.on("data", (d: Buffer) => {
            err += d.toString();
        });
        child.on("error", reject);
        child.on("exit", () => {
            clearTimeout(timer);
            const m = /^BENCH-STAGES (.+)$/m.exec(err);
            if (!m) {
                reject(new Error(`stage replay failed in ${cwd}: ${err.slice(-2000)}`));
                return;
            }
            const parsed = JSON.parse(m[1]) as { stages: StageTiming[] };
            resolve(parsed.stages.map((s) => ({ stage: s.stage, ms: round(s.ms) })));
        });
    });
}

/** A TCP listener standing in for the engine: counts connections, accepts nothing else. */
async function fakeEngine(): Promise<{ address: string; connections: () => number; close: () => Promise<void> }> {
    let count = 0;
    const server = net.createServer((sock) => {
        count++;
        sock.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as net.AddressInfo).port;
    return {
        address: `127.0.0.1:${port}`,
        connections: () => count,
        close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
}

/** Packs must be built (scripts/build-packs.js) for the runner to load prebuilt JS: fail clearly if not. */
export function assertPacksBuilt(packs: readonly string[]): void {
    for (const p of packs) {
        const pkg = JSON.parse(fs.readFileSync(path.join(packDir(p), "package.json"), "utf8")) as { main?: string };
        const main = path.resolve(packDir(p), pkg.main ?? "index.js");
        const candidates = [main, `${main}.js`, path.join(main, "index.js")];
        if (!candidates.some((c) => fs.existsSync(c) && fs.statSync(c).isFile())) {
            throw new Error(`policies/${p}: package.json main ${pkg.main} does not exist; run \`node scripts/build-packs.js\` first`);
        }
    }
}

export async function benchColdStart(opts: ColdStartOptions): Promise<ColdStartResult> {
    const packs = opts.packs ?? PACKS;
    const diagnostics = opts.diagnostics ?? true;
    const timeoutMs = opts.timeoutMs ?? 60000;
    assertPacksBuilt(packs);
    const engine = await fakeEngine();
    try {
        const runnerArgs = [RUNNER, engine.address, "."];
        const noTsArgs = [NO_TS_RUNNER, engine.address, "."];
        type Key = string;
        const samples = new Map<Key, number[]>();
        const jobs: { key: Key; args: readonly string[]; cwd: string }[] = [
            { key: "floor", args: ["index.js"], cwd: FLOOR_PACK_DIR },
            { key: "floor-runner", args: runnerArgs, cwd: FLOOR_PACK_DIR },
            ...packs.map((p) => ({ key: `runner:${p}`, args: runnerArgs, cwd: packDir(p) })),
            ...(diagnostics ? packs.map((p) => ({ key: `nots:${p}`, args: noTsArgs, cwd: packDir(p) })) : []),
        ];
        for (let round = opts.warmup === false ? 1 : 0; round <= opts.reps; round++) {
            // The warm-up round (unmeasured) fills the OS file cache: the floor, the runner and one pack are enough.
            const roundJobs = round === 0 ? jobs.slice(0, 3) : jobs;
            log(`cold start: ${round === 0 ? "warm-up round" : `round ${round}/${opts.reps}`} (${roundJobs.length} starts)`);
            for (const job of roundJobs) {
                const { ms } = await timeToFirstLine(job.args, job.cwd, timeoutMs);
                if (round > 0) {
                    samples.set(job.key, [...(samples.get(job.key) ?? []), ms]);
                }
            }
        }
        const floor = sample(samples.get("floor")!);
        const floorUnderRunner = sample(samples.get("floor-runner")!);
        let floorStages: StageTiming[] | undefined;
        let floorUnderRunnerStages: StageTiming[] | undefined;
        const stagesByPack = new Map<string, StageTiming[]>();
        if (diagnostics) {
            log("cold start: stage-by-stage replay of the runner");
            floorStages = await stageTimings(FLOOR_PACK_DIR, true, timeoutMs);
            floorUnderRunnerStages = await stageTimings(FLOOR_PACK_DIR, false, timeoutMs);
            for (const p of packs) {
                stagesByPack.set(p, await stageTimings(packDir(p), false, timeoutMs));
            }
        }
        const results: PackColdStart[] = packs.map((p) => {
            const runner = sample(samples.get(`runner:${p}`)!);
            const noTs = samples.get(`nots:${p}`);
            return {
                pack: p,
                runner,
                ratio: round(runner.medianMs / floor.medianMs, 3),
                ratioVsRunnerFloor: round(runner.medianMs / floorUnderRunner.medianMs, 3),
                runnerNoTypeScript: noTs ? sample(noTs) : undefined,
                ratioNoTypeScript: noTs ? round(median(noTs) / floor.medianMs, 3) : undefined,
                stages: stagesByPack.get(p),
            };
        });
        return {
            command: `node node_modules/@pulumi/pulumi/cmd/run-policy-pack ${engine.address} .   (cwd policies/<pack>)`,
            engineAddress: engine.address,
            engineConnections: engine.connections(),
            floor,
            floorUnderRunner,
            floorStages,
            floorUnderRunnerStages,
            packs: results,
            targets: results.map((r) => target("cold-start", `${r.pack} cold start / floor`, r.ratio, 1.3, "x")),
        };
    } finally {
        await engine.close();
    }
}
