/**
 * Pure planning for the Network component: the subnet layout, NAT placement, subnet tags, VPC endpoint
 * service names and the flow-log IAM documents. No Pulumi imports; everything here is table-tested.
 *
 * Subnet layout (a /16 VPC, 3 AZs, pod CIDR 100.64.0.0/16):
 *
 *   VPC 10.40.0.0/16 split in eighths (/19 each)
 *     eighth 0..N-1  → private node subnets, one per AZ        10.40.0.0/19, 10.40.32.0/19, 10.40.64.0/19
 *     eighth 7       → split again in eighths (/22), first N   10.40.224.0/22, 10.40.228.0/22, 10.40.232.0/22
 *                      are the public subnets (NAT gateways and internet-facing load balancers only)
 *   Pod CIDR 100.64.0.0/16 split in the smallest power of two ≥ N (/18 each for 3 AZs) → pod subnets
 *
 * Nodes (system node group and Karpenter) take their primary ENI from the node subnets; pods get ENIs in
 * the pod subnets through VPC CNI custom networking (ENIConfig per AZ, created by the Cluster component).
 */
import { cidrContains, cidrsOverlap, formatCidr, Ipv4Cidr, parseCidr, subnet } from "../../lib/cidr";
import { LABEL_DOMAIN } from "../../lib/platform";
import type { PolicyDocument } from "../shared/iam";

/** The most AZs the plan supports: private subnets use eighths 0..5, eighth 7 holds the public subnets. */
export const MAX_AZ_COUNT = 6;
/** The smallest subnet AWS accepts. */
const AWS_MIN_SUBNET_PREFIX = 28;
/** The largest VPC CIDR block AWS accepts. */
const AWS_MAX_VPC_PREFIX = 16;

export interface SubnetPlanInput {
    /** Primary VPC CIDR, e.g. "10.40.0.0/16". */
    readonly vpcCidr: string;
    /** Secondary (pod) CIDR associated with the VPC, e.g. "100.64.0.0/16". */
    readonly podCidr: string;
    /** Number of availability zones, 1..6. */
    readonly azCount: number;
}

export interface SubnetPlan {
    /** Node subnets, index = AZ index. */
    readonly privateSubnets: readonly string[];
    /** Public subnets, index = AZ index. */
    readonly publicSubnets: readonly string[];
    /** Pod subnets on the secondary CIDR, index = AZ index. */
    readonly podSubnets: readonly string[];
}

/** Why the inputs cannot be planned, one message per problem; empty when they can. */
export function subnetPlanProblems(input: SubnetPlanInput): string[] {
    const problems: string[] = [];
    const { azCount } = input;
    const validAzCount = Number.isInteger(azCount) && azCount >= 1 && azCount <= MAX_AZ_COUNT;
    if (!validAzCount) {
        problems.push(`azCount must be a whole number between 1 and ${MAX_AZ_COUNT}, got ${azCount}`);
    }
    const vpc = parseCidr(input.vpcCidr);
    const pods = parseCidr(input.podCidr);
    if (!vpc) {
        problems.push(`vpcCidr "${input.vpcCidr}" is not a valid IPv4 CIDR`);
    } else if (vpc.prefix < AWS_MAX_VPC_PREFIX || vpc.prefix + 6 > AWS_MIN_SUBNET_PREFIX) {
        problems.push(`vpcCidr must be between /${AWS_MAX_VPC_PREFIX} and /${AWS_MIN_SUBNET_PREFIX - 6} (public subnets are 1/64 of it and AWS subnets are at least /${AWS_MIN_SUBNET_PREFIX}), got /${vpc.prefix}`);
    }
    if (!pods) {
        problems.push(`podCidr "${input.podCidr}" is not a valid IPv4 CIDR`);
    } else if (pods.prefix < AWS_MAX_VPC_PREFIX || pods.prefix + (validAzCount ? splitBits(azCount) : 0) > AWS_MIN_SUBNET_PREFIX) {
        problems.push(`podCidr must be /${AWS_MAX_VPC_PREFIX} or smaller and large enough for ${azCount} subnets of at least /${AWS_MIN_SUBNET_PREFIX}, got /${pods.prefix}`);
    }
    if (vpc && pods && cidrsOverlap(vpc, pods)) {
        problems.push(`podCidr ${input.podCidr} overlaps vpcCidr ${input.vpcCidr}`);
    }
    return problems;
}

/** Bits needed to give each of `count` AZs its own block: ceil(log2(count)). */
function splitBits(count: number): number {
    return count <= 1 ? 0 : Math.ceil(Math.log2(count));
}

/** Plans every subnet. Throws with all problems listed when the inputs cannot be planned. */
export function planSubnets(input: SubnetPlanInput): SubnetPlan {
    const problems = subnetPlanProblems(input);
    if (problems.length > 0) {
        throw new Error(`cannot plan subnets: ${problems.join("; ")}`);
    }
    const vpc = parseCidr(input.vpcCidr)!;
    const pods = parseCidr(input.podCidr)!;
    const eighth = vpc.prefix + 3;
    const publicBlock = subnet(vpc, eighth, 7);
    const podPrefix = pods.prefix + splitBits(input.azCount);
    const azs = [...Array(input.azCount).keys()];
    const fmt = (c: Ipv4Cidr) => formatCidr(c);
    return {
        privateSubnets: azs.map((i) => fmt(subnet(vpc, eighth, i))),
        publicSubnets: azs.map((i) => fmt(subnet(publicBlock, publicBlock.prefix + 3, i))),
        podSubnets: azs.map((i) => fmt(subnet(pods, podPrefix, i))),
    };
}

