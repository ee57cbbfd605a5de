/**
 * Workload kinds for the pod-spec reader (policies/lib/pod-spec.ts): which Pulumi type tokens are
 * workloads, the Spark shapes' bases and roles, and where a namespaced object lands.
 */
import { parseK8sType } from "../k8s";
import { isUnknownValue } from "../known";
import { fieldAt, type Field, type Path } from "./fields";

export type WorkloadKind =
    | "Pod" | "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" | "ReplicationController" | "Job" | "CronJob"
    | "SparkApplication" | "ScheduledSparkApplication" | "SparkConnect";

/** Which pod of a workload: the only pod of a plain workload, or a Spark role. */
export type PodRole = "pod" | "driver" | "executor" | "server";

/** Kind → API groups it is a workload in. */
const KIND_GROUPS: Readonly<Record<WorkloadKind, readonly string[]>> = {
    Pod: ["core"],
    ReplicationController: ["core"],
    Deployment: ["apps", "extensions"],
    StatefulSet: ["apps"],
    DaemonSet: ["apps", "extensions"],
    ReplicaSet: ["apps", "extensions"],
    Job: ["batch"],
    CronJob: ["batch"],
    SparkApplication: ["sparkoperator.k8s.io"],
    ScheduledSparkApplication: ["sparkoperator.k8s.io"],
    SparkConnect: ["sparkoperator.k8s.io"],
};

/** The workload kind of a Pulumi type token, or undefined for anything that is not a workload. */
export function workloadKind(type: string): WorkloadKind | undefined {
    const t = parseK8sType(type);
    if (!t || !Object.prototype.hasOwnProperty.call(KIND_GROUPS, t.kind)) {
        return undefined;
    }
    const kind = t.kind as WorkloadKind;
    return KIND_GROUPS[kind].includes(t.group) ? kind : undefined;
}

/** True when the type is a workload whose pods this module reads. */
export function isWorkloadType(type: string): boolean {
    return workloadKind(type) !== undefined;
}

/** SparkApplication and ScheduledSparkApplication (SparkConnect has no role-level pod settings). */
export const SPARK_APP_KINDS: ReadonlySet<WorkloadKind> = new Set(["SparkApplication", "ScheduledSparkApplication"]);

/** True for the three Spark Operator kinds. */
export function isSparkKind(kind: WorkloadKind): boolean {
    return SPARK_APP_KINDS.has(kind) || kind === "SparkConnect";
}

/** Spark container names (kubeflow/spark-operator v2.5.2 pkg/common/spark.go). */
export const SPARK_CONTAINER: Readonly<Record<string, string>> = { driver: "spark-kubernetes-driver", executor: "spark-kubernetes-executor", server: "spark-kubernetes-driver" };

/** Where a Spark kind's application spec is. */
export function sparkBase(kind: WorkloadKind): Path {
    return kind === "ScheduledSparkApplication" ? ["spec", "template"] : ["spec"];
}

/** The pods a Spark kind runs. */
export function sparkRoles(kind: WorkloadKind): ("driver" | "executor" | "server")[] {
    return kind === "SparkConnect" ? ["server", "executor"] : ["driver", "executor"];
}

/**
 * The namespace a namespaced object lands in: metadata.namespace, else the Kubernetes provider's
 * `namespace`, else "default". `unknown` is the field to note when that decision is a preview-unknown.
 */
export function workloadNamespace(props: unknown, provider?: { readonly type: string; readonly props: unknown }): { name?: string; unknown?: Field } {
    const ns = fieldAt(props, ["metadata", "namespace"]);
    if (isUnknownValue(ns.value)) {
        return { unknown: ns };
    }
    if (typeof ns.value === "string" && ns.value !== "") {
        return { name: ns.value };
    }
    if (provider && provider.type === "pulumi:providers:kubernetes") {
        const pns = fieldAt(provider.props, ["namespace"]);
        if (isUnknownValue(pns.value)) {
            return { unknown: pns };
        }
        if (typeof pns.value === "string" && pns.value !== "") {
            return { name: pns.value };
        }
    }
    return { name: "default" };
}

/** `Kind "name"` (or the kind alone when the name is absent or unknown). */
export function workloadLabel(type: string, props: unknown): string {
    const kind = type.split(":").pop() ?? type;
    const name = fieldAt(props, ["metadata", "name"]).value;
    return typeof name === "string" && name !== "" && !isUnknownValue(name) ? `${kind} "${name}"` : kind;
}
