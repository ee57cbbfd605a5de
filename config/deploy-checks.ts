/**
 * Cross-checks that decide whether a first `pulumi up` can succeed, before anything is created:
 *
 *  - the API path: where `pulumi up` runs from (moka:cluster.deployer) must reach the endpoint the stack
 *    builds (public CIDRs, or a private network with 443 on the cluster security group and a route);
 *  - the creator: EKS gives the role that creates the cluster an admin access entry of its own (pulumi-eks
 *    4.3.0 hard-codes bootstrapClusterCreatorAdminPermissions), so that role must not get a second one;
 *  - the system nodes: what the platform pins to them must fit at minSize with headroom (lib/capacity);
 *  - bring-your-own VPC and the Spark image source.
 *
 * Facts relied on (awsdocs/amazon-eks-user-guide at 4d52b4d): cluster-endpoint.adoc — with the public
 * endpoint off, a connected network (transit gateway, peering, VPN) needs 443 ingress on the control-plane
 * security group and a route; with the public endpoint on, callers outside the VPC resolve the endpoint's
 * public addresses (so they come in through publicAccessCidrs); publicAccessCidrs match the caller's public
 * (NAT/egress) address. grant-k8s-access.adoc / the EKS API (botocore eks service-2.json at 0e6e240): a
 * principal can be in only one access entry (CreateAccessEntry: ResourceInUseException, HTTP 409).
 */
import { cidrContains, cidrsOverlap, parseCidr } from "../lib/cidr";
import { describeFit, fitSystemNodes, knownInstanceTypes, smallestNodeGroupCapacity } from "../lib/capacity/model";
import { platformSystemPods } from "../lib/capacity/platform";
import type { Sections } from "./schema";

/** A problem with a key (the shape of cross-checks.ts ConfigIssue). */
interface DeployIssue {
    readonly path: string;
    readonly message: string;
}

type Add = (path: string, message: string) => void;

/** The CIDR blocks of the VPC the cluster lives in (own: vpcCidr + podCidr; existing: vpcCidr + secondaryCidrs). */
export function vpcBlocks(network: Sections["network"]): string[] {
    return network.existingVpc
        ? [network.existingVpc.vpcCidr, ...network.existingVpc.secondaryCidrs]
        : [network.vpcCidr, network.podCidr];
}

const ID_KEY = { transitGateway: "transitGatewayId", vpcPeering: "vpcPeeringConnectionId", vpn: "vpnGatewayId" } as const;

