/**
 * What the platform runs on the system node group: every pinned container's requests and limits and every
 * controller's replica count, in one place. The components put these into their Helm values and
 * Deployments; config/cross-checks.ts sums them (platformSystemPods) against the node group before
 * anything is created; the deployability pack re-reads them from the resources.
 *
 * Sizing, per component (chart defaults from lib/capacity/charts.ts sources):
 *  - Karpenter controller ×2: 1 CPU / 1Gi, limits equal (Guaranteed QoS) — Karpenter's getting-started
 *    sizing; the leader does all provisioning for every Spark pool and must never be throttled.
 *  - YuniKorn scheduler 200m/1Gi (limits 4/2Gi), web UI 100m/100Mi (limits 200m/500Mi), admission
 *    controller ×2 100m/500Mi (limits 500m/500Mi): the chart's own defaults, now explicit and reviewed (the
 *    admission controller template reads all four fields, so all four are set).
 *  - Spark Operator controller 200m/512Mi (limits 2/1Gi; spark-submit runs as a JVM in this pod for every
 *    submission), webhook ×2 100m/128Mi (limits 500m/256Mi): the chart sets none.
 *  - History Server, one per team: 250m/1536Mi (limits 1/1536Mi; a 1g JVM heap plus off-heap).
 *  - OpenTelemetry Collector 200m/512Mi (memory limit 1Gi), kube-state-metrics 50m/128Mi (limit 512Mi):
 *    the charts set none.
 *  - Fluent Bit, a DaemonSet on every node: 100m/128Mi (limit 512Mi).
 *  - Flink operator: 250m/512Mi (memory limit 1Gi), the figures the chart's values.yaml suggests in its
 *    comment (`operatorPod.resources: {}` by default, i.e. BestEffort, first to be evicted).
 *  - KubeRay operator: 100m/512Mi with the chart's limits 100m/512Mi — the chart's default limits, which
 *    Kubernetes copies into requests anyway, now explicit.
 *  - Grafana (moka:observability.grafana.enabled): 100m/256Mi (memory limit 1Gi; the chart sets GOMEMLIMIT
 *    from it) and its dashboard sidecar (k8s-sidecar, Python) 50m/64Mi (limit 256Mi): the chart sets none.
 */
import { parseCpuMillis, parseMemoryMi } from "../quantity";
import { EKS_ADDON_PODS } from "./addons";
import type { PodGroup } from "./model";

export interface ContainerResources {
    readonly requests: { readonly cpu: string; readonly memory: string };
    readonly limits: { readonly cpu?: string; readonly memory: string };
}

const res = (cpu: string, memory: string, limits: { cpu?: string; memory: string }): ContainerResources => ({ requests: { cpu, memory }, limits });

/** Requests and limits of every container the platform pins to the system nodes. */
export const SYSTEM_RESOURCES = {
    karpenterController: res("1", "1Gi", { cpu: "1", memory: "1Gi" }),
    yunikornScheduler: res("200m", "1Gi", { cpu: "4", memory: "2Gi" }),
    yunikornWeb: res("100m", "100Mi", { cpu: "200m", memory: "500Mi" }),
    yunikornAdmission: res("100m", "500Mi", { cpu: "500m", memory: "500Mi" }),
    sparkOperatorController: res("200m", "512Mi", { cpu: "2", memory: "1Gi" }),
    sparkOperatorWebhook: res("100m", "128Mi", { cpu: "500m", memory: "256Mi" }),
    historyServer: res("250m", "1536Mi", { cpu: "1", memory: "1536Mi" }),
    otelCollector: res("200m", "512Mi", { memory: "1Gi" }),
    kubeStateMetrics: res("50m", "128Mi", { memory: "512Mi" }),
    fluentBit: res("100m", "128Mi", { memory: "512Mi" }),
    flinkOperator: res("250m", "512Mi", { memory: "1Gi" }),
    kuberayOperator: res("100m", "512Mi", { cpu: "100m", memory: "512Mi" }),
    grafana: res("100m", "256Mi", { memory: "1Gi" }),
    grafanaSidecar: res("50m", "64Mi", { memory: "256Mi" }),
} as const satisfies Record<string, ContainerResources>;

