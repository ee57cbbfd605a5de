/**
 * The architecture, checked over the whole repository. The rules live in tests/architecture.rules.mjs
 * (eslint.config.mjs applies the same rules per file while code is edited; this test sees the graph):
 *
 *  - every source file belongs to a layer, and imports run one way (MAY_IMPORT): scripts/ and bench/
 *    → preview/ → index.ts, components/, policies/, config/ → lib/, contract/;
 *  - production code never imports tests/ (bench/ may read the fuzz fixture table);
 *  - no import cycles among production modules;
 *  - no hand-written source file outside tests/ is longer than MAX_LINES;
 *  - every temporary allowance (KNOWN_LAYER_VIOLATIONS, KNOWN_OVERSIZE) is still needed, so fixing one
 *    fails this test until its entry is deleted.
 *
 * Imports are read with the TypeScript compiler's `ts.preProcessFile` (import/export … from, import(),
 * require(), import x = require()), for .ts, .js and .mjs files alike. Requires of computed paths
 * (preview/run.ts loading the packs, preview/mocks.ts loading index.ts) are invisible here by design.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { pathToFileURL } from "url";
import * as ts from "typescript";
import { esmImport } from "./helpers/esm";

const ROOT = path.resolve(__dirname, "..");
const SKIP_DIRS = new Set([".git", "node_modules", "build", "reports", ".stryker-tmp", "bin"]);
const SOURCE = /\.(ts|js|mjs|cjs)$/;

/** The exports of tests/architecture.rules.mjs. */
interface Rules {
    MAX_LINES: number;
    MAY_IMPORT: Record<string, string[]>;
    KNOWN_LAYER_VIOLATIONS: { from: string; to: string }[];
    KNOWN_OVERSIZE: string[];
    SIZE_EXEMPT: string[];
    EXEMPT_LAYERS: string[];
    layerOf(file: string): string | undefined;
    layerViolation(from: string, to: string): string | undefined;
    resolveImport(root: string, fromFile: string, specifier: string): string | undefined;
    sizeLimited(file: string): boolean;
}

/** Every source file of the repository (forward-slash relative paths), skipping installed and generated trees. */
function sourceFiles(dir = ""): string[] {
    return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
        const rel = dir === "" ? e.name : `${dir}/${e.name}`;
        if (e.isDirectory()) {
            return SKIP_DIRS.has(e.name) ? [] : sourceFiles(rel);
        }
        return SOURCE.test(e.name) && !e.name.endsWith(".d.ts") ? [rel] : [];
    });
}

function lineCount(file: string): number {
    const text = fs.readFileSync(path.join(ROOT, file), "utf8");
    return text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
}

interface Edge {
    readonly from: string;
    readonly to: string;
}

/** The first import cycle found by depth-first search (a list of files, first = last), or undefined. */
export function findCycle(graph: ReadonlyMap<string, readonly string[]>): string[] | undefined {
    const state = new Map<string, "open" | "done">();
    const stack: string[] = [];
    const visit = (node: string): string[] | undefined => {
        state.set(node, "open");
        stack.push(node);
        for (const next of graph.get(node) ?? []) {
            if (state.get(next) === "open") {
                return [...stack.slice(stack.indexOf(next)), next];
            }
            const found = state.get(next) === undefined ? visit(next) : undefined;
            if (found) {
                return found;
            }
        }
        stack.pop();
        state.set(node, "done");
        return undefined;
    };
    for (const node of [...graph.keys()].sort()) {
        const found = state.get(node) === undefined ? visit(node) : undefined;
        if (found) {
            return found;
        }
    }
    return undefined;
}

