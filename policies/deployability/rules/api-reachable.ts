/**
 * The Kubernetes API is reachable from outside the node network (policies/lib/deployability/api-path.ts):
 * otherwise `pulumi up` itself, CI and every admin are locked out, and the first in-cluster resource of
 * the stack times out while everything after it is never built.
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { apiPaths, viewsOf } from "../../lib/deployability";
import { URLS, raiseUnknowns } from "../common";

export const eksApiReachable: StackValidationPolicy = {
    name: "eks-api-reachable",
    description: "Checks that every EKS cluster's Kubernetes API is reachable from outside the node network: a public endpoint, or a private one with port 443 open on its cluster security group from another network that has a route back.",
    enforcementLevel: "mandatory",
    severity: "critical",
    tags: ["deployability", "eks", "network"],
    url: URLS.eksEndpoint,
    remediationSteps:
        "Admit the network pulumi up runs from: a TCP 443 ingress rule on the cluster security group (vpcConfig.clusterSecurityGroupId; of an eks:index:Cluster " +
        "with skipDefaultSecurityGroups, its clusterSecurityGroupId output) from its CIDR or security group (not across a transit gateway unless the stack's gateway " +
        "enables SecurityGroupReferencingSupport), and, for a CIDR outside the VPC, a route to it in the route tables of the cluster's subnets (transit gateway, peering or VPN). " +
        "In this platform: moka:cluster.privateAccess plus moka:cluster.deployer. Or enable the public endpoint for specific CIDRs.",
    validateStack: (args, reportViolation) => {
        const paths = apiPaths(viewsOf(args.resources));
        for (const p of paths.filter((x) => x.verdict === "unreachable")) {
            const refused = p.sources.filter((s) => !s.ok).map((s) => s.problem).filter((s) => s !== undefined);
            reportViolation(
                `EKS cluster "${p.cluster}" has a private endpoint (endpointPublicAccess false) and no way in from outside the node network: ` +
                    (refused.length > 0 ? `${refused.join("; ")}. ` : "no 443 ingress on its cluster security group comes from anything but the nodes and pods. ") +
                    "pulumi up, CI and admins cannot reach the Kubernetes API, so the first Kubernetes resource times out and nothing after it is built. " +
                    "Open 443 on the cluster security group to the network pulumi up runs from (and route that network), or enable the public endpoint for specific CIDRs.",
                p.urn,
            );
        }
        raiseUnknowns(args.resources, paths.filter((x) => x.verdict === "unknown").flatMap((x) => x.unknowns));
    },
};
