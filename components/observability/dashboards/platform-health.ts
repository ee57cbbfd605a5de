/**
 * "Platform health": the controllers a Spark job passes through (the Spark Operator and its admission
 * webhook, YuniKorn, Karpenter) and the two pipelines that report on them (Fluent Bit, the OpenTelemetry
 * Collector): errors, latency, retries, drops, queue fill and refused points.
 *
 * controller-runtime metrics (`controller_runtime_*`) come from two scrape jobs, so every query names its
 * `job`. YuniKorn's `*_milliseconds` histograms observe seconds (yunikorn-core v1.9.0-0 scheduler.go:
 * `time.Since(start).Seconds()`), hence unit "s". The collector's own counters reach AMP with `_total`
 * (catalogue.ts).
 */
import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import type { DashboardContext } from "./context";
import { buildDashboard, stackedPanel, timeseriesPanel } from "./panels";

export const PLATFORM_HEALTH_UID = "moka-platform-health";

const RATE = "[$__rate_interval]";
const p99 = (bucket: string, by: string) => `histogram_quantile(0.99, sum by (le, ${by}) (rate(${bucket}${RATE})))`;

export function platformHealthDashboard(ctx: DashboardContext): Dashboard {
    const platform = ctx.platformNamespaces.join("|");
    return buildDashboard({
        uid: PLATFORM_HEALTH_UID,
        title: "Moka / Platform health",
        description: "Spark Operator, webhook, YuniKorn and Karpenter errors and latency; Fluent Bit retries and drops; collector queue and refused points; platform pod restarts.",
        variables: [],
        panels: [
            timeseriesPanel({
                title: "Spark Operator reconcile errors",
                description: "Reconcile errors per second by controller (SparkApplication, ScheduledSparkApplication…).",
                queries: [{ expr: `sum by (controller) (rate(controller_runtime_reconcile_errors_total{job="spark-operator"}${RATE}))`, legend: "{{controller}}" }],
                unit: "ops",
            }),
            timeseriesPanel({
                title: "Spark Operator reconcile latency (p99)",
                description: "99th percentile reconcile time by controller.",
                queries: [{ expr: p99('controller_runtime_reconcile_time_seconds_bucket{job="spark-operator"}', "controller"), legend: "{{controller}}" }],
                unit: "s",
            }),
            timeseriesPanel({
                title: "Admission webhook responses other than 200",
                description: "Spark Operator webhook requests per second that did not succeed, by webhook path and HTTP code. With failurePolicy Fail, these block SparkApplication pods.",
                queries: [{ expr: `sum by (webhook, code) (rate(controller_runtime_webhook_requests_total{job="spark-operator", code!="200"}${RATE}))`, legend: "{{webhook}} {{code}}" }],
                unit: "ops",
            }),
            timeseriesPanel({
                title: "Admission webhook latency (p99)",
                description: "99th percentile time to answer an admission request, by webhook path.",
                queries: [{ expr: p99('controller_runtime_webhook_latency_seconds_bucket{job="spark-operator"}', "webhook"), legend: "{{webhook}}" }],
                unit: "s",
            }),
            timeseriesPanel({
                title: "YuniKorn scheduling latency (p99)",
                description: "99th percentile scheduling latency and cycle time (the histograms observe seconds despite their names).",
                queries: [
                    { expr: p99("yunikorn_scheduler_scheduling_latency_milliseconds_bucket", "job"), legend: "scheduling latency" },
                    { expr: p99("yunikorn_scheduler_scheduling_cycle_milliseconds_bucket", "job"), legend: "scheduling cycle" },
                ],
                unit: "s",
            }),
            timeseriesPanel({
                title: "YuniKorn allocation errors and rejections",
                description: "Container allocation attempts per second that ended in error or rejection; rejected application submissions.",
                queries: [
                    { expr: `sum by (state) (rate(yunikorn_scheduler_container_allocation_attempt_total{state=~"error|rejected"}${RATE}))`, legend: "allocation {{state}}" },
                    { expr: `sum by (result) (rate(yunikorn_scheduler_application_submission_total{result="rejected"}${RATE}))`, legend: "submission {{result}}" },
                ],
                unit: "ops",
            }),
            timeseriesPanel({
                title: "Karpenter controller errors",
                description: "Karpenter reconcile errors by controller, and cloud-provider (EC2) call errors by method and error.",
                queries: [
                    { expr: `sum by (controller) (rate(controller_runtime_reconcile_errors_total{job="karpenter"}${RATE}))`, legend: "{{controller}}" },
                    { expr: `sum by (method, error) (rate(karpenter_cloudprovider_errors_total${RATE}))`, legend: "cloudprovider {{method}} {{error}}" },
                ],
                unit: "ops",
            }),
            timeseriesPanel({
                title: "Fluent Bit retries, failed retries and drops",
                description: "Per output (s3.N per team bucket, cloudwatch_logs.N): retries, batches abandoned after the last retry, dropped records and errors, per second over every node.",
                queries: [
                    { expr: `sum by (name) (rate(fluentbit_output_retries_total${RATE}))`, legend: "{{name}} retries" },
                    { expr: `sum by (name) (rate(fluentbit_output_retries_failed_total${RATE}))`, legend: "{{name}} retries failed" },
                    { expr: `sum by (name) (rate(fluentbit_output_dropped_records_total${RATE}))`, legend: "{{name}} dropped records" },
                    { expr: `sum by (name) (rate(fluentbit_output_errors_total${RATE}))`, legend: "{{name}} errors" },
                ],
                unit: "ops",
            }),
            timeseriesPanel({
                title: "Collector export queue",
                description: "Batches waiting in the remote-write exporter's queue against its capacity; a full queue drops data.",
                queries: [
                    { expr: "max by (exporter) (otelcol_exporter_queue_size)", legend: "{{exporter}} queued" },
                    { expr: "max by (exporter) (otelcol_exporter_queue_capacity)", legend: "{{exporter}} capacity" },
                ],
                unit: "short",
            }),
            timeseriesPanel({
                title: "Collector refused and failed points",
                description: "Metric points per second the receivers or the memory limiter refused, and the exporter failed to send or enqueue (lost to AMP).",
                queries: [
                    { expr: `sum by (receiver) (rate(otelcol_receiver_refused_metric_points_total${RATE}))`, legend: "refused by {{receiver}}" },
                    { expr: `sum(rate(otelcol_processor_memory_limiter_refused_metric_points_total${RATE}))`, legend: "refused by memory_limiter" },
                    { expr: `sum by (exporter) (rate(otelcol_exporter_send_failed_metric_points_total${RATE}))`, legend: "send failed {{exporter}}" },
                    { expr: `sum by (exporter) (rate(otelcol_exporter_enqueue_failed_metric_points_total${RATE}))`, legend: "enqueue failed {{exporter}}" },
                ],
                unit: "ops",
            }),
            stackedPanel({
                title: "Platform pod restarts (1h)",
                description: "Container restarts in the platform namespaces over the last hour, by pod.",
                queries: [{ expr: `sum by (namespace, pod) (increase(kube_pod_container_status_restarts_total{namespace=~"${platform}"}[1h])) > 0`, legend: "{{namespace}}/{{pod}}" }],
                unit: "short",
                w: 24,
            }),
        ],
    });
}
