import { strict as assert } from "assert";
import { systemNodesCapacityFits } from "../../../policies/deployability/rules/capacity";
import { systemNodeFits } from "../../../policies/lib/deployability";
import type { TestResource } from "../../helpers/policy";
import { expectUnknownsAddNoViolation } from "../regression";
import { expectClean, expectUnknown, expectViolations, T, UNKNOWN, urnOf, views } from "./support";

const SYSTEM = { "moka.dev/node-role": "system" };
const TOLERATE = [{ key: "CriticalAddonsOnly", operator: "Exists", effect: "NoSchedule" }];

const nodeGroup = (instanceType = "m7g.xlarge", minSize = 3, extra: Record<string, unknown> = {}): TestResource => ({
    type: T.nodeGroup, name: "cluster-system",
    props: {
        clusterName: "moka-prod", instanceTypes: [instanceType], capacityType: "ON_DEMAND", scalingConfig: { minSize, desiredSize: minSize, maxSize: 6 },
        labels: SYSTEM, taints: [{ key: "CriticalAddonsOnly", value: "true", effect: "NO_SCHEDULE" }], ...extra,
    },
});
const addons = (): TestResource[] => ["vpc-cni", "kube-proxy", "eks-pod-identity-agent", "coredns"].map((addonName) => ({
    type: T.addon, name: `addon-${addonName}`,
    props: { clusterName: "moka-prod", addonName, ...(addonName === "vpc-cni" ? { configurationValues: JSON.stringify({ env: { AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: "true" } }) } : {}) },
}));
const karpenter = (controller: Record<string, unknown> = { resources: { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } } }): TestResource => ({
    type: T.release, name: "karpenter-release",
    props: { name: "karpenter", chart: "oci://public.ecr.aws/karpenter/karpenter", version: "1.14.1", values: { replicas: 2, controller, nodeSelector: { "kubernetes.io/os": "linux", ...SYSTEM }, tolerations: TOLERATE } },
});
const history = (n: number, resources: unknown = { requests: { cpu: "250m", memory: "1536Mi" } }): TestResource[] => Array.from({ length: n }, (_, i) => ({
    type: T.deployment, name: `history-${i}`,
    props: { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: `history-${i}` }, spec: { replicas: 1, template: { spec: { nodeSelector: SYSTEM, tolerations: TOLERATE, containers: [{ name: "history-server", image: "x:1", resources }] } } } },
}));

