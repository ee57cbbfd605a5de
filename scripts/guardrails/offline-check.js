/*
 * Runs the Moka guardrail packs the way the Pulumi CLI does, without the CLI: each pack directory is started
 * with `@pulumi/pulumi/cmd/run-policy-pack <engine> <packDir>` (resolved from the pack directory, cwd = the
 * pack directory, exactly as the Node.js language host's RunPlugin does; pulumi/pulumi v3.248.0
 * sdk/nodejs/cmd/pulumi-language-nodejs/main.go), its first stdout line is read as the gRPC port, and it
 * is driven over the Analyzer protocol (GetAnalyzerInfo, Analyze per resource, AnalyzeStack).
 *
 * Shipped in the @moka/guardrails package (scripts/pack-guardrails.js) so an app-team repository can check
 * its program's resources offline, in its own tests, with the packs it installed; the platform's tests use
 * it against the packed tarball. Plain CommonJS, no build step. Writes nothing to stdout.
 */
"use strict";
const { spawn } = require("child_process");
const fs = require("fs");
const path = require("path");

/** Packs shipped in this package (written by pack-guardrails.js), or an empty list outside the package. */
function packagedPacks() {
    const manifest = path.join(__dirname, "packs.json");
    return fs.existsSync(manifest) ? JSON.parse(fs.readFileSync(manifest, "utf8")).map((p) => path.join(__dirname, p)) : [];
}

/** Loads a module the way the pack's runner sees it: resolved from the pack directory. */
function fromPack(packDir, id) {
    return require(require.resolve(id, { paths: [packDir] }));
}

/** The gRPC and protobuf modules @pulumi/pulumi itself uses (resolved through its own directory). */
function protocol(packDir) {
    const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [packDir] }));
    return {
        grpc: require(require.resolve("@grpc/grpc-js", { paths: [pulumiDir] })),
        struct: require(require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [pulumiDir] })),
        empty: require(require.resolve("google-protobuf/google/protobuf/empty_pb", { paths: [pulumiDir] })),
        analyzer: fromPack(packDir, "@pulumi/pulumi/proto/analyzer_pb"),
        AnalyzerClient: fromPack(packDir, "@pulumi/pulumi/proto/analyzer_grpc_pb").AnalyzerClient,
    };
}

const LEVELS = ["advisory", "mandatory", "disabled", "remediate"];

/**
 * Starts one pack as the CLI does; resolves with `{ dir, client, info, close, coldStartMs }` once it printed
 * its port. Rejects (with its stderr) when it exits or prints something other than a port first.
 */
function startPack(packDir, opts = {}) {
    if (!fs.existsSync(path.join(packDir, "PulumiPolicy.yaml"))) {
        return Promise.reject(new Error(`${packDir}: not a policy pack (no PulumiPolicy.yaml)`));
    }
    const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [packDir] });
    const started = Date.now();
    const proc = spawn(process.execPath, [runner, "127.0.0.1:1", packDir], { cwd: packDir, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...(opts.env ?? {}) } });
    const p = protocol(packDir);
    return new Promise((resolve, reject) => {
        let stdout = "";
        let stderr = "";
        let done = false;
        const fail = (e) => {
            if (!done) {
                done = true;
                clearTimeout(timer);
                proc.kill("SIGKILL");
                reject(e);
            }
        };
        const timer = setTimeout(() => fail(new Error(`${packDir}: no port within ${opts.timeoutMs ?? 120000} ms; stderr:\n${stderr}`)), opts.timeoutMs ?? 120000);
        proc.stderr.on("data", (b) => (stderr += b.toString()));
        proc.on("error", (e) => fail(new Error(`${packDir}: could not start the runner: ${e.message}`)));
        proc.on("exit", (code) => fail(new Error(`${packDir}: exited with ${code} before printing a port; stderr:\n${stderr}`)));
        proc.stdout.on("data", (b) => {
            stdout += b.toString();
            if (done || !stdout.includes("\n")) {
                return;
            }
            const first = stdout.slice(0, stdout.indexOf("\n")).trim();
            if (!/^\d+$/.test(first)) {
                fail(new Error(`${packDir}: first stdout line is not a port: ${JSON.stringify(first)}`));
                return;
            }
            done = true;
            clearTimeout(timer);
            const client = new p.AnalyzerClient(`127.0.0.1:${first}`, p.grpc.credentials.createInsecure(), { "grpc.max_receive_message_length": 256 * 1024 * 1024 });
            const call = (method, req) => new Promise((res, rej) => client[method](req, { deadline: Date.now() + 60000 }, (err, resp) => (err ? rej(err) : res(resp))));
            const close = () => {
                client.close();
                if (proc.exitCode === null) {
                    proc.kill("SIGTERM");
                }
            };
            call("getAnalyzerInfo", new p.empty.Empty()).then((info) => resolve({
                dir: packDir,
                coldStartMs: Date.now() - started,
                info: { name: info.getName(), version: info.getVersion(), policies: info.getPoliciesList().map((x) => ({ name: x.getName(), level: LEVELS[x.getEnforcementlevel()] })) },
                call,
                protocol: p,
                close,
                extraStdout: () => stdout.slice(stdout.indexOf("\n") + 1),
            }), (e) => { close(); reject(e); });
        });
    });
}

