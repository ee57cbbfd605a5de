/**
 * Pure builders for Karpenter v1 objects: NodePool (karpenter.sh/v1) and EC2NodeClass
 * (karpenter.k8s.aws/v1) specs, their scheduling requirements, and the checks that keep the
 * Graviton pool arm64-only and the x86 pool amd64-only.
 *
 * Field names and limits follow the v1 CRDs shipped with chart 1.14.1
 * (aws/karpenter-provider-aws pkg/apis/crds/karpenter.sh_nodepools.yaml and
 * karpenter.k8s.aws_ec2nodeclasses.yaml); the tests validate every spec against
 * @kubernetes-models/karpenter.
 */
import type { NodePoolConfig, NodePoolsConfig } from "../../config";
import { archOfFamily, type Arch } from "../../lib/instance-families";
import { DRIVER_NODE_LABEL, DRIVER_TAINT } from "../../lib/platform";
import { DISCOVERY_TAG_KEY } from "./iam";

/** The three pools, by their key in `NodePoolsConfig`. */
export type PoolRole = keyof NodePoolsConfig;
export const POOL_ROLES: readonly PoolRole[] = ["graviton", "x86", "driver"];

/** Kubernetes names of the NodePools (and of their EC2NodeClasses). */
export const POOL_NAMES: Readonly<Record<PoolRole, string>> = {
    graviton: "spark-graviton",
    x86: "spark-x86",
    driver: "spark-driver",
};

export type PoolArch = Arch | "multi";

