/**
 * Where each pinned chart's pods take their replicas, requests, node selector, tolerations, host network
 * and image from: the values keys (and the chart's defaults when a key is not set), so the capacity model
 * and the image report can read a Helm release's pods from its values alone. A fact table: one entry per
 * chart the platform installs, at the version the component pins (tests compare the versions with the
 * components' DEFAULTS). Every path was read in the chart's values.yaml and templates at that version:
 *
 *  - karpenter 1.14.1, karpenter-crd 1.14.1: aws/karpenter-provider-aws charts/ at 1d927085d (the published
 *    1.14.1 chart) — controller Deployment, `replicas: 2`, required pod anti-affinity on the hostname in the
 *    default `affinity`, default toleration CriticalAddonsOnly, image public.ecr.aws/karpenter/controller
 *    1.14.1 by digest; karpenter-crd has only CRDs;
 *  - yunikorn 1.9.0: apache/yunikorn-release helm-charts/yunikorn at master 2387b43 (the chart the 1.9.0
 *    release was cut from; the resource defaults equal v1.8.0's) — scheduler Deployment (1 replica, containers
 *    `resources` and, with enableWebService, `web.resources`), admission controller (`admissionController.*`,
 *    hostNetwork true by default);
 *  - spark-operator 2.5.2: kubeflow/spark-operator charts/spark-operator-chart at v2.5.2 — controller and
 *    webhook Deployments under `controller.*` / `webhook.*`, image ghcr.io/kubeflow/spark-operator/controller;
 *  - opentelemetry-collector 0.170.0, kube-state-metrics 8.4.0, fluent-bit 0.58.1 (`kind: DaemonSet`),
 *    flink-kubernetes-operator 1.15.0 (`operatorPod.*`; the webhook container only with `webhook.create`),
 *    kuberay-operator 1.7.0 (`resources` defaults to limits 100m/512Mi, so requests equal them): their
 *    values.yaml at those tags;
 *  - grafana 12.11.1: grafana-community/helm-charts charts/grafana at tag grafana-12.11.1 — one Deployment
 *    (`replicas`), the grafana container (`resources`) and, with `sidecar.dashboards.enabled`, the
 *    grafana-sc-dashboard container (`sidecar.resources`); images `image.*` (tag default = appVersion 13.2.0)
 *    and `sidecar.image.*`; the root `init-chown-data` init container only renders with
 *    `persistence.enabled` (off on this platform).
 */

export type ValuesPath = readonly string[];

/** A values switch with the chart's default. */
export interface ValuesToggle {
    readonly path: ValuesPath;
    readonly default: boolean;
}

export interface ChartContainer {
    readonly name: string;
    /** Where its `resources` (requests/limits) are. */
    readonly resources: ValuesPath;
    /** The chart's own default resources when the values set none (`{}` when it has none). */
    readonly defaultResources?: { readonly requests?: Record<string, string>; readonly limits?: Record<string, string> };
    /** Rendered only when this switch is on. */
    readonly enabledBy?: ValuesToggle;
}

/** An image a pod runs: values keys and the chart default. */
export interface ChartImage {
    readonly registry?: ValuesPath;
    readonly repository: ValuesPath;
    readonly tag?: ValuesPath;
    readonly digest?: ValuesPath;
    /** The chart's default reference (registry/repository:tag[@digest]) when the values set nothing. */
    readonly default: string;
}

export interface ChartPod {
    readonly name: string;
    /** DaemonSet (one pod per node) or Deployment; a values key may switch it (fluent-bit `kind`). */
    readonly perNode: boolean | { readonly path: ValuesPath; readonly daemonSetValue: string; readonly default: string };
    readonly enabledBy?: ValuesToggle;
    readonly replicas?: { readonly path?: ValuesPath; readonly default: number };
    readonly containers: readonly ChartContainer[];
    readonly nodeSelector: ValuesPath;
    readonly defaultNodeSelector?: Record<string, string>;
    readonly tolerations: ValuesPath;
    readonly defaultTolerations?: readonly Record<string, string>[];
    readonly hostNetwork?: { readonly path: ValuesPath; readonly default: boolean };
    /** The chart's default affinity keeps replicas on distinct nodes; overriding `affinityPath` without it drops that. */
    readonly distinctNodes?: { readonly affinityPath: ValuesPath };
    readonly images: readonly ChartImage[];
}

export interface ChartSpec {
    /** The chart name (an `oci://…/<name>` reference ends in it). */
    readonly name: string;
    /** The chart version the paths were read at. */
    readonly version: string;
    readonly pods: readonly ChartPod[];
}

