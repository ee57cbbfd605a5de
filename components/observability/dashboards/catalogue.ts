/**
 * The metric catalogue: the metric names (as Amazon Managed Prometheus stores them) and the exporter
 * labels the dashboards may rely on, per scrape job of the collector (components/observability/collector.ts),
 * each read at the exporter's pinned version. A dashboard query may use only these names, and only the
 * labels the exporter sets plus the labels the scrape job's relabelling adds (`catalogueIndex`), so a panel
 * cannot be silently empty because of a renamed metric or a dropped label. Not exhaustive: a metric is
 * listed when a dashboard needs it, with the labels read at the source.
 *
 * Names in AMP: the collector's prometheusremotewrite exporter keeps its default translation
 * (UnderscoreEscapingWithSuffixes): a counter whose exposed name lacks `_total` gets `_total` appended
 * (spark_application_count → spark_application_count_total; the collector's own :8888 counters, exposed
 * without type suffix); gauges, untyped series (Spark's servlet) and names already ending in `_total` are
 * unchanged. `exposed` records the exporter's own name where it differs. Checked by reading the exporter
 * config at contrib config.schema.yaml (translation_strategy; add_metric_suffixes deprecated) and the
 * factory; confirm once on a live workspace: `count by (__name__) ({__name__=~"spark_application_.*"})`.
 *
 * Sources (repository @ tag or commit, path):
 *  - spark-driver / spark-executors: apache/spark 4.x core/.../metrics/sink/PrometheusServlet.scala
 *    (`metrics_<registry name with [^a-zA-Z0-9] → _>_<Suffix>{type=…}`), MetricsSystem.buildRegistryName
 *    (`<spark.metrics.namespace>.driver.<source>`; the platform sets the namespace to "spark",
 *    components/tenancy/spark-defaults.ts), status/AppStatusSource.scala (appStatus counters),
 *    status/api/v1/PrometheusResource.scala (`metrics_executor_*{application_id, application_name, executor_id}`).
 *  - yunikorn: apache/yunikorn-core v1.9.0-0 pkg/metrics/queue.go, scheduler.go (the `*_milliseconds`
 *    histograms observe seconds). Queue resources are `vcore` (millicores) and `memory` (bytes).
 *  - karpenter: kubernetes-sigs/karpenter 6e7eab7 (core of aws/karpenter-provider-aws v1.14.1)
 *    pkg/metrics/metrics.go, pkg/controllers/metrics/{node,nodepool}/controller.go, disruption/metrics.go;
 *    node labels are the well-known labels snake_cased, the AWS provider's included (initialised at run time);
 *    aws/karpenter-provider-aws v1.14.1 pkg/controllers/interruption/metrics.go (`message_type` only);
 *    controller-runtime v0.23.1 pkg/internal/controller/metrics/metrics.go.
 *  - kube-state-metrics: kubernetes/kube-state-metrics v2.20.0 docs/metrics (chart 8.4.0); `label_*` from
 *    the chart's `metricLabelsAllowlist` the collector installs (KSM_LABEL_ALLOWLIST).
 *  - fluent-bit: fluent/fluent-bit v5.1.1 src/flb_output.c (`{name}` = alias or `<plugin>.<n>`).
 *  - spark-operator: kubeflow/spark-operator v2.5.2 pkg/common/metrics.go, internal/metrics (labels from
 *    `--metrics-labels`, SPARK_OPERATOR_METRIC_LABELS); controller-runtime v0.20.4 webhook and controller metrics.
 *  - otel-collector: open-telemetry/opentelemetry-collector v0.158.0 exporterhelper, receiverhelper and
 *    memorylimiterprocessor documentation.md (attributes `exporter`, `receiver`, `transport`).
 */
import { SPARK_OPERATOR_METRIC_LABELS } from "../../spark/operator";
import { SPARK_METRICS_NAMESPACE } from "../../tenancy/spark-defaults";
import { ksmLabelName, kubeStateMetricsValues, scrapeJobs, type CollectorConfigInput, type ScrapeJob } from "../collector";

export type MetricType = "counter" | "gauge" | "histogram" | "summary";

