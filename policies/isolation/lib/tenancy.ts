/**
 * Tenancy as the isolation pack sees it: which namespaces are tenants, which namespace a namespaced
 * object lives in (by name, or by property dependency on an auto-named Namespace), RBAC subjects,
 * default-deny NetworkPolicies and YuniKorn queues.
 *
 * A tenant namespace is a Namespace labelled `moka.dev/tenant: "true"`, or any namespace not in the
 * system allowlist (`systemNamespaces` policy config; DEFAULT_SYSTEM_NAMESPACES is lib/platform.ts
 * SYSTEM_NAMESPACES: Kubernetes' own namespaces and the platform's). `default` is not a system
 * namespace: what runs or is bound there is judged like a tenant's (it is where objects land when
 * their namespace is forgotten), and workload-namespace-not-default flags workloads in it.
 *
 * Stack-level helpers read raw values with `peek`/`peekPath` (policies/lib/known.ts): unknown values
 * come back as sentinel strings, so callers decide whether to note them in an UnknownTracker.
 *
 * Pack-private to the isolation pack. Exported API (stable):
 *   TENANT_LABEL, PSA_ENFORCE_LABEL, PSA_LEVELS, DEFAULT_SYSTEM_NAMESPACES, K8S_KINDS, isKind(type, kind),
 *   StackResourceLike, NamespaceInfo, NamespaceIndex, buildNamespaceIndex(resources),
 *   NamespaceRef, namespaceRef(resource, index, defaultNamespace?), noteUnknownNamespace(tracker, resource), sameNamespace(a, b),
 *   isTenantNamespace(name, system, index), RbacSubject, rbacSubjects(raw), subjectNamespace(subject),
 *   hasWildcardRule(rules), DangerousRight, DANGEROUS_RIGHT_TEXT, dangerousRights(rules), isEmptySelector(selector),
 *   isDefaultDenyIngress(spec), expectedQueue(pattern, namespace), isOwnQueue(queue, expected, namespace),
 *   containsToken(haystack, token), iamRoleNameFromArn(arn)
 */
import { LABELS, SYSTEM_NAMESPACES } from "../../../lib/platform";
import { parseK8sType } from "../../lib/k8s";
import { isUnknownValue, peek, peekPath, type UnknownTracker } from "../../lib/known";
import { asArray, asString, isRecord } from "../../lib/props";

/** Label that marks a namespace as a tenant. */
export const TENANT_LABEL = LABELS.tenant;
/** Pod Security Admission enforce label. */
export const PSA_ENFORCE_LABEL = "pod-security.kubernetes.io/enforce";
export const PSA_LEVELS: readonly string[] = ["privileged", "baseline", "restricted"];

/** Namespaces whose objects are not judged as tenants' (lib/platform.ts, the one home of the platform's namespaces). */
export const DEFAULT_SYSTEM_NAMESPACES: readonly string[] = SYSTEM_NAMESPACES;

/** Kubernetes kinds by API group, as Pulumi type tokens name them. */
export const K8S_KINDS = {
    Namespace: { group: "core", kind: "Namespace" },
    NamespacePatch: { group: "core", kind: "NamespacePatch" },
    ServiceAccount: { group: "core", kind: "ServiceAccount" },
    ResourceQuota: { group: "core", kind: "ResourceQuota" },
    LimitRange: { group: "core", kind: "LimitRange" },
    NetworkPolicy: { group: "networking.k8s.io", kind: "NetworkPolicy" },
    ClusterRole: { group: "rbac.authorization.k8s.io", kind: "ClusterRole" },
    ClusterRoleBinding: { group: "rbac.authorization.k8s.io", kind: "ClusterRoleBinding" },
    Role: { group: "rbac.authorization.k8s.io", kind: "Role" },
    RoleBinding: { group: "rbac.authorization.k8s.io", kind: "RoleBinding" },
    SparkApplication: { group: "sparkoperator.k8s.io", kind: "SparkApplication" },
    ScheduledSparkApplication: { group: "sparkoperator.k8s.io", kind: "ScheduledSparkApplication" },
} as const;

