/**
 * EC2 on-demand prices per vCPU-hour and the worst-case cost calculator for Karpenter NodePools.
 *
 * PRICE TABLE
 *   Source: AWS EC2 On-Demand pricing page (https://aws.amazon.com/ec2/pricing/on-demand/), which is
 *   rendered from the AWS Price List API offer file for AmazonEC2
 *   (`aws pricing get-products --region us-east-1 --service-code AmazonEC2 --filters
 *    Type=TERM_MATCH,Field=instanceType,Value=m7g.xlarge Type=TERM_MATCH,Field=location,Value="US East (N. Virginia)"
 *    Type=TERM_MATCH,Field=operatingSystem,Value=Linux Type=TERM_MATCH,Field=tenancy,Value=Shared
 *    Type=TERM_MATCH,Field=preInstalledSw,Value=NA Type=TERM_MATCH,Field=capacitystatus,Value=Used`).
 *   Terms: Linux, shared tenancy, no pre-installed software, On-Demand, USD per hour.
 *   Regions: us-east-1 and us-west-2 (both publish the same price for every family listed here).
 *   Stated for: 2025-06-01 (PRICE_TABLE_DATE). The table was transcribed from the published rate
 *   card, not fetched at build time (this repository builds offline); re-check it with the command
 *   above when you update the date. Spot, Savings Plans and other regions are not modelled: the
 *   table is an on-demand CEILING, which is what a worst-case check needs.
 *
 *   Each entry records one reference size (usually .xlarge = 4 vCPUs), its hourly price and its
 *   vCPU count; $/vCPU-hour = price ÷ vCPUs. Within a family prices scale linearly with vCPUs, so
 *   one size per family is enough.
 *
 * FALLBACKS (for families missing from the table, and for pools that do not restrict families)
 *   Per-architecture and per-category ceilings chosen ABOVE every non-accelerated family of that
 *   architecture/category we know of (high-memory x2iedn/x1e/u-* are ~$0.21-0.25/vCPU-h, storage
 *   is4gen ~$0.144), so an unknown family is never priced below reality. Accelerated (GPU,
 *   Inferentia, Trainium) families cost up to ~$0.47/vCPU-h (g6e.xlarge) and get their own ceiling.
 *
 * Exported API (used by the cost pack and by the offline preview):
 *   PRICE_TABLE_DATE, PRICE_TABLE_SOURCE, PRICE_TABLE_REGIONS, PRICE_TABLE, ARCH_FALLBACK_VCPU_HOUR,
 *   CATEGORY_CEILING_VCPU_HOUR, ACCELERATED_FALLBACK_VCPU_HOUR,
 *   parseQuantity(v), parseCpuQuantity(v), parseMemoryGi(v),
 *   familyVcpuHourUsd(family), instanceVcpus(instanceType), instanceHourlyUsd(instanceType),
 *   KARPENTER_KEYS, NodePoolRequirement, nodePoolRequirements(props), keyConstraint(reqs, key),
 *   acceleratedExposure(reqs), NodePoolPricingInput, nodePoolPricingInput(name, props),
 *   pricingInputsFromConfig(nodePools), poolVcpuHourRate(input), PoolCost, WorstCaseCost,
 *   worstCaseHourlyCost(pools), idleFloorHourlyCost(groups),
 *   PRICING_SOURCE (one-line citation for reports)
 */
import { archOfFamily, familyOf, isAcceleratedFamily, parseFamily, type Arch } from "../../lib/instance-families";
import { asArray, asString, get, isRecord } from "./props";

export const PRICE_TABLE_DATE = "2025-06-01";
export const PRICE_TABLE_SOURCE = "AWS EC2 On-Demand pricing (https://aws.amazon.com/ec2/pricing/on-demand/, AWS Price List API offer AmazonEC2), Linux, shared tenancy";
export const PRICE_TABLE_REGIONS: readonly string[] = ["us-east-1", "us-west-2"];

interface PriceEntry {
    /** The reference instance type the price is for. */
    readonly instanceType: string;
    /** On-demand USD per hour of that instance type. */
    readonly hourlyUsd: number;
    /** Its vCPU count. */
    readonly vcpus: number;
}

