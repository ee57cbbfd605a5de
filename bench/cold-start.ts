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
 * Diagnostic (it explains a miss): the floor pack under the real runner, i.e. the runner's own fixed
 * cost, independent of our packs.
 */
import { spawn } from "child_process";
import { once } from "events";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import { PACK_NAMES as PACKS } from "../preview/run";
import { fmtMs, fmtRatio, fmtSamples, log, nowMs, PROJECT_ROOT, round, sample, table, target } from "./lib";

export { PACKS };

export interface ColdStartOptions {
    /** Measured rounds (after one warm-up round). Required. */
    readonly reps: number;
    /** Packs to start. Defaults to all three. */
    readonly packs?: readonly string[];
    /** Run one unmeasured warm-up round first (fills the OS file cache). Defaults to true. */
    readonly warmup?: boolean;
    /** Per-start timeout in ms. Defaults to 60000. */
    readonly timeoutMs?: number;
}

export type ColdStartResult = Awaited<ReturnType<typeof benchColdStart>>;

const RUNNER = path.join(PROJECT_ROOT, "node_modules", "@pulumi", "pulumi", "cmd", "run-policy-pack");
const FLOOR_PACK_DIR = path.join(__dirname, "floor-pack");
const packDir = (pack: string) => path.join(PROJECT_ROOT, "policies", pack);

/**
 * The child environment: ours minus anything that would change how the runner or ts-node behave
 * (NODE_OPTIONS such as `-r ts-node/register`, TS_NODE_* switches), so children start as the CLI starts them.
 */
function childEnv(): NodeJS.ProcessEnv {
    return Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== "NODE_OPTIONS" && !k.startsWith("TS_NODE_")));
}

/** Spawns `node <args>` in `cwd` and resolves with the ms until the first stdout line (a port); kills the child. */
async function timeToFirstLine(args: readonly string[], cwd: string, timeoutMs: number): Promise<number> {
    const t0 = nowMs();
    const child = spawn(process.execPath, [...args], { cwd, stdio: ["ignore", "pipe", "pipe"], env: childEnv(), timeout: timeoutMs, killSignal: "SIGKILL" });
    const what = `node ${args.join(" ")} (cwd ${cwd})`;
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    try {
        const line = await new Promise<string>((resolve, reject) => {
            let out = "";
            child.stdout.on("data", (d: Buffer) => {
                out += d.toString();
                if (out.includes("\n")) {
                    resolve(out.slice(0, out.indexOf("\n")).trim());
                }
            });
            child.on("error", reject);
            child.on("exit", (code, signal) => reject(new Error(`${what} ${signal === "SIGKILL" ? `printed no line within ${timeoutMs} ms` : `exited (${code ?? signal})`}; stderr: ${err.slice(-2000)}`)));
        });
        const ms = nowMs() - t0;
        if (!/^\d+$/.test(line)) {
            throw new Error(`first stdout line of ${what} is not a port: ${JSON.stringify(line)}; stderr: ${err.slice(-2000)}`);
        }
        return ms;
    } finally {
        if (child.exitCode === null && child.signalCode === null) {
            const exited = once(child, "exit");
            child.kill("SIGKILL");
            await exited;
        }
    }
}

