/**
 * Pure IAM and EventBridge builders for the Karpenter component.
 *
 * The controller policy is modelled on Karpenter's own v1 reference policy (the getting-started
 * CloudFormation in aws/karpenter-provider-aws, website/content/en/v1.14/getting-started/
 * getting-started-with-karpenter/cloudformation.yaml, chart 1.14.1). It keeps the reference's tag
 * conditions and narrows it further:
 *  - subnets and security groups are usable only when tagged `karpenter.sh/discovery=<cluster>`
 *    (the same tag the EC2NodeClass selects on), instead of any subnet/SG in the region;
 *  - capacity-reservation and placement-group ARNs are left out: no EC2NodeClass here selects them;
 *  - every ARN carries the account id where the resource is ours (images/snapshots are Amazon's);
 *  - the zonal-shift statement is left out (`settings.enableZonalShift` stays false).
 */
import type { PolicyDocument } from "../shared/iam";

/** The EC2 service principal of a partition (China regions use a .cn suffix). */
export function ec2ServicePrincipal(partition: string): string {
    return partition === "aws-cn" ? "ec2.amazonaws.com.cn" : "ec2.amazonaws.com";
}

/** Trust policy of the node role: EC2 instances launched by Karpenter. */
export function nodeRoleTrustPolicy(partition: string): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [{
            Sid: "AllowEc2AssumeRole",
            Effect: "Allow",
            Principal: { Service: ec2ServicePrincipal(partition) },
            Action: "sts:AssumeRole",
        }],
    };
}

/** AWS-managed policies attached to the node role (names; see `managedPolicyArn`). */
export const NODE_ROLE_MANAGED_POLICIES = [
    "AmazonEKSWorkerNodePolicy",
    "AmazonEKS_CNI_Policy",
    "AmazonEC2ContainerRegistryPullOnly",
    "AmazonSSMManagedInstanceCore",
] as const;

export function managedPolicyArn(partition: string, name: string): string {
    return `arn:${partition}:iam::aws:policy/${name}`;
}

export interface ControllerPolicyInputs {
    readonly partition: string;
    readonly region: string;
    readonly accountId: string;
    readonly clusterName: string;
    /** ARN of the node role Karpenter passes to instances. */
    readonly nodeRoleArn: string;
    /** ARN of the interruption queue. */
    readonly queueArn: string;
    /** Tag key/value that marks the subnets and security groups Karpenter may launch into. */
    readonly discoveryTag?: { readonly key: string; readonly value: string };
}

/** Tag key Karpenter's selector terms and the subnet/SG scoping use. */
export const DISCOVERY_TAG_KEY = "karpenter.sh/discovery";

