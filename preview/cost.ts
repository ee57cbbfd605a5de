/**
 * Cost estimate for the offline preview, from the registered resources alone:
 * - the idle floor: what the stack costs with no Spark job running (EKS control plane, NAT
 *   gateways, interface endpoints, the system node group at its desired size, KMS keys);
 * - the worst-case ceiling: the floor plus every NodePool running at its CPU limit on on-demand
 *   capacity, priced with the cost pack's embedded $/vCPU-hour table through the cost model's public
 *   API (policies/lib/pricing/index.ts).
 * List prices only; data transfer, storage and usage-based services (AMP, CloudWatch) are not
 * included and the report says so.
 */
import { instanceHourlyUsd, nodePoolsWorstCase, PRICE_TABLE_DATE, PRICE_TABLE_SOURCE } from "../policies/lib/pricing";
import { asArray, asNumber, asString, get } from "../policies/lib/props";
import type { RecordedResource } from "./mocks";

export interface CostItem {
    readonly item: string;
    readonly hourly: number;
}

export interface NodePoolCost {
    readonly name: string;
    /** undefined for a pool without a CPU limit (its worst case is unbounded). */
    readonly cpuLimit: number | undefined;
    readonly ratePerVcpuHour: number;
    readonly hourly: number;
    readonly basis: string;
}

export interface CostEstimate {
    readonly idleFloorHourly: number;
    readonly floorItems: readonly CostItem[];
    /** Floor plus every bounded NodePool at its limit; see `unboundedPools`. */
    readonly worstCaseHourly: number;
    readonly nodePools: readonly NodePoolCost[];
    /** NodePools without a CPU limit: the real ceiling is unbounded. */
    readonly unboundedPools: readonly string[];
    readonly source: string;
}

/** Fixed hourly list prices (us-east-1/us-west-2) for the always-on pieces. */
export const FIXED_HOURLY = {
    eksControlPlane: 0.10,
    natGateway: 0.045,
    interfaceEndpointPerAz: 0.01,
    kmsKeyPerMonth: 1.0,
} as const;

export function estimateCost(resources: readonly RecordedResource[]): CostEstimate {
    const items: CostItem[] = [];
    const add = (item: string, hourly: number) => {
        if (hourly > 0) {
            items.push({ item, hourly });
        }
    };
    const count = (type: string) => resources.filter((r) => r.type === type).length;

    const clusters = count("eks:index:Cluster") + count("aws:eks/cluster:Cluster");
    add(`EKS control plane × ${clusters}`, clusters * FIXED_HOURLY.eksControlPlane);
    const nats = count("aws:ec2/natGateway:NatGateway");
    add(`NAT gateway × ${nats}`, nats * FIXED_HOURLY.natGateway);
    const endpointAzs = resources
        .filter((r) => r.type === "aws:ec2/vpcEndpoint:VpcEndpoint" && asString(r.inputs.vpcEndpointType) === "Interface")
        .reduce((n, r) => n + Math.max(1, asArray(r.inputs.subnetIds).length), 0);
    add(`interface endpoint-AZs × ${endpointAzs}`, endpointAzs * FIXED_HOURLY.interfaceEndpointPerAz);
    const keys = count("aws:kms/key:Key");
    add(`KMS keys × ${keys}`, (keys * FIXED_HOURLY.kmsKeyPerMonth) / 730);
    for (const ng of resources.filter((r) => r.type === "aws:eks/nodeGroup:NodeGroup")) {
        const desired = asNumber(get(ng.inputs, "scalingConfig", "desiredSize")) ?? 0;
        const type = asString(asArray(ng.inputs.instanceTypes)[0]) ?? "m7g.large";
        add(`node group ${ng.name}: ${desired} × ${type}`, desired * (instanceHourlyUsd(type) ?? 0));
    }
    const idleFloorHourly = items.reduce((s, i) => s + i.hourly, 0);

    const worst = nodePoolsWorstCase(resources
        .filter((r) => /^kubernetes:karpenter\.sh\/v1(beta1)?:NodePool$/.test(r.type))
        .map((r) => ({ name: asString(get(r.inputs, "metadata", "name")) ?? r.name, props: r.inputs })));
    return {
        idleFloorHourly: round(idleFloorHourly),
        floorItems: items.map((i) => ({ item: i.item, hourly: round(i.hourly) })),
        worstCaseHourly: round(idleFloorHourly + worst.totalHourlyUsd),
        nodePools: worst.pools.map((p) => ({ name: p.name, cpuLimit: p.cpuLimit, ratePerVcpuHour: p.vcpuHourUsd, hourly: round(p.hourlyUsd ?? 0), basis: p.basis })),
        unboundedPools: worst.unbounded,
        source: `Prices: ${PRICE_TABLE_SOURCE}, as of ${PRICE_TABLE_DATE}. Excludes data transfer, storage, CloudWatch and AMP usage.`,
    };
}

function round(n: number): number {
    return Math.round(n * 100) / 100;
}
