/**
 * Issue 14, "done when", on the whole prod stack under mocks: Grafana with the AMP SigV4 data source and a
 * query-only role; four generated dashboards of four or more panels whose every query passes the
 * metric-catalogue check against the collector configuration the stack really installs; no literal
 * password and no internet-facing Service anywhere; the cost dashboard prices like the report.
 */
import { strict as assert } from "assert";
import { catalogueIndex, dashboardProblems } from "../../components/observability/dashboards";
import type { ScrapeJob } from "../../components/observability/collector";
import { estimateCost } from "../../preview/cost";
import type { MockRunResult, RecordedResource } from "../../preview/mocks";
import { runStack } from "../helpers/stack";
import { runPreview } from "../../preview/run";
import { policyDoc } from "../helpers/resources";

const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/** Every plain (non-secret) string under a key that names a password or secret key, anywhere in `v`. */
function literalPasswords(v: unknown, path = ""): string[] {
    if (v === null || typeof v !== "object") {
        return [];
    }
    if (SECRET_SIG in (v as object)) {
        return [];
    }
    return Object.entries(v as Record<string, unknown>).flatMap(([k, x]) => {
        const here = `${path}.${k}`;
        const own = /passw(or)?d|secret_?key|secretAccessKey/i.test(k) && typeof x === "string" && x !== "" && !/^(admin-password|password)$/.test(x) ? [here] : [];
        return [...own, ...literalPasswords(x, here)];
    });
}

