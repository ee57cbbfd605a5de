/**
 * Real SDK shapes: programs built with @pulumi/aws v7, @pulumi/eks v4 and @pulumi/kubernetes classes run
 * under mocks, their registrations converted to analyzer resources exactly as the offline preview does,
 * and the whole security pack evaluated. A "bad" program must draw exactly the expected mandatory
 * diagnostics; its corrected twin none.
 */
import { strict as assert } from "assert";
import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { securityPack } from "../../../policies/security/pack";
import { analyzePacks, Diagnostic, mandatory, toAnalyzerResources } from "../../../preview/analyze";
import { RecordedResource, runUnderMocks } from "../../../preview/mocks";
import { effectiveTags, providerDefaultTags } from "../../../policies/lib/tags";

const CONFIG = { "aws:region": "us-west-2", "moka:accountId": "111111111111" };
const ECR_HOST = "111111111111.dkr.ecr.us-west-2.amazonaws.com";
/** Pins the date eks-version-supported judges against, so the verdicts do not move with the calendar. */
const PACK_CONFIG = { "eks-version-supported": { today: "2026-12-06" } };
const ALL_ON = { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true };

function program(bad: boolean) {
    return () => {
        const awsp = new aws.Provider("aws", { region: "us-west-2", allowedAccountIds: ["111111111111"], defaultTags: { tags: { team: "platform" } } });
        const o = { provider: awsp };
        const key = new aws.kms.Key("key", { enableKeyRotation: !bad, deletionWindowInDays: 7, ...(bad ? { bypassPolicyLockoutSafetyCheck: true } : {}) }, o);

        new eks.Cluster("cluster", {
            version: bad ? "1.29" : "1.35",
            vpcId: "vpc-1",
            privateSubnetIds: ["subnet-a", "subnet-b"],
            skipDefaultNodeGroup: true,
            ...(bad
                ? {}
                : {
                    endpointPrivateAccess: true,
                    endpointPublicAccess: false,
                    encryptionConfigKeyArn: key.arn,
                    enabledClusterLogTypes: ["api", "audit", "authenticator"],
                    authenticationMode: eks.AuthenticationMode.Api,
                }),
        });
        new aws.eks.Cluster("raw", {
            roleArn: "arn:aws:iam::111111111111:role/eks",
            vpcConfig: bad ? { subnetIds: ["subnet-a"], endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/0"] } : { subnetIds: ["subnet-a"], endpointPrivateAccess: true, endpointPublicAccess: false },
            ...(bad ? {} : {
                encryptionConfig: { resources: ["secrets"], provider: { keyArn: key.arn } },
                enabledClusterLogTypes: ["api", "audit", "authenticator"],
                accessConfig: { authenticationMode: "API" },
            }),
        }, o);

        const tlsDeny = (arn: string) => ({ Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [arn, `${arn}/*`], Condition: { Bool: { "aws:SecureTransport": "false" } } });
        const logs = bad ? undefined : new aws.s3.Bucket("logs", { policy: pulumi.interpolate`${JSON.stringify({ Version: "2012-10-17", Statement: [tlsDeny("arn:aws:s3:::moka-logs")] })}`, bucket: "moka-logs" }, o);
        if (logs) {
            new aws.s3.BucketPublicAccessBlock("logs-pab", { bucket: logs.id, ...ALL_ON }, o);
        }
        const bucket = new aws.s3.Bucket("data", { acl: bad ? "public-read" : "private" }, o);
        new aws.s3.BucketPublicAccessBlock("data-pab", { bucket: bucket.id, ...ALL_ON, ...(bad ? { blockPublicPolicy: false } : {}) }, o);
        if (logs) {
            // Separate resources for the data bucket; the lonely bucket uses the (deprecated) inline inputs.
            new aws.s3.BucketServerSideEncryptionConfiguration("data-sse", { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn } }] }, o);
            new aws.s3.BucketLogging("data-logging", { bucket: bucket.id, targetBucket: logs.id, targetPrefix: "data/" }, o);
        }
        const lonely = new aws.s3.Bucket("lonely", bad ? {} : {
            bucket: "moka-lonely",
            policy: JSON.stringify({ Version: "2012-10-17", Statement: [tlsDeny("arn:aws:s3:::moka-lonely")] }),
            serverSideEncryptionConfiguration: { rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } } },
            logging: { targetBucket: "moka-logs", targetPrefix: "lonely/" },
        }, o);
        if (!bad) {
            new aws.s3.BucketPublicAccessBlock("lonely-pab", { bucket: lonely.bucket, ...ALL_ON }, o);
        }
        new aws.s3.BucketPolicy("data-policy", {
            bucket: bucket.id,
            policy: bucket.arn.apply((arn) => JSON.stringify({
                Version: "2012-10-17",
                Statement: [
                    { Effect: "Allow", Principal: bad ? "*" : { AWS: "arn:aws:iam::111111111111:root" }, Action: "s3:*", Resource: [arn, `${arn}/*`] },
                    ...(bad ? [] : [tlsDeny(arn)]),
                ],
            })),
        }, o);

        // Nodes outside Karpenter: a launch template and a managed node group.
        new aws.ec2.LaunchTemplate("lt", bad
            ? { metadataOptions: { httpTokens: "optional", httpPutResponseHopLimit: 2 }, networkInterfaces: [{ associatePublicIpAddress: "true" }], blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 50 } }] }
            : { metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 }, networkInterfaces: [{ associatePublicIpAddress: "false" }], blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 50, encrypted: "true" } }] }, o);
        new aws.eks.NodeGroup("ng", {
            clusterName: "moka", nodeRoleArn: "arn:aws:iam::111111111111:role/node", subnetIds: ["subnet-a"], scalingConfig: { minSize: 1, maxSize: 1, desiredSize: 1 },
            remoteAccess: { ec2SshKey: "ops", ...(bad ? {} : { sourceSecurityGroupIds: ["sg-bastion"] }) },
        }, o);
        new aws.cloudwatch.LogGroup("app-logs", { retentionInDays: 30, ...(bad ? {} : { kmsKeyId: key.arn }) }, o);
        if (bad) {
            new aws.iam.AccessKey("ci-key", { user: "ci" }, o);
        }
        // IAM reach: a broad managed policy, a sensitive action on every resource, a whole foreign account trusted.
        new aws.iam.RolePolicyAttachment("s3-attach", { role: "app", policyArn: `arn:aws:iam::aws:policy/${bad ? "AmazonS3FullAccess" : "AmazonS3ReadOnlyAccess"}` }, o);
        new aws.iam.Policy("secrets", {
            policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: bad ? "*" : "arn:aws:secretsmanager:us-west-2:111111111111:secret:moka/app-*" }] },
        }, o);
        new aws.iam.Role("vendor", {
            assumeRolePolicy: JSON.stringify({
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::222222222222:root" }, Action: "sts:AssumeRole", ...(bad ? {} : { Condition: { StringEquals: { "sts:ExternalId": "moka-7f3a" } } }) }],
            }),
        }, o);

        new aws.sqs.Queue("q", bad ? { sqsManagedSseEnabled: false } : {}, o);
        new aws.ecr.Repository("repo", bad ? {} : { imageTagMutability: "IMMUTABLE", imageScanningConfiguration: { scanOnPush: true } }, o);
        new aws.ec2.SecurityGroup("sg", { vpcId: "vpc-1", ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: [bad ? "0.0.0.0/0" : "10.0.0.0/8"] }] }, o);
        new aws.vpc.SecurityGroupIngressRule("rule", { securityGroupId: "sg-1", ipProtocol: "tcp", fromPort: 22, toPort: 22, ...(bad ? { cidrIpv6: "::/0" } : { cidrIpv4: "10.0.0.0/8" }) }, o);

        new aws.iam.Policy("admin", {
            policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: bad ? ["*"] : ["s3:GetObject"], Resource: bad ? "*" : [pulumi.interpolate`${bucket.arn}/*`] }] },
        }, o);
        const issuer = "oidc.eks.us-west-2.amazonaws.com/id/ABC";
        new aws.iam.Role("irsa", {
            assumeRolePolicy: JSON.stringify({
                Version: "2012-10-17",
                Statement: [{
                    Effect: "Allow",
                    Principal: { Federated: `arn:aws:iam::111111111111:oidc-provider/${issuer}` },
                    Action: "sts:AssumeRoleWithWebIdentity",
                    Condition: bad
                        ? { StringLike: { [`${issuer}:sub`]: "system:serviceaccount:*:*" } }
                        : { StringEquals: { [`${issuer}:sub`]: "system:serviceaccount:spark:driver", [`${issuer}:aud`]: "sts.amazonaws.com" } },
                }],
            }),
        }, o);

        const kp = { provider: new k8s.Provider("k8s", { kubeconfig: "{}" }) };
        new k8s.apps.v1.Deployment("app", {
            metadata: { name: "app", namespace: "analytics" },
            spec: {
                selector: { matchLabels: { app: "app" } },
                template: {
                    metadata: { labels: { app: "app" } },
                    spec: {
                        hostNetwork: bad,
                        containers: [{ name: "app", image: bad ? "nginx" : `${ECR_HOST}/moka/app:1.0.0`, securityContext: { privileged: bad, allowPrivilegeEscalation: false } }],
                    },
                },
            },
        }, kp);
        new k8s.core.v1.Service("svc", {
            metadata: { name: "app", namespace: "analytics", annotations: bad ? {} : { "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal" } },
            spec: { type: "LoadBalancer", selector: { app: "app" }, ports: [{ port: 443, targetPort: 8443 }] },
        }, kp);
        new k8s.helm.v3.Release("chart", { chart: "karpenter", repositoryOpts: { repo: "oci://public.ecr.aws/karpenter" }, version: bad ? "^1.6" : "1.6.3", namespace: "karpenter" }, kp);
        new k8s.apiextensions.CustomResource("nodeclass", {
            apiVersion: "karpenter.k8s.aws/v1",
            kind: "EC2NodeClass",
            metadata: { name: "default" },
            spec: {
                role: "node",
                amiSelectorTerms: [{ alias: "al2023@latest" }],
                ...(bad
                    ? {
                        metadataOptions: { httpTokens: "optional", httpPutResponseHopLimit: 3 },
                        blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: "100Gi" } }],
                        associatePublicIPAddress: true,
                    }
                    : {}),
            },
        }, kp);
        if (bad) {
            new k8s.apiextensions.CustomResource("provisioner", { apiVersion: "karpenter.sh/v1alpha5", kind: "Provisioner", metadata: { name: "default" }, spec: {} }, kp);
        }
        return {};
    };
}

