/**
 * Which peer rule sets check the same theme as each of our policies, for the README's policy reference
 * (scripts/policy-table.ts renders the "Peers" column; tests/scripts/readme.spec.ts keeps it in sync).
 * Data only, keyed by policy name; no pack imports this file, so it never reaches a pack's module graph.
 *
 * Identifiers were read in the peers' sources, not guessed:
 *   - Checkov: bridgecrewio/checkov@03d5fdad8d6154b1565799a7b1fb8070c158866f, the `id` of each check under
 *     checkov/terraform/checks/{resource,graph_checks,data}/aws and, for Kubernetes objects,
 *     checkov/kubernetes/checks/{resource/k8s,graph_checks};
 *   - Kyverno: kyverno/policies@b9c4317ce02256dc66118e08bb3e9345e7bfce5c, the policy's directory
 *     (its kyverno.io/policies path);
 *   - compliance-policies: pulumi/compliance-policies@712a901751b66642c0824c0a445197a3c64e10e3, the policy
 *     `name` under vendor-aws/aws and vendor-kubernetes/kubernetes.
 * A policy without an entry has no peer covering its theme (our tenancy, Karpenter and Spark rules).
 */

export interface Peers {
    /** Checkov check ids (CKV_AWS_…, CKV2_AWS_…, CKV_K8S_…). */
    readonly checkov?: readonly string[];
    /** Kyverno policies (kyverno/policies directory names). */
    readonly kyverno?: readonly string[];
    /** pulumi/compliance-policies policy names. */
    readonly compliancePolicies?: readonly string[];
}

