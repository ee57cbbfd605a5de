/**
 * Messages stay readable at preview (issue 12 message defect): for stacks that draw a violation from
 * each issue-12 security rule, replace every leaf of every resource (and of its provider) by the
 * preview-unknown sentinel, one at a time, and check that no diagnostic message of those rules ever
 * contains a raw sentinel. Names computed at deploy print as a placeholder ("(computed at deploy)",
 * "(auto-named)"), never as `04da6b54-…`.
 */
import { strict as assert } from "assert";
import type { Policy } from "@pulumi/policy";
import { UNKNOWN_SENTINELS } from "../../../policies/lib/known";
import { securityPack } from "../../../policies/security/pack";
import { analyzePacks, AnalyzerResource } from "../../../preview/analyze";
import { TestResource, toAnalyzer, UNKNOWN } from "../../helpers/policy";
import { clone, nodes, pathText, setAt } from "../fuzz/tree";

const ISSUE_12_RULES = new Set([
    "eks-endpoint-private", "eks-version-supported", "ec2-launch-template-imds-hardened", "ec2-launch-template-no-public-ip", "ec2-launch-template-ebs-encrypted",
    "eks-node-group-ssh-restricted", "karpenter-imds-hardened", "service-no-public-exposure", "s3-bucket-data-protection", "s3-bucket-public-access-block",
    "kms-no-lockout-bypass", "cloudwatch-log-group-kms-encrypted", "iam-no-wildcard-permissions", "resource-policy-no-public-access",
    "iam-sensitive-actions-scoped", "iam-cross-account-trust-pinned", "iam-no-user-access-keys",
]);
const pack = { ...securityPack, name: "issue-12", policies: (securityPack.policies as Policy[]).filter((p) => ISSUE_12_RULES.has(p.name)) };
const CONFIG = { "eks-version-supported": { today: "2026-12-06" } };
const doc = (statement: unknown) => ({ Version: "2012-10-17", Statement: statement });
const AWS = { type: "pulumi:providers:aws", name: "aws", props: { region: "us-west-2", allowedAccountIds: "[\"111111111111\"]" } };

