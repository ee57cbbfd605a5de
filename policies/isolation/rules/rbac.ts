/**
 * Tenant RBAC stays inside the tenant's namespace.
 *
 * Flags, per binding (one violation each):
 * - any `ClusterRoleBinding` whose subjects include a tenant service account: a ServiceAccount in a
 *   tenant namespace, group `system:serviceaccounts:<tenant-ns>`, user
 *   `system:serviceaccount:<tenant-ns>:<name>`, or group `system:serviceaccounts` (all of them);
 * - a `RoleBinding` that binds a dangerous ClusterRole to a tenant service account. Dangerous: a
 *   ClusterRole defined in this stack with a wildcard verb or resource, or one named in
 *   `dangerousClusterRoles` (default cluster-admin, admin, edit — they can delete the namespace's
 *   NetworkPolicies, read its Secrets and, for admin, grant themselves more);
 * - a `RoleBinding` granting a tenant service account rights in a DIFFERENT namespace;
 * - any binding of a dangerous ClusterRole to `system:authenticated` / `system:unauthenticated`
 *   (every tenant service account is authenticated).
 *
 * The ClusterRole is resolved through the binding's `roleRef` property dependency (auto-named
 * roles) or by name. Tenant namespaces: policies/isolation/lib/tenancy.ts. Linear: one indexing pass, one
 * pass over bindings. Unknown subjects/roleRefs are skipped and re-raised at the end, so one
 * preview-unknown does not hide violations elsewhere (policies/lib/known.ts).
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { cisEks } from "../../lib/frameworks";
import { isUnknownValue, peek, peekPath, UnknownTracker } from "../../lib/known";
import { asString, configValue, isRecord, isStringArray } from "../../lib/props";
import { listText } from "../../lib/text";
import { SYSTEM_NAMESPACES_SCHEMA, systemNamespaces, URLS } from "../common";
import {
    buildNamespaceIndex, hasWildcardRule, isKind, isTenantNamespace, namespaceRef, noteUnknownNamespace, rbacSubjects, sameNamespace, subjectNamespace,
    type NamespaceIndex, type RbacSubject,
} from "../lib/tenancy";

export const DEFAULT_DANGEROUS_CLUSTER_ROLES: readonly string[] = ["cluster-admin", "admin", "edit"];
const EVERYONE_GROUPS = new Set(["system:authenticated", "system:unauthenticated"]);

interface RoleInfo {
    readonly name: string | undefined;
    /** undefined when the rules are unknown. */
    readonly wildcard: boolean | undefined;
}

function describe(s: RbacSubject, namespace: string): string {
    return s.kind === "ServiceAccount" ? `ServiceAccount ${namespace}/${s.name ?? "?"}` : `${s.kind} ${s.name}`;
}

