/**
 * Platform Spark defaults: the properties every team's Spark applications should run with, and the
 * driver/executor pod templates that make them schedulable on the platform's node pools under the
 * `restricted` Pod Security Standard. Pure: no Pulumi, no I/O.
 *
 * How the defaults reach an application
 * -------------------------------------
 * The Team component (components/tenancy/index.ts) writes them into a ConfigMap `spark-defaults` in each team
 * namespace with three keys: `spark-defaults.conf`, `driver-pod-template.yaml` and
 * `executor-pod-template.yaml`. A SparkApplication that sets `spec.sparkConfigMap: spark-defaults`
 * gets it mounted by the Spark Operator's webhook at /etc/spark/conf with `SPARK_CONF_DIR` pointing
 * there, in the driver and executor pods.
 *
 * That mount alone does NOT apply the properties. The operator submits with
 * `--properties-file .../spark.properties` (generated from `spec.sparkConf`), and spark-submit skips
 * `spark-defaults.conf` whenever `--properties-file` is given (Spark < 4.0 always; Spark 4 only reads it
 * with `--load-spark-defaults`, which the operator adds behind its alpha `LoadSparkDefaults` gate, and
 * then from the operator pod's own conf dir). See kubeflow/spark-operator issues #216, #691, #2795.
 * So the reliable path is `spec.sparkConf`: the platform publishes the same map per team in its
 * stack outputs (contract `teams.<team>.sparkConf`), and the example app merges it into `spec.sparkConf`
 * (examples/team-spark-job). The ConfigMap stays as the in-cluster copy for `spark-submit` users
 * (`--properties-file /etc/spark/conf/spark-defaults.conf`) and for inspection.
 *
 * For the same reason the pod template paths are NOT set here: `spark.kubernetes.*.podTemplateFile`
 * is read by spark-submit inside the operator pod, where the team ConfigMap is not mounted, and
 * operator v2.x always passes its own template files (built from `spec.driver` / `spec.executor`).
 * SparkApplications get the same effect from the `spec.driver` / `spec.executor` fields (security
 * contexts, tolerations, node selector, affinity) that the templates below encode.
 *
 * S3A credentials: `ContainerCredentialsProvider` from AWS SDK v2 reads the EKS Pod Identity agent
 * (AWS_CONTAINER_CREDENTIALS_FULL_URI + AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE). S3A accepts SDK v2
 * provider classes from Hadoop 3.4.0 on, so the Spark image must carry hadoop-aws 3.4.x with an SDK v2
 * bundle >= 2.21.30 (the first with Pod Identity support). The platform image is Spark 4.1 (Hadoop 3.4.2,
 * SDK v2 2.29.52; components/images/index.ts). Spark 3.5.x bundles Hadoop 3.3.4 with SDK v1 1.12.262, which
 * predates Pod Identity, so no `credentialsProvider` override makes it work on this platform.
 */
import * as yaml from "js-yaml";
import type { Arch } from "../../lib/instance-families";
import { AWS_REGION } from "../../lib/patterns";
import { POD_IDENTITY_CREDENTIALS_PROVIDER, renderSparkDefaultsConf, S3A_FILESYSTEM } from "../shared/spark-conf";
import { DRIVER_NODE_LABEL, DRIVER_TOLERATIONS, SPARK_UID, teamEventLogPrefix, teamQueue } from "../../lib/platform";

/** Keys of the `spark-defaults` ConfigMap. */
export const SPARK_DEFAULTS_CONFIGMAP = "spark-defaults";
export const SPARK_DEFAULTS_CONF_KEY = "spark-defaults.conf";
export const DRIVER_POD_TEMPLATE_KEY = "driver-pod-template.yaml";
export const EXECUTOR_POD_TEMPLATE_KEY = "executor-pod-template.yaml";
/** Where the Spark Operator mounts `spec.sparkConfigMap` (kubeflow/spark-operator pkg/common DefaultSparkConfDir). */
export const SPARK_CONF_DIR = "/etc/spark/conf";

