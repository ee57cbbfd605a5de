/**
 * How the real-world corpus (cases.json, README.md beside this file) is scored against the packs:
 *
 *   THEMES          each corpus theme → its level and the policies that cover it (a mandatory theme is
 *                   detected when one of them reports a mandatory violation; an advisory theme when one
 *                   reports anything but the "can't run during preview" advisory);
 *   UNSCORED        policies whose findings on "pass" cases are not false positives, with the reason;
 *   KNOWN_MISSES    expected themes no policy detects, per case, each explained (the spec fails when a
 *                   listed miss is fixed, so the list stays exact);
 *   EXTRA_FINDINGS  mandatory findings on "fail" cases beyond their expected themes, each judged correct
 *                   (the spec fails on any other extra finding, so no false alarm hides on a fail case).
 *
 * Not a spec file; tests/policies/corpus/corpus.spec.ts runs the corpus.
 */

export type Level = "mandatory" | "advisory";

export interface ThemeRule {
    readonly level: Level;
    readonly policies: readonly string[];
}

const m = (...policies: string[]): ThemeRule => ({ level: "mandatory", policies });
const a = (...policies: string[]): ThemeRule => ({ level: "advisory", policies });
// Themes and the policies that cover them. The security half's rules (guardrails-security) cover the IAM,
// resource-policy, Service, EC2/node-group, KMS, S3 data-protection and log-group KMS themes.

export const THEMES: Readonly<Record<string, ThemeRule>> = {
    // Resource and identity policies (security pack)
    "res-policy-public": m("resource-policy-no-public-access"),
    "res-policy-condition-unpinned": m("resource-policy-no-public-access"),
    "iam-broad-managed-policy": m("iam-no-wildcard-permissions"),
    "iam-wildcard-action": m("iam-no-wildcard-permissions"),
    "iam-privesc-on-star": m("iam-sensitive-actions-scoped"),
    "iam-cross-account-trust": m("iam-cross-account-trust-pinned"),
    "iam-user-access-key": a("iam-no-user-access-keys"),
    // Kubernetes RBAC (isolation pack)
    "k8s-rbac-wildcard": m("tenant-rbac-namespace-scoped"),
    "k8s-rbac-secrets-read": m("tenant-rbac-namespace-scoped"),
    "k8s-rbac-exec": m("tenant-rbac-namespace-scoped"),
    "k8s-rbac-escalation": m("tenant-rbac-namespace-scoped"),
    "k8s-rbac-guardrail-tamper": m("tenant-rbac-namespace-scoped"),
    "k8s-rbac-cross-scope": m("tenant-rbac-namespace-scoped"),
    "sa-foreign-iam-role": m("tenant-service-accounts-own-namespace"),
    // Network exposure
    "svc-lb-public": m("service-no-public-exposure"),
    "svc-nodeport": m("service-no-public-exposure"),
    "svc-external-ips": m("service-no-public-exposure"),
    "netpol-allow-all": m("network-policy-no-allow-all"),
    "sg-public-ingress": m("sg-no-public-ingress"),
    // Pods (security pack), namespaces and identities (isolation pack)
    "pod-privileged": m("pod-no-privileged-containers"),
    "pod-privilege-escalation": m("pod-no-privileged-containers"),
    "pod-run-as-root": m("pod-no-root-user"),
    "pod-dangerous-capabilities": m("pod-no-added-capabilities"),
    "pod-seccomp-unconfined": m("pod-seccomp-not-unconfined"),
    "pod-host-namespaces": m("pod-no-host-access"),
    "pod-host-path": m("pod-no-host-access"),
    "pod-host-port": m("pod-no-host-ports"),
    "workload-default-namespace": m("workload-namespace-not-default"),
    "workload-default-sa": m("workload-service-account-not-default"),
    "ns-psa-missing-or-privileged": m("namespace-pod-security-enforced"),
    "tenant-guardrails-missing": m("tenant-namespace-guardrails"),
    // EKS control plane, EC2 and node groups (security pack)
    "eks-endpoint-open": m("eks-endpoint-private"),
    "eks-secrets-unencrypted": m("eks-secrets-encrypted"),
    "eks-logging-incomplete": m("eks-control-plane-logging"),
    "eks-auth-configmap": m("eks-auth-mode-api"),
    "eks-version-unsupported": a("eks-version-supported"),
    "lt-imdsv1": m("ec2-launch-template-imds-hardened"),
    "lt-imds-hop": m("ec2-launch-template-imds-hardened"),
    "lt-public-ip": m("ec2-launch-template-no-public-ip"),
    "lt-ebs-unencrypted": m("ec2-launch-template-ebs-encrypted"),
    "nodegroup-ssh-open": m("eks-node-group-ssh-restricted"),
    // Data (security pack; log retention in cost)
    "kms-bypass-lockout": m("kms-no-lockout-bypass"),
    "kms-rotation-off": m("kms-key-rotation"),
    "s3-public-acl": m("s3-no-public-acl"),
    "s3-pab-missing": m("s3-bucket-public-access-block", "s3-public-access-block-enabled"),
    "s3-no-tls-deny": a("s3-bucket-data-protection"),
    "s3-no-sse-kms": a("s3-bucket-data-protection"),
    "s3-no-access-logging": a("s3-bucket-data-protection"),
    "log-group-no-retention": m("cloudwatch-log-group-retention-set"),
    "log-group-no-kms": a("cloudwatch-log-group-kms-encrypted"),
    // Karpenter (security and cost packs)
    "karpenter-imds-optional": m("karpenter-imds-hardened"),
    "karpenter-imds-hop": m("karpenter-imds-hardened"),
    "karpenter-public-ip": m("karpenter-no-public-ip"),
    "karpenter-ebs-unencrypted": m("karpenter-ebs-encrypted"),
    "nodepool-no-limits": m("nodepool-limits-required"),
    // Supply chain (security pack)
    "image-latest-or-untagged": m("image-tag-pinned"),
    "image-registry-unapproved": m("image-registry-allowed"),
    "helm-unpinned": m("helm-release-version-pinned"),
    // Spark scheduling (isolation pack)
    "spark-not-yunikorn": m("spark-apps-use-team-queue"),
    "spark-foreign-queue": m("spark-apps-use-team-queue"),
    // Day-one deployability (deployability pack): the Kubernetes API has a way in from outside the node
    // network; a NodePool cannot launch bare metal.
    "eks-api-unreachable": m("eks-api-reachable"),
    "nodepool-metal-capable": m("nodepool-excludes-metal"),
};

