/**
 * The platform VPC: node, pod and public subnets per AZ, NAT, VPC endpoints, the node security group,
 * a locked-down default security group and VPC flow logs.
 *
 * - Node (private) subnets carry the Karpenter discovery tag; pod subnets live on a secondary CIDR
 *   (100.64.0.0/16 style) and are handed to the VPC CNI through ENIConfigs (see components/eks/index.ts),
 *   so Spark executors do not exhaust the node address space.
 * - Public subnets hold only NAT gateways and internet-facing load balancers (no public IPs on launch).
 * - Interface endpoints (STS, ECR, EC2, SQS, Logs) and an S3 gateway endpoint keep AWS API and image
 *   traffic off the NAT gateways.
 * The subnet layout and every IAM document are pure functions in components/network/plan.ts.
 */
import * as aws from "@pulumi/aws";
import { partitionOfRegion } from "../../lib/aws-partition";
import { logGroupKey } from "../shared/log-key";
import * as pulumi from "@pulumi/pulumi";
import type { NetworkConfig, PrivateAccessNetwork } from "../../config";
import { isLogRetentionDays, LOG_RETENTION_MESSAGE } from "../../lib/aws-limits";
import { argError, throwArgProblems } from "../shared/arg-errors";
import { adoptExistingVpc } from "./existing-vpc";
import { createOwnVpc } from "./own-vpc";
import {
    endpointServiceName, flowLogTrustPolicy, flowLogWritePolicy, INTERFACE_ENDPOINT_SERVICES, KARPENTER_DISCOVERY_TAG, subnetPlanProblems,
} from "./plan";
import { connectPrivateAccess } from "./private-access";

/** A pod subnet and the AZ it is in; the Cluster component turns each into an ENIConfig named after the AZ. */
export interface PodSubnet {
    readonly availabilityZone: string;
    readonly subnetId: string;
}

/** Arguments for {@link Network}. */
export interface NetworkArgs {
    /** Stem of every physical name and Name tag, e.g. "moka-prod". Required. */
    readonly baseName: string;
    /** EKS cluster name, used in the Karpenter discovery and `kubernetes.io/cluster/<name>` tags. Required. */
    readonly clusterName: string;
    /** VPC CIDR, pod CIDR, AZ count and NAT mode (validated `moka:network`). Required. */
    readonly network: NetworkConfig;
    /** Tags for every taggable resource. Required. */
    readonly tags: Record<string, string>;
    /** Retention of the VPC flow-log group, a CloudWatch Logs retention value. Required. */
    readonly flowLogRetentionDays: number;
    /** AWS region. Defaults to the provider's region (a `getRegion` call). */
    readonly region?: string;
    /** AWS account id. Defaults to the caller's account (a `getCallerIdentity` call). */
    readonly accountId?: string;
    /** The zones to use, exactly `network.azCount` of them. Defaults to the region's first available zones that need no opt-in (a `getAvailabilityZones` call), or an existing VPC's pod-subnet zones. */
    readonly availabilityZones?: readonly string[];
    /** Networks that reach the private API endpoint (moka:cluster.privateAccess): routes to them, and the VPC's transit-gateway / VPN-gateway attachments when the VPC is created here. Defaults to none. */
    readonly privateAccess?: readonly PrivateAccessNetwork[];
    /** Protect the flow-log group's KMS key (prod): `protect`, `retainOnDelete`, a 30-day deletion window. Defaults to false. */
    readonly protect?: boolean;
}

const TYPE = "moka:network:Network";

/** The platform VPC. */
export class Network extends pulumi.ComponentResource {
    public readonly vpcId: pulumi.Output<string>;
    /** Node subnets (one per AZ, AZ order). */
    public readonly privateSubnetIds: pulumi.Output<string[]>;
    public readonly publicSubnetIds: pulumi.Output<string[]>;
    /** Pod subnets on the secondary CIDR with their AZ (AZ order). */
    public readonly podSubnets: pulumi.Output<PodSubnet[]>;
    /** Security group for worker nodes and pods (Karpenter discovers it by tag). */
    public readonly nodeSecurityGroupId: pulumi.Output<string>;
    public readonly availabilityZones: pulumi.Output<string[]>;
    public readonly vpcCidr: pulumi.Output<string>;
    public readonly podCidr: pulumi.Output<string>;
    /** Number of AZs, known at construction (the Cluster component creates one ENIConfig per AZ). */
    public readonly azCount: number;
    /** Route tables of the node and pod subnets. */
    public readonly privateRouteTableIds: pulumi.Output<string[]>;
    /** The attachments and routes to the moka:cluster.privateAccess networks: the Cluster's Kubernetes provider waits for them. */
    public readonly apiAccess: pulumi.Resource[];

    constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super(TYPE, name, {}, opts);

