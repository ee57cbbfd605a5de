/**
 * Workloads act only as their own namespace's identities.
 *
 * Flags (one violation per resource, listing every problem):
 * - a workload (Pod, Deployment…, CronJob, SparkApplication / SparkConnect roles and their templates —
 *   policies/lib/pod-spec.ts identityUses) whose `serviceAccountName` / `serviceAccount` carries a namespace qualifier
 *   (`other-ns:sa`, `other-ns/sa`, `system:serviceaccount:other-ns:sa`);
 * - a workload whose ServiceAccount is not defined in its own namespace while this stack defines a
 *   ServiceAccount of that name in other namespaces (the stack's SAs are the only reliable source:
 *   an SA not in the stack at all is not judged);
 * - a SparkApplication whose `sparkConf` names another service account the same way
 *   (`spark.kubernetes.authenticate.{driver,executor}.serviceAccountName`) or points
 *   `spark.kubernetes.namespace` at another namespace;
 * - an EKS Pod Identity association (`aws:eks/podIdentityAssociation:PodIdentityAssociation`) or an
 *   IRSA ServiceAccount annotation (`eks.amazonaws.com/role-arn`) that hands a namespace another
 *   tenant's IAM role. The role is resolved through the `roleArn` / `targetRoleArn` property
 *   dependency on an `aws:iam/role:Role` in the stack, or from a literal ARN. It belongs to another
 *   tenant when its `team` / `moka.dev/team` tag names another namespace, when its name follows the
 *   platform's `<baseName>-team-<team>` convention (config `teamRoleNamePattern`) for another team —
 *   unless the name ends in the associated namespace itself and that namespace ends in the captured
 *   team (`<cluster>-emr-data-team-a` associated with namespace `emr-data-team-a`: the actual
 *   association explains the name, the pattern's "a" does not),
 *   or when its name contains another tenant namespace of this stack as a delimited token and not its
 *   own. Roles without such markers are not judged: nothing reliable says whose they are.
 *
 * Linear: one indexing pass (Namespaces, ServiceAccounts, IAM roles), one checking pass. Unknown
 * values are skipped, then re-raised at the end as the usual advisory. A judgement an unknown could
 * turn is not made: a role whose team tag is unknown has an unknown owner (no fall-back to its name),
 * and a ServiceAccount whose name or namespace is unknown may be the one a workload's namespace
 * defines.
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { LABELS, SPARK_SERVICE_ACCOUNT } from "../../../lib/platform";
import { cisEks } from "../../lib/frameworks";
import { isUnknownValue, peek, peekPath, rawProps, UnknownTracker } from "../../lib/known";
import { identityUses, isWorkloadType, pathText, workloadKind } from "../../lib/pod-spec";
import { asString, configValue, isRecord, isStringValue } from "../../lib/props";
import { asTagMap } from "../../lib/tags";
import { listText } from "../../lib/text";
import { SYSTEM_NAMESPACES_SCHEMA, systemNamespaces, URLS } from "../common";
import {
    buildNamespaceIndex, containsToken, iamRoleNameFromArn, isKind, isTenantNamespace, namespaceRef, noteUnknownNamespace, type NamespaceIndex, type StackResourceLike,
} from "../lib/tenancy";

const IAM_ROLE_TYPE = "aws:iam/role:Role";
const POD_IDENTITY_TYPE = "aws:eks/podIdentityAssociation:PodIdentityAssociation";
const IRSA_ANNOTATION = "eks.amazonaws.com/role-arn";
const TEAM_TAG_KEYS = ["team", LABELS.team];
const DEFAULT_TEAM_ROLE_PATTERN = "-team-([a-z0-9]([-a-z0-9]*[a-z0-9])?)$";

interface RoleInfo {
    readonly name: string | undefined;
    readonly team: string | undefined;
    /** The role's (proxied) props when a team tag it may carry is a preview-unknown: its owner cannot be told. */
    readonly unknownTeam?: unknown;
}

/** Where to note an unknown (obj being proxied props). */
interface UnknownAt {
    readonly obj: unknown;
    readonly path: readonly (string | number)[];
}

function knownString(v: unknown): string | undefined {
    return typeof v === "string" && !isUnknownValue(v) && v !== "" ? v : undefined;
}

/**
 * Every substring of `name` that starts and ends on a delimiter boundary (- _ . / :), lower-cased:
 * "a-b.c" → a, a-b, a-b.c, b, b.c, c. O(k²) in the number of segments, independent of how many
 * tenants the stack has, so checking a role name stays linear in the stack size.
 */
