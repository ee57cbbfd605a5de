/**
 * Karpenter v1 on EKS: the controller (Helm, OCI chart) with its IAM role via EKS Pod Identity, the
 * node role and its EC2_LINUX access entry, the interruption queue fed by four EventBridge rules,
 * and one EC2NodeClass + NodePool per entry of the pool map (`spark-<key>`; executor pools on Graviton
 * or x86, tainted on-demand driver pools).
 *
 * Logic lives in pure modules: node-pools.ts (the pool schema and checks, NodePool specs),
 * node-classes.ts (EC2NodeClass specs) and iam.ts (IAM documents, queue policy, event patterns); this
 * file only wires resources.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import { partitionOfRegion } from "../../lib/aws-partition";
import { AWS_ACCOUNT_ID, AWS_REGION } from "../../lib/patterns";
import { resourcesValue, SYSTEM_REPLICAS, SYSTEM_RESOURCES } from "../../lib/capacity/platform";
import { LABELS, NAMESPACES, SYSTEM_NODE_LABEL, SYSTEM_TOLERATIONS } from "../../lib/platform";
import { throwArgProblems } from "../shared/arg-errors";
import { platformRelease } from "../shared/helm";
import { podIdentityTrustPolicy } from "../shared/iam";
import {
    INTERRUPTION_RULES,
    NODE_ROLE_MANAGED_POLICIES,
    controllerPolicyDocument,
    interruptionQueuePolicyDocument,
    managedPolicyArn,
    nodeRoleTrustPolicy,
} from "./iam";
import { amiAliasProblem, buildEc2NodeClassSpec, nodeClassTagProblems } from "./node-classes";
import type { Arch } from "../../lib/instance-families";
import { buildNodePoolSpec, executorArchitectures, nodePoolSummaries, parseNodePools, poolName, type NodePoolsInput, type NodePoolSummary } from "./node-pools";

/**
 * Chart coordinates and controller defaults. Every values key set below was checked against
 * aws/karpenter-provider-aws charts/karpenter/values.yaml at tag v1.14.1 and at commit 1d927085
 * ("docs: update for patch release v1.14.1", the Chart.yaml/values.yaml of the published 1.14.1
 * chart). The chart's own container securityContext (non-root 65532, no privilege escalation,
 * drop ALL, read-only root, RuntimeDefault seccomp) passes Pod Security "restricted".
 *
 * CRDs come from the separate karpenter-crd chart, published with every release at the same version
 * (hack/release/common.sh at v1.14.1: `publishHelmChart … "karpenter"` and `… "karpenter-crd"` to
 * oci://public.ecr.aws/karpenter/; its Chart.yaml at 1d927085 reads 1.14.1; five CRDs as templates, one
 * value, `additionalAnnotations`). Helm installs a chart's `crds/` directory once and never upgrades it
 * (website/content/en/v1.14/upgrading/upgrade-guide.md, "CRD Upgrades", which recommends karpenter-crd),
 * so the main chart runs with `skipCrds: true` and CRD changes arrive with every version bump.
 */
export const KARPENTER_DEFAULTS = {
    chart: "oci://public.ecr.aws/karpenter/karpenter",
    version: "1.14.1",
    releaseName: "karpenter",
    crdChart: { chart: "oci://public.ecr.aws/karpenter/karpenter-crd", version: "1.14.1", releaseName: "karpenter-crd" },
    serviceAccount: "karpenter",
    replicas: SYSTEM_REPLICAS.karpenter,
    /** Karpenter's getting-started sizing; Guaranteed QoS so the controller is never CPU-starved (lib/capacity/platform.ts). */
    controllerResources: SYSTEM_RESOURCES.karpenterController,
    /** Amazon EKS AMI release v20260714 (awslabs/amazon-eks-ami), AL2023, K8s 1.30–1.36. */
    amiAlias: "al2023@v20260714",
} as const;

export interface KarpenterChartValuesInputs {
    readonly clusterName: string;
    /** Unknown until the cluster exists: an Output leaf keeps the rest of the values readable in a preview. */
    readonly clusterEndpoint: pulumi.Input<string>;
    /** The interruption queue's NAME (the chart takes a name, not an ARN). */
    readonly interruptionQueueName: pulumi.Input<string>;
    readonly region: string;
}

