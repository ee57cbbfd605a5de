/**
 * `npm run pack:guardrails` and what an app team does with its tarballs, for real:
 * - the tarballs hold every pack under policies/ (PulumiPolicy.yaml, a versioned package.json, prebuilt JS)
 *   and the contract as JavaScript + declarations;
 * - installed into an EMPTY project (`npm install --prefer-offline <tarball>`: @pulumi/policy and its
 *   @pulumi/pulumi come from the npm cache or registry), each pack starts exactly as the Pulumi CLI starts
 *   it (`node <resolved @pulumi/pulumi/cmd/run-policy-pack> <engine> <packDir>`, cwd = the pack directory)
 *   and a public bucket draws a mandatory violation over the Analyzer protocol;
 * - the app-team template, copied out of this repository with the tarballs in place of the repository's
 *   sources, installs and passes its own `npm test`.
 */
import { strict as assert } from "assert";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CONTRACT_VERSION } from "../../contract";
import { PROJECT_ROOT } from "../../preview/mocks";

const NPM = process.platform === "win32" ? "npm.cmd" : "npm";
const PACKS = fs.readdirSync(path.join(PROJECT_ROOT, "policies"), { withFileTypes: true })
    .filter((e) => e.isDirectory() && ["PulumiPolicy.yaml", "package.json"].every((f) => fs.existsSync(path.join(PROJECT_ROOT, "policies", e.name, f))))
    .map((e) => e.name).sort();
const rootPkg = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8"));

function npm(cwd: string, args: string[]): string {
    return execFileSync(NPM, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, npm_config_update_notifier: "false" } });
}

