/**
 * Issue 12 extensions of resource-policy-no-public-access (any action granted to the public, conditions
 * that pin nothing, more policy holders) and iam-no-wildcard-permissions (broad AWS managed policies).
 * Shapes follow the real-world corpus (Checkov / KICS fixtures, data-on-eks) translated to Pulumi inputs.
 */
import { TestResource, UNKNOWN } from "../../helpers/policy";
import { iamNoWildcardPermissions, resourcePolicyNoPublicAccess } from "../../../policies/security/rules/iam";
import { expectClean, expectUnknownAdvisory, expectViolation } from "./support";

const doc = (statement: unknown) => ({ Version: "2012-10-17", Statement: statement });
const bucketPolicy = (statement: unknown, asString = true): TestResource => ({
    type: "aws:s3/bucketPolicy:BucketPolicy",
    props: { bucket: "bucket", policy: asString ? JSON.stringify(doc(statement)) : doc(statement) },
});
const getObject = (extra: Record<string, unknown>) => ({ Sid: "Read", Effect: "Allow", Principal: "*", Action: ["s3:GetObject"], Resource: "arn:aws:s3:::bucket/*", ...extra });

describe("security: public resource policies (issue 12)", () => {
    describe("any action granted to the public counts", () => {
        it("flags a world-readable bucket policy (s3:GetObject to \"*\" and {AWS: \"*\"})", async () => {
            await expectViolation(resourcePolicyNoPublicAccess, bucketPolicy(getObject({})), /^[^]*The resource policy statement "Read" allows a wildcard principal \(Principal "\*"\) Action \[s3:GetObject\] with no condition pinning the caller\. Any AWS account, or anyone on the internet/);
            await expectViolation(resourcePolicyNoPublicAccess, bucketPolicy([getObject({ Principal: { AWS: "*" } })], false), /Action \[s3:GetObject\]/);
        });

        it("flags an SQS queue letting anyone SendMessage, and a principal whose account is a wildcard", async () => {
            const queue = (st: unknown): TestResource => ({ type: "aws:sqs/queuePolicy:QueuePolicy", props: { queueUrl: "https://sqs.us-west-2.amazonaws.com/111111111111/q", policy: doc(st) } });
            await expectViolation(resourcePolicyNoPublicAccess, queue({ Effect: "Allow", Principal: "*", Action: "sqs:SendMessage", Resource: "arn:aws:sqs:us-west-2:111111111111:q" }), /Action \[sqs:SendMessage\]/);
            await expectViolation(resourcePolicyNoPublicAccess, queue({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::*:role/sqs" }, Action: "sqs:SendMessage", Resource: "*" }), /\(Principal "arn:aws:iam::\*:role\/sqs", whose account is a wildcard\)/);
            await expectClean(resourcePolicyNoPublicAccess, queue({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:role/specific-role" }, Action: "sqs:SendMessage", Resource: "*" }));
        });

        it("reads SNS topics (inline and TopicPolicy), secret policies, KMS key policies and ECR repository policies", async () => {
            const pub = JSON.stringify(doc({ Effect: "Allow", Principal: "*", Action: ["kms:*"], Resource: "*" }));
            await expectViolation(resourcePolicyNoPublicAccess, { type: "aws:kms/key:Key", props: { description: "KMS key 1", policy: pub } }, /inline resource policy statement #0[^]*Action \[kms:\*\]/);
            await expectViolation(resourcePolicyNoPublicAccess, { type: "aws:sns/topic:Topic", props: { name: "t", policy: JSON.stringify(doc({ Effect: "Allow", Principal: { AWS: "*" }, Action: "sns:Publish", Resource: "*" })) } }, /inline resource policy[^]*sns:Publish/);
            await expectViolation(resourcePolicyNoPublicAccess, { type: "aws:sns/topicPolicy:TopicPolicy", props: { arn: "t", policy: doc({ Effect: "Allow", Principal: "*", Action: "sns:Subscribe", Resource: "*" }) } }, /sns:Subscribe/);
            await expectViolation(resourcePolicyNoPublicAccess, { type: "aws:secretsmanager/secretPolicy:SecretPolicy", props: { secretArn: "s", policy: doc({ Effect: "Allow", Principal: "*", Action: "secretsmanager:GetSecretValue", Resource: "*" }) } }, /The resource policy statement #0[^]*GetSecretValue/);
            await expectViolation(resourcePolicyNoPublicAccess, { type: "aws:ecr/repositoryPolicy:RepositoryPolicy", props: { repository: "r", policy: doc({ Effect: "Allow", Principal: "*", Action: ["ecr:BatchGetImage"] }) } }, /ecr:BatchGetImage/);
            await expectClean(resourcePolicyNoPublicAccess, { type: "aws:sns/topic:Topic", props: { name: "t" } });
        });

        it("passes Deny statements, named principals, services and statements that grant nothing", async () => {
            await expectClean(resourcePolicyNoPublicAccess, bucketPolicy([
                { Effect: "Deny", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::bucket/*" },
                { Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:role/reader" }, Action: "s3:GetObject", Resource: "arn:aws:s3:::bucket/*" },
                { Effect: "Allow", Principal: { Service: "logging.s3.amazonaws.com" }, Action: "s3:PutObject", Resource: "arn:aws:s3:::bucket/*" },
                { Effect: "Allow", Principal: "*", Resource: "arn:aws:s3:::bucket/*" },
                { Effect: "Allow", Principal: "*", Action: ["", "  "], Resource: "arn:aws:s3:::bucket/*" },
            ]));
        });
    });

    describe("conditions must pin the caller", () => {
        const unpinned: [string, unknown][] = [
            ["ArnEquals aws:PrincipalArn arn:aws:iam::*", { ArnEquals: { "aws:PrincipalArn": "arn:aws:iam::*" } }],
            ["ArnLike aws:PrincipalArn *", { ArnLike: { "aws:PrincipalArn": "*" } }],
            ["ArnLike aws:PrincipalArn with a wildcard account", { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/admin" } }],
            ["StringLike aws:SourceAccount *", { StringLike: { "aws:SourceAccount": "*" } }],
            ["StringLike aws:SourceAccount with a pattern", { StringLike: { "aws:SourceAccount": "1111*" } }],
            ["ArnNotEquals one principal (admits everyone else)", { ArnNotEquals: { "aws:PrincipalArn": "arn:aws:iam::12345555555555:user/username" } }],
            ["StringNotEquals aws:PrincipalOrgID", { StringNotEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } }],
            ["StringEqualsIfExists aws:SourceVpce", { StringEqualsIfExists: { "aws:SourceVpce": "vpce-1a2b3c4d" } }],
            ["ForAllValues:StringEquals aws:PrincipalOrgID", { "ForAllValues:StringEquals": { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } }],
            ["Null aws:SourceArn false", { Null: { "aws:SourceArn": "false" } }],
            ["a key that is not an identity key (aws:SourceIp)", { IpAddress: { "aws:SourceIp": "203.0.113.0/24" } }],
            ["a key that is not an identity key (aws:SecureTransport)", { Bool: { "aws:SecureTransport": "true" } }],
            ["one concrete and one wildcard value", { StringEquals: { "aws:PrincipalAccount": ["111111111111", "*"] } }],
            ["an org path without a concrete org id", { "ForAnyValue:StringLike": { "aws:PrincipalOrgPaths": "*/r-ab12/*" } }],
        ];
        for (const [label, condition] of unpinned) {
            it(`flags ${label}`, async () => {
                await expectViolation(resourcePolicyNoPublicAccess, bucketPolicy(getObject({ Condition: condition })), /with no condition pinning the caller \(its Condition [^)]+ admits every caller\)\./);
            });
        }

        const pinned: [string, unknown][] = [
            ["ArnEquals aws:PrincipalArn of one user (a 14-digit account as in the Checkov fixture)", { ArnEquals: { "aws:PrincipalArn": "arn:aws:iam::12345555555555:user/username" } }],
            ["ArnLike aws:SourceArn with a concrete account and a wildcard region", { ArnLike: { "aws:SourceArn": "arn:aws:cloudtrail:*:111122223333:trail/*" } }],
            ["ArnEquals aws:SourceArn of an S3 bucket (no account in the ARN)", { ArnEquals: { "aws:SourceArn": "arn:aws:s3:::moka-logs" } }],
            ["StringEquals aws:VpceAccount", { StringEquals: { "aws:VpceAccount": "123456789012" } }],
            ["StringEquals aws:sourceVpce (keys are case-insensitive)", { StringEquals: { "aws:sourceVpce": "vpce-123abc456def7890g" } }],
            ["StringEquals aws:SourceVpc", { StringEquals: { "aws:SourceVpc": "vpc-12345678" } }],
            ["ForAnyValue:StringLike aws:PrincipalOrgPaths under one org", { "ForAnyValue:StringLike": { "aws:PrincipalOrgPaths": "o-a1b2c3d4e5/r-ab12/*" } }],
            ["StringEquals kms:CallerAccount (AWS's default key-policy pattern)", { StringEquals: { "kms:CallerAccount": "111111111111", "kms:ViaService": "ec2.us-west-2.amazonaws.com" } }],
            ["an unpinning key ANDed with a pinning one", { Bool: { "aws:SecureTransport": "true" }, StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } }],
            ["StringLike aws:userid with a concrete role id", { StringLike: { "aws:userid": "AROAEXAMPLEID:*" } }],
        ];
        for (const [label, condition] of pinned) {
            it(`passes ${label}`, async () => {
                await expectClean(resourcePolicyNoPublicAccess, bucketPolicy(getObject({ Condition: condition })));
            });
        }

        it("an unknown condition value is an advisory, never a violation", async () => {
            await expectUnknownAdvisory(resourcePolicyNoPublicAccess, bucketPolicy([getObject({ Condition: { StringEquals: { "aws:SourceAccount": UNKNOWN } } })], false));
        });
    });

    describe("Lambda permissions", () => {
        const permission = (props: Record<string, unknown>): TestResource => ({ type: "aws:lambda/permission:Permission", props: { action: "lambda:InvokeFunction", function: "etl", ...props } });

        it("flags principal \"*\" without sourceArn, sourceAccount or principalOrgId", async () => {
            await expectViolation(resourcePolicyNoPublicAccess, permission({ principal: "*" }), /^[^]*This Lambda permission lets any principal \("\*"\) call lambda:InvokeFunction with no sourceArn, sourceAccount or principalOrgId\./);
            await expectViolation(resourcePolicyNoPublicAccess, permission({ principal: " * ", sourceArn: "  " }), /any principal/);
        });

        it("passes pinned or named principals", async () => {
            await expectClean(resourcePolicyNoPublicAccess, permission({ principal: "*", sourceArn: "arn:aws:events:us-west-2:111111111111:rule/r" }));
            await expectClean(resourcePolicyNoPublicAccess, permission({ principal: "*", sourceAccount: "111111111111" }));
            await expectClean(resourcePolicyNoPublicAccess, permission({ principal: "*", principalOrgId: "o-a1b2c3d4e5" }));
            await expectClean(resourcePolicyNoPublicAccess, permission({ principal: "events.amazonaws.com" }));
            await expectClean(resourcePolicyNoPublicAccess, permission({ principal: 5 }));
        });

        it("turns an unknown principal into an advisory", async () => {
            await expectUnknownAdvisory(resourcePolicyNoPublicAccess, permission({ principal: UNKNOWN }));
        });
    });
});

describe("security: broad AWS managed policies (issue 12)", () => {
    const attach = (policyArn: unknown, type = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"): TestResource => ({ type, props: { role: "team-a", policyArn } });

    it("flags every *FullAccess and AdministratorAccess* AWS managed policy on any attachment shape", async () => {
        await expectViolation(iamNoWildcardPermissions, attach("arn:aws:iam::aws:policy/AmazonS3FullAccess"), /^[^]*attaches the AWS managed AmazonS3FullAccess policy, which grant\(s\) administrator-level or whole-service access/);
        await expectViolation(iamNoWildcardPermissions, attach("arn:aws:iam::aws:policy/AWSLambda_FullAccess", "aws:iam/policyAttachment:PolicyAttachment"), /AWSLambda_FullAccess/);
        await expectViolation(iamNoWildcardPermissions, attach("arn:aws:iam::aws:policy/AdministratorAccess-Amplify", "aws:iam/userPolicyAttachment:UserPolicyAttachment"), /AdministratorAccess-Amplify/);
        await expectViolation(iamNoWildcardPermissions, { type: "aws:iam/role:Role", props: { assumeRolePolicy: "{}", managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonEC2FullAccess", "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy"] } }, /AmazonEC2FullAccess policy,/);
        for (const type of ["aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive", "aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive", "aws:iam/groupPolicyAttachmentsExclusive:GroupPolicyAttachmentsExclusive"]) {
            await expectViolation(iamNoWildcardPermissions, { type, props: { roleName: "r", policyArns: ["arn:aws:iam::aws:policy/AmazonS3FullAccess", "arn:aws:iam::aws:policy/service-role/AmazonDynamoDBFullAccess", "arn:aws:iam::aws:policy/AmazonS3FullAccess"] } }, /AmazonS3FullAccess and AmazonDynamoDBFullAccess policies, which/);
        }
    });

    it("passes the platform's and common workload managed policies, customer-managed namesakes and allowed exceptions", async () => {
        for (const name of ["AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly", "AmazonSSMManagedInstanceCore", "CloudWatchAgentServerPolicy", "service-role/AmazonEBSCSIDriverPolicy", "AmazonS3ReadOnlyAccess"]) {
            await expectClean(iamNoWildcardPermissions, attach(`arn:aws:iam::aws:policy/${name}`));
        }
        await expectClean(iamNoWildcardPermissions, attach("arn:aws:iam::111111111111:policy/AmazonS3FullAccess"));
        await expectClean(iamNoWildcardPermissions, attach("arn:aws:iam::aws:policy/AmazonS3FullAccess"), { allowedManagedPolicies: ["amazons3fullaccess"] });
        await expectClean(iamNoWildcardPermissions, attach("arn:aws:iam::aws:policy/AmazonS3FullAccess"), { forbiddenManagedPolicyPatterns: [] });
        await expectViolation(iamNoWildcardPermissions, attach("arn:aws:iam::aws:policy/ReadOnlyAccess"), /ReadOnlyAccess/, { config: { forbiddenManagedPolicyPatterns: ["ReadOnly*"] } });
    });

    it("survives odd policyArns and turns an unknown one into an advisory", async () => {
        for (const arn of [null, 42, "", "arn:aws:iam::aws", ["x"], { a: 1 }]) {
            await expectClean(iamNoWildcardPermissions, attach(arn));
        }
        await expectClean(iamNoWildcardPermissions, { type: "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive", props: { policyArns: "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess" } });
        await expectUnknownAdvisory(iamNoWildcardPermissions, attach(UNKNOWN));
        await expectUnknownAdvisory(iamNoWildcardPermissions, { type: "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive", props: { policyArns: [UNKNOWN] } });
    });
});
