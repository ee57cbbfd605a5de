/**
 * Pure builders for who may use a team's namespace (components/tenancy/index.ts): the EKS access entries of
 * the team's principals, the RBAC the EKS access policies do not cover, and the description of both that
 * the contract hands to the team.
 *
 * Facts (awsdocs/amazon-eks-user-guide @4d52b4d0, access-policy-reference.adoc and grant-k8s-access.adoc):
 * - one access entry per IAM principal ("An IAM principal can't be included in more than one access entry"),
 *   several policy associations per entry, each with its own scope (cluster, or namespaces);
 * - AmazonEKSEditPolicy / AmazonEKSViewPolicy cover the built-in workload kinds but no custom resource
 *   such as `sparkoperator.k8s.io/sparkapplications`; for those "create Kubernetes RBAC objects and specify
 *   group names for your access entries": the entry's `kubernetesGroups` + a RoleBinding to the group;
 * - Edit has no `roles`/`rolebindings` rule, so a team principal cannot grant itself more.
 * A principal that is also a cluster admin (moka:cluster.adminRoleArns, allowed only with
 * `allowAdminOverlap`) keeps its admin entry, a superset; the team creates no second entry for it.
 */
import type { TeamAccessConfig } from "../../config";
import { PLATFORM_ADMIN_GROUP, teamKubernetesGroup, type TeamAccessLevel } from "../../lib/platform";
import type { PolicyRule } from "./rbac";

/** EKS access policy per access level, namespace-scoped. */
export const ACCESS_POLICY_BY_LEVEL: Readonly<Record<TeamAccessLevel, string>> = {
    edit: "AmazonEKSEditPolicy",
    view: "AmazonEKSViewPolicy",
};

/** The cluster-scoped policy of an admin entry (components/eks). */
export const ADMIN_ACCESS_POLICY = "AmazonEKSClusterAdminPolicy";

export function accessPolicyArn(partition: string, policy: string): string {
    return `arn:${partition}:eks::aws:cluster-access-policy/${policy}`;
}

/** One IAM principal of a team. */
export interface TeamPrincipal {
    readonly roleArn: string;
    /** `ci` (the deployer) or `developer`. */
    readonly kind: "ci" | "developer";
    readonly level: TeamAccessLevel;
    /** Short, unique (within the team) name for the principal's resources. */
    readonly slug: string;
    /** True when the principal is a cluster admin: it keeps that entry and gets no team entry. */
    readonly viaAdminEntry: boolean;
}

