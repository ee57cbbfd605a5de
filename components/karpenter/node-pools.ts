/**
 * Spark NodePools as data. `moka:nodePools` (and the Karpenter component's `args.nodePools`) is a map of
 * any number of pools keyed by a DNS label; each pool declares its architecture and role. This file is
 * the one home of the pool rules: the zod schema with its defaults and cross-checks (config composes it,
 * the component validates its args with it), and the pure builders of the karpenter.sh/v1 NodePool spec.
 *
 * Field names and limits follow the v1 CRDs shipped with chart 1.14.1
 * (aws/karpenter-provider-aws pkg/apis/crds/karpenter.sh_nodepools.yaml); the duration pattern is the
 * CRD's own (`^(([0-9]+(s|m|h))+|Never)$`, as in @kubernetes-models/karpenter 2.0.0), and the tests
 * validate every spec against @kubernetes-models/karpenter.
 */
import { z } from "zod";
import { archOfFamily, parseFamily, type Arch } from "../../lib/instance-families";
import { DNS1123_LABEL } from "../../lib/patterns";
import { DRIVER_NODE_LABEL, DRIVER_TAINT } from "../../lib/platform";
import { issueMessage, issuePath } from "../../lib/zod-issues";

// ---------------------------------------------------------------------------------------------
// Schema
// ---------------------------------------------------------------------------------------------

export const POOL_ARCHES = ["arm64", "amd64"] as const;
/** `executor` pools take Spark executors (spot allowed); `driver` pools are tainted, on-demand only and take drivers. */
export const POOL_ROLES = ["executor", "driver"] as const;
export type PoolRole = (typeof POOL_ROLES)[number];
export type CapacityType = "spot" | "on-demand";

/** Kubernetes name of a pool's NodePool and EC2NodeClass. */
export function poolName(key: string): string {
    return `spark-${key}`;
}

/** Pool keys are DNS labels short enough that `spark-<key>` fits a label value (63 characters). */
export const POOL_KEY_MAX = 57;

/** Defaults by role (and, for the weight of executors, by architecture: Graviton first). */
export const POOL_DEFAULTS = {
    executor: { capacityTypes: ["spot", "on-demand"] as CapacityType[], rootVolumeGi: 200, weight: { arm64: 50, amd64: 10 } },
    driver: { capacityTypes: ["on-demand"] as CapacityType[], rootVolumeGi: 100, weight: { arm64: 50, amd64: 50 } },
    consolidateAfter: "5m",
    expireAfter: "720h",
} as const;

/** karpenter.sh/v1 NodePool duration pattern (consolidateAfter, expireAfter). */
export const KARPENTER_DURATION = /^(([0-9]+(s|m|h))+|Never)$/;

/** gp3 performance per role: executors shuffle to the root volume, drivers barely touch disk. */
export const ROOT_VOLUME_PERFORMANCE: Readonly<Record<PoolRole, { readonly iops: number; readonly throughput: number }>> = {
    executor: { iops: 6000, throughput: 500 },
    driver: { iops: 3000, throughput: 125 },
};

/** Why gp3 cannot serve a role's performance on a volume of `gi` GiB (IOPS 3000–16000 and ≤500/GiB, throughput 125–1000 MiB/s and ≤ IOPS/4), or undefined. */
export function rootVolumeProblem(role: PoolRole, gi: number): string | undefined {
    const perf = ROOT_VOLUME_PERFORMANCE[role];
    if (perf.iops < 3000 || perf.iops > 16000 || perf.iops > gi * 500) {
        return `gp3 IOPS ${perf.iops} is out of range for a ${gi} GiB root volume`;
    }
    if (perf.throughput < 125 || perf.throughput > 1000 || perf.throughput > perf.iops / 4) {
        return `gp3 throughput ${perf.throughput} MiB/s is out of range for ${perf.iops} IOPS`;
    }
    return undefined;
}

const positiveInt = z.number().int("must be a whole number").positive("must be greater than zero");
const duration = z.string().regex(KARPENTER_DURATION, "must be a duration such as 30s, 5m or 720h, or Never");
const family = z.string().refine((f) => parseFamily(f) !== undefined && !f.includes("."), "must be an instance family such as m7g (no size)");