/** Replica counts of the platform's system-node controllers. */
export const SYSTEM_REPLICAS = {
    karpenter: 2,
    yunikornScheduler: 1,
    /** The webhook YuniKorn registers fails open (failurePolicy Ignore): keep two up. */
    yunikornAdmission: 2,
    sparkOperatorController: 1,
    /** failurePolicy Fail: two replicas and a PDB so a drain never blocks every Spark pod. */
    sparkOperatorWebhook: 2,
    /** Per team. */
    historyServer: 1,
    /** Prometheus scraping is not sharded without a target allocator: one replica. */
    otelCollector: 1,
    kubeStateMetrics: 1,
    flinkOperator: 1,
    kuberayOperator: 1,
    /** No persistence (dashboards and the data source are provisioned), so one replica; two would need a shared database. */
    grafana: 1,
} as const;

/** A copy for Helm values or a container spec (values are mutable objects). */
export function resourcesValue(r: ContainerResources): { requests: Record<string, string>; limits: Record<string, string> } {
    return { requests: { ...r.requests }, limits: { ...r.limits } };
}

/** The requests of one pod with these containers. */
export function podRequests(...containers: ContainerResources[]): PodGroup["requests"] {
    return {
        cpuMillis: containers.reduce((s, c) => s + (parseCpuMillis(c.requests.cpu) ?? 0), 0),
        memoryMiB: containers.reduce((s, c) => s + (parseMemoryMi(c.requests.memory) ?? 0), 0),
    };
}

/** What the configuration decides about the system-node workload. */
export interface PlatformShape {
    /** Teams, one History Server each. */
    readonly teams: number;
    readonly flink: boolean;
    readonly ray: boolean;
    /** Grafana and its dashboard sidecar (moka:observability.grafana.enabled). */
    readonly grafana: boolean;
}

/** Every pod the platform puts on the system node group for this shape, the EKS add-ons included. */
export function platformSystemPods(s: PlatformShape): PodGroup[] {
    const r = SYSTEM_RESOURCES;
    const n = SYSTEM_REPLICAS;
    const group = (name: string, replicas: number, containers: ContainerResources[], extra: Partial<PodGroup> = {}): PodGroup =>
        ({ name, source: "lib/capacity/platform.ts", perNode: false, replicas, requests: podRequests(...containers), ...extra });
    return [
        ...Object.values(EKS_ADDON_PODS).flat(),
        group("fluent-bit", 1, [r.fluentBit], { perNode: true }),
        group("karpenter controller", n.karpenter, [r.karpenterController], { distinctNodes: true }),
        group("yunikorn scheduler", n.yunikornScheduler, [r.yunikornScheduler, r.yunikornWeb]),
        group("yunikorn admission controller", n.yunikornAdmission, [r.yunikornAdmission]),
        group("spark-operator controller", n.sparkOperatorController, [r.sparkOperatorController]),
        group("spark-operator webhook", n.sparkOperatorWebhook, [r.sparkOperatorWebhook]),
        group("spark history server", n.historyServer * s.teams, [r.historyServer]),
        group("otel collector", n.otelCollector, [r.otelCollector]),
        group("kube-state-metrics", n.kubeStateMetrics, [r.kubeStateMetrics]),
        ...(s.flink ? [group("flink operator", n.flinkOperator, [r.flinkOperator])] : []),
        ...(s.ray ? [group("kuberay operator", n.kuberayOperator, [r.kuberayOperator])] : []),
        ...(s.grafana ? [group("grafana", n.grafana, [r.grafana, r.grafanaSidecar])] : []),
    ];
}