const entry = (instanceType: string, hourlyUsd: number, vcpus: number): PriceEntry => ({ instanceType, hourlyUsd, vcpus });

/** Reference prices by family (us-east-1 = us-west-2, Linux on-demand, PRICE_TABLE_DATE). */
const REFERENCE_PRICES: Readonly<Record<string, PriceEntry>> = {
    // Graviton (arm64)
    m6g: entry("m6g.xlarge", 0.154, 4),
    c6g: entry("c6g.xlarge", 0.136, 4),
    r6g: entry("r6g.xlarge", 0.2016, 4),
    m6gd: entry("m6gd.xlarge", 0.1808, 4),
    c6gd: entry("c6gd.xlarge", 0.1536, 4),
    r6gd: entry("r6gd.xlarge", 0.2304, 4),
    m7g: entry("m7g.xlarge", 0.1632, 4),
    c7g: entry("c7g.xlarge", 0.145, 4),
    r7g: entry("r7g.xlarge", 0.2142, 4),
    m7gd: entry("m7gd.xlarge", 0.2135, 4),
    c7gd: entry("c7gd.xlarge", 0.1814, 4),
    r7gd: entry("r7gd.xlarge", 0.2903, 4),
    c7gn: entry("c7gn.xlarge", 0.2496, 4),
    m8g: entry("m8g.xlarge", 0.17952, 4),
    c8g: entry("c8g.xlarge", 0.15952, 4),
    r8g: entry("r8g.xlarge", 0.23562, 4),
    t4g: entry("t4g.xlarge", 0.1344, 4),
    x2gd: entry("x2gd.xlarge", 0.334, 4),
    // Intel (amd64)
    m5: entry("m5.xlarge", 0.192, 4),
    c5: entry("c5.xlarge", 0.17, 4),
    r5: entry("r5.xlarge", 0.252, 4),
    m6i: entry("m6i.xlarge", 0.192, 4),
    c6i: entry("c6i.xlarge", 0.17, 4),
    r6i: entry("r6i.xlarge", 0.252, 4),
    m6id: entry("m6id.xlarge", 0.2373, 4),
    c6id: entry("c6id.xlarge", 0.2016, 4),
    r6id: entry("r6id.xlarge", 0.3024, 4),
    m7i: entry("m7i.xlarge", 0.2016, 4),
    "m7i-flex": entry("m7i-flex.xlarge", 0.19152, 4),
    c7i: entry("c7i.xlarge", 0.1785, 4),
    r7i: entry("r7i.xlarge", 0.2646, 4),
    r7iz: entry("r7iz.xlarge", 0.372, 4),
    t3: entry("t3.xlarge", 0.1664, 4),
    // AMD (amd64)
    m5a: entry("m5a.xlarge", 0.172, 4),
    c5a: entry("c5a.xlarge", 0.154, 4),
    r5a: entry("r5a.xlarge", 0.226, 4),
    m6a: entry("m6a.xlarge", 0.1728, 4),
    c6a: entry("c6a.xlarge", 0.153, 4),
    r6a: entry("r6a.xlarge", 0.2268, 4),
    m7a: entry("m7a.xlarge", 0.23184, 4),
    c7a: entry("c7a.xlarge", 0.20527, 4),
    r7a: entry("r7a.xlarge", 0.30429, 4),
    t3a: entry("t3a.xlarge", 0.1504, 4),
    // Accelerated (only used when a pool is allowed to launch them)
    g4dn: entry("g4dn.xlarge", 0.526, 4),
    g5: entry("g5.xlarge", 1.006, 4),
    g5g: entry("g5g.xlarge", 0.42, 4),
    g6: entry("g6.xlarge", 0.8048, 4),
    g6e: entry("g6e.xlarge", 1.861, 4),
    inf2: entry("inf2.xlarge", 0.7582, 4),
    trn1: entry("trn1.2xlarge", 1.3438, 8),
    p4d: entry("p4d.24xlarge", 32.7726, 96),
    p5: entry("p5.48xlarge", 98.32, 192),
};

