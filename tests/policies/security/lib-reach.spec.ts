/** Table tests for the issue-12 security helpers: lib/network.ts (almost-open blocks) and lib/iam-scope.ts (pinning conditions, all-resource ARNs). */
import { strict as assert } from "assert";
import { cidrBlock, isAlmostOpen } from "../../../policies/security/lib/network";
import { parsePolicyDocument } from "../../../policies/security/lib/iam";
import { coversAnyResource, hasPinningCondition, hasResourceScopingCondition, statementCoversAnyResource, TRUST_PINNING_CONDITION_KEYS, unpinningConditions } from "../../../policies/security/lib/iam-scope";
import { accountRootPrincipals, wildcardAccountPrincipals } from "../../../policies/security/lib/iam";

const st = (o: Record<string, unknown>) => parsePolicyDocument({ Statement: [{ Effect: "Allow", ...o }] })!.statements[0];

describe("security: lib/network.ts", () => {
    const blocks: [unknown, ReturnType<typeof cidrBlock>][] = [
        ["10.0.0.0/8", { family: 4, prefix: 8 }],
        [" 1.1.1.1/1 ", { family: 4, prefix: 1 }],
        ["198.51.100.7", { family: 4, prefix: 32 }],
        ["2001:db8::/32", { family: 6, prefix: 32 }],
        ["::/0", { family: 6, prefix: 0 }],
        ["fe80::1", { family: 6, prefix: 128 }],
        ["256.0.0.0/8", undefined],
        ["10.0.0.0/33", undefined],
        ["2001:db8::/129", undefined],
        ["10.0.0/8", undefined],
        ["*", undefined],
        [42, undefined],
        ["", undefined],
    ];
    for (const [text, expected] of blocks) {
        it(`cidrBlock(${JSON.stringify(text)})`, () => assert.deepEqual(cidrBlock(text), expected));
    }
    it("isAlmostOpen: the any-address forms, and blocks shorter than the family's minimum", () => {
        for (const t of ["0.0.0.0/0", "::/0", "*", "1.1.1.1/1", "2.0.0.0/7", "2000::/3", "2001::/31"]) {
            assert.equal(isAlmostOpen(t), true, t);
        }
        for (const t of ["10.0.0.0/8", "203.0.113.0/24", "2001:db8::/32", "nonsense", undefined]) {
            assert.equal(isAlmostOpen(t), false, String(t));
        }
        assert.equal(isAlmostOpen("10.0.0.0/8", 9, 32), true);
        assert.equal(isAlmostOpen("2001:db8::/32", 8, 33), true);
        assert.equal(isAlmostOpen("0.0.0.0/0", 0, 0), true);
    });
});

