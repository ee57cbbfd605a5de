/**
 * The stack configuration contract.
 *
 * Every `moka:*` key is read here, validated with zod, cross-checked, and returned as one typed,
 * frozen `MokaConfig`. Any problem throws a single `MokaConfigError` that lists every offending key
 * with its full path (`moka:teams[1].quota.cpu`) and the reason. This runs before any resource is
 * constructed, so a bad stack file never half-creates a stack.
 *
 * `parseConfig` is pure (raw values in, typed config out) so tests and the offline preview can use it
 * without the Pulumi runtime; `loadConfig` reads the raw values from the running stack.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { cidrContains, cidrProblem, cidrsOverlap, mustParseCidr, parseCidr, VPC_ALLOWED_RANGES, isAnyAddress } from "./lib/cidr";
import { archOfFamily, isGravitonFamily, parseFamily, familyOf } from "./lib/instance-families";
import { AWS_REGION, DNS1123_LABEL, S3_PREFIX } from "./lib/patterns";
import { isLogRetentionDays, LOG_RETENTION_MESSAGE } from "./lib/aws-limits";
import { isReservedNamespace } from "./lib/platform";

export const CONFIG_NAMESPACE = "moka";

// ---------------------------------------------------------------------------------------------
// Field schemas
// ---------------------------------------------------------------------------------------------

const IAM_ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@\/-]{1,512}$/;
const DURATION = /^(\d+h)?(\d+m)?(\d+s)?$/;
export { LOG_RETENTION_DAYS } from "./lib/aws-limits";
export { RESERVED_NAMESPACES } from "./lib/platform";

const cidr = z.string().superRefine((v, ctx) => {
    const problem = cidrProblem(v);
    if (problem) {
        ctx.addIssue({ code: "custom", message: problem });
    }
});

const duration = z.string().regex(DURATION, "must be a Go duration such as 30s, 5m or 720h").refine((v) => v.length > 0, "must not be empty");

const positiveInt = z.number().int("must be a whole number").positive("must be greater than zero");
const positiveNumber = z.number().positive("must be greater than zero");

const retentionDays = z.number().int().refine(isLogRetentionDays, { message: LOG_RETENTION_MESSAGE });

const networkSchema = z.strictObject({
    vpcCidr: cidr.default("10.0.0.0/16"),
    podCidr: cidr.default("100.64.0.0/16"),
    azCount: z.number().int("must be a whole number").min(2, "must be between 2 and 6").max(6, "must be between 2 and 6").default(3),
    natMode: z.enum(["perAz", "single"]).default("perAz"),
    availabilityZones: z.array(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d[a-z]$/, "must be an availability zone name such as us-west-2a")).optional(),
});

const systemNodesSchema = z.strictObject({
    instanceTypes: z.array(z.string().regex(/^[a-z0-9-]+\.[a-z0-9]+$/, "must be an instance type such as m7g.large")).min(1).default(["m7g.large"]),
    minSize: z.number().int().min(1, "must be at least 1").default(2),
    desiredSize: z.number().int().min(1, "must be at least 1").default(2),
    maxSize: z.number().int().min(1, "must be at least 1").default(4),
    diskSizeGi: positiveInt.default(50),
});

const clusterSchema = z.strictObject({
    kubernetesVersion: z.string().regex(/^1\.\d{2}$/, "must be a Kubernetes minor version such as \"1.33\"").default("1.33"),
    publicAccessCidrs: z.array(cidr.refine((v) => !isAnyAddress(v), "0.0.0.0/0 would expose the Kubernetes API to the internet; list specific CIDRs or leave empty for private-only")).default([]),
    adminRoleArns: z.array(z.string().regex(IAM_ROLE_ARN, "must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)")).min(1, "needs at least one admin role, or nobody can administer the cluster"),
    logRetentionDays: retentionDays.default(90),
    systemNodes: systemNodesSchema.default(() => systemNodesSchema.parse({})),
});

const capacityType = z.enum(["spot", "on-demand"]);

const nodePoolBase = {
    // Limits are optional in the schema on purpose: config checks that values are well formed, the
    // policy packs decide governance. A pool without limits fails the cost pack's mandatory
    // `nodepool-limits-required` rule (a sandbox stack could relax that in its policy config).
    cpuLimit: positiveInt.optional().describe("vCPU limit"),
    memoryLimitGi: positiveInt.optional().describe("memory limit in GiB"),
    instanceFamilies: z.array(z.string().refine((f) => parseFamily(f) !== undefined && !f.includes("."), "must be an instance family such as m7g (no size)")).min(1, "needs at least one instance family"),
    capacityTypes: z.array(capacityType).min(1, "needs at least one capacity type"),
    weight: z.number().int().min(1, "must be between 1 and 100").max(100, "must be between 1 and 100"),
    consolidateAfter: duration.default("5m"),
    expireAfter: duration.default("720h"),
    rootVolumeGi: z.number().int().min(20, "must be at least 20").max(16384, "must be at most 16384").default(200),
};

const gravitonPoolSchema = z.strictObject({ ...nodePoolBase, weight: nodePoolBase.weight.default(50), capacityTypes: nodePoolBase.capacityTypes.default(["spot", "on-demand"]) });
const x86PoolSchema = z.strictObject({ ...nodePoolBase, weight: nodePoolBase.weight.default(10), capacityTypes: nodePoolBase.capacityTypes.default(["spot", "on-demand"]) });
const driverPoolSchema = z.strictObject({
    ...nodePoolBase,
    weight: nodePoolBase.weight.default(50),
    capacityTypes: z.array(capacityType).default(["on-demand"]),
    rootVolumeGi: nodePoolBase.rootVolumeGi.default(100),
});

const nodePoolsSchema = z.strictObject({
    graviton: gravitonPoolSchema,
    x86: x86PoolSchema,
    driver: driverPoolSchema,
});

const tagsSchema = z.record(
    z.string().regex(/^[\p{L}\p{Z}\p{N}_.:\/=+\-@]{1,128}$/u, "tag keys are 1-128 characters of letters, digits, spaces and _ . : / = + - @").refine((k) => !k.toLowerCase().startsWith("aws:"), "the aws: prefix is reserved"),
    z.string().max(256, "tag values are at most 256 characters"),
).superRefine((tags, ctx) => {
    for (const required of REQUIRED_TAG_KEYS) {
        if (!(required in tags)) {
            ctx.addIssue({ code: "custom", message: `missing required cost-allocation tag "${required}"`, path: [required] });
        }
    }
});

/** Cost-allocation tag keys every stack must set in `moka:tags`. `environment` and `managed-by` are added by the program. */
export const REQUIRED_TAG_KEYS = ["cost-center", "owner"] as const;

