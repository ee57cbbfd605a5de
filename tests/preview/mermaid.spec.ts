import { strict as assert } from "assert";
import { componentGraph, mermaidCostPie, mermaidFlowchart, transitiveReduction } from "../../preview/mermaid";
import { render } from "../../preview/report";
import { parseOverride } from "../../preview/overrides";
import { runPreview, type PreviewResult } from "../../preview/run";
import type { Diagnostic } from "../../preview/analyze";
import type { CostEstimate } from "../../preview/cost";
import type { RecordedResource } from "../../preview/mocks";

const STACK = "urn:pulumi:s::p::pulumi:pulumi:Stack::p-s";
function res(name: string, type: string, over: Partial<RecordedResource> = {}): RecordedResource {
    return {
        urn: `urn:pulumi:s::p::${type}::${name}`, type, name, custom: !type.startsWith("moka:"), remote: false, inputs: {}, wire: {}, state: {},
        parent: STACK, protect: false, retainOnDelete: false, dependencies: [], propertyDependencies: {}, ...over,
    };
}
const finding = (urn: string, level: "mandatory" | "advisory"): Diagnostic => ({
    pack: "p", packVersion: "1", policy: "x", description: "d", message: "m", enforcementLevel: level, urn, unknownValue: false,
});

// network ← cluster ← (karpenter, team "a\"b"); team also reads the network directly (reduced away).
const network = res("network", "moka:network:Network");
const vpc = res("network-vpc", "aws:ec2/vpc:Vpc", { parent: network.urn });
const cluster = res("cluster", "moka:eks:Cluster", { dependencies: [network.urn] });
const eks = res("cluster-eks", "eks:index:Cluster", { parent: cluster.urn, propertyDependencies: { vpcId: [vpc.urn] } });
const karpenter = res("karpenter", "moka:karpenter:Karpenter", { dependencies: [eks.urn] });
const pool = res("karpenter-nodepool-x86", "kubernetes:karpenter.sh/v1:NodePool", { parent: karpenter.urn, dependencies: [karpenter.urn] });
const team = res("team-a\"b", "moka:tenancy:Team", { dependencies: [cluster.urn] });
const ns = res("team-ns", "kubernetes:core/v1:Namespace", { parent: team.urn, propertyDependencies: { x: [vpc.urn, eks.urn] } });
const provider = res("aws", "pulumi:providers:aws");
const RESOURCES = [network, vpc, cluster, eks, karpenter, pool, team, ns, provider];

