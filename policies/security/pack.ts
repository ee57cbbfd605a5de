/**
 * The security pack: every rule, in a stable order. `index.ts` turns this into a PolicyPack; tests
 * and the offline preview evaluate it in-process (preview/analyze.ts).
 */
import type { PackDefinition } from "../lib/pack";
import { ecrImmutableTags, ecrScanOnPush, kmsKeyRotation, sqsSseEnabled } from "./rules/data";
import { eksAuthModeApi, eksControlPlaneLogging, eksEndpointPrivate, eksSecretsEncrypted } from "./rules/eks";
import { iamNoWildcardPermissions, iamWebIdentitySubPinned, resourcePolicyNoPublicAccess } from "./rules/iam";
import { karpenterEbsEncrypted, karpenterImdsHardened, karpenterNoPublicIp, karpenterRemovedApi, karpenterV1beta1Upgrade } from "./rules/karpenter";
import { sgNoPublicIngress } from "./rules/network";
import { podNoAddedCapabilities, podNoHostAccess, podNoHostPorts, podNoPrivilegedContainers, podNoRootUser, podSeccompNotUnconfined } from "./rules/pods";
import { s3BucketPublicAccessBlock, s3NoPublicAcl, s3PublicAccessBlockEnabled } from "./rules/s3";
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
        // Karpenter nodes
        karpenterImdsHardened,
        karpenterEbsEncrypted,
        karpenterNoPublicIp,
        karpenterRemovedApi,
        karpenterV1beta1Upgrade,
        // Network
        sgNoPublicIngress,
        // Data
        s3BucketPublicAccessBlock,
        s3PublicAccessBlockEnabled,
        s3NoPublicAcl,
        kmsKeyRotation,
        sqsSseEnabled,
        ecrScanOnPush,
        ecrImmutableTags,
        // IAM
        iamNoWildcardPermissions,
        resourcePolicyNoPublicAccess,
        iamWebIdentitySubPinned,
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