const FAMILY_HINT: Readonly<Record<Arch, string>> = {
    arm64: "Graviton families such as m7g, c7g, r7g",
    amd64: "x86 families such as m7i, c7i, r7i",
};
const ARCH_WORD: Readonly<Record<Arch, string>> = { arm64: "a Graviton (arm64)", amd64: "an x86 (amd64)" };

/** Marks the issues of the pool checks below; they do not stop the checks of the pool set. */
const POOL_CHECK = { poolCheck: true } as const;

/**
 * Cross-checks run only on well-formed fields (a bad field is reported once, not again as a knock-on
 * problem); problems found by another pool's checks do not stop them, so one error still lists them all.
 */
function wellFormed(payload: { readonly issues: readonly { readonly code?: string; readonly params?: Record<string, unknown> }[] }): boolean {
    return payload.issues.every((i) => i.code === "custom" && i.params?.poolCheck === true);
}

/** The fields of one pool as written in config or args. */
const nodePoolFields = z.strictObject({
    arch: z.enum(POOL_ARCHES, { error: (i) => (i.input === undefined ? "is required" : "must be arm64 or amd64") }),
    role: z.enum(POOL_ROLES, { error: () => "must be executor or driver" }).default("executor"),
    instanceFamilies: z.array(family).min(1, "needs at least one instance family"),
    capacityTypes: z.array(z.enum(["spot", "on-demand"])).min(1, "needs at least one capacity type").optional(),
    // Limits are optional on purpose: the schema checks that values are well formed, the policy packs
    // decide governance. A pool without limits fails the cost pack's mandatory `nodepool-limits-required`.
    cpuLimit: positiveInt.optional(),
    memoryLimitGi: positiveInt.optional(),
    weight: z.number().int("must be a whole number").min(1, "must be between 1 and 100").max(100, "must be between 1 and 100").optional(),
    consolidateAfter: duration.default(POOL_DEFAULTS.consolidateAfter),
    expireAfter: duration.default(POOL_DEFAULTS.expireAfter),
    rootVolumeGi: z.number().int("must be a whole number").min(20, "must be at least 20").max(16384, "must be at most 16384").optional(),
});

/** Every field a pool may set (the README's configuration reference documents each). */
export const NODE_POOL_FIELDS = Object.keys(nodePoolFields.shape) as readonly (keyof typeof nodePoolFields.shape)[];

/** One pool as written in config or args, with its defaults filled by role. */
export const nodePoolSchema = nodePoolFields.transform((p) => {
    const d = POOL_DEFAULTS[p.role];
    return {
        arch: p.arch,
        role: p.role,
        instanceFamilies: p.instanceFamilies,
        capacityTypes: p.capacityTypes ?? [...d.capacityTypes],
        cpuLimit: p.cpuLimit,
        memoryLimitGi: p.memoryLimitGi,
        weight: p.weight ?? d.weight[p.arch],
        consolidateAfter: p.consolidateAfter,
        expireAfter: p.expireAfter,
        rootVolumeGi: p.rootVolumeGi ?? d.rootVolumeGi,
    };
}).superRefine((p, ctx) => {
    for (const issue of nodePoolProblems(p)) {
        ctx.addIssue({ code: "custom", message: issue.message, path: [...issue.path], params: POOL_CHECK });
    }
}, { when: wellFormed });

const poolKey = z.string()
    .max(POOL_KEY_MAX, `pool keys are at most ${POOL_KEY_MAX} characters (the NodePool is spark-<key>)`)
    .regex(DNS1123_LABEL, "pool keys must be DNS-1123 labels: lower-case letters, digits and '-', starting and ending with an alphanumeric");

/** The pool map (`moka:nodePools`, `args.nodePools`), with the checks that span pools. */
export const nodePoolsSchema = z.record(poolKey, nodePoolSchema).superRefine((pools, ctx) => {
    for (const issue of nodePoolSetProblems(pools)) {
        ctx.addIssue({ code: "custom", message: issue.message, path: [...issue.path] });
    }
}, { when: wellFormed });

/** One pool as a caller may write it (arch and instanceFamilies required, the rest defaulted). */
export type NodePoolInput = z.input<typeof nodePoolSchema>;
export type NodePoolsInput = Readonly<Record<string, NodePoolInput>>;
/** One pool with every default filled. */
export type NodePool = z.output<typeof nodePoolSchema>;
export type NodePools = z.output<typeof nodePoolsSchema>;

