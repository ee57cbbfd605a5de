/**
 * Pure RBAC rules for a team's Spark ServiceAccount (components/tenancy/index.ts): a namespaced Role with what
 * a Spark driver does against the API server, and nothing cluster-wide.
 *
 * Verbs follow the Kubernetes calls in Spark's K8s scheduler backend (resource-managers/kubernetes,
 * KubernetesClusterSchedulerBackend / ExecutorPodsAllocator / snapshot sources) and match the job
 * namespace Role the Spark Operator chart ships (charts/spark-operator-chart/templates/spark/rbac.yaml,
 * v2.5.2) minus `update`, which the driver never issues:
 *  - pods: create executors, get its own pod (owner references), list/watch executor state,
 *    patch executor labels (exec id, decommissioning), delete one or all (label selector) executors;
 *  - services: the driver deletes its services by label selector on shutdown
 *    (`spark.kubernetes.driver.service.deleteOnTermination`), and in-cluster spark-submit creates them;
 *  - configmaps: the driver creates the executor ConfigMap and deletes it by label selector;
 *  - persistentvolumeclaims: on-demand executor PVCs are created, listed for reuse and deleted by label.
 */

export interface PolicyRule {
    readonly apiGroups: string[];
    readonly resources: string[];
    readonly verbs: string[];
}

/** The Spark driver Role's rules. */
export function sparkDriverRules(): PolicyRule[] {
    return [
        { apiGroups: [""], resources: ["pods"], verbs: ["create", "get", "list", "watch", "patch", "delete", "deletecollection"] },
        { apiGroups: [""], resources: ["services"], verbs: ["create", "get", "list", "watch", "delete", "deletecollection"] },
        { apiGroups: [""], resources: ["configmaps"], verbs: ["create", "get", "list", "watch", "delete", "deletecollection"] },
        { apiGroups: [""], resources: ["persistentvolumeclaims"], verbs: ["create", "get", "list", "watch", "delete", "deletecollection"] },
    ];
}