/** A TCP listener standing in for the engine: counts connections, accepts nothing else. */
async function fakeEngine(): Promise<{ address: string; connections: () => number; close: () => Promise<void> }> {
    let count = 0;
    const server = net.createServer((sock) => {
        count++;
        sock.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return {
        address: `127.0.0.1:${(server.address() as net.AddressInfo).port}`,
        connections: () => count,
        close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
}

/** Packs must be built (scripts/build-packs.js) for the runner to load prebuilt JS: fail clearly if not. */
function assertPacksBuilt(packs: readonly string[]): void {
    for (const p of packs) {
        const pkg = JSON.parse(fs.readFileSync(path.join(packDir(p), "package.json"), "utf8")) as { main?: string };
        const main = path.resolve(packDir(p), pkg.main ?? "index.js");
        if (![main, `${main}.js`, path.join(main, "index.js")].some((c) => fs.existsSync(c) && fs.statSync(c).isFile())) {
            throw new Error(`policies/${p}: package.json main ${pkg.main} does not exist; run \`node scripts/build-packs.js\` first`);
        }
    }
}

export async function benchColdStart(opts: ColdStartOptions) {
    const packs = opts.packs ?? PACKS;
    const timeoutMs = opts.timeoutMs ?? 60000;
    assertPacksBuilt(packs);
    const engine = await fakeEngine();
    try {
        const runnerArgs = [RUNNER, engine.address, "."];
        const samples = new Map<string, number[]>();
        const jobs = [
            { key: "floor", args: ["index.js"], cwd: FLOOR_PACK_DIR },
            { key: "floor-runner", args: runnerArgs, cwd: FLOOR_PACK_DIR },
            ...packs.map((p) => ({ key: `runner:${p}`, args: runnerArgs, cwd: packDir(p) })),
        ];
        for (let r = opts.warmup === false ? 1 : 0; r <= opts.reps; r++) {
            // The warm-up round (unmeasured) fills the OS file cache: the floor, the runner and one pack are enough.
            const roundJobs = r === 0 ? jobs.slice(0, 3) : jobs;
            log(`cold start: ${r === 0 ? "warm-up round" : `round ${r}/${opts.reps}`} (${roundJobs.length} starts)`);
            for (const job of roundJobs) {
                const ms = await timeToFirstLine(job.args, job.cwd, timeoutMs);
                if (r > 0) {
                    samples.set(job.key, [...(samples.get(job.key) ?? []), ms]);
                }
            }
        }
        const floor = sample(samples.get("floor")!);
        const floorUnderRunner = sample(samples.get("floor-runner")!);
        // Per pack: under the real runner (what the CLI does); ratio = runner / bare floor (the benchmark's ratio);
        // ratioVsRunnerFloor = runner / the floor pack under the runner (what the pack itself adds).
        const results = packs.map((p) => {
            const runner = sample(samples.get(`runner:${p}`)!);
            return { pack: p, runner, ratio: round(runner.medianMs / floor.medianMs, 3), ratioVsRunnerFloor: round(runner.medianMs / floorUnderRunner.medianMs, 3) };
        });
        return {
            command: `node node_modules/@pulumi/pulumi/cmd/run-policy-pack ${engine.address} .   (cwd policies/<pack>)`,
            engineAddress: engine.address,
            engineConnections: engine.connections(), // expected 0: the runner never dials the engine
            floor,
            floorUnderRunner,
            packs: results,
            targets: results.map((r) => target("cold-start", `${r.pack} cold start / floor`, r.ratio, 1.3, "x")),
        };
    } finally {
        await engine.close();
    }
}

export function formatColdStart(r: ColdStartResult): string {
    const rows = [
        ["", "median", "samples (ms)", "/ floor", "/ runner floor"],
        ["floor: node bench/floor-pack (bare)", fmtMs(r.floor.medianMs), fmtSamples(r.floor), "1.00x", ""],
        ["floor pack under the runner", fmtMs(r.floorUnderRunner.medianMs), fmtSamples(r.floorUnderRunner), fmtRatio(r.floorUnderRunner.medianMs / r.floor.medianMs), "1.00x"],
        ...r.packs.map((p) => [`policies/${p.pack} under the runner`, fmtMs(p.runner.medianMs), fmtSamples(p.runner), fmtRatio(p.ratio), fmtRatio(p.ratioVsRunnerFloor)]),
    ];
    return [
        `  command: ${r.command}`,
        `  engine address ${r.engineAddress}: ${r.engineConnections} connection(s) from the runner (expected 0: the runner never dials it)`,
        table(rows),
    ].join("\n");
}
