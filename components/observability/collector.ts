/**
 * Pure builders for the Metrics component: the OpenTelemetry Collector configuration (receivers,
 * Prometheus scrape jobs, the SigV4 remote-write exporter), the collector and kube-state-metrics chart
 * values, and the IAM documents.
 *
 * Scrape jobs use Kubernetes pod discovery filtered by namespace, label and declared container port, so
 * every replica is its own target (a Service address would load-balance scrapes across replicas):
 *  - spark-driver / spark-executors: pods labelled `spark-role=driver`, container port 4040 (the UI
 *    port Spark declares on the driver), paths /metrics/prometheus/ and /metrics/executors/prometheus/.
 *    Executors serve no HTTP port; the driver's PrometheusServlet exposes their metrics. Spark serves
 *    these paths only when the application sets
 *    `spark.metrics.conf.*.sink.prometheusServlet.class=org.apache.spark.metrics.sink.PrometheusServlet`,
 *    `spark.metrics.conf.*.sink.prometheusServlet.path=/metrics/prometheus/` and (3.x)
 *    `spark.ui.prometheus.enabled=true`; the platform's Spark defaults must carry them. Team
 *    NetworkPolicies must admit the observability namespace on port 4040.
 *  - yunikorn: the scheduler pod's port 9080 ("http1", backing the yunikorn-service Service),
 *    /ws/v1/metrics (apache/yunikorn-release helm-charts/yunikorn templates).
 *  - karpenter: port 8080 ("http-metrics"), /metrics (aws/karpenter-provider-aws charts/karpenter).
 *  - kube-state-metrics: port "http" (8080) of the chart's pod, honor_labels so the object's own
 *    namespace/pod labels win.
 *  - fluent-bit: the DaemonSet's port "http" (2020, fluent/helm-charts fluent-bit-0.58.1 values
 *    `metricsPort`, _pod.tpl), /api/v2/metrics/prometheus (fluent/fluent-bit v5.1.1
 *    src/http_server/api/v2/metrics.c): per-output records, retries and drops.
 *  - spark-operator: the controller and webhook pods' port "metrics" (8080, kubeflow/spark-operator
 *    v2.5.2 chart `prometheus.metrics`), /metrics, honor_labels so the operator's own `namespace` label
 *    (the SparkApplication's namespace, `--metrics-labels=namespace`) wins over the pod's; `component`
 *    (controller | webhook) from the pod label `app.kubernetes.io/component`.
 *  - otel-collector: the collector's own telemetry on :8888.
 * The collector expands `${...}` in its config, so nothing here uses `$` except the env references the
 * chart provides (MY_POD_IP); relabel rules rely on the default `(.*)` → `$1` replacement.
 */
import type { PolicyDocument } from "../shared/iam";
import { resourcesValue, SYSTEM_REPLICAS, SYSTEM_RESOURCES } from "../../lib/capacity/platform";

/** OTLP receiver ports: the chart's `otlp` (gRPC) and `otlp-http` Service ports (values.yaml `ports`, chart 0.170.0). */
export const OTLP_PORTS = { grpc: 4317, http: 4318 } as const;

/**
 * The collector Service's `spec.selector` in deployment mode (chart 0.170.0 templates/service.yaml:
 * `opentelemetry-collector.selectorLabels` + `.component`; _helpers.tpl: name = chart name unless
 * nameOverride, instance = release name, `component: standalone-collector`). Team NetworkPolicies select
 * exactly these labels so the VPC CNI controller tracks the Service's ClusterIP.
 */
export function collectorServiceSelector(releaseName: string): Record<string, string> {
    return { "app.kubernetes.io/name": "opentelemetry-collector", "app.kubernetes.io/instance": releaseName, component: "standalone-collector" };
}

