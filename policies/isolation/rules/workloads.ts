/**
 * Where workloads run and as whom. Every workload kind the pod-spec reader knows
 * (policies/lib/pod-spec.ts: Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob,
 * SparkApplication / ScheduledSparkApplication roles and their templates, SparkConnect).
 *
 * workload-namespace-not-default: nothing runs in `default` (metadata.namespace "default", or absent
 * with no namespace on the Kubernetes provider). `default` has no quota, LimitRange, default-deny
 * NetworkPolicy or PSA label from the platform, belongs to no team, and is where objects land when
 * their namespace was forgotten (CIS EKS 4.5.3; Kyverno best-practices/disallow-default-namespace).
 *
 * workload-service-account-not-default: in every namespace outside `systemNamespaces` (tenants and
 * `default`), no pod acts as the namespace's `default` ServiceAccount: a pod whose ServiceAccount is
 * `default` (serviceAccountName/serviceAccount absent, "" or "default"; Spark: no driver/executor
 * serviceAccount, authenticate.*.serviceAccountName sparkConf or template setting) AND which mounts its
 * token (automountServiceAccountToken not false on the pod). The platform never grants `default`
 * anything, so such a token is a credential nothing needs (CIS EKS 4.1.5 "default service accounts are
 * not actively used", 4.1.6 "tokens only mounted where necessary"). This one rule covers both: a
 * workload that needs the API gets its own ServiceAccount; one that does not sets
 * automountServiceAccountToken: false (then running as `default` is harmless and not flagged). Pods
 * with their own ServiceAccount are not judged for their token: whether they call the API cannot be
 * told from the stack, and Spark drivers (and SparkConnect servers) must, to create executors, so they
 * always get their token. The ServiceAccount object's own automountServiceAccountToken is not read.
 *
 * Both are resource policies reading raw values; an unknown value they need becomes the usual advisory.
 */