/** Summary of one NodePool, exported by the component for app teams and other components. */
export interface NodePoolSummary {
    readonly name: string;
    readonly arch: PoolArch;
    readonly capacityTypes: string[];
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

export interface BlockDeviceMapping {
    readonly deviceName: string;
    readonly rootVolume: boolean;
    readonly ebs: {
        readonly volumeSize: string;
        readonly volumeType: "gp3";
        readonly iops: number;
        readonly throughput: number;
        readonly encrypted: boolean;
        readonly deleteOnTermination: boolean;
    };
}

export interface Ec2NodeClassSpec {
    readonly amiSelectorTerms: { readonly alias: string }[];
    readonly role: string;
    readonly subnetSelectorTerms: { readonly tags: Record<string, string> }[];
    readonly securityGroupSelectorTerms: { readonly tags: Record<string, string> }[];
    readonly associatePublicIPAddress: boolean;
    readonly metadataOptions: {
        readonly httpEndpoint: "enabled" | "disabled";
        readonly httpProtocolIPv6: "enabled" | "disabled";
        readonly httpPutResponseHopLimit: number;
        readonly httpTokens: "required" | "optional";
    };
    readonly blockDeviceMappings: BlockDeviceMapping[];
    readonly tags: Record<string, string>;
}

// ---------------------------------------------------------------------------------------------
// Requirements
// ---------------------------------------------------------------------------------------------

export const WELL_KNOWN = {
    arch: "kubernetes.io/arch",
    os: "kubernetes.io/os",
    capacityType: "karpenter.sh/capacity-type",
    instanceFamily: "karpenter.k8s.aws/instance-family",
    instanceSize: "karpenter.k8s.aws/instance-size",
} as const;

/**
 * Sizes no Spark pool launches: the tiny ones cannot fit an executor next to the daemonsets, and
 * metal sizes take several minutes longer to boot than virtualised ones for the same capacity.
 */
export const EXCLUDED_SIZES = ["nano", "micro", "small", "medium", "metal"] as const;

export function archRequirement(arch: PoolArch): Requirement {
    return { key: WELL_KNOWN.arch, operator: "In", values: arch === "multi" ? ["arm64", "amd64"] : [arch] };
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

/**
 * The architecture a pool runs: the Graviton pool is arm64, the x86 pool amd64, and the driver
 * pool whatever its families are ("multi" when they mix, which needs multi-arch Spark images).
 * Throws, naming the pool, the arg path and the family, when a family does not fit its pool or is
 * not an instance family at all.
 */
export function poolArch(role: PoolRole, families: readonly string[]): PoolArch {
    const pool = POOL_NAMES[role];
    if (families.length === 0) {
        throw new Error(`Karpenter: args.nodePools.${role}.instanceFamilies must list at least one instance family for NodePool ${pool}`);
    }
    const archs = families.map((f, i) => {
        const arch = archOfFamily(f);
        if (arch === undefined || f.includes(".")) {
            throw new Error(`Karpenter: args.nodePools.${role}.instanceFamilies[${i}] "${f}" is not an EC2 instance family (expected e.g. m7g, no size) in NodePool ${pool}`);
        }
        return arch;
    });
    const expected: Arch | undefined = role === "graviton" ? "arm64" : role === "x86" ? "amd64" : undefined;
    if (expected !== undefined) {
        archs.forEach((arch, i) => {
            if (arch !== expected) {
                const hint = expected === "arm64" ? "Graviton families such as m7g, c7g, r7g" : "x86 families such as m7i, c7i, r7i";
                throw new Error(
                    `Karpenter: NodePool ${pool} is ${expected}-only but args.nodePools.${role}.instanceFamilies[${i}] is ${families[i]}, an ${arch} family; use ${hint}`,
                );
            }
        });
        return expected;
    }
    const distinct = new Set(archs);
    return distinct.size > 1 ? "multi" : archs[0];
}

/** The scheduling requirements of one pool. Validates families against the pool's architecture. */
export function nodePoolRequirements(role: PoolRole, pool: Pick<NodePoolConfig, "instanceFamilies" | "capacityTypes">): Requirement[] {
    const arch = poolArch(role, pool.instanceFamilies);
    return [
        archRequirement(arch),
        osRequirement(),
        capacityTypeRequirement(pool.capacityTypes),
        instanceFamilyRequirement(pool.instanceFamilies),
        instanceSizeRequirement(),
    ];
}

// ---------------------------------------------------------------------------------------------
// Pool-set validation
// ---------------------------------------------------------------------------------------------

const DURATION = /^(([0-9]+(s|m|h))+|Never)$/;

/**
 * Fails fast on a pool set the component cannot build: families of the wrong architecture, an x86
 * weight not below Graviton's, spot in the driver pool, empty lists, bad durations or limits.
 */
export function validateNodePools(pools: NodePoolsConfig): void {
    for (const role of POOL_ROLES) {
        const p = pools[role];
        if (p === undefined) {
            throw new Error(`Karpenter: args.nodePools.${role} is required`);
        }
        poolArch(role, p.instanceFamilies);
        if (p.capacityTypes.length === 0) {
            throw new Error(`Karpenter: args.nodePools.${role}.capacityTypes must list at least one capacity type for NodePool ${POOL_NAMES[role]}`);
        }
        p.capacityTypes.forEach((c, i) => {
            if (c !== "spot" && c !== "on-demand") {
                throw new Error(`Karpenter: args.nodePools.${role}.capacityTypes[${i}] "${c}" must be "spot" or "on-demand"`);
            }
        });
        for (const key of ["cpuLimit", "memoryLimitGi"] as const) {
            const v = p[key];
            if (v !== undefined && (!Number.isInteger(v) || v <= 0)) {
                throw new Error(`Karpenter: args.nodePools.${role}.${key} must be a positive whole number when set, got ${v}`);
            }
        }
        if (!Number.isInteger(p.weight) || p.weight < 1 || p.weight > 100) {
            throw new Error(`Karpenter: args.nodePools.${role}.weight must be a whole number between 1 and 100, got ${p.weight}`);
        }
        for (const key of ["consolidateAfter", "expireAfter"] as const) {
            if (!DURATION.test(p[key])) {
                throw new Error(`Karpenter: args.nodePools.${role}.${key} must be a duration such as 5m or 720h (or Never), got "${p[key]}"`);
            }
        }
        volumeFor(role, p.rootVolumeGi);
    }
    if (pools.graviton.weight <= pools.x86.weight) {
        throw new Error(
            `Karpenter: args.nodePools.graviton.weight (${pools.graviton.weight}) must be greater than args.nodePools.x86.weight (${pools.x86.weight}) so Karpenter prefers Graviton`,
        );
    }
    pools.driver.capacityTypes.forEach((c, i) => {
        if (c !== "on-demand") {
            throw new Error(`Karpenter: args.nodePools.driver.capacityTypes[${i}] is "${c}"; NodePool spark-driver is on-demand only (a spot reclaim of a driver kills the whole Spark application)`);
        }
    });
}

/** Plain summaries of the pools, in pool order. */
export function nodePoolSummaries(pools: NodePoolsConfig): NodePoolSummary[] {
    return POOL_ROLES.map((role) => ({
        name: POOL_NAMES[role],
        arch: poolArch(role, pools[role].instanceFamilies),
        capacityTypes: [...new Set(pools[role].capacityTypes)].sort(),
    }));
}

// ---------------------------------------------------------------------------------------------
// NodePool spec
// ---------------------------------------------------------------------------------------------

export const NODE_CLASS_REF = { group: "karpenter.k8s.aws", kind: "EC2NodeClass" } as const;

/** Interactive work runs in office hours (UTC): no consolidation of busy nodes then. */
export const BUSINESS_HOURS = { schedule: "0 9 * * mon-fri", duration: "9h" } as const;

/** Disruption budgets: at most 10% of a pool's nodes at once, and none of `reason` in business hours. */
export function disruptionBudgets(role: PoolRole): Budget[] {
    // Executors: consolidating under-used nodes evicts running executors, so it waits for the
    // evening. Drivers: a drift replacement kills the whole application, so it waits likewise.
    const reason = role === "driver" ? "Drifted" : "Underutilized";
    return [{ nodes: "10%" }, { nodes: "0", reasons: [reason], ...BUSINESS_HOURS }];
}

/** `spec.limits` from the pool's cpuLimit/memoryLimitGi; keys that are not configured are left out. */
export function poolLimits(pool: Pick<NodePoolConfig, "cpuLimit" | "memoryLimitGi">): { limits?: { cpu?: string; memory?: string } } {
    const limits = {
        ...(pool.cpuLimit !== undefined ? { cpu: String(pool.cpuLimit) } : {}),
        ...(pool.memoryLimitGi !== undefined ? { memory: `${pool.memoryLimitGi}Gi` } : {}),
    };
    return Object.keys(limits).length > 0 ? { limits } : {};
}

export function buildNodePoolSpec(role: PoolRole, pool: NodePoolConfig, nodeClassName: string): NodePoolSpec {
    const driver = role === "driver";
    return {
        template: {
            ...(driver ? { metadata: { labels: { ...DRIVER_NODE_LABEL } } } : {}),
            spec: {
                nodeClassRef: { ...NODE_CLASS_REF, name: nodeClassName },
                requirements: nodePoolRequirements(role, pool),
                ...(driver ? { taints: [{ ...DRIVER_TAINT }] } : {}),
                expireAfter: pool.expireAfter,
            },
        },
        disruption: {
            // Drivers are never consolidated while running (WhenEmpty); executor pools bin-pack.
            consolidationPolicy: driver ? "WhenEmpty" : "WhenEmptyOrUnderutilized",
            consolidateAfter: pool.consolidateAfter,
            budgets: disruptionBudgets(role),
        },
        ...poolLimits(pool),
        weight: pool.weight,
    };
}

// ---------------------------------------------------------------------------------------------
// EC2NodeClass spec
// ---------------------------------------------------------------------------------------------

/** gp3 performance per pool role: executors shuffle to the root volume, drivers barely touch disk. */
export const ROOT_VOLUME_PERFORMANCE: Readonly<Record<PoolRole, { readonly iops: number; readonly throughput: number }>> = {
    graviton: { iops: 6000, throughput: 500 },
    x86: { iops: 6000, throughput: 500 },
    driver: { iops: 3000, throughput: 125 },
};

/** Checks gp3 limits (size 20–16384 GiB here, IOPS 3000–16000 and ≤500/GiB, throughput 125–1000 MiB/s and ≤ IOPS/4). */
export function volumeFor(role: PoolRole, rootVolumeGi: number): { iops: number; throughput: number } {
    const perf = ROOT_VOLUME_PERFORMANCE[role];
    if (!Number.isInteger(rootVolumeGi) || rootVolumeGi < 20 || rootVolumeGi > 16384) {
        throw new Error(`Karpenter: args.nodePools.${role}.rootVolumeGi must be a whole number between 20 and 16384, got ${rootVolumeGi}`);
    }
    if (perf.iops < 3000 || perf.iops > 16000 || perf.iops > rootVolumeGi * 500) {
        throw new Error(`Karpenter: gp3 IOPS ${perf.iops} is out of range for a ${rootVolumeGi} GiB root volume in NodePool ${POOL_NAMES[role]}`);
    }
    if (perf.throughput < 125 || perf.throughput > 1000 || perf.throughput > perf.iops / 4) {
        throw new Error(`Karpenter: gp3 throughput ${perf.throughput} MiB/s is out of range for ${perf.iops} IOPS in NodePool ${POOL_NAMES[role]}`);
    }
    return { ...perf };
}

/** AL2023 EKS AMI aliases pinned to a release (`al2023@vYYYYMMDD`). */
const AMI_ALIAS = /^al2023@v\d{8}$/;

export function checkAmiAlias(alias: string): string {
    if (!AMI_ALIAS.test(alias)) {
        throw new Error(
            `Karpenter: args.amiAlias must pin an AL2023 EKS AMI release such as al2023@v20260714, got "${alias}" (@latest would roll every node whenever AWS publishes an AMI)`,
        );
    }
    return alias;
}

/** Tag keys EC2NodeClass.spec.tags rejects (Karpenter sets them itself). */
export function restrictedTagProblem(key: string): string | undefined {
    if (key === "") {
        return "empty tag keys are not allowed";
    }
    if (key.startsWith("kubernetes.io/cluster")) {
        return "kubernetes.io/cluster/* is set by Karpenter";
    }
    if (["eks:eks-cluster-name", "karpenter.sh/nodepool", "karpenter.sh/nodeclaim", "karpenter.k8s.aws/ec2nodeclass"].includes(key)) {
        return `${key} is set by Karpenter`;
    }
    if (key.toLowerCase().startsWith("aws:")) {
        return "the aws: prefix is reserved by AWS";
    }
    return undefined;
}

export function checkNodeClassTags(tags: Readonly<Record<string, string>>): Record<string, string> {
    for (const [k, v] of Object.entries(tags)) {
        const problem = restrictedTagProblem(k);
        if (problem) {
            throw new Error(`Karpenter: args.tags["${k}"] cannot be put on EC2NodeClass.spec.tags: ${problem}`);
        }
        if (typeof v !== "string") {
            throw new Error(`Karpenter: args.tags["${k}"] must be a string`);
        }
    }
    return { ...tags };
}

export interface NodeClassInputs {
    readonly role: PoolRole;
    readonly clusterName: string;
    /** Name (not ARN) of the node IAM role; Karpenter manages the instance profile. */
    readonly nodeRoleName: string;
    readonly rootVolumeGi: number;
    readonly amiAlias: string;
    /** Cost-allocation tags for instances, volumes, ENIs and launch templates. */
    readonly tags: Readonly<Record<string, string>>;
}

/** AL2023's root device. */
export const ROOT_DEVICE_NAME = "/dev/xvda";

export function buildEc2NodeClassSpec(i: NodeClassInputs): Ec2NodeClassSpec {
    const discovery = { [DISCOVERY_TAG_KEY]: i.clusterName };
    const perf = volumeFor(i.role, i.rootVolumeGi);
    return {
        amiSelectorTerms: [{ alias: checkAmiAlias(i.amiAlias) }],
        role: i.nodeRoleName,
        subnetSelectorTerms: [{ tags: { ...discovery } }],
        securityGroupSelectorTerms: [{ tags: { ...discovery } }],
        associatePublicIPAddress: false,
        // IMDSv2 only, hop limit 1: pods cannot reach the node role's credentials through IMDS.
        metadataOptions: { httpEndpoint: "enabled", httpProtocolIPv6: "disabled", httpPutResponseHopLimit: 1, httpTokens: "required" },
        blockDeviceMappings: [{
            deviceName: ROOT_DEVICE_NAME,
            rootVolume: true,
            ebs: {
                volumeSize: `${i.rootVolumeGi}Gi`,
                volumeType: "gp3",
                iops: perf.iops,
                throughput: perf.throughput,
                encrypted: true,
                deleteOnTermination: true,
            },
        }],
        tags: checkNodeClassTags(i.tags),
    };
}