export interface CatalogueMetric {
    /** The name in AMP (the base name for histograms and summaries). */
    readonly name: string;
    readonly type: MetricType;
    /** Labels the exporter sets (not `le` / `quantile`, added per series kind). */
    readonly labels: readonly string[];
    /** The exporter's own name when AMP's differs. */
    readonly exposed?: string;
    /** kube_*_labels: plus one `label_<key>` per key kube-state-metrics is allowed for this resource kind. */
    readonly allowlisted?: "nodes" | "pods";
}

export interface ExporterCatalogue {
    /** The collector scrape job (job_name) that produces these series. */
    readonly job: string;
    readonly exporter: string;
    readonly source: string;
    readonly metrics: readonly CatalogueMetric[];
}

const gauge = (name: string, labels: readonly string[] = []): CatalogueMetric => ({ name, type: "gauge", labels });
const histogram = (name: string, labels: readonly string[] = []): CatalogueMetric => ({ name, type: "histogram", labels });
/** A counter: AMP appends `_total` when the exposed name lacks it. */
const counter = (exposed: string, labels: readonly string[] = []): CatalogueMetric =>
    exposed.endsWith("_total") ? { name: exposed, type: "counter", labels } : { name: `${exposed}_total`, type: "counter", labels, exposed };

/** The Spark driver's registry prefix with the platform's `spark.metrics.namespace`. */
export const SPARK_DRIVER_PREFIX = `metrics_${SPARK_METRICS_NAMESPACE}_driver_`;
const SPARK_EXECUTOR_LABELS = ["application_id", "application_name", "executor_id"];
const KARPENTER_NODE_LABELS = [
    "nodepool", "capacity_type", "arch", "os", "zone", "region", "instance_type", "instance_family", "instance_category", "instance_size",
    "node_name", "phase", "managed", "resource_type",
];
const OPERATOR = [...SPARK_OPERATOR_METRIC_LABELS];

