/**
 * Kubeflow Spark Operator: watches the team namespaces for SparkApplications, mutates Spark pods
 * through its webhook, and hands every application to YuniKorn (gang scheduling + team queues).
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { platformNamespaceLabels } from "../shared/namespaces";
import { resourcesValue, SYSTEM_REPLICAS, SYSTEM_RESOURCES } from "../../lib/capacity/platform";
import { isReservedNamespace, NAMESPACES, SPARK_SERVICE_ACCOUNT, SYSTEM_NODE_LABEL, SYSTEM_TOLERATIONS } from "../../lib/platform";
import { throwArgProblems } from "../shared/arg-errors";
import { platformRelease } from "../shared/helm";
import { DNS1123_LABEL } from "../../lib/patterns";

/**
 * Chart coordinates. Every values key set below was checked against
 * kubeflow/spark-operator charts/spark-operator-chart/values.yaml and templates/ at tag v2.5.2
 * (the latest 2.x release; chart version 2.5.2, appVersion 2.5.2).
 */
export const SPARK_OPERATOR_DEFAULTS = {
    chart: "spark-operator",
    version: "2.5.2",
    repo: "https://kubeflow.github.io/spark-operator",
    releaseName: "spark-operator",
    /** Set explicitly so the controller's Kubernetes identity is stable: system:serviceaccount:spark-operator:spark-operator-controller. */
    controllerServiceAccount: "spark-operator-controller",
    webhookServiceAccount: "spark-operator-webhook",
} as const;

/** The labels the controller puts on its spark_application_* / spark_executor_* series (`--metrics-labels`). */
export const SPARK_OPERATOR_METRIC_LABELS = ["namespace"] as const;

/** Inputs of the pure values builder. */
export interface SparkOperatorValuesOptions {
    /** Namespaces the operator watches (the team namespaces). */
    readonly jobNamespaces: readonly string[];
    /** Let the chart create the driver Role + RoleBinding for the `spark` ServiceAccount in every job namespace. */
    readonly driverRbac: boolean;
}

/**
 * Helm values for the spark-operator chart 2.5.2.
 *
 * Key paths that matter (public blueprints get the first one wrong by putting `batchScheduler` at
 * the top level, where the chart ignores it):
 * - `controller.batchScheduler.enable` / `.default` → `--enable-batch-scheduler`, `--default-batch-scheduler=yunikorn`
 * - `spark.jobNamespaces` → `--namespaces=` on the controller and webhook, plus the webhook's namespace selector
 * - `prometheus.metrics.enable` → `--enable-metrics` and the `metrics` container port; `.labels` → `--metrics-labels`
 */
export function sparkOperatorValues(o: SparkOperatorValuesOptions): Record<string, unknown> {
    const system = {
        nodeSelector: { ...SYSTEM_NODE_LABEL },
        tolerations: SYSTEM_TOLERATIONS.map((t) => ({ ...t })),
    };
    return {
        controller: {
            replicas: SYSTEM_REPLICAS.sparkOperatorController,
            leaderElection: { enable: true },
            batchScheduler: {
                enable: true,
                default: "yunikorn",
            },
            serviceAccount: { create: true, name: SPARK_OPERATOR_DEFAULTS.controllerServiceAccount },
            ...system,
            // spark-submit runs as a JVM inside this pod for every submission (see values.yaml).
            resources: resourcesValue(SYSTEM_RESOURCES.sparkOperatorController),
        },
        webhook: {
            enable: true,
            replicas: SYSTEM_REPLICAS.sparkOperatorWebhook,
            failurePolicy: "Fail",
            serviceAccount: { create: true, name: SPARK_OPERATOR_DEFAULTS.webhookServiceAccount },
            ...system,
            resources: resourcesValue(SYSTEM_RESOURCES.sparkOperatorWebhook),
            podDisruptionBudget: { enable: true, minAvailable: 1 },
        },
        spark: {
            jobNamespaces: [...o.jobNamespaces],
            // The Team component owns the `spark` ServiceAccount (with the team's Pod Identity association) and its driver Role.
            serviceAccount: { create: false, name: SPARK_SERVICE_ACCOUNT },
            rbac: { create: o.driverRbac },
        },
        prometheus: {
            // `labels: "namespace"` → the controller's `--metrics-labels=namespace`: spark_application_* series carry
            // the SparkApplication's namespace (= team; internal/metrics getMetricLabels special-cases "namespace",
            // kubeflow/spark-operator v2.5.2), so the Grafana jobs dashboard can count per team.
            metrics: { enable: true, port: 8080, portName: "metrics", endpoint: "/metrics", labels: SPARK_OPERATOR_METRIC_LABELS.join(",") },
            podMonitor: { create: false },
        },
    };
}

