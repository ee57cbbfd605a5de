import { strict as assert } from "assert";
import * as fc from "fast-check";
import type { NetworkConfig, PrivateAccessNetwork } from "../../../config";
import {
    endpointServiceName, flowLogTrustPolicy, flowLogWritePolicy, INTERFACE_ENDPOINT_SERVICES, natGatewayCount, natGatewayForAz,
    planSubnets, subnetPlanProblems, subnetPlanViolations, subnetTags,
} from "../../../components/network/plan";
import { planPrivateAccessRoutes, plannedAttachments } from "../../../components/network/private-access";
import { tagSlug } from "../../../components/network/existing-vpc";
import { MockRunResult, RecordedResource, runUnderMocks } from "../../../preview/mocks";
import { byName, ofType, policyDoc } from "../../helpers/resources";

const CONFIG = { "aws:region": "us-west-2", "moka:accountId": "111111111111" };
const TAGS = { "cost-center": "data-platform", owner: "platform-team@example.com", environment: "prod", "managed-by": "pulumi" };

const T = {
    vpc: "aws:ec2/vpc:Vpc",
    cidrAssoc: "aws:ec2/vpcIpv4CidrBlockAssociation:VpcIpv4CidrBlockAssociation",
    subnet: "aws:ec2/subnet:Subnet",
    igw: "aws:ec2/internetGateway:InternetGateway",
    eip: "aws:ec2/eip:Eip",
    nat: "aws:ec2/natGateway:NatGateway",
    rt: "aws:ec2/routeTable:RouteTable",
    route: "aws:ec2/route:Route",
    rta: "aws:ec2/routeTableAssociation:RouteTableAssociation",
    endpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
    sg: "aws:ec2/securityGroup:SecurityGroup",
    ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    defaultSg: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    flowLog: "aws:ec2/flowLog:FlowLog",
    key: "aws:kms/key:Key",
    alias: "aws:kms/alias:Alias",
};