/** A problem with a pool or the pool set; `path` is relative to the pool map. */
export interface PoolProblem {
    readonly path: readonly (string | number)[];
    readonly message: string;
}

/** Problems inside one pool: families of another architecture, duplicate families, spot drivers, gp3 limits. */
export function nodePoolProblems(p: NodePool): PoolProblem[] {
    const problems: PoolProblem[] = [];
    p.instanceFamilies.forEach((f, i) => {
        const arch = archOfFamily(f);
        if (arch !== undefined && arch !== p.arch) {
            problems.push({ path: ["instanceFamilies", i], message: `${f} is ${ARCH_WORD[arch]} family but the pool's arch is ${p.arch}: use ${FAMILY_HINT[p.arch]}` });
        }
        if (p.instanceFamilies.indexOf(f) !== i) {
            problems.push({ path: ["instanceFamilies", i], message: `duplicate family ${f}` });
        }
    });
    if (p.role === "driver") {
        p.capacityTypes.forEach((c, i) => {
            if (c !== "on-demand") {
                problems.push({ path: ["capacityTypes", i], message: "a driver pool is on-demand only: losing a driver to a spot interruption kills the whole Spark application" });
            }
        });
    }
    const volume = rootVolumeProblem(p.role, p.rootVolumeGi);
    if (volume) {
        problems.push({ path: ["rootVolumeGi"], message: volume });
    }
    return problems;
}

/** Problems of the pool set: it needs executors and drivers, and no amd64 executor pool may outweigh the arm64 ones. */
export function nodePoolSetProblems(pools: Readonly<Record<string, NodePool>>): PoolProblem[] {
    const problems: PoolProblem[] = [];
    const entries = Object.entries(pools);
    for (const role of POOL_ROLES) {
        if (!entries.some(([, p]) => p.role === role)) {
            problems.push({ path: [], message: `needs at least one pool with role ${role} (Spark ${role}s are placed on the ${role} pools only)` });
        }
    }
    // Graviton first: Karpenter tries the highest weight first, so every x86 executor pool stays below the
    // heaviest Graviton executor pool (the cost pack's graviton-pools-preferred advisory checks the same).
    const arm = entries.filter(([, p]) => p.role === "executor" && p.arch === "arm64").sort(([, a], [, b]) => b.weight - a.weight)[0];
    if (arm !== undefined) {
        const [armKey, armPool] = arm;
        for (const [key, p] of entries) {
            if (p.role === "executor" && p.arch === "amd64" && p.weight >= armPool.weight) {
                problems.push({ path: [key, "weight"], message: `must be below the weight of arm64 executor pool "${armKey}" (${armPool.weight}) so Graviton is preferred` });
            }
        }
    }
    return problems;
}

/**
 * Validates a pool map (for a component's args) and returns it with defaults filled, or the problems,
 * each naming the key under `head` (e.g. `args.nodePools.x86.weight: must be ...`).
 */
export function parseNodePools(input: unknown, head: string): { readonly pools?: NodePools; readonly problems: string[] } {
    const result = nodePoolsSchema.safeParse(input);
    return result.success
        ? { pools: result.data, problems: [] }
        : { problems: result.error.issues.map((i) => `${issuePath(head, i.path)}: ${issueMessage(i)}`) };
}

/** Executor pools' combined CPU limit (Infinity when one has none): the ceiling of what YuniKorn can guarantee. */
export function executorCpuCapacity(pools: Readonly<Record<string, Pick<NodePool, "role" | "cpuLimit">>>): number {
    return Object.values(pools).filter((p) => p.role === "executor").reduce((sum, p) => sum + (p.cpuLimit ?? Infinity), 0);
}

/** Architectures the executor pools offer, arm64 (Graviton) first. */
export function executorArchitectures(pools: Readonly<Record<string, Pick<NodePool, "role" | "arch">>>): Arch[] {
    const archs = new Set(Object.values(pools).filter((p) => p.role === "executor").map((p) => p.arch));
    return POOL_ARCHES.filter((a) => archs.has(a));
}

