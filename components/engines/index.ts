/**
 * Optional engines next to Spark: the Apache Flink Kubernetes Operator and the KubeRay operator, each in
 * its own PSA-`restricted` namespace on the system nodes, each watching only the team namespaces (so the
 * operators get namespaced Roles there instead of cluster-wide rights).
 *
 * Flink's admission webhook is disabled (`webhook.create: false`). With it on, the chart renders
 * cert-manager Certificate/Issuer objects, so the cluster would have to run cert-manager (CRDs, three
 * controllers and its own webhook) only to hand the Flink webhook a serving certificate. The webhook
 * validates and defaults FlinkDeployment/FlinkSessionJob specs at admission; without it the operator runs
 * the same validation in its reconcile loop and reports a bad spec in the resource's status instead of
 * rejecting the `kubectl apply`. That is the trade taken here; turning the webhook on later means adding
 * cert-manager first.
 *
 * Helm values are built by the exported pure functions below.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { resourcesValue, SYSTEM_REPLICAS, SYSTEM_RESOURCES } from "../../lib/capacity/platform";
import { isReservedNamespace, NAMESPACES, SYSTEM_NODE_LABEL, SYSTEM_TOLERATIONS } from "../../lib/platform";
import { platformNamespaceLabels } from "../shared/namespaces";
import { throwArgProblems } from "../shared/arg-errors";
import { platformRelease } from "../shared/helm";
import { DNS1123_LABEL } from "../../lib/patterns";

/**
 * Chart coordinates. Values keys checked against
 *  - apache/flink-kubernetes-operator helm/flink-kubernetes-operator/values.yaml at tag release-1.15.0.
 *    The released chart points at ghcr.io with a commit-hash tag (tools/releasing/create_source_release.sh);
 *    the image is pinned here to the release tag on Docker Hub, as the operator's Helm docs show.
 *  - ray-project/kuberay helm-chart/kuberay-operator/values.yaml at tag v1.7.0.
 */
export const ENGINES_DEFAULTS = {
    flink: {
        chart: "flink-kubernetes-operator",
        version: "1.15.0",
        repo: "https://archive.apache.org/dist/flink/flink-kubernetes-operator-1.15.0/",
        releaseName: "flink-kubernetes-operator",
        image: { repository: "apache/flink-kubernetes-operator", tag: "1.15.0" },
    },
    kuberay: {
        chart: "kuberay-operator",
        version: "1.7.0",
        repo: "https://ray-project.github.io/kuberay-helm/",
        releaseName: "kuberay-operator",
        image: { repository: "quay.io/kuberay/operator", tag: "v1.7.0" },
    },
} as const;

interface Placement {
    readonly nodeSelector: Record<string, string>;
    readonly tolerations: ReadonlyArray<Record<string, string>>;
}

function systemPlacement(): Placement {
    return { nodeSelector: { ...SYSTEM_NODE_LABEL }, tolerations: SYSTEM_TOLERATIONS.map((t) => ({ ...t })) };
}

/** Values for the flink-kubernetes-operator chart (keys at their release-1.15.0 paths). */
export function flinkOperatorValues(teamNamespaces: readonly string[]): Record<string, unknown> {
    const { nodeSelector, tolerations } = systemPlacement();
    const d = ENGINES_DEFAULTS.flink;
    return {
        // Non-empty: namespaced Roles, the job ServiceAccount "flink" in each team namespace, no ClusterRole.
        watchNamespaces: [...teamNamespaces],
        image: { repository: d.image.repository, tag: d.image.tag },
        webhook: { create: false },
        replicas: SYSTEM_REPLICAS.flinkOperator,
        // The chart sets no requests (BestEffort: first to be evicted); these are the figures its values.yaml suggests.
        operatorPod: { nodeSelector, tolerations, resources: resourcesValue(SYSTEM_RESOURCES.flinkOperator) },
        // The chart's own pod context (runAsUser/Group 9999) completed to the restricted profile.
        podSecurityContext: {
            runAsUser: 9999,
            runAsGroup: 9999,
            runAsNonRoot: true,
            seccompProfile: { type: "RuntimeDefault" },
        },
        operatorSecurityContext: {
            allowPrivilegeEscalation: false,
            capabilities: { drop: ["ALL"] },
            runAsNonRoot: true,
            seccompProfile: { type: "RuntimeDefault" },
        },
    };
}