describe("Grafana on the prod stack (issue 14: done when)", function () {
    this.timeout(120_000);
    let run: MockRunResult;
    const one = (pred: (r: RecordedResource) => boolean, what: string) => {
        const found = run.resources.filter(pred);
        assert.equal(found.length, 1, what);
        return found[0];
    };
    const release = (chart: string) => one((r) => r.type === "kubernetes:helm.sh/v3:Release" && r.inputs.chart === chart, `release ${chart}`);

    before(async () => {
        run = await runStack("prod");
    });

    it("Grafana queries the stack's AMP workspace through the AMP plugin with SigV4 (default chain = Pod Identity)", () => {
        const workspace = one((r) => r.type === "aws:amp/workspace:Workspace", "workspace");
        const ds = release("grafana").inputs.values.datasources["datasources.yaml"].datasources;
        assert.equal(ds.length, 1);
        assert.equal(ds[0].type, "grafana-amazonprometheus-datasource");
        assert.equal(ds[0].url, workspace.state.prometheusEndpoint.replace(/\/$/, ""));
        assert.deepEqual([ds[0].jsonData.sigV4Auth, ds[0].jsonData.sigV4AuthType, ds[0].jsonData.sigV4Region], [true, "default", "us-west-2"]);
        assert.deepEqual(release("grafana").inputs.values.plugins, ["grafana-amazonprometheus-datasource@3.2.0"]);
    });

    it("its Pod Identity role may only query that workspace", () => {
        const workspace = one((r) => r.type === "aws:amp/workspace:Workspace", "workspace");
        const policy = one((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.name === "grafana-policy", "grafana policy");
        assert.deepEqual(policyDoc(policy.inputs.policy).Statement, [{
            Sid: "QueryWorkspace", Effect: "Allow", Action: ["aps:QueryMetrics", "aps:GetSeries", "aps:GetLabels", "aps:GetMetricMetadata"], Resource: workspace.state.arn,
        }]);
        const pia = one((r) => r.type === "aws:eks/podIdentityAssociation:PodIdentityAssociation" && r.name === "grafana-pod-identity", "association");
        assert.deepEqual([pia.inputs.namespace, pia.inputs.serviceAccount], ["observability", "grafana"]);
        const roles = run.resources.filter((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && JSON.stringify(policyDoc(r.inputs.policy)).includes("aps:"));
        assert.deepEqual(roles.map((r) => r.name).sort(), ["grafana-policy", "metrics-collector-policy"]);
    });

    it("four generated dashboards of four or more panels; every query passes the catalogue check against the collector the stack installs", () => {
        const collector = release("opentelemetry-collector").inputs.values;
        const jobs: ScrapeJob[] = collector.alternateConfig.receivers.prometheus.config.scrape_configs;
        const index = catalogueIndex({ jobs, ksmAllowlist: release("kube-state-metrics").inputs.values.metricLabelsAllowlist });
        const maps = run.resources.filter((r) => r.type === "kubernetes:core/v1:ConfigMap" && r.inputs.metadata?.labels?.grafana_dashboard === "1");
        assert.deepEqual(maps.map((m) => m.inputs.metadata.name).sort(), ["grafana-dashboard-capacity-cost", "grafana-dashboard-platform-health", "grafana-dashboard-queues", "grafana-dashboard-spark-jobs"]);
        for (const m of maps) {
            const [json] = Object.values(m.inputs.data) as string[];
            const d = JSON.parse(json);
            assert.ok(d.panels.length >= 4, m.inputs.metadata.name);
            assert.deepEqual(dashboardProblems(d, index), []);
        }
    });

    it("no literal password in any resource's inputs, and the admin Secret's data is a Pulumi secret", () => {
        assert.deepEqual(run.resources.flatMap((r) => literalPasswords(r.inputs, `${r.type}::${r.name}`)), []);
        const secret = one((r) => r.type === "kubernetes:core/v1:Secret" && r.name === "grafana-admin", "admin secret");
        assert.ok(SECRET_SIG in secret.inputs.stringData);
        assert.deepEqual(literalPasswords({ admin: { password: "hunter2" } }), [".admin.password"], "the scan has teeth");
    });

    it("no internet-facing Service: no LoadBalancer or NodePort in any Service or chart values, Grafana is ClusterIP", () => {
        const services = run.resources.filter((r) => r.type === "kubernetes:core/v1:Service");
        for (const s of services) {
            assert.ok(!["LoadBalancer", "NodePort"].includes(s.inputs.spec?.type), s.name);
        }
        for (const r of run.resources.filter((x) => x.type === "kubernetes:helm.sh/v3:Release")) {
            assert.doesNotMatch(JSON.stringify(r.inputs.values), /"type":"(LoadBalancer|NodePort)"/, String(r.inputs.chart));
        }
        assert.equal(release("grafana").inputs.values.service.type, "ClusterIP");
    });

    it("the cost dashboard's worst-case rates are the report's (one price table)", () => {
        const cost = estimateCost(run.resources);
        const map = one((r) => r.type === "kubernetes:core/v1:ConfigMap" && r.inputs.metadata?.name === "grafana-dashboard-capacity-cost", "cost dashboard");
        const json = map.inputs.data["capacity-cost.json"] as string;
        assert.equal(cost.nodePools.length, 3);
        for (const p of cost.nodePools) {
            const rate = Number(p.ratePerVcpuHour.toPrecision(6));
            assert.ok(json.includes(`label_replace(vector(${rate}), \\"nodepool\\", \\"${p.name}\\"`), `${p.name} at ${rate}`);
        }
    });

    for (const stack of ["prod", "dev"]) {
        it(`${stack}: the deployability pack still passes with Grafana's pod on the system nodes`, async () => {
            const r = await runPreview({ stack });
            assert.ok(r.packs.some((p) => p.name === "moka-deployability"));
            assert.deepEqual(r.findings.filter((f) => f.pack === "moka-deployability").map((f) => `${f.policy}: ${f.message}`), []);
            assert.equal(r.mandatoryCount, 0);
            assert.match(r.deployability.systemNodes[0], /→ fits$/);
            assert.ok(r.deployability.images.some((i) => i.image === "docker.io/grafana/grafana:13.2.0" && i.usedBy.includes("Helm release \"grafana\"")));
        });
    }
});
