/**
 * Prints the README's policy reference (one Markdown table per pack) from the pack definitions, so
 * the documented names, levels, severities and config defaults are the code's.
 *   npx ts-node --transpile-only scripts/policy-table.ts
 */
import { loadPacks } from "../preview/run";
import { schemaDefaults } from "../preview/analyze";

export function policyTables(): string {
    const out: string[] = [];
    for (const pack of loadPacks()) {
        out.push(`#### \`${pack.name}\` ${pack.version} (\`policies/${pack.name.replace(/^moka-/, "")}\`)`);
        out.push("");
        out.push("| Policy | Level | Severity | Checks | Config (default) |");
        out.push("|---|---|---|---|---|");
        for (const p of pack.policies) {
            const defaults = schemaDefaults(p.configSchema);
            const cfg = Object.entries(defaults).map(([k, v]) => `\`${k}\` (${JSON.stringify(v).slice(0, 80)})`).join(", ") || "—";
            const level = p.enforcementLevel ?? pack.enforcementLevel;
            out.push(`| \`${p.name}\` | ${level} | ${p.severity ?? "—"} | ${(p.description ?? "").replace(/\|/g, "\\|")} | ${cfg.replace(/\|/g, "\\|")} |`);
        }
        out.push("");
    }
    return out.join("\n");
}

if (require.main === module) {
    process.stdout.write(`${policyTables()}\n`);
}
