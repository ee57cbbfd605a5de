/**
 * Which ingress rules are on a security group the private endpoint carries, for the API-path analysis
 * (api-path.ts). The endpoint's ENIs carry the EKS-created cluster security group and every group listed
 * in vpcConfig.securityGroupIds (awsdocs/amazon-eks-user-guide at 4d52b4d, sec-group-reqs.adoc). A rule's
 * group is followed as far as the resources allow:
 *
 *  - known IDs are compared with the cluster's known vpcConfig.clusterSecurityGroupId / securityGroupIds;
 *  - the EKS-created cluster group is never a stack resource, so a rule whose group depends only on stack
 *    `aws:ec2/securityGroup` resources that the cluster does not list is on none of them (the platform's own
 *    `api-to-nodes` rule sits on the node group);
 *  - a dependency on the `aws:eks/cluster:Cluster` itself is on the endpoint (its only group outputs are
 *    the cluster group and the listed ones);
 *  - a dependency on the `eks:index:Cluster` component proves the endpoint only when every group the
 *    component exposes is on it: pulumi-eks 4.3.0 (nodejs/eks/cluster/cluster.ts) outputs
 *    `clusterSecurityGroupId` = its own cluster group (listed in vpcConfig.securityGroupIds, L702) or EKS's,
 *    and `nodeSecurityGroupId` = its default node group — not on the endpoint — or, with
 *    `skipDefaultSecurityGroups` (or Auto Mode, L548), EKS's cluster group (L2196-2198). So: under mocks, the
 *    component's `skipDefaultSecurityGroups: true`; in a real preview, no unlisted security group among the
 *    component's children.
 *
 * Anything else is "unknown" when a preview-unknown value decides it (the rule's overall verdict is then the
 * advisory, unless another path is proven) and "unproven" when the known values cannot tie it to the
 * endpoint — never a clean pass.
 */
import { asArray, asBool, asNumber, asString, isRecord } from "../props";
import { isUnknownValue } from "../known";
import { at, hasUnknown, intersects, known, refKeys, selfKeys, type ResView, type UnknownAt } from "./view";

export const EKS_CLUSTER = "aws:eks/cluster:Cluster";
export const EKS_COMPONENT = "eks:index:Cluster";
export const SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup";
const INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const SG_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule";
const LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";
const ENI_CONFIG = "kubernetes:crd.k8s.amazonaws.com/v1alpha1:ENIConfig";

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
export interface Ingress {
    readonly r: ResView;
    /** An inline rule of a security group resource (its group is that resource). */
    readonly inline: boolean;
    /** The raw securityGroupId (separate rules). */
    readonly groupValue: unknown;
    /** What the group refers to: the resource itself (inline), or the securityGroupId's known ID and dependencies. */
    readonly groupKeys: Set<string>;
    readonly https: boolean | undefined;
    readonly cidrs: unknown[];
    readonly sourceGroupKeys: Set<string>;
    readonly sourceGroupUnknown: boolean;
    readonly path: (string | number)[];
}

