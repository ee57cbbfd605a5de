/**
 * THE pod-spec reader: every pod a workload object will run, with where each setting came from.
 * Every tenant-facing Kubernetes rule (security pods/images, isolation service accounts, default
 * namespace/ServiceAccount) reads pods through this module, so the kinds below are treated alike.
 *
 * Kinds (Pulumi type `kubernetes:<group>/<version>:<Kind>`, any version):
 *   core Pod (`spec`); apps/extensions Deployment, StatefulSet, DaemonSet, ReplicaSet and core
 *   ReplicationController (`spec.template`); batch Job (`spec.template`) and CronJob
 *   (`spec.jobTemplate.spec.template`); sparkoperator.k8s.io SparkApplication (`spec`),
 *   ScheduledSparkApplication (`spec.template`) and SparkConnect (v1alpha1 `spec`).
 *
 * Spark shapes, as kubeflow/spark-operator v2.5.2 (the chart version pinned in components/) builds pods:
 *   - SparkApplication / ScheduledSparkApplication (api/v1beta2/sparkapplication_types.go): each role
 *     (`driver`, `executor`) is a SparkPodSpec whose fields the operator's mutating webhook patches onto
 *     the pod (internal/webhook/sparkpod_defaulter.go: podSecurityContext → pod securityContext,
 *     securityContext → the Spark container, hostNetwork, sidecars, initContainers, `spec.volumes`),
 *     and whose `template` is a full PodTemplateSpec handed to Spark as its pod template
 *     (internal/controller/sparkapplication/submission.go driver/executorPodTemplateOption; with a
 *     template and Spark ≥ 3 the webhook does not mutate the pod at all). Both are read as separate
 *     views: a rule looking for an unsafe setting flags it in either.
 *     Images: the Spark container runs `<role>.image`, else `spec.image` (spark-submit
 *     `spark.kubernetes.<role>.container.image` / `spark.kubernetes.container.image`, which also
 *     override a template's Spark container image); sidecars and other template containers keep theirs.
 *     The template's Spark container is the one named `spark-kubernetes-driver` /
 *     `spark-kubernetes-executor` (pkg/common/spark.go), else the first one (Spark's own fallback).
 *     Host paths also arrive through `sparkConf` keys `spark.kubernetes.{driver,executor}.volumes.hostPath.*`.
 *     Service accounts: `<role>.serviceAccount` (→ spark.kubernetes.authenticate.<role>.serviceAccountName),
 *     the same sparkConf keys, the template's serviceAccountName; executors fall back to the driver's
 *     (Spark ≥ 3.1, docs/running-on-kubernetes.md).
 *   - SparkConnect (api/v1alpha1/sparkconnect_types.go): `spec.server` and `spec.executor` carry a
 *     `template` PodTemplateSpec (plus cores/memory/instances). The server pod IS its template's spec
 *     (internal/controller/sparkconnect/reconciler.go mutateServerPod); the Spark container is the one
 *     named `spark-kubernetes-driver` (server) / `spark-kubernetes-executor` (executor), else the first,
 *     and runs its own image or `spec.image` (options.go imageOption).
 *
 * Everything works on RAW data (plain objects, preview-unknowns as sentinel strings: pass
 * `rawProps(args.props)`), so one unknown image does not hide a privileged container. Every value comes
 * back as a `Field` with its path under the props root; a rule that needs a value that is unknown notes
 * that path in an UnknownTracker (policies/lib/known.ts) and re-raises it last. Odd shapes (null, wrong
 * types, single objects for lists) never throw.
 *
 * This file is the reader's one entry point; its parts live in policies/lib/pods/ (fields.ts raw paths,
 * kinds.ts workload kinds and namespaces, views.ts pod views, uses.ts images / service accounts / Spark
 * conf host paths). Import from here.
 *
 * Exported API (stable):
 *   Path, Field, WorkloadKind, PodRole, workloadKind(type), isWorkloadType(type), fieldAt(root, path), sub(field, ...keys), pathText(path),
 *   ContainerView, PodView, podViews(type, props), unknownPodParts(type, props),
 *   ImageUse, imageUses(type, props), IdentityUse, identityUses(type, props), isDefaultServiceAccount(use),
 *   tokenAutomounted(use), SparkHostPath, sparkConfHostPaths(type, props), workloadNamespace(props, provider), workloadLabel(type, props)
 */
export { fieldAt, pathText, sub, type Field, type Path } from "./pods/fields";
export { isWorkloadType, workloadKind, workloadLabel, workloadNamespace, type PodRole, type WorkloadKind } from "./pods/kinds";
export {
    identityUses, imageUses, isDefaultServiceAccount, sparkConfHostPaths, tokenAutomounted, type IdentityUse, type ImageUse, type SparkHostPath,
} from "./pods/uses";
export { podViews, unknownPodParts, type ContainerView, type PodView } from "./pods/views";
