/**
 * The cost model: what an instance type costs per hour, what a Karpenter NodePool is priced at (its
 * most expensive allowed family, on-demand), and the worst case of a set of pools scaled to their
 * CPU limits. Prices, ceilings and the family/pool rates come from lib/pricing/ (price-table.ts,
 * rates.ts); pools are read with requirements.ts and quantity.ts.
 *
 * Exported API (the cost pack; the preview uses it through ./index.ts):
 *   instanceVcpus(instanceType), instanceHourlyUsd(instanceType),
 *   nodePoolPricingInput(name, props), pricingInputsFromConfig(nodePools), PoolCost, WorstCaseCost, worstCaseHourlyCost(pools), idleFloorHourlyCost(groups)
 */
import { familyOf, isAcceleratedFamily, parseFamily, type Arch } from "../../../lib/instance-families";
import { familyVcpuHourUsd, poolVcpuHourRate, type NodePoolPricingInput } from "../../../lib/pricing/rates";
import { get } from "../props";
import { parseCpuQuantity } from "../../../lib/quantity";
import { acceleratedExposure, KARPENTER_KEYS, keyConstraint, nodePoolRequirements } from "./requirements";

// The family and pool rates live in lib/pricing/rates.ts (the Grafana cost dashboard prices from them too).

// ---------------------------------------------------------------------------------------------
// Instance prices
// ---------------------------------------------------------------------------------------------

/** vCPUs of an instance type from its size (medium 1 — 2 for burstable t*, large 2, xlarge 4, Nxlarge 4N); undefined for metal/unknown. */
export function instanceVcpus(instanceType: string): number | undefined {
    const [family, size] = instanceType.trim().toLowerCase().split(".");
    if (!size) {
        return undefined;
    }
    const burstable = parseFamily(family)?.series === "t";
    if (["nano", "micro", "small"].includes(size)) {
        return burstable ? 2 : 1;
    }
    if (size === "medium") {
        return burstable ? 2 : 1;
    }
    if (size === "large") {
        return 2;
    }
    if (size === "xlarge") {
        return 4;
    }
    const m = /^(\d+)xlarge$/.exec(size);
    return m ? 4 * Number(m[1]) : undefined;
}

/** On-demand $/hour of one instance type (family rate × vCPUs); undefined when the size is unknown. */
export function instanceHourlyUsd(instanceType: string): number | undefined {
    const vcpus = instanceVcpus(instanceType);
    return vcpus === undefined ? undefined : vcpus * familyVcpuHourUsd(familyOf(instanceType)).rate;
}

// ---------------------------------------------------------------------------------------------
// Worst-case cost
// ---------------------------------------------------------------------------------------------

/**
 * Reads what pricing needs from a NodePool's properties: `spec.limits.cpu`, and the families,
 * categories and architectures its `In` requirements allow (instance types count via their family).
 */
export function nodePoolPricingInput(name: string, props: unknown): NodePoolPricingInput {
    const reqs = nodePoolRequirements(props);
    const family = keyConstraint(reqs, KARPENTER_KEYS.instanceFamily)?.in;
    const typeFamilies = [KARPENTER_KEYS.instanceType, KARPENTER_KEYS.instanceTypeBeta]
        .map((k) => keyConstraint(reqs, k)?.in)
        .filter((s): s is ReadonlySet<string> => s !== undefined)
        .map((s) => new Set([...s].map(familyOf)));
    let families: Set<string> | undefined = family ? new Set(family) : undefined;
    for (const tf of typeFamilies) {
        families = families === undefined ? tf : new Set([...families].filter((f) => tf.has(f)));
    }
    const categories = keyConstraint(reqs, KARPENTER_KEYS.instanceCategory)?.in;
    const archIn = keyConstraint(reqs, KARPENTER_KEYS.arch)?.in;
    const archs = archIn ? [...archIn].filter((a): a is Arch => a === "arm64" || a === "amd64") : undefined;
    const exposure = acceleratedExposure(reqs);
    return {
        name,
        cpuLimit: parseCpuQuantity(get(props, "spec", "limits", "cpu")),
        families: families ? [...families] : undefined,
        categories: categories ? [...categories] : undefined,
        archs,
        mayLaunchAccelerated: exposure.explicit.length > 0 || exposure.unrestricted,
    };
}

/** Pricing inputs straight from stack config (`moka:nodePools`-shaped: cpuLimit + instanceFamilies per pool). */
export function pricingInputsFromConfig(nodePools: Readonly<Record<string, { readonly cpuLimit?: number; readonly instanceFamilies: readonly string[] }>>): NodePoolPricingInput[] {
    return Object.entries(nodePools).map(([name, p]) => ({
        name,
        cpuLimit: p.cpuLimit,
        families: [...p.instanceFamilies],
        mayLaunchAccelerated: p.instanceFamilies.some(isAcceleratedFamily),
    }));
}

export interface PoolCost {
    readonly name: string;
    readonly cpuLimit: number | undefined;
    /** $/vCPU-hour used. */
    readonly vcpuHourUsd: number;
    readonly basis: string;
    /** cpuLimit × rate; undefined for an unbounded pool. */
    readonly hourlyUsd: number | undefined;
}

export interface WorstCaseCost {
    /** Sum over bounded pools of cpuLimit × $/vCPU-hour (on-demand ceiling), USD per hour. */
    readonly totalHourlyUsd: number;
    readonly pools: readonly PoolCost[];
    /** Pools without a parseable cpu limit: their worst case is unbounded and not in the total. */
    readonly unbounded: readonly string[];
}

/**
 * The worst-case hourly cost of a set of NodePools: every pool scaled to its cpu limit on its most
 * expensive allowed family, on-demand. Pools without a cpu limit are listed in `unbounded`.
 */
export function worstCaseHourlyCost(pools: readonly NodePoolPricingInput[]): WorstCaseCost {
    const out: PoolCost[] = [];
    const unbounded: string[] = [];
    let total = 0;
    for (const p of pools) {
        const { rate, basis } = poolVcpuHourRate(p);
        const hourly = p.cpuLimit === undefined ? undefined : p.cpuLimit * rate;
        if (hourly === undefined) {
            unbounded.push(p.name);
        } else {
            total += hourly;
        }
        out.push({ name: p.name, cpuLimit: p.cpuLimit, vcpuHourUsd: rate, basis, hourlyUsd: hourly });
    }
    return { totalHourlyUsd: total, pools: out, unbounded };
}

/**
 * The idle floor: what always-on node groups cost per hour at their minimum size, on their
 * cheapest listed instance type. Types of unknown size contribute nothing.
 */
export function idleFloorHourlyCost(groups: readonly { readonly instanceTypes: readonly string[]; readonly minSize: number }[]): number {
    let total = 0;
    for (const g of groups) {
        const prices = g.instanceTypes.map(instanceHourlyUsd).filter((p): p is number => p !== undefined);
        if (prices.length > 0 && g.minSize > 0) {
            total += g.minSize * Math.min(...prices);
        }
    }
    return total;
}