function privateAccessIssues(p: Partial<Sections>, add: Add): void {
    const cluster = p.cluster!;
    const blocks = p.network ? vpcBlocks(p.network).map(parseCidr).filter((b) => b !== undefined) : [];
    const names = new Map<string, number>();
    cluster.privateAccess.forEach((n, i) => {
        const at = `moka:cluster.privateAccess[${i}]`;
        const first = names.get(n.name);
        if (first !== undefined) {
            add(`${at}.name`, `duplicate network name "${n.name}" (also moka:cluster.privateAccess[${first}])`);
        }
        names.set(n.name, i);
        for (const [via, key] of Object.entries(ID_KEY) as [keyof typeof ID_KEY, string][]) {
            const given = (n as Record<string, unknown>)[key] !== undefined;
            if (n.via === via && !given) {
                add(`${at}.${key}`, `is required with via: ${via} (the routes to ${n.cidr ?? "the network"} point at it)`);
            } else if (n.via !== via && given) {
                add(`${at}.${key}`, `belongs to via: ${via}, but this network has via: ${n.via}`);
            }
        }
        if (n.via === "inVpc") {
            if (n.cidr === undefined && n.securityGroupId === undefined) {
                add(at, "an in-VPC network needs a cidr or a securityGroupId to admit on port 443");
            }
            if (!p.network?.existingVpc) {
                add(`${at}.via`, "inVpc needs moka:network.existingVpc: in a VPC this stack creates there is no other subnet to run from; use a connected network (transitGateway, vpcPeering, vpn)");
            } else if (n.cidr !== undefined) {
                const block = parseCidr(n.cidr);
                if (block && !blocks.some((b) => cidrContains(b, block))) {
                    add(`${at}.cidr`, `${n.cidr} is not inside the VPC (${vpcBlocks(p.network).join(", ")}); a network outside it needs via transitGateway, vpcPeering or vpn`);
                }
            }
            return;
        }
        if (n.cidr === undefined) {
            add(`${at}.cidr`, `is required with via: ${n.via} (the route to the network needs its CIDR)`);
        } else {
            const block = parseCidr(n.cidr);
            if (block && blocks.some((b) => cidrsOverlap(b, block))) {
                add(`${at}.cidr`, `${n.cidr} overlaps the VPC or pod CIDR (${p.network ? vpcBlocks(p.network).join(", ") : ""}); a connected network needs its own, disjoint block or routes to it cannot exist`);
            }
        }
        if (n.via === "vpn" && n.securityGroupId !== undefined) {
            add(`${at}.securityGroupId`, "VPN clients have no security group; admit the VPN's cidr instead");
        }
        // botocore ec2 service-2.json: TransitGatewayOptions.SecurityGroupReferencingSupport "is disabled by default".
        if (n.via === "transitGateway" && n.securityGroupId !== undefined) {
            add(`${at}.securityGroupId`, `a transit gateway passes security group references only when its SecurityGroupReferencingSupport is enabled, which is off by default for a transit gateway and not visible to this stack (${n.transitGatewayId ?? "the gateway"} is not created here), so 443 from ${n.securityGroupId} would admit nothing; remove securityGroupId and admit the network's cidr`);
        }
    });
}

function deployerIssues(p: Partial<Sections>, add: Add): void {
    const cluster = p.cluster!;
    const { deployer, publicAccessCidrs, privateAccess } = cluster;
    const publicEndpoint = publicAccessCidrs.length > 0;
    if (deployer.network === "public") {
        if (!publicEndpoint) {
            add("moka:cluster.deployer.network", "is \"public\" but the endpoint is private (moka:cluster.publicAccessCidrs is empty): declare the network pulumi up runs from in moka:cluster.privateAccess and name it here, or list its egress CIDRs in moka:cluster.publicAccessCidrs");
            return;
        }
        const egress = deployer.egressCidrs ?? [];
        if (egress.length === 0) {
            add("moka:cluster.deployer.egressCidrs", "is required with network \"public\": the public addresses pulumi up's requests leave from (NAT or runner egress IPs), so the check can prove moka:cluster.publicAccessCidrs admits them");
        }
        const allowed = publicAccessCidrs.map(parseCidr).filter((b) => b !== undefined);
        egress.forEach((c, i) => {
            const block = parseCidr(c);
            if (block && !allowed.some((a) => cidrContains(a, block))) {
                add(`moka:cluster.deployer.egressCidrs[${i}]`, `${c} is outside moka:cluster.publicAccessCidrs (${publicAccessCidrs.join(", ")}): the public endpoint would refuse pulumi up; add it there`);
            }
        });
        return;
    }
    if (deployer.egressCidrs !== undefined) {
        add("moka:cluster.deployer.egressCidrs", "applies only to network \"public\"");
    }
    const network = privateAccess.find((n) => n.name === deployer.network);
    if (!network) {
        add("moka:cluster.deployer.network", privateAccess.length === 0 && !publicEndpoint
            ? `names "${deployer.network}", but the endpoint is private (moka:cluster.publicAccessCidrs is empty) and moka:cluster.privateAccess declares no network: nothing outside the node subnets could reach the Kubernetes API, so pulumi up would stop at the first Kubernetes object. Declare the network pulumi up runs from in moka:cluster.privateAccess (CIDR, via and its transit gateway, peering or VPN gateway) and name it here`
            : `names "${deployer.network}", which is neither "public" nor a moka:cluster.privateAccess network (${privateAccess.map((n) => n.name).join(", ") || "none declared"})`);
        return;
    }
    if (network.via === "vpcPeering" && !p.network?.existingVpc) {
        add("moka:cluster.deployer.network", `"${network.name}" is reached over VPC peering, but a peering connection can only name a VPC that already exists, and this stack creates its VPC: the first pulumi up would have no path. Deploy from a transit-gateway or VPN network, or use moka:network.existingVpc`);
    }
    if (publicEndpoint && network.via !== "inVpc") {
        add("moka:cluster.deployer.network", `"${network.name}" is outside the VPC, and with the public endpoint on (moka:cluster.publicAccessCidrs) EKS resolves the endpoint to its public addresses there: pulumi up would arrive from the network's internet egress, not over ${network.via}. Use network "public" with egressCidrs, or make the endpoint private`);
    }
}

