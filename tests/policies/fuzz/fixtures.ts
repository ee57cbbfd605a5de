/**
 * THE TYPE TABLE of the policy fuzzer: every resource type a pack handles, with a realistic, valid
 * base fixture in Pulumi wire shape (@pulumi/aws v7 / @pulumi/eks v4 input names, Kubernetes
 * objects as @pulumi/kubernetes sends them, Karpenter v1 CRs). The fuzzer mutates these.
 *
 * Built by reading policies/lib/{aws,k8s,tenancy}.ts and every policies/<pack>/rules/*.ts.
 * tests/policies/fuzz.spec.ts fails when a pack's source names a type token ("aws:…", "kubernetes:…",
 * "eks:…", "pulumi:…" string literals) that is missing here, and when a Kubernetes kind the packs
 * match structurally (tenancy K8S_KINDS) has no entry, so new rules cannot escape fuzzing.
 *
 * The cost pack's generated list of 860+ taggable AWS types (policies/cost/data/aws-taggable-types.ts)
 * is covered as one family (`taggableFixture`), not row by row.
 */
import type { PackName } from "../../../preview/run";

/** Shared identifiers, drawn from small pools so that resources of one stack refer to each other. */
export interface Ctx {
    /** Namespace of a namespaced object, or a team name. */
    readonly ns: string;
    readonly otherNs: string;
    /** metadata.name / resource name. */
    readonly name: string;
    readonly bucket: string;
    readonly account: string;
    readonly region: string;
    /** Value of the `environment` tag. */
    readonly env: string;
    readonly sa: string;
    readonly image: string;
    readonly role: string;
}

export const POOLS = {
    ns: ["team-a", "team-b", "ads-ranking", "kube-system", "default", "observability", "spark-operator"],
    name: ["data", "logs", "spark", "etl", "core", "team-a", "moka-dev-data", "moka-prod-data"],
    bucket: ["moka-dev-data", "moka-dev-logs", "moka-prod-data", "team-a-scratch"],
    account: ["111111111111", "222222222222", "012345678901"],
    region: ["us-west-2", "us-east-1", "eu-central-1", "cn-north-1"],
    env: ["dev", "prod", "staging", "Production", ""],
    sa: ["spark", "app", "default", "etl"],
    image: [
        "111111111111.dkr.ecr.us-west-2.amazonaws.com/moka/spark:3.5.3",
        "111111111111.dkr.ecr.us-west-2.amazonaws.com/moka/app@sha256:" + "a".repeat(64),
        "222222222222.dkr.ecr.us-east-1.amazonaws.com/app:1.2.3",
        "public.ecr.aws/karpenter/controller:1.3.3",
        "apache/spark:3.5.3",
    ],
    role: ["moka-dev-team-team-a", "moka-dev-team-team-b", "moka-dev-karpenter", "spark-ads-ranking"],
} as const;

export type Props = Record<string, unknown>;

export interface TypeSpec {
    readonly type: string;
    /** Packs whose rules read this type (for reporting and the literal-coverage check). */
    readonly packs: readonly PackName[];
    /** A valid, realistic property map. */
    readonly base: (ctx: Ctx) => Props;
    /** The provider kind the engine attaches to such a resource. */
    readonly provider?: "aws" | "kubernetes";
    /** Paths (from the props root) that hold JSON documents; the fuzzer sends them as strings or objects. */
    readonly jsonPaths?: readonly (readonly (string | number)[])[];
    /** Property-dependency keys the engine records for this type (fuzzed to point at random/missing URNs in stacks). */
    readonly dependencyKeys?: readonly string[];
    /** Relative weight in random stacks (0: never). Defaults to 1. */
    readonly stackWeight?: number;
    /** The type itself is what a policy flags (removed Karpenter APIs): its base fixture cannot be clean. */
    readonly removedApi?: true;
}

// ---------------------------------------------------------------------------------------------
// Shared pieces
// ---------------------------------------------------------------------------------------------

export function awsTags(c: Ctx): Props {
    return { "cost-center": "cc-4711", owner: "platform", environment: c.env, team: c.ns, Name: `moka-${c.env || "x"}-${c.name}` };
}

const ecrHost = (c: Ctx) => `${c.account}.dkr.ecr.${c.region}.amazonaws.com`;
const arn = (c: Ctx, service: string, resource: string, region = "") => `arn:aws:${service}:${region}:${c.account}:${resource}`;
const oidcIssuer = (c: Ctx) => `oidc.eks.${c.region}.amazonaws.com/id/5C8A1B2F0D3E4F567890ABCDEF012345`;

export function identityDoc(c: Ctx): Props {
    return {
        Version: "2012-10-17",
        Statement: [
            { Sid: "ListBucket", Effect: "Allow", Action: ["s3:ListBucket"], Resource: [`arn:aws:s3:::${c.bucket}`], Condition: { StringLike: { "s3:prefix": [`${c.ns}/*`] } } },
            { Sid: "ReadWrite", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], Resource: `arn:aws:s3:::${c.bucket}/${c.ns}/*` },
            { Sid: "NoIam", Effect: "Deny", NotAction: ["s3:*"], Resource: "*" },
        ],
    };
}

export function podIdentityTrust(): Props {
    return { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] }] };
}

export function irsaTrust(c: Ctx): Props {
    return {
        Version: "2012-10-17",
        Statement: [{
            Effect: "Allow",
            Principal: { Federated: `arn:aws:iam::${c.account}:oidc-provider/${oidcIssuer(c)}` },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: { StringEquals: { [`${oidcIssuer(c)}:sub`]: `system:serviceaccount:${c.ns}:${c.sa}`, [`${oidcIssuer(c)}:aud`]: "sts.amazonaws.com" } },
        }],
    };
}

