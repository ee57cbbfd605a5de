/**
 * The VPC the Network component creates when no `existingVpc` is given: the VPC with its secondary pod
 * CIDR, a locked-down default security group, node/public/pod subnets per AZ, the internet gateway, NAT
 * gateways and the route tables. Children of the Network component (names unchanged since the component
 * was one file, so URNs are stable); the layout itself is the pure plan in plan.ts.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { NetworkConfig } from "../../config";
import { natGatewayCount, natGatewayForAz, planSubnets, subnetTags } from "./plan";

/** What the rest of the Network component builds on. */
export interface VpcLayout {
    readonly vpcId: pulumi.Output<string>;
    /** Node (private) subnets, AZ order. */
    readonly privateSubnetIds: pulumi.Output<string>[];
    readonly publicSubnetIds: pulumi.Output<string>[];
    /** Pod subnets, AZ order. */
    readonly podSubnetIds: pulumi.Output<string>[];
    /** Route tables of the node and pod subnets (one per AZ here); routes to private-access networks go here. */
    readonly privateRouteTableIds: pulumi.Output<string>[];
    /** The pod CIDR as associated with the VPC. */
    readonly podCidr: pulumi.Output<string>;
}

export interface OwnVpcContext {
    readonly name: string;
    readonly parent: pulumi.Resource;
    readonly baseName: string;
    readonly clusterName: string;
    readonly network: NetworkConfig;
    readonly tags: Record<string, string>;
    /** Zone name of AZ index i. */
    readonly az: (i: number) => pulumi.Output<string>;
}

/** Creates the VPC, its subnets, gateways and route tables. */
export function createOwnVpc(c: OwnVpcContext): VpcLayout {
    const { name, baseName, clusterName, tags } = c;
    const { azCount, natMode, vpcCidr, podCidr } = c.network;
    const plan = planSubnets(c.network);
    const parent = { parent: c.parent };
    const named = (n: pulumi.Input<string>) => pulumi.output(n).apply((v) => ({ ...tags, Name: v }));
    const azIndexes = [...Array(azCount).keys()];
    const az = c.az;

    const vpc = new aws.ec2.Vpc(`${name}-vpc`, {
        cidrBlock: vpcCidr,
        enableDnsSupport: true,
        enableDnsHostnames: true,
        tags: named(baseName),
    }, parent);
    const podBlock = new aws.ec2.VpcIpv4CidrBlockAssociation(`${name}-pod-cidr`, { vpcId: vpc.id, cidrBlock: podCidr }, parent);

    // Locked-down default security group: no rules at all, so nothing can use it by accident.
    new aws.ec2.DefaultSecurityGroup(`${name}-default-sg`, { vpcId: vpc.id, tags: named(`${baseName}-default-deny`) }, parent);

    const subnetFor = (role: "private" | "public" | "pods", i: number, cidr: string, extra?: pulumi.ResourceOptions) =>
        new aws.ec2.Subnet(`${name}-${role}-${i}`, {
            vpcId: vpc.id,
            cidrBlock: cidr,
            availabilityZone: az(i),
            mapPublicIpOnLaunch: false,
            tags: az(i).apply((zone) => ({ ...tags, ...subnetTags(role, clusterName), Name: `${baseName}-${role}-${zone}` })),
        }, { ...parent, ...extra });
    const privateSubnets = azIndexes.map((i) => subnetFor("private", i, plan.privateSubnets[i]));
    const publicSubnets = azIndexes.map((i) => subnetFor("public", i, plan.publicSubnets[i]));
    const podSubnets = azIndexes.map((i) => subnetFor("pods", i, plan.podSubnets[i], { dependsOn: [podBlock] }));

    const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: named(`${baseName}-igw`) }, parent);
    const publicRt = new aws.ec2.RouteTable(`${name}-public-rt`, { vpcId: vpc.id, tags: named(`${baseName}-public`) }, parent);
    new aws.ec2.Route(`${name}-public-default`, { routeTableId: publicRt.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id }, parent);
    publicSubnets.forEach((s, i) => new aws.ec2.RouteTableAssociation(`${name}-public-rta-${i}`, { routeTableId: publicRt.id, subnetId: s.id }, parent));

    const nats = [...Array(natGatewayCount(natMode, azCount)).keys()].map((i) => {
        const eip = new aws.ec2.Eip(`${name}-nat-eip-${i}`, { domain: "vpc", tags: az(i).apply((zone) => ({ ...tags, Name: `${baseName}-nat-${zone}` })) }, parent);
        return new aws.ec2.NatGateway(`${name}-nat-${i}`, {
            allocationId: eip.id,
            subnetId: publicSubnets[i].id,
            connectivityType: "public",
            tags: az(i).apply((zone) => ({ ...tags, Name: `${baseName}-nat-${zone}` })),
        }, { ...parent, dependsOn: [igw] });
    });

    // One route table per AZ for that AZ's node and pod subnets, default route to that AZ's NAT (or the single one).
    const natForAz = natGatewayForAz(natMode, azCount);
    const privateRts = azIndexes.map((i) => {
        const rt = new aws.ec2.RouteTable(`${name}-private-rt-${i}`, {
            vpcId: vpc.id,
            tags: az(i).apply((zone) => ({ ...tags, Name: `${baseName}-private-${zone}` })),
        }, parent);
        new aws.ec2.Route(`${name}-private-default-${i}`, { routeTableId: rt.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: nats[natForAz[i]].id }, parent);
        new aws.ec2.RouteTableAssociation(`${name}-private-rta-${i}`, { routeTableId: rt.id, subnetId: privateSubnets[i].id }, parent);
        new aws.ec2.RouteTableAssociation(`${name}-pods-rta-${i}`, { routeTableId: rt.id, subnetId: podSubnets[i].id }, parent);
        return rt;
    });

    return {
        vpcId: vpc.id,
        privateSubnetIds: privateSubnets.map((s) => s.id),
        publicSubnetIds: publicSubnets.map((s) => s.id),
        podSubnetIds: podSubnets.map((s) => s.id),
        privateRouteTableIds: privateRts.map((rt) => rt.id),
        podCidr: podBlock.cidrBlock,
    };
}
