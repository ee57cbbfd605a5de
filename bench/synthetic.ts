/**
 * Synthetic stacks for the AnalyzeStack scaling benchmark: a deterministic, realistic mix of the
 * resources the platform and app-team stacks hold, in the wire shapes the engine sends analyzers
 * (the same shapes the offline preview records for the prod stack: provider inputs as JSON strings,
 * IAM documents as JSON strings, Kubernetes objects with apiVersion/kind/metadata, property
 * dependencies linking blocks to buckets, bindings to roles, associations to IAM roles).
 *
 * A stack is two providers, a shared ECR repository, a ClusterRole, then one "team bundle" per
 * tenant (namespace + quota + limit range + network policies + service account + Role/RoleBinding,
 * IAM role + inline and managed policies + Pod Identity association, S3 bucket + public access
 * block + KMS key + log group, security group, EC2NodeClass + NodePool, Deployment, two
 * SparkApplications), cut to exactly `n` resources. A few bundles carry deliberate violations
 * (a weak public access block, an `edit` RoleBinding, a foreign queue) so reporting paths run too.
 *
 * The default environment is `dev`: the non-prod stack policy (nonprod-no-prod-references) then
 * scans every property of every resource, the most expensive AnalyzeStack path.
 */
import type { AnalyzerResource } from "../preview/analyze";

export interface SyntheticOptions {
    /** Stack name in URNs and the environment tag. Defaults to "dev". */
    readonly environment?: string;
    /** AWS account id. Defaults to "222222222222". */
    readonly accountId?: string;
    /** AWS region. Defaults to "us-west-2". */
    readonly region?: string;
}

/** Resources per team bundle (see teamBundle). */
export const BUNDLE_SIZE = 23;

const PROJECT = "moka";
const K8S_PROVIDER_TYPE = "pulumi:providers:kubernetes";
const AWS_PROVIDER_TYPE = "pulumi:providers:aws";

interface Ctx {
    readonly env: string;
    readonly acct: string;
    readonly region: string;
    readonly baseName: string;
    readonly tags: Record<string, string>;
    readonly awsProvider: NonNullable<AnalyzerResource["provider"]>;
    readonly k8sProvider: NonNullable<AnalyzerResource["provider"]>;
}

function urn(ctx: Ctx, type: string, name: string, parentType?: string): string {
    return `urn:pulumi:${ctx.env}::${PROJECT}::${parentType ? `${parentType}$` : ""}${type}::${name}`;
}

function res(
    ctx: Ctx,
    type: string,
    name: string,
    properties: Record<string, unknown>,
    extra: { parent?: AnalyzerResource; deps?: Record<string, readonly AnalyzerResource[]>; protect?: boolean; provider?: "aws" | "k8s" | "none" } = {},
): AnalyzerResource {
    const propertyDependencies: Record<string, string[]> = {};
    for (const k of Object.keys(properties)) {
        propertyDependencies[k] = [];
    }
    const dependencies = new Set<string>();
    for (const [k, rs] of Object.entries(extra.deps ?? {})) {
        propertyDependencies[k] = rs.map((r) => r.urn);
        rs.forEach((r) => dependencies.add(r.urn));
    }
    const providerKind = extra.provider ?? (type.startsWith("kubernetes:") ? "k8s" : type.startsWith("aws:") ? "aws" : "none");
    return {
        urn: urn(ctx, type, name, extra.parent?.type),
        type,
        name,
        properties,
        parent: extra.parent?.urn,
        protect: extra.protect ?? false,
        dependencies: [...dependencies],
        propertyDependencies,
        provider: providerKind === "aws" ? ctx.awsProvider : providerKind === "k8s" ? ctx.k8sProvider : undefined,
    };
}

function k8sMeta(name: string, namespace: string | undefined, team: string | undefined, extraLabels: Record<string, string> = {}): Record<string, unknown> {
    return {
        name,
        ...(namespace ? { namespace } : {}),
        labels: { "app.kubernetes.io/managed-by": "pulumi", ...(team ? { "moka.dev/team": team } : {}), ...extraLabels },
    };
}

