/**
 * lib/admission (defaulting, the LimitRanger, pod validation, the ResourceQuota check) and lib/spark-pods
 * (the pods Spark 4.x and YuniKorn build from a SparkApplication), each against the upstream behaviour
 * their files cite. One case per rule, so each rule can be seen to refuse.
 */
import { strict as assert } from "assert";
import { admitInOrder, admitPod, type AdmissionPod, type LimitRangeItemSpec, type NamespaceLimits } from "../../lib/admission";
import { defaultRequestsToLimits, limitRangerDefaults } from "../../lib/admission/limit-ranger";
import { podQuotaUsage, quotaMissingResources } from "../../lib/admission/resource-quota";
import { initialExecutors, javaMemoryMiB, type SparkApplicationSizing, sparkContainerResources, sparkPods, taskGroupMinResource, yunikornPlaceholderPods } from "../../lib/spark-pods";

const pod = (resources?: { requests?: Record<string, string>; limits?: Record<string, string> }, name = "app"): AdmissionPod => ({ name, containers: [{ name, ...(resources ? { resources } : {}) }] });
const ns = (items: LimitRangeItemSpec[], hard?: Record<string, string>): NamespaceLimits => ({ limitRanges: [items], quotas: hard ? [{ name: "team-quota", hard }] : [] });
const container = (items: Partial<LimitRangeItemSpec>): LimitRangeItemSpec[] => [{ type: "Container", ...items }];