describe("network-plan", () => {
    describe("planSubnets", () => {
        const cases: { title: string; vpcCidr: string; podCidr: string; azCount: number; privateSubnets: string[]; publicSubnets: string[]; podSubnets: string[] }[] = [
            {
                title: "prod: /16 VPC, 3 AZs",
                vpcCidr: "10.40.0.0/16", podCidr: "100.64.0.0/16", azCount: 3,
                privateSubnets: ["10.40.0.0/19", "10.40.32.0/19", "10.40.64.0/19"],
                publicSubnets: ["10.40.224.0/22", "10.40.228.0/22", "10.40.232.0/22"],
                podSubnets: ["100.64.0.0/18", "100.64.64.0/18", "100.64.128.0/18"],
            },
            {
                title: "/16 VPC, 6 AZs",
                vpcCidr: "10.0.0.0/16", podCidr: "100.64.0.0/16", azCount: 6,
                privateSubnets: ["10.0.0.0/19", "10.0.32.0/19", "10.0.64.0/19", "10.0.96.0/19", "10.0.128.0/19", "10.0.160.0/19"],
                publicSubnets: ["10.0.224.0/22", "10.0.228.0/22", "10.0.232.0/22", "10.0.236.0/22", "10.0.240.0/22", "10.0.244.0/22"],
                podSubnets: ["100.64.0.0/19", "100.64.32.0/19", "100.64.64.0/19", "100.64.96.0/19", "100.64.128.0/19", "100.64.160.0/19"],
            },
            {
                title: "/20 VPC, /20 pod CIDR, 3 AZs",
                vpcCidr: "10.1.0.0/20", podCidr: "100.64.0.0/20", azCount: 3,
                privateSubnets: ["10.1.0.0/23", "10.1.2.0/23", "10.1.4.0/23"],
                publicSubnets: ["10.1.14.0/26", "10.1.14.64/26", "10.1.14.128/26"],
                podSubnets: ["100.64.0.0/22", "100.64.4.0/22", "100.64.8.0/22"],
            },
            {
                title: "dev: /16 VPC, 2 AZs",
                vpcCidr: "10.50.0.0/16", podCidr: "100.64.0.0/16", azCount: 2,
                privateSubnets: ["10.50.0.0/19", "10.50.32.0/19"],
                publicSubnets: ["10.50.224.0/22", "10.50.228.0/22"],
                podSubnets: ["100.64.0.0/17", "100.64.128.0/17"],
            },
        ];
        for (const c of cases) {
            it(`plans ${c.title}`, () => {
                const input = { vpcCidr: c.vpcCidr, podCidr: c.podCidr, azCount: c.azCount };
                const plan = planSubnets(input);
                assert.deepEqual(plan, { privateSubnets: c.privateSubnets, publicSubnets: c.publicSubnets, podSubnets: c.podSubnets });
                assert.deepEqual(subnetPlanViolations(input, plan), []);
            });
        }

        it("never overlaps and always stays inside its block (every AZ count and VPC size)", () => {
            fc.assert(fc.property(
                fc.integer({ min: 1, max: 6 }), fc.integer({ min: 16, max: 22 }), fc.integer({ min: 16, max: 24 }), fc.integer({ min: 0, max: 255 }),
                (azCount, vpcPrefix, podPrefix, second) => {
                    const vpcCidr = `10.${vpcPrefix === 16 ? second : 0}.0.0/${vpcPrefix}`;
                    const input = { vpcCidr, podCidr: `100.64.0.0/${podPrefix}`, azCount };
                    const plan = planSubnets(input);
                    assert.equal(plan.privateSubnets.length, azCount);
                    assert.equal(plan.publicSubnets.length, azCount);
                    assert.equal(plan.podSubnets.length, azCount);
                    assert.deepEqual(subnetPlanViolations(input, plan), []);
                },
            ));
        });

        it("reports a detected overlap and an escape (the checker itself works)", () => {
            const input = { vpcCidr: "10.0.0.0/16", podCidr: "100.64.0.0/16", azCount: 2 };
            const bad = { privateSubnets: ["10.0.0.0/19", "10.0.16.0/20"], publicSubnets: ["10.1.0.0/24", "10.0.224.0/22"], podSubnets: ["100.64.0.0/17", "100.64.128.0/17"] };
            assert.deepEqual(subnetPlanViolations(input, bad), [
                "public subnet 10.1.0.0/24 is outside 10.0.0.0/16",
                "private subnet 10.0.0.0/19 overlaps private subnet 10.0.16.0/20",
            ]);
        });

        const bad: { title: string; input: { vpcCidr: string; podCidr: string; azCount: number }; message: string }[] = [
            { title: "too many AZs", input: { vpcCidr: "10.0.0.0/16", podCidr: "100.64.0.0/16", azCount: 7 }, message: "azCount must be a whole number between 1 and 6, got 7" },
            { title: "zero AZs", input: { vpcCidr: "10.0.0.0/16", podCidr: "100.64.0.0/16", azCount: 0 }, message: "azCount must be a whole number between 1 and 6, got 0" },
            { title: "a VPC larger than AWS allows", input: { vpcCidr: "10.0.0.0/15", podCidr: "100.64.0.0/16", azCount: 3 }, message: "vpcCidr must be between /16 and /22 (public subnets are 1/64 of it and AWS subnets are at least /28), got /15" },
            { title: "a VPC too small for public subnets", input: { vpcCidr: "10.0.0.0/23", podCidr: "100.64.0.0/16", azCount: 3 }, message: "vpcCidr must be between /16 and /22 (public subnets are 1/64 of it and AWS subnets are at least /28), got /23" },
            { title: "a pod CIDR too small for the AZs", input: { vpcCidr: "10.0.0.0/16", podCidr: "100.64.0.0/27", azCount: 3 }, message: "podCidr must be /16 or smaller and large enough for 3 subnets of at least /28, got /27" },
            { title: "overlapping blocks", input: { vpcCidr: "10.0.0.0/16", podCidr: "10.0.0.0/16", azCount: 3 }, message: "podCidr 10.0.0.0/16 overlaps vpcCidr 10.0.0.0/16" },
            { title: "host bits set", input: { vpcCidr: "10.0.0.1/16", podCidr: "100.64.0.0/16", azCount: 3 }, message: "vpcCidr \"10.0.0.1/16\" is not a valid IPv4 CIDR" },
        ];
        for (const b of bad) {
            it(`rejects ${b.title}`, () => {
                assert.ok(subnetPlanProblems(b.input).includes(b.message), JSON.stringify(subnetPlanProblems(b.input)));
                assert.throws(() => planSubnets(b.input), (e: Error) => e.message.includes(b.message));
            });
        }
    });

    it("places NAT gateways per AZ or once", () => {
        assert.equal(natGatewayCount("perAz", 3), 3);
        assert.equal(natGatewayCount("single", 3), 1);
        assert.deepEqual(natGatewayForAz("perAz", 3), [0, 1, 2]);
        assert.deepEqual(natGatewayForAz("single", 3), [0, 0, 0]);
    });

    it("tags subnets by role; pod subnets never carry the Karpenter discovery tag", () => {
        assert.deepEqual(subnetTags("private", "moka-prod"), {
            "kubernetes.io/cluster/moka-prod": "shared", "karpenter.sh/discovery": "moka-prod", "kubernetes.io/role/internal-elb": "1", "moka.dev/subnet-role": "nodes",
        });
        assert.deepEqual(subnetTags("public", "moka-prod"), { "kubernetes.io/cluster/moka-prod": "shared", "kubernetes.io/role/elb": "1", "moka.dev/subnet-role": "public" });
        assert.deepEqual(subnetTags("pods", "moka-prod"), { "kubernetes.io/cluster/moka-prod": "shared", "moka.dev/subnet-role": "pods" });
    });

    it("names endpoint services", () => {
        assert.deepEqual(INTERFACE_ENDPOINT_SERVICES.map((s) => endpointServiceName("eu-west-1", s)), [
            "com.amazonaws.eu-west-1.sts", "com.amazonaws.eu-west-1.ecr.api", "com.amazonaws.eu-west-1.ecr.dkr",
            "com.amazonaws.eu-west-1.ec2", "com.amazonaws.eu-west-1.sqs", "com.amazonaws.eu-west-1.logs",
        ]);
    });

    it("scopes the flow-log role to its log group and guards its trust against the confused deputy", () => {
        const trust = policyDoc(flowLogTrustPolicy("aws", "us-west-2", "111111111111"));
        assert.deepEqual(trust.Statement[0].Principal, { Service: "vpc-flow-logs.amazonaws.com" });
        assert.deepEqual(trust.Statement[0].Condition, {
            StringEquals: { "aws:SourceAccount": "111111111111" },
            ArnLike: { "aws:SourceArn": "arn:aws:ec2:us-west-2:111111111111:vpc-flow-log/*" },
        });
        const arn = "arn:aws:logs:us-west-2:111111111111:log-group:/aws/vpc/moka-prod/flow-logs";
        for (const input of [arn, `${arn}:*`]) {
            const doc = policyDoc(flowLogWritePolicy(input));
            assert.equal(doc.Statement.length, 1);
            assert.deepEqual(doc.Statement[0].Resource, [arn, `${arn}:*`]);
            assert.ok(!doc.Statement[0].Action.includes("logs:CreateLogGroup"));
        }
    });
});