function makeContext(opts: SyntheticOptions): Ctx {
    const env = opts.environment ?? "dev";
    const acct = opts.accountId ?? "222222222222";
    const region = opts.region ?? "us-west-2";
    const baseName = `moka-${env}`;
    const tags = { "cost-center": "data-platform", environment: env, "managed-by": "pulumi", owner: "platform-team@example.com" };
    const kubeconfig = JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: baseName, cluster: { server: `https://${baseName}.gr7.${region}.eks.amazonaws.com`, "certificate-authority-data": "bW9jaw==" } }],
        contexts: [{ name: baseName, context: { cluster: baseName, user: baseName } }],
        "current-context": baseName,
        users: [{ name: baseName, user: { exec: { apiVersion: "client.authentication.k8s.io/v1beta1", command: "aws", args: ["eks", "get-token", "--cluster-name", baseName] } } }],
    });
    return {
        env,
        acct,
        region,
        baseName,
        tags,
        awsProvider: {
            urn: `urn:pulumi:${env}::${PROJECT}::${AWS_PROVIDER_TYPE}::aws`,
            type: AWS_PROVIDER_TYPE,
            name: "aws",
            properties: {
                allowedAccountIds: JSON.stringify([acct]),
                defaultTags: JSON.stringify({ tags }),
                region,
                skipCredentialsValidation: "false",
                skipRegionValidation: "true",
            },
        },
        k8sProvider: {
            urn: `urn:pulumi:${env}::${PROJECT}::moka:eks:Cluster$${K8S_PROVIDER_TYPE}::cluster-k8s`,
            type: K8S_PROVIDER_TYPE,
            name: "cluster-k8s",
            properties: { deleteUnreachable: "false", enableServerSideApply: "true", kubeconfig },
        },
    };
}

/** Stack-wide resources: the two providers (as resources), a shared ECR repository and a read-only ClusterRole. */
function sharedResources(ctx: Ctx): AnalyzerResource[] {
    const aws: AnalyzerResource = { ...res(ctx, AWS_PROVIDER_TYPE, "aws", ctx.awsProvider.properties, { provider: "none" }), urn: ctx.awsProvider.urn };
    const k8s: AnalyzerResource = { ...res(ctx, K8S_PROVIDER_TYPE, "cluster-k8s", ctx.k8sProvider.properties, { provider: "none" }), urn: ctx.k8sProvider.urn };
    const ecr = res(ctx, "aws:ecr/repository:Repository", "images-spark", {
        name: `${ctx.baseName}/spark`,
        imageTagMutability: "IMMUTABLE",
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfigurations: [{ encryptionType: "KMS" }],
        forceDelete: false,
        tags: ctx.tags,
    });
    const viewer = res(ctx, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "platform-viewer", {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRole",
        metadata: k8sMeta("moka-viewer", undefined, undefined),
        rules: [{ apiGroups: [""], resources: ["pods", "services", "configmaps"], verbs: ["get", "list", "watch"] }],
    });
    return [aws, k8s, ecr, viewer];
}

