/**
 * Advisory placement rules: Spark executor pools should be able to use spot capacity, and Graviton
 * (arm64) pools should be preferred over x86 (amd64) ones through `spec.weight`.
 *
 * Executor pool = a NodePool without the Spark driver taint (`moka.dev/spark-role=driver`, lib/platform.ts
 * DRIVER_TAINT; config `driverTaintKey` / `driverTaintValue`). Drivers stay on-demand on purpose (a spot interruption
 * kills the whole application); executors are retried by Spark and run far cheaper on spot.
 * Only an explicit `karpenter.sh/capacity-type` requirement is judged (In without spot, NotIn spot,
 * DoesNotExist); a pool without one is left alone.
 *
 * Weights: Karpenter tries the highest-weight matching pool first (absent weight = 0). Pools are
 * compared only with pools carrying the same taints (pods that fit one fit the other). A pool whose
 * weight, taints or requirements hold a preview-unknown may be a Graviton pool weighted above the
 * known ones, of its own taint group or (taints unknown) of any group: an x86 pool is then flagged
 * only when it outweighs that pool whatever the unknown turns out to be; the unknown is re-raised.
 */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { isGravitonFamily, type Arch } from "../../../lib/instance-families";
import { DRIVER_TAINT } from "../../../lib/platform";
import { containsUnknown, isUnknownValue, peekPath, UnknownTracker } from "../../lib/known";
import { KARPENTER_KEYS, keyConstraint, nodePoolRequirements } from "../../lib/pricing/requirements";
import { asArray, asNumber, asString, configValue, get, isRecord, isStringValue } from "../../lib/props";
import { isNodePoolType, poolLabel, poolName, URLS } from "../common";

const DRIVER_TAINT_KEY: string = DRIVER_TAINT.key;
const DRIVER_TAINT_VALUE: string = DRIVER_TAINT.value;

function taintsOf(raw: unknown): { key: string; value: string; effect: string }[] {
    return asArray(raw).filter(isRecord).map((t) => ({
        key: asString(t.key) ?? "",
        value: asString(t.value) ?? "",
        effect: asString(t.effect) ?? "",
    }));
}

export const executorPoolsAllowSpot: ResourceValidationPolicy = {
    name: "executor-pools-allow-spot",
    description: "Checks that Spark executor NodePools (pools without the driver taint) do not exclude spot capacity.",
    enforcementLevel: "advisory",
    severity: "low",
    tags: ["cost", "karpenter", "nodepool", "spot"],
    url: URLS.karpenterCostBestPractices,
    remediationSteps:
        "Allow spot on executor pools: karpenter.sh/capacity-type In [spot, on-demand] (Karpenter prefers spot and falls back to on-demand). " +
        `Keep on-demand-only capacity for the driver pool, which carries the ${DRIVER_TAINT_KEY}=${DRIVER_TAINT_VALUE} taint.`,
    configSchema: {
        properties: {
            driverTaintKey: { type: "string", default: DRIVER_TAINT_KEY, description: "Taint key that marks the Spark driver pool." },
            driverTaintValue: { type: "string", default: DRIVER_TAINT_VALUE, description: "Taint value that marks the Spark driver pool." },
        },
    },
    validateResource: (args, reportViolation) => {
        if (!isNodePoolType(args.type)) {
            return;
        }
        const config = args.getConfig();
        const driverKey = configValue(config, "driverTaintKey", DRIVER_TAINT_KEY, isStringValue);
        const driverValue = configValue(config, "driverTaintValue", DRIVER_TAINT_VALUE, isStringValue);
        const taints = taintsOf(get(args.props, "spec", "template", "spec", "taints"));
        if (taints.some((t) => t.key === driverKey && (t.value === driverValue || t.value === ""))) {
            return;
        }
        const capacity = keyConstraint(nodePoolRequirements(args.props), KARPENTER_KEYS.capacityType);
        if (!capacity) {
            return;
        }
        const excludesSpot = capacity.doesNotExist || capacity.notIn.has("spot") || (capacity.in !== undefined && !capacity.in.has("spot"));
        if (excludesSpot) {
            reportViolation(
                `${poolLabel(args.props, args.name)} is an executor pool (no ${driverKey}=${driverValue} taint) but its ` +
                    "karpenter.sh/capacity-type requirement excludes spot. Spark retries lost executors, so executors are the workload " +
                    "spot is for (typically 60-70% below on-demand). Use karpenter.sh/capacity-type In [spot, on-demand].",
            );
        }
    },
};

