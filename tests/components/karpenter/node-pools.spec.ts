import * as assert from "assert";
import type { NodePoolConfig, NodePoolsConfig } from "../../../config";
import { parseConfigMap } from "../../../config";
import { readStackConfig } from "../../../preview/mocks";
import { DRIVER_NODE_LABEL, DRIVER_TAINT } from "../../../lib/platform";
import {
    BUSINESS_HOURS,
    EXCLUDED_SIZES,
    POOL_NAMES,
    POOL_ROLES,
    archRequirement,
    buildEc2NodeClassSpec,
    buildNodePoolSpec,
    capacityTypeRequirement,
    checkAmiAlias,
    checkNodeClassTags,
    instanceFamilyRequirement,
    nodePoolRequirements,
    nodePoolSummaries,
    poolArch,
    restrictedTagProblem,
    validateNodePools,
    volumeFor,
    type PoolRole,
} from "../../../components/karpenter/node-pools";
import { esmImport } from "../../helpers/esm";

// @kubernetes-models/* are ESM-only; a real dynamic import (not ts-node's require rewrite) loads them.

function pools(overrides: Partial<Record<PoolRole, Partial<NodePoolConfig>>> = {}): NodePoolsConfig {
    const base: NodePoolsConfig = {
        graviton: { cpuLimit: 1000, memoryLimitGi: 4000, instanceFamilies: ["m7g", "c7g", "r7g"], capacityTypes: ["spot", "on-demand"], weight: 60, consolidateAfter: "5m", expireAfter: "720h", rootVolumeGi: 200 },
        x86: { cpuLimit: 500, memoryLimitGi: 2000, instanceFamilies: ["m7i", "c7i", "r7a"], capacityTypes: ["spot", "on-demand"], weight: 20, consolidateAfter: "10m", expireAfter: "336h", rootVolumeGi: 300 },
        driver: { cpuLimit: 64, memoryLimitGi: 256, instanceFamilies: ["m7g"], capacityTypes: ["on-demand"], weight: 50, consolidateAfter: "2m", expireAfter: "720h", rootVolumeGi: 100 },
    };
    return {
        graviton: { ...base.graviton, ...overrides.graviton },
        x86: { ...base.x86, ...overrides.x86 },
        driver: { ...base.driver, ...overrides.driver },
    };
}

const TAGS = { "cost-center": "data-platform", owner: "platform-team@example.com", environment: "test", "managed-by": "pulumi" };

