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
 * component. Both link to the cluster. IDs unknown at preview are followed through property dependencies.
 */
import { cidrContains, isAnyAddress, parseCidr, type Ipv4Cidr } from "../../../lib/cidr";
import { asArray, asBool, asNumber, asString, isRecord } from "../props";
import { isUnknownValue } from "../known";
import { at, hasUnknown, intersects, known, refKeys, selfKeys, type ResView, type UnknownAt } from "./view";

export const EKS_CLUSTER = "aws:eks/cluster:Cluster";
export const EKS_COMPONENT = "eks:index:Cluster";
const INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const SG_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule";
const SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup";
const LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";
const ENI_CONFIG = "kubernetes:crd.k8s.amazonaws.com/v1alpha1:ENIConfig";
const VPC = "aws:ec2/vpc:Vpc";
const VPC_CIDR = "aws:ec2/vpcIpv4CidrBlockAssociation:VpcIpv4CidrBlockAssociation";
const ROUTE = "aws:ec2/route:Route";
const ROUTE_TABLE = "aws:ec2/routeTable:RouteTable";
const RT_ASSOCIATION = "aws:ec2/routeTableAssociation:RouteTableAssociation";
const VPN_PROPAGATION = "aws:ec2/vpnGatewayRoutePropagation:VpnGatewayRoutePropagation";
const SUBNET = "aws:ec2/subnet:Subnet";

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

const coversHttps = (protocol: unknown, from: unknown, to: unknown): boolean | undefined => {
    if (isUnknownValue(protocol)) {
        return undefined;
    }
    const p = asString(protocol)?.toLowerCase();
    if (p === undefined) {
        return false;
    }
    if (p === "-1" || p === "all") {
        return true;
    }
    if (p !== "tcp" && p !== "6") {
        return false;
    }
    const f = asNumber(from);
    const t = asNumber(to);
    if (f === undefined || t === undefined) {
        return isUnknownValue(from) || isUnknownValue(to) ? undefined : false;
    }
    return f <= 443 && 443 <= t;
};

/** An ingress rule in a normalised shape. */
interface Ingress {
    readonly r: ResView;
    readonly groupKeys: Set<string>;
    /** The group it is on is unknown at preview: it may be the cluster's. */
    readonly groupUnknown: boolean;
    readonly https: boolean | undefined;
    readonly cidrs: unknown[];
    readonly sourceGroupKeys: Set<string>;
    readonly sourceGroupUnknown: boolean;
    readonly path: (string | number)[];
}

function ingressRules(views: readonly ResView[]): Ingress[] {
    const out: Ingress[] = [];
    for (const r of views) {
        const p = r.props;
        if (r.type === INGRESS_RULE) {
            out.push({
                r, groupKeys: refKeys(r, "securityGroupId"), groupUnknown: isUnknownValue(p.securityGroupId), https: coversHttps(p.ipProtocol, p.fromPort, p.toPort),
                cidrs: [p.cidrIpv4, p.cidrIpv6, p.prefixListId].filter((x) => x !== undefined && x !== null),
                sourceGroupKeys: refKeys(r, "referencedSecurityGroupId"), sourceGroupUnknown: isUnknownValue(p.referencedSecurityGroupId), path: [],
            });
        } else if (r.type === SG_RULE && (p.type === "ingress" || isUnknownValue(p.type))) {
            out.push({
                r, groupKeys: refKeys(r, "securityGroupId"), groupUnknown: isUnknownValue(p.securityGroupId), https: p.type === "ingress" ? coversHttps(p.protocol, p.fromPort, p.toPort) : undefined,
                cidrs: [...asArray(p.cidrBlocks), ...asArray(p.ipv6CidrBlocks), ...asArray(p.prefixListIds)],
                sourceGroupKeys: p.self === true ? refKeys(r, "securityGroupId") : refKeys(r, "sourceSecurityGroupId"),
                sourceGroupUnknown: isUnknownValue(p.sourceSecurityGroupId), path: [],
            });
        } else if (r.type === SECURITY_GROUP) {
            asArray(p.ingress).forEach((rule, i) => {
                if (!isRecord(rule)) {
                    return;
                }
                const self = selfKeys(r);
                out.push({
                    r, groupKeys: self, groupUnknown: false, https: coversHttps(rule.protocol, rule.fromPort, rule.toPort),
                    cidrs: [...asArray(rule.cidrBlocks), ...asArray(rule.ipv6CidrBlocks), ...asArray(rule.prefixListIds)],
                    sourceGroupKeys: rule.self === true ? self : new Set(asArray(rule.securityGroups).map(known).filter((s): s is string => s !== undefined)),
                    sourceGroupUnknown: asArray(rule.securityGroups).some(isUnknownValue), path: ["ingress", i],
                });
            });
        }
    }
    return out;
}

