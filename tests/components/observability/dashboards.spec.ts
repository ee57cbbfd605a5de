/**
 * The generated dashboards: four or more, of four or more panels, covering jobs, queues, capacity/cost and
 * health, with team and pool variables; and every PromQL query checked against the metric catalogue and the
 * collector's relabelling, for the prod and dev stacks' configurations.
 */
import * as assert from "assert";
import { parseConfigMap } from "../../../config";
import { NAMESPACES } from "../../../lib/platform";
import { kubeStateMetricsValues, scrapeJobs, type CollectorConfigInput, type ScrapeJob } from "../../../components/observability/collector";
import {
    catalogueIndex, dashboardContext, dashboardProblems, dashboardQueries, METRIC_CATALOGUE, platformCollectorOutput, platformDashboards, queryProblems,
    type DashboardContext,
} from "../../../components/observability/dashboards";
import { seriesOf } from "../../../components/observability/dashboards/catalogue";
import { constantVector, familyRates, poolRates } from "../../../components/observability/dashboards/context";
import { poolCeilingQuery } from "../../../components/observability/dashboards/capacity-cost";
import { readStackConfig } from "../../../preview/mocks";

const COLLECTOR: CollectorConfigInput = {
    remoteWriteUrl: "https://aps-workspaces.us-west-2.amazonaws.com/workspaces/ws-1/api/v1/remote_write",
    region: "us-west-2",
    clusterName: "moka-prod",
    namespaces: { yunikorn: NAMESPACES.yunikorn, karpenter: NAMESPACES.karpenter, observability: NAMESPACES.observability, sparkOperator: NAMESPACES.sparkOperator },
};
const INDEX = catalogueIndex(platformCollectorOutput(COLLECTOR));

function stackContext(stack: string): DashboardContext {
    const cfg = parseConfigMap(readStackConfig(stack));
    return dashboardContext({ ...cfg, teams: cfg.teams.map((t) => t.name), containerLogPrefix: cfg.storage.containerLogPrefix });
}