/** The Karpenter controller's least-privilege policy. Pure: plain strings in, document out. */
export function controllerPolicyDocument(i: ControllerPolicyInputs): PolicyDocument {
    const { partition: p, region: r, accountId: a, clusterName: c } = i;
    const ec2 = (type: string, account: string = a) => `arn:${p}:ec2:${r}:${account}:${type}/*`;
    const instanceProfiles = `arn:${p}:iam::${a}:instance-profile/*`;
    const clusterOwned = `kubernetes.io/cluster/${c}`;
    const discovery = i.discoveryTag ?? { key: DISCOVERY_TAG_KEY, value: c };
    const taggedLaunchResources = ["fleet", "instance", "volume", "network-interface", "launch-template", "spot-instances-request"].map((t) => ec2(t));

    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "AllowScopedEC2SubnetAndSecurityGroupUse",
                Effect: "Allow",
                Action: ["ec2:RunInstances", "ec2:CreateFleet"],
                Resource: [ec2("subnet"), ec2("security-group")],
                Condition: { StringEquals: { [`aws:ResourceTag/${discovery.key}`]: discovery.value } },
            },
            {
                Sid: "AllowScopedEC2ImageAndSnapshotUse",
                Effect: "Allow",
                Action: ["ec2:RunInstances", "ec2:CreateFleet"],
                // Public EKS AMIs and their snapshots live in Amazon's accounts: no account id.
                Resource: [ec2("image", ""), ec2("snapshot", "")],
                Condition: { StringEquals: { "aws:RequestedRegion": r } },
            },
            {
                Sid: "AllowScopedEC2LaunchTemplateAccessActions",
                Effect: "Allow",
                Action: ["ec2:RunInstances", "ec2:CreateFleet"],
                Resource: ec2("launch-template"),
                Condition: {
                    StringEquals: { [`aws:ResourceTag/${clusterOwned}`]: "owned" },
                    StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
                },
            },
            {
                Sid: "AllowScopedEC2InstanceActionsWithTags",
                Effect: "Allow",
                Action: ["ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate"],
                Resource: taggedLaunchResources,
                Condition: {
                    StringEquals: { [`aws:RequestTag/${clusterOwned}`]: "owned", "aws:RequestTag/eks:eks-cluster-name": c },
                    StringLike: { "aws:RequestTag/karpenter.sh/nodepool": "*" },
                },
            },
            {
                Sid: "AllowScopedResourceCreationTagging",
                Effect: "Allow",
                Action: "ec2:CreateTags",
                Resource: taggedLaunchResources,
                Condition: {
                    StringEquals: {
                        [`aws:RequestTag/${clusterOwned}`]: "owned",
                        "aws:RequestTag/eks:eks-cluster-name": c,
                        "ec2:CreateAction": ["RunInstances", "CreateFleet", "CreateLaunchTemplate"],
                    },
                    StringLike: { "aws:RequestTag/karpenter.sh/nodepool": "*" },
                },
            },
            {
                Sid: "AllowScopedResourceTagging",
                Effect: "Allow",
                Action: "ec2:CreateTags",
                Resource: ec2("instance"),
                Condition: {
                    StringEquals: { [`aws:ResourceTag/${clusterOwned}`]: "owned" },
                    StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
                    StringEqualsIfExists: { "aws:RequestTag/eks:eks-cluster-name": c },
                    "ForAllValues:StringEquals": { "aws:TagKeys": ["eks:eks-cluster-name", "karpenter.sh/nodeclaim", "Name"] },
                },
            },
            {
                Sid: "AllowScopedDeletion",
                Effect: "Allow",
                Action: ["ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"],
                Resource: [ec2("instance"), ec2("launch-template")],
                Condition: {
                    StringEquals: { [`aws:ResourceTag/${clusterOwned}`]: "owned" },
                    StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
                },
            },
            {
                Sid: "AllowRegionalReadActions",
                Effect: "Allow",
                // Describe* calls support no resource-level permissions; the region condition scopes them.
                Action: [
                    "ec2:DescribeCapacityReservations",
                    "ec2:DescribeImages",
                    "ec2:DescribeInstances",
                    "ec2:DescribeInstanceStatus",
                    "ec2:DescribeInstanceTypeOfferings",
                    "ec2:DescribeInstanceTypes",
                    "ec2:DescribeLaunchTemplates",
                    "ec2:DescribePlacementGroups",
                    "ec2:DescribeSecurityGroups",
                    "ec2:DescribeSpotPriceHistory",
                    "ec2:DescribeSubnets",
                ],
                Resource: "*",
                Condition: { StringEquals: { "aws:RequestedRegion": r } },
            },
            {
                Sid: "AllowSSMReadActions",
                Effect: "Allow",
                // Public AMI parameters (/aws/service/eks/optimized-ami/...) only.
                Action: "ssm:GetParameter",
                Resource: `arn:${p}:ssm:${r}::parameter/aws/service/*`,
            },
            {
                Sid: "AllowPricingReadActions",
                Effect: "Allow",
                // The Pricing API has no resource-level permissions.
                Action: "pricing:GetProducts",
                Resource: "*",
            },
            {
                Sid: "AllowPassingInstanceRole",
                Effect: "Allow",
                Action: "iam:PassRole",
                Resource: i.nodeRoleArn,
                Condition: { StringEquals: { "iam:PassedToService": ec2ServicePrincipal(p) } },
            },
            {
                Sid: "AllowScopedInstanceProfileCreationActions",
                Effect: "Allow",
                Action: "iam:CreateInstanceProfile",
                Resource: instanceProfiles,
                Condition: {
                    StringEquals: {
                        [`aws:RequestTag/${clusterOwned}`]: "owned",
                        "aws:RequestTag/eks:eks-cluster-name": c,
                        "aws:RequestTag/topology.kubernetes.io/region": r,
                    },
                    StringLike: { "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*" },
                },
            },
            {
                Sid: "AllowScopedInstanceProfileTagActions",
                Effect: "Allow",
                Action: "iam:TagInstanceProfile",
                Resource: instanceProfiles,
                Condition: {
                    StringEquals: {
                        [`aws:ResourceTag/${clusterOwned}`]: "owned",
                        "aws:ResourceTag/topology.kubernetes.io/region": r,
                        [`aws:RequestTag/${clusterOwned}`]: "owned",
                        "aws:RequestTag/eks:eks-cluster-name": c,
                        "aws:RequestTag/topology.kubernetes.io/region": r,
                    },
                    StringLike: {
                        "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*",
                        "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*",
                    },
                },
            },
            {
                Sid: "AllowScopedInstanceProfileActions",
                Effect: "Allow",
                Action: ["iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile", "iam:DeleteInstanceProfile"],
                Resource: instanceProfiles,
                Condition: {
                    StringEquals: {
                        [`aws:ResourceTag/${clusterOwned}`]: "owned",
                        "aws:ResourceTag/topology.kubernetes.io/region": r,
                    },
                    StringLike: { "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*" },
                },
            },
            {
                Sid: "AllowInstanceProfileReadActions",
                Effect: "Allow",
                Action: "iam:GetInstanceProfile",
                Resource: instanceProfiles,
            },
            {
                Sid: "AllowUnscopedInstanceProfileListAction",
                Effect: "Allow",
                // Read-only listing used by instance-profile garbage collection; upstream grants it on "*".
                Action: "iam:ListInstanceProfiles",
                Resource: "*",
            },
            {
                Sid: "AllowInterruptionQueueActions",
                Effect: "Allow",
                Action: ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"],
                Resource: i.queueArn,
            },
            {
                Sid: "AllowAPIServerEndpointDiscovery",
                Effect: "Allow",
                Action: "eks:DescribeCluster",
                Resource: `arn:${p}:eks:${r}:${a}:cluster/${c}`,
            },
        ],
    };
}

