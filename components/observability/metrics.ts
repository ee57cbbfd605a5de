/**
 * Metrics: an Amazon Managed Service for Prometheus (AMP) workspace as the Prometheus-compatible store,
 * fed by one OpenTelemetry Collector (contrib distribution) that receives OTLP and scrapes Spark
 * drivers, YuniKorn, Karpenter and kube-state-metrics, and remote-writes with SigV4.
 *
 * Why AMP rather than an in-cluster Prometheus: it is managed (no TSDB volumes, compaction, upgrades or
 * HA pairs to run on the system nodes), it takes Prometheus remote write signed with SigV4 so the only
 * credential is the collector's Pod Identity role scoped to `aps:RemoteWrite` on this one workspace, it
 * speaks PromQL to Grafana and other clients, and its retention is a workspace setting
 * (`aws.amp.WorkspaceConfiguration.retentionPeriodInDays`, applied from `metricsRetentionDays`).
 *
 * The namespace comes from {@link ObservabilityNamespace} (components/observability/namespace.ts).
 * The collector config, chart values and IAM documents are pure functions in components/observability/collector.ts.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { isLogRetentionDays, LOG_RETENTION_MESSAGE } from "../../lib/aws-limits";
import { throwArgProblems } from "../shared/arg-errors";
import { NAMESPACES, SYSTEM_NODE_LABEL, SYSTEM_TOLERATIONS } from "../../lib/platform";
import {
    collectorConfig, collectorValues, kubeStateMetricsValues, OTLP_PORTS, remoteWritePolicy, remoteWriteUrl,
} from "./collector";
import { platformRelease } from "../shared/helm";
import { podIdentityTrustPolicy } from "../shared/iam";

/**
 * Chart coordinates. Values keys checked against
 *  - open-telemetry/opentelemetry-helm-charts charts/opentelemetry-collector/values.yaml at tag
 *    opentelemetry-collector-0.170.0 (appVersion 0.158.0; the contrib image carries prometheusremotewrite
 *    and sigv4auth, the core image has neither);
 *  - prometheus-community/helm-charts charts/kube-state-metrics/values.yaml at tag kube-state-metrics-8.4.0
 *    (appVersion 2.20.0).
 */
export const METRICS_DEFAULTS = {
    collector: {
        chart: "opentelemetry-collector",
        version: "0.170.0",
        repo: "https://open-telemetry.github.io/opentelemetry-helm-charts",
        releaseName: "otel-collector",
        serviceAccountName: "otel-collector",
        image: { repository: "otel/opentelemetry-collector-contrib", tag: "0.158.0" },
    },
    kubeStateMetrics: {
        chart: "kube-state-metrics",
        version: "8.4.0",
        repo: "https://prometheus-community.github.io/helm-charts",
        releaseName: "kube-state-metrics",
        imageTag: "v2.20.0",
    },
} as const;

/** Arguments for {@link Metrics}. */
export interface MetricsArgs {
    /** Provider of the target cluster. Required. */
    readonly k8sProvider: k8s.Provider;
    /** EKS cluster name: Pod Identity association and the `cluster` label on every series. Required. */
    readonly clusterName: pulumi.Input<string>;
    /** Stem of physical names, e.g. "moka-prod". Required. */
    readonly baseName: string;
    /** AWS region of the workspace (SigV4 signing region). Required. */
    readonly region: string;
    /** Tags for every taggable AWS resource. Required. */
    readonly tags: Record<string, string>;
    /** Days AMP keeps samples (1-1095). Required. */
    readonly metricsRetentionDays: number;
    /** Namespace to install into; it must exist. Defaults to "observability". */
    readonly namespace?: string;
    /** Protect the workspace (it holds the metric history) from deletion. Defaults to false. */
    readonly protect?: boolean;
    /** Send AMP's own vended logs (rule/alerting and ingestion errors) to a CloudWatch log group. Defaults to false. */
    readonly workspaceLogging?: boolean;
    /** Retention of that log group (a CloudWatch Logs retention value). Defaults to 30. */
    readonly workspaceLogRetentionDays?: number;
    /** Resources the Kubernetes children wait for (typically the namespace). Defaults to none. */
    readonly dependsOn?: pulumi.Resource[];
}

const TYPE = "moka:observability:Metrics";

/** AMP workspace plus the OpenTelemetry Collector and kube-state-metrics feeding it. */
export class Metrics extends pulumi.ComponentResource {
    public readonly workspaceId: pulumi.Output<string>;
    public readonly workspaceArn: pulumi.Output<string>;
    /** AMP Prometheus endpoint (query with SigV4 at `<endpoint>api/v1/query`). */
    public readonly prometheusEndpoint: pulumi.Output<string>;
    public readonly remoteWriteUrl: pulumi.Output<string>;
    public readonly collectorRoleArn: pulumi.Output<string>;
    /** In-cluster OTLP endpoints for applications. */
    public readonly otlpGrpcEndpoint: string;
    public readonly otlpHttpEndpoint: string;

