/**
 * Accelerated (GPU / ML) instances in NodePools.
 *
 * A NodePool allows accelerated instances when its requirements name them (an accelerated family
 * such as g5/p5/inf2/trn1, category g/p/inf/trn/dl/f/vt/gr, an accelerated instance type,
 * `instance-gpu-count` / `instance-accelerator-count` > 0 or Exists, or a GPU/accelerator
 * name/manufacturer requirement), or when nothing restricts it at all: with no `In` on
 * instance-family, instance-category or instance-type, Karpenter may pick any instance type,
 * GPUs included, for any pod that asks for `nvidia.com/gpu` (or simply fits best). A pool counts
 * as excluding GPUs with `karpenter.k8s.aws/instance-gpu-count` DoesNotExist / In ["0"] / Lt "1",
 * or `instance-category` NotIn covering g and p. Architecture restrictions do not help (g5g is arm64).
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { acceleratedExposure, nodePoolRequirements } from "../../lib/pricing/requirements";
import { configValue, isBooleanValue } from "../../lib/props";
import { listText } from "../../lib/text";
import { isNodePoolType, poolLabel, URLS } from "../common";

export const nodepoolNoAcceleratedInstances: ResourceValidationPolicy = {
    name: "nodepool-no-accelerated-instances",
    description: "Checks that Karpenter NodePools cannot launch GPU or other accelerated instances unless accelerated capacity is explicitly allowed.",
    enforcementLevel: "mandatory",
    severity: "high",
    tags: ["cost", "karpenter", "nodepool", "gpu"],
    url: URLS.nodePoolRequirements,
    remediationSteps:
        "Pin the NodePool to non-accelerated capacity: karpenter.k8s.aws/instance-family In [m7g, c7g, r7g, …] or " +
        "karpenter.k8s.aws/instance-category In [c, m, r], or exclude GPUs with karpenter.k8s.aws/instance-gpu-count DoesNotExist. " +
        "For a deliberate GPU pool, set allowAccelerated: true in the cost pack's config and give the pool a tight spec.limits.",
    configSchema: {
        properties: {
            allowAccelerated: {
                type: "boolean",
                default: false,
                description: "Allow NodePools that may launch GPU/ML-accelerated instances.",
            },
        },
    },
    validateResource: (args, reportViolation) => {
        if (!isNodePoolType(args.type)) {
            return;
        }
        if (configValue(args.getConfig(), "allowAccelerated", false, isBooleanValue)) {
            return;
        }
        const exposure = acceleratedExposure(nodePoolRequirements(args.props));
        if (exposure.explicit.length > 0) {
            reportViolation(
                `${poolLabel(args.props, args.name)} allows accelerated instances (${listText([...exposure.explicit])}). GPU and ML ` +
                    "instances cost 5-25× a general-purpose vCPU (g5.xlarge ≈ $1.01/h, p5.48xlarge ≈ $98/h on-demand) and this platform has no " +
                    "accelerated budget. Remove them from the requirements, or set allowAccelerated: true in the cost pack's config for a deliberate GPU pool.",
            );
        } else if (exposure.unrestricted) {
            reportViolation(
                `${poolLabel(args.props, args.name)} does not restrict instance families, categories or types, so Karpenter may launch GPU ` +
                    "instances (g*, p*: up to ≈ $98/h each) for any pod that requests a GPU or fits one best. Add " +
                    "karpenter.k8s.aws/instance-category In [c, m, r] (or instance-family In [...]), or exclude GPUs with " +
                    "karpenter.k8s.aws/instance-gpu-count DoesNotExist.",
            );
        }
    },
};
