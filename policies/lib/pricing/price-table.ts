/**
 * The EC2 price table lives in lib/pricing/price-table.ts (one home: the cost pack, the offline preview
 * and the Grafana capacity-and-cost dashboard all price from it). Re-exported for the cost pack's rules.
 */
export * from "../../../lib/pricing/price-table";