export const tenantRbacNamespaceScoped: StackValidationPolicy = {
    name: "tenant-rbac-namespace-scoped",
    description: "Checks that tenant service accounts get no cluster-wide RBAC, no dangerous ClusterRoles and no rights in other namespaces.",
    enforcementLevel: "mandatory",
    severity: "critical",
    tags: ["isolation", "rbac", "multi-tenancy"],
    url: URLS.tenantIsolation,
    framework: cisEks("4.1.1", "Ensure that the cluster-admin role is only used where required; 4.5.1 Create administrative boundaries between resources using namespaces"),
    remediationSteps:
        "Grant tenant service accounts a namespaced Role bound by a RoleBinding in their own namespace, listing only the verbs and resources " +
        "they use (see components/team-rbac.ts). Never bind them with a ClusterRoleBinding, never bind cluster-admin/admin/edit or wildcard " +
        "ClusterRoles to them, and never bind them in another namespace.",
    configSchema: {
        properties: {
            systemNamespaces: SYSTEM_NAMESPACES_SCHEMA,
            dangerousClusterRoles: {
                type: "array",
                items: { type: "string" },
                default: [...DEFAULT_DANGEROUS_CLUSTER_ROLES],
                description: "ClusterRoles (by name) that must never be bound to tenant service accounts, even namespaced.",
            },
        },
    },
    validateStack: (args, reportViolation) => {
        const config = args.getConfig();
        const system = systemNamespaces(config);
        const dangerousNames = new Set(configValue(config, "dangerousClusterRoles", [...DEFAULT_DANGEROUS_CLUSTER_ROLES], isStringArray));
        const tracker = new UnknownTracker();
        const nsIndex: NamespaceIndex = buildNamespaceIndex(args.resources);

        const rolesByName = new Map<string, RoleInfo>();
        const rolesByUrn = new Map<string, RoleInfo>();
        for (const r of args.resources) {
            if (!isKind(r.type, "ClusterRole")) {
                continue;
            }
            const rawName = peekPath(r.props, "metadata", "name");
            const name = typeof rawName === "string" && !isUnknownValue(rawName) ? rawName : undefined;
            const rules = peek(r.props, "rules");
            const info: RoleInfo = { name, wildcard: isUnknownValue(rules) ? undefined : hasWildcardRule(rules) };
            rolesByUrn.set(r.urn, info);
            if (name !== undefined) {
                rolesByName.set(name, info);
            }
        }

        /**
         * The tenant namespace a subject stands for ("*" = every namespace; `urn` when resolved through a
         * Namespace dependency), undefined when it is not a tenant, null when it cannot be told.
         */
        const tenantOf = (s: RbacSubject, deps: readonly { urn: string }[]): { ns: string; name?: string; urn?: string } | undefined | null => {
            if (s.kind === "ServiceAccount" && s.namespace !== undefined && isUnknownValue(s.namespace)) {
                const namespaces = deps.map((d) => nsIndex.byUrn.get(d.urn)).filter((x) => x !== undefined);
                if (namespaces.length !== 1) {
                    return null;
                }
                const info = namespaces[0]!;
                if (info.nameUnknown && !info.tenantLabelled) {
                    return null; // tenant or system: its unknown name decides
                }
                const tenant = info.tenantLabelled || info.name === undefined || !system.has(info.name);
                return tenant ? { ns: info.name ?? "(auto-named namespace)", name: info.name, urn: info.urn } : undefined;
            }
            const ns = subjectNamespace(s);
            if (ns === undefined) {
                return undefined;
            }
            return ns === "*" || isTenantNamespace(ns, system, nsIndex) ? { ns, name: ns, urn: nsIndex.byName.get(ns)?.urn } : undefined;
        };

        for (const r of args.resources) {
            const cluster = isKind(r.type, "ClusterRoleBinding");
            if (!cluster && !isKind(r.type, "RoleBinding")) {
                continue;
            }
            const rawSubjects = peek(r.props, "subjects");
            const roleRef = peek(r.props, "roleRef");
            if (isUnknownValue(rawSubjects) || isUnknownValue(roleRef)) {
                tracker.note(r.props, isUnknownValue(rawSubjects) ? "subjects" : "roleRef");
                continue;
            }
            const subjects = rbacSubjects(rawSubjects);
            const roleKind = isRecord(roleRef) ? asString(roleRef.kind) : undefined;
            const rawRoleName = isRecord(roleRef) ? roleRef.name : undefined;
            const subjectDeps = r.propertyDependencies?.subjects ?? [];
            const bindingName = (() => {
                const n = peekPath(r.props, "metadata", "name");
                return typeof n === "string" && !isUnknownValue(n) ? n : r.name;
            })();

            // Is the bound role dangerous? true / false / undefined (unknown).
            let roleName = typeof rawRoleName === "string" && !isUnknownValue(rawRoleName) ? rawRoleName : undefined;
            let dangerous: boolean | undefined = false;
            if (roleKind === "ClusterRole") {
                const resolved = (r.propertyDependencies?.roleRef ?? []).map((d) => rolesByUrn.get(d.urn)).find((x) => x !== undefined)
                    ?? (roleName !== undefined ? rolesByName.get(roleName) : undefined);
                roleName = roleName ?? resolved?.name;
                if (resolved) {
                    dangerous = resolved.wildcard === true || (roleName !== undefined && dangerousNames.has(roleName))
                        ? true
                        : resolved.wildcard === undefined ? undefined : false;
                } else {
                    dangerous = roleName === undefined ? undefined : dangerousNames.has(roleName);
                }
            }

            const problems: string[] = [];
            const bindingNs = cluster ? undefined : namespaceRef(r, nsIndex);
            for (const s of subjects) {
                if (s.kind === "Group" && s.name !== undefined && EVERYONE_GROUPS.has(s.name) && dangerous === true) {
                    problems.push(`binds ${roleKind} "${roleName}" to group ${s.name}, which includes every tenant service account`);
                    continue;
                }
                const tenant = tenantOf(s, subjectDeps);
                if (tenant === null) {
                    tracker.note(r.props, "subjects");
                    continue;
                }
                if (tenant === undefined) {
                    continue;
                }
                const who = tenant.ns === "*" ? "every service account in the cluster (group system:serviceaccounts)" : `tenant ${describe(s, tenant.ns)}`;
                if (cluster) {
                    problems.push(`grants ${roleKind ?? "ClusterRole"} "${roleName ?? "?"}" cluster-wide to ${who}`);
                    continue;
                }
                if (roleKind === "ClusterRole" && dangerous === true) {
                    problems.push(`binds the ${dangerousNames.has(roleName ?? "") ? "" : "wildcard "}ClusterRole "${roleName}" to ${who}`);
                    continue;
                }
                if (roleKind === "ClusterRole" && dangerous === undefined) {
                    tracker.note(r.props, "roleRef");
                }
                if (tenant.ns === "*") {
                    problems.push(`grants ${roleKind ?? "a role"} "${roleName ?? "?"}" in namespace "${bindingNs?.name ?? "?"}" to ${who}`);
                    continue;
                }
                if (bindingNs?.unknown) {
                    noteUnknownNamespace(tracker, r);
                    continue;
                }
                const same = bindingNs ? sameNamespace(bindingNs, { name: tenant.name, urn: tenant.urn, unknown: false }) : true;
                if (same === false) {
                    problems.push(`grants ${roleKind ?? "a role"} "${roleName ?? "?"}" in namespace "${bindingNs?.name ?? "?"}" to ${who} (namespace "${tenant.ns}")`);
                }
            }
            if (problems.length > 0) {
                reportViolation(
                    `${cluster ? "ClusterRoleBinding" : "RoleBinding"} "${bindingName}" ${listText(problems)}. Tenant service accounts ` +
                        "must only hold namespaced rights in their own namespace: cluster-wide or cross-namespace grants let one team read other " +
                        "teams' Secrets and pods, or remove the NetworkPolicies and quotas that isolate them. Use a Role and RoleBinding in the " +
                        "tenant's own namespace with only the verbs it needs.",
                    r.urn,
                );
            }
        }
        tracker.rethrow();
    },
};