const quotaSchema = z.strictObject({
    cpu: positiveNumber,
    memoryGi: positiveInt,
    pods: positiveInt.default(500),
    pvcs: positiveInt.default(50),
    maxApplications: positiveInt.default(20),
    guaranteedCpu: positiveNumber.optional(),
    guaranteedMemoryGi: positiveInt.optional(),
});

const teamSchema = z.strictObject({
    name: z.string()
        .max(40, "must be at most 40 characters")
        .regex(DNS1123_LABEL, "must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with an alphanumeric")
        .refine((n) => !isReservedNamespace(n), "is reserved for the platform"),
    quota: quotaSchema,
    dataPrefix: z.string().regex(S3_PREFIX, "must be an S3 key prefix without leading or trailing '/', wildcards or '..'").refine((p) => !p.split("/").includes(".."), "must not contain '..'").optional(),
    sharedPrefixes: z.array(z.string().regex(S3_PREFIX, "must be an S3 key prefix without leading or trailing '/' or wildcards")).default([]),
    podSecurity: z.enum(["restricted", "baseline"]).default("restricted"),
    podSecurityReason: z.string().min(10, "must explain why the team cannot run under restricted").optional(),
});

const storageSchema = z.strictObject({
    eventLogPrefix: z.string().regex(S3_PREFIX, "must be an S3 key prefix without leading or trailing '/'").default("spark-events"),
    eventLogRetentionDays: z.number().int().min(1, "must be between 1 and 3650").max(3650, "must be between 1 and 3650").default(30),
    noncurrentVersionExpirationDays: z.number().int().min(1, "must be between 1 and 3650").max(3650, "must be between 1 and 3650").default(30),
    containerLogPrefix: z.string().regex(S3_PREFIX, "must be an S3 key prefix").default("container-logs"),
});

