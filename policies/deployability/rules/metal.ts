/**
 * Karpenter NodePools cannot launch bare metal (policies/lib/deployability/metal.ts). `instance-size
 * NotIn [metal]` is not enough: the newer families' metal sizes are metal-24xl, metal-48xl… (Karpenter's
 * v1.14 instance-type reference). Metal boots minutes slower and is far larger than a Spark pod needs.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { metalVerdict } from "../../lib/deployability";
import { nameOf } from "../../lib/k8s";
import { get } from "../../lib/props";
import { URLS } from "../common";

const NODE_POOL_TYPES = new Set(["kubernetes:karpenter.sh/v1:NodePool", "kubernetes:karpenter.sh/v1beta1:NodePool"]);

export const nodepoolExcludesMetal: ResourceValidationPolicy = {
    name: "nodepool-excludes-metal",
    description: "Checks that every Karpenter NodePool keeps bare-metal instance types out of its requirements, whatever the metal sizes of its families are called.",
    enforcementLevel: "mandatory",
    severity: "medium",
    tags: ["deployability", "karpenter", "cost"],
    url: URLS.karpenterInstanceTypes,
    remediationSteps:
        "Add the requirement { key: karpenter.k8s.aws/instance-hypervisor, operator: In, values: [nitro] } to spec.template.spec.requirements: " +
        "bare-metal types are the only ones whose hypervisor label is empty, so this holds for every family.",
    validateResource: (args, reportViolation) => {
        if (!NODE_POOL_TYPES.has(args.type)) {
            return;
        }
        const verdict = metalVerdict(get(args.props, "spec", "template", "spec", "requirements"));
        if (verdict.kind === "allowed") {
            reportViolation(`NodePool "${nameOf(args.props) ?? args.name}" can launch bare-metal instances: ${verdict.problem}. Metal boots minutes slower than a virtualised type and is far larger than any pod needs.`);
        }
    },
};
