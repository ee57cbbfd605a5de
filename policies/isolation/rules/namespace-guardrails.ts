/**
 * Every tenant namespace created in the stack comes with its guardrails in the same stack: a
 * ResourceQuota, a LimitRange and a default-deny-ingress NetworkPolicy (podSelector {}, policyTypes
 * including Ingress — or absent, which means Ingress — and no ingress rules).
 *
 * Tenant namespace: a `kubernetes:core/v1:Namespace` labelled `moka.dev/tenant: "true"`, or any
 * Namespace not in `systemNamespaces` (auto-named ones included). Objects are matched to a
 * namespace by a `metadata` property dependency on the Namespace resource (auto-named namespaces,
 * or names that are Outputs during preview), else by `metadata.namespace` == the namespace's name.
 *
 * Linear: one pass indexes namespaces, one pass records which guardrails each namespace has.
 * When a guardrail's namespace is a preview-unknown (and no dependency resolves it), namespaces
 * missing that kind of guardrail are not flagged (it may be theirs); the unknown is re-raised as the
 * usual advisory instead. A Namespace whose name is a preview-unknown is not "auto-named": unless it is
 * labelled a tenant it may be a system namespace (not judged), and a guardrail naming a namespace that
 * no known Namespace of the stack has may be its own.
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { cisEks } from "../../lib/frameworks";
import { peek, UnknownTracker } from "../../lib/known";
import { listText } from "../../lib/text";
import { SYSTEM_NAMESPACES_SCHEMA, systemNamespaces, URLS } from "../common";
import { buildNamespaceIndex, isDefaultDenyIngress, isKind, namespaceRef, noteUnknownNamespace } from "../lib/tenancy";

type Guardrail = "ResourceQuota" | "LimitRange" | "default-deny NetworkPolicy";
const GUARDRAILS: readonly Guardrail[] = ["ResourceQuota", "LimitRange", "default-deny NetworkPolicy"];

export const tenantNamespaceGuardrails: StackValidationPolicy = {
    name: "tenant-namespace-guardrails",
    description: "Checks that every tenant Namespace in the stack has a ResourceQuota, a LimitRange and a default-deny ingress NetworkPolicy in the same stack.",
    enforcementLevel: "mandatory",
    severity: "high",
    tags: ["isolation", "namespace", "quota", "network-policy", "multi-tenancy"],
    url: URLS.tenantIsolation,
    framework: cisEks("4.3.2", "Ensure that all Namespaces have Network Policies defined"),
    remediationSteps:
        "Create the tenant namespace through the Team component (components/team.ts), which adds a ResourceQuota, a LimitRange and " +
        "default-deny NetworkPolicies, or add them yourself in the same stack: a ResourceQuota with cpu/memory/pods limits, a LimitRange with " +
        "default requests/limits, and a NetworkPolicy { podSelector: {}, policyTypes: [Ingress] } with no ingress rules.",
    configSchema: {
        properties: {
            systemNamespaces: SYSTEM_NAMESPACES_SCHEMA,
        },
    },
    validateStack: (args, reportViolation) => {
        const system = systemNamespaces(args.getConfig());
        const tracker = new UnknownTracker();
        const index = buildNamespaceIndex(args.resources);
        // Keys: "urn:<namespace urn>" and "name:<namespace name>".
        const present = new Map<Guardrail, Set<string>>(GUARDRAILS.map((g) => [g, new Set<string>()]));
        const unresolved = new Set<Guardrail>();
        /** Kinds with a guardrail whose (known) namespace name matches no Namespace resource of the stack. */
        const orphaned = new Set<Guardrail>();
        for (const r of args.resources) {
            let kind: Guardrail | undefined;
            if (isKind(r.type, "ResourceQuota")) {
                kind = "ResourceQuota";
            } else if (isKind(r.type, "LimitRange")) {
                kind = "LimitRange";
            } else if (isKind(r.type, "NetworkPolicy")) {
                const deny = isDefaultDenyIngress(peek(r.props, "spec"));
                if (deny === undefined) {
                    tracker.note(r.props, "spec");
                    unresolved.add("default-deny NetworkPolicy");
                    continue;
                }
                kind = deny ? "default-deny NetworkPolicy" : undefined;
            }
            if (kind === undefined) {
                continue;
            }
            const ref = namespaceRef(r, index);
            if (ref.unknown) {
                noteUnknownNamespace(tracker, r);
                unresolved.add(kind);
                continue;
            }
            const keys = present.get(kind)!;
            if (ref.urn !== undefined) {
                keys.add(`urn:${ref.urn}`);
            }
            if (ref.name !== undefined) {
                keys.add(`name:${ref.name}`);
                if (ref.urn === undefined) {
                    // Names no known Namespace of the stack: may be a Namespace whose name is unknown.
                    orphaned.add(kind);
                }
            }
        }
        const namespaces = args.resources.filter((r) => isKind(r.type, "Namespace"));
        for (const r of namespaces) {
            const ns = index.byUrn.get(r.urn);
            if (!ns) {
                continue;
            }
            if (ns.nameUnknown && !ns.tenantLabelled) {
                // Tenant or system namespace? Its name decides, and it is not known yet.
                tracker.note(r.props, "metadata", "name");
                continue;
            }
            const tenant = ns.tenantLabelled || ns.name === undefined || !system.has(ns.name);
            if (!tenant) {
                continue;
            }
            const missing = GUARDRAILS.filter((g) => {
                const keys = present.get(g)!;
                const found = keys.has(`urn:${ns.urn}`) || (ns.name !== undefined && keys.has(`name:${ns.name}`));
                if (!found && ns.nameUnknown && orphaned.has(g)) {
                    tracker.note(r.props, "metadata", "name");
                    return false;
                }
                return !found && !unresolved.has(g);
            });
            if (missing.length > 0) {
                reportViolation(
                    `Tenant namespace "${ns.name ?? "(auto-named)"}" has no ${listText(missing)} in this stack. Without a ResourceQuota and ` +
                        "LimitRange one team's jobs can take the whole cluster's capacity from the others; without a default-deny NetworkPolicy " +
                        "every pod in the cluster can reach the team's pods. Create them in the same stack, in that namespace.",
                    ns.urn,
                );
            }
        }
        tracker.rethrow();
    },
};