/** Security groups of the nodes: launch templates, ENIConfigs, and groups tagged for Karpenter discovery. */
function nodeGroupKeys(views: readonly ResView[]): Set<string> {
    const keys = new Set<string>();
    const addAll = (s: Set<string>) => s.forEach((k) => keys.add(k));
    for (const r of views) {
        if (r.type === LAUNCH_TEMPLATE) {
            addAll(refKeys(r, "vpcSecurityGroupIds"));
            asArray(r.props.networkInterfaces).forEach((n) => addAll(refKeys(r, "networkInterfaces", at(n, "securityGroups"))));
        } else if (r.type === ENI_CONFIG) {
            addAll(refKeys(r, "spec", at(r.props, "spec", "securityGroups")));
        } else if (r.type === SECURITY_GROUP && known(at(r.props, "tags", "karpenter.sh/discovery")) !== undefined) {
            addAll(selfKeys(r));
        }
    }
    return keys;
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

/** Route tables (keys) of the cluster's subnets, or undefined when no association links them. */
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
    const out: ApiPath[] = [];

    for (const c of [...clusters, ...components]) {
        const component = c.type === EKS_COMPONENT;
        const vpc = component ? c.props : (at(c.props, "vpcConfig") as Record<string, unknown> | undefined) ?? {};
        const vpcKey = component ? undefined : "vpcConfig";
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
        // The endpoint's security groups: the cluster (and its component, whose output the rules read) and the groups given to it.
        const groups = new Set<string>([c.urn, ...(c.parent && byUrn.get(c.parent)?.type === EKS_COMPONENT ? [c.parent] : [])]);
        for (const k of [...typed(vpcKey ?? "clusterSecurityGroupId", at(vpc, "clusterSecurityGroupId"), SECURITY_GROUP), ...typed(vpcKey ?? "securityGroupIds", at(vpc, "securityGroupIds"), SECURITY_GROUP)]) {
            groups.add(k);
        }
        const subnets = new Set<string>([
            ...typed(vpcKey ?? "privateSubnetIds", at(vpc, component ? "privateSubnetIds" : "subnetIds"), SUBNET),
            ...(component ? typed("subnetIds", c.props.subnetIds, SUBNET) : []),
        ]);
        const { tables, uncertain: tablesUncertain } = clusterRouteTables(views, subnets);
        // The groups the endpoint carries are unknown at preview: any rule may be on one of them.
        const groupsUnknown = hasUnknown(at(vpc, "securityGroupIds")) || isUnknownValue(at(vpc, "clusterSecurityGroupId"));
        const sources: ApiSource[] = [];
        // Groups known by ID: a rule whose group is unknown may resolve to one of them whatever it depends on.
        const literalGroups = [...groups].some((k) => !k.startsWith("urn:"));
        for (const ing of ingress) {
            const definite = intersects(ing.groupKeys, groups);
            const possible = groupsUnknown || (ing.groupUnknown && (ing.groupKeys.size === 0 || literalGroups));
            if (!definite && !possible) {
                continue;
            }
            // A rule that may be on the cluster's group: a way in it opens is only "maybe" (an unknown, never a pass or a violation).
            const addSource = (src: ApiSource) => {
                if (!definite && src.ok) {
                    unknowns.push({ urn: ing.r.urn, path: ing.groupUnknown ? ["securityGroupId"] : ing.path });
                } else if (definite) {
                    sources.push(src);
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
                const fromNodes = intersects(ing.sourceGroupKeys, nodes);
                const keys = [...ing.sourceGroupKeys];
                const label = keys.find((k) => !k.startsWith("urn:")) ?? keys.map((k) => byUrn.get(k)?.name).find((n) => n !== undefined) ?? "a security group";
                if (!fromNodes) {
                    if (ing.sourceGroupUnknown && ing.sourceGroupKeys.size === 0) {
                        unknowns.push({ urn: ing.r.urn, path: ing.path.length > 0 ? ing.path : ["referencedSecurityGroupId"] });
                    } else {
                        addSource({ rule: ing.r.name, source: `security group ${label}`, ok: true });
                    }
                }
            }
            for (const raw of ing.cidrs) {
                if (isUnknownValue(raw)) {
                    unknowns.push({ urn: ing.r.urn, path: ing.path.length > 0 ? ing.path : ["cidrIpv4"] });
                    continue;
                }
                const text = known(raw);
                if (text === undefined) {
                    continue;
                }
                const block = parseCidr(text);
                if (!block) {
                    // An IPv6 block or a prefix list: a network outside, routed by whoever owns it.
                    addSource({ rule: ing.r.name, source: text, ok: true, via: "not an IPv4 CIDR (routes not checked)" });
                    continue;
                }
                if (blocks === undefined) {
                    addSource({ rule: ing.r.name, source: text, ok: true, via: "VPC not managed in this stack (routes not checked)" });
                    continue;
                }
                if (blocks.some((b) => cidrContains(b, block))) {
                    continue; // inside the stack's own VPC: only its nodes, pods and gateways live there
                }
                if (isAnyAddress(text)) {
                    addSource({ rule: ing.r.name, source: text, ok: true, via: "the internet" });
                    continue;
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
