/**
 * Is the Kubernetes API reachable from outside the node network? From the resources alone:
 *
 *  - a public endpoint (explicitly on, or left at its default, which is public for both
 *    `aws:eks/cluster:Cluster` vpcConfig and the `eks:index:Cluster` component) is reachable — whether its
 *    CIDRs are safe is the security pack's business;
 *  - a private endpoint needs a TCP 443 ingress rule on a security group the endpoint's ENIs carry (the
 *    EKS-created cluster security group, or one listed in vpcConfig.securityGroupIds) from a source that
 *    is not the node network; a source CIDR outside the stack's VPC also needs a route to it from the route
 *    tables of the cluster's subnets (when the stack creates those route tables).
 *
 * EKS facts (awsdocs/amazon-eks-user-guide at 4d52b4d, cluster-endpoint.adoc and networking/sec-group-reqs.adoc):
 * EKS associates its cluster security group, and any security groups you give it, with the 2–4 ENIs of the
 * endpoint; a connected network needs "ingress traffic on port 443 from your connected network" on the
 * control-plane security group. pulumi-eks skips its health check for private endpoints (cluster.ts at
 * v4.3.0), so nothing else warns.
 *
 * Shapes: under mocks only `eks:index:Cluster` (inputs) is visible and the rules on its security group
 * depend on it (the security group ID is an output of the component); in a real preview the
 * `aws:eks/cluster:Cluster` child is there too (parent: the component), and the rules still depend on the
 * component. Which rules are on the endpoint's groups is api-groups.ts's call (known IDs first, then
 * property dependencies); a source security group outside a stack VPC that reaches other networks only
 * through a transit gateway counts only when the gateway's security group referencing is visibly on (it is
 * off by default: botocore ec2 service-2.json TransitGatewayOptions.SecurityGroupReferencingSupport).
 */
import { cidrContains, isAnyAddress, parseCidr, type Ipv4Cidr } from "../../../lib/cidr";
import { asArray, asBool } from "../props";
import { isUnknownValue } from "../known";
import { EKS_CLUSTER, EKS_COMPONENT, endpointPlacement, ingressRules, nodeGroupKeys, SECURITY_GROUP, type Ingress } from "./api-groups";
import { at, intersects, known, refKeys, selfKeys, type ResView, type UnknownAt } from "./view";

export { EKS_CLUSTER, EKS_COMPONENT };
const VPC = "aws:ec2/vpc:Vpc";
const VPC_CIDR = "aws:ec2/vpcIpv4CidrBlockAssociation:VpcIpv4CidrBlockAssociation";
const ROUTE = "aws:ec2/route:Route";
const ROUTE_TABLE = "aws:ec2/routeTable:RouteTable";
const RT_ASSOCIATION = "aws:ec2/routeTableAssociation:RouteTableAssociation";
const VPN_PROPAGATION = "aws:ec2/vpnGatewayRoutePropagation:VpnGatewayRoutePropagation";
const SUBNET = "aws:ec2/subnet:Subnet";
const TGW = "aws:ec2transitgateway/transitGateway:TransitGateway";
const TGW_ATTACHMENT = "aws:ec2transitgateway/vpcAttachment:VpcAttachment";

/** One way in to the private endpoint. */
export interface ApiSource {
    /** The ingress rule (resource name). */
    readonly rule: string;
    /** CIDR or security group it admits. */
    readonly source: string;
    /** For a CIDR outside the VPC: the route targets found ("tgw-…", "pcx-…"), or "routes not managed here". */
    readonly via?: string;
    readonly ok: boolean;
    /** Why this source does not count (no route, only some route tables…). */
    readonly problem?: string;
}

export interface ApiPath {
    readonly urn: string;
    readonly cluster: string;
    /** "public" (possibly with private access too) or "private". */
    readonly endpoint: "public" | "private" | "unknown";
    readonly publicCidrs: readonly string[];
    readonly sources: readonly ApiSource[];
    /** "reachable", "unreachable" or "unknown" (a value it needs is unknown at preview). */
    readonly verdict: "reachable" | "unreachable" | "unknown";
    readonly unknowns: readonly UnknownAt[];
}

/** The stack's VPC blocks (own VPC only; undefined when the stack creates no VPC). */
function vpcBlocks(views: readonly ResView[]): Ipv4Cidr[] | undefined {
    const vpcs = views.filter((r) => r.type === VPC);
    if (vpcs.length === 0) {
        return undefined;
    }
    return [...vpcs, ...views.filter((r) => r.type === VPC_CIDR)].map((r) => parseCidr(known(r.props.cidrBlock))).filter((c): c is Ipv4Cidr => c !== undefined);
}

interface RouteInfo { readonly tableKeys: Set<string>; readonly dest: unknown; readonly target: string; readonly viaNat: boolean; readonly r: ResView; readonly path: (string | number)[] }