/** Checks a plan's invariants (containment and no overlaps); returns the violations. Used by tests and as a guard. */
export function subnetPlanViolations(input: SubnetPlanInput, plan: SubnetPlan): string[] {
    const vpc = parseCidr(input.vpcCidr)!;
    const pods = parseCidr(input.podCidr)!;
    const out: string[] = [];
    const all = [
        ...plan.privateSubnets.map((c) => ({ c, kind: "private", parent: vpc })),
        ...plan.publicSubnets.map((c) => ({ c, kind: "public", parent: vpc })),
        ...plan.podSubnets.map((c) => ({ c, kind: "pod", parent: pods })),
    ];
    for (const s of all) {
        const block = parseCidr(s.c);
        if (!block) {
            out.push(`${s.kind} subnet ${s.c} is not a CIDR`);
        } else if (!cidrContains(s.parent, block)) {
            out.push(`${s.kind} subnet ${s.c} is outside ${formatCidr(s.parent)}`);
        }
    }
    for (let i = 0; i < all.length; i++) {
        for (let j = i + 1; j < all.length; j++) {
            const a = parseCidr(all[i].c);
            const b = parseCidr(all[j].c);
            if (a && b && cidrsOverlap(a, b)) {
                out.push(`${all[i].kind} subnet ${all[i].c} overlaps ${all[j].kind} subnet ${all[j].c}`);
            }
        }
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// NAT placement
// ---------------------------------------------------------------------------------------------

export type NatMode = "perAz" | "single";

/** How many NAT gateways the mode creates. */
export function natGatewayCount(natMode: NatMode, azCount: number): number {
    return natMode === "perAz" ? azCount : 1;
}

/** For each AZ, the index of the NAT gateway its private and pod route table points at. */
export function natGatewayForAz(natMode: NatMode, azCount: number): number[] {
    return [...Array(azCount).keys()].map((i) => (natMode === "perAz" ? i : 0));
}

// ---------------------------------------------------------------------------------------------
// Tags
// ---------------------------------------------------------------------------------------------

/** Tag on pod subnets (they must NOT carry the Karpenter discovery tag). */
export const SUBNET_ROLE_TAG = `${LABEL_DOMAIN}/subnet-role`;
export const KARPENTER_DISCOVERY_TAG = "karpenter.sh/discovery";

export type SubnetRole = "private" | "public" | "pods";

/**
 * Kubernetes/Karpenter tags for a subnet role:
 * - private (node) subnets: Karpenter discovery + internal load balancers;
 * - public subnets: internet-facing load balancers;
 * - pod subnets: only the role tag, so neither Karpenter nor the load-balancer controller picks them.
 */
export function subnetTags(role: SubnetRole, clusterName: string): Record<string, string> {
    const shared = { [`kubernetes.io/cluster/${clusterName}`]: "shared" };
    switch (role) {
        case "private":
            return { ...shared, [KARPENTER_DISCOVERY_TAG]: clusterName, "kubernetes.io/role/internal-elb": "1", [SUBNET_ROLE_TAG]: "nodes" };
        case "public":
            return { ...shared, "kubernetes.io/role/elb": "1", [SUBNET_ROLE_TAG]: "public" };
        case "pods":
            return { ...shared, [SUBNET_ROLE_TAG]: "pods" };
    }
}

// ---------------------------------------------------------------------------------------------
// VPC endpoints
// ---------------------------------------------------------------------------------------------

/**
 * Interface endpoints nodes need to run without NAT for AWS APIs: STS (Pod Identity / IRSA), ECR
 * (image pulls), EC2 (VPC CNI, Karpenter), SQS (Karpenter interruption queue), CloudWatch Logs.
 */
export const INTERFACE_ENDPOINT_SERVICES = ["sts", "ecr.api", "ecr.dkr", "ec2", "sqs", "logs"] as const;

export function endpointServiceName(region: string, service: string): string {
    return `com.amazonaws.${region}.${service}`;
}

// ---------------------------------------------------------------------------------------------
// Flow-log IAM
// ---------------------------------------------------------------------------------------------

/** Trust policy for the flow-log delivery role, guarded against the confused deputy (source account and flow-log ARN). */
export function flowLogTrustPolicy(partition: string, region: string, accountId: string): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [{
            Effect: "Allow",
            Principal: { Service: "vpc-flow-logs.amazonaws.com" },
            Action: "sts:AssumeRole",
            Condition: {
                StringEquals: { "aws:SourceAccount": accountId },
                ArnLike: { "aws:SourceArn": `arn:${partition}:ec2:${region}:${accountId}:vpc-flow-log/*` },
            },
        }],
    };
}

/** Permissions for the flow-log delivery role, scoped to the one log group and its streams. */
export function flowLogWritePolicy(logGroupArn: string): PolicyDocument {
    const group = logGroupArn.replace(/:\*$/, "");
    return {
        Version: "2012-10-17",
        Statement: [{
            Sid: "WriteFlowLogs",
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogGroups", "logs:DescribeLogStreams"],
            Resource: [group, `${group}:*`],
        }],
    };
}