/**
 * Policies whose findings on "pass" cases are not scored. Every one of them is advisory under the default
 * config (the corpus runs the packs' defaults), so none can be a mandatory false positive today; they are
 * listed because the corpus README excludes them from the theme table (themes the fixtures were not
 * written to probe: cost-allocation tags, spot and Graviton placement, Karpenter API version).
 */
export const UNSCORED: Readonly<Record<string, string>> = {
    "cost-allocation-tags-required": "cost-allocation tags: the fixtures carry their upstream tags, not the platform's tag policy (advisory by default)",
    "executor-pools-allow-spot": "spot placement preference of executor pools (advisory)",
    "graviton-pools-preferred": "Graviton pool weighting (advisory)",
    "karpenter-v1beta1-upgrade": "Karpenter API version upgrade advice (advisory)",
};

export interface KnownMiss {
    readonly themes: readonly string[];
    readonly reason: string;
}

/** Expected themes that no policy detects, per case id. */
export const KNOWN_MISSES: Readonly<Record<string, KnownMiss>> = {};

export interface ExtraFinding {
    readonly policies: readonly string[];
    readonly reason: string;
}

/** Mandatory findings on "fail" cases beyond their expected themes, judged correct. */
export const EXTRA_FINDINGS: Readonly<Record<string, ExtraFinding>> = {
    "so-spark-pi-pod-template-default-namespace": {
        policies: ["workload-service-account-not-default"],
        reason:
            "Only the driver's pod template names a ServiceAccount (spark-operator-spark). Executors take their template's account, else " +
            "spark.kubernetes.authenticate.executor.serviceAccountName, else the driver's configured one (Spark's " +
            "ExecutorKubernetesCredentialsFeatureStep), none of which is set, so they run as default with its token.",
    },
    "so-spark-connect-default-namespace": {
        policies: ["workload-service-account-not-default"],
        reason:
            "The executor template names no ServiceAccount and the SparkConnect controller (kubeflow/spark-operator v2.5.2 " +
            "internal/controller/sparkconnect/options.go) passes none to spark-submit, so executors run as default with its token.",
    },
};
