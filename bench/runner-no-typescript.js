"use strict";
/*
 * Diagnostic for the cold-start benchmark (bench/cold-start.ts), never used by the project:
 * @pulumi/pulumi's policy-pack runner (node_modules/@pulumi/pulumi/cmd/run-policy-pack/index.js)
 * exactly as shipped, except that it passes `typeScript: false` to the same `run()` — so it does not
 * load the TypeScript compiler or register ts-node. That is what the runner would do if it honoured
 * `runtime.options.typescript: false` in PulumiPolicy.yaml (the CLI already forwards runtime options
 * to it as `-typescript=false`; pulumi/pulumi#4830). Timing it next to the real runner shows what
 * the TypeScript registration costs a prebuilt-JS pack.
 *
 * Usage: node bench/runner-no-typescript.js <engine-address> <pack-dir>   (cwd = the pack directory)
 */
const path = require("path");

const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [process.cwd(), __dirname] }));
require(require.resolve("source-map-support/register", { paths: [pulumiDir] }));
const minimist = require(require.resolve("minimist", { paths: [pulumiDir] }));

const argv = minimist(process.argv.slice(2), {});
if (argv._.length < 2) {
    console.error("usage: runner-no-typescript.js <engine-address> <program>");
    process.exit(2);
}
argv._.shift();
process.on("uncaughtException", (err) => {
    console.error(err && err.stack ? err.stack : String(err));
    process.exitCode = 1;
});
require(path.join(pulumiDir, "runtime", "closure", "v8Hooks"))
    .isInitializedAsync()
    .then(() =>
        require(path.join(pulumiDir, "cmd", "run-policy-pack", "run")).run({
            argv,
            programStarted: () => undefined,
            reportLoggedError: () => undefined,
            typeScript: false,
        }),
    );