/** Helm values for the karpenter chart (keys verified against values.yaml, see KARPENTER_DEFAULTS). */
export function karpenterChartValues(i: KarpenterChartValuesInputs): Record<string, unknown> {
    return {
        settings: {
            clusterName: i.clusterName,
            clusterEndpoint: i.clusterEndpoint,
            interruptionQueue: i.interruptionQueueName,
            // VPC CNI custom networking: the primary ENI carries no pod IPs (pods use the pod subnets via
            // ENIConfig), so Karpenter must leave one ENI out of its max-pods calculation or it
            // overcommits pods per node. A string in the chart (`settings.reservedENIs: "0"` by default).
            reservedENIs: "1",
        },
        serviceAccount: { create: true, name: KARPENTER_DEFAULTS.serviceAccount },
        replicas: KARPENTER_DEFAULTS.replicas,
        controller: {
            resources: resourcesValue(KARPENTER_DEFAULTS.controllerResources),
            // Pod Identity supplies credentials but not the region; IMDS (hop limit 1) is not reachable from pods.
            env: [{ name: "AWS_REGION", value: i.region }],
        },
        nodeSelector: { "kubernetes.io/os": "linux", ...SYSTEM_NODE_LABEL },
        tolerations: SYSTEM_TOLERATIONS.map((t) => ({ ...t })),
    };
}

const TYPE = "moka:karpenter:Karpenter";
const BASE_NAME = /^[a-z0-9]([-a-z0-9]{0,34}[a-z0-9])?$/;
const CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/;

export interface KarpenterArgs {
    /** Name of the EKS cluster (also the `karpenter.sh/discovery` tag value on subnets and security groups). Required. */
    clusterName: string;
    /** The cluster's API server endpoint (https URL). Required. */
    clusterEndpoint: pulumi.Input<string>;
    /** Provider for the cluster; every Kubernetes child uses it. Required. */
    k8sProvider: k8s.Provider;
    /** The Spark pools by key (the `moka:nodePools` shape: arch, role, families, limits...); validated with the same schema as config. Required. */
    nodePools: NodePoolsInput;
    /** Stem of physical AWS names, e.g. "moka-prod" (at most 36 characters). Required. */
    baseName: string;
    /** AWS region of the cluster. Required. */
    region: string;
    /** 12-digit AWS account id. Required. */
    accountId: string;
    /** Cost-allocation tags for every taggable AWS resource and for the EC2NodeClass `spec.tags`. Required. */
    tags: Record<string, string>;
    /** Resources the controller must wait for, e.g. the system node group. Defaults to none. */
    dependsOn?: pulumi.Input<pulumi.Resource>[];
    /** AL2023 EKS AMI alias pinned to a release (`al2023@vYYYYMMDD`). Defaults to KARPENTER_DEFAULTS.amiAlias. */
    amiAlias?: string;
}

export class Karpenter extends pulumi.ComponentResource {
    /** The NodePools, as plain data (name, architecture, capacity types). */
    public readonly nodePools: NodePoolSummary[];
    /** Architectures the executor pools offer, Graviton first (the Spark executor affinity). */
    public readonly executorArchitectures: Arch[];
    public readonly interruptionQueueName: pulumi.Output<string>;
    public readonly interruptionQueueArn: pulumi.Output<string>;
    public readonly nodeRoleArn: pulumi.Output<string>;
    public readonly nodeRoleName: pulumi.Output<string>;
    public readonly controllerRoleArn: pulumi.Output<string>;
    /** The Karpenter Helm release; depend on it before creating NodePools or Karpenter-scheduled workloads. */
    public readonly release: k8s.helm.v3.Release;
    /** The karpenter-crd release (the CRDs, upgraded with every version). */
    public readonly crdRelease: k8s.helm.v3.Release;

