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
 *   (every tenant service account is authenticated);
 * - a `RoleBinding` in the tenant's OWN namespace that grants a tenant service account a Role (or
 *   ClusterRole) of this stack with dangerous rights there (policies/isolation/lib/tenancy.ts
 *   dangerousRights): "*" verbs or resources, reading Secrets, pods/exec or pods/attach, bind /
 *   escalate / impersonate, or rewriting the namespace's NetworkPolicies, ResourceQuotas and
 *   LimitRanges (the guardrails that isolate it). The team's own `spark` Role
 *   (components/team-rbac.ts sparkDriverRules: pods, services, configmaps, PVCs) holds none of them.
 *
 * The namespaced contents checks live in this policy rather than a second one on purpose: a stack
 * policy costs a full deserialization of the stack (@pulumi/policy makeAnalyzeStackRpcFun), and both
 * need the same role/binding/subject resolution.
 *
 * The role is resolved through the binding's `roleRef` property dependency (auto-named roles) or by
 * name (a Role by name within the binding's namespace). Tenant namespaces: policies/isolation/lib/tenancy.ts. Linear: one indexing pass, one
 * pass over bindings. Unknown subjects/roleRefs are skipped and re-raised at the end, so one
 * preview-unknown does not hide violations elsewhere (policies/lib/known.ts).
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { cisEks } from "../../lib/frameworks";
import { isUnknownValue, peek, peekPath, UnknownTracker } from "../../lib/known";
import { asString, configValue, isRecord, isStringArray } from "../../lib/props";
import { listText, shown } from "../../lib/text";
import { SYSTEM_NAMESPACES_SCHEMA, systemNamespaces, URLS } from "../common";
import {
    buildNamespaceIndex, DANGEROUS_RIGHT_TEXT, type DangerousRight, dangerousRights, isKind, isTenantNamespace, namespaceRef, noteUnknownNamespace, rbacSubjects,
    sameNamespace, subjectNamespace, type NamespaceIndex, type NamespaceRef, type RbacSubject,
} from "../lib/tenancy";

export const DEFAULT_DANGEROUS_CLUSTER_ROLES: readonly string[] = ["cluster-admin", "admin", "edit"];
const EVERYONE_GROUPS = new Set(["system:authenticated", "system:unauthenticated"]);

interface RoleInfo {
    readonly urn: string;
    readonly name: string | undefined;
    /** Dangerous rights its known rules grant. */
    readonly rights: readonly DangerousRight[];
    /** True when some of its rules are preview-unknown (they may grant more). */
    readonly unknownRules: boolean;
    /** Its (proxied) props, to re-raise an unknown rule. */
    readonly props: unknown;
    /** Where a Role lives (undefined for ClusterRoles). */
    readonly namespace?: NamespaceRef;
}

function describe(s: RbacSubject, namespace: string): string {
    return s.kind === "ServiceAccount" ? `ServiceAccount ${namespace}/${shown(s.name)}` : `${s.kind} ${shown(s.name)}`;
}

function rightsText(rights: readonly DangerousRight[]): string {
    return listText(rights.map((r) => DANGEROUS_RIGHT_TEXT[r]));
}

export const tenantRbacNamespaceScoped: StackValidationPolicy = {
    name: "tenant-rbac-namespace-scoped",
    description: "Checks that tenant service accounts get no cluster-wide RBAC, no rights in other namespaces, and no dangerous rights (wildcards, Secrets, exec, escalation, guardrail changes) in their own.",
    enforcementLevel: "mandatory",
    severity: "critical",
    tags: ["isolation", "rbac", "multi-tenancy"],
    url: URLS.tenantIsolation,
    framework: cisEks("4.1.1", "Ensure that the cluster-admin role is only used where required; 4.1.2 Minimize access to secrets; 4.1.3 Minimize wildcard use in Roles and ClusterRoles; 4.1.8 Limit use of the Bind, Impersonate and Escalate permissions; 4.5.1 Create administrative boundaries between resources using namespaces"),
    remediationSteps:
        "Grant tenant service accounts a namespaced Role bound by a RoleBinding in their own namespace, listing only the verbs and resources " +
        "they use (see components/team-rbac.ts). Never bind them with a ClusterRoleBinding, never bind cluster-admin/admin/edit or wildcard " +
        "ClusterRoles to them, never bind them in another namespace, and leave out \"*\", Secrets reads, pods/exec and pods/attach, " +
        "bind/escalate/impersonate and write access to NetworkPolicies, ResourceQuotas and LimitRanges.",
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

        const clusterRolesByName = new Map<string, RoleInfo>();
        // Roles by "<namespace key>\u0000<role name>" (namespace key: "name:<ns>" or "urn:<Namespace urn>"),
        // so a binding finds the Roles of its own namespace without scanning every same-named Role (each
        // team's Role is called "spark"). Roles whose namespace cannot be told by a binding's name alone
        // (unknown, or an auto-named Namespace known by URN only) are also listed by role name: they stay
        // "ambiguous" for such bindings, as sameNamespace says.
        const rolesByNsAndName = new Map<string, RoleInfo[]>();
        const uncertainRolesByName = new Map<string, RoleInfo[]>();
        const allRolesByName = new Map<string, RoleInfo[]>(); // for a binding whose own namespace has no known name
        const push = (map: Map<string, RoleInfo[]>, key: string, info: RoleInfo) => (map.get(key) ?? map.set(key, []).get(key)!).push(info);
        const rolesByUrn = new Map<string, RoleInfo>();
        for (const r of args.resources) {
            const clusterRole = isKind(r.type, "ClusterRole");
            if (!clusterRole && !isKind(r.type, "Role")) {
                continue;
            }
            const rawName = peekPath(r.props, "metadata", "name");
            const name = typeof rawName === "string" && !isUnknownValue(rawName) ? rawName : undefined;
            const { rights, unknown } = dangerousRights(peek(r.props, "rules"));
            const info: RoleInfo = { urn: r.urn, name, rights, unknownRules: unknown, props: r.props, namespace: clusterRole ? undefined : namespaceRef(r, nsIndex) };
            rolesByUrn.set(r.urn, info);
            if (name !== undefined && clusterRole) {
                clusterRolesByName.set(name, info);
            } else if (name !== undefined) {
                const ns = info.namespace!;
                push(allRolesByName, name, info);
                if (ns.name !== undefined) {
                    push(rolesByNsAndName, `name:${ns.name}\u0000${name}`, info);
                }
                if (ns.urn !== undefined) {
                    push(rolesByNsAndName, `urn:${ns.urn}\u0000${name}`, info);
                }
                if (ns.unknown || ns.name === undefined) {
                    push(uncertainRolesByName, name, info);
                }
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

            let roleName = typeof rawRoleName === "string" && !isUnknownValue(rawRoleName) ? rawRoleName : undefined;
            const bindingNs = cluster ? undefined : namespaceRef(r, nsIndex);
            // The bound role, when this stack defines it: through the roleRef dependency, else by name
            // (a Role only in the binding's own namespace). `ambiguous`: a same-named Role whose
            // namespace cannot be told yet.
            let resolved = (r.propertyDependencies?.roleRef ?? []).map((d) => rolesByUrn.get(d.urn)).find((x) => x !== undefined);
            let ambiguous: RoleInfo | undefined;
            if (!resolved && roleName !== undefined && roleKind === "ClusterRole") {
                resolved = clusterRolesByName.get(roleName);
            } else if (!resolved && roleName !== undefined && roleKind === "Role" && bindingNs && !bindingNs.unknown) {
                const candidates = new Set([
                    ...(bindingNs.name !== undefined ? rolesByNsAndName.get(`name:${bindingNs.name}\u0000${roleName}`) ?? [] : []),
                    ...(bindingNs.urn !== undefined ? rolesByNsAndName.get(`urn:${bindingNs.urn}\u0000${roleName}`) ?? [] : []),
                    ...(uncertainRolesByName.get(roleName) ?? []),
                    ...(bindingNs.name === undefined ? allRolesByName.get(roleName) ?? [] : []),
                ]);
                for (const candidate of candidates) {
                    const same = candidate.namespace && !candidate.namespace.unknown ? sameNamespace(candidate.namespace, bindingNs) : undefined;
                    if (same === true) {
                        resolved = candidate;
                    } else if (same === undefined) {
                        ambiguous = ambiguous ?? candidate;
                    }
                }
            }
            roleName = roleName ?? resolved?.name;
            const roleLabel = roleName ?? shown(rawRoleName);
            // Is a bound ClusterRole dangerous everywhere it is bound? true / false / undefined (unknown).
            let dangerous: boolean | undefined = false;
            if (roleKind === "ClusterRole") {
                const named = roleName !== undefined && dangerousNames.has(roleName);
                if (resolved) {
                    dangerous = named || resolved.rights.length > 0 ? true : resolved.unknownRules ? undefined : false;
                } else {
                    dangerous = roleName === undefined ? undefined : named;
                }
            }
            const wildcard = resolved?.rights.includes("wildcard") === true;
            const allows = resolved && resolved.rights.length > 0 ? `, which allows ${rightsText(resolved.rights)}` : "";
            /** Notes why the bound role's rights could not be judged. */
            const noteRoleUnknown = () => {
                if (resolved?.unknownRules) {
                    tracker.note(resolved.props, "rules");
                } else if (ambiguous) {
                    tracker.note(ambiguous.props, "metadata", "namespace");
                } else {
                    tracker.note(r.props, "roleRef");
                }
            };

            const problems: string[] = [];
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
                    problems.push(`grants ${roleKind ?? "ClusterRole"} "${roleLabel}" cluster-wide to ${who}${allows}`);
                    continue;
                }
                if (roleKind === "ClusterRole" && dangerous === true) {
                    problems.push(`binds the ${wildcard && !dangerousNames.has(roleName ?? "") ? "wildcard " : ""}ClusterRole "${roleLabel}" to ${who}${allows}`);
                    continue;
                }
                if (roleKind === "ClusterRole" && dangerous === undefined) {
                    noteRoleUnknown();
                }
                if (tenant.ns === "*") {
                    problems.push(`grants ${roleKind ?? "a role"} "${roleLabel}" in namespace "${bindingNs?.name ?? "?"}" to ${who}`);
                    continue;
                }
                if (bindingNs?.unknown) {
                    noteUnknownNamespace(tracker, r);
                    continue;
                }
                const same = bindingNs ? sameNamespace(bindingNs, { name: tenant.name, urn: tenant.urn, unknown: false }) : true;
                if (same === false) {
                    problems.push(`grants ${roleKind ?? "a role"} "${roleLabel}" in namespace "${bindingNs?.name ?? "?"}" to ${who} (namespace "${tenant.ns}")`);
                } else if (same === true && roleKind === "Role") {
                    // In its own namespace: the Role's contents decide.
                    if (resolved && resolved.rights.length > 0) {
                        problems.push(`grants Role "${roleLabel}" to ${who} in its own namespace${allows}`);
                    } else if (resolved?.unknownRules || (!resolved && (ambiguous || roleName === undefined))) {
                        noteRoleUnknown();
                    }
                }
            }
            if (problems.length > 0) {
                reportViolation(
                    `${cluster ? "ClusterRoleBinding" : "RoleBinding"} "${bindingName}" ${listText(problems)}. Tenant service accounts ` +
                        "must only hold narrow, namespaced rights in their own namespace: cluster-wide or cross-namespace grants let one team read other " +
                        "teams' Secrets and pods, and wildcards, Secrets reads, exec, bind/escalate/impersonate or write access to NetworkPolicies " +
                        "and quotas let a compromised workload take over its namespace's other identities or remove the guardrails that isolate it. " +
                        "Use a Role and RoleBinding in the tenant's own namespace with only the verbs and resources it needs.",
                    r.urn,
                );
            }
        }
        tracker.rethrow();
    },
};