function tarList(tgz: string): string[] {
    return execFileSync("tar", ["tzf", tgz], { encoding: "utf8" }).split("\n").filter(Boolean).map((f) => f.replace(/^package\//, ""));
}

interface Installed {
    startPack(dir: string): Promise<{ info: { name: string; version: string; policies: { name: string }[] }; close(): void; extraStdout(): string; coldStartMs: number }>;
    analyzeWith(pack: unknown, resources: object[]): Promise<{ pack: string; policy: string; level: string; message: string; urn?: string }[]>;
}

describe("npm run pack:guardrails: tarballs an app-team project installs", function () {
    this.timeout(600_000);
    let guardrails: string;
    let contract: string;
    let tmp: string;

    before(() => {
        const out = execFileSync(process.execPath, [path.join(PROJECT_ROOT, "scripts", "pack-guardrails.js")], { cwd: PROJECT_ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
        [guardrails, contract] = out.trim().split("\n").map((f) => path.resolve(PROJECT_ROOT, f));
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "moka-guardrails-"));
    });

    after(() => {
        fs.rmSync(tmp, { recursive: true, force: true });
    });

    it("writes versioned tarballs to dist/: @moka/guardrails at the platform version, @moka/contract at CONTRACT_VERSION", () => {
        assert.equal(path.relative(PROJECT_ROOT, guardrails), `dist/moka-guardrails-${rootPkg.version}.tgz`);
        assert.equal(path.relative(PROJECT_ROOT, contract), `dist/moka-contract-${CONTRACT_VERSION}.tgz`);
    });

    it("the guardrails tarball holds every pack under policies/ with PulumiPolicy.yaml, a versioned package.json and prebuilt JS", () => {
        const files = tarList(guardrails);
        assert.ok(PACKS.length >= 3, PACKS.join(", "));
        for (const pack of PACKS) {
            assert.ok(files.includes(`${pack}/PulumiPolicy.yaml`), pack);
            assert.ok(files.includes(`${pack}/package.json`), pack);
            assert.ok(files.includes(`build/policies/${pack}/index.js`), pack);
        }
        assert.ok(!files.some((f) => f.endsWith(".ts")), "no TypeScript: the CLI's runner never type-checks");
        for (const f of ["package.json", "offline-check.js", "bin/moka-guardrails.js", "packs.json", "README.md"]) {
            assert.ok(files.includes(f), f);
        }
    });

    it("the guardrails ask for the @pulumi/pulumi range @pulumi/policy itself declares (not the platform's newer one)", () => {
        const policy = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "node_modules", "@pulumi", "policy", "package.json"), "utf8"));
        assert.equal(policy.dependencies["@pulumi/pulumi"], "^3.204.0", "@pulumi/policy 1.21.0's declared range");
        const pkg = JSON.parse(execFileSync("tar", ["xzOf", guardrails, "package/package.json"], { encoding: "utf8" }));
        assert.deepEqual(pkg.peerDependencies, { "@pulumi/pulumi": policy.dependencies["@pulumi/pulumi"] });
        assert.deepEqual(pkg.dependencies, { "@pulumi/policy": rootPkg.dependencies["@pulumi/policy"] });
        for (const pack of PACKS) {
            const meta = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "build", "guardrails", "publish", pack, "package.json"), "utf8"));
            assert.equal(meta.dependencies["@pulumi/pulumi"], policy.dependencies["@pulumi/pulumi"], pack);
        }
    });

    it("the contract tarball holds index.js and its declarations, with @pulumi/pulumi as a peer", () => {
        assert.deepEqual(tarList(contract).sort(), ["README.md", "index.d.ts", "index.js", "package.json"]);
        const pkg = JSON.parse(execFileSync("tar", ["xzOf", contract, "package/package.json"], { encoding: "utf8" }));
        assert.deepEqual({ name: pkg.name, version: pkg.version, main: pkg.main, types: pkg.types, peer: pkg.peerDependencies }, {
            name: "@moka/contract", version: CONTRACT_VERSION, main: "index.js", types: "index.d.ts", peer: { "@pulumi/pulumi": rootPkg.dependencies["@pulumi/pulumi"] },
        });
    });

    it("stages one self-contained directory per pack for `pulumi policy publish` (main inside it, its own dependencies)", () => {
        for (const pack of PACKS) {
            const dir = path.join(PROJECT_ROOT, "build", "guardrails", "publish", pack);
            const meta = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
            assert.ok(fs.existsSync(path.join(dir, "PulumiPolicy.yaml")), pack);
            assert.ok(!path.relative(dir, path.resolve(dir, meta.main)).startsWith(".."), `${pack}: main ${meta.main} must be inside the directory`);
            assert.deepEqual(Object.keys(meta.dependencies).sort(), ["@pulumi/policy", "@pulumi/pulumi"]);
            // What `pulumi policy publish` uploads: `npm pack` of the directory.
            const files = (JSON.parse(npm(dir, ["pack", "--dry-run", "--json", "--silent"]))[0].files as { path: string }[]).map((f) => f.path);
            assert.ok(files.includes(meta.main) && files.includes("PulumiPolicy.yaml"), `${pack}: ${files.slice(0, 5).join(", ")}`);
        }
    });

    describe("installed into an empty project", () => {
        let project: string;
        let lib: Installed;
        before(() => {
            project = path.join(tmp, "empty");
            fs.mkdirSync(project);
            fs.writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "empty", version: "1.0.0", private: true }));
            npm(project, ["install", "--prefer-offline", "--no-audit", "--no-fund", guardrails]);
            lib = require(path.join(project, "node_modules", "@moka", "guardrails", "offline-check.js")) as Installed;
        });

        it("installs @moka/guardrails with @pulumi/policy and the @pulumi/pulumi peer, each pack directory where --policy-pack expects it", () => {
            const pkgDir = path.join(project, "node_modules", "@moka", "guardrails");
            for (const pack of PACKS) {
                const meta = JSON.parse(fs.readFileSync(path.join(pkgDir, pack, "package.json"), "utf8"));
                const source = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "policies", pack, "package.json"), "utf8"));
                assert.equal(meta.version, source.version, `${pack} keeps its version (PolicyPack reads it from the cwd)`);
                assert.ok(fs.existsSync(path.resolve(pkgDir, pack, meta.main)), `${pack} main`);
                // What the Node.js language host resolves, from the pack directory: the consumer's runner.
                assert.equal(require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [path.join(pkgDir, pack)] }),
                    path.join(project, "node_modules", "@pulumi", "pulumi", "cmd", "run-policy-pack", "index.js"));
            }
            assert.ok(fs.existsSync(path.join(project, "node_modules", "@pulumi", "policy", "package.json")));
        });

        for (const pack of PACKS) {
            it(`${pack}: starts as the CLI starts it, answers GetAnalyzerInfo, and prints nothing but its port`, async () => {
                const p = await lib.startPack(path.join(project, "node_modules", "@moka", "guardrails", pack));
                try {
                    assert.match(p.info.name, /^moka-/);
                    assert.ok(p.info.policies.length > 0);
                    assert.equal(p.extraStdout(), "");
                } finally {
                    p.close();
                }
            });
        }

        it("security: a public bucket is a mandatory violation through the CLI's runner; a private one is not", async () => {
            const dir = path.join(project, "node_modules", "@moka", "guardrails", "security");
            const bucket = { urn: "urn:pulumi:dev::app::aws:s3/bucket:Bucket::site", type: "aws:s3/bucket:Bucket", name: "site", properties: { bucket: "app-site" } };
            const acl = (value: string) => ({ urn: "urn:pulumi:dev::app::aws:s3/bucketAclV2:BucketAclV2::site-acl", type: "aws:s3/bucketAclV2:BucketAclV2", name: "site-acl", properties: { bucket: "app-site", acl: value } });
            const p = await lib.startPack(dir);
            try {
                const bad = (await lib.analyzeWith(p, [bucket, acl("public-read")])).filter((d) => d.level === "mandatory");
                assert.deepEqual([...new Set(bad.map((d) => d.policy))].sort(), ["s3-bucket-public-access-block", "s3-no-public-acl"]);
                const good = (await lib.analyzeWith(p, [bucket, acl("private")])).filter((d) => d.level === "mandatory");
                assert.deepEqual(good.map((d) => d.policy), ["s3-bucket-public-access-block"], "the private ACL clears s3-no-public-acl (the missing PAB stays)");
            } finally {
                p.close();
            }
        });

        it("`moka-guardrails verify` starts every pack; `moka-guardrails packs` lists their --policy-pack directories", () => {
            const bin = path.join(project, "node_modules", ".bin", "moka-guardrails");
            const verify = spawnSync(bin, ["verify"], { cwd: project, encoding: "utf8" });
            assert.equal(verify.status, 0, verify.stdout + verify.stderr);
            assert.equal(verify.stdout.trim().split("\n").filter((l) => l.startsWith("ok ")).length, PACKS.length, verify.stdout);
            const packs = spawnSync(bin, ["packs"], { cwd: project, encoding: "utf8" });
            assert.deepEqual(packs.stdout.trim().split("\n"), PACKS.map((p) => `node_modules/@moka/guardrails/${p}`));
        });
    });

    it("the app-team template, copied out with the tarballs as its platform packages, installs and passes its own npm test", () => {
        const project = path.join(tmp, "team-spark-job");
        fs.cpSync(path.join(PROJECT_ROOT, "examples", "team-spark-job"), project, { recursive: true, filter: (src) => !src.includes("node_modules") });
        const pkg = JSON.parse(fs.readFileSync(path.join(project, "package.json"), "utf8"));
        pkg.dependencies["@moka/contract"] = `file:${contract}`;
        pkg.devDependencies["@moka/guardrails"] = `file:${guardrails}`;
        fs.writeFileSync(path.join(project, "package.json"), JSON.stringify(pkg, null, 2));
        npm(project, ["install", "--prefer-offline", "--no-audit", "--no-fund"]);
        const env = { ...process.env };
        delete env.MOKA_GUARDRAILS_MODULE;
        delete env.MOKA_GUARDRAIL_PACK_DIRS;
        const r = spawnSync(NPM, ["test", "--silent"], { cwd: project, encoding: "utf8", env });
        assert.equal(r.status, 0, r.stdout + r.stderr);
        assert.match(r.stdout, /\b12 passing\b/);
        assert.doesNotMatch(r.stdout, /pending/);
    });
});