const ROUTE_TARGETS = ["transitGatewayId", "vpcPeeringConnectionId", "gatewayId", "networkInterfaceId", "localGatewayId", "coreNetworkArn", "vpcEndpointId", "natGatewayId"] as const;

function routes(views: readonly ResView[]): RouteInfo[] {
    const out: RouteInfo[] = [];
    const targetKey = (x: unknown) => ROUTE_TARGETS.find((k) => { const v = at(x, k); return v !== undefined && v !== null && v !== ""; });
    const targetOf = (x: unknown): string => {
        const k = targetKey(x);
        return k === undefined ? "(no target)" : known(at(x, k)) ?? `(${k})`;
    };
    const viaNat = (x: unknown) => targetKey(x) === "natGatewayId";
    for (const r of views) {
        if (r.type === ROUTE) {
            out.push({ r, tableKeys: refKeys(r, "routeTableId"), dest: r.props.destinationCidrBlock, target: targetOf(r.props), viaNat: viaNat(r.props), path: ["destinationCidrBlock"] });
        } else if (r.type === ROUTE_TABLE) {
            asArray(r.props.routes).forEach((rt, i) => out.push({ r, tableKeys: selfKeys(r), dest: at(rt, "cidrBlock"), target: targetOf(rt), viaNat: viaNat(rt), path: ["routes", i, "cidrBlock"] }));
        }
    }
    return out;
}

/**
 * Route tables (keys) of the cluster's subnets, or undefined when no association links them; `uncertain`
 * when an association's subnet or table is unknown at preview (it may add or name a table).
 */
function clusterRouteTables(views: readonly ResView[], subnetKeys: Set<string>): { tables?: Set<string>[]; uncertain: UnknownAt[] } {
    const tables: Set<string>[] = [];
    const uncertain: UnknownAt[] = [];
    for (const r of views.filter((x) => x.type === RT_ASSOCIATION)) {
        const subnet = refKeys(r, "subnetId");
        if (intersects(subnet, subnetKeys)) {
            const t = refKeys(r, "routeTableId");
            if (isUnknownValue(r.props.routeTableId) && t.size === 0) {
                uncertain.push({ urn: r.urn, path: ["routeTableId"] });
            }
            if (!tables.some((x) => intersects(x, t))) {
                tables.push(t);
            }
        } else if (isUnknownValue(r.props.subnetId) && subnet.size === 0) {
            uncertain.push({ urn: r.urn, path: ["subnetId"] });
        }
    }
    return { tables: tables.length > 0 ? tables : undefined, uncertain };
}

/**
 * Whether a source security group that is not one of the stack's can be referenced: when the stack's VPC
 * reaches other networks through a transit gateway (and no peering), the group is across it, and a
 * transit gateway resolves security group references only with SecurityGroupReferencingSupport enabled —
 * off by default for the gateway, on by default for an attachment (botocore ec2 service-2.json
 * TransitGatewayOptions / TransitGatewayVpcAttachmentOptions). Undefined when it may be referenced.
 */
function acrossTransitGateway(views: readonly ResView[], routeList: readonly RouteInfo[]): { problem?: string; unknowns: UnknownAt[] } | undefined {
    const attachments = views.filter((r) => r.type === TGW_ATTACHMENT);
    if (attachments.length === 0 || routeList.some((rt) => rt.target.startsWith("pcx-") || rt.target === "(vpcPeeringConnectionId)")) {
        return undefined;
    }
    const unknowns: UnknownAt[] = [];
    const referencing = attachments.some((a) => {
        const own = a.props.securityGroupReferencingSupport;
        const gateway = views.find((g) => g.type === TGW && intersects(selfKeys(g), refKeys(a, "transitGatewayId")));
        const option = gateway?.props.securityGroupReferencingSupport;
        [[a, own, "securityGroupReferencingSupport"], [gateway, option, "securityGroupReferencingSupport"]].forEach(([r, v, k]) => {
            if (r && isUnknownValue(v)) {
                unknowns.push({ urn: (r as ResView).urn, path: [k as string] });
            }
        });
        return known(own) !== "disable" && known(option) === "enable";
    });
    if (referencing) {
        return undefined;
    }
    const ids = [...new Set(attachments.map((a) => known(a.props.transitGatewayId) ?? a.name))].join(", ");
    return {
        unknowns,
        problem: `it is outside the stack's VPC, which reaches other networks through transit gateway ${ids}, and a transit gateway resolves security group references only with SecurityGroupReferencingSupport enabled (off by default; not visible in this stack); admit the network's CIDR instead`,
    };
}