export const METRIC_CATALOGUE: readonly ExporterCatalogue[] = [
    {
        job: "spark-driver",
        exporter: "Spark 4.1 PrometheusServlet (driver)",
        source: "apache/spark 4.x PrometheusServlet.scala, AppStatusSource.scala",
        metrics: [
            "jobs_succeededJobs", "jobs_failedJobs", "stages_completedStages", "stages_failedStages", "tasks_completedTasks", "tasks_failedTasks", "tasks_killedTasks",
        ].map((m) => gauge(`${SPARK_DRIVER_PREFIX}appStatus_${m}_Count`, ["type"])),
    },
    {
        job: "spark-executors",
        exporter: "Spark 4.1 executor summary (/metrics/executors/prometheus)",
        source: "apache/spark 4.x status/api/v1/PrometheusResource.scala",
        metrics: [
            gauge("spark_info", ["version", "revision"]),
            ...["rddBlocks", "memoryUsed_bytes", "maxMemory_bytes", "diskUsed_bytes", "totalCores", "maxTasks", "activeTasks"]
                .map((m) => gauge(`metrics_executor_${m}`, SPARK_EXECUTOR_LABELS)),
        ],
    },
    {
        job: "yunikorn",
        exporter: "YuniKorn 1.9.0 scheduler",
        source: "apache/yunikorn-core v1.9.0-0 pkg/metrics/queue.go, scheduler.go",
        metrics: [
            gauge("yunikorn_queue_app", ["queue", "state"]),
            gauge("yunikorn_queue_resource", ["queue", "state", "resource"]),
            counter("yunikorn_scheduler_container_allocation_attempt_total", ["state"]),
            counter("yunikorn_scheduler_application_submission_total", ["result"]),
            gauge("yunikorn_scheduler_application_total", ["state"]),
            gauge("yunikorn_scheduler_node", ["state"]),
            histogram("yunikorn_scheduler_scheduling_latency_milliseconds"),
            histogram("yunikorn_scheduler_scheduling_cycle_milliseconds"),
        ],
    },
    {
        job: "karpenter",
        exporter: "Karpenter 1.14.1 controller",
        source: "kubernetes-sigs/karpenter 6e7eab7 pkg/metrics, pkg/controllers/metrics; aws/karpenter-provider-aws v1.14.1 interruption",
        metrics: [
            gauge("karpenter_nodes_allocatable", KARPENTER_NODE_LABELS),
            gauge("karpenter_nodes_system_overhead", KARPENTER_NODE_LABELS),
            gauge("karpenter_nodes_total_pod_requests", KARPENTER_NODE_LABELS),
            gauge("karpenter_nodepools_usage", ["nodepool", "resource_type"]),
            gauge("karpenter_nodepools_limit", ["nodepool", "resource_type"]),
            counter("karpenter_nodeclaims_created_total", ["reason", "nodepool", "min_values_relaxed"]),
            counter("karpenter_nodeclaims_disrupted_total", ["reason", "nodepool", "capacity_type"]),
            counter("karpenter_nodeclaims_terminated_total", ["nodepool", "capacity_type", "zone"]),
            counter("karpenter_voluntary_disruption_decisions_total", ["decision", "reason", "consolidation_type"]),
            counter("karpenter_interruption_received_messages_total", ["message_type"]),
            counter("karpenter_cloudprovider_errors_total", ["controller", "method", "provider", "error"]),
            counter("controller_runtime_reconcile_errors_total", ["controller"]),
            histogram("controller_runtime_reconcile_time_seconds", ["controller"]),
        ],
    },
    {
        job: "kube-state-metrics",
        exporter: "kube-state-metrics 2.20.0 (chart 8.4.0)",
        source: "kubernetes/kube-state-metrics v2.20.0 docs/metrics",
        metrics: [
            gauge("kube_pod_status_phase", ["namespace", "pod", "uid", "phase"]),
            { ...gauge("kube_pod_labels", ["namespace", "pod", "uid"]), allowlisted: "pods" },
            gauge("kube_pod_container_resource_requests", ["namespace", "pod", "uid", "container", "node", "resource", "unit"]),
            counter("kube_pod_container_status_restarts_total", ["namespace", "pod", "uid", "container"]),
            { ...gauge("kube_node_labels", ["node"]), allowlisted: "nodes" },
            gauge("kube_node_status_capacity", ["node", "resource", "unit"]),
            gauge("kube_resourcequota", ["namespace", "resourcequota", "resource", "type"]),
        ],
    },
    {
        job: "fluent-bit",
        exporter: "Fluent Bit 5.1.1 (chart 0.58.1)",
        source: "fluent/fluent-bit v5.1.1 src/flb_output.c",
        metrics: ["proc_records_total", "errors_total", "retries_total", "retries_failed_total", "dropped_records_total", "retried_records_total"]
            .map((m) => counter(`fluentbit_output_${m}`, ["name"])),
    },
    {
        job: "spark-operator",
        exporter: "Kubeflow Spark Operator 2.5.2 (controller and webhook)",
        source: "kubeflow/spark-operator v2.5.2 pkg/common/metrics.go; controller-runtime v0.20.4",
        metrics: [
            counter("spark_application_submit_count", OPERATOR),
            counter("spark_application_failed_submission_count", OPERATOR),
            gauge("spark_application_running_count", OPERATOR),
            counter("spark_application_success_count", OPERATOR),
            counter("spark_application_failure_count", OPERATOR),
            histogram("spark_application_start_latency_seconds_histogram", OPERATOR),
            gauge("spark_executor_running_count", OPERATOR),
            counter("spark_executor_failure_count", OPERATOR),
            counter("controller_runtime_reconcile_errors_total", ["controller"]),
            histogram("controller_runtime_reconcile_time_seconds", ["controller"]),
            counter("controller_runtime_webhook_requests_total", ["webhook", "code"]),
            histogram("controller_runtime_webhook_latency_seconds", ["webhook"]),
        ],
    },
    {
        job: "otel-collector",
        exporter: "OpenTelemetry Collector 0.158.0 own telemetry (:8888)",
        source: "open-telemetry/opentelemetry-collector v0.158.0 exporterhelper, receiverhelper, memorylimiterprocessor documentation.md",
        metrics: [
            counter("otelcol_exporter_sent_metric_points", ["exporter"]),
            counter("otelcol_exporter_send_failed_metric_points", ["exporter"]),
            counter("otelcol_exporter_enqueue_failed_metric_points", ["exporter"]),
            gauge("otelcol_exporter_queue_size", ["exporter"]),
            gauge("otelcol_exporter_queue_capacity", ["exporter"]),
            counter("otelcol_receiver_accepted_metric_points", ["receiver", "transport"]),
            counter("otelcol_receiver_refused_metric_points", ["receiver", "transport"]),
            counter("otelcol_processor_memory_limiter_refused_metric_points"),
        ],
    },
];

