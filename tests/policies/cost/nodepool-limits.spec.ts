import { strict as assert } from "assert";
import { check, TestResource, UNKNOWN, violations } from "../../helpers/policy";
import { nodepoolLimitsRequired, nodepoolWorstCaseHourlyCost } from "../../../policies/cost/rules/nodepool-limits";
import { expectClean, expectUnknownAdvisory, expectViolation, mutate } from "../security/support";

/** The platform's Graviton executor pool as components/karpenter-requirements.ts builds it (karpenter.sh/v1). */
const nodePool = (name = "spark-graviton", cpu: unknown = "4000", families = ["m7g", "c7g", "r7g", "m8g", "r8g"]): TestResource => ({
    type: "kubernetes:karpenter.sh/v1:NodePool",
    name: `karpenter-nodepool-${name}`,
    props: {
        apiVersion: "karpenter.sh/v1",
        kind: "NodePool",
        metadata: { name },
        spec: {
            template: {
                spec: {
                    nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name },
                    requirements: [
                        { key: "kubernetes.io/arch", operator: "In", values: ["arm64"] },
                        { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
                        { key: "karpenter.sh/capacity-type", operator: "In", values: ["on-demand", "spot"] },
                        { key: "karpenter.k8s.aws/instance-family", operator: "In", values: families },
                        { key: "karpenter.k8s.aws/instance-size", operator: "NotIn", values: ["nano", "micro", "small", "medium", "metal"] },
                    ],
                    expireAfter: "720h",
                },
            },
            disruption: { consolidationPolicy: "WhenEmptyOrUnderutilized", consolidateAfter: "5m", budgets: [{ nodes: "10%" }] },
            limits: { cpu, memory: "16000Gi" },
            weight: 60,
        },
    },
});

