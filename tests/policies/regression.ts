/**
 * Regression checks for the unknown-value bugs the policy fuzzer (tests/policies/fuzz.spec.ts) found (not a
 * spec file itself). Every fixed bug is a test in the spec file of the rule it concerns, named by its id
 * (ISO-n, COST-n, SEC-n), with its minimal counterexample — B (concrete) and P (B with some values replaced
 * by the preview-unknown sentinel) — and a one-line root cause. The property the fuzzer checks for every
 * policy: P adds no violation that B does not have, and the policy defers instead ("can't run during preview").
 */
import { strict as assert } from "assert";
import type { Policy } from "@pulumi/policy";
import { check, Diagnostic, TestResource } from "../helpers/policy";

/** Mandatory (non-unknown) messages of `policy` and whether its "can't run during preview" advisory is present. */
export async function unknownOutcome(policy: Policy, resources: TestResource[], config?: Record<string, unknown>): Promise<{ mandatory: string[]; advisory: boolean }> {
    const ds = (await check(policy, resources, config)).filter((d) => d.policy === policy.name);
    return {
        mandatory: ds.filter((d) => d.enforcementLevel === "mandatory" && !d.unknownValue).map((d) => d.message),
        advisory: ds.some((d) => d.unknownValue && d.enforcementLevel === "advisory"),
    };
}

const where = (d: Diagnostic): string => d.urn ?? "(stack)";

/**
 * The fuzzer's property on one counterexample: `withUnknown` (P) reports no violation of `policy`, at any
 * level, on a resource that `base` (B) is not reported on, and the policy raises its advisory "can't run
 * during preview" for P. Resources need explicit names so B and P share their URNs.
 */
export async function expectUnknownsAddNoViolation(policy: Policy, base: TestResource[], withUnknown: TestResource[], config?: Record<string, unknown>): Promise<void> {
    for (const r of [...base, ...withUnknown]) {
        assert.ok(r.name !== undefined || r.urn !== undefined, `counterexample resources need a name (${r.type})`);
    }
    const before = new Set((await check(policy, base, config)).filter((d) => !d.unknownValue).map(where));
    const after = await check(policy, withUnknown, config);
    const added = after.filter((d) => !d.unknownValue && !before.has(where(d)));
    assert.deepEqual(added.map((d) => `${where(d)}: ${d.message}`), [], "unknown values added a violation");
    assert.ok(after.some((d) => d.unknownValue && d.enforcementLevel === "advisory"), `expected a "can't run during preview" advisory from ${policy.name}`);
}