/**
 * Runs the pack the way the engine does (Analyze per resource, then AnalyzeStack) and returns
 * "policy @ resource" lines. Analyze responses carry no URN, so each resource is analyzed on its own
 * to attribute its diagnostics.
 */
async function evaluate(recorded: RecordedResource[]): Promise<{ lines: string[]; all: Diagnostic[] }> {
    const resources = toAnalyzerResources(recorded);
    const all: Diagnostic[] = [];
    const lines: string[] = [];
    const resourcePolicies = { ...securityPack, policies: securityPack.policies.filter((p) => !("validateStack" in p)) };
    for (const r of resources) {
        const ds = await analyzePacks([resourcePolicies], [r], { config: PACK_CONFIG });
        all.push(...ds);
        lines.push(...ds.map((d) => `${d.policy} @ ${r.name}${d.enforcementLevel === "mandatory" ? "" : ` (${d.enforcementLevel})`}`));
    }
    const stack = await analyzePacks([securityPack], resources, { perResource: false, config: PACK_CONFIG });
    all.push(...stack);
    lines.push(...stack.map((d) => `${d.policy} @ ${d.resourceName ?? "?"}${d.enforcementLevel === "mandatory" ? "" : ` (${d.enforcementLevel})`}`));
    return { lines: lines.sort(), all };
}