const observabilitySchema = z.strictObject({
    logRetentionDays: retentionDays.default(30),
    metricsRetentionDays: z.number().int().min(1).max(1095).default(150),
});

const enginesSchema = z.strictObject({
    flink: z.boolean().default(false),
    ray: z.boolean().default(false),
});

const imagesSchema = z.strictObject({
    buildSparkImage: z.boolean().default(false),
    sparkVersion: z.string().regex(/^\d+\.\d+\.\d+$/, "must be a Spark release such as 4.1.2").default("4.1.2"),
    untaggedExpireDays: z.number().int().min(1).max(365).default(14),
    keepTaggedImages: z.number().int().min(1).max(1000).default(50),
});

const environmentSchema = z.enum(["test", "dev", "staging", "prod"], { error: () => "must be one of test, dev, staging, prod" });

const SECTIONS = {
    environment: environmentSchema,
    // Quote it in YAML: an unquoted id with a leading zero loses it and is rejected here.
    accountId: z.union([z.string(), z.number()]).transform((v) => String(v)).pipe(z.string().regex(/^\d{12}$/, "must be a 12-digit AWS account id (quote it in YAML so leading zeros survive)")),
    region: z.string({ error: () => "is required (set aws:region)" }).regex(AWS_REGION, "must be an AWS region such as us-west-2"),
    namePrefix: z.string().max(16, "must be at most 16 characters").regex(DNS1123_LABEL, "must be a DNS-1123 label").default("moka"),
    network: networkSchema.default(() => networkSchema.parse({})),
    cluster: clusterSchema,
    nodePools: nodePoolsSchema,
    tags: tagsSchema,
    teams: z.array(teamSchema).min(1, "needs at least one team"),
    storage: storageSchema.default(() => storageSchema.parse({})),
    observability: observabilitySchema.default(() => observabilitySchema.parse({})),
    engines: enginesSchema.default(() => enginesSchema.parse({})),
    images: imagesSchema.default(() => imagesSchema.parse({})),
    protectData: z.boolean().optional(),
} as const;

type Sections = { [K in keyof typeof SECTIONS]: z.output<(typeof SECTIONS)[K]> };

export type Environment = z.output<typeof environmentSchema>;
export type NetworkConfig = Sections["network"];
export type ClusterConfig = Sections["cluster"];
export type NodePoolConfig = z.output<typeof gravitonPoolSchema>;
export type NodePoolsConfig = Sections["nodePools"];
export type StorageConfig = Sections["storage"];
export type ObservabilityConfig = Sections["observability"];
export type EnginesConfig = Sections["engines"];
export type ImagesConfig = Sections["images"];

export interface TeamQuota {
    readonly cpu: number;
    readonly memoryGi: number;
    readonly pods: number;
    readonly pvcs: number;
    readonly maxApplications: number;
    /** YuniKorn guaranteed share. Defaults to a quarter of `cpu`. */
    readonly guaranteedCpu: number;
    /** YuniKorn guaranteed share. Defaults to a quarter of `memoryGi`. */
    readonly guaranteedMemoryGi: number;
}

