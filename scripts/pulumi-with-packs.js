#!/usr/bin/env node
/*
 * `npm run preview -- --stack <name> [pulumi args…]` and `npm run up -- --stack <name> [pulumi args…]`.
 *
 * The documented way to run the real Pulumi CLI on this project: it always passes the four policy
 * packs, each with the stack's policy config file (policies/config/<stack>/<pack>.json), so no
 * deployment skips the guardrails. The packs are rebuilt first so edited rules are never stale.
 *
 *   npm run preview -- --stack prod
 *   npm run up -- --stack dev --yes
 */
"use strict";
const { spawnSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const PACKS = ["security", "cost", "isolation", "deployability"];
const root = path.resolve(__dirname, "..");

/** Builds the pulumi argv for a command; exported for tests. */
function pulumiArgs(command, argv) {
    if (command !== "preview" && command !== "up") {
        throw new Error(`command must be preview or up, got "${command}"`);
    }
    const rest = [];
    let stack;
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a === "--stack" || a === "-s") {
            stack = argv[++i];
        } else if (a.startsWith("--stack=")) {
            stack = a.slice("--stack=".length);
        } else if (a === "--policy-pack" || a.startsWith("--policy-pack=") || a === "--policy-pack-config" || a.startsWith("--policy-pack-config=")) {
            throw new Error(`${a.split("=")[0]} is set by this script: every run uses the four packs and the stack's config files`);
        } else {
            rest.push(a);
        }
    }
    if (!stack) {
        throw new Error("--stack <name> is required (e.g. npm run preview -- --stack prod)");
    }
    const shortStack = stack.split("/").pop();
    if (!fs.existsSync(path.join(root, `Pulumi.${shortStack}.yaml`))) {
        throw new Error(`no Pulumi.${shortStack}.yaml for stack "${stack}"`);
    }
    const args = [command, "--stack", stack];
    for (const pack of PACKS) {
        const config = path.join("policies", "config", shortStack, `${pack}.json`);
        if (!fs.existsSync(path.join(root, config))) {
            throw new Error(`missing policy config ${config}: every stack needs one per pack`);
        }
        args.push("--policy-pack", path.join("policies", pack), "--policy-pack-config", config);
    }
    return [...args, ...rest];
}

function main() {
    const [command, ...argv] = process.argv.slice(2);
    let args;
    try {
        args = pulumiArgs(command, argv);
    } catch (e) {
        console.error(`error: ${e.message}`);
        return 2;
    }
    const build = spawnSync(process.execPath, [path.join(__dirname, "build-packs.js")], { cwd: root, stdio: "inherit" });
    if (build.status !== 0) {
        return build.status || 1;
    }
    const pulumi = process.env.PULUMI_BIN || "pulumi";
    console.error(`+ ${pulumi} ${args.join(" ")}`);
    const run = spawnSync(pulumi, args, { cwd: root, stdio: "inherit" });
    if (run.error && run.error.code === "ENOENT") {
        console.error("error: the Pulumi CLI is not installed (https://www.pulumi.com/docs/install/). Offline, use `npm start`.");
        return 127;
    }
    return run.status === null ? 1 : run.status;
}

module.exports = { pulumiArgs, PACKS };

if (require.main === module) {
    process.exitCode = main();
}
