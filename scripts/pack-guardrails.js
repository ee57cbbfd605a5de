#!/usr/bin/env node
/*
 * `npm run pack:guardrails`: the guardrails an app-team repository installs, as versioned npm tarballs in dist/.
 *
 *   dist/moka-guardrails-<version>.tgz   @moka/guardrails: every pack under policies/ (a directory with
 *                                        PulumiPolicy.yaml and package.json) as prebuilt JavaScript, one
 *                                        directory per pack at the package root, so an app team runs
 *                                        `pulumi preview --policy-pack node_modules/@moka/guardrails/<pack>`;
 *                                        the per-stack policy configs (config/<stack>/<pack>.json); the
 *                                        offline runner (offline-check.js) and the `moka-guardrails` bin.
 *   dist/moka-contract-<version>.tgz     @moka/contract: contract/index.ts as JavaScript + declarations,
 *                                        versioned with CONTRACT_VERSION.
 *   build/guardrails/publish/<pack>/     each pack self-contained (its main inside the directory, its own
 *                                        dependencies), what `pulumi policy publish <org>` needs: the CLI
 *                                        npm-packs the directory, and Pulumi Cloud npm-installs the tarball on
 *                                        every consuming CLI (server-side enforcement, README).
 *
 * What the CLI needs from a pack directory (pulumi/pulumi v3.248.0, research notes §10/§11): PulumiPolicy.yaml;
 * a package.json whose `version` is non-empty (PolicyPack reads `${cwd}/package.json`) and whose `main` is the
 * built pack; `@pulumi/pulumi/cmd/run-policy-pack` and `@pulumi/policy` resolvable from the pack directory
 * (the CLI does not npm-install local packs, so they come from the consumer's node_modules: @pulumi/policy
 * is a dependency of the package, @pulumi/pulumi a peer the consumer already has).
 *
 * Packs are discovered, not listed: a pack added under policies/ (e.g. deployability) ships automatically.
 * Offline: `npm pack` of a local directory needs no registry. Prints the tarball paths on stdout, one a line.
 */
