"use strict";
/*
 * Diagnostic for the cold-start benchmark (bench/cold-start.ts): replays, stage by stage, what
 * @pulumi/pulumi/cmd/run-policy-pack does before a pack prints its gRPC port, and times each stage
 * in this one process:
 *
 *   node start → source-map-support → v8 inspector hooks → the runner's own @pulumi/pulumi modules →
 *   require("typescript") → ts-node register({ typeCheck: true, … }) → @pulumi/policy → the pack's
 *   own require graph → gRPC bind until the port is written.
 *
 * With `--bare` only the last three stages run (the floor: plain node loading the pack).
 * Usage (cwd = the pack directory): node bench/cold-start-stages.js [--bare] <pack-dir>
 * Prints one line on stderr: `BENCH-STAGES {json}` and exits. The pack's port line goes to stdout.
 */
const path = require("path");

const bare = process.argv.includes("--bare");
const packDir = path.resolve(process.argv.filter((a) => !a.startsWith("--")).slice(2)[0] || ".");
const stages = [];
let last = performance.now();
stages.push({ stage: "node start (process spawn to first user code)", ms: last });
function mark(stage) {
    const t = performance.now();
    stages.push({ stage, ms: t - last });
    last = t;
}

const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [packDir, __dirname] }));
const fromPulumi = (m) => require(require.resolve(m, { paths: [pulumiDir] }));

function finish() {
    const total = stages.reduce((s, x) => s + x.ms, 0);
    process.stderr.write(`BENCH-STAGES ${JSON.stringify({ bare, packDir, stages, totalMs: total })}\n`);
    process.exit(0);
}

// Capture the port line the pack's server writes, to time the bind.
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = (chunk, ...rest) => {
    const r = write(chunk, ...rest);
    if (/^\d+\s*$/.test(String(chunk))) {
        mark("gRPC server bind until the port line");
        setImmediate(finish);
    }
    return r;
};

async function main() {
    if (!bare) {
        fromPulumi("source-map-support/register");
        mark("source-map-support/register");
        await require(path.join(pulumiDir, "runtime", "closure", "v8Hooks")).isInitializedAsync();
        mark("v8 inspector hooks (runtime/closure/v8Hooks)");
        fromPulumi("minimist");
        require(path.join(pulumiDir, "cmd", "run-policy-pack", "run"));
        mark("runner modules (@pulumi/pulumi errors, log, runtime/settings, tsutils…)");
        const tsutils = require(path.join(pulumiDir, "tsutils"));
        const { tsnodeRequire, typescriptRequire } = tsutils.typeScriptRequireStrings();
        mark("require(\"typescript\") + require(\"ts-node\") (typeScriptRequireStrings)");
        const compilerOptions = tsutils.loadTypeScriptCompilerOptions("tsconfig.json");
        const tsn = require(tsnodeRequire);
        const ts = require(typescriptRequire);
        const semver = fromPulumi("semver");
        const v = semver.parse(ts.version);
        const nodeNext = v && v.compare(new semver.SemVer("4.7.0")) >= 0;
        tsn.register({
            typeCheck: true,
            skipProject: !require("fs").existsSync("tsconfig.json"),
            compiler: typescriptRequire,
            compilerOptions: { target: "ES2020", module: nodeNext ? "nodenext" : "commonjs", moduleResolution: nodeNext ? "nodenext" : "node", sourceMap: "true", ...compilerOptions },
        });
        mark("ts-node register({ typeCheck: true })");
    }
    require(require.resolve("@pulumi/policy", { paths: [packDir] }));
    mark("require(\"@pulumi/policy\") (pulls in @pulumi/pulumi, grpc-js, protobuf)");
    require(packDir);
    mark("the pack's own modules (package.json main and its imports) + new PolicyPack");
}

main().catch((e) => {
    process.stderr.write(`BENCH-STAGES-ERROR ${e && e.stack ? e.stack : String(e)}\n`);
    process.exit(1);
});