describe("architecture (tests/architecture.rules.mjs)", () => {
    let rules: Rules;
    let files: string[];
    let edges: Edge[];
    let unresolved: string[];

    before(async () => {
        rules = (await esmImport(pathToFileURL(path.join(__dirname, "architecture.rules.mjs")).href)) as Rules;
        files = sourceFiles().sort();
        edges = [];
        unresolved = [];
        for (const from of files) {
            const { importedFiles } = ts.preProcessFile(fs.readFileSync(path.join(ROOT, from), "utf8"), true, true);
            for (const { fileName: specifier } of importedFiles.filter((i) => i.fileName.startsWith("."))) {
                const to = rules.resolveImport(ROOT, from, specifier);
                if (to === undefined) {
                    unresolved.push(`${from}: "${specifier}"`);
                } else {
                    edges.push({ from, to });
                }
            }
        }
    });

    it("finds the repository's sources and their imports (the scan itself works)", () => {
        for (const f of ["index.ts", "config/index.ts", "preview/run.ts", "scripts/build-packs.js", "bench/run.ts", "eslint.config.mjs"]) {
            assert.ok(files.includes(f), `${f} not scanned`);
        }
        assert.ok(!files.some((f) => f.startsWith("node_modules/") || f.startsWith("build/")));
        assert.ok(edges.some((e) => e.from === "index.ts" && e.to === "config/index.ts"), "index.ts → config.ts");
        assert.ok(edges.some((e) => e.from === "scripts/offline-preview.ts" && e.to === "preview/run.ts"), "dynamic import() is read");
        assert.ok(edges.some((e) => e.from === "eslint.config.mjs" && e.to === "tests/architecture.rules.mjs"), "ESM import is read");
        assert.ok(edges.length > 300, `${edges.length} edges`);
    });

    it("every relative import resolves to a file", () => {
        assert.deepEqual(unresolved, []);
    });

    it("every source file belongs to a layer", () => {
        assert.deepEqual(files.filter((f) => rules.layerOf(f) === undefined), []);
    });

    it("imports run one way, and production code never imports tests/", () => {
        const violations = edges.map((e) => rules.layerViolation(e.from, e.to)).filter((v): v is string => v !== undefined);
        assert.deepEqual([...new Set(violations)], []);
    });

    it("KNOWN_LAYER_VIOLATIONS: each is still present and still a violation (delete an entry once it is fixed)", () => {
        for (const v of rules.KNOWN_LAYER_VIOLATIONS) {
            assert.ok(edges.some((e) => e.from === v.from && e.to === v.to), `${v.from} no longer imports ${v.to}: delete its KNOWN_LAYER_VIOLATIONS entry`);
            const [a, b] = [rules.layerOf(v.from)!, rules.layerOf(v.to)!];
            assert.ok(!rules.MAY_IMPORT[a].includes(b), `${v.from} → ${v.to} is allowed by MAY_IMPORT: delete its KNOWN_LAYER_VIOLATIONS entry`);
        }
    });

    it("no import cycles among production modules", () => {
        const graph = new Map<string, string[]>();
        for (const f of files.filter((f) => !rules.EXEMPT_LAYERS.includes(rules.layerOf(f)!))) {
            graph.set(f, []);
        }
        for (const e of edges.filter((e) => graph.has(e.from) && graph.has(e.to))) {
            graph.get(e.from)!.push(e.to);
        }
        assert.equal(findCycle(graph)?.join(" → "), undefined);
    });

    it(`no hand-written source file outside tests/ is longer than the limit (except KNOWN_OVERSIZE)`, () => {
        const long = files.filter((f) => rules.sizeLimited(f) && !rules.KNOWN_OVERSIZE.includes(f) && lineCount(f) > rules.MAX_LINES);
        assert.deepEqual(long.map((f) => `${f}: ${lineCount(f)} lines`), [], `split these below ${rules.MAX_LINES} lines`);
    });

    it("KNOWN_OVERSIZE: each is still over the limit (delete an entry once the file is split)", () => {
        for (const f of rules.KNOWN_OVERSIZE) {
            assert.ok(files.includes(f), `${f} does not exist: delete its KNOWN_OVERSIZE entry`);
            assert.ok(rules.sizeLimited(f), `${f} is exempt from the limit anyway`);
            assert.ok(lineCount(f) > rules.MAX_LINES, `${f} has ${lineCount(f)} lines now: delete its KNOWN_OVERSIZE entry`);
        }
    });

    it("bench/ stays within its budget of 1,500 lines (issue 13)", () => {
        const bench = files.filter((f) => f.startsWith("bench/")).concat(fs.readdirSync(path.join(ROOT, "bench/floor-pack")).filter((f) => f.endsWith(".json")).map((f) => `bench/floor-pack/${f}`));
        const total = bench.reduce((sum, f) => sum + lineCount(f), 0);
        assert.ok(total <= 1500, `bench/ has ${total} lines`);
    });

    describe("the rules themselves (so the checks above can fail)", () => {
        const cases: [string, string, boolean][] = [
            ["policies/security/rules/s3.ts", "components/cluster.ts", false],
            ["policies/security/rules/s3.ts", "config/index.ts", false],
            ["policies/lib/tenancy.ts", "lib/platform.ts", true],
            ["components/team.ts", "policies/lib/aws.ts", false],
            ["components/team.ts", "config/index.ts", true],
            ["lib/cidr.ts", "config/index.ts", false],
            ["lib/cidr.ts", "lib/patterns.ts", true],
            ["contract/index.ts", "lib/platform.ts", false],
            ["config/index.ts", "preview/run.ts", false],
            ["index.ts", "components/index.ts", true],
            ["index.ts", "preview/run.ts", false],
            ["preview/run.ts", "components/index.ts", true],
            ["preview/run.ts", "bench/lib.ts", false],
            ["preview/run.ts", "tests/helpers/esm.ts", false],
            ["scripts/offline-preview.ts", "preview/run.ts", true],
            ["scripts/offline-preview.ts", "bench/run.ts", false],
            ["bench/stacks.ts", "tests/policies/fuzz/fixtures.ts", true],
            ["bench/stacks.ts", "tests/helpers/esm.ts", false],
            ["examples/team-spark-job/index.ts", "components/team.ts", false],
            ["tests/config.spec.ts", "bench/lib.ts", true],
        ];
        for (const [from, to, allowed] of cases) {
            it(`${from} → ${to}: ${allowed ? "allowed" : "a violation"}`, () => {
                assert.equal(rules.layerViolation(from, to) === undefined, allowed);
            });
        }

        it("a violation names both files, their layers and what the importer may import", () => {
            assert.equal(rules.layerViolation("policies/cost/rules/x.ts", "preview/analyze.ts"),
                "policies/cost/rules/x.ts (policies) must not import preview/analyze.ts (preview): policies may import only policies, lib, contract");
        });

        it("a KNOWN_LAYER_VIOLATIONS entry allows exactly that import, no other", () => {
            for (const v of rules.KNOWN_LAYER_VIOLATIONS) {
                assert.equal(rules.layerViolation(v.from, v.to), undefined);
                assert.notEqual(rules.layerViolation(`${v.from}.other.ts`, v.to), undefined);
            }
        });

        it("findCycle reports a cycle and accepts a DAG", () => {
            assert.deepEqual(findCycle(new Map([["a", ["b"]], ["b", ["c"]], ["c", ["a"]], ["d", ["a"]]])), ["a", "b", "c", "a"]);
            assert.equal(findCycle(new Map([["a", ["b", "c"]], ["b", ["c"]], ["c", []]])), undefined);
        });
    });
});
