import * as assert from "assert";
import { parseConfigMap } from "../../../config";
import { readStackConfig } from "../../../preview/mocks";
import { DRIVER_NODE_LABEL, DRIVER_TAINT } from "../../../lib/platform";
import {
    BUSINESS_HOURS,
    EXCLUDED_SIZES,
    POOL_DEFAULTS,
    archRequirement,
    buildNodePoolSpec,
    capacityTypeRequirement,
    executorArchitectures,
    executorCpuCapacity,
    instanceFamilyRequirement,
    nodePoolSchema,
    nodePoolSetProblems,
    nodePoolSummaries,
    nodePoolsSchema,
    parseNodePools,
    poolName,
    rootVolumeProblem,
    type NodePool,
    type NodePoolInput,
    type NodePools,
} from "../../../components/karpenter/node-pools";
import { esmImport } from "../../helpers/esm";
import { METAL_SIZES, XEN_FAMILIES } from "../../../lib/ec2-metal-sizes";
import { archOfFamily, parseFamily } from "../../../lib/instance-families";
import { metalVerdict } from "../../../policies/lib/deployability";
import { nodePoolRequirements, type Requirement } from "../../../components/karpenter/node-pools";

// @kubernetes-models/* are ESM-only; a real dynamic import (not ts-node's require rewrite) loads them.

/** The three shipped pools, written the way config takes them. */
const INPUT: Record<string, NodePoolInput> = {
    graviton: { arch: "arm64", role: "executor", cpuLimit: 1000, memoryLimitGi: 4000, instanceFamilies: ["m7g", "c7g", "r7g"], capacityTypes: ["spot", "on-demand"], weight: 60, consolidateAfter: "5m", expireAfter: "720h", rootVolumeGi: 200 },
    x86: { arch: "amd64", role: "executor", cpuLimit: 500, memoryLimitGi: 2000, instanceFamilies: ["m7i", "c7i", "r7a"], capacityTypes: ["spot", "on-demand"], weight: 20, consolidateAfter: "10m", expireAfter: "336h", rootVolumeGi: 300 },
    driver: { arch: "arm64", role: "driver", cpuLimit: 64, memoryLimitGi: 256, instanceFamilies: ["m7g"], capacityTypes: ["on-demand"], weight: 50, consolidateAfter: "2m", expireAfter: "720h", rootVolumeGi: 100 },
};

function pools(overrides: Record<string, Partial<NodePoolInput> | undefined> = {}): Record<string, NodePoolInput> {
    const out: Record<string, NodePoolInput> = {};
    for (const key of new Set([...Object.keys(INPUT), ...Object.keys(overrides)])) {
        if (key in overrides && overrides[key] === undefined) {
            continue;
        }
        out[key] = { ...INPUT[key], ...overrides[key] } as NodePoolInput;
    }
    return out;
}

const parsed = (input: unknown): NodePools => nodePoolsSchema.parse(input);
const problems = (input: unknown) => parseNodePools(input, "args.nodePools").problems;

