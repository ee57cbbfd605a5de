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
 * absent → none.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { isAnyAddress } from "../../../lib/cidr";
import { cisEks } from "../../lib/frameworks";
import { asArray, asBool, asString, asStringArray, configValue, get, isBooleanValue, isStringArray } from "../../lib/props";
import { listText } from "../../lib/text";
import { URLS } from "../common";
import { EKS_CLUSTER_TYPE, EKS_COMPONENT_TYPE } from "../lib/aws";

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
    description: "Checks that the EKS API endpoint is private, or public only to specific CIDR blocks (never 0.0.0.0/0 or by default).",
    enforcementLevel: "mandatory",
    severity: "critical",
    tags: ["eks", "network", "cis"],
    url: URLS.eksEndpoint,
    framework: cisEks("5.4.2", "Ensure clusters are created with Private Endpoint Enabled and Public Access Disabled"),
    remediationSteps:
        "Set endpointPublicAccess: false and endpointPrivateAccess: true (aws.eks.Cluster: vpcConfig.*). If operators must reach the API " +
        "from the internet, set endpointPublicAccess: true explicitly together with publicAccessCidrs listing only their egress ranges.",
    configSchema: {
        properties: {
            allowPublicWithCidrs: {
                type: "boolean",
                default: true,
                description: "Allow an explicitly public endpoint whose publicAccessCidrs are specific ranges (no 0.0.0.0/0 or ::/0).",
            },
        },
    },
    validateResource: (args, reportViolation) => {
        const shape = shapeOf(args.type);
        if (!shape) {
            return;
        }
        const allowWithCidrs = configValue(args.getConfig(), "allowPublicWithCidrs", true, isBooleanValue);
        // vpcConfig is one object (a one-element list in very old provider state).
        const base = shape === "aws" ? asArray(args.props.vpcConfig)[0] : args.props;
        const where = shape === "aws" ? "vpcConfig." : "";
        const pub = asBool(get(base, "endpointPublicAccess"));
        if (pub === false) {
            return;
        }
        const cidrs = asStringArray(get(base, "publicAccessCidrs")).map((c) => c.trim()).filter((c) => c !== "");
        const world = cidrs.filter(isAnyAddress);
        if (world.length > 0) {
            reportViolation(
                `The EKS API endpoint is public to the whole internet: ${where}publicAccessCidrs contains ${listText(world)}. ` +
                    "Anyone can probe the Kubernetes API and try stolen or leaked credentials against it. " +
                    "Disable public access, or replace it with the specific CIDR blocks operators connect from.",
            );
        } else if (pub === undefined) {
            reportViolation(
                `The EKS API endpoint is public by default: ${where}endpointPublicAccess is not set, and EKS then exposes the API ` +
                    "to 0.0.0.0/0. Set endpointPublicAccess: false with endpointPrivateAccess: true (or set it to true explicitly with " +
                    "specific publicAccessCidrs).",
            );
        } else if (!allowWithCidrs) {
            reportViolation(
                `The EKS API endpoint is public (${where}endpointPublicAccess: true) and this pack is configured to forbid public ` +
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