export interface SparkOperatorArgs {
    /** Provider for the target cluster. Required. */
    readonly k8sProvider: k8s.Provider;
    /** Team namespaces the operator watches for SparkApplications; they must exist before the release (pass them in `dependsOn`). Required. */
    readonly jobNamespaces: readonly string[];
    /** Resources the release waits for, typically the team namespaces and the YuniKorn release. Defaults to none. */
    readonly dependsOn?: readonly pulumi.Resource[];
    /** Let the chart also create its Spark driver Role + RoleBinding for the `spark` ServiceAccount in every job namespace; the Team component already gives `spark` a narrower driver Role (components/tenancy/rbac.ts). Defaults to false. */
    readonly driverRbac?: boolean;
}

const TYPE = "moka:spark:SparkOperator";

export class SparkOperator extends pulumi.ComponentResource {
    /** The operator's namespace. */
    public readonly namespace: pulumi.Output<string>;
    /** Name of the Helm release. */
    public readonly releaseName: pulumi.Output<string>;
    /** The controller's ServiceAccount name; Spark driver pods are created under this identity. */
    public readonly controllerServiceAccount: string;

    constructor(name: string, args: SparkOperatorArgs, opts?: pulumi.ComponentResourceOptions) {
        super(TYPE, name, {}, opts);

        const problems: string[] = [];
        if (!args.k8sProvider) {
            problems.push("args.k8sProvider is required");
        }
        if (!args.jobNamespaces || args.jobNamespaces.length === 0) {
            problems.push("args.jobNamespaces must list at least one team namespace");
        }
        (args.jobNamespaces ?? []).forEach((ns, i, all) => {
            if (!DNS1123_LABEL.test(ns)) {
                problems.push(`args.jobNamespaces entry "${ns}" is not a namespace name (DNS-1123 label)`);
            } else if (all.indexOf(ns) !== i) {
                problems.push(`args.jobNamespaces lists "${ns}" twice`);
            } else if (isReservedNamespace(ns)) {
                problems.push(`args.jobNamespaces entry "${ns}" is a platform namespace, not a team namespace`);
            }
        });
        throwArgProblems(TYPE, name, problems);

        const driverRbac = args.driverRbac ?? false;
        const k8sOpts = { parent: this, provider: args.k8sProvider };

        const ns = new k8s.core.v1.Namespace(`${name}-namespace`, {
            metadata: {
                name: NAMESPACES.sparkOperator,
                labels: platformNamespaceLabels("restricted"),
            },
        }, k8sOpts);

        const release = platformRelease(`${name}-release`, SPARK_OPERATOR_DEFAULTS, ns.metadata.name,
            sparkOperatorValues({ jobNamespaces: args.jobNamespaces, driverRbac }),
            { ...k8sOpts, dependsOn: [ns, ...(args.dependsOn ?? [])] });

        this.namespace = ns.metadata.name;
        this.releaseName = release.name;
        this.controllerServiceAccount = SPARK_OPERATOR_DEFAULTS.controllerServiceAccount;
        this.registerOutputs({
            namespace: this.namespace,
            releaseName: this.releaseName,
            controllerServiceAccount: this.controllerServiceAccount,
        });
    }
}
