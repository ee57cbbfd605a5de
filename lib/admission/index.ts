/**
 * A pod CREATE through the API server, as far as container resources go: defaulting, the LimitRanger
 * (defaults, then min/max/ratio), pod validation and the ResourceQuota check, in that order
 * (lib/admission/limit-ranger.ts, lib/admission/resource-quota.ts cite the upstream code).
 *
 * Exported API: admitPod(pod, namespace, used), admitInOrder(pods, namespace), and the types.
 */
import { defaultRequestsToLimits, limitRangerDefaults, limitRangerViolations, requestsAboveLimits } from "./limit-ranger";
import type { AdmissionPod, LimitRangeItemSpec, ResourceList } from "./pod";
import { addUsage, podQuotaUsage, quotaExceeded, quotaMissingResources, type QuotaUsage } from "./resource-quota";

export type { AdmissionContainer, AdmissionPod, LimitRangeItemSpec, ResourceList } from "./pod";
export type { QuotaUsage } from "./resource-quota";

/** The admission-relevant objects of a namespace. */
export interface NamespaceLimits {
    /** `spec.limits` of each LimitRange in the namespace. */
    readonly limitRanges: readonly (readonly LimitRangeItemSpec[])[];
    /** Each ResourceQuota: its name and `spec.hard`. */
    readonly quotas: readonly { readonly name: string; readonly hard: ResourceList }[];
}

export interface AdmissionResult {
    readonly admitted: boolean;
    /** The pod as stored (after defaulting and the LimitRanger's defaults). */
    readonly pod: AdmissionPod;
    /** Every reason it was refused, in the order the API server would meet them; empty when admitted. */
    readonly errors: readonly string[];
    /** The namespace's quota usage after this pod (unchanged when refused). */
    readonly used: QuotaUsage;
}

/**
 * One pod CREATE. The real API server stops at the first failing step; this model reports the failing
 * step's messages and does not run the steps after it either.
 */
export function admitPod(pod: AdmissionPod, ns: NamespaceLimits, used: QuotaUsage = {}): AdmissionResult {
    let stored = defaultRequestsToLimits(pod);
    for (const items of ns.limitRanges) {
        stored = limitRangerDefaults(stored, items);
    }
    const steps: (() => string[])[] = [
        () => requestsAboveLimits(stored),
        () => ns.limitRanges.flatMap((items) => limitRangerViolations(stored, items)),
        () => ns.quotas.flatMap((q) => quotaMissingResources(stored, q.hard)),
        () => ns.quotas.flatMap((q) => quotaExceeded(q.name, q.hard, used, podQuotaUsage(stored))),
    ];
    for (const step of steps) {
        const errors = step();
        if (errors.length > 0) {
            return { admitted: false, pod: stored, errors, used };
        }
    }
    return { admitted: true, pod: stored, errors: [], used: addUsage(used, podQuotaUsage(stored)) };
}

/** Pods created one after another in one namespace (each admitted pod's usage counts against the next). */
export function admitInOrder(pods: readonly AdmissionPod[], ns: NamespaceLimits, used: QuotaUsage = {}): AdmissionResult[] {
    const results: AdmissionResult[] = [];
    let current = used;
    for (const pod of pods) {
        const r = admitPod(pod, ns, current);
        results.push(r);
        current = r.used;
    }
    return results;
}
