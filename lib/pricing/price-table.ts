/**
 * EC2 on-demand prices per vCPU-hour: the price table and the ceilings for families it does not list.
 * Data only; family and pool rates are lib/pricing/rates.ts, the cost model that uses them is
 * policies/lib/pricing/cost-model.ts. It lives in lib/ so the cost pack, the offline preview and the
 * Grafana capacity-and-cost dashboard (components/observability) price from the one table.
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
 *   ADDITIONS (issue 12: common -d / -n / -dn / -ad / -gd / -gn variants that fell back to the
 *   architecture ceiling: c5d, m5d, r5d, c6gn, r8gd… in ADDED_REFERENCE_PRICES): transcribed from the
 *   us-east-1 block of Karpenter's generated on-demand price table, aws/karpenter-provider-aws
 *   pkg/providers/pricing/zz_generated.pricing_aws.go at commit 1d927085d ("generated at
 *   2026-07-20T13:44:30Z for us-east-1", produced by Karpenter's code generator from the same AWS Price
 *   List API, Linux on-demand, shared tenancy) — ADDED_PRICES_SOURCE / ADDED_PRICES_DATE. That source
 *   holds us-east-1 only; us-west-2 was not re-checked for these families. Spot-checking the main
 *   table against it, every family agrees to within rounding except r7gd (0.2903 here, 0.2722 there)
 *   and the p4d/p5 accelerated families, whose prices AWS cut after PRICE_TABLE_DATE: the main table
 *   stays as stated for its date, a ceiling that is, if anything, high.
 *   `r7gn` (named in issue 12) is not an EC2 family: no such instance type exists in that price list
 *   (Graviton3 has c7gn only), so it is priced by the variant rule below.
 *
 * VARIANTS (families missing from the table whose base family is in it: r7gn → r7g, c6id → c6i)
 *   Base = series + generation + processor letter (g Graviton, i Intel, a AMD) when there is one:
 *   m5zn → m5, m6idn → m6i, c7i-flex → c7i. The ceiling is the base's price × VARIANT_CEILING_FACTOR,
 *   the largest variant/base price ratio among the families of the table (computed, about 1.72 for
 *   c7gn/c7g and m5zn/m5), so no listed variant costs more than its base × the factor; capped at the
 *   architecture ceiling. Not for accelerated families (g6e costs 2.3× g6): they keep their own ceiling.
 *
 * FALLBACKS (for families missing from the table, and for pools that do not restrict families)
 *   Per-architecture and per-category ceilings chosen ABOVE every non-accelerated family of that
 *   architecture/category we know of (high-memory x2iedn/x1e/u-* are ~$0.21-0.25/vCPU-h, storage
 *   is4gen ~$0.144), so an unknown family is never priced below reality. Accelerated (GPU,
 *   Inferentia, Trainium) families cost up to ~$0.47/vCPU-h (g6e.xlarge) and get their own ceiling.
 *
 * Exported (to rates.ts and the cost model; the preview reads the citation through policies/lib/pricing/index.ts):
 *   PRICE_TABLE_DATE, PRICE_TABLE_SOURCE, PRICE_TABLE_REGIONS, ADDED_PRICES_DATE, ADDED_PRICES_SOURCE, ADDED_FAMILIES,
 *   PRICE_TABLE, baseFamily(family), VARIANT_CEILING_FACTOR, ARCH_FALLBACK_VCPU_HOUR, CATEGORY_CEILING_VCPU_HOUR,
 *   ACCELERATED_FALLBACK_VCPU_HOUR, PRICING_SOURCE (one-line citation)
 */
import { isAcceleratedFamily, parseFamily, type Arch } from "../instance-families";

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

export const ADDED_PRICES_DATE = "2026-07-20";
export const ADDED_PRICES_SOURCE =
    "aws/karpenter-provider-aws pkg/providers/pricing/zz_generated.pricing_aws.go @1d927085d (AWS Price List API, us-east-1, generated 2026-07-20), Linux on-demand";