describe("karpenter node pools", () => {
    let NodePool: any;
    before(async () => {
        ({ NodePool } = await esmImport("@kubernetes-models/karpenter/karpenter.sh/v1/NodePool"));
    });

    describe("requirement builders", () => {
        const table: [string, () => unknown, unknown][] = [
            ["arch arm64", () => archRequirement("arm64"), { key: "kubernetes.io/arch", operator: "In", values: ["arm64"] }],
            ["arch amd64", () => archRequirement("amd64"), { key: "kubernetes.io/arch", operator: "In", values: ["amd64"] }],
            ["capacity types sorted and deduplicated", () => capacityTypeRequirement(["spot", "on-demand", "spot"]), { key: "karpenter.sh/capacity-type", operator: "In", values: ["on-demand", "spot"] }],
            ["families normalised", () => instanceFamilyRequirement([" M7G", "c7g", "m7g"]), { key: "karpenter.k8s.aws/instance-family", operator: "In", values: ["m7g", "c7g"] }],
        ];
        for (const [title, build, expected] of table) {
            it(title, () => assert.deepStrictEqual(build(), expected));
        }
        it("rejects empty lists", () => {
            assert.throws(() => capacityTypeRequirement([]), /capacityTypes must not be empty/);
            assert.throws(() => instanceFamilyRequirement([]), /families must not be empty/);
        });
    });

    describe("defaults by role (as the shipped graviton/x86/driver pools had them)", () => {
        const table: [string, NodePoolInput, Partial<NodePool>][] = [
            ["arm64 executor", { arch: "arm64", instanceFamilies: ["m7g"] }, { role: "executor", capacityTypes: ["spot", "on-demand"], weight: 50, rootVolumeGi: 200, consolidateAfter: "5m", expireAfter: "720h" }],
            ["amd64 executor", { arch: "amd64", instanceFamilies: ["m7i"] }, { role: "executor", capacityTypes: ["spot", "on-demand"], weight: 10, rootVolumeGi: 200 }],
            ["arm64 driver", { arch: "arm64", role: "driver", instanceFamilies: ["m7g"] }, { role: "driver", capacityTypes: ["on-demand"], weight: 50, rootVolumeGi: 100 }],
            ["amd64 driver", { arch: "amd64", role: "driver", instanceFamilies: ["m7i"] }, { role: "driver", capacityTypes: ["on-demand"], weight: 50, rootVolumeGi: 100 }],
        ];
        for (const [title, input, expected] of table) {
            it(title, () => {
                const p = nodePoolSchema.parse(input);
                for (const [k, v] of Object.entries(expected)) {
                    assert.deepStrictEqual(p[k as keyof NodePool], v, k);
                }
                assert.strictEqual(p.cpuLimit, undefined);
                assert.strictEqual(p.memoryLimitGi, undefined);
            });
        }
        it("POOL_DEFAULTS says the same", () => {
            assert.deepStrictEqual(POOL_DEFAULTS.executor.weight, { arm64: 50, amd64: 10 });
            assert.deepStrictEqual(POOL_DEFAULTS.driver.capacityTypes, ["on-demand"]);
        });
    });

    describe("validation (one schema for config and args)", () => {
        it("accepts the fixture and both checked-in stacks", () => {
            assert.deepStrictEqual(problems(pools()), []);
            for (const stack of ["dev", "prod"]) {
                const np = parseConfigMap(readStackConfig(stack)).nodePools;
                assert.deepStrictEqual(problems(np), [], stack);
                assert.deepStrictEqual(Object.keys(np), ["graviton", "x86", "driver"]);
            }
        });

        const bad: [string, unknown, string[]][] = [
            ["m7i in an arm64 pool", pools({ graviton: { instanceFamilies: ["m7g", "m7i"] } }),
                ["args.nodePools.graviton.instanceFamilies[1]: m7i is an x86 (amd64) family but the pool's arch is arm64: use Graviton families such as m7g, c7g, r7g"]],
            ["r7g in an amd64 pool", pools({ x86: { instanceFamilies: ["r7g"] } }),
                ["args.nodePools.x86.instanceFamilies[0]: r7g is a Graviton (arm64) family but the pool's arch is amd64: use x86 families such as m7i, c7i, r7i"]],
            ["t4g in an amd64 pool", pools({ x86: { instanceFamilies: ["m7i", "t4g"] } }),
                ["args.nodePools.x86.instanceFamilies[1]: t4g is a Graviton (arm64) family but the pool's arch is amd64: use x86 families such as m7i, c7i, r7i"]],
            ["an instance type instead of a family", pools({ graviton: { instanceFamilies: ["m7g.large"] } }),
                ["args.nodePools.graviton.instanceFamilies[0]: must be an instance family such as m7g (no size)"]],
            ["no families", pools({ x86: { instanceFamilies: [] } }), ["args.nodePools.x86.instanceFamilies: needs at least one instance family"]],
            ["duplicate family", pools({ driver: { instanceFamilies: ["m7g", "r7g", "m7g"] } }), ["args.nodePools.driver.instanceFamilies[2]: duplicate family m7g"]],
            ["unknown arch", pools({ x86: { arch: "x86_64" as never } }), ["args.nodePools.x86.arch: must be arm64 or amd64"]],
            ["missing arch", pools({ x86: { arch: undefined } }), ["args.nodePools.x86.arch: is required"]],
            ["unknown role", pools({ x86: { role: "worker" as never } }), ["args.nodePools.x86.role: must be executor or driver"]],
            ["spot in a driver pool", pools({ driver: { capacityTypes: ["on-demand", "spot"] } }),
                ["args.nodePools.driver.capacityTypes[1]: a driver pool is on-demand only: losing a driver to a spot interruption kills the whole Spark application"]],
            ["x86 weighted like Graviton", pools({ x86: { weight: 60 } }),
                ["args.nodePools.x86.weight: must be below the weight of arm64 executor pool \"graviton\" (60) so Graviton is preferred"]],
            ["x86 heavier", pools({ x86: { weight: 90 } }),
                ["args.nodePools.x86.weight: must be below the weight of arm64 executor pool \"graviton\" (60) so Graviton is preferred"]],
            ["no driver pool", pools({ driver: undefined }), ["args.nodePools: needs at least one pool with role driver (Spark drivers are placed on the driver pools only)"]],
            ["no executor pool", { driver: INPUT.driver }, ["args.nodePools: needs at least one pool with role executor (Spark executors are placed on the executor pools only)"]],
            ["no capacity types", pools({ x86: { capacityTypes: [] } }), ["args.nodePools.x86.capacityTypes: needs at least one capacity type"]],
            ["zero cpu limit", pools({ graviton: { cpuLimit: 0 } }), ["args.nodePools.graviton.cpuLimit: must be greater than zero"]],
            ["fractional memory", pools({ driver: { memoryLimitGi: 1.5 } }), ["args.nodePools.driver.memoryLimitGi: must be a whole number"]],
            ["weight 0", pools({ graviton: { weight: 0 } }), ["args.nodePools.graviton.weight: must be between 1 and 100"]],
            ["bad duration", pools({ graviton: { expireAfter: "30d" } }), ["args.nodePools.graviton.expireAfter: must be a duration such as 30s, 5m or 720h, or Never"]],
            ["tiny root volume", pools({ driver: { rootVolumeGi: 10 } }), ["args.nodePools.driver.rootVolumeGi: must be at least 20"]],
            ["huge root volume", pools({ x86: { rootVolumeGi: 16385 } }), ["args.nodePools.x86.rootVolumeGi: must be at most 16384"]],
            ["unknown field", pools({ x86: { cpu: 4 } as never }), ["args.nodePools.x86: unknown key \"cpu\""]],
            ["bad pool key", { ...pools(), Memory_Pool: INPUT.graviton },
                ["args.nodePools.Memory_Pool: pool keys must be DNS-1123 labels: lower-case letters, digits and '-', starting and ending with an alphanumeric"]],
            ["pool key too long for spark-<key>", { ...pools(), ["m".repeat(58)]: INPUT.graviton },
                [`args.nodePools.${"m".repeat(58)}: pool keys are at most 57 characters (the NodePool is spark-<key>)`]],
            ["not a map", undefined, ["args.nodePools: is required"]],
        ];
        for (const [title, input, expected] of bad) {
            it(`rejects: ${title}`, () => assert.deepStrictEqual(problems(input), expected));
        }

        it("accepts Never and compound durations (the CRD pattern)", () => {
            assert.deepStrictEqual(problems(pools({ graviton: { expireAfter: "Never", consolidateAfter: "1h30m" } })), []);
        });

        it("several problems at once, each naming its key", () => {
            assert.deepStrictEqual(problems(pools({ graviton: { weight: 0 }, x86: { arch: "risc" as never } })), [
                "args.nodePools.graviton.weight: must be between 1 and 100",
                "args.nodePools.x86.arch: must be arm64 or amd64",
            ]);
        });

        it("a pool's own problems do not hide the pool-set problems (one error lists them all)", () => {
            assert.deepStrictEqual(problems(pools({ graviton: { instanceFamilies: ["m7g", "m7i"] }, x86: { weight: 90 }, driver: { capacityTypes: ["spot"] } })), [
                "args.nodePools.graviton.instanceFamilies[1]: m7i is an x86 (amd64) family but the pool's arch is arm64: use Graviton families such as m7g, c7g, r7g",
                "args.nodePools.driver.capacityTypes[0]: a driver pool is on-demand only: losing a driver to a spot interruption kills the whole Spark application",
                "args.nodePools.x86.weight: must be below the weight of arm64 executor pool \"graviton\" (60) so Graviton is preferred",
            ]);
        });

        it("amd64 executors stay below the heaviest arm64 executor pool; drivers and other amd64 pools are not compared", () => {
            const set = parsed(pools({
                graviton: { weight: 40 },
                memory: { arch: "arm64", instanceFamilies: ["r8g"], weight: 70 },
                x86: { weight: 60 },
                batch: { arch: "amd64", instanceFamilies: ["c7a"], weight: 69 },
                driver: { weight: 100 },
            }));
            assert.deepStrictEqual(nodePoolSetProblems(set), []);
            const over = { ...set, batch: { ...set.batch, weight: 70 } };
            assert.deepStrictEqual(nodePoolSetProblems(over), [{ path: ["batch", "weight"], message: "must be below the weight of arm64 executor pool \"memory\" (70) so Graviton is preferred" }]);
        });

        it("without an arm64 executor pool there is nothing to prefer", () => {
            assert.deepStrictEqual(problems({ x86: INPUT.x86, driver: INPUT.driver }), []);
        });
    });

    describe("derived figures", () => {
        it("executorCpuCapacity sums the executor pools only; a pool without a limit makes it unbounded", () => {
            assert.strictEqual(executorCpuCapacity(parsed(pools())), 1500);
            assert.strictEqual(executorCpuCapacity(parsed(pools({ memory: { arch: "arm64", instanceFamilies: ["r8g"], cpuLimit: 250, weight: 30 } }))), 1750);
            assert.strictEqual(executorCpuCapacity(parsed(pools({ x86: { cpuLimit: undefined } }))), Infinity);
            assert.strictEqual(executorCpuCapacity(parsed(pools({ driver: { cpuLimit: undefined } }))), 1500);
        });
        it("executorArchitectures: arm64 first, drivers ignored", () => {
            assert.deepStrictEqual(executorArchitectures(parsed(pools())), ["arm64", "amd64"]);
            assert.deepStrictEqual(executorArchitectures(parsed({ x86: INPUT.x86, graviton: INPUT.graviton, driver: INPUT.driver })), ["arm64", "amd64"]);
            assert.deepStrictEqual(executorArchitectures(parsed({ x86: INPUT.x86, driver: INPUT.driver })), ["amd64"]);
            assert.deepStrictEqual(executorArchitectures(parsed({ graviton: INPUT.graviton, driver: { ...INPUT.driver, arch: "amd64", instanceFamilies: ["m7i"] } })), ["arm64"]);
        });
        it("nodePoolSummaries: names, arch and capacity types in map order", () => {
            assert.deepStrictEqual(nodePoolSummaries(parsed(pools())), [
                { name: "spark-graviton", arch: "arm64", capacityTypes: ["on-demand", "spot"] },
                { name: "spark-x86", arch: "amd64", capacityTypes: ["on-demand", "spot"] },
                { name: "spark-driver", arch: "arm64", capacityTypes: ["on-demand"] },
            ]);
        });
        it("rootVolumeProblem: gp3 serves both roles across the allowed sizes", () => {
            for (const gi of [20, 100, 200, 16384]) {
                assert.strictEqual(rootVolumeProblem("executor", gi), undefined);
                assert.strictEqual(rootVolumeProblem("driver", gi), undefined);
            }
            assert.strictEqual(rootVolumeProblem("executor", 10), "gp3 IOPS 6000 is out of range for a 10 GiB root volume");
        });
    });

    describe("buildNodePoolSpec", () => {
        const p = parsed(pools());
        const keys = Object.keys(p);
        const specs = Object.fromEntries(keys.map((k) => [k, buildNodePoolSpec(k, p[k])])) as Record<string, ReturnType<typeof buildNodePoolSpec>>;
        const req = (key: string, reqKey: string) => specs[key].template.spec.requirements.find((r) => r.key === reqKey);

        it("every spec validates against the karpenter.sh/v1 NodePool schema", () => {
            for (const k of keys) {
                new NodePool({ metadata: { name: poolName(k) }, spec: specs[k] }).validate();
            }
        });
        it("the schema check has teeth", () => {
            const broken = { ...specs.graviton, disruption: { ...specs.graviton.disruption, consolidationPolicy: "Always" } };
            assert.throws(() => new NodePool({ metadata: { name: "x" }, spec: broken }).validate());
        });

        const table: [string, string, string[], string[], string][] = [
            // Executors too: consolidating an under-used node would evict running executors for savings (CONSOLIDATION_POLICY).
            ["graviton", "arm64", ["on-demand", "spot"], ["m7g", "c7g", "r7g"], "WhenEmpty"],
            ["x86", "amd64", ["on-demand", "spot"], ["m7i", "c7i", "r7a"], "WhenEmpty"],
            ["driver", "arm64", ["on-demand"], ["m7g"], "WhenEmpty"],
        ];
        for (const [key, arch, capacity, families, policy] of table) {
            it(`${key}: arch, capacity, families, sizes, os, consolidation`, () => {
                assert.deepStrictEqual(req(key, "kubernetes.io/arch"), { key: "kubernetes.io/arch", operator: "In", values: [arch] });
                assert.deepStrictEqual(req(key, "karpenter.sh/capacity-type")?.values, capacity);
                assert.deepStrictEqual(req(key, "karpenter.k8s.aws/instance-family")?.values, families);
                assert.deepStrictEqual(req(key, "karpenter.k8s.aws/instance-size"), { key: "karpenter.k8s.aws/instance-size", operator: "NotIn", values: [...EXCLUDED_SIZES] });
                assert.deepStrictEqual(req(key, "kubernetes.io/os")?.values, ["linux"]);
                assert.deepStrictEqual(req(key, "karpenter.k8s.aws/instance-hypervisor"), { key: "karpenter.k8s.aws/instance-hypervisor", operator: "In", values: ["nitro"] });
                assert.strictEqual(specs[key].disruption.consolidationPolicy, policy);
                assert.strictEqual(specs[key].disruption.consolidateAfter, p[key].consolidateAfter);
                assert.strictEqual(specs[key].template.spec.expireAfter, p[key].expireAfter);
                assert.deepStrictEqual(specs[key].template.spec.nodeClassRef, { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: `spark-${key}` });
            });
        }

        it("limits and weights come from config", () => {
            assert.deepStrictEqual(specs.graviton.limits, { cpu: "1000", memory: "4000Gi" });
            assert.deepStrictEqual(specs.x86.limits, { cpu: "500", memory: "2000Gi" });
            assert.deepStrictEqual(specs.driver.limits, { cpu: "64", memory: "256Gi" });
            assert.deepStrictEqual(keys.map((k) => specs[k].weight), [60, 20, 50]);
        });

        const limitTable: [string, Partial<NodePoolInput>, unknown][] = [
            ["both", { cpuLimit: 8, memoryLimitGi: 32 }, { cpu: "8", memory: "32Gi" }],
            ["cpu only", { cpuLimit: 8, memoryLimitGi: undefined }, { cpu: "8" }],
            ["memory only", { cpuLimit: undefined, memoryLimitGi: 32 }, { memory: "32Gi" }],
            ["neither (left to the cost pack's nodepool-limits-required)", { cpuLimit: undefined, memoryLimitGi: undefined }, undefined],
        ];
        for (const [title, over, expected] of limitTable) {
            it(`limits: ${title}`, () => {
                const x86 = parsed(pools({ x86: over })).x86;
                const s = buildNodePoolSpec("x86", x86);
                assert.deepStrictEqual(s.limits, expected);
                assert.strictEqual("limits" in s, expected !== undefined);
                new NodePool({ metadata: { name: "spark-x86" }, spec: s }).validate();
            });
        }

        it("only driver pools are tainted and labelled, whatever their key", () => {
            assert.deepStrictEqual(specs.driver.template.spec.taints, [{ key: "moka.dev/spark-role", value: "driver", effect: "NoSchedule" }]);
            assert.deepStrictEqual(specs.driver.template.spec.taints, [DRIVER_TAINT]);
            assert.deepStrictEqual(specs.driver.template.metadata?.labels, { ...DRIVER_NODE_LABEL });
            for (const key of ["graviton", "x86"]) {
                assert.strictEqual(specs[key].template.spec.taints, undefined);
                assert.strictEqual(specs[key].template.metadata, undefined);
            }
            const second = buildNodePoolSpec("drivers-x86", nodePoolSchema.parse({ arch: "amd64", role: "driver", instanceFamilies: ["m7i"] }));
            assert.deepStrictEqual(second.template.spec.taints, [DRIVER_TAINT]);
            assert.strictEqual(second.disruption.consolidationPolicy, "WhenEmpty");
            assert.strictEqual(second.template.spec.nodeClassRef.name, "spark-drivers-x86");
        });

        it("disruption budgets by role: 10% at a time; no driver-node drift in business hours (executor nodes are only ever consolidated when empty)", () => {
            assert.deepStrictEqual(specs.graviton.disruption.budgets, [{ nodes: "10%" }]);
            assert.deepStrictEqual(BUSINESS_HOURS, { schedule: "0 9 * * mon-fri", duration: "9h" });
            assert.deepStrictEqual(specs.x86.disruption.budgets, specs.graviton.disruption.budgets);
            assert.deepStrictEqual(specs.driver.disruption.budgets, [{ nodes: "10%" }, { nodes: "0", reasons: ["Drifted"], schedule: "0 9 * * mon-fri", duration: "9h" }]);
        });

        it("builds valid specs for the checked-in stacks", () => {
            for (const stack of ["dev", "prod"]) {
                const np = parseConfigMap(readStackConfig(stack)).nodePools;
                for (const [key, pool] of Object.entries(np)) {
                    new NodePool({ metadata: { name: poolName(key) }, spec: buildNodePoolSpec(key, pool) }).validate();
                }
            }
        });
    });
});