describe("dashboards: generated with the Grafana foundation SDK", () => {
    for (const stack of ["prod", "dev"]) {
        describe(`${stack} stack`, () => {
            const ctx = stackContext(stack);
            const all = platformDashboards(ctx);

            it("four dashboards: Spark jobs by team, queues, capacity and cost, platform health (stable uids)", () => {
                assert.deepStrictEqual(all.map((d) => [d.slug, d.dashboard.uid, d.dashboard.title]), [
                    ["spark-jobs", "moka-spark-jobs", "Moka / Spark jobs by team"],
                    ["queues", "moka-queues", "Moka / Queues"],
                    ["capacity-cost", "moka-capacity-cost", "Moka / Capacity and cost"],
                    ["platform-health", "moka-platform-health", "Moka / Platform health"],
                ]);
            });

            it("each has at least four panels, unique sequential ids, all on the provisioned AMP data source", () => {
                for (const { slug, dashboard } of all) {
                    const panels = dashboard.panels ?? [];
                    assert.ok(panels.length >= 4, `${slug}: ${panels.length} panels`);
                    assert.deepStrictEqual(panels.map((p) => p.id), panels.map((_, i) => i + 1), slug);
                    for (const p of panels.filter((x) => x.type !== "text")) {
                        assert.deepStrictEqual(p.datasource, { type: "grafana-amazonprometheus-datasource", uid: "amp" }, `${slug} / ${p.title}`);
                        assert.ok(((p as { targets?: unknown[] }).targets ?? []).length > 0, `${slug} / ${p.title} has no query`);
                    }
                }
            });

            it("team variables list the stack's teams; the cost dashboard's pool variable its NodePools", () => {
                const variable = (slug: string, name: string) => all.find((d) => d.slug === slug)!.dashboard.templating?.list?.find((v) => v.name === name);
                const teams = ctx.teams.join(",");
                assert.strictEqual(variable("spark-jobs", "team")?.query, teams);
                assert.strictEqual(variable("queues", "team")?.query, teams);
                assert.strictEqual(variable("capacity-cost", "pool")?.query, ctx.pools.map((p) => p.name).join(","));
                assert.strictEqual(variable("spark-jobs", "team")?.multi, true);
            });

            it("every query uses only catalogued metrics and labels the collector keeps, and only defined variables", () => {
                const problems = all.flatMap((d) => dashboardProblems(d.dashboard, INDEX));
                assert.deepStrictEqual(problems, []);
                assert.ok(all.flatMap((d) => dashboardQueries(d.dashboard)).length >= 40);
            });

            it("the cost panels price from the one price table: per-family rates and the pools' worst-case rates", () => {
                const cost = all.find((d) => d.slug === "capacity-cost")!.dashboard;
                const exprs = dashboardQueries(cost).map((q) => q.expr).join("\n");
                assert.ok(exprs.includes(constantVector("instance_family", familyRates(ctx.pools))));
                assert.ok(exprs.includes(constantVector("nodepool", poolRates(ctx.pools))));
                assert.deepStrictEqual(familyRates(ctx.pools).map(([f]) => f), [...new Set(ctx.pools.flatMap((p) => p.instanceFamilies))].sort());
            });

            it("links: History Server after port-forward, the team bucket's container-logs prefix, the CloudWatch container log group", () => {
                const jobs = JSON.stringify(all.find((d) => d.slug === "spark-jobs")!.dashboard);
                const cfg = parseConfigMap(readStackConfig(stack));
                for (const t of ctx.teams) {
                    assert.ok(jobs.includes(`kubectl -n spark-history port-forward svc/history-${t} 18080:18080`), t);
                    assert.ok(jobs.includes(`s3/buckets/${cfg.baseName}-team-${t}-${cfg.accountId}?region=${cfg.region}&prefix=container-logs/`), t);
                }
                assert.ok(jobs.includes("http://localhost:18080/history/${__data.fields.spark_app_id}/jobs/"));
                assert.ok(jobs.includes(`log-group/$252Fmoka$252F${cfg.baseName}$252Fcontainers/log-events$3FlogStreamNameFilter$3D\${__data.fields.namespace}.\${__data.fields.pod}`));
            });
        });
    }
});