    constructor(name: string, args: KarpenterArgs, opts?: pulumi.ComponentResourceOptions) {
        super(TYPE, name, {}, opts);

        // --- validate -------------------------------------------------------------------------
        const problems: string[] = [];
        if (!args.clusterName || !CLUSTER_NAME.test(args.clusterName)) {
            problems.push(`args.clusterName must be an EKS cluster name (letters, digits, '-', '_'; at most 100), got "${args.clusterName ?? ""}"`);
        }
        if (!args.k8sProvider) {
            problems.push("args.k8sProvider is required");
        }
        if (!args.baseName || !BASE_NAME.test(args.baseName)) {
            problems.push(`args.baseName must be 1-36 lower-case letters, digits and '-', got "${args.baseName ?? ""}"`);
        }
        if (!AWS_ACCOUNT_ID.test(args.accountId ?? "")) {
            problems.push(`args.accountId must be a 12-digit AWS account id, got "${args.accountId ?? ""}"`);
        }
        if (!AWS_REGION.test(args.region ?? "")) {
            problems.push(`args.region must be an AWS region such as us-west-2, got "${args.region ?? ""}"`);
        }
        const { pools, problems: poolProblems } = parseNodePools(args.nodePools, "args.nodePools");
        problems.push(...poolProblems, ...nodeClassTagProblems(args.tags ?? {}));
        const amiAlias = args.amiAlias ?? KARPENTER_DEFAULTS.amiAlias;
        const aliasProblem = amiAliasProblem(amiAlias);
        if (aliasProblem) {
            problems.push(aliasProblem);
        }
        throwArgProblems(TYPE, name, problems);

        // --- defaults ---------------------------------------------------------------------------
        const nodePools = pools!;
        const costTags = { ...args.tags };
        const partition = partitionOfRegion(args.region);
        const namespace = NAMESPACES.karpenter;
        const serviceAccount = KARPENTER_DEFAULTS.serviceAccount;
        const k8sOpts = { parent: this, provider: args.k8sProvider };
        const crLabels = { [LABELS.managedBy]: "pulumi" };

        // --- node role --------------------------------------------------------------------------
        const nodeRole = new aws.iam.Role(`${name}-node-role`, {
            name: `${args.baseName}-karpenter-node`,
            description: `Karpenter-launched nodes of ${args.clusterName}`,
            assumeRolePolicy: JSON.stringify(nodeRoleTrustPolicy(partition)),
            tags: costTags,
        }, { parent: this });
        NODE_ROLE_MANAGED_POLICIES.forEach((policy) => new aws.iam.RolePolicyAttachment(`${name}-node-${policy}`, {
            role: nodeRole.name,
            policyArn: managedPolicyArn(partition, policy),
        }, { parent: this }));
        const accessEntry = new aws.eks.AccessEntry(`${name}-node-access`, {
            clusterName: args.clusterName,
            principalArn: nodeRole.arn,
            type: "EC2_LINUX",
            tags: costTags,
        }, { parent: this });

        // --- interruption queue and rules ------------------------------------------------------
        const queue = new aws.sqs.Queue(`${name}-interruption`, {
            name: `${args.baseName}-karpenter-interruption`,
            messageRetentionSeconds: 300,
            sqsManagedSseEnabled: true,
            tags: costTags,
        }, { parent: this });
        const rules = INTERRUPTION_RULES.map((r) => {
            const rule = new aws.cloudwatch.EventRule(`${name}-${r.key}`, {
                name: `${args.baseName}-karpenter-${r.key}`,
                description: r.description,
                eventPattern: JSON.stringify(r.pattern),
                tags: costTags,
            }, { parent: this });
            new aws.cloudwatch.EventTarget(`${name}-${r.key}-target`, {
                rule: rule.name,
                arn: queue.arn,
                targetId: "KarpenterInterruptionQueueTarget",
            }, { parent: this });
            return rule;
        });
        new aws.sqs.QueuePolicy(`${name}-interruption-policy`, {
            queueUrl: queue.url,
            policy: pulumi.all([queue.arn, ...rules.map((r) => r.arn)]).apply(([queueArn, ...ruleArns]) =>
                JSON.stringify(interruptionQueuePolicyDocument({ queueArn, ruleArns }))),
        }, { parent: this });

        // --- controller role (EKS Pod Identity) --------------------------------------------------
        const controllerRole = new aws.iam.Role(`${name}-controller-role`, {
            name: `${args.baseName}-karpenter-controller`,
            description: `Karpenter controller of ${args.clusterName} (EKS Pod Identity ${namespace}/${serviceAccount})`,
            assumeRolePolicy: JSON.stringify(podIdentityTrustPolicy()),
            tags: costTags,
        }, { parent: this });
        const controllerPolicy = new aws.iam.RolePolicy(`${name}-controller-policy`, {
            name: "karpenter-controller",
            role: controllerRole.name,
            policy: pulumi.all([nodeRole.arn, queue.arn]).apply(([nodeRoleArn, queueArn]) => JSON.stringify(controllerPolicyDocument({
                partition,
                region: args.region,
                accountId: args.accountId,
                clusterName: args.clusterName,
                nodeRoleArn,
                queueArn,
            }))),
        }, { parent: this });
        const podIdentity = new aws.eks.PodIdentityAssociation(`${name}-pod-identity`, {
            clusterName: args.clusterName,
            namespace,
            serviceAccount,
            roleArn: controllerRole.arn,
            tags: costTags,
        }, { parent: this });

        // --- Kubernetes: namespace and controller -----------------------------------------------
        const ns = new k8s.core.v1.Namespace(`${name}-namespace`, {
            metadata: {
                name: namespace,
                labels: {
                    // The chart's pod passes "restricted" as shipped (see KARPENTER_DEFAULTS).
                    "pod-security.kubernetes.io/enforce": "restricted",
                    "pod-security.kubernetes.io/audit": "restricted",
                    "pod-security.kubernetes.io/warn": "restricted",
                    [LABELS.managedBy]: "pulumi",
                    ...(costTags.environment ? { [LABELS.environment]: costTags.environment } : {}),
                },
            },
        }, k8sOpts);

        // CRDs first, from their own chart so that every version bump upgrades them too.
        const crds = platformRelease(`${name}-crds`, KARPENTER_DEFAULTS.crdChart, ns.metadata.name, {}, { ...k8sOpts, dependsOn: [...(args.dependsOn ?? [])] });
        // Then the controller (without the chart's install-once crds/ directory).
        const release = platformRelease(`${name}-release`, KARPENTER_DEFAULTS, ns.metadata.name, karpenterChartValues({
            clusterName: args.clusterName,
            clusterEndpoint: args.clusterEndpoint,
            interruptionQueueName: queue.name,
            region: args.region,
        }), {
            ...k8sOpts,
            // Credentials must exist before the pods start: Pod Identity is injected at pod creation.
            dependsOn: [crds, podIdentity, controllerPolicy, ...(args.dependsOn ?? [])],
        }, { skipCrds: true });

        // --- Kubernetes: node classes and pools, after the CRDs and the controller ---------------
        for (const [key, pool] of Object.entries(nodePools)) {
            // Resource names keep the pool key (`<name>-nodeclass-<key>`), so a pool's URN never depends on its spec.
            const nodeClass = new k8s.apiextensions.CustomResource(`${name}-nodeclass-${key}`, {
                apiVersion: "karpenter.k8s.aws/v1",
                kind: "EC2NodeClass",
                metadata: { name: poolName(key), labels: crLabels },
                spec: nodeRole.name.apply((nodeRoleName) => buildEc2NodeClassSpec({
                    role: pool.role,
                    clusterName: args.clusterName,
                    nodeRoleName,
                    rootVolumeGi: pool.rootVolumeGi,
                    amiAlias,
                    tags: costTags,
                })),
            }, { ...k8sOpts, dependsOn: [crds, release] });
            new k8s.apiextensions.CustomResource(`${name}-nodepool-${key}`, {
                apiVersion: "karpenter.sh/v1",
                kind: "NodePool",
                metadata: { name: poolName(key), labels: crLabels },
                spec: buildNodePoolSpec(key, pool),
            }, { ...k8sOpts, dependsOn: [crds, release, nodeClass, accessEntry] });
        }

        // --- outputs ----------------------------------------------------------------------------
        this.nodePools = nodePoolSummaries(nodePools);
        this.executorArchitectures = executorArchitectures(nodePools);
        this.interruptionQueueName = queue.name;
        this.interruptionQueueArn = queue.arn;
        this.nodeRoleArn = nodeRole.arn;
        this.nodeRoleName = nodeRole.name;
        this.controllerRoleArn = controllerRole.arn;
        this.release = release;
        this.crdRelease = crds;
        this.registerOutputs({
            nodePools: this.nodePools,
            interruptionQueueName: this.interruptionQueueName,
            interruptionQueueArn: this.interruptionQueueArn,
            nodeRoleArn: this.nodeRoleArn,
            nodeRoleName: this.nodeRoleName,
            controllerRoleArn: this.controllerRoleArn,
        });
    }
}
