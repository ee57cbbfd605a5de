/**
 * The EKS cluster: a private-endpoint `@pulumi/eks` v4 cluster (API authentication, Secrets encrypted
 * with a rotating KMS key, all five control-plane log types to a retained, encrypted log group), admin
 * access entries, the managed add-ons, and a small tainted on-demand system node group for platform
 * controllers.
 *
 * Add-ons: eks.Cluster installs nothing (`bootstrapSelfManagedAddons: false`, `useDefaultVpcCni: true`
 * so it does not create its own VPC CNI add-on, coredns/kube-proxy options disabled). This component
 * manages vpc-cni, kube-proxy, eks-pod-identity-agent and coredns as `aws.eks.Addon`s. `addonVersion`
 * is left to EKS (the default version for the cluster's Kubernetes version, chosen at creation) unless
 * `addonVersions` pins it; upgrades are then explicit by setting `addonVersions`.
 *
 * Pod networking (VPC CNI custom networking): the vpc-cni add-on runs with
 * `AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG=true` and `ENI_CONFIG_LABEL_DEF=topology.kubernetes.io/zone`, so on
 * each node it looks up the ENIConfig named after the node's zone and puts pod ENIs in that ENIConfig's
 * subnet (the Network component's pod subnets on the secondary 100.64.0.0/16-style CIDR) with the node
 * security group. Node primary ENIs stay in the node subnets. One ENIConfig per AZ is created here with
 * the cluster's Kubernetes provider, after the add-on has installed the ENIConfig CRD and before any
 * node joins. The network-policy agent is enabled, so NetworkPolicies are enforced.
 *
 * The API path: besides the node security group, 443 is open on the EKS-managed cluster security group
 * (which the private endpoint's ENIs carry) from every `privateAccess` network, and the Kubernetes
 * provider — so every in-cluster resource — waits for those rules and for the routes and gateway
 * attachments the Network component made (`apiAccess`).
 *
 * The creator: pulumi-eks 4.3.0 always sets `bootstrapClusterCreatorAdminPermissions: true`, so EKS gives
 * whoever creates the cluster an admin access entry. That identity must be `deployerRoleArn`, never an admin
 * role or a team principal (a second entry for it fails with ResourceInUseException): config refuses the
 * overlap, and while the cluster does not exist yet (aws.eks.getClusters) the program refuses to run as such
 * a role (getCallerIdentity); once it exists, such a run only warns.
 * The admin entries carry the platform admin group (lib/platform.ts PLATFORM_ADMIN_GROUP).
 *
 * Ordering: log group + key + role → eks.Cluster → vpc-cni / kube-proxy / pod-identity-agent and the
 * security-group rules → ENIConfigs → system node group → coredns (which needs nodes to become ACTIVE).
 */
import * as aws from "@pulumi/aws";
import { partitionOfRegion } from "../../lib/aws-partition";
import { argError, throwArgProblems } from "../shared/arg-errors";
import { podIdentityTrustPolicy } from "../shared/iam";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterConfig } from "../../config";
import {
    CLUSTER_LOG_TYPES, clusterArgProblems, clusterKeyPolicy, clusterLogGroupName, clusterRoleKmsPolicy,
    clusterRoleTrustPolicy, eniConfigObject, ManagedAddon, nodeGroupTaintEffect, nodeRoleTrustPolicy,
    SYSTEM_NODE_MANAGED_POLICIES, systemNodeAmiType, vpcCniConfiguration, type EntryPrincipal,
} from "./plan";
import { SYSTEM_NODE_HEADROOM_TAG, SYSTEM_NODE_LABEL, SYSTEM_NODE_TAINT } from "../../lib/platform";
import { adminAccessEntries, apiIngressFromNetworks, creatorCheckedTags } from "./access";
import type { PodSubnet } from "../network";

