/**
 * Platform facts: the names, labels, taints and namespaces that components, config, policy packs and
 * the offline preview all agree on. Changing one is a breaking change for every component (and for app
 * teams that schedule onto the pools), so each lives here exactly once; `scripts/build-packs.js`
 * bundles `lib/` with the packs, so policies import this module directly.
 */

/** Label/annotation domain for everything the platform stamps on Kubernetes objects. */
export const LABEL_DOMAIN = "moka.dev";

export const LABELS = {
    team: `${LABEL_DOMAIN}/team`,
    environment: `${LABEL_DOMAIN}/environment`,
    /** "true" on team namespaces; the isolation pack treats these as tenant namespaces. */
    tenant: `${LABEL_DOMAIN}/tenant`,
    /** Node label set by the system node group. */
    nodeRole: `${LABEL_DOMAIN}/node-role`,
    /** Node label and taint key of the Spark driver pool. */
    sparkRole: `${LABEL_DOMAIN}/spark-role`,
    managedBy: "app.kubernetes.io/managed-by",
} as const;

/** Namespaces owned by the platform. Teams may not use these names (see RESERVED_NAMESPACES). */
export const NAMESPACES = {
    karpenter: "karpenter",
    yunikorn: "yunikorn",
    sparkOperator: "spark-operator",
    historyServer: "spark-history",
    observability: "observability",
    flinkOperator: "flink-operator",
    kuberay: "kuberay",
} as const;

/** Kubernetes' own namespaces. */
export const KUBERNETES_NAMESPACES = ["kube-system", "kube-public", "kube-node-lease"] as const;

/** Every namespace a platform component creates for itself. */
export const PLATFORM_NAMESPACES: readonly string[] = Object.values(NAMESPACES);

/** The namespace Kubernetes puts an object in when none is given. Nothing of the platform or a team belongs there. */
export const DEFAULT_NAMESPACE = "default";

/**
 * System namespaces: Kubernetes' own and the platform's. Workloads there are the platform's, not a
 * team's. The isolation pack's `systemNamespaces` default and the scope of the security pack's
 * tenant pod-security rules. `default` is NOT one: what lands there (usually by omission) is judged
 * like a tenant's workload, and the isolation pack flags workloads in it.
 */
export const SYSTEM_NAMESPACES: readonly string[] = [...KUBERNETES_NAMESPACES, ...PLATFORM_NAMESPACES];

/** Namespaces that are not tenants: the system namespaces and `default`. */
export const NON_TENANT_NAMESPACES: readonly string[] = [...KUBERNETES_NAMESPACES, DEFAULT_NAMESPACE, ...PLATFORM_NAMESPACES];

/**
 * Namespaces whose pods may need host access (node agents, the CNI, log shippers, the node
 * autoscaler). The security pack's pod-hardening `systemNamespaces` default.
 */
export const HOST_ACCESS_NAMESPACES: readonly string[] = ["kube-system", "kube-node-lease", "kube-public", NAMESPACES.karpenter, NAMESPACES.observability];

/** Names a team may not take: every non-tenant namespace, plus `platform`. Names starting `kube-` are refused too. */
export const RESERVED_NAMESPACES: readonly string[] = [...NON_TENANT_NAMESPACES, "platform"];

/** True when a team may not use `name` as its namespace. */
export function isReservedNamespace(name: string): boolean {
    return RESERVED_NAMESPACES.includes(name) || name.startsWith("kube-");
}

/**
 * The Kubernetes group of the platform admins. The Cluster component puts it on every
 * `moka:cluster.adminRoleArns` access entry (`kubernetesGroups`), and YuniKorn's root queue gives it
 * submit + admin rights (its `adminacl`), so the admins are queue admins too. A plain name: EKS refuses
 * groups starting with `system:`, and YuniKorn's ACL parser drops group names with ':' or '.'.
 */
export const PLATFORM_ADMIN_GROUP = "platform-admins";

/** System nodes: a small on-demand managed node group for platform controllers only. */
export const SYSTEM_NODE_LABEL = { [LABELS.nodeRole]: "system" } as const;
export const SYSTEM_NODE_TAINT = { key: "CriticalAddonsOnly", value: "true", effect: "NoSchedule" } as const;
/**
 * AWS tag on the system node group stating the headroom (percent of allocatable CPU and memory kept free
 * for one rolling update) the platform sized it for: moka:cluster.systemNodes.headroomPercent, the one
 * home of that figure. The deployability pack's system-nodes-capacity-fits reads it from the resources.
 */
export const SYSTEM_NODE_HEADROOM_TAG = `${LABEL_DOMAIN}/headroom-percent`;
/** Toleration every platform controller carries so it can run on the system nodes. */
export const SYSTEM_TOLERATIONS = [{ key: "CriticalAddonsOnly", operator: "Exists", effect: "NoSchedule" }] as const;

/** Spark driver pool: tainted so only pods that tolerate it (Spark drivers) land there. */
export const DRIVER_NODE_LABEL = { [LABELS.sparkRole]: "driver" } as const;
export const DRIVER_TAINT = { key: LABELS.sparkRole, value: "driver", effect: "NoSchedule" } as const;
export const DRIVER_TOLERATIONS = [{ key: LABELS.sparkRole, operator: "Equal", value: "driver", effect: "NoSchedule" }] as const;

/** The Spark image's non-root user (apache/spark images run as UID 185). */
export const SPARK_UID = 185;
/** The ServiceAccount every team's Spark drivers run as. */
export const SPARK_SERVICE_ACCOUNT = "spark";

/** The YuniKorn queue a team's applications land in: root.<team>. */
export function teamQueue(team: string): string {
    return `root.${team}`;
}

/** What a team principal may do in its namespace: `view` (read) or `edit` (deploy). */
export const TEAM_ACCESS_LEVELS = ["view", "edit"] as const;
export type TeamAccessLevel = (typeof TEAM_ACCESS_LEVELS)[number];

/**
 * The Kubernetes group a team principal's EKS access entry puts it in (`kubernetesGroups`), e.g.
 * `moka:team:ads-ranking:edit`. RoleBindings in the team namespace (components/tenancy) and in the History
 * Server namespace (components/spark/history-server.ts) bind these groups, never individual principals.
 */
export function teamKubernetesGroup(team: string, level: TeamAccessLevel): string {
    return `moka:team:${team}:${level}`;
}