        // --- validate --------------------------------------------------------------------------
        const problems: string[] = [];
        if (!args.baseName) {
            problems.push("args.baseName is required");
        }
        if (!args.clusterName) {
            problems.push("args.clusterName is required");
        }
        if (!args.network) {
            problems.push("args.network is required");
        } else {
            problems.push(...subnetPlanProblems(args.network).map((p) => `args.network is invalid: ${p}`));
            if (args.network.natMode !== "perAz" && args.network.natMode !== "single") {
                problems.push(`args.network.natMode must be "perAz" or "single", got "${args.network.natMode}"`);
            }
            if (args.availabilityZones !== undefined && args.availabilityZones.length !== args.network.azCount) {
                problems.push(`args.availabilityZones lists ${args.availabilityZones.length} zones but args.network.azCount is ${args.network.azCount}`);
            }
        }
        if (!isLogRetentionDays(args.flowLogRetentionDays)) {
            problems.push(`args.flowLogRetentionDays ${LOG_RETENTION_MESSAGE}, got ${args.flowLogRetentionDays}`);
        }
        throwArgProblems(TYPE, name, problems);

        // --- defaults --------------------------------------------------------------------------
        const { baseName, clusterName } = args;
        const existing = args.network.existingVpc;
        const azCount = existing ? existing.podSubnets.length : args.network.azCount;
        const vpcCidr = existing ? existing.vpcCidr : args.network.vpcCidr;
        const tags = { ...args.tags };
        const named = (n: pulumi.Input<string>) => pulumi.output(n).apply((v) => ({ ...tags, Name: v }));
        const parent = { parent: this };

