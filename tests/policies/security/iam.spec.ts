import { TestResource, UNKNOWN } from "../../helpers/policy";
import { iamNoWildcardPermissions, iamWebIdentitySubPinned, resourcePolicyNoPublicAccess } from "../../../policies/security/rules/iam";
import { expectClean, expectUnknownAdvisory, expectViolation } from "./support";

const BUCKET_ARN = "arn:aws:s3:::moka-prod-events";
const scoped = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: [`${BUCKET_ARN}/*`] }] };
const doc = (statement: unknown) => ({ Version: "2012-10-17", Statement: statement });

describe("security: IAM rules", () => {
    describe("iam-no-wildcard-permissions", () => {
        const types = ["aws:iam/policy:Policy", "aws:iam/rolePolicy:RolePolicy", "aws:iam/userPolicy:UserPolicy", "aws:iam/groupPolicy:GroupPolicy"];

        it("passes scoped documents as JSON strings and objects", async () => {
            for (const type of types) {
                await expectClean(iamNoWildcardPermissions, { type, props: { policy: JSON.stringify(scoped) } });
                await expectClean(iamNoWildcardPermissions, { type, props: { policy: scoped } });
            }
        });
        const bad: [string, unknown, RegExp][] = [
            ['Action "*" on "*"', { Effect: "Allow", Action: "*", Resource: "*" }, /allows Action \[\*\] on Resource "\*"/],
            ['"s3:*" on "*"', { Effect: "Allow", Action: ["s3:GetObject", "s3:*"], Resource: ["*"] }, /s3:\*/],
            ["NotAction on *", { Effect: "Allow", NotAction: "iam:*", Resource: "*" }, /NotAction \[iam:\*\]/],
            ["wildcard action with NotResource", { Effect: "Allow", Action: "ec2:*", NotResource: "arn:aws:ec2:*:*:instance/keep" }, /NotResource/],
            ["lower-case keys, IAM:* spelling", { effect: "Allow", action: "IAM:*", resource: "*" }, /IAM:\*/],
        ];
        for (const [label, statement, fragment] of bad) {
            for (const type of types) {
                it(`flags ${label} in ${type} (string and object, single statement)`, async () => {
                    await expectViolation(iamNoWildcardPermissions, { type, props: { policy: JSON.stringify(doc(statement)) } }, fragment);
                    await expectViolation(iamNoWildcardPermissions, { type, props: { policy: doc([statement]) } }, fragment);
                });
            }
        }
        it("ignores Deny statements and wildcard actions on specific resources", async () => {
            await expectClean(iamNoWildcardPermissions, { type: types[0], props: { policy: doc([{ Effect: "Deny", Action: "*", Resource: "*" }, { Effect: "Allow", Action: "s3:*", Resource: BUCKET_ARN }]) } });
        });
        it("checks Role inlinePolicies", async () => {
            const role = (policy: unknown): TestResource => ({
                type: "aws:iam/role:Role",
                props: { assumeRolePolicy: JSON.stringify(doc({ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" })), inlinePolicies: [{ name: "inline", policy }] },
            });
            await expectClean(iamNoWildcardPermissions, role(JSON.stringify(scoped)));
            await expectViolation(iamNoWildcardPermissions, role(JSON.stringify(doc({ Effect: "Allow", Action: "*", Resource: "*" }))), /inline policy "inline" statement #0/);
        });
        it("flags admin-level AWS managed policy attachments", async () => {
            await expectViolation(iamNoWildcardPermissions, { type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment", props: { role: "r", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" } }, /AdministratorAccess/);
            await expectViolation(iamNoWildcardPermissions, { type: "aws:iam/role:Role", props: { assumeRolePolicy: "{}", managedPolicyArns: ["arn:aws:iam::aws:policy/PowerUserAccess"] } }, /PowerUserAccess/);
            await expectClean(iamNoWildcardPermissions, { type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment", props: { role: "r", policyArn: "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy" } });
            await expectClean(iamNoWildcardPermissions, { type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment", props: { role: "r", policyArn: "arn:aws:iam::111111111111:policy/AdministratorAccess" } });
        });
        it("survives odd documents", async () => {
            for (const policy of ["not json", "", 42, null, { Statement: "x" }, { Statement: [null, 1, { Effect: "Allow" }] }]) {
                await expectClean(iamNoWildcardPermissions, { type: types[0], props: { policy } });
            }
        });
        it("turns an unknown document into an advisory", async () => {
            await expectUnknownAdvisory(iamNoWildcardPermissions, { type: types[1], props: { policy: UNKNOWN } });
            await expectUnknownAdvisory(iamNoWildcardPermissions, { type: types[0], props: { policy: doc([{ Effect: "Allow", Action: "s3:*", Resource: UNKNOWN }]) } });
        });
    });

    describe("resource-policy-no-public-access", () => {
        const publicAll = { Effect: "Allow", Principal: "*", Action: "s3:*", Resource: [BUCKET_ARN, `${BUCKET_ARN}/*`] };
        const holders: [string, string][] = [
            ["aws:s3/bucketPolicy:BucketPolicy", "policy"],
            ["aws:sqs/queuePolicy:QueuePolicy", "policy"],
            ["aws:s3/bucket:Bucket", "policy"],
            ["aws:sqs/queue:Queue", "policy"],
            ["aws:ecr/repositoryPolicy:RepositoryPolicy", "policy"],
        ];
        for (const [type, prop] of holders) {
            it(`flags wildcard principal + wildcard action in ${type}`, async () => {
                await expectViolation(resourcePolicyNoPublicAccess, { type, props: { [prop]: JSON.stringify(doc(publicAll)) } }, /wildcard principal \(Principal "\*"\) Action \[s3:\*\]/);
                await expectViolation(resourcePolicyNoPublicAccess, { type, props: { [prop]: doc([{ ...publicAll, Principal: { AWS: ["*"] }, Action: "*" }]) } }, /Action \[\*\]/);
            });
        }
        it("flags NotPrincipal Allow and NotAction with a wildcard principal", async () => {
            await expectViolation(resourcePolicyNoPublicAccess, { type: holders[0][0], props: { policy: doc({ Effect: "Allow", NotPrincipal: { AWS: "arn:aws:iam::111111111111:root" }, Action: "s3:*", Resource: "*" }) } }, /NotPrincipal/);
            await expectViolation(resourcePolicyNoPublicAccess, { type: holders[1][0], props: { policy: doc({ Effect: "Allow", Principal: "*", NotAction: "sqs:DeleteQueue", Resource: "*" }) } }, /NotAction/);
        });
        it("passes named principals, specific actions, principal-scoping conditions and Deny statements", async () => {
            const ok = [
                { Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:role/app" }, Action: "s3:*", Resource: "*" },
                { Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sqs:SendMessage", Resource: "*" },
                { Effect: "Allow", Principal: "*", Action: "s3:*", Resource: "*", Condition: { StringEquals: { "aws:PrincipalOrgID": "o-abc123" } } },
                { Effect: "Allow", Principal: "*", Action: "sqs:*", Resource: "*", Condition: { ArnEquals: { "aws:SourceArn": "arn:aws:sns:us-west-2:111111111111:t" } } },
                { Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } },
            ];
            await expectClean(resourcePolicyNoPublicAccess, { type: holders[0][0], props: { policy: JSON.stringify(doc(ok)) } });
        });
        it("still flags a wildcard principal whose only condition does not pin the caller", async () => {
            const st = { ...publicAll, Condition: { Bool: { "aws:SecureTransport": "true" } } };
            await expectViolation(resourcePolicyNoPublicAccess, { type: holders[0][0], props: { policy: doc(st) } }, /no condition pinning the caller/);
        });
        it("flags a role trust policy any principal can assume", async () => {
            const trust = doc({ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" });
            await expectViolation(resourcePolicyNoPublicAccess, { type: "aws:iam/role:Role", props: { assumeRolePolicy: JSON.stringify(trust) } }, /Any AWS account can assume this role/);
        });
        it("passes Pod Identity and service trust policies", async () => {
            const trust = doc({ Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] });
            await expectClean(resourcePolicyNoPublicAccess, { type: "aws:iam/role:Role", props: { assumeRolePolicy: trust } });
        });
        it("turns an unknown document into an advisory", async () => {
            await expectUnknownAdvisory(resourcePolicyNoPublicAccess, { type: holders[0][0], props: { policy: UNKNOWN } });
        });
    });

    describe("forbidden managed policies and resource-policy holders (details)", () => {
        const pub = JSON.stringify(doc({ Effect: "Allow", Principal: "*", Action: "sqs:*", Resource: "*" }));
        it("matches forbidden AWS-managed policies by name (case-insensitive) on roles and attachments only, and pluralises", async () => {
            const admin = "arn:aws:iam::aws:policy/AdministratorAccess";
            await expectViolation(iamNoWildcardPermissions, { type: "aws:iam/role:Role", props: { managedPolicyArns: [admin, "arn:aws:iam::aws:policy/job-function/poweruseraccess"] } }, /attaches the AWS managed .*AdministratorAccess.* policies, which grant/);
            await expectViolation(iamNoWildcardPermissions, { type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment", props: { role: "r", policyArn: admin } }, /AdministratorAccess" policy, which|AdministratorAccess policy, which/);
            await expectClean(iamNoWildcardPermissions, { type: "aws:iam/role:Role", props: { managedPolicyArns: ["arn:aws:iam::111111111111:policy/AdministratorAccess", "arn:aws:s3:::aws/AdministratorAccess"] } });
            await expectClean(iamNoWildcardPermissions, { type: "aws:iam/policy:Policy", props: { managedPolicyArns: [admin], policyArn: admin, policy: JSON.stringify(doc({ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" })) } });
            await expectClean(iamNoWildcardPermissions, { type: "aws:iam/role:Role", props: { managedPolicyArns: [admin] } }, { forbiddenManagedPolicies: ["IAMFullAccess"], forbiddenManagedPolicyPatterns: [] });
        });
        it("reads inline policies of queues and KMS keys, resource-policy resources of ECR and SNS, and nothing of other types", async () => {
            for (const type of ["aws:sqs/queue:Queue", "aws:kms/key:Key"]) {
                await expectViolation(resourcePolicyNoPublicAccess, { type, props: { policy: pub } }, /^[^]*The inline resource policy statement #0 allows a wildcard principal \(Principal "\*"\) Action \[sqs:\*\] with no condition/);
            }
            for (const type of ["aws:ecr/repositoryPolicy:RepositoryPolicy", "aws:sns/topicPolicy:TopicPolicy"]) {
                await expectViolation(resourcePolicyNoPublicAccess, { type, props: { policy: pub } }, /^[^]*The resource policy statement #0 allows a wildcard principal/);
            }
            await expectClean(resourcePolicyNoPublicAccess, { type: "aws:sqs/queue:Queue", props: { name: "q" } });
            await expectClean(resourcePolicyNoPublicAccess, { type: "aws:iam/policy:Policy", props: { policy: pub, assumeRolePolicy: pub } });
        });
    });

    describe("iam-web-identity-sub-pinned", () => {
        const issuer = "oidc.eks.us-west-2.amazonaws.com/id/ABCDEF0123456789";
        const federated = { Federated: `arn:aws:iam::111111111111:oidc-provider/${issuer}` };
        const role = (statement: unknown, asString = true): TestResource => ({
            type: "aws:iam/role:Role",
            props: { assumeRolePolicy: asString ? JSON.stringify(doc(statement)) : doc(statement) },
        });
        const irsa = (condition: unknown) => ({ Effect: "Allow", Principal: federated, Action: "sts:AssumeRoleWithWebIdentity", ...(condition === undefined ? {} : { Condition: condition }) });

        it("passes an exact StringEquals on :sub (string and object documents)", async () => {
            const cond = { StringEquals: { [`${issuer}:sub`]: "system:serviceaccount:spark:spark-driver", [`${issuer}:aud`]: "sts.amazonaws.com" } };
            await expectClean(iamWebIdentitySubPinned, role(irsa(cond)));
            await expectClean(iamWebIdentitySubPinned, role([irsa(cond)], false));
        });
        it("passes StringLike without wildcards and a list of exact subjects", async () => {
            await expectClean(iamWebIdentitySubPinned, role(irsa({ StringLike: { [`${issuer}:sub`]: "system:serviceaccount:a:b" } })));
            await expectClean(iamWebIdentitySubPinned, role(irsa({ StringEquals: { [`${issuer}:sub`]: ["system:serviceaccount:a:b", "system:serviceaccount:a:c"] } })));
        });
        it("passes Pod Identity trust (no web identity)", async () => {
            await expectClean(iamWebIdentitySubPinned, role({ Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] }));
        });
        const bad: [string, unknown, RegExp][] = [
            ["no Condition at all", undefined, /no condition on the token's :sub claim/],
            ["only an aud condition", { StringEquals: { [`${issuer}:aud`]: "sts.amazonaws.com" } }, /no condition on the token's :sub/],
            ["StringLike with *", { StringLike: { [`${issuer}:sub`]: "system:serviceaccount:spark:*" } }, /wildcard pattern\(s\) "system:serviceaccount:spark:\*"/],
            ["StringLike with ?", { StringLike: { [`${issuer}:sub`]: "system:serviceaccount:spark:job-?" } }, /wildcard/],
            ["StringEquals value containing *", { StringEquals: { [`${issuer}:sub`]: "*" } }, /wildcard/],
            ["only a negated operator", { StringNotEquals: { [`${issuer}:sub`]: "system:serviceaccount:kube-system:x" } }, /StringNotEquals, which does not pin/],
            ["only an IfExists operator", { StringEqualsIfExists: { [`${issuer}:sub`]: "system:serviceaccount:a:b" } }, /does not pin/],
        ];
        for (const [label, cond, fragment] of bad) {
            it(`flags ${label}`, async () => {
                await expectViolation(iamWebIdentitySubPinned, role(irsa(cond)), fragment);
            });
        }
        it("flags web identity granted through sts:* or a list", async () => {
            await expectViolation(iamWebIdentitySubPinned, role({ Effect: "Allow", Principal: federated, Action: ["sts:*"] }), /AssumeRoleWithWebIdentity/);
            await expectViolation(iamWebIdentitySubPinned, role([{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }, irsa(undefined)]), /statement #1/);
        });
        it("reads condition keys and operators trimmed and case-insensitively, and needs every value of a pinning condition exact", async () => {
            await expectClean(iamWebIdentitySubPinned, role(irsa({ " stringequals ": { [` ${issuer}:SUB `]: "system:serviceaccount:a:b" } })));
            await expectClean(iamWebIdentitySubPinned, role(irsa({ "ForAnyValue:StringEquals": { [`${issuer}:sub`]: ["system:serviceaccount:a:b"] } })));
            await expectViolation(iamWebIdentitySubPinned, role(irsa({ StringEquals: { [`${issuer}:sub`]: ["system:serviceaccount:a:b", "  "] } })), /wildcard pattern\(s\) " {2}"/);
            await expectViolation(iamWebIdentitySubPinned, role(irsa({ StringEquals: { [`${issuer}:sub`]: [] } })), /constrains :sub only with StringEquals, which does not pin it to exact values/);
            await expectViolation(iamWebIdentitySubPinned, role(irsa({ StringEquals: { [`${issuer}:subject`]: "system:serviceaccount:a:b" } })), /has no condition on the token's :sub claim/);
            await expectViolation(iamWebIdentitySubPinned, role(irsa({ StringEquals: { [`${issuer}:sub:x`]: "system:serviceaccount:a:b" } })), /has no condition on the token's :sub claim/);
            await expectViolation(iamWebIdentitySubPinned, role(irsa({ StringEqualsX: { [`${issuer}:sub`]: "system:serviceaccount:a:b" } })), /only with StringEqualsX,/);
        });
        it("names the statement by Sid, ignores Deny statements and other resource types", async () => {
            await expectViolation(iamWebIdentitySubPinned, role({ ...irsa(undefined), Sid: "Irsa" }), /^[^]*The trust policy statement "Irsa" allows sts:AssumeRoleWithWebIdentity but has no condition on the token's :sub claim\. Any service account/);
            await expectClean(iamWebIdentitySubPinned, role({ ...irsa(undefined), Effect: "Deny" }));
            await expectClean(iamWebIdentitySubPinned, { type: "aws:iam/policy:Policy", props: { assumeRolePolicy: JSON.stringify(doc(irsa(undefined))), policy: JSON.stringify(doc(irsa(undefined))) } });
        });
        it("turns an unknown trust policy into an advisory", async () => {
            await expectUnknownAdvisory(iamWebIdentitySubPinned, { type: "aws:iam/role:Role", props: { assumeRolePolicy: UNKNOWN } });
        });
    });
});
