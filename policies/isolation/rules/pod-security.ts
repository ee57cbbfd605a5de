/**
 * Pod Security Admission on namespaces.
 *
 * A Namespace (`kubernetes:core/v1:Namespace`) outside the system allowlist must carry the
 * `pod-security.kubernetes.io/enforce` label; a tenant namespace (non-system, or labelled
 * `moka.dev/tenant: "true"`) must not enforce `privileged`. Without the label PSA enforces nothing
 * (the cluster default on EKS is privileged). An auto-named Namespace (no metadata.name) is never a
 * system namespace. A `NamespacePatch` is partial, so only a `privileged` enforce label on a tenant
 * namespace is flagged there.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { cisEks } from "../../lib/frameworks";
import { asString, get, isRecord } from "../../lib/props";
import { SYSTEM_NAMESPACES_SCHEMA, systemNamespaces, URLS } from "../common";
import { isKind, PSA_ENFORCE_LABEL, TENANT_LABEL } from "../lib/tenancy";

export const namespacePodSecurityEnforced: ResourceValidationPolicy = {
    name: "namespace-pod-security-enforced",
    description: "Checks that every non-system Namespace sets the pod-security.kubernetes.io/enforce label, and that tenant namespaces do not enforce privileged.",
    enforcementLevel: "mandatory",
    severity: "high",
    tags: ["isolation", "pod-security", "namespace", "multi-tenancy"],
    url: URLS.podSecurityAdmission,
    framework: cisEks("4.2.1", "Minimize the admission of privileged containers (Pod Security Standards per namespace)"),
    remediationSteps:
        "Label the namespace pod-security.kubernetes.io/enforce: restricted (baseline only with a recorded reason), plus audit/warn: restricted " +
        "(components/team-namespace.ts teamNamespaceLabels). Platform namespaces that need privileged pods belong in systemNamespaces.",
    configSchema: {
        properties: {
            systemNamespaces: SYSTEM_NAMESPACES_SCHEMA,
        },
    },
    validateResource: (args, reportViolation) => {
        const patch = isKind(args.type, "NamespacePatch");
        if (!patch && !isKind(args.type, "Namespace")) {
            return;
        }
        const system = systemNamespaces(args.getConfig());
        const name = asString(get(args.props, "metadata", "name"));
        const rawLabels = get(args.props, "metadata", "labels");
        const labels = isRecord(rawLabels) ? rawLabels : {};
        const tenantLabelled = labels[TENANT_LABEL] === "true";
        const isSystem = name !== undefined && system.has(name) && !tenantLabelled;
        if (isSystem) {
            return;
        }
        const enforce = asString(labels[PSA_ENFORCE_LABEL])?.trim().toLowerCase();
        const label = `Namespace "${name ?? args.name}"`;
        if (enforce === undefined || enforce === "") {
            if (!patch) {
                reportViolation(
                    `${label} has no ${PSA_ENFORCE_LABEL} label, so Pod Security Admission enforces nothing there: any pod may run privileged, ` +
                        "mount host paths or share the host network and escape to the node and every other tenant on it. " +
                        `Add ${PSA_ENFORCE_LABEL}: restricted (or baseline with a recorded reason).`,
                );
            }
            return;
        }
        if (enforce === "privileged") {
            reportViolation(
                `${label} is a tenant namespace but sets ${PSA_ENFORCE_LABEL}: privileged, which admits privileged and host-namespace pods ` +
                    "that can take over the node and reach other tenants' pods and credentials. Use restricted (or baseline with a recorded reason); " +
                    "only platform namespaces in systemNamespaces may run privileged pods.",
            );
        }
    },
};
