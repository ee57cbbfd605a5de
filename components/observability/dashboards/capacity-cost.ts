/**
 * "Capacity and cost": Karpenter's nodes by pool, architecture and capacity type, what they cost per hour,
 * the worst case the pools' limits allow, and the events that change capacity (spot interruptions,
 * consolidation and other disruptions).
 *
 * Prices come from the one price table (lib/pricing: the cost pack's and the offline preview's): the
 * estimate prices each node's vCPUs (allocatable + system overhead = capacity; karpenter_nodes_* carry the
 * node's `instance_family`, the AWS provider's well-known labels being injected at run time, Karpenter
 * 6e7eab7 pkg/controllers/metrics/node) at its family's on-demand $/vCPU-hour; the ceiling prices each
 * pool's `spec.limits.cpu` at the pool's rate (its most expensive family), exactly the report's
 * worst-case ceiling. Spot nodes are priced on-demand: the estimate is an upper bound.
 */
import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import { PRICE_TABLE_DATE, PRICE_TABLE_SOURCE } from "../../../lib/pricing/price-table";
import { constantVector, familyRates, poolRates, type DashboardContext } from "./context";
import { buildDashboard, customVariable, piePanel, stackedPanel, statPanel, textPanel, timeseriesPanel } from "./panels";

export const CAPACITY_COST_UID = "moka-capacity-cost";

const POOL = 'nodepool=~"$pool"';

/** vCPU capacity of each Karpenter node (allocatable + system overhead), all node labels kept. */
const NODE_VCPUS = `(karpenter_nodes_allocatable{resource_type="cpu", ${POOL}} + karpenter_nodes_system_overhead{resource_type="cpu", ${POOL}})`;

/** Estimated on-demand $/hour by pool: each node's vCPUs × its family's $/vCPU-hour. */
export function poolHourlyCostQuery(ctx: DashboardContext): string {
    return `sum by (nodepool) (${NODE_VCPUS} * on(instance_family) group_left() (${constantVector("instance_family", familyRates(ctx.pools))}))`;
}

/** Worst-case $/hour by pool: `spec.limits.cpu` × the pool's rate (the report's ceiling). */
export function poolCeilingQuery(ctx: DashboardContext): string {
    return `sum by (nodepool) (karpenter_nodepools_limit{resource_type="cpu", ${POOL}} * on(nodepool) group_left() (${constantVector("nodepool", poolRates(ctx.pools))}))`;
}

function priceMarkdown(ctx: DashboardContext): string {
    const rate = (n: number) => `$${n.toFixed(4)}`;
    return [
        "| Family | $/vCPU-hour (on-demand) |",
        "|---|---:|",
        ...familyRates(ctx.pools).map(([f, r]) => `| ${f} | ${rate(r)} |`),
        "",
        "| Pool | Priced at (worst case) | CPU limit |",
        "|---|---:|---:|",
        ...poolRates(ctx.pools).map(([p, r]) => `| ${p} | ${rate(r)} | ${ctx.pools.find((x) => x.name === p)?.cpuLimit ?? "unbounded"} |`),
        "",
        `Prices: ${PRICE_TABLE_SOURCE}, as of ${PRICE_TABLE_DATE} (lib/pricing/price-table.ts, the table the cost pack uses). Spot capacity is priced on-demand: an upper bound.`,
    ].join("\n");
}