export function resourceDoc(c: Ctx, resource: string): Props {
    return {
        Version: "2012-10-17",
        Statement: [
            { Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [resource, `${resource}/*`], Condition: { Bool: { "aws:SecureTransport": "false" } } },
            { Sid: "OrgRead", Effect: "Allow", Principal: { AWS: "*" }, Action: ["s3:GetObject"], Resource: `${resource}/*`, Condition: { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } } },
            { Sid: "Account", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${c.account}:root` }, Action: "s3:ListBucket", Resource: resource },
        ],
    };
}

export function podSpec(c: Ctx): Props {
    return {
        serviceAccountName: c.sa,
        automountServiceAccountToken: false,
        securityContext: { runAsNonRoot: true, runAsUser: 185, fsGroup: 185, seccompProfile: { type: "RuntimeDefault" } },
        nodeSelector: { "kubernetes.io/arch": "arm64" },
        tolerations: [{ key: "moka.dev/spark-role", operator: "Equal", value: "executor", effect: "NoSchedule" }],
        initContainers: [{ name: "init", image: c.image, command: ["sh", "-c", "true"], securityContext: { allowPrivilegeEscalation: false } }],
        containers: [{
            name: "main",
            image: c.image,
            args: ["--port", "8080"],
            ports: [{ containerPort: 8080, protocol: "TCP" }],
            env: [{ name: "BUCKET", value: `s3a://${c.bucket}/` }, { name: "POD", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } }],
            securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, privileged: false, capabilities: { drop: ["ALL"] } },
            resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { memory: "1Gi" } },
            volumeMounts: [{ name: "scratch", mountPath: "/tmp" }],
        }],
        volumes: [{ name: "scratch", emptyDir: { sizeLimit: "10Gi" } }, { name: "conf", configMap: { name: "app-conf" } }],
    };
}

function meta(c: Ctx, extra: Props = {}): Props {
    return { name: c.name, namespace: c.ns, labels: { "app.kubernetes.io/name": c.name, "moka.dev/team": c.ns }, annotations: { "moka.dev/owner": "platform" }, ...extra };
}

/** A namespaced object; `viaProvider` leaves metadata.namespace out (the Kubernetes provider's namespace applies). */
function k8s(apiVersion: string, kind: string, c: Ctx, spec: Props | undefined, extra: Props = {}, viaProvider = false): Props {
    const metadata = meta(c);
    if (viaProvider) {
        delete metadata.namespace;
    }
    return { apiVersion, kind, metadata, ...(spec !== undefined ? { spec } : {}), ...extra };
}

const SYSTEM_NAMESPACES = new Set(["kube-system", "default", "observability", "spark-operator", "karpenter"]);
export const isSystemNs = (ns: string): boolean => SYSTEM_NAMESPACES.has(ns);

function template(c: Ctx): Props {
    return { metadata: { labels: { "app.kubernetes.io/name": c.name } }, spec: podSpec(c) };
}

function sparkSpec(c: Ctx): Props {
    return {
        type: "Scala",
        mode: "cluster",
        image: c.image,
        imagePullPolicy: "IfNotPresent",
        mainClass: "com.moka.Etl",
        mainApplicationFile: `s3a://${c.bucket}/jars/etl-1.0.jar`,
        sparkVersion: "3.5.3",
        batchScheduler: "yunikorn",
        batchSchedulerOptions: { queue: `root.${c.ns}` },
        sparkConf: {
            "spark.eventLog.enabled": "true",
            "spark.eventLog.dir": `s3a://${c.bucket}/spark-events/${c.ns}/`,
            "spark.kubernetes.authenticate.driver.serviceAccountName": c.sa,
        },
        restartPolicy: { type: "OnFailure", onFailureRetries: 2 },
        volumes: [{ name: "spark-local-dir-1", emptyDir: {} }],
        driver: {
            cores: 1,
            memory: "2g",
            serviceAccount: c.sa,
            labels: { queue: `root.${c.ns}`, version: "3.5.3" },
            annotations: { "yunikorn.apache.org/queue": `root.${c.ns}` },
            securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true },
            podSecurityContext: { runAsUser: 185, fsGroup: 185 },
            nodeSelector: { "moka.dev/spark-role": "driver" },
            tolerations: [{ key: "moka.dev/spark-role", operator: "Equal", value: "driver", effect: "NoSchedule" }],
            sidecars: [{ name: "otel", image: c.image, securityContext: { allowPrivilegeEscalation: false } }],
        },
        executor: {
            cores: 2,
            instances: 4,
            memory: "8g",
            serviceAccount: c.sa,
            labels: { queue: `root.${c.ns}` },
            securityContext: { allowPrivilegeEscalation: false },
            initContainers: [{ name: "fetch", image: c.image }],
        },
        dynamicAllocation: { enabled: true, minExecutors: 1, maxExecutors: 50 },
    };
}

function nodePoolSpec(c: Ctx, v1: boolean): Props {
    const graviton = c.name.length % 2 === 0;
    return {
        template: {
            metadata: { labels: { "moka.dev/pool": c.name } },
            spec: {
                nodeClassRef: v1 ? { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: c.name } : { name: c.name },
                requirements: [
                    { key: "kubernetes.io/arch", operator: "In", values: [graviton ? "arm64" : "amd64"] },
                    { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
                    { key: "karpenter.sh/capacity-type", operator: "In", values: ["spot", "on-demand"] },
                    { key: "karpenter.k8s.aws/instance-family", operator: "In", values: graviton ? ["m7g", "c7g", "r7g"] : ["m6i", "c6i", "r6i"] },
                    { key: "karpenter.k8s.aws/instance-size", operator: "NotIn", values: ["nano", "micro", "small", "metal"] },
                    { key: "karpenter.k8s.aws/instance-generation", operator: "Gt", values: ["5"] },
                ],
                taints: c.ns === "team-b" ? [{ key: "moka.dev/spark-role", value: "driver", effect: "NoSchedule" }] : [],
                expireAfter: "720h",
            },
        },
        disruption: { consolidationPolicy: "WhenEmptyOrUnderutilized", consolidateAfter: "5m", budgets: [{ nodes: "10%" }] },
        limits: { cpu: "1000", memory: "4000Gi" },
        ...(c.sa === "default" ? {} : { weight: c.sa === "spark" ? 60 : c.sa === "etl" ? 30 : 10 }),
    };
}

function nodeClassSpec(c: Ctx): Props {
    return {
        role: `KarpenterNodeRole-moka-${c.env || "dev"}`,
        amiSelectorTerms: [{ alias: "al2023@v20250505" }],
        subnetSelectorTerms: [{ tags: { "karpenter.sh/discovery": "moka" } }],
        securityGroupSelectorTerms: [{ tags: { "karpenter.sh/discovery": "moka" } }],
        metadataOptions: { httpEndpoint: "enabled", httpProtocolIPv6: "disabled", httpPutResponseHopLimit: 1, httpTokens: "required" },
        blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: "100Gi", volumeType: "gp3", encrypted: true, kmsKeyID: arn(c, "kms", "key/1234abcd", c.region), deleteOnTermination: true } }],
        associatePublicIPAddress: false,
        detailedMonitoring: false,
        tags: { "cost-center": "cc-4711", owner: "platform", environment: c.env },
    };
}

