import { strict as assert } from "assert";
import { eksApiReachable } from "../../../policies/deployability/rules/api-reachable";
import { apiPaths, describeApiPath } from "../../../policies/lib/deployability";
import type { TestResource } from "../../helpers/policy";
import { expectUnknownsAddNoViolation } from "../regression";
import { apiRule, awsCluster, component, expectClean, expectUnknown, expectViolations, network, nodesToApi, T, tgwRoutes, UNKNOWN, urnOf, views } from "./support";

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
