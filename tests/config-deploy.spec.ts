/**
 * The deployability cross-checks of the stack config (config/deploy-checks.ts): where pulumi up runs from
 * must reach the API the stack builds, the deploy role must not collide with an admin entry, the system
 * nodes must hold what is pinned to them, an existing VPC must be described consistently, and the Spark
 * image must come from somewhere that serves it. Every refusal names its keys; a refused config registers
 * no resource.
 */
import { strict as assert } from "assert";
import { MokaConfigError, parseConfigMap, decodeConfigValue } from "../config";
import { loadPlatformProgram, readStackConfig, runUnderMocks } from "../preview/mocks";

function withKey(base: string | Record<string, string>, key: string, mutate: (v: any) => any): Record<string, string> {
    const map = typeof base === "string" ? readStackConfig(base) : base;
    const next = mutate(map[key] === undefined ? undefined : JSON.parse(JSON.stringify(decodeConfigValue(map[key]))));
    return { ...map, [key]: typeof next === "string" ? next : JSON.stringify(next) };
}
const prodCluster = (f: (c: any) => any) => withKey("prod", "moka:cluster", f);
const devCluster = (f: (c: any) => any) => withKey("dev", "moka:cluster", f);
const TGW = "tgw-00000000000000000";
const DIGEST = `sha256:${"1".repeat(64)}`;
const EXISTING = {
    vpcId: "vpc-0a1b2c3d4e5f60718", vpcCidr: "10.60.0.0/16", secondaryCidrs: ["100.64.0.0/16"],
    nodeSubnetIds: ["subnet-0000000000000000a", "subnet-0000000000000000b", "subnet-0000000000000000c"],
    podSubnets: ["a", "b", "c"].map((z, i) => ({ availabilityZone: `us-west-2${z}`, subnetId: `subnet-000000000000000${i}d` })),
    routeTableIds: ["rtb-0000000000000000f"],
};

interface Case { readonly title: string; readonly config: Record<string, string>; readonly expect: readonly [string, RegExp][] }

