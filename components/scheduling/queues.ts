/**
 * The YuniKorn queue configuration (`queues.yaml`) for the team queues. Pure: teams in, config out.
 *
 * Facts this relies on (YuniKorn 1.9 docs in apache/yunikorn-site versioned_docs/version-1.9.0 and
 * apache/yunikorn-core branch-1.9):
 * - Placement: rules run in order; the `tag` rule with `value: namespace` returns `root.<pod namespace>`
 *   (the shim sets the `namespace` tag from the pod's namespace, so it cannot be forged). With
 *   `create: false` the queue must already exist. With no `provided` rule the `queue` label/annotation
 *   a job sets is ignored, so a job cannot pick another team's queue.
 * - Fallback: when no rule matches, YuniKorn tries `root.default` and otherwise rejects the application
 *   ("application rejected: no placement rule matched"). There is no explicit `reject` rule; leaving
 *   `root.default` undefined IS the reject. (A `fixed` rule to a missing queue only fails that rule.)
 * - Quantities (pkg/common/resources/quantity.go): whole numbers with an optional SI suffix. `vcore`
 *   is parsed by ParseVCore: a bare number is cores, the `m` suffix is millicores; decimals are
 *   rejected. `memory` is bytes with k/M/G/Ki/Mi/Gi... suffixes.
 * - ACLs (pkg/common/security/acl.go): `"user1,user2 group1,group2"`, `"*"` for everyone, a leading space
 *   for groups only. The ACL parser only keeps users matching `^[_a-zA-Z][a-zA-Z0-9_.@-]*[$]?$` and groups
 *   matching `^[_a-zA-Z][a-zA-Z0-9_-]*$` and silently drops the rest. Kubernetes service-account
 *   identities (`system:serviceaccount:<ns>:<sa>`, groups `system:serviceaccounts:<ns>`) contain ':' and
 *   can therefore never match a queue ACL. A team ACL listing the team's service account would deny
 *   every Spark job. ACL checks also walk up to the parent, so the root ACL must stay admin-only.
 */
import * as yaml from "js-yaml";
import type { TeamConfig } from "../../config";
import { PLATFORM_ADMIN_GROUP, teamQueue } from "../../lib/platform";

/** YuniKorn's user-name and group-name patterns for ACL entries (apache/yunikorn-core pkg/common/security/acl.go). */
export const YUNIKORN_ACL_USER = /^[_a-zA-Z][a-zA-Z0-9_.@-]*[$]?$/;
export const YUNIKORN_ACL_GROUP = /^[_a-zA-Z][a-zA-Z0-9_-]*$/;

/** Default admin group on the root queue: the group the Cluster component gives the admin roles' access entries (lib/platform.ts). */
export const DEFAULT_YUNIKORN_ADMIN_GROUPS: readonly string[] = [PLATFORM_ADMIN_GROUP];

export interface YunikornQueueOptions {
    /** Groups given submit + admin rights on `root` (and so on every queue). Defaults to ["platform-admins"]. */
    readonly adminGroups?: readonly string[];
    /** Users given submit + admin rights on `root`. Defaults to none. */
    readonly adminUsers?: readonly string[];
}

export interface QueueResources {
    vcore: string;
    memory: string;
}

export interface TeamQueueConfig {
    name: string;
    submitacl: string;
    maxapplications: number;
    resources: { guaranteed: QueueResources; max: QueueResources };
}

export interface PlacementRule {
    name: string;
    value?: string;
    create?: boolean;
}

export interface QueuesConfig {
    partitions: [{
        name: "default";
        placementrules: PlacementRule[];
        queues: [{ name: "root"; submitacl: string; adminacl: string; queues: TeamQueueConfig[] }];
    }];
}

/** A CPU quantity as YuniKorn parses `vcore`: whole cores as "16", anything finer as millicores "2500m". */
export function vcoreQuantity(cores: number): string {
    if (!Number.isFinite(cores) || cores <= 0) {
        throw new Error(`vcore quantity must be a positive number of cores, got ${cores}`);
    }
    const milli = Math.round(cores * 1000);
    if (milli < 1) {
        throw new Error(`vcore quantity ${cores} is below one millicore`);
    }
    return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
}

