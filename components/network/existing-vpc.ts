/**
 * Bring your own VPC (`moka:network.existingVpc`): nothing of the VPC is created or changed except tags.
 * The platform needs its subnets found by tag — Karpenter selects node subnets by
 * `karpenter.sh/discovery=<cluster>`, the AWS Load Balancer Controller picks subnets by
 * `kubernetes.io/role/internal-elb` / `kubernetes.io/role/elb` and `kubernetes.io/cluster/<cluster>` — so
 * each given subnet gets the same tags the platform's own subnets carry (plan.ts `subnetTags`), one
 * `aws.ec2.Tag` per key: the subnets stay owned by whoever created them, and `pulumi destroy` removes only
 * these tags. Routes, NAT and the default security group are the VPC owner's (no DefaultSecurityGroup here:
 * adopting it would strip its rules).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ExistingVpcConfig } from "../../config";
import type { VpcLayout } from "./own-vpc";
import { subnetTags, type SubnetRole } from "./plan";

/** A short, stable resource-name part for a tag key ("kubernetes.io/cluster/moka-prod" → "cluster"). */
export function tagSlug(key: string): string {
    if (key.startsWith("kubernetes.io/cluster/")) {
        return "cluster";
    }
    return key.replace(/^.*\//, "").replace(/[^a-z0-9-]+/gi, "-").toLowerCase();
}

export interface ExistingVpcContext {
    readonly name: string;
    readonly parent: pulumi.Resource;
    readonly clusterName: string;
    readonly existingVpc: ExistingVpcConfig;
}

/** Tags the given subnets and returns them in the layout the rest of the Network component uses. */
export function adoptExistingVpc(c: ExistingVpcContext): VpcLayout {
    const { name, clusterName, existingVpc: v } = c;
    const parent = { parent: c.parent };
    const tag = (role: SubnetRole, ids: readonly string[]) => ids.forEach((subnetId, i) => {
        for (const [key, value] of Object.entries(subnetTags(role, clusterName))) {
            new aws.ec2.Tag(`${name}-${role}-${i}-tag-${tagSlug(key)}`, { resourceId: subnetId, key, value }, parent);
        }
    });
    tag("private", v.nodeSubnetIds);
    tag("public", v.publicSubnetIds);
    tag("pods", v.podSubnets.map((s) => s.subnetId));
    return {
        vpcId: pulumi.output(v.vpcId),
        privateSubnetIds: v.nodeSubnetIds.map((id) => pulumi.output(id)),
        publicSubnetIds: v.publicSubnetIds.map((id) => pulumi.output(id)),
        podSubnetIds: v.podSubnets.map((s) => pulumi.output(s.subnetId)),
        privateRouteTableIds: v.routeTableIds.map((id) => pulumi.output(id)),
        podCidr: pulumi.output(v.secondaryCidrs[0] ?? v.vpcCidr),
    };
}
