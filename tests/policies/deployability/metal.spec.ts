import { strict as assert } from "assert";
import { nodepoolExcludesMetal } from "../../../policies/deployability/rules/metal";
import { metalVerdict } from "../../../policies/lib/deployability";
import type { TestResource } from "../../helpers/policy";
import { expectClean, expectUnknown, expectViolations, T, UNKNOWN } from "./support";

const req = (key: string, operator: string, values?: unknown[]) => ({ key, operator, ...(values ? { values } : {}) });
const ARM = req("kubernetes.io/arch", "In", ["arm64"]);
const SIZES = req("karpenter.k8s.aws/instance-size", "NotIn", ["nano", "micro", "small", "medium", "metal"]);
const pool = (requirements: unknown, type: string = T.nodePool): TestResource => ({
    type, name: "pool", props: { apiVersion: "karpenter.sh/v1", kind: "NodePool", metadata: { name: "spark-x86" }, spec: { template: { spec: { requirements } } } },
});

describe("deployability: nodepool-excludes-metal (resource)", () => {
    it("passes hypervisor In [nitro] (the platform's pools), or NotIn [\"\"]", async () => {
        await expectClean(nodepoolExcludesMetal, [pool([ARM, req("karpenter.k8s.aws/instance-family", "In", ["m8g"]), req("karpenter.k8s.aws/instance-hypervisor", "In", ["nitro"])])]);
        await expectClean(nodepoolExcludesMetal, [pool([req("karpenter.k8s.aws/instance-hypervisor", "NotIn", [""])], "kubernetes:karpenter.sh/v1beta1:NodePool")]);
    });
    it("passes size NotIn lists that cover every metal size of every listed family, and explicit type or size lists", async () => {
        await expectClean(nodepoolExcludesMetal, [pool([req("karpenter.k8s.aws/instance-family", "In", ["m7g", "c7g"]), SIZES])]);
        await expectClean(nodepoolExcludesMetal, [pool([req("karpenter.k8s.aws/instance-family", "In", ["m7i"]), req("karpenter.k8s.aws/instance-size", "NotIn", ["metal-24xl", "metal-48xl"])])]);
        await expectClean(nodepoolExcludesMetal, [pool([req("node.kubernetes.io/instance-type", "In", ["m7i.2xlarge", "m7i.4xlarge"])])]);
        await expectClean(nodepoolExcludesMetal, [pool([req("karpenter.k8s.aws/instance-size", "In", ["xlarge", "2xlarge"])])]);
    });
    it("flags the old requirements: size NotIn [..., metal] with families whose metal sizes are metal-24xl/metal-48xl", async () => {
        await expectViolations(nodepoolExcludesMetal, [pool([req("karpenter.k8s.aws/instance-family", "In", ["m7i", "c7i", "r7a"]), SIZES])], [
            /NodePool "spark-x86" can launch bare-metal instances: instance-size NotIn \[nano, micro, small, medium, metal\] leaves bare metal open: m7i has metal-24xl and metal-48xl; c7i has metal-24xl and metal-48xl; r7a has metal-48xl; add \{ key: karpenter\.k8s\.aws\/instance-hypervisor, operator: In, values: \[nitro\] \}/,
        ]);
    });
    it("flags no family limit, a family it cannot prove, a metal type or size listed, and a hypervisor list with \"\"", async () => {
        await expectViolations(nodepoolExcludesMetal, [pool([ARM, SIZES])], [/nothing limits the instance families/]);
        await expectViolations(nodepoolExcludesMetal, [pool([req("karpenter.k8s.aws/instance-family", "In", ["m99z"]), SIZES])], [/m99z \(not in the instance-family table/]);
        await expectViolations(nodepoolExcludesMetal, [pool([req("node.kubernetes.io/instance-type", "In", ["m7g.metal"])])], [/can launch bare-metal/]);
        await expectViolations(nodepoolExcludesMetal, [pool([req("karpenter.k8s.aws/instance-hypervisor", "In", ["nitro", ""])])], [/can launch bare-metal/]);
    });
    it("unknown requirements raise the advisory, not a violation", async () => {
        await expectUnknown(nodepoolExcludesMetal, [pool(UNKNOWN)]);
        await expectUnknown(nodepoolExcludesMetal, [pool([req("karpenter.k8s.aws/instance-family", "In", [UNKNOWN]), SIZES])]);
    });
    it("odd shapes never crash (no spec, requirements not a list, entries not objects) and other kinds are ignored", async () => {
        for (const props of [{}, { spec: null }, { spec: { template: { spec: { requirements: "x" } } } }, { spec: { template: { spec: { requirements: [1, null, "x"] } } } }]) {
            const ds = await expectViolations(nodepoolExcludesMetal, [{ type: T.nodePool, name: "odd", props }], [/nothing limits the instance families/]);
            assert.equal(ds.length, 1);
        }
        await expectClean(nodepoolExcludesMetal, [{ type: T.deployment, name: "d", props: {} }]);
        assert.equal(metalVerdict(undefined).kind, "allowed");
    });
});
