import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
// The validator checks a workflow against GitHub's workflow JSON schema (compiled to WebAssembly).
import { validateAction, validateWorkflow } from "@action-validator/core";

const FILE = path.resolve(__dirname, "../../.github/workflows/preview.yml");
const ACTION = path.resolve(__dirname, "../../.github/actions/pulumi-preview/action.yml");

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

    it("runs the real pulumi preview of each stack from where its API is reachable, with all four packs and their configs", () => {
        const action = yaml.load(fs.readFileSync(ACTION, "utf8")) as any;
        const expected: Record<string, { role: string; runsOn: unknown }> = {
            // dev: public endpoint limited to publicAccessCidrs, so the runner DEV_RUNNER names (never a fallback).
            "cloud-dev": { role: "vars.AWS_ROLE_ARN_DEV", runsOn: "${{ vars.DEV_RUNNER }}" },
            // prod: private endpoint, so a self-hosted runner in the declared deployer network.
            "cloud-prod": { role: "vars.AWS_ROLE_ARN_PROD", runsOn: ["self-hosted", "linux", "moka-prod-deployer"] },
        };
        for (const [job, e] of Object.entries(expected)) {
            const j = wf.jobs[job];
            assert.match(j.if, new RegExp(`${e.role.replace(".", "\\.")} != ''`), job);
            assert.deepEqual(j["runs-on"], e.runsOn, job);
            assert.equal(j.permissions["id-token"], "write", job);
            const step = j.steps.find((s: any) => s.uses === "./.github/actions/pulumi-preview");
            assert.equal(step.with.stack, job.replace("cloud-", ""));
            assert.equal(step.with["role-arn"], `\${{ ${e.role} }}`);
        }
        const steps = action.runs.steps;
        const uses = steps.map((s: any) => s.uses ?? s.run);
        const pulumi = steps.find((s: any) => typeof s.uses === "string" && s.uses.startsWith("pulumi/actions@"));
        assert.equal(pulumi.with.command, "preview");
        assert.equal(pulumi.with["comment-on-pr"], true);
        const packs = pulumi.with.policyPacks.trim().split("\n");
        const configs = pulumi.with.policyPackConfigs.trim().split("\n");
        assert.deepEqual(packs, ["policies/security", "policies/cost", "policies/isolation", "policies/deployability"]);
        assert.equal(configs.length, 4);
        packs.forEach((p: string, i: number) => assert.ok(configs[i].endsWith(`/${p.split("/")[1]}.json`), "configs in pack order"));
        // The preview's prerequisites: the AWS CLI (kubeconfig exec) and the deploy role. No QEMU or buildx: a
        // preview never builds the Spark image (buildOnPreview is false in components/images).
        for (const needed of ["aws --version", "aws-actions/configure-aws-credentials@v4"]) {
            assert.ok(uses.includes(needed), needed);
        }
        assert.ok(!uses.some((u: string) => /setup-qemu|setup-buildx/.test(u)), "no image-build setup in a preview");
        assert.match(fs.readFileSync(path.resolve(__dirname, "../../components/images/index.ts"), "utf8"), /buildOnPreview: false,/);
        assert.ok(uses.indexOf("aws-actions/configure-aws-credentials@v4") < uses.indexOf(pulumi.uses));
    });

    it("fails fast, naming DEV_RUNNER, when dev's cloud preview is configured without its runner (no ubuntu-latest fallback)", () => {
        const check = wf.jobs["dev-runner"];
        assert.equal(check.if, "vars.AWS_ROLE_ARN_DEV != '' && vars.DEV_RUNNER == '' && (github.event_name != 'pull_request' || github.event.pull_request.head.repo.full_name == github.repository)");
        assert.equal(check.needs, undefined, "does not wait for the offline job");
        const run: string = check.steps.map((st: any) => st.run ?? "").join("\n");
        assert.match(run, /::error title=DEV_RUNNER is not set::.*moka:cluster\.publicAccessCidrs/);
        assert.match(run, /\nexit 1\s*$/);
        assert.match(wf.jobs["cloud-dev"].if, /^vars\.AWS_ROLE_ARN_DEV != '' && vars\.DEV_RUNNER != '' && /);
        assert.doesNotMatch(text, /ubuntu-latest' \}\}/, "no runner fallback expression");
    });

    it("the composite action validates against GitHub's action schema", () => {
        assert.deepEqual(validateAction(fs.readFileSync(ACTION, "utf8")).errors, []);
    });
});
