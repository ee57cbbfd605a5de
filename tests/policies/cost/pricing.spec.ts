import { strict as assert } from "assert";
import * as fc from "fast-check";
import * as fs from "fs";
import * as path from "path";
import { parseConfigMap } from "../../../config";
import { readStackConfig } from "../../../preview/mocks";
import {
    idleFloorHourlyCost, instanceHourlyUsd, instanceVcpus, nodePoolPricingInput, pricingInputsFromConfig, worstCaseHourlyCost,
} from "../../../policies/lib/pricing/cost-model";
import { familyVcpuHourUsd, poolVcpuHourRate } from "../../../lib/pricing/rates";
import {
    ACCELERATED_FALLBACK_VCPU_HOUR, ADDED_FAMILIES, ADDED_PRICES_DATE, ADDED_PRICES_SOURCE, ARCH_FALLBACK_VCPU_HOUR, baseFamily, CATEGORY_CEILING_VCPU_HOUR,
    PRICE_TABLE, PRICE_TABLE_DATE, PRICE_TABLE_REGIONS, PRICING_SOURCE, VARIANT_CEILING_FACTOR,
} from "../../../lib/pricing/price-table";
import {
    instanceHourlyUsd as publicInstanceHourlyUsd, nodePoolsWorstCase, PRICE_TABLE_DATE as PUBLIC_PRICE_TABLE_DATE, PRICE_TABLE_SOURCE as PUBLIC_PRICE_TABLE_SOURCE,
} from "../../../policies/lib/pricing";
import { parseCpuQuantity, parseMemoryGi, parseQuantity } from "../../../lib/quantity";
import { acceleratedExposure, KARPENTER_KEYS, keyConstraint, nodePoolRequirements } from "../../../policies/lib/pricing/requirements";
import { isAcceleratedFamily, isGravitonFamily } from "../../../lib/instance-families";

const req = (key: string, operator: string, values?: unknown) => ({ key, operator, values });
const pool = (requirements: unknown[], limits: Record<string, unknown> = { cpu: "100", memory: "400Gi" }) => ({
    metadata: { name: "p" },
    spec: { limits, template: { spec: { requirements } } },
});

