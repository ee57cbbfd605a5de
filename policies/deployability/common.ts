/**
 * Shared metadata and plumbing for the deployability rules: documentation URLs, and turning the
 * analyses' "needed an unknown value" notes into @pulumi/policy's advisory (policies/lib/known.ts).
 */
import type { PolicyResource } from "@pulumi/policy";
import { UnknownTracker } from "../lib/known";
import type { UnknownAt } from "../lib/deployability";

export const URLS = {
    eksEndpoint: "https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html",
    ecrPullThrough: "https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache.html",
    reserveCompute: "https://kubernetes.io/docs/tasks/administer-cluster/reserve-compute-resources/",
    karpenterInstanceTypes: "https://karpenter.sh/docs/reference/instance-types/",
} as const;

/** Notes every unknown the analysis needed, on the proxied props of its resource, then re-raises the first. */
export function raiseUnknowns(resources: readonly PolicyResource[], unknowns: readonly UnknownAt[]): void {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const tracker = new UnknownTracker();
    for (const u of unknowns) {
        const r = byUrn.get(u.urn);
        const target = u.onProvider ? r?.provider?.props : r?.props;
        if (target !== undefined) {
            tracker.note(target, ...u.path);
        }
    }
    tracker.rethrow();
}
