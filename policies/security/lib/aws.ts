/**
 * AWS resource type tokens (as @pulumi/aws v7 registers them, plus the aliases older stacks still
 * carry) and small pure helpers for ARNs, ECR hosts and the AWS provider resource. Packs match by
 * these strings instead of importing @pulumi/aws.
 *
 * Pack-private to the security pack. Exported API (stable):
 *   AWS_PROVIDER_TYPE, EKS_CLUSTER_TYPE, EKS_COMPONENT_TYPE,
 *   BUCKET_TYPES, BUCKET_ACL_TYPES, BUCKET_OBJECT_TYPES, BUCKET_PUBLIC_ACCESS_BLOCK_TYPE,
 *   ACCOUNT_PUBLIC_ACCESS_BLOCK_TYPE, BUCKET_POLICY_TYPE, SECURITY_GROUP_TYPES, SECURITY_GROUP_RULE_TYPE,
 *   SECURITY_GROUP_INGRESS_RULE_TYPE, KMS_KEY_TYPE, SQS_QUEUE_TYPE, SQS_QUEUE_POLICY_TYPE,
 *   ECR_REPOSITORY_TYPE, ECR_REPOSITORY_POLICY_TYPE, IAM_ROLE_TYPE, IAM_IDENTITY_POLICY_TYPES,
 *   IAM_POLICY_ATTACHMENT_TYPES, IAM_POLICY_ATTACHMENTS_EXCLUSIVE_TYPES, IAM_ACCESS_KEY_TYPE, SNS_TOPIC_POLICY_TYPE,
 *   SNS_TOPIC_TYPE, SECRET_POLICY_TYPE, LAMBDA_PERMISSION_TYPE, BUCKET_LOGGING_TYPES, BUCKET_SSE_TYPES,
 *   EKS_NODE_GROUP_TYPE, LAUNCH_TEMPLATE_TYPE, LOG_GROUP_TYPE,
 *   parseArn(arn), ecrRegistryHost(account, region), parseEcrHost(host), isEcrPrivateHost(host),
 *   isAwsProviderType(type), providerRegion(props), providerAllowedAccountIds(props)
 */
import { ECR_PRIVATE_HOST } from "../../../lib/patterns";
import { asString, asStringArray, parseJsonish } from "../../lib/props";

export const AWS_PROVIDER_TYPE = "pulumi:providers:aws";

export const EKS_CLUSTER_TYPE = "aws:eks/cluster:Cluster";
/** @pulumi/eks v4 remote component: under mocks (and to the engine) only its inputs are visible. */
export const EKS_COMPONENT_TYPE = "eks:index:Cluster";

/** `aws.s3.Bucket` (v7, aliased from BucketV2) and the deprecated `aws.s3.BucketV2`. */
export const BUCKET_TYPES: ReadonlySet<string> = new Set(["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"]);
/** `aws.s3.BucketAcl` (v7, aliased from BucketAclV2) and `aws.s3.BucketAclV2`. */
export const BUCKET_ACL_TYPES: ReadonlySet<string> = new Set([
    "aws:s3/bucketAcl:BucketAcl",
    "aws:s3/bucketAclV2:BucketAclV2",
    "aws:s3/bucketAcl:BucketAclV2",
]);
export const BUCKET_OBJECT_TYPES: ReadonlySet<string> = new Set(["aws:s3/bucketObject:BucketObject", "aws:s3/bucketObjectv2:BucketObjectv2"]);
export const BUCKET_PUBLIC_ACCESS_BLOCK_TYPE = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";
export const ACCOUNT_PUBLIC_ACCESS_BLOCK_TYPE = "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock";
export const BUCKET_POLICY_TYPE = "aws:s3/bucketPolicy:BucketPolicy";
/** `aws.s3.BucketLogging` (v7, aliased from BucketLoggingV2) and the deprecated `aws.s3.BucketLoggingV2`. */
export const BUCKET_LOGGING_TYPES: ReadonlySet<string> = new Set(["aws:s3/bucketLogging:BucketLogging", "aws:s3/bucketLoggingV2:BucketLoggingV2"]);
/** `aws.s3.BucketServerSideEncryptionConfiguration` (v7) and the deprecated `...V2`. */
export const BUCKET_SSE_TYPES: ReadonlySet<string> = new Set([
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
]);

/** Security groups with inline `ingress` blocks. */
export const SECURITY_GROUP_TYPES: ReadonlySet<string> = new Set(["aws:ec2/securityGroup:SecurityGroup", "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"]);
export const SECURITY_GROUP_RULE_TYPE = "aws:ec2/securityGroupRule:SecurityGroupRule";
export const SECURITY_GROUP_INGRESS_RULE_TYPE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";