    constructor(name: string, args: MetricsArgs, opts?: pulumi.ComponentResourceOptions) {
        super(TYPE, name, {}, opts);

        const problems: string[] = [];
        if (!args.k8sProvider) {
            problems.push("args.k8sProvider is required");
        }
        if (!args.baseName) {
            problems.push("args.baseName is required");
        }
        if (!args.region) {
            problems.push("args.region is required");
        }
        if (!Number.isInteger(args.metricsRetentionDays) || args.metricsRetentionDays < 1 || args.metricsRetentionDays > 1095) {
            problems.push(`args.metricsRetentionDays must be a whole number of days between 1 and 1095, got ${args.metricsRetentionDays}`);
        }
        const workspaceLogRetentionDays = args.workspaceLogRetentionDays ?? 30;
        if (!isLogRetentionDays(workspaceLogRetentionDays)) {
            problems.push(`args.workspaceLogRetentionDays ${LOG_RETENTION_MESSAGE}, got ${workspaceLogRetentionDays}`);
        }
        throwArgProblems(TYPE, name, problems);

        const namespace = args.namespace ?? NAMESPACES.observability;
        const protect = args.protect ?? false;
        const workspaceLogging = args.workspaceLogging ?? false;
        const dependsOn = args.dependsOn ?? [];
        const { collector: c, kubeStateMetrics: ksm } = METRICS_DEFAULTS;
        const placement = { nodeSelector: { ...SYSTEM_NODE_LABEL }, tolerations: SYSTEM_TOLERATIONS.map((t) => ({ ...t })) };

        // --- store -----------------------------------------------------------------------------
        const workspaceLogGroup = workspaceLogging
            ? new aws.cloudwatch.LogGroup(`${name}-workspace-log-group`, {
                // The vendedlogs prefix keeps AMP's delivery out of the account's log resource-policy size limit.
                name: `/aws/vendedlogs/prometheus/${args.baseName}`,
                retentionInDays: workspaceLogRetentionDays,
                tags: args.tags,
            }, { parent: this })
            : undefined;

        const workspace = new aws.amp.Workspace(`${name}-workspace`, {
            alias: `${args.baseName}-metrics`,
            loggingConfiguration: workspaceLogGroup ? { logGroupArn: pulumi.interpolate`${workspaceLogGroup.arn}:*` } : undefined,
            tags: args.tags,
        }, { parent: this, protect, retainOnDelete: protect });

        new aws.amp.WorkspaceConfiguration(`${name}-workspace-config`, {
            workspaceId: workspace.id,
            retentionPeriodInDays: args.metricsRetentionDays,
        }, { parent: this });

        const writeUrl = workspace.prometheusEndpoint.apply(remoteWriteUrl);

        // --- collector identity ------------------------------------------------------------------
        const role = new aws.iam.Role(`${name}-collector-role`, {
            name: `${args.baseName}-otel-collector`,
            description: "OpenTelemetry Collector: remote-write to the platform AMP workspace",
            assumeRolePolicy: JSON.stringify(podIdentityTrustPolicy()),
            tags: args.tags,
        }, { parent: this });

        const policy = new aws.iam.RolePolicy(`${name}-collector-policy`, {
            role: role.name,
            name: "amp-remote-write",
            policy: workspace.arn.apply((arn) => JSON.stringify(remoteWritePolicy(arn))),
        }, { parent: this });

        const podIdentity = new aws.eks.PodIdentityAssociation(`${name}-collector-pod-identity`, {
            clusterName: args.clusterName,
            namespace,
            serviceAccount: c.serviceAccountName,
            roleArn: role.arn,
            tags: args.tags,
        }, { parent: this });

        // --- in-cluster ----------------------------------------------------------------------------
        const k8sOpts = { parent: this, provider: args.k8sProvider };

        const kubeStateMetrics = platformRelease(`${name}-kube-state-metrics`, ksm, namespace, kubeStateMetricsValues({ ...placement, imageTag: ksm.imageTag, fullname: ksm.releaseName }), { ...k8sOpts, dependsOn });

        platformRelease(`${name}-collector`, c, namespace, pulumi.all([writeUrl, args.clusterName]).apply(([url, clusterName]) => collectorValues({
                ...placement,
                config: collectorConfig({
                    remoteWriteUrl: url,
                    region: args.region,
                    clusterName,
                    namespaces: { yunikorn: NAMESPACES.yunikorn, karpenter: NAMESPACES.karpenter, observability: namespace, sparkOperator: NAMESPACES.sparkOperator },
                }),
                imageRepository: c.image.repository,
                imageTag: c.image.tag,
                fullname: c.releaseName,
                serviceAccountName: c.serviceAccountName,
            })), { ...k8sOpts, dependsOn: [...dependsOn, podIdentity, policy, kubeStateMetrics] });

        this.workspaceId = workspace.id;
        this.workspaceArn = workspace.arn;
        this.prometheusEndpoint = workspace.prometheusEndpoint;
        this.remoteWriteUrl = writeUrl;
        this.collectorRoleArn = role.arn;
        this.otlpGrpcEndpoint = `${c.releaseName}.${namespace}.svc:${OTLP_PORTS.grpc}`;
        this.otlpHttpEndpoint = `http://${c.releaseName}.${namespace}.svc:${OTLP_PORTS.http}`;

        this.registerOutputs({
            workspaceId: this.workspaceId,
            workspaceArn: this.workspaceArn,
            prometheusEndpoint: this.prometheusEndpoint,
            remoteWriteUrl: this.remoteWriteUrl,
            collectorRoleArn: this.collectorRoleArn,
            otlpGrpcEndpoint: this.otlpGrpcEndpoint,
            otlpHttpEndpoint: this.otlpHttpEndpoint,
        });
    }
}