describe("security: lib/iam-scope.ts", () => {
    const resources: [string, boolean][] = [
        ["*", true], [" * ", true], ["arn:aws:s3:::*", true], ["arn:aws:s3:::*/*", true], ["arn:aws:s3:::?*", true],
        ["arn:aws:s3:::moka-*/*", false], ["arn:aws:s3:::b/*", false],
        ["arn:aws:secretsmanager:*:111111111111:secret:*", true], ["arn:aws:secretsmanager:us-west-2:111111111111:secret:moka/*", false],
        ["arn:aws:iam::111111111111:role/*", true], ["arn:aws:iam::111111111111:role/Karpenter*", false],
        ["arn:aws:ssm:us-west-2::parameter/*", true], ["arn:aws:ssm:us-west-2::parameter/aws/service/*", false],
        ["arn:aws:kms:*:*:key/*", true], ["arn:aws:dynamodb:*:*:*", true], ["arn:aws:logs:us-west-2:1:log-group:*:*", true],
        ["arn:aws:s3", false], ["not-an-arn", false], ["", false],
    ];
    for (const [r, expected] of resources) {
        it(`coversAnyResource(${JSON.stringify(r)}) = ${expected}`, () => assert.equal(coversAnyResource(r), expected));
    }
    it("statementCoversAnyResource: NotResource counts as everything", () => {
        assert.equal(statementCoversAnyResource(st({ NotResource: "arn:aws:s3:::b" })), true);
        assert.equal(statementCoversAnyResource(st({ Resource: ["arn:aws:s3:::b", "arn:aws:s3:::*"] })), true);
        assert.equal(statementCoversAnyResource(st({ Resource: ["arn:aws:s3:::b"] })), false);
    });
    it("hasPinningCondition for trust keys: exact values, positive operators only", () => {
        const trust = (cond: unknown) => hasPinningCondition(st({ Condition: cond }), TRUST_PINNING_CONDITION_KEYS);
        assert.equal(trust({ StringEquals: { "STS:EXTERNALID": " x " } }), true);
        assert.equal(trust({ " stringequals ": { "sts:ExternalId": "x" } }), true);
        assert.equal(trust({ StringLike: { "sts:ExternalId": "x*" } }), false);
        assert.equal(trust({ StringEquals: { "sts:ExternalId": [] } }), false);
        assert.equal(trust({ StringNotLike: { "sts:ExternalId": "x" } }), false);
        assert.equal(trust({ StringEquals: { "aws:SourceAccount": "111111111111" } }), false);
        assert.equal(trust({ ArnEquals: { "aws:PrincipalArn": "arn:aws:iam::123123123123:role/ci" } }), true);
        assert.equal(trust({ ArnEquals: { "aws:PrincipalArn": "arn:aws:iam" } }), false);
        assert.equal(trust({ StringLike: { "aws:PrincipalOrgPaths": "o-abc/*" } }), true);
        assert.equal(trust({ StringLike: { "aws:userid": "*:ci" } }), false);
    });
    it("unpinningConditions renders every condition for messages", () => {
        assert.deepEqual(unpinningConditions(st({ Condition: { ArnLike: { "aws:PrincipalArn": ["arn:aws:iam::*", "*"] }, Null: { "aws:SourceArn": [] } } })), ['ArnLike aws:PrincipalArn "arn:aws:iam::*", "*"', "Null aws:SourceArn []"]);
    });
    it("hasResourceScopingCondition: tags (any non-empty value), resource account/org (concrete), kms:ViaService for KMS only", () => {
        const scoped = (cond: unknown, action = "s3:GetObject") => hasResourceScopingCondition(st({ Condition: cond }), action);
        assert.equal(scoped({ StringEquals: { "aws:ResourceTag/team": "ads" } }), true);
        assert.equal(scoped({ StringLike: { "ssm:ResourceTag/team": "*" } }), true);
        assert.equal(scoped({ StringLike: { "aws:ResourceTag/team": " " } }), false);
        assert.equal(scoped({ StringEquals: { "aws:ResourceAccount": "111111111111" } }), true);
        assert.equal(scoped({ StringEquals: { "aws:ResourceAccount": ["111111111111", "*"] } }), false);
        assert.equal(scoped({ StringEqualsIfExists: { "aws:ResourceAccount": "111111111111" } }), false);
        assert.equal(scoped({ StringEquals: { "kms:ViaService": "s3.us-west-2.amazonaws.com" } }), false);
        assert.equal(scoped({ StringEquals: { "kms:ViaService": "s3.us-west-2.amazonaws.com" } }, "KMS:Decrypt"), true);
        assert.equal(scoped({ StringEquals: { "aws:RequestTag/team": "ads" } }), false);
    });
    it("principal helpers: wildcard-account principals and whole-account roots", () => {
        assert.deepEqual(wildcardAccountPrincipals(st({ Principal: { AWS: ["arn:aws:iam::*:role/x", "arn:aws:iam::1?:root", "arn:aws:iam::111111111111:root", "*"] } })), ["arn:aws:iam::*:role/x", "arn:aws:iam::1?:root"]);
        assert.deepEqual(wildcardAccountPrincipals(st({ Principal: { Service: "arn:aws:iam::*:role/x" } })), []);
        assert.deepEqual(accountRootPrincipals(st({ Principal: { aws: [" 123123123123 ", "arn:aws-us-gov:iam::222222222222:root", "arn:aws:iam::333333333333:role/r", "12345"] } })), ["123123123123", "222222222222"]);
        assert.deepEqual(accountRootPrincipals(st({ Principal: "*" })), []);
    });
});
