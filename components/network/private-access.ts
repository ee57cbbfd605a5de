/**
 * The network side of the private API path (`moka:cluster.privateAccess`): for every connected network
 * (transit gateway, VPC peering, VPN) a route from each node/pod route table to its CIDR, and — when this
 * stack owns the VPC — the VPC's transit-gateway attachment (in the node subnets) and VPN-gateway
 * attachment. The 443 ingress on the cluster security group is the Cluster component's (it owns that
 * group). EKS user guide (awsdocs/amazon-eks-user-guide cluster-endpoint.adoc at 4d52b4d): a connected
 * network reaches the private endpoint with "rules to allow ingress traffic on port 443 from your connected
 * network" and a route; the endpoint's ENIs sit in the node subnets, so their route tables need the
 * return route.
 *
 * Out of this stack's reach, documented in the README: the transit gateway's own route table must route
 * the VPC CIDR back (propagation from the attachment, or a static route), a cross-account transit gateway
 * must accept the attachment unless auto-accept is on, and a peering connection must already exist (so
 * peering needs an existing VPC).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { PrivateAccessNetwork } from "../../config";

/** One route to a connected network. */
export interface PlannedRoute {
    /** Resource name suffix: `access-<network>-<route table index>`. */
    readonly key: string;
    readonly network: string;
    readonly routeTableIndex: number;
    readonly destinationCidrBlock: string;
    readonly target: { readonly transitGatewayId?: string; readonly vpcPeeringConnectionId?: string; readonly gatewayId?: string };
}

/** Routes from each of `routeTableCount` route tables to every connected network with a CIDR. Pure. */
export function planPrivateAccessRoutes(networks: readonly PrivateAccessNetwork[], routeTableCount: number): PlannedRoute[] {
    return networks.flatMap((n) => {
        if (n.via === "inVpc" || n.cidr === undefined) {
            return [];
        }
        const target = n.via === "transitGateway" ? { transitGatewayId: n.transitGatewayId }
            : n.via === "vpcPeering" ? { vpcPeeringConnectionId: n.vpcPeeringConnectionId }
                : { gatewayId: n.vpnGatewayId };
        return [...Array(routeTableCount).keys()].map((i) => ({ key: `access-${n.name}-${i}`, network: n.name, routeTableIndex: i, destinationCidrBlock: n.cidr!, target }));
    });
}

/** Transit gateways and VPN gateways the VPC must be attached to (each once). Pure. */
export function plannedAttachments(networks: readonly PrivateAccessNetwork[]): { transitGateways: string[]; vpnGateways: string[] } {
    const uniq = (xs: (string | undefined)[]) => [...new Set(xs.filter((x): x is string => x !== undefined))];
    return {
        transitGateways: uniq(networks.filter((n) => n.via === "transitGateway").map((n) => n.transitGatewayId)),
        vpnGateways: uniq(networks.filter((n) => n.via === "vpn").map((n) => n.vpnGatewayId)),
    };
}

export interface PrivateAccessContext {
    readonly name: string;
    readonly parent: pulumi.Resource;
    readonly baseName: string;
    readonly networks: readonly PrivateAccessNetwork[];
    readonly vpcId: pulumi.Input<string>;
    /** True when this stack created the VPC (then it attaches the VPC to the gateways). */
    readonly ownVpc: boolean;
    readonly privateSubnetIds: pulumi.Input<string>[];
    readonly routeTableIds: pulumi.Input<string>[];
    readonly tags: Record<string, string>;
}

/** Creates the attachments and routes; returns them, for whatever must wait until the path exists. */
export function connectPrivateAccess(c: PrivateAccessContext): pulumi.Resource[] {
    const parent = { parent: c.parent };
    const created: pulumi.Resource[] = [];
    const attachments = new Map<string, pulumi.Resource>();
    if (c.ownVpc) {
        const { transitGateways, vpnGateways } = plannedAttachments(c.networks);
        for (const transitGatewayId of transitGateways) {
            const a = new aws.ec2transitgateway.VpcAttachment(`${c.name}-tgw-attachment-${transitGatewayId}`, {
                transitGatewayId,
                vpcId: c.vpcId,
                subnetIds: c.privateSubnetIds,
                dnsSupport: "enable",
                tags: { ...c.tags, Name: `${c.baseName}-${transitGatewayId}` },
            }, parent);
            attachments.set(transitGatewayId, a);
            created.push(a);
        }
        for (const vpnGatewayId of vpnGateways) {
            const a = new aws.ec2.VpnGatewayAttachment(`${c.name}-vgw-attachment-${vpnGatewayId}`, { vpcId: c.vpcId, vpnGatewayId }, parent);
            attachments.set(vpnGatewayId, a);
            created.push(a);
        }
    }
    for (const r of planPrivateAccessRoutes(c.networks, c.routeTableIds.length)) {
        const via = r.target.transitGatewayId ?? r.target.gatewayId;
        const after = via !== undefined ? attachments.get(via) : undefined;
        created.push(new aws.ec2.Route(`${c.name}-${r.key}`, {
            routeTableId: c.routeTableIds[r.routeTableIndex],
            destinationCidrBlock: r.destinationCidrBlock,
            ...r.target,
        }, { ...parent, ...(after ? { dependsOn: [after] } : {}) }));
    }
    return created;
}
