/**
 * What a family and a Karpenter NodePool cost per vCPU-hour, from the one price table (price-table.ts):
 * the rate of a family (table price, variant ceiling or architecture/accelerated ceiling) and the rate a
 * pool is priced at (its most expensive allowed family, on-demand). Pure; no Pulumi, no policy types.
 *
 * Used by the cost pack (policies/lib/pricing/cost-model.ts re-exports these), the offline preview's
 * cost estimate and the Grafana capacity-and-cost dashboard (components/observability/dashboards), so a
 * dashboard's $/hour and the report's worst-case ceiling are the same numbers.
 *
 * Exported API: familyVcpuHourUsd(family), NodePoolPricingInput, poolVcpuHourRate(input)
 */
import { ACCELERATED_CATEGORIES, archOfFamily, familyOf, isAcceleratedFamily, type Arch } from "../instance-families";
import {
    ACCELERATED_FALLBACK_VCPU_HOUR, ARCH_FALLBACK_VCPU_HOUR, baseFamily, CATEGORY_CEILING_VCPU_HOUR, PRICE_TABLE, VARIANT_CEILING_FACTOR,
} from "./price-table";

/**
 * $/vCPU-hour of a family: the table price; else the accelerated ceiling for accelerated families;
 * else, for a variant of a listed base family (r7gn of r7g), the base price × VARIANT_CEILING_FACTOR
 * (`derivedFrom` names the base; capped at the architecture ceiling); else the architecture ceiling
 * (amd64, the higher one, when the name does not even parse).
 */
export function familyVcpuHourUsd(family: string): { rate: number; known: boolean; derivedFrom?: string } {
    const f = familyOf(family);
    const known = PRICE_TABLE[f];
    if (known !== undefined) {
        return { rate: known, known: true };
    }
    if (isAcceleratedFamily(f)) {
        return { rate: ACCELERATED_FALLBACK_VCPU_HOUR, known: false };
    }
    const archCeiling = ARCH_FALLBACK_VCPU_HOUR[archOfFamily(f) ?? "amd64"];
    const base = baseFamily(f);
    const baseRate = base !== undefined ? PRICE_TABLE[base] : undefined;
    if (base !== undefined && baseRate !== undefined && baseRate * VARIANT_CEILING_FACTOR < archCeiling) {
        return { rate: baseRate * VARIANT_CEILING_FACTOR, known: false, derivedFrom: base };
    }
    return { rate: archCeiling, known: false };
}

/** How a pool's price basis names a family's rate. */
function familyBasis(f: string, r: { known: boolean; derivedFrom?: string }): string {
    if (r.known) {
        return `${f} on-demand`;
    }
    if (r.derivedFrom !== undefined) {
        return `${f} (not in the price table; ceiling ${r.derivedFrom} on-demand × ${VARIANT_CEILING_FACTOR.toFixed(2)}, the largest variant/base ratio listed)`;
    }
    return `${f} (not in the price table; ${isAcceleratedFamily(f) ? "accelerated" : archOfFamily(f) ?? "unknown-arch"} ceiling)`;
}

/** What the calculator needs to know about one NodePool. */
export interface NodePoolPricingInput {
    /** Pool name for the breakdown. */
    readonly name: string;
    /** `spec.limits.cpu` in vCPUs; undefined means unbounded. */
    readonly cpuLimit: number | undefined;
    /** Instance families the pool may launch; undefined when not restricted by family or instance type. */
    readonly families?: readonly string[];
    /** Instance categories it may launch; undefined when not restricted by category. */
    readonly categories?: readonly string[];
    /** Architectures it may launch; undefined when not restricted. */
    readonly archs?: readonly Arch[];
    /** True when it may launch accelerated instances (GPU/ML); they get the accelerated ceiling. */
    readonly mayLaunchAccelerated?: boolean;
}

/** The $/vCPU-hour a pool is priced at (its most expensive possible family) and how that was decided. */
export function poolVcpuHourRate(input: NodePoolPricingInput): { rate: number; basis: string } {
    const archs: Arch[] = input.archs && input.archs.length > 0 ? [...input.archs] : ["arm64", "amd64"];
    if (input.families && input.families.length > 0) {
        let best = { rate: 0, basis: "" };
        for (const f of input.families) {
            const r = familyVcpuHourUsd(f);
            if (r.rate > best.rate) {
                best = { rate: r.rate, basis: familyBasis(f, r) };
            }
        }
        return best;
    }
    let best = { rate: 0, basis: "" };
    const consider = (rate: number, basis: string) => {
        if (rate > best.rate) {
            best = { rate, basis };
        }
    };
    const cats = input.categories;
    if (cats && cats.length > 0 && cats.every((c) => CATEGORY_CEILING_VCPU_HOUR[c] !== undefined)) {
        for (const c of cats) {
            for (const a of archs) {
                consider(CATEGORY_CEILING_VCPU_HOUR[c][a], `category ${c} ${a} ceiling`);
            }
        }
    } else if (cats && cats.length > 0 && cats.every((c) => ACCELERATED_CATEGORIES.includes(c))) {
        consider(ACCELERATED_FALLBACK_VCPU_HOUR, "accelerated ceiling");
    } else {
        for (const a of archs) {
            consider(ARCH_FALLBACK_VCPU_HOUR[a], `${a} ceiling (families not restricted)`);
        }
    }
    if (input.mayLaunchAccelerated) {
        consider(ACCELERATED_FALLBACK_VCPU_HOUR, "accelerated ceiling (pool may launch GPU/ML instances)");
    }
    return best;
}
