/**
 * "Spark jobs by team": what a team's applications are doing and what they use against the team's quota.
 *
 * Sources (catalogue.ts): the Spark Operator's per-namespace application and executor counters, the
 * driver's executor summary (`spark_info`, `metrics_executor_*`, labelled by the scrape with namespace,
 * pod, spark_app_id, spark_app_name), the driver's appStatus counters (stable names through
 * spark.metrics.namespace), and kube-state-metrics (quota, pod requests, node architecture). "Used" is
 * what running pods request (the quota's own accounting); the platform does not scrape kubelets.
 */
import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import { SPARK_DRIVER_PREFIX } from "./catalogue";
import {
    cloudWatchLogsUrl, containerLogsUrl, historyPortForward, HISTORY_SERVER_LOCAL_URL, type DashboardContext,
} from "./context";
import { buildDashboard, customVariable, piePanel, stackedPanel, statPanel, tablePanel, textPanel, timeseriesPanel } from "./panels";

export const SPARK_JOBS_UID = "moka-spark-jobs";

const TEAM = 'namespace=~"$team"';
/** Running pods only (kube-state-metrics keeps finished pods until they are deleted). */
const RUNNING = 'on(namespace, pod) group_left() (kube_pod_status_phase{phase="Running"} == 1)';

function quotaQueries(resource: string): { expr: string; legend: string }[] {
    return [
        { expr: `sum by (namespace) (kube_resourcequota{${TEAM}, resource="${resource}", type="used"})`, legend: "{{namespace}} requested" },
        { expr: `sum by (namespace) (kube_resourcequota{${TEAM}, resource="${resource}", type="hard"})`, legend: "{{namespace}} quota" },
    ];
}

function teamLinksMarkdown(ctx: DashboardContext): string {
    const rows = ctx.teams.map((t) => `| ${t} | \`${historyPortForward(ctx, t)}\` then [${HISTORY_SERVER_LOCAL_URL}](${HISTORY_SERVER_LOCAL_URL}) | [s3://…/${ctx.containerLogPrefix}/](${containerLogsUrl(ctx, t, "")}) | [${t}.*](${cloudWatchLogsUrl(ctx, `${t}.`)}) |`);
    return [
        "| Team | History Server | Container logs in S3 (by application id) | Container logs in CloudWatch (streams) |",
        "|---|---|---|---|",
        ...rows,
        "",
        "Each row of **Applications** links to the application's History Server page (after the port-forward), its logs prefix and its driver's log streams.",
    ].join("\n");
}

export function sparkJobsDashboard(ctx: DashboardContext): Dashboard {
    return buildDashboard({
        uid: SPARK_JOBS_UID,
        title: "Moka / Spark jobs by team",
        description: "Running, succeeded and failed Spark applications, executors, CPU and memory against the team quota, Graviton vs x86 share, and links to each application's History Server and logs.",
        variables: [customVariable("team", "Team", ctx.teams)],
        panels: [
            statPanel({
                title: "Running applications",
                description: "SparkApplications the operator reports running, per team.",
                queries: [{ expr: `sum by (namespace) (spark_application_running_count{${TEAM}})`, legend: "{{namespace}}", instant: true }],
                unit: "short",
            }),
            statPanel({
                title: "Succeeded (24h)",
                description: "Applications that completed successfully in the last 24 hours.",
                queries: [{ expr: `sum by (namespace) (increase(spark_application_success_count_total{${TEAM}}[24h]))`, legend: "{{namespace}}", instant: true }],
                unit: "short",
            }),
            statPanel({
                title: "Failed (24h)",
                description: "Applications that failed, and submissions that failed, in the last 24 hours.",
                queries: [
                    { expr: `sum by (namespace) (increase(spark_application_failure_count_total{${TEAM}}[24h]))`, legend: "{{namespace}} failed", instant: true },
                    { expr: `sum by (namespace) (increase(spark_application_failed_submission_count_total{${TEAM}}[24h]))`, legend: "{{namespace}} submission failed", instant: true },
                ],
                unit: "short",
            }),
            statPanel({
                title: "Running executors",
                description: "Executor pods the operator counts running, per team.",
                queries: [{ expr: `sum by (namespace) (spark_executor_running_count{${TEAM}})`, legend: "{{namespace}}", instant: true }],
                unit: "short",
            }),
            timeseriesPanel({
                title: "Applications finished per hour",
                description: "Succeeded and failed applications per hour, per team.",
                queries: [
                    { expr: `sum by (namespace) (increase(spark_application_success_count_total{${TEAM}}[1h]))`, legend: "{{namespace}} succeeded" },
                    { expr: `sum by (namespace) (increase(spark_application_failure_count_total{${TEAM}}[1h]))`, legend: "{{namespace}} failed" },
                ],
                unit: "short",
            }),
            stackedPanel({
                title: "Executors per application",
                description: "Executors each running application has (driver's executor summary), stacked per team.",
                queries: [{ expr: `count by (namespace, spark_app_name) (metrics_executor_totalCores{${TEAM}, executor_id!="driver"})`, legend: "{{namespace}}/{{spark_app_name}}" }],
                unit: "short",
            }),
            timeseriesPanel({
                title: "CPU requested vs quota",
                description: "The team's requests.cpu in use against its ResourceQuota (cores).",
                queries: quotaQueries("requests.cpu"),
                unit: "short",
            }),
            timeseriesPanel({
                title: "Memory requested vs quota",
                description: "The team's requests.memory in use against its ResourceQuota.",
                queries: quotaQueries("requests.memory"),
                unit: "bytes",
            }),
            piePanel({
                title: "Graviton vs x86 (CPU of running pods)",
                description: "CPU requested by the team's running pods, by the architecture of the node they run on.",
                queries: [{
                    expr: `sum by (label_kubernetes_io_arch) (kube_pod_container_resource_requests{${TEAM}, resource="cpu"} * ${RUNNING} * on(node) group_left(label_kubernetes_io_arch) kube_node_labels)`,
                    legend: "{{label_kubernetes_io_arch}}",
                    instant: true,
                }],
                unit: "short",
            }),
            timeseriesPanel({
                title: "Failed tasks per application",
                description: "Failed Spark tasks per second (driver appStatus source), per application.",
                queries: [{ expr: `sum by (namespace, spark_app_name) (rate(${SPARK_DRIVER_PREFIX}appStatus_tasks_failedTasks_Count{${TEAM}}[$__rate_interval]))`, legend: "{{namespace}}/{{spark_app_name}}" }],
                unit: "ops",
                w: 16,
            }),
            tablePanel({
                title: "Applications",
                description: "Running applications (one row per driver) with links to the History Server, the container logs in S3 and the driver's CloudWatch log streams.",
                queries: [{ expr: `max by (namespace, pod, spark_app_id, spark_app_name) (spark_info{${TEAM}})`, instant: true }],
                links: [
                    { title: "History Server (after port-forward)", url: `${HISTORY_SERVER_LOCAL_URL}/history/\${__data.fields.spark_app_id}/jobs/` },
                    { title: "Container logs in S3", url: containerLogsUrl(ctx, "${__data.fields.namespace}", "${__data.fields.spark_app_id}") },
                    { title: "Driver logs in CloudWatch", url: cloudWatchLogsUrl(ctx, "${__data.fields.namespace}.${__data.fields.pod}") },
                ],
            }),
            textPanel("Team links", teamLinksMarkdown(ctx), 24, 3 + ctx.teams.length),
        ],
    });
}
