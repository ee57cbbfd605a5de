/**
 * NodePools are data: a fourth pool is one `moka:nodePools` entry. Adding `memory` (Graviton r8g) to the
 * prod stack through a config override must give exactly one more EC2NodeClass and NodePool, count in
 * the cost pack's worst-case figure and the offline preview's cost lines, and change nothing else.
 */
import { strict as assert } from "assert";
import { analyzePacks, toAnalyzerResources } from "../../preview/analyze";
import { readStackConfig } from "../../preview/mocks";
import { runStack } from "../helpers/stack";
import { parseOverride } from "../../preview/overrides";
import { renderText } from "../../preview/report";
import { loadPacks, PreviewResult, runPreview } from "../../preview/run";
import { esmImport } from "../helpers/esm";

const MEMORY = { arch: "arm64", instanceFamilies: ["r8g"], cpuLimit: 1000, memoryLimitGi: 8000, weight: 40, rootVolumeGi: 300 };
const OVERRIDE = `moka:nodePools.memory=${JSON.stringify(MEMORY)}`;
const NODE_POOL = "kubernetes:karpenter.sh/v1:NodePool";
const NODE_CLASS = "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass";

describe("a fourth NodePool is one config entry (prod + moka:nodePools.memory)", function () {
    this.timeout(180_000);
    let base: PreviewResult;
    let withMemory: PreviewResult;
    let NodePool: any;
    let EC2NodeClass: any;
    const one = (r: PreviewResult, type: string, name: string) => {
        const found = r.resources.filter((x) => x.type === type && x.inputs.metadata?.name === name);
        assert.equal(found.length, 1, `${type} ${name}`);
        return found[0];
    };

    before(async () => {
        ({ NodePool } = await esmImport("@kubernetes-models/karpenter/karpenter.sh/v1/NodePool"));
        ({ EC2NodeClass } = await esmImport("@kubernetes-models/karpenter/karpenter.k8s.aws/v1/EC2NodeClass"));
        base = await runPreview({ stack: "prod" });
        withMemory = await runPreview({ stack: "prod", overrides: [parseOverride(OVERRIDE)] });
    });

    it("registers exactly two more resources: EC2NodeClass and NodePool spark-memory; every other URN is unchanged", () => {
        // 319 + Grafana's 12 + the spark-history NetworkPolicies (default deny + one per team: 4).
        assert.equal(base.resources.length, 319 + 12 + 4);
        assert.equal(withMemory.resources.length, 321 + 12 + 4);
        const before = new Set(base.resources.map((r) => r.urn));
        const added = withMemory.resources.filter((r) => !before.has(r.urn)).map((r) => r.urn).sort();
        assert.deepEqual(added, [
            "urn:pulumi:prod::moka::moka:karpenter:Karpenter$kubernetes:karpenter.k8s.aws/v1:EC2NodeClass::karpenter-nodeclass-memory",
            "urn:pulumi:prod::moka::moka:karpenter:Karpenter$kubernetes:karpenter.sh/v1:NodePool::karpenter-nodepool-memory",
        ]);
        // The pool adds no finding (the prod baseline carries the security pack's advisories, issue 12) and nothing mandatory.
        const key = (f: { policy: string; urn?: string }) => `${f.policy} @ ${f.urn ?? "(stack)"}`;
        const known = new Set(base.findings.map(key));
        const fresh = withMemory.findings.filter((f) => !known.has(key(f)) || f.enforcementLevel === "mandatory");
        assert.equal(fresh.length, 0, fresh.map((f) => `${f.policy}: ${f.message}`).join("\n"));
    });

    it("EC2NodeClass spark-memory: schema-valid, the shared node role, IMDSv2, encrypted executor-sized gp3, cost tags", () => {
        const nc = one(withMemory, NODE_CLASS, "spark-memory");
        new EC2NodeClass({ metadata: nc.inputs.metadata, spec: nc.inputs.spec }).validate();
        const s = nc.inputs.spec;
        assert.equal(s.role, "moka-prod-karpenter-node");
        assert.deepEqual(s.metadataOptions, { httpEndpoint: "enabled", httpProtocolIPv6: "disabled", httpPutResponseHopLimit: 1, httpTokens: "required" });
        assert.equal(s.associatePublicIPAddress, false);
        assert.deepEqual(s.blockDeviceMappings[0].ebs, { volumeSize: "300Gi", volumeType: "gp3", iops: 6000, throughput: 500, encrypted: true, deleteOnTermination: true });
        assert.deepEqual(s.subnetSelectorTerms, [{ tags: { "karpenter.sh/discovery": "moka-prod" } }]);
        assert.deepEqual(s.tags, { "cost-center": "data-platform", owner: "platform-team@example.com", environment: "prod", "managed-by": "pulumi" });
        // Same node class as the shipped Graviton executor pool, apart from the root volume size.
        const graviton = one(withMemory, NODE_CLASS, "spark-graviton").inputs.spec;
        assert.deepEqual({ ...s, blockDeviceMappings: [] }, { ...graviton, blockDeviceMappings: [] });
    });

    it("NodePool spark-memory: schema-valid arm64 executor pool on r8g with its limits and weight, no driver taint", () => {
        const np = one(withMemory, NODE_POOL, "spark-memory");
        new NodePool({ metadata: np.inputs.metadata, spec: np.inputs.spec }).validate();
        const s = np.inputs.spec;
        const req = (key: string) => s.template.spec.requirements.find((r: any) => r.key === key)?.values;
        assert.deepEqual(req("kubernetes.io/arch"), ["arm64"]);
        assert.deepEqual(req("karpenter.k8s.aws/instance-family"), ["r8g"]);
        assert.deepEqual(req("karpenter.sh/capacity-type"), ["on-demand", "spot"]);
        assert.deepEqual(s.limits, { cpu: "1000", memory: "8000Gi" });
        assert.equal(s.weight, 40);
        assert.deepEqual(s.template.spec.nodeClassRef, { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: "spark-memory" });
        assert.equal(s.template.spec.taints, undefined);
        assert.equal(s.disruption.consolidationPolicy, "WhenEmpty");
        const dependsOn = np.dependencies;
        assert.ok(dependsOn.includes(one(withMemory, NODE_CLASS, "spark-memory").urn));
    });

    it("the other pools' specs are untouched", () => {
        for (const type of [NODE_POOL, NODE_CLASS]) {
            for (const name of ["spark-graviton", "spark-x86", "spark-driver"]) {
                assert.deepEqual(one(withMemory, type, name).inputs, one(base, type, name).inputs, `${type} ${name}`);
            }
        }
    });

    /** The r8g on-demand $/vCPU-hour, as the price table gives it for prod's Graviton pool (whose priciest family is r8g too). */
    const r8gRate = () => {
        const graviton = base.cost.nodePools.find((p) => p.name === "spark-graviton")!;
        assert.equal(graviton.basis, "r8g on-demand");
        assert.ok(graviton.ratePerVcpuHour > 0);
        return graviton.ratePerVcpuHour;
    };

    it("the offline preview's worst-case ceiling includes spark-memory at the r8g rate", () => {
        const rate = { rate: r8gRate() };
        const memory = withMemory.cost.nodePools.find((p) => p.name === "spark-memory");
        assert.ok(memory, "spark-memory in the cost estimate");
        assert.deepEqual([memory.cpuLimit, memory.ratePerVcpuHour, memory.basis], [1000, rate.rate, "r8g on-demand"]);
        assert.equal(memory.hourly, Math.round(1000 * rate.rate * 100) / 100);
        assert.deepEqual(withMemory.cost.nodePools.map((p) => p.name).sort(), ["spark-driver", "spark-graviton", "spark-memory", "spark-x86"]);
        assert.ok(Math.abs(withMemory.cost.worstCaseHourly - (base.cost.worstCaseHourly + 1000 * rate.rate)) < 0.011,
            `${withMemory.cost.worstCaseHourly} vs ${base.cost.worstCaseHourly} + ${1000 * rate.rate}`);
    });

    it("the cost pack's worst-case figure counts spark-memory (ceiling forced low to make the pack state it)", async () => {
        const cost = loadPacks().filter((p) => p.name === "moka-cost");
        assert.equal(cost.length, 1);
        const diagnostics = await analyzePacks(cost, toAnalyzerResources(withMemory.resources), { config: { "nodepool-worst-case-hourly-cost": { maxHourlyCostUsd: 1 } } });
        const ceiling = diagnostics.filter((d) => d.policy === "nodepool-worst-case-hourly-cost");
        assert.equal(ceiling.length, 1);
        const rate = r8gRate();
        assert.ok(ceiling[0].message.includes(`spark-memory: 1000 vCPU × $${rate.toFixed(4)}/vCPU-h (r8g on-demand) = $${(1000 * rate).toFixed(2)}/h`), ceiling[0].message);
        const total = Number(/can scale to \$([\d,.]+)\/hour/.exec(ceiling[0].message)![1].replace(/,/g, ""));
        const pools = withMemory.cost.nodePools.reduce((s, p) => s + p.cpuLimit! * p.ratePerVcpuHour, 0);
        assert.ok(Math.abs(total - pools) < 0.011, `pack total ${total} vs pools ${pools}`);
    });

    it("the offline preview report lists the pool", () => {
        const text = renderText(withMemory);
        assert.match(text, /\$\d+\.\d{2}\/h {2}NodePool spark-memory: 1000 vCPU × \$[\d.]+\/vCPU-h \(r8g on-demand\)/);
        assert.match(text, /PASS — 0 mandatory violations/);
    });

    it("the stack's nodePools output lists all four pools", async () => {
        const pools = JSON.parse(readStackConfig("prod")["moka:nodePools"]);
        const run = await runStack("prod", { "moka:nodePools": JSON.stringify({ ...pools, memory: MEMORY }) });
        assert.deepEqual((run.outputs.nodePools as { name: string }[]).map((p) => p.name), ["spark-graviton", "spark-x86", "spark-driver", "spark-memory"]);
    });
});