/** Every team principal (CI role, developer roles), each with the key that names it: each gets an EKS access entry of its own. */
export function teamPrincipals(teams: Sections["teams"]): { readonly key: string; readonly arn: string }[] {
    return teams.flatMap((t, i) => [
        { key: `moka:teams[${i}].access.ci`, arn: t.access.ci },
        ...t.access.developers.map((d, j) => ({ key: `moka:teams[${i}].access.developers[${j}].roleArn`, arn: d.roleArn })),
    ]);
}

function creatorIssues(p: Partial<Sections>, add: Add): void {
    const cluster = p.cluster!;
    cluster.adminRoleArns.forEach((arn, i) => {
        if (arn === cluster.deployerRoleArn) {
            add(`moka:cluster.adminRoleArns[${i}]`, `is moka:cluster.deployerRoleArn (${arn}). EKS already gives the role that creates the cluster an admin access entry (pulumi-eks always sets bootstrapClusterCreatorAdminPermissions), and a second entry for it fails with ResourceInUseException. Remove it from adminRoleArns (it stays cluster admin), or deploy as another role`);
        }
    });
    // A team principal gets its own access entry too (components/tenancy/access.ts): the deploy role cannot be one.
    for (const { key, arn } of teamPrincipals(p.teams ?? [])) {
        if (arn.toLowerCase() === cluster.deployerRoleArn.toLowerCase()) {
            add(key, `is moka:cluster.deployerRoleArn (${arn}): EKS already gives the cluster creator an admin access entry, and the team's entry for it would fail with ResourceInUseException; give the team its own role`);
        }
    }
    const account = /^arn:aws[a-z-]*:iam::(\d{12}):role\//.exec(cluster.deployerRoleArn)?.[1];
    if (p.accountId !== undefined && account !== undefined && account !== p.accountId) {
        add("moka:cluster.deployerRoleArn", `is in account ${account}, but the stack deploys to moka:accountId ${p.accountId}; pulumi up must run as a role of that account`);
    }
}

function capacityIssues(p: Partial<Sections>, add: Add): void {
    const sys = p.cluster!.systemNodes;
    const unknown = sys.instanceTypes.filter((t) => smallestNodeGroupCapacity([t], 1) === undefined);
    unknown.forEach((t) => add(`moka:cluster.systemNodes.instanceTypes[${sys.instanceTypes.indexOf(t)}]`, `${t} is not in the capacity model's table (lib/capacity/instances.ts), so the fit cannot be checked; use one of ${knownInstanceTypes().filter((k) => k.endsWith(".xlarge")).slice(0, 6).join(", ")}… or add its row`));
    if (unknown.length > 0 || !p.teams || !p.engines || !p.observability) {
        return;
    }
    const group = smallestNodeGroupCapacity(sys.instanceTypes, sys.minSize)!;
    const shape = { teams: p.teams.length, flink: p.engines.flink, ray: p.engines.ray, grafana: p.observability.grafana.enabled };
    const fit = fitSystemNodes(group, platformSystemPods(shape), { headroomPercent: sys.headroomPercent, customNetworking: true });
    if (!fit.fits) {
        add("moka:cluster.systemNodes", `what the platform pins to the system nodes does not fit ${sys.minSize} × ${group.instanceType} (minSize) with ${sys.headroomPercent}% headroom: ${fit.problems.join("; ")}. `
            + `(${describeFit(fit)}.) Raise moka:cluster.systemNodes.minSize or use larger moka:cluster.systemNodes.instanceTypes (e.g. m7g.xlarge); pods would stay Pending and the atomic Helm releases roll back`);
    }
}