/** Spark's default container names, which Spark looks for in pod templates. */
export const DRIVER_CONTAINER_NAME = "spark-kubernetes-driver";
export const EXECUTOR_CONTAINER_NAME = "spark-kubernetes-executor";

/**
 * Seconds an executor gets between SIGTERM and SIGKILL. Spark's decommission pre-stop hook
 * (/opt/decom.sh) migrates shuffle and RDD blocks in this window; a spot interruption gives two minutes.
 */
export const EXECUTOR_TERMINATION_GRACE_SECONDS = 120;

export interface SparkDefaultsInput {
    /** Event-log bucket name (not ARN). */
    readonly eventLogBucket: string;
    /** Platform event-log prefix (`moka:storage.eventLogPrefix`); the team's directory is below it. */
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
    if (!/^[a-z0-9.-]{3,63}$/.test(input.eventLogBucket)) {
        problems.push(`eventLogBucket "${input.eventLogBucket}" is not an S3 bucket name`);
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
        // Event logs: one directory per team, read by that team's History Server.
        "spark.eventLog.enabled": "true",
        "spark.eventLog.dir": `s3a://${input.eventLogBucket}/${teamEventLogPrefix(input.eventLogPrefix, input.team)}/`,
        "spark.eventLog.rolling.enabled": "true",
        "spark.eventLog.rolling.maxFileSize": "64m",
        // Metrics: Prometheus endpoints on the driver UI port (/metrics/prometheus, /metrics/executors/prometheus).
        "spark.ui.prometheus.enabled": "true",
        "spark.metrics.conf.*.sink.prometheusServlet.class": "org.apache.spark.metrics.sink.PrometheusServlet",
        "spark.metrics.conf.*.sink.prometheusServlet.path": "/metrics/prometheus",
        "spark.metrics.appStatusSource.enabled": "true",
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
        "spark.executor.decommission.forceKillTimeout": `${EXECUTOR_TERMINATION_GRACE_SECONDS - 10}s`,
        // YuniKorn: the scheduler and the team queue, for submissions that bypass the operator
        // (the operator sets both itself when `batchScheduler: yunikorn`).
        "spark.kubernetes.scheduler.name": "yunikorn",
        "spark.kubernetes.driver.label.queue": queue,
        "spark.kubernetes.executor.label.queue": queue,
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

/** The driver pod template (a v1 Pod, as Spark expects in `spark.kubernetes.driver.podTemplateFile`). */
export function driverPodTemplate() {
    return {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { labels: { "spark-role": "driver" } },
        spec: {
            securityContext: sparkPodSecurityContext(),
            ...driverPlacement(),
            containers: [{ name: DRIVER_CONTAINER_NAME, securityContext: sparkContainerSecurityContext() }],
        },
    };
}

/** The executor pod template, placed on the executor pools' architectures. */
export function executorPodTemplate(architectures: readonly Arch[] = DEFAULT_EXECUTOR_ARCHITECTURES) {
    return {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { labels: { "spark-role": "executor" } },
        spec: {
            securityContext: sparkPodSecurityContext(),
            affinity: executorAffinity(architectures),
            terminationGracePeriodSeconds: EXECUTOR_TERMINATION_GRACE_SECONDS,
            containers: [{ name: EXECUTOR_CONTAINER_NAME, securityContext: sparkContainerSecurityContext() }],
        },
    };
}

/** Serializes a pod template to YAML (stable key order, no line folding). */
export function podTemplateYaml(template: object): string {
    return yaml.dump(template, { noRefs: true, lineWidth: -1, sortKeys: true });
}

/** The three files of the `spark-defaults` ConfigMap. */
export function sparkDefaultsConfigMapData(input: SparkDefaultsInput): Record<string, string> {
    return {
        [SPARK_DEFAULTS_CONF_KEY]: renderSparkDefaultsConf(platformSparkDefaults(input)),
        [DRIVER_POD_TEMPLATE_KEY]: podTemplateYaml(driverPodTemplate()),
        [EXECUTOR_POD_TEMPLATE_KEY]: podTemplateYaml(executorPodTemplate(input.executorArchitectures)),
    };
}