/** Issue-12 additions: us-east-1 prices from ADDED_PRICES_SOURCE (ADDED_PRICES_DATE). */
const ADDED_REFERENCE_PRICES: Readonly<Record<string, PriceEntry>> = {
    // Graviton (arm64): local NVMe (gd) and network-optimized (gn)
    c6gn: entry("c6gn.xlarge", 0.1728, 4),
    m8gd: entry("m8gd.xlarge", 0.23064, 4),
    c8gd: entry("c8gd.xlarge", 0.19596, 4),
    r8gd: entry("r8gd.xlarge", 0.29392, 4),
    c8gn: entry("c8gn.xlarge", 0.237, 4),
    m8gn: entry("m8gn.xlarge", 0.291, 4),
    r8gn: entry("r8gn.xlarge", 0.3644, 4),
    // Intel (amd64): local NVMe (d), network (n), both (dn), high frequency (zn), flex
    c5d: entry("c5d.xlarge", 0.192, 4),
    m5d: entry("m5d.xlarge", 0.226, 4),
    r5d: entry("r5d.xlarge", 0.288, 4),
    c5n: entry("c5n.xlarge", 0.216, 4),
    m5n: entry("m5n.xlarge", 0.238, 4),
    r5n: entry("r5n.xlarge", 0.298, 4),
    m5dn: entry("m5dn.xlarge", 0.272, 4),
    r5dn: entry("r5dn.xlarge", 0.334, 4),
    m5zn: entry("m5zn.xlarge", 0.3303, 4),
    c6in: entry("c6in.xlarge", 0.2268, 4),
    m6in: entry("m6in.xlarge", 0.27846, 4),
    r6in: entry("r6in.xlarge", 0.34866, 4),
    m6idn: entry("m6idn.xlarge", 0.31824, 4),
    r6idn: entry("r6idn.xlarge", 0.39078, 4),
    "c7i-flex": entry("c7i-flex.xlarge", 0.16958, 4),
    // AMD (amd64): local NVMe (ad)
    c5ad: entry("c5ad.xlarge", 0.172, 4),
    m5ad: entry("m5ad.xlarge", 0.206, 4),
    r5ad: entry("r5ad.xlarge", 0.262, 4),
};

/** The families taken from ADDED_PRICES_SOURCE. */
export const ADDED_FAMILIES: readonly string[] = Object.keys(ADDED_REFERENCE_PRICES);

/** On-demand USD per vCPU-hour by family, derived from the reference prices (price ÷ vCPUs). */
export const PRICE_TABLE: Readonly<Record<string, number>> = Object.freeze(
    Object.fromEntries(Object.entries({ ...REFERENCE_PRICES, ...ADDED_REFERENCE_PRICES }).map(([f, e]) => [f, e.hourlyUsd / e.vcpus])),
);

/**
 * The base family of a variant: series + generation + processor letter (g, i or a) when the attributes
 * start with one — c5d → c5, m5ad → m5a, r7gn → r7g, m6idn → m6i, c7i-flex → c7i; undefined when the
 * family does not parse or is its own base (m7g, c5).
 */
export function baseFamily(family: string): string | undefined {
    const f = parseFamily(family);
    if (!f) {
        return undefined;
    }
    const proc = /^[gia]/.test(f.attributes) ? f.attributes[0] : "";
    const base = `${f.series}${f.generation}${proc}`;
    return base === family.trim().toLowerCase() ? undefined : base;
}

/** The largest variant/base $/vCPU ratio in the table (non-accelerated families whose base is listed). */
export const VARIANT_CEILING_FACTOR: number = Object.entries(PRICE_TABLE).reduce((max, [f, rate]) => {
    const base = baseFamily(f);
    const baseRate = base !== undefined && !isAcceleratedFamily(f) ? PRICE_TABLE[base] : undefined;
    return baseRate !== undefined ? Math.max(max, rate / baseRate) : max;
}, 1);

/** Ceiling $/vCPU-hour for a non-accelerated family of unknown price, by architecture. */
export const ARCH_FALLBACK_VCPU_HOUR: Readonly<Record<Arch, number>> = { arm64: 0.15, amd64: 0.25 };

/**
 * Ceiling $/vCPU-hour for pools restricted only by `instance-category` to general-purpose
 * categories (c, m, r, t), per architecture. Each is above every family of that category we know
 * (network- and disk-enhanced variants such as c7gn, m8gn, r8gn, m5zn, r6idn, r7iz included).
 */
export const CATEGORY_CEILING_VCPU_HOUR: Readonly<Record<string, Readonly<Record<Arch, number>>>> = {
    c: { arm64: 0.07, amd64: 0.07 },
    // Graviton4 network-optimized m8gn ($0.0728) and r8gn ($0.0911) raised m and r arm64 (were 0.07 / 0.08).
    m: { arm64: 0.08, amd64: 0.09 },
    r: { arm64: 0.10, amd64: 0.10 },
    t: { arm64: 0.04, amd64: 0.05 },
};

/** Ceiling $/vCPU-hour for accelerated families (GPU, Inferentia, Trainium) of unknown price. */
export const ACCELERATED_FALLBACK_VCPU_HOUR = 0.5;

/** One-line citation of the price table for reports. */
export const PRICING_SOURCE = `${PRICE_TABLE_SOURCE}; ${PRICE_TABLE_REGIONS.join("/")}; as of ${PRICE_TABLE_DATE} (${ADDED_FAMILIES.length} -d/-n/-gd/-gn variants from ${ADDED_PRICES_SOURCE})`;