/** A memory quantity in GiB as YuniKorn parses `memory`: "64Gi". */
export function memoryQuantity(gi: number): string {
    if (!Number.isInteger(gi) || gi <= 0) {
        throw new Error(`memory quantity must be a positive whole number of GiB, got ${gi}`);
    }
    return `${gi}Gi`;
}

/** Builds a YuniKorn ACL string, refusing entries YuniKorn would silently drop. */
export function yunikornAcl(users: readonly string[], groups: readonly string[]): string {
    for (const u of users) {
        if (!YUNIKORN_ACL_USER.test(u)) {
            throw new Error(`YuniKorn ACL user "${u}" would be ignored by YuniKorn (allowed: ${YUNIKORN_ACL_USER.source})`);
        }
    }
    for (const g of groups) {
        if (!YUNIKORN_ACL_GROUP.test(g)) {
            throw new Error(`YuniKorn ACL group "${g}" would be ignored by YuniKorn (allowed: ${YUNIKORN_ACL_GROUP.source})`);
        }
    }
    if (users.length === 0 && groups.length === 0) {
        return " ";
    }
    return groups.length === 0 ? users.join(",") : `${users.join(",")} ${groups.join(",")}`;
}

/**
 * The queue configuration object: partition `default`, an admin-only `root`, one leaf queue per team
 * named after the team (`root.<team>`, see constants.teamQueue), and a single placement rule that
 * puts an application in the queue named after its namespace.
 *
 * Team queues carry `submitacl: "*"`. That is deliberate and safe: the only way into `root.<team>` is
 * the namespace tag rule, so "who may submit to the team queue" is exactly "who may create pods in the
 * team namespace", which Kubernetes RBAC decides. A narrower YuniKorn ACL cannot be expressed for
 * service accounts (see the file comment) and would reject every job.
 */
export function yunikornQueues(teams: readonly TeamConfig[], options: YunikornQueueOptions = {}): QueuesConfig {
    if (teams.length === 0) {
        throw new Error("yunikornQueues: teams must list at least one team");
    }
    const seen = new Set<string>();
    for (const t of teams) {
        if (seen.has(t.name)) {
            throw new Error(`yunikornQueues: duplicate team "${t.name}"`);
        }
        seen.add(t.name);
        if (t.namespace !== t.name) {
            throw new Error(`yunikornQueues: team "${t.name}" has namespace "${t.namespace}"; the namespace placement rule needs them equal`);
        }
        if (teamQueue(t.name) !== `root.${t.name}`) {
            throw new Error(`yunikornQueues: teamQueue("${t.name}") must be root.${t.name}`);
        }
        if (t.name === "default") {
            throw new Error("yunikornQueues: a team may not be called \"default\"; root.default is the YuniKorn fallback queue");
        }
        if (t.quota.guaranteedCpu > t.quota.cpu || t.quota.guaranteedMemoryGi > t.quota.memoryGi) {
            throw new Error(`yunikornQueues: team "${t.name}" guarantees more than its maximum`);
        }
    }
    const rootAcl = yunikornAcl(options.adminUsers ?? [], options.adminGroups ?? DEFAULT_YUNIKORN_ADMIN_GROUPS);
    if (rootAcl.trim() === "" || rootAcl.trim() === "*") {
        throw new Error("yunikornQueues: the root queue needs at least one admin user or group, and never \"*\"");
    }
    return {
        partitions: [{
            name: "default",
            placementrules: [{ name: "tag", value: "namespace", create: false }],
            queues: [{
                name: "root",
                submitacl: rootAcl,
                adminacl: rootAcl,
                queues: teams.map((t) => ({
                    name: t.name,
                    submitacl: "*",
                    maxapplications: t.quota.maxApplications,
                    resources: {
                        guaranteed: { vcore: vcoreQuantity(t.quota.guaranteedCpu), memory: memoryQuantity(t.quota.guaranteedMemoryGi) },
                        max: { vcore: vcoreQuantity(t.quota.cpu), memory: memoryQuantity(t.quota.memoryGi) },
                    },
                })),
            }],
        }],
    };
}

/** `queues.yaml` text for the `yunikorn-defaults` ConfigMap. ACL strings are always quoted (a leading space must survive). */
export function yunikornQueuesConfig(teams: readonly TeamConfig[], options: YunikornQueueOptions = {}): string {
    return yaml.dump(yunikornQueues(teams, options), { quotingType: "\"", forceQuotes: true, lineWidth: -1, noRefs: true });
}
