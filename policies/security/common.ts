/**
 * Shared metadata for the security rules: compliance-framework references, documentation URLs,
 * config guards and defaults. Pure constants and functions; no side effects.
 */
import type { PolicyComplianceFramework } from "@pulumi/policy";
import { HOST_ACCESS_NAMESPACES } from "../../lib/platform";

/** AWS Security Hub "AWS Foundational Security Best Practices" control. */
export function awsFsbp(reference: string, specification: string): PolicyComplianceFramework {
    return { name: "AWS Foundational Security Best Practices", version: "1.0.0", reference, specification };
}

export const URLS = {
    eksEndpoint: "https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html",
    eksKms: "https://docs.aws.amazon.com/eks/latest/userguide/enable-kms.html",
    eksLogging: "https://docs.aws.amazon.com/eks/latest/userguide/control-plane-logs.html",
    eksAccess: "https://docs.aws.amazon.com/eks/latest/userguide/grant-k8s-access.html",
    karpenterNodeClass: "https://karpenter.sh/docs/concepts/nodeclasses/",
    karpenterV1Migration: "https://karpenter.sh/docs/upgrading/v1-migration/",
    securityGroups: "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html",
    s3PublicAccess: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html",
    s3Acl: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html",
    kmsRotation: "https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html",
    sqsSse: "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-server-side-encryption.html",
    ecr: "https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning.html",
    iamLeastPrivilege: "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege",
    resourcePolicies: "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_identity-vs-resource.html",
    irsaTrust: "https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html",
    crossAccountTrust: "https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html",
    iamUserAccessKeys: "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#bp-workloads-use-roles",
    eksVersions: "https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html",
    eksNodeGroupRemoteAccess: "https://docs.aws.amazon.com/eks/latest/APIReference/API_RemoteAccessConfig.html",
    imds: "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-options.html",
    ebsEncryption: "https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption.html",
    launchTemplates: "https://docs.aws.amazon.com/eks/latest/userguide/launch-templates.html",
    kmsKeyPolicy: "https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#prevent-unmanageable-key",
    logGroupKms: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html",
    s3DataProtection: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html",
    services: "https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types",
    helm: "https://helm.sh/docs/helm/helm_install/",
    images: "https://kubernetes.io/docs/concepts/containers/images/#image-names",
    podSecurity: "https://kubernetes.io/docs/concepts/security/pod-security-standards/",
} as const;

/** Namespaces whose pods may need host access (node agents, CNI, log shippers): lib/platform.ts HOST_ACCESS_NAMESPACES. */
export const DEFAULT_SYSTEM_NAMESPACES: readonly string[] = HOST_ACCESS_NAMESPACES;

export const isNumberArray = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === "number" && Number.isFinite(x));