export const KMS_KEY_TYPE = "aws:kms/key:Key";
export const SQS_QUEUE_TYPE = "aws:sqs/queue:Queue";
export const SQS_QUEUE_POLICY_TYPE = "aws:sqs/queuePolicy:QueuePolicy";
export const ECR_REPOSITORY_TYPE = "aws:ecr/repository:Repository";
export const ECR_REPOSITORY_POLICY_TYPE = "aws:ecr/repositoryPolicy:RepositoryPolicy";
export const SNS_TOPIC_POLICY_TYPE = "aws:sns/topicPolicy:TopicPolicy";
export const SNS_TOPIC_TYPE = "aws:sns/topic:Topic";
export const SECRET_POLICY_TYPE = "aws:secretsmanager/secretPolicy:SecretPolicy";
export const LAMBDA_PERMISSION_TYPE = "aws:lambda/permission:Permission";
export const LOG_GROUP_TYPE = "aws:cloudwatch/logGroup:LogGroup";
export const LAUNCH_TEMPLATE_TYPE = "aws:ec2/launchTemplate:LaunchTemplate";
export const EKS_NODE_GROUP_TYPE = "aws:eks/nodeGroup:NodeGroup";

export const IAM_ROLE_TYPE = "aws:iam/role:Role";
/** Identity-based policy documents held in the `policy` property. */
export const IAM_IDENTITY_POLICY_TYPES: ReadonlySet<string> = new Set([
    "aws:iam/policy:Policy",
    "aws:iam/rolePolicy:RolePolicy",
    "aws:iam/userPolicy:UserPolicy",
    "aws:iam/groupPolicy:GroupPolicy",
]);
/** Managed-policy attachments carrying `policyArn`. */
export const IAM_POLICY_ATTACHMENT_TYPES: ReadonlySet<string> = new Set([
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    "aws:iam/userPolicyAttachment:UserPolicyAttachment",
    "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
    "aws:iam/policyAttachment:PolicyAttachment",
]);
/** Exclusive managed-policy attachment sets carrying `policyArns`. */
export const IAM_POLICY_ATTACHMENTS_EXCLUSIVE_TYPES: ReadonlySet<string> = new Set([
    "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
    "aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive",
    "aws:iam/groupPolicyAttachmentsExclusive:GroupPolicyAttachmentsExclusive",
]);
export const IAM_ACCESS_KEY_TYPE = "aws:iam/accessKey:AccessKey";

export interface Arn {
    readonly partition: string;
    readonly service: string;
    readonly region: string;
    readonly account: string;
    readonly resource: string;
}

/** Splits `arn:partition:service:region:account:resource`; undefined for anything else. */
export function parseArn(arn: unknown): Arn | undefined {
    const s = asString(arn);
    if (!s || !s.startsWith("arn:")) {
        return undefined;
    }
    const parts = s.split(":");
    if (parts.length < 6) {
        return undefined;
    }
    return { partition: parts[1], service: parts[2], region: parts[3], account: parts[4], resource: parts.slice(5).join(":") };
}

/** The private ECR registry host of an account in a region (China regions use amazonaws.com.cn). */
export function ecrRegistryHost(account: string, region: string): string {
    return `${account}.dkr.ecr.${region}.amazonaws.com${region.startsWith("cn-") ? ".cn" : ""}`;
}

/** Account and region of a private ECR registry host, or undefined. */
export function parseEcrHost(host: unknown): { account: string; region: string } | undefined {
    const s = asString(host);
    const m = s ? ECR_PRIVATE_HOST.exec(s.toLowerCase()) : null;
    return m ? { account: m[1], region: m[2] } : undefined;
}

export function isEcrPrivateHost(host: unknown): boolean {
    return parseEcrHost(host) !== undefined;
}

export function isAwsProviderType(type: unknown): boolean {
    return type === AWS_PROVIDER_TYPE;
}

/** The `region` of an AWS provider resource's properties (raw or proxied), if a non-empty string. */
export function providerRegion(props: unknown): string | undefined {
    const r = asString((props as Record<string, unknown> | undefined)?.region);
    return r && r.trim() !== "" ? r.trim() : undefined;
}

/**
 * `allowedAccountIds` of an AWS provider resource. The engine stores non-string provider inputs as
 * JSON strings (`"[\"111111111111\"]"`), programs pass arrays: both are accepted.
 */
export function providerAllowedAccountIds(props: unknown): string[] {
    const raw = (props as Record<string, unknown> | undefined)?.allowedAccountIds;
    // A bare string that is not a JSON array is a comma-separated list (JSON.parse would turn a
    // single account id into a number and drop its leading zeros).
    const list = typeof raw === "string" && !raw.trim().startsWith("[") ? raw.split(",") : asStringArray(parseJsonish(raw));
    return list.map((a) => a.trim()).filter((a) => /^\d{12}$/.test(a));
}