/** One tenant's resources (BUNDLE_SIZE = 23 of them), as the Team component and an app-team stack would create them. */
function teamBundle(ctx: Ctx, i: number): AnalyzerResource[] {
    const team = `team-${String(i).padStart(5, "0")}`;
    const tags = { ...ctx.tags, team };
    const image = `${ctx.acct}.dkr.ecr.${ctx.region}.amazonaws.com/${ctx.baseName}/spark:4.1.2-r${i % 7}`;
    const out: AnalyzerResource[] = [];
    const add = (r: AnalyzerResource) => (out.push(r), r);

    const comp = add(res(ctx, "moka:tenancy:Team", team, {}, { provider: "none" }));
    const p = { parent: comp };
    const ns = add(res(ctx, "kubernetes:core/v1:Namespace", `${team}-namespace`, {
        apiVersion: "v1",
        kind: "Namespace",
        metadata: k8sMeta(team, undefined, team, {
            "moka.dev/environment": ctx.env,
            "moka.dev/tenant": "true",
            "pod-security.kubernetes.io/enforce": "restricted",
            "pod-security.kubernetes.io/enforce-version": "latest",
            "pod-security.kubernetes.io/audit": "restricted",
            "pod-security.kubernetes.io/warn": "restricted",
        }),
    }, p));
    const inNs = { ...p, deps: { metadata: [ns] } };
    add(res(ctx, "kubernetes:core/v1:ResourceQuota", `${team}-quota`, {
        apiVersion: "v1",
        kind: "ResourceQuota",
        metadata: k8sMeta("team-quota", team, team),
        spec: { hard: { "requests.cpu": "40", "requests.memory": "160Gi", "limits.memory": "160Gi", pods: "500", persistentvolumeclaims: "50" } },
    }, inNs));
    add(res(ctx, "kubernetes:core/v1:LimitRange", `${team}-limits`, {
        apiVersion: "v1",
        kind: "LimitRange",
        metadata: k8sMeta("team-limits", team, team),
        spec: { limits: [{ type: "Container", default: { memory: "2Gi" }, defaultRequest: { cpu: "500m", memory: "1Gi" }, max: { cpu: "32", memory: "256Gi" } }] },
    }, inNs));
    add(res(ctx, "kubernetes:networking.k8s.io/v1:NetworkPolicy", `${team}-netpol-default-deny-ingress`, {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: k8sMeta("default-deny-ingress", team, team),
        spec: { podSelector: {}, policyTypes: ["Ingress"] },
    }, inNs));
    add(res(ctx, "kubernetes:networking.k8s.io/v1:NetworkPolicy", `${team}-netpol-allow-same-namespace`, {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: k8sMeta("allow-same-namespace", team, team),
        spec: { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ from: [{ podSelector: {} }] }] },
    }, inNs));
    const sa = add(res(ctx, "kubernetes:core/v1:ServiceAccount", `${team}-spark-sa`, {
        apiVersion: "v1",
        kind: "ServiceAccount",
        metadata: k8sMeta("spark", team, team),
    }, inNs));
    const role = add(res(ctx, "kubernetes:rbac.authorization.k8s.io/v1:Role", `${team}-spark-role`, {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "Role",
        metadata: k8sMeta("spark-driver", team, team),
        rules: ["pods", "services", "configmaps", "persistentvolumeclaims"].map((r) => ({
            apiGroups: [""],
            resources: [r],
            verbs: ["create", "get", "list", "watch", "delete", "deletecollection"],
        })),
    }, inNs));
    // Every 40th team binds the built-in `edit` ClusterRole (an isolation violation).
    const badBinding = i % 40 === 39;
    add(res(ctx, "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", `${team}-spark-rolebinding`, {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "RoleBinding",
        metadata: k8sMeta("spark-driver", team, team),
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: badBinding ? "ClusterRole" : "Role", name: badBinding ? "edit" : "spark-driver" },
        subjects: [{ kind: "ServiceAccount", name: "spark", namespace: team }],
    }, { ...p, deps: { metadata: [ns], roleRef: badBinding ? [] : [role], subjects: [sa, ns] } }));

    const bucketName = `${ctx.baseName}-${team}-data-${ctx.acct}`;
    const key = add(res(ctx, "aws:kms/key:Key", `${team}-key`, {
        description: `Encrypts the data of ${team} (${ctx.env})`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        tags,
    }, { ...p, protect: true }));
    const bucket = add(res(ctx, "aws:s3/bucket:Bucket", `${team}-data`, { bucket: bucketName, forceDestroy: false, tags: { ...tags, "moka.dev/bucket-role": "team-data" } }, { ...p, protect: true }));
    // Every 50th team's public access block leaves one flag off (a security violation).
    add(res(ctx, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", `${team}-data-public-access`, {
        bucket: bucketName,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: i % 50 !== 49,
    }, { ...p, deps: { bucket: [bucket] } }));
    add(res(ctx, "aws:cloudwatch/logGroup:LogGroup", `${team}-logs`, { name: `/moka/${ctx.env}/teams/${team}`, retentionInDays: 90, kmsKeyId: `arn:aws:kms:${ctx.region}:${ctx.acct}:key/${team}-key-id`, tags }, { ...p, deps: { kmsKeyId: [key] } }));

    const roleName = `${ctx.baseName}-team-${team}`;
    const iamRole = add(res(ctx, "aws:iam/role:Role", `${team}-role`, {
        name: roleName,
        description: `Spark workloads of team ${team} (${ctx.env}), via EKS Pod Identity`,
        assumeRolePolicy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [{
                Sid: "AllowEksPodIdentityForTeamServiceAccount",
                Effect: "Allow",
                Principal: { Service: "pods.eks.amazonaws.com" },
                Action: ["sts:AssumeRole", "sts:TagSession"],
                Condition: { StringEquals: { "aws:RequestTag/eks-cluster-name": ctx.baseName, "aws:RequestTag/kubernetes-namespace": team, "aws:RequestTag/kubernetes-service-account": "spark" } },
            }],
        }),
        tags,
    }, p));
    const bucketArn = `arn:aws:s3:::${bucketName}`;
    add(res(ctx, "aws:iam/rolePolicy:RolePolicy", `${team}-access`, {
        role: roleName,
        policy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [
                { Sid: "ListOwnPrefix", Effect: "Allow", Action: "s3:ListBucket", Resource: bucketArn, Condition: { StringLike: { "s3:prefix": [`teams/${team}/*`, `teams/${team}`] } } },
                { Sid: "ReadWriteOwnPrefix", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"], Resource: `${bucketArn}/teams/${team}/*` },
                { Sid: "UseDataKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: `arn:aws:kms:${ctx.region}:${ctx.acct}:key/${team}-key-id` },
            ],
        }),
    }, { ...p, deps: { role: [iamRole], policy: [bucket, key] } }));
    add(res(ctx, "aws:iam/policy:Policy", `${team}-logs-policy`, {
        name: `${roleName}-logs`,
        description: `CloudWatch Logs for ${team}`,
        policy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [{
                Effect: "Allow",
                Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                Resource: [`arn:aws:logs:${ctx.region}:${ctx.acct}:log-group:/moka/${ctx.env}/teams/${team}`, `arn:aws:logs:${ctx.region}:${ctx.acct}:log-group:/moka/${ctx.env}/teams/${team}:*`],
            }],
        }),
        tags,
    }, p));
    add(res(ctx, "aws:eks/podIdentityAssociation:PodIdentityAssociation", `${team}-pod-identity`, {
        clusterName: ctx.baseName,
        namespace: team,
        serviceAccount: "spark",
        roleArn: `arn:aws:iam::${ctx.acct}:role/${roleName}`,
        disableSessionTags: false,
        tags,
    }, { ...p, deps: { roleArn: [iamRole], namespace: [ns], serviceAccount: [sa] } }));
    add(res(ctx, "aws:ec2/securityGroup:SecurityGroup", `${team}-sg`, {
        name: `${ctx.baseName}-${team}`,
        description: `Ingress to ${team}'s services from the VPC`,
        vpcId: "vpc-network-vpc",
        ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.40.0.0/16"], description: "HTTPS from the VPC" }],
        egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"], description: "All outbound" }],
        tags: { ...tags, Name: `${ctx.baseName}-${team}` },
    }, p));

    const graviton = i % 3 !== 2;
    const families = graviton ? ["m7g", "c7g", "r7g"] : ["m7i", "c7i", "r7i"];
    const poolName = `${team}-${graviton ? "graviton" : "x86"}`;
    const nodeClass = add(res(ctx, "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", `${team}-nodeclass`, {
        apiVersion: "karpenter.k8s.aws/v1",
        kind: "EC2NodeClass",
        metadata: k8sMeta(poolName, undefined, team),
        spec: {
            amiSelectorTerms: [{ alias: "al2023@v20260714" }],
            associatePublicIPAddress: false,
            blockDeviceMappings: [{ deviceName: "/dev/xvda", rootVolume: true, ebs: { deleteOnTermination: true, encrypted: true, iops: 6000, throughput: 500, volumeSize: "200Gi", volumeType: "gp3" } }],
            metadataOptions: { httpEndpoint: "enabled", httpProtocolIPv6: "disabled", httpPutResponseHopLimit: 1, httpTokens: "required" },
            role: `${ctx.baseName}-karpenter-node`,
            securityGroupSelectorTerms: [{ tags: { "karpenter.sh/discovery": ctx.baseName } }],
            subnetSelectorTerms: [{ tags: { "karpenter.sh/discovery": ctx.baseName } }],
            tags,
        },
    }, p));
    add(res(ctx, "kubernetes:karpenter.sh/v1:NodePool", `${team}-nodepool`, {
        apiVersion: "karpenter.sh/v1",
        kind: "NodePool",
        metadata: k8sMeta(poolName, undefined, team),
        spec: {
            weight: graviton ? 60 : 20,
            limits: { cpu: "16", memory: "64Gi" },
            disruption: { consolidationPolicy: "WhenEmptyOrUnderutilized", consolidateAfter: "5m", budgets: [{ nodes: "10%" }] },
            template: {
                metadata: { labels: { "moka.dev/team": team } },
                spec: {
                    expireAfter: "720h",
                    nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: poolName },
                    taints: [{ key: "moka.dev/team", value: team, effect: "NoSchedule" }],
                    requirements: [
                        { key: "kubernetes.io/arch", operator: "In", values: [graviton ? "arm64" : "amd64"] },
                        { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
                        { key: "karpenter.sh/capacity-type", operator: "In", values: ["spot", "on-demand"] },
                        { key: "karpenter.k8s.aws/instance-family", operator: "In", values: families },
                        { key: "karpenter.k8s.aws/instance-size", operator: "NotIn", values: ["nano", "micro", "small", "medium", "metal"] },
                    ],
                },
            },
        },
    }, { ...p, deps: { spec: [nodeClass] } }));

    const podSecurity = {
        runAsNonRoot: true,
        runAsUser: 185,
        runAsGroup: 185,
        seccompProfile: { type: "RuntimeDefault" },
    };
    const containerSecurity = { allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ["ALL"] } };
    add(res(ctx, "kubernetes:apps/v1:Deployment", `${team}-api`, {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: k8sMeta("feature-api", team, team),
        spec: {
            replicas: 2,
            selector: { matchLabels: { "app.kubernetes.io/name": "feature-api" } },
            template: {
                metadata: { labels: { "app.kubernetes.io/name": "feature-api", "moka.dev/team": team } },
                spec: {
                    serviceAccountName: "spark",
                    securityContext: podSecurity,
                    tolerations: [{ key: "moka.dev/team", operator: "Equal", value: team, effect: "NoSchedule" }],
                    containers: [{
                        name: "api",
                        image,
                        ports: [{ containerPort: 8080, name: "http" }],
                        env: [{ name: "TEAM", value: team }, { name: "BUCKET", value: bucketName }],
                        resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } },
                        securityContext: containerSecurity,
                    }],
                },
            },
        },
    }, inNs));
    for (const job of ["daily-features", "hourly-rollup"]) {
        // Every 25th team's hourly job names another team's queue (an isolation violation).
        const queue = job === "hourly-rollup" && i % 25 === 24 ? "root.team-00000" : `root.${team}`;
        add(res(ctx, "kubernetes:sparkoperator.k8s.io/v1beta2:SparkApplication", `${team}-${job}`, {
            apiVersion: "sparkoperator.k8s.io/v1beta2",
            kind: "SparkApplication",
            metadata: k8sMeta(job, team, team),
            spec: {
                type: "Scala",
                mode: "cluster",
                image,
                mainClass: "com.example.features.Main",
                mainApplicationFile: `local:///opt/spark/jars/${job}.jar`,
                sparkVersion: "4.1.2",
                batchScheduler: "yunikorn",
                batchSchedulerOptions: { queue },
                sparkConf: {
                    "spark.eventLog.enabled": "true",
                    "spark.eventLog.dir": `s3a://${ctx.baseName}-spark-events-${ctx.acct}/spark-events/${team}`,
                    "spark.hadoop.fs.s3a.aws.credentials.provider": "software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider",
                },
                restartPolicy: { type: "OnFailure", onFailureRetries: 3 },
                driver: { cores: 1, memory: "4g", serviceAccount: "spark", securityContext: containerSecurity, podSecurityContext: podSecurity, labels: { "moka.dev/team": team } },
                executor: { cores: 4, instances: 8, memory: "16g", securityContext: containerSecurity, podSecurityContext: podSecurity, labels: { "moka.dev/team": team } },
            },
        }, inNs));
    }
    if (out.length !== BUNDLE_SIZE) {
        throw new Error(`teamBundle produced ${out.length} resources, BUNDLE_SIZE is ${BUNDLE_SIZE}`);
    }
    return out;
}

/**
 * Exactly `n` resources (n ≥ 4): the shared resources, then team bundles, the last one cut short.
 * Deterministic: the same `n` and options always give the same stack.
 */
export function generateStack(n: number, opts: SyntheticOptions = {}): AnalyzerResource[] {
    if (!Number.isInteger(n) || n < 4) {
        throw new Error(`generateStack: n must be an integer >= 4, got ${n}`);
    }
    const ctx = makeContext(opts);
    const out = sharedResources(ctx);
    for (let i = 0; out.length < n; i++) {
        out.push(...teamBundle(ctx, i));
    }
    return out.slice(0, n);
}

/** Count of resources by type (for the report). */
export function typeMix(resources: readonly AnalyzerResource[]): Record<string, number> {
    const mix: Record<string, number> = {};
    for (const r of resources) {
        mix[r.type] = (mix[r.type] ?? 0) + 1;
    }
    return mix;
}
