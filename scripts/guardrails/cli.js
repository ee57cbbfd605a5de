#!/usr/bin/env node
/*
 * `moka-guardrails` (the @moka/guardrails package's bin): what an app-team repository runs in CI.
 *
 *   moka-guardrails packs             prints the --policy-pack directories of the installed packs, one a line
 *   moka-guardrails verify            starts every pack as the Pulumi CLI does and checks that it answers
 *
 * `verify` proves the packs run with this project's dependencies (the CLI does not npm-install local packs),
 * before `pulumi preview --policy-pack ...` depends on it. Exit codes: 0 ok, 1 a pack failed, 2 bad usage.
 */
"use strict";
const path = require("path");
const { packagedPacks, startPack } = require("./offline-check");

async function main(argv) {
    const packs = packagedPacks();
    const cwd = process.cwd();
    switch (argv[0]) {
        case "packs":
            for (const dir of packs) {
                console.log(path.relative(cwd, dir) || ".");
            }
            return 0;
        case "verify": {
            let failed = 0;
            for (const dir of packs) {
                try {
                    const pack = await startPack(dir);
                    pack.close();
                    console.log(`ok   ${pack.info.name}@${pack.info.version}: ${pack.info.policies.length} policies, started in ${pack.coldStartMs} ms (${path.relative(cwd, dir)})`);
                } catch (e) {
                    failed++;
                    console.log(`FAIL ${path.relative(cwd, dir)}: ${e.message}`);
                }
            }
            return failed === 0 && packs.length > 0 ? 0 : 1;
        }
        default:
            console.error("usage: moka-guardrails packs | verify");
            return 2;
    }
}

main(process.argv.slice(2)).then((code) => process.exit(code), (e) => {
    console.error(e);
    process.exit(1);
});
