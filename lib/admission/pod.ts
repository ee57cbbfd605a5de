/**
 * The pod shape the admission models (lib/admission) read: containers with their resource requests and
 * limits, as a Kubernetes `Pod.spec` carries them. Quantities are Kubernetes quantity strings ("500m", "2Gi").
 */
import { parseQuantity } from "../quantity";

/** A container's `resources.requests` / `resources.limits`. */
export type ResourceList = Readonly<Record<string, string>>;

export interface AdmissionContainer {
    readonly name: string;
    readonly resources?: { readonly requests?: ResourceList; readonly limits?: ResourceList };
}

export interface AdmissionPod {
    /** For messages only. */
    readonly name: string;
    readonly containers: readonly AdmissionContainer[];
    readonly initContainers?: readonly AdmissionContainer[];
}

/** One entry of `LimitRange.spec.limits`. */
export interface LimitRangeItemSpec {
    readonly type: string;
    readonly default?: ResourceList;
    readonly defaultRequest?: ResourceList;
    readonly min?: ResourceList;
    readonly max?: ResourceList;
    readonly maxLimitRequestRatio?: ResourceList;
}

/**
 * A quantity in thousandths of its base unit (millicores, milli-bytes), as apimachinery compares them
 * (`Quantity.MilliValue()`); integers, so sums and comparisons are exact. Throws on a non-quantity.
 */
export function milli(q: string | number): number {
    const v = parseQuantity(q);
    if (v === undefined) {
        throw new Error(`not a Kubernetes quantity: ${JSON.stringify(q)}`);
    }
    return Math.round(v * 1000);
}

/** Every container of the pod, init containers included, with the field path upstream messages use. */
export function allContainers(pod: AdmissionPod): { readonly path: string; readonly container: AdmissionContainer }[] {
    return [
        ...pod.containers.map((container, i) => ({ path: `spec.containers[${i}]`, container })),
        ...(pod.initContainers ?? []).map((container, i) => ({ path: `spec.initContainers[${i}]`, container })),
    ];
}

/** The pod with `f` applied to every container and init container (a copy; the input is not changed). */
export function mapContainers(pod: AdmissionPod, f: (c: AdmissionContainer) => AdmissionContainer): AdmissionPod {
    return {
        ...pod,
        containers: pod.containers.map(f),
        ...(pod.initContainers ? { initContainers: pod.initContainers.map(f) } : {}),
    };
}
