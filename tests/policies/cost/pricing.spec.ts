import { strict as assert } from "assert";
import * as fc from "fast-check";
import * as fs from "fs";
import * as path from "path";
import { parseConfigMap } from "../../../config";
import { readStackConfig } from "../../../preview/mocks";
import {
    acceleratedExposure, ACCELERATED_FALLBACK_VCPU_HOUR, ARCH_FALLBACK_VCPU_HOUR, CATEGORY_CEILING_VCPU_HOUR, familyVcpuHourUsd, idleFloorHourlyCost,
    instanceHourlyUsd, instanceVcpus, keyConstraint, nodePoolPricingInput, nodePoolRequirements, parseCpuQuantity,
    parseMemoryGi, parseQuantity, poolVcpuHourRate, PRICE_TABLE, PRICE_TABLE_DATE, PRICE_TABLE_REGIONS, PRICING_SOURCE, pricingInputsFromConfig,
    worstCaseHourlyCost,
} from "../../../policies/lib/pricing";
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
            const header = fs.readFileSync(path.join(__dirname, "../../../policies/lib/pricing.ts"), "utf8").slice(0, 2500);
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
            assert.equal(poolVcpuHourRate(nodePoolPricingInput("c", pool([req("karpenter.k8s.aws/instance-category", "In", ["c", "m"]), req("kubernetes.io/arch", "In", ["arm64"])]))).rate, 0.07);
            assert.equal(poolVcpuHourRate(nodePoolPricingInput("a", pool([req("kubernetes.io/arch", "In", ["arm64"]), req("karpenter.k8s.aws/instance-gpu-count", "DoesNotExist")]))).rate, ARCH_FALLBACK_VCPU_HOUR.arm64);
            assert.equal(poolVcpuHourRate(nodePoolPricingInput("n", pool([req("karpenter.k8s.aws/instance-gpu-count", "DoesNotExist")]))).rate, ARCH_FALLBACK_VCPU_HOUR.amd64);
            assert.equal(poolVcpuHourRate(nodePoolPricingInput("x", pool([req("karpenter.k8s.aws/instance-category", "In", ["x", "m"])]))).rate, ARCH_FALLBACK_VCPU_HOUR.amd64);
            assert.equal(poolVcpuHourRate(nodePoolPricingInput("u", pool([]))).rate, ACCELERATED_FALLBACK_VCPU_HOUR);
            assert.equal(poolVcpuHourRate(nodePoolPricingInput("gp", pool([req("karpenter.k8s.aws/instance-category", "In", ["g", "p"])]))).rate, ACCELERATED_FALLBACK_VCPU_HOUR);
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
