/**
 * The security pack: every rule, in a stable order. `index.ts` turns this into a PolicyPack; tests
 * and the offline preview evaluate it in-process (preview/analyze.ts).
 */
import type { PackDefinition } from "../lib/pack";
import { cloudwatchLogGroupKmsEncrypted, ecrImmutableTags, ecrScanOnPush, kmsKeyRotation, kmsNoLockoutBypass, sqsSseEnabled } from "./rules/data";
import { ec2LaunchTemplateEbsEncrypted, ec2LaunchTemplateImdsHardened, ec2LaunchTemplateNoPublicIp } from "./rules/ec2";
import { eksAuthModeApi, eksControlPlaneLogging, eksEndpointPrivate, eksNodeGroupSshRestricted, eksSecretsEncrypted, eksVersionSupported } from "./rules/eks";
import { iamNoWildcardPermissions, iamWebIdentitySubPinned, resourcePolicyNoPublicAccess } from "./rules/iam";
import { iamCrossAccountTrustPinned, iamNoUserAccessKeys, iamSensitiveActionsScoped } from "./rules/iam-access";
import { karpenterEbsEncrypted, karpenterImdsHardened, karpenterNoPublicIp, karpenterRemovedApi, karpenterV1beta1Upgrade } from "./rules/karpenter";
import { sgNoPublicIngress } from "./rules/network";
import { podNoAddedCapabilities, podNoHostAccess, podNoHostPorts, podNoPrivilegedContainers, podNoRootUser, podSeccompNotUnconfined } from "./rules/pods";
import { s3BucketPublicAccessBlock, s3NoPublicAcl, s3PublicAccessBlockEnabled } from "./rules/s3";
import { s3BucketDataProtection } from "./rules/s3-data-protection";
import { serviceNoPublicExposure } from "./rules/services";
import { helmReleaseVersionPinned, imageRegistryAllowed, imageTagPinned } from "./rules/supply-chain";

export const securityPack: PackDefinition = {
    name: "moka-security",
    version: "1.0.0",
    enforcementLevel: "advisory",
    policies: [
        // EKS control plane
        eksEndpointPrivate,
        eksSecretsEncrypted,
        eksControlPlaneLogging,
        eksAuthModeApi,
        eksVersionSupported,
        // Nodes outside Karpenter: launch templates and managed node groups
        ec2LaunchTemplateImdsHardened,
        ec2LaunchTemplateNoPublicIp,
        ec2LaunchTemplateEbsEncrypted,
        eksNodeGroupSshRestricted,
        // Karpenter nodes
        karpenterImdsHardened,
        karpenterEbsEncrypted,
        karpenterNoPublicIp,
        karpenterRemovedApi,
        karpenterV1beta1Upgrade,
        // Network
        sgNoPublicIngress,
        serviceNoPublicExposure,
        // Data
        s3BucketPublicAccessBlock,
        s3PublicAccessBlockEnabled,
        s3NoPublicAcl,
        s3BucketDataProtection,
        kmsKeyRotation,
        kmsNoLockoutBypass,
        sqsSseEnabled,
        ecrScanOnPush,
        ecrImmutableTags,
        cloudwatchLogGroupKmsEncrypted,
        // IAM
        iamNoWildcardPermissions,
        resourcePolicyNoPublicAccess,
        iamWebIdentitySubPinned,
        iamSensitiveActionsScoped,
        iamCrossAccountTrustPinned,
        iamNoUserAccessKeys,
        // Supply chain
        helmReleaseVersionPinned,
        imageTagPinned,
        imageRegistryAllowed,
        // Pod security
        podNoPrivilegedContainers,
        podNoHostAccess,
        podNoRootUser,
        podNoAddedCapabilities,
        podSeccompNotUnconfined,
        podNoHostPorts,
    ],
};