/** Arguments for {@link Cluster}. */
export interface ClusterArgs {
    /** The EKS cluster's physical name (the stack's `baseName`, e.g. "moka-prod"); stem of every physical name here. Required. */
    readonly clusterName: string;
    /** Version, endpoint access, admins, log retention and system nodes (validated `moka:cluster`). Required. */
    readonly cluster: ClusterConfig;
    /** The VPC (Network.vpcId). Required. */
    readonly vpcId: pulumi.Input<string>;
    /** Node subnets for the control-plane ENIs and the system node group (Network.privateSubnetIds). Required. */
    readonly privateSubnetIds: pulumi.Input<string[]>;
    /** Pod subnets with their AZ (Network.podSubnets); one ENIConfig is created per entry. Required. */
    readonly podSubnets: pulumi.Input<PodSubnet[]>;
    /** Number of AZs, i.e. the length of `podSubnets` (Network.azCount); must be known at construction. Required. */
    readonly azCount: number;
    /** Security group of nodes and pods (Network.nodeSecurityGroupId). Required. */
    readonly nodeSecurityGroupId: pulumi.Input<string>;
    /** Tags for every taggable resource. Required. */
    readonly tags: Record<string, string>;
    /** Protect the KMS key and the audit log group, and turn on EKS deletion protection. Required. */
    readonly protect: boolean;
    /** Pinned managed add-on versions, e.g. `{ "vpc-cni": "v1.20.0-eksbuild.1" }`. Defaults to EKS's default version for the cluster's Kubernetes version. */
    readonly addonVersions?: Partial<Record<ManagedAddon, pulumi.Input<string>>>;
    /** AWS region. Defaults to the provider's region (a `getRegion` call). */
    readonly region?: string;
    /** AWS account id. Defaults to the caller's account (a `getCallerIdentity` call). */
    readonly accountId?: string;
    /**
     * The Service CIDR (`kubernetesNetworkConfig.serviceIpv4Cidr`, /12–/24, outside the VPC). Team NetworkPolicies
     * allow kube-dns by its ClusterIP (the CIDR's .10), so the platform states it instead of letting EKS pick.
     * Defaults to what EKS would pick (lib/cidr.ts eksDefaultServiceCidr), when given.
     */
    readonly serviceCidr?: string;
    /** What the Kubernetes provider waits for besides the cluster: the routes and attachments on the API path (Network.apiAccess). Defaults to none. */
    readonly apiAccess?: pulumi.Resource[];
    /** Team principals with access entries of their own (config teamPrincipals), which must not create the cluster either. Defaults to none. */
    readonly teamPrincipals?: readonly EntryPrincipal[];
}

const TYPE = "moka:eks:Cluster";

/** The EKS cluster, its access, add-ons and system nodes. */
export class Cluster extends pulumi.ComponentResource {
    /** The cluster's physical name (plain string; use `eksClusterName` where the cluster must exist first). */
    public readonly clusterName: string;
    /** The cluster name, resolved only once the cluster exists. */
    public readonly eksClusterName: pulumi.Output<string>;
    /** Kubernetes provider for every in-cluster resource (server-side apply). */
    public readonly provider: k8s.Provider;
    /** Kubeconfig JSON (secret); authenticates with `aws eks get-token`. */
    public readonly kubeconfig: pulumi.Output<string>;
    public readonly endpoint: pulumi.Output<string>;
    public readonly oidcProviderArn: pulumi.Output<string>;
    public readonly oidcProviderUrl: pulumi.Output<string>;
    /** The EKS-managed cluster security group (control-plane ENIs). */
    public readonly clusterSecurityGroupId: pulumi.Output<string>;
    public readonly kmsKeyArn: pulumi.Output<string>;
    public readonly systemNodeRoleArn: pulumi.Output<string>;

    constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super(TYPE, name, {}, opts);

        // --- validate --------------------------------------------------------------------------
        const cfg = args.cluster;
        const sys = cfg.systemNodes;
        const problems = clusterArgProblems({
            clusterName: args.clusterName,
            kubernetesVersion: cfg.kubernetesVersion,
            publicAccessCidrs: cfg.publicAccessCidrs,
            deployerRoleArn: cfg.deployerRoleArn,
            adminRoleArns: cfg.adminRoleArns,
            instanceTypes: sys.instanceTypes,
            minSize: sys.minSize,
            desiredSize: sys.desiredSize,
            maxSize: sys.maxSize,
            diskSizeGi: sys.diskSizeGi,
            serviceCidr: args.serviceCidr,
        });
        if (!Number.isInteger(args.azCount) || args.azCount < 1) {
            problems.push(`args.azCount must be a whole number of at least 1, got ${args.azCount}`);
        } else if (Array.isArray(args.podSubnets) && args.podSubnets.length !== args.azCount) {
            problems.push(`args.podSubnets has ${args.podSubnets.length} entries but args.azCount is ${args.azCount}`);
        }
        throwArgProblems(TYPE, name, problems);

