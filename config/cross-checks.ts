/**
 * Cross-field checks of the stack configuration: rules that relate two keys or two sections. Field
 * rules (types, ranges, patterns, defaults) are in schema.ts.
 */
import { cidrContains, cidrsOverlap, mustParseCidr, parseCidr, VPC_ALLOWED_RANGES } from "../lib/cidr";
import { EKS_VERSION_SUPPORT, eksVersionSupport } from "../lib/eks-versions";
import { archOfFamily, familyOf } from "../lib/instance-families";
import { executorCpuCapacity } from "../components/karpenter/node-pools";
import { bucketNameProblem, teamBucketName } from "../components/storage/plan";
import { prefixOwner } from "../components/tenancy/iam";
import { deployIssues, vpcBlocks } from "./deploy-checks";
import type { Sections } from "./schema";

/** One problem with the stack configuration. */
export interface ConfigIssue {
    /** Full key path, e.g. `moka:teams[1].quota.cpu`. */
    readonly path: string;
    readonly message: string;
}

/**
 * Checks that span keys or sections (a CIDR against the VPC, team prefixes against each other, guaranteed
 * CPU against the executor pools). Runs on whatever sections parsed, so a broken section does not hide
 * the problems of the others. `today` (YYYY-MM-DD, UTC) dates the EKS version calendar.
 */
export function crossFieldIssues(p: Partial<Sections>, today: string = new Date().toISOString().slice(0, 10)): ConfigIssue[] {
    const issues: ConfigIssue[] = [];
    const add = (path: string, message: string) => issues.push({ path, message });

    if (p.network) {
        const vpc = mustParseCidr(p.network.vpcCidr);
        const pods = mustParseCidr(p.network.podCidr);
        if (vpc.prefix < 16 || vpc.prefix > 20) {
            add("moka:network.vpcCidr", `must be between /16 and /20 (AWS allows at most /16; the subnet plan needs at least /20), got /${vpc.prefix}`);
        }
        if (pods.prefix < 16 || pods.prefix > 20) {
            add("moka:network.podCidr", `must be between /16 and /20, got /${pods.prefix}`);
        }
        const zones = p.network.availabilityZones;
        if (zones !== undefined) {
            if (zones.length !== p.network.azCount) {
                add("moka:network.availabilityZones", `lists ${zones.length} zones but azCount is ${p.network.azCount}`);
            }
            zones.forEach((z, i) => {
                if (p.region !== undefined && !z.startsWith(p.region)) {
                    add(`moka:network.availabilityZones[${i}]`, `${z} is not in region ${p.region}`);
                }
                if (zones.indexOf(z) !== i) {
                    add(`moka:network.availabilityZones[${i}]`, `duplicate zone ${z}`);
                }
            });
        }
        if (cidrsOverlap(vpc, pods)) {
            add("moka:network.podCidr", `${p.network.podCidr} overlaps the VPC CIDR ${p.network.vpcCidr}; pick a disjoint block such as 100.64.0.0/16`);
        }
        for (const [key, block] of [["vpcCidr", vpc], ["podCidr", pods]] as const) {
            if (!VPC_ALLOWED_RANGES.some((r) => cidrContains(mustParseCidr(r), block))) {
                add(`moka:network.${key}`, `must lie in a private range (${VPC_ALLOWED_RANGES.join(", ")})`);
            }
        }
    }

    if (p.cluster) {
        const version = p.cluster.kubernetesVersion;
        const support = eksVersionSupport(version);
        const known = `${EKS_VERSION_SUPPORT[0].version}–${EKS_VERSION_SUPPORT[EKS_VERSION_SUPPORT.length - 1].version}`;
        if (support === undefined) {
            add("moka:cluster.kubernetesVersion", `${version} is not in the EKS version calendar (lib/eks-versions.ts knows ${known}); use a version EKS offers, or add the new one to the calendar`);
        } else if (support.endOfExtendedSupport < today) {
            add("moka:cluster.kubernetesVersion", `${version} left EKS extended support on ${support.endOfExtendedSupport}, so EKS no longer runs it; use a version in standard support`);
        }
        const sys = p.cluster.systemNodes;
        if (!(sys.minSize <= sys.desiredSize && sys.desiredSize <= sys.maxSize)) {
            add("moka:cluster.systemNodes", `sizes must satisfy minSize <= desiredSize <= maxSize (got ${sys.minSize}/${sys.desiredSize}/${sys.maxSize})`);
        }
        const archs = new Set(sys.instanceTypes.map((t) => archOfFamily(familyOf(t))));
        if (archs.size > 1) {
            add("moka:cluster.systemNodes.instanceTypes", "must all share one architecture (a managed node group has one AMI type)");
        }
        if (p.network) {
            const vpc = mustParseCidr(vpcBlocks(p.network)[0]);
            p.cluster.publicAccessCidrs.forEach((c, i) => {
                const block = parseCidr(c);
                if (block && cidrsOverlap(block, vpc)) {
                    add(`moka:cluster.publicAccessCidrs[${i}]`, `${c} overlaps the VPC; public-endpoint CIDRs are for callers outside the VPC (inside it the private endpoint is used)`);
                }
            });
        }
    }

    if (p.teams) {
        const seen = new Map<string, number>();
        p.teams.forEach((t, i) => {
            const first = seen.get(t.name);
            if (first !== undefined) {
                add(`moka:teams[${i}].name`, `duplicate team name "${t.name}" (also moka:teams[${first}])`);
            } else {
                seen.set(t.name, i);
            }
            if (t.quota.guaranteedCpu > t.quota.cpu) {
                add(`moka:teams[${i}].quota.guaranteedCpu`, `must not exceed quota.cpu (${t.quota.cpu})`);
            }
            if (t.quota.guaranteedMemoryGi > t.quota.memoryGi) {
                add(`moka:teams[${i}].quota.guaranteedMemoryGi`, `must not exceed quota.memoryGi (${t.quota.memoryGi})`);
            }
            if (t.podSecurity === "baseline" && !t.podSecurityReason) {
                add(`moka:teams[${i}].podSecurityReason`, "is required when podSecurity is baseline: say why the team cannot run under restricted");
            }
            const prefix = t.dataPrefix;
            t.sharedPrefixes.forEach((s, j) => {
                const owner = prefixOwner(s, p.teams!);
                if (s === prefix || s.startsWith(`${prefix}/`)) {
                    add(`moka:teams[${i}].sharedPrefixes[${j}]`, "is inside the team's own data prefix; list only other teams' prefixes");
                } else if (owner === undefined) {
                    add(`moka:teams[${i}].sharedPrefixes[${j}]`, `"${s}" is under no team's dataPrefix; each team's data lives in its own bucket, so a shared read names a prefix under another team's dataPrefix (e.g. ${p.teams!.find((o) => o.name !== t.name)?.dataPrefix ?? "teams/<team>"}/exports)`);
                }
            });
            if (p.accountId !== undefined && p.environment !== undefined) {
                const bucket = teamBucketName(`${p.namePrefix ?? "moka"}-${p.environment}`, t.name, p.accountId);
                const problem = bucketNameProblem(bucket);
                if (problem) {
                    add(`moka:teams[${i}].name`, `the team's bucket name "${bucket}" ${problem}; shorten the team name or moka:namePrefix`);
                }
            }
        });
        issues.push(...accessIssues(p));
        const prefixes = new Map<string, number>();
        p.teams.forEach((t, i) => {
            const prefix = t.dataPrefix;
            for (const [other, j] of prefixes) {
                if (other === prefix || other.startsWith(`${prefix}/`) || prefix.startsWith(`${other}/`)) {
                    add(`moka:teams[${i}].dataPrefix`, `"${prefix}" overlaps moka:teams[${j}]'s prefix "${other}"; team prefixes must be disjoint`);
                }
            }
            prefixes.set(prefix, i);
        });
        if (p.storage) {
            const overlaps = (a: string, b: string) => a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
            p.teams.forEach((t, i) => {
                for (const key of ["eventLogPrefix", "containerLogPrefix"] as const) {
                    if (overlaps(t.dataPrefix, p.storage![key])) {
                        add(`moka:teams[${i}].dataPrefix`, `must not overlap moka:storage.${key} "${p.storage![key]}" (the team bucket holds both)`);
                    }
                }
            });
        }
        if (p.nodePools) {
            const capacity = executorCpuCapacity(p.nodePools);
            const guaranteed = p.teams.reduce((sum, t) => sum + t.quota.guaranteedCpu, 0);
            if (guaranteed > capacity) {
                add("moka:teams", `guaranteed CPU across teams (${guaranteed}) exceeds the executor pools' combined cpuLimit (${capacity}); YuniKorn could never honour it`);
            }
        }
    }
    // The API path, the cluster creator, the system-node capacity, an existing VPC, the Spark image source.
    issues.push(...deployIssues(p));
    return issues;
}

