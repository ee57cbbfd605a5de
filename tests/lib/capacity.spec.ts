/**
 * The system-node capacity model (lib/capacity): the AL2023 kubelet reservation against Karpenter's
 * published allocatable figures, the fit rules, the chart table against the components' pinned charts, and
 * the same figure from config (platformSystemPods) and from the resources (the deployability pack).
 */
import { strict as assert } from "assert";
import { CHARTS, chartName } from "../../lib/capacity/charts";
import { EKS_ADDON_PODS } from "../../lib/capacity/addons";
import { SYSTEM_INSTANCE_TYPES } from "../../lib/capacity/instances";
import { customNetworkingPodIps, eniMaxPods, kubeReservedCpuMillis, kubeReservedMemoryMiB, memoryCapacityMiB, nodeAllocatable } from "../../lib/capacity/kubelet";
import { describeFit, fitSystemNodes, nodeGroupCapacity, smallestNodeGroupCapacity, type PodGroup } from "../../lib/capacity/model";
import { platformSystemPods, podRequests, SYSTEM_REPLICAS, SYSTEM_RESOURCES } from "../../lib/capacity/platform";
import { parseCpuMillis, parseMemoryMi } from "../../lib/quantity";
import { KARPENTER_DEFAULTS } from "../../components/karpenter";
import { YUNIKORN_DEFAULTS } from "../../components/scheduling";
import { SPARK_OPERATOR_DEFAULTS } from "../../components/spark/operator";
import { METRICS_DEFAULTS } from "../../components/observability/metrics";
import { FLUENT_BIT_DEFAULTS } from "../../components/observability/fluent-bit";
import { ENGINES_DEFAULTS } from "../../components/engines";
import { GRAFANA_DEFAULTS } from "../../components/observability/grafana";
import { parseConfigMap } from "../../config";
import { readStackConfig } from "../../preview/mocks";
import { runStack } from "../helpers/stack";
import { recordedViews } from "../../preview/deploy-report";
import { systemNodeFits } from "../../policies/lib/deployability";

