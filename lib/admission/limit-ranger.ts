/**
 * A pure model of what the Kubernetes API server does to a pod's container resources on CREATE, up to
 * and including the LimitRanger admission plugin, so a LimitRange can be tested against the pods that
 * will really meet it (Spark drivers and executors, YuniKorn placeholders, plain Deployments).
 *
 * In the order the API server applies them:
 *  1. Defaulting, `SetDefaults_Pod` (kubernetes pkg/apis/core/v1/defaults.go): a container that sets a
 *     limit but no request for a resource gets request = limit. Pods only, not pod templates.
 *  2. LimitRanger, mutating (plugin/pkg/admission/limitranger/admission.go, `defaultContainerResourceRequirements`
 *     + `mergeContainerResources`): for every `type: Container` item, each container and init container that
 *     lacks a limit gets `default`, one that lacks a request gets `defaultRequest`. Nothing already set is changed.
 *  3. Pod validation (`ValidateResourceRequirements`, pkg/apis/core/validation): a request above its limit is invalid.
 *  4. LimitRanger, validating (`PodValidateLimitFunc`): per container, `minConstraint` (a request must exist and be
 *     >= min; a limit, if any, >= min), `maxConstraint` (a LIMIT must exist and be <= max; a request, if any,
 *     <= max) and `limitRequestRatioConstraint` (both must exist and limit/request <= the ratio). The
 *     comparisons are in milli-units (`requestLimitEnforcedValues`).
 *
 * Read at kubernetes/kubernetes plugin/pkg/admission/limitranger/admission.go (commit 8f672ecf, whose
 * min/max/ratio functions and messages current releases keep) and pkg/apis/core/v1/defaults.go. The
 * `Pod` and `PersistentVolumeClaim` item types are not modelled: a LimitRange that uses them throws.
 */
import { type AdmissionContainer, type AdmissionPod, allContainers, type LimitRangeItemSpec, mapContainers, milli, type ResourceList } from "./pod";

const CONTAINER = "Container";

function unsupported(items: readonly LimitRangeItemSpec[]): void {
    const other = items.find((i) => i.type !== CONTAINER);
    if (other) {
        throw new Error(`LimitRange type "${other.type}" is not modelled (lib/admission/limit-ranger.ts models "Container" items only)`);
    }
}

/** Step 1: request = limit for every resource a container limits without requesting (SetDefaults_Pod). */
export function defaultRequestsToLimits(pod: AdmissionPod): AdmissionPod {
    return mapContainers(pod, (c) => {
        const limits = c.resources?.limits;
        if (!limits) {
            return c;
        }
        return { ...c, resources: { ...c.resources, requests: { ...limits, ...(c.resources?.requests ?? {}) } } };
    });
}

/** Step 2: the LimitRanger's defaults for one LimitRange (its Container items merged, later keys win). */
export function limitRangerDefaults(pod: AdmissionPod, items: readonly LimitRangeItemSpec[]): AdmissionPod {
    unsupported(items);
    const defaultLimits: Record<string, string> = {};
    const defaultRequests: Record<string, string> = {};
    for (const item of items) {
        Object.assign(defaultRequests, item.defaultRequest ?? {});
        Object.assign(defaultLimits, item.default ?? {});
    }
    return mapContainers(pod, (c): AdmissionContainer => ({
        ...c,
        resources: {
            requests: { ...defaultRequests, ...(c.resources?.requests ?? {}) },
            limits: { ...defaultLimits, ...(c.resources?.limits ?? {}) },
        },
    }));
}

/** Step 3: requests above their limits (pod validation), as `<path>.resources.requests[<r>]` messages. */
export function requestsAboveLimits(pod: AdmissionPod): string[] {
    const problems: string[] = [];
    for (const { path, container } of allContainers(pod)) {
        const requests = container.resources?.requests ?? {};
        const limits = container.resources?.limits ?? {};
        for (const [resource, request] of Object.entries(requests)) {
            const limit = limits[resource];
            if (limit !== undefined && milli(request) > milli(limit)) {
                problems.push(`${path}.resources.requests[${resource}]: Invalid value: "${request}": must be less than or equal to ${resource} limit of ${limit}`);
            }
        }
    }
    return problems;
}

function minConstraint(resource: string, enforced: string, requests: ResourceList, limits: ResourceList): string | undefined {
    const req = requests[resource];
    const lim = limits[resource];
    if (req === undefined) {
        return `minimum ${resource} usage per Container is ${enforced}.  No request is specified.`;
    }
    if (milli(req) < milli(enforced)) {
        return `minimum ${resource} usage per Container is ${enforced}, but request is ${req}.`;
    }
    if (lim !== undefined && milli(lim) < milli(enforced)) {
        return `minimum ${resource} usage per Container is ${enforced}, but limit is ${lim}.`;
    }
    return undefined;
}

function maxConstraint(resource: string, enforced: string, requests: ResourceList, limits: ResourceList): string | undefined {
    const req = requests[resource];
    const lim = limits[resource];
    if (lim === undefined) {
        return `maximum ${resource} usage per Container is ${enforced}.  No limit is specified.`;
    }
    if (milli(lim) > milli(enforced)) {
        return `maximum ${resource} usage per Container is ${enforced}, but limit is ${lim}.`;
    }
    if (req !== undefined && milli(req) > milli(enforced)) {
        return `maximum ${resource} usage per Container is ${enforced}, but request is ${req}.`;
    }
    return undefined;
}

function ratioConstraint(resource: string, enforced: string, requests: ResourceList, limits: ResourceList): string | undefined {
    const req = requests[resource];
    const lim = limits[resource];
    if (req === undefined || milli(req) === 0) {
        return `${resource} max limit to request ratio per Container is ${enforced}, but no request is specified or request is 0.`;
    }
    if (lim === undefined || milli(lim) === 0) {
        return `${resource} max limit to request ratio per Container is ${enforced}, but no limit is specified or limit is 0.`;
    }
    const ratio = milli(lim) / milli(req);
    return ratio * 1000 > milli(enforced) ? `${resource} max limit to request ratio per Container is ${enforced}, but provided ratio is ${ratio.toFixed(6)}.` : undefined;
}

/** Step 4: the LimitRanger's verdict on an already defaulted pod, one message per broken constraint. */
export function limitRangerViolations(pod: AdmissionPod, items: readonly LimitRangeItemSpec[]): string[] {
    unsupported(items);
    const problems: string[] = [];
    for (const item of items) {
        for (const { container } of allContainers(pod)) {
            const requests = container.resources?.requests ?? {};
            const limits = container.resources?.limits ?? {};
            const checks: [ResourceList | undefined, typeof minConstraint][] = [[item.min, minConstraint], [item.max, maxConstraint], [item.maxLimitRequestRatio, ratioConstraint]];
            for (const [bounds, check] of checks) {
                for (const [resource, enforced] of Object.entries(bounds ?? {})) {
                    const problem = check(resource, enforced, requests, limits);
                    if (problem) {
                        problems.push(`${container.name}: ${problem}`);
                    }
                }
            }
        }
    }
    return problems;
}
