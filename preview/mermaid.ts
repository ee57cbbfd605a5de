/**
 * The PR report's pictures, as Mermaid (GitHub renders ```mermaid fenced blocks in PR comments:
 * github/docs creating-diagrams.md; syntax per mermaid-js/mermaid 11.14 docs flowchart.md and pie.md):
 *  - a flowchart of the platform's components and their dependencies, read from the recorded resources:
 *    each top-level `moka:*` component is a node, and B → A when any resource of A depends on one of B
 *    (explicit `dependsOn` or an input taken from B's outputs), transitively reduced so the picture shows the
 *    order of construction rather than every edge; components a finding points at are highlighted
 *    (classDef `mandatory` red, `advisory` amber) with their counts;
 *  - a pie of the worst-case cost ceiling by NodePool, plus the always-on floor.
 * Pure; the Markdown renderer (report.ts) places them; the text report stays without them.
 */
import type { Diagnostic } from "./analyze";
import type { CostEstimate } from "./cost";
import type { RecordedResource } from "./mocks";

export interface ComponentNode {
    /** Mermaid node id (letters, digits, underscore). */
    readonly id: string;
    readonly name: string;
    readonly type: string;
    readonly mandatory: number;
    readonly advisory: number;
}

export interface ComponentGraph {
    readonly nodes: readonly ComponentNode[];
    /** [from, to]: `to` depends on `from` (from is built first). Node ids. */
    readonly edges: readonly (readonly [string, string])[];
    /** Findings on resources outside every component (the stack, providers). */
    readonly unplaced: number;
}

/** The top-level `moka:*` component each resource belongs to (itself for a component), by URN. */
function topComponents(resources: readonly RecordedResource[]): Map<string, RecordedResource | undefined> {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const memo = new Map<string, RecordedResource | undefined>();
    const top = (r: RecordedResource): RecordedResource | undefined => {
        if (memo.has(r.urn)) {
            return memo.get(r.urn);
        }
        const parent = r.parent ? byUrn.get(r.parent) : undefined;
        const own = !r.custom && r.type.startsWith("moka:") ? r : undefined;
        const result = (parent ? top(parent) : undefined) ?? own;
        memo.set(r.urn, result);
        return result;
    };
    for (const r of resources) {
        top(r);
    }
    return memo;
}

/** Drops an edge a → c when another path a → … → c exists (the graph of components is acyclic; with a cycle, nothing is dropped). */
export function transitiveReduction(nodes: readonly string[], edges: readonly (readonly [string, string])[]): [string, string][] {
    const out = new Map(nodes.map((n) => [n, new Set<string>()]));
    for (const [a, b] of edges) {
        out.get(a)?.add(b);
    }
    const reach = (from: string, skip: readonly [string, string]): Set<string> => {
        const seen = new Set<string>();
        const stack = [...(out.get(from) ?? [])].filter((n) => !(from === skip[0] && n === skip[1]));
        while (stack.length > 0) {
            const n = stack.pop()!;
            if (!seen.has(n)) {
                seen.add(n);
                stack.push(...(out.get(n) ?? []));
            }
        }
        return seen;
    };
    if (nodes.some((n) => reach(n, ["", ""]).has(n))) {
        return edges.map(([a, b]) => [a, b]);
    }
    return edges.filter((e) => !reach(e[0], e).has(e[1])).map(([a, b]) => [a, b]);
}

