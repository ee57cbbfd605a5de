/**
 * Property-based fuzzing of the three policy packs through @pulumi/policy's real server handlers
 * (preview/analyze.ts `analyzePacks`: per-resource Analyze AND AnalyzeStack).
 *
 * For every resource type in the table (tests/policies/fuzz/fixtures.ts), for whole random stacks,
 * and for the cost pack's generated taggable-type family:
 *   1. zero crashes: analyzePacks never throws, whatever the shape (missing, null, wrong types,
 *      unknowns anywhere, deep nesting, long arrays, invalid JSON, huge numbers, unicode);
 *   2. unknowns never add mandatory violations: for a concrete B and P = B with some existing leaves
 *      (or subtrees) replaced by the preview-unknown sentinel, every mandatory (policy, resource)
 *      pair reported for P is also reported for B — under the default, dev and prod policy configs and
 *      a "strict" config that raises every policy (advisory ones too) to mandatory.
 * Plus guards that keep the table complete (every type token the packs name, every tenancy kind)
 * and that every policy of every pack was actually reached.
 *
 * Policies are taken from `loadPacks()` at run time, so rules added to the packs are fuzzed too.
 * Deterministic: seed FUZZ_SEED (default 4242; each test derives its own seed from it and its title).
 * FUZZ_SCALE multiplies every numRuns (e.g. FUZZ_SCALE=10 for a deep local run); FUZZ_VERBOSE=1
 * prints run counts per pack/type at the end.
 *
 * No violation is exempted: every policy is held to property 2. A pack bug this suite finds is fixed in
 * the pack and becomes a regression test in the spec file of the rule it concerns (its id, minimal
 * counterexample and one-line root cause; helpers in tests/policies/regression.ts), e.g. ISO-1..6 in
 * tests/policies/isolation/*.spec.ts, COST-1 in cost/nodepool-placement.spec.ts, SEC-1..6 in
 * security/{s3,supply-chain}.spec.ts.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as fc from "fast-check";
import { AWS_TAGGABLE_TYPES } from "../../policies/cost/data/aws-taggable-types";
import { parseK8sType } from "../../policies/lib/k8s";
import { K8S_KINDS } from "../../policies/isolation/lib/tenancy";
import { analyzePacks, AnalyzerResource, Diagnostic, PackDefinition, PolicyPackConfig, UNKNOWN } from "../../preview/analyze";
import { defaultPolicyConfigFiles, loadPacks, PACK_NAMES, PackName, readPolicyConfig } from "../../preview/run";
import { resourceArb, SCENARIOS, scenarioStackArb, stackArb, taggableResourceArb, unknownPlanArb, unknownVariant } from "./fuzz/arbitraries";
import { taggableFixture, TYPE_TABLE, TYPES_BY_NAME } from "./fuzz/fixtures";
import { Path, pathText } from "./fuzz/tree";

const ROOT = path.resolve(__dirname, "../..");
const SEED = Number(process.env.FUZZ_SEED ?? 4242);
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
const VERBOSE = process.env.FUZZ_VERBOSE === "1";
const urn = (type: string, name: string) => `urn:pulumi:dev::moka::${type}::${name}`;

/** numRuns per test (before FUZZ_SCALE). Tuned for ~30 s in total on an idle 2-core machine (< 60 s under load). */
const RUNS = {
    resourceCrash: 40,
    resourceUnknown: 50,
    stackCrash: 40,
    stackUnknown: 40,
    scenarioCrash: 15,
    /** Per scenario: the tenancy and identity ones connect the most stack policies. */
    scenarioUnknown: { s3: 80, tenancy: 160, identity: 160, images: 50, nodepools: 50, environments: 50, apiPath: 80, capacity: 80, producers: 60 } as Record<string, number>,
    taggable: 60,
};

// ---------------------------------------------------------------------------------------------
// Harness
// ---------------------------------------------------------------------------------------------

function hash(s: string): number {
    let h = 2166136261;
    for (let i = 0; i < s.length; i++) {
        h = Math.imul(h ^ s.charCodeAt(i), 16777619);
    }
    return h >>> 0;
}

