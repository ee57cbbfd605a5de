import { strict as assert } from "assert";
import { TestResource, UNKNOWN } from "../../helpers/policy";
import { iamCrossAccountTrustPinned, iamNoUserAccessKeys, iamSensitiveActionsScoped } from "../../../policies/security/rules/iam-access";
import { UNKNOWN_SENTINELS } from "../../../policies/lib/known";
import { check, expectClean, expectUnknownAdvisory, expectViolation } from "./support";

const doc = (statement: unknown) => ({ Version: "2012-10-17", Statement: statement });
const AWS_PROVIDER = (allowedAccountIds: unknown) => ({ type: "pulumi:providers:aws", props: { region: "us-west-2", allowedAccountIds } });

describe("security: IAM reach rules", () => {
    describe("iam-sensitive-actions-scoped", () => {
        const policy = (statement: unknown, asString = true): TestResource => ({
            type: "aws:iam/policy:Policy",
            props: { name: "app", policy: asString ? JSON.stringify(doc(statement)) : doc(statement) },
        });

        it("passes the platform's own shapes: PassRole on the node role, SSM public parameters, Describe*/pricing on *", async () => {
            await expectClean(iamSensitiveActionsScoped, policy([
                { Effect: "Allow", Action: "iam:PassRole", Resource: "arn:aws:iam::111111111111:role/KarpenterNodeRole-moka", Condition: { StringEquals: { "iam:PassedToService": "ec2.amazonaws.com" } } },
                { Effect: "Allow", Action: "ssm:GetParameter", Resource: "arn:aws:ssm:us-west-2::parameter/aws/service/*" },
                { Effect: "Allow", Action: ["ec2:DescribeInstances", "ec2:Describe*", "pricing:GetProducts", "iam:ListInstanceProfiles"], Resource: "*" },
                { Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: "arn:aws:s3:::moka-prod-data/teams/ads/*" },
                { Effect: "Allow", Action: "kms:Decrypt", Resource: "arn:aws:kms:us-west-2:111111111111:key/1234abcd-0000-1111-2222-333344445555" },
            ]));
        });

        const actions = [
            "iam:PassRole", "iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:CreateAccessKey",
            "iam:UpdateAssumeRolePolicy", "iam:UpdateLoginProfile", "sts:AssumeRole", "secretsmanager:GetSecretValue", "ssm:GetParameter",
            "ssm:GetParametersByPath", "kms:Decrypt", "s3:GetObject",
        ];
        for (const action of actions) {
            it(`flags ${action} on Resource "*" (string and object documents)`, async () => {
                const st = { Sid: "Broad", Effect: "Allow", Action: [action], Resource: "*" };
                await expectViolation(iamSensitiveActionsScoped, policy(st), new RegExp(`^[^]*IAM policy statement "Broad" allows ${action.replace(/[.*]/g, "\\$&")} on Resource "\\*"\\.`));
                await expectViolation(iamSensitiveActionsScoped, policy([st], false), /Scope Resource to the specific ARNs/);
            });
        }

        it("treats all-wildcard ARNs and NotResource as every resource", async () => {
            await expectViolation(iamSensitiveActionsScoped, policy({ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::*" }), /s3:GetObject on Resource "arn:aws:s3:::\*"/);
            await expectViolation(iamSensitiveActionsScoped, policy({ Effect: "Allow", Action: "s3:GetObject", Resource: ["arn:aws:s3:::b/x", "arn:aws:s3:::*/*"] }), /Resource "arn:aws:s3:::\*\/\*"/);
            await expectViolation(iamSensitiveActionsScoped, policy({ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "arn:aws:secretsmanager:*:111111111111:secret:*" }), /secret:\*/);
            await expectViolation(iamSensitiveActionsScoped, policy({ Effect: "Allow", Action: "iam:PassRole", Resource: "arn:aws:iam::111111111111:role/*" }), /role\/\*/);
            await expectViolation(iamSensitiveActionsScoped, policy({ Effect: "Allow", Action: "kms:Decrypt", NotResource: "arn:aws:kms:us-west-2:111111111111:key/x" }), /NotResource \(everything else\)/);
            await expectClean(iamSensitiveActionsScoped, policy({ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::moka-*/*" }));
            await expectClean(iamSensitiveActionsScoped, policy({ Effect: "Allow", Action: "iam:PassRole", Resource: "arn:aws:iam::111111111111:role/KarpenterNodeRole-*" }));
        });

        it("matches action globs and lists every sensitive action of a statement once", async () => {
            await expectViolation(iamSensitiveActionsScoped, policy({ Effect: "Allow", Action: ["ssm:GetParameter*", "ec2:CreateTags"], Resource: "*" }), /allows ssm:GetParameter, ssm:GetParameters and ssm:GetParametersByPath on/);
            await expectViolation(iamSensitiveActionsScoped, policy({ Effect: "Allow", Action: "IAM:pass*", Resource: "*" }), /allows iam:PassRole on/);
        });

        it("leaves wildcard actions to iam-no-wildcard-permissions, and ignores Deny statements", async () => {
            await expectClean(iamSensitiveActionsScoped, policy({ Effect: "Allow", Action: ["iam:*"], Resource: "*" }));
            await expectClean(iamSensitiveActionsScoped, policy({ Effect: "Allow", NotAction: "iam:*", Resource: "*" }));
            await expectClean(iamSensitiveActionsScoped, policy({ Effect: "Deny", Action: "s3:GetObject", Resource: "*" }));
        });

        it("accepts resource-scoping conditions (resource tags, resource account, kms:ViaService for KMS) but not others", async () => {
            await expectClean(iamSensitiveActionsScoped, policy({ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "*", Condition: { StringEquals: { "aws:ResourceTag/team": "ads" } } }));
            await expectClean(iamSensitiveActionsScoped, policy({ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "*", Condition: { StringLike: { "secretsmanager:ResourceTag/team": "*" } } }));
            await expectClean(iamSensitiveActionsScoped, policy({ Effect: "Allow", Action: "s3:GetObject", Resource: "*", Condition: { StringEquals: { "s3:ResourceAccount": "111111111111" } } }));
            await expectClean(iamSensitiveActionsScoped, policy({ Effect: "Allow", Action: "kms:Decrypt", Resource: "*", Condition: { StringEquals: { "kms:ViaService": "s3.us-west-2.amazonaws.com" } } }));
            // kms:ViaService narrows KMS actions only; PassedToService does not narrow which role is passed.
            await expectViolation(iamSensitiveActionsScoped, policy({ Effect: "Allow", Action: ["kms:Decrypt", "s3:GetObject"], Resource: "*", Condition: { StringEquals: { "kms:ViaService": "s3.us-west-2.amazonaws.com" } } }), /allows s3:GetObject on/);
            await expectViolation(iamSensitiveActionsScoped, policy({ Effect: "Allow", Action: "iam:PassRole", Resource: "*", Condition: { StringEquals: { "iam:PassedToService": "ec2.amazonaws.com" } } }), /iam:PassRole/);
            await expectViolation(iamSensitiveActionsScoped, policy({ Effect: "Allow", Action: "s3:GetObject", Resource: "*", Condition: { StringNotEquals: { "aws:ResourceAccount": "222222222222" } } }), /s3:GetObject/);
            await expectViolation(iamSensitiveActionsScoped, policy({ Effect: "Allow", Action: "s3:GetObject", Resource: "*", Condition: { StringLike: { "aws:ResourceAccount": "*" } } }), /s3:GetObject/);
        });

        it("reads role inline policies and every identity-policy type, and honours sensitiveActions", async () => {
            const st = doc({ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "*" });
            for (const type of ["aws:iam/rolePolicy:RolePolicy", "aws:iam/userPolicy:UserPolicy", "aws:iam/groupPolicy:GroupPolicy"]) {
                await expectViolation(iamSensitiveActionsScoped, { type, props: { policy: JSON.stringify(st) } }, /IAM policy statement #0/);
            }
            await expectViolation(iamSensitiveActionsScoped, { type: "aws:iam/role:Role", props: { assumeRolePolicy: "{}", inlinePolicies: [{ name: "read", policy: JSON.stringify(st) }] } }, /IAM inline policy "read" statement #0/);
            await expectClean(iamSensitiveActionsScoped, policy({ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "*" }), { sensitiveActions: ["iam:PassRole"] });
            await expectViolation(iamSensitiveActionsScoped, policy({ Effect: "Allow", Action: "lambda:UpdateFunctionCode", Resource: "*" }), /lambda:UpdateFunctionCode/, { config: { sensitiveActions: ["lambda:UpdateFunctionCode"] } });
            await expectClean(iamSensitiveActionsScoped, { type: "aws:s3/bucketPolicy:BucketPolicy", props: { policy: JSON.stringify(st) } });
        });

        it("survives odd documents and turns unknowns into an advisory", async () => {
            for (const p of ["not json", "", 42, null, { Statement: "x" }, { Statement: [null, 1, { Effect: "Allow", Action: 5, Resource: {} }] }]) {
                await expectClean(iamSensitiveActionsScoped, { type: "aws:iam/policy:Policy", props: { policy: p } });
            }
            await expectUnknownAdvisory(iamSensitiveActionsScoped, { type: "aws:iam/policy:Policy", props: { policy: UNKNOWN } });
            await expectUnknownAdvisory(iamSensitiveActionsScoped, policy([{ Effect: "Allow", Action: "s3:GetObject", Resource: UNKNOWN }], false));
        });
    });

    describe("iam-cross-account-trust-pinned", () => {
        const role = (statement: unknown, provider?: TestResource["provider"]): TestResource => ({
            type: "aws:iam/role:Role",
            props: { name: "vendor", assumeRolePolicy: JSON.stringify(doc(statement)) },
            provider,
        });
        const foreign = (principal: unknown, extra: Record<string, unknown> = {}) => ({ Effect: "Allow", Principal: { AWS: principal }, Action: "sts:AssumeRole", ...extra });
        const own = AWS_PROVIDER("[\"111111111111\"]");

        it("flags another account's root or bare account id without a pinning condition", async () => {
            await expectViolation(iamCrossAccountTrustPinned, role(foreign("arn:aws:iam::123123123123:root"), own), /^[^]*The trust policy statement #0 lets the whole AWS account 123123123123 assume this role without sts:ExternalId[^]*require sts:ExternalId\.$/);
            await expectViolation(iamCrossAccountTrustPinned, role(foreign(["123123123123", "arn:aws-cn:iam::222222222222:root"]), own), /whole AWS accounts 123123123123 and 222222222222/);
            await expectViolation(iamCrossAccountTrustPinned, role({ ...foreign("123123123123"), Action: "sts:*" }, own), /123123123123/);
        });

        it("passes ExternalId, organisation or principal-ARN pins, specific role ARNs, services and Deny statements", async () => {
            const ok = [
                foreign("arn:aws:iam::123123123123:root", { Condition: { StringEquals: { "sts:ExternalId": "d3c1f0a2-5b6e" } } }),
                foreign("123123123123", { Condition: { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } } }),
                foreign("123123123123", { Condition: { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::123123123123:role/deployer-*" } } }),
                foreign("arn:aws:iam::123456789012:role/role-name"),
                { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" },
                { Effect: "Deny", Principal: { AWS: ["123456789012"] }, Action: "sts:AssumeRole" },
                foreign("123123123123", { Action: "sts:TagSession" }),
            ];
            await expectClean(iamCrossAccountTrustPinned, role(ok, own));
        });

        it("does not accept conditions that pin nothing", async () => {
            for (const condition of [
                { StringLike: { "sts:ExternalId": "*" } },
                { StringNotEquals: { "sts:ExternalId": "x" } },
                { StringEqualsIfExists: { "sts:ExternalId": "x" } },
                { Bool: { "aws:MultiFactorAuthPresent": "true" } },
                { StringEquals: { "sts:ExternalId": ["abc", ""] } },
            ]) {
                await expectViolation(iamCrossAccountTrustPinned, role(foreign("123123123123", { Condition: condition }), own), /123123123123/);
            }
        });

        it("treats the provider's allowedAccountIds and trustedAccountIds as own accounts (own root is not flagged)", async () => {
            await expectClean(iamCrossAccountTrustPinned, role(foreign("arn:aws:iam::111111111111:root"), own));
            await expectClean(iamCrossAccountTrustPinned, role(foreign("111111111111"), AWS_PROVIDER(["111111111111"])));
            await expectClean(iamCrossAccountTrustPinned, role(foreign("222222222222"), own), { trustedAccountIds: ["222222222222"] });
            await expectViolation(iamCrossAccountTrustPinned, role(foreign(["111111111111", "333333333333"]), own), /account 333333333333 assume[^]*permissions\. Trust the specific role ARN instead, or require sts:ExternalId\.$/);
        });

        it("without a known own account every account root counts as foreign, and the message says how to declare it", async () => {
            await expectViolation(iamCrossAccountTrustPinned, role(foreign("arn:aws:iam::111111111111:root")), /This stack's own account is not known to the policy: if it is this account, set allowedAccountIds on the AWS provider or list it in trustedAccountIds\.$/);
            await expectViolation(iamCrossAccountTrustPinned, role(foreign("111111111111"), { type: "pulumi:providers:kubernetes", props: { namespace: "x" } }), /not known/);
        });

        it("survives odd shapes and turns unknowns into an advisory", async () => {
            for (const trust of ["nope", 7, null, { Statement: [{ Effect: "Allow", Principal: { AWS: [null, 5] }, Action: "sts:AssumeRole" }] }]) {
                await expectClean(iamCrossAccountTrustPinned, { type: "aws:iam/role:Role", props: { assumeRolePolicy: trust } });
            }
            await expectClean(iamCrossAccountTrustPinned, { type: "aws:iam/policy:Policy", props: { assumeRolePolicy: JSON.stringify(doc(foreign("123123123123"))) } });
            await expectUnknownAdvisory(iamCrossAccountTrustPinned, { type: "aws:iam/role:Role", props: { assumeRolePolicy: UNKNOWN } });
            await expectUnknownAdvisory(iamCrossAccountTrustPinned, role(foreign("123123123123"), AWS_PROVIDER(UNKNOWN)));
        });
    });

    describe("iam-no-user-access-keys (advisory)", () => {
        it("flags an active access key, naming its user", async () => {
            await expectViolation(iamNoUserAccessKeys, { type: "aws:iam/accessKey:AccessKey", props: { user: "ci" } }, /^[^]*long-lived access key for IAM user "ci"\./, { level: "advisory" });
            await expectViolation(iamNoUserAccessKeys, { type: "aws:iam/accessKey:AccessKey", props: { user: "ci", status: "Active" } }, /"ci"/, { level: "advisory" });
        });

        it("passes an inactive key and other types", async () => {
            await expectClean(iamNoUserAccessKeys, { type: "aws:iam/accessKey:AccessKey", props: { user: "ci", status: "Inactive" } });
            await expectClean(iamNoUserAccessKeys, { type: "aws:iam/user:User", props: { name: "ci" } });
        });

        it("prints a readable placeholder, never the unknown sentinel, when the user's name is computed", async () => {
            const [d] = await expectViolation(iamNoUserAccessKeys, { type: "aws:iam/accessKey:AccessKey", props: { user: UNKNOWN } }, /IAM user \(computed at deploy\)\./, { level: "advisory" });
            assert.ok(![...UNKNOWN_SENTINELS].some((s) => d.message.includes(s)), d.message);
            await expectViolation(iamNoUserAccessKeys, { type: "aws:iam/accessKey:AccessKey", props: { user: 42 } }, /\(computed at deploy\)/, { level: "advisory" });
        });

        it("turns an unknown status into an advisory only", async () => {
            const ds = await check(iamNoUserAccessKeys, { type: "aws:iam/accessKey:AccessKey", props: { user: "ci", status: UNKNOWN } });
            assert.deepEqual(ds.map((d) => [d.enforcementLevel, d.unknownValue]), [["advisory", true]]);
        });
    });
});