/** The component graph of a run, with the findings placed on their components. */
export function componentGraph(resources: readonly RecordedResource[], findings: readonly Diagnostic[]): ComponentGraph {
    const top = topComponents(resources);
    const comps = resources.filter((r) => top.get(r.urn) === r);
    const ids = new Map<string, string>();
    for (const c of comps) {
        const base = `c_${c.name.replace(/[^A-Za-z0-9_]/g, "_")}`;
        let id = base;
        for (let i = 2; [...ids.values()].includes(id); i++) {
            id = `${base}_${i}`;
        }
        ids.set(c.urn, id);
    }
    const edges = new Map<string, [string, string]>();
    for (const r of resources) {
        const to = top.get(r.urn);
        for (const dep of [...r.dependencies, ...Object.values(r.propertyDependencies).flat()]) {
            const from = top.get(dep);
            if (to && from && from !== to) {
                const e: [string, string] = [ids.get(from.urn)!, ids.get(to.urn)!];
                edges.set(e.join(">"), e);
            }
        }
    }
    const counts = new Map<string, { mandatory: number; advisory: number }>();
    let unplaced = 0;
    for (const d of findings) {
        const c = d.urn ? top.get(d.urn) : undefined;
        if (!c) {
            unplaced++;
            continue;
        }
        const n = counts.get(c.urn) ?? { mandatory: 0, advisory: 0 };
        n[d.enforcementLevel === "mandatory" ? "mandatory" : "advisory"]++;
        counts.set(c.urn, n);
    }
    const nodes = comps.map((c) => ({ id: ids.get(c.urn)!, name: c.name, type: c.type, mandatory: counts.get(c.urn)?.mandatory ?? 0, advisory: counts.get(c.urn)?.advisory ?? 0 }));
    const sorted = [...edges.values()].sort((a, b) => a.join().localeCompare(b.join()));
    return { nodes, edges: transitiveReduction(nodes.map((n) => n.id), sorted), unplaced };
}

/** Text safe inside a quoted Mermaid label. */
function label(s: string): string {
    return s.replace(/"/g, "#quot;").replace(/[<>]/g, (c) => (c === "<" ? "#lt;" : "#gt;"));
}

/** The flowchart as a fenced ```mermaid block. */
export function mermaidFlowchart(g: ComponentGraph): string {
    const lines = ["```mermaid", "flowchart LR"];
    for (const n of g.nodes) {
        const flags = [n.mandatory > 0 ? `❌ ${n.mandatory} mandatory` : "", n.advisory > 0 ? `⚠️ ${n.advisory} advisory` : ""].filter((x) => x !== "");
        const text = [label(n.name), label(n.type.replace(/^moka:/, "")), ...flags].join("<br/>");
        lines.push(`    ${n.id}["${text}"]`);
    }
    for (const [a, b] of g.edges) {
        lines.push(`    ${a} --> ${b}`);
    }
    lines.push("    classDef mandatory fill:#ffd7d5,stroke:#cf222e,stroke-width:3px,color:#000;");
    lines.push("    classDef advisory fill:#fff1c2,stroke:#bf8700,stroke-width:2px,color:#000;");
    const mandatory = g.nodes.filter((n) => n.mandatory > 0).map((n) => n.id);
    const advisory = g.nodes.filter((n) => n.mandatory === 0 && n.advisory > 0).map((n) => n.id);
    if (mandatory.length > 0) {
        lines.push(`    class ${mandatory.join(",")} mandatory;`);
    }
    if (advisory.length > 0) {
        lines.push(`    class ${advisory.join(",")} advisory;`);
    }
    lines.push("```");
    return lines.join("\n");
}

/** The worst-case ceiling by NodePool (and the always-on floor) as a ```mermaid pie; unbounded pools cannot be drawn and are named below it. */
export function mermaidCostPie(cost: CostEstimate): string {
    const slices = [
        ...cost.nodePools.filter((p) => p.cpuLimit !== undefined && p.hourly > 0).map((p) => [`${p.name} (${p.cpuLimit} vCPU)`, p.hourly] as const),
        ...(cost.idleFloorHourly > 0 ? [["always-on floor", cost.idleFloorHourly] as const] : []),
    ];
    const lines = ["```mermaid", "pie showData", `    title Worst-case ceiling by NodePool, USD/hour (total $${cost.worstCaseHourly.toFixed(2)})`];
    for (const [name, v] of slices) {
        lines.push(`    "${label(name)}" : ${v.toFixed(2)}`);
    }
    lines.push("```");
    if (cost.unboundedPools.length > 0) {
        lines.push("", `Not drawn (no CPU limit, unbounded): ${cost.unboundedPools.join(", ")}.`);
    }
    return lines.join("\n");
}
