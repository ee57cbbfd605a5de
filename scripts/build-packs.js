#!/usr/bin/env node
/*
 * Builds the policy packs to plain JavaScript under build/packs/, so the Pulumi CLI's pack runner
 * (@pulumi/pulumi/cmd/run-policy-pack) loads prebuilt JS instead of type-checking TypeScript through
 * ts-node on every start. Runs on `npm ci` / `npm install` (the `prepare` script) and before the
 * `preview` / `up` scripts. Transpile-only: type errors are caught by `npm test` (tsc --noEmit).
 *
 * Writes nothing to stdout on success except one summary line on stderr.
 */
"use strict";
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const outRoot = path.join(root, "build", "packs");
const sources = ["policies", "lib"];

let ts;
try {
    ts = require("typescript");
} catch {
    console.error("build-packs: typescript is not installed; run `npm ci` (with dev dependencies) first");
    process.exit(1);
}

function walk(dir) {
    const out = [];
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) {
            if (entry.name === "node_modules" || entry.name === "bin") continue;
            out.push(...walk(full));
        } else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) {
            out.push(full);
        }
    }
    return out;
}

const started = Date.now();
fs.rmSync(outRoot, { recursive: true, force: true });
let count = 0;
for (const src of sources) {
    const dir = path.join(root, src);
    if (!fs.existsSync(dir)) continue;
    for (const file of walk(dir)) {
        const rel = path.relative(root, file);
        const result = ts.transpileModule(fs.readFileSync(file, "utf8"), {
            fileName: file,
            reportDiagnostics: true,
            compilerOptions: {
                target: ts.ScriptTarget.ES2022,
                module: ts.ModuleKind.CommonJS,
                esModuleInterop: true,
                sourceMap: false,
                inlineSourceMap: true,
                inlineSources: false,
            },
        });
        const syntax = (result.diagnostics || []).filter((d) => d.category === ts.DiagnosticCategory.Error);
        if (syntax.length > 0) {
            for (const d of syntax) {
                console.error(`build-packs: ${rel}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
            }
            process.exit(1);
        }
        const target = path.join(outRoot, rel.replace(/\.ts$/, ".js"));
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, result.outputText);
        count++;
    }
}
console.error(`build-packs: transpiled ${count} files to ${path.relative(root, outRoot)} in ${Date.now() - started} ms`);
