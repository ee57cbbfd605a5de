/**
 * A pure model of the ResourceQuota admission check for pods, the last step of a pod CREATE.
 *
 * Read at kubernetes/kubernetes pkg/quota/v1/evaluator/core/pods.go (commit d7ce957d):
 *  - `Constraints`: when a quota tracks cpu or memory (`validationSet`: cpu, memory, requests.cpu,
 *    requests.memory, limits.cpu, limits.memory), EVERY container and init container must carry that
 *    resource (`podComputeUsageHelper`: requests.* from its requests, limits.* from its limits), else
 *    "must specify <resource> for: <containers>" (pods that set pod-level resources are exempt; not modelled);
 *  - usage: `pods` 1, and per resource the pod's requests/limits (regular containers summed, each init
 *    container's value taken when larger: component-helpers resource.PodRequests/PodLimits);
 *  - a pod is refused when used + its usage exceeds `hard` for any tracked resource.
 * Quantities are compared in milli-units, like the API server.
 */
import { type AdmissionPod, allContainers, milli, type ResourceList } from "./pod";

/** Resources a pod must specify on every container when a quota tracks them. */
export const QUOTA_VALIDATED_RESOURCES = ["cpu", "memory", "requests.cpu", "requests.memory", "limits.cpu", "limits.memory"] as const;

/** Tracked quota resource names → milli-units used. */
export type QuotaUsage = Readonly<Record<string, number>>;

/** What one container contributes, by quota resource name (podComputeUsageHelper, cpu and memory). */
function containerUsage(requests: ResourceList, limits: ResourceList): Record<string, number> {
    const usage: Record<string, number> = {};
    for (const r of ["cpu", "memory"]) {
        if (requests[r] !== undefined) {
            usage[r] = milli(requests[r]);
            usage[`requests.${r}`] = milli(requests[r]);
        }
        if (limits[r] !== undefined) {
            usage[`limits.${r}`] = milli(limits[r]);
        }
    }
    return usage;
}

/** `Constraints`: the tracked resources some container does not specify, as the API server words it; empty when none. */
export function quotaMissingResources(pod: AdmissionPod, hard: ResourceList): string[] {
    const required = QUOTA_VALIDATED_RESOURCES.filter((r) => hard[r] !== undefined);
    const missing = new Map<string, string[]>();
    for (const { container } of allContainers(pod)) {
        const has = containerUsage(container.resources?.requests ?? {}, container.resources?.limits ?? {});
        for (const r of required.filter((x) => has[x] === undefined)) {
            missing.set(r, [...(missing.get(r) ?? []), container.name]);
        }
    }
    const parts = [...missing.keys()].sort().map((r) => `${r} for: ${missing.get(r)!.sort().join(",")}`);
    return parts.length > 0 ? [`must specify ${parts.join("; ")}`] : [];
}

/** The pod's quota usage: `pods` 1 (in milli-units, 1000), cpu/memory requests and limits. */
export function podQuotaUsage(pod: AdmissionPod): QuotaUsage {
    const usage: Record<string, number> = { pods: 1000 };
    const sum: Record<string, number> = {};
    for (const c of pod.containers) {
        for (const [k, v] of Object.entries(containerUsage(c.resources?.requests ?? {}, c.resources?.limits ?? {}))) {
            sum[k] = (sum[k] ?? 0) + v;
        }
    }
    for (const c of pod.initContainers ?? []) {
        for (const [k, v] of Object.entries(containerUsage(c.resources?.requests ?? {}, c.resources?.limits ?? {}))) {
            sum[k] = Math.max(sum[k] ?? 0, v);
        }
    }
    return { ...usage, ...sum };
}

/** Why `hard` refuses a pod of `usage` on top of `used`; empty when it fits. */
export function quotaExceeded(quotaName: string, hard: ResourceList, used: QuotaUsage, usage: QuotaUsage): string[] {
    const over = Object.keys(hard).filter((r) => usage[r] !== undefined && (used[r] ?? 0) + usage[r] > milli(hard[r]));
    if (over.length === 0) {
        return [];
    }
    const fmt = (f: (r: string) => number) => over.map((r) => `${r}=${f(r) / 1000}`).join(",");
    return [`exceeded quota: ${quotaName}, requested: ${fmt((r) => usage[r])}, used: ${fmt((r) => used[r] ?? 0)}, limited: ${fmt((r) => milli(hard[r]))}`];
}

/** `used` plus `usage`, resource by resource. */
export function addUsage(used: QuotaUsage, usage: QuotaUsage): QuotaUsage {
    const out: Record<string, number> = { ...used };
    for (const [k, v] of Object.entries(usage)) {
        out[k] = (out[k] ?? 0) + v;
    }
    return out;
}
