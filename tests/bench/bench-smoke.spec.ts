/**
 * Smoke test of the benchmarks (bench/): each benchmark function runs once on tiny inputs and
 * returns positive numbers. No timing assertions: `npm run bench` measures, tests only check that
 * the measuring code works (and the generators produce valid input).
 */
import { strict as assert } from "assert";
import { parseConfigMap } from "../../config";
import { benchAnalyzeStack } from "../../bench/analyze-stack";
import { benchColdStart } from "../../bench/cold-start";
import { median, setLogging } from "../../bench/lib";
import { benchPreview } from "../../bench/preview";
import { parseBenchArgs } from "../../bench/run";
import { TYPES_BY_NAME } from "../policies/fuzz/fixtures";
import { BUNDLE_SIZE, generateStack } from "../../bench/stacks";
import { benchTeams, teamsConfig } from "../../bench/teams";
import { readStackConfig } from "../../preview/mocks";

function positive(x: number, what: string): void {
    assert.ok(Number.isFinite(x) && x > 0, `${what} should be a positive number, got ${x}`);
}

describe("benchmarks (smoke, no timing assertions)", function () {
    this.timeout(600_000);
    before(() => setLogging(false));
    after(() => setLogging(true));

    describe("inputs", () => {
        it("generateStack gives exactly n resources, deterministically, with unique URNs", () => {
            const a = generateStack(50);
            assert.equal(a.length, 50);
            assert.deepEqual(generateStack(50), a);
            assert.equal(new Set(a.map((r) => r.urn)).size, 50);
            assert.equal(generateStack(4 + 2 * BUNDLE_SIZE).filter((r) => r.type === "moka:tenancy:Team").length, 2);
        });

        it("generateStack builds every resource from the fuzz fixture table (except the Team components)", () => {
            const stack = generateStack(4 + BUNDLE_SIZE);
            const types = new Set(stack.map((r) => r.type));
            assert.deepEqual([...types].filter((t) => !TYPES_BY_NAME.has(t)), ["moka:tenancy:Team"]);
            assert.equal(types.size, 25);
            // The engine sends IAM documents as JSON strings; the fixtures hold objects.
            const role = stack.find((r) => r.type === "aws:iam/role:Role")!;
            assert.equal(typeof role.properties.assumeRolePolicy, "string");
            assert.equal(typeof (role.properties.inlinePolicies as { policy: unknown }[])[0].policy, "string");
            // Physical names are unique per team (the engine never sends two resources claiming one).
            const names = generateStack(4 + 3 * BUNDLE_SIZE).filter((r) => r.type === "aws:iam/policy:Policy").map((r) => r.properties.name);
            assert.equal(new Set(names).size, 3);
        });

        it("teamsConfig gives a config the platform's validation accepts", () => {
            const cfg = parseConfigMap(teamsConfig(readStackConfig("prod"), 200));
            assert.equal(cfg.teams.length, 200);
            assert.equal(new Set(cfg.teams.map((t) => t.dataPrefix)).size, 200);
            // 200 History Servers need a bigger system node group than prod's (the capacity cross-check passed).
            assert.deepEqual(cfg.cluster.systemNodes.instanceTypes, ["m7g.4xlarge"]);
            assert.ok(cfg.cluster.systemNodes.minSize > 3);
        });

        it("median and the command line", () => {
            assert.equal(median([3, 1, 2]), 2);
            assert.equal(median([4, 1, 2, 3]), 2.5);
            assert.deepEqual(parseBenchArgs(["--quick", "--only", "teams,preview"]).only, ["teams", "preview"]);
            assert.deepEqual(parseBenchArgs(["--only=analyze-stack", "--teams", "3"]), { quick: false, only: ["analyze-stack"], out: parseBenchArgs([]).out, teams: 3, help: false });
            assert.throws(() => parseBenchArgs(["--only", "nope"]), /unknown benchmark nope/);
            assert.throws(() => parseBenchArgs(["--teams", "0"]), /^Error: --teams must be a positive integer$/);
            assert.throws(() => parseBenchArgs(["--teams"]), /^Error: --teams needs a value$/);
            assert.throws(() => parseBenchArgs(["--fast"]), /^Error: unknown argument "--fast"$/);
        });
    });

    it("cold start: one round, one pack", async () => {
        const r = await benchColdStart({ reps: 1, packs: ["security"], warmup: false });
        positive(r.floor.medianMs, "floor");
        positive(r.floorUnderRunner.medianMs, "floor under the runner");
        assert.equal(r.packs.length, 1);
        positive(r.packs[0].runner.medianMs, "security under the runner");
        positive(r.packs[0].ratio, "ratio");
        assert.equal(r.targets.length, 1);
    });

    it("preview: one run of prod and of the floor, with diagnostics", async () => {
        const r = await benchPreview({ reps: 1, diagnosticReps: 1, warmup: false });
        positive(r.resources.custom, "custom resources");
        assert.equal(r.floorResources.custom, r.resources.custom);
        positive(r.prod.total.medianMs, "prod");
        positive(r.floor.total.medianMs, "floor");
        positive(r.ratio, "ratio");
        positive(r.diagnostics!.prodCounts.debuggablePromises, "promise count");
        positive(r.diagnostics!.shapeFloor.total.medianMs, "shape floor");
        positive(r.diagnostics!.noStacks.prod.medianMs, "run without stacks");
        positive(r.diagnostics!.profile.totalMs, "profiled run");
        assert.ok(r.diagnostics!.profile.categories.length > 0);
    });

    it("analyze-stack: 50 and 100 synthetic resources", async () => {
        const r = await benchAnalyzeStack({ sizes: [50, 100], reps: 1, policyReps: 1 });
        assert.equal(r.packs.length, 4);
        for (const p of r.packs) {
            positive(p.bySize[100].medianMs, `${p.pack} at 100`);
            positive(p.frameworkFloor[100].medianMs, `${p.pack} framework floor`);
            positive(p.ratio, `${p.pack} ratio`);
            assert.ok((p.policies ?? []).length > 0, `${p.pack} has stack policies`);
            for (const pol of p.policies ?? []) {
                assert.ok(pol.ownBySize[100].medianMs >= 0, `${pol.policy} own time`);
            }
        }
        assert.equal(r.targets.length, 8, "two targets per pack");
    });

    it("teams: 3 teams in a child process", async () => {
        const r = await benchTeams({ teams: 3 });
        assert.equal(r.teams, 3);
        positive(r.resources, "resources");
        positive(r.wallMs, "wall time");
        positive(r.peakRssMiB, "peak RSS");
        positive(r.retainedHeapMiB, "retained heap");
    });
});