describe("cost: policies/lib/pricing", () => {
    describe("quantities", () => {
        const table: [unknown, number | undefined][] = [
            ["1000", 1000], [64, 64], ["1000m", 1], ["500m", 0.5], ["1.5", 1.5], ["1e3", 1000], ["2k", 2000],
            ["4Gi", 4 * 2 ** 30], ["4000Gi", 4000 * 2 ** 30], ["1Ti", 2 ** 40], ["64G", 64e9], ["128Mi", 128 * 2 ** 20],
            ["", undefined], ["abc", undefined], ["10 Gi", undefined], ["-1", undefined], [-5, undefined], [NaN, undefined], [Infinity, undefined],
            [null, undefined], [undefined, undefined], [{}, undefined], [["1"], undefined], [true, undefined],
        ];
        for (const [input, expected] of table) {
            it(`parseQuantity(${JSON.stringify(input)}) = ${expected}`, () => {
                assert.equal(parseQuantity(input), expected);
            });
        }
        it("parses CPU in cores and memory in GiB", () => {
            assert.equal(parseCpuQuantity("1000"), 1000);
            assert.equal(parseCpuQuantity("1000m"), 1);
            assert.equal(parseCpuQuantity(64), 64);
            assert.equal(parseMemoryGi("4000Gi"), 4000);
            assert.equal(parseMemoryGi("1Ti"), 1024);
            assert.equal(parseMemoryGi("junk"), undefined);
        });
        it("millicores are a thousandth (property)", () => {
            fc.assert(fc.property(fc.integer({ min: 0, max: 10_000_000 }), (n) => Math.abs(parseCpuQuantity(`${n}m`)! - n / 1000) < 1e-9));
        });
    });

    describe("price table", () => {
        it("cites its source, regions and date", () => {
            assert.match(PRICE_TABLE_DATE, /^\d{4}-\d{2}-\d{2}$/);
            assert.deepEqual([...PRICE_TABLE_REGIONS], ["us-east-1", "us-west-2"]);
            assert.match(PRICING_SOURCE, /aws\.amazon\.com\/ec2\/pricing\/on-demand/);
            assert.match(PRICING_SOURCE, new RegExp(PRICE_TABLE_DATE));
            const header = fs.readFileSync(path.join(__dirname, "../../../lib/pricing/price-table.ts"), "utf8").slice(0, 2500);
            assert.match(header, /Source: AWS EC2 On-Demand pricing page/);
            assert.match(header, /Price List API/);
            assert.match(header, /Stated for: 2025-06-01/);
        });
        it("derives $/vCPU-hour from the reference size (xlarge price / 4)", () => {
            assert.ok(Math.abs(PRICE_TABLE.m7g - 0.1632 / 4) < 1e-12);
            assert.ok(Math.abs(PRICE_TABLE.r8g - 0.23562 / 4) < 1e-12);
            assert.ok(Math.abs(PRICE_TABLE.m7i - 0.2016 / 4) < 1e-12);
            assert.ok(Math.abs(PRICE_TABLE.p5 - 98.32 / 192) < 1e-12);
        });
        it("cites the source of the issue-12 additions (Karpenter's generated us-east-1 table, with commit and date)", () => {
            assert.equal(ADDED_PRICES_DATE, "2026-07-20");
            assert.match(ADDED_PRICES_SOURCE, /aws\/karpenter-provider-aws pkg\/providers\/pricing\/zz_generated\.pricing_aws\.go @1d927085d/);
            assert.match(PRICING_SOURCE, /variants from aws\/karpenter-provider-aws/);
            assert.ok(ADDED_FAMILIES.length >= 20);
        });
        it("prices the common -d / -n / -gd / -gn families the ceiling used to inflate (issue 12), at their us-east-1 on-demand price", () => {
            // $/hour of the .xlarge (4 vCPUs) in Karpenter's zz_generated.pricing_aws.go @1d927085d.
            const xlarge: Record<string, number> = { c5d: 0.192, r5d: 0.288, m5d: 0.226, c6gn: 0.1728, r8gd: 0.29392, c5n: 0.216, m5dn: 0.272, r6idn: 0.39078, c8gn: 0.237, r8gn: 0.3644 };
            for (const [f, price] of Object.entries(xlarge)) {
                assert.deepEqual(familyVcpuHourUsd(f), { rate: price / 4, known: true }, f);
                assert.ok(ADDED_FAMILIES.includes(f), f);
            }
        });
        it("names the real most expensive family as a pool's basis (regression: c6gn's inflated fallback used to win over r8g)", () => {
            assert.deepEqual(poolVcpuHourRate({ name: "p", cpuLimit: 10, families: ["r8g", "c6gn"] }), { rate: PRICE_TABLE.r8g, basis: "r8g on-demand" });
            assert.deepEqual(poolVcpuHourRate({ name: "p", cpuLimit: 10, families: ["c5", "c5d", "m5d", "r5d", "c6gn", "r8gd"] }), { rate: 0.29392 / 4, basis: "r8gd on-demand" });
        });
        it("prices an unlisted variant at its base family × the largest listed variant/base ratio (r7gn is no EC2 family: r7g × factor)", () => {
            assert.ok(VARIANT_CEILING_FACTOR > 1.7 && VARIANT_CEILING_FACTOR < 1.75, String(VARIANT_CEILING_FACTOR));
            assert.deepEqual(familyVcpuHourUsd("r7gn"), { rate: PRICE_TABLE.r7g * VARIANT_CEILING_FACTOR, known: false, derivedFrom: "r7g" });
            assert.deepEqual(familyVcpuHourUsd("m6ad"), { rate: PRICE_TABLE.m6a * VARIANT_CEILING_FACTOR, known: false, derivedFrom: "m6a" });
            assert.deepEqual(poolVcpuHourRate({ name: "p", cpuLimit: 1, families: ["r8g", "r7gn"] }).basis, "r7gn (not in the price table; ceiling r7g on-demand × 1.72, the largest variant/base ratio listed)");
            // Accelerated variants keep the accelerated ceiling (g6e costs 2.3× g6); families that are their own base keep the arch ceiling.
            assert.deepEqual(familyVcpuHourUsd("g6f"), { rate: ACCELERATED_FALLBACK_VCPU_HOUR, known: false });
            assert.deepEqual(familyVcpuHourUsd("m99g"), { rate: ARCH_FALLBACK_VCPU_HOUR.arm64, known: false });
        });
        it("derives base families from the processor letter", () => {
            const table: [string, string | undefined][] = [["c5d", "c5"], ["m5ad", "m5a"], ["r7gn", "r7g"], ["m6idn", "m6i"], ["c7i-flex", "c7i"], ["m5zn", "m5"], ["x2iedn", "x2i"], ["m7g", undefined], ["c5", undefined], ["!!", undefined]];
            for (const [f, base] of table) {
                assert.equal(baseFamily(f), base, f);
            }
        });
        it("keeps every listed variant at or below its base × VARIANT_CEILING_FACTOR", () => {
            for (const [f, rate] of Object.entries(PRICE_TABLE)) {
                const base = baseFamily(f);
                if (base !== undefined && PRICE_TABLE[base] !== undefined && !isAcceleratedFamily(f)) {
                    assert.ok(rate <= PRICE_TABLE[base] * VARIANT_CEILING_FACTOR + 1e-12, f);
                }
            }
        });
        it("covers every family in the stack configs", () => {
            for (const f of ["m7g", "c7g", "r7g", "m8g", "r8g", "m7i", "c7i", "r7i", "m7a", "r7a", "m6i", "c6i", "r6i", "m6g", "c6g", "r6g"]) {
                assert.ok(PRICE_TABLE[f] !== undefined, f);
            }
        });
        it("keeps the ceilings above every known family of that kind", () => {
            for (const [f, rate] of Object.entries(PRICE_TABLE)) {
                if (isAcceleratedFamily(f)) {
                    continue;
                }
                assert.ok(rate <= ARCH_FALLBACK_VCPU_HOUR[isGravitonFamily(f) ? "arm64" : "amd64"], `${f} ${rate}`);
                const series = f.replace(/\d.*$/, "");
                if (CATEGORY_CEILING_VCPU_HOUR[series]) {
                    assert.ok(rate <= CATEGORY_CEILING_VCPU_HOUR[series][isGravitonFamily(f) ? "arm64" : "amd64"], `${f} category ceiling`);
                }
            }
        });
        it("prices unknown families at a conservative per-arch (or accelerated) ceiling", () => {
            assert.deepEqual(familyVcpuHourUsd("m7g"), { rate: PRICE_TABLE.m7g, known: true });
            assert.deepEqual(familyVcpuHourUsd("m7g.2xlarge"), { rate: PRICE_TABLE.m7g, known: true });
            assert.deepEqual(familyVcpuHourUsd("x8g"), { rate: ARCH_FALLBACK_VCPU_HOUR.arm64, known: false });
            assert.deepEqual(familyVcpuHourUsd("x2iedn"), { rate: ARCH_FALLBACK_VCPU_HOUR.amd64, known: false });
            assert.deepEqual(familyVcpuHourUsd("p4de"), { rate: ACCELERATED_FALLBACK_VCPU_HOUR, known: false });
            assert.deepEqual(familyVcpuHourUsd("!!"), { rate: ARCH_FALLBACK_VCPU_HOUR.amd64, known: false });
        });
        it("knows instance sizes", () => {
            const table: [string, number | undefined][] = [
                ["m7g.medium", 1], ["m7g.large", 2], ["m7g.xlarge", 4], ["m7g.2xlarge", 8], ["r7i.48xlarge", 192], ["t3.micro", 2],
                ["t4g.medium", 2], ["m7g.metal", undefined], ["m7g", undefined],
            ];
            for (const [t, v] of table) {
                assert.equal(instanceVcpus(t), v, t);
            }
            assert.ok(Math.abs(instanceHourlyUsd("m7g.large")! - 0.0816) < 1e-9);
            assert.equal(instanceHourlyUsd("m7g.metal"), undefined);
            assert.ok(Math.abs(idleFloorHourlyCost([{ instanceTypes: ["m7g.xlarge", "m7g.large"], minSize: 3 }]) - 3 * 0.0816) < 1e-9);
            assert.equal(idleFloorHourlyCost([{ instanceTypes: ["weird"], minSize: 3 }, { instanceTypes: ["m7g.large"], minSize: 0 }]), 0);
        });
    });

    describe("requirements", () => {
        it("normalises requirements and skips odd entries", () => {
            const reqs = nodePoolRequirements(pool([req("a", "In", "x"), null, 7, { key: 1 }, req("b", "In", [1, "y", null]), req("c", "Exists")]));
            assert.deepEqual(reqs, [
                { key: "a", operator: "In", values: ["x"] },
                { key: "b", operator: "In", values: ["1", "y"] },
                { key: "c", operator: "Exists", values: [] },
            ]);
            assert.deepEqual(nodePoolRequirements({}), []);
            assert.deepEqual(nodePoolRequirements({ spec: { template: { spec: { requirements: "nope" } } } }), []);
        });
        it("ANDs requirements on the same key", () => {
            const c = keyConstraint(nodePoolRequirements(pool([req("k", "In", ["a", "b", "c"]), req("k", "In", ["b", "c"]), req("k", "NotIn", ["c"])])), "k")!;
            assert.deepEqual([...c.in!], ["b"]);
            assert.equal(keyConstraint([], "k"), undefined);
        });
        const exposure: [string, unknown[], string[], boolean][] = [
            ["no requirements", [], [], true],
            ["only arch", [req("kubernetes.io/arch", "In", ["arm64"])], [], true],
            ["family In non-accelerated", [req("karpenter.k8s.aws/instance-family", "In", ["m7g", "r7g"])], [], false],
            ["category In c,m,r", [req("karpenter.k8s.aws/instance-category", "In", ["c", "m", "r"])], [], false],
            ["instance types", [req("node.kubernetes.io/instance-type", "In", ["m7g.large"])], [], false],
            ["gpu-count DoesNotExist", [req("karpenter.k8s.aws/instance-gpu-count", "DoesNotExist")], [], false],
            ["gpu-count In 0", [req("karpenter.k8s.aws/instance-gpu-count", "In", ["0"])], [], false],
            ["gpu-count Lt 1", [req("karpenter.k8s.aws/instance-gpu-count", "Lt", ["1"])], [], false],
            ["category NotIn g,p", [req("karpenter.k8s.aws/instance-category", "NotIn", ["g", "p", "inf"])], [], false],
            ["category NotIn g only", [req("karpenter.k8s.aws/instance-category", "NotIn", ["g"])], [], true],
            ["family NotIn", [req("karpenter.k8s.aws/instance-family", "NotIn", ["p5"])], [], true],
            ["family In g5", [req("karpenter.k8s.aws/instance-family", "In", ["m7g", "g5"])], ["instance-family g5"], false],
            ["category In p", [req("karpenter.k8s.aws/instance-category", "In", ["p"])], ["instance-category p"], false],
            ["type In p5.48xlarge", [req("node.kubernetes.io/instance-type", "In", ["p5.48xlarge"])], ["instance-type p5.48xlarge"], false],
            ["gpu-count Gt 0", [req("karpenter.k8s.aws/instance-gpu-count", "Gt", ["0"])], ["instance-gpu-count > 0"], true],
            ["gpu-count Exists", [req("karpenter.k8s.aws/instance-gpu-count", "Exists")], ["instance-gpu-count > 0"], true],
            ["gpu-name In", [req("karpenter.k8s.aws/instance-gpu-name", "In", ["a100"])], ["instance-gpu-name a100"], true],
            ["accelerator-count In 1", [req("karpenter.k8s.aws/instance-accelerator-count", "In", ["1"])], ["instance-accelerator-count > 0"], true],
        ];
        for (const [label, reqs, explicit, unrestricted] of exposure) {
            it(`accelerated exposure: ${label}`, () => {
                const e = acceleratedExposure(nodePoolRequirements(pool(reqs)));
                assert.deepEqual([...e.explicit], explicit);
                assert.equal(e.unrestricted, unrestricted);
            });
        }
    });

    describe("worst-case calculator", () => {
        it("prices a pool at its most expensive allowed family", () => {
            const input = nodePoolPricingInput("g", pool([req("karpenter.k8s.aws/instance-family", "In", ["m7g", "c7g", "r7g", "m8g", "r8g"])], { cpu: "4000", memory: "16000Gi" }));
            assert.deepEqual(input.families, ["m7g", "c7g", "r7g", "m8g", "r8g"]);
            assert.equal(input.cpuLimit, 4000);
            assert.equal(input.mayLaunchAccelerated, false);
            const r = poolVcpuHourRate(input);
            assert.equal(r.rate, PRICE_TABLE.r8g);
            assert.match(r.basis, /r8g on-demand/);
        });
        it("intersects families with instance types, and prices by type family", () => {
            const input = nodePoolPricingInput("t", pool([req("node.kubernetes.io/instance-type", "In", ["m7g.large", "r7i.xlarge"])]));
            assert.deepEqual(input.families, ["m7g", "r7i"]);
            assert.equal(poolVcpuHourRate(input).rate, PRICE_TABLE.r7i);
        });
        it("uses category and architecture ceilings when families are not restricted", () => {
            // m arm64 is 0.08 since m8gn ($0.0728/vCPU-h) joined the table; c arm64 stays 0.07.
            assert.equal(poolVcpuHourRate(nodePoolPricingInput("c", pool([req("karpenter.k8s.aws/instance-category", "In", ["c", "m"]), req("kubernetes.io/arch", "In", ["arm64"])]))).rate, 0.08);
            assert.equal(poolVcpuHourRate(nodePoolPricingInput("a", pool([req("kubernetes.io/arch", "In", ["arm64"]), req("karpenter.k8s.aws/instance-gpu-count", "DoesNotExist")]))).rate, ARCH_FALLBACK_VCPU_HOUR.arm64);
            assert.equal(poolVcpuHourRate(nodePoolPricingInput("n", pool([req("karpenter.k8s.aws/instance-gpu-count", "DoesNotExist")]))).rate, ARCH_FALLBACK_VCPU_HOUR.amd64);
            assert.equal(poolVcpuHourRate(nodePoolPricingInput("x", pool([req("karpenter.k8s.aws/instance-category", "In", ["x", "m"])]))).rate, ARCH_FALLBACK_VCPU_HOUR.amd64);
            assert.equal(poolVcpuHourRate(nodePoolPricingInput("u", pool([]))).rate, ACCELERATED_FALLBACK_VCPU_HOUR);
            assert.equal(poolVcpuHourRate(nodePoolPricingInput("gp", pool([req("karpenter.k8s.aws/instance-category", "In", ["g", "p"])]))).rate, ACCELERATED_FALLBACK_VCPU_HOUR);
        });
        it("public API (policies/lib/pricing): nodePoolsWorstCase reads each pool's properties and prices it like the calculator", () => {
            const graviton = pool([req("karpenter.k8s.aws/instance-family", "In", ["m7g", "r8g"])], { cpu: "1000", memory: "4000Gi" });
            const unbounded = pool([req("karpenter.k8s.aws/instance-family", "In", ["m7g"])], {});
            const cost = nodePoolsWorstCase([{ name: "graviton", props: graviton }, { name: "open", props: unbounded }]);
            assert.deepEqual(cost, worstCaseHourlyCost([nodePoolPricingInput("graviton", graviton), nodePoolPricingInput("open", unbounded)]));
            assert.ok(Math.abs(cost.totalHourlyUsd - 1000 * PRICE_TABLE.r8g) < 1e-9);
            assert.deepEqual(cost.unbounded, ["open"]);
            assert.equal(publicInstanceHourlyUsd, instanceHourlyUsd);
            assert.equal(PUBLIC_PRICE_TABLE_DATE, PRICE_TABLE_DATE);
            assert.match(PUBLIC_PRICE_TABLE_SOURCE, /aws\.amazon\.com\/ec2\/pricing\/on-demand/);
        });
        it("sums bounded pools and lists unbounded ones", () => {
            const cost = worstCaseHourlyCost([
                { name: "a", cpuLimit: 100, families: ["m7g"] },
                { name: "b", cpuLimit: undefined, families: ["m7g"] },
            ]);
            assert.ok(Math.abs(cost.totalHourlyUsd - 100 * PRICE_TABLE.m7g) < 1e-9);
            assert.deepEqual([...cost.unbounded], ["b"]);
            assert.equal(cost.pools[1].hourlyUsd, undefined);
        });
        it("computes the prod and dev stacks' ceilings from their config", () => {
            const prod = worstCaseHourlyCost(pricingInputsFromConfig(parseConfigMap(readStackConfig("prod")).nodePools));
            // graviton 4000 × r8g + x86 2000 × r7a + driver 400 × r7g
            const expected = 4000 * PRICE_TABLE.r8g + 2000 * PRICE_TABLE.r7a + 400 * PRICE_TABLE.r7g;
            assert.ok(Math.abs(prod.totalHourlyUsd - expected) < 1e-9);
            assert.ok(prod.totalHourlyUsd > 400 && prod.totalHourlyUsd < 420, String(prod.totalHourlyUsd));
            const dev = worstCaseHourlyCost(pricingInputsFromConfig(parseConfigMap(readStackConfig("dev")).nodePools));
            assert.ok(dev.totalHourlyUsd > 20 && dev.totalHourlyUsd < 30, String(dev.totalHourlyUsd));
        });
    });
});

