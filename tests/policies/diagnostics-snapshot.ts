/**
 * Golden diagnostics (not a spec file itself). tests/policies/<pack>/snapshots/diagnostics.json holds the
 * inputs the pack's rule specs send through @pulumi/policy (resources in wire format, UNKNOWN sentinels and
 * policy config included) together with the exact diagnostics each drew: policy, enforcement level, URN,
 * full message and unknown-value flag. Replaying them pins every message word for word and every verdict,
 * where the rule specs assert a fragment; each case is also replayed without the policy's configSchema, so
 * the in-code config fallbacks must match the schema defaults. After an intended change run the specs with
 * UPDATE_DIAGNOSTIC_SNAPSHOTS=1 to rewrite the expectations, then review the diff.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import type { Policy } from "@pulumi/policy";
import { analyzePacks, AnalyzeOptions, AnalyzerResource, Diagnostic, PackDefinition } from "../../preview/analyze";

interface Expected {
    readonly policy: string;
    readonly enforcementLevel: string;
    readonly urn?: string;
    readonly message: string;
    readonly unknownValue: boolean;
}

interface Case {
    readonly policy: string;
    readonly from: string;
    readonly resources: number[];
    readonly opts: AnalyzeOptions;
    diagnostics: Expected[];
}

interface Snapshot {
    readonly _: string;
    readonly resources: AnalyzerResource[];
    readonly cases: Case[];
}

const UPDATE = process.env.UPDATE_DIAGNOSTIC_SNAPSHOTS === "1";

function summary(ds: Diagnostic[]): Expected[] {
    // Through JSON, as stored: a stack-level diagnostic has no `urn` key at all.
    return JSON.parse(JSON.stringify(ds.map((d) => ({ policy: d.policy, enforcementLevel: d.enforcementLevel, urn: d.urn, message: d.message, unknownValue: d.unknownValue }))));
}

/** Declares one `it` per recorded case; each runs the pack's own policy object (at advisory pack level, as the rule specs do). */
export function replayDiagnosticSnapshot(pack: PackDefinition, file: string): void {
    const snap: Snapshot = JSON.parse(fs.readFileSync(file, "utf8"));
    const byName = new Map((pack.policies as Policy[]).map((p) => [p.name, p]));
    describe(`${pack.name}: golden diagnostics (${snap.cases.length} recorded inputs)`, () => {
        snap.cases.forEach((c, i) => {
            it(`#${i} ${c.policy} — ${c.from}`, async () => {
                const policy = byName.get(c.policy);
                assert.ok(policy, `policy ${c.policy} is no longer in ${pack.name}`);
                const run = (p: Policy) => analyzePacks([{ name: "test-pack", version: "0.0.0", enforcementLevel: "advisory", policies: [p] }], c.resources.map((k) => snap.resources[k]), c.opts);
                const got = summary(await run(policy));
                if (UPDATE) {
                    c.diagnostics = got;
                    return;
                }
                assert.deepEqual(got, c.diagnostics);
                // Not every host fills configSchema defaults: with the schema removed, getConfig() returns only the
                // explicit config and the rule's own fallbacks must give the very same verdicts and messages.
                assert.deepEqual(summary(await run({ ...policy, configSchema: undefined } as Policy)), c.diagnostics, "the code's config fallbacks differ from the configSchema defaults");
            });
        });
        if (UPDATE) {
            after(() => {
                const lines = [
                    "{",
                    `"_": ${JSON.stringify(snap._)},`,
                    '"resources": [',
                    snap.resources.map((r) => JSON.stringify(r)).join(",\n"),
                    "],",
                    '"cases": [',
                    snap.cases.map((c) => JSON.stringify(c)).join(",\n"),
                    "]",
                    "}",
                ];
                fs.writeFileSync(file, lines.join("\n") + "\n");
            });
        }
    });
}