/** True when the Pulumi type token is that Kubernetes kind (any API version). */
export function isKind(type: string, kind: keyof typeof K8S_KINDS): boolean {
    const t = parseK8sType(type);
    return t !== undefined && t.group === K8S_KINDS[kind].group && t.kind === K8S_KINDS[kind].kind;
}

/** The fields of a stack-policy resource these helpers read. */
export interface StackResourceLike {
    readonly type: string;
    readonly urn: string;
    readonly props: unknown;
    readonly propertyDependencies?: Readonly<Record<string, readonly { readonly urn: string; readonly type: string }[]>>;
    readonly provider?: { readonly type: string; readonly props: unknown };
}

export interface NamespaceInfo {
    readonly urn: string;
    /** metadata.name; undefined when auto-named (absent) or unknown. */
    readonly name: string | undefined;
    /**
     * True when metadata.name is a preview-unknown, or metadata / metadata.name has an odd shape (not
     * auto-named: it may be any name, a system one included).
     */
    readonly nameUnknown: boolean;
    /** Labelled moka.dev/tenant=true. */
    readonly tenantLabelled: boolean;
    /** Raw labels (unknown label maps read as {}). */
    readonly labels: Readonly<Record<string, unknown>>;
}

/** Namespaces created in the stack, by name and by URN. */
export interface NamespaceIndex {
    readonly byName: ReadonlyMap<string, NamespaceInfo>;
    readonly byUrn: ReadonlyMap<string, NamespaceInfo>;
}

/** One pass over the stack's resources: every `kubernetes:core/v1:Namespace`. */
export function buildNamespaceIndex(resources: readonly StackResourceLike[]): NamespaceIndex {
    const byName = new Map<string, NamespaceInfo>();
    const byUrn = new Map<string, NamespaceInfo>();
    for (const r of resources) {
        if (!isKind(r.type, "Namespace")) {
            continue;
        }
        const rawMeta = peek(r.props, "metadata");
        const rawName = peekPath(r.props, "metadata", "name");
        const name = typeof rawName === "string" && !isUnknownValue(rawName) && rawName !== "" ? rawName : undefined;
        // Auto-named only when metadata is an object without a name; an odd metadata or name cannot be told.
        const nameUnknown = isUnknownValue(rawName) || !isRecord(rawMeta) || (name === undefined && rawName !== undefined && rawName !== null);
        const rawLabels = peekPath(r.props, "metadata", "labels");
        const labels = isRecord(rawLabels) ? rawLabels : {};
        const info: NamespaceInfo = { urn: r.urn, name, nameUnknown, tenantLabelled: labels[TENANT_LABEL] === "true" || labels[TENANT_LABEL] === true, labels };
        byUrn.set(r.urn, info);
        if (name !== undefined) {
            byName.set(name, info);
        }
    }
    return { byName, byUrn };
}

/** Where a namespaced object lives. */
export interface NamespaceRef {
    /** The namespace name, when known. */
    readonly name?: string;
    /** The Namespace resource in this stack, when the object depends on one. */
    readonly urn?: string;
    /**
     * True when metadata.namespace is a preview-unknown and no Namespace dependency resolves it, or when
     * metadata.namespace is absent and the Kubernetes provider's `namespace` is a preview-unknown.
     */
    readonly unknown: boolean;
}

/**
 * The namespace of a namespaced object: a Namespace resource its `metadata` depends on (covers
 * auto-named namespaces, whose name is an Output), else `metadata.namespace`, else the Kubernetes
 * provider's `namespace`, else `defaultNamespace` ("default"). An unknown provider namespace is
 * `{ unknown: true }` like an unknown metadata.namespace (note it with noteUnknownNamespace).
 */
