/**
 * Runs the real-world corpus (cases.json) through every pack over the Analyzer protocol path — the
 * in-process @pulumi/policy server handlers (`Analyze` per resource, then `AnalyzeStack`) that
 * preview/analyze.ts drives with real protobuf requests, the packs' default policy config — and scores
 * every case against tests/policies/corpus/themes.ts. Also renders the README's results table.
 * Not a spec file itself.
 */
import * as fs from "fs";
import * as path from "path";
import { analyzePacks, type AnalyzerResource, type Diagnostic, type PackDefinition } from "../../../preview/analyze";
import { EXTRA_FINDINGS, KNOWN_MISSES, THEMES, UNSCORED } from "./themes";

export interface CorpusCase {
    readonly id: string;
    readonly source: { readonly repo: string; readonly path: string; readonly commit: string; readonly ref?: string; readonly what?: string };
    readonly description: string;
    readonly themes: readonly string[];
    readonly resources: readonly { readonly type: string; readonly name: string; readonly props: Record<string, unknown> }[];
    readonly expected: { readonly verdict: "pass" | "fail"; readonly mandatoryThemes: readonly string[]; readonly advisoryThemes: readonly string[] };
    readonly contextFilled?: readonly string[];
    readonly note?: string;
}

export interface CaseResult {
    readonly c: CorpusCase;
    /** The error when a pack crashed (analyzePacks threw). */
    readonly crash?: string;
    readonly diagnostics: readonly Diagnostic[];
    /** Policies with a mandatory violation (not the preview-unknown advisory). */
    readonly mandatory: ReadonlySet<string>;
    /** Policies with any non-unknown diagnostic. */
    readonly reported: ReadonlySet<string>;
    /** Expected mandatory themes no mapped policy reported as mandatory. */
    readonly missedMandatory: readonly string[];
    /** Expected advisory themes no mapped policy reported. */
    readonly missedAdvisory: readonly string[];
    /** Mandatory policies on a "pass" case that are not UNSCORED: false positives. */
    readonly falsePositives: readonly string[];
    /** Mandatory policies on a "fail" case outside its expected themes. */
    readonly extra: readonly string[];
}

export const CORPUS_FILE = path.join(__dirname, "cases.json");

export function loadCorpus(): CorpusCase[] {
    return JSON.parse(fs.readFileSync(CORPUS_FILE, "utf8")) as CorpusCase[];
}

function toAnalyzer(c: CorpusCase): AnalyzerResource[] {
    return c.resources.map((r) => ({ urn: `urn:pulumi:corpus::${c.id}::${r.type}::${r.name}`, type: r.type, name: r.name, properties: r.props }));
}

/** Runs one case through the packs (default config) and scores it. */
export async function runCase(packs: readonly PackDefinition[], c: CorpusCase): Promise<CaseResult> {
    let diagnostics: Diagnostic[] = [];
    let crash: string | undefined;
    try {
        diagnostics = await analyzePacks(packs, toAnalyzer(c));
    } catch (e) {
        crash = e instanceof Error ? e.message : String(e);
    }
    const known = diagnostics.filter((d) => !d.unknownValue);
    const mandatory = new Set(known.filter((d) => d.enforcementLevel === "mandatory").map((d) => d.policy));
    const reported = new Set(known.map((d) => d.policy));
    const detected = (theme: string, needMandatory: boolean) => (THEMES[theme]?.policies ?? []).some((p) => (needMandatory ? mandatory : reported).has(p));
    const expectedPolicies = new Set(c.expected.mandatoryThemes.flatMap((t) => THEMES[t]?.policies ?? []));
    return {
        c,
        crash,
        diagnostics,
        mandatory,
        reported,
        missedMandatory: c.expected.mandatoryThemes.filter((t) => !detected(t, true)),
        missedAdvisory: c.expected.advisoryThemes.filter((t) => !detected(t, false)),
        falsePositives: c.expected.verdict === "pass" ? [...mandatory].filter((p) => UNSCORED[p] === undefined).sort() : [],
        extra: c.expected.verdict === "fail" ? [...mandatory].filter((p) => !expectedPolicies.has(p) && UNSCORED[p] === undefined).sort() : [],
    };
}

/** Runs every case. */
export async function runCorpus(packs: readonly PackDefinition[], cases = loadCorpus()): Promise<CaseResult[]> {
    const out: CaseResult[] = [];
    for (const c of cases) {
        out.push(await runCase(packs, c));
    }
    return out;
}

/** True when the verdict the packs reach (any mandatory violation = fail) is the expected one. */
export function verdictAgrees(r: CaseResult): boolean {
    const failing = [...r.mandatory].some((p) => UNSCORED[p] === undefined);
    return r.crash === undefined && failing === (r.c.expected.verdict === "fail");
}

/** The README's corpus results section (between the CORPUS-RESULTS markers). */
export function resultsTable(results: readonly CaseResult[]): string {
    const bySource = new Map<string, CaseResult[]>();
    for (const r of results) {
        (bySource.get(r.c.source.repo) ?? bySource.set(r.c.source.repo, []).get(r.c.source.repo)!).push(r);
    }
    const row = (name: string, rs: readonly CaseResult[]) => {
        const fail = rs.filter((r) => r.c.expected.verdict === "fail").length;
        const misses = rs.reduce((n, r) => n + r.missedMandatory.length, 0);
        const advisoryMisses = rs.reduce((n, r) => n + r.missedAdvisory.length, 0);
        return `| ${name} | ${rs.length} | ${rs.length - fail} / ${fail} | ${rs.filter(verdictAgrees).length} | ${rs.filter((r) => r.crash).length} | ` +
            `${rs.reduce((n, r) => n + r.falsePositives.length, 0)} | ${misses} | ${advisoryMisses} |`;
    };
    const lines = [
        "| Source | Cases | Pass / fail (expected) | Verdicts agree | Crashes | False positives | Missed mandatory themes | Missed advisory themes |",
        "|---|---|---|---|---|---|---|---|",
        ...[...bySource.keys()].sort().map((k) => row(`\`${k}\``, bySource.get(k)!)),
        row("**Total**", results),
    ];
    const misses = results.filter((r) => r.missedMandatory.length > 0 || r.missedAdvisory.length > 0);
    if (misses.length > 0) {
        lines.push("", "Misses (each explained in tests/policies/corpus/themes.ts KNOWN_MISSES):", "");
        for (const r of misses) {
            const themes = [...r.missedMandatory, ...r.missedAdvisory.map((t) => `${t} (advisory)`)];
            lines.push(`- \`${r.c.id}\`: ${themes.join(", ")} — ${KNOWN_MISSES[r.c.id]?.reason ?? "not explained"}`);
        }
    }
    const extras = results.filter((r) => r.extra.length > 0);
    if (extras.length > 0) {
        lines.push("", "Findings beyond a failing case's expected themes, judged correct (EXTRA_FINDINGS):", "");
        for (const r of extras) {
            lines.push(`- \`${r.c.id}\`: ${r.extra.map((p) => `\`${p}\``).join(", ")} — ${EXTRA_FINDINGS[r.c.id]?.reason ?? "not judged"}`);
        }
    }
    return lines.join("\n");
}