/** One bad stack per rule family, written so that each draws at least one message naming something. */
const STACKS: Record<string, TestResource[]> = {
    eks: [
        { type: "aws:eks/cluster:Cluster", name: "c", props: { version: "1.29", vpcConfig: { endpointPublicAccess: true, publicAccessCidrs: ["1.1.1.1/1", "0.0.0.0/0"] } } },
        { type: "eks:index:Cluster", name: "k", props: { version: "1.33", upgradePolicy: { supportType: "STANDARD" }, publicAccessCidrs: ["2.0.0.0/7"] } },
        { type: "aws:eks/nodeGroup:NodeGroup", name: "ng", props: { clusterName: "moka", remoteAccess: { ec2SshKey: "ops" } } },
    ],
    nodes: [
        { type: "aws:ec2/launchTemplate:LaunchTemplate", name: "lt", props: { metadataOptions: { httpTokens: "optional", httpPutResponseHopLimit: 3 }, networkInterfaces: [{ associatePublicIpAddress: "true" }], blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 20, encrypted: "false" } }, { deviceName: "/dev/xvdb", ebs: { volumeSize: 20 } }] } },
        { type: "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", name: "nc", props: { apiVersion: "karpenter.k8s.aws/v1", kind: "EC2NodeClass", metadata: { name: "graviton" }, spec: { metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 2 } } } },
    ],
    services: [
        { type: "kubernetes:core/v1:Service", name: "lb", props: { metadata: { name: "api", namespace: "team-a", annotations: { "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing" } }, spec: { type: "LoadBalancer", externalIPs: ["1.2.3.4"] } } },
        { type: "kubernetes:core/v1:Service", name: "np", props: { metadata: { name: "np" }, spec: { type: "NodePort" } }, provider: { type: "pulumi:providers:kubernetes", name: "k8s", props: { namespace: "team-b" } } },
    ],
    s3: [
        { type: "aws:s3/bucket:Bucket", name: "data", props: { bucket: "moka-data", serverSideEncryptionConfiguration: { rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } } } } },
        { type: "aws:s3/bucketV2:BucketV2", name: "raw", props: { bucket: "moka-raw", arn: "arn:aws:s3:::moka-raw" } },
        { type: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", name: "pab", props: { bucket: "moka-raw", blockPublicAcls: true, blockPublicPolicy: false, ignorePublicAcls: true, restrictPublicBuckets: true } },
        { type: "aws:s3/bucketLogging:BucketLogging", name: "log", props: { bucket: "moka-raw", targetBucket: "moka-data" } },
        { type: "aws:s3/bucketPolicy:BucketPolicy", name: "pol", props: { bucket: "moka-raw", policy: doc({ Sid: "Public", Effect: "Allow", Principal: { AWS: "arn:aws:iam::*:root" }, Action: "s3:GetObject", Resource: "arn:aws:s3:::moka-raw/*", Condition: { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*" } } }) } },
    ],
    iam: [
        { type: "aws:iam/role:Role", name: "vendor", props: { name: "vendor", assumeRolePolicy: doc({ Sid: "Vendor", Effect: "Allow", Principal: { AWS: ["arn:aws:iam::123123123123:root", "222222222222"] }, Action: "sts:AssumeRole" }), inlinePolicies: [{ name: "read", policy: doc({ Effect: "Allow", Action: ["secretsmanager:GetSecretValue", "s3:*"], Resource: ["arn:aws:s3:::*", "*"] }) }], managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonS3FullAccess"] }, provider: AWS },
        { type: "aws:iam/accessKey:AccessKey", name: "key", props: { user: "ci" } },
        { type: "aws:lambda/permission:Permission", name: "perm", props: { principal: "*", action: "lambda:InvokeFunction", function: "etl" } },
        { type: "aws:kms/key:Key", name: "kms", props: { bypassPolicyLockoutSafetyCheck: true, policy: doc({ Effect: "Allow", Principal: "*", Action: "kms:Decrypt", Resource: "*" }) } },
        { type: "aws:cloudwatch/logGroup:LogGroup", name: "lg", props: { name: "/moka/app" } },
    ],
};

/** The analyzer view of a stack, providers included, with every leaf path that an unknown may replace. */
function leafPaths(rs: AnalyzerResource[]): { index: number; where: "properties" | "provider"; path: (string | number)[] }[] {
    return rs.flatMap((r, index) => [
        ...nodes(r.properties, { leavesOnly: true }).map((n) => ({ index, where: "properties" as const, path: [...n.path] })),
        ...(r.provider ? nodes(r.provider.properties, { leavesOnly: true }).map((n) => ({ index, where: "provider" as const, path: [...n.path] })) : []),
    ]);
}

describe("security: issue-12 messages never show the raw preview-unknown sentinel", function () {
    this.timeout(120_000);
    for (const [label, stack] of Object.entries(STACKS)) {
        it(`${label}: every leaf unknown in turn`, async () => {
            const base = stack.map((r) => toAnalyzer(r));
            const concrete = await analyzePacks([pack], base, { config: CONFIG });
            assert.ok(concrete.filter((d) => !d.unknownValue).length >= stack.length, `the bad ${label} stack should draw its violations, got ${concrete.length}`);
            const leaks: string[] = [];
            for (const leaf of leafPaths(base)) {
                const variant = clone(base);
                const owner = variant[leaf.index];
                setAt(leaf.where === "properties" ? owner.properties : owner.provider!.properties, leaf.path, UNKNOWN);
                for (const d of await analyzePacks([pack], variant, { config: CONFIG })) {
                    if ([...UNKNOWN_SENTINELS].some((s) => d.message.includes(s))) {
                        leaks.push(`${d.policy} with ${owner.name} ${leaf.where}.${pathText(leaf.path)} unknown: ${d.message.split("\n")[1]}`);
                    }
                }
            }
            assert.deepEqual(leaks, []);
        });
    }
});
