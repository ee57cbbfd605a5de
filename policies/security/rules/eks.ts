/**
 * EKS control-plane rules. Each covers BOTH shapes a cluster reaches the analyzer in:
 *   - `aws:eks/cluster:Cluster` (a real preview, incl. the child of @pulumi/eks's component):
 *     vpcConfig.endpointPublicAccess / publicAccessCidrs, encryptionConfig {resources, provider.keyArn},
 *     enabledClusterLogTypes, accessConfig.authenticationMode;
 *   - `eks:index:Cluster` (@pulumi/eks v4 component inputs, all that mocks show): endpointPublicAccess,
 *     publicAccessCidrs, encryptionConfigKeyArn, enabledClusterLogTypes, authenticationMode.
 * Defaults (checked in node_modules/@pulumi/eks/cluster.d.ts and pulumi-eks v4.3.0 cluster.ts):
 * endpointPublicAccess absent → public; publicAccessCidrs absent → 0.0.0.0/0; no encryptionConfigKeyArn
 * → no encryptionConfig; no authenticationMode → no accessConfig → EKS default CONFIG_MAP; log types
 * absent → none; version absent → the newest version EKS offers (never past support).
 * Public access with an explicit publicAccessCidrs list is public to those blocks only, whether
 * endpointPublicAccess is true or left at its (public) default; a block shorter than the configured
 * minimum prefix (/8 IPv4, /32 IPv6: lib/network.ts) counts as open to the internet.
 * Also here: eks-version-supported (lib/eks-versions.ts, the one EKS calendar config also reads) and eks-node-group-ssh-restricted
 * (`aws:eks/nodeGroup:NodeGroup` remoteAccess: with ec2SshKey and no sourceSecurityGroupIds EKS opens
 * port 22 to 0.0.0.0/0, per the EKS API reference RemoteAccessConfig).
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { isAnyAddress } from "../../../lib/cidr";
import { cisEks } from "../../lib/frameworks";
import { peekPath } from "../../lib/known";
import { asArray, asBool, asString, asStringArray, configValue, get, isBooleanValue, isNumberValue, isStringArray, isStringValue } from "../../lib/props";
import { listText } from "../../lib/text";
import { awsFsbp, URLS } from "../common";
import { EKS_VERSION_SUPPORT } from "../../../lib/eks-versions";
import { EKS_CLUSTER_TYPE, EKS_COMPONENT_TYPE, EKS_NODE_GROUP_TYPE } from "../lib/aws";
import { DEFAULT_MIN_PUBLIC_PREFIX_V4, DEFAULT_MIN_PUBLIC_PREFIX_V6, isAlmostOpen } from "../lib/network";

type Shape = "aws" | "component";

function shapeOf(type: string): Shape | undefined {
    return type === EKS_CLUSTER_TYPE ? "aws" : type === EKS_COMPONENT_TYPE ? "component" : undefined;
}

function nonEmpty(v: unknown): boolean {
    const s = asString(v);
    return s !== undefined && s.trim() !== "";
}

export const eksEndpointPrivate: ResourceValidationPolicy = {
    name: "eks-endpoint-private",
    description: "Checks that the EKS API endpoint is private, or public only to specific CIDR blocks (never 0.0.0.0/0, an almost-open block, or by default).",
    enforcementLevel: "mandatory",
    severity: "critical",
    tags: ["eks", "network", "cis"],
    url: URLS.eksEndpoint,
    framework: cisEks("5.4.2", "Ensure clusters are created with Private Endpoint Enabled and Public Access Disabled"),
    remediationSteps:
        "Set endpointPublicAccess: false and endpointPrivateAccess: true (aws.eks.Cluster: vpcConfig.*). If operators must reach the API " +
        "from the internet, list only their egress ranges in publicAccessCidrs (each at least a /8 IPv4 or /32 IPv6 block by default).",
    configSchema: {
        properties: {
            allowPublicWithCidrs: {
                type: "boolean",
                default: true,
                description: "Allow a public endpoint whose publicAccessCidrs are specific ranges (no 0.0.0.0/0, ::/0 or almost-open block).",
            },
            minPublicCidrPrefix: {
                type: "integer",
                minimum: 0,
                maximum: 32,
                default: DEFAULT_MIN_PUBLIC_PREFIX_V4,
                description: "Shortest IPv4 prefix a publicAccessCidrs block may have; shorter blocks count as open to the internet.",
            },
            minPublicCidrPrefixIpv6: {
                type: "integer",
                minimum: 0,
                maximum: 128,
                default: DEFAULT_MIN_PUBLIC_PREFIX_V6,
                description: "Shortest IPv6 prefix a publicAccessCidrs block may have; shorter blocks count as open to the internet.",
            },
        },
    },
    validateResource: (args, reportViolation) => {
        const shape = shapeOf(args.type);
        if (!shape) {
            return;
        }
        const config = args.getConfig();
        const allowWithCidrs = configValue(config, "allowPublicWithCidrs", true, isBooleanValue);
        const minV4 = configValue(config, "minPublicCidrPrefix", DEFAULT_MIN_PUBLIC_PREFIX_V4, isNumberValue);
        const minV6 = configValue(config, "minPublicCidrPrefixIpv6", DEFAULT_MIN_PUBLIC_PREFIX_V6, isNumberValue);
        // vpcConfig is one object (a one-element list in very old provider state).
        const base = shape === "aws" ? asArray(args.props.vpcConfig)[0] : args.props;
        const where = shape === "aws" ? "vpcConfig." : "";
        const pub = asBool(get(base, "endpointPublicAccess"));
        if (pub === false) {
            return;
        }
        const cidrs = asStringArray(get(base, "publicAccessCidrs")).map((c) => c.trim()).filter((c) => c !== "");
        const world = cidrs.filter(isAnyAddress);
        const almost = cidrs.filter((c) => !isAnyAddress(c) && isAlmostOpen(c, minV4, minV6));
        const state = pub === undefined ? `${where}endpointPublicAccess is not set, so EKS keeps the endpoint public` : `${where}endpointPublicAccess: true`;
        if (world.length > 0) {
            reportViolation(
                `The EKS API endpoint is public to the whole internet: ${where}publicAccessCidrs contains ${listText(world)}. ` +
                    "Anyone can probe the Kubernetes API and try stolen or leaked credentials against it. " +
                    "Disable public access, or replace it with the specific CIDR blocks operators connect from.",
            );
        } else if (almost.length > 0) {
            reportViolation(
                `The EKS API endpoint is public to most of the internet: ${where}publicAccessCidrs contains ${listText(almost)}, ` +
                    `shorter than /${minV4} (IPv4) or /${minV6} (IPv6); such a block spans many unrelated networks (a /1 is half of all ` +
                    "IPv4 addresses). Anyone in it can probe the API and try leaked credentials. List the specific blocks operators connect " +
                    "from, or disable public access.",
            );
        } else if (pub === undefined && cidrs.length === 0) {
            reportViolation(
                `The EKS API endpoint is public by default: ${where}endpointPublicAccess is not set, and EKS then exposes the API ` +
                    "to 0.0.0.0/0. Set endpointPublicAccess: false with endpointPrivateAccess: true (or set it to true explicitly with " +
                    "specific publicAccessCidrs).",
            );
        } else if (!allowWithCidrs) {
            reportViolation(
                `The EKS API endpoint is public (${state}) and this pack is configured to forbid public ` +
                    "endpoints even with CIDR restrictions (allowPublicWithCidrs: false). Set endpointPublicAccess: false and reach the " +
                    "API through the VPC (VPN, bastion or SSM).",
            );
        } else if (cidrs.length === 0) {
            reportViolation(
                `The EKS API endpoint is public (${where}endpointPublicAccess: true) without ${where}publicAccessCidrs, so EKS ` +
                    "allows 0.0.0.0/0. List the specific CIDR blocks that may reach the API, or disable public access.",
            );
        }
    },
};

export const eksSecretsEncrypted: ResourceValidationPolicy = {
    name: "eks-secrets-encrypted",
    description: "Checks that EKS envelope-encrypts Kubernetes secrets with a customer-managed KMS key.",
    enforcementLevel: "mandatory",
    severity: "high",
    tags: ["eks", "encryption", "kms", "cis"],
    url: URLS.eksKms,
    framework: cisEks("5.3.1", "Ensure Kubernetes Secrets are encrypted using Customer Master Keys (CMKs) managed in AWS KMS"),
    remediationSteps:
        "eks.Cluster: set encryptionConfigKeyArn to a KMS key ARN (enableKeyRotation: true). aws.eks.Cluster: set " +
        'encryptionConfig: { resources: ["secrets"], provider: { keyArn } }. Secrets encryption can only be enabled, never disabled.',
    validateResource: (args, reportViolation) => {
        const shape = shapeOf(args.type);
        if (!shape) {
            return;
        }
        if (shape === "component") {
            if (!nonEmpty(args.props.encryptionConfigKeyArn)) {
                reportViolation(
                    "The EKS cluster does not encrypt Kubernetes secrets with a KMS key: encryptionConfigKeyArn is not set. Secrets in " +
                        "etcd (service-account tokens, credentials) then lack customer-controlled envelope encryption and key audit. " +
                        "Set encryptionConfigKeyArn to a rotating customer-managed KMS key.",
                );
            }
            return;
        }
        const configs = asArray(args.props.encryptionConfig);
        const ok = configs.some((ec) => asStringArray(get(ec, "resources")).includes("secrets") && nonEmpty(get(ec, "provider", "keyArn")));
        if (!ok) {
            reportViolation(
                "The EKS cluster does not encrypt Kubernetes secrets with a KMS key: encryptionConfig is missing, lacks " +
                    '"secrets" in resources, or has no provider.keyArn. Secrets in etcd then lack customer-controlled envelope ' +
                    'encryption. Set encryptionConfig: { resources: ["secrets"], provider: { keyArn: <KMS key ARN> } }.',
            );
        }
    },
};

export const eksControlPlaneLogging: ResourceValidationPolicy = {
    name: "eks-control-plane-logging",
    description: "Checks that the EKS control plane sends the api, audit and authenticator logs to CloudWatch.",
    enforcementLevel: "mandatory",
    severity: "medium",
    tags: ["eks", "logging", "audit", "cis"],
    url: URLS.eksLogging,
    framework: cisEks("2.1.1", "Enable audit Logs"),
    remediationSteps: 'Set enabledClusterLogTypes to include "api", "audit" and "authenticator" (on eks.Cluster and aws.eks.Cluster alike).',
    configSchema: {
        properties: {
            requiredLogTypes: {
                type: "array",
                items: { type: "string", enum: ["api", "audit", "authenticator", "controllerManager", "scheduler"] },
                default: ["api", "audit", "authenticator"],
                description: "Control-plane log types that must be enabled.",
            },
        },
    },
    validateResource: (args, reportViolation) => {
        if (!shapeOf(args.type)) {
            return;
        }
        const required = configValue(args.getConfig(), "requiredLogTypes", ["api", "audit", "authenticator"], isStringArray);
        const enabled = new Set(asStringArray(args.props.enabledClusterLogTypes).map((t) => t.trim()));
        const missing = required.filter((t) => !enabled.has(t));
        if (missing.length > 0) {
            reportViolation(
                `The EKS control plane does not log ${listText(missing)} (enabledClusterLogTypes: ` +
                    `[${[...enabled].join(", ")}]). Without them there is no record of who called the Kubernetes API or how they ` +
                    `authenticated. Add ${listText(missing.map((m) => `"${m}"`))} to enabledClusterLogTypes.`,
            );
        }
    },
};

export const eksAuthModeApi: ResourceValidationPolicy = {
    name: "eks-auth-mode-api",
    description: "Checks that the EKS cluster authenticates through access entries only (authenticationMode API), not the aws-auth ConfigMap.",
    enforcementLevel: "mandatory",
    severity: "medium",
    tags: ["eks", "iam", "access"],
    url: URLS.eksAccess,
    remediationSteps:
        'eks.Cluster: set authenticationMode: "API" and grant access with accessEntries. aws.eks.Cluster: set accessConfig: ' +
        '{ authenticationMode: "API" } and create aws.eks.AccessEntry resources. Migrate CONFIG_MAP → API_AND_CONFIG_MAP → API.',
    configSchema: {
        properties: {
            allowedAuthenticationModes: {
                type: "array",
                items: { type: "string", enum: ["API", "API_AND_CONFIG_MAP", "CONFIG_MAP"] },
                default: ["API"],
                description: "Authentication modes accepted (API_AND_CONFIG_MAP may be allowed during a migration).",
            },
        },
    },
    validateResource: (args, reportViolation) => {
        const shape = shapeOf(args.type);
        if (!shape) {
            return;
        }
        const allowed = configValue(args.getConfig(), "allowedAuthenticationModes", ["API"], isStringArray);
        const raw = shape === "aws" ? get(args.props, "accessConfig", "authenticationMode") : args.props.authenticationMode;
        const explicit = asString(raw)?.trim();
        const mode = explicit && explicit !== "" ? explicit : "CONFIG_MAP";
        if (!allowed.includes(mode)) {
            const field = shape === "aws" ? "accessConfig.authenticationMode" : "authenticationMode";
            reportViolation(
                `The EKS cluster's authentication mode is ${mode}${explicit ? "" : ` (${field} is not set, and EKS defaults to CONFIG_MAP)`}. ` +
                    "The aws-auth ConfigMap can be edited by anyone with Kubernetes write access to kube-system, is easy to break, and " +
                    `is not auditable in IAM. Set ${field} to "API" and manage access with EKS access entries.`,
            );
        }
    },
};

const TODAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** Today's date (UTC, YYYY-MM-DD) unless the `today` config pins one (tests, reproducible reports). */
function todayOf(config: unknown): string {
    const t = configValue(config, "today", "", isStringValue).trim();
    return TODAY_PATTERN.test(t) ? t : new Date().toISOString().slice(0, 10);
}

