/**
 * Prints the README's policy reference (one Markdown table per pack) from the pack definitions, so
 * the documented names, levels, severities and config defaults are the code's; the Peers column comes
 * from policies/peers.ts (which Checkov checks, Kyverno policies and compliance-policies cover the theme).
 *   npx ts-node --transpile-only scripts/policy-table.ts
 */
import { PEERS, Peers } from "../policies/peers";
import { loadPacks } from "../preview/run";
import { schemaDefaults } from "../preview/analyze";

/** "Checkov CKV_AWS_1, CKV_AWS_2; Kyverno `x`; compliance-policies `y`", or "—". */
export function peersText(peers: Peers | undefined): string {
    const parts = [
        ...(peers?.checkov?.length ? [`Checkov ${peers.checkov.join(", ")}`] : []),
        ...(peers?.kyverno?.length ? [`Kyverno ${peers.kyverno.map((k) => `\`${k}\``).join(", ")}`] : []),
        ...(peers?.compliancePolicies?.length ? [`compliance-policies ${peers.compliancePolicies.map((k) => `\`${k}\``).join(", ")}`] : []),
    ];
    return parts.length > 0 ? parts.join("; ") : "—";
}

export function policyTables(): string {
    const out: string[] = [];
    for (const pack of loadPacks()) {
        out.push(`#### \`${pack.name}\` ${pack.version} (\`policies/${pack.name.replace(/^moka-/, "")}\`)`);
        out.push("");
        out.push("| Policy | Level | Severity | Checks | Config (default) | Peers |");
        out.push("|---|---|---|---|---|---|");
        for (const p of pack.policies) {
            const defaults = schemaDefaults(p.configSchema);
            const cfg = Object.entries(defaults).map(([k, v]) => `\`${k}\` (${JSON.stringify(v).slice(0, 80)})`).join(", ") || "—";
            const level = p.enforcementLevel ?? pack.enforcementLevel;
            out.push(`| \`${p.name}\` | ${level} | ${p.severity ?? "—"} | ${(p.description ?? "").replace(/\|/g, "\\|")} | ${cfg.replace(/\|/g, "\\|")} | ${peersText(PEERS[p.name])} |`);
        }
        out.push("");
    }
    return out.join("\n");
}

if (require.main === module) {
    process.stdout.write(`${policyTables()}\n`);
}