describe("deployability: system-nodes-capacity-fits (stack)", () => {
    describe("passes", () => {
        it("what is pinned fits 3 × m7g.xlarge with 20% headroom (the prod shape in miniature)", async () => {
            await expectClean(systemNodesCapacityFits, [nodeGroup(), ...addons(), karpenter(), ...history(3)]);
            const [fit] = systemNodeFits(views([nodeGroup(), ...addons(), karpenter(), ...history(3)]));
            assert.equal(fit.fit!.headroomPercent, 20, "no tag: the platform default");
            // aws-node 50m + kube-proxy 100m per node, coredns 2 × 100m, karpenter 2 × 1000m, history 3 × 250m.
            assert.deepEqual(fit.fit!.demand, { cpuMillis: 3 * 150 + 200 + 2000 + 750, memoryMiB: 140 + 2048 + 3 * 1536 });
            assert.deepEqual(fit.fit!.allocatable, { cpuMillis: 3 * 3920, memoryMiB: 3 * 14103 });
            assert.equal(fit.fit!.podIps, 3 * 42, "custom networking read from the vpc-cni add-on");
        });
        it("pods that are not pinned (no system selector) do not count, DaemonSets count once per node", async () => {
            const anywhere = history(40).map((d) => ({ ...d, props: JSON.parse(JSON.stringify(d.props).replace(/"nodeSelector":\{[^}]*\},/, "")) }));
            await expectClean(systemNodesCapacityFits, [nodeGroup(), karpenter(), ...anywhere]);
        });
        it("the headroom is the one the node group states (its moka.dev/headroom-percent tag, from moka:cluster.systemNodes.headroomPercent)", async () => {
            // 2 × m7g.xlarge (7.84 vCPU) with karpenter 2 × 1 vCPU + 20 history servers × 250m = 7.0 vCPU (89%).
            const small = { requests: { cpu: "250m", memory: "256Mi" } };
            const pinned = [karpenter(), ...history(20, small)];
            await expectViolations(systemNodesCapacityFits, [nodeGroup("m7g.xlarge", 2), ...pinned], [/CPU requests 7\.00 vCPU exceed 80% of the 7\.84 vCPU .*headroom 20% → does not fit/]);
            await expectClean(systemNodesCapacityFits, [nodeGroup("m7g.xlarge", 2, { tags: { "moka.dev/headroom-percent": "10" } }), ...pinned]);
            await expectViolations(systemNodesCapacityFits, [nodeGroup("m7g.xlarge", 2, { tags: { "moka.dev/headroom-percent": "5" } }), karpenter(), ...history(24, small)], [/exceed 95% of the 7\.84 vCPU/]);
        });
        it("the policy's minimumHeadroomPercent is only a floor: the stricter of it and the stated headroom applies", async () => {
            const stated = nodeGroup("m7g.xlarge", 2, { tags: { "moka.dev/headroom-percent": "10" } });
            const pinned = [karpenter(), ...history(20, { requests: { cpu: "250m", memory: "256Mi" } })];
            await expectClean(systemNodesCapacityFits, [stated, ...pinned], { minimumHeadroomPercent: 5 });
            await expectViolations(systemNodesCapacityFits, [stated, ...pinned], [/exceed 70% of the 7\.84 vCPU .*headroom 30%/], { minimumHeadroomPercent: 30 });
            const [fit] = systemNodeFits(views([nodeGroup("m7g.xlarge", 2, { tags: { "moka.dev/headroom-percent": "40" } }), karpenter()]), { minimumHeadroomPercent: 30 });
            assert.equal(fit.fit!.headroomPercent, 40);
        });
        it("a tag that is not a whole number 0–90 is ignored (the platform default applies)", async () => {
            for (const bad of ["x", "95", "-5", "12.5"]) {
                const [fit] = systemNodeFits(views([nodeGroup("m7g.xlarge", 2, { tags: { "moka.dev/headroom-percent": bad } }), karpenter()]));
                assert.equal(fit.fit!.headroomPercent, 20, bad);
            }
        });
    });

    describe("fails", () => {
        it("one small system node: CPU, memory and the anti-affinity of the two Karpenter controllers", async () => {
            const [v] = await expectViolations(systemNodesCapacityFits, [nodeGroup("m7g.large", 1), ...addons(), karpenter(), ...history(3)], [
                /Node group "cluster-system" cannot hold what is pinned to it: CPU requests 3\.10 vCPU exceed 80% of the 1\.93 vCPU that 1 × m7g\.large can allocate .*the 2 karpenter controller pods must run on 2 different nodes \(required pod anti-affinity\) but the group starts with 1.*\(1 × m7g\.large: CPU 3\.10 of 1\.93 vCPU allocatable/,
            ]);
            assert.equal(v.urn, urnOf(T.nodeGroup, "cluster-system"));
        });
        it("dev's old shape, 2 × m7g.large, cannot hold the pinned CPU", async () => {
            await expectViolations(systemNodesCapacityFits, [nodeGroup("m7g.large", 2), ...addons(), karpenter(), ...history(8)], [/CPU requests 4\.50 vCPU exceed 80% of the 3\.86 vCPU that 2 × m7g\.large can allocate/]);
        });
        it("a pinned release that states no requests (chart defaults nobody reviewed)", async () => {
            await expectViolations(systemNodesCapacityFits, [nodeGroup(), karpenter({})], [/Helm release "karpenter": the karpenter controller pods are pinned to this node group but values controller\.resources \(controller\) states no CPU and\/or memory request/]);
            await expectViolations(systemNodesCapacityFits, [nodeGroup(), ...history(1, null)], [/Deployment history-0: .* container history-server states no CPU and\/or memory request/]);
        });
        it("a Deployment pinned to the group that does not tolerate its taint would stay Pending", async () => {
            const untolerated = history(1).map((d) => ({ ...d, props: JSON.parse(JSON.stringify(d.props).replace(/"tolerations":\[[^\]]*\],/, "")) }));
            await expectViolations(systemNodesCapacityFits, [nodeGroup(), ...untolerated], [/do not tolerate its taint CriticalAddonsOnly=true:NoSchedule, so they would stay Pending/]);
        });
        it("a chart the capacity table does not know, pinned to the group", async () => {
            const other: TestResource = { type: T.release, name: "x", props: { name: "x", chart: "some-chart", version: "1.0.0", values: { deployment: { nodeSelector: SYSTEM } } } };
            await expectViolations(systemNodesCapacityFits, [nodeGroup(), other], [/chart some-chart\) pins pods to this node group, but the chart is not in the capacity table/]);
        });
        it("too many pods for the pod IPs under custom networking", async () => {
            const many = history(1, { requests: { cpu: "1m", memory: "1Mi" } }).map((d) => ({ ...d, props: { ...d.props, spec: { ...(d.props.spec as object), replicas: 60 } } }));
            await expectViolations(systemNodesCapacityFits, [nodeGroup("m7g.xlarge", 1), ...addons(), ...many], [/pods need a pod IP but 1 × m7g\.xlarge has 42 under VPC CNI custom networking/]);
        });
    });

    describe("unknown at preview: the advisory, never a violation", () => {
        it("the node group's headroom tag", async () => {
            await expectUnknown(systemNodesCapacityFits, [nodeGroup("m7g.xlarge", 3, { tags: { "moka.dev/headroom-percent": UNKNOWN } }), karpenter(), ...history(3)]);
        });
        it("the node group's size or type, or a release's values", async () => {
            await expectUnknown(systemNodesCapacityFits, [nodeGroup("m7g.large", UNKNOWN as unknown as number), karpenter(), ...history(3)]);
            await expectUnknown(systemNodesCapacityFits, [nodeGroup(UNKNOWN), karpenter(), ...history(3)]);
            await expectUnknown(systemNodesCapacityFits, [nodeGroup(), { ...karpenter(), props: { ...karpenter().props, values: UNKNOWN } }]);
        });
        it("DEP-3: an unknown hostNetwork counts as host network, an unknown add-on config as no add-on pods", async () => {
            const withHost = (v: unknown) => history(1).map((d) => ({ ...d, props: JSON.parse(JSON.stringify({ ...d.props, spec: { replicas: 60, template: { spec: { ...(d.props.spec as { template: { spec: object } }).template.spec, hostNetwork: v, containers: [{ name: "h", resources: { requests: { cpu: "1m", memory: "1Mi" } } }] } } } })) }));
            await expectUnknownsAddNoViolation(systemNodesCapacityFits, [nodeGroup("m7g.xlarge", 1), ...addons(), ...withHost(true)], [nodeGroup("m7g.xlarge", 1), ...addons(), ...withHost(UNKNOWN)]);
            const coredns = (conf: unknown): TestResource => ({ type: T.addon, name: "addon-coredns", props: { clusterName: "moka-prod", addonName: "coredns", configurationValues: conf } });
            await expectUnknownsAddNoViolation(systemNodesCapacityFits, [nodeGroup("m7g.large", 2), karpenter(), coredns(JSON.stringify({ replicaCount: 1 }))], [nodeGroup("m7g.large", 2), karpenter(), coredns(UNKNOWN)]);
        });
    });

    describe("odd shapes never crash", () => {
        for (const [label, props] of [["no scaling config", { instanceTypes: ["m7g.large"] }], ["labels a string", { labels: "x", instanceTypes: "m7g.large" }], ["taints null", { taints: null, scalingConfig: { minSize: "two" } }]] as const) {
            it(label, async () => {
                await expectClean(systemNodesCapacityFits, [{ type: T.nodeGroup, name: "odd", props: props as Record<string, unknown> }, { type: T.release, name: "r", props: { chart: 5, values: "x" } }]);
            });
        }
    });
});