const PAB_ALL_ON = { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true };

// ---------------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------------

const ALL: readonly PackName[] = ["security", "cost", "isolation"];
const SI: readonly PackName[] = ["security", "isolation"];

const BASE_TYPES: readonly TypeSpec[] = [
    // --- EKS control plane (security eks-*; cost tags; isolation env scan) ------------------
    {
        type: "aws:eks/cluster:Cluster", packs: ALL, provider: "aws",
        base: (c) => ({
            name: `moka-${c.env || "dev"}`,
            roleArn: arn(c, "iam", "role/moka-eks-cluster"),
            version: "1.31",
            vpcConfig: { subnetIds: ["subnet-0a1", "subnet-0b2"], securityGroupIds: ["sg-0123"], endpointPrivateAccess: true, endpointPublicAccess: false, publicAccessCidrs: ["203.0.113.0/24"] },
            encryptionConfig: { resources: ["secrets"], provider: { keyArn: arn(c, "kms", "key/1234abcd", c.region) } },
            enabledClusterLogTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"],
            accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false },
            upgradePolicy: { supportType: "STANDARD" },
            tags: awsTags(c),
        }),
    },
    {
        type: "eks:index:Cluster", packs: SI,
        base: (c) => ({
            vpcId: "vpc-0abc",
            privateSubnetIds: ["subnet-0a1", "subnet-0b2"],
            publicSubnetIds: [],
            version: "1.31",
            endpointPrivateAccess: true,
            endpointPublicAccess: false,
            publicAccessCidrs: ["203.0.113.0/24"],
            encryptionConfigKeyArn: arn(c, "kms", "key/1234abcd", c.region),
            enabledClusterLogTypes: ["api", "audit", "authenticator"],
            authenticationMode: "API",
            skipDefaultNodeGroup: true,
            createOidcProvider: false,
            accessEntries: { admins: { principalArn: arn(c, "iam", "role/admin"), accessPolicies: { admin: { policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy", accessScope: { type: "cluster" } } } } },
            tags: awsTags(c),
        }),
    },
    // --- Network ----------------------------------------------------------------------------
    {
        type: "aws:ec2/securityGroup:SecurityGroup", packs: ALL, provider: "aws",
        base: (c) => ({
            name: `moka-${c.name}`,
            description: "cluster nodes",
            vpcId: "vpc-0abc",
            ingress: [
                { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.0.0.0/16"], ipv6CidrBlocks: [], description: "api" },
                { protocol: "-1", fromPort: 0, toPort: 0, self: true },
            ],
            egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"], ipv6CidrBlocks: ["::/0"] }],
            revokeRulesOnDelete: true,
            tags: awsTags(c),
        }),
    },
    {
        type: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", packs: ALL, provider: "aws",
        base: (c) => ({ vpcId: "vpc-0abc", ingress: [], egress: [], tags: awsTags(c) }),
    },
    {
        type: "aws:ec2/securityGroupRule:SecurityGroupRule", packs: SI, provider: "aws",
        base: () => ({ type: "ingress", securityGroupId: "sg-0123", protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.0.0.0/8"], ipv6CidrBlocks: [], description: "https from vpc" }),
    },
    {
        type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", packs: ALL, provider: "aws",
        base: (c) => ({ securityGroupId: "sg-0123", ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "10.0.0.0/16", description: "https", tags: awsTags(c) }),
    },
    // --- S3 ---------------------------------------------------------------------------------
    {
        type: "aws:s3/bucket:Bucket", packs: ALL, provider: "aws", stackWeight: 4, jsonPaths: [["policy"]],
        base: (c) => ({ bucket: c.bucket, forceDestroy: false, objectLockEnabled: false, tags: awsTags(c), tagsAll: awsTags(c) }),
    },
    {
        type: "aws:s3/bucketV2:BucketV2", packs: ALL, provider: "aws", stackWeight: 2, jsonPaths: [["policy"]],
        base: (c) => ({ bucket: c.bucket, forceDestroy: false, grants: [{ type: "CanonicalUser", id: "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be", permissions: ["FULL_CONTROL"] }], tags: awsTags(c) }),
    },
    ...["aws:s3/bucketAcl:BucketAcl", "aws:s3/bucketAclV2:BucketAclV2", "aws:s3/bucketAcl:BucketAclV2"].map((type): TypeSpec => ({
        type, packs: SI, provider: "aws",
        base: (c) => ({
            bucket: c.bucket,
            accessControlPolicy: {
                grants: [{ grantee: { type: "CanonicalUser", id: "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be" }, permission: "FULL_CONTROL" }],
                owner: { id: "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be" },
            },
        }),
    })),
    ...["aws:s3/bucketObject:BucketObject", "aws:s3/bucketObjectv2:BucketObjectv2"].map((type): TypeSpec => ({
        type, packs: ALL, provider: "aws",
        base: (c) => ({ bucket: c.bucket, key: `${c.ns}/config.json`, content: "{\"a\":1}", contentType: "application/json", acl: "private", serverSideEncryption: "aws:kms", tags: awsTags(c) }),
    })),
    {
        type: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", packs: SI, provider: "aws", stackWeight: 4, dependencyKeys: ["bucket"],
        base: (c) => ({ bucket: c.bucket, ...PAB_ALL_ON }),
    },
    {
        type: "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock", packs: SI, provider: "aws",
        base: (c) => ({ accountId: c.account, ...PAB_ALL_ON }),
    },
    {
        type: "aws:s3/bucketPolicy:BucketPolicy", packs: SI, provider: "aws", jsonPaths: [["policy"]], dependencyKeys: ["bucket", "policy"],
        base: (c) => ({ bucket: c.bucket, policy: resourceDoc(c, `arn:aws:s3:::${c.bucket}`) }),
    },
    // --- Data -------------------------------------------------------------------------------
    {
        type: "aws:kms/key:Key", packs: ALL, provider: "aws", stackWeight: 2, jsonPaths: [["policy"]],
        base: (c) => ({
            description: `moka ${c.name}`,
            enableKeyRotation: true,
            rotationPeriodInDays: 365,
            deletionWindowInDays: 30,
            keyUsage: "ENCRYPT_DECRYPT",
            customerMasterKeySpec: "SYMMETRIC_DEFAULT",
            isEnabled: true,
            multiRegion: false,
            bypassPolicyLockoutSafetyCheck: false,
            policy: { Version: "2012-10-17", Statement: [{ Sid: "Root", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${c.account}:root` }, Action: "kms:*", Resource: "*" }] },
            tags: awsTags(c),
        }),
    },
    {
        type: "aws:sqs/queue:Queue", packs: ALL, provider: "aws", jsonPaths: [["policy"]],
        base: (c) => ({
            name: `moka-${c.env || "dev"}-karpenter-interruption`,
            messageRetentionSeconds: 300,
            sqsManagedSseEnabled: true,
            visibilityTimeoutSeconds: 30,
            policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: ["events.amazonaws.com", "sqs.amazonaws.com"] }, Action: "sqs:SendMessage", Resource: arn(c, "sqs", "moka-q", c.region) }] },
            tags: awsTags(c),
        }),
    },
    {
        type: "aws:sqs/queuePolicy:QueuePolicy", packs: SI, provider: "aws", jsonPaths: [["policy"]],
        base: (c) => ({ queueUrl: `https://sqs.${c.region}.amazonaws.com/${c.account}/moka-q`, policy: resourceDoc(c, arn(c, "sqs", "moka-q", c.region)) }),
    },
    {
        type: "aws:ecr/repository:Repository", packs: ALL, provider: "aws", stackWeight: 2,
        base: (c) => ({
            name: `moka/${c.name}`,
            imageTagMutability: "IMMUTABLE",
            imageScanningConfiguration: { scanOnPush: true },
            encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: arn(c, "kms", "key/1234abcd", c.region) }],
            forceDelete: false,
            repositoryUrl: `${ecrHost(c)}/moka/${c.name}`,
            arn: arn(c, "ecr", `repository/moka/${c.name}`, c.region),
            registryId: c.account,
            tags: awsTags(c),
        }),
    },
    {
        type: "aws:ecr/repositoryPolicy:RepositoryPolicy", packs: SI, provider: "aws", jsonPaths: [["policy"]],
        base: (c) => ({ repository: `moka/${c.name}`, policy: resourceDoc(c, arn(c, "ecr", `repository/moka/${c.name}`, c.region)) }),
    },
    {
        type: "aws:sns/topicPolicy:TopicPolicy", packs: SI, provider: "aws", jsonPaths: [["policy"]],
        base: (c) => ({ arn: arn(c, "sns", "moka-alerts", c.region), policy: resourceDoc(c, arn(c, "sns", "moka-alerts", c.region)) }),
    },
    // --- IAM --------------------------------------------------------------------------------
    {
        type: "aws:iam/role:Role", packs: ALL, provider: "aws", stackWeight: 3,
        jsonPaths: [["assumeRolePolicy"], ["inlinePolicies", 0, "policy"]],
        base: (c) => ({
            name: c.role,
            path: "/",
            description: "team role",
            assumeRolePolicy: c.sa === "etl" ? irsaTrust(c) : podIdentityTrust(),
            inlinePolicies: [{ name: "data", policy: identityDoc(c) }],
            managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", arn(c, "iam", "policy/moka-team")],
            maxSessionDuration: 3600,
            tags: { ...awsTags(c), team: c.ns },
        }),
    },
    ...[
        ["aws:iam/policy:Policy", { name: "moka-team", path: "/", description: "team data access" }],
        ["aws:iam/rolePolicy:RolePolicy", { name: "data", role: "moka-dev-team-team-a" }],
        ["aws:iam/userPolicy:UserPolicy", { name: "data", user: "ci" }],
        ["aws:iam/groupPolicy:GroupPolicy", { name: "data", group: "ops" }],
    ].map(([type, extra]): TypeSpec => ({
        type: type as string, packs: ALL, provider: "aws", jsonPaths: [["policy"]],
        base: (c) => ({ ...(extra as Props), policy: identityDoc(c), ...(type === "aws:iam/policy:Policy" ? { tags: awsTags(c) } : {}) }),
    })),
    ...[
        ["aws:iam/rolePolicyAttachment:RolePolicyAttachment", { role: "moka-dev-team-team-a" }],
        ["aws:iam/userPolicyAttachment:UserPolicyAttachment", { user: "ci" }],
        ["aws:iam/groupPolicyAttachment:GroupPolicyAttachment", { group: "ops" }],
        ["aws:iam/policyAttachment:PolicyAttachment", { name: "attach", roles: ["moka-dev-team-team-a"], users: [], groups: [] }],
    ].map(([type, extra]): TypeSpec => ({
        type: type as string, packs: SI, provider: "aws", dependencyKeys: ["policyArn", "role"],
        base: (c) => ({ ...(extra as Props), policyArn: arn(c, "iam", "policy/moka-team") }),
    })),
    // --- Security pack additions (issue 12): more resource policies, S3 data protection, nodes, keys --
    {
        type: "aws:sns/topic:Topic", packs: ALL, provider: "aws", jsonPaths: [["policy"]],
        base: (c) => ({ name: `moka-${c.env || "dev"}-alerts`, kmsMasterKeyId: "alias/aws/sns", policy: resourceDoc(c, arn(c, "sns", "moka-alerts", c.region)), tags: awsTags(c) }),
    },
    {
        type: "aws:secretsmanager/secretPolicy:SecretPolicy", packs: SI, provider: "aws", jsonPaths: [["policy"]],
        base: (c) => ({ secretArn: arn(c, "secretsmanager", "secret:moka/app-AbCdEf", c.region), blockPublicPolicy: true, policy: resourceDoc(c, arn(c, "secretsmanager", "secret:moka/app-AbCdEf", c.region)) }),
    },
    {
        type: "aws:lambda/permission:Permission", packs: SI, provider: "aws",
        base: (c) => ({ action: "lambda:InvokeFunction", function: `moka-${c.name}`, principal: "events.amazonaws.com", sourceArn: arn(c, "events", `rule/moka-${c.name}`, c.region), statementId: "AllowEvents" }),
    },
    ...["aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"].map((type): TypeSpec => ({
        type, packs: SI, provider: "aws", stackWeight: 2, dependencyKeys: ["bucket"],
        base: (c) => ({ bucket: c.bucket, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: c.sa === "default" ? "AES256" : "aws:kms", kmsMasterKeyId: arn(c, "kms", "key/1234abcd", c.region) }, bucketKeyEnabled: true }] }),
    })),
    ...["aws:s3/bucketLogging:BucketLogging", "aws:s3/bucketLoggingV2:BucketLoggingV2"].map((type): TypeSpec => ({
        type, packs: SI, provider: "aws", stackWeight: 2, dependencyKeys: ["bucket", "targetBucket"],
        base: (c) => ({ bucket: c.bucket, targetBucket: "moka-dev-logs", targetPrefix: `${c.ns}/` }),
    })),
    {
        type: "aws:ec2/launchTemplate:LaunchTemplate", packs: ALL, provider: "aws", dependencyKeys: ["vpcSecurityGroupIds"],
        // The platform's system node template (components/cluster.ts): IMDSv2 only, hop limit 1, encrypted gp3 root.
        base: (c) => ({
            namePrefix: `moka-${c.env || "dev"}-system-`,
            updateDefaultVersion: true,
            metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1, instanceMetadataTags: "disabled" },
            blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 100, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" } }],
            networkInterfaces: [{ associatePublicIpAddress: "false", deviceIndex: 0 }],
            vpcSecurityGroupIds: ["sg-0123"],
            tags: awsTags(c),
        }),
    },
    {
        type: "aws:eks/nodeGroup:NodeGroup", packs: ALL, provider: "aws", stackWeight: 2,
        // The system node group; for the deployability pack's capacity rule a small one (m7g.large, or a single node) beside
        // pinned releases without requests or with too many pods.
        base: (c) => ({
            clusterName: `moka-${c.env || "dev"}`, nodeGroupNamePrefix: "system-", nodeRoleArn: arn(c, "iam", "role/moka-system-node"), subnetIds: ["subnet-0a1", "subnet-0b2"],
            version: "1.35", capacityType: "ON_DEMAND", amiType: "AL2023_ARM_64_STANDARD",
            instanceTypes: [c.sa === "spark" ? "m7g.xlarge" : c.sa === "etl" ? "m7g.2xlarge" : "m7g.large"], scalingConfig: { minSize: c.sa === "default" ? 1 : 2, desiredSize: 2, maxSize: 4 },
            labels: { "moka.dev/node-role": "system" }, taints: [{ key: "CriticalAddonsOnly", value: "true", effect: "NO_SCHEDULE" }],
            remoteAccess: { ec2SshKey: "ops", sourceSecurityGroupIds: ["sg-0bastion"] }, tags: awsTags(c),
        }),
    },
    {
        type: "aws:iam/accessKey:AccessKey", packs: SI, provider: "aws",
        base: () => ({ user: "ci", status: "Inactive" }),
    },
    ...["aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive", "aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive", "aws:iam/groupPolicyAttachmentsExclusive:GroupPolicyAttachmentsExclusive"].map((type): TypeSpec => ({
        type, packs: SI, provider: "aws",
        base: (c) => ({ ...(type.includes("/role") ? { roleName: c.role } : type.includes("/user") ? { userName: "ci" } : { groupName: "ops" }), policyArns: ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", arn(c, "iam", "policy/moka-team")] }),
    })),
    {
        type: "kubernetes:core/v1:Service", packs: SI, provider: "kubernetes", stackWeight: 2,
        base: (c) => k8s("v1", "Service", c, {
            type: c.sa === "spark" ? "LoadBalancer" : "ClusterIP",
            selector: { "app.kubernetes.io/name": c.name },
            ports: [{ name: "https", port: 443, targetPort: 8443, protocol: "TCP" }],
        }, c.sa === "spark" ? { metadata: { ...meta(c), annotations: { "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal", "service.beta.kubernetes.io/aws-load-balancer-type": "external" } } } : {}),
    },
    // --- Logs, Pod Identity -------------------------------------------------------------------
    {
        type: "aws:cloudwatch/logGroup:LogGroup", packs: ALL, provider: "aws",
        base: (c) => ({ name: c.sa === "etl" ? `/aws/eks/moka-${c.env || "dev"}/cluster` : `/moka/${c.ns}/spark`, retentionInDays: 90, logGroupClass: "STANDARD", kmsKeyId: arn(c, "kms", "key/1234abcd", c.region), skipDestroy: false, tags: awsTags(c) }),
    },
    {
        type: "aws:eks/podIdentityAssociation:PodIdentityAssociation", packs: ["cost", "isolation"], provider: "aws", stackWeight: 2,
        dependencyKeys: ["roleArn", "namespace", "targetRoleArn"],
        base: (c) => ({ clusterName: `moka-${c.env || "dev"}`, namespace: c.ns, serviceAccount: c.sa, roleArn: arn(c, "iam", `role/${c.role}`), tags: awsTags(c) }),
    },
    // --- Providers and the stack ---------------------------------------------------------------
    {
        type: "pulumi:providers:aws", packs: ALL, stackWeight: 0,
        base: (c) => ({
            region: c.region,
            allowedAccountIds: JSON.stringify([c.account]),
            defaultTags: JSON.stringify({ tags: awsTags(c) }),
            skipCredentialsValidation: "false",
            version: "7.48.0",
        }),
    },
    {
        type: "pulumi:providers:kubernetes", packs: SI, stackWeight: 0,
        base: (c) => ({ kubeconfig: "{\"apiVersion\":\"v1\",\"clusters\":[]}", namespace: c.ns, enableServerSideApply: "true", version: "4.34.2" }),
    },
    {
        type: "pulumi:pulumi:Stack", packs: ["isolation"], stackWeight: 0,
        base: (c) => ({ clusterName: `moka-${c.env || "dev"}`, dataBucket: c.bucket, teams: { [c.ns]: { queue: `root.${c.ns}`, namespace: c.ns } } }),
    },
    // --- Helm ---------------------------------------------------------------------------------
    {
        type: "kubernetes:helm.sh/v3:Release", packs: SI, provider: "kubernetes",
        base: (c) => ({
            name: c.name, chart: "oci://public.ecr.aws/karpenter/karpenter", version: "1.3.3", namespace: c.ns,
            repositoryOpts: { repo: "https://charts.example.com" }, createNamespace: false, atomic: true, timeout: 600,
            values: { replicas: 2, image: { repository: "public.ecr.aws/karpenter/controller", tag: "1.3.3" }, nodeSelector: { "moka.dev/node-role": "system" } },
        }),
    },
    {
        type: "kubernetes:helm.sh/v3:Chart", packs: SI, provider: "kubernetes",
        base: (c) => ({ chart: "spark-operator", version: "2.1.1", namespace: c.ns, fetchOpts: { repo: "https://kubeflow.github.io/spark-operator", version: "2.1.1" }, values: { webhook: { enable: true } } }),
    },
    {
        type: "kubernetes:helm.sh/v4:Chart", packs: SI, provider: "kubernetes",
        base: (c) => ({ chart: "yunikorn", version: "1.6.3", namespace: c.ns, repositoryOpts: { repo: "https://apache.github.io/yunikorn-release" }, values: { embedAdmissionController: true } }),
    },
    // --- Workloads (security pods/images; isolation service accounts) ---------------------------
    { type: "kubernetes:core/v1:Pod", packs: SI, provider: "kubernetes", stackWeight: 2, dependencyKeys: ["metadata", "spec"], base: (c) => k8s("v1", "Pod", c, podSpec(c)) },
    ...(["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"] as const).map((kind): TypeSpec => ({
        type: `kubernetes:apps/v1:${kind}`, packs: SI, provider: "kubernetes", stackWeight: kind === "Deployment" ? 2 : 1, dependencyKeys: ["metadata", "spec"],
        base: (c) => k8s("apps/v1", kind, c, { replicas: 2, selector: { matchLabels: { "app.kubernetes.io/name": c.name } }, template: template(c), ...(kind === "StatefulSet" ? { serviceName: c.name } : {}) }),
    })),
    {
        type: "kubernetes:batch/v1:Job", packs: SI, provider: "kubernetes", dependencyKeys: ["metadata", "spec"],
        base: (c) => k8s("batch/v1", "Job", c, { backoffLimit: 2, ttlSecondsAfterFinished: 3600, template: { ...template(c), spec: { ...podSpec(c), restartPolicy: "Never" } } }),
    },
    {
        type: "kubernetes:batch/v1:CronJob", packs: SI, provider: "kubernetes", dependencyKeys: ["metadata", "spec"],
        base: (c) => k8s("batch/v1", "CronJob", c, { schedule: "0 3 * * *", concurrencyPolicy: "Forbid", jobTemplate: { spec: { backoffLimit: 1, template: { ...template(c), spec: { ...podSpec(c), restartPolicy: "OnFailure" } } } } }),
    },
    {
        type: "kubernetes:core/v1:ReplicationController", packs: SI, provider: "kubernetes",
        base: (c) => k8s("v1", "ReplicationController", c, { replicas: 1, selector: { "app.kubernetes.io/name": c.name }, template: template(c) }),
    },
    {
        type: "kubernetes:sparkoperator.k8s.io/v1beta2:SparkApplication", packs: SI, provider: "kubernetes", stackWeight: 3, dependencyKeys: ["metadata", "spec"],
        base: (c) => k8s("sparkoperator.k8s.io/v1beta2", "SparkApplication", c, sparkSpec(c)),
    },
    {
        type: "kubernetes:sparkoperator.k8s.io/v1beta2:ScheduledSparkApplication", packs: SI, provider: "kubernetes", stackWeight: 2, dependencyKeys: ["metadata", "spec"],
        base: (c) => k8s("sparkoperator.k8s.io/v1beta2", "ScheduledSparkApplication", c, { schedule: "@every 1h", concurrencyPolicy: "Forbid", successfulRunHistoryLimit: 1, template: sparkSpec(c) }),
    },
    {
        // kubeflow/spark-operator v2.5.2 api/v1alpha1: server and executor are pod templates.
        type: "kubernetes:sparkoperator.k8s.io/v1alpha1:SparkConnect", packs: SI, provider: "kubernetes", stackWeight: 1, dependencyKeys: ["metadata", "spec"],
        base: (c) => k8s("sparkoperator.k8s.io/v1alpha1", "SparkConnect", c, {
            sparkVersion: "4.0.1",
            image: c.image,
            sparkConf: { "spark.kubernetes.authenticate.executor.serviceAccountName": c.sa },
            server: { cores: 1, memory: "2g", template: { metadata: { labels: { "app.kubernetes.io/name": c.name } }, spec: { ...podSpec(c), containers: [{ ...(podSpec(c).containers as Props[])[0], name: "spark-kubernetes-driver" }] } } },
            executor: { instances: 2, cores: 2, memory: "8g", template: { spec: { ...podSpec(c), containers: [{ ...(podSpec(c).containers as Props[])[0], name: "spark-kubernetes-executor" }] } } },
        }),
    },
    // --- Tenancy objects (isolation) -----------------------------------------------------------
    {
        // Tenant namespaces carry the tenant label and restricted PSA; platform namespaces carry neither.
        type: "kubernetes:core/v1:Namespace", packs: ["isolation"], provider: "kubernetes", stackWeight: 4,
        base: (c) => ({
            apiVersion: "v1", kind: "Namespace",
            metadata: {
                name: c.ns,
                labels: isSystemNs(c.ns)
                    ? { "kubernetes.io/metadata.name": c.ns }
                    : { "moka.dev/tenant": "true", "pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/audit": "restricted", "pod-security.kubernetes.io/warn": "restricted", "moka.dev/environment": c.env },
            },
        }),
    },
    {
        type: "kubernetes:core/v1:NamespacePatch", packs: ["isolation"], provider: "kubernetes",
        base: (c) => ({ apiVersion: "v1", kind: "Namespace", metadata: { name: c.ns, labels: { "pod-security.kubernetes.io/enforce": "baseline" } } }),
    },
    {
        type: "kubernetes:core/v1:ServiceAccount", packs: ["isolation"], provider: "kubernetes", stackWeight: 3, dependencyKeys: ["metadata"],
        base: (c) => ({
            apiVersion: "v1", kind: "ServiceAccount",
            metadata: { ...meta({ ...c, name: c.sa }), annotations: c.sa === "etl" || c.sa === "spark" ? { "eks.amazonaws.com/role-arn": arn(c, "iam", `role/${c.role}`) } : {} },
            automountServiceAccountToken: false,
        }),
    },
    {
        type: "kubernetes:core/v1:ResourceQuota", packs: ["isolation"], provider: "kubernetes", stackWeight: 3, dependencyKeys: ["metadata"],
        base: (c) => k8s("v1", "ResourceQuota", c, { hard: { "requests.cpu": "200", "requests.memory": "800Gi", "limits.memory": "800Gi", pods: "500" } }, {}, c.sa === "default"),
    },
    {
        type: "kubernetes:core/v1:LimitRange", packs: ["isolation"], provider: "kubernetes", stackWeight: 3, dependencyKeys: ["metadata"],
        base: (c) => k8s("v1", "LimitRange", c, { limits: [{ type: "Container", default: { cpu: "1", memory: "2Gi" }, defaultRequest: { cpu: "250m", memory: "512Mi" }, max: { memory: "64Gi" } }] }, {}, c.sa === "default"),
    },
    {
        type: "kubernetes:networking.k8s.io/v1:NetworkPolicy", packs: ["isolation"], provider: "kubernetes", stackWeight: 3, dependencyKeys: ["metadata"],
        // The default-deny forms: an empty selector written three ways; policyTypes explicit or absent (= Ingress).
        base: (c) => k8s("networking.k8s.io/v1", "NetworkPolicy", c, {
            podSelector: c.sa === "spark" ? { matchLabels: {} } : c.sa === "etl" ? { matchExpressions: [] } : {},
            ...(c.sa === "default" ? {} : { policyTypes: c.sa === "app" ? ["Ingress", "Egress"] : ["Ingress"] }),
            ...(c.sa === "app" ? { egress: [{ to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } } }], ports: [{ port: 53, protocol: "UDP" }] }] } : {}),
        }, {}, c.sa === "default"),
    },
    {
        type: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", packs: ["isolation"], provider: "kubernetes", stackWeight: 2,
        base: (c) => ({ apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: `moka-${c.name}-read` }, rules: [{ apiGroups: [""], resources: ["pods", "pods/log"], verbs: ["get", "list", "watch"] }] }),
    },
    {
        type: "kubernetes:rbac.authorization.k8s.io/v1:Role", packs: ["isolation"], provider: "kubernetes", dependencyKeys: ["metadata"],
        // The "etl" variant may read Secrets (a dangerous right once bound to a tenant ServiceAccount).
        base: (c) => ({
            apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata: meta(c),
            rules: [
                { apiGroups: ["sparkoperator.k8s.io"], resources: ["sparkapplications"], verbs: ["get", "list", "create", "delete"] },
                ...(c.sa === "etl" ? [{ apiGroups: [""], resources: ["secrets"], verbs: ["get", "list"] }] : []),
            ],
        }),
    },
    {
        type: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", packs: ["isolation"], provider: "kubernetes", stackWeight: 2, dependencyKeys: ["roleRef", "subjects"],
        base: (c) => ({
            apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding", metadata: { name: `moka-${c.name}-read` },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: `moka-${c.name}-read` },
            subjects: [{ kind: "ServiceAccount", name: "karpenter", namespace: "karpenter" }, { kind: "Group", name: "moka:platform-admins", apiGroup: "rbac.authorization.k8s.io" }],
        }),
    },
    {
        type: "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", packs: ["isolation"], provider: "kubernetes", stackWeight: 3, dependencyKeys: ["roleRef", "subjects", "metadata"],
        base: (c) => ({
            apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding", metadata: meta(c),
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: c.sa === "etl" ? "ClusterRole" : "Role", name: c.sa === "etl" ? "view" : c.name },
            subjects: [{ kind: "ServiceAccount", name: c.sa, namespace: c.ns }, { kind: "User", name: `system:serviceaccount:${c.ns}:${c.sa}` }],
        }),
    },
    { type: "kubernetes:core/v1:ConfigMap", packs: ["isolation"], provider: "kubernetes", base: (c) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: meta(c), data: { "spark-defaults.conf": `spark.eventLog.dir s3a://${c.bucket}/events` } }) },
    // --- Karpenter (cost nodepool-*; security karpenter-*) -------------------------------------
    { type: "kubernetes:karpenter.sh/v1:NodePool", packs: ALL, provider: "kubernetes", stackWeight: 3, base: (c) => ({ apiVersion: "karpenter.sh/v1", kind: "NodePool", metadata: { name: c.name }, spec: nodePoolSpec(c, true) }) },
    { type: "kubernetes:karpenter.sh/v1beta1:NodePool", packs: ALL, provider: "kubernetes", base: (c) => ({ apiVersion: "karpenter.sh/v1beta1", kind: "NodePool", metadata: { name: c.name }, spec: nodePoolSpec(c, false) }) },
    {
        type: "kubernetes:karpenter.sh/v1beta1:NodeClaim", packs: SI, provider: "kubernetes",
        base: (c) => ({ apiVersion: "karpenter.sh/v1beta1", kind: "NodeClaim", metadata: { name: `${c.name}-x7k2p` }, spec: { nodeClassRef: { name: c.name }, requirements: [{ key: "kubernetes.io/arch", operator: "In", values: ["arm64"] }] } }),
    },
    { type: "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", packs: ALL, provider: "kubernetes", stackWeight: 2, base: (c) => ({ apiVersion: "karpenter.k8s.aws/v1", kind: "EC2NodeClass", metadata: { name: c.name }, spec: nodeClassSpec(c) }) },
    { type: "kubernetes:karpenter.k8s.aws/v1beta1:EC2NodeClass", packs: ALL, provider: "kubernetes", base: (c) => ({ apiVersion: "karpenter.k8s.aws/v1beta1", kind: "EC2NodeClass", metadata: { name: c.name }, spec: { ...nodeClassSpec(c), amiFamily: "AL2023" } }) },
    {
        type: "kubernetes:karpenter.k8s.aws/v1alpha1:AWSNodeTemplate", packs: SI, provider: "kubernetes", removedApi: true,
        base: (c) => ({ apiVersion: "karpenter.k8s.aws/v1alpha1", kind: "AWSNodeTemplate", metadata: { name: c.name }, spec: { subnetSelector: { "karpenter.sh/discovery": "moka" }, securityGroupSelector: { "karpenter.sh/discovery": "moka" }, metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 2 }, blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: "50Gi", encrypted: true } }] } }),
    },
    {
        type: "kubernetes:karpenter.sh/v1alpha5:Provisioner", packs: SI, provider: "kubernetes", removedApi: true,
        base: (c) => ({ apiVersion: "karpenter.sh/v1alpha5", kind: "Provisioner", metadata: { name: c.name }, spec: { limits: { resources: { cpu: "1000" } }, providerRef: { name: c.name }, ttlSecondsAfterEmpty: 30 } }),
    },
    {
        type: "kubernetes:karpenter.sh/v1alpha5:Machine", packs: SI, provider: "kubernetes", removedApi: true,
        base: (c) => ({ apiVersion: "karpenter.sh/v1alpha5", kind: "Machine", metadata: { name: `${c.name}-m1` }, spec: { machineTemplateRef: { name: c.name } } }),
    },
];

