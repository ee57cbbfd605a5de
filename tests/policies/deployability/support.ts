/**
 * Fixtures for the deployability rule specs: the prod platform's shape in miniature, in both cluster shapes
 * (`eks:index:Cluster` inputs under mocks; `aws:eks/cluster:Cluster` with the component as parent in a real
 * preview), linked the way the engine links them (property dependencies; IDs unknown at preview).
 */
import { strict as assert } from "assert";
import type { Policy } from "@pulumi/policy";
import { check, Diagnostic, TestResource, UNKNOWN } from "../../helpers/policy";
import type { ResView } from "../../../policies/lib/deployability";

export { UNKNOWN };
export const urnOf = (type: string, name: string): string => `urn:pulumi:test::moka::${type}::${name}`;

export const T = {
    component: "eks:index:Cluster",
    cluster: "aws:eks/cluster:Cluster",
    ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    sg: "aws:ec2/securityGroup:SecurityGroup",
    vpc: "aws:ec2/vpc:Vpc",
    subnet: "aws:ec2/subnet:Subnet",
    routeTable: "aws:ec2/routeTable:RouteTable",
    route: "aws:ec2/route:Route",
    rta: "aws:ec2/routeTableAssociation:RouteTableAssociation",
    lt: "aws:ec2/launchTemplate:LaunchTemplate",
    nodeGroup: "aws:eks/nodeGroup:NodeGroup",
    addon: "aws:eks/addon:Addon",
    release: "kubernetes:helm.sh/v3:Release",
    deployment: "kubernetes:apps/v1:Deployment",
    daemonSet: "kubernetes:apps/v1:DaemonSet",
    repo: "aws:ecr/repository:Repository",
    build: "docker-build:index:Image",
    pullThrough: "aws:ecr/pullThroughCacheRule:PullThroughCacheRule",
    nodePool: "kubernetes:karpenter.sh/v1:NodePool",
} as const;

const dep = (type: string, name: string) => [urnOf(type, name)];

/** The network of a private cluster: VPC, node SG, two node subnets with their route tables. */
export function network(): TestResource[] {
    return [
        { type: T.vpc, name: "vpc", props: { cidrBlock: "10.40.0.0/16" } },
        { type: T.sg, name: "node-sg", props: { vpcId: UNKNOWN, tags: { "karpenter.sh/discovery": "moka-prod" } } },
        ...[0, 1].flatMap((i): TestResource[] => [
            { type: T.subnet, name: `private-${i}`, props: { vpcId: UNKNOWN, cidrBlock: `10.40.${i * 32}.0/19` } },
            { type: T.routeTable, name: `private-rt-${i}`, props: { vpcId: UNKNOWN } },
            { type: T.rta, name: `private-rta-${i}`, props: { routeTableId: UNKNOWN, subnetId: UNKNOWN }, propertyDependencies: { routeTableId: dep(T.routeTable, `private-rt-${i}`), subnetId: dep(T.subnet, `private-${i}`) } },
            { type: T.route, name: `private-default-${i}`, props: { routeTableId: UNKNOWN, destinationCidrBlock: "0.0.0.0/0", natGatewayId: UNKNOWN }, propertyDependencies: { routeTableId: dep(T.routeTable, `private-rt-${i}`) } },
        ]),
    ];
}

/**
 * The mocks' shape: the remote component with its inputs — the platform's (skipDefaultSecurityGroups: true,
 * so every security group the component outputs is EKS's cluster security group).
 */
export function component(extra: Record<string, unknown> = {}): TestResource {
    return {
        type: T.component, name: "cluster-eks",
        props: { name: "moka-prod", vpcId: UNKNOWN, privateSubnetIds: UNKNOWN, endpointPrivateAccess: true, endpointPublicAccess: false, skipDefaultSecurityGroups: true, ...extra },
        propertyDependencies: { privateSubnetIds: [...dep(T.subnet, "private-0"), ...dep(T.subnet, "private-1")] },
    };
}

/** A real preview's child: the aws:eks Cluster whose parent is the component. */
export function awsCluster(vpc: Record<string, unknown> = {}): TestResource {
    return {
        type: T.cluster, name: "cluster-eks-eksCluster", parent: urnOf(T.component, "cluster-eks"),
        props: { name: "moka-prod", vpcConfig: { subnetIds: UNKNOWN, endpointPrivateAccess: true, endpointPublicAccess: false, clusterSecurityGroupId: UNKNOWN, ...vpc } },
        propertyDependencies: { vpcConfig: [...dep(T.subnet, "private-0"), ...dep(T.subnet, "private-1")] },
    };
}

