/**
 * Renders a PreviewResult as text (terminal), JSON (machines) or Markdown (a PR comment; with the Mermaid
 * component graph and cost pie of mermaid.ts, which the terminal text leaves out).
 */
import type { Diagnostic } from "./analyze";
import { sourceLabel } from "./deploy-report";
import { componentGraph, mermaidCostPie, mermaidFlowchart } from "./mermaid";
import type { PreviewResult } from "./run";

export type Format = "text" | "json" | "markdown";

const SEVERITY_ORDER = ["critical", "high", "medium", "low", undefined] as const;
const SEVERITY_ICON: Record<string, string> = { critical: "🔴", high: "🟠", medium: "🟡", low: "🔵", none: "⚪" };

function sortFindings(ds: readonly Diagnostic[]): Diagnostic[] {
    const level = (d: Diagnostic) => (d.enforcementLevel === "mandatory" ? 0 : 1);
    const sev = (d: Diagnostic) => SEVERITY_ORDER.indexOf(d.severity);
    return [...ds].sort((a, b) => level(a) - level(b) || sev(a) - sev(b) || a.policy.localeCompare(b.policy) || (a.resourceName ?? "").localeCompare(b.resourceName ?? ""));
}

function groupByPack(ds: readonly Diagnostic[]): Map<string, Diagnostic[]> {
    const out = new Map<string, Diagnostic[]>();
    for (const d of sortFindings(ds)) {
        out.set(d.pack, [...(out.get(d.pack) ?? []), d]);
    }
    return out;
}

function resourceLabel(d: Diagnostic): string {
    return d.resourceType ? `${d.resourceType} "${d.resourceName}"` : "(stack)";
}