describe("lib/admission: a pod CREATE as the API server handles its resources", () => {
    it("defaulting: a limit without a request becomes the request (SetDefaults_Pod); an explicit request stays", () => {
        const p = defaultRequestsToLimits(pod({ requests: { memory: "1Gi" }, limits: { cpu: "2", memory: "2Gi" } }));
        assert.deepEqual(p.containers[0].resources, { requests: { cpu: "2", memory: "1Gi" }, limits: { cpu: "2", memory: "2Gi" } });
    });

    it("LimitRanger defaults fill only what is missing, in containers and init containers", () => {
        const p = limitRangerDefaults({ ...pod({ requests: { cpu: "3" } }), initContainers: [{ name: "init" }] }, container({ defaultRequest: { cpu: "500m", memory: "1Gi" }, default: { memory: "2Gi" } }));
        assert.deepEqual(p.containers[0].resources, { requests: { cpu: "3", memory: "1Gi" }, limits: { memory: "2Gi" } });
        assert.deepEqual(p.initContainers![0].resources, { requests: { cpu: "500m", memory: "1Gi" }, limits: { memory: "2Gi" } });
    });

    const refusals: [string, LimitRangeItemSpec[], AdmissionPod, string][] = [
        ["max without a limit (the reviewer's case: a Spark driver under max.cpu)", container({ max: { cpu: "32" } }), pod({ requests: { cpu: "1" } }),
            "app: maximum cpu usage per Container is 32.  No limit is specified."],
        ["max below the limit", container({ max: { memory: "1Gi" } }), pod({ limits: { memory: "2Gi" } }), "app: maximum memory usage per Container is 1Gi, but limit is 2Gi."],
        ["min above the request", container({ min: { cpu: "1" } }), pod({ requests: { cpu: "500m" } }), "app: minimum cpu usage per Container is 1, but request is 500m."],
        ["min without a request", container({ min: { memory: "1Gi" } }), pod(), "app: minimum memory usage per Container is 1Gi.  No request is specified."],
        ["limit/request ratio", container({ maxLimitRequestRatio: { cpu: "2" } }), pod({ requests: { cpu: "1" }, limits: { cpu: "3" } }),
            "app: cpu max limit to request ratio per Container is 2, but provided ratio is 3.000000."],
        ["ratio without a limit", container({ maxLimitRequestRatio: { memory: "2" } }), pod({ requests: { memory: "1Gi" } }),
            "app: memory max limit to request ratio per Container is 2, but no limit is specified or limit is 0."],
    ];
    for (const [label, items, p, message] of refusals) {
        it(`LimitRanger refuses: ${label}`, () => {
            assert.deepEqual(admitPod(p, ns(items)).errors, [message]);
        });
    }

    it("the same containers pass when they meet the bounds (milli-unit comparison: 1000m = 1, 1024Mi = 1Gi)", () => {
        const items = container({ min: { cpu: "1" }, max: { memory: "1Gi" }, maxLimitRequestRatio: { cpu: "2" } });
        const r = admitPod(pod({ requests: { cpu: "1000m" }, limits: { cpu: "2", memory: "1024Mi" } }), ns(items));
        assert.deepEqual(r.errors, []);
        assert.ok(r.admitted);
    });

    it("validation: a default limit below an explicit request is invalid (why a LimitRange cpu default is no cure for Spark)", () => {
        const r = admitPod(pod({ requests: { cpu: "4" } }), ns(container({ default: { cpu: "1" } })));
        assert.deepEqual(r.errors, ["spec.containers[0].resources.requests[cpu]: Invalid value: \"4\": must be less than or equal to cpu limit of 1"]);
    });

    it("quota: every container must specify a tracked cpu/memory resource; a LimitRange default satisfies it", () => {
        const hard = { "requests.cpu": "4", "limits.memory": "8Gi", pods: "10" };
        assert.deepEqual(quotaMissingResources(pod({ requests: { cpu: "1" } }), hard), ["must specify limits.memory for: app"]);
        assert.deepEqual(quotaMissingResources({ name: "p", containers: [{ name: "b" }, { name: "a" }] }, hard), ["must specify limits.memory for: a,b; requests.cpu for: a,b"]);
        assert.ok(admitPod(pod({ requests: { cpu: "1" } }), ns(container({ default: { memory: "1Gi" } }), hard)).admitted);
        assert.ok(!admitPod(pod({ requests: { cpu: "1" } }), ns([], hard)).admitted);
    });

    it("quota: usage sums regular containers, takes an init container when larger, and refuses what would exceed hard", () => {
        const p: AdmissionPod = { name: "p", containers: [{ name: "a", resources: { requests: { cpu: "1" } } }, { name: "b", resources: { requests: { cpu: "500m" } } }], initContainers: [{ name: "i", resources: { requests: { cpu: "2" } } }] };
        assert.deepEqual(podQuotaUsage(p), { pods: 1000, cpu: 2000, "requests.cpu": 2000 });
        const hard = { "requests.cpu": "3", pods: "10" };
        const [first, second] = admitInOrder([p, p], ns([], hard));
        assert.ok(first.admitted);
        assert.deepEqual(second.errors, ["exceeded quota: team-quota, requested: requests.cpu=2, used: requests.cpu=2, limited: requests.cpu=3"]);
    });

    it("a LimitRange item type the model does not cover is an error, not a silent pass", () => {
        assert.throws(() => admitPod(pod(), ns([{ type: "Pod", max: { cpu: "1" } }])), { message: "LimitRange type \"Pod\" is not modelled (lib/admission/limit-ranger.ts models \"Container\" items only)" });
    });
});

