/**
 * Karpenter node-class hardening and API-version rules.
 *
 * Node classes: `kubernetes:karpenter.k8s.aws/v1:EC2NodeClass`, the v1beta1 EC2NodeClass and the
 * v1alpha1 AWSNodeTemplate (same spec fields). Karpenter's defaults are safe and never flagged:
 * metadataOptions absent → httpEndpoint enabled, httpTokens required, httpPutResponseHopLimit 1;
 * blockDeviceMappings absent → Karpenter's encrypted default root volume.
 * The hop-limit maximum defaults to 1, Karpenter v1's own default (aws/karpenter-provider-aws
 * pkg/apis/v1/ec2nodeclass.go kubebuilder default) and the EKS Best Practices Guide's advice ("Restrict
 * access to the instance profile assigned to the worker node"): at 1 only the node itself and
 * hostNetwork pods reach IMDS; at 2 every pod does, and with it the node role.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { parseK8sType, nameOf } from "../../lib/k8s";
import { asArray, asBool, asNumber, asString, configValue, get, isNumberValue, isRecord } from "../../lib/props";
import { listText } from "../../lib/text";
import { URLS } from "../common";

const NODE_CLASS_KINDS = new Set(["EC2NodeClass", "AWSNodeTemplate"]);

/** The node class's spec, or undefined when the resource is not a Karpenter AWS node class. */
function nodeClassSpec(type: string, props: Record<string, unknown>): unknown {
    const t = parseK8sType(type);
    if (!t || t.group !== "karpenter.k8s.aws" || !NODE_CLASS_KINDS.has(t.kind)) {
        return undefined;
    }
    return get(props, "spec") ?? {};
}

function label(type: string, props: Record<string, unknown>): string {
    const kind = parseK8sType(type)?.kind ?? "node class";
    const name = nameOf(props);
    return name ? `${kind} "${name}"` : kind;
}

export const karpenterImdsHardened: ResourceValidationPolicy = {
    name: "karpenter-imds-hardened",
    description: "Checks that Karpenter node classes require IMDSv2 tokens and keep the metadata hop limit at or below the configured maximum.",
    enforcementLevel: "mandatory",
    severity: "high",
    tags: ["karpenter", "imds", "nodes"],
    url: URLS.karpenterNodeClass,
    remediationSteps:
        "Remove spec.metadataOptions to use Karpenter's defaults (httpTokens: required, httpPutResponseHopLimit: 1), or set " +
        "httpTokens: required and httpPutResponseHopLimit: 1 (hostNetwork agents still reach IMDS at 1; pods get AWS access through Pod Identity).",
    configSchema: {
        properties: {
            maxHopLimit: { type: "integer", minimum: 1, maximum: 64, default: 1, description: "Highest httpPutResponseHopLimit allowed." },
        },
    },
    validateResource: (args, reportViolation) => {
        const spec = nodeClassSpec(args.type, args.props);
        if (spec === undefined) {
            return;
        }
        const maxHop = configValue(args.getConfig(), "maxHopLimit", 1, isNumberValue);
        const md = get(spec, "metadataOptions");
        if (!isRecord(md)) {
            return; // Karpenter default: required tokens, hop limit 1.
        }
        const endpoint = asString(md.httpEndpoint)?.toLowerCase();
        const tokens = asString(md.httpTokens)?.toLowerCase();
        if (tokens === "optional" && endpoint !== "disabled") {
            reportViolation(
                `${label(args.type, args.props)} sets spec.metadataOptions.httpTokens: optional, allowing IMDSv1. Any SSRF in a pod ` +
                    "can then read the node role's credentials without a session token. Set httpTokens: required (Karpenter's default).",
            );
        }
        const hop = asNumber(md.httpPutResponseHopLimit);
        if (hop !== undefined && hop > maxHop && endpoint !== "disabled") {
            reportViolation(
                `${label(args.type, args.props)} sets spec.metadataOptions.httpPutResponseHopLimit: ${hop} (maximum ${maxHop}). ` +
                    "A high hop limit lets containers behind extra network hops reach the node's instance metadata and its role. " +
                    `Set it to 1 (Karpenter's default)${maxHop > 1 ? ` or at most ${maxHop}` : ""}.`,
            );
        }
    },
};