        // --- defaults --------------------------------------------------------------------------
        const { clusterName, protect, azCount } = args;
        const tags = { ...args.tags };
        const parent = { parent: this };
        const publicAccess = cfg.publicAccessCidrs.length > 0;
        const amiType = systemNodeAmiType(sys.instanceTypes);
        const partition = args.region !== undefined ? pulumi.output(partitionOfRegion(args.region)) : aws.getPartitionOutput({}, parent).partition;
        const region = args.region !== undefined ? pulumi.output(args.region) : aws.getRegionOutput({}, parent).region;
        const accountId = args.accountId !== undefined ? pulumi.output(args.accountId) : aws.getCallerIdentityOutput({}, parent).accountId;
        const managedPolicy = (policy: string) => pulumi.interpolate`arn:${partition}:iam::aws:policy/${policy}`;

        // --- encryption key and control-plane log group ------------------------------------------
        const key = new aws.kms.Key(`${name}-key`, {
            description: `EKS ${clusterName}: Secrets envelope encryption and control-plane logs`,
            enableKeyRotation: true,
            deletionWindowInDays: protect ? 30 : 7,
            policy: pulumi.all([partition, region, accountId]).apply(([p, r, a]) => JSON.stringify(clusterKeyPolicy(p, r, a, clusterName))),
            tags,
        }, { parent: this, protect, retainOnDelete: protect });
        new aws.kms.Alias(`${name}-key-alias`, { name: `alias/${clusterName}-eks`, targetKeyId: key.keyId }, parent);

        const logGroup = new aws.cloudwatch.LogGroup(`${name}-control-plane-logs`, {
            name: clusterLogGroupName(clusterName),
            retentionInDays: cfg.logRetentionDays,
            kmsKeyId: key.arn,
            tags,
        }, { parent: this, protect, retainOnDelete: protect });

        // --- cluster service role (ours, so it can be granted the key) ----------------------------
        const clusterRole = new aws.iam.Role(`${name}-cluster-role`, {
            name: `${clusterName}-cluster`,
            assumeRolePolicy: JSON.stringify(clusterRoleTrustPolicy()),
            tags,
        }, parent);
        const clusterRolePolicy = new aws.iam.RolePolicyAttachment(`${name}-cluster-role-policy`, {
            role: clusterRole.name,
            policyArn: managedPolicy("AmazonEKSClusterPolicy"),
        }, parent);
        const clusterRoleKms = new aws.iam.RolePolicy(`${name}-cluster-role-kms`, {
            role: clusterRole.name,
            policy: key.arn.apply((arn) => JSON.stringify(clusterRoleKmsPolicy(arn))),
        }, parent);

        // --- the cluster -------------------------------------------------------------------------
        // The identity that creates the cluster gets its own admin entry (pulumi-eks hard-codes it): refuse
        // to create it as an admin role or team principal, whose second entry would collide.
        const access = { type: TYPE, name, parent: this as pulumi.Resource, cluster: cfg, tags, clusterName, teamPrincipals: args.teamPrincipals ?? [] };
        const clusterTags = creatorCheckedTags(access);
        const cluster = new eks.Cluster(`${name}-eks`, {
            name: clusterName,
            version: cfg.kubernetesVersion,
            serviceRole: clusterRole,
            vpcId: args.vpcId,
            privateSubnetIds: args.privateSubnetIds,
            endpointPrivateAccess: true,
            endpointPublicAccess: publicAccess,
            ...(args.serviceCidr !== undefined ? { kubernetesServiceIpAddressRange: args.serviceCidr } : {}),
            ...(publicAccess ? { publicAccessCidrs: [...cfg.publicAccessCidrs] } : {}),
            // Access entries only; pulumi-eks also grants the deploying principal cluster admin
            // (bootstrapClusterCreatorAdminPermissions) so it can manage in-cluster resources.
            authenticationMode: eks.AuthenticationMode.Api,
            enabledClusterLogTypes: [...CLUSTER_LOG_TYPES],
            encryptionConfigKeyArn: key.arn,
            createOidcProvider: true,
            // No default node group, instance role or pulumi-eks security groups: nodes come from the
            // system node group below and Karpenter, with the Network component's node security group.
            skipDefaultNodeGroup: true,
            createInstanceRole: false,
            skipDefaultSecurityGroups: true,
            // Nothing installs add-ons but this component: EKS does not bootstrap self-managed ones,
            // pulumi-eks creates no VPC CNI add-on ("use the default", of which there is none) and no
            // coredns / kube-proxy add-ons.
            bootstrapSelfManagedAddons: false,
            useDefaultVpcCni: true,
            corednsAddonOptions: { enabled: false },
            kubeProxyAddonOptions: { enabled: false },
            deletionProtection: protect,
            tags: clusterTags,
        }, { parent: this, dependsOn: [logGroup, clusterRolePolicy, clusterRoleKms] });

