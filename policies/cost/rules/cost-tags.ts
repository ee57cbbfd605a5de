/**
 * Cost-allocation tags on taggable AWS resources and on the EC2 instances Karpenter launches.
 *
 * Which resources are taggable: every type in data/aws-taggable-types.ts — generated from the
 * installed @pulumi/aws schema (each resource whose Args declare a `tags` input; 860+ types) — plus
 * any other `aws:` resource whose properties carry a `tags` key (older type tokens, aliases). A
 * resource without any tags at all has no `tags` key, which is why presence alone is not enough.
 *
 * Effective tags = provider `defaultTags.tags` (object or the JSON string the engine passes) ⊕ the
 * resource's `tags` ⊕ `tagsAll` when known (policies/lib/tags.ts). Karpenter node classes
 * (`karpenter.k8s.aws` EC2NodeClass, v1 and v1beta1) are judged by `spec.tags` alone: Karpenter,
 * not the Pulumi provider, tags the instances, volumes and launch templates it creates.
 *
 * Advisory by default; policies/config/prod/cost.json raises it to mandatory.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { isUnknownValue, peek, peekPath } from "../../lib/known";
import { configValue, get, isRecord, isStringArray } from "../../lib/props";
import { asTagMap, missingTags, providerDefaultTags, resourceTags } from "../../lib/tags";
import { listText } from "../../lib/text";
import { isEc2NodeClassType, URLS } from "../common";
import { AWS_TAGGABLE_TYPES } from "../data/aws-taggable-types";

export const DEFAULT_REQUIRED_TAGS: readonly string[] = ["cost-center", "owner", "environment"];

function isTaggableAws(type: string, props: unknown): boolean {
    if (AWS_TAGGABLE_TYPES.has(type)) {
        return true;
    }
    return type.startsWith("aws:") && isRecord(props) && Object.prototype.hasOwnProperty.call(props, "tags");
}

export const costAllocationTagsRequired: ResourceValidationPolicy = {
    name: "cost-allocation-tags-required",
    description: "Checks that taggable AWS resources (counting the provider's defaultTags) and Karpenter EC2NodeClass spec.tags carry the required cost-allocation tags.",
    enforcementLevel: "advisory",
    severity: "medium",
    tags: ["cost", "tagging", "cost-allocation"],
    url: URLS.costAllocationTags,
    remediationSteps:
        "Set the tags on the AWS provider (defaultTags: { tags: { \"cost-center\": …, owner: …, environment: … } }) so every resource inherits them, " +
        "or on the resource itself; put the same tags in each EC2NodeClass's spec.tags. In this platform they come from moka:tags.",
    configSchema: {
        properties: {
            requiredTags: {
                type: "array",
                items: { type: "string" },
                default: [...DEFAULT_REQUIRED_TAGS],
                description: "Tag keys every taggable resource must carry with a non-empty value.",
            },
        },
    },
    validateResource: (args, reportViolation) => {
        const required = configValue(args.getConfig(), "requiredTags", [...DEFAULT_REQUIRED_TAGS], isStringArray);
        if (required.length === 0) {
            return;
        }
        if (isEc2NodeClassType(args.type)) {
            const tags = asTagMap(get(args.props, "spec", "tags"));
            const missing = missingTags(tags, required);
            if (missing.length > 0) {
                const name = peekPath(args.props, "metadata", "name");
                reportViolation(
                    `EC2NodeClass "${typeof name === "string" && !isUnknownValue(name) ? name : args.name}" spec.tags lacks ${listText(missing.map((k) => `"${k}"`))}. ` +
                        "Karpenter tags the instances, volumes and launch templates it creates only with spec.tags (provider defaultTags do not " +
                        "reach them), so the biggest line of the bill would be unattributed. Add the tags to spec.tags.",
                );
            }
            return;
        }
        if (!isTaggableAws(args.type, args.props)) {
            return;
        }
        const providerProps = args.provider?.type === "pulumi:providers:aws" ? args.provider.props : undefined;
        let tags = { ...providerDefaultTags(providerProps), ...resourceTags(args.props) };
        let missing = missingTags(tags, required);
        if (missing.length > 0) {
            // tagsAll (provider-computed union) is often unknown during preview; use it only when known.
            const all = peek(args.props, "tagsAll");
            if (all !== undefined && !isUnknownValue(all)) {
                tags = { ...asTagMap(all), ...tags };
                missing = missingTags(tags, required);
            }
        }
        if (missing.length > 0) {
            reportViolation(
                `${args.type.split(":").pop()} "${args.name}" is missing the cost-allocation tag${missing.length === 1 ? "" : "s"} ` +
                    `${listText(missing.map((k) => `"${k}"`))} (counting the provider's defaultTags). Untagged spend cannot be attributed ` +
                    "to a team or cost center in Cost Explorer. Add the tags to the provider's defaultTags or to the resource's tags.",
            );
        }
    },
};
