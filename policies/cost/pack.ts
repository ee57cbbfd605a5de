/**
 * The cost pack: what it enforces, at which level. `index.ts` only constructs the PolicyPack from this.
 *
 * Mandatory: NodePool limits, the worst-case hourly cost ceiling, accelerated instances, log-group
 * retention. Advisory: cost-allocation tags (mandatory in prod via policies/config/prod/cost.json),
 * spot on executor pools, Graviton pool weights.
 */
import type { PackDefinition } from "../lib/pack";
import { costAllocationTagsRequired } from "./rules/cost-tags";
import { cloudwatchLogGroupRetentionSet } from "./rules/log-retention";
import { nodepoolNoAcceleratedInstances } from "./rules/nodepool-instances";
import { nodepoolLimitsRequired, nodepoolWorstCaseHourlyCost } from "./rules/nodepool-limits";
import { executorPoolsAllowSpot, gravitonPoolsPreferred } from "./rules/nodepool-placement";

export const costPack: PackDefinition = {
    name: "moka-cost",
    version: "1.0.0",
    enforcementLevel: "advisory",
    policies: [
        nodepoolLimitsRequired,
        nodepoolWorstCaseHourlyCost,
        nodepoolNoAcceleratedInstances,
        cloudwatchLogGroupRetentionSet,
        costAllocationTagsRequired,
        executorPoolsAllowSpot,
        gravitonPoolsPreferred,
    ],
};