function delimitedSubstrings(name: string): string[] {
    const lower = name.toLowerCase();
    const bounds: [number, number][] = [];
    const re = /[^-_./:]+/g;
    for (let m = re.exec(lower); m !== null; m = re.exec(lower)) {
        bounds.push([m.index, m.index + m[0].length]);
    }
    const out: string[] = [];
    for (let i = 0; i < bounds.length && i < 16; i++) {
        for (let j = i; j < bounds.length && j < i + 16; j++) {
            out.push(lower.slice(bounds[i][0], bounds[j][1]));
        }
    }
    return out;
}

/** True when `name` ends with `token` on a delimiter boundary (- _ . / : or the start), case-insensitively. */
function endsWithToken(name: string, token: string): boolean {
    const n = name.toLowerCase();
    const t = token.toLowerCase();
    return t !== "" && n.endsWith(t) && (n.length === t.length || "-_./:".includes(n[n.length - t.length - 1]));
}

function safeRegExp(source: string, fallback: string): RegExp {
    try {
        return new RegExp(source);
    } catch {
        return new RegExp(fallback);
    }
}

export const tenantServiceAccountsOwnNamespace: StackValidationPolicy = {
    name: "tenant-service-accounts-own-namespace",
    description: "Checks that workloads use ServiceAccounts of their own namespace and that Pod Identity associations and IRSA annotations do not give a namespace another tenant's IAM role.",
    enforcementLevel: "mandatory",
    severity: "critical",
    tags: ["isolation", "service-account", "pod-identity", "iam", "multi-tenancy"],
    url: URLS.podIdentity,
    framework: cisEks("4.5.1", "Create administrative boundaries between resources using namespaces"),
    remediationSteps:
        `Run every workload as a ServiceAccount defined in its own namespace (the team's \`${SPARK_SERVICE_ACCOUNT}\` SA), without namespace qualifiers, and do not ` +
        "override spark.kubernetes.namespace or the authenticate.*.serviceAccountName Spark settings. Associate each namespace only with its own " +
        "team role (<baseName>-team-<team>) in Pod Identity associations and IRSA annotations.",
    configSchema: {
        properties: {
            systemNamespaces: SYSTEM_NAMESPACES_SCHEMA,
            teamRoleNamePattern: {
                type: "string",
                default: DEFAULT_TEAM_ROLE_PATTERN,
                description: "Regular expression on IAM role names whose first capture group is the team (namespace) the role belongs to.",
            },
        },
    },
    validateStack: (args, reportViolation) => {
        const config = args.getConfig();
        const system = systemNamespaces(config);
        const teamRole = safeRegExp(configValue(config, "teamRoleNamePattern", DEFAULT_TEAM_ROLE_PATTERN, isStringValue), DEFAULT_TEAM_ROLE_PATTERN);
        const tracker = new UnknownTracker();
        const index: NamespaceIndex = buildNamespaceIndex(args.resources);
        const resources = args.resources as unknown as readonly (StackResourceLike & { name: string })[];

        // --- index: ServiceAccounts by name, IAM roles by URN, tenant namespace names ----------
        const saNamespaces = new Map<string, Set<string>>();
        // ServiceAccounts that may carry a name in a namespace the index cannot tell.
        const saUnknownNsByName = new Map<string, UnknownAt>(); // name known, namespace unknown
        const saUnknownNameByNs = new Map<string, UnknownAt>(); // namespace known, name unknown
        let saUnknownBoth: UnknownAt | undefined; // neither known
        const roles = new Map<string, RoleInfo>();
        const tenants = new Set<string>();
        for (const ns of index.byName.values()) {
            if (ns.name !== undefined && isTenantNamespace(ns.name, system, index)) {
                tenants.add(ns.name);
            }
        }
        for (const r of resources) {
            if (isKind(r.type, "ServiceAccount")) {
                const rawName = peekPath(r.props, "metadata", "name");
                const name = knownString(rawName);
                const ref = namespaceRef(r, index);
                const nameUnknown = isUnknownValue(rawName);
                if (nameUnknown || ref.unknown) {
                    const nsAt: UnknownAt = ref.unknown && !isUnknownValue(peekPath(r.props, "metadata", "namespace")) && r.provider
                        ? { obj: r.provider.props, path: ["namespace"] }
                        : { obj: r.props, path: ["metadata", "namespace"] };
                    const at: UnknownAt = nameUnknown ? { obj: r.props, path: ["metadata", "name"] } : nsAt;
                    if (nameUnknown && ref.unknown) {
                        saUnknownBoth = saUnknownBoth ?? at;
                    } else if (nameUnknown && ref.name !== undefined && !saUnknownNameByNs.has(ref.name)) {
                        saUnknownNameByNs.set(ref.name, at);
                    } else if (name !== undefined && ref.unknown && !saUnknownNsByName.has(name)) {
                        saUnknownNsByName.set(name, at);
                    }
                }
                if (name !== undefined && ref.name !== undefined) {
                    (saNamespaces.get(name) ?? saNamespaces.set(name, new Set()).get(name)!).add(ref.name);
                    if (isTenantNamespace(ref.name, system, index)) {
                        tenants.add(ref.name);
                    }
                }
            } else if (r.type === IAM_ROLE_TYPE) {
                const rawTags = peek(r.props, "tags");
                const tags = isUnknownValue(rawTags) ? {} : asTagMap(rawTags);
                let team: string | undefined;
                let unknownTeam = isUnknownValue(rawTags);
                for (const k of TEAM_TAG_KEYS) {
                    if (unknownTeam || team !== undefined) {
                        break;
                    }
                    unknownTeam = isUnknownValue(tags[k]);
                    team = knownString(tags[k]);
                }
                roles.set(r.urn, { name: knownString(peek(r.props, "name")), team, unknownTeam: unknownTeam ? r.props : undefined });
            } else if (r.type === POD_IDENTITY_TYPE) {
                const ns = knownString(peek(r.props, "namespace"));
                if (ns !== undefined && isTenantNamespace(ns, system, index)) {
                    tenants.add(ns);
                }
            }
        }

        /** Why a role belongs to a tenant other than `ns`, or undefined; a role whose owner is unknown is noted, not judged. */
        const foreignRole = (ns: string, role: RoleInfo): string | undefined => {
            if (role.unknownTeam !== undefined) {
                tracker.note(role.unknownTeam, "tags");
                return undefined;
            }
            if (role.team !== undefined) {
                return role.team !== ns ? `is tagged team "${role.team}"` : undefined;
            }
            if (role.name === undefined) {
                return undefined;
            }
            const m = teamRole.exec(role.name);
            if (m && m[1] !== undefined) {
                // The namespace actually associated wins over the pattern's capture when it explains the
                // name better: "data-on-eks-emr-data-team-a" for namespace "emr-data-team-a" captures "a",
                // but the name ends in the whole namespace, which ends in the capture.
                if (m[1] !== ns && endsWithToken(role.name, ns) && ns.toLowerCase().endsWith(m[1].toLowerCase())) {
                    return undefined;
                }
                return m[1] !== ns ? `is team "${m[1]}"'s role by name` : undefined;
            }
            if (containsToken(role.name, ns)) {
                return undefined;
            }
            const other = delimitedSubstrings(role.name).find((t) => tenants.has(t) && t !== ns && !containsToken(ns, t));
            return other !== undefined ? `names tenant "${other}"` : undefined;
        };

        /** The IAM role behind an ARN property: its stack resource (via dependency), else the ARN's name. */
        const roleFor = (r: StackResourceLike, key: string, raw: unknown): RoleInfo | undefined | null => {
            for (const d of r.propertyDependencies?.[key] ?? []) {
                const info = roles.get(d.urn);
                if (info) {
                    return info;
                }
            }
            if (isUnknownValue(raw)) {
                return null;
            }
            const name = iamRoleNameFromArn(raw);
            return name === undefined ? undefined : { name, team: undefined };
        };

        // --- checks ------------------------------------------------------------------------------
        for (const r of resources) {
            const problems: string[] = [];
            let subject = "";
            if (isWorkloadType(r.type)) {
                const ref = namespaceRef(r, index);
                if (ref.unknown) {
                    noteUnknownNamespace(tracker, r);
                    continue;
                }
                const ns = ref.name;
                const raw = rawProps(r.props);
                subject = `${r.type.split(":").pop()} "${knownString(peekPath(raw, "metadata", "name")) ?? r.name}" in namespace "${ns ?? "(auto-named)"}"`;
                const checkSa = (where: string, path: readonly (string | number)[], v: unknown) => {
                    if (isUnknownValue(v)) {
                        tracker.note(r.props, ...path);
                        return;
                    }
                    const sa = asString(v);
                    if (sa === undefined || sa === "") {
                        return;
                    }
                    if (sa.includes(":") || sa.includes("/")) {
                        problems.push(`${where} "${sa}" names a ServiceAccount with a namespace qualifier`);
                        return;
                    }
                    const definedIn = saNamespaces.get(sa);
                    if (ns !== undefined && definedIn !== undefined && !definedIn.has(ns)) {
                        // A ServiceAccount of unknown name/namespace may be this very one in `ns`.
                        const maybe = saUnknownNsByName.get(sa) ?? saUnknownNameByNs.get(ns) ?? saUnknownBoth;
                        if (maybe !== undefined) {
                            tracker.note(maybe.obj, ...maybe.path);
                            return;
                        }
                        problems.push(`${where} "${sa}" is defined in ${listText([...definedIn].map((n) => `"${n}"`))} but not in "${ns}"`);
                    }
                };
                // Every setting that names a pod's ServiceAccount (pod fields, Spark roles, their
                // templates and the authenticate.*.serviceAccountName sparkConf keys), each once.
                const seen = new Set<string>();
                for (const use of identityUses(r.type, raw)) {
                    for (const f of use.serviceAccount) {
                        const where = pathText(f.path);
                        if (!seen.has(where)) {
                            seen.add(where);
                            checkSa(where, f.path, f.value);
                        }
                    }
                }
                const kind = workloadKind(r.type);
                if (kind === "SparkApplication" || kind === "ScheduledSparkApplication" || kind === "SparkConnect") {
                    const specPath = kind === "ScheduledSparkApplication" ? ["spec", "template"] : ["spec"];
                    const conf = peekPath(raw, ...specPath, "sparkConf");
                    const target = isRecord(conf) ? conf["spark.kubernetes.namespace"] : undefined;
                    if (isUnknownValue(conf) || isUnknownValue(target)) {
                        tracker.note(r.props, ...specPath, "sparkConf");
                    } else if (typeof target === "string" && ns !== undefined && target !== ns) {
                        problems.push(`sparkConf["spark.kubernetes.namespace"] is "${target}", another namespace`);
                    }
                }
            } else if (r.type === POD_IDENTITY_TYPE) {
                const rawNs = peek(r.props, "namespace");
                let ns = knownString(rawNs);
                if (ns === undefined) {
                    const dep = (r.propertyDependencies?.namespace ?? []).map((d) => index.byUrn.get(d.urn)).find((x) => x !== undefined);
                    ns = dep?.name;
                }
                if (ns === undefined) {
                    if (isUnknownValue(rawNs)) {
                        tracker.note(r.props, "namespace");
                    }
                    continue;
                }
                subject = `Pod Identity association "${r.name}" for namespace "${ns}"`;
                for (const key of ["roleArn", "targetRoleArn"]) {
                    const raw = peek(r.props, key);
                    const role = roleFor(r, key, raw);
                    if (role === null) {
                        tracker.note(r.props, key);
                        continue;
                    }
                    const why = role ? foreignRole(ns, role) : undefined;
                    if (why) {
                        problems.push(`its ${key} role "${role!.name ?? "?"}" ${why}`);
                    }
                }
            } else if (isKind(r.type, "ServiceAccount")) {
                const annotations = peekPath(r.props, "metadata", "annotations");
                const arn = isRecord(annotations) ? annotations[IRSA_ANNOTATION] : undefined;
                if (arn === undefined) {
                    continue;
                }
                const ref = namespaceRef(r, index);
                if (ref.unknown || isUnknownValue(arn)) {
                    if (ref.unknown) {
                        noteUnknownNamespace(tracker, r);
                    }
                    tracker.note(r.props, "metadata");
                    continue;
                }
                if (ref.name === undefined) {
                    continue;
                }
                const role = roleFor(r, "metadata", arn);
                const why = role ? foreignRole(ref.name, role) : undefined;
                subject = `ServiceAccount "${knownString(peekPath(r.props, "metadata", "name")) ?? r.name}" in namespace "${ref.name}"`;
                if (why) {
                    problems.push(`its ${IRSA_ANNOTATION} role "${role!.name ?? "?"}" ${why}`);
                }
            }
            if (problems.length > 0) {
                reportViolation(
                    `${subject}: ${listText(problems)}. A workload that runs as another namespace's ServiceAccount or assumes another team's ` +
                        "IAM role gets that team's Kubernetes rights and data access, which breaks tenant isolation. Use the ServiceAccount " +
                        "and team role of the workload's own namespace.",
                    r.urn,
                );
            }
        }
        tracker.rethrow();
    },
};