/** Resource-name slug of a role ARN: its name (path dropped) with anything but letters, digits and '-' as '-'. */
export function principalSlug(roleArn: string): string {
    return roleArn.replace(/^.*:role\//, "").split("/").pop()!.replace(/[^A-Za-z0-9-]+/g, "-");
}

const sameArn = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** The team's principals: the CI role first, then the developers, each marked when it is an admin. */
export function teamPrincipals(access: TeamAccessConfig, adminRoleArns: readonly string[]): TeamPrincipal[] {
    const all = [
        { roleArn: access.ci, kind: "ci" as const, level: "edit" as const },
        ...access.developers.map((d) => ({ roleArn: d.roleArn, kind: "developer" as const, level: d.level })),
    ];
    const slugs = new Map<string, number>();
    return all.map((p) => {
        const base = `${p.kind === "ci" ? "ci" : "dev"}-${principalSlug(p.roleArn)}`;
        const seen = slugs.get(base) ?? 0;
        slugs.set(base, seen + 1);
        return { ...p, slug: seen === 0 ? base : `${base}-${seen + 1}`, viaAdminEntry: adminRoleArns.some((a) => sameArn(a, p.roleArn)) };
    });
}

/** Problems with a team's principals as Team args (config validation reports the same with key paths). */
export function teamPrincipalProblems(access: TeamAccessConfig, adminRoleArns: readonly string[]): string[] {
    const problems: string[] = [];
    const principals = teamPrincipals(access, adminRoleArns);
    principals.forEach((p, i) => {
        if (principals.findIndex((q) => sameArn(q.roleArn, p.roleArn)) !== i) {
            problems.push(`args.team.access lists ${p.roleArn} twice; an IAM principal has one access entry and one level`);
        }
    });
    if (principals.some((p) => p.viaAdminEntry) && !access.allowAdminOverlap) {
        problems.push(`args.team.access names a cluster admin role (${principals.filter((p) => p.viaAdminEntry).map((p) => p.roleArn).join(", ")}) without allowAdminOverlap`);
    }
    return problems;
}

export interface CustomResourceEngines {
    readonly flink?: boolean;
    readonly ray?: boolean;
}

/**
 * The custom resources a team deploys, by API group. Spark Operator 2.5.2 (api/v1beta2): SparkApplication and
 * ScheduledSparkApplication. Flink Kubernetes Operator 1.15: FlinkDeployment and FlinkSessionJob. KubeRay 1.7:
 * RayCluster, RayJob and RayService.
 */
export function teamCustomResources(engines: CustomResourceEngines): { apiGroup: string; resources: string[] }[] {
    return [
        { apiGroup: "sparkoperator.k8s.io", resources: ["sparkapplications", "scheduledsparkapplications"] },
        ...(engines.flink ? [{ apiGroup: "flink.apache.org", resources: ["flinkdeployments", "flinksessionjobs"] }] : []),
        ...(engines.ray ? [{ apiGroup: "ray.io", resources: ["rayclusters", "rayjobs", "rayservices"] }] : []),
    ];
}

/** Verbs per level on those resources: read for view; read and write for edit. No bind/escalate/impersonate, no wildcards. */
export const TEAM_CR_VERBS: Readonly<Record<TeamAccessLevel, readonly string[]>> = {
    view: ["get", "list", "watch"],
    edit: ["get", "list", "watch", "create", "update", "patch", "delete"],
};

/** The namespaced Role rules a team group gets on top of its EKS access policy. */
export function teamGroupRules(level: TeamAccessLevel, engines: CustomResourceEngines): PolicyRule[] {
    return teamCustomResources(engines).map((g) => ({ apiGroups: [g.apiGroup], resources: [...g.resources], verbs: [...TEAM_CR_VERBS[level]] }));
}

/** What the contract tells a team about its access (contract `TeamContract.access`). */
export interface TeamAccessDescription {
    readonly namespace: string;
    /** Kubernetes group per level, bound in the namespace (and for the History Server UI in spark-history). */
    readonly kubernetesGroups: Readonly<Record<TeamAccessLevel, string>>;
    readonly principals: readonly {
        readonly roleArn: string;
        readonly kind: "ci" | "developer";
        readonly level: TeamAccessLevel;
        /** The EKS access policy and its scope. */
        readonly accessPolicy: string;
        readonly accessScope: { readonly type: "namespace" | "cluster"; readonly namespaces?: readonly string[] };
        readonly kubernetesGroups: readonly string[];
    }[];
    /** RBAC per level beyond the access policy (custom resources). */
    readonly kubernetesPermissions: Readonly<Record<TeamAccessLevel, readonly PolicyRule[]>>;
}

export function teamAccessDescription(team: string, namespace: string, principals: readonly TeamPrincipal[], engines: CustomResourceEngines): TeamAccessDescription {
    return {
        namespace,
        kubernetesGroups: { edit: teamKubernetesGroup(team, "edit"), view: teamKubernetesGroup(team, "view") },
        principals: principals.map((p) => (p.viaAdminEntry
            ? { roleArn: p.roleArn, kind: p.kind, level: p.level, accessPolicy: ADMIN_ACCESS_POLICY, accessScope: { type: "cluster" as const }, kubernetesGroups: [PLATFORM_ADMIN_GROUP] }
            : {
                roleArn: p.roleArn, kind: p.kind, level: p.level, accessPolicy: ACCESS_POLICY_BY_LEVEL[p.level],
                accessScope: { type: "namespace" as const, namespaces: [namespace] }, kubernetesGroups: [teamKubernetesGroup(team, p.level)],
            })),
        kubernetesPermissions: { edit: teamGroupRules("edit", engines), view: teamGroupRules("view", engines) },
    };
}
