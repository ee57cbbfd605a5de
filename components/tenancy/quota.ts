/**
 * Pure builders for a team namespace's ResourceQuota and LimitRange (components/tenancy/index.ts).
 *
 * CPU limits are deliberately absent from both:
 *  - Spark sets no CPU limit unless `spark.kubernetes.{driver,executor}.limit.cores` is given. A
 *    `limits.cpu` quota would make every such pod invalid unless the LimitRange supplied a default
 *    CPU limit, and the LimitRange then rejects any container whose CPU request exceeds that default
 *    ("must be less than or equal to cpu limit"): a 4-core executor under a 1-core default limit
 *    never starts. CPU is governed by `requests.cpu` here and by the team's YuniKorn queue.
 *  - Memory is different: Spark always sets the memory limit equal to the request (heap + overhead),
 *    so `limits.memory` is safe and caps what the namespace can pin.
 */
import type { TeamQuota } from "../../config";

/** Largest single container we let a team run: the size of a large Graviton executor node. */
export const CONTAINER_MAX = { cpu: 32, memoryGi: 256 } as const;

/** Defaults for containers that set no requests (sidecars, utility pods); Spark sets its own. */
export const CONTAINER_DEFAULTS = { requestCpu: 0.5, requestMemoryGi: 1, limitMemoryGi: 2 } as const;

/** One LimitRange item, as built here. */
export interface LimitRangeItem {
    readonly type: "Container";
    readonly defaultRequest: Record<string, string>;
    readonly default: Record<string, string>;
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
 * `spec.limits` of the team's LimitRange: container defaults and a per-container maximum. Defaults are
 * clamped to the maximum so a tiny quota still yields a valid LimitRange (default <= max).
 */
export function limitRangeLimits(quota: TeamQuota): LimitRangeItem[] {
    const maxCpu = Math.min(quota.cpu, CONTAINER_MAX.cpu);
    const maxMemoryGi = Math.min(quota.memoryGi, CONTAINER_MAX.memoryGi);
    const limitMemoryGi = Math.min(CONTAINER_DEFAULTS.limitMemoryGi, maxMemoryGi);
    return [{
        type: "Container",
        defaultRequest: {
            cpu: cpuQuantity(Math.min(CONTAINER_DEFAULTS.requestCpu, maxCpu)),
            memory: memoryQuantity(Math.min(CONTAINER_DEFAULTS.requestMemoryGi, limitMemoryGi)),
        },
        default: { memory: memoryQuantity(limitMemoryGi) },
        max: { cpu: cpuQuantity(maxCpu), memory: memoryQuantity(maxMemoryGi) },
    }];
}