/** arm64 / amd64 when a pool is pinned to one architecture (by arch requirement or by families); undefined otherwise. */
function poolArch(props: unknown): Arch | undefined {
    const reqs = nodePoolRequirements(props);
    const families = keyConstraint(reqs, KARPENTER_KEYS.instanceFamily)?.in;
    if (families && families.size > 0) {
        const fam = [...families];
        if (fam.every(isGravitonFamily)) {
            return "arm64";
        }
        if (fam.every((f) => !isGravitonFamily(f))) {
            return "amd64";
        }
        return undefined;
    }
    const arch = keyConstraint(reqs, KARPENTER_KEYS.arch)?.in;
    if (arch && arch.size === 1) {
        const a = [...arch][0];
        return a === "arm64" || a === "amd64" ? a : undefined;
    }
    return undefined;
}

/** Pools with the same signature carry the same taints. */
function taintSignature(raw: unknown): string {
    return taintsOf(raw).map((t) => `${t.key}=${t.value}:${t.effect}`).sort().join(",");
}

interface PoolWeight {
    readonly urn: string;
    readonly name: string;
    readonly weight: number;
}

export const gravitonPoolsPreferred: StackValidationPolicy = {
    name: "graviton-pools-preferred",
    description: "Checks that no x86 (amd64-only) NodePool has a higher spec.weight than the Graviton (arm64-only) pools it competes with.",
    enforcementLevel: "advisory",
    severity: "low",
    tags: ["cost", "karpenter", "nodepool", "graviton"],
    url: URLS.nodePoolWeight,
    remediationSteps:
        "Give the Graviton pool the higher spec.weight (e.g. graviton 60, x86 20; moka:nodePools.<pool>.weight) so Karpenter tries arm64 first " +
        "and uses x86 only for amd64-only images.",
    validateStack: (args, reportViolation) => {
        const tracker = new UnknownTracker();
        // Pools compete only when a pod fits both: group them by their taints.
        // `maybeArm`: the highest weight a pool with unknowns could give the group's Graviton side.
        const groups = new Map<string, { arm: PoolWeight[]; amd: PoolWeight[]; maybeArm: number }>();
        let maybeArmAnyGroup = -Infinity; // pools whose taints are unknown may be in any group
        const groupOf = (signature: string) => groups.get(signature) ?? groups.set(signature, { arm: [], amd: [], maybeArm: -Infinity }).get(signature)!;
        for (const r of args.resources) {
            if (!isNodePoolType(r.type)) {
                continue;
            }
            const rawSpec = peekPath(r.props, "spec");
            const rawTaints = peekPath(r.props, "spec", "template", "spec", "taints");
            const rawWeight = peekPath(r.props, "spec", "weight");
            const rawReqs = peekPath(r.props, "spec", "template", "spec", "requirements");
            const taintsUnknown = isUnknownValue(rawSpec) || containsUnknown(rawTaints);
            const weightUnknown = isUnknownValue(rawSpec) || isUnknownValue(rawWeight);
            const reqsUnknown = isUnknownValue(rawSpec) || containsUnknown(rawReqs);
            const arch = reqsUnknown ? undefined : poolArch({ spec: { template: { spec: { requirements: rawReqs } } } });
            if (taintsUnknown || weightUnknown || reqsUnknown) {
                tracker.note(r.props, "spec");
                if (arch !== "amd64") {
                    // May be a Graviton pool: it may raise the reference weight of its group (or of any group).
                    const ceiling = weightUnknown ? Infinity : asNumber(rawWeight) ?? 0;
                    if (taintsUnknown) {
                        maybeArmAnyGroup = Math.max(maybeArmAnyGroup, ceiling);
                    } else {
                        const g = groupOf(taintSignature(rawTaints));
                        g.maybeArm = Math.max(g.maybeArm, ceiling);
                    }
                }
                // An x86 pool whose weight or group is unknown is not judged.
                continue;
            }
            if (arch === undefined) {
                continue;
            }
            const group = groupOf(taintSignature(rawTaints));
            const entry = { urn: r.urn, name: poolName(r.props, r.name), weight: asNumber(rawWeight) ?? 0 };
            (arch === "arm64" ? group.arm : group.amd).push(entry);
        }
        for (const { arm, amd, maybeArm } of groups.values()) {
            if (arm.length === 0) {
                continue;
            }
            const best = arm.reduce((a, b) => (b.weight > a.weight ? b : a));
            const ceiling = Math.max(maybeArm, maybeArmAnyGroup);
            for (const x86 of amd) {
                if (x86.weight > best.weight && x86.weight > ceiling) {
                    reportViolation(
                        `NodePool "${x86.name}" (amd64) has spec.weight ${x86.weight}, above Graviton NodePool "${best.name}" (arm64, weight ` +
                            `${best.weight}). Karpenter tries the higher-weight pool first, so Spark executors land on x86 although Graviton ` +
                            "gives about 20% better price-performance. Give the Graviton pool the higher weight.",
                        x86.urn,
                    );
                }
            }
        }
        tracker.rethrow();
    },
};