import type { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { DEFAULT_NAMESPACE, SPARK_SERVICE_ACCOUNT } from "../../../lib/platform";
import { cisEks } from "../../lib/frameworks";
import { isUnknownValue, rawProps, UnknownTracker } from "../../lib/known";
import { identityUses, isDefaultServiceAccount, isWorkloadType, tokenAutomounted, unknownPodParts, workloadLabel, workloadNamespace } from "../../lib/pod-spec";
import { listText } from "../../lib/text";
import { SYSTEM_NAMESPACES_SCHEMA, systemNamespaces, URLS } from "../common";

/** The workload's namespace from raw props and provider; undefined (advisory raised) when unknown. */
function namespaceOrAdvisory(args: ResourceValidationArgs, raw: Record<string, unknown>): { name: string; fromDefault: boolean } | undefined {
    const provider = args.provider ? { type: args.provider.type, props: rawProps(args.provider.props) } : undefined;
    const ns = workloadNamespace(raw, provider);
    if (ns.unknown) {
        const tracker = new UnknownTracker();
        tracker.note(ns.unknown.path[0] === "metadata" ? args.props : args.provider?.props, ...ns.unknown.path);
        tracker.rethrow();
        return undefined;
    }
    const explicit = typeof raw.metadata === "object" && raw.metadata !== null && typeof (raw.metadata as Record<string, unknown>).namespace === "string"
        && (raw.metadata as Record<string, unknown>).namespace !== "";
    return { name: ns.name!, fromDefault: !explicit && !(provider && typeof provider.props.namespace === "string" && provider.props.namespace !== "") };
}

export const workloadNamespaceNotDefault: ResourceValidationPolicy = {
    name: "workload-namespace-not-default",
    description: "Checks that no workload (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Spark application or SparkConnect) runs in the default namespace.",
    enforcementLevel: "mandatory",
    severity: "medium",
    tags: ["isolation", "namespace", "multi-tenancy", "cis"],
    url: URLS.namespaces,
    framework: cisEks("4.5.3", "The default namespace should not be used"),
    remediationSteps:
        "Set metadata.namespace to the team's namespace (stack output teams.<team>.namespace), or give the Kubernetes provider a " +
        "`namespace`. Every team namespace comes with its quota, limits, default-deny NetworkPolicies and Pod Security labels; default has none.",
    validateResource: (args, reportViolation) => {
        if (!isWorkloadType(args.type)) {
            return;
        }
        const raw = rawProps(args.props);
        const ns = namespaceOrAdvisory(args, raw);
        if (!ns || ns.name !== DEFAULT_NAMESPACE) {
            return;
        }
        reportViolation(
            `${workloadLabel(args.type, raw)} runs in the "default" namespace${ns.fromDefault ? " (metadata.namespace is not set, nor is the provider's namespace)" : ""}. ` +
                "default belongs to no team: it has no ResourceQuota, LimitRange, default-deny NetworkPolicy or Pod Security label from the " +
                "platform, so the workload escapes every tenant guardrail and shares a namespace with whatever else was put there by mistake. " +
                "Deploy it into the team's namespace.",
        );
    },
};

export const workloadServiceAccountNotDefault: ResourceValidationPolicy = {
    name: "workload-service-account-not-default",
    description: "Checks that no workload outside the system namespaces runs as its namespace's default ServiceAccount with the token mounted.",
    enforcementLevel: "mandatory",
    severity: "medium",
    tags: ["isolation", "service-account", "multi-tenancy", "cis"],
    url: URLS.serviceAccounts,
    framework: cisEks("4.1.5", "Ensure that default service accounts are not actively used; 4.1.6 Ensure that Service Account Tokens are only mounted where necessary"),
    remediationSteps:
        `Run the workload as a ServiceAccount of its own (Spark: the team's \`${SPARK_SERVICE_ACCOUNT}\` ServiceAccount on driver and executor) by ` +
        "setting serviceAccountName, or, if it never calls the Kubernetes API, set automountServiceAccountToken: false on its pod spec.",
    configSchema: { properties: { systemNamespaces: SYSTEM_NAMESPACES_SCHEMA } },
    validateResource: (args, reportViolation) => {
        if (!isWorkloadType(args.type)) {
            return;
        }
        const raw = rawProps(args.props);
        const ns = namespaceOrAdvisory(args, raw);
        if (!ns || systemNamespaces(args.getConfig()).has(ns.name)) {
            return;
        }
        const tracker = new UnknownTracker();
        for (const part of unknownPodParts(args.type, raw)) {
            tracker.note(args.props, ...part.path);
        }
        const offenders: string[] = [];
        let sparkDriver = false;
        for (const use of identityUses(args.type, raw)) {
            const isDefault = isDefaultServiceAccount(use);
            const mounted = tokenAutomounted(use);
            if (isDefault === undefined || mounted === undefined) {
                for (const f of [...use.serviceAccount, ...use.automount]) {
                    if (isUnknownValue(f.value)) {
                        tracker.note(args.props, ...f.path);
                    }
                }
            }
            if (isDefault === true && mounted === true) {
                offenders.push(use.where);
                sparkDriver ||= use.needsToken;
            }
        }
        if (offenders.length > 0) {
            reportViolation(
                `${workloadLabel(args.type, raw)} in namespace "${ns.name}" runs as the namespace's default ServiceAccount and mounts its token ` +
                    `(${listText(offenders)}). Every pod of the namespace that forgets its ServiceAccount shares that identity, so any right ever ` +
                    "granted to default (by a chart, a RoleBinding to the namespace's service accounts, or an IRSA annotation) leaks to all of them, " +
                    "and a compromised container gets an API credential it has no use for. " +
                    (sparkDriver
                        ? `Spark drivers need their token to create executors: give driver and executor the team's \`${SPARK_SERVICE_ACCOUNT}\` ServiceAccount.`
                        : "Set serviceAccountName to the workload's own ServiceAccount, or automountServiceAccountToken: false if it never calls the Kubernetes API."),
            );
        }
        tracker.rethrow();
    },
};
