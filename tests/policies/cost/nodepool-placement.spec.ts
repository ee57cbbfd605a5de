import { strict as assert } from "assert";
import { check, TestResource, UNKNOWN, violations } from "../../helpers/policy";
import { executorPoolsAllowSpot, gravitonPoolsPreferred } from "../../../policies/cost/rules/nodepool-placement";
import { expectClean, expectUnknownAdvisory, expectViolation, mutate, runStackDirect } from "../security/support";
import { benchSize } from "../bench-scale";
import { expectUnknownsAddNoViolation } from "../regression";

const DRIVER_TAINT = { key: "moka.dev/spark-role", value: "driver", effect: "NoSchedule" };

const pool = (name: string, opts: { arch?: string; families?: string[]; capacity?: unknown; weight?: unknown; taints?: unknown[] } = {}): TestResource => {
    const requirements: unknown[] = [];
    if (opts.arch) {
        requirements.push({ key: "kubernetes.io/arch", operator: "In", values: [opts.arch] });
    }
    if (opts.families) {
        requirements.push({ key: "karpenter.k8s.aws/instance-family", operator: "In", values: opts.families });
    }
    if (opts.capacity !== undefined) {
        requirements.push(opts.capacity);
    }
    return {
        type: "kubernetes:karpenter.sh/v1:NodePool",
        name: `np-${name}`,
        props: {
            metadata: { name },
            spec: {
                template: { spec: { requirements, ...(opts.taints ? { taints: opts.taints } : {}) } },
                limits: { cpu: "100", memory: "400Gi" },
                ...(opts.weight !== undefined ? { weight: opts.weight } : {}),
            },
        },
    };
};
const cap = (operator: string, values?: string[]) => ({ key: "karpenter.sh/capacity-type", operator, ...(values ? { values } : {}) });

