/**
 * Platform Spark defaults: the properties every team's Spark applications run with, and the
 * SparkApplication spec fragment that makes them spot-safe and schedulable on the platform's node pools
 * under the `restricted` Pod Security Standard. Pure: no Pulumi, no I/O.
 *
 * How the defaults reach an application
 * -------------------------------------
 * Through the contract: `teams.<team>.sparkConf` (these properties) and `teams.<team>.sparkApplicationDefaults`
 * (a spec fragment that includes them), merged into the app's `SparkApplication.spec` (contract
 * `withPlatformDefaults`, examples/team-spark-job). Each field sits where Spark Operator v2.5.2 reads it
 * (kubeflow/spark-operator tag v2.5.2: internal/controller/sparkapplication/submission.go,
 * internal/webhook/sparkpod_defaulter.go):
 * - `sparkConf` and `driver.annotations` become spark-submit `--conf`s, so the driver pod carries
 *   `karpenter.sh/do-not-disrupt: "true"` (Karpenter v1.14 docs, concepts/disruption.md: such a pod's node is
 *   excluded from consolidation and drift and the pod is not evicted by a drain; expiry, spot interruption
 *   and repair still apply);
 * - `driver.nodeSelector` / `tolerations`, `executor.affinity`, the security contexts and
 *   `executor.terminationGracePeriodSeconds` are applied by the operator's mutating webhook only
 *   (`addTerminationGracePeriodSeconds` etc.); the platform runs the webhook (components/spark/operator.ts
 *   `webhook.enable: true`, failurePolicy Fail).
 * - `executor.lifecycle` is deliberately absent: the webhook's `addPodLifeCycleConfig` REPLACES the
 *   container lifecycle, which would drop the decommission preStop hook (/opt/decom.sh) Spark adds when
 *   `spark.decommission.enabled` is true.
 * The executor's grace period (120 s) is longer than `spark.executor.decommission.forceKillTimeout` (110 s),
 * so the preStop hook's decommission (block migration, then exit) ends before the kubelet's SIGKILL; a spot
 * interruption gives two minutes' notice. Drivers select on-demand capacity explicitly.
 *
 * Pod templates are not shipped: operator v2.4+ always passes its own template file to spark-submit
 * (built from `spec.driver` / `spec.executor`), which replaces any `spark.kubernetes.*.podTemplateFile`, and
 * the `spark-defaults` ConfigMap is not read by spark-submit either (the operator submits with
 * `--properties-file`; kubeflow/spark-operator #216, #691, #2795). The ConfigMap keeps the two documents
 * for inspection and for plain spark-submit users.
 *
 * S3A credentials: `software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider` (SDK v2) reads the
 * EKS Pod Identity agent (AWS_CONTAINER_CREDENTIALS_FULL_URI + AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE). S3A
 * (hadoop-aws 3.4, CredentialProviderListFactory / S3AUtils.getInstanceFromReflection) builds a provider
 * through a `(URI, Configuration)` or `(Configuration)` constructor, else a public static `create()`, else a
 * public no-arg constructor; ContainerCredentialsProvider has only a private constructor and, from AWS SDK v2
 * 2.26.30 on (CHANGELOG 2024-08-05, "Adds create() method for ContainerCredentialsProvider"), `create()`. The
 * platform image carries SDK v2 2.29.52 with hadoop-aws 3.4.2 (images/spark/Dockerfile), so it loads; with an
 * SDK older than 2.26.30 it would not. Unlike S3A's default chain (IAMInstanceCredentialsProvider), it never
 * falls back to the node's instance role, so a pod without Pod Identity fails closed.
 */
import * as yaml from "js-yaml";
import type { Arch } from "../../lib/instance-families";
import { AWS_REGION } from "../../lib/patterns";
import { POD_IDENTITY_CREDENTIALS_PROVIDER, renderSparkDefaultsConf, S3A_FILESYSTEM } from "../shared/spark-conf";
import { DRIVER_NODE_LABEL, DRIVER_TOLERATIONS, SPARK_SERVICE_ACCOUNT, SPARK_UID, teamQueue } from "../../lib/platform";

/** Keys of the `spark-defaults` ConfigMap. */
export const SPARK_DEFAULTS_CONFIGMAP = "spark-defaults";
export const SPARK_DEFAULTS_CONF_KEY = "spark-defaults.conf";
export const SPARK_APPLICATION_DEFAULTS_KEY = "sparkapplication-defaults.yaml";
/**
 * `spark.metrics.namespace`: the first part of every driver metric's registry name
 * (MetricsSystem.buildRegistryName, apache/spark 4.x: the namespace, else `spark.app.id`), so the
 * PrometheusServlet names are `metrics_spark_driver_<source>_<metric>_<Suffix>` for every application.
 */
export const SPARK_METRICS_NAMESPACE = "spark";

