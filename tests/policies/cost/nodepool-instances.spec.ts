import { strict as assert } from "assert";
import { TestResource, UNKNOWN, violations } from "../../helpers/policy";
import { nodepoolNoAcceleratedInstances } from "../../../policies/cost/rules/nodepool-instances";
import { expectClean, expectUnknownAdvisory, expectViolation, mutate } from "../security/support";

const nodePool = (requirements: unknown[]): TestResource => ({
    type: "kubernetes:karpenter.sh/v1:NodePool",
    name: "np",
    props: {
        metadata: { name: "team-pool" },
        spec: {
            template: { spec: { nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: "default" }, requirements } },
            limits: { cpu: "100", memory: "400Gi" },
        },
    },
});
const families = (...f: string[]) => ({ key: "karpenter.k8s.aws/instance-family", operator: "In", values: f });
const arm = { key: "kubernetes.io/arch", operator: "In", values: ["arm64"] };

describe("cost: nodepool-no-accelerated-instances", () => {
    it("passes pools pinned to general-purpose families, categories or types", async () => {
        await expectClean(nodepoolNoAcceleratedInstances, nodePool([arm, families("m7g", "c7g", "r7g")]));
        await expectClean(nodepoolNoAcceleratedInstances, nodePool([{ key: "karpenter.k8s.aws/instance-category", operator: "In", values: ["c", "m", "r"] }]));
        await expectClean(nodepoolNoAcceleratedInstances, nodePool([{ key: "node.kubernetes.io/instance-type", operator: "In", values: ["m7i.2xlarge"] }]));
    });
    it("passes unrestricted pools that exclude GPUs", async () => {
        await expectClean(nodepoolNoAcceleratedInstances, nodePool([{ key: "karpenter.k8s.aws/instance-gpu-count", operator: "DoesNotExist" }]));
        await expectClean(nodepoolNoAcceleratedInstances, nodePool([{ key: "karpenter.k8s.aws/instance-category", operator: "NotIn", values: ["g", "p", "inf", "trn"] }]));
    });
    it("flags an accelerated family", async () => {
        await expectViolation(nodepoolNoAcceleratedInstances, nodePool([families("m7i", "g5")]), /NodePool "team-pool" allows accelerated instances \(instance-family g5\)/);
    });
    it("flags accelerated categories and instance types", async () => {
        await expectViolation(nodepoolNoAcceleratedInstances, nodePool([{ key: "karpenter.k8s.aws/instance-category", operator: "In", values: ["m", "p"] }]), /instance-category p/);
        await expectViolation(nodepoolNoAcceleratedInstances, nodePool([{ key: "node.kubernetes.io/instance-type", operator: "In", values: ["m7g.large", "g6.xlarge"] }]), /instance-type g6\.xlarge/);
        await expectViolation(nodepoolNoAcceleratedInstances, nodePool([families("inf2", "trn1")]), /instance-family inf2 and instance-family trn1/);
    });
    it("flags GPU-count and GPU-name requirements", async () => {
        await expectViolation(nodepoolNoAcceleratedInstances, nodePool([{ key: "karpenter.k8s.aws/instance-gpu-count", operator: "Gt", values: ["0"] }]), /instance-gpu-count > 0/);
        await expectViolation(nodepoolNoAcceleratedInstances, nodePool([{ key: "karpenter.k8s.aws/instance-gpu-name", operator: "In", values: ["a10g"] }]), /instance-gpu-name a10g/);
    });
    it("flags a pool with no family, category or type restriction (arch alone does not exclude g5g)", async () => {
        await expectViolation(nodepoolNoAcceleratedInstances, nodePool([]), /does not restrict instance families, categories or types, so Karpenter may launch GPU/);
        await expectViolation(nodepoolNoAcceleratedInstances, nodePool([arm, { key: "karpenter.sh/capacity-type", operator: "In", values: ["spot"] }]), /may launch GPU/);
        await expectViolation(nodepoolNoAcceleratedInstances, nodePool([{ key: "karpenter.k8s.aws/instance-family", operator: "NotIn", values: ["p5"] }]), /may launch GPU/);
        await expectViolation(nodepoolNoAcceleratedInstances, nodePool([{ key: "karpenter.k8s.aws/instance-category", operator: "NotIn", values: ["g"] }]), /may launch GPU/);
    });
    it("allows accelerated pools when allowAccelerated is true", async () => {
        await expectClean(nodepoolNoAcceleratedInstances, nodePool([families("g5")]), { allowAccelerated: true });
        await expectClean(nodepoolNoAcceleratedInstances, nodePool([]), { allowAccelerated: true });
        await expectViolation(nodepoolNoAcceleratedInstances, nodePool([families("g5")]), /g5/, { config: { allowAccelerated: "yes" } });
    });
    it("checks v1beta1 pools, ignores other kinds", async () => {
        await expectViolation(nodepoolNoAcceleratedInstances, mutate(nodePool([families("p4d")]), (d) => (d.type = "kubernetes:karpenter.sh/v1beta1:NodePool")), /p4d/);
        await expectClean(nodepoolNoAcceleratedInstances, { type: "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", props: {} });
    });
    it("handles odd shapes: single values, numbers, junk entries", async () => {
        await expectViolation(nodepoolNoAcceleratedInstances, nodePool([{ key: "karpenter.k8s.aws/instance-family", operator: "In", values: "g5" }]), /instance-family g5/);
        await expectClean(nodepoolNoAcceleratedInstances, nodePool([null, 3, "x", families("m7g")]));
        const vs = await violations(nodepoolNoAcceleratedInstances, { type: "kubernetes:karpenter.sh/v1:NodePool", props: { spec: "x" } });
        assert.equal(vs.length, 1, "no requirements at all = unrestricted");
    });
    it("turns unknown requirements into an advisory", async () => {
        await expectUnknownAdvisory(nodepoolNoAcceleratedInstances, nodePool([{ key: "karpenter.k8s.aws/instance-family", operator: "In", values: UNKNOWN }]));
        await expectUnknownAdvisory(nodepoolNoAcceleratedInstances, mutate(nodePool([]), (d) => (d.props.spec.template.spec.requirements = UNKNOWN)));
    });
});