interface NetworkRun {
    readonly result: MockRunResult;
    readonly of: (type: string) => RecordedResource[];
    readonly get: (name: string) => RecordedResource;
}

async function runNetwork(network: NetworkConfig, extra: { flowLogRetentionDays?: number; baseName?: string; privateAccess?: PrivateAccessNetwork[] } = {}): Promise<NetworkRun> {
    const { Network } = await import("../../../components/network");
    const result = await runUnderMocks({
        stack: "test",
        config: CONFIG,
        program: () => {
            const net = new Network("net", {
                baseName: extra.baseName ?? "moka-prod",
                clusterName: "moka-prod",
                network,
                tags: TAGS,
                flowLogRetentionDays: extra.flowLogRetentionDays ?? 90,
                privateAccess: extra.privateAccess,
            });
            return {
                apiAccess: net.apiAccess.map((r) => r.urn),
                privateRouteTableIds: net.privateRouteTableIds,
                vpcId: net.vpcId,
                privateSubnetIds: net.privateSubnetIds,
                publicSubnetIds: net.publicSubnetIds,
                podSubnets: net.podSubnets,
                nodeSecurityGroupId: net.nodeSecurityGroupId,
                availabilityZones: net.availabilityZones,
                vpcCidr: net.vpcCidr,
                podCidr: net.podCidr,
                azCount: net.azCount,
            };
        },
    });
    return { result, of: (t) => ofType(result.resources, t), get: (n) => byName(result.resources, n) };
}

