import { strict as assert } from "assert";
import * as fs from "fs";
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
        assert.deepEqual(Object.keys(call.inputs).sort(), ["aws-region", "node-version", "policy-config", "stacks", "working-directory"]);
        assert.equal(call.inputs.stacks.required, true);
        assert.deepEqual(Object.keys(call.secrets).sort(), ["AWS_ROLE_ARN", "PULUMI_ACCESS_TOKEN"]);
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
        assert.ok(job.steps.slice(1).every((s: any) => s.if === "env.HAS_CREDENTIALS == 'true'"));
    });
});
