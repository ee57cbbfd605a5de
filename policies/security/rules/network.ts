/**
 * Security-group ingress from the whole internet, in all three forms the AWS provider offers:
 *   - inline `ingress` blocks on `aws:ec2/securityGroup:SecurityGroup` (and DefaultSecurityGroup):
 *     { protocol, fromPort, toPort, cidrBlocks, ipv6CidrBlocks };
 *   - `aws:ec2/securityGroupRule:SecurityGroupRule` with type "ingress": same fields;
 *   - `aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule`: { ipProtocol, fromPort, toPort, cidrIpv4, cidrIpv6 }.
 * A rule is allowed only when its protocol is TCP or UDP and every port of fromPort..toPort is in
 * the `allowedPublicPorts` config; protocol "-1"/"all" (all ports) is never allowed.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { isAnyAddress } from "../../../lib/cidr";
import { asArray, asNumber, asString, asStringArray, configValue, get } from "../../lib/props";
import { listText } from "../../lib/text";
import { awsFsbp, isNumberArray, URLS } from "../common";
import { SECURITY_GROUP_INGRESS_RULE_TYPE, SECURITY_GROUP_RULE_TYPE, SECURITY_GROUP_TYPES } from "../lib/aws";

interface IngressView {
    readonly where: string;
    readonly protocol: string;
    readonly fromPort?: number;
    readonly toPort?: number;
    readonly world: string[];
}

const ALL_PROTOCOLS = new Set(["-1", "all"]);
const PORT_PROTOCOLS = new Set(["tcp", "udp", "6", "17"]);

/** The world-open sources of one rule, with its protocol and ports. */
function view(where: string, protocol: unknown, fromPort: unknown, toPort: unknown, sources: unknown[]): IngressView | undefined {
    const world = sources.flatMap((s) => asStringArray(s)).filter(isAnyAddress);
    if (world.length === 0) {
        return undefined;
    }
    return {
        where,
        protocol: (asString(protocol) ?? (typeof protocol === "number" ? String(protocol) : "-1")).trim().toLowerCase(),
        fromPort: asNumber(fromPort),
        toPort: asNumber(toPort),
        world,
    };
}

function ingressViews(type: string, props: Record<string, unknown>): IngressView[] {
    if (SECURITY_GROUP_TYPES.has(type)) {
        return asArray(props.ingress).flatMap((r, i) => {
            const v = view(`ingress[${i}]`, get(r, "protocol"), get(r, "fromPort"), get(r, "toPort"), [get(r, "cidrBlocks"), get(r, "ipv6CidrBlocks")]);
            return v ? [v] : [];
        });
    }
    if (type === SECURITY_GROUP_RULE_TYPE) {
        if (asString(props.type)?.trim().toLowerCase() !== "ingress") {
            return [];
        }
        const v = view("rule", props.protocol, props.fromPort, props.toPort, [props.cidrBlocks, props.ipv6CidrBlocks]);
        return v ? [v] : [];
    }
    if (type === SECURITY_GROUP_INGRESS_RULE_TYPE) {
        const v = view("rule", props.ipProtocol, props.fromPort, props.toPort, [props.cidrIpv4, props.cidrIpv6]);
        return v ? [v] : [];
    }
    return [];
}

function portsText(v: IngressView): string {
    if (ALL_PROTOCOLS.has(v.protocol)) {
        return "all protocols and ports";
    }
    if (v.fromPort === undefined || v.toPort === undefined) {
        return `${v.protocol} (all ports)`;
    }
    return v.fromPort === v.toPort ? `${v.protocol} port ${v.fromPort}` : `${v.protocol} ports ${v.fromPort}-${v.toPort}`;
}

/** True when the whole port range is allow-listed (TCP/UDP only). */
function allowed(v: IngressView, allowedPorts: ReadonlySet<number>): boolean {
    if (!PORT_PROTOCOLS.has(v.protocol) || v.fromPort === undefined || v.toPort === undefined) {
        return false;
    }
    const from = Math.min(v.fromPort, v.toPort);
    const to = Math.max(v.fromPort, v.toPort);
    if (to - from + 1 > allowedPorts.size) {
        return false;
    }
    for (let p = from; p <= to; p++) {
        if (!allowedPorts.has(p)) {
            return false;
        }
    }
    return true;
}

export const sgNoPublicIngress: ResourceValidationPolicy = {
    name: "sg-no-public-ingress",
    description: "Checks that security groups allow no ingress from 0.0.0.0/0 or ::/0 except on explicitly allow-listed ports.",
    enforcementLevel: "mandatory",
    severity: "critical",
    tags: ["network", "security-group", "ec2"],
    url: URLS.securityGroups,
    framework: awsFsbp("EC2.18", "Security groups should only allow unrestricted incoming traffic for authorized ports"),
    remediationSteps:
        "Restrict the rule's source to known CIDR blocks, a prefix list or a security group. If a port must be internet-facing " +
        "(e.g. 443 on a load balancer), add it to the policy config allowedPublicPorts.",
    configSchema: {
        properties: {
            allowedPublicPorts: {
                type: "array",
                items: { type: "integer", minimum: 0, maximum: 65535 },
                default: [],
                description: "TCP/UDP ports that may be open to 0.0.0.0/0 and ::/0 (a rule passes only if its whole port range is listed).",
            },
        },
    },
    validateResource: (args, reportViolation) => {
        const views = ingressViews(args.type, args.props);
        if (views.length === 0) {
            return;
        }
        const allowedPorts = new Set(configValue(args.getConfig(), "allowedPublicPorts", [] as number[], isNumberArray));
        for (const v of views) {
            if (allowed(v, allowedPorts)) {
                continue;
            }
            reportViolation(
                `Security group ${v.where} allows ingress from ${listText([...new Set(v.world)])} on ${portsText(v)}. ` +
                    "Anything on the internet can reach these ports, inviting scanning and exploitation. Restrict the source to known " +
                    "CIDRs, a prefix list or a security group" +
                    (ALL_PROTOCOLS.has(v.protocol) ? " (all-protocol rules can never be allow-listed)." : ", or allow-list the port in allowedPublicPorts."),
            );
        }
    },
};