const SPARK_OPERATOR_IMAGE: ChartImage = { registry: ["image", "registry"], repository: ["image", "repository"], tag: ["image", "tag"], default: "ghcr.io/kubeflow/spark-operator/controller:2.5.2" };

export const CHARTS: Readonly<Record<string, ChartSpec>> = {
    karpenter: {
        name: "karpenter",
        version: "1.14.1",
        pods: [{
            name: "karpenter controller",
            perNode: false,
            replicas: { path: ["replicas"], default: 2 },
            containers: [{ name: "controller", resources: ["controller", "resources"] }],
            nodeSelector: ["nodeSelector"],
            defaultNodeSelector: { "kubernetes.io/os": "linux" },
            tolerations: ["tolerations"],
            defaultTolerations: [{ key: "CriticalAddonsOnly", operator: "Exists" }],
            hostNetwork: { path: ["hostNetwork"], default: false },
            distinctNodes: { affinityPath: ["affinity"] },
            images: [{
                repository: ["controller", "image", "repository"], tag: ["controller", "image", "tag"], digest: ["controller", "image", "digest"],
                default: "public.ecr.aws/karpenter/controller:1.14.1@sha256:723130949e4cab989461ff07d1be4cd781d63515432494641b33c235f300ae23",
            }],
        }],
    },
    "karpenter-crd": { name: "karpenter-crd", version: "1.14.1", pods: [] },
    yunikorn: {
        name: "yunikorn",
        version: "1.9.0",
        pods: [
            {
                name: "yunikorn scheduler",
                perNode: false,
                replicas: { default: 1 },
                containers: [
                    { name: "yunikorn-scheduler-k8s", resources: ["resources"], defaultResources: { requests: { cpu: "200m", memory: "1Gi" }, limits: { cpu: "4", memory: "2Gi" } } },
                    { name: "yunikorn-scheduler-web", resources: ["web", "resources"], enabledBy: { path: ["enableWebService"], default: true }, defaultResources: { requests: { cpu: "100m", memory: "100Mi" }, limits: { cpu: "200m", memory: "500Mi" } } },
                ],
                nodeSelector: ["nodeSelector"],
                tolerations: ["tolerations"],
                hostNetwork: { path: ["hostNetwork"], default: false },
                images: [
                    { repository: ["image", "repository"], tag: ["image", "tag"], default: "apache/yunikorn:scheduler-1.9.0" },
                    { repository: ["web", "image", "repository"], tag: ["web", "image", "tag"], default: "apache/yunikorn:web-1.9.0" },
                ],
            },
            {
                name: "yunikorn admission controller",
                perNode: false,
                enabledBy: { path: ["embedAdmissionController"], default: true },
                replicas: { path: ["admissionController", "replicaCount"], default: 1 },
                containers: [{ name: "yunikorn-admission-controller", resources: ["admissionController", "resources"], defaultResources: { requests: { cpu: "100m", memory: "500Mi" }, limits: { cpu: "500m", memory: "500Mi" } } }],
                nodeSelector: ["admissionController", "nodeSelector"],
                tolerations: ["admissionController", "tolerations"],
                hostNetwork: { path: ["admissionController", "hostNetwork"], default: true },
                images: [{ repository: ["admissionController", "image", "repository"], tag: ["admissionController", "image", "tag"], default: "apache/yunikorn:admission-1.9.0" }],
            },
        ],
    },
    "spark-operator": {
        name: "spark-operator",
        version: "2.5.2",
        pods: [
            {
                name: "spark-operator controller",
                perNode: false,
                replicas: { path: ["controller", "replicas"], default: 1 },
                containers: [{ name: "spark-operator-controller", resources: ["controller", "resources"] }],
                nodeSelector: ["controller", "nodeSelector"],
                tolerations: ["controller", "tolerations"],
                images: [SPARK_OPERATOR_IMAGE],
            },
            {
                name: "spark-operator webhook",
                perNode: false,
                enabledBy: { path: ["webhook", "enable"], default: true },
                replicas: { path: ["webhook", "replicas"], default: 1 },
                containers: [{ name: "spark-operator-webhook", resources: ["webhook", "resources"] }],
                nodeSelector: ["webhook", "nodeSelector"],
                tolerations: ["webhook", "tolerations"],
                images: [SPARK_OPERATOR_IMAGE],
            },
        ],
    },
    "opentelemetry-collector": {
        name: "opentelemetry-collector",
        version: "0.170.0",
        pods: [{
            name: "otel collector",
            perNode: { path: ["mode"], daemonSetValue: "daemonset", default: "" },
            replicas: { path: ["replicaCount"], default: 1 },
            containers: [{ name: "opentelemetry-collector", resources: ["resources"] }],
            nodeSelector: ["nodeSelector"],
            tolerations: ["tolerations"],
            hostNetwork: { path: ["hostNetwork"], default: false },
            images: [{ repository: ["image", "repository"], tag: ["image", "tag"], digest: ["image", "digest"], default: "" }],
        }],
    },
    "kube-state-metrics": {
        name: "kube-state-metrics",
        version: "8.4.0",
        pods: [{
            name: "kube-state-metrics",
            perNode: false,
            replicas: { path: ["replicas"], default: 1 },
            containers: [{ name: "kube-state-metrics", resources: ["resources"] }],
            nodeSelector: ["nodeSelector"],
            tolerations: ["tolerations"],
            hostNetwork: { path: ["hostNetwork"], default: false },
            images: [{ registry: ["image", "registry"], repository: ["image", "repository"], tag: ["image", "tag"], default: "registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.20.0" }],
        }],
    },
    "fluent-bit": {
        name: "fluent-bit",
        version: "0.58.1",
        pods: [{
            name: "fluent-bit",
            perNode: { path: ["kind"], daemonSetValue: "DaemonSet", default: "DaemonSet" },
            replicas: { path: ["replicaCount"], default: 1 },
            containers: [{ name: "fluent-bit", resources: ["resources"] }],
            nodeSelector: ["nodeSelector"],
            tolerations: ["tolerations"],
            hostNetwork: { path: ["hostNetwork"], default: false },
            images: [{ repository: ["image", "repository"], tag: ["image", "tag"], default: "cr.fluentbit.io/fluent/fluent-bit:5.1.1" }],
        }],
    },
    "flink-kubernetes-operator": {
        name: "flink-kubernetes-operator",
        version: "1.15.0",
        pods: [{
            name: "flink operator",
            perNode: false,
            replicas: { path: ["replicas"], default: 1 },
            containers: [
                { name: "flink-kubernetes-operator", resources: ["operatorPod", "resources"] },
                { name: "flink-webhook", resources: ["operatorPod", "webhook", "resources"], enabledBy: { path: ["webhook", "create"], default: true } },
            ],
            nodeSelector: ["operatorPod", "nodeSelector"],
            tolerations: ["operatorPod", "tolerations"],
            images: [{ repository: ["image", "repository"], tag: ["image", "tag"], digest: ["image", "digest"], default: "ghcr.io/apache/flink-kubernetes-operator:latest" }],
        }],
    },
    grafana: {
        name: "grafana",
        version: "12.11.1",
        pods: [{
            name: "grafana",
            perNode: false,
            replicas: { path: ["replicas"], default: 1 },
            containers: [
                { name: "grafana", resources: ["resources"] },
                { name: "grafana-sc-dashboard", resources: ["sidecar", "resources"], enabledBy: { path: ["sidecar", "dashboards", "enabled"], default: false } },
            ],
            nodeSelector: ["nodeSelector"],
            tolerations: ["tolerations"],
            images: [
                { registry: ["image", "registry"], repository: ["image", "repository"], tag: ["image", "tag"], default: "docker.io/grafana/grafana:13.2.0" },
                { registry: ["sidecar", "image", "registry"], repository: ["sidecar", "image", "repository"], tag: ["sidecar", "image", "tag"], default: "quay.io/kiwigrid/k8s-sidecar:2.10.1" },
            ],
        }],
    },
    "kuberay-operator": {
        name: "kuberay-operator",
        version: "1.7.0",
        pods: [{
            name: "kuberay operator",
            perNode: false,
            replicas: { path: ["replicas"], default: 1 },
            containers: [{ name: "kuberay-operator", resources: ["resources"], defaultResources: { limits: { cpu: "100m", memory: "512Mi" } } }],
            nodeSelector: ["nodeSelector"],
            tolerations: ["tolerations"],
            images: [{ repository: ["image", "repository"], tag: ["image", "tag"], default: "quay.io/kuberay/operator:v1.7.0" }],
        }],
    },
};

/** The chart name of a Helm `chart` reference: "oci://public.ecr.aws/karpenter/karpenter" → "karpenter", "repo/yunikorn" → "yunikorn". */
export function chartName(chart: string): string {
    const trimmed = chart.trim().replace(/@sha256:[0-9a-f]+$/i, "").replace(/\/+$/, "");
    return trimmed.slice(trimmed.lastIndexOf("/") + 1).replace(/\.tgz$/i, "").replace(/-\d+\.\d+\.\d+.*$/, "");
}
