/**
 * Shared metadata for the cost rules: documentation URLs, NodePool type matching and message
 * helpers. Pure constants and functions; no side effects.
 */
import { parseK8sType } from "../lib/k8s";
import { isUnknownValue, peekPath } from "../lib/known";

export const URLS = {
    nodePoolLimits: "https://karpenter.sh/docs/concepts/nodepools/#speclimits",
    nodePoolWeight: "https://karpenter.sh/docs/concepts/nodepools/#specweight",
    nodePoolRequirements: "https://karpenter.sh/docs/concepts/nodepools/#spectemplatespecrequirements",
    karpenterCostBestPractices: "https://docs.aws.amazon.com/eks/latest/best-practices/cost-opt-compute.html",
    ec2OnDemandPricing: "https://aws.amazon.com/ec2/pricing/on-demand/",
    logRetention: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/Working-with-log-groups-and-streams.html#SettingLogRetention",
    costAllocationTags: "https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/cost-alloc-tags.html",
    graviton: "https://docs.aws.amazon.com/eks/latest/best-practices/cost-opt-compute.html",
} as const;

/** True for Karpenter NodePools of any API version (`kubernetes:karpenter.sh/v1:NodePool`, v1beta1 …). */
export function isNodePoolType(type: string): boolean {
    const t = parseK8sType(type);
    return t !== undefined && t.group === "karpenter.sh" && t.kind === "NodePool";
}

/** True for Karpenter AWS node classes (`kubernetes:karpenter.k8s.aws/v1:EC2NodeClass`, v1beta1). */
export function isEc2NodeClassType(type: string): boolean {
    const t = parseK8sType(type);
    return t !== undefined && t.group === "karpenter.k8s.aws" && t.kind === "EC2NodeClass";
}

/** A NodePool's metadata.name, else the Pulumi resource name (read without tripping on unknowns). */
export function poolName(props: unknown, resourceName: string): string {
    const n = peekPath(props, "metadata", "name");
    return typeof n === "string" && n !== "" && !isUnknownValue(n) ? n : resourceName;
}

/** `NodePool "name"` for messages. */
export function poolLabel(props: unknown, resourceName: string): string {
    return `NodePool "${poolName(props, resourceName)}"`;
}

export const usd = (n: number): string => `$${n.toFixed(2)}`;
/** A $/vCPU-hour rate, with enough digits to tell families apart. */
export const usdRate = (n: number): string => `$${n.toFixed(4)}`;