describe("preview pictures (Mermaid)", () => {
    it("transitive reduction keeps only the edges no longer path implies; a cycle is left alone", () => {
        assert.deepEqual(transitiveReduction(["a", "b", "c"], [["a", "b"], ["b", "c"], ["a", "c"]]), [["a", "b"], ["b", "c"]]);
        assert.deepEqual(transitiveReduction(["a", "b", "c", "d"], [["a", "b"], ["a", "c"], ["b", "d"], ["c", "d"], ["a", "d"]]), [["a", "b"], ["a", "c"], ["b", "d"], ["c", "d"]]);
        assert.deepEqual(transitiveReduction(["a", "b"], [["a", "b"], ["b", "a"]]), [["a", "b"], ["b", "a"]]);
    });

    it("components are the top-level moka:* resources; an edge wherever a resource of one depends on another's", () => {
        const g = componentGraph(RESOURCES, []);
        assert.deepEqual(g.nodes.map((n) => [n.id, n.name, n.type]), [
            ["c_network", "network", "moka:network:Network"],
            ["c_cluster", "cluster", "moka:eks:Cluster"],
            ["c_karpenter", "karpenter", "moka:karpenter:Karpenter"],
            ["c_team_a_b", "team-a\"b", "moka:tenancy:Team"],
        ]);
        assert.deepEqual(g.edges, [["c_cluster", "c_karpenter"], ["c_cluster", "c_team_a_b"], ["c_network", "c_cluster"]]);
    });

    it("findings land on their component (mandatory wins the class); findings outside every component are counted apart", () => {
        const g = componentGraph(RESOURCES, [finding(pool.urn, "mandatory"), finding(pool.urn, "advisory"), finding(vpc.urn, "advisory"), finding(provider.urn, "mandatory"), { ...finding("", "advisory"), urn: undefined }]);
        assert.deepEqual(g.nodes.map((n) => [n.id, n.mandatory, n.advisory]), [["c_network", 0, 1], ["c_cluster", 0, 0], ["c_karpenter", 1, 1], ["c_team_a_b", 0, 0]]);
        assert.equal(g.unplaced, 2);
        const md = mermaidFlowchart(g);
        assert.match(md, /^```mermaid\nflowchart LR\n/);
        assert.match(md, /\n {4}c_karpenter\["karpenter<br\/>karpenter:Karpenter<br\/>❌ 1 mandatory<br\/>⚠️ 1 advisory"\]\n/);
        assert.match(md, /\n {4}c_team_a_b\["team-a#quot;b<br\/>tenancy:Team"\]\n/);
        assert.match(md, /\n {4}c_network --> c_cluster\n/);
        assert.match(md, /\n {4}class c_karpenter mandatory;\n {4}class c_network advisory;\n```$/);
        assert.doesNotMatch(mermaidFlowchart(componentGraph(RESOURCES, [])), /\n {4}class /);
    });

    const COST: CostEstimate = {
        idleFloorHourly: 0.91, floorItems: [], worstCaseHourly: 257.04, unboundedPools: ["spark-x86"], source: "Prices: test.",
        nodePools: [
            { name: "spark-graviton", cpuLimit: 4000, ratePerVcpuHour: 0.0589, hourly: 235.62, basis: "r8g on-demand" },
            { name: "spark-x86", cpuLimit: undefined, ratePerVcpuHour: 0.076, hourly: 0, basis: "r7a on-demand" },
            { name: "spark-driver", cpuLimit: 400, ratePerVcpuHour: 0.0535, hourly: 21.42, basis: "r7g on-demand" },
        ],
    };

    it("the cost pie: one slice per bounded pool and the floor, unbounded pools named below it", () => {
        assert.equal(mermaidCostPie(COST), [
            "```mermaid",
            "pie showData",
            "    title Worst-case ceiling by NodePool, USD/hour (total $257.04)",
            "    \"spark-graviton (4000 vCPU)\" : 235.62",
            "    \"spark-driver (400 vCPU)\" : 21.42",
            "    \"always-on floor\" : 0.91",
            "```",
            "",
            "Not drawn (no CPU limit, unbounded): spark-x86.",
        ].join("\n"));
    });
});

describe("preview pictures in the reports (prod, and prod with a pool limit dropped)", function () {
    this.timeout(120_000);
    let base: PreviewResult;
    let broken: PreviewResult;
    before(async () => {
        base = await runPreview({ stack: "prod" });
        broken = await runPreview({ stack: "prod", overrides: [parseOverride("moka:nodePools.x86.cpuLimit=null")] });
    });

    it("markdown carries the component flowchart (Grafana after the metrics pipeline) and the cost pie", () => {
        const md = render(base, "markdown");
        assert.equal(md.match(/```mermaid\n/g)?.length, 2);
        assert.match(md, /### Platform\n\n.*\n\n```mermaid\nflowchart LR\n/);
        assert.match(md, /\n {4}c_grafana\["grafana<br\/>observability:Grafana"\]\n/);
        assert.match(md, /\n {4}c_metrics --> c_grafana\n/);
        assert.match(md, /\n {4}c_network --> c_cluster\n/);
        for (const p of base.cost.nodePools) {
            assert.ok(md.includes(`"${p.name} (${p.cpuLimit} vCPU)" : ${p.hourly.toFixed(2)}`), p.name);
        }
        assert.doesNotMatch(md, /class c_karpenter mandatory/);
    });

    it("a mandatory finding turns its component red, and the unbounded pool leaves the pie", () => {
        const md = render(broken, "markdown");
        assert.ok(broken.mandatoryCount > 0);
        assert.match(md, /\n {4}class [a-z_,]*c_karpenter[a-z_,]* mandatory;\n/);
        assert.match(md, /c_karpenter\["karpenter<br\/>karpenter:Karpenter<br\/>❌ \d+ mandatory/);
        assert.doesNotMatch(md, /\n {4}"spark-x86 \(/);
        assert.match(md, /Not drawn \(no CPU limit, unbounded\): spark-x86\./);
    });

    it("the terminal text stays free of Mermaid; JSON is unchanged", () => {
        const text = render(broken, "text");
        assert.doesNotMatch(text, /mermaid|flowchart|classDef|pie showData/);
        assert.equal(JSON.parse(render(base, "json")).mermaid, undefined);
    });
});