describe("cost: nodepool limits", () => {
    describe("nodepool-limits-required", () => {
        it("passes a pool with cpu and memory limits (string, number and milli quantities)", async () => {
            await expectClean(nodepoolLimitsRequired, nodePool());
            await expectClean(nodepoolLimitsRequired, mutate(nodePool(), (d) => (d.props.spec.limits = { cpu: 64, memory: "256Gi" })));
            await expectClean(nodepoolLimitsRequired, mutate(nodePool(), (d) => (d.props.spec.limits = { cpu: "64000m", memory: "1Ti" })));
        });
        it("checks v1beta1 NodePools too", async () => {
            await expectViolation(nodepoolLimitsRequired, mutate(nodePool(), (d) => { d.type = "kubernetes:karpenter.sh/v1beta1:NodePool"; delete d.props.spec.limits; }), /spec\.limits\.cpu is not set\. Without a cpu limit/);
        });
        it("flags missing spec.limits", async () => {
            await expectViolation(nodepoolLimitsRequired, mutate(nodePool(), (d) => delete d.props.spec.limits), /NodePool "spark-graviton": spec\.limits\.cpu is not set\. Without a cpu limit/);
        });
        it("flags a missing cpu limit", async () => {
            await expectViolation(nodepoolLimitsRequired, mutate(nodePool(), (d) => delete d.props.spec.limits.cpu), /spec\.limits\.cpu is not set\. Without a cpu limit/);
        });
        it("passes a cpu-only limit (the cpu limit bounds the cost): Karpenter's examples/v1/100-cpu-limit.yaml (corpus karp-100-cpu-limit-nodepool)", async () => {
            await expectClean(nodepoolLimitsRequired, mutate(nodePool(), (d) => delete d.props.spec.limits.memory));
            await expectClean(nodepoolLimitsRequired, mutate(nodePool(), (d) => (d.props.spec.limits = { cpu: 100 })));
        });
        it("flags a missing memory limit when requireMemoryLimit is set (and falls back on a malformed setting)", async () => {
            const cpuOnly = mutate(nodePool(), (d) => delete d.props.spec.limits.memory);
            await expectViolation(nodepoolLimitsRequired, cpuOnly, /spec\.limits\.memory is not set\..*Set spec\.limits\.cpu and spec\.limits\.memory/, { config: { requireMemoryLimit: true } });
            await expectViolation(nodepoolLimitsRequired, mutate(nodePool(), (d) => delete d.props.spec.limits), /cpu is not set and spec\.limits\.memory is not set/, { config: { requireMemoryLimit: true } });
            await expectClean(nodepoolLimitsRequired, cpuOnly, { requireMemoryLimit: "yes" });
        });
        it("flags empty and null limits, and values that are not quantities", async () => {
            await expectViolation(nodepoolLimitsRequired, mutate(nodePool(), (d) => (d.props.spec.limits = { cpu: "", memory: null })), /spec\.limits\.cpu is not set\./);
            await expectViolation(nodepoolLimitsRequired, mutate(nodePool(), (d) => (d.props.spec.limits.cpu = "lots")), /spec\.limits\.cpu "lots" is not a Kubernetes quantity/);
            await expectViolation(nodepoolLimitsRequired, mutate(nodePool(), (d) => (d.props.spec.limits.memory = { gi: 4 })), /spec\.limits\.memory \{"gi":4\} is not a Kubernetes quantity/);
        });
        it("never crashes on odd shapes", async () => {
            for (const props of [{}, { spec: null }, { spec: "spec" }, { spec: [] }, { spec: { limits: "x" } }, { spec: { limits: [1, 2] } }]) {
                const vs = await violations(nodepoolLimitsRequired, { type: "kubernetes:karpenter.sh/v1:NodePool", props });
                assert.equal(vs.length, 1);
            }
        });
        it("ignores other kinds", async () => {
            await expectClean(nodepoolLimitsRequired, { type: "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", props: { spec: {} } });
            await expectClean(nodepoolLimitsRequired, { type: "kubernetes:example.com/v1:NodePool", props: { spec: {} } });
        });
        it("turns an unknown limit into an advisory", async () => {
            await expectUnknownAdvisory(nodepoolLimitsRequired, mutate(nodePool(), (d) => (d.props.spec.limits.cpu = UNKNOWN)));
            await expectUnknownAdvisory(nodepoolLimitsRequired, mutate(nodePool(), (d) => (d.props.spec.limits = UNKNOWN)));
        });
    });

    describe("nodepool-worst-case-hourly-cost", () => {
        const prodPools = () => [
            nodePool("spark-graviton", "4000"),
            nodePool("spark-x86", "2000", ["m7i", "c7i", "r7i", "m7a", "r7a"]),
            nodePool("spark-driver", "400", ["m7g", "r7g"]),
        ];
        it("passes the prod pools (≈ $409/h) under the default $2000/h ceiling", async () => {
            await expectClean(nodepoolWorstCaseHourlyCost, prodPools());
        });
        it("flags pools whose summed worst case exceeds the ceiling, with a breakdown", async () => {
            const [v] = await expectViolation(nodepoolWorstCaseHourlyCost, prodPools(), /can scale to \$409\.19\/hour on-demand in the worst case, above the \$300\.00\/hour ceiling/, { config: { maxHourlyCostUsd: 300 } });
            assert.match(v.message, /spark-graviton: 4000 vCPU × \$0\.0589\/vCPU-h \(r8g on-demand\) = \$235\.62\/h; spark-x86/);
        });
        it("flags one huge pool under the default ceiling", async () => {
            await expectViolation(nodepoolWorstCaseHourlyCost, nodePool("big", "100000", ["m7g"]), /\$4080\.00\/hour.*above the \$2000\.00\/hour ceiling/);
        });
        it("prices unrestricted pools at the conservative ceiling", async () => {
            const open = mutate(nodePool("open", "5000"), (d) => (d.props.spec.template.spec.requirements = [{ key: "karpenter.k8s.aws/instance-gpu-count", operator: "DoesNotExist" }]));
            await expectViolation(nodepoolWorstCaseHourlyCost, open, /\$1250\.00\/hour.*amd64 ceiling/, { config: { maxHourlyCostUsd: 1000 } });
        });
        it("mentions unbounded pools without counting them", async () => {
            const [v] = await expectViolation(nodepoolWorstCaseHourlyCost, [nodePool("big", "100000", ["m7g"]), mutate(nodePool("nolimit"), (d) => delete d.props.spec.limits)], /\$4080\.00/);
            assert.match(v.message, /Pools without a cpu limit \(nolimit\) are unbounded/);
        });
        it("falls back to the default ceiling on a malformed config value", async () => {
            await expectClean(nodepoolWorstCaseHourlyCost, prodPools(), { maxHourlyCostUsd: "cheap" });
        });
        it("is silent without NodePools and on odd shapes", async () => {
            await expectClean(nodepoolWorstCaseHourlyCost, [{ type: "aws:s3/bucket:Bucket", props: {} }]);
            await expectClean(nodepoolWorstCaseHourlyCost, [{ type: "kubernetes:karpenter.sh/v1:NodePool", props: { spec: null } as Record<string, unknown> }]);
        });
        it("turns an unknown cpu limit into an advisory when the known pools fit", async () => {
            await expectUnknownAdvisory(nodepoolWorstCaseHourlyCost, [nodePool("small", "10", ["m7g"]), nodePool("u", UNKNOWN)]);
        });
        it("still reports known pools over the ceiling when another pool is unknown, plus the advisory", async () => {
            const ds = await check(nodepoolWorstCaseHourlyCost, [nodePool("big", "100000", ["m7g"]), nodePool("u", UNKNOWN)]);
            assert.deepEqual(ds.map((d) => [d.enforcementLevel, d.unknownValue]).sort(), [["advisory", true], ["mandatory", false]]);
            assert.match(ds.find((d) => !d.unknownValue)!.message, /big: 100000 vCPU/);
            assert.doesNotMatch(ds.find((d) => !d.unknownValue)!.message, /\bu: /);
        });
        it("reports the violation at stack level as mandatory", async () => {
            const ds = await check(nodepoolWorstCaseHourlyCost, nodePool("big", "100000", ["m7g"]));
            assert.equal(ds.length, 1);
            assert.equal(ds[0].enforcementLevel, "mandatory");
            assert.equal(ds[0].severity, "high");
        });
    });
});
