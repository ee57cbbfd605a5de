/**
 * Pure builders for a team namespace's labels and annotations (components/tenancy/index.ts): Pod Security
 * Admission levels and the platform's tenancy labels.
 */
import { LABEL_DOMAIN, LABELS } from "../../lib/platform";

/** PSA label keys (Kubernetes Pod Security Admission). */
export const PSA = {
    enforce: "pod-security.kubernetes.io/enforce",
    enforceVersion: "pod-security.kubernetes.io/enforce-version",
    audit: "pod-security.kubernetes.io/audit",
    auditVersion: "pod-security.kubernetes.io/audit-version",
    warn: "pod-security.kubernetes.io/warn",
    warnVersion: "pod-security.kubernetes.io/warn-version",
} as const;

/** Annotation holding why a team runs under `baseline` instead of `restricted`. */
export const POD_SECURITY_REASON_ANNOTATION = `${LABEL_DOMAIN}/pod-security-reason`;

export interface TeamNamespaceInput {
    readonly team: string;
    readonly environment: string;
    readonly podSecurity: "restricted" | "baseline";
    /** PSA policy version, "latest" or "v1.<minor>". */
    readonly podSecurityVersion: string;
}

/**
 * Labels of a team namespace. `enforce` is the team's level; `audit` and `warn` stay `restricted`
 * so a baseline team still sees (and audits) what it would violate under restricted.
 */
export function teamNamespaceLabels(input: TeamNamespaceInput): Record<string, string> {
    return {
        [PSA.enforce]: input.podSecurity,
        [PSA.enforceVersion]: input.podSecurityVersion,
        [PSA.audit]: "restricted",
        [PSA.auditVersion]: input.podSecurityVersion,
        [PSA.warn]: "restricted",
        [PSA.warnVersion]: input.podSecurityVersion,
        [LABELS.team]: input.team,
        [LABELS.environment]: input.environment,
        [LABELS.tenant]: "true",
        [LABELS.managedBy]: "pulumi",
    };
}

/** Labels every object inside a team namespace carries. */
export function teamObjectLabels(team: string): Record<string, string> {
    return { [LABELS.team]: team, [LABELS.managedBy]: "pulumi" };
}