// --- The deployability pack (issue 10): the API path, image producers, system-node capacity ---------
const ACD: readonly PackName[] = ["security", "cost", "isolation", "deployability"];
const CD: readonly PackName[] = ["cost", "deployability"];
const D: readonly PackName[] = ["deployability"];
const vpcId = "vpc-0abc";

const DEPLOYABILITY_FIXTURES: readonly TypeSpec[] = [
    { type: "aws:ec2/vpc:Vpc", packs: ACD, provider: "aws", base: (c) => ({ cidrBlock: "10.40.0.0/16", enableDnsSupport: true, enableDnsHostnames: true, tags: awsTags(c) }) },
    { type: "aws:ec2/vpcIpv4CidrBlockAssociation:VpcIpv4CidrBlockAssociation", packs: D, provider: "aws", dependencyKeys: ["vpcId"], base: () => ({ vpcId, cidrBlock: "100.64.0.0/16" }) },
    { type: "aws:ec2/subnet:Subnet", packs: ACD, provider: "aws", base: (c) => ({ vpcId, cidrBlock: "10.40.0.0/19", availabilityZone: `${c.region}a`, mapPublicIpOnLaunch: false, tags: { ...awsTags(c), "karpenter.sh/discovery": `moka-${c.env || "dev"}` } }) },
    { type: "aws:ec2/route:Route", packs: D, provider: "aws", stackWeight: 2, dependencyKeys: ["routeTableId"], base: (c) => ({ routeTableId: "rtb-0abc", destinationCidrBlock: c.sa === "etl" ? "0.0.0.0/0" : "10.255.0.0/24", ...(c.sa === "etl" ? { natGatewayId: "nat-0abc" } : { transitGatewayId: "tgw-0123456789abcdef0" }) }) },
    { type: "aws:ec2/routeTable:RouteTable", packs: CD, provider: "aws", base: (c) => ({ vpcId, routes: [{ cidrBlock: "10.255.0.0/24", transitGatewayId: "tgw-0123456789abcdef0" }], tags: awsTags(c) }) },
    { type: "aws:ec2/routeTableAssociation:RouteTableAssociation", packs: D, provider: "aws", stackWeight: 2, dependencyKeys: ["routeTableId", "subnetId"], base: () => ({ routeTableId: "rtb-0abc", subnetId: "subnet-0a1" }) },
    { type: "aws:ec2/vpnGatewayRoutePropagation:VpnGatewayRoutePropagation", packs: D, provider: "aws", dependencyKeys: ["routeTableId"], base: () => ({ routeTableId: "rtb-0abc", vpnGatewayId: "vgw-0123456789abcdef0" }) },
    // The API path's transit gateway: security group referencing across it (off by default for the gateway).
    { type: "aws:ec2transitgateway/vpcAttachment:VpcAttachment", packs: CD, provider: "aws", dependencyKeys: ["vpcId", "subnetIds"], base: (c) => ({ transitGatewayId: "tgw-0123456789abcdef0", vpcId, subnetIds: ["subnet-0a1"], dnsSupport: "enable", ...(c.sa === "etl" ? { securityGroupReferencingSupport: "disable" } : {}), tags: awsTags(c) }) },
    { type: "aws:ec2transitgateway/transitGateway:TransitGateway", packs: CD, provider: "aws", base: (c) => ({ description: "shared", securityGroupReferencingSupport: c.sa === "spark" ? "enable" : "disable", tags: awsTags(c) }) },
    {
        type: "kubernetes:crd.k8s.amazonaws.com/v1alpha1:ENIConfig", packs: D, provider: "kubernetes", dependencyKeys: ["spec"],
        base: (c) => ({ apiVersion: "crd.k8s.amazonaws.com/v1alpha1", kind: "ENIConfig", metadata: { name: `${c.region}a` }, spec: { subnet: "subnet-0p1", securityGroups: ["sg-0123"] } }),
    },
    {
        type: "aws:eks/addon:Addon", packs: CD, provider: "aws",
        base: (c) => ({
            clusterName: `moka-${c.env || "dev"}`, addonName: c.sa === "etl" ? "coredns" : c.sa === "app" ? "kube-proxy" : "vpc-cni", resolveConflictsOnCreate: "OVERWRITE",
            configurationValues: c.sa === "etl" ? JSON.stringify({ replicaCount: 3 }) : JSON.stringify({ env: { AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: "true" } }), tags: awsTags(c),
        }),
    },
    { type: "aws:ecr/pullThroughCacheRule:PullThroughCacheRule", packs: D, provider: "aws", base: (c) => ({ ecrRepositoryPrefix: c.sa === "spark" ? "moka" : "ecr-public", upstreamRegistryUrl: "public.ecr.aws" }) },
    {
        type: "docker-build:index:Image", packs: D, dependencyKeys: ["tags"],
        base: (c) => ({ tags: [c.image.replace(/@sha256:[0-9a-f]+$/, ":1.0")], push: c.sa !== "default", platforms: ["linux/amd64", "linux/arm64"], context: { location: "images/spark" }, buildOnPreview: false }),
    },
];