export function namespaceRef(r: StackResourceLike, index: NamespaceIndex, defaultNamespace = "default"): NamespaceRef {
    for (const dep of r.propertyDependencies?.metadata ?? []) {
        const info = index.byUrn.get(dep.urn);
        if (info) {
            return { name: info.name, urn: info.urn, unknown: false };
        }
    }
    const raw = peekPath(r.props, "metadata", "namespace");
    if (isUnknownValue(raw)) {
        return { unknown: true };
    }
    let name = typeof raw === "string" && raw !== "" ? raw : undefined;
    if (name === undefined && r.provider && r.provider.type === "pulumi:providers:kubernetes") {
        const pns = peek(r.provider.props, "namespace");
        if (isUnknownValue(pns)) {
            return { unknown: true };
        }
        name = typeof pns === "string" && pns !== "" && !isUnknownValue(pns) ? pns : undefined;
    }
    name = name ?? defaultNamespace;
    return { name, urn: index.byName.get(name)?.urn, unknown: false };
}

/**
 * Notes, for an object whose namespaceRef is unknown, the value that made it so: metadata.namespace
 * when that is the unknown, else the Kubernetes provider's `namespace` (so rethrow() raises the real
 * UnknownValueError from the provider's props).
 */
export function noteUnknownNamespace(tracker: UnknownTracker, r: StackResourceLike): void {
    const raw = peekPath(r.props, "metadata", "namespace");
    if (!isUnknownValue(raw) && r.provider && isUnknownValue(peek(r.provider.props, "namespace"))) {
        tracker.note(r.provider.props, "namespace");
        return;
    }
    tracker.note(r.props, "metadata", "namespace");
}

/** True when two refs certainly denote the same namespace; undefined when that cannot be told. */
export function sameNamespace(a: NamespaceRef, b: NamespaceRef): boolean | undefined {
    if (a.urn !== undefined && b.urn !== undefined) {
        return a.urn === b.urn;
    }
    if (a.name !== undefined && b.name !== undefined) {
        return a.name === b.name;
    }
    return undefined;
}

/** A namespace (by name) is a tenant when it is labelled as one or is not a system namespace. */
export function isTenantNamespace(name: string, system: ReadonlySet<string>, index: NamespaceIndex): boolean {
    return index.byName.get(name)?.tenantLabelled === true || !system.has(name);
}

/** One RBAC subject, raw values (strings, or undefined; unknowns stay sentinel strings). */
export interface RbacSubject {
    readonly kind: string | undefined;
    readonly name: string | undefined;
    readonly namespace: string | undefined;
}

/** The `subjects` of a (Cluster)RoleBinding, from raw (peeked) props; a single object is accepted. */
export function rbacSubjects(rawSubjects: unknown): RbacSubject[] {
    return asArray(rawSubjects).filter(isRecord).map((s) => ({
        kind: asString(s.kind),
        name: asString(s.name),
        namespace: asString(s.namespace),
    }));
}

/**
 * The namespace whose service accounts a subject stands for: a ServiceAccount's namespace, the
 * `<ns>` of group `system:serviceaccounts:<ns>` or user `system:serviceaccount:<ns>:<name>`, or "*"
 * for group `system:serviceaccounts` (every service account). Undefined for other subjects.
 */
export function subjectNamespace(s: RbacSubject): string | undefined {
    if (s.kind === "ServiceAccount") {
        return s.namespace;
    }
    const name = s.name ?? "";
    if (s.kind === "Group") {
        if (name === "system:serviceaccounts") {
            return "*";
        }
        const m = /^system:serviceaccounts:(.+)$/.exec(name);
        return m ? m[1] : undefined;
    }
    if (s.kind === "User") {
        const m = /^system:serviceaccount:([^:]+):.+$/.exec(name);
        return m ? m[1] : undefined;
    }
    return undefined;
}

/** True when any rule grants every verb or every resource ("*"). Raw rules; a single rule object is accepted. */
export function hasWildcardRule(rawRules: unknown): boolean {
    return dangerousRights(rawRules).rights.includes("wildcard");
}