function minorOf(version: string): number | undefined {
    const m = /^v?1\.(\d+)(?:\.\d+)?$/.exec(version.trim());
    return m ? Number(m[1]) : undefined;
}

export const eksVersionSupported: ResourceValidationPolicy = {
    name: "eks-version-supported",
    description: "Checks that the EKS cluster runs a Kubernetes version that is still in EKS standard support.",
    enforcementLevel: "advisory",
    severity: "medium",
    tags: ["eks", "lifecycle", "patching"],
    url: URLS.eksVersions,
    framework: awsFsbp("EKS.2", "EKS clusters should run on a supported Kubernetes version"),
    remediationSteps:
        "Upgrade the cluster (version on eks.Cluster / aws.eks.Cluster, then the node groups and add-ons) one minor version at a time to a " +
        "version in standard support; plan upgrades before the end dates in the EKS Kubernetes version calendar.",
    configSchema: {
        properties: {
            today: {
                type: "string",
                default: "",
                description: "The date (YYYY-MM-DD) to judge support against; empty means the current date.",
            },
        },
    },
    validateResource: (args, reportViolation) => {
        if (!shapeOf(args.type)) {
            return;
        }
        const version = asString(args.props.version)?.trim();
        const minor = version === undefined ? undefined : minorOf(version);
        if (version === undefined || minor === undefined) {
            return; // absent: EKS creates the newest version; unparseable: EKS rejects it
        }
        const today = todayOf(args.getConfig());
        const oldest = minorOf(EKS_VERSION_SUPPORT[0].version)!;
        const row = EKS_VERSION_SUPPORT.find((r) => minorOf(r.version) === minor);
        if (!row && minor > oldest) {
            return; // newer than the calendar: not past support
        }
        if (row && today <= row.endOfStandardSupport) {
            return;
        }
        const supported = EKS_VERSION_SUPPORT.filter((r) => r.endOfStandardSupport >= today).map((r) => r.version);
        // upgradePolicy.supportType only shapes the message: read raw so that an unknown does not hide the finding.
        const supportType = peekPath(args.props, "upgradePolicy", "supportType");
        const standardOnly = typeof supportType === "string" && supportType.trim().toUpperCase() === "STANDARD";
        let when: string;
        if (!row) {
            when = `is older than every version in the EKS calendar (1.${oldest} left standard support on ${EKS_VERSION_SUPPORT[0].endOfStandardSupport})`;
        } else if (standardOnly) {
            when = `left EKS standard support on ${row.endOfStandardSupport}, and with upgradePolicy.supportType STANDARD EKS upgrades the control plane itself`;
        } else if (today <= row.endOfExtendedSupport) {
            when =
                `left EKS standard support on ${row.endOfStandardSupport}; it now runs on extended support (still patched, but billed at a ` +
                `higher hourly rate per cluster) until ${row.endOfExtendedSupport}, after which EKS upgrades the control plane itself`;
        } else {
            when = `left EKS standard support on ${row.endOfStandardSupport} and extended support on ${row.endOfExtendedSupport}; EKS upgrades such control planes itself, at a time it picks`;
        }
        reportViolation(
            `Kubernetes ${version} ${when}. Upgrade to a version in standard support${supported.length > 0 ? ` (${listText(supported)} as of ${today})` : ""} ` +
                "one minor version at a time, before a forced upgrade breaks workloads that rely on removed APIs.",
        );
    },
};