describe("cost: policies/lib/pricing edge cases", () => {
    it("instanceVcpus: small sizes, burstable doubling, Nxlarge only as a whole word, trimmed and case-insensitive", () => {
        assert.equal(instanceVcpus("t4g.nano"), 2);
        assert.equal(instanceVcpus("m7g.small"), 1);
        assert.equal(instanceVcpus(" M7G.Medium "), 1);
        assert.equal(instanceVcpus("t3.medium"), 2);
        assert.equal(instanceVcpus("m7g.12xlarge"), 48);
        for (const t of ["m7g", "m7g.", "m7g.metal", "m7g.x2xlarge", "m7g.2xlargex"]) {
            assert.equal(instanceVcpus(t), undefined, t);
        }
    });
    it("parseQuantity: zero is a quantity, negatives are not, strings are trimmed", () => {
        assert.equal(parseQuantity(0), 0);
        assert.equal(parseQuantity(-1), undefined);
        assert.equal(parseQuantity(" 4Gi "), 4 * 2 ** 30);
        assert.equal(parseQuantity("1e3"), 1000);
        assert.equal(parseQuantity("100m"), 0.1);
    });
    it("poolVcpuHourRate: with families, the most expensive one, and why when it is not in the table", () => {
        assert.deepEqual(poolVcpuHourRate({ name: "a", cpuLimit: undefined, families: ["m7g", "c7g"] }), { rate: PRICE_TABLE.m7g, basis: "m7g on-demand" });
        assert.deepEqual(poolVcpuHourRate({ name: "a", cpuLimit: undefined, families: ["zz9"] }), { rate: ARCH_FALLBACK_VCPU_HOUR.amd64, basis: "zz9 (not in the price table; amd64 ceiling)" });
        assert.deepEqual(poolVcpuHourRate({ name: "a", cpuLimit: undefined, families: ["m99g"] }), { rate: ARCH_FALLBACK_VCPU_HOUR.arm64, basis: "m99g (not in the price table; arm64 ceiling)" });
        assert.deepEqual(poolVcpuHourRate({ name: "a", cpuLimit: undefined, families: ["g99"] }), { rate: ACCELERATED_FALLBACK_VCPU_HOUR, basis: "g99 (not in the price table; accelerated ceiling)" });
        assert.deepEqual(poolVcpuHourRate({ name: "a", cpuLimit: undefined, families: ["nope"] }), { rate: ARCH_FALLBACK_VCPU_HOUR.amd64, basis: "nope (not in the price table; unknown-arch ceiling)" });
        assert.deepEqual(poolVcpuHourRate({ name: "a", cpuLimit: undefined, families: ["zz9", "g99", "m99g"] }).basis, "g99 (not in the price table; accelerated ceiling)");
    });
    it("poolVcpuHourRate: without families, category ceilings per architecture (first of equal ones), accelerated categories, or the architecture ceiling", () => {
        assert.deepEqual(poolVcpuHourRate({ name: "a", cpuLimit: undefined }), { rate: ARCH_FALLBACK_VCPU_HOUR.amd64, basis: "amd64 ceiling (families not restricted)" });
        assert.deepEqual(poolVcpuHourRate({ name: "a", cpuLimit: undefined, archs: [], families: [] }), { rate: ARCH_FALLBACK_VCPU_HOUR.amd64, basis: "amd64 ceiling (families not restricted)" });
        assert.deepEqual(poolVcpuHourRate({ name: "a", cpuLimit: undefined, archs: ["arm64"] }), { rate: ARCH_FALLBACK_VCPU_HOUR.arm64, basis: "arm64 ceiling (families not restricted)" });
        assert.deepEqual(poolVcpuHourRate({ name: "a", cpuLimit: undefined, categories: ["c"] }), { rate: CATEGORY_CEILING_VCPU_HOUR.c.arm64, basis: "category c arm64 ceiling" });
        assert.deepEqual(poolVcpuHourRate({ name: "a", cpuLimit: undefined, categories: ["c", "m"], archs: ["arm64"] }), { rate: CATEGORY_CEILING_VCPU_HOUR.m.arm64, basis: "category m arm64 ceiling" });
        assert.deepEqual(poolVcpuHourRate({ name: "a", cpuLimit: undefined, categories: ["c", "m"] }), { rate: CATEGORY_CEILING_VCPU_HOUR.m.amd64, basis: "category m amd64 ceiling" });
        assert.deepEqual(poolVcpuHourRate({ name: "a", cpuLimit: undefined, categories: ["g", "p"] }), { rate: ACCELERATED_FALLBACK_VCPU_HOUR, basis: "accelerated ceiling" });
        assert.deepEqual(poolVcpuHourRate({ name: "a", cpuLimit: undefined, categories: ["c", "g"] }), { rate: ARCH_FALLBACK_VCPU_HOUR.amd64, basis: "amd64 ceiling (families not restricted)" });
        assert.deepEqual(poolVcpuHourRate({ name: "a", cpuLimit: undefined, categories: [] }), { rate: ARCH_FALLBACK_VCPU_HOUR.amd64, basis: "amd64 ceiling (families not restricted)" });
        assert.deepEqual(poolVcpuHourRate({ name: "a", cpuLimit: undefined, categories: ["c"], mayLaunchAccelerated: true }), { rate: ACCELERATED_FALLBACK_VCPU_HOUR, basis: "accelerated ceiling (pool may launch GPU/ML instances)" });
        assert.deepEqual(poolVcpuHourRate({ name: "a", cpuLimit: undefined, categories: ["g"], mayLaunchAccelerated: true }), { rate: ACCELERATED_FALLBACK_VCPU_HOUR, basis: "accelerated ceiling" });
    });
    it("pricingInputsFromConfig marks pools whose families include an accelerated one", () => {
        assert.deepEqual(pricingInputsFromConfig({ a: { cpuLimit: 8, instanceFamilies: ["m7g", "g5"] }, b: { instanceFamilies: ["m7g"] } }), [
            { name: "a", cpuLimit: 8, families: ["m7g", "g5"], mayLaunchAccelerated: true },
            { name: "b", cpuLimit: undefined, families: ["m7g"], mayLaunchAccelerated: false },
        ]);
    });
    it("nodePoolRequirements keeps string key/operator entries, trimmed, with numbers as strings and single values as arrays", () => {
        const np = (requirements: unknown) => ({ spec: { template: { spec: { requirements } } } });
        assert.deepEqual(nodePoolRequirements(np([{ key: " a ", operator: " In ", values: [" x ", 2, null] }, { key: "b" }, { operator: "In" }, "junk", { key: "c", operator: "Exists", values: "one" }])), [
            { key: "a", operator: "In", values: ["x", "2"] },
            { key: "c", operator: "Exists", values: ["one"] },
        ]);
    });
    it("keyConstraint ANDs requirements: In intersected (case-insensitive) minus NotIn, strictest Gt/Lt, non-numeric bounds and unknown operators ignored", () => {
        const R = (key: string, operator: string, values: string[] = []) => ({ key, operator, values });
        const c = keyConstraint([R("k", "Gt", ["2"]), R("k", "Gt", ["5"]), R("k", "Gt", ["x"]), R("k", "Lt", ["9"]), R("k", "Lt", ["4"]), R("k", "Lt", ["y"]), R("k", "Weird", ["1"]), R("k", "In", ["A", "b"]), R("k", "In", ["a", "c"]), R("k", "NotIn", ["B"]), R("other", "In", ["z"])], "k")!;
        assert.deepEqual([...c.in!], ["a"]);
        assert.deepEqual([...c.notIn], ["b"]);
        assert.deepEqual({ gt: c.gt, lt: c.lt, exists: c.exists, doesNotExist: c.doesNotExist }, { gt: 5, lt: 4, exists: false, doesNotExist: false });
        const d = keyConstraint([R("k", "Gt", ["5"]), R("k", "Gt", ["2"]), R("k", "Lt", ["4"]), R("k", "Lt", ["9"])], "k")!;
        assert.deepEqual({ gt: d.gt, lt: d.lt, in: d.in }, { gt: 5, lt: 4, in: undefined });
        assert.equal(keyConstraint([R("other", "In", ["z"])], "k"), undefined);
    });
    it("acceleratedExposure: GPU/accelerator counts, names and explicit accelerated families/categories/types", () => {
        const K = KARPENTER_KEYS;
        const R = (key: string, operator: string, values: string[] = []) => ({ key, operator, values });
        const cases: [ReturnType<typeof R>[], { explicit: string[]; unrestricted: boolean }][] = [
            [[R(K.gpuCount, "Gt", ["-1"])], { explicit: [], unrestricted: true }],
            [[R(K.gpuCount, "Gt", ["0"])], { explicit: ["instance-gpu-count > 0"], unrestricted: true }],
            [[R(K.gpuCount, "In", ["0", "2"])], { explicit: ["instance-gpu-count > 0"], unrestricted: true }],
            [[R(K.gpuCount, "In", ["0"])], { explicit: [], unrestricted: false }],
            [[R(K.gpuCount, "Lt", ["1"])], { explicit: [], unrestricted: false }],
            [[R(K.gpuCount, "Lt", ["2"])], { explicit: [], unrestricted: true }],
            [[R(K.gpuCount, "Exists")], { explicit: ["instance-gpu-count > 0"], unrestricted: true }],
            [[R(K.gpuName, "In", [])], { explicit: [], unrestricted: true }],
            [[R(K.gpuName, "In", ["a100", "h100"])], { explicit: ["instance-gpu-name a100,h100"], unrestricted: true }],
            [[R(K.acceleratorManufacturer, "Exists")], { explicit: ["instance-accelerator-manufacturer Exists"], unrestricted: true }],
            [[R(K.instanceType, "In", ["p5.48xlarge", "m7g.large"]), R(K.instanceFamily, "In", ["g5", "m7g"]), R(K.instanceCategory, "In", ["p", "m"])], { explicit: ["instance-family g5", "instance-category p", "instance-type p5.48xlarge"], unrestricted: false }],
        ];
        for (const [reqs, want] of cases) {
            assert.deepEqual(acceleratedExposure(reqs), want, JSON.stringify(reqs));
        }
    });
});
