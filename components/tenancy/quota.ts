/**
 * Pure builders for a team namespace's ResourceQuota and LimitRange (components/tenancy/index.ts).
 *
 * CPU limits are deliberately absent from both, and so is a per-container CPU maximum:
 *  - Spark sets no CPU limit unless `spark.kubernetes.{driver,executor}.limit.cores` is given (Spark 4.x
 *    BasicDriverFeatureStep / BasicExecutorFeatureStep), which the Spark Operator passes only from
 *    `coreLimit` (kubeflow/spark-operator v2.5.2 submission.go); the contract's defaults do not set it.
 *  - A `limits.cpu` quota would make every such pod invalid ("must specify limits.cpu"; pkg/quota/v1/evaluator/core/pods.go).
 *  - A LimitRange `max.cpu` does the same: the LimitRanger refuses a container that has no limit for a
 *    resource the item bounds ("maximum cpu usage per Container is N.  No limit is specified."; plugin/pkg/
 *    admission/limitranger/admission.go maxConstraint), so every Spark driver would be refused.
 *  - A default CPU limit would cure that but throttle Spark, and a default below a request is refused
 *    at validation ("must be less than or equal to cpu limit"): a 4-core executor under a 1-core default
 *    never starts.
 *  CPU is governed by `requests.cpu` in the quota, by the team's YuniKorn queue and by the node sizes.
 *  Memory is different: Spark always sets the memory limit equal to the request (heap + overhead), YuniKorn
 *  placeholders set limits = requests, and the LimitRange gives every other container a default memory
 *  limit, so `limits.memory` and a per-container memory maximum are safe and cap what the namespace can pin.
 * lib/admission models these admission steps; tests/tenancy-admission.spec.ts runs the pods Spark and
 * YuniKorn build from the contract's defaults and the template's SparkApplication through them.
 */
import type { TeamQuota } from "../../config";

/** Largest single container's memory we let a team run: the memory of a large Graviton executor node. */
export const CONTAINER_MAX = { memoryGi: 256 } as const;

/** Defaults for containers that set no requests (sidecars, utility pods); Spark sets its own. */
export const CONTAINER_DEFAULTS = { requestCpu: 0.5, requestMemoryGi: 1, limitMemoryGi: 2 } as const;

/** One LimitRange item, as built here (a lib/admission LimitRangeItemSpec). */
export interface LimitRangeItem {
    readonly type: "Container";
    readonly defaultRequest: Record<string, string>;
    readonly default: Record<string, string>;
    /** Memory only: a bound on cpu would refuse every container without a cpu limit (file comment). */
    readonly max: Record<string, string>;
}

/** Formats a CPU amount as a Kubernetes quantity: whole cores as "8", fractions in millicores ("1500m"). */
export function cpuQuantity(cores: number): string {
    if (!(cores > 0) || !Number.isFinite(cores)) {
        throw new Error(`cpuQuantity: ${cores} is not a positive number of cores`);
    }
    if (Number.isInteger(cores)) {
        return String(cores);
    }
    const milli = Math.round(cores * 1000);
    if (milli < 1) {
        throw new Error(`cpuQuantity: ${cores} is below one millicore`);
    }
    return `${milli}m`;
}

/** Formats GiB as a Kubernetes quantity. */
export function memoryQuantity(gi: number): string {
    if (!Number.isInteger(gi) || gi <= 0) {
        throw new Error(`memoryQuantity: ${gi} is not a positive whole number of GiB`);
    }
    return `${gi}Gi`;
}

/** `spec.hard` of the team's ResourceQuota. `storageGi` adds `requests.storage` when given. */
export function quotaHard(quota: TeamQuota, storageGi?: number): Record<string, string> {
    const hard: Record<string, string> = {
        "requests.cpu": cpuQuantity(quota.cpu),
        "requests.memory": memoryQuantity(quota.memoryGi),
        "limits.memory": memoryQuantity(quota.memoryGi),
        pods: String(quota.pods),
        persistentvolumeclaims: String(quota.pvcs),
    };
    if (storageGi !== undefined) {
        hard["requests.storage"] = memoryQuantity(storageGi);
    }
    return hard;
}

/**
 * `spec.limits` of the team's LimitRange: container defaults (cpu and memory requests, a memory limit) and
 * a per-container memory maximum. No cpu limit and no cpu maximum (file comment). Defaults are clamped
 * so a tiny quota still yields a valid LimitRange (defaultRequest <= default <= max, requests <= quota).
 */
export function limitRangeLimits(quota: TeamQuota): LimitRangeItem[] {
    const maxMemoryGi = Math.min(quota.memoryGi, CONTAINER_MAX.memoryGi);
    const limitMemoryGi = Math.min(CONTAINER_DEFAULTS.limitMemoryGi, maxMemoryGi);
    return [{
        type: "Container",
        defaultRequest: {
            cpu: cpuQuantity(Math.min(CONTAINER_DEFAULTS.requestCpu, quota.cpu)),
            memory: memoryQuantity(Math.min(CONTAINER_DEFAULTS.requestMemoryGi, limitMemoryGi)),
        },
        default: { memory: memoryQuantity(limitMemoryGi) },
        max: { memory: memoryQuantity(maxMemoryGi) },
    }];
}