export const eksNodeGroupSshRestricted: ResourceValidationPolicy = {
    name: "eks-node-group-ssh-restricted",
    description: "Checks that EKS managed node groups with SSH access (remoteAccess.ec2SshKey) restrict it to source security groups.",
    enforcementLevel: "mandatory",
    severity: "high",
    tags: ["eks", "network", "nodes", "ssh"],
    url: URLS.eksNodeGroupRemoteAccess,
    remediationSteps:
        "Remove remoteAccess and reach nodes through SSM Session Manager, or set remoteAccess.sourceSecurityGroupIds to the bastion's " +
        "security group so port 22 is not opened to 0.0.0.0/0.",
    validateResource: (args, reportViolation) => {
        if (args.type !== EKS_NODE_GROUP_TYPE) {
            return;
        }
        const remote = asArray(args.props.remoteAccess)[0];
        const key = asString(get(remote, "ec2SshKey"));
        if (key === undefined || key.trim() === "") {
            return;
        }
        if (asStringArray(get(remote, "sourceSecurityGroupIds")).every((g) => g.trim() === "")) {
            reportViolation(
                "This node group allows SSH (remoteAccess.ec2SshKey) without remoteAccess.sourceSecurityGroupIds, so EKS opens port 22 on " +
                    "every node to 0.0.0.0/0. Anyone on the internet can then try the key (and any SSH vulnerability) against nodes that " +
                    "hold the node role's credentials. Restrict it to a bastion security group, or drop remoteAccess and use SSM.",
            );
        }
    },
};