function toStruct(p, value) {
    return p.struct.Struct.fromJavaScript(JSON.parse(JSON.stringify(value ?? {})));
}

/** The resource options the engine sends with a resource (protect, parent); @pulumi/policy requires them. */
function optionsOf(p, r) {
    const o = new p.analyzer.AnalyzerResourceOptions();
    o.setProtect(r.protect === true);
    if (r.parent) {
        o.setParent(r.parent);
    }
    return o;
}

function diagnosticsOf(pack, resp, urn) {
    return resp.getDiagnosticsList().map((d) => ({
        pack: d.getPolicypackname() || pack.info.name,
        policy: d.getPolicyname(),
        level: LEVELS[d.getEnforcementlevel()] ?? "advisory",
        message: d.getMessage(),
        urn: d.getUrn() || urn,
    }));
}

/**
 * Sends `resources` (`{ urn, type, name, properties, parent?, protect?, dependencies?, propertyDependencies? }`) through
 * a started pack: Analyze for each, then one AnalyzeStack. Resolves with the diagnostics.
 */
async function analyzeWith(pack, resources) {
    const p = pack.protocol;
    const out = [];
    for (const r of resources) {
        const req = new p.analyzer.AnalyzeRequest();
        req.setUrn(r.urn);
        req.setType(r.type);
        req.setName(r.name);
        req.setProperties(toStruct(p, r.properties));
        req.setOptions(optionsOf(p, r));
        out.push(...diagnosticsOf(pack, await pack.call("analyze", req), r.urn));
    }
    const stack = new p.analyzer.AnalyzeStackRequest();
    stack.setResourcesList(resources.map((r) => {
        const m = new p.analyzer.AnalyzerResource();
        m.setUrn(r.urn);
        m.setType(r.type);
        m.setName(r.name);
        m.setProperties(toStruct(p, r.properties));
        m.setOptions(optionsOf(p, r));
        if (r.parent) {
            m.setParent(r.parent);
        }
        m.setDependenciesList([...(r.dependencies ?? [])]);
        const deps = m.getPropertydependenciesMap();
        for (const [k, urns] of Object.entries(r.propertyDependencies ?? {})) {
            const d = new p.analyzer.AnalyzerPropertyDependencies();
            d.setUrnsList([...urns]);
            deps.set(k, d);
        }
        return m;
    }));
    out.push(...diagnosticsOf(pack, await pack.call("analyzeStack", stack), undefined));
    return out;
}

/** Starts every pack (default: the packs of this package), analyzes `resources` with each, stops them. */
async function checkResources(resources, packDirs = packagedPacks()) {
    const diagnostics = [];
    for (const dir of packDirs) {
        const pack = await startPack(dir);
        try {
            diagnostics.push(...await analyzeWith(pack, resources));
        } finally {
            pack.close();
        }
    }
    return diagnostics;
}

module.exports = { analyzeWith, checkResources, packagedPacks, startPack };
