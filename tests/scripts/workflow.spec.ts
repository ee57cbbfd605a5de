import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
// The validator checks a workflow against GitHub's workflow JSON schema (compiled to WebAssembly).
import { validateWorkflow } from "@action-validator/core";

const FILE = path.resolve(__dirname, "../../.github/workflows/preview.yml");

describe("PR workflow (.github/workflows/preview.yml)", () => {
    const text = fs.readFileSync(FILE, "utf8");
    const wf = yaml.load(text) as any;

    it("validates against the GitHub workflow schema", () => {
        const state = validateWorkflow(text);
        assert.deepEqual(state.errors, []);
    });

    it("the validator rejects a broken workflow (so the check can fail)", () => {
        const broken = text.replace("runs-on: ubuntu-latest", "runs_on: ubuntu-latest");
        assert.ok(validateWorkflow(broken).errors.length > 0);
    });

    it("runs on every pull request: install, lint, test, offline preview, summary and PR comment", () => {
        assert.ok("pull_request" in wf.on);
        const steps = wf.jobs.offline.steps.map((s: any) => s.run ?? s.uses);
        const idx = (needle: string) => steps.findIndex((s: string) => s && s.includes(needle));
        assert.ok(idx("npm ci") >= 0 && idx("npm test") > idx("npm ci"), "installs then tests");
        assert.ok(idx("npm run lint") > idx("npm ci") && idx("npm run lint") < idx("npm test"), "lints after installing, before testing");
        assert.ok(idx("npm start") > idx("npm test"), "then runs the offline preview");
        assert.ok(steps.some((s: string) => s.includes("--format markdown")));
        assert.ok(steps.some((s: string) => s.includes("GITHUB_STEP_SUMMARY")));
        assert.ok(steps.some((s: string) => s.startsWith("marocchino/sticky-pull-request-comment")));
        assert.ok(steps.some((s: string) => s.includes("exit 1")), "fails the job on violations");
    });

    it("runs the real pulumi preview with all three packs and their configs when credentials exist", () => {
        const cloud = wf.jobs.cloud;
        assert.match(cloud.if, /vars\.AWS_ROLE_ARN != ''/);
        const step = cloud.steps.find((s: any) => typeof s.uses === "string" && s.uses.startsWith("pulumi/actions@"));
        assert.equal(step.with.command, "preview");
        assert.equal(step.with["comment-on-pr"], true);
        const packs = step.with.policyPacks.trim().split("\n");
        const configs = step.with.policyPackConfigs.trim().split("\n");
        assert.deepEqual(packs, ["policies/security", "policies/cost", "policies/isolation"]);
        assert.equal(configs.length, 3);
        packs.forEach((p: string, i: number) => assert.ok(configs[i].endsWith(`/${p.split("/")[1]}.json`), "configs in pack order"));
    });
});