/** Spark's UI port, where the driver's PrometheusServlet lives. */
export const SPARK_UI_PORT = 4040;
export const YUNIKORN_METRICS_PORT = 9080;
export const KARPENTER_METRICS_PORT = 8080;
export const KUBE_STATE_METRICS_NAME = "kube-state-metrics";
/** The fluent-bit chart's pod label `app.kubernetes.io/name` and its metrics container port name (port 2020). */
export const FLUENT_BIT_NAME = "fluent-bit";
export const FLUENT_BIT_METRICS_PATH = "/api/v2/metrics/prometheus";
/** The spark-operator chart's metrics container port name (`prometheus.metrics.portName`, port 8080). */
export const SPARK_OPERATOR_METRICS_PORT_NAME = "metrics";

/**
 * kube-state-metrics `--metric-labels-allowlist` (chart value `metricLabelsAllowlist`, joined with ","):
 * the Kubernetes labels `kube_node_labels` / `kube_pod_labels` carry as `label_<sanitised key>` (every
 * character outside [a-zA-Z0-9_] becomes "_", kubernetes/kube-state-metrics v2.20.0
 * internal/store/utils.go). Without it they carry only the object's name. The dashboards join on these:
 * nodes by NodePool, capacity type, architecture and instance family; pods by Spark role, application and
 * YuniKorn queue. Values of allowlisted labels add no series (one `kube_*_labels` series per object).
 */
export const KSM_LABEL_ALLOWLIST = {
    nodes: ["karpenter.sh/nodepool", "karpenter.sh/capacity-type", "kubernetes.io/arch", "karpenter.k8s.aws/instance-family"],
    pods: ["spark-role", "spark-app-selector", "spark-app-name", "queue"],
} as const;

/** The Prometheus label kube-state-metrics gives a Kubernetes label key: `label_` + the key with [^a-zA-Z0-9_] → "_". */
export function ksmLabelName(key: string): string {
    return `label_${key.replace(/[^a-zA-Z0-9_]/g, "_")}`;
}

export interface ScrapeJob {
    readonly job_name: string;
    readonly metrics_path?: string;
    readonly scrape_interval?: string;
    readonly honor_labels?: boolean;
    readonly kubernetes_sd_configs?: ReadonlyArray<{ role: "pod"; namespaces?: { names: string[] } }>;
    readonly static_configs?: ReadonlyArray<{ targets: string[] }>;
    readonly relabel_configs?: ReadonlyArray<RelabelRule>;
}

export interface RelabelRule {
    readonly action?: "keep" | "drop" | "replace";
    readonly source_labels?: string[];
    readonly regex?: string;
    readonly target_label?: string;
}

export interface CollectorConfigInput {
    /** Full remote-write URL of the workspace. */
    readonly remoteWriteUrl: string;
    readonly region: string;
    /** Added as the `cluster` label on every series. */
    readonly clusterName: string;
    readonly namespaces: { readonly yunikorn: string; readonly karpenter: string; readonly observability: string; readonly sparkOperator: string };
    /** Defaults to "30s". */
    readonly scrapeInterval?: string;
}

/** `<prometheusEndpoint>api/v1/remote_write`, tolerating an endpoint without the trailing "/". */
export function remoteWriteUrl(prometheusEndpoint: string): string {
    const base = prometheusEndpoint.endsWith("/") ? prometheusEndpoint : `${prometheusEndpoint}/`;
    return `${base}api/v1/remote_write`;
}

const keep = (label: string, regex: string): RelabelRule => ({ action: "keep", source_labels: [label], regex });
const copy = (label: string, target: string): RelabelRule => ({ action: "replace", source_labels: [label], target_label: target });

/** Relabel rules every pod-discovered job ends with: namespace, pod and container labels. */
const podTargetLabels: RelabelRule[] = [
    copy("__meta_kubernetes_namespace", "namespace"),
    copy("__meta_kubernetes_pod_name", "pod"),
    copy("__meta_kubernetes_pod_container_name", "container"),
];

function sparkJob(jobName: string, metricsPath: string): ScrapeJob {
    return {
        job_name: jobName,
        metrics_path: metricsPath,
        kubernetes_sd_configs: [{ role: "pod" }],
        relabel_configs: [
            keep("__meta_kubernetes_pod_label_spark_role", "driver"),
            keep("__meta_kubernetes_pod_container_port_number", String(SPARK_UI_PORT)),
            { action: "drop", source_labels: ["__meta_kubernetes_pod_phase"], regex: "Succeeded|Failed" },
            ...podTargetLabels,
            copy("__meta_kubernetes_pod_label_spark_app_selector", "spark_app_id"),
            copy("__meta_kubernetes_pod_label_spark_app_name", "spark_app_name"),
        ],
    };
}