/** Labels every series in AMP carries whatever its job: the scrape's `job` and `instance`, the exporter's external `cluster`. */
export const UNIVERSAL_LABELS = ["job", "instance", "cluster"] as const;

/** The series names a catalogue metric yields and the extra label each carries. */
export function seriesOf(m: CatalogueMetric): { name: string; extra: string[] }[] {
    switch (m.type) {
        case "histogram":
            return [{ name: `${m.name}_bucket`, extra: ["le"] }, { name: `${m.name}_sum`, extra: [] }, { name: `${m.name}_count`, extra: [] }];
        case "summary":
            return [{ name: m.name, extra: ["quantile"] }, { name: `${m.name}_sum`, extra: [] }, { name: `${m.name}_count`, extra: [] }];
        default:
            return [{ name: m.name, extra: [] }];
    }
}

/** What a series name offers: the jobs producing it and, per job, its labels in AMP. */
export type CatalogueIndex = ReadonlyMap<string, ReadonlyMap<string, ReadonlySet<string>>>;

/** The label keys per resource kind of a kube-state-metrics `metricLabelsAllowlist` value (`["nodes=[a,b]", …]`). */
export function parseKsmAllowlist(entries: readonly string[]): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const e of entries) {
        const m = /^([a-z]+)=\[([^\]]*)\]$/.exec(e.trim());
        if (!m) {
            throw new Error(`kube-state-metrics metricLabelsAllowlist entry "${e}" is not <resources>=[<label>,…]`);
        }
        out[m[1]] = [...(out[m[1]] ?? []), ...m[2].split(",").map((k) => k.trim()).filter((k) => k !== "")];
    }
    return out;
}

/** What the collector produces, as the catalogue index reads it. */
export interface CollectorOutput {
    /** The collector's scrape jobs (collector.ts scrapeJobs). */
    readonly jobs: readonly ScrapeJob[];
    /** kube-state-metrics' `metricLabelsAllowlist` chart value (collector.ts kubeStateMetricsValues). */
    readonly ksmAllowlist: readonly string[];
}

/** The platform's collector: its scrape jobs and the kube-state-metrics allowlist it installs. */
export function platformCollectorOutput(input: CollectorConfigInput): CollectorOutput {
    const ksm = kubeStateMetricsValues({ imageTag: "", fullname: "", nodeSelector: {}, tolerations: [] });
    return { jobs: scrapeJobs(input), ksmAllowlist: ksm.metricLabelsAllowlist as string[] };
}

/**
 * Every series name with its labels as stored: the exporter's labels (kube_*_labels: plus the allowlisted
 * keys), the labels the job's relabel rules write (`target_label`), and UNIVERSAL_LABELS. A catalogue job
 * the collector does not run contributes nothing, so removing a scrape job empties its metrics.
 */
export function catalogueIndex(out: CollectorOutput): CatalogueIndex {
    const jobs = new Map(out.jobs.map((j) => [j.job_name, j]));
    const allowed = parseKsmAllowlist(out.ksmAllowlist);
    const index = new Map<string, Map<string, Set<string>>>();
    for (const c of METRIC_CATALOGUE) {
        const job = jobs.get(c.job);
        if (!job) {
            continue;
        }
        const targetLabels = (job.relabel_configs ?? []).flatMap((r) => (r.target_label !== undefined && (r.action ?? "replace") === "replace" ? [r.target_label] : []));
        for (const m of c.metrics) {
            const labels = [...m.labels, ...(m.allowlisted ? (allowed[m.allowlisted] ?? []).map(ksmLabelName) : [])];
            for (const s of seriesOf(m)) {
                const byJob = index.get(s.name) ?? new Map<string, Set<string>>();
                byJob.set(c.job, new Set([...(byJob.get(c.job) ?? []), ...labels, ...s.extra, ...targetLabels, ...UNIVERSAL_LABELS]));
                index.set(s.name, byJob);
            }
        }
    }
    return index;
}