describe("cost: NodePool placement (advisory)", () => {
    describe("executor-pools-allow-spot", () => {
        it("passes executor pools allowing spot, and pools without a capacity-type requirement", async () => {
            await expectClean(executorPoolsAllowSpot, pool("g", { capacity: cap("In", ["spot", "on-demand"]) }));
            await expectClean(executorPoolsAllowSpot, pool("g", { capacity: cap("In", ["spot"]) }));
            await expectClean(executorPoolsAllowSpot, pool("g"));
        });
        it("passes the on-demand driver pool (driver taint)", async () => {
            await expectClean(executorPoolsAllowSpot, pool("spark-driver", { capacity: cap("In", ["on-demand"]), taints: [DRIVER_TAINT] }));
        });
        it("flags an executor pool restricted to on-demand", async () => {
            await expectViolation(executorPoolsAllowSpot, pool("spark-x86", { capacity: cap("In", ["on-demand"]) }), /NodePool "spark-x86" is an executor pool \(no moka\.dev\/spark-role=driver taint\) but its karpenter\.sh\/capacity-type requirement excludes spot/, { level: "advisory" });
        });
        it("flags NotIn spot and DoesNotExist", async () => {
            await expectViolation(executorPoolsAllowSpot, pool("a", { capacity: cap("NotIn", ["spot"]) }), /excludes spot/, { level: "advisory" });
            await expectViolation(executorPoolsAllowSpot, pool("b", { capacity: cap("DoesNotExist") }), /excludes spot/, { level: "advisory" });
        });
        it("flags on-demand pools with a different taint", async () => {
            await expectViolation(executorPoolsAllowSpot, pool("c", { capacity: cap("In", ["on-demand"]), taints: [{ key: "dedicated", value: "x", effect: "NoSchedule" }] }), /excludes spot/, { level: "advisory" });
        });
        it("honours a configured driver taint", async () => {
            const p = pool("d", { capacity: cap("In", ["on-demand"]), taints: [{ key: "role", value: "drv", effect: "NoSchedule" }] });
            await expectClean(executorPoolsAllowSpot, p, { driverTaintKey: "role", driverTaintValue: "drv" });
        });
        it("survives odd shapes", async () => {
            await expectClean(executorPoolsAllowSpot, mutate(pool("e"), (d) => (d.props.spec.template.spec.taints = "nope")));
            await expectClean(executorPoolsAllowSpot, { type: "kubernetes:karpenter.sh/v1:NodePool", props: { spec: [] } });
        });
        it("a driver taint matches by key with the configured value or an empty one; In without spot also excludes spot", async () => {
            await expectClean(executorPoolsAllowSpot, pool("d", { capacity: cap("In", ["on-demand"]), taints: [{ key: "moka.dev/spark-role", effect: "NoSchedule" }] }));
            await expectViolation(executorPoolsAllowSpot, pool("d", { capacity: cap("In", ["on-demand"]), taints: [{ key: "moka.dev/spark-role", value: "executor", effect: "NoSchedule" }] }), /^[^]*"d" is an executor pool \(no moka\.dev\/spark-role=driver taint\) but its karpenter\.sh\/capacity-type requirement excludes spot/, { level: "advisory" });
            await expectViolation(executorPoolsAllowSpot, pool("d", { capacity: cap("In", ["on-demand"]), taints: [{ key: "other", value: "driver", effect: "NoSchedule" }] }), /excludes spot/, { level: "advisory" });
            await expectViolation(executorPoolsAllowSpot, pool("e", { capacity: cap("In", ["reserved"]) }), /excludes spot/, { level: "advisory" });
            await expectClean(executorPoolsAllowSpot, pool("e", { capacity: cap("NotIn", ["on-demand"]) }));
            await expectClean(executorPoolsAllowSpot, { type: "kubernetes:apps/v1:Deployment", props: { spec: { template: { spec: { requirements: [cap("In", ["on-demand"])] } } } } });
        });
        it("turns an unknown capacity type into an advisory", async () => {
            await expectUnknownAdvisory(executorPoolsAllowSpot, pool("f", { capacity: { key: "karpenter.sh/capacity-type", operator: "In", values: UNKNOWN } }));
        });
    });

    describe("graviton-pools-preferred", () => {
        const platform = () => [
            pool("spark-graviton", { families: ["m7g", "r7g"], weight: 60 }),
            pool("spark-x86", { families: ["m7i", "r7i"], weight: 20 }),
            pool("spark-driver", { families: ["m7g"], weight: 50, taints: [DRIVER_TAINT] }),
        ];
        it("passes the platform's pools (graviton 60 > x86 20; driver pool compared only with driver-tainted pools)", async () => {
            await expectClean(gravitonPoolsPreferred, platform());
        });
        it("flags an x86 pool weighted above the Graviton pool", async () => {
            const [v] = await expectViolation(gravitonPoolsPreferred, [pool("g", { families: ["m7g"], weight: 10 }), pool("x", { families: ["m7i"], weight: 50 })], /NodePool "x" \(amd64\) has spec\.weight 50, above Graviton NodePool "g" \(arm64, weight 10\)/, { level: "advisory" });
            assert.match(v.urn ?? "", /np-x$/);
        });
        it("treats an absent weight as 0 and reads arch requirements too", async () => {
            await expectViolation(gravitonPoolsPreferred, [pool("g", { arch: "arm64" }), pool("x", { arch: "amd64", weight: 1 })], /weight 1, above/, { level: "advisory" });
        });
        it("does not flag equal weights, mixed-arch pools, or pools with different taints", async () => {
            await expectClean(gravitonPoolsPreferred, [pool("g", { families: ["m7g"], weight: 20 }), pool("x", { families: ["m7i"], weight: 20 })]);
            await expectClean(gravitonPoolsPreferred, [pool("g", { families: ["m7g"], weight: 1 }), pool("x", { families: ["m7i", "m7g"], weight: 50 })]);
            await expectClean(gravitonPoolsPreferred, [pool("g", { families: ["m7g"], weight: 1, taints: [DRIVER_TAINT] }), pool("x", { families: ["m7i"], weight: 50 })]);
            await expectClean(gravitonPoolsPreferred, [pool("x", { families: ["m7i"], weight: 50 })]);
        });
        it("survives odd shapes (string weights, junk requirements)", async () => {
            await expectViolation(gravitonPoolsPreferred, [pool("g", { families: ["m7g"], weight: "5" }), pool("x", { families: ["m7i"], weight: "9" })], /weight 9/, { level: "advisory" });
            await expectClean(gravitonPoolsPreferred, [{ type: "kubernetes:karpenter.sh/v1:NodePool", props: { spec: "x" } }]);
        });
        it("skips a pool with an unknown weight, still reports others, then raises the advisory", async () => {
            const ds = await (await import("../../helpers/policy")).check(gravitonPoolsPreferred, [
                pool("g", { families: ["m7g"], weight: 10 }), pool("x", { families: ["m7i"], weight: 50 }), pool("u", { families: ["m7i"], weight: UNKNOWN }),
            ]);
            assert.equal(ds.filter((d) => !d.unknownValue).length, 1);
            assert.equal(ds.filter((d) => d.unknownValue).length, 1);
        });
        it("compares each x86 pool with the heaviest Graviton pool of its taint group, and names both", async () => {
            const ds = await violations(gravitonPoolsPreferred, [pool("g1", { families: ["m7g"], weight: 10 }), pool("g2", { families: ["c7g", "r7g"], weight: 40 }), pool("g3", { arch: "arm64", weight: 40 }), pool("x", { families: ["m7i", "c7i"], weight: 50 }), pool("y", { arch: "amd64", weight: 40 })]);
            assert.equal(ds.length, 1);
            assert.match(ds[0].message, /NodePool "x" \(amd64\) has spec\.weight 50, above Graviton NodePool "g2" \(arm64, weight 40\)\. Karpenter tries/);
            // Graviton pools tainted differently do not compete; an unpinned or odd arch requirement makes a pool neither.
            await expectClean(gravitonPoolsPreferred, [pool("g", { families: ["m7g"], weight: 10, taints: [{ key: "a", value: "1", effect: "NoSchedule" }] }), pool("x", { families: ["m7i"], weight: 50, taints: [{ key: "a", value: "2", effect: "NoSchedule" }] })]);
            await expectClean(gravitonPoolsPreferred, [pool("g", { families: ["m7g"], weight: 10 }), pool("x", { arch: "s390x", weight: 50 }), pool("z", { weight: 50 })]);
            await expectViolation(gravitonPoolsPreferred, [pool("g", { families: ["m7g"], weight: 10, taints: [{ key: "a", value: "1", effect: "NoSchedule" }, { key: "b", value: "2", effect: "NoSchedule" }] }), pool("x", { families: ["m7i"], weight: 50, taints: [{ key: "b", value: "2", effect: "NoSchedule" }, { key: "a", value: "1", effect: "NoSchedule" }] })], /"x" \(amd64\)/, { level: "advisory" });
            await expectClean(gravitonPoolsPreferred, [pool("g", { families: ["m7g"], weight: 10, taints: [{ key: "a", value: "1", effect: "NoSchedule" }] }), pool("x", { families: ["m7i"], weight: 50, taints: [{ key: "a", value: "1", effect: "NoExecute" }] })]);
        });
        it("is linear: 10,000 pools in well under a second", async () => {
            const many = Array.from({ length: benchSize(10_000) }, (_, i) => pool(`p${i}`, { families: [i % 2 ? "m7g" : "m7i"], weight: i % 2 ? 50 : 10 }));
            const { violations, ms } = await runStackDirect(gravitonPoolsPreferred, many);
            assert.equal(violations.length, 0);
            assert.ok(ms < 1500, `${ms} ms`);
        });
    });
});