/** On-demand USD per vCPU-hour by family, derived from REFERENCE_PRICES (price ÷ vCPUs). */
export const PRICE_TABLE: Readonly<Record<string, number>> = Object.freeze(
    Object.fromEntries(Object.entries(REFERENCE_PRICES).map(([f, e]) => [f, e.hourlyUsd / e.vcpus])),
);

/** Ceiling $/vCPU-hour for a non-accelerated family of unknown price, by architecture. */
export const ARCH_FALLBACK_VCPU_HOUR: Readonly<Record<Arch, number>> = { arm64: 0.15, amd64: 0.25 };

/**
 * Ceiling $/vCPU-hour for pools restricted only by `instance-category` to general-purpose
 * categories (c, m, r, t), per architecture. Each is above every family of that category we know
 * (network- and disk-enhanced variants such as c7gn, m5zn, r6idn, r7iz included).
 */
export const CATEGORY_CEILING_VCPU_HOUR: Readonly<Record<string, Readonly<Record<Arch, number>>>> = {
    c: { arm64: 0.07, amd64: 0.07 },
    m: { arm64: 0.07, amd64: 0.09 },
    r: { arm64: 0.08, amd64: 0.10 },
    t: { arm64: 0.04, amd64: 0.05 },
};

/** Ceiling $/vCPU-hour for accelerated families (GPU, Inferentia, Trainium) of unknown price. */
export const ACCELERATED_FALLBACK_VCPU_HOUR = 0.5;

// ---------------------------------------------------------------------------------------------
// Kubernetes quantities
// ---------------------------------------------------------------------------------------------