export function ingressRules(views: readonly ResView[]): Ingress[] {
    const out: Ingress[] = [];
    for (const r of views) {
        const p = r.props;
        if (r.type === INGRESS_RULE) {
            out.push({
                r, inline: false, groupValue: p.securityGroupId, groupKeys: refKeys(r, "securityGroupId"), https: coversHttps(p.ipProtocol, p.fromPort, p.toPort),
                cidrs: [p.cidrIpv4, p.cidrIpv6, p.prefixListId].filter((x) => x !== undefined && x !== null),
                sourceGroupKeys: refKeys(r, "referencedSecurityGroupId"), sourceGroupUnknown: isUnknownValue(p.referencedSecurityGroupId), path: [],
            });
        } else if (r.type === SG_RULE && (p.type === "ingress" || isUnknownValue(p.type))) {
            out.push({
                r, inline: false, groupValue: p.securityGroupId, groupKeys: refKeys(r, "securityGroupId"), https: p.type === "ingress" ? coversHttps(p.protocol, p.fromPort, p.toPort) : undefined,
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
                    r, inline: true, groupValue: undefined, groupKeys: self, https: coversHttps(rule.protocol, rule.fromPort, rule.toPort),
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
export function nodeGroupKeys(views: readonly ResView[]): Set<string> {
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

/** Where a rule sits relative to the endpoint's security groups. */
export type Placement =
    | { readonly kind: "on" | "off" }
    | { readonly kind: "unknown"; readonly at: readonly UnknownAt[] }
    | { readonly kind: "unproven"; readonly why: string };

/** Decides, for one cluster (either shape), which rules are on the security groups its endpoint carries. */
export function endpointPlacement(c: ResView, views: readonly ResView[]): (ing: Ingress) => Placement {
    const byUrn = new Map(views.map((r) => [r.urn, r]));
    const componentShape = c.type === EKS_COMPONENT;
    const comp = componentShape ? c : c.parent && byUrn.get(c.parent)?.type === EKS_COMPONENT ? byUrn.get(c.parent) : undefined;
    const vpc = componentShape ? c.props : at(c.props, "vpcConfig");
    const vpcKey = componentShape ? "securityGroupIds" : "vpcConfig";
    const sgOnly = (keys: Set<string>) => new Set([...keys].filter((k) => !k.startsWith("urn:") || byUrn.get(k)?.type === SECURITY_GROUP));
    // The groups given to the cluster (listed): by known ID or by dependency; the component's clusterSecurityGroup input too.
    const listed = new Set([
        ...sgOnly(refKeys(c, vpcKey, at(vpc, "securityGroupIds"))),
        ...(componentShape ? sgOnly(refKeys(c, "clusterSecurityGroup", known(c.props.clusterSecurityGroup))) : []),
        ...(componentShape ? sgOnly(refKeys(c, "clusterSecurityGroupId", at(vpc, "clusterSecurityGroupId"))) : []),
    ]);
    const eksGroupRaw = componentShape ? undefined : at(vpc, "clusterSecurityGroupId");
    const eksGroup = known(eksGroupRaw);
    const listedUnknown = hasUnknown(at(vpc, "securityGroupIds"));
    const eksGroupAt: UnknownAt = { urn: c.urn, path: ["vpcConfig", "clusterSecurityGroupId"] };
    // Known IDs the endpoint carries, and whether that list is complete (real shape, nothing unknown).
    const endpointIds = new Set([...listed].filter((k) => !k.startsWith("urn:")));
    for (const k of [...listed].filter((x) => x.startsWith("urn:"))) {
        const id = known(byUrn.get(k)?.props.id);
        if (id) {
            endpointIds.add(id);
        }
    }
    if (eksGroup) {
        endpointIds.add(eksGroup);
    }
    const endpointIdsComplete = !componentShape && eksGroup !== undefined && !listedUnknown;
    const stackGroups = views.filter((r) => r.type === SECURITY_GROUP);
    const isListed = (r: ResView) => intersects(selfKeys(r), listed);
    const stackGroupIds = new Set(stackGroups.filter((r) => !isListed(r)).map((r) => known(r.props.id)).filter((x): x is string => x !== undefined));

    // Every security group the component exposes is on the endpoint (see the header), or why not.
    const descends = (r: ResView) => {
        for (let p = r.parent, n = 0; p !== undefined && n < 32; p = byUrn.get(p)?.parent, n++) {
            if (p === comp?.urn) {
                return true;
            }
        }
        return false;
    };
    const componentSafety = ((): Placement => {
        if (!comp) {
            return { kind: "unproven", why: "" };
        }
        if (componentShape) {
            const skip = comp.props.skipDefaultSecurityGroups;
            const auto = at(comp.props, "autoMode", "enabled");
            if (asBool(skip) === true || asBool(auto) === true) {
                return { kind: "on" };
            }
            if (isUnknownValue(skip) || isUnknownValue(auto)) {
                return { kind: "unknown", at: [{ urn: comp.urn, path: [isUnknownValue(skip) ? "skipDefaultSecurityGroups" : "autoMode"] }] };
            }
            return { kind: "unproven", why: `its security group is an output of the eks:index:Cluster component "${comp.name}", which without skipDefaultSecurityGroups also outputs pulumi-eks's default node security group (not on the endpoint)` };
        }
        const unlisted = stackGroups.filter((r) => descends(r) && !isListed(r));
        return unlisted.length === 0 ? { kind: "on" }
            : { kind: "unproven", why: `its security group is an output of the eks:index:Cluster component "${comp.name}", which also creates ${unlisted.map((r) => `"${r.name}"`).join(", ")} (not on the endpoint)` };
    })();

    return (ing: Ingress): Placement => {
        if (ing.inline) {
            // A stack security group: on the endpoint only when the cluster lists it (EKS's own group is never a stack resource).
            return { kind: intersects(ing.groupKeys, listed) ? "on" : "off" };
        }
        const groupAt: UnknownAt = { urn: ing.r.urn, path: ["securityGroupId"] };
        const literal = known(ing.groupValue);
        if (literal !== undefined) {
            if (endpointIds.has(literal)) {
                return { kind: "on" };
            }
            if (stackGroupIds.has(literal) || endpointIdsComplete) {
                return { kind: "off" };
            }
        }
        const deps = [...(ing.r.deps.securityGroupId ?? [])];
        if (deps.length === 0) {
            if (literal === undefined) {
                return { kind: "unknown", at: [groupAt] };
            }
            if (isUnknownValue(eksGroupRaw) || listedUnknown) {
                return { kind: "unknown", at: [isUnknownValue(eksGroupRaw) ? eksGroupAt : { urn: c.urn, path: [vpcKey] }] };
            }
            return { kind: "unproven", why: `its security group ${literal} is not one the cluster is known to carry` };
        }
        const verdicts = deps.map((d): Placement => {
            const r = byUrn.get(d);
            if (comp !== undefined && d === comp.urn) {
                return componentSafety;
            }
            if (d === c.urn || listed.has(d)) {
                return { kind: "on" };
            }
            if (!r || r.type === SECURITY_GROUP) {
                return { kind: "off" };
            }
            return { kind: "unproven", why: `its security group comes from ${r.type} "${r.name}", not from the cluster` };
        });
        if (verdicts.every((v) => v.kind === "on")) {
            return { kind: "on" };
        }
        if (verdicts.every((v) => v.kind === "off")) {
            return { kind: "off" };
        }
        const unknowns = verdicts.flatMap((v) => (v.kind === "unknown" ? v.at : []));
        if (literal === undefined || unknowns.length > 0) {
            return { kind: "unknown", at: literal === undefined ? [groupAt, ...unknowns] : unknowns };
        }
        const why = verdicts.map((v) => (v.kind === "unproven" ? v.why : "")).find((w) => w !== "") ?? "it depends on resources on and off the endpoint";
        return { kind: "unproven", why };
    };
}