// ---------------------------------------------------------------------------------------------
// NodePool spec
// ---------------------------------------------------------------------------------------------

/** Summary of one NodePool, exported by the component for app teams and other components. */
export interface NodePoolSummary {
    readonly name: string;
    readonly arch: Arch;
    readonly capacityTypes: string[];
}

/** Plain summaries of the pools, in map order. */
export function nodePoolSummaries(pools: Readonly<Record<string, NodePool>>): NodePoolSummary[] {
    return Object.entries(pools).map(([key, p]) => ({ name: poolName(key), arch: p.arch, capacityTypes: [...new Set(p.capacityTypes)].sort() }));
}

/** A scheduling requirement as NodePool v1 takes it (`NodeSelectorRequirementWithMinValues`). */
export interface Requirement {
    readonly key: string;
    readonly operator: "In" | "NotIn" | "Exists" | "DoesNotExist" | "Gt" | "Lt";
    readonly values?: string[];
    readonly minValues?: number;
}

export interface Taint {
    readonly key: string;
    readonly value?: string;
    readonly effect: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
}

export interface Budget {
    readonly nodes: string;
    readonly reasons?: ("Underutilized" | "Empty" | "Drifted")[];
    readonly schedule?: string;
    readonly duration?: string;
}

export interface NodePoolSpec {
    readonly template: {
        readonly metadata?: { readonly labels?: Record<string, string> };
        readonly spec: {
            readonly nodeClassRef: { readonly group: string; readonly kind: string; readonly name: string };
            readonly requirements: Requirement[];
            readonly taints?: Taint[];
            readonly expireAfter: string;
        };
    };
    readonly disruption: {
        readonly consolidationPolicy: "WhenEmpty" | "WhenEmptyOrUnderutilized";
        readonly consolidateAfter: string;
        readonly budgets: Budget[];
    };
    /** Absent keys mean "unlimited" (config allows it; the cost pack's nodepool-limits-required rule flags it). */
    readonly limits?: { readonly cpu?: string; readonly memory?: string };
    readonly weight: number;
}

export const WELL_KNOWN = {
    arch: "kubernetes.io/arch",
    os: "kubernetes.io/os",
    capacityType: "karpenter.sh/capacity-type",
    instanceFamily: "karpenter.k8s.aws/instance-family",
    instanceSize: "karpenter.k8s.aws/instance-size",
    instanceHypervisor: "karpenter.k8s.aws/instance-hypervisor",
} as const;

/** Sizes no Spark pool launches: the tiny ones cannot fit an executor next to the DaemonSets. */
export const EXCLUDED_SIZES = ["nano", "micro", "small", "medium"] as const;

/**
 * Hypervisors a pool may launch on: Nitro only. Bare-metal types are the only ones whose
 * `karpenter.k8s.aws/instance-hypervisor` label is empty (lib/ec2-metal-sizes.ts, from Karpenter's v1.14
 * instance-type reference), so `In [nitro]` excludes every metal size of every family — `metal`,
 * `metal-24xl`, `metal-48xl`… — which a size list cannot (the newer families' metal sizes are not called
 * "metal"). Metal boots several minutes slower and is far larger than any executor needs. It also excludes
 * the old Xen families, which this platform never lists.
 */
export const ALLOWED_HYPERVISORS = ["nitro"] as const;

export function archRequirement(arch: Arch): Requirement {
    return { key: WELL_KNOWN.arch, operator: "In", values: [arch] };
}

export function osRequirement(): Requirement {
    return { key: WELL_KNOWN.os, operator: "In", values: ["linux"] };
}

export function capacityTypeRequirement(capacityTypes: readonly string[]): Requirement {
    if (capacityTypes.length === 0) {
        throw new Error("capacityTypeRequirement: capacityTypes must not be empty");
    }
    return { key: WELL_KNOWN.capacityType, operator: "In", values: [...new Set(capacityTypes)].sort() };
}

export function instanceFamilyRequirement(families: readonly string[]): Requirement {
    if (families.length === 0) {
        throw new Error("instanceFamilyRequirement: families must not be empty");
    }
    return { key: WELL_KNOWN.instanceFamily, operator: "In", values: [...new Set(families.map((f) => f.trim().toLowerCase()))] };
}