/** Karpenter's pod annotation that keeps a pod's node out of voluntary disruption (consolidation, drift). */
export const DO_NOT_DISRUPT_ANNOTATION = "karpenter.sh/do-not-disrupt";
/** Karpenter's node label for the capacity type (`on-demand` | `spot`). */
export const CAPACITY_TYPE_LABEL = "karpenter.sh/capacity-type";

/**
 * The executor pod's termination grace period. The kubelet runs Spark's decommission preStop hook
 * (/opt/decom.sh: SIGPWR to the executor, then wait for it to exit) inside this window and sends SIGKILL
 * at its end; a spot interruption gives two minutes' notice.
 */
export const EXECUTOR_TERMINATION_GRACE_SECONDS = 120;
/** `spark.executor.decommission.forceKillTimeout`: Spark forces the decommissioning executor out before the grace period ends. */
export const DECOMMISSION_FORCE_KILL_SECONDS = EXECUTOR_TERMINATION_GRACE_SECONDS - 10;

export interface SparkDefaultsInput {
    /** The team's bucket name (not ARN). */
    readonly bucket: string;
    /** Event-log prefix in the team's bucket (`moka:storage.eventLogPrefix`). */
    readonly eventLogPrefix: string;
    /** Team name. */
    readonly team: string;
    /** AWS region of the buckets. */
    readonly region: string;
    /** S3A credentials provider class. Defaults to the SDK v2 ContainerCredentialsProvider. */
    readonly credentialsProvider?: string;
    /** Architectures of the executor NodePools, Graviton first. Defaults to DEFAULT_EXECUTOR_ARCHITECTURES. */
    readonly executorArchitectures?: readonly Arch[];
}

/** The platform's Spark properties for one team. Deterministic: same input, same map. */
export function platformSparkDefaults(input: SparkDefaultsInput): Record<string, string> {
    const problems: string[] = [];
    if (!/^[a-z0-9.-]{3,63}$/.test(input.bucket)) {
        problems.push(`bucket "${input.bucket}" is not an S3 bucket name`);
    }
    if (!input.eventLogPrefix || input.eventLogPrefix.startsWith("/") || input.eventLogPrefix.endsWith("/")) {
        problems.push(`eventLogPrefix "${input.eventLogPrefix}" must be a non-empty S3 prefix without leading or trailing '/'`);
    }
    if (!input.team) {
        problems.push("team must not be empty");
    }
    if (!AWS_REGION.test(input.region)) {
        problems.push(`region "${input.region}" is not an AWS region`);
    }
    if (problems.length > 0) {
        throw new Error(`platformSparkDefaults: ${problems.join("; ")}`);
    }
    const queue = teamQueue(input.team);
    return {
        // Event logs: the team bucket's event-log directory, read by that team's History Server.
        "spark.eventLog.enabled": "true",
        "spark.eventLog.dir": `s3a://${input.bucket}/${input.eventLogPrefix}/`,
        "spark.eventLog.rolling.enabled": "true",
        "spark.eventLog.rolling.maxFileSize": "64m",
        // Metrics: Prometheus endpoints on the driver UI port (/metrics/prometheus, /metrics/executors/prometheus).
        "spark.ui.prometheus.enabled": "true",
        "spark.metrics.conf.*.sink.prometheusServlet.class": "org.apache.spark.metrics.sink.PrometheusServlet",
        "spark.metrics.conf.*.sink.prometheusServlet.path": "/metrics/prometheus",
        "spark.metrics.appStatusSource.enabled": "true",
        // Stable driver metric names: without it the registry prefix is spark.app.id, so every application
        // creates new metric NAMES (metrics_<app-id>_driver_…); apps are told apart by the scrape's labels.
        "spark.metrics.namespace": SPARK_METRICS_NAMESPACE,
        // S3A with EKS Pod Identity credentials.
        "spark.hadoop.fs.s3a.impl": S3A_FILESYSTEM,
        "spark.hadoop.fs.s3a.aws.credentials.provider": input.credentialsProvider ?? POD_IDENTITY_CREDENTIALS_PROVIDER,
        "spark.hadoop.fs.s3a.endpoint.region": input.region,
        // Graceful executor decommissioning (spot interruptions, Karpenter consolidation): Spark adds
        // the /opt/decom.sh pre-stop hook and migrates blocks before the executor exits.
        "spark.decommission.enabled": "true",
        "spark.storage.decommission.enabled": "true",
        "spark.storage.decommission.shuffleBlocks.enabled": "true",
        "spark.storage.decommission.rddBlocks.enabled": "true",
        "spark.executor.decommission.forceKillTimeout": `${DECOMMISSION_FORCE_KILL_SECONDS}s`,
        // YuniKorn: the scheduler and the team queue, for submissions that bypass the operator
        // (the operator sets both itself when `batchScheduler: yunikorn`).
        "spark.kubernetes.scheduler.name": "yunikorn",
        "spark.kubernetes.driver.label.queue": queue,
        "spark.kubernetes.executor.label.queue": queue,
        // Karpenter: never consolidate or drift-replace a running driver's node (losing the driver loses the app).
        [`spark.kubernetes.driver.annotation.${DO_NOT_DISRUPT_ANNOTATION}`]: "true",
    };
}