/** A 443 rule on the cluster security group (its ID an output of the component, unknown at preview). */
export function apiRule(name: string, source: Record<string, unknown>, sourceDeps: Record<string, string[]> = {}): TestResource {
    return {
        type: T.ingress, name,
        props: { securityGroupId: UNKNOWN, ipProtocol: "tcp", fromPort: 443, toPort: 443, ...source },
        propertyDependencies: { securityGroupId: dep(T.component, "cluster-eks"), ...sourceDeps },
    };
}

export const nodesToApi = (): TestResource => apiRule("nodes-to-api", { referencedSecurityGroupId: UNKNOWN }, { referencedSecurityGroupId: dep(T.sg, "node-sg") });

/**
 * The platform's `api-to-nodes` rule (components/eks/index.ts): all protocols on the NODE security group (a
 * stack aws:ec2/securityGroup), from the cluster security group (an output of the component).
 */
export const apiToNodes = (): TestResource => ({
    type: T.ingress, name: "api-to-nodes",
    props: { securityGroupId: UNKNOWN, referencedSecurityGroupId: UNKNOWN, ipProtocol: "-1" },
    propertyDependencies: { securityGroupId: dep(T.sg, "node-sg"), referencedSecurityGroupId: dep(T.component, "cluster-eks") },
});

/**
 * A real first preview of the platform: the network, the component (its properties are its outputs, unknown
 * in a preview) with the aws:eks Cluster child whose vpcConfig.clusterSecurityGroupId is unknown, and both
 * node/control-plane rules. No way in from outside yet.
 */
export function realPreview(): TestResource[] {
    return [
        ...network(),
        { type: T.component, name: "cluster-eks", props: { clusterSecurityGroupId: UNKNOWN, nodeSecurityGroupId: UNKNOWN, eksCluster: UNKNOWN, kubeconfig: UNKNOWN } },
        awsCluster(),
        nodesToApi(),
        apiToNodes(),
    ];
}

/** Routes from both node route tables to `cidr` through a transit gateway. */
export function tgwRoutes(cidr: string, tables = [0, 1]): TestResource[] {
    return tables.map((i) => ({
        type: T.route, name: `access-${i}`,
        props: { routeTableId: UNKNOWN, destinationCidrBlock: cidr, transitGatewayId: "tgw-00000000000000000" },
        propertyDependencies: { routeTableId: dep(T.routeTable, `private-rt-${i}`) },
    }));
}

export async function mandatory(policy: Policy, resources: TestResource[], config?: Record<string, unknown>): Promise<Diagnostic[]> {
    return (await check(policy, resources, config)).filter((d) => d.policy === policy.name && d.enforcementLevel === "mandatory" && !d.unknownValue);
}

export async function expectClean(policy: Policy, resources: TestResource[], config?: Record<string, unknown>): Promise<void> {
    const ds = (await check(policy, resources, config)).filter((d) => d.policy === policy.name);
    assert.deepEqual(ds.map((d) => d.message), []);
}

export async function expectViolations(policy: Policy, resources: TestResource[], expected: RegExp[], config?: Record<string, unknown>): Promise<Diagnostic[]> {
    const ds = await mandatory(policy, resources, config);
    assert.equal(ds.length, expected.length, ds.map((d) => d.message).join("\n"));
    expected.forEach((re, i) => assert.match(ds[i].message, re));
    return ds;
}

/** An unknown left the rule undecided: no violation, the "can't run during preview" advisory instead. */
export async function expectUnknown(policy: Policy, resources: TestResource[], config?: Record<string, unknown>): Promise<void> {
    const ds = (await check(policy, resources, config)).filter((d) => d.policy === policy.name);
    assert.deepEqual(ds.filter((d) => !d.unknownValue).map((d) => d.message), []);
    assert.ok(ds.some((d) => d.unknownValue && d.enforcementLevel === "advisory"), `expected a "can't run during preview" advisory: ${JSON.stringify(ds)}`);
}

/** The analyses' views of test resources (what viewsOf makes of a stack policy's resources). */
export function views(resources: readonly TestResource[]): ResView[] {
    return resources.map((r) => ({
        urn: r.urn ?? urnOf(r.type, r.name!), type: r.type, name: r.name!, props: r.props, deps: r.propertyDependencies ?? {}, parent: r.parent,
        provider: r.provider ? { type: r.provider.type, props: r.provider.props } : undefined,
    }));
}

/** The stack's AWS provider as the engine attaches it (pinned account and region). */
export const AWS_PROVIDER = { type: "pulumi:providers:aws", name: "aws", props: { region: "us-west-2", allowedAccountIds: "[\"111111111111\"]" } };
