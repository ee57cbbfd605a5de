/**
 * Can a Karpenter NodePool launch bare metal? Its requirements keep metal out when one of them holds
 * (requirements are ANDed):
 *  - `karpenter.k8s.aws/instance-hypervisor In [...]` without "" (or `NotIn` with ""): bare-metal types are
 *    exactly the ones whose hypervisor label is empty (lib/ec2-metal-sizes.ts, Karpenter v1.14 reference);
 *  - `node.kubernetes.io/instance-type In [...]` with no `*.metal*` type, or `karpenter.k8s.aws/instance-size
 *    In [...]` with no `metal*` size;
 *  - `karpenter.k8s.aws/instance-family In [...]` and `instance-size NotIn [...]` covering every metal size
 *    of every listed family (`metal`, `metal-24xl`, `metal-48xl`…; a family missing from the table cannot
 *    be proven and counts as "can launch metal").
 */
import { METAL_SIZES } from "../../../lib/ec2-metal-sizes";
import { isUnknownValue } from "../known";
import { asArray, asString, isRecord } from "../props";

const HYPERVISOR = "karpenter.k8s.aws/instance-hypervisor";
const INSTANCE_TYPE = "node.kubernetes.io/instance-type";
const SIZE = "karpenter.k8s.aws/instance-size";
const FAMILY = "karpenter.k8s.aws/instance-family";

export type MetalVerdict =
    | { readonly kind: "excluded"; readonly how: string }
    | { readonly kind: "allowed"; readonly problem: string }
    | { readonly kind: "unknown"; readonly index: number };

interface Req { readonly key: string; readonly operator: string; readonly values: string[] }

/** Whether `requirements` (a NodePool's spec.template.spec.requirements, raw) keep bare metal out. */
export function metalVerdict(requirements: unknown): MetalVerdict {
    if (isUnknownValue(requirements)) {
        return { kind: "unknown", index: -1 };
    }
    const reqs: Req[] = [];
    for (const [i, r] of asArray(requirements).entries()) {
        if (!isRecord(r)) {
            continue;
        }
        const values = asArray(r.values);
        if (isUnknownValue(r) || isUnknownValue(r.key) || isUnknownValue(r.operator) || isUnknownValue(r.values) || values.some(isUnknownValue)) {
            return { kind: "unknown", index: i };
        }
        const key = asString(r.key);
        const operator = asString(r.operator);
        if (key !== undefined && operator !== undefined) {
            reqs.push({ key, operator, values: values.filter((v): v is string => typeof v === "string") });
        }
    }
    for (const r of reqs) {
        if (r.key === HYPERVISOR && r.operator === "In" && r.values.length > 0 && !r.values.includes("")) {
            return { kind: "excluded", how: `${HYPERVISOR} In [${r.values.join(", ")}]` };
        }
        if (r.key === HYPERVISOR && r.operator === "NotIn" && r.values.includes("")) {
            return { kind: "excluded", how: `${HYPERVISOR} NotIn [""]` };
        }
        if (r.key === INSTANCE_TYPE && r.operator === "In" && r.values.length > 0 && !r.values.some((v) => /\.metal/.test(v))) {
            return { kind: "excluded", how: `${INSTANCE_TYPE} In a list without metal types` };
        }
        if (r.key === SIZE && r.operator === "In" && r.values.length > 0 && !r.values.some((v) => v.startsWith("metal"))) {
            return { kind: "excluded", how: `${SIZE} In a list without metal sizes` };
        }
    }
    const excluded = new Set(reqs.filter((r) => r.key === SIZE && r.operator === "NotIn").flatMap((r) => r.values));
    const familyReqs = reqs.filter((r) => r.key === FAMILY && r.operator === "In");
    const fix = `add { key: ${HYPERVISOR}, operator: In, values: [nitro] } (bare-metal types have an empty hypervisor label)`;
    if (familyReqs.length === 0) {
        return { kind: "allowed", problem: `nothing limits the instance families, and instance-size NotIn [${[...excluded].join(", ")}] does not name every metal size (metal, metal-16xl, metal-24xl, metal-32xl, metal-48xl, metal-96xl…); ${fix}` };
    }
    // Families in every In requirement (requirements are ANDed).
    const families = familyReqs.map((r) => new Set(r.values)).reduce((a, b) => new Set([...a].filter((f) => b.has(f))));
    const gaps: string[] = [];
    for (const f of families) {
        const sizes = METAL_SIZES[f];
        if (sizes === undefined) {
            gaps.push(`${f} (not in the instance-family table, lib/ec2-metal-sizes.ts)`);
        } else {
            const open = sizes.filter((s) => !excluded.has(s));
            if (open.length > 0) {
                gaps.push(`${f} has ${open.join(" and ")}`);
            }
        }
    }
    return gaps.length === 0
        ? { kind: "excluded", how: `instance-size NotIn every metal size of ${[...families].join(", ")}` }
        : { kind: "allowed", problem: `instance-size NotIn [${[...excluded].join(", ")}] leaves bare metal open: ${gaps.join("; ")}; ${fix}` };
}