describe("cost: graviton-pools-preferred — fuzz regression COST-1 (unknowns never add a violation, even when raised to mandatory)", () => {
    const pool = (name: string, arch: string, weight: unknown, taints?: unknown): TestResource => ({
        type: "kubernetes:karpenter.sh/v1:NodePool", name,
        props: {
            metadata: { name },
            spec: {
                weight,
                limits: { cpu: "100", memory: "400Gi" },
                template: { spec: { ...(taints === undefined ? {} : { taints }), requirements: [{ key: "kubernetes.io/arch", operator: "In", values: [arch] }, { key: "karpenter.k8s.aws/instance-category", operator: "In", values: ["c", "m", "r"] }] } },
            },
        },
    });
    const outcome = async (resources: TestResource[]) => {
        const ds = (await check(gravitonPoolsPreferred, resources, { enforcementLevel: "mandatory" })).filter((d) => d.policy === gravitonPoolsPreferred.name);
        return { mandatory: ds.filter((d) => d.enforcementLevel === "mandatory" && !d.unknownValue).map((d) => d.resourceName), advisory: ds.some((d) => d.unknownValue && d.enforcementLevel === "advisory") };
    };

    it("COST-1: an unknown weight on the best Graviton pool does not make a lower one the reference", async () => {
        // Root cause: a NodePool whose weight, taints or requirements were unknown was skipped, so a lower Graviton pool became the reference.
        const pools = (bestWeight: unknown) => [pool("graviton-a", "arm64", bestWeight), pool("graviton-b", "arm64", 10), pool("x86", "amd64", 20)];
        await expectUnknownsAddNoViolation(gravitonPoolsPreferred, pools(60), pools(UNKNOWN), { enforcementLevel: "mandatory" });
        assert.deepEqual((await outcome([pool("graviton-a", "arm64", 60), pool("graviton-b", "arm64", 10), pool("x86", "amd64", 20)])).mandatory, []);
        const out = await outcome([pool("graviton-a", "arm64", UNKNOWN), pool("graviton-b", "arm64", 10), pool("x86", "amd64", 20)]);
        assert.deepEqual(out.mandatory, []);
        assert.ok(out.advisory);
        // Unknown taints or requirements: the pool may be a better Graviton pool of any group.
        const unknownTaints = await outcome([pool("graviton-a", "arm64", 60, UNKNOWN), pool("graviton-b", "arm64", 10), pool("x86", "amd64", 20)]);
        assert.deepEqual(unknownTaints.mandatory, []);
        assert.ok(unknownTaints.advisory);
        const unknownArch = await outcome([pool("graviton-a", UNKNOWN, 60), pool("graviton-b", "arm64", 10), pool("x86", "amd64", 20)]);
        assert.deepEqual(unknownArch.mandatory, []);
        // Flagged whatever the unknown is: the x86 pool outweighs the unknown pool's known weight too.
        const still = await outcome([pool("graviton-a", "arm64", 15, UNKNOWN), pool("graviton-b", "arm64", 10), pool("x86", "amd64", 20)]);
        assert.deepEqual(still.mandatory, ["x86"]);
        assert.ok(still.advisory);
    });
});
