/**
 * Kubernetes shapes as policies see them: the Pulumi type tokens of workload kinds, and how to get
 * from any workload (including a SparkApplication's driver and executor) to its pod specs.
 */
import { asArray, asString, get, isRecord } from "./props";

/** Pulumi type token for a Kubernetes kind: `kubernetes:<group>/<version>:<Kind>` (core group is `core`). */
export function k8sType(apiVersion: string, kind: string): string {
    const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["core", apiVersion];
    return `kubernetes:${group}/${version}:${kind}`;
}

/** Parses a Kubernetes Pulumi type token; undefined for non-Kubernetes types. */
export function parseK8sType(type: string): { group: string; version: string; kind: string } | undefined {
    const m = /^kubernetes:([^/]+)\/([^:]+):(.+)$/.exec(type);
    return m ? { group: m[1], version: m[2], kind: m[3] } : undefined;
}

export function isK8sKind(type: string, kind: string, group?: string): boolean {
    const t = parseK8sType(type);
    return t !== undefined && t.kind === kind && (group === undefined || t.group === group);
}

/** Namespace of a namespaced object (metadata.namespace), "default" when absent. */
export function namespaceOf(props: unknown): string {
    return asString(get(props, "metadata", "namespace")) ?? "default";
}

export function nameOf(props: unknown): string | undefined {
    return asString(get(props, "metadata", "name"));
}

export interface PodSpecView {
    /** Where in the object this pod spec sits, e.g. "spec.template.spec" or "spec.driver". */
    readonly path: string;
    /** The pod-level fields (hostNetwork, hostPID, volumes, securityContext, serviceAccountName). */
    readonly pod: Record<string, unknown>;
    /** All containers, init and ephemeral containers included. */
    readonly containers: Record<string, unknown>[];
}

const TEMPLATE_KINDS = new Set(["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "ReplicationController"]);

function containersOf(pod: unknown): Record<string, unknown>[] {
    return ["containers", "initContainers", "ephemeralContainers"]
        .flatMap((k) => asArray(get(pod, k)))
        .filter(isRecord);
}

/**
 * Pod specs inside a workload object. Handles core Pods, the template kinds, CronJobs and Spark
 * Operator SparkApplications / ScheduledSparkApplications (driver and executor specs, which carry
 * pod fields inline, plus `spec.volumes` shared by both).
 */
export function podSpecs(type: string, props: unknown): PodSpecView[] {
    const t = parseK8sType(type);
    if (!t) {
        return [];
    }
    const views: PodSpecView[] = [];
    const add = (path: string, pod: unknown, containers?: Record<string, unknown>[]) => {
        if (isRecord(pod)) {
            views.push({ path, pod, containers: containers ?? containersOf(pod) });
        }
    };
    if (t.kind === "Pod" && t.group === "core") {
        add("spec", get(props, "spec"));
    } else if (TEMPLATE_KINDS.has(t.kind)) {
        add("spec.template.spec", get(props, "spec", "template", "spec"));
    } else if (t.kind === "CronJob") {
        add("spec.jobTemplate.spec.template.spec", get(props, "spec", "jobTemplate", "spec", "template", "spec"));
    } else if (t.group === "sparkoperator.k8s.io" && (t.kind === "SparkApplication" || t.kind === "ScheduledSparkApplication")) {
        const spec = t.kind === "SparkApplication" ? get(props, "spec") : get(props, "spec", "template");
        const volumes = get(spec, "volumes");
        for (const role of ["driver", "executor"] as const) {
            const r = get(spec, role);
            if (isRecord(r)) {
                // A SparkApplication role is a pod spec in disguise: one main container whose
                // securityContext/image live on the role itself, plus sidecars and init containers.
                const main: Record<string, unknown> = { name: `spark-${role}`, securityContext: r.securityContext, image: r.image ?? get(spec, "image") };
                const extra = ["sidecars", "initContainers"].flatMap((k) => asArray(r[k])).filter(isRecord);
                add(`spec.${role}`, { ...r, volumes, securityContext: r.podSecurityContext ?? r.securityContext }, [main, ...extra]);
            }
        }
    }
    return views;
}

/** True when the type is a workload whose pods podSpecs() can read. */
export function isWorkloadType(type: string): boolean {
    const t = parseK8sType(type);
    if (!t) {
        return false;
    }
    return (t.kind === "Pod" && t.group === "core") || TEMPLATE_KINDS.has(t.kind) || t.kind === "CronJob"
        || (t.group === "sparkoperator.k8s.io" && (t.kind === "SparkApplication" || t.kind === "ScheduledSparkApplication"));
}