export interface TeamConfig {
    readonly name: string;
    /** The team's namespace; equal to the team name. */
    readonly namespace: string;
    readonly quota: TeamQuota;
    /** Prefix in the data bucket the team owns (read/write). Defaults to `teams/<name>`. */
    readonly dataPrefix: string;
    /** Prefixes in the data bucket the team may read. */
    readonly sharedPrefixes: readonly string[];
    readonly podSecurity: "restricted" | "baseline";
    readonly podSecurityReason?: string;
}

/** The validated, defaulted stack configuration every component is built from. */
export interface MokaConfig {
    readonly environment: Environment;
    /** The AWS account the stack deploys to; the provider refuses any other (`allowedAccountIds`). */
    readonly accountId: string;
    readonly region: string;
    readonly namePrefix: string;
    /** `<namePrefix>-<environment>`, the stem of every physical resource name (the EKS cluster name too). */
    readonly baseName: string;
    readonly network: NetworkConfig;
    readonly cluster: ClusterConfig;
    readonly nodePools: NodePoolsConfig;
    /** Cost-allocation tags, including the program-added `environment` and `managed-by`. */
    readonly tags: Readonly<Record<string, string>>;
    readonly teams: readonly TeamConfig[];
    readonly storage: StorageConfig;
    readonly observability: ObservabilityConfig;
    readonly engines: EnginesConfig;
    readonly images: ImagesConfig;
    /** Protect stateful resources (buckets, keys, repositories, audit log groups) from deletion. Defaults to true in prod and staging. */
    readonly protectData: boolean;
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

export interface ConfigIssue {
    /** Full key path, e.g. `moka:teams[1].quota.cpu`. */
    readonly path: string;
    readonly message: string;
}

export class MokaConfigError extends Error {
    public readonly issues: readonly ConfigIssue[];
    constructor(issues: readonly ConfigIssue[]) {
        const lines = issues.map((i) => `  - ${i.path}: ${i.message}`);
        super(`Invalid stack configuration (${issues.length} problem${issues.length === 1 ? "" : "s"}):\n${lines.join("\n")}`);
        this.name = "MokaConfigError";
        this.issues = issues;
    }
}

function formatPath(section: string, path: readonly PropertyKey[]): string {
    const head = section === "region" ? "aws:region" : `${CONFIG_NAMESPACE}:${section}`;
    return path.reduce<string>((acc, seg) => (typeof seg === "number" ? `${acc}[${seg}]` : `${acc}.${String(seg)}`), head);
}

function zodMessage(issue: z.core.$ZodIssue): string {
    if (issue.code === "invalid_type" && /received undefined$/.test(issue.message)) {
        return "is required";
    }
    if (issue.code === "invalid_type" && issue.expected === "int") {
        return "must be a whole number";
    }
    if (issue.code === "unrecognized_keys") {
        return `unknown key${issue.keys.length === 1 ? "" : "s"} ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
    }
    return issue.message;
}

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

/** Raw values by key without the namespace (`teams`, not `moka:teams`), plus `region` from `aws:region`. */
export type RawConfig = Record<string, unknown>;

/** Config keys the program reads; any other `moka:*` key is a typo and is rejected. */
export const CONFIG_KEYS = Object.keys(SECTIONS).filter((k) => k !== "region");

/**
 * Validates raw config values and returns the typed config, or throws one `MokaConfigError` listing
 * every problem. Pure: no Pulumi runtime needed.
 */
export function parseConfig(raw: RawConfig): MokaConfig {
    const issues: ConfigIssue[] = [];
    const parsed: Partial<Sections> = {};

    for (const key of Object.keys(raw)) {
        if (!(key in SECTIONS)) {
            issues.push({ path: `${CONFIG_NAMESPACE}:${key}`, message: `unknown config key; expected one of ${CONFIG_KEYS.join(", ")}` });
        }
    }
    for (const [key, schema] of Object.entries(SECTIONS) as [keyof Sections, z.ZodType][]) {
        const result = schema.safeParse(raw[key]);
        if (result.success) {
            (parsed as Record<string, unknown>)[key] = result.data;
        } else {
            for (const issue of result.error.issues) {
                issues.push({ path: formatPath(key, issue.path), message: zodMessage(issue) });
            }
        }
    }
    issues.push(...crossFieldIssues(parsed));
    if (issues.length > 0) {
        throw new MokaConfigError(issues);
    }
    return finalize(parsed as Sections);
}

function crossFieldIssues(p: Partial<Sections>): ConfigIssue[] {
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
            const vpc = mustParseCidr(p.network.vpcCidr);
            p.cluster.publicAccessCidrs.forEach((c, i) => {
                const block = parseCidr(c);
                if (block && cidrsOverlap(block, vpc)) {
                    add(`moka:cluster.publicAccessCidrs[${i}]`, `${c} overlaps the VPC; public-endpoint CIDRs are for callers outside the VPC (inside it the private endpoint is used)`);
                }
            });
        }
    }

    if (p.nodePools) {
        const pools = p.nodePools;
        pools.graviton.instanceFamilies.forEach((f, i) => {
            if (!isGravitonFamily(f)) {
                add(`moka:nodePools.graviton.instanceFamilies[${i}]`, `${f} is an x86 (amd64) family; the Graviton pool takes arm64 families such as m7g, c7g, r7g`);
            }
        });
        pools.x86.instanceFamilies.forEach((f, i) => {
            if (isGravitonFamily(f)) {
                add(`moka:nodePools.x86.instanceFamilies[${i}]`, `${f} is a Graviton (arm64) family; the x86 pool takes amd64 families such as m7i, c7i, r7i`);
            }
        });
        pools.driver.capacityTypes.forEach((c, i) => {
            if (c !== "on-demand") {
                add(`moka:nodePools.driver.capacityTypes[${i}]`, "the driver pool is on-demand only: losing a driver to a spot interruption kills the whole Spark application");
            }
        });
        if (pools.graviton.weight <= pools.x86.weight) {
            add("moka:nodePools.x86.weight", `must be below nodePools.graviton.weight (${pools.graviton.weight}) so Graviton is preferred`);
        }
        for (const name of ["graviton", "x86", "driver"] as const) {
            const seen = new Set<string>();
            pools[name].instanceFamilies.forEach((f, i) => {
                if (seen.has(f)) {
                    add(`moka:nodePools.${name}.instanceFamilies[${i}]`, `duplicate family ${f}`);
                }
                seen.add(f);
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
            if (t.quota.guaranteedCpu !== undefined && t.quota.guaranteedCpu > t.quota.cpu) {
                add(`moka:teams[${i}].quota.guaranteedCpu`, `must not exceed quota.cpu (${t.quota.cpu})`);
            }
            if (t.quota.guaranteedMemoryGi !== undefined && t.quota.guaranteedMemoryGi > t.quota.memoryGi) {
                add(`moka:teams[${i}].quota.guaranteedMemoryGi`, `must not exceed quota.memoryGi (${t.quota.memoryGi})`);
            }
            if (t.podSecurity === "baseline" && !t.podSecurityReason) {
                add(`moka:teams[${i}].podSecurityReason`, "is required when podSecurity is baseline: say why the team cannot run under restricted");
            }
            const prefix = t.dataPrefix ?? `teams/${t.name}`;
            t.sharedPrefixes.forEach((s, j) => {
                if (s === prefix || s.startsWith(`${prefix}/`)) {
                    add(`moka:teams[${i}].sharedPrefixes[${j}]`, "is inside the team's own data prefix; list only other teams' prefixes");
                }
            });
        });
        const prefixes = new Map<string, number>();
        p.teams.forEach((t, i) => {
            const prefix = t.dataPrefix ?? `teams/${t.name}`;
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
                const prefix = t.dataPrefix ?? `teams/${t.name}`;
                if (prefix === ev || prefix.startsWith(`${ev}/`)) {
                    add(`moka:teams[${i}].dataPrefix`, `must not sit under the event-log prefix "${ev}"`);
                }
            });
        }
        if (p.nodePools) {
            const capacity = (p.nodePools.graviton.cpuLimit ?? Infinity) + (p.nodePools.x86.cpuLimit ?? Infinity);
            const guaranteed = p.teams.reduce((sum, t) => sum + (t.quota.guaranteedCpu ?? t.quota.cpu / 4), 0);
            if (guaranteed > capacity) {
                add("moka:teams", `guaranteed CPU across teams (${guaranteed}) exceeds the executor pools' combined cpuLimit (${capacity}); YuniKorn could never honour it`);
            }
        }
    }
    return issues;
}