/** Whether an instance with these labels satisfies every requirement (Karpenter's In/NotIn/Exists semantics for one value per key). */
function admits(requirements: readonly Requirement[], labels: Readonly<Record<string, string>>): boolean {
    return requirements.every((r) => {
        const v = labels[r.key];
        switch (r.operator) {
            case "In": return v !== undefined && (r.values ?? []).includes(v);
            case "NotIn": return v === undefined || !(r.values ?? []).includes(v);
            case "Exists": return v !== undefined;
            case "DoesNotExist": return v === undefined;
            default: return true;
        }
    });
}

describe("NodePool requirements keep bare metal out of every family the config allows", () => {
    // Every family of Karpenter's v1.14 instance-type reference that a pool may list (it parses as a family;
    // the pool takes the family's architecture). lib/ec2-metal-sizes.ts has all of them, with their metal sizes.
    const families = Object.keys(METAL_SIZES).filter((f) => parseFamily(f) !== undefined);

    it("covers the reference: 167 parseable families of 177, 143 metal types, metal-24xl/metal-48xl among them", () => {
        assert.strictEqual(Object.keys(METAL_SIZES).length, 177);
        assert.strictEqual(families.length, 167, "u-3tb1, p6-b200 … do not parse as families and a pool cannot list them");
        assert.strictEqual(Object.values(METAL_SIZES).reduce((n, s) => n + s.length, 0), 143);
        assert.deepStrictEqual(METAL_SIZES.m7i, ["metal-24xl", "metal-48xl"]);
        assert.deepStrictEqual(METAL_SIZES.m8g, ["metal-24xl", "metal-48xl"]);
        assert.deepStrictEqual(METAL_SIZES.m7g, ["metal"]);
    });

    for (const family of families) {
        it(`${family}: no metal size is admitted, a Nitro size is`, () => {
            const arch = archOfFamily(family)!;
            const reqs = nodePoolRequirements({ arch, instanceFamilies: [family], capacityTypes: ["on-demand"] });
            const labels = (size: string, hypervisor: string) => ({
                "kubernetes.io/arch": arch, "kubernetes.io/os": "linux", "karpenter.sh/capacity-type": "on-demand",
                "karpenter.k8s.aws/instance-family": family, "karpenter.k8s.aws/instance-size": size, "karpenter.k8s.aws/instance-hypervisor": hypervisor,
            });
            for (const size of METAL_SIZES[family]) {
                assert.strictEqual(admits(reqs, labels(size, "")), false, `${family}.${size} must not be admitted`);
            }
            assert.strictEqual(admits(reqs, labels("xlarge", XEN_FAMILIES.includes(family) ? "xen" : "nitro")), !XEN_FAMILIES.includes(family));
            assert.strictEqual(metalVerdict(reqs).kind, "excluded");
        });
    }

    it("the size list alone (the old requirements) would admit the newer families' metal sizes", () => {
        const old = nodePoolRequirements({ arch: "amd64", instanceFamilies: ["m7i"], capacityTypes: ["on-demand"] }).filter((r) => r.key !== "karpenter.k8s.aws/instance-hypervisor");
        const withMetal = [...old.filter((r) => r.key !== "karpenter.k8s.aws/instance-size"), { key: "karpenter.k8s.aws/instance-size", operator: "NotIn" as const, values: [...EXCLUDED_SIZES, "metal"] }];
        assert.strictEqual(admits(withMetal, { "kubernetes.io/arch": "amd64", "kubernetes.io/os": "linux", "karpenter.sh/capacity-type": "on-demand", "karpenter.k8s.aws/instance-family": "m7i", "karpenter.k8s.aws/instance-size": "metal-48xl", "karpenter.k8s.aws/instance-hypervisor": "" }), true);
        assert.strictEqual(metalVerdict(withMetal).kind, "allowed");
    });
});
