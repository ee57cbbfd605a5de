/**
 * What lands on each EKS managed node group fits what the group can allocate at its minimum size, with
 * headroom for one rolling update (policies/lib/deployability/capacity.ts, the model in lib/capacity):
 * otherwise the pods stay Pending, the atomic Helm releases roll back and `pulumi up` fails. Pods pinned to
 * the group must state their requests, or nobody can tell whether they fit.
 *
 * The headroom has one home, the stack config (moka:cluster.systemNodes.headroomPercent): the platform's node
 * group states it in its `moka.dev/headroom-percent` tag and the rule checks each group with the headroom it
 * states (a group without the tag: the platform default, 20%). The policy's `minimumHeadroomPercent` is only
 * an organisation-wide floor — the stricter of the two applies — and defaults to 0, so by default the pack and
 * the config check agree.
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { describeFit } from "../../../lib/capacity/model";
import { systemNodeFits, viewsOf } from "../../lib/deployability";
import { configValue, isNumberValue } from "../../lib/props";
import { URLS, raiseUnknowns } from "../common";

export const systemNodesCapacityFits: StackValidationPolicy = {
    name: "system-nodes-capacity-fits",
    description: "Checks that the pods pinned to each EKS managed node group state their requests and fit what the group can allocate at its minimum size, with headroom for a rolling update.",
    enforcementLevel: "mandatory",
    severity: "high",
    tags: ["deployability", "capacity", "eks"],
    url: URLS.reserveCompute,
    configSchema: {
        properties: {
            minimumHeadroomPercent: {
                type: "integer", minimum: 0, maximum: 90, default: 0,
                description: "A floor on the headroom (percent of allocatable CPU and memory kept free for a rolling update); each group is checked with the stricter of this and the headroom its moka.dev/headroom-percent tag states (default 20).",
            },
        },
    },
    remediationSteps:
        "Raise the node group's scalingConfig.minSize or use larger instance types (in this platform moka:cluster.systemNodes.minSize / instanceTypes), " +
        "lower the pinned pods' requests with a stated reason, or move pods off the group; give every pinned container resources.requests.cpu and .memory.",
    validateStack: (args, reportViolation) => {
        const raw = configValue(args.getConfig?.(), "minimumHeadroomPercent", 0, isNumberValue);
        const fits = systemNodeFits(viewsOf(args.resources), { minimumHeadroomPercent: Math.min(90, Math.max(0, raw)) });
        for (const f of fits.filter((x) => x.problems.length > 0)) {
            reportViolation(
                `Node group "${f.name}" cannot hold what is pinned to it: ${f.problems.join("; ")}.` +
                    (f.fit ? ` (${describeFit(f.fit)}.)` : "") +
                    " Pods that do not fit stay Pending and the atomic Helm releases roll back, so pulumi up fails.",
                f.urn,
            );
        }
        raiseUnknowns(args.resources, fits.flatMap((x) => x.unknowns));
    },
};