/** Runs a property with a seed derived from FUZZ_SEED and the test id; the failure names both. */
async function runProperty<Ts extends [unknown, ...unknown[]]>(id: string, numRuns: number, prop: fc.IAsyncPropertyWithHooks<Ts>): Promise<void> {
    const seed = (SEED ^ hash(id)) | 0;
    const runs = Math.max(1, Math.round(numRuns * SCALE));
    const details = await fc.check(prop, { seed, numRuns: runs, endOnFailure: false });
    if (details.failed) {
        const reproduce = `FUZZ_SEED=${SEED} (fast-check seed ${details.seed}, path "${details.counterexamplePath}")`;
        const err = details.errorInstance;
        throw new Error(
            `${id}: property failed after ${details.numRuns} run(s), shrunk ${details.numShrinks} time(s); reproduce with ${reproduce}.\n` +
                `${err instanceof Error ? err.message : String(err)}\nCounterexample: ${fc.stringify(details.counterexample)}`,
        );
    }
}

let PACKS: readonly PackDefinition[] = [];
let CONFIGS: Readonly<Record<string, PolicyPackConfig | undefined>> = {};
/** "strict" raises every policy (advisory ones too) to mandatory, so their unknown handling is held to the same standard. */
const CONFIG_NAMES = ["default", "dev", "prod", "strict"] as const;

function packsFor(names: readonly PackName[]): PackDefinition[] {
    return PACK_NAMES.filter((n) => names.includes(n)).map((n) => PACKS[PACK_NAMES.indexOf(n)]);
}

// Statistics for the report and for the reachability check.
const runCounts = new Map<string, number>();
const reached = new Map<string, Set<string>>(); // policy -> resource types it produced a diagnostic for
let expectedTests = 0;
let completedTests = 0;

function count(key: string, n = 1): void {
    runCounts.set(key, (runCounts.get(key) ?? 0) + n);
}

function record(ds: readonly Diagnostic[]): void {
    for (const d of ds) {
        const set = reached.get(d.policy) ?? reached.set(d.policy, new Set()).get(d.policy)!;
        set.add(d.resourceType ?? "(stack)");
    }
}

async function analyze(packs: readonly PackDefinition[], resources: readonly AnalyzerResource[], config: PolicyPackConfig | undefined): Promise<Diagnostic[]> {
    const ds = await analyzePacks(packs, resources, { config });
    record(ds);
    return ds;
}

function pairs(ds: readonly Diagnostic[]): Map<string, Diagnostic> {
    const out = new Map<string, Diagnostic>();
    for (const d of ds) {
        if (d.enforcementLevel === "mandatory" && !d.unknownValue) {
            out.set(`${d.policy} @ ${d.urn ?? "(stack)"}`, d);
        }
    }
    return out;
}

/** Mandatory (policy, resource) pairs reported for P but not for B. */
function addedByUnknowns(b: readonly Diagnostic[], p: readonly Diagnostic[]): Diagnostic[] {
    const before = pairs(b);
    return [...pairs(p).entries()].filter(([k]) => !before.has(k)).map(([, d]) => d);
}

const label = (d: Diagnostic): string => `${d.policy} @ ${d.urn ?? "(stack)"}`;

function describeAdded(added: readonly Diagnostic[], replaced: readonly { urn: string; path: Path }[], config: string): string {
    return (
        `unknown values added ${added.length} mandatory violation(s) under the ${config} config:\n` +
        added.map((d) => `  - ${d.policy} on ${d.resourceType} ${d.urn}: ${d.message.slice(0, 300)}`).join("\n") +
        `\nreplaced by UNKNOWN: ${replaced.map((r) => `${r.urn.split("::").slice(-2).join("::")} ${pathText(r.path) || "(root)"}`).join(", ")}`
    );
}

const configArb = fc.constantFrom(...CONFIG_NAMES);

/**
 * Leaves that are never replaced by unknowns: `tagsAll` is derived by the AWS provider from values the
 * analyzer also sees (the provider's defaultTags ∪ the resource's tags). A concrete B whose tagsAll
 * holds tags that neither source has is not a state the engine can produce, and cost-allocation-tags
 * judges the visible tags when tagsAll is unknown (by design), so replacing it would only report that.
 */
const derived = (_type: string, p: Path): boolean => p[0] === "tagsAll";