export function capacityCostDashboard(ctx: DashboardContext): Dashboard {
    return buildDashboard({
        uid: CAPACITY_COST_UID,
        title: "Moka / Capacity and cost",
        description: "Karpenter nodes by pool, architecture and capacity type; estimated $/hour by pool from the cost pack's price table; the worst-case ceiling; spot interruptions and consolidation.",
        variables: [customVariable("pool", "NodePool", ctx.pools.map((p) => p.name))],
        panels: [
            statPanel({
                title: "Estimated $/hour",
                description: "All selected pools' nodes at their families' on-demand price.",
                queries: [{ expr: `sum(${poolHourlyCostQuery(ctx)})`, instant: true }],
                unit: "currencyUSD",
            }),
            statPanel({
                title: "Worst-case ceiling $/hour",
                description: "Every selected pool at its CPU limit on its most expensive family: the PR report's ceiling.",
                queries: [{ expr: `sum(${poolCeilingQuery(ctx)})`, instant: true }],
                unit: "currencyUSD",
            }),
            statPanel({
                title: "Graviton share of vCPU",
                description: "arm64 share of the vCPUs Karpenter runs in the selected pools.",
                queries: [{ expr: `sum(${NODE_VCPUS.replace(/resource_type="cpu"/g, 'resource_type="cpu", arch="arm64"')}) / sum(${NODE_VCPUS})`, instant: true }],
                unit: "percentunit",
            }),
            statPanel({
                title: "Nodes",
                description: "Karpenter nodes in the selected pools.",
                queries: [{ expr: `count(karpenter_nodes_allocatable{resource_type="cpu", ${POOL}})`, instant: true }],
                unit: "short",
            }),
            stackedPanel({
                title: "Nodes by pool, architecture and capacity type",
                description: "Karpenter nodes, one series per pool × arch × capacity type (spot / on-demand).",
                queries: [{ expr: `count by (nodepool, arch, capacity_type) (karpenter_nodes_allocatable{resource_type="cpu", ${POOL}})`, legend: "{{nodepool}} {{arch}} {{capacity_type}}" }],
                unit: "short",
            }),
            timeseriesPanel({
                title: "Estimated $/hour by pool",
                description: "Each node's vCPUs × its family's on-demand $/vCPU-hour (lib/pricing), summed per pool.",
                queries: [{ expr: poolHourlyCostQuery(ctx), legend: "{{nodepool}}" }],
                unit: "currencyUSD",
            }),
            timeseriesPanel({
                title: "Provisioned vCPU vs limit",
                description: "vCPUs Karpenter has provisioned per pool against the pool's spec.limits.cpu.",
                queries: [
                    { expr: `sum by (nodepool) (karpenter_nodepools_usage{resource_type="cpu", ${POOL}})`, legend: "{{nodepool}} provisioned" },
                    { expr: `sum by (nodepool) (karpenter_nodepools_limit{resource_type="cpu", ${POOL}})`, legend: "{{nodepool}} limit" },
                ],
                unit: "short",
            }),
            piePanel({
                title: "vCPU by capacity type",
                description: "Spot vs on-demand vCPUs in the selected pools.",
                queries: [{ expr: `sum by (capacity_type) (${NODE_VCPUS})`, legend: "{{capacity_type}}", instant: true }],
                unit: "short",
                w: 12,
            }),
            timeseriesPanel({
                title: "Spot interruptions and rebalance signals",
                description: "Interruption-queue messages Karpenter received per hour, by type (spot_interrupted, rebalance_recommendation, scheduled_change…).",
                queries: [{ expr: "sum by (message_type) (increase(karpenter_interruption_received_messages_total[1h]))", legend: "{{message_type}}" }],
                unit: "short",
            }),
            timeseriesPanel({
                title: "Consolidation and other disruption decisions",
                description: "Voluntary disruption decisions per hour (delete / replace) by reason and consolidation type.",
                queries: [{ expr: "sum by (decision, reason, consolidation_type) (increase(karpenter_voluntary_disruption_decisions_total[1h]))", legend: "{{decision}} {{reason}} {{consolidation_type}}" }],
                unit: "short",
            }),
            timeseriesPanel({
                title: "Nodes disrupted by pool",
                description: "NodeClaims disrupted per hour by pool, reason and capacity type (interruptions included).",
                queries: [{ expr: `sum by (nodepool, reason, capacity_type) (increase(karpenter_nodeclaims_disrupted_total{${POOL}}[1h]))`, legend: "{{nodepool}} {{reason}} {{capacity_type}}" }],
                unit: "short",
                w: 24,
            }),
            textPanel("Prices used", priceMarkdown(ctx), 24, 8 + familyRates(ctx.pools).length + ctx.pools.length),
        ],
    });
}