describe("Network component", () => {
    describe("prod: 3 AZs, NAT per AZ", () => {
        let run: NetworkRun;
        before(async () => {
            run = await runNetwork({ vpcCidr: "10.40.0.0/16", podCidr: "100.64.0.0/16", azCount: 3, natMode: "perAz" });
        });

        it("creates exactly the expected resources", () => {
            const counts: Record<string, number> = {};
            for (const r of run.result.resources) {
                counts[r.type] = (counts[r.type] ?? 0) + 1;
            }
            assert.deepEqual(counts, {
                "moka:network:Network": 1,
                [T.vpc]: 1, [T.cidrAssoc]: 1, [T.defaultSg]: 1, [T.subnet]: 9, [T.igw]: 1, [T.eip]: 3, [T.nat]: 3,
                [T.rt]: 4, [T.route]: 4, [T.rta]: 9, [T.endpoint]: 7, [T.sg]: 2, [T.ingress]: 3, [T.egress]: 1,
                [T.logGroup]: 1, [T.key]: 1, [T.alias]: 1, [T.role]: 1, [T.rolePolicy]: 1, [T.flowLog]: 1,
            });
        });

        it("parents every child to the component", () => {
            const comp = run.get("net");
            for (const r of run.result.resources.filter((x) => x !== comp)) {
                assert.equal(r.parent, comp.urn, r.name);
                assert.ok(r.name.startsWith("net-"), r.name);
            }
        });

        it("tags every taggable resource with the stack tags", () => {
            const untaggable = new Set(["moka:network:Network", T.cidrAssoc, T.route, T.rta, T.rolePolicy, T.alias]);
            for (const r of run.result.resources.filter((x) => !untaggable.has(x.type))) {
                for (const [k, v] of Object.entries(TAGS)) {
                    assert.equal(r.inputs.tags?.[k], v, `${r.name} tag ${k}`);
                }
            }
        });

        it("builds the VPC with DNS and the secondary pod CIDR", () => {
            const vpc = run.get("net-vpc");
            assert.equal(vpc.inputs.cidrBlock, "10.40.0.0/16");
            assert.equal(vpc.inputs.enableDnsSupport, true);
            assert.equal(vpc.inputs.enableDnsHostnames, true);
            assert.equal(vpc.inputs.tags.Name, "moka-prod");
            const assoc = run.get("net-pod-cidr");
            assert.deepEqual(assoc.inputs, { vpcId: "vpc-net-vpc", cidrBlock: "100.64.0.0/16" });
        });

        it("lays out node, public and pod subnets per AZ with the right tags", () => {
            const plan = planSubnets({ vpcCidr: "10.40.0.0/16", podCidr: "100.64.0.0/16", azCount: 3 });
            const azs = ["us-west-2a", "us-west-2b", "us-west-2c"];
            const assoc = run.get("net-pod-cidr");
            azs.forEach((az, i) => {
                const priv = run.get(`net-private-${i}`);
                const pub = run.get(`net-public-${i}`);
                const pod = run.get(`net-pods-${i}`);
                assert.equal(priv.inputs.cidrBlock, plan.privateSubnets[i]);
                assert.equal(pub.inputs.cidrBlock, plan.publicSubnets[i]);
                assert.equal(pod.inputs.cidrBlock, plan.podSubnets[i]);
                for (const s of [priv, pub, pod]) {
                    assert.equal(s.inputs.availabilityZone, az);
                    assert.equal(s.inputs.mapPublicIpOnLaunch, false);
                    assert.equal(s.inputs.vpcId, "vpc-net-vpc");
                    assert.equal(s.inputs.tags["kubernetes.io/cluster/moka-prod"], "shared");
                }
                assert.equal(priv.inputs.tags["karpenter.sh/discovery"], "moka-prod");
                assert.equal(priv.inputs.tags["kubernetes.io/role/internal-elb"], "1");
                assert.equal(priv.inputs.tags.Name, `moka-prod-private-${az}`);
                assert.equal(pub.inputs.tags["kubernetes.io/role/elb"], "1");
                assert.equal(pub.inputs.tags["karpenter.sh/discovery"], undefined);
                assert.equal(pod.inputs.tags["moka.dev/subnet-role"], "pods");
                assert.equal(pod.inputs.tags["karpenter.sh/discovery"], undefined, "pod subnets must not be Karpenter node subnets");
                assert.equal(pod.inputs.tags["kubernetes.io/role/internal-elb"], undefined);
                assert.ok(pod.dependencies.includes(assoc.urn), "pod subnet must wait for the CIDR association");
            });
        });

        it("routes public subnets to the IGW and each AZ's node and pod subnets to that AZ's NAT", () => {
            assert.deepEqual(run.get("net-public-default").inputs, { routeTableId: "net-public-rt-id", destinationCidrBlock: "0.0.0.0/0", gatewayId: "net-igw-id" });
            for (let i = 0; i < 3; i++) {
                assert.equal(run.get(`net-nat-${i}`).inputs.subnetId, `subnet-net-public-${i}`);
                assert.equal(run.get(`net-nat-${i}`).inputs.allocationId, `net-nat-eip-${i}-id`);
                assert.equal(run.get(`net-nat-eip-${i}`).inputs.domain, "vpc");
                assert.ok(run.get(`net-nat-${i}`).dependencies.includes(run.get("net-igw").urn));
                assert.deepEqual(run.get(`net-private-default-${i}`).inputs, { routeTableId: `net-private-rt-${i}-id`, destinationCidrBlock: "0.0.0.0/0", natGatewayId: `net-nat-${i}-id` });
                assert.deepEqual(run.get(`net-private-rta-${i}`).inputs, { routeTableId: `net-private-rt-${i}-id`, subnetId: `subnet-net-private-${i}` });
                assert.deepEqual(run.get(`net-pods-rta-${i}`).inputs, { routeTableId: `net-private-rt-${i}-id`, subnetId: `subnet-net-pods-${i}` });
                assert.deepEqual(run.get(`net-public-rta-${i}`).inputs, { routeTableId: "net-public-rt-id", subnetId: `subnet-net-public-${i}` });
            }
        });

        it("creates interface endpoints in the node subnets behind an HTTPS-only security group", () => {
            const interfaces = run.of(T.endpoint).filter((e) => e.inputs.vpcEndpointType === "Interface");
            assert.deepEqual(interfaces.map((e) => e.inputs.serviceName).sort(), INTERFACE_ENDPOINT_SERVICES.map((s) => `com.amazonaws.us-west-2.${s}`).sort());
            for (const e of interfaces) {
                assert.equal(e.inputs.privateDnsEnabled, true);
                assert.deepEqual(e.inputs.subnetIds, ["subnet-net-private-0", "subnet-net-private-1", "subnet-net-private-2"]);
                assert.deepEqual(e.inputs.securityGroupIds, ["sg-net-endpoints-sg"]);
            }
            const rules = run.of(T.ingress).filter((r) => r.inputs.securityGroupId === "sg-net-endpoints-sg");
            assert.deepEqual(rules.map((r) => [r.inputs.ipProtocol, r.inputs.fromPort, r.inputs.toPort, r.inputs.cidrIpv4]).sort(), [
                ["tcp", 443, 443, "10.40.0.0/16"],
                ["tcp", 443, 443, "100.64.0.0/16"],
            ]);
        });

        it("puts the S3 gateway endpoint on every node+pod route table", () => {
            const s3 = run.get("net-endpoint-s3");
            assert.equal(s3.inputs.serviceName, "com.amazonaws.us-west-2.s3");
            assert.equal(s3.inputs.vpcEndpointType, "Gateway");
            assert.deepEqual(s3.inputs.routeTableIds, ["net-private-rt-0-id", "net-private-rt-1-id", "net-private-rt-2-id"]);
        });

        it("creates the node security group: discovery tag, self ingress, egress only to anywhere", () => {
            const sg = run.get("net-node-sg");
            assert.equal(sg.inputs.tags["karpenter.sh/discovery"], "moka-prod");
            assert.equal(sg.inputs.tags["kubernetes.io/cluster/moka-prod"], "owned");
            assert.equal(sg.inputs.name, "moka-prod-nodes");
            assert.equal(sg.inputs.ingress, undefined, "no inline rules");
            assert.equal(sg.inputs.egress, undefined, "no inline rules");
            const self = run.get("net-node-self");
            assert.equal(self.inputs.securityGroupId, "sg-net-node-sg");
            assert.equal(self.inputs.referencedSecurityGroupId, "sg-net-node-sg");
            assert.equal(self.inputs.ipProtocol, "-1");
            const egress = run.get("net-node-egress");
            assert.equal(egress.inputs.cidrIpv4, "0.0.0.0/0");
            assert.equal(egress.inputs.ipProtocol, "-1");
        });

        it("has no ingress from 0.0.0.0/0 anywhere", () => {
            for (const r of run.of(T.ingress)) {
                assert.notEqual(r.inputs.cidrIpv4, "0.0.0.0/0", r.name);
                assert.equal(r.inputs.cidrIpv6, undefined, r.name);
            }
        });

        it("locks down the default security group", () => {
            const d = run.get("net-default-sg");
            assert.equal(d.inputs.vpcId, "vpc-net-vpc");
            assert.equal(d.inputs.ingress, undefined);
            assert.equal(d.inputs.egress, undefined);
        });

        it("sends all VPC traffic to a retained-for-N-days log group through a scoped role", () => {
            const lg = run.get("net-flow-logs");
            assert.equal(lg.inputs.name, "/aws/vpc/moka-prod/flow-logs");
            assert.equal(lg.inputs.retentionInDays, 90);
            const fl = run.get("net-flow-log");
            assert.equal(fl.inputs.vpcId, "vpc-net-vpc");
            assert.equal(fl.inputs.trafficType, "ALL");
            assert.equal(fl.inputs.logDestinationType, "cloud-watch-logs");
            assert.equal(fl.inputs.logDestination, lg.state.arn);
            assert.equal(fl.inputs.iamRoleArn, "arn:aws:iam::111111111111:role/moka-prod-vpc-flow-logs");
            assert.ok(fl.dependencies.includes(run.get("net-flow-logs-policy").urn));
            const trust = policyDoc(run.get("net-flow-logs-role").inputs.assumeRolePolicy);
            assert.equal(trust.Statement[0].Principal.Service, "vpc-flow-logs.amazonaws.com");
            assert.equal(trust.Statement[0].Condition.StringEquals["aws:SourceAccount"], "111111111111");
            const policy = policyDoc(run.get("net-flow-logs-policy").inputs.policy);
            for (const st of policy.Statement) {
                for (const res of [].concat(st.Resource)) {
                    assert.ok(String(res).startsWith(lg.state.arn), `resource ${res} is not the flow-log group`);
                }
            }
        });

        it("encrypts the flow-log group with its own rotating key that only CloudWatch Logs may use, for that group", () => {
            const lg = run.get("net-flow-logs");
            const key = run.get("net-flow-logs-key");
            assert.equal(lg.inputs.kmsKeyId, key.state.arn);
            assert.equal(key.inputs.enableKeyRotation, true);
            assert.equal(key.inputs.deletionWindowInDays, 7);
            assert.equal(key.protect, false);
            assert.equal(run.get("net-flow-logs-key-alias").inputs.name, "alias/moka-prod-flow-logs");
            const [admin, logs] = policyDoc(key.inputs.policy).Statement;
            assert.deepEqual(admin.Principal, { AWS: "arn:aws:iam::111111111111:root" });
            assert.deepEqual(logs.Principal, { Service: "logs.us-west-2.amazonaws.com" });
            assert.deepEqual(logs.Condition, { ArnEquals: { "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:us-west-2:111111111111:log-group:/aws/vpc/moka-prod/flow-logs" } });
            assert.ok(!JSON.stringify(logs.Action).includes("kms:*"), "the logs service gets no key administration");
        });

        it("exports the wiring outputs", () => {
            const o = run.result.outputs;
            assert.equal(o.vpcId, "vpc-net-vpc");
            assert.deepEqual(o.privateSubnetIds, ["subnet-net-private-0", "subnet-net-private-1", "subnet-net-private-2"]);
            assert.deepEqual(o.publicSubnetIds, ["subnet-net-public-0", "subnet-net-public-1", "subnet-net-public-2"]);
            assert.deepEqual(o.podSubnets, [
                { availabilityZone: "us-west-2a", subnetId: "subnet-net-pods-0" },
                { availabilityZone: "us-west-2b", subnetId: "subnet-net-pods-1" },
                { availabilityZone: "us-west-2c", subnetId: "subnet-net-pods-2" },
            ]);
            assert.equal(o.nodeSecurityGroupId, "sg-net-node-sg");
            assert.deepEqual(o.availabilityZones, ["us-west-2a", "us-west-2b", "us-west-2c"]);
            assert.equal(o.vpcCidr, "10.40.0.0/16");
            assert.equal(o.podCidr, "100.64.0.0/16");
            assert.equal(o.azCount, 3);
        });
    });

    describe("dev: 2 AZs, single NAT", () => {
        let run: NetworkRun;
        before(async () => {
            run = await runNetwork({ vpcCidr: "10.50.0.0/16", podCidr: "100.64.0.0/16", azCount: 2, natMode: "single" }, { baseName: "moka-dev", flowLogRetentionDays: 14 });
        });

        it("creates one NAT gateway and points every AZ at it", () => {
            assert.equal(run.of(T.nat).length, 1);
            assert.equal(run.of(T.eip).length, 1);
            assert.equal(run.of(T.subnet).length, 6);
            assert.equal(run.of(T.rt).length, 3);
            for (let i = 0; i < 2; i++) {
                assert.equal(run.get(`net-private-default-${i}`).inputs.natGatewayId, "net-nat-0-id");
            }
            assert.equal(run.get("net-flow-logs").inputs.retentionInDays, 14);
            assert.equal(run.get("net-flow-logs").inputs.name, "/aws/vpc/moka-dev/flow-logs");
        });
    });

    describe("routes to the networks that reach the private API (privateAccess)", () => {
        const TGW = "tgw-00000000000000000";
        const networks: PrivateAccessNetwork[] = [
            { name: "ci-runners", via: "transitGateway", cidr: "10.255.0.0/24", transitGatewayId: TGW },
            { name: "office", via: "transitGateway", cidr: "10.254.0.0/16", transitGatewayId: TGW },
            { name: "vpn", via: "vpn", cidr: "172.20.0.0/16", vpnGatewayId: "vgw-0a1b2c3d4e5f60718" },
            { name: "peer", via: "vpcPeering", cidr: "192.168.0.0/20", vpcPeeringConnectionId: "pcx-0a1b2c3d4e5f60718" },
        ];
        let run: NetworkRun;
        before(async () => {
            run = await runNetwork({ vpcCidr: "10.40.0.0/16", podCidr: "100.64.0.0/16", azCount: 3, natMode: "perAz" }, { privateAccess: networks });
        });

        it("plans one route per network and route table, each through its gateway, and no route for in-VPC networks", () => {
            const routes = planPrivateAccessRoutes([...networks, { name: "bastion", via: "inVpc", securityGroupId: "sg-0a1b2c3d4e5f60718" }], 2);
            assert.deepEqual(routes.map((r) => [r.key, r.destinationCidrBlock, r.target]), [
                ["access-ci-runners-0", "10.255.0.0/24", { transitGatewayId: TGW }], ["access-ci-runners-1", "10.255.0.0/24", { transitGatewayId: TGW }],
                ["access-office-0", "10.254.0.0/16", { transitGatewayId: TGW }], ["access-office-1", "10.254.0.0/16", { transitGatewayId: TGW }],
                ["access-vpn-0", "172.20.0.0/16", { gatewayId: "vgw-0a1b2c3d4e5f60718" }], ["access-vpn-1", "172.20.0.0/16", { gatewayId: "vgw-0a1b2c3d4e5f60718" }],
                ["access-peer-0", "192.168.0.0/20", { vpcPeeringConnectionId: "pcx-0a1b2c3d4e5f60718" }], ["access-peer-1", "192.168.0.0/20", { vpcPeeringConnectionId: "pcx-0a1b2c3d4e5f60718" }],
            ]);
            assert.deepEqual(plannedAttachments(networks), { transitGateways: [TGW], vpnGateways: ["vgw-0a1b2c3d4e5f60718"] });
        });

        it("attaches the VPC to the transit gateway once, in the node subnets, and to the VPN gateway", () => {
            const tgw = run.of("aws:ec2transitgateway/vpcAttachment:VpcAttachment");
            assert.equal(tgw.length, 1);
            assert.deepEqual({ ...tgw[0].inputs, tags: undefined }, { transitGatewayId: TGW, vpcId: "vpc-net-vpc", subnetIds: ["subnet-net-private-0", "subnet-net-private-1", "subnet-net-private-2"], dnsSupport: "enable", tags: undefined });
            assert.deepEqual(run.of("aws:ec2/vpnGatewayAttachment:VpnGatewayAttachment").map((r) => r.inputs), [{ vpcId: "vpc-net-vpc", vpnGatewayId: "vgw-0a1b2c3d4e5f60718" }]);
        });

        it("routes every node/pod route table to every network, after the attachment", () => {
            const tgw = run.of("aws:ec2transitgateway/vpcAttachment:VpcAttachment")[0];
            for (let i = 0; i < 3; i++) {
                const r = run.get(`net-access-ci-runners-${i}`);
                assert.deepEqual(r.inputs, { routeTableId: `net-private-rt-${i}-id`, destinationCidrBlock: "10.255.0.0/24", transitGatewayId: TGW });
                assert.ok(r.dependencies.includes(tgw.urn));
                assert.equal(run.get(`net-access-peer-${i}`).inputs.vpcPeeringConnectionId, "pcx-0a1b2c3d4e5f60718");
            }
            assert.equal(run.of(T.route).length, 4 + 4 * 3);
        });

        it("exports the path (attachments and routes) for the Kubernetes provider to wait on, and the route tables", () => {
            assert.equal((run.result.outputs.apiAccess as string[]).length, 2 + 12);
            assert.deepEqual(run.result.outputs.privateRouteTableIds, ["net-private-rt-0-id", "net-private-rt-1-id", "net-private-rt-2-id"]);
        });
    });

    describe("bring your own VPC (existingVpc)", () => {
        const existingVpc = {
            vpcId: "vpc-0a1b2c3d4e5f60718", vpcCidr: "10.60.0.0/16", secondaryCidrs: ["100.64.0.0/16"],
            nodeSubnetIds: ["subnet-0000000000000000a", "subnet-0000000000000000b"],
            podSubnets: [{ availabilityZone: "us-west-2a", subnetId: "subnet-0000000000000000c" }, { availabilityZone: "us-west-2b", subnetId: "subnet-0000000000000000d" }],
            publicSubnetIds: ["subnet-0000000000000000e"], routeTableIds: ["rtb-0000000000000000f"], createEndpoints: false,
        };
        let run: NetworkRun;
        before(async () => {
            run = await runNetwork({ vpcCidr: "10.0.0.0/16", podCidr: "100.64.0.0/16", azCount: 2, natMode: "perAz", existingVpc }, {
                privateAccess: [{ name: "ci-runners", via: "transitGateway", cidr: "10.255.0.0/24", transitGatewayId: "tgw-00000000000000000" }],
            });
        });

        it("creates no VPC, subnet, gateway, route table, endpoint or default-SG takeover; only tags, the node SG, flow logs and routes", () => {
            const counts: Record<string, number> = {};
            for (const r of run.result.resources) {
                counts[r.type] = (counts[r.type] ?? 0) + 1;
            }
            assert.deepEqual(counts, {
                "moka:network:Network": 1, "aws:ec2/tag:Tag": 4 * 2 + 3 * 1 + 2 * 2, [T.route]: 1,
                [T.sg]: 1, [T.ingress]: 1, [T.egress]: 1, [T.logGroup]: 1, [T.key]: 1, [T.alias]: 1, [T.role]: 1, [T.rolePolicy]: 1, [T.flowLog]: 1,
            });
        });

        it("tags node subnets for Karpenter discovery and internal load balancers, public ones for internet-facing ones, pod subnets with their role only", () => {
            const tags = (subnet: string) => Object.fromEntries(run.of("aws:ec2/tag:Tag").filter((t) => t.inputs.resourceId === subnet).map((t) => [t.inputs.key, t.inputs.value]));
            assert.deepEqual(tags("subnet-0000000000000000a"), subnetTags("private", "moka-prod"));
            assert.deepEqual(tags("subnet-0000000000000000e"), subnetTags("public", "moka-prod"));
            assert.deepEqual(tags("subnet-0000000000000000d"), subnetTags("pods", "moka-prod"));
            assert.equal(tags("subnet-0000000000000000c")["karpenter.sh/discovery"], undefined);
            assert.equal(tagSlug("kubernetes.io/cluster/moka-prod"), "cluster");
            assert.equal(tagSlug("kubernetes.io/role/internal-elb"), "internal-elb");
        });

        it("uses the given subnets and zones, routes the private-access network in the given route tables, attaches nothing", () => {
            const o = run.result.outputs;
            assert.equal(o.vpcId, "vpc-0a1b2c3d4e5f60718");
            assert.deepEqual(o.privateSubnetIds, existingVpc.nodeSubnetIds);
            assert.deepEqual(o.podSubnets, existingVpc.podSubnets);
            assert.deepEqual(o.availabilityZones, ["us-west-2a", "us-west-2b"]);
            assert.equal(o.azCount, 2);
            assert.equal(o.vpcCidr, "10.60.0.0/16");
            assert.deepEqual(run.get("net-access-ci-runners-0").inputs, { routeTableId: "rtb-0000000000000000f", destinationCidrBlock: "10.255.0.0/24", transitGatewayId: "tgw-00000000000000000" });
            assert.equal(run.of("aws:ec2transitgateway/vpcAttachment:VpcAttachment").length, 0, "the VPC owner attaches an existing VPC");
            assert.equal(run.get("net-node-sg").inputs.vpcId, "vpc-0a1b2c3d4e5f60718");
        });

        it("creates the endpoints in the node subnets only with createEndpoints", async () => {
            const withEndpoints = await runNetwork({ vpcCidr: "10.0.0.0/16", podCidr: "100.64.0.0/16", azCount: 2, natMode: "perAz", existingVpc: { ...existingVpc, createEndpoints: true } });
            assert.equal(withEndpoints.of(T.endpoint).length, 7);
            assert.deepEqual(withEndpoints.get("net-endpoint-sts").inputs.subnetIds, existingVpc.nodeSubnetIds);
            assert.deepEqual(withEndpoints.get("net-endpoint-s3").inputs.routeTableIds, existingVpc.routeTableIds);
            assert.deepEqual(withEndpoints.of(T.ingress).filter((r) => r.name.startsWith("net-endpoints-https")).map((r) => r.inputs.cidrIpv4), ["10.60.0.0/16", "100.64.0.0/16"]);
        });
    });

    describe("constructor validation", () => {
        const base: NetworkConfig = { vpcCidr: "10.40.0.0/16", podCidr: "100.64.0.0/16", azCount: 3, natMode: "perAz" };
        const cases: { title: string; network: NetworkConfig; extra?: { flowLogRetentionDays?: number; baseName?: string }; message: string }[] = [
            { title: "an empty baseName", network: base, extra: { baseName: "" }, message: "moka:network:Network \"net\": args.baseName is required" },
            { title: "seven AZs", network: { ...base, azCount: 7 }, message: "moka:network:Network \"net\": args.network is invalid: azCount must be a whole number between 1 and 6, got 7" },
            { title: "overlapping CIDRs", network: { ...base, podCidr: "10.40.0.0/16" }, message: "moka:network:Network \"net\": args.network is invalid: podCidr 10.40.0.0/16 overlaps vpcCidr 10.40.0.0/16" },
            { title: "an unknown NAT mode", network: { ...base, natMode: "none" as unknown as "single" }, message: "moka:network:Network \"net\": args.network.natMode must be \"perAz\" or \"single\", got \"none\"" },
            { title: "a retention CloudWatch does not accept", network: base, extra: { flowLogRetentionDays: 10 }, message: "moka:network:Network \"net\": args.flowLogRetentionDays must be a CloudWatch Logs retention value" },
        ];
        for (const c of cases) {
            it(`rejects ${c.title}`, async () => {
                await assert.rejects(runNetwork(c.network, c.extra), (e: Error) => {
                    assert.ok(e.message.startsWith(c.message), e.message);
                    return true;
                });
            });
        }
    });
});