// ---------------------------------------------------------------------------------------------
// Type-token literals in the packs (for the completeness guard)
// ---------------------------------------------------------------------------------------------

const TYPE_TOKEN = /"((?:aws|kubernetes|eks|pulumi):[A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_.-]+)?:[A-Za-z0-9_]+)"/g;
const GENERATED_TAGGABLE = path.join("policies", "cost", "data", "aws-taggable-types.ts");

function sourceFiles(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const p = path.join(dir, e.name);
        return e.isDirectory() ? sourceFiles(p) : /\.(ts|js)$/.test(e.name) ? [p] : [];
    });
}

function typeLiterals(): { file: string; pack: PackName | undefined; type: string }[] {
    const out: { file: string; pack: PackName | undefined; type: string }[] = [];
    for (const abs of sourceFiles(path.join(ROOT, "policies"))) {
        const file = path.relative(ROOT, abs);
        if (file === GENERATED_TAGGABLE) {
            continue;
        }
        const pack = PACK_NAMES.find((p) => file.startsWith(path.join("policies", p) + path.sep));
        for (const m of fs.readFileSync(abs, "utf8").matchAll(TYPE_TOKEN)) {
            out.push({ file, pack, type: m[1] });
        }
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

describe("policy packs: property-based fuzzing", function () {
    const started = Date.now();

    before(() => {
        PACKS = loadPacks();
        CONFIGS = {
            default: undefined,
            dev: readPolicyConfig(defaultPolicyConfigFiles("dev")),
            prod: readPolicyConfig(defaultPolicyConfigFiles("prod")),
            strict: { all: "mandatory" },
        };
    });

    after(() => {
        const total = [...runCounts.values()].reduce((a, b) => a + b, 0);
        if (VERBOSE) {
            const lines = [...runCounts.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `    ${String(n).padStart(5)}  ${k}`);
            process.stdout.write(`\n  fuzz run counts (seed ${SEED}, scale ${SCALE}):\n${lines.join("\n")}\n`);
        }
        process.stdout.write(`  fuzz: ${total} generated cases (analyzePacks calls counted per case) in ${((Date.now() - started) / 1000).toFixed(1)} s, seed ${SEED}\n`);
    });

    describe("the type table is complete", () => {
        it("lists every type token the packs name (string literals in policies/**)", () => {
            const problems: string[] = [];
            for (const { file, pack, type } of typeLiterals()) {
                const spec = TYPES_BY_NAME.get(type);
                if (!spec) {
                    problems.push(`${type} (named in ${file}) has no entry in tests/policies/fuzz/fixtures.ts TYPE_TABLE`);
                } else if (pack && !spec.packs.includes(pack)) {
                    problems.push(`${type} is handled by the ${pack} pack (${file}) but its TYPE_TABLE entry lists only ${spec.packs.join(", ")}`);
                }
            }
            assert.deepEqual([...new Set(problems)], []);
        });

        it("has an entry for every Kubernetes kind the tenancy helpers match structurally (K8S_KINDS)", () => {
            const missing = Object.values(K8S_KINDS).filter(({ group, kind }) =>
                !TYPE_TABLE.some((t) => {
                    const k = parseK8sType(t.type);
                    return k !== undefined && k.group === group && k.kind === kind;
                }));
            assert.deepEqual(missing, []);
        });

        it("covers the cost pack's generated taggable list as one family", () => {
            assert.ok(AWS_TAGGABLE_TYPES.size > 800, `expected the generated list, got ${AWS_TAGGABLE_TYPES.size} types`);
            for (const m of fs.readFileSync(path.join(ROOT, GENERATED_TAGGABLE), "utf8").matchAll(TYPE_TOKEN)) {
                assert.ok(AWS_TAGGABLE_TYPES.has(m[1]), m[1]);
            }
        });

        it("lists the cost pack for every AWS type it can tag (generated list or a tags property)", () => {
            const ctx = { ns: "team-a", otherNs: "team-b", name: "data", bucket: "moka-dev-data", account: "111111111111", region: "us-west-2", env: "dev", sa: "spark", image: "x", role: "r" };
            const missing = TYPE_TABLE.filter((t) => (AWS_TAGGABLE_TYPES.has(t.type) || (t.type.startsWith("aws:") && "tags" in t.base(ctx))) && !t.packs.includes("cost"));
            assert.deepEqual(missing.map((t) => t.type), []);
        });

        it("has valid base fixtures: no per-resource policy flags them (prod config, protected, tenant namespace, pinned ECR image)", async () => {
            const ctx = { ns: "team-a", otherNs: "team-b", name: "data", bucket: "moka-dev-data", account: "111111111111", region: "us-west-2", env: "dev", sa: "spark", image: "111111111111.dkr.ecr.us-west-2.amazonaws.com/moka/spark:3.5.3", role: "moka-dev-team-team-a" };
            const stackPolicies = new Set(PACKS.flatMap((p) => p.policies.filter((x) => "validateStack" in x).map((x) => x.name)));
            const flagged: string[] = [];
            for (const t of TYPE_TABLE.filter((x) => !x.removedApi)) {
                const r: AnalyzerResource = { urn: urn(t.type, "base"), type: t.type, name: "base", properties: t.base(ctx), protect: true };
                for (const d of await analyzePacks(PACKS, [r], { config: CONFIGS.prod })) {
                    if (d.enforcementLevel === "mandatory" && !stackPolicies.has(d.policy)) {
                        flagged.push(`${t.type}: ${d.policy}`);
                    }
                }
            }
            assert.deepEqual(flagged, []);
        });

        it("lists each type once, with valid packs and a base fixture that is an object", () => {
            assert.equal(TYPES_BY_NAME.size, TYPE_TABLE.length, "duplicate types in TYPE_TABLE");
            for (const t of TYPE_TABLE) {
                assert.ok(t.packs.length > 0 && t.packs.every((p) => (PACK_NAMES as readonly string[]).includes(p)), t.type);
            }
        });
    });

    describe("per resource type (Analyze + AnalyzeStack on one resource)", () => {
        for (const spec of TYPE_TABLE) {
            describe(spec.type, () => {
                expectedTests += 2;
                it(`never crashes on odd shapes (${spec.packs.join(", ")})`, async () => {
                    const packs = packsFor(spec.packs);
                    await runProperty(`crash ${spec.type}`, RUNS.resourceCrash, fc.asyncProperty(resourceArb(spec, { unknown: true }), configArb, async (r, config) => {
                        for (const p of spec.packs) {
                            count(`${p} ${spec.type} crash`);
                        }
                        await analyze(packs, [r], CONFIGS[config]);
                    }));
                    completedTests++;
                });

                it("unknown values never add a mandatory violation", async () => {
                    const packs = packsFor(spec.packs);
                    await runProperty(`unknown ${spec.type}`, RUNS.resourceUnknown, fc.asyncProperty(resourceArb(spec, { unknown: false, heavy: false }), unknownPlanArb(), configArb, async (b, plan, config) => {
                        for (const p of spec.packs) {
                            count(`${p} ${spec.type} unknown`);
                        }
                        const { resources: p, replaced } = unknownVariant([b], plan, derived);
                        const added = addedByUnknowns(await analyze(packs, [b], CONFIGS[config]), await analyze(packs, p, CONFIGS[config]));
                        assert.deepEqual(added.map(label), [], describeAdded(added, replaced, config));
                    }));
                    completedTests++;
                });
            });
        }
    });

    describe("the generated taggable-type family (cost pack)", () => {
        const taggable = [...AWS_TAGGABLE_TYPES].sort();
        expectedTests += 3;

        it(`evaluates every one of the ${taggable.length} types with the generic fixture, without crashing`, async () => {
            const packs = packsFor(["cost", "isolation"]);
            const ctx = { ns: "team-a", otherNs: "team-b", name: "data", bucket: "moka-dev-data", account: "111111111111", region: "us-west-2", env: "dev", sa: "spark", image: "x", role: "r" };
            for (let i = 0; i < taggable.length; i += 60) {
                const batch = taggable.slice(i, i + 60).map((type, j): AnalyzerResource => ({
                    urn: `urn:pulumi:dev::moka::${type}::r${i + j}`, type, name: `r${i + j}`,
                    properties: j % 3 === 0 ? { tags: { owner: "platform" } } : j % 3 === 1 ? { tags: UNKNOWN } : taggableFixture(ctx),
                }));
                count("cost taggable-sweep", batch.length);
                const ds = await analyze(packs, batch, CONFIGS.prod);
                // The generic fixture with all tags passes; the partial one is flagged; the unknown one is never mandatory.
                const flagged = new Set(ds.filter((d) => d.policy === "cost-allocation-tags-required" && d.enforcementLevel === "mandatory").map((d) => d.urn));
                for (const [j, r] of batch.entries()) {
                    assert.equal(flagged.has(r.urn), j % 3 === 0, `${r.type}: ${j % 3 === 0 ? "partial tags not flagged" : "flagged"}`);
                }
            }
            completedTests++;
        });

        it("never crashes on mutated resources of random taggable types", async () => {
            const packs = packsFor(["cost", "isolation"]);
            await runProperty("crash taggable", RUNS.taggable, fc.asyncProperty(taggableResourceArb(taggable, { unknown: true }), configArb, async (r, config) => {
                count("cost taggable crash");
                await analyze(packs, [r], CONFIGS[config]);
            }));
            completedTests++;
        });

        it("unknown values never add a mandatory violation on random taggable types", async () => {
            const packs = packsFor(["cost", "isolation"]);
            await runProperty("unknown taggable", RUNS.taggable, fc.asyncProperty(taggableResourceArb(taggable, { unknown: false, heavy: false }), unknownPlanArb(), configArb, async (b, plan, config) => {
                count("cost taggable unknown");
                const { resources: p, replaced } = unknownVariant([b], plan, derived);
                const added = addedByUnknowns(await analyze(packs, [b], CONFIGS[config]), await analyze(packs, p, CONFIGS[config]));
                assert.deepEqual(added.map(label), [], describeAdded(added, replaced, config));
            }));
            completedTests++;
        });
    });

    describe("whole stacks (AnalyzeStack over random resources, providers and dependencies)", () => {
        const kinds = [
            { id: "random stacks", arb: (unknown: boolean) => stackArb({ unknown, heavy: false, linkExisting: unknown }), crash: RUNS.stackCrash, unknownRuns: RUNS.stackUnknown },
            ...Object.keys(SCENARIOS).map((name) => ({
                id: `${name} scenario stacks`, arb: (unknown: boolean) => scenarioStackArb({ unknown, heavy: false }, name), crash: RUNS.scenarioCrash, unknownRuns: RUNS.scenarioUnknown[name] ?? 30,
            })),
        ];
        for (const k of kinds) {
            expectedTests += 2;
            it(`${k.id}: never crash`, async () => {
                await runProperty(`crash ${k.id}`, k.crash, fc.asyncProperty(k.arb(true), configArb, async (resources, config) => {
                    for (const p of PACK_NAMES) {
                        count(`${p} ${k.id} crash`);
                    }
                    count(`resources in ${k.id} (crash)`, resources.length);
                    await analyze(PACKS, resources, CONFIGS[config]);
                }));
                completedTests++;
            });

            it(`${k.id}: unknown values never add a mandatory violation`, async () => {
                await runProperty(`unknown ${k.id}`, k.unknownRuns, fc.asyncProperty(k.arb(false), unknownPlanArb(6), configArb, async (b, plan, config) => {
                    for (const p of PACK_NAMES) {
                        count(`${p} ${k.id} unknown`);
                    }
                    count(`resources in ${k.id} (unknown)`, b.length);
                    const { resources: p, replaced } = unknownVariant(b, plan, derived);
                    const added = addedByUnknowns(await analyze(PACKS, b, CONFIGS[config]), await analyze(PACKS, p, CONFIGS[config]));
                    assert.deepEqual(added.map(label), [], describeAdded(added, replaced, config));
                }));
                completedTests++;
            });
        }
    });

    describe("reach", () => {
        it("every policy of every pack produced at least one diagnostic during fuzzing", function () {
            if (completedTests < expectedTests) {
                this.skip(); // a filtered run (--grep) did not fuzz everything
            }
            const missing = PACKS.flatMap((p) => p.policies.map((x) => x.name)).filter((n) => !reached.has(n));
            assert.deepEqual(missing, [], "the table's fixtures never reach these policies: add the types they handle to TYPE_TABLE");
        });
    });
});
