import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";
// The validator checks a workflow against GitHub's workflow JSON schema (compiled to WebAssembly).
import { validateWorkflow } from "@action-validator/core";

const FILE = path.resolve(__dirname, "../../.github/workflows/app-team.yml");

describe("reusable app-team workflow (.github/workflows/app-team.yml)", () => {
    const text = fs.readFileSync(FILE, "utf8");
    const wf = yaml.load(text) as any;

    it("validates against the GitHub workflow schema", () => {
        assert.deepEqual(validateWorkflow(text).errors, []);
    });

    it("the validator rejects a broken one (so the check can fail)", () => {
        assert.ok(validateWorkflow(text.replace("workflow_call:", "workflow_cal:")).errors.length > 0);
        assert.ok(validateWorkflow(text.replace("type: string\n        default: dev", "type: text\n        default: dev")).errors.length > 0);
    });

    it("is reusable only (on: workflow_call), with the stacks required and the credentials optional secrets", () => {
        assert.deepEqual(Object.keys(wf.on), ["workflow_call"]);
        const call = wf.on.workflow_call;
        assert.deepEqual(Object.keys(call.inputs).sort(), ["aws-region", "node-version", "npm-registry-url", "policy-config", "runs-on", "stacks", "working-directory"]);
        assert.equal(call.inputs.stacks.required, true);
        assert.deepEqual(Object.keys(call.secrets).sort(), ["AWS_ROLE_ARN", "PULUMI_ACCESS_TOKEN", "npm-token"]);
        assert.ok(Object.values(call.secrets).every((s: any) => s.required === false));
        assert.deepEqual(wf.permissions, { contents: "read" });
    });

    it("checks: install, the team's tests (mocks + packs), then every pack started as the CLI starts it", () => {
        const steps = wf.jobs.checks.steps.map((s: any) => s.run ?? s.uses);
        const idx = (needle: string) => steps.findIndex((s: string) => s.includes(needle));
        assert.ok(idx("npm ci") >= 0 && idx("npm test") > idx("npm ci") && idx("moka-guardrails verify") > idx("npm test"), steps.join(" | "));
        assert.equal(wf.jobs.checks.defaults.run["working-directory"], "${{ inputs.working-directory }}");
    });

    it("preview: the real pulumi preview per stack with every installed pack and a config per pack, as the team's CI role", () => {
        const job = wf.jobs.preview;
        assert.deepEqual(job.needs, "checks");
        assert.equal(job.strategy.matrix.stack, "${{ fromJSON(inputs.stacks) }}");
        assert.equal(job.permissions["id-token"], "write");
        const aws = job.steps.find((s: any) => String(s.uses).startsWith("aws-actions/configure-aws-credentials@"));
        assert.equal(aws.with["role-to-assume"], "${{ secrets.AWS_ROLE_ARN }}");
        const pulumi = job.steps.find((s: any) => String(s.uses).startsWith("pulumi/actions@"));
        assert.equal(pulumi.with.command, "preview");
        assert.equal(pulumi.with["stack-name"], "${{ matrix.stack }}");
        assert.equal(pulumi.with.policyPacks, "${{ steps.packs.outputs.packs }}");
        assert.equal(pulumi.with.policyPackConfigs, "${{ steps.packs.outputs.configs }}");
        const packs = job.steps.find((s: any) => s.id === "packs").run as string;
        assert.match(packs, /npx --no-install moka-guardrails packs/);
        assert.match(packs, /node_modules\/@moka\/guardrails\/config\/\$\{\{ inputs\.policy-config \}\}/);
        // Every step after the notice runs only with both credentials (secrets cannot be read in a job-level `if`).
        assert.equal(job.env.HAS_CREDENTIALS, "${{ secrets.PULUMI_ACCESS_TOKEN != '' && secrets.AWS_ROLE_ARN != '' }}");
        assert.ok(job.steps.slice(1).every((s: any) => String(s.if).startsWith("env.HAS_CREDENTIALS == 'true'")), job.steps.map((s: any) => s.if).join(" | "));
    });

    it("the preview job (it talks to the cluster API) runs on the caller's runners; the checks (mocks only) on GitHub-hosted", () => {
        assert.equal(wf.jobs.preview["runs-on"], "${{ fromJSON(inputs.runs-on) }}");
        assert.equal(wf.on.workflow_call.inputs["runs-on"].default, '["ubuntu-latest"]');
        assert.deepEqual(JSON.parse(wf.on.workflow_call.inputs["runs-on"].default), ["ubuntu-latest"], "the default is valid JSON for fromJSON");
        assert.match(wf.on.workflow_call.inputs["runs-on"].description, /moka:cluster\.privateAccess/);
        assert.match(wf.on.workflow_call.inputs["runs-on"].description, /publicAccessCidrs/);
        assert.equal(wf.jobs.checks["runs-on"], "ubuntu-latest");
        const warn = wf.jobs.preview.steps.find((s: any) => s.name === "Runner network");
        assert.equal(warn.if, "env.HAS_CREDENTIALS == 'true' && inputs.runs-on == '[\"ubuntu-latest\"]'");
    });

    it("@moka/* come from the caller's registry: setup-node maps the scope with the token, the project .npmrc reads MOKA_NPM_REGISTRY, unset it cannot resolve", () => {
        assert.equal(wf.env.MOKA_NPM_REGISTRY, "${{ inputs.npm-registry-url || 'https://npm-registry-url-not-set.invalid/' }}");
        for (const job of ["checks", "preview"]) {
            const steps = wf.jobs[job].steps;
            const node = steps.find((s: any) => String(s.uses).startsWith("actions/setup-node@"));
            assert.deepEqual([node.with["registry-url"], node.with.scope], ["${{ inputs.npm-registry-url }}", "@moka"], job);
            const install = steps.find((s: any) => s.run === "npm ci");
            assert.equal(install.env.NODE_AUTH_TOKEN, "${{ secrets.npm-token }}", job);
        }
        const steps = wf.jobs.checks.steps.map((s: any) => s.id ?? s.run ?? s.uses);
        assert.ok(steps.indexOf("lockfile") >= 0 && steps.indexOf("lockfile") < steps.indexOf("npm ci"), "the lockfile check runs before npm ci");
    });

    describe("the lockfile check, run as the workflow runs it (bash, in the project directory)", () => {
        const script = (wf.jobs.checks.steps.find((s: any) => s.id === "lockfile").run as string);
        let dir: string;
        beforeEach(() => {
            dir = fs.mkdtempSync(path.join(os.tmpdir(), "app-team-lockfile-"));
        });
        afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

        const REGISTRY = "https://acme-111111111111.d.codeartifact.us-west-2.amazonaws.com/npm/internal/";
        const lock = (resolved: Record<string, string>) => ({ name: "t", lockfileVersion: 3, packages: { "": {}, ...Object.fromEntries(Object.entries(resolved).map(([p, r]) => [p, { version: "2.1.0", resolved: r }])) } });
        const run = (pkg: object, lockfile: object | undefined, registry: string) => {
            fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify(pkg));
            if (lockfile) {
                fs.writeFileSync(path.join(dir, "package-lock.json"), JSON.stringify(lockfile));
            }
            const r = spawnSync("bash", ["-c", script], { cwd: dir, encoding: "utf8", env: { ...process.env, NPM_REGISTRY_URL: registry } });
            return { status: r.status, out: r.stdout + r.stderr };
        };
        const fromRegistry = { dependencies: { "@moka/contract": "^2.1.0", "@pulumi/pulumi": "^3.248.0" }, devDependencies: { "@moka/guardrails": "^0.1.0" } };

        it("no lockfile: fails, saying to npm install against the registry and commit it", () => {
            const r = run(fromRegistry, undefined, REGISTRY);
            assert.equal(r.status, 1);
            assert.match(r.out, /::error file=package-lock.json::package-lock.json is missing: npm ci installs exactly the committed lockfile/);
        });

        it("@moka/* from the registry with no npm-registry-url: fails (dependency confusion)", () => {
            const r = run(fromRegistry, lock({}), "");
            assert.equal(r.status, 1);
            assert.match(r.out, /@moka\/contract, @moka\/guardrails come from a registry but npm-registry-url is empty: npm would look them up on registry\.npmjs\.org/);
        });

        it("a lockfile that resolves @moka/* from registry.npmjs.org: fails, whatever the input says", () => {
            const r = run(fromRegistry, lock({ "node_modules/@moka/contract": "https://registry.npmjs.org/@moka/contract/-/contract-2.1.0.tgz" }), REGISTRY);
            assert.equal(r.status, 1);
            assert.match(r.out, /resolves node_modules\/@moka\/contract from registry\.npmjs\.org/);
        });

        it("a lockfile that resolves @moka/* from another host than npm-registry-url: fails", () => {
            const r = run(fromRegistry, lock({ "node_modules/@moka/guardrails": "https://npm.evil.example/@moka/guardrails/-/guardrails-0.1.0.tgz" }), REGISTRY);
            assert.equal(r.status, 1);
            assert.match(r.out, /not from npm-registry-url/);
        });

        it("the lockfile resolving @moka/* from npm-registry-url (other packages from npmjs): passes", () => {
            const r = run(fromRegistry, lock({
                "node_modules/@moka/contract": `${REGISTRY}@moka/contract/-/contract-2.1.0.tgz`,
                "node_modules/@moka/guardrails": `${REGISTRY.slice(0, -1)}/@moka/guardrails/-/guardrails-0.1.0.tgz`,
                "node_modules/@pulumi/pulumi": "https://registry.npmjs.org/@pulumi/pulumi/-/pulumi-3.248.0.tgz",
            }), REGISTRY.slice(0, -1));
            assert.equal(r.status, 0, r.out);
        });

        it("vendored tarballs (file:) need no registry: passes", () => {
            const vendored = { dependencies: { "@moka/contract": "file:vendor/moka-contract-2.1.0.tgz" }, devDependencies: { "@moka/guardrails": "file:vendor/moka-guardrails-0.1.0.tgz" } };
            const r = run(vendored, { name: "t", lockfileVersion: 3, packages: { "": {}, "node_modules/@moka/contract": { version: "2.1.0", resolved: "file:vendor/moka-contract-2.1.0.tgz" } } }, "");
            assert.equal(r.status, 0, r.out);
        });
    });
});
