/**
 * Cross-field checks of the stack configuration: rules that relate two keys or two sections. Field
 * rules (types, ranges, patterns, defaults) are in schema.ts.
 */
import { cidrContains, cidrsOverlap, mustParseCidr, parseCidr, VPC_ALLOWED_RANGES } from "../lib/cidr";
import { archOfFamily, familyOf } from "../lib/instance-families";
import { executorCpuCapacity } from "../components/karpenter/node-pools";
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
 * the problems of the others.
 */
export function crossFieldIssues(p: Partial<Sections>): ConfigIssue[] {
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
        const minor = Number(p.cluster.kubernetesVersion.split(".")[1]);
        if (minor < 30) {
            add("moka:cluster.kubernetesVersion", `${p.cluster.kubernetesVersion} is past EKS standard support; use 1.30 or newer`);
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
                if (s === prefix || s.startsWith(`${prefix}/`)) {
                    add(`moka:teams[${i}].sharedPrefixes[${j}]`, "is inside the team's own data prefix; list only other teams' prefixes");
                }
            });
        });
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
            const ev = p.storage.eventLogPrefix;
            p.teams.forEach((t, i) => {
                const prefix = t.dataPrefix;
                if (prefix === ev || prefix.startsWith(`${ev}/`)) {
                    add(`moka:teams[${i}].dataPrefix`, `must not sit under the event-log prefix "${ev}"`);
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