/** Values for the kuberay-operator chart (keys at their v1.7.0 paths). */
export function kuberayOperatorValues(teamNamespaces: readonly string[]): Record<string, unknown> {
    const { nodeSelector, tolerations } = systemPlacement();
    const d = ENGINES_DEFAULTS.kuberay;
    return {
        image: { repository: d.image.repository, tag: d.image.tag },
        // With singleNamespaceInstall the chart renders Roles (one per watchNamespace entry) instead of a
        // ClusterRole; crNamespacedRbacEnable keeps those per-namespace Roles; rbacEnable keeps RBAC at all.
        rbacEnable: true,
        singleNamespaceInstall: true,
        crNamespacedRbacEnable: true,
        watchNamespace: [...teamNamespaces],
        replicas: SYSTEM_REPLICAS.kuberayOperator,
        // The chart's default limits (100m/512Mi), which Kubernetes also copies into requests, made explicit.
        resources: resourcesValue(SYSTEM_RESOURCES.kuberayOperator),
        nodeSelector,
        tolerations,
    };
}

/** Arguments for {@link Engines}. */
export interface EnginesArgs {
    /** Provider of the target cluster. Required. */
    readonly k8sProvider: k8s.Provider;
    /** Install the Flink Kubernetes Operator. Defaults to false. */
    readonly flink?: boolean;
    /** Install the KubeRay operator. Defaults to false. */
    readonly ray?: boolean;
    /** Team namespaces the operators watch; they must exist first (pass them in dependsOn). Required when an engine is on. */
    readonly teamNamespaces?: readonly string[];
    /** Resources the operators wait for (the team namespaces). Defaults to none. */
    readonly dependsOn?: pulumi.Resource[];
}

const TYPE = "moka:engines:Engines";

/** Flink and KubeRay operators, each behind its switch. */
export class Engines extends pulumi.ComponentResource {
    /** Engines that were installed, e.g. ["flink", "ray"]. */
    public readonly enabled: string[];
    /** Operator namespaces that were created. */
    public readonly namespaces: pulumi.Output<string[]>;

    constructor(name: string, args: EnginesArgs, opts?: pulumi.ComponentResourceOptions) {
        super(TYPE, name, {}, opts);

        const problems: string[] = [];
        if (!args.k8sProvider) {
            problems.push("args.k8sProvider is required");
        }
        const flink = args.flink ?? false;
        const ray = args.ray ?? false;
        const teamNamespaces = args.teamNamespaces ?? [];
        const dependsOn = args.dependsOn ?? [];
        if ((flink || ray) && teamNamespaces.length === 0) {
            problems.push("args.teamNamespaces must list at least one namespace when flink or ray is enabled (an empty list would make the operators watch every namespace)");
        }
        const bad = teamNamespaces.filter((n) => !DNS1123_LABEL.test(n) || isReservedNamespace(n));
        if (bad.length > 0) {
            problems.push(`args.teamNamespaces must be team namespaces (DNS-1123 labels, not platform or kube-* namespaces), got ${bad.map((n) => `"${n}"`).join(", ")}`);
        }
        if (new Set(teamNamespaces).size !== teamNamespaces.length) {
            problems.push("args.teamNamespaces must not contain duplicates");
        }
        throwArgProblems(TYPE, name, problems);

        const k8sOpts = { parent: this, provider: args.k8sProvider };
        const created: pulumi.Output<string>[] = [];
        const operatorNamespace = (role: string, nsName: string): k8s.core.v1.Namespace => {
            const ns = new k8s.core.v1.Namespace(`${name}-${role}-namespace`, {
                metadata: { name: nsName, labels: platformNamespaceLabels("restricted") },
            }, k8sOpts);
            created.push(ns.metadata.name);
            return ns;
        };

        if (flink) {
            const d = ENGINES_DEFAULTS.flink;
            const ns = operatorNamespace("flink", NAMESPACES.flinkOperator);
            platformRelease(`${name}-flink-operator`, d, ns.metadata.name, flinkOperatorValues(teamNamespaces), { ...k8sOpts, dependsOn: [...dependsOn, ns] });
        }

        if (ray) {
            const d = ENGINES_DEFAULTS.kuberay;
            const ns = operatorNamespace("kuberay", NAMESPACES.kuberay);
            platformRelease(`${name}-kuberay-operator`, d, ns.metadata.name, kuberayOperatorValues(teamNamespaces), { ...k8sOpts, dependsOn: [...dependsOn, ns] });
        }

        this.enabled = [...(flink ? ["flink"] : []), ...(ray ? ["ray"] : [])];
        this.namespaces = pulumi.all(created);

        this.registerOutputs({ enabled: this.enabled, namespaces: this.namespaces });
    }
}