export const PEERS: Readonly<Record<string, Peers>> = {
    // --- security pack: control plane, nodes, network, data, IAM (issue 12, security half) ----------
    "eks-endpoint-private": { checkov: ["CKV_AWS_38", "CKV_AWS_39"], compliancePolicies: ["aws-eks-cluster-disallow-api-endpoint-public-access"] },
    "eks-secrets-encrypted": { checkov: ["CKV_AWS_58"], compliancePolicies: ["aws-eks-cluster-enable-cluster-encryption-config"] },
    "eks-control-plane-logging": { checkov: ["CKV_AWS_37"] },
    "eks-version-supported": { checkov: ["CKV_AWS_339"] },
    "ec2-launch-template-imds-hardened": { checkov: ["CKV_AWS_79", "CKV_AWS_341"] },
    "ec2-launch-template-no-public-ip": { checkov: ["CKV_AWS_88"], compliancePolicies: ["aws-ec2-launchtemplate-disallow-public-ip"] },
    "ec2-launch-template-ebs-encrypted": { checkov: ["CKV_AWS_8"], compliancePolicies: ["aws-ec2-launchtemplate-disallow-unencrypted-block-device"] },
    "eks-node-group-ssh-restricted": { checkov: ["CKV_AWS_100"] },
    "sg-no-public-ingress": {
        checkov: ["CKV_AWS_24", "CKV_AWS_25", "CKV_AWS_260", "CKV_AWS_277"],
        compliancePolicies: ["aws-ec2-securitygroup-disallow-public-internet-ingress", "aws-ec2-securitygroup-disallow-inbound-http-traffic"],
    },
    "service-no-public-exposure": {
        kyverno: ["restrict-node-port", "restrict-service-external-ips", "restrict-loadbalancer"],
        compliancePolicies: ["kubernetes-core-v1-service-disallow-load-balancer"],
    },
    "s3-bucket-public-access-block": { checkov: ["CKV2_AWS_6"] },
    "s3-public-access-block-enabled": { checkov: ["CKV_AWS_53", "CKV_AWS_54", "CKV_AWS_55", "CKV_AWS_56"] },
    "s3-no-public-acl": { checkov: ["CKV_AWS_20", "CKV_AWS_57", "CKV_AWS_375"], compliancePolicies: ["aws-s3-bucket-disallow-public-read"] },
    "s3-bucket-data-protection": { checkov: ["CKV_AWS_379", "CKV_AWS_145", "CKV_AWS_18"], compliancePolicies: ["aws-s3-bucket-configure-server-side-encryption-kms"] },
    "kms-key-rotation": { checkov: ["CKV_AWS_7"], compliancePolicies: ["aws-kms-key-enable-key-rotation"] },
    "kms-no-lockout-bypass": { compliancePolicies: ["aws-kms-key-disallow-bypass-policy-lockout-safety-check"] },
    "sqs-sse-enabled": { checkov: ["CKV_AWS_27"] },
    "ecr-scan-on-push": { checkov: ["CKV_AWS_163"], compliancePolicies: ["aws-ecr-repository-enable-image-scan"] },
    "ecr-immutable-tags": { checkov: ["CKV_AWS_51"], compliancePolicies: ["aws-ecr-repository-disallow-mutable-image"] },
    "cloudwatch-log-group-kms-encrypted": { checkov: ["CKV_AWS_158"] },
    "iam-no-wildcard-permissions": { checkov: ["CKV_AWS_1", "CKV_AWS_62", "CKV_AWS_63", "CKV_AWS_274", "CKV2_AWS_56"] },
    "resource-policy-no-public-access": {
        checkov: ["CKV_AWS_70", "CKV_AWS_168", "CKV_AWS_387", "CKV_AWS_72", "CKV_AWS_169", "CKV_AWS_33", "CKV_AWS_32", "CKV_AWS_301", "CKV_AWS_60"],
        compliancePolicies: ["aws-lambda-permission-configure-source-arn"],
    },
    "iam-sensitive-actions-scoped": { checkov: ["CKV_AWS_286", "CKV_AWS_287", "CKV_AWS_288", "CKV_AWS_289", "CKV_AWS_355"] },
    "iam-cross-account-trust-pinned": { checkov: ["CKV_AWS_61"] },
    "iam-no-user-access-keys": { checkov: ["CKV_AWS_273"] },
    // --- end of the security-half block ---------------------------------------------------------------
    // --- workloads, isolation and cost (issue 12, isolation half) -------------------------------------
    // pulumi/compliance-policies has no pod-security, RBAC or namespace rule for Kubernetes (only
    // read-only root filesystem, labels, replica counts, LoadBalancer Services and alpha APIs).
    "image-tag-pinned": { checkov: ["CKV_K8S_14", "CKV_K8S_43"], kyverno: ["disallow-latest-tag"] },
    "image-registry-allowed": { kyverno: ["restrict-image-registries"] },
    "pod-no-privileged-containers": { checkov: ["CKV_K8S_16", "CKV_K8S_20"], kyverno: ["disallow-privileged-containers", "disallow-privilege-escalation"] },
    "pod-no-host-access": { checkov: ["CKV_K8S_17", "CKV_K8S_18", "CKV_K8S_19", "CKV_K8S_27"], kyverno: ["disallow-host-namespaces", "disallow-host-path"] },
    "pod-no-root-user": { checkov: ["CKV_K8S_23"], kyverno: ["require-run-as-nonroot", "require-run-as-non-root-user"] },
    "pod-no-added-capabilities": { checkov: ["CKV_K8S_25", "CKV_K8S_28", "CKV_K8S_39"], kyverno: ["disallow-capabilities", "disallow-capabilities-strict"] },
    "pod-seccomp-not-unconfined": { checkov: ["CKV_K8S_31"], kyverno: ["restrict-seccomp", "restrict-seccomp-strict"] },
    "pod-no-host-ports": { checkov: ["CKV_K8S_26"], kyverno: ["disallow-host-ports"] },
    "cloudwatch-log-group-retention-set": { checkov: ["CKV_AWS_66"] },
    "tenant-rbac-namespace-scoped": {
        checkov: ["CKV_K8S_49", "CKV_K8S_157", "CKV_K8S_158", "CKV2_K8S_1", "CKV2_K8S_2", "CKV2_K8S_3", "CKV2_K8S_5"],
        kyverno: ["restrict-wildcard-resources", "restrict-wildcard-verbs", "restrict-secret-role-verbs", "restrict-escalation-verbs-roles", "restrict-binding-clusteradmin", "restrict-binding-system-groups"],
    },
    "namespace-pod-security-enforced": { kyverno: ["add-psa-labels", "deny-privileged-profile"] },
    "tenant-namespace-guardrails": { checkov: ["CKV2_K8S_6"], kyverno: ["add-ns-quota", "add-network-policy"] },
    "network-policy-no-allow-all": { kyverno: ["restrict-networkpolicy-empty-podselector"] },
    "workload-namespace-not-default": { checkov: ["CKV_K8S_21"], kyverno: ["disallow-default-namespace"] },
    "workload-service-account-not-default": { checkov: ["CKV_K8S_38", "CKV_K8S_41"], kyverno: ["restrict-automount-sa-token"] },
    // No peer covers: nodepool-* (Karpenter pool bounds and cost), spark-apps-use-team-queue (YuniKorn),
    // tenant-service-accounts-own-namespace (Pod Identity / IRSA ownership), nonprod-no-prod-references and
    // prod-stateful-resources-protected (Pulumi environments and `protect`).
};
