import { strict as assert } from "assert";
import { eksApiReachable } from "../../../policies/deployability/rules/api-reachable";
import { apiPaths, describeApiPath } from "../../../policies/lib/deployability";
import type { TestResource } from "../../helpers/policy";
import { expectUnknownsAddNoViolation } from "../regression";
import { apiRule, apiToNodes, awsCluster, component, expectClean, expectUnknown, expectViolations, network, nodesToApi, realPreview, T, tgwRoutes, UNKNOWN, urnOf, views } from "./support";

const RUNNERS = "10.255.0.0/24";
const both = (): TestResource[][] => [[component()], [component(), awsCluster()]];

describe("deployability: eks-api-reachable (stack)", () => {
    describe("passes", () => {
        for (const [i, shape] of ["eks:index:Cluster (mocks)", "aws:eks/cluster:Cluster under the component (real preview)"].entries()) {
            it(`a private endpoint with 443 from a routed connected network — ${shape}`, async () => {
                await expectClean(eksApiReachable, [...network(), ...both()[i], nodesToApi(), apiRule("api-from-ci", { cidrIpv4: RUNNERS }), ...tgwRoutes(RUNNERS)]);
            });
        }
        it("a public endpoint (explicit, or left at EKS's default) whatever its CIDRs", async () => {
            await expectClean(eksApiReachable, [...network(), component({ endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] }), nodesToApi()]);
            const { endpointPublicAccess: _c, ...defaultPublic } = component().props;
            await expectClean(eksApiReachable, [...network(), { ...component(), props: defaultPublic }, nodesToApi()]);
            const cluster = awsCluster();
            const { endpointPublicAccess: _a, ...vpcDefault } = cluster.props.vpcConfig as Record<string, unknown>;
            await expectClean(eksApiReachable, [{ ...cluster, props: { ...cluster.props, vpcConfig: vpcDefault } }]);
        });
        it("443 from another security group (a bastion or a runner in the VPC), or a whole-range rule", async () => {
            await expectClean(eksApiReachable, [...network(), component(), nodesToApi(), apiRule("api-from-bastion", { referencedSecurityGroupId: "sg-0a1b2c3d4e5f60718" })]);
            const all = apiRule("all", { ipProtocol: "-1", cidrIpv4: RUNNERS });
            const { fromPort: _f, toPort: _t, ...allPorts } = all.props;
            await expectClean(eksApiReachable, [...network(), component(), { ...all, props: allPorts }, ...tgwRoutes(RUNNERS)]);
        });
        it("a CIDR outside a VPC the stack does not manage (routes are the VPC owner's)", async () => {
            await expectClean(eksApiReachable, [component(), nodesToApi(), apiRule("api-from-ci", { cidrIpv4: RUNNERS })]);
        });
        it("a route through VPN route propagation, or a wider route, counts", async () => {
            const propagation = [0, 1].map((i): TestResource => ({ type: "aws:ec2/vpnGatewayRoutePropagation:VpnGatewayRoutePropagation", name: `prop-${i}`, props: { routeTableId: UNKNOWN, vpnGatewayId: "vgw-0a1b2c3d4e5f60718" }, propertyDependencies: { routeTableId: [urnOf(T.routeTable, `private-rt-${i}`)] } }));
            await expectClean(eksApiReachable, [...network(), component(), nodesToApi(), apiRule("api-from-vpn", { cidrIpv4: "172.20.0.0/16" }), ...propagation]);
            await expectClean(eksApiReachable, [...network(), component(), nodesToApi(), apiRule("api-from-ci", { cidrIpv4: RUNNERS }), ...tgwRoutes("10.255.0.0/16")]);
        });
    });

    describe("fails", () => {
        it("a private endpoint whose only 443 ingress is from the node security group — both shapes", async () => {
            for (const shape of both()) {
                const [v] = await expectViolations(eksApiReachable, [...network(), ...shape, nodesToApi()], [/EKS cluster "moka-prod" has a private endpoint \(endpointPublicAccess false\) and no way in from outside the node network: no 443 ingress on its cluster security group comes from anything but the nodes and pods\. pulumi up, CI and admins cannot reach the Kubernetes API/]);
                assert.equal(v.urn, urnOf(shape[shape.length - 1].type, shape[shape.length - 1].name!));
            }
        });
        it("a connected network's CIDR without a route back from every node route table", async () => {
            await expectViolations(eksApiReachable, [...network(), component(), nodesToApi(), apiRule("api-from-ci", { cidrIpv4: RUNNERS })],
                [/10\.255\.0\.0\/24 is outside the VPC but only 0 of the 2 route tables of the cluster's subnets route to it/]);
            await expectViolations(eksApiReachable, [...network(), component(), nodesToApi(), apiRule("api-from-ci", { cidrIpv4: RUNNERS }), ...tgwRoutes(RUNNERS, [0])],
                [/only 1 of the 2 route tables/]);
        });
        it("the NAT default route does not count as a way back, and a CIDR inside the VPC is the node network", async () => {
            await expectViolations(eksApiReachable, [...network(), component(), apiRule("from-vpc", { cidrIpv4: "10.40.0.0/16" })], [/no 443 ingress/]);
        });
        it("a rule on another port or protocol, or on another security group, does not open the API", async () => {
            await expectViolations(eksApiReachable, [...network(), component(), apiRule("ssh", { fromPort: 22, toPort: 22, cidrIpv4: RUNNERS }), apiRule("udp", { ipProtocol: "udp", cidrIpv4: RUNNERS }), ...tgwRoutes(RUNNERS)], [/no 443 ingress/]);
            const elsewhere: TestResource = { ...apiRule("on-node-sg", { cidrIpv4: RUNNERS }), propertyDependencies: { securityGroupId: [urnOf(T.sg, "node-sg")] } };
            await expectViolations(eksApiReachable, [...network(), component(), elsewhere, ...tgwRoutes(RUNNERS)], [/no 443 ingress/]);
        });
    });

    describe("unknown at preview: the advisory, never a violation", () => {
        it("the endpoint's public access is unknown", async () => {
            await expectUnknown(eksApiReachable, [...network(), component({ endpointPublicAccess: UNKNOWN }), nodesToApi()]);
        });
        it("the rule's CIDR or ports are unknown", async () => {
            await expectUnknown(eksApiReachable, [...network(), component(), nodesToApi(), apiRule("api-from-ci", { cidrIpv4: UNKNOWN }), ...tgwRoutes(RUNNERS)]);
            await expectUnknown(eksApiReachable, [...network(), component(), nodesToApi(), apiRule("api-from-ci", { fromPort: UNKNOWN, cidrIpv4: RUNNERS }), ...tgwRoutes(RUNNERS)]);
        });
        it("a route's destination is unknown", async () => {
            const routes = tgwRoutes(RUNNERS).map((r) => ({ ...r, props: { ...r.props, destinationCidrBlock: UNKNOWN } }));
            await expectUnknown(eksApiReachable, [...network(), component(), nodesToApi(), apiRule("api-from-ci", { cidrIpv4: RUNNERS }), ...routes]);
        });
        it("DEP-1: a rule whose security group is unknown and unlinked may be the cluster's (fuzzer: B passed by ID match)", async () => {
            const cluster = awsCluster({ securityGroupIds: ["sg-0123"] });
            const rule = (sg: unknown): TestResource => ({ type: T.ingress, name: "r", props: { securityGroupId: sg, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: RUNNERS } });
            await expectClean(eksApiReachable, [cluster, rule("sg-0123")]);
            await expectUnknownsAddNoViolation(eksApiReachable, [cluster, rule("sg-0123")], [cluster, rule(UNKNOWN)]);
        });
    });

    describe("a real first preview of the platform's shape (vpcConfig.clusterSecurityGroupId unknown)", () => {
        const CLUSTER = urnOf(T.cluster, "cluster-eks-eksCluster");
        it("api-to-nodes sits on the node security group (a stack resource, so never EKS's cluster group): no deployer network is a MANDATORY violation", async () => {
            const [v] = await expectViolations(eksApiReachable, realPreview(), [/EKS cluster "moka-prod" has a private endpoint .*no 443 ingress on its cluster security group comes from anything but the nodes and pods/]);
            assert.equal(v.urn, CLUSTER);
            // The mocks' shape too.
            await expectViolations(eksApiReachable, [...network(), component(), nodesToApi(), apiToNodes()], [/no 443 ingress/]);
        });
        it("passes with the deployer network's 443 rule (on the component's cluster security group output) and its routes", async () => {
            await expectClean(eksApiReachable, [...realPreview(), apiRule("api-from-ci", { cidrIpv4: RUNNERS }), ...tgwRoutes(RUNNERS)]);
            await expectClean(eksApiReachable, [...network(), component(), nodesToApi(), apiToNodes(), apiRule("api-from-ci", { cidrIpv4: RUNNERS }), ...tgwRoutes(RUNNERS)]);
        });
        it("a rule whose group depends on the aws:eks Cluster itself is on the endpoint (its group outputs are all the endpoint's)", async () => {
            const rule: TestResource = { ...apiRule("api-from-ci", { cidrIpv4: RUNNERS }), propertyDependencies: { securityGroupId: [CLUSTER] } };
            await expectClean(eksApiReachable, [...realPreview(), rule, ...tgwRoutes(RUNNERS)]);
        });
    });

    describe("a rule on a security group output of the component is followed, never passed unproven", () => {
        // pulumi-eks 4.3.0 without skipDefaultSecurityGroups: its own cluster group (listed in vpcConfig.securityGroupIds)
        // and its default node group (not on the endpoint), both children of the component.
        const { skipDefaultSecurityGroups: _skip, ...defaultGroups } = component().props;
        const mockShape = (): TestResource[] => [...network(), { ...component(), props: defaultGroups }, nodesToApi()];
        const realShape = (eksGroup: unknown = "sg-0eks"): TestResource[] => [
            ...network(),
            { type: T.component, name: "cluster-eks", props: { clusterSecurityGroupId: "sg-0pulumicluster", nodeSecurityGroupId: "sg-0pulumnodes" } },
            { type: T.sg, name: "cluster-eks-eksClusterSecurityGroup", parent: urnOf(T.component, "cluster-eks"), props: { id: "sg-0pulumicluster", vpcId: UNKNOWN } },
            { type: T.sg, name: "cluster-eks-nodeSecurityGroup", parent: urnOf(T.component, "cluster-eks"), props: { id: "sg-0pulumnodes", vpcId: UNKNOWN } },
            {
                ...awsCluster({ clusterSecurityGroupId: eksGroup, securityGroupIds: ["sg-0pulumicluster"] }),
                propertyDependencies: { vpcConfig: [urnOf(T.subnet, "private-0"), urnOf(T.subnet, "private-1"), urnOf(T.sg, "cluster-eks-eksClusterSecurityGroup")] },
            },
        ];
        const onOutput = (securityGroupId: unknown) => apiRule("api-from-ci", { cidrIpv4: RUNNERS, securityGroupId });
        it("under mocks, with pulumi-eks's default groups: unknown at preview is the advisory, a known ID that nothing ties to the endpoint a violation", async () => {
            await expectUnknown(eksApiReachable, [...mockShape(), onOutput(UNKNOWN), ...tgwRoutes(RUNNERS)]);
            await expectViolations(eksApiReachable, [...mockShape(), onOutput("sg-0pulumnodes"), ...tgwRoutes(RUNNERS)],
                [/rule api-from-ci admits 10\.255\.0\.0\/24, but its security group is an output of the eks:index:Cluster component "cluster-eks", which without skipDefaultSecurityGroups also outputs pulumi-eks's default node security group/]);
        });
        it("in a real preview: unknown is the advisory; a known value is compared with the cluster's groups", async () => {
            await expectUnknown(eksApiReachable, [...realShape(UNKNOWN), onOutput(UNKNOWN), ...tgwRoutes(RUNNERS)]);
            await expectViolations(eksApiReachable, [...realShape(), onOutput("sg-0pulumnodes"), ...tgwRoutes(RUNNERS)], [/no 443 ingress on its cluster security group/]);
            await expectClean(eksApiReachable, [...realShape(), onOutput("sg-0eks"), ...tgwRoutes(RUNNERS)]);
            await expectClean(eksApiReachable, [...realShape(), onOutput("sg-0pulumicluster"), ...tgwRoutes(RUNNERS)]);
        });
        it("with EKS's group unknown, a known value on the component's node group is still not the endpoint's", async () => {
            await expectViolations(eksApiReachable, [...realShape(UNKNOWN), onOutput("sg-0pulumnodes"), ...tgwRoutes(RUNNERS)], [/no 443 ingress/]);
        });
        it("another proven path still passes", async () => {
            await expectClean(eksApiReachable, [...realShape(UNKNOWN), onOutput(UNKNOWN), apiRule("api-on-listed", { cidrIpv4: RUNNERS, securityGroupId: "sg-0pulumicluster" }), ...tgwRoutes(RUNNERS)]);
        });
    });

    describe("a source security group across a transit gateway (security group referencing is off by default there)", () => {
        const attachment = (extra: Record<string, unknown> = {}): TestResource => ({
            type: "aws:ec2transitgateway/vpcAttachment:VpcAttachment", name: "tgw-attachment", props: { transitGatewayId: "tgw-00000000000000000", vpcId: UNKNOWN, subnetIds: UNKNOWN, ...extra },
        });
        const gateway = (option: unknown): TestResource => ({ type: "aws:ec2transitgateway/transitGateway:TransitGateway", name: "tgw", props: { id: "tgw-00000000000000000", securityGroupReferencingSupport: option } });
        const fromRunners = () => apiRule("api-from-ci", { referencedSecurityGroupId: "sg-0a1b2c3d4e5f60718" });
        it("is refused when the gateway's setting is not visible in the stack, or the attachment disables it", async () => {
            await expectViolations(eksApiReachable, [...network(), component(), nodesToApi(), fromRunners(), attachment(), ...tgwRoutes(RUNNERS)],
                [/rule api-from-ci admits security group sg-0a1b2c3d4e5f60718, but it is outside the stack's VPC, which reaches other networks through transit gateway tgw-00000000000000000, and a transit gateway resolves security group references only with SecurityGroupReferencingSupport enabled \(off by default; not visible in this stack\); admit the network's CIDR instead/]);
            await expectViolations(eksApiReachable, [...network(), component(), nodesToApi(), fromRunners(), attachment({ securityGroupReferencingSupport: "disable" }), gateway("enable")], [/SecurityGroupReferencingSupport/]);
            await expectViolations(eksApiReachable, [...network(), component(), nodesToApi(), fromRunners(), attachment(), gateway("disable")], [/SecurityGroupReferencingSupport/]);
        });
        it("counts when the stack's gateway enables it; a group of the stack itself, or a VPC the stack does not own, as before", async () => {
            await expectClean(eksApiReachable, [...network(), component(), nodesToApi(), fromRunners(), attachment(), gateway("enable")]);
            const bastion: TestResource = { ...apiRule("api-from-bastion", { referencedSecurityGroupId: UNKNOWN }, { referencedSecurityGroupId: [urnOf(T.sg, "bastion")] }) };
            await expectClean(eksApiReachable, [...network(), { type: T.sg, name: "bastion", props: { vpcId: UNKNOWN } }, component(), nodesToApi(), bastion, attachment()]);
            await expectClean(eksApiReachable, [component(), nodesToApi(), fromRunners(), attachment()]);
        });
        it("an unknown setting is the advisory", async () => {
            await expectUnknown(eksApiReachable, [...network(), component(), nodesToApi(), fromRunners(), attachment(), gateway(UNKNOWN)]);
        });
    });

    describe("odd shapes never crash", () => {
        for (const [label, props] of [["no vpcConfig", {}], ["vpcConfig null", { vpcConfig: null }], ["a string vpcConfig", { vpcConfig: "x" }], ["a string flag", { vpcConfig: { endpointPublicAccess: "false" } }]] as const) {
            it(label, async () => {
                const res: TestResource[] = [{ type: T.cluster, name: "c", props: props as Record<string, unknown> }, apiRule("x", { ipProtocol: 6, fromPort: "443", toPort: null, cidrIpv4: 5 })];
                assert.ok(Array.isArray(apiPaths(views(res))));
                await eksApiReachable.validateStack({ resources: [], getConfig: () => ({}) } as never, () => undefined);
                await expectViolations(eksApiReachable, res, label === "a string flag" ? [/private endpoint/] : []);
            });
        }
    });

    it("describes the path for the report", () => {
        const v = views([...network(), component(), nodesToApi(), apiRule("api-from-ci", { cidrIpv4: RUNNERS }), ...tgwRoutes(RUNNERS)]);
        assert.deepEqual(apiPaths(v).map(describeApiPath), ["moka-prod: private endpoint; 443 from 10.255.0.0/24 (api-from-ci; tgw-00000000000000000, from 2 of 2 route tables) → reachable"]);
        assert.equal(describeApiPath(apiPaths(views([component({ endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] })]))[0]), "moka-prod: public endpoint, limited to 203.0.113.0/24");
    });
});
