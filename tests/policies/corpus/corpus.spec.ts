/**
 * The real-world corpus (tests/policies/corpus/cases.json; conventions, sources and judgment calls in
 * README.md beside it): configurations from data-on-eks, pulumi/examples, the spark-operator and
 * Karpenter examples and the Checkov / Kyverno / KICS fixtures, translated by hand into Pulumi inputs,
 * each with an expert's verdict. Every case runs through all the packs (preview/run.ts PACK_NAMES) over the Analyzer protocol path
 * (tests/policies/corpus/run.ts) and must:
 *   - not crash;
 *   - "pass" cases: draw no mandatory violation (UNSCORED policies aside);
 *   - "fail" cases: draw a mandatory violation from a policy of every expected mandatory theme (and a
 *     diagnostic for every expected advisory theme), except the misses KNOWN_MISSES explains — at most
 *     one mandatory miss in the whole corpus — and no mandatory finding outside the expected themes
 *     that EXTRA_FINDINGS does not justify.
 * The README's corpus results table is checked against the run (UPDATE_CORPUS_RESULTS=1 rewrites it).
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { loadPacks } from "../../../preview/run";
import { esmImport } from "../../helpers/esm";
import { type CaseResult, loadCorpus, resultsTable, runCorpus } from "./run";
import { EXTRA_FINDINGS, KNOWN_MISSES, THEMES, UNSCORED } from "./themes";

const README = path.resolve(__dirname, "../../../README.md");
const START = "<!-- CORPUS-RESULTS:START -->\n";
const END = "\n<!-- CORPUS-RESULTS:END -->";
const cases = loadCorpus();

describe("policy packs: real-world corpus", function () {
    this.timeout(120_000);
    let results: CaseResult[] = [];
    const byId = new Map<string, CaseResult>();

    before(async () => {
        results = await runCorpus(loadPacks(), cases);
        results.forEach((r) => byId.set(r.c.id, r));
    });

    describe("the data", () => {
        it("has at least 60 cases with unique ids, a source commit each, known themes and consistent verdicts", () => {
            assert.ok(cases.length >= 60, `${cases.length} cases`);
            assert.equal(new Set(cases.map((c) => c.id)).size, cases.length, "duplicate ids");
            for (const c of cases) {
                assert.match(c.source.commit, /^[0-9a-f]{40}$/, c.id);
                assert.ok(c.source.repo && c.source.path, c.id);
                for (const t of [...c.themes, ...c.expected.mandatoryThemes, ...c.expected.advisoryThemes]) {
                    assert.ok(THEMES[t], `${c.id}: theme ${t} is not in themes.ts`);
                }
                assert.equal(c.expected.verdict === "fail", c.expected.mandatoryThemes.length > 0, c.id);
                c.expected.mandatoryThemes.forEach((t) => assert.equal(THEMES[t].level, "mandatory", `${c.id}: ${t}`));
                c.expected.advisoryThemes.forEach((t) => assert.equal(THEMES[t].level, "advisory", `${c.id}: ${t}`));
                assert.ok(c.resources.length > 0, c.id);
            }
        });
        it("every Kubernetes object with a published schema validates (kubernetes-models, @kubernetes-models/karpenter)", async () => {
            let validated = 0;
            for (const c of cases) {
                for (const r of c.resources) {
                    const m = /^kubernetes:([^/]+)\/([^:]+):(.+)$/.exec(r.type);
                    if (!m || m[1] === "helm.sh" || m[1] === "sparkoperator.k8s.io") {
                        continue; // no model for Helm releases and the Spark Operator CRDs
                    }
                    const [, group, version, kind] = m;
                    const module = group.startsWith("karpenter.") ? `@kubernetes-models/karpenter/${group}/${version}/${kind}`
                        : group === "core" ? `kubernetes-models/${version}/${kind}` : `kubernetes-models/${group}/${version}/${kind}`;
                    const Model = (await esmImport(module))[kind];
                    assert.doesNotThrow(() => new Model(r.props).validate(), `${c.id}: ${r.type} ${r.name}`);
                    validated++;
                }
            }
            assert.ok(validated >= 80, `${validated} objects validated`);
        });
        it("names only policies the packs have in themes.ts, UNSCORED and EXTRA_FINDINGS; every KNOWN_MISSES/EXTRA_FINDINGS entry is a case", () => {
            const names = new Set(loadPacks().flatMap((p) => p.policies.map((x) => x.name)));
            const named = [...Object.values(THEMES).flatMap((t) => t.policies), ...Object.keys(UNSCORED), ...Object.values(EXTRA_FINDINGS).flatMap((e) => e.policies)];
            assert.deepEqual([...new Set(named.filter((n) => !names.has(n)))], []);
            const ids = new Set(cases.map((c) => c.id));
            assert.deepEqual([...Object.keys(KNOWN_MISSES), ...Object.keys(EXTRA_FINDINGS)].filter((id) => !ids.has(id)), []);
        });
    });

    describe("every case", () => {
        for (const c of cases) {
            it(`${c.expected.verdict} ${c.id}`, () => {
                const r = byId.get(c.id)!;
                assert.equal(r.crash, undefined, `crashed: ${r.crash}`);
                assert.deepEqual(r.falsePositives, [], `false positive: ${r.diagnostics.filter((d) => r.falsePositives.includes(d.policy)).map((d) => d.message).join("\n")}`);
                const miss = KNOWN_MISSES[c.id];
                assert.deepEqual([...r.missedMandatory, ...r.missedAdvisory].sort(), [...(miss?.themes ?? [])].sort(), "missed themes differ from KNOWN_MISSES");
                assert.deepEqual(r.extra, [...(EXTRA_FINDINGS[c.id]?.policies ?? [])].sort(), `findings outside the expected themes: ${r.diagnostics.filter((d) => r.extra.includes(d.policy)).map((d) => d.message).join("\n")}`);
            });
        }
    });

    describe("totals", () => {
        it("0 crashes, 0 false positives, at most one mandatory miss", () => {
            assert.equal(results.filter((r) => r.crash).length, 0);
            assert.equal(results.reduce((n, r) => n + r.falsePositives.length, 0), 0);
            assert.ok(results.reduce((n, r) => n + r.missedMandatory.length, 0) <= 1, "more than one mandatory miss");
        });
        it("the README's corpus results match this run (regenerate with UPDATE_CORPUS_RESULTS=1)", () => {
            const readme = fs.readFileSync(README, "utf8");
            const start = readme.indexOf(START);
            const end = readme.indexOf(END);
            assert.ok(start >= 0 && end > start, "README has no CORPUS-RESULTS markers");
            const table = resultsTable(results);
            if (process.env.UPDATE_CORPUS_RESULTS === "1") {
                fs.writeFileSync(README, `${readme.slice(0, start + START.length)}${table}${readme.slice(end)}`);
                return;
            }
            assert.equal(readme.slice(start + START.length, end), table);
        });
    });
});