export const karpenterEbsEncrypted: ResourceValidationPolicy = {
    name: "karpenter-ebs-encrypted",
    description: "Checks that every EBS volume a Karpenter node class declares in blockDeviceMappings is encrypted.",
    enforcementLevel: "mandatory",
    severity: "high",
    tags: ["karpenter", "encryption", "ebs", "nodes"],
    url: URLS.karpenterNodeClass,
    remediationSteps: "Set ebs.encrypted: true (optionally ebs.kmsKeyID) on every spec.blockDeviceMappings entry, or remove blockDeviceMappings to use Karpenter's encrypted default.",
    validateResource: (args, reportViolation) => {
        const spec = nodeClassSpec(args.type, args.props);
        if (spec === undefined) {
            return;
        }
        const bad: string[] = [];
        asArray(get(spec, "blockDeviceMappings")).forEach((m, i) => {
            const ebs = get(m, "ebs");
            if (isRecord(ebs) && asBool(ebs.encrypted) !== true) {
                bad.push(asString(get(m, "deviceName")) ?? `#${i}`);
            }
        });
        if (bad.length > 0) {
            reportViolation(
                `${label(args.type, args.props)} declares unencrypted EBS volumes (${listText(bad)}): ebs.encrypted is not true. ` +
                    "Node volumes hold container images, emptyDir data and Spark shuffle files. Set ebs.encrypted: true on each mapping.",
            );
        }
    },
};

export const karpenterNoPublicIp: ResourceValidationPolicy = {
    name: "karpenter-no-public-ip",
    description: "Checks that Karpenter node classes do not give nodes public IP addresses.",
    enforcementLevel: "mandatory",
    severity: "high",
    tags: ["karpenter", "network", "nodes"],
    url: URLS.karpenterNodeClass,
    remediationSteps: "Remove spec.associatePublicIPAddress (or set it to false) and launch nodes in private subnets behind NAT.",
    validateResource: (args, reportViolation) => {
        const spec = nodeClassSpec(args.type, args.props);
        if (spec === undefined) {
            return;
        }
        if (asBool(get(spec, "associatePublicIPAddress")) === true) {
            reportViolation(
                `${label(args.type, args.props)} sets spec.associatePublicIPAddress: true, so nodes get internet-routable addresses ` +
                    "and any open port on them is exposed. Remove it (or set false) and use private subnets.",
            );
        }
    },
};

const KARPENTER_GROUPS = new Set(["karpenter.sh", "karpenter.k8s.aws"]);

function karpenterVersion(type: string): { version: string; kind: string } | undefined {
    const t = parseK8sType(type);
    return t && KARPENTER_GROUPS.has(t.group) ? { version: t.version, kind: t.kind } : undefined;
}

export const karpenterRemovedApi: ResourceValidationPolicy = {
    name: "karpenter-removed-api",
    description: "Checks that no Karpenter v1alpha APIs (Provisioner, Machine, AWSNodeTemplate) are used; Karpenter v1 no longer serves them.",
    enforcementLevel: "mandatory",
    severity: "high",
    tags: ["karpenter", "deprecation"],
    url: URLS.karpenterV1Migration,
    remediationSteps: "Replace Provisioner with karpenter.sh/v1 NodePool and AWSNodeTemplate with karpenter.k8s.aws/v1 EC2NodeClass.",
    validateResource: (args, reportViolation) => {
        const v = karpenterVersion(args.type);
        if (!v || !v.version.startsWith("v1alpha")) {
            return;
        }
        const replacement = v.kind === "AWSNodeTemplate" ? "karpenter.k8s.aws/v1 EC2NodeClass" : v.kind === "Machine" ? "karpenter.sh/v1 NodeClaim" : "karpenter.sh/v1 NodePool";
        reportViolation(
            `${v.kind} (${v.version}) is a removed Karpenter API: Karpenter v1 does not serve it, so this object will not be applied ` +
                `or acted on and nodes will not be provisioned from it. Use ${replacement} instead.`,
        );
    },
};

export const karpenterV1beta1Upgrade: ResourceValidationPolicy = {
    name: "karpenter-v1beta1-upgrade",
    description: "Checks that Karpenter objects use the v1 API rather than the deprecated v1beta1 API.",
    enforcementLevel: "advisory",
    severity: "low",
    tags: ["karpenter", "deprecation"],
    url: URLS.karpenterV1Migration,
    remediationSteps: "Change apiVersion to karpenter.sh/v1 (NodePool, NodeClaim) or karpenter.k8s.aws/v1 (EC2NodeClass) and apply the v1 field changes from the migration guide.",
    validateResource: (args, reportViolation) => {
        const v = karpenterVersion(args.type);
        if (!v || v.version !== "v1beta1") {
            return;
        }
        reportViolation(
            `${v.kind} uses the deprecated v1beta1 Karpenter API; Karpenter 1.1+ no longer serves v1beta1. Upgrade it to the v1 API ` +
                "(see the Karpenter v1 migration guide) before upgrading the controller.",
        );
    },
};
