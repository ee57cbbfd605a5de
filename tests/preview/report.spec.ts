import { strict as assert } from "assert";
import { render, verdict } from "../../preview/report";
import type { PreviewResult } from "../../preview/run";
import type { Diagnostic } from "../../preview/analyze";

function result(findings: Diagnostic[]): PreviewResult {
    return {
        stack: "prod", environment: "prod", resources: [], byType: { "aws:s3/bucket:Bucket": 2 },
        byComponent: [{ component: "storage", type: "moka:storage:SparkStorage", resources: 2 }],
        findings, mandatoryCount: findings.filter((f) => f.enforcementLevel === "mandatory").length,
        cost: { idleFloorHourly: 1.5, floorItems: [{ item: "EKS control plane × 1", hourly: 0.1 }], worstCaseHourly: 101.5, nodePools: [{ name: "spark-x86", cpuLimit: 1000, ratePerVcpuHour: 0.1, hourly: 100, basis: "m7i on-demand" }], unboundedPools: [], source: "Prices: test." },
        deployability: {
            apiPaths: ["moka-prod: private endpoint; 443 from 10.255.0.0/24 (cluster-api-from-ci-runners; tgw-0, from 3 of 3 route tables) → reachable"],
            deployer: "network \"ci-runners\" (10.255.0.0/24 via transitGateway tgw-0) (moka:cluster.deployer), as arn:aws:iam::111111111111:role/deployer",
            images: [
                { image: "1.dkr.ecr.us-west-2.amazonaws.com/moka-prod/spark:4.1.2-r2@sha256:ab", source: "built", detail: "Image \"images-spark-image\"", usedBy: ["Deployment history-a", "Deployment history-b"] },
                { image: "apache/yunikorn:scheduler-1.9.0", source: "external", detail: "docker.io", usedBy: ["Helm release \"yunikorn\""] },
                { image: "1.dkr.ecr.us-west-2.amazonaws.com/moka-prod/app:1", source: "missing", detail: "ECR repository | app", usedBy: ["Deployment app"] },
            ],
            systemNodes: ["cluster-system: 3 × m7g.xlarge: CPU 5.10 of 11.76 vCPU allocatable (43%), memory 11.0 of 41.3 GiB (27%), 19 of 126 pod IPs; headroom 20% → fits"],
        },
        policyConfigFiles: [], packs: [{ name: "moka-security", version: "1.0.0", policies: 25 }], timings: {}, limits: ["limit one", "limit two", "limit three"],
    };
}
const finding = (over: Partial<Diagnostic>): Diagnostic => ({
    pack: "moka-security", packVersion: "1.0.0", policy: "eks-endpoint-private", description: "d", message: "The endpoint | is public", enforcementLevel: "mandatory",
    severity: "critical", urn: "urn:x", resourceType: "eks:index:Cluster", resourceName: "cluster", remediationSteps: "Set endpointPublicAccess: false", unknownValue: false, ...over,
});

describe("preview report", () => {
    it("markdown: findings table with severity icons and words, escaped cells, cost and limits", () => {
        const md = render(result([finding({}), finding({ policy: "ecr-scan-on-push", severity: "medium", enforcementLevel: "advisory", message: "multi\nline" })]), "markdown");
        assert.match(md, /^## ❌ Moka offline preview — `prod`/);
        assert.match(md, /\| 🔴 critical \| \*\*mandatory\*\* \| moka-security \| `eks-endpoint-private` \| eks:index:Cluster "cluster" \| The endpoint \\\| is public \| Set endpointPublicAccess: false \|/);
        assert.match(md, /\| 🟡 medium \| advisory \| moka-security \| `ecr-scan-on-push` \| .* \| multi line \|/);
        assert.ok(md.indexOf("eks-endpoint-private") < md.indexOf("ecr-scan-on-push"), "mandatory first");
        assert.match(md, /\| Worst-case ceiling \(NodePool limits, on-demand\) \| \$101\.50 \|/);
        assert.match(md, /- limit three/);
    });

    it("markdown keeps the table when there are no findings", () => {
        const md = render(result([]), "markdown");
        assert.match(md, /^## ✅/);
        assert.match(md, /\| Severity \| Level \| Pack \| Policy \| Resource \| Message \| Remediation \|\n\|---/);
        assert.match(md, /No findings: every policy passed/);
    });

    it("text groups findings by pack with level, severity, resource, message and fix", () => {
        const text = render(result([finding({})]), "text");
        assert.match(text, /moka-security\n {4}\[MANDATORY\] \[CRITICAL\] eks-endpoint-private — eks:index:Cluster "cluster"\n {8}The endpoint \| is public\n {8}fix: Set endpointPublicAccess: false/);
        assert.match(text, /FAIL — 1 mandatory violation$/);
    });

    it("text and markdown show the API path, where pulumi up runs from, the system-node figure and every image's source", () => {
        const text = render(result([]), "text");
        assert.match(text, /\n {2}API path: {7}moka-prod: private endpoint; 443 from 10\.255\.0\.0\/24 .* → reachable\n/);
        assert.match(text, /\n {2}pulumi up from: network "ci-runners"/);
        assert.match(text, /\n {2}System nodes: {3}cluster-system: 3 × m7g\.xlarge: CPU 5\.10 of 11\.76 vCPU allocatable \(43%\).* → fits\n/);
        assert.match(text, /\n {4}1\.dkr\.ecr\.us-west-2\.amazonaws\.com\/moka-prod\/spark:4\.1\.2-r2@sha256:ab\n {8}built in the stack: Image "images-spark-image"; run by Deployment history-a, Deployment history-b\n/);
        assert.match(text, /external registry: docker\.io; run by Helm release "yunikorn"/);
        const md = render(result([]), "markdown");
        assert.match(md, /### Deployability\n\n- \*\*API path:\*\* moka-prod: private endpoint/);
        assert.match(md, /- \*\*System nodes:\*\* cluster-system: 3 × m7g\.xlarge/);
        assert.match(md, /\| `1\.dkr\.ecr\.us-west-2\.amazonaws\.com\/moka-prod\/app:1` \| ❌ MISSING \(nothing pushes it\) \| ECR repository \\\| app \| Deployment app \|/);
        assert.ok(md.indexOf("### Deployability") < md.indexOf("### Cost estimate"));
        assert.deepEqual(JSON.parse(render(result([]), "json")).deployability.systemNodes, result([]).deployability.systemNodes);
    });

    it("json parses and carries the verdict", () => {
        const json = JSON.parse(render(result([finding({})]), "json"));
        assert.equal(json.verdict, "fail");
        assert.equal(json.findings[0].remediation, "Set endpointPublicAccess: false");
        assert.equal(verdict(result([])), "PASS — 0 mandatory violations (0 advisory findings)");
    });
});
