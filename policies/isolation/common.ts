/**
 * Shared metadata for the isolation rules: documentation URLs and the config schema pieces several
 * rules share (compliance references: policies/lib/frameworks.ts). Pure constants and functions.
 */
import { configValue, isStringArray } from "../lib/props";
import { DEFAULT_SYSTEM_NAMESPACES } from "./lib/tenancy";

export const URLS = {
    tenantIsolation: "https://docs.aws.amazon.com/eks/latest/best-practices/tenant-isolation.html",
    rbac: "https://kubernetes.io/docs/reference/access-authn-authz/rbac/#rolebinding-and-clusterrolebinding",
    podSecurityAdmission: "https://kubernetes.io/docs/concepts/security/pod-security-admission/",
    networkPolicies: "https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-deny-all-ingress-traffic",
    yunikornSpark: "https://yunikorn.apache.org/docs/user_guide/workloads/run_spark",
    podIdentity: "https://docs.aws.amazon.com/eks/latest/userguide/pod-identities.html",
    serviceAccounts: "https://kubernetes.io/docs/concepts/security/service-accounts/",
    namespaces: "https://kubernetes.io/docs/concepts/security/multi-tenancy/#namespaces",
    networkPolicyBehavior: "https://kubernetes.io/docs/concepts/services-networking/network-policies/#behavior-of-to-and-from-selectors",
    multiAccount: "https://docs.aws.amazon.com/whitepapers/latest/organizing-your-aws-environment/organizing-workload-oriented-ous.html",
    protect: "https://www.pulumi.com/docs/iac/concepts/options/protect/",
} as const;

/** configSchema entry for the system-namespace allowlist. */
export const SYSTEM_NAMESPACES_SCHEMA = {
    type: "array",
    items: { type: "string" },
    default: [...DEFAULT_SYSTEM_NAMESPACES],
    description: "Namespaces that are not tenants (Kubernetes' own and the platform's).",
} as const;

/** The system-namespace allowlist from policy config, with the default as fallback. */
export function systemNamespaces(config: unknown): ReadonlySet<string> {
    return new Set(configValue(config, "systemNamespaces", [...DEFAULT_SYSTEM_NAMESPACES], isStringArray));
}