export interface QueuePolicyInputs {
    readonly queueArn: string;
    /** ARNs of the EventBridge rules that may deliver to the queue. */
    readonly ruleArns: readonly string[];
}

/**
 * Resource policy of the interruption queue: EventBridge (only from our rules) and SQS may send;
 * anything over plain HTTP is denied.
 */
export function interruptionQueuePolicyDocument(i: QueuePolicyInputs): PolicyDocument {
    if (i.ruleArns.length === 0) {
        throw new Error("interruptionQueuePolicyDocument: ruleArns must not be empty");
    }
    return {
        Version: "2012-10-17",
        Id: "KarpenterInterruptionQueuePolicy",
        Statement: [
            {
                Sid: "AllowEventBridgeRulesToSend",
                Effect: "Allow",
                Principal: { Service: "events.amazonaws.com" },
                Action: "sqs:SendMessage",
                Resource: i.queueArn,
                Condition: { ArnEquals: { "aws:SourceArn": [...i.ruleArns] } },
            },
            {
                Sid: "AllowSqsServiceToSend",
                Effect: "Allow",
                Principal: { Service: "sqs.amazonaws.com" },
                Action: "sqs:SendMessage",
                Resource: i.queueArn,
            },
            {
                Sid: "DenyInsecureTransport",
                Effect: "Deny",
                Principal: "*",
                Action: "sqs:*",
                Resource: i.queueArn,
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
        ],
    };
}

/** One EventBridge rule feeding the interruption queue. */
export interface InterruptionRule {
    /** Short role, used in resource and rule names. */
    readonly key: string;
    readonly description: string;
    readonly pattern: Record<string, unknown>;
}

/**
 * The four event sources Karpenter's interruption controller understands. Patterns are narrowed to
 * what the controller acts on (its parsers drop everything else), so the queue carries no noise:
 * state changes only for stopping/stopped/shutting-down/terminated, Health events only for EC2
 * scheduled changes.
 */
export const INTERRUPTION_RULES: readonly InterruptionRule[] = [
    {
        key: "spot-interruption",
        description: "Karpenter: EC2 Spot Instance Interruption Warning",
        pattern: { source: ["aws.ec2"], "detail-type": ["EC2 Spot Instance Interruption Warning"] },
    },
    {
        key: "rebalance",
        description: "Karpenter: EC2 Instance Rebalance Recommendation",
        pattern: { source: ["aws.ec2"], "detail-type": ["EC2 Instance Rebalance Recommendation"] },
    },
    {
        key: "state-change",
        description: "Karpenter: EC2 Instance State-change Notification",
        pattern: {
            source: ["aws.ec2"],
            "detail-type": ["EC2 Instance State-change Notification"],
            detail: { state: ["stopping", "stopped", "shutting-down", "terminated"] },
        },
    },
    {
        key: "scheduled-change",
        description: "Karpenter: AWS Health Event (EC2 scheduled change)",
        pattern: {
            source: ["aws.health"],
            "detail-type": ["AWS Health Event"],
            detail: { service: ["EC2"], eventTypeCategory: ["scheduledChange"] },
        },
    },
];