function existingVpcIssues(p: Partial<Sections>, add: Add): void {
    const network = p.network!;
    const vpc = network.existingVpc!;
    const at = "moka:network.existingVpc";
    if (vpc.podSubnets.length !== network.azCount) {
        add(`${at}.podSubnets`, `lists ${vpc.podSubnets.length} pod subnets but moka:network.azCount is ${network.azCount}; set azCount to the number of AZs (one pod subnet each)`);
    }
    const zones = vpc.podSubnets.map((s) => s.availabilityZone);
    zones.forEach((z, i) => {
        if (zones.indexOf(z) !== i) {
            add(`${at}.podSubnets[${i}].availabilityZone`, `duplicate zone ${z}: one pod subnet per AZ (the ENIConfig is named after the zone)`);
        }
        if (p.region !== undefined && !z.startsWith(p.region)) {
            add(`${at}.podSubnets[${i}].availabilityZone`, `${z} is not in region ${p.region}`);
        }
    });
    if (network.availabilityZones !== undefined && [...network.availabilityZones].sort().join() !== [...zones].sort().join()) {
        add("moka:network.availabilityZones", `must be the pod subnets' zones (${zones.join(", ")}) with moka:network.existingVpc`);
    }
    const ids = [...vpc.nodeSubnetIds, ...vpc.podSubnets.map((s) => s.subnetId), ...vpc.publicSubnetIds];
    ids.forEach((id, i) => {
        if (ids.indexOf(id) !== i) {
            add(at, `subnet ${id} is listed twice (node, pod and public subnets are distinct subnets)`);
        }
    });
}

function sparkImageIssues(p: Partial<Sections>, add: Add): void {
    const img = p.images!.sparkImage;
    const at = "moka:images.sparkImage.image";
    if (img.source === "build") {
        if (img.image !== undefined) {
            add(at, "applies only to source external (with source build the stack builds and pushes the image)");
        }
        return;
    }
    if (img.image === undefined) {
        add(at, "is required with source external: an existing image pinned by digest (<registry>/<repository>@sha256:<digest>)");
        return;
    }
    if (!/@sha256:[0-9a-f]{64}$/.test(img.image)) {
        add(at, `${img.image} is not pinned by digest; an external image must be <registry>/<repository>[:tag]@sha256:<64 hex> so the History Servers run exactly what was reviewed`);
    }
    const base = p.namePrefix !== undefined && p.environment !== undefined ? `${p.namePrefix}-${p.environment}` : undefined;
    const own = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?\/([^:@]+)/.exec(img.image);
    if (own && base !== undefined && own[1] === p.accountId && own[2] === p.region && own[4] === `${base}/spark`) {
        add(at, `points into this stack's own repository ${base}/spark, which only source build fills; use source build, or an image in another repository`);
    }
}

/** Every deployability problem of the parsed sections (only sections that parsed are checked). */
export function deployIssues(p: Partial<Sections>): DeployIssue[] {
    const issues: DeployIssue[] = [];
    const add: Add = (path, message) => issues.push({ path, message });
    if (p.cluster) {
        privateAccessIssues(p, add);
        deployerIssues(p, add);
        creatorIssues(p, add);
        capacityIssues(p, add);
    }
    if (p.network?.existingVpc) {
        existingVpcIssues(p, add);
    }
    if (p.images) {
        sparkImageIssues(p, add);
    }
    return issues;
}