function namespacedPortJob(jobName: string, namespace: string, port: number, metricsPath: string): ScrapeJob {
    return {
        job_name: jobName,
        metrics_path: metricsPath,
        kubernetes_sd_configs: [{ role: "pod", namespaces: { names: [namespace] } }],
        relabel_configs: [
            keep("__meta_kubernetes_pod_container_port_number", String(port)),
            ...podTargetLabels,
        ],
    };
}

/** Every Prometheus scrape job the collector runs. */
export function scrapeJobs(input: CollectorConfigInput): ScrapeJob[] {
    return [
        sparkJob("spark-driver", "/metrics/prometheus/"),
        sparkJob("spark-executors", "/metrics/executors/prometheus/"),
        namespacedPortJob("yunikorn", input.namespaces.yunikorn, YUNIKORN_METRICS_PORT, "/ws/v1/metrics"),
        namespacedPortJob("karpenter", input.namespaces.karpenter, KARPENTER_METRICS_PORT, "/metrics"),
        {
            job_name: "kube-state-metrics",
            metrics_path: "/metrics",
            honor_labels: true,
            kubernetes_sd_configs: [{ role: "pod", namespaces: { names: [input.namespaces.observability] } }],
            relabel_configs: [
                keep("__meta_kubernetes_pod_label_app_kubernetes_io_name", KUBE_STATE_METRICS_NAME),
                keep("__meta_kubernetes_pod_container_port_name", "http"),
            ],
        },
        {
            job_name: "fluent-bit",
            metrics_path: FLUENT_BIT_METRICS_PATH,
            kubernetes_sd_configs: [{ role: "pod", namespaces: { names: [input.namespaces.observability] } }],
            relabel_configs: [
                keep("__meta_kubernetes_pod_label_app_kubernetes_io_name", FLUENT_BIT_NAME),
                keep("__meta_kubernetes_pod_container_port_name", "http"),
                ...podTargetLabels,
                copy("__meta_kubernetes_pod_node_name", "node"),
            ],
        },
        {
            job_name: "spark-operator",
            metrics_path: "/metrics",
            honor_labels: true,
            kubernetes_sd_configs: [{ role: "pod", namespaces: { names: [input.namespaces.sparkOperator] } }],
            relabel_configs: [
                keep("__meta_kubernetes_pod_container_port_name", SPARK_OPERATOR_METRICS_PORT_NAME),
                ...podTargetLabels,
                copy("__meta_kubernetes_pod_label_app_kubernetes_io_component", "component"),
            ],
        },
        {
            job_name: "otel-collector",
            static_configs: [{ targets: ["${env:MY_POD_IP}:8888"] }],
        },
    ];
}

/** A free-form OpenTelemetry Collector configuration tree (rendered to YAML by the chart). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- an arbitrary YAML tree; callers and tests index into it by the collector's own keys
export type CollectorConfig = Record<string, any>;

/** The complete collector configuration (the chart's `alternateConfig`: used as is, not merged). */
export function collectorConfig(input: CollectorConfigInput): CollectorConfig {
    return {
        extensions: {
            // Required by the chart's probes.
            health_check: { endpoint: "${env:MY_POD_IP}:13133" },
            sigv4auth: { region: input.region, service: "aps" },
        },
        receivers: {
            otlp: {
                protocols: {
                    grpc: { endpoint: "${env:MY_POD_IP}:4317" },
                    http: { endpoint: "${env:MY_POD_IP}:4318" },
                },
            },
            prometheus: {
                config: {
                    global: { scrape_interval: input.scrapeInterval ?? "30s" },
                    scrape_configs: scrapeJobs(input),
                },
            },
        },
        processors: {
            memory_limiter: { check_interval: "5s", limit_percentage: 80, spike_limit_percentage: 25 },
            batch: {},
        },
        exporters: {
            prometheusremotewrite: {
                endpoint: input.remoteWriteUrl,
                auth: { authenticator: "sigv4auth" },
                external_labels: { cluster: input.clusterName },
            },
        },
        service: {
            extensions: ["health_check", "sigv4auth"],
            telemetry: {
                metrics: { readers: [{ pull: { exporter: { prometheus: { host: "${env:MY_POD_IP}", port: 8888 } } } }] },
            },
            pipelines: {
                metrics: {
                    receivers: ["otlp", "prometheus"],
                    processors: ["memory_limiter", "batch"],
                    exporters: ["prometheusremotewrite"],
                },
            },
        },
    };
}

