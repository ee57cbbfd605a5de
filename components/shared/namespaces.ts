/**
 * Labels for the namespaces platform components create for themselves (karpenter, yunikorn,
 * spark-operator, spark-history, observability, flink-operator, kuberay). Team namespaces have their
 * own labels (components/tenancy/namespace.ts).
 */
import { LABELS } from "../../lib/platform";

export type PodSecurityLevel = "privileged" | "baseline" | "restricted";

/** Pod Security Admission labels: enforce (against the latest policy version), audit and warn all at `level`. */
export function podSecurityLabels(level: PodSecurityLevel): Record<string, string> {
    return {
        "pod-security.kubernetes.io/enforce": level,
        "pod-security.kubernetes.io/enforce-version": "latest",
        "pod-security.kubernetes.io/audit": level,
        "pod-security.kubernetes.io/warn": level,
    };
}

/** Labels of a platform-owned namespace: PSA at `level`, managed-by, and extra labels. */
export function platformNamespaceLabels(level: PodSecurityLevel, extra: Record<string, string> = {}): Record<string, string> {
    return { ...podSecurityLabels(level), [LABELS.managedBy]: "pulumi", ...extra };
}