/** Analyses every cluster in the stack. */
export function apiPaths(views: readonly ResView[]): ApiPath[] {
    const byUrn = new Map(views.map((r) => [r.urn, r]));
    const clusters = views.filter((r) => r.type === EKS_CLUSTER);
    const components = views.filter((r) => r.type === EKS_COMPONENT && !clusters.some((c) => c.parent === r.urn));
    const ingress = ingressRules(views);
    const nodes = nodeGroupKeys(views);
    const blocks = vpcBlocks(views);
    const routeList = routes(views);
    const propagated = views.filter((r) => r.type === VPN_PROPAGATION);
    const stackGroupIds = new Set(views.filter((r) => r.type === SECURITY_GROUP).flatMap((r) => [...selfKeys(r)]));
    const out: ApiPath[] = [];

    for (const c of [...clusters, ...components]) {
        const component = c.type === EKS_COMPONENT;
        const vpc = component ? c.props : (at(c.props, "vpcConfig") as Record<string, unknown> | undefined) ?? {};
        const unknowns: UnknownAt[] = [];
        const name = known(c.props.name) ?? c.name;
        const pub = at(vpc, "endpointPublicAccess");
        const publicCidrs = asArray(at(vpc, "publicAccessCidrs")).map(known).filter((s): s is string => s !== undefined);
        if (isUnknownValue(pub)) {
            out.push({ urn: c.urn, cluster: name, endpoint: "unknown", publicCidrs, sources: [], verdict: "unknown", unknowns: [{ urn: c.urn, path: component ? ["endpointPublicAccess"] : ["vpcConfig", "endpointPublicAccess"] }] });
            continue;
        }
        if (asBool(pub) !== false) {
            out.push({ urn: c.urn, cluster: name, endpoint: "public", publicCidrs, sources: [], verdict: "reachable", unknowns });
            continue;
        }
        // Keys of a property, keeping only the dependencies of one resource type (vpcConfig depends on subnets and groups alike).
        const typed = (prop: string, value: unknown, type: string) => new Set([...refKeys(c, prop, value)].filter((k) => !k.startsWith("urn:") || byUrn.get(k)?.type === type));
        const subnets = new Set<string>([
            ...typed(component ? "privateSubnetIds" : "vpcConfig", at(vpc, component ? "privateSubnetIds" : "subnetIds"), SUBNET),
            ...(component ? typed("subnetIds", c.props.subnetIds, SUBNET) : []),
        ]);
        const { tables, uncertain: tablesUncertain } = clusterRouteTables(views, subnets);
        const placement = endpointPlacement(c, views);
        const sources: ApiSource[] = [];
        const addCidrSource = (ing: Ingress, raw: unknown, addSource: (src: ApiSource) => void): void => {
            if (isUnknownValue(raw)) {
                unknowns.push({ urn: ing.r.urn, path: ing.path.length > 0 ? ing.path : ["cidrIpv4"] });
                return;
            }
            const text = known(raw);
            if (text === undefined) {
                return;
            }
            const block = parseCidr(text);
            if (!block) {
                // An IPv6 block or a prefix list: a network outside, routed by whoever owns it.
                addSource({ rule: ing.r.name, source: text, ok: true, via: "not an IPv4 CIDR (routes not checked)" });
                return;
            }
            if (blocks === undefined) {
                addSource({ rule: ing.r.name, source: text, ok: true, via: "VPC not managed in this stack (routes not checked)" });
                return;
            }
            if (blocks.some((b) => cidrContains(b, block))) {
                return; // inside the stack's own VPC: only its nodes, pods and gateways live there
            }
            if (isAnyAddress(text)) {
                addSource({ rule: ing.r.name, source: text, ok: true, via: "the internet" });
                return;
            }
            // A connected network: every route table of the cluster's subnets needs a way back.
            const relevant = routeList.filter((rt) => (tables ? tables.some((t) => intersects(t, rt.tableKeys)) : true));
            // Routes whose table is unknown at preview may be in one of the cluster's tables.
            const tableless = routeList.filter((rt) => rt.tableKeys.size === 0 && isUnknownValue(rt.r.type === ROUTE ? rt.r.props.routeTableId : undefined));
            const covering = relevant.filter((rt) => {
                const d = parseCidr(known(rt.dest));
                // A specific route (not the default route to NAT or the internet gateway).
                return d !== undefined && d.prefix > 0 && cidrContains(d, block) && !rt.viaNat;
            });
            const maybe = [...relevant.filter((rt) => isUnknownValue(rt.dest)), ...tableless.filter((rt) => !rt.viaNat && (isUnknownValue(rt.dest) || cidrContains(parseCidr(known(rt.dest)) ?? { network: 0, prefix: 0 }, block)))];
            const propagates = propagated.some((p) => (tables ? tables.some((t) => intersects(t, refKeys(p, "routeTableId"))) : true));
            const coveredTables = tables ? tables.filter((t) => covering.some((rt) => intersects(t, rt.tableKeys))).length : covering.length > 0 ? 1 : 0;
            const needed = tables ? tables.length : 1;
            const via = [...new Set(covering.map((rt) => rt.target))].join(", ");
            if (propagates || coveredTables >= needed) {
                addSource({ rule: ing.r.name, source: text, ok: true, via: propagates && coveredTables < needed ? "VPN route propagation" : `${via}, from ${coveredTables} of ${needed} route table${needed === 1 ? "" : "s"}` });
            } else if (maybe.length > 0 || tablesUncertain.length > 0) {
                maybe.forEach((rt) => unknowns.push({ urn: rt.r.urn, path: rt.path }));
                unknowns.push(...tablesUncertain);
            } else {
                addSource({ rule: ing.r.name, source: text, ok: false, problem: `${text} is outside the VPC but only ${coveredTables} of the ${needed} route table${needed === 1 ? "" : "s"} of the cluster's subnets route${needed === 1 ? "s" : ""} to it` });
            }
        };
        const addGroupSource = (rule: Ingress, addSource: (src: ApiSource) => void): void => {
            if (intersects(rule.sourceGroupKeys, nodes)) {
                return;
            }
            const keys = [...rule.sourceGroupKeys];
            const label = keys.find((k) => !k.startsWith("urn:")) ?? keys.map((k) => byUrn.get(k)?.name).find((n) => n !== undefined) ?? "a security group";
            if (rule.sourceGroupUnknown && rule.sourceGroupKeys.size === 0) {
                unknowns.push({ urn: rule.r.urn, path: rule.path.length > 0 ? rule.path : ["referencedSecurityGroupId"] });
                return;
            }
            // A group of this stack lives in its VPC; another one in a VPC-owning stack is across a connection.
            const across = blocks !== undefined && !intersects(rule.sourceGroupKeys, stackGroupIds) ? acrossTransitGateway(views, routeList) : undefined;
            if (across?.unknowns.length) {
                unknowns.push(...across.unknowns);
            } else if (across?.problem) {
                addSource({ rule: rule.r.name, source: `security group ${label}`, ok: false, problem: `rule ${rule.r.name} admits security group ${label}, but ${across.problem}` });
            } else {
                addSource({ rule: rule.r.name, source: `security group ${label}`, ok: true });
            }
        };
        for (const ing of ingress) {
            const where = placement(ing);
            if (where.kind === "off") {
                continue;
            }
            // Only a rule on one of the endpoint's groups opens a path; one that may be (unknown) or cannot be
            // tied to them (unproven) is never a pass: the first defers to the advisory, the second is reported.
            const addSource = (src: ApiSource) => {
                if (where.kind === "on") {
                    sources.push(src);
                } else if (src.ok && where.kind === "unknown") {
                    unknowns.push(...where.at);
                } else if (src.ok && where.kind === "unproven") {
                    sources.push({ ...src, ok: false, problem: `rule ${ing.r.name} admits ${src.source}, but ${where.why}` });
                }
            };
            if (ing.https === false) {
                continue;
            }
            if (ing.https === undefined) {
                unknowns.push({ urn: ing.r.urn, path: ing.path.length > 0 ? ing.path : ["fromPort"] });
                continue;
            }
            if (ing.sourceGroupKeys.size > 0 || ing.sourceGroupUnknown) {
                addGroupSource(ing, addSource);
            }
            for (const raw of ing.cidrs) {
                addCidrSource(ing, raw, addSource);
            }
        }
        const reachable = sources.some((s) => s.ok);
        out.push({
            urn: c.urn, cluster: name, endpoint: "private", publicCidrs, sources, unknowns,
            verdict: reachable ? "reachable" : unknowns.length > 0 ? "unknown" : "unreachable",
        });
    }
    return out;
}

/** One line for a report: "private endpoint; 443 from 10.255.0.0/24 (cluster-api-from-ci-runners) via tgw-…". */
export function describeApiPath(p: ApiPath): string {
    if (p.endpoint === "public") {
        return `${p.cluster}: public endpoint, ${p.publicCidrs.length > 0 ? `limited to ${p.publicCidrs.join(", ")}` : "open to 0.0.0.0/0 (the default)"}`;
    }
    if (p.endpoint === "unknown") {
        return `${p.cluster}: endpoint access unknown until the preview resolves it`;
    }
    const ok = p.sources.filter((s) => s.ok).map((s) => `443 from ${s.source} (${s.rule}${s.via ? `; ${s.via}` : ""})`);
    return `${p.cluster}: private endpoint; ${ok.length > 0 ? ok.join("; ") : "no way in from outside the node network"} → ${p.verdict}`;
}