/** True when a (raw) label selector selects everything; undefined when an unknown matchLabels/matchExpressions decides it. */
export function isEmptySelector(sel: unknown): boolean | undefined {
    if (sel === undefined || sel === null) {
        return true;
    }
    if (!isRecord(sel)) {
        return false;
    }
    const labels = sel.matchLabels;
    const exprs = sel.matchExpressions;
    const noLabels = labels === undefined || labels === null || (isRecord(labels) && Object.keys(labels).length === 0);
    const noExprs = exprs === undefined || exprs === null || (Array.isArray(exprs) && exprs.length === 0);
    const labelsUnknown = isUnknownValue(labels);
    const exprsUnknown = isUnknownValue(exprs);
    if ((!noLabels && !labelsUnknown) || (!noExprs && !exprsUnknown)) {
        return false; // a known non-empty part narrows the selector whatever the unknown part is
    }
    return labelsUnknown || exprsUnknown ? undefined : true;
}

/**
 * True when a NetworkPolicy spec (raw) denies all ingress to every pod of its namespace: podSelector
 * selects everything ({}), policyTypes includes Ingress (absent policyTypes means Ingress), and it
 * has no ingress rules. Undefined when a needed value is unknown.
 */
export function isDefaultDenyIngress(spec: unknown): boolean | undefined {
    if (!isRecord(spec)) {
        return isUnknownValue(spec) ? undefined : false;
    }
    const selector = spec.podSelector;
    const types = spec.policyTypes;
    const ingress = spec.ingress;
    if ([selector, types, ingress].some(isUnknownValue)) {
        return undefined;
    }
    const empty = isEmptySelector(selector);
    if (empty === undefined) {
        return undefined;
    }
    if (!empty) {
        return false;
    }
    const typeList = types === undefined || types === null ? ["Ingress"] : asArray(types);
    if (typeList.some(isUnknownValue)) {
        return undefined;
    }
    if (!typeList.includes("Ingress")) {
        return false;
    }
    return ingress === undefined || ingress === null || (Array.isArray(ingress) && ingress.length === 0);
}

/** The queue a namespace's applications must use: `pattern` with `{namespace}` replaced. */
export function expectedQueue(pattern: string, namespace: string): string {
    return pattern.split("{namespace}").join(namespace);
}

/**
 * True when `queue` is the namespace's own: the configured queue, or a queue under root whose leaf
 * (last dot-separated part) is the namespace, e.g. root.spark.<namespace>.
 */
export function isOwnQueue(queue: string, expected: string, namespace: string): boolean {
    const q = queue.trim().toLowerCase();
    if (q === expected.toLowerCase()) {
        return true;
    }
    const parts = q.split(".");
    return parts.length >= 2 && parts[0] === "root" && parts.every((p) => p !== "") && parts[parts.length - 1] === namespace.toLowerCase();
}

/** True when `token` occurs in `haystack` bounded by start/end or one of - _ . / : (case-insensitive). */
export function containsToken(haystack: string, token: string): boolean {
    if (token === "") {
        return false;
    }
    const h = haystack.toLowerCase();
    const t = token.toLowerCase();
    const isDelim = (c: string | undefined) => c === undefined || "-_./:".includes(c);
    let i = h.indexOf(t);
    while (i >= 0) {
        if (isDelim(i === 0 ? undefined : h[i - 1]) && isDelim(i + t.length >= h.length ? undefined : h[i + t.length])) {
            return true;
        }
        i = h.indexOf(t, i + 1);
    }
    return false;
}

/** The role name of an IAM role ARN (`arn:aws:iam::123:role/path/name` → "name"); undefined otherwise. */
export function iamRoleNameFromArn(arn: unknown): string | undefined {
    const s = asString(arn);
    const m = s ? /^arn:aws[a-z-]*:iam::\d{12}:role\/(?:.*\/)?([^/]+)$/.exec(s) : null;
    return m ? m[1] : undefined;
}

/** A right an RBAC rule grants that a tenant ServiceAccount must not hold, even in its own namespace. */
export type DangerousRight = "wildcard" | "secrets" | "exec" | "escalation" | "guardrails";

/** How messages say what each dangerous right allows. */
export const DANGEROUS_RIGHT_TEXT: Readonly<Record<DangerousRight, string>> = {
    wildcard: "every verb or every resource (*)",
    secrets: "reading Secrets (get/list/watch)",
    exec: "exec/attach into pods (pods/exec, pods/attach, nodes/proxy)",
    escalation: "bind, escalate or impersonate",
    guardrails: "changing or deleting the namespace's NetworkPolicies, ResourceQuotas or LimitRanges",
};