"use strict";
const { execFileSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const stage = path.join(root, "build", "guardrails");
const dist = path.join(root, "dist");
const rootPkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
/**
 * The @pulumi/pulumi range the packs need: what the installed @pulumi/policy itself declares (1.21.0:
 * "^3.204.0"). The packs import only @pulumi/policy, and the CLI's runner (@pulumi/pulumi/cmd/run-policy-pack)
 * comes from the consumer, so asking for the platform's own, newer range would only refuse app teams on an
 * older 3.x for no reason.
 */
const policyPkg = JSON.parse(fs.readFileSync(path.join(root, "node_modules", "@pulumi", "policy", "package.json"), "utf8"));
const PULUMI_RANGE_FOR_PACKS = policyPkg.dependencies["@pulumi/pulumi"];
if (!PULUMI_RANGE_FOR_PACKS) {
    throw new Error("pack-guardrails: node_modules/@pulumi/policy/package.json declares no @pulumi/pulumi dependency");
}

function copyDir(from, to) {
    fs.mkdirSync(to, { recursive: true });
    for (const e of fs.readdirSync(from, { withFileTypes: true })) {
        const src = path.join(from, e.name);
        const dst = path.join(to, e.name);
        if (e.isDirectory()) {
            copyDir(src, dst);
        } else {
            fs.copyFileSync(src, dst);
        }
    }
}

function writeJson(file, value) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** Pack directories under policies/: those with both PulumiPolicy.yaml and package.json. */
function discoverPacks() {
    return fs.readdirSync(path.join(root, "policies"), { withFileTypes: true })
        .filter((e) => e.isDirectory() && ["PulumiPolicy.yaml", "package.json"].every((f) => fs.existsSync(path.join(root, "policies", e.name, f))))
        .map((e) => e.name)
        .sort();
}

function npmPack(dir) {
    const npm = process.platform === "win32" ? "npm.cmd" : "npm";
    const out = execFileSync(npm, ["pack", dir, "--pack-destination", dist, "--json", "--silent"], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    return path.join(dist, JSON.parse(out)[0].filename);
}

function guardrailsPackage(packs) {
    const dir = path.join(stage, "guardrails");
    fs.rmSync(dir, { recursive: true, force: true });
    copyDir(path.join(root, "build", "packs"), path.join(dir, "build"));
    for (const pack of packs) {
        const src = path.join(root, "policies", pack);
        const meta = JSON.parse(fs.readFileSync(path.join(src, "package.json"), "utf8"));
        fs.mkdirSync(path.join(dir, pack), { recursive: true });
        fs.copyFileSync(path.join(src, "PulumiPolicy.yaml"), path.join(dir, pack, "PulumiPolicy.yaml"));
        writeJson(path.join(dir, pack, "package.json"), {
            name: meta.name, version: meta.version, private: true, description: meta.description, main: `../build/policies/${pack}/index.js`,
        });
    }
    const configs = path.join(root, "policies", "config");
    if (fs.existsSync(configs)) {
        copyDir(configs, path.join(dir, "config"));
    }
    fs.copyFileSync(path.join(__dirname, "guardrails", "offline-check.js"), path.join(dir, "offline-check.js"));
    fs.mkdirSync(path.join(dir, "bin"), { recursive: true });
    fs.copyFileSync(path.join(__dirname, "guardrails", "cli.js"), path.join(dir, "bin", "moka-guardrails.js"));
    // offline-check.js reads the pack list from here; the bin requires it from the package root.
    fs.writeFileSync(path.join(dir, "bin", "moka-guardrails.js"), fs.readFileSync(path.join(dir, "bin", "moka-guardrails.js"), "utf8").replace('require("./offline-check")', 'require("../offline-check")'));
    writeJson(path.join(dir, "packs.json"), packs);
    fs.writeFileSync(path.join(dir, "README.md"), [
        "# @moka/guardrails",
        "",
        "The Moka platform's Pulumi policy packs, prebuilt. From an app-team project that installed this package:",
        "",
        "```sh",
        ...packs.map((p, i) => `${i === 0 ? "pulumi preview" : "              "} --policy-pack node_modules/@moka/guardrails/${p} \\`),
        "               --stack <org>/<project>/<stack>",
        "npx moka-guardrails verify   # start every pack as the CLI does",
        "```",
        "",
        `Packs: ${packs.join(", ")}. Per-stack policy configs: config/<stack>/<pack>.json (pass with --policy-pack-config).`,
        "",
    ].join("\n"));
    writeJson(path.join(dir, "package.json"), {
        name: "@moka/guardrails",
        version: rootPkg.version,
        description: `The Moka platform's policy packs (${packs.join(", ")}) for app-team Pulumi projects: pulumi preview --policy-pack node_modules/@moka/guardrails/<pack>.`,
        license: rootPkg.license,
        main: "offline-check.js",
        bin: { "moka-guardrails": "bin/moka-guardrails.js" },
        files: ["build/", "config/", "bin/", "offline-check.js", "packs.json", "README.md", ...packs.map((p) => `${p}/`)],
        engines: rootPkg.engines,
        dependencies: { "@pulumi/policy": rootPkg.dependencies["@pulumi/policy"] },
        peerDependencies: { "@pulumi/pulumi": PULUMI_RANGE_FOR_PACKS },
        mokaPacks: packs,
    });
    return dir;
}

/** One self-contained directory per pack for `pulumi policy publish` (run in that directory). */
function publishDirs(packs) {
    const dirs = [];
    for (const pack of packs) {
        const dir = path.join(stage, "publish", pack);
        fs.rmSync(dir, { recursive: true, force: true });
        copyDir(path.join(root, "build", "packs"), path.join(dir, "build"));
        const src = path.join(root, "policies", pack);
        const meta = JSON.parse(fs.readFileSync(path.join(src, "package.json"), "utf8"));
        fs.copyFileSync(path.join(src, "PulumiPolicy.yaml"), path.join(dir, "PulumiPolicy.yaml"));
        writeJson(path.join(dir, "package.json"), {
            name: meta.name, version: meta.version, description: meta.description, license: rootPkg.license,
            main: `build/policies/${pack}/index.js`,
            dependencies: { "@pulumi/policy": rootPkg.dependencies["@pulumi/policy"], "@pulumi/pulumi": PULUMI_RANGE_FOR_PACKS },
        });
        dirs.push(dir);
    }
    return dirs;
}

function contractPackage() {
    const ts = require("typescript");
    const dir = path.join(stage, "contract");
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    const source = path.join(root, "contract", "index.ts");
    const text = fs.readFileSync(source, "utf8");
    const version = /export const CONTRACT_VERSION = "(\d+\.\d+\.\d+)";/.exec(text)?.[1];
    if (!version) {
        throw new Error("pack-guardrails: CONTRACT_VERSION not found in contract/index.ts");
    }
    const options = { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, esModuleInterop: true, strict: true, skipLibCheck: true, declaration: true, outDir: dir, rootDir: path.dirname(source), types: [] };
    const program = ts.createProgram([source], options);
    const result = program.emit();
    const errors = ts.getPreEmitDiagnostics(program).concat(result.diagnostics).filter((d) => d.category === ts.DiagnosticCategory.Error);
    if (errors.length > 0) {
        throw new Error(`pack-guardrails: contract/index.ts: ${errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n")).join("; ")}`);
    }
    fs.copyFileSync(path.join(root, "contract", "README.md"), path.join(dir, "README.md"));
    writeJson(path.join(dir, "package.json"), {
        name: "@moka/contract",
        version,
        description: "The Moka platform's app-team contract: a typed, version-checked StackReference to the platform stack.",
        license: rootPkg.license,
        main: "index.js",
        types: "index.d.ts",
        files: ["index.js", "index.d.ts", "README.md"],
        peerDependencies: { "@pulumi/pulumi": rootPkg.dependencies["@pulumi/pulumi"] },
    });
    return dir;
}

function main() {
    const started = Date.now();
    execFileSync(process.execPath, [path.join(__dirname, "build-packs.js")], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
    const packs = discoverPacks();
    if (packs.length === 0) {
        throw new Error("pack-guardrails: no pack under policies/ (a directory with PulumiPolicy.yaml and package.json)");
    }
    fs.mkdirSync(dist, { recursive: true });
    const tarballs = [npmPack(guardrailsPackage(packs)), npmPack(contractPackage())];
    publishDirs(packs);
    for (const t of tarballs) {
        console.log(path.relative(process.cwd(), t));
    }
    console.error(`pack-guardrails: ${packs.join(", ")} + contract -> ${tarballs.map((t) => path.basename(t)).join(", ")} in ${Date.now() - started} ms`);
}

main();