describe("lib/spark-pods: what Spark 4.x and YuniKorn build from a SparkApplication", () => {
    const app = (patch: Partial<SparkApplicationSizing> = {}): SparkApplicationSizing => ({ type: "Scala", batchScheduler: "yunikorn", driver: { cores: 1, memory: "2g" }, executor: { instances: 2, cores: 2, memory: "4g" }, ...patch });

    it("JVM memory strings in MiB (no unit = MiB)", () => {
        assert.deepEqual(["2g", "512m", "1024", "1t", "3G"].map(javaMemoryMiB), [2048, 512, 1024, 1048576, 3072]);
        assert.throws(() => javaMemoryMiB("2Gi"), { message: "\"2Gi\" is not a JVM memory size such as 512m or 4g" });
    });

    const sizes: [string, SparkApplicationSizing, "driver" | "executor", object][] = [
        ["driver 2g: overhead floor 384Mi, memory limit = request, no cpu limit", app(), "driver", { requests: { cpu: "1", memory: "2432Mi" }, limits: { memory: "2432Mi" } }],
        ["executor 4g: 10% overhead (409Mi)", app(), "executor", { requests: { cpu: "2", memory: "4505Mi" }, limits: { memory: "4505Mi" } }],
        ["Spark's defaults: 1 core, 1g", app({ driver: {}, executor: {} }), "driver", { requests: { cpu: "1", memory: "1408Mi" }, limits: { memory: "1408Mi" } }],
        ["coreLimit is the only way to a cpu limit", app({ driver: { cores: 1, coreLimit: "1500m", memory: "2g" } }), "driver", { requests: { cpu: "1", memory: "2432Mi" }, limits: { memory: "2432Mi", cpu: "1500m" } }],
        ["a limit.cores in sparkConf counts too (same property)", app({ sparkConf: { "spark.kubernetes.executor.limit.cores": "2" } }), "executor", { requests: { cpu: "2", memory: "4505Mi" }, limits: { memory: "4505Mi", cpu: "2" } }],
        ["coreRequest and memoryOverhead", app({ executor: { cores: 4, coreRequest: "3500m", memory: "8g", memoryOverhead: "1g" } }), "executor", { requests: { cpu: "3500m", memory: "9216Mi" }, limits: { memory: "9216Mi" } }],
        ["Python: 40% overhead, pyspark memory on executors", app({ type: "Python", sparkConf: { "spark.executor.pyspark.memory": "1g" } }), "executor", { requests: { cpu: "2", memory: "6758Mi" }, limits: { memory: "6758Mi" } }],
        ["off-heap on executors", app({ sparkConf: { "spark.memory.offHeap.enabled": "true", "spark.memory.offHeap.size": "2g" } }), "executor", { requests: { cpu: "2", memory: "6553Mi" }, limits: { memory: "6553Mi" } }],
        ["the operator's memoryLimit replaces the memory limit", app({ driver: { cores: 1, memory: "2g", memoryLimit: "3g" } }), "driver", { requests: { cpu: "1", memory: "2432Mi" }, limits: { memory: "3072Mi" } }],
    ];
    for (const [label, a, role, expected] of sizes) {
        it(`${role}: ${label}`, () => assert.deepEqual(sparkContainerResources(a, role), expected));
    }

    it("pods: the driver and the initial executors (instances; the operator's 2 without; dynamic allocation's largest start)", () => {
        assert.deepEqual(sparkPods(app()).map((p) => p.name), ["driver", "exec-1", "exec-2"]);
        assert.equal(initialExecutors(app({ executor: {} })), 2);
        assert.equal(initialExecutors(app({ dynamicAllocation: { enabled: true, initialExecutors: 3, minExecutors: 1 } })), 3);
        assert.equal(initialExecutors(app({ executor: {}, dynamicAllocation: { enabled: true } })), 0);
    });

    it("YuniKorn placeholders: one per task-group member, requests = limits = the spec-derived minResource", () => {
        const ph = yunikornPlaceholderPods(app());
        assert.deepEqual(ph.map((p) => p.name), ["tg-spark-driver-0", "tg-spark-executor-0", "tg-spark-executor-1"]);
        assert.deepEqual(ph[0].containers, [{ name: "pause", resources: { requests: { cpu: "1", memory: "2432Mi" }, limits: { cpu: "1", memory: "2432Mi" } } }]);
        assert.deepEqual(taskGroupMinResource(app(), "executor"), { cpu: "2", memory: "4505Mi" });
        assert.deepEqual(taskGroupMinResource(app({ driver: {} }), "driver"), { cpu: "1", memory: "384Mi" }, "the operator counts an unset memory as 0 + the 384Mi floor");
        assert.deepEqual(yunikornPlaceholderPods(app({ batchScheduler: undefined })), []);
        assert.deepEqual(yunikornPlaceholderPods(app({ executor: {}, dynamicAllocation: { enabled: true } })).map((p) => p.name), ["tg-spark-driver-0"]);
    });
});