function finalize(s: Sections): MokaConfig {
    const teams: TeamConfig[] = s.teams.map((t) => ({
        name: t.name,
        namespace: t.name,
        quota: {
            cpu: t.quota.cpu,
            memoryGi: t.quota.memoryGi,
            pods: t.quota.pods,
            pvcs: t.quota.pvcs,
            maxApplications: t.quota.maxApplications,
            guaranteedCpu: t.quota.guaranteedCpu ?? t.quota.cpu / 4,
            guaranteedMemoryGi: t.quota.guaranteedMemoryGi ?? Math.max(1, Math.floor(t.quota.memoryGi / 4)),
        },
        dataPrefix: t.dataPrefix ?? `teams/${t.name}`,
        sharedPrefixes: t.sharedPrefixes,
        podSecurity: t.podSecurity,
        podSecurityReason: t.podSecurityReason,
    }));
    const config: MokaConfig = {
        environment: s.environment,
        accountId: s.accountId,
        region: s.region,
        namePrefix: s.namePrefix,
        baseName: `${s.namePrefix}-${s.environment}`,
        network: s.network,
        cluster: s.cluster,
        nodePools: s.nodePools,
        tags: { ...s.tags, environment: s.environment, "managed-by": "pulumi" },
        teams,
        storage: s.storage,
        observability: s.observability,
        engines: s.engines,
        images: s.images,
        protectData: s.protectData ?? (s.environment === "prod" || s.environment === "staging"),
    };
    return deepFreeze(config);
}