// ---------------------------------------------------------------------------------------------
// Pod templates
// ---------------------------------------------------------------------------------------------

/** Pod-level security context satisfying the `restricted` Pod Security Standard, as the Spark user. */
export function sparkPodSecurityContext() {
    return {
        runAsNonRoot: true,
        runAsUser: SPARK_UID,
        runAsGroup: SPARK_UID,
        fsGroup: SPARK_UID,
        seccompProfile: { type: "RuntimeDefault" },
    };
}

/** Container-level security context satisfying the `restricted` Pod Security Standard. */
export function sparkContainerSecurityContext() {
    return {
        allowPrivilegeEscalation: false,
        capabilities: { drop: ["ALL"] },
        runAsNonRoot: true,
        runAsUser: SPARK_UID,
    };
}

/** Driver placement: the tainted on-demand driver pool. */
export function driverPlacement() {
    return {
        nodeSelector: { ...DRIVER_NODE_LABEL } as Record<string, string>,
        tolerations: DRIVER_TOLERATIONS.map((t) => ({ ...t })),
    };
}

/** Architectures the shipped executor pools offer (Graviton first); what the templates assume without pool data. */
export const DEFAULT_EXECUTOR_ARCHITECTURES: readonly Arch[] = ["arm64", "amd64"];

/**
 * Executor placement from the executor pools' architectures (node-pools.ts executorArchitectures, arm64
 * first): required to be one of them, and the first preferred when there is a choice (Graviton first).
 */
export function executorAffinity(architectures: readonly Arch[] = DEFAULT_EXECUTOR_ARCHITECTURES) {
    if (architectures.length === 0) {
        throw new Error("executorAffinity: architectures must list at least one architecture (no executor pool?)");
    }
    return {
        nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [{ matchExpressions: [{ key: "kubernetes.io/arch", operator: "In", values: [...architectures] }] }],
            },
            ...(architectures.length > 1
                ? {
                    preferredDuringSchedulingIgnoredDuringExecution: [{
                        weight: 100,
                        preference: { matchExpressions: [{ key: "kubernetes.io/arch", operator: "In", values: [architectures[0]] }] },
                    }],
                }
                : {}),
        },
    };
}

/**
 * The `SparkApplication.spec` fragment every team application should start from (contract
 * `sparkApplicationDefaults`): YuniKorn with the team queue, the platform Spark properties, the team
 * ServiceAccount, restricted security contexts, drivers annotated do-not-disrupt on the on-demand driver
 * pool, executors with a grace period longer than the decommission force-kill timeout on the executor pools.
 */
export function sparkApplicationDefaults(input: SparkDefaultsInput) {
    return {
        batchScheduler: "yunikorn",
        batchSchedulerOptions: { queue: teamQueue(input.team) },
        sparkConf: platformSparkDefaults(input),
        driver: {
            serviceAccount: SPARK_SERVICE_ACCOUNT,
            annotations: { [DO_NOT_DISRUPT_ANNOTATION]: "true" },
            nodeSelector: { ...driverPlacement().nodeSelector, [CAPACITY_TYPE_LABEL]: "on-demand" },
            tolerations: driverPlacement().tolerations,
            podSecurityContext: sparkPodSecurityContext(),
            securityContext: sparkContainerSecurityContext(),
        },
        executor: {
            serviceAccount: SPARK_SERVICE_ACCOUNT,
            terminationGracePeriodSeconds: EXECUTOR_TERMINATION_GRACE_SECONDS,
            affinity: executorAffinity(input.executorArchitectures ?? DEFAULT_EXECUTOR_ARCHITECTURES),
            podSecurityContext: sparkPodSecurityContext(),
            securityContext: sparkContainerSecurityContext(),
        },
    };
}

/** The fragment's type. */
export type SparkApplicationDefaults = ReturnType<typeof sparkApplicationDefaults>;

/** The two files of the `spark-defaults` ConfigMap. */
export function sparkDefaultsConfigMapData(input: SparkDefaultsInput): Record<string, string> {
    return {
        [SPARK_DEFAULTS_CONF_KEY]: renderSparkDefaultsConf(platformSparkDefaults(input)),
        [SPARK_APPLICATION_DEFAULTS_KEY]: yaml.dump(sparkApplicationDefaults(input), { noRefs: true, lineWidth: -1, sortKeys: true }),
    };
}