const QUANTITY_RE = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$/;
const SUFFIX: Readonly<Record<string, number>> = {
    n: 1e-9, u: 1e-6, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
    Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/**
 * A Kubernetes resource quantity in base units ("1000m" → 1, "4Gi" → 4294967296, "1e3" → 1000,
 * 64 → 64). Undefined for anything that is not a quantity (including negative or non-finite numbers).
 */
export function parseQuantity(v: unknown): number | undefined {
    if (typeof v === "number") {
        return Number.isFinite(v) && v >= 0 ? v : undefined;
    }
    if (typeof v !== "string") {
        return undefined;
    }
    const m = QUANTITY_RE.exec(v.trim());
    if (!m) {
        return undefined;
    }
    const base = Number(m[1]);
    const value = m[2] !== undefined ? base * 10 ** Number(m[2].slice(1)) : base * (m[3] ? SUFFIX[m[3]] : 1);
    return Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** CPU quantity in cores/vCPUs: "1000" → 1000, "1000m" → 1, 64 → 64. */
export function parseCpuQuantity(v: unknown): number | undefined {
    return parseQuantity(v);
}

/** Memory quantity in GiB: "4000Gi" → 4000, "1Ti" → 1024, "64G" → 59.6… */
export function parseMemoryGi(v: unknown): number | undefined {
    const bytes = parseQuantity(v);
    return bytes === undefined ? undefined : bytes / 2 ** 30;
}

// ---------------------------------------------------------------------------------------------
// Prices
// ---------------------------------------------------------------------------------------------

/**
 * $/vCPU-hour of a family: the table price, else the accelerated ceiling for accelerated families,
 * else the architecture ceiling (amd64, the higher one, when the name does not even parse).
 */
export function familyVcpuHourUsd(family: string): { rate: number; known: boolean } {
    const f = familyOf(family);
    const known = PRICE_TABLE[f];
    if (known !== undefined) {
        return { rate: known, known: true };
    }
    if (isAcceleratedFamily(f)) {
        return { rate: ACCELERATED_FALLBACK_VCPU_HOUR, known: false };
    }
    return { rate: ARCH_FALLBACK_VCPU_HOUR[archOfFamily(f) ?? "amd64"], known: false };
}

/** vCPUs of an instance type from its size (medium 1 — 2 for burstable t*, large 2, xlarge 4, Nxlarge 4N); undefined for metal/unknown. */
export function instanceVcpus(instanceType: string): number | undefined {
    const [family, size] = instanceType.trim().toLowerCase().split(".");
    if (!size) {
        return undefined;
    }
    const burstable = parseFamily(family)?.series === "t";
    if (["nano", "micro", "small"].includes(size)) {
        return burstable ? 2 : 1;
    }
    if (size === "medium") {
        return burstable ? 2 : 1;
    }
    if (size === "large") {
        return 2;
    }
    if (size === "xlarge") {
        return 4;
    }
    const m = /^(\d+)xlarge$/.exec(size);
    return m ? 4 * Number(m[1]) : undefined;
}

/** On-demand $/hour of one instance type (family rate × vCPUs); undefined when the size is unknown. */
export function instanceHourlyUsd(instanceType: string): number | undefined {
    const vcpus = instanceVcpus(instanceType);
    return vcpus === undefined ? undefined : vcpus * familyVcpuHourUsd(familyOf(instanceType)).rate;
}

// ---------------------------------------------------------------------------------------------
// NodePool requirements
// ---------------------------------------------------------------------------------------------

/** Requirement keys Karpenter (AWS) schedules on that matter for cost. */
export const KARPENTER_KEYS = {
    arch: "kubernetes.io/arch",
    capacityType: "karpenter.sh/capacity-type",
    instanceFamily: "karpenter.k8s.aws/instance-family",
    instanceCategory: "karpenter.k8s.aws/instance-category",
    instanceType: "node.kubernetes.io/instance-type",
    instanceTypeBeta: "beta.kubernetes.io/instance-type",
    gpuCount: "karpenter.k8s.aws/instance-gpu-count",
    gpuName: "karpenter.k8s.aws/instance-gpu-name",
    gpuManufacturer: "karpenter.k8s.aws/instance-gpu-manufacturer",
    acceleratorCount: "karpenter.k8s.aws/instance-accelerator-count",
    acceleratorName: "karpenter.k8s.aws/instance-accelerator-name",
    acceleratorManufacturer: "karpenter.k8s.aws/instance-accelerator-manufacturer",
} as const;

/** One `spec.template.spec.requirements` entry, normalised (values always an array of strings). */
export interface NodePoolRequirement {
    readonly key: string;
    readonly operator: string;
    readonly values: readonly string[];
}

/**
 * The requirements of a NodePool (karpenter.sh v1 and v1beta1 both keep them at
 * `spec.template.spec.requirements`). Entries without a string key/operator are skipped; a single
 * value where an array belongs is accepted.
 */
export function nodePoolRequirements(props: unknown): NodePoolRequirement[] {
    const out: NodePoolRequirement[] = [];
    for (const r of asArray(get(props, "spec", "template", "spec", "requirements"))) {
        if (!isRecord(r)) {
            continue;
        }
        const key = asString(r.key);
        const operator = asString(r.operator);
        if (key === undefined || operator === undefined) {
            continue;
        }
        const values = asArray(r.values).map((v) => (typeof v === "number" ? String(v) : v)).filter((v): v is string => typeof v === "string");
        out.push({ key: key.trim(), operator: operator.trim(), values: values.map((v) => v.trim()) });
    }
    return out;
}

/** What the requirements on one key allow (requirements on the same key are ANDed). */
export interface KeyConstraint {
    /** Allowed values (intersection of every `In`), when any `In` was given. */
    readonly in?: ReadonlySet<string>;
    /** Excluded values (union of every `NotIn`). */
    readonly notIn: ReadonlySet<string>;
    readonly exists: boolean;
    readonly doesNotExist: boolean;
    /** Strictest `Gt` bound. */
    readonly gt?: number;
    /** Strictest `Lt` bound. */
    readonly lt?: number;
}

/** The combined constraint on one key, or undefined when no requirement names it. */
export function keyConstraint(reqs: readonly NodePoolRequirement[], key: string): KeyConstraint | undefined {
    let inSet: Set<string> | undefined;
    const notIn = new Set<string>();
    let exists = false;
    let doesNotExist = false;
    let gt: number | undefined;
    let lt: number | undefined;
    let seen = false;
    for (const r of reqs) {
        if (r.key !== key) {
            continue;
        }
        seen = true;
        switch (r.operator) {
            case "In": {
                const vals = new Set(r.values.map((v) => v.toLowerCase()));
                inSet = inSet === undefined ? vals : new Set([...inSet].filter((v) => vals.has(v)));
                break;
            }
            case "NotIn":
                r.values.forEach((v) => notIn.add(v.toLowerCase()));
                break;
            case "Exists":
                exists = true;
                break;
            case "DoesNotExist":
                doesNotExist = true;
                break;
            case "Gt": {
                const n = Number(r.values[0]);
                if (Number.isFinite(n)) {
                    gt = gt === undefined ? n : Math.max(gt, n);
                }
                break;
            }
            case "Lt": {
                const n = Number(r.values[0]);
                if (Number.isFinite(n)) {
                    lt = lt === undefined ? n : Math.min(lt, n);
                }
                break;
            }
            default:
                break;
        }
    }
    if (!seen) {
        return undefined;
    }
    const allowed = inSet === undefined ? undefined : new Set([...inSet].filter((v) => !notIn.has(v)));
    return { in: allowed, notIn, exists, doesNotExist, gt, lt };
}

/** Instance categories (the series letters) of the accelerated families, as Karpenter labels them. */
export const ACCELERATED_CATEGORIES: readonly string[] = ["p", "g", "gr", "inf", "trn", "dl", "f", "vt"];
/** Excluding these categories (or all GPUs via instance-gpu-count) counts as "excludes GPUs". */
const GPU_CATEGORIES = ["g", "p"];

/** How a NodePool's requirements expose it to accelerated (GPU/ML) instances. */
export interface AcceleratedExposure {
    /** Accelerated families, categories, instance types or accelerator requirements the pool names explicitly. */
    readonly explicit: readonly string[];
    /** True when nothing restricts the pool to non-accelerated families and GPUs are not excluded. */
    readonly unrestricted: boolean;
}

function hasPositiveCount(c: KeyConstraint | undefined): boolean {
    if (!c) {
        return false;
    }
    if (c.in !== undefined) {
        return [...c.in].some((v) => Number(v) > 0);
    }
    return c.exists || (c.gt !== undefined && c.gt >= 0);
}

function excludesCount(c: KeyConstraint | undefined): boolean {
    if (!c) {
        return false;
    }
    if (c.doesNotExist) {
        return true;
    }
    if (c.in !== undefined) {
        return [...c.in].every((v) => Number(v) === 0);
    }
    return c.lt !== undefined && c.lt <= 1;
}

/**
 * Which accelerated instances a NodePool allows. `explicit` lists what the requirements name
 * (families such as g5, categories such as p, types such as p5.48xlarge, or instance-gpu-count /
 * accelerator-count > 0 / Exists, or gpu/accelerator name/manufacturer requirements). `unrestricted`
 * is true when no `In` on family, category or instance type pins the pool to other families and
 * GPUs are not excluded (instance-gpu-count DoesNotExist / In ["0"] / Lt "1", or category NotIn
 * covering g and p).
 */
export function acceleratedExposure(reqs: readonly NodePoolRequirement[]): AcceleratedExposure {
    const explicit: string[] = [];
    const family = keyConstraint(reqs, KARPENTER_KEYS.instanceFamily);
    const category = keyConstraint(reqs, KARPENTER_KEYS.instanceCategory);
    const types = [keyConstraint(reqs, KARPENTER_KEYS.instanceType), keyConstraint(reqs, KARPENTER_KEYS.instanceTypeBeta)];
    for (const f of family?.in ?? []) {
        if (isAcceleratedFamily(f)) {
            explicit.push(`instance-family ${f}`);
        }
    }
    for (const c of category?.in ?? []) {
        if (ACCELERATED_CATEGORIES.includes(c)) {
            explicit.push(`instance-category ${c}`);
        }
    }
    for (const t of types) {
        for (const it of t?.in ?? []) {
            if (isAcceleratedFamily(familyOf(it))) {
                explicit.push(`instance-type ${it}`);
            }
        }
    }
    for (const key of [KARPENTER_KEYS.gpuCount, KARPENTER_KEYS.acceleratorCount]) {
        if (hasPositiveCount(keyConstraint(reqs, key))) {
            explicit.push(`${key.split("/")[1]} > 0`);
        }
    }
    for (const key of [KARPENTER_KEYS.gpuName, KARPENTER_KEYS.gpuManufacturer, KARPENTER_KEYS.acceleratorName, KARPENTER_KEYS.acceleratorManufacturer]) {
        const c = keyConstraint(reqs, key);
        if (c && (c.exists || (c.in !== undefined && c.in.size > 0))) {
            explicit.push(`${key.split("/")[1]} ${c.in ? [...c.in].join(",") : "Exists"}`);
        }
    }
    const pinned = family?.in !== undefined || category?.in !== undefined || types.some((t) => t?.in !== undefined);
    const gpusExcluded = excludesCount(keyConstraint(reqs, KARPENTER_KEYS.gpuCount))
        || (category !== undefined && GPU_CATEGORIES.every((c) => category.notIn.has(c)));
    return { explicit, unrestricted: !pinned && !gpusExcluded };
}

// ---------------------------------------------------------------------------------------------
// Worst-case cost
// ---------------------------------------------------------------------------------------------

/** What the calculator needs to know about one NodePool. */
export interface NodePoolPricingInput {
    /** Pool name for the breakdown. */
    readonly name: string;
    /** `spec.limits.cpu` in vCPUs; undefined means unbounded. */
    readonly cpuLimit: number | undefined;
    /** Instance families the pool may launch; undefined when not restricted by family or instance type. */
    readonly families?: readonly string[];
    /** Instance categories it may launch; undefined when not restricted by category. */
    readonly categories?: readonly string[];
    /** Architectures it may launch; undefined when not restricted. */
    readonly archs?: readonly Arch[];
    /** True when it may launch accelerated instances (GPU/ML); they get the accelerated ceiling. */
    readonly mayLaunchAccelerated?: boolean;
}

/**
 * Reads what pricing needs from a NodePool's properties: `spec.limits.cpu`, and the families,
 * categories and architectures its `In` requirements allow (instance types count via their family).
 */
export function nodePoolPricingInput(name: string, props: unknown): NodePoolPricingInput {
    const reqs = nodePoolRequirements(props);
    const family = keyConstraint(reqs, KARPENTER_KEYS.instanceFamily)?.in;
    const typeFamilies = [KARPENTER_KEYS.instanceType, KARPENTER_KEYS.instanceTypeBeta]
        .map((k) => keyConstraint(reqs, k)?.in)
        .filter((s): s is ReadonlySet<string> => s !== undefined)
        .map((s) => new Set([...s].map(familyOf)));
    let families: Set<string> | undefined = family ? new Set(family) : undefined;
    for (const tf of typeFamilies) {
        families = families === undefined ? tf : new Set([...families].filter((f) => tf.has(f)));
    }
    const categories = keyConstraint(reqs, KARPENTER_KEYS.instanceCategory)?.in;
    const archIn = keyConstraint(reqs, KARPENTER_KEYS.arch)?.in;
    const archs = archIn ? [...archIn].filter((a): a is Arch => a === "arm64" || a === "amd64") : undefined;
    const exposure = acceleratedExposure(reqs);
    return {
        name,
        cpuLimit: parseCpuQuantity(get(props, "spec", "limits", "cpu")),
        families: families ? [...families] : undefined,
        categories: categories ? [...categories] : undefined,
        archs,
        mayLaunchAccelerated: exposure.explicit.length > 0 || exposure.unrestricted,
    };
}

/** Pricing inputs straight from stack config (`moka:nodePools`-shaped: cpuLimit + instanceFamilies per pool). */
export function pricingInputsFromConfig(nodePools: Readonly<Record<string, { readonly cpuLimit?: number; readonly instanceFamilies: readonly string[] }>>): NodePoolPricingInput[] {
    return Object.entries(nodePools).map(([name, p]) => ({
        name,
        cpuLimit: p.cpuLimit,
        families: [...p.instanceFamilies],
        mayLaunchAccelerated: p.instanceFamilies.some(isAcceleratedFamily),
    }));
}

/** The $/vCPU-hour a pool is priced at (its most expensive possible family) and how that was decided. */
export function poolVcpuHourRate(input: NodePoolPricingInput): { rate: number; basis: string } {
    const archs: Arch[] = input.archs && input.archs.length > 0 ? [...input.archs] : ["arm64", "amd64"];
    if (input.families && input.families.length > 0) {
        let best = { rate: 0, basis: "" };
        for (const f of input.families) {
            const { rate, known } = familyVcpuHourUsd(f);
            if (rate > best.rate) {
                best = { rate, basis: known ? `${f} on-demand` : `${f} (not in the price table; ${isAcceleratedFamily(f) ? "accelerated" : archOfFamily(f) ?? "unknown-arch"} ceiling)` };
            }
        }
        return best;
    }
    let best = { rate: 0, basis: "" };
    const consider = (rate: number, basis: string) => {
        if (rate > best.rate) {
            best = { rate, basis };
        }
    };
    const cats = input.categories;
    if (cats && cats.length > 0 && cats.every((c) => CATEGORY_CEILING_VCPU_HOUR[c] !== undefined)) {
        for (const c of cats) {
            for (const a of archs) {
                consider(CATEGORY_CEILING_VCPU_HOUR[c][a], `category ${c} ${a} ceiling`);
            }
        }
    } else if (cats && cats.length > 0 && cats.every((c) => ACCELERATED_CATEGORIES.includes(c))) {
        consider(ACCELERATED_FALLBACK_VCPU_HOUR, "accelerated ceiling");
    } else {
        for (const a of archs) {
            consider(ARCH_FALLBACK_VCPU_HOUR[a], `${a} ceiling (families not restricted)`);
        }
    }
    if (input.mayLaunchAccelerated) {
        consider(ACCELERATED_FALLBACK_VCPU_HOUR, "accelerated ceiling (pool may launch GPU/ML instances)");
    }
    return best;
}

export interface PoolCost {
    readonly name: string;
    readonly cpuLimit: number | undefined;
    /** $/vCPU-hour used. */
    readonly vcpuHourUsd: number;
    readonly basis: string;
    /** cpuLimit × rate; undefined for an unbounded pool. */
    readonly hourlyUsd: number | undefined;
}

export interface WorstCaseCost {
    /** Sum over bounded pools of cpuLimit × $/vCPU-hour (on-demand ceiling), USD per hour. */
    readonly totalHourlyUsd: number;
    readonly pools: readonly PoolCost[];
    /** Pools without a parseable cpu limit: their worst case is unbounded and not in the total. */
    readonly unbounded: readonly string[];
}

/**
 * The worst-case hourly cost of a set of NodePools: every pool scaled to its cpu limit on its most
 * expensive allowed family, on-demand. Pools without a cpu limit are listed in `unbounded`.
 */
export function worstCaseHourlyCost(pools: readonly NodePoolPricingInput[]): WorstCaseCost {
    const out: PoolCost[] = [];
    const unbounded: string[] = [];
    let total = 0;
    for (const p of pools) {
        const { rate, basis } = poolVcpuHourRate(p);
        const hourly = p.cpuLimit === undefined ? undefined : p.cpuLimit * rate;
        if (hourly === undefined) {
            unbounded.push(p.name);
        } else {
            total += hourly;
        }
        out.push({ name: p.name, cpuLimit: p.cpuLimit, vcpuHourUsd: rate, basis, hourlyUsd: hourly });
    }
    return { totalHourlyUsd: total, pools: out, unbounded };
}

/**
 * The idle floor: what always-on node groups cost per hour at their minimum size, on their
 * cheapest listed instance type. Types of unknown size contribute nothing.
 */
export function idleFloorHourlyCost(groups: readonly { readonly instanceTypes: readonly string[]; readonly minSize: number }[]): number {
    let total = 0;
    for (const g of groups) {
        const prices = g.instanceTypes.map(instanceHourlyUsd).filter((p): p is number => p !== undefined);
        if (prices.length > 0 && g.minSize > 0) {
            total += g.minSize * Math.min(...prices);
        }
    }
    return total;
}

// ---------------------------------------------------------------------------------------------
// Citation
// ---------------------------------------------------------------------------------------------

/** One-line citation of the price table for reports. */
export const PRICING_SOURCE = `${PRICE_TABLE_SOURCE}; ${PRICE_TABLE_REGIONS.join("/")}; as of ${PRICE_TABLE_DATE}`;