export function instanceSizeRequirement(): Requirement {
    return { key: WELL_KNOWN.instanceSize, operator: "NotIn", values: [...EXCLUDED_SIZES] };
}

/** Nitro only: no bare metal, whatever its size is called (see ALLOWED_HYPERVISORS). */
export function hypervisorRequirement(): Requirement {
    return { key: WELL_KNOWN.instanceHypervisor, operator: "In", values: [...ALLOWED_HYPERVISORS] };
}

/** The scheduling requirements of one pool. */
export function nodePoolRequirements(pool: Pick<NodePool, "arch" | "instanceFamilies" | "capacityTypes">): Requirement[] {
    return [
        archRequirement(pool.arch),
        osRequirement(),
        capacityTypeRequirement(pool.capacityTypes),
        instanceFamilyRequirement(pool.instanceFamilies),
        instanceSizeRequirement(),
        hypervisorRequirement(),
    ];
}

export const NODE_CLASS_REF = { group: "karpenter.k8s.aws", kind: "EC2NodeClass" } as const;

/** Office hours (UTC; Karpenter budget schedules have no time zone): no drift replacement of driver nodes then. */
export const BUSINESS_HOURS = { schedule: "0 9 * * mon-fri", duration: "9h" } as const;

/**
 * Consolidation policy per role: `WhenEmpty` for every pool. Drivers: consolidating a driver's node kills the
 * whole application. Executors: consolidating an under-used node evicts running executors to save money,
 * at any hour (a budget schedule is UTC-only, so "not in the working day" is wrong for most regions, and
 * batch runs at night); `WhenEmpty` reclaims a node only once its executors are gone (Karpenter v1.14
 * concepts/disruption.md: "WhenEmpty — Only empty nodes"), and Spark's dynamic allocation releases idle
 * executors. Spot interruption and expiry still disrupt (forceful methods), which executor decommissioning
 * covers (components/tenancy/spark-defaults.ts).
 */
export const CONSOLIDATION_POLICY: Readonly<Record<PoolRole, "WhenEmpty">> = { executor: "WhenEmpty", driver: "WhenEmpty" };

/**
 * Disruption budgets: at most 10% of a pool's nodes at once. Driver pools also take no drift replacement in
 * business hours (a replaced driver node kills its applications; drivers also carry karpenter.sh/do-not-disrupt).
 */
export function disruptionBudgets(role: PoolRole): Budget[] {
    return role === "driver"
        ? [{ nodes: "10%" }, { nodes: "0", reasons: ["Drifted"], ...BUSINESS_HOURS }]
        : [{ nodes: "10%" }];
}

/** `spec.limits` from the pool's cpuLimit/memoryLimitGi; keys that are not configured are left out. */
export function poolLimits(pool: Pick<NodePool, "cpuLimit" | "memoryLimitGi">): { limits?: { cpu?: string; memory?: string } } {
    const limits = {
        ...(pool.cpuLimit !== undefined ? { cpu: String(pool.cpuLimit) } : {}),
        ...(pool.memoryLimitGi !== undefined ? { memory: `${pool.memoryLimitGi}Gi` } : {}),
    };
    return Object.keys(limits).length > 0 ? { limits } : {};
}

/** The NodePool spec of pool `key`; its EC2NodeClass has the same name (`spark-<key>`). */
export function buildNodePoolSpec(key: string, pool: NodePool): NodePoolSpec {
    const driver = pool.role === "driver";
    return {
        template: {
            ...(driver ? { metadata: { labels: { ...DRIVER_NODE_LABEL } } } : {}),
            spec: {
                nodeClassRef: { ...NODE_CLASS_REF, name: poolName(key) },
                requirements: nodePoolRequirements(pool),
                ...(driver ? { taints: [{ ...DRIVER_TAINT }] } : {}),
                expireAfter: pool.expireAfter,
            },
        },
        disruption: {
            // No pool consolidates running Spark pods for savings (see CONSOLIDATION_POLICY).
            consolidationPolicy: CONSOLIDATION_POLICY[pool.role],
            consolidateAfter: pool.consolidateAfter,
            budgets: disruptionBudgets(pool.role),
        },
        ...poolLimits(pool),
        weight: pool.weight,
    };
}