/** Types the deployability pack reads besides its own (policies/lib/deployability): the pack is fuzzed on them too. */
const READ_BY_DEPLOYABILITY = new Set([
    "aws:eks/cluster:Cluster", "eks:index:Cluster", "aws:ec2/securityGroup:SecurityGroup", "aws:ec2/securityGroupRule:SecurityGroupRule",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "aws:ecr/repository:Repository", "kubernetes:helm.sh/v3:Release",
    "aws:ec2/launchTemplate:LaunchTemplate", "aws:eks/nodeGroup:NodeGroup",
    "kubernetes:core/v1:Pod", "kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:StatefulSet", "kubernetes:apps/v1:DaemonSet", "kubernetes:apps/v1:ReplicaSet",
    "kubernetes:sparkoperator.k8s.io/v1beta2:SparkApplication", "kubernetes:karpenter.sh/v1:NodePool", "kubernetes:karpenter.sh/v1beta1:NodePool",
]);

export const TYPE_TABLE: readonly TypeSpec[] = [...BASE_TYPES, ...DEPLOYABILITY_FIXTURES].map((t) =>
    (READ_BY_DEPLOYABILITY.has(t.type) && !t.packs.includes("deployability") ? { ...t, packs: [...t.packs, "deployability"] } : t));

/** The generic fixture for any type in the cost pack's generated taggable list. */
export function taggableFixture(c: Ctx): Props {
    return { name: `moka-${c.env || "dev"}-${c.name}`, description: "generic taggable resource", tags: awsTags(c), tagsAll: awsTags(c) };
}

export const TYPES_BY_NAME: ReadonlyMap<string, TypeSpec> = new Map(TYPE_TABLE.map((t) => [t.type, t]));
