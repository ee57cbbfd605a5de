import { TestResource, UNKNOWN } from "../../helpers/policy";
import { sgNoPublicIngress } from "../../../policies/security/rules/network";
import { expectClean, expectUnknownAdvisory, expectViolation, mutate } from "./support";

function inlineSg(): TestResource {
    return {
        type: "aws:ec2/securityGroup:SecurityGroup",
        props: {
            vpcId: "vpc-1",
            ingress: [
                { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.0.0.0/16"] },
                { protocol: "-1", fromPort: 0, toPort: 0, self: true },
            ],
            egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
        },
    };
}

function legacyRule(): TestResource {
    return {
        type: "aws:ec2/securityGroupRule:SecurityGroupRule",
        props: { type: "ingress", securityGroupId: "sg-1", protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.0.0.0/8"] },
    };
}

function vpcRule(): TestResource {
    return {
        type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        props: { securityGroupId: "sg-1", ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "10.0.0.0/8" },
    };
}

describe("security: sg-no-public-ingress", () => {
    it("passes private ingress in all three forms, and public egress", async () => {
        for (const r of [inlineSg(), legacyRule(), vpcRule()]) {
            await expectClean(sgNoPublicIngress, r);
        }
    });

    describe("inline ingress on aws.ec2.SecurityGroup", () => {
        it("flags cidrBlocks 0.0.0.0/0", async () => {
            await expectViolation(sgNoPublicIngress, mutate(inlineSg(), (d) => (d.props.ingress[0].cidrBlocks = ["0.0.0.0/0"])), /ingress\[0\] allows ingress from 0\.0\.0\.0\/0 on tcp port 443/);
        });
        it("flags ipv6CidrBlocks ::/0", async () => {
            await expectViolation(sgNoPublicIngress, mutate(inlineSg(), (d) => (d.props.ingress[0].ipv6CidrBlocks = ["::/0"])), /::\/0/);
        });
        it("flags each open rule separately", async () => {
            const r = mutate(inlineSg(), (d) => d.props.ingress.push({ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }, { protocol: "udp", fromPort: 53, toPort: 53, ipv6CidrBlocks: ["::/0"] }));
            await expectViolation(sgNoPublicIngress, r, /ingress\[(2|3)\]/, { count: 2 });
        });
        it("does not look at egress", async () => {
            await expectClean(sgNoPublicIngress, mutate(inlineSg(), (d) => (d.props.egress[0].ipv6CidrBlocks = ["::/0"])));
        });
        it("applies to DefaultSecurityGroup too", async () => {
            await expectViolation(sgNoPublicIngress, mutate(inlineSg(), (d) => { d.type = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"; d.props.ingress[0].cidrBlocks = ["0.0.0.0/0"]; }), /0\.0\.0\.0\/0/);
        });
        it("survives a single ingress object and odd members", async () => {
            await expectViolation(sgNoPublicIngress, mutate(inlineSg(), (d) => (d.props.ingress = { protocol: "tcp", fromPort: 80, toPort: 80, cidrBlocks: "0.0.0.0/0" })), /port 80/);
            await expectClean(sgNoPublicIngress, mutate(inlineSg(), (d) => (d.props.ingress = [null, 5, "x", { cidrBlocks: [7] }])));
        });
        it("turns unknown CIDRs into an advisory", async () => {
            await expectUnknownAdvisory(sgNoPublicIngress, mutate(inlineSg(), (d) => (d.props.ingress[0].cidrBlocks = UNKNOWN)));
        });
    });

    describe("aws.ec2.SecurityGroupRule", () => {
        it("flags type ingress from 0.0.0.0/0 and ::/0", async () => {
            await expectViolation(sgNoPublicIngress, mutate(legacyRule(), (d) => (d.props.cidrBlocks = ["0.0.0.0/0"])), /0\.0\.0\.0\/0 on tcp port 443/);
            await expectViolation(sgNoPublicIngress, mutate(legacyRule(), (d) => (d.props.ipv6CidrBlocks = ["::/0"])), /::\/0/);
        });
        it("ignores egress rules", async () => {
            await expectClean(sgNoPublicIngress, mutate(legacyRule(), (d) => Object.assign(d.props, { type: "egress", cidrBlocks: ["0.0.0.0/0"] })));
        });
    });

    describe("aws.vpc.SecurityGroupIngressRule", () => {
        it("flags cidrIpv4 0.0.0.0/0 and cidrIpv6 ::/0", async () => {
            await expectViolation(sgNoPublicIngress, mutate(vpcRule(), (d) => (d.props.cidrIpv4 = "0.0.0.0/0")), /0\.0\.0\.0\/0/);
            const v6 = mutate(vpcRule(), (d) => { delete d.props.cidrIpv4; d.props.cidrIpv6 = "::/0"; });
            await expectViolation(sgNoPublicIngress, v6, /::\/0/);
        });
        it("flags all-protocol rules even when every port is allow-listed", async () => {
            const r = mutate(vpcRule(), (d) => { d.props = { securityGroupId: "sg-1", ipProtocol: "-1", cidrIpv4: "0.0.0.0/0" }; });
            await expectViolation(sgNoPublicIngress, r, /all protocols and ports.*never be allow-listed/, { config: { allowedPublicPorts: [443, 80] } });
        });
    });

    describe("allowedPublicPorts", () => {
        const open443 = mutate(vpcRule(), (d) => (d.props.cidrIpv4 = "0.0.0.0/0"));
        it("permits an allow-listed port", async () => {
            await expectClean(sgNoPublicIngress, open443, { allowedPublicPorts: [443] });
        });
        it("permits a range only when every port is allow-listed", async () => {
            const range = mutate(open443, (d) => Object.assign(d.props, { fromPort: 80, toPort: 81 }));
            await expectClean(sgNoPublicIngress, range, { allowedPublicPorts: [80, 81] });
            await expectViolation(sgNoPublicIngress, range, /tcp ports 80-81/, { config: { allowedPublicPorts: [80, 443] } });
        });
        it("does not permit non-TCP/UDP protocols or missing ports", async () => {
            await expectViolation(sgNoPublicIngress, mutate(open443, (d) => (d.props.ipProtocol = "icmp")), /icmp/, { config: { allowedPublicPorts: [443] } });
            await expectViolation(sgNoPublicIngress, mutate(open443, (d) => { delete d.props.fromPort; delete d.props.toPort; }), /all ports/, { config: { allowedPublicPorts: [443] } });
        });
        it("falls back to the empty default on a malformed config", async () => {
            await expectViolation(sgNoPublicIngress, open443, /0\.0\.0\.0\/0/, { config: { allowedPublicPorts: "443" } });
        });
    });
});