/**
 * Team principals: an IAM principal has exactly one EKS access entry, so it can belong to one team only
 * (and appear once in it); a cluster admin role may double as a team principal only with
 * `access.allowAdminOverlap: true` and a reason (it then keeps its admin entry, a superset of the team's).
 */
function accessIssues(p: Partial<Sections>): ConfigIssue[] {
    const issues: ConfigIssue[] = [];
    const seen = new Map<string, string>();
    const admins = (p.cluster?.adminRoleArns ?? []).map((a) => a.toLowerCase());
    p.teams!.forEach((t, i) => {
        const principals: [string, string][] = [
            [`moka:teams[${i}].access.ci`, t.access.ci],
            ...t.access.developers.map((d, j): [string, string] => [`moka:teams[${i}].access.developers[${j}].roleArn`, d.roleArn]),
        ];
        for (const [path, arn] of principals) {
            const key = arn.toLowerCase();
            const first = seen.get(key);
            if (first !== undefined) {
                issues.push({ path, message: `${arn} is already a principal at ${first}; an IAM principal has one EKS access entry, so it belongs to one team, once` });
            } else {
                seen.set(key, path);
            }
            const admin = admins.indexOf(key);
            if (admin >= 0 && !t.access.allowAdminOverlap) {
                issues.push({ path, message: `${arn} is also a cluster admin (moka:cluster.adminRoleArns[${admin}]); use a separate role, or set moka:teams[${i}].access.allowAdminOverlap: true with adminOverlapReason (it then keeps its cluster-wide admin entry)` });
            }
        }
        if (t.access.allowAdminOverlap && !t.access.adminOverlapReason) {
            issues.push({ path: `moka:teams[${i}].access.adminOverlapReason`, message: "is required when allowAdminOverlap is true: say why an admin role is also this team's principal" });
        }
    });
    return issues;
}
