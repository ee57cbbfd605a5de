/** Compliance-framework references several packs cite in their policies' `framework` metadata. */
import type { PolicyComplianceFramework } from "@pulumi/policy";

/** CIS Amazon EKS Benchmark v1.5.0 item (numbering checked against kube-bench cfg/eks-1.5.0/policies.yaml). */
export function cisEks(reference: string, specification: string): PolicyComplianceFramework {
    return { name: "CIS Amazon EKS Benchmark", version: "1.5.0", reference, specification };
}

/**
 * Kubernetes Pod Security Standards control (https://kubernetes.io/docs/concepts/security/pod-security-standards/),
 * `level` baseline or restricted; the controls' names as the page titles them.
 */
export function podSecurityStandard(level: "baseline" | "restricted", control: string): PolicyComplianceFramework {
    return { name: "Kubernetes Pod Security Standards", version: "v1.33", reference: `${level}: ${control}`, specification: `Pod Security Standards ${level} profile, control "${control}"` };
}