export interface PodPlacement {
    readonly nodeSelector: Record<string, string>;
    readonly tolerations: ReadonlyArray<Record<string, string>>;
}

/** Restricted-profile container security context. */
export const RESTRICTED_CONTAINER_SECURITY_CONTEXT = {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ["ALL"] },
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    seccompProfile: { type: "RuntimeDefault" },
} as const;

export interface CollectorValuesInput extends PodPlacement {
    readonly config: CollectorConfig;
    readonly imageRepository: string;
    readonly imageTag: string;
    readonly fullname: string;
    readonly serviceAccountName: string;
}

/**
 * Values for the opentelemetry-collector chart. Every key exists in open-telemetry/opentelemetry-helm-charts
 * charts/opentelemetry-collector/values.yaml at tag opentelemetry-collector-0.170.0. The chart refuses to
 * render without `image.repository` and `mode` (templates/NOTES.txt `fail`s).
 */
export function collectorValues(v: CollectorValuesInput): Record<string, unknown> {
    return {
        mode: "deployment",
        // One replica: Prometheus scraping is not sharded without a target allocator, so two replicas
        // would write every sample twice.
        replicaCount: SYSTEM_REPLICAS.otelCollector,
        fullnameOverride: v.fullname,
        image: { repository: v.imageRepository, tag: v.imageTag },
        command: { name: "otelcol-contrib" },
        serviceAccount: { create: true, name: v.serviceAccountName },
        // kubernetes_sd with role "pod" across namespaces needs a ClusterRole; the chart only creates one
        // when clusterRole.create is set (no preset is enabled here), with exactly these rules.
        clusterRole: {
            create: true,
            rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch"] }],
        },
        alternateConfig: v.config,
        ports: {
            "jaeger-compact": { enabled: false },
            "jaeger-thrift": { enabled: false },
            "jaeger-grpc": { enabled: false },
            zipkin: { enabled: false },
        },
        nodeSelector: v.nodeSelector,
        tolerations: v.tolerations,
        securityContext: RESTRICTED_CONTAINER_SECURITY_CONTEXT,
        resources: resourcesValue(SYSTEM_RESOURCES.otelCollector),
    };
}

export interface KubeStateMetricsValuesInput extends PodPlacement {
    readonly imageTag: string;
    readonly fullname: string;
}

/**
 * Values for the kube-state-metrics chart. Every key exists in prometheus-community/helm-charts
 * charts/kube-state-metrics/values.yaml at tag kube-state-metrics-8.4.0.
 */
export function kubeStateMetricsValues(v: KubeStateMetricsValuesInput): Record<string, unknown> {
    return {
        fullnameOverride: v.fullname,
        image: { tag: v.imageTag },
        nodeSelector: v.nodeSelector,
        tolerations: v.tolerations,
        // Drops the secrets collector and with it the chart's cluster-wide list/watch on Secrets.
        collectorsExclude: ["secrets"],
        metricLabelsAllowlist: Object.entries(KSM_LABEL_ALLOWLIST).map(([kind, keys]) => `${kind}=[${keys.join(",")}]`),
        resources: resourcesValue(SYSTEM_RESOURCES.kubeStateMetrics),
    };
}

/** The collector may only remote-write, and only to this workspace. */
export function remoteWritePolicy(workspaceArn: string): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [{
            Sid: "RemoteWriteToWorkspace",
            Effect: "Allow",
            Action: ["aps:RemoteWrite"],
            Resource: workspaceArn,
        }],
    };
}