describe("karpenter-requirements", () => {
    let NodePool: any;
    let EC2NodeClass: any;
    before(async () => {
        ({ NodePool } = await esmImport("@kubernetes-models/karpenter/karpenter.sh/v1/NodePool"));
        ({ EC2NodeClass } = await esmImport("@kubernetes-models/karpenter/karpenter.k8s.aws/v1/EC2NodeClass"));
    });

    describe("requirement builders", () => {
        const table: [string, () => unknown, unknown][] = [
            ["arch arm64", () => archRequirement("arm64"), { key: "kubernetes.io/arch", operator: "In", values: ["arm64"] }],
            ["arch amd64", () => archRequirement("amd64"), { key: "kubernetes.io/arch", operator: "In", values: ["amd64"] }],
            ["arch multi", () => archRequirement("multi"), { key: "kubernetes.io/arch", operator: "In", values: ["arm64", "amd64"] }],
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

    describe("poolArch (arch/family consistency)", () => {
        const ok: [PoolRole, string[], string][] = [
            ["graviton", ["m7g", "c7gn", "r8g", "x2gd", "im4gn"], "arm64"],
            ["x86", ["m7i", "c7a", "r6id", "m5zn"], "amd64"],
            ["driver", ["m7g", "r7g"], "arm64"],
            ["driver", ["m7i"], "amd64"],
            ["driver", ["m7g", "m7i"], "multi"],
        ];
        for (const [role, families, arch] of ok) {
            it(`${role} ${families.join(",")} -> ${arch}`, () => assert.strictEqual(poolArch(role, families), arch));
        }
        const bad: [PoolRole, string[], string][] = [
            ["graviton", ["m7g", "m7i"], "Karpenter: NodePool spark-graviton is arm64-only but args.nodePools.graviton.instanceFamilies[1] is m7i, an amd64 family; use Graviton families such as m7g, c7g, r7g"],
            ["x86", ["r7g"], "Karpenter: NodePool spark-x86 is amd64-only but args.nodePools.x86.instanceFamilies[0] is r7g, an arm64 family; use x86 families such as m7i, c7i, r7i"],
            ["graviton", ["c7i"], "Karpenter: NodePool spark-graviton is arm64-only but args.nodePools.graviton.instanceFamilies[0] is c7i, an amd64 family; use Graviton families such as m7g, c7g, r7g"],
            ["x86", ["m7i", "t4g"], "Karpenter: NodePool spark-x86 is amd64-only but args.nodePools.x86.instanceFamilies[1] is t4g, an arm64 family; use x86 families such as m7i, c7i, r7i"],
            ["graviton", ["m7g.large"], "Karpenter: args.nodePools.graviton.instanceFamilies[0] \"m7g.large\" is not an EC2 instance family (expected e.g. m7g, no size) in NodePool spark-graviton"],
            ["driver", ["bogus"], "Karpenter: args.nodePools.driver.instanceFamilies[0] \"bogus\" is not an EC2 instance family (expected e.g. m7g, no size) in NodePool spark-driver"],
            ["x86", [], "Karpenter: args.nodePools.x86.instanceFamilies must list at least one instance family for NodePool spark-x86"],
        ];
        for (const [role, families, message] of bad) {
            it(`throws for ${role} ${JSON.stringify(families)}`, () => assert.throws(() => poolArch(role, families), { message }));
        }
    });

    describe("validateNodePools", () => {
        it("accepts the fixture and both checked-in stacks", () => {
            validateNodePools(pools());
            for (const stack of ["dev", "prod"]) {
                validateNodePools(parseConfigMap(readStackConfig(stack)).nodePools);
            }
        });
        const bad: [string, NodePoolsConfig, string][] = [
            ["m7i in the Graviton pool", pools({ graviton: { instanceFamilies: ["m7g", "m7i"] } }), "Karpenter: NodePool spark-graviton is arm64-only but args.nodePools.graviton.instanceFamilies[1] is m7i, an amd64 family; use Graviton families such as m7g, c7g, r7g"],
            ["r7g in the x86 pool", pools({ x86: { instanceFamilies: ["r7g"] } }), "Karpenter: NodePool spark-x86 is amd64-only but args.nodePools.x86.instanceFamilies[0] is r7g, an arm64 family; use x86 families such as m7i, c7i, r7i"],
            ["equal weights", pools({ graviton: { weight: 20 } }), "Karpenter: args.nodePools.graviton.weight (20) must be greater than args.nodePools.x86.weight (20) so Karpenter prefers Graviton"],
            ["x86 heavier", pools({ x86: { weight: 90 } }), "Karpenter: args.nodePools.graviton.weight (60) must be greater than args.nodePools.x86.weight (90) so Karpenter prefers Graviton"],
            ["spot drivers", pools({ driver: { capacityTypes: ["on-demand", "spot"] } }), "Karpenter: args.nodePools.driver.capacityTypes[1] is \"spot\"; NodePool spark-driver is on-demand only (a spot reclaim of a driver kills the whole Spark application)"],
            ["no capacity types", pools({ x86: { capacityTypes: [] } }), "Karpenter: args.nodePools.x86.capacityTypes must list at least one capacity type for NodePool spark-x86"],
            ["zero cpu limit", pools({ graviton: { cpuLimit: 0 } }), "Karpenter: args.nodePools.graviton.cpuLimit must be a positive whole number when set, got 0"],
            ["fractional memory", pools({ driver: { memoryLimitGi: 1.5 } }), "Karpenter: args.nodePools.driver.memoryLimitGi must be a positive whole number when set, got 1.5"],
            ["weight 0", pools({ x86: { weight: 0 } }), "Karpenter: args.nodePools.x86.weight must be a whole number between 1 and 100, got 0"],
            ["bad duration", pools({ graviton: { expireAfter: "30d" } }), "Karpenter: args.nodePools.graviton.expireAfter must be a duration such as 5m or 720h (or Never), got \"30d\""],
            ["tiny root volume", pools({ driver: { rootVolumeGi: 10 } }), "Karpenter: args.nodePools.driver.rootVolumeGi must be a whole number between 20 and 16384, got 10"],
        ];
        for (const [title, p, message] of bad) {
            it(`throws: ${title}`, () => assert.throws(() => validateNodePools(p), { message }));
        }
    });

    describe("buildNodePoolSpec", () => {
        const p = pools();
        const specs = Object.fromEntries(POOL_ROLES.map((r) => [r, buildNodePoolSpec(r, p[r], POOL_NAMES[r])])) as Record<PoolRole, ReturnType<typeof buildNodePoolSpec>>;
        const req = (role: PoolRole, key: string) => specs[role].template.spec.requirements.find((r) => r.key === key);

        it("every spec validates against the karpenter.sh/v1 NodePool schema", () => {
            for (const role of POOL_ROLES) {
                new NodePool({ metadata: { name: POOL_NAMES[role] }, spec: specs[role] }).validate();
            }
        });
        it("the schema check has teeth", () => {
            const broken = { ...specs.graviton, disruption: { ...specs.graviton.disruption, consolidationPolicy: "Always" } };
            assert.throws(() => new NodePool({ metadata: { name: "x" }, spec: broken }).validate());
        });

        const table: [PoolRole, string, string[], string[], string][] = [
            ["graviton", "arm64", ["on-demand", "spot"], ["m7g", "c7g", "r7g"], "WhenEmptyOrUnderutilized"],
            ["x86", "amd64", ["on-demand", "spot"], ["m7i", "c7i", "r7a"], "WhenEmptyOrUnderutilized"],
            ["driver", "arm64", ["on-demand"], ["m7g"], "WhenEmpty"],
        ];
        for (const [role, arch, capacity, families, policy] of table) {
            it(`${role}: arch, capacity, families, sizes, os, consolidation`, () => {
                assert.deepStrictEqual(req(role, "kubernetes.io/arch"), { key: "kubernetes.io/arch", operator: "In", values: [arch] });
                assert.deepStrictEqual(req(role, "karpenter.sh/capacity-type")?.values, capacity);
                assert.deepStrictEqual(req(role, "karpenter.k8s.aws/instance-family")?.values, families);
                assert.deepStrictEqual(req(role, "karpenter.k8s.aws/instance-size"), { key: "karpenter.k8s.aws/instance-size", operator: "NotIn", values: [...EXCLUDED_SIZES] });
                assert.deepStrictEqual(req(role, "kubernetes.io/os")?.values, ["linux"]);
                assert.strictEqual(specs[role].disruption.consolidationPolicy, policy);
                assert.strictEqual(specs[role].disruption.consolidateAfter, p[role].consolidateAfter);
                assert.strictEqual(specs[role].template.spec.expireAfter, p[role].expireAfter);
                assert.deepStrictEqual(specs[role].template.spec.nodeClassRef, { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: POOL_NAMES[role] });
            });
        }

        it("limits and weights come from config", () => {
            assert.deepStrictEqual(specs.graviton.limits, { cpu: "1000", memory: "4000Gi" });
            assert.deepStrictEqual(specs.x86.limits, { cpu: "500", memory: "2000Gi" });
            assert.deepStrictEqual(specs.driver.limits, { cpu: "64", memory: "256Gi" });
            assert.deepStrictEqual(POOL_ROLES.map((r) => specs[r].weight), [60, 20, 50]);
            assert.ok(specs.graviton.weight > specs.x86.weight);
        });

        const limitTable: [string, Partial<NodePoolConfig>, unknown][] = [
            ["both", { cpuLimit: 8, memoryLimitGi: 32 }, { cpu: "8", memory: "32Gi" }],
            ["cpu only", { cpuLimit: 8, memoryLimitGi: undefined }, { cpu: "8" }],
            ["memory only", { cpuLimit: undefined, memoryLimitGi: 32 }, { memory: "32Gi" }],
            ["neither (left to the cost pack's nodepool-limits-required)", { cpuLimit: undefined, memoryLimitGi: undefined }, undefined],
        ];
        for (const [title, over, expected] of limitTable) {
            it(`limits: ${title}`, () => {
                validateNodePools(pools({ x86: over }));
                const s = buildNodePoolSpec("x86", { ...p.x86, ...over }, "spark-x86");
                assert.deepStrictEqual(s.limits, expected);
                assert.strictEqual("limits" in s, expected !== undefined);
                new NodePool({ metadata: { name: "spark-x86" }, spec: s }).validate();
            });
        }

        it("only the driver pool is tainted and labelled", () => {
            assert.deepStrictEqual(specs.driver.template.spec.taints, [{ key: "moka.dev/spark-role", value: "driver", effect: "NoSchedule" }]);
            assert.deepStrictEqual(specs.driver.template.spec.taints, [DRIVER_TAINT]);
            assert.deepStrictEqual(specs.driver.template.metadata?.labels, { ...DRIVER_NODE_LABEL });
            for (const role of ["graviton", "x86"] as const) {
                assert.strictEqual(specs[role].template.spec.taints, undefined);
                assert.strictEqual(specs[role].template.metadata, undefined);
            }
        });

        it("disruption budgets: 10% at a time, no busy-node disruption in business hours", () => {
            assert.deepStrictEqual(specs.graviton.disruption.budgets, [{ nodes: "10%" }, { nodes: "0", reasons: ["Underutilized"], ...BUSINESS_HOURS }]);
            assert.deepStrictEqual(specs.x86.disruption.budgets, specs.graviton.disruption.budgets);
            assert.deepStrictEqual(specs.driver.disruption.budgets, [{ nodes: "10%" }, { nodes: "0", reasons: ["Drifted"], schedule: "0 9 * * mon-fri", duration: "9h" }]);
        });

        it("a driver pool mixing architectures gets both arch values", () => {
            const mixed = nodePoolRequirements("driver", { instanceFamilies: ["m7g", "m7i"], capacityTypes: ["on-demand"] });
            assert.deepStrictEqual(mixed[0], { key: "kubernetes.io/arch", operator: "In", values: ["arm64", "amd64"] });
        });

        it("builds valid specs for the checked-in stacks", () => {
            for (const stack of ["dev", "prod"]) {
                const np = parseConfigMap(readStackConfig(stack)).nodePools;
                for (const role of POOL_ROLES) {
                    new NodePool({ metadata: { name: POOL_NAMES[role] }, spec: buildNodePoolSpec(role, np[role], POOL_NAMES[role]) }).validate();
                }
            }
        });
    });

    describe("nodePoolSummaries", () => {
        it("names, arch and capacity types in pool order", () => {
            assert.deepStrictEqual(nodePoolSummaries(pools({ driver: { instanceFamilies: ["m7g", "m7i"] } })), [
                { name: "spark-graviton", arch: "arm64", capacityTypes: ["on-demand", "spot"] },
                { name: "spark-x86", arch: "amd64", capacityTypes: ["on-demand", "spot"] },
                { name: "spark-driver", arch: "multi", capacityTypes: ["on-demand"] },
            ]);
        });
    });

    describe("buildEc2NodeClassSpec", () => {
        const spec = (role: PoolRole = "graviton", over: Partial<Parameters<typeof buildEc2NodeClassSpec>[0]> = {}) => buildEc2NodeClassSpec({
            role,
            clusterName: "moka-test",
            nodeRoleName: "moka-test-karpenter-node",
            rootVolumeGi: 250,
            amiAlias: "al2023@v20260714",
            tags: TAGS,
            ...over,
        });

        it("validates against the karpenter.k8s.aws/v1 EC2NodeClass schema for every role", () => {
            for (const role of POOL_ROLES) {
                new EC2NodeClass({ metadata: { name: POOL_NAMES[role] }, spec: spec(role) }).validate();
            }
        });
        it("the schema check has teeth", () => {
            const broken = { ...spec(), metadataOptions: { ...spec().metadataOptions, httpTokens: "sometimes" } };
            assert.throws(() => new EC2NodeClass({ metadata: { name: "x" }, spec: broken }).validate());
        });
        it("IMDSv2 only, hop limit 1, no IPv6 endpoint", () => {
            assert.deepStrictEqual(spec().metadataOptions, { httpEndpoint: "enabled", httpProtocolIPv6: "disabled", httpPutResponseHopLimit: 1, httpTokens: "required" });
        });
        it("no public IPs", () => assert.strictEqual(spec().associatePublicIPAddress, false));
        it("encrypted gp3 root volume sized from the pool, deleted with the instance", () => {
            assert.deepStrictEqual(spec("x86", { rootVolumeGi: 400 }).blockDeviceMappings, [{
                deviceName: "/dev/xvda",
                rootVolume: true,
                ebs: { volumeSize: "400Gi", volumeType: "gp3", iops: 6000, throughput: 500, encrypted: true, deleteOnTermination: true },
            }]);
            assert.deepStrictEqual(spec("driver", { rootVolumeGi: 100 }).blockDeviceMappings[0].ebs, { volumeSize: "100Gi", volumeType: "gp3", iops: 3000, throughput: 125, encrypted: true, deleteOnTermination: true });
        });
        it("discovers subnets and security groups by the karpenter.sh/discovery tag", () => {
            const s = spec();
            assert.deepStrictEqual(s.subnetSelectorTerms, [{ tags: { "karpenter.sh/discovery": "moka-test" } }]);
            assert.deepStrictEqual(s.securityGroupSelectorTerms, [{ tags: { "karpenter.sh/discovery": "moka-test" } }]);
        });
        it("role, pinned AMI alias, cost tags", () => {
            const s = spec();
            assert.strictEqual(s.role, "moka-test-karpenter-node");
            assert.deepStrictEqual(s.amiSelectorTerms, [{ alias: "al2023@v20260714" }]);
            assert.deepStrictEqual(s.tags, TAGS);
        });

        const aliases: [string, boolean][] = [
            ["al2023@v20260714", true],
            ["al2023@latest", false],
            ["al2@v20260714", false],
            ["bottlerocket@v1.40.0", false],
            ["al2023", false],
        ];
        for (const [alias, good] of aliases) {
            it(`amiAlias ${alias} ${good ? "accepted" : "rejected"}`, () => {
                if (good) {
                    assert.strictEqual(checkAmiAlias(alias), alias);
                } else {
                    assert.throws(() => spec("graviton", { amiAlias: alias }), {
                        message: `Karpenter: args.amiAlias must pin an AL2023 EKS AMI release such as al2023@v20260714, got "${alias}" (@latest would roll every node whenever AWS publishes an AMI)`,
                    });
                }
            });
        }

        const restricted: [string, string | undefined][] = [
            ["kubernetes.io/cluster/moka-test", "kubernetes.io/cluster/* is set by Karpenter"],
            ["karpenter.sh/nodepool", "karpenter.sh/nodepool is set by Karpenter"],
            ["karpenter.sh/nodeclaim", "karpenter.sh/nodeclaim is set by Karpenter"],
            ["karpenter.k8s.aws/ec2nodeclass", "karpenter.k8s.aws/ec2nodeclass is set by Karpenter"],
            ["eks:eks-cluster-name", "eks:eks-cluster-name is set by Karpenter"],
            ["aws:cloudformation:stack-name", "the aws: prefix is reserved by AWS"],
            ["", "empty tag keys are not allowed"],
            ["cost-center", undefined],
            ["karpenter.sh/discovery", undefined],
        ];
        for (const [key, problem] of restricted) {
            it(`tag key ${JSON.stringify(key)}: ${problem ?? "allowed"}`, () => {
                assert.strictEqual(restrictedTagProblem(key), problem);
                if (problem) {
                    assert.throws(() => checkNodeClassTags({ owner: "x", [key]: "v" }), { message: `Karpenter: args.tags["${key}"] cannot be put on EC2NodeClass.spec.tags: ${problem}` });
                }
            });
        }
    });

    describe("volumeFor", () => {
        const table: [PoolRole, number, { iops: number; throughput: number } | string][] = [
            ["graviton", 200, { iops: 6000, throughput: 500 }],
            ["x86", 20, { iops: 6000, throughput: 500 }],
            ["driver", 20, { iops: 3000, throughput: 125 }],
            ["driver", 16384, { iops: 3000, throughput: 125 }],
            ["graviton", 19, "Karpenter: args.nodePools.graviton.rootVolumeGi must be a whole number between 20 and 16384, got 19"],
            ["x86", 16385, "Karpenter: args.nodePools.x86.rootVolumeGi must be a whole number between 20 and 16384, got 16385"],
            ["x86", 100.5, "Karpenter: args.nodePools.x86.rootVolumeGi must be a whole number between 20 and 16384, got 100.5"],
        ];
        for (const [role, gi, expected] of table) {
            it(`${role} ${gi} GiB`, () => {
                if (typeof expected === "string") {
                    assert.throws(() => volumeFor(role, gi), { message: expected });
                } else {
                    assert.deepStrictEqual(volumeFor(role, gi), expected);
                    assert.ok(expected.throughput <= expected.iops / 4, "gp3 throughput is capped at IOPS/4");
                }
            });
        }
    });
});