const GUARDRAIL_WRITE = ["update", "patch", "delete", "deletecollection"];

/**
 * The dangerous rights a Role's or ClusterRole's `rules` grant (raw rules; a single rule object is
 * accepted), matched the way the RBAC authorizer matches (k8s.io/kubernetes pkg/apis/rbac/v1
 * evaluation_helpers.go: "*" matches every verb, group or resource; "pods/*" every pods subresource):
 *   - wildcard: verbs or resources "*" (CIS EKS 4.1.3);
 *   - secrets: get, list or watch on core `secrets` (CIS EKS 4.1.2);
 *   - exec: create or get on pods/exec or pods/attach, or on nodes/proxy;
 *   - escalation: bind or escalate on (cluster)roles, impersonate on users, groups, serviceaccounts,
 *     uids or userextras (CIS EKS 4.1.8);
 *   - guardrails: create, update, patch, delete or deletecollection on networking.k8s.io
 *     `networkpolicies` (NetworkPolicies are additive: a new allow-all one cancels the default-deny),
 *     and update, patch, delete or deletecollection on core `resourcequotas` or `limitranges` (a new
 *     quota or limit range can only restrict further).
 * `unknown` is true when a rule (or its verbs/resources/apiGroups) is a preview-unknown; such a rule
 * adds nothing, the known ones still count. Absent apiGroups read as the core group.
 */
export function dangerousRights(rawRules: unknown): { rights: DangerousRight[]; unknown: boolean } {
    const rights = new Set<DangerousRight>();
    let unknown = isUnknownValue(rawRules);
    for (const rule of asArray(rawRules)) {
        if (isUnknownValue(rule)) {
            unknown = true;
            continue;
        }
        if (!isRecord(rule)) {
            continue;
        }
        const lists = [rule.verbs, rule.resources, rule.apiGroups];
        if (lists.some((l) => isUnknownValue(l) || asArray(l).some(isUnknownValue))) {
            unknown = true;
            continue;
        }
        const verbs = asArray(rule.verbs).filter((v): v is string => typeof v === "string").map((v) => v.toLowerCase());
        const resources = asArray(rule.resources).filter((v): v is string => typeof v === "string").map((v) => v.toLowerCase());
        const groups = rule.apiGroups === undefined || rule.apiGroups === null ? [""] : asArray(rule.apiGroups).filter((v): v is string => typeof v === "string");
        const verb = (...vs: string[]) => verbs.includes("*") || vs.some((v) => verbs.includes(v));
        const group = (g: string) => groups.includes("*") || groups.includes(g);
        const resource = (...rs: string[]) => resources.includes("*") || rs.some((r) => resources.includes(r) || (r.includes("/") && resources.includes(`${r.split("/")[0]}/*`)));
        if (verbs.includes("*") || resources.includes("*")) {
            rights.add("wildcard");
        }
        if (group("") && resource("secrets") && verb("get", "list", "watch")) {
            rights.add("secrets");
        }
        if (group("") && ((resource("pods/exec", "pods/attach") && verb("create", "get")) || (resource("nodes/proxy") && verb("create", "get")))) {
            rights.add("exec");
        }
        if ((group("rbac.authorization.k8s.io") && resource("roles", "clusterroles") && verb("bind", "escalate"))
            || ((group("") || group("authentication.k8s.io")) && resource("users", "groups", "serviceaccounts", "uids", "userextras") && verb("impersonate"))) {
            rights.add("escalation");
        }
        if ((group("networking.k8s.io") && resource("networkpolicies") && verb("create", ...GUARDRAIL_WRITE))
            || (group("") && resource("resourcequotas", "limitranges") && verb(...GUARDRAIL_WRITE))) {
            rights.add("guardrails");
        }
    }
    return { rights: (Object.keys(DANGEROUS_RIGHT_TEXT) as DangerousRight[]).filter((r) => rights.has(r)), unknown };
}