const CASES: Case[] = [
    // --- the API path ------------------------------------------------------------------------
    { title: "a private endpoint with no declared deployer network", config: prodCluster((c) => ({ ...c, privateAccess: [] })), expect: [["moka:cluster.deployer.network", /the endpoint is private .* and moka:cluster\.privateAccess declares no network: nothing outside the node subnets could reach the Kubernetes API/]] },
    { title: "the deployer names an undeclared network", config: prodCluster((c) => ({ ...c, deployer: { network: "office" } })), expect: [["moka:cluster.deployer.network", /names "office", which is neither "public" nor a moka:cluster\.privateAccess network \(ci-runners\)/]] },
    { title: "a public deployer for a private endpoint", config: prodCluster((c) => ({ ...c, deployer: { network: "public", egressCidrs: ["203.0.113.0/24"] } })), expect: [["moka:cluster.deployer.network", /is "public" but the endpoint is private/]] },
    { title: "a public deployer that does not say where it comes from", config: devCluster((c) => ({ ...c, deployer: { network: "public" } })), expect: [["moka:cluster.deployer.egressCidrs", /is required with network "public"/]] },
    { title: "deployer egress outside publicAccessCidrs", config: devCluster((c) => ({ ...c, deployer: { network: "public", egressCidrs: ["198.51.100.0/24"] } })), expect: [["moka:cluster.deployer.egressCidrs[0]", /198\.51\.100\.0\/24 is outside moka:cluster\.publicAccessCidrs \(203\.0\.113\.0\/24\): the public endpoint would refuse pulumi up/]] },
    { title: "egress CIDRs for a private network", config: prodCluster((c) => ({ ...c, deployer: { network: "ci-runners", egressCidrs: ["203.0.113.0/24"] } })), expect: [["moka:cluster.deployer.egressCidrs", /applies only to network "public"/]] },
    { title: "a connected network overlapping the VPC", config: prodCluster((c) => ({ ...c, privateAccess: [{ ...c.privateAccess[0], cidr: "10.40.8.0/24" }] })), expect: [["moka:cluster.privateAccess[0].cidr", /10\.40\.8\.0\/24 overlaps the VPC or pod CIDR \(10\.40\.0\.0\/16, 100\.64\.0\.0\/16\)/]] },
    { title: "a connected network overlapping the pod CIDR", config: prodCluster((c) => ({ ...c, privateAccess: [{ ...c.privateAccess[0], cidr: "100.64.0.0/24" }] })), expect: [["moka:cluster.privateAccess[0].cidr", /overlaps the VPC or pod CIDR/]] },
    { title: "a transit-gateway network without its gateway id", config: prodCluster((c) => ({ ...c, privateAccess: [{ name: "ci-runners", via: "transitGateway", cidr: "10.255.0.0/24" }] })), expect: [["moka:cluster.privateAccess[0].transitGatewayId", /is required with via: transitGateway/]] },
    { title: "a gateway id of another kind", config: prodCluster((c) => ({ ...c, privateAccess: [{ ...c.privateAccess[0], vpnGatewayId: "vgw-0a1b2c3d4e5f60718" }] })), expect: [["moka:cluster.privateAccess[0].vpnGatewayId", /belongs to via: vpn, but this network has via: transitGateway/]] },
    { title: "a connected network without a CIDR", config: prodCluster((c) => ({ ...c, privateAccess: [{ name: "ci-runners", via: "transitGateway", transitGatewayId: TGW, securityGroupId: "sg-0a1b2c3d4e5f60718" }] })), expect: [["moka:cluster.privateAccess[0].cidr", /is required with via: transitGateway/], ["moka:cluster.privateAccess[0].securityGroupId", /SecurityGroupReferencingSupport/]] },
    { title: "a transit-gateway network admitted by security group (SG referencing is off by default on a gateway)", config: prodCluster((c) => ({ ...c, privateAccess: [{ ...c.privateAccess[0], securityGroupId: "sg-0a1b2c3d4e5f60718" }] })), expect: [["moka:cluster.privateAccess[0].securityGroupId", /^a transit gateway passes security group references only when its SecurityGroupReferencingSupport is enabled, which is off by default for a transit gateway and not visible to this stack \(tgw-00000000000000000 is not created here\), so 443 from sg-0a1b2c3d4e5f60718 would admit nothing; remove securityGroupId and admit the network's cidr$/]] },
    { title: "a VPN network admitted by security group", config: prodCluster((c) => ({ ...c, privateAccess: [...c.privateAccess, { name: "vpn", via: "vpn", cidr: "172.20.0.0/16", vpnGatewayId: "vgw-0a1b2c3d4e5f60718", securityGroupId: "sg-0a1b2c3d4e5f60718" }] })), expect: [["moka:cluster.privateAccess[1].securityGroupId", /VPN clients have no security group/]] },
    { title: "an in-VPC network in a VPC this stack creates", config: prodCluster((c) => ({ ...c, privateAccess: [...c.privateAccess, { name: "bastion", via: "inVpc", securityGroupId: "sg-0a1b2c3d4e5f60718" }] })), expect: [["moka:cluster.privateAccess[1].via", /inVpc needs moka:network\.existingVpc/]] },
    { title: "a deployer network outside the VPC with the public endpoint on", config: prodCluster((c) => ({ ...c, publicAccessCidrs: ["198.51.100.0/24"] })), expect: [["moka:cluster.deployer.network", /"ci-runners" is outside the VPC, and with the public endpoint on .* EKS resolves the endpoint to its public addresses there/]] },
    { title: "a peered deployer network for a VPC this stack creates", config: prodCluster((c) => ({ ...c, privateAccess: [{ name: "ci-runners", via: "vpcPeering", cidr: "10.255.0.0/24", vpcPeeringConnectionId: "pcx-0a1b2c3d4e5f60718" }] })), expect: [["moka:cluster.deployer.network", /a peering connection can only name a VPC that already exists/]] },
    { title: "two networks with one name", config: prodCluster((c) => ({ ...c, privateAccess: [c.privateAccess[0], { ...c.privateAccess[0], cidr: "10.254.0.0/24" }] })), expect: [["moka:cluster.privateAccess[1].name", /duplicate network name "ci-runners" \(also moka:cluster\.privateAccess\[0\]\)/]] },
    { title: "a malformed transit gateway id", config: prodCluster((c) => ({ ...c, privateAccess: [{ ...c.privateAccess[0], transitGatewayId: "tgw-x" }] })), expect: [["moka:cluster.privateAccess[0].transitGatewayId", /must be an id such as tgw-/]] },
    // --- the cluster creator -------------------------------------------------------------------
    { title: "the deploy role among the admin roles", config: prodCluster((c) => ({ ...c, adminRoleArns: [...c.adminRoleArns, c.deployerRoleArn] })), expect: [["moka:cluster.adminRoleArns[1]", /is moka:cluster\.deployerRoleArn .*a second entry for it fails with ResourceInUseException/]] },
    { title: "a deploy role of another account", config: prodCluster((c) => ({ ...c, deployerRoleArn: "arn:aws:iam::222222222222:role/moka-prod-deployer" })), expect: [["moka:cluster.deployerRoleArn", /is in account 222222222222, but the stack deploys to moka:accountId 111111111111/]] },
    { title: "the deploy role as a team's CI principal", config: withKey(prodCluster((c) => c), "moka:teams", (t) => [{ ...t[0], access: { ...t[0].access, ci: "arn:aws:iam::111111111111:role/moka-prod-deployer" } }, ...t.slice(1)]), expect: [["moka:teams[0].access.ci", /is moka:cluster\.deployerRoleArn .*the team's entry for it would fail with ResourceInUseException/]] },
    { title: "no deploy role", config: prodCluster((c) => { const { deployerRoleArn: _d, ...rest } = c; return rest; }), expect: [["moka:cluster.deployerRoleArn", /is required/]] },
    { title: "no deployer", config: prodCluster((c) => { const { deployer: _d, ...rest } = c; return rest; }), expect: [["moka:cluster.deployer", /is required/]] },
    // --- the system nodes ------------------------------------------------------------------------
    { title: "one small system node", config: prodCluster((c) => ({ ...c, systemNodes: { instanceTypes: ["m7g.large"], minSize: 1, desiredSize: 1, maxSize: 2 } })), expect: [["moka:cluster.systemNodes", /does not fit 1 × m7g\.large \(minSize\) with 20% headroom: CPU requests 4\.75 vCPU exceed 80% of the 1\.93 vCPU .*the 2 karpenter controller pods must run on 2 different nodes/]] },
    { title: "dev's old system nodes (2 × m7g.large)", config: devCluster((c) => ({ ...c, systemNodes: { ...c.systemNodes, instanceTypes: ["m7g.large"] } })), expect: [["moka:cluster.systemNodes", /does not fit 2 × m7g\.large \(minSize\) with 20% headroom: CPU requests 4\.85 vCPU exceed 80% of the 3\.86 vCPU/]] },
    { title: "prod's old system nodes (3 × m7g.large: no room for a rolling update)", config: prodCluster((c) => ({ ...c, systemNodes: { ...c.systemNodes, instanceTypes: ["m7g.large"] } })), expect: [["moka:cluster.systemNodes", /\(91%; 20% is kept for a rolling update\)/]] },
    { title: "a system instance type the capacity table does not know", config: prodCluster((c) => ({ ...c, systemNodes: { ...c.systemNodes, instanceTypes: ["m7gd.xlarge"] } })), expect: [["moka:cluster.systemNodes.instanceTypes[0]", /m7gd\.xlarge is not in the capacity model's table \(lib\/capacity\/instances\.ts\)/]] },
    { title: "a headroom out of range", config: prodCluster((c) => ({ ...c, systemNodes: { ...c.systemNodes, headroomPercent: 95 } })), expect: [["moka:cluster.systemNodes.headroomPercent", /must be between 0 and 90/]] },
    // --- bring your own VPC -------------------------------------------------------------------------
    { title: "pod subnets that do not match azCount", config: withKey("prod", "moka:network", (n) => ({ ...n, existingVpc: { ...EXISTING, podSubnets: EXISTING.podSubnets.slice(0, 2) } })), expect: [["moka:network.existingVpc.podSubnets", /lists 2 pod subnets but moka:network\.azCount is 3/], ["moka:network.availabilityZones", /must be the pod subnets' zones/]] },
    { title: "two pod subnets in one zone, a subnet listed twice", config: withKey("prod", "moka:network", (n) => ({ ...n, existingVpc: { ...EXISTING, nodeSubnetIds: [...EXISTING.nodeSubnetIds.slice(0, 2), EXISTING.podSubnets[0].subnetId], podSubnets: [EXISTING.podSubnets[0], { ...EXISTING.podSubnets[1], availabilityZone: "us-west-2a" }, EXISTING.podSubnets[2]] } })), expect: [["moka:network.existingVpc.podSubnets[1].availabilityZone", /duplicate zone us-west-2a/], ["moka:network.availabilityZones", /must be the pod subnets' zones \(us-west-2a, us-west-2a, us-west-2c\)/], ["moka:network.existingVpc", /subnet subnet-0000000000000000d is listed twice/]] },
    { title: "an in-VPC CIDR outside the existing VPC", config: withKey(withKey("prod", "moka:network", (n) => ({ ...n, existingVpc: EXISTING })), "moka:cluster", (c) => ({ ...c, privateAccess: [...c.privateAccess, { name: "bastion", via: "inVpc", cidr: "10.70.0.0/24" }] })), expect: [["moka:cluster.privateAccess[1].cidr", /10\.70\.0\.0\/24 is not inside the VPC \(10\.60\.0\.0\/16, 100\.64\.0\.0\/16\)/]] },
    // --- the Spark image ----------------------------------------------------------------------------
    { title: "an external image without the image", config: withKey("prod", "moka:images", () => ({ sparkImage: { source: "external" } })), expect: [["moka:images.sparkImage.image", /is required with source external/]] },
    { title: "an external image not pinned by digest", config: withKey("prod", "moka:images", () => ({ sparkImage: { source: "external", image: "222222222222.dkr.ecr.us-west-2.amazonaws.com/shared/spark:4.1.2" } })), expect: [["moka:images.sparkImage.image", /is not pinned by digest/]] },
    { title: "an external image in the stack's own (empty) repository", config: withKey("prod", "moka:images", () => ({ sparkImage: { source: "external", image: `111111111111.dkr.ecr.us-west-2.amazonaws.com/moka-prod/spark:4.1.2-r2@${DIGEST}` } })), expect: [["moka:images.sparkImage.image", /points into this stack's own repository moka-prod\/spark, which only source build fills/]] },
    { title: "an image with source build", config: withKey("prod", "moka:images", () => ({ sparkImage: { image: `x.io/spark@${DIGEST}` } })), expect: [["moka:images.sparkImage.image", /applies only to source external/]] },
    { title: "the replaced buildSparkImage switch", config: withKey("prod", "moka:images", () => ({ buildSparkImage: true })), expect: [["moka:images.buildSparkImage", /was replaced by moka:images\.sparkImage\.source/]] },
];

describe("stack config: deployability cross-checks", () => {
    for (const c of CASES) {
        it(`refuses ${c.title}, naming the keys`, () => {
            let error: MokaConfigError | undefined;
            try {
                parseConfigMap(c.config);
            } catch (e) {
                error = e as MokaConfigError;
            }
            assert.ok(error instanceof MokaConfigError, "expected a MokaConfigError");
            for (const [path, message] of c.expect) {
                const hit = error!.issues.find((i) => i.path === path && message.test(i.message));
                assert.ok(hit, `no issue ${path}: ${message} in\n${error!.message}`);
            }
            assert.equal(error!.issues.length, c.expect.length, error!.message);
        });
    }

    it("refuses before registering a single resource (the program under mocks)", async () => {
        const run = await runUnderMocks({ stack: "prod", config: CASES[0].config, program: async () => { try { return await (loadPlatformProgram()() as Promise<unknown>); } catch { return {}; } } });
        assert.equal(run.resources.length, 0);
    });

    it("accepts the shipped stacks: prod private behind a declared network, dev public for its placeholder CIDR", () => {
        const prod = parseConfigMap(readStackConfig("prod"));
        assert.deepEqual(prod.cluster.publicAccessCidrs, []);
        assert.deepEqual(prod.cluster.deployer, { network: "ci-runners" });
        assert.deepEqual(prod.cluster.privateAccess, [{ name: "ci-runners", via: "transitGateway", cidr: "10.255.0.0/24", transitGatewayId: TGW }]);
        assert.equal(prod.images.sparkImage.source, "build");
        const dev = parseConfigMap(readStackConfig("dev"));
        assert.deepEqual(dev.cluster.publicAccessCidrs, ["203.0.113.0/24"], "RFC 5737 documentation range: a placeholder to replace");
        assert.deepEqual(dev.cluster.deployer, { network: "public", egressCidrs: ["203.0.113.0/24"] });
    });

    it("accepts an existing VPC with an in-VPC deployer network", () => {
        const cfg = parseConfigMap(withKey(withKey("prod", "moka:network", (n) => ({ ...n, existingVpc: EXISTING })), "moka:cluster", (c) => ({
            ...c, privateAccess: [{ name: "runners", via: "inVpc", cidr: "10.60.200.0/24" }], deployer: { network: "runners" },
        })));
        assert.equal(cfg.network.existingVpc?.vpcId, "vpc-0a1b2c3d4e5f60718");
    });
});
