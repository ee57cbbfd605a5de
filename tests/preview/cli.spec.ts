/**
 * End-to-end through the command (`npm start` = ts-node scripts/offline-preview.ts), as a user or
 * the PR workflow runs it: exit codes, formats and the findings it lists.
 */
import { strict as assert } from "assert";
import { spawnSync, SpawnSyncReturns } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "../..");

function preview(...args: string[]): SpawnSyncReturns<string> {
    return spawnSync(process.execPath, [require.resolve("ts-node/dist/bin.js"), "--transpile-only", "scripts/offline-preview.ts", ...args], {
        cwd: ROOT,
        encoding: "utf8",
        env: { ...process.env, FORCE_COLOR: "0" },
        timeout: 240_000,
    });
}

describe("offline preview command (npm start)", function () {
    this.timeout(300_000);

    it("prod: prints the report and exits 0", () => {
        const r = preview();
        assert.equal(r.status, 0, `exit ${r.status}\n${r.stderr}\n${r.stdout.slice(-3000)}`);
        assert.match(r.stdout, /Moka offline preview — stack prod \(prod\)/);
        assert.match(r.stdout, /By component:/);
        assert.match(r.stdout, /By type:/);
        assert.match(r.stdout, /Policy findings/);
        assert.match(r.stdout, /idle floor: +\$[\d,.]+\/h/);
        assert.match(r.stdout, /worst-case ceiling: +\$[\d,.]+\/h/);
        assert.match(r.stdout, /What an offline preview cannot see/);
        assert.match(r.stdout, /remote components/);
        assert.match(r.stdout, /PASS — 0 mandatory violations/);
        assert.match(r.stderr, /▸ loading modules/, "progress on stderr");
        assert.match(r.stderr, /▸ running the prod program under mocks/);
    });

    it("dev: exits 0", () => {
        const r = preview("--stack", "dev");
        assert.equal(r.status, 0, `exit ${r.status}\n${r.stderr}\n${r.stdout.slice(-3000)}`);
        assert.match(r.stdout, /stack dev \(dev\)/);
    });

    it("a bad config exits 2 and names the key", () => {
        const r = preview("--config", "moka:network.azCount=9", "--config", "moka:teams[0].name=Bad_Name");
        assert.equal(r.status, 2, r.stderr);
        assert.match(r.stderr, /moka:network\.azCount: must be between 2 and 6/);
        assert.match(r.stderr, /moka:teams\[0\]\.name: must be a DNS-1123 label/);
        assert.equal(r.stdout, "", "no report for an invalid stack");
    });

    it("an unknown stack exits 2", () => {
        const r = preview("--stack", "qa");
        assert.equal(r.status, 2);
        assert.match(r.stderr, /unknown stack "qa"/);
    });

    it("bad usage exits 2 with the usage text", () => {
        const r = preview("--format", "yaml");
        assert.equal(r.status, 2);
        assert.match(r.stderr, /--format must be text, json or markdown/);
        assert.match(r.stderr, /usage: npm start/);
    });

    it("0.0.0.0/0 as a public-endpoint CIDR is a config error (exit 2) naming the key", () => {
        const r = preview("--config", "moka:cluster.publicAccessCidrs[0]=0.0.0.0/0");
        assert.equal(r.status, 2, r.stderr);
        assert.match(r.stderr, /moka:cluster\.publicAccessCidrs\[0\]: .*expose the Kubernetes API/);
    });

    it("opening the prod EKS endpoint to the internet exits 1 and lists eks-endpoint-private", () => {
        // Config accepts specific CIDRs (dev uses one) with a deployer that comes in through them; prod's
        // policy config allows no public endpoint at all.
        const r = preview("--config", "moka:cluster.publicAccessCidrs[0]=198.51.100.0/24", "--config", 'moka:cluster.deployer={"network":"public","egressCidrs":["198.51.100.0/24"]}', "--format", "json");
        assert.equal(r.status, 1, r.stderr);
        const report = JSON.parse(r.stdout);
        const hit = report.findings.filter((f: any) => f.policy === "eks-endpoint-private" && f.enforcementLevel === "mandatory");
        assert.ok(hit.length >= 1, JSON.stringify(report.findings.map((f: any) => f.policy)));
        assert.equal(report.verdict, "fail");
    });

    it("markdown lists a mandatory violation as a table row", () => {
        const r = preview("--config", "moka:nodePools.x86.cpuLimit=null", "--format", "markdown");
        assert.equal(r.status, 1, r.stderr);
        assert.match(r.stdout, /^## ❌ Moka offline preview — `prod`/);
        assert.match(r.stdout, /\| \S+ (critical|high|medium|low) \| \*\*mandatory\*\* \| moka-cost \| `nodepool-limits-required` \| kubernetes:karpenter\.sh\/v1:NodePool/);
    });

    it("dropping a NodePool limit exits 1 and lists nodepool-limits-required", () => {
        const r = preview("--config", "moka:nodePools.x86.cpuLimit=null");
        assert.equal(r.status, 1, r.stderr);
        assert.match(r.stdout, /\[MANDATORY\] \[[A-Z]+\] nodepool-limits-required — kubernetes:karpenter\.sh\/v1:NodePool/);
        assert.match(r.stdout, /FAIL — \d+ mandatory violation/);
    });

    it("--format json parses and carries findings, cost and limits", () => {
        const r = preview("--format", "json");
        assert.equal(r.status, 0, r.stderr);
        const report = JSON.parse(r.stdout);
        assert.equal(report.stack, "prod");
        assert.equal(report.verdict, "pass");
        assert.equal(report.mandatoryViolations, 0);
        assert.ok(report.resources.total > 100);
        assert.ok(Array.isArray(report.findings));
        assert.ok(report.cost.worstCaseHourly > report.cost.idleFloorHourly);
        assert.equal(report.limits.length, 4);
        assert.deepEqual(report.packs.map((p: any) => p.name), ["moka-security", "moka-cost", "moka-isolation", "moka-deployability"]);
        assert.match(report.deployability.systemNodes[0], /^cluster-system: 3 × m7g\.xlarge: CPU 5\.25 of 11\.76 vCPU allocatable \(45%\)/);
    });

    describe("day one: the report proves a first pulumi up can finish, and broken variants are refused", () => {
        it("prod: the API path through the declared deployer network, the built Spark image, the system-node figure", () => {
            const r = preview();
            assert.equal(r.status, 0, r.stderr);
            assert.match(r.stdout, /moka-deployability@1\.0\.0: 4 rules/);
            assert.match(r.stdout, /\n {2}API path: {7}moka-prod: private endpoint; 443 from 10\.255\.0\.0\/24 \(cluster-api-from-ci-runners; tgw-00000000000000000, from 3 of 3 route tables\) → reachable\n/);
            assert.match(r.stdout, /\n {2}pulumi up from: network "ci-runners" \(10\.255\.0\.0\/24 via transitGateway tgw-00000000000000000\) \(moka:cluster\.deployer\), as arn:aws:iam::111111111111:role\/moka-prod-deployer\n/);
            assert.match(r.stdout, /\n {2}System nodes: {3}cluster-system: 3 × m7g\.xlarge: CPU 5\.25 of 11\.76 vCPU allocatable \(45%\), memory 11\.3 of 41\.3 GiB \(27%\), 20 of 126 pod IPs; headroom 20% → fits\n/);
            assert.match(r.stdout, /moka-prod\/spark:4\.1\.2-r2@sha256:[0-9a-f]{64}\n {8}built in the stack: Image "images-spark-image" @ sha256:[0-9a-f]{12}…; run by Deployment history-ads-ranking, Deployment history-growth, Deployment history-trust-safety\n/);
            assert.match(r.stdout, /public\.ecr\.aws\/karpenter\/controller:1\.14\.1@sha256:7231[0-9a-f]+\n {8}external registry: public\.ecr\.aws/);
            assert.doesNotMatch(r.stdout, /MISSING/);
        });

        it("dev: a public endpoint limited to the placeholder CIDR, the system-node figure in the markdown report", () => {
            const r = preview("--stack", "dev", "--format", "markdown");
            assert.equal(r.status, 0, r.stderr);
            assert.match(r.stdout, /- \*\*API path:\*\* moka-dev: public endpoint, limited to 203\.0\.113\.0\/24/);
            assert.match(r.stdout, /- \*\*System nodes:\*\* cluster-system: 2 × m7g\.xlarge: CPU 4\.85 of 7\.84 vCPU allocatable \(62%\)/);
            assert.match(r.stdout, /\| `222222222222\.dkr\.ecr\.us-west-2\.amazonaws\.com\/moka-dev\/spark:4\.1\.2-r2@sha256:[0-9a-f]{64}` \| built in the stack \|/);
        });

        it("a private endpoint with no declared deployer network: exit 2 naming the keys and the fix", () => {
            const r = preview("--config", "moka:cluster.privateAccess=[]");
            assert.equal(r.status, 2, r.stderr);
            assert.match(r.stderr, /moka:cluster\.deployer\.network: names "ci-runners", but the endpoint is private \(moka:cluster\.publicAccessCidrs is empty\) and moka:cluster\.privateAccess declares no network: .*Declare the network pulumi up runs from in moka:cluster\.privateAccess/);
            assert.equal(r.stdout, "");
        });

        it("an image in the stack's own repository that nothing builds: exit 2 naming the key", () => {
            const image = `111111111111.dkr.ecr.us-west-2.amazonaws.com/moka-prod/spark:4.1.2-r2@sha256:${"0".repeat(64)}`;
            const r = preview("--config", `moka:images.sparkImage={"source":"external","image":"${image}"}`);
            assert.equal(r.status, 2, r.stderr);
            assert.match(r.stderr, /moka:images\.sparkImage\.image: points into this stack's own repository moka-prod\/spark, which only source build fills; use source build/);
        });

        it("one small system node: exit 2 with the capacity figure and the keys to change", () => {
            const r = preview("--config", 'moka:cluster.systemNodes={"instanceTypes":["m7g.large"],"minSize":1,"desiredSize":1,"maxSize":2}');
            assert.equal(r.status, 2, r.stderr);
            assert.match(r.stderr, /moka:cluster\.systemNodes: what the platform pins to the system nodes does not fit 1 × m7g\.large \(minSize\) with 20% headroom: CPU requests 4\.75 vCPU exceed 80% of the 1\.93 vCPU/);
            assert.match(r.stderr, /the 2 karpenter controller pods must run on 2 different nodes/);
            assert.match(r.stderr, /Raise moka:cluster\.systemNodes\.minSize or use larger moka:cluster\.systemNodes\.instanceTypes/);
        });

        it("the deployability pack's own verdict: a stricter minimum headroom in its policy config makes prod's system nodes a mandatory violation (exit 1)", () => {
            const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "moka-")), "deployability.json");
            fs.writeFileSync(file, JSON.stringify({ "system-nodes-capacity-fits": { minimumHeadroomPercent: 60 } }));
            const r = preview("--policy-pack-config", file);
            assert.equal(r.status, 1, r.stderr);
            assert.match(r.stdout, /\[MANDATORY\] \[HIGH\] system-nodes-capacity-fits — aws:eks\/nodeGroup:NodeGroup "cluster-system"\n {8}.*\n {8}Node group "cluster-system" cannot hold what is pinned to it: CPU requests 5\.25 vCPU exceed 40% of the 11\.76 vCPU that 3 × m7g\.xlarge can allocate \(45%; 60% is kept for a rolling update\)/);
        });

        it("the deploy role among the admins: exit 2 naming both keys", () => {
            const r = preview("--config", "moka:cluster.adminRoleArns[1]=arn:aws:iam::111111111111:role/moka-prod-deployer");
            assert.equal(r.status, 2, r.stderr);
            assert.match(r.stderr, /moka:cluster\.adminRoleArns\[1\]: is moka:cluster\.deployerRoleArn .*ResourceInUseException/);
        });
    });

    it("--format markdown --out writes a PR comment with the findings table", () => {
        const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "moka-")), "preview.md");
        const r = preview("--stack", "dev", "--format", "markdown", "--out", out);
        assert.equal(r.status, 0, r.stderr);
        assert.equal(r.stdout, "");
        const md = fs.readFileSync(out, "utf8");
        assert.match(md, /^## ✅ Moka offline preview — `dev`/);
        assert.match(md, /### Findings/);
        assert.match(md, /\| Severity \| Level \| Pack \| Policy \| Resource \| Message \| Remediation \|/);
        assert.match(md, /### Cost estimate/);
    });
});
