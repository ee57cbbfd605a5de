/**
 * The cost model's public API, for callers outside the cost pack (the offline preview's cost
 * estimate): what an instance type costs, the worst case of a set of NodePools, and the citation of
 * the price table. The cost pack's rules use the building blocks directly:
 *   price-table.ts   EC2 on-demand $/vCPU-hour table and ceilings (data, with its source)
 *   quantity.ts      Kubernetes quantities ("1000m", "4Gi")
 *   requirements.ts  Karpenter NodePool requirements (families, categories, accelerators)
 *   cost-model.ts    instance and pool prices, the worst-case calculator
 */
import { instanceHourlyUsd, nodePoolPricingInput, worstCaseHourlyCost, type PoolCost, type WorstCaseCost } from "./cost-model";
import { PRICE_TABLE_DATE, PRICE_TABLE_SOURCE } from "../../../lib/pricing/price-table";

export { instanceHourlyUsd, PRICE_TABLE_DATE, PRICE_TABLE_SOURCE };
export type { PoolCost, WorstCaseCost };

/** A NodePool as a cost estimate sees it: a display name and its properties (inputs or analyzer props). */
export interface NodePoolResource {
    readonly name: string;
    readonly props: unknown;
}

/**
 * The worst-case on-demand hourly cost of NodePools scaled to their `spec.limits.cpu` on their most
 * expensive allowed family; pools without a CPU limit are listed in `unbounded` and not summed.
 */
export function nodePoolsWorstCase(pools: readonly NodePoolResource[]): WorstCaseCost {
    return worstCaseHourlyCost(pools.map((p) => nodePoolPricingInput(p.name, p.props)));
}