describe("capacity model (lib/capacity)", () => {
    describe("kubelet reservation (amazon-eks-ami v20260714 nodeadm) reproduces Karpenter v1.14's published allocatable", () => {
        // website/content/en/v1.14/reference/instance-types.md at 1d927085d: cpu / memory / pods.
        const published: [string, number, number, number][] = [
            ["m7g.large", 1930, 6844, 29], ["m7g.xlarge", 3920, 14103, 58], ["m7g.2xlarge", 7910, 29258, 58], ["m7g.4xlarge", 15890, 57632, 234],
            ["m7i.large", 1930, 6903, 29], ["m7i.xlarge", 3920, 14162, 58], ["c7g.large", 1930, 3055, 29], ["r7g.xlarge", 3920, 29258, 58], ["m5.large", 1930, 6903, 29],
        ];
        for (const [type, cpu, memory, pods] of published) {
            it(`${type}: ${cpu}m, ${memory}Mi, ${pods} pods`, () => {
                const a = nodeAllocatable(SYSTEM_INSTANCE_TYPES[type]);
                assert.deepEqual([a.cpuMillis, a.memoryMiB, a.maxPods], [cpu, memory, pods]);
            });
        }
        it("the formula's parts", () => {
            assert.deepEqual([1, 2, 4, 8, 16].map(kubeReservedCpuMillis), [60, 70, 80, 90, 110]);
            assert.equal(eniMaxPods({ maxEnis: 3, ipv4PerEni: 10 }), 29);
            assert.equal(kubeReservedMemoryMiB(29), 574);
            assert.equal(memoryCapacityMiB({ arch: "arm64", memoryMiB: 8192 }), 7518);
            assert.equal(memoryCapacityMiB({ arch: "amd64", memoryMiB: 8192 }), 7577);
            // Custom networking: no pod IPs on the primary ENI.
            assert.equal(customNetworkingPodIps({ maxEnis: 3, ipv4PerEni: 10 }), 18);
            assert.equal(customNetworkingPodIps({ maxEnis: 4, ipv4PerEni: 15 }), 42);
        });
    });

    describe("fit", () => {
        const pod = (over: Partial<PodGroup>): PodGroup => ({ name: "p", perNode: false, replicas: 1, requests: { cpuMillis: 100, memoryMiB: 100 }, ...over });
        const opts = { headroomPercent: 20, customNetworking: true };
        const large = (n: number) => nodeGroupCapacity("m7g.large", n)!;
        it("sums replicas and DaemonSets per node against the group at minSize, keeping the headroom", () => {
            const f = fitSystemNodes(large(2), [pod({ replicas: 10, requests: { cpuMillis: 250, memoryMiB: 256 } }), pod({ perNode: true, requests: { cpuMillis: 100, memoryMiB: 128 } })], opts);
            assert.deepEqual(f.demand, { cpuMillis: 2500 + 200, memoryMiB: 2560 + 256 });
            assert.deepEqual(f.allocatable, { cpuMillis: 3860, memoryMiB: 13688 });
            assert.equal(f.cpuPercent, 70);
            assert.ok(f.fits);
            assert.equal(describeFit(f), "2 × m7g.large: CPU 2.70 of 3.86 vCPU allocatable (70%), memory 2.8 of 13.4 GiB (21%), 12 of 36 pod IPs; headroom 20% → fits");
        });
        it("refuses past the headroom, a pod too big for one node, too few nodes for required anti-affinity, too many pods or pod IPs", () => {
            assert.match(fitSystemNodes(large(2), [pod({ replicas: 13, requests: { cpuMillis: 250, memoryMiB: 1 } })], opts).problems.join(), /CPU requests 3\.25 vCPU exceed 80% of the 3\.86 vCPU/);
            assert.match(fitSystemNodes(large(3), [pod({ requests: { cpuMillis: 2000, memoryMiB: 1 } })], opts).problems.join(), /one p pod \(2000m CPU, 1Mi\) does not fit on a m7g\.large/);
            assert.match(fitSystemNodes(large(1), [pod({ replicas: 2, distinctNodes: true })], opts).problems.join(), /the 2 p pods must run on 2 different nodes/);
            assert.match(fitSystemNodes(large(1), [pod({ replicas: 19, requests: { cpuMillis: 1, memoryMiB: 1 } })], opts).problems.join(), /19 pods need a pod IP but 1 × m7g\.large has 18 under VPC CNI custom networking/);
            assert.deepEqual(fitSystemNodes(large(1), [pod({ replicas: 19, requests: { cpuMillis: 1, memoryMiB: 1 }, hostNetwork: true })], opts).problems, [], "host-network pods need no pod IP");
            assert.match(fitSystemNodes(large(1), [pod({ replicas: 30, requests: { cpuMillis: 1, memoryMiB: 1 }, hostNetwork: true })], opts).problems.join(), /30 pods exceed the kubelet's 29 pods/);
        });
        it("is monotone: more pods or bigger requests never turn a misfit into a fit", () => {
            const base = [pod({ replicas: 12, requests: { cpuMillis: 250, memoryMiB: 64 } })];
            for (let extra = 0; extra < 20; extra++) {
                const before = fitSystemNodes(large(2), base, opts).fits;
                const after = fitSystemNodes(large(2), [...base, pod({ replicas: extra })], opts).fits;
                assert.ok(before || !after, `adding ${extra} pods turned a misfit into a fit`);
            }
        });
        it("sizes a multi-type group for its smallest type, and knows only the listed types", () => {
            assert.equal(smallestNodeGroupCapacity(["m7g.xlarge", "m7g.large"], 2)!.instanceType, "m7g.large");
            assert.equal(smallestNodeGroupCapacity(["m7g.large", "m9z.large"], 2), undefined);
        });
    });

    describe("the platform's requests (one home: lib/capacity/platform.ts)", () => {
        it("every pinned container states CPU and memory requests, and limits at or above them", () => {
            for (const [k, r] of Object.entries(SYSTEM_RESOURCES)) {
                assert.ok(parseCpuMillis(r.requests.cpu)! > 0 && parseMemoryMi(r.requests.memory)! > 0, k);
                assert.ok(parseMemoryMi(r.limits.memory)! >= parseMemoryMi(r.requests.memory)!, `${k} memory limit`);
                if (r.limits.cpu !== undefined) {
                    assert.ok(parseCpuMillis(r.limits.cpu)! >= parseCpuMillis(r.requests.cpu)!, `${k} cpu limit`);
                }
            }
            assert.deepEqual(podRequests(SYSTEM_RESOURCES.yunikornScheduler, SYSTEM_RESOURCES.yunikornWeb), { cpuMillis: 300, memoryMiB: 1124 });
        });
        it("prod's and dev's shapes fit their stack files' system nodes; dev's old 2 × m7g.large did not", () => {
            const fit = (type: string, n: number, teams: number, flink: boolean, ray: boolean, grafana = true) =>
                fitSystemNodes(nodeGroupCapacity(type, n)!, platformSystemPods({ teams, flink, ray, grafana }), { headroomPercent: 20, customNetworking: true });
            // Grafana (issue 14) adds one pod of 150m/320Mi (grafana + its dashboard sidecar).
            assert.equal(describeFit(fit("m7g.xlarge", 3, 3, true, false, false)), "3 × m7g.xlarge: CPU 5.10 of 11.76 vCPU allocatable (43%), memory 11.0 of 41.3 GiB (27%), 19 of 126 pod IPs; headroom 20% → fits");
            assert.equal(describeFit(fit("m7g.xlarge", 3, 3, true, false)), "3 × m7g.xlarge: CPU 5.25 of 11.76 vCPU allocatable (45%), memory 11.3 of 41.3 GiB (27%), 20 of 126 pod IPs; headroom 20% → fits");
            assert.equal(describeFit(fit("m7g.xlarge", 2, 2, true, true)), "2 × m7g.xlarge: CPU 4.85 of 7.84 vCPU allocatable (62%), memory 10.1 of 27.5 GiB (37%), 19 of 84 pod IPs; headroom 20% → fits");
            assert.equal(fit("m7g.large", 2, 2, true, true).fits, false);
            assert.equal(fit("m7g.large", 3, 3, true, false).fits, false, "prod's old 3 × m7g.large left no room for a rolling update (88%)");
        });
        it("counts the EKS add-ons: CoreDNS 2 × 100m/70Mi, aws-node 50m, kube-proxy 100m per node", () => {
            assert.deepEqual(EKS_ADDON_PODS.coredns[0].requests, { cpuMillis: 100, memoryMiB: 70 });
            assert.equal(EKS_ADDON_PODS.coredns[0].replicas, 2);
            assert.deepEqual(EKS_ADDON_PODS["vpc-cni"][0].requests, { cpuMillis: 50, memoryMiB: 0 });
            assert.equal(SYSTEM_REPLICAS.karpenter, 2);
        });
    });

    describe("the chart table matches the charts the components pin", () => {
        const pinned: [string, string][] = [
            [chartName(KARPENTER_DEFAULTS.chart), KARPENTER_DEFAULTS.version], [chartName(KARPENTER_DEFAULTS.crdChart.chart), KARPENTER_DEFAULTS.crdChart.version],
            [YUNIKORN_DEFAULTS.chart, YUNIKORN_DEFAULTS.version], [SPARK_OPERATOR_DEFAULTS.chart, SPARK_OPERATOR_DEFAULTS.version],
            [METRICS_DEFAULTS.collector.chart, METRICS_DEFAULTS.collector.version], [METRICS_DEFAULTS.kubeStateMetrics.chart, METRICS_DEFAULTS.kubeStateMetrics.version],
            [FLUENT_BIT_DEFAULTS.chart, FLUENT_BIT_DEFAULTS.version], [ENGINES_DEFAULTS.flink.chart, ENGINES_DEFAULTS.flink.version], [ENGINES_DEFAULTS.kuberay.chart, ENGINES_DEFAULTS.kuberay.version],
            [GRAFANA_DEFAULTS.chart, GRAFANA_DEFAULTS.version],
        ];
        for (const [chart, version] of pinned) {
            it(`${chart} ${version}`, () => assert.equal(CHARTS[chart]?.version, version));
        }
        it("reads chart names from OCI references and repository names", () => {
            assert.equal(chartName("oci://public.ecr.aws/karpenter/karpenter"), "karpenter");
            assert.equal(chartName("oci://public.ecr.aws/karpenter/karpenter-crd"), "karpenter-crd");
            assert.equal(chartName("yunikorn"), "yunikorn");
            assert.equal(chartName("./charts/app-1.2.3.tgz"), "app");
        });
    });

    describe("config and the deployability pack agree (one model, two inputs)", function () {
        this.timeout(120_000);
        for (const stack of ["prod", "dev"]) {
            it(`${stack}: the pods read from the resources give config's figure`, async () => {
                const cfg = parseConfigMap(readStackConfig(stack));
                const sys = cfg.cluster.systemNodes;
                const fromConfig = fitSystemNodes(nodeGroupCapacity(sys.instanceTypes[0], sys.minSize)!, platformSystemPods({ teams: cfg.teams.length, flink: cfg.engines.flink, ray: cfg.engines.ray, grafana: cfg.observability.grafana.enabled }), { headroomPercent: sys.headroomPercent, customNetworking: true });
                // The pack reads the headroom from the node group's tag, which the platform sets from config.
                const run = await runStack(stack);
                assert.equal(run.resources.find((r) => r.type === "aws:eks/nodeGroup:NodeGroup")!.inputs.tags["moka.dev/headroom-percent"], String(sys.headroomPercent));
                const [fromResources] = systemNodeFits(recordedViews(run.resources));
                assert.deepEqual(fromResources.problems, []);
                assert.equal(describeFit(fromResources.fit!), describeFit(fromConfig));
                assert.deepEqual(fromResources.fit!.demand, fromConfig.demand);
                // The same pod groups, by replicas (a DaemonSet once per node), in both.
                const counts = (gs: readonly PodGroup[]) => gs.map((g) => `${g.perNode ? "daemonset" : g.replicas} × ${g.requests.cpuMillis}m/${Math.round(g.requests.memoryMiB)}Mi`).sort();
                const platform = platformSystemPods({ teams: cfg.teams.length, flink: cfg.engines.flink, ray: cfg.engines.ray, grafana: cfg.observability.grafana.enabled });
                // The resources hold one Deployment per History Server; config counts them as one group of n.
                const merged = (gs: readonly PodGroup[]) => counts(gs.flatMap((g) => (!g.perNode && g.name === "spark history server" ? Array.from({ length: g.replicas }, () => ({ ...g, replicas: 1 })) : [g])));
                assert.deepEqual(counts(fromResources.pods), merged(platform));
            });
        }
    });
});