        // Region, account and zones come from args when the caller knows them (index.ts does, from
        // config); otherwise from the provider. Explicit zones keep subnets stable if AWS adds zones.
        const region = args.region !== undefined ? pulumi.output(args.region) : aws.getRegionOutput({}, parent).region;
        const accountId = args.accountId !== undefined ? pulumi.output(args.accountId) : aws.getCallerIdentityOutput({}, parent).accountId;
        const partition = args.region !== undefined ? pulumi.output(partitionOfRegion(args.region)) : aws.getPartitionOutput({}, parent).partition;
        // Only zones that need no opt-in: never a Local Zone or Wavelength Zone. An existing VPC's zones are its pod subnets'.
        const zoneNames = existing ? pulumi.output(existing.podSubnets.map((s) => s.availabilityZone))
            : args.availabilityZones !== undefined
                ? pulumi.output([...args.availabilityZones])
                : aws.getAvailabilityZonesOutput({ state: "available", filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] }, parent).names;
        const azNames = zoneNames.apply((names) => {
            if (!Array.isArray(names)) {
                throw argError(TYPE, name, ["getAvailabilityZones returned no zone names; set moka:network.availabilityZones"]);
            }
            if (names.length < azCount) {
                throw argError(TYPE, name, [`args.network.azCount is ${azCount} but the region has only ${names.length} available zones`]);
            }
            return names.slice(0, azCount);
        });
        const az = (i: number) => azNames.apply((n) => n[i]);

        // --- the VPC: created here, or an existing one whose subnets get the platform's tags --------
        const layout = existing
            ? adoptExistingVpc({ name, parent: this, clusterName, existingVpc: existing })
            : createOwnVpc({ name, parent: this, baseName, clusterName, network: args.network, tags, az });
        const { vpcId } = layout;
        const privateSubnetIds = layout.privateSubnetIds;
        const endpointCidrs = existing ? [existing.vpcCidr, ...existing.secondaryCidrs] : [vpcCidr, args.network.podCidr];

        // --- routes to the networks that reach the private API endpoint ---------------------------
        const apiAccess = connectPrivateAccess({
            name, parent: this, baseName, networks: args.privateAccess ?? [], vpcId, ownVpc: !existing,
            privateSubnetIds, routeTableIds: layout.privateRouteTableIds, tags,
        });

        // --- VPC endpoints (an existing VPC gets them only with createEndpoints) -------------------
        if (!existing || existing.createEndpoints) {
            const endpointSg = new aws.ec2.SecurityGroup(`${name}-endpoints-sg`, {
                name: `${baseName}-vpc-endpoints`,
                description: "HTTPS from the VPC and pod CIDRs to interface VPC endpoints",
                vpcId,
                tags: named(`${baseName}-vpc-endpoints`),
            }, parent);
            endpointCidrs.forEach((cidr, i) => {
                const role = i === 0 ? "vpc" : i === 1 ? "pods" : `cidr-${i}`;
                new aws.vpc.SecurityGroupIngressRule(`${name}-endpoints-https-${role}`, {
                    securityGroupId: endpointSg.id,
                    description: `HTTPS from the ${i === 0 ? "VPC" : i === 1 ? "pod" : "secondary"} CIDR`,
                    ipProtocol: "tcp",
                    fromPort: 443,
                    toPort: 443,
                    cidrIpv4: cidr,
                    tags,
                }, parent);
            });
            for (const service of INTERFACE_ENDPOINT_SERVICES) {
                new aws.ec2.VpcEndpoint(`${name}-endpoint-${service.replace(/\./g, "-")}`, {
                    vpcId,
                    serviceName: region.apply((r) => endpointServiceName(r, service)),
                    vpcEndpointType: "Interface",
                    privateDnsEnabled: true,
                    subnetIds: privateSubnetIds,
                    securityGroupIds: [endpointSg.id],
                    tags: named(`${baseName}-${service}`),
                }, parent);
            }
            if (layout.privateRouteTableIds.length > 0) {
                new aws.ec2.VpcEndpoint(`${name}-endpoint-s3`, {
                    vpcId,
                    serviceName: region.apply((r) => endpointServiceName(r, "s3")),
                    vpcEndpointType: "Gateway",
                    routeTableIds: layout.privateRouteTableIds,
                    tags: named(`${baseName}-s3`),
                }, parent);
            }
        }

        // --- node security group -----------------------------------------------------------------
        // Worker nodes (system node group, Karpenter) and pods (via ENIConfig) share it. The Cluster
        // component adds the control-plane rules; there is no ingress from outside the group.
        const nodeSg = new aws.ec2.SecurityGroup(`${name}-node-sg`, {
            name: `${baseName}-nodes`,
            description: "EKS worker nodes and pods",
            vpcId,
            tags: {
                ...tags,
                Name: `${baseName}-nodes`,
                [KARPENTER_DISCOVERY_TAG]: clusterName,
                // The AWS Load Balancer Controller adds backend rules to the one group carrying this tag.
                [`kubernetes.io/cluster/${clusterName}`]: "owned",
            },
        }, parent);
        new aws.vpc.SecurityGroupIngressRule(`${name}-node-self`, {
            securityGroupId: nodeSg.id,
            description: "All traffic between nodes and pods",
            ipProtocol: "-1",
            referencedSecurityGroupId: nodeSg.id,
            tags,
        }, parent);
        new aws.vpc.SecurityGroupEgressRule(`${name}-node-egress`, {
            securityGroupId: nodeSg.id,
            description: "All outbound traffic",
            ipProtocol: "-1",
            cidrIpv4: "0.0.0.0/0",
            tags,
        }, parent);

        // --- flow logs ---------------------------------------------------------------------------
        const flowLogGroupName = `/aws/vpc/${baseName}/flow-logs`;
        const flowLogKey = logGroupKey(`${name}-flow-logs-key`, {
            description: `VPC ${baseName}: flow-log group encryption`,
            aliasName: `${baseName}-flow-logs`,
            logGroupName: flowLogGroupName,
            partition, region, accountId,
            protect: args.protect ?? false,
            tags,
        }, this);
        const flowLogGroup = new aws.cloudwatch.LogGroup(`${name}-flow-logs`, {
            name: flowLogGroupName,
            retentionInDays: args.flowLogRetentionDays,
            kmsKeyId: flowLogKey.arn,
            tags,
        }, parent);
        const flowLogRole = new aws.iam.Role(`${name}-flow-logs-role`, {
            name: `${baseName}-vpc-flow-logs`,
            assumeRolePolicy: pulumi.all([partition, region, accountId]).apply(([p, r, a]) => JSON.stringify(flowLogTrustPolicy(p, r, a))),
            tags,
        }, parent);
        const flowLogPolicy = new aws.iam.RolePolicy(`${name}-flow-logs-policy`, {
            role: flowLogRole.name,
            policy: flowLogGroup.arn.apply((arn) => JSON.stringify(flowLogWritePolicy(arn))),
        }, parent);
        new aws.ec2.FlowLog(`${name}-flow-log`, {
            vpcId,
            trafficType: "ALL",
            logDestinationType: "cloud-watch-logs",
            logDestination: flowLogGroup.arn,
            iamRoleArn: flowLogRole.arn,
            maxAggregationInterval: 60,
            tags: named(`${baseName}-flow-log`),
        }, { ...parent, dependsOn: [flowLogPolicy] });

        // --- outputs -----------------------------------------------------------------------------
        this.vpcId = vpcId;
        this.privateSubnetIds = pulumi.all(privateSubnetIds);
        this.publicSubnetIds = pulumi.all(layout.publicSubnetIds);
        this.podSubnets = pulumi.all([azNames, pulumi.all(layout.podSubnetIds)])
            .apply(([zonesList, ids]) => ids.map((subnetId, i) => ({ availabilityZone: zonesList[i], subnetId })));
        this.nodeSecurityGroupId = nodeSg.id;
        this.availabilityZones = azNames;
        this.vpcCidr = pulumi.output(vpcCidr);
        this.podCidr = layout.podCidr;
        this.azCount = azCount;
        this.privateRouteTableIds = pulumi.all(layout.privateRouteTableIds);
        this.apiAccess = apiAccess;
        this.registerOutputs({
            vpcId: this.vpcId,
            privateSubnetIds: this.privateSubnetIds,
            publicSubnetIds: this.publicSubnetIds,
            podSubnets: this.podSubnets,
            nodeSecurityGroupId: this.nodeSecurityGroupId,
            availabilityZones: this.availabilityZones,
            vpcCidr: this.vpcCidr,
            podCidr: this.podCidr,
            privateRouteTableIds: this.privateRouteTableIds,
        });
    }
}