describe("security pack on real SDK shapes (mocks)", () => {
    let badResources: RecordedResource[];
    let goodResources: RecordedResource[];
    let bad: { lines: string[]; all: Diagnostic[] };
    let good: { lines: string[]; all: Diagnostic[] };

    before(async () => {
        badResources = (await runUnderMocks({ stack: "test", config: CONFIG, program: program(true) })).resources;
        goodResources = (await runUnderMocks({ stack: "test", config: CONFIG, program: program(false) })).resources;
        bad = await evaluate(badResources);
        good = await evaluate(goodResources);
    });

    it("the bad program draws exactly the expected mandatory diagnostics", () => {
        assert.deepEqual(bad.lines, [
            "cloudwatch-log-group-kms-encrypted @ app-logs (advisory)",
            "ec2-launch-template-ebs-encrypted @ lt",
            "ec2-launch-template-imds-hardened @ lt",
            "ec2-launch-template-no-public-ip @ lt",
            "ecr-immutable-tags @ repo",
            "ecr-scan-on-push @ repo",
            "eks-auth-mode-api @ cluster",
            "eks-auth-mode-api @ raw",
            "eks-control-plane-logging @ cluster",
            "eks-control-plane-logging @ raw",
            "eks-endpoint-private @ cluster",
            "eks-endpoint-private @ raw",
            "eks-node-group-ssh-restricted @ ng",
            "eks-secrets-encrypted @ cluster",
            "eks-secrets-encrypted @ raw",
            "eks-version-supported @ cluster (advisory)",
            "helm-release-version-pinned @ chart",
            "iam-cross-account-trust-pinned @ vendor",
            "iam-no-user-access-keys @ ci-key (advisory)",
            "iam-no-wildcard-permissions @ admin",
            "iam-no-wildcard-permissions @ s3-attach",
            "iam-sensitive-actions-scoped @ secrets",
            "iam-web-identity-sub-pinned @ irsa",
            "image-registry-allowed @ app",
            "image-tag-pinned @ app",
            "karpenter-ebs-encrypted @ nodeclass",
            "karpenter-imds-hardened @ nodeclass",
            "karpenter-imds-hardened @ nodeclass",
            "karpenter-no-public-ip @ nodeclass",
            "karpenter-removed-api @ provisioner",
            "kms-key-rotation @ key",
            "kms-no-lockout-bypass @ key",
            "pod-no-host-access @ app",
            "pod-no-privileged-containers @ app",
            "resource-policy-no-public-access @ data-policy",
            "s3-bucket-data-protection @ data (advisory)",
            "s3-bucket-data-protection @ lonely (advisory)",
            "s3-bucket-public-access-block @ data",
            "s3-bucket-public-access-block @ lonely",
            "s3-no-public-acl @ data",
            "s3-public-access-block-enabled @ data-pab",
            "service-no-public-exposure @ svc",
            "sg-no-public-ingress @ rule",
            "sg-no-public-ingress @ sg",
            "sqs-sse-enabled @ q",
        ]);
    });

    it("the corrected twin draws no diagnostics at all", () => {
        assert.deepEqual(good.lines, []);
    });

    it("links the public access block through the property dependency of bucket.id", () => {
        const pab = goodResources.find((r) => r.name === "data-pab")!;
        const bucket = goodResources.find((r) => r.name === "data")!;
        assert.deepEqual(pab.propertyDependencies.bucket, [bucket.urn]);
    });

    it("sees provider allowedAccountIds and defaultTags as the JSON strings the engine stores", () => {
        const provider = goodResources.find((r) => r.type === "pulumi:providers:aws")!;
        assert.equal(typeof provider.wire.allowedAccountIds, "string");
        assert.equal(typeof provider.wire.defaultTags, "string");
        assert.deepEqual(providerDefaultTags(provider.wire), { team: "platform" });
        const key = toAnalyzerResources(goodResources).find((r) => r.name === "key")!;
        assert.deepEqual(effectiveTags(key.properties, key.provider?.properties), { team: "platform" });
        const msg = mandatory(bad.all).find((d) => d.policy === "image-registry-allowed")!.message;
        assert.match(msg, /111111111111\.dkr\.ecr\.us-west-2\.amazonaws\.com/);
    });
});