function deepFreeze<T>(value: T): T {
    if (value && typeof value === "object") {
        for (const v of Object.values(value as object)) {
            deepFreeze(v);
        }
        Object.freeze(value);
    }
    return value;
}

/** Decodes one raw Pulumi config string: structured values arrive as JSON, scalars as plain text. */
export function decodeConfigValue(text: string): unknown {
    const t = text.trim();
    if (t === "true" || t === "false" || /^-?\d+(\.\d+)?$/.test(t) || t.startsWith("{") || t.startsWith("[") || t === "null") {
        try {
            return JSON.parse(t);
        } catch {
            return text;
        }
    }
    return text;
}

/**
 * Reads every `moka:*` key (and `aws:region`) from a flat `namespace:key → string` map such as
 * `pulumi.runtime.allConfig()`, and validates it.
 */
export function parseConfigMap(all: Record<string, string>): MokaConfig {
    const raw: RawConfig = {};
    for (const [fullKey, value] of Object.entries(all)) {
        const [ns, ...rest] = fullKey.split(":");
        const key = rest.join(":");
        if (ns === CONFIG_NAMESPACE) {
            raw[key] = decodeConfigValue(value);
        } else if (ns === "aws" && key === "region") {
            raw.region = value;
        }
    }
    return parseConfig(raw);
}

/** Loads and validates the running stack's configuration. Throws `MokaConfigError` before any resource exists. */
export function loadConfig(): MokaConfig {
    return parseConfigMap(pulumi.runtime.allConfig());
}
