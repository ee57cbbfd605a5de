/**
 * EC2 launch templates (`aws:ec2/launchTemplate:LaunchTemplate`), the node definition of EKS managed
 * node groups and self-managed fleets: IMDS, public addresses and EBS encryption. The same hardening
 * as the karpenter-* rules apply to Karpenter's EC2NodeClass, for nodes Karpenter does not launch.
 *
 * Defaults differ from Karpenter's, and the policy cannot see the AMI or the account settings, so it
 * asks for explicit values where the default depends on them (EC2 API LaunchTemplateInstanceMetadata-
 * OptionsRequest and Image.ImdsSupport, read in aws-sdk-go-v2 service/ec2/types/types.go as vendored
 * by awslabs/amazon-eks-ami@81fec2e8):
 *   - httpTokens absent → "required" only if the AMI is registered with ImdsSupport v2.0, otherwise
 *     "optional" (IMDSv1 on): flagged. The EKS user guide (launch-workers.adoc) likewise notes nodes
 *     support IMDSv1 unless it is disabled;
 *   - httpPutResponseHopLimit absent → 1, but 2 for ImdsSupport v2.0 AMIs (AL2023): flagged, since at
 *     2 every pod reaches the node role (EKS Best Practices "Restrict access to the instance profile
 *     assigned to the worker node": IMDSv2 with hop limit 1; hostNetwork agents still reach IMDS at 1);
 *   - httpEndpoint "disabled" → no IMDS at all: the IMDS checks do not apply;
 *   - networkInterfaces[].associatePublicIpAddress absent → the subnet's setting (private node subnets
 *     here): only an explicit "true" is flagged;
 *   - blockDeviceMappings[].ebs.encrypted absent → encrypted only if the account's EBS
 *     encryption-by-default is on, a setting outside the stack (off unless someone enabled it per
 *     region): flagged unless the accountEncryptionByDefault config says it is on. A template without
 *     blockDeviceMappings keeps the AMI's mappings and is not judged.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { cisEks } from "../../lib/frameworks";
import { asArray, asBool, asNumber, asString, configValue, get, isBooleanValue, isNumberValue, isRecord } from "../../lib/props";
import { listText } from "../../lib/text";
import { URLS } from "../common";
import { LAUNCH_TEMPLATE_TYPE } from "../lib/aws";

export const ec2LaunchTemplateImdsHardened: ResourceValidationPolicy = {
    name: "ec2-launch-template-imds-hardened",
    description: "Checks that EC2 launch templates require IMDSv2 tokens and set a metadata hop limit at or below the configured maximum.",
    enforcementLevel: "mandatory",
    severity: "high",
    tags: ["ec2", "imds", "nodes"],
    url: URLS.imds,
    remediationSteps:
        'Set metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 } (or httpEndpoint: "disabled" ' +
        "when nothing on the node needs instance metadata). Give pods AWS access through EKS Pod Identity or IRSA, not the node role.",
    configSchema: {
        properties: {
            maxHopLimit: { type: "integer", minimum: 1, maximum: 64, default: 1, description: "Highest httpPutResponseHopLimit allowed." },
        },
    },
    validateResource: (args, reportViolation) => {
        if (args.type !== LAUNCH_TEMPLATE_TYPE) {
            return;
        }
        const maxHop = configValue(args.getConfig(), "maxHopLimit", 1, isNumberValue);
        const md = asArray(args.props.metadataOptions)[0];
        const endpoint = asString(get(md, "httpEndpoint"))?.trim().toLowerCase();
        if (endpoint === "disabled") {
            return;
        }
        const tokens = asString(get(md, "httpTokens"))?.trim().toLowerCase();
        const hop = asNumber(get(md, "httpPutResponseHopLimit"));
        const problems: string[] = [];
        if (tokens !== "required") {
            problems.push(
                tokens === undefined
                    ? "metadataOptions.httpTokens is not set, so IMDSv1 stays on unless the AMI happens to be registered IMDSv2-only"
                    : `metadataOptions.httpTokens is "${tokens}", which keeps IMDSv1 on`,
            );
        }
        if (hop === undefined) {
            problems.push(`metadataOptions.httpPutResponseHopLimit is not set (IMDSv2-only AMIs such as AL2023 then use 2, so pods reach IMDS; maximum ${maxHop})`);
        } else if (hop > maxHop) {
            problems.push(`metadataOptions.httpPutResponseHopLimit is ${hop} (maximum ${maxHop}), so containers behind an extra network hop reach IMDS`);
        }
        if (problems.length > 0) {
            reportViolation(
                `This launch template leaves instance metadata open to pods: ${problems.join("; ")}. Any pod (or an SSRF in one) can then ` +
                    'read the node role\'s credentials. Set httpTokens: "required" and httpPutResponseHopLimit: 1.',
            );
        }
    },
};

export const ec2LaunchTemplateNoPublicIp: ResourceValidationPolicy = {
    name: "ec2-launch-template-no-public-ip",
    description: "Checks that EC2 launch templates do not give instances public IP addresses.",
    enforcementLevel: "mandatory",
    severity: "high",
    tags: ["ec2", "network", "nodes", "cis"],
    url: URLS.launchTemplates,
    framework: cisEks("5.4.3", "Ensure clusters are created with Private Nodes"),
    remediationSteps: 'Remove networkInterfaces[].associatePublicIpAddress (or set it to "false") and launch nodes in private subnets behind NAT.',
    validateResource: (args, reportViolation) => {
        if (args.type !== LAUNCH_TEMPLATE_TYPE) {
            return;
        }
        const bad = asArray(args.props.networkInterfaces)
            .map((n, i) => (asBool(get(n, "associatePublicIpAddress")) === true ? `networkInterfaces[${i}]` : undefined))
            .filter((x): x is string => x !== undefined);
        if (bad.length > 0) {
            reportViolation(
                `This launch template gives instances a public IP address (${listText(bad)}.associatePublicIpAddress: true), so every ` +
                    "node is reachable from the internet on any port its security groups open. Remove it and use private subnets.",
            );
        }
    },
};

export const ec2LaunchTemplateEbsEncrypted: ResourceValidationPolicy = {
    name: "ec2-launch-template-ebs-encrypted",
    description: "Checks that every EBS volume an EC2 launch template declares in blockDeviceMappings is encrypted.",
    enforcementLevel: "mandatory",
    severity: "high",
    tags: ["ec2", "encryption", "ebs", "nodes"],
    url: URLS.ebsEncryption,
    remediationSteps:
        'Set ebs.encrypted: "true" (optionally ebs.kmsKeyId) on every blockDeviceMappings entry. If the account enables EBS encryption by ' +
        "default in every region the stack uses, say so with accountEncryptionByDefault: true.",
    configSchema: {
        properties: {
            accountEncryptionByDefault: {
                type: "boolean",
                default: false,
                description: "The AWS account enables EBS encryption by default (so volumes without ebs.encrypted are encrypted anyway).",
            },
        },
    },
    validateResource: (args, reportViolation) => {
        if (args.type !== LAUNCH_TEMPLATE_TYPE) {
            return;
        }
        const accountDefault = configValue(args.getConfig(), "accountEncryptionByDefault", false, isBooleanValue);
        const unencrypted: string[] = [];
        const unset: string[] = [];
        asArray(args.props.blockDeviceMappings).forEach((m, i) => {
            const ebs = asArray(get(m, "ebs"))[0];
            if (!isRecord(ebs)) {
                return; // instance store (virtualName) or noDevice
            }
            const device = asString(get(m, "deviceName"))?.trim() || `#${i}`;
            const encrypted = asBool(ebs.encrypted);
            if (encrypted === false) {
                unencrypted.push(device);
            } else if (encrypted === undefined && !accountDefault) {
                unset.push(device);
            }
        });
        if (unencrypted.length + unset.length > 0) {
            const parts = [
                ...(unencrypted.length > 0 ? [`${listText(unencrypted)} set ebs.encrypted: false`] : []),
                ...(unset.length > 0 ? [`${listText(unset)} leave ebs.encrypted unset (encrypted only if the account enables EBS encryption by default)`] : []),
            ];
            reportViolation(
                `This launch template declares EBS volumes that may be unencrypted: ${parts.join("; ")}. Node volumes hold container ` +
                    'images, emptyDir data and Spark shuffle files. Set ebs.encrypted: "true" on each mapping.',
            );
        }
    },
};