describe("dashboards: the metric-catalogue check", () => {
    const ok = (q: string) => assert.deepStrictEqual(queryProblems(q, INDEX), [], q);
    const fails = (q: string, re: RegExp) => {
        const p = queryProblems(q, INDEX);
        assert.ok(p.some((x) => re.test(x)), `${q}: ${JSON.stringify(p)}`);
    };

    it("accepts catalogued metrics with exporter labels and scrape labels", () => {
        ok('sum by (namespace, spark_app_name) (metrics_executor_totalCores{namespace="a", executor_id!="driver"})');
        ok('sum by (name) (rate(fluentbit_output_retries_total{node="n", job="fluent-bit"}[5m]))');
        ok('histogram_quantile(0.9, sum by (le) (rate(controller_runtime_reconcile_time_seconds_bucket{job="karpenter"}[5m])))');
        ok('max by (label_karpenter_sh_nodepool) (kube_node_labels{label_kubernetes_io_arch="arm64", cluster="moka-prod"})');
    });

    it("fails a metric no scrape job produces (a typo, or an exporter's name before AMP's `_total`)", () => {
        fails("spark_application_count", /spark_application_count is not produced by any scrape job/);
        fails("otelcol_exporter_sent_metric_points", /not produced/);
        fails("otelcol_processor_refused_metric_points_total", /not produced/);
        fails("karpenter_nodes_allocatable_total", /not produced/);
    });

    it("fails a label the series do not carry after relabelling", () => {
        fails('otelcol_exporter_queue_size{pod="x"}', /label pod is not on otelcol_exporter_queue_size/);
        fails('karpenter_nodeclaims_created_total{capacity_type="spot"}', /label capacity_type is not on karpenter_nodeclaims_created_total/);
        fails('karpenter_interruption_received_messages_total{actionable="true"}', /label actionable/);
        fails("sum by (spark_app_id) (karpenter_nodepools_usage)", /label spark_app_id \(grouping, matching or label_replace source\) is on none/);
        fails("sum by (team) (kube_resourcequota)", /label team \(grouping, matching or label_replace source\) is on none/);
        fails('kube_node_labels{label_node_kubernetes_io_instance_type="m7g.large"}', /label label_node_kubernetes_io_instance_type is not on kube_node_labels/);
    });

    it("fails a job matcher the metric does not come from", () => {
        fails('controller_runtime_webhook_requests_total{job="karpenter"}', /does not come from job "karpenter"/);
    });

    it("fails a selector without a literal metric name", () => {
        fails('{__name__=~"spark_.*"}', /without a literal metric name/);
    });

    it("a dropped scrape job or relabel rule empties what depends on it", () => {
        const out = platformCollectorOutput(COLLECTOR);
        const without = (pred: (j: ScrapeJob) => boolean) => catalogueIndex({ ...out, jobs: out.jobs.filter((j) => !pred(j)) });
        assert.ok(queryProblems("rate(fluentbit_output_retries_total[5m])", without((j) => j.job_name === "fluent-bit")).some((p) => /not produced/.test(p)));
        const noAppLabel = catalogueIndex({
            ...out,
            jobs: out.jobs.map((j) => (j.job_name === "spark-executors" ? { ...j, relabel_configs: j.relabel_configs!.filter((r) => r.target_label !== "spark_app_name") } : j)),
        });
        assert.ok(queryProblems("count by (spark_app_name) (metrics_executor_totalCores)", noAppLabel).length > 0);
        assert.deepStrictEqual(queryProblems("count by (spark_app_name) (metrics_executor_totalCores)", INDEX), []);
    });

    it("kube-state-metrics labels follow the allowlist the collector installs", () => {
        const out = platformCollectorOutput(COLLECTOR);
        assert.deepStrictEqual(out.ksmAllowlist, (kubeStateMetricsValues({ imageTag: "x", fullname: "x", nodeSelector: {}, tolerations: [] }) as { metricLabelsAllowlist: string[] }).metricLabelsAllowlist);
        const noArch = catalogueIndex({ ...out, ksmAllowlist: out.ksmAllowlist.map((e) => e.replace(",kubernetes.io/arch", "")) });
        const pie = "sum by (label_kubernetes_io_arch) (kube_pod_container_resource_requests * on(node) group_left(label_kubernetes_io_arch) kube_node_labels)";
        assert.deepStrictEqual(queryProblems(pie, INDEX), []);
        assert.ok(queryProblems(pie, noArch).length > 0);
    });

    it("every catalogue job is a scrape job of the collector, and names are unique within a job", () => {
        const jobs = new Set(scrapeJobs(COLLECTOR).map((j) => j.job_name));
        for (const c of METRIC_CATALOGUE) {
            assert.ok(jobs.has(c.job), c.job);
            const names = c.metrics.flatMap((m) => seriesOf(m).map((s) => s.name));
            assert.strictEqual(new Set(names).size, names.length, c.job);
        }
    });

    it("counters reach AMP with _total (the exporter's default translation); histograms as _bucket/_sum/_count", () => {
        const operator = METRIC_CATALOGUE.find((c) => c.job === "spark-operator")!;
        assert.deepStrictEqual(operator.metrics.find((m) => m.exposed === "spark_application_success_count")?.name, "spark_application_success_count_total");
        assert.ok(INDEX.get("yunikorn_scheduler_scheduling_latency_milliseconds_bucket")?.get("yunikorn")?.has("le"));
        assert.ok(INDEX.has("controller_runtime_webhook_latency_seconds_count"));
    });

    it("the ceiling query multiplies each pool's limit by the pool's rate", () => {
        const ctx = stackContext("prod");
        assert.match(poolCeilingQuery(ctx), /^sum by \(nodepool\) \(karpenter_nodepools_limit\{resource_type="cpu", nodepool=~"\$pool"\} \* on\(nodepool\) group_left\(\) \(label_replace\(vector\(/);
    });
});
