/**
 * Who reaches the cluster, for the Cluster component: the identity that may create it (the caller check),
 * the networks that reach its API (443 on the EKS cluster security group) and the admin access entries.
 * Children of the Cluster component, named as before this file existed (URNs unchanged); the pure checks
 * live in plan.ts.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterConfig } from "../../config";
import { PLATFORM_ADMIN_GROUP } from "../../lib/platform";
import { argError } from "../shared/arg-errors";
import { adminRoleSlug, creatorCheck, type EntryPrincipal } from "./plan";

interface Ctx {
    readonly type: string;
    readonly name: string;
    readonly parent: pulumi.Resource;
    readonly cluster: ClusterConfig;
    readonly tags: Record<string, string>;
    /** The EKS cluster's physical name. */
    readonly clusterName: string;
    /** Team principals, each with an access entry of its own (components/tenancy/access.ts). */
    readonly teamPrincipals: readonly EntryPrincipal[];
}

/**
 * The cluster's tags, resolved only once the caller is known to be allowed to run: pulumi-eks gives the
 * creator an admin entry of its own, so an admin role or a team principal must never create the cluster
 * (its second entry would collide). Only creation makes that entry: while the cluster does not exist yet
 * (its name is not among `aws.eks.getClusters` in the region — the EKS ListClusters call) such a caller is
 * refused, and feeding the check into an input of the cluster stops `pulumi up` before anything is created;
 * once it exists, the run goes on with a warning (break-glass previews and updates by an admin).
 */
export function creatorCheckedTags(c: Ctx): pulumi.Output<Record<string, string>> {
    const caller = aws.getCallerIdentityOutput({}, { parent: c.parent }).arn;
    const existing = aws.eks.getClustersOutput({}, { parent: c.parent }).names;
    return pulumi.all([caller, existing]).apply(([callerArn, names]) => {
        const { error, warning } = creatorCheck({
            callerArn, deployerRoleArn: c.cluster.deployerRoleArn, adminRoleArns: c.cluster.adminRoleArns,
            teamPrincipals: c.teamPrincipals, clusterName: c.clusterName, clusterExists: (names ?? []).includes(c.clusterName),
        });
        if (error) {
            throw argError(c.type, c.name, [error]);
        }
        if (warning) {
            void pulumi.log.warn(warning, c.parent);
        }
        return c.tags;
    });
}

/** TCP 443 on the EKS-managed cluster security group (which the private endpoint's ENIs carry) from every privateAccess network. */
export function apiIngressFromNetworks(c: Ctx, clusterSecurityGroupId: pulumi.Input<string>): aws.vpc.SecurityGroupIngressRule[] {
    return c.cluster.privateAccess.map((n) => new aws.vpc.SecurityGroupIngressRule(`${c.name}-api-from-${n.name}`, {
        securityGroupId: clusterSecurityGroupId,
        ...(n.securityGroupId !== undefined ? { referencedSecurityGroupId: n.securityGroupId } : { cidrIpv4: n.cidr }),
        description: `Kubernetes API from ${n.name} (${n.via})`,
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        tags: c.tags,
    }, { parent: c.parent }));
}

/** STANDARD access entries with cluster admin for the admin roles, in the platform admin group (YuniKorn's root-queue admin ACL). */
export function adminAccessEntries(c: Ctx, eksClusterName: pulumi.Input<string>, partition: pulumi.Input<string>): void {
    for (const roleArn of c.cluster.adminRoleArns) {
        const slug = adminRoleSlug(roleArn);
        const entry = new aws.eks.AccessEntry(`${c.name}-admin-${slug}`, {
            clusterName: eksClusterName,
            principalArn: roleArn,
            type: "STANDARD",
            kubernetesGroups: [PLATFORM_ADMIN_GROUP],
            tags: c.tags,
        }, { parent: c.parent });
        new aws.eks.AccessPolicyAssociation(`${c.name}-admin-${slug}-policy`, {
            clusterName: eksClusterName,
            principalArn: entry.principalArn,
            policyArn: pulumi.interpolate`arn:${partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy`,
            accessScope: { type: "cluster" },
        }, { parent: c.parent });
    }
}