        // Both shapes work: a real aws.eks.Cluster (Output properties) and the plain object mocks return.
        const eksClusterName = cluster.eksCluster.apply((c) => c.name);
        const clusterSecurityGroupId = cluster.eksCluster
            .apply((c) => pulumi.output(c.vpcConfig))
            .apply((v) => v.clusterSecurityGroupId);

        // --- security-group plumbing between nodes and the control plane ------------------------
        const nodesToApi = new aws.vpc.SecurityGroupIngressRule(`${name}-nodes-to-api`, {
            securityGroupId: clusterSecurityGroupId,
            referencedSecurityGroupId: args.nodeSecurityGroupId,
            description: "Nodes and pods to the Kubernetes API",
            ipProtocol: "tcp",
            fromPort: 443,
            toPort: 443,
            tags,
        }, parent);
        const apiToNodes = new aws.vpc.SecurityGroupIngressRule(`${name}-api-to-nodes`, {
            securityGroupId: args.nodeSecurityGroupId,
            referencedSecurityGroupId: clusterSecurityGroupId,
            description: "Control plane to kubelets, webhooks and extension API servers",
            ipProtocol: "-1",
            tags,
        }, parent);

        // --- the API path for the declared networks (moka:cluster.privateAccess) -------------------
        const apiFromNetworks = apiIngressFromNetworks(access, clusterSecurityGroupId);

        // Every in-cluster resource uses this provider, so none is attempted before the path to the API exists.
        const provider = new k8s.Provider(`${name}-k8s`, {
            kubeconfig: cluster.kubeconfigJson,
            enableServerSideApply: true,
            deleteUnreachable: false,
        }, { parent: this, dependsOn: [...apiFromNetworks, ...(args.apiAccess ?? [])] });

        // --- admin access --------------------------------------------------------------------------
        adminAccessEntries(access, eksClusterName, partition);

        // --- managed add-ons ---------------------------------------------------------------------
        const addon = (addonName: ManagedAddon, extra: Partial<aws.eks.AddonArgs>, dependsOn: pulumi.Resource[] = []) =>
            new aws.eks.Addon(`${name}-addon-${addonName}`, {
                clusterName: eksClusterName,
                addonName,
                addonVersion: args.addonVersions?.[addonName],
                resolveConflictsOnCreate: "OVERWRITE",
                resolveConflictsOnUpdate: "OVERWRITE",
                tags,
                ...extra,
            }, { parent: this, dependsOn });

        const podIdentityAgent = addon("eks-pod-identity-agent", {});
        const kubeProxy = addon("kube-proxy", {});
        const cniRole = new aws.iam.Role(`${name}-vpc-cni-role`, {
            name: `${clusterName}-vpc-cni`,
            assumeRolePolicy: accountId.apply((a) => JSON.stringify(podIdentityTrustPolicy({ sourceAccount: a }))),
            tags,
        }, parent);
        const cniRolePolicy = new aws.iam.RolePolicyAttachment(`${name}-vpc-cni-policy`, {
            role: cniRole.name,
            policyArn: managedPolicy("AmazonEKS_CNI_Policy"),
        }, parent);
        const vpcCni = addon("vpc-cni", {
            configurationValues: JSON.stringify(vpcCniConfiguration()),
            podIdentityAssociations: [{ serviceAccount: "aws-node", roleArn: cniRole.arn }],
        }, [cniRolePolicy, podIdentityAgent]);

        // --- ENIConfigs (one per AZ, named after the zone) ---------------------------------------
        const podSubnets = pulumi.output(args.podSubnets).apply((list) => {
            if (list.length !== azCount) {
                throw argError(TYPE, name, [`args.podSubnets has ${list.length} entries but args.azCount is ${azCount}`]);
            }
            return list;
        });
        const eniConfigs = [...Array(azCount).keys()].map((i) => {
            const obj = pulumi.all([podSubnets, args.nodeSecurityGroupId])
                .apply(([list, sg]) => eniConfigObject(list[i].availabilityZone, list[i].subnetId, [sg]));
            return new k8s.apiextensions.CustomResource(`${name}-eniconfig-${i}`, {
                apiVersion: "crd.k8s.amazonaws.com/v1alpha1",
                kind: "ENIConfig",
                metadata: obj.metadata,
                spec: obj.spec,
            }, { parent: this, provider, dependsOn: [vpcCni] });
        });