function money(n: number): string {
    return `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

export function verdict(r: PreviewResult): string {
    return r.mandatoryCount === 0
        ? `PASS — 0 mandatory violations (${r.findings.length} advisory finding${r.findings.length === 1 ? "" : "s"})`
        : `FAIL — ${r.mandatoryCount} mandatory violation${r.mandatoryCount === 1 ? "" : "s"}`;
}

export function renderJson(r: PreviewResult): string {
    return JSON.stringify({
        stack: r.stack,
        environment: r.environment,
        verdict: r.mandatoryCount === 0 ? "pass" : "fail",
        mandatoryViolations: r.mandatoryCount,
        resources: { total: r.resources.length, byComponent: r.byComponent, byType: r.byType },
        packs: r.packs,
        policyConfigFiles: r.policyConfigFiles,
        findings: sortFindings(r.findings).map((d) => ({
            pack: d.pack,
            policy: d.policy,
            enforcementLevel: d.enforcementLevel,
            severity: d.severity ?? null,
            resourceType: d.resourceType ?? null,
            resourceName: d.resourceName ?? null,
            urn: d.urn ?? null,
            message: d.message,
            remediation: d.remediationSteps ?? null,
            url: d.url ?? null,
        })),
        cost: r.cost,
        deployability: r.deployability,
        limits: r.limits,
        timingsMs: r.timings,
    }, null, 2);
}

export function renderText(r: PreviewResult): string {
    const lines: string[] = [];
    lines.push(`Moka offline preview — stack ${r.stack} (${r.environment})`);
    lines.push("=".repeat(lines[0].length));
    lines.push("");
    lines.push(`Resources: ${r.resources.length} registered (${r.resources.filter((x) => x.custom).length} custom, ${r.resources.filter((x) => !x.custom).length} components)`);
    lines.push("");
    lines.push("By component:");
    for (const c of r.byComponent) {
        lines.push(`  ${String(c.resources).padStart(4)}  ${c.component}  (${c.type})`);
    }
    lines.push("");
    lines.push("By type:");
    for (const [t, n] of Object.entries(r.byType).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) {
        lines.push(`  ${String(n).padStart(4)}  ${t}`);
    }
    lines.push("");
    lines.push(`Policy findings (${r.packs.map((p) => `${p.name}@${p.version}: ${p.policies} rules`).join(", ")}):`);
    if (r.policyConfigFiles.length > 0) {
        lines.push(`  policy config: ${r.policyConfigFiles.join(", ")}`);
    }
    if (r.findings.length === 0) {
        lines.push("  none");
    }
    for (const [pack, ds] of groupByPack(r.findings)) {
        lines.push(`  ${pack}`);
        for (const d of ds) {
            lines.push(`    [${d.enforcementLevel.toUpperCase()}] [${(d.severity ?? "none").toUpperCase()}] ${d.policy} — ${resourceLabel(d)}`);
            lines.push(`        ${d.message.replace(/\n/g, "\n        ")}`);
            if (d.remediationSteps) {
                lines.push(`        fix: ${d.remediationSteps.replace(/\n/g, "\n             ")}`);
            }
        }
    }
    lines.push("");
    lines.push("Deployability (a first pulumi up):");
    for (const a of r.deployability.apiPaths) {
        lines.push(`  API path:       ${a}`);
    }
    lines.push(`  pulumi up from: ${r.deployability.deployer}`);
    for (const s of r.deployability.systemNodes) {
        lines.push(`  System nodes:   ${s}`);
    }
    lines.push("  Images:");
    for (const i of r.deployability.images) {
        lines.push(`    ${i.image}`);
        lines.push(`        ${sourceLabel(i.source)}: ${i.detail}; run by ${i.usedBy.join(", ")}`);
    }
    lines.push("");
    lines.push("Cost estimate (on-demand list prices, USD/hour):");
    lines.push(`  idle floor:           ${money(r.cost.idleFloorHourly)}/h  (~${money(r.cost.idleFloorHourly * 730)}/month)`);
    for (const i of r.cost.floorItems) {
        lines.push(`      ${money(i.hourly).padStart(10)}/h  ${i.item}`);
    }
    lines.push(`  worst-case ceiling:   ${money(r.cost.worstCaseHourly)}/h  (every NodePool at its limits, on-demand)`);
    for (const p of r.cost.nodePools) {
        lines.push(p.cpuLimit === undefined
            ? `      ${"unbounded".padStart(12)}  NodePool ${p.name}: no CPU limit (${p.basis})`
            : `      ${money(p.hourly).padStart(10)}/h  NodePool ${p.name}: ${p.cpuLimit} vCPU × ${money(p.ratePerVcpuHour)}/vCPU-h (${p.basis})`);
    }
    lines.push(`  ${r.cost.source}`);
    lines.push("");
    lines.push("What an offline preview cannot see:");
    for (const l of r.limits) {
        lines.push(`  - ${l}`);
    }
    lines.push("");
    lines.push(verdict(r));
    return lines.join("\n");
}

export function renderMarkdown(r: PreviewResult): string {
    const out: string[] = [];
    const icon = r.mandatoryCount === 0 ? "✅" : "❌";
    out.push(`## ${icon} Moka offline preview — \`${r.stack}\``);
    out.push("");
    out.push(`**${verdict(r)}** · ${r.resources.length} resources · packs: ${r.packs.map((p) => `${p.name}@${p.version}`).join(", ")}`);
    out.push("");
    out.push("### Findings");
    out.push("");
    out.push("| Severity | Level | Pack | Policy | Resource | Message | Remediation |");
    out.push("|---|---|---|---|---|---|---|");
    const cell = (s: string | undefined) => (s ?? "").replace(/\|/g, "\\|").replace(/\n+/g, " ");
    if (r.findings.length === 0) {
        out.push(`| ✅ none | — | ${r.packs.map((p) => p.name).join(", ")} | — | — | No findings: every policy passed. | — |`);
    }
    for (const d of sortFindings(r.findings)) {
        const sev = d.severity ?? "none";
        out.push(`| ${SEVERITY_ICON[sev]} ${sev} | ${d.enforcementLevel === "mandatory" ? "**mandatory**" : d.enforcementLevel} | ${d.pack} | \`${d.policy}\` | ${cell(resourceLabel(d))} | ${cell(d.message)} | ${cell(d.remediationSteps)} |`);
    }
    out.push("");
    out.push("### Platform");
    out.push("");
    const graph = componentGraph(r.resources, r.findings);
    out.push(`Components and what each waits for (an arrow points at the dependant)${graph.nodes.some((n) => n.mandatory + n.advisory > 0) ? "; highlighted: where a finding points" : ""}.`);
    out.push("");
    out.push(mermaidFlowchart(graph));
    out.push("");
    out.push("### Deployability");
    out.push("");
    for (const a of r.deployability.apiPaths) {
        out.push(`- **API path:** ${cell(a)}`);
    }
    out.push(`- **pulumi up runs from:** ${cell(r.deployability.deployer)}`);
    for (const s of r.deployability.systemNodes) {
        out.push(`- **System nodes:** ${cell(s)}`);
    }
    out.push("");
    out.push("| Image | Source | Detail | Run by |");
    out.push("|---|---|---|---|");
    for (const i of r.deployability.images) {
        out.push(`| \`${cell(i.image)}\` | ${i.source === "missing" || i.source === "unordered" ? "❌ " : ""}${sourceLabel(i.source)} | ${cell(i.detail)} | ${cell(i.usedBy.join(", "))} |`);
    }
    out.push("");
    out.push("### Cost estimate");
    out.push("");
    out.push(`| | USD/hour | USD/month (730 h) |`);
    out.push(`|---|---:|---:|`);
    out.push(`| Idle floor | ${money(r.cost.idleFloorHourly)} | ${money(r.cost.idleFloorHourly * 730)} |`);
    out.push(`| Worst-case ceiling (NodePool limits, on-demand) | ${money(r.cost.worstCaseHourly)}${r.cost.unboundedPools.length > 0 ? " + unbounded" : ""} | ${money(r.cost.worstCaseHourly * 730)} |`);
    out.push("");
    out.push(mermaidCostPie(r.cost));
    out.push("");
    out.push(`<sub>${r.cost.source}</sub>`);
    out.push("");
    out.push("<details><summary>Resources by component</summary>");
    out.push("");
    out.push("| Component | Type | Resources |");
    out.push("|---|---|---:|");
    for (const c of r.byComponent) {
        out.push(`| ${c.component} | \`${c.type}\` | ${c.resources} |`);
    }
    out.push("");
    out.push("</details>");
    out.push("");
    out.push("### What an offline preview cannot see");
    out.push("");
    for (const l of r.limits) {
        out.push(`- ${l}`);
    }
    return out.join("\n");
}

export function render(r: PreviewResult, format: Format): string {
    switch (format) {
        case "json":
            return renderJson(r);
        case "markdown":
            return renderMarkdown(r);
        default:
            return renderText(r);
    }
}
