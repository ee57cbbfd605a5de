/**
 * NodePool size bounds: every pool declares a cpu limit, and the sum of the pools' worst-case on-demand
 * cost stays under a ceiling.
 *
 * Types: `kubernetes:karpenter.sh/v1:NodePool` and `kubernetes:karpenter.sh/v1beta1:NodePool` (same
 * `spec.limits` and `spec.template.spec.requirements` fields). Karpenter's default is NO limit: a
 * pool without `spec.limits` keeps launching nodes for as long as pods are pending.
 *
 * Why cpu and not memory (issue 12 corpus, Karpenter's own examples/v1/100-cpu-limit.yaml): the cpu
 * limit alone bounds a pool's cost, because on-demand prices are per instance and every instance's
 * price is bounded by its vCPUs × its family's $/vCPU-hour (the price table already carries
 * memory-heavy families' higher rate). A memory limit adds a second cap, welcome but not needed for a
 * bound; set `requireMemoryLimit: true` to demand it too. A memory limit that is set must parse.
 */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { containsUnknown, rawProps, UnknownTracker } from "../../lib/known";
import { nodePoolsWorstCase, type NodePoolResource } from "../../lib/pricing";
import { parseCpuQuantity, parseMemoryGi } from "../../../lib/quantity";
import { configValue, get, isBooleanValue, isNumberValue, isRecord } from "../../lib/props";
import { listText } from "../../lib/text";
import { isNodePoolType, poolLabel, poolName, URLS, usd, usdRate } from "../common";

export const nodepoolLimitsRequired: ResourceValidationPolicy = {
    name: "nodepool-limits-required",
    description: "Checks that every Karpenter NodePool sets spec.limits.cpu (and spec.limits.memory when requireMemoryLimit is set), as valid quantities.",
    enforcementLevel: "mandatory",
    severity: "high",
    tags: ["cost", "karpenter", "nodepool", "limits"],
    url: URLS.nodePoolLimits,
    remediationSteps:
        "Add spec.limits to the NodePool with a cpu limit sized to the pool's budget, e.g. limits: { cpu: \"1000\", memory: \"4000Gi\" }. " +
        "In this platform they come from moka:nodePools.<pool>.cpuLimit and memoryLimitGi.",
    configSchema: {
        properties: {
            requireMemoryLimit: {
                type: "boolean",
                default: false,
                description: "Also require spec.limits.memory (the cpu limit alone bounds the pool's cost).",
            },
        },
    },
    validateResource: (args, reportViolation) => {
        if (!isNodePoolType(args.type)) {
            return;
        }
        const requireMemory = configValue(args.getConfig(), "requireMemoryLimit", false, isBooleanValue);
        const limits = get(args.props, "spec", "limits");
        const cpu = isRecord(limits) ? limits.cpu : undefined;
        const memory = isRecord(limits) ? limits.memory : undefined;
        const problems: string[] = [];
        if (cpu === undefined || cpu === null || cpu === "") {
            problems.push("spec.limits.cpu is not set");
        } else if (parseCpuQuantity(cpu) === undefined) {
            problems.push(`spec.limits.cpu ${JSON.stringify(cpu)} is not a Kubernetes quantity`);
        }
        if (memory === undefined || memory === null || memory === "") {
            if (requireMemory) {
                problems.push("spec.limits.memory is not set");
            }
        } else if (parseMemoryGi(memory) === undefined) {
            problems.push(`spec.limits.memory ${JSON.stringify(memory)} is not a Kubernetes quantity`);
        }
        if (problems.length > 0) {
            reportViolation(
                `${poolLabel(args.props, args.name)}: ${listText(problems)}. Without a cpu limit Karpenter keeps launching nodes for ` +
                    "every pending pod, so one runaway job (or a misconfigured retry loop) can scale the bill without bound. " +
                    `Set spec.limits.cpu${requireMemory ? " and spec.limits.memory" : ""} (e.g. cpu: "1000", memory: "4000Gi") to the pool's budget.`,
            );
        }
    },
};

const DEFAULT_MAX_HOURLY_COST_USD = 2000;

export const nodepoolWorstCaseHourlyCost: StackValidationPolicy = {
    name: "nodepool-worst-case-hourly-cost",
    description: "Checks that the NodePools' worst-case on-demand cost (cpu limit × most expensive allowed family's $/vCPU-hour, summed) stays under a ceiling.",
    enforcementLevel: "mandatory",
    severity: "high",
    tags: ["cost", "karpenter", "nodepool", "budget"],
    url: URLS.ec2OnDemandPricing,
    remediationSteps:
        "Lower spec.limits.cpu of the largest pools, restrict them to cheaper instance families (karpenter.k8s.aws/instance-family In [...]), " +
        "or raise maxHourlyCostUsd in the cost pack's policy config if the budget really is higher.",
    configSchema: {
        properties: {
            maxHourlyCostUsd: {
                type: "number",
                exclusiveMinimum: 0,
                default: DEFAULT_MAX_HOURLY_COST_USD,
                description: "Ceiling for the summed worst-case on-demand cost of all NodePools, in USD per hour.",
            },
        },
    },
    validateStack: (args, reportViolation) => {
        const max = configValue(args.getConfig(), "maxHourlyCostUsd", DEFAULT_MAX_HOURLY_COST_USD, isNumberValue);
        // Read raw values (no proxy trap per property, and one unknown pool does not hide the others):
        // pools whose spec is still unknown are left out of the sum and raised as the usual
        // "can't run during preview" advisory at the end.
        const unknowns = new UnknownTracker();
        const inputs: NodePoolResource[] = [];
        for (const r of args.resources) {
            if (!isNodePoolType(r.type)) {
                continue;
            }
            const raw = rawProps(r.props);
            if (containsUnknown(raw.spec)) {
                unknowns.note(r.props, "spec");
                continue;
            }
            inputs.push({ name: poolName(raw, r.name), props: raw });
        }
        const cost = nodePoolsWorstCase(inputs);
        if (inputs.length === 0 || cost.totalHourlyUsd <= max) {
            unknowns.rethrow();
            return;
        }
        const breakdown = [...cost.pools]
            .filter((p) => p.hourlyUsd !== undefined)
            .sort((a, b) => (b.hourlyUsd ?? 0) - (a.hourlyUsd ?? 0))
            .map((p) => `${p.name}: ${p.cpuLimit} vCPU × ${usdRate(p.vcpuHourUsd)}/vCPU-h (${p.basis}) = ${usd(p.hourlyUsd ?? 0)}/h`);
        const unbounded = cost.unbounded.length > 0
            ? ` Pools without a cpu limit (${listText(cost.unbounded)}) are unbounded and not even counted; see nodepool-limits-required.`
            : "";
        reportViolation(
            `The NodePools can scale to ${usd(cost.totalHourlyUsd)}/hour on-demand in the worst case, above the ${usd(max)}/hour ceiling ` +
                `(${breakdown.join("; ")}).${unbounded} A burst of pending pods can reach this within minutes, and Karpenter will not stop ` +
                "below the limits. Lower the pools' spec.limits.cpu, restrict them to cheaper families, or raise maxHourlyCostUsd if the budget allows it.",
        );
        unknowns.rethrow();
    },
};