        // --- system node group -------------------------------------------------------------------
        const nodeRole = new aws.iam.Role(`${name}-system-node-role`, {
            name: `${clusterName}-system-node`,
            assumeRolePolicy: JSON.stringify(nodeRoleTrustPolicy()),
            tags,
        }, parent);
        const nodeRolePolicies = SYSTEM_NODE_MANAGED_POLICIES.map((policy) => new aws.iam.RolePolicyAttachment(`${name}-system-node-${policy}`, {
            role: nodeRole.name,
            policyArn: managedPolicy(policy),
        }, parent));

        const launchTemplate = new aws.ec2.LaunchTemplate(`${name}-system-lt`, {
            namePrefix: `${clusterName}-system-`,
            description: `EKS ${clusterName} system nodes: IMDSv2 only, encrypted gp3 root volume`,
            updateDefaultVersion: true,
            metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1, instanceMetadataTags: "disabled" },
            blockDeviceMappings: [{
                deviceName: "/dev/xvda",
                ebs: { volumeSize: sys.diskSizeGi, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" },
            }],
            vpcSecurityGroupIds: [args.nodeSecurityGroupId],
            tagSpecifications: (["instance", "volume", "network-interface"] as const).map((resourceType) => ({
                resourceType,
                tags: { ...tags, Name: `${clusterName}-system` },
            })),
            tags,
        }, parent);

        const nodeGroup = new aws.eks.NodeGroup(`${name}-system`, {
            clusterName: eksClusterName,
            nodeGroupNamePrefix: `${clusterName}-system-`,
            version: cfg.kubernetesVersion,
            nodeRoleArn: nodeRole.arn,
            subnetIds: args.privateSubnetIds,
            instanceTypes: [...sys.instanceTypes],
            amiType,
            capacityType: "ON_DEMAND",
            scalingConfig: { minSize: sys.minSize, desiredSize: sys.desiredSize, maxSize: sys.maxSize },
            updateConfig: { maxUnavailable: 1 },
            labels: { ...SYSTEM_NODE_LABEL },
            // The headroom config sized the group for, stated on the group: the capacity policy reads it.
            taints: [{ key: SYSTEM_NODE_TAINT.key, value: SYSTEM_NODE_TAINT.value, effect: nodeGroupTaintEffect(SYSTEM_NODE_TAINT.effect) }],
            launchTemplate: { id: launchTemplate.id, version: pulumi.interpolate`${launchTemplate.latestVersion}` },
            tags: { ...tags, [SYSTEM_NODE_HEADROOM_TAG]: String(sys.headroomPercent) },
        }, { parent: this, dependsOn: [...nodeRolePolicies, nodesToApi, apiToNodes, vpcCni, kubeProxy, podIdentityAgent, ...eniConfigs] });

        // CoreDNS goes ACTIVE only once it has nodes to run on; its default tolerations include CriticalAddonsOnly.
        addon("coredns", {}, [nodeGroup]);

        // --- outputs -----------------------------------------------------------------------------
        this.clusterName = clusterName;
        this.eksClusterName = eksClusterName;
        this.provider = provider;
        this.kubeconfig = pulumi.secret(cluster.kubeconfigJson);
        this.endpoint = cluster.core.apply((c) => c.endpoint);
        this.oidcProviderArn = cluster.oidcProviderArn;
        this.oidcProviderUrl = cluster.oidcProviderUrl;
        this.clusterSecurityGroupId = clusterSecurityGroupId;
        this.kmsKeyArn = key.arn;
        this.systemNodeRoleArn = nodeRole.arn;
        this.registerOutputs({
            clusterName: this.clusterName,
            kubeconfig: this.kubeconfig,
            endpoint: this.endpoint,
            oidcProviderArn: this.oidcProviderArn,
            oidcProviderUrl: this.oidcProviderUrl,
            clusterSecurityGroupId: this.clusterSecurityGroupId,
            kmsKeyArn: this.kmsKeyArn,
            systemNodeRoleArn: this.systemNodeRoleArn,
        });
    }
}
