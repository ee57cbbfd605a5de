/**
 * The policy packs over the real CLI protocol. Each pack directory with a package.json
 * (policies/security always; policies/cost and policies/isolation as they land) is built with
 * `node scripts/build-packs.js` and started exactly as the Pulumi CLI's Node.js language host starts
 * a pack:
 *
 *     cd policies/<pack> && node node_modules/@pulumi/pulumi/cmd/run-policy-pack <engine-addr> <packDir>
 *
 * The engine address is a dummy (127.0.0.1:1): the runner shifts it off argv and never dials it —
 * the packs start and answer, which this test proves. The first stdout line is the gRPC port and
 * nothing else may appear on stdout. The test then drives the pack with @grpc/grpc-js and the
 * generated analyzer_grpc_pb client: GetAnalyzerInfo (metadata of every policy), Configure (CLI-style
 * per-policy config with schema defaults filled in), Analyze and AnalyzeStack, comparing against the
 * in-process evaluation (preview/analyze.ts) and, for the security pack, checking bad cases and their
 * corrected twins. Cold-start times are printed to the test log (not asserted).
 */
import { strict as assert } from "assert";
import { ChildProcess, execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import type { EnforcementLevel, Policy, PolicyConfigSchema } from "@pulumi/policy";
import * as analyzerproto from "@pulumi/pulumi/proto/analyzer_pb";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import { analyzePacks, analyzeRequest, analyzeStackRequest, AnalyzerResource, PackDefinition, PolicyPackConfig, schemaDefaults, UNKNOWN } from "../../preview/analyze";
import { TestResource, toAnalyzer } from "../helpers/policy";
import { APP_IMAGE, WORKLOADS } from "./security/support";

const { AnalyzerClient } = require("@pulumi/pulumi/proto/analyzer_grpc_pb");

const emptyproto = require("google-protobuf/google/protobuf/empty_pb");

const ROOT = path.resolve(__dirname, "../..");
const RUNNER = path.join(ROOT, "node_modules/@pulumi/pulumi/cmd/run-policy-pack");
const ENGINE = "127.0.0.1:1";
const PACK_DIRS = fs
    .readdirSync(path.join(ROOT, "policies"), { withFileTypes: true })
    .filter((e) => e.isDirectory() && fs.existsSync(path.join(ROOT, "policies", e.name, "package.json")))
    .map((e) => e.name)
    .sort();

const LEVEL_ENUM: Record<EnforcementLevel, number> = { advisory: 0, mandatory: 1, disabled: 2, remediate: 3 };
const LEVEL_NAME: Record<number, EnforcementLevel> = { 0: "advisory", 1: "mandatory", 2: "disabled", 3: "remediate" };
const SEVERITY_ENUM: Record<string, number> = { low: 1, medium: 2, high: 3, critical: 4 };

interface WireDiag {
    readonly policy: string;
    readonly level: EnforcementLevel;
    readonly message: string;
    readonly urn: string;
    readonly pack: string;
}

interface RunningPack {
    readonly dir: string;
    readonly proc: ChildProcess;
    readonly port: number;
    readonly coldStartMs: number;
    readonly client: any;
    stdout: string;
    stderr: string;
}

/** The PackDefinition exported by policies/<dir>/pack.ts (the object with name, version and policies). */
function packDefinition(dir: string): PackDefinition | undefined {
    const file = path.join(ROOT, "policies", dir, "pack.ts");
    if (!fs.existsSync(file)) {
        return undefined;
    }
    const mod = require(file) as Record<string, unknown>;
    return Object.values(mod).find(
        (v): v is PackDefinition => !!v && typeof v === "object" && Array.isArray((v as PackDefinition).policies) && typeof (v as PackDefinition).name === "string",
    );
}

/** Starts one pack as the language host does and resolves once its port line arrives. */
function startPack(dir: string): Promise<RunningPack> {
    const packDir = path.join(ROOT, "policies", dir);
    const started = process.hrtime.bigint();
    const proc = spawn(process.execPath, [RUNNER, ENGINE, packDir], { cwd: packDir, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env } });
    return new Promise((resolve, reject) => {
        let stdout = "";
        let stderr = "";
        let done = false;
        const timer = setTimeout(() => fail(new Error(`pack ${dir} printed no port within 90 s; stderr:\n${stderr}`)), 90000);
        const fail = (e: Error) => {
            if (!done) {
                done = true;
                clearTimeout(timer);
                proc.kill("SIGKILL");
                reject(e);
            }
        };
        proc.stderr!.on("data", (b) => (stderr += b.toString()));
        proc.on("exit", (code) => fail(new Error(`pack ${dir} exited with ${code} before printing a port; stderr:\n${stderr}`)));
        proc.stdout!.on("data", (b) => {
            stdout += b.toString();
            if (!done && stdout.includes("\n")) {
                done = true;
                clearTimeout(timer);
                const first = stdout.slice(0, stdout.indexOf("\n")).trim();
                const port = Number(first);
                if (!/^\d+$/.test(first) || port <= 0) {
                    proc.kill("SIGKILL");
                    reject(new Error(`pack ${dir}: first stdout line is not a port: ${JSON.stringify(first)}`));
                    return;
                }
                const coldStartMs = Number(process.hrtime.bigint() - started) / 1e6;
                const client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), { "grpc.max_receive_message_length": 400 * 1024 * 1024 });
                const running: RunningPack = { dir, proc, port, coldStartMs, client, stdout, stderr };
                proc.stdout!.on("data", (more) => (running.stdout += more.toString()));
                proc.stderr!.on("data", (more) => (running.stderr += more.toString()));
                resolve(running);
            }
        });
    });
}

function rpc<T>(client: any, method: string, request: unknown): Promise<T> {
    return new Promise((resolve, reject) => {
        client[method](request, { deadline: Date.now() + 60000 }, (err: unknown, resp: T) => (err ? reject(err) : resolve(resp)));
    });
}

function toWire(resp: analyzerproto.AnalyzeResponse): WireDiag[] {
    return resp.getDiagnosticsList().map((d) => ({
        policy: d.getPolicyname(),
        level: LEVEL_NAME[d.getEnforcementlevel()],
        message: d.getMessage(),
        urn: d.getUrn(),
        pack: d.getPolicypackname(),
    }));
}

/** The CLI's Configure request: every policy with its level and schema defaults, plus overrides. */
function configureRequest(pack: PackDefinition, overrides: PolicyPackConfig = {}): analyzerproto.ConfigureAnalyzerRequest {
    const req = new analyzerproto.ConfigureAnalyzerRequest();
    const map = req.getPolicyconfigMap();
    for (const p of pack.policies as Policy[]) {
        const o = overrides[p.name];
        const level = (typeof o === "string" ? o : o?.enforcementLevel) ?? p.enforcementLevel ?? pack.enforcementLevel;
        const { enforcementLevel: _l, ...props } = typeof o === "object" && o !== null ? o : ({} as Record<string, unknown>);
        const pc = new analyzerproto.PolicyConfig();
        pc.setEnforcementlevel(LEVEL_ENUM[level] as any);
        pc.setProperties(structproto.Struct.fromJavaScript({ ...schemaDefaults(p.configSchema as PolicyConfigSchema | undefined), ...props } as any));
        map.set(p.name, pc);
    }
    return req;
}

async function analyzeAll(client: any, resources: readonly AnalyzerResource[]): Promise<WireDiag[]> {
    const out: WireDiag[] = [];
    for (const r of resources) {
        const diags = toWire(await rpc(client, "analyze", analyzeRequest(r)));
        out.push(...diags.map((d) => ({ ...d, urn: d.urn || r.urn })));
    }
    return out;
}

async function analyzeStack(client: any, resources: readonly AnalyzerResource[]): Promise<WireDiag[]> {
    return toWire(await rpc(client, "analyzeStack", analyzeStackRequest(resources)));
}

const key = (d: { policy: string; level: EnforcementLevel; message: string; urn?: string }) => `${d.policy}|${d.level}|${d.urn ?? ""}|${d.message}`;

// ---------------------------------------------------------------------------------------------
// Corpus: bad cases and their corrected twins, in real provider shapes.
// ---------------------------------------------------------------------------------------------

const KEY_ARN = "arn:aws:kms:us-west-2:111111111111:key/0b6e3c1e-1111-2222-3333-444455556666";
const ALL_ON = { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true };
const dep = WORKLOADS.find((w) => w.kind === "Deployment")!;
const spark = WORKLOADS.find((w) => w.kind === "SparkApplication")!;
const connect = WORKLOADS.find((w) => w.kind === "SparkConnect")!;
/** A copy of a fixture with its props changed. */
const withProps = (r: TestResource, change: (props: any) => void): TestResource => {
    const props = JSON.parse(JSON.stringify(r.props));
    change(props);
    return { ...r, props };
};
const netpol = (spec: Record<string, unknown>): TestResource => ({ type: "kubernetes:networking.k8s.io/v1:NetworkPolicy", name: "np", props: { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "p", namespace: "analytics" }, spec } });
const roleGrant = (resources: string[], verbs: string[]): TestResource[] => [
    { type: "kubernetes:rbac.authorization.k8s.io/v1:Role", name: "role", props: { metadata: { name: "app", namespace: "analytics" }, rules: [{ apiGroups: [""], resources, verbs }] } },
    { type: "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", name: "binding", props: { metadata: { name: "app", namespace: "analytics" }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "app" }, subjects: [{ kind: "ServiceAccount", name: "app", namespace: "analytics" }] } },
];
const emrAssociation = (namespace: string): TestResource => ({
    type: "aws:eks/podIdentityAssociation:PodIdentityAssociation", name: "emr",
    props: { clusterName: "data-on-eks", namespace, serviceAccount: "driver", roleArn: "arn:aws:iam::111111111111:role/data-on-eks-emr-data-team-a" },
});
const nodeClass = (spec: Record<string, unknown>): TestResource => ({
    type: "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass",
    props: { apiVersion: "karpenter.k8s.aws/v1", kind: "EC2NodeClass", metadata: { name: "default" }, spec: { role: "node", amiSelectorTerms: [{ alias: "al2023@latest" }], ...spec } },
});
const awsCluster = (vpc: Record<string, unknown>, extra: Record<string, unknown> = {}): TestResource => ({
    type: "aws:eks/cluster:Cluster",
    props: {
        roleArn: "arn:aws:iam::111111111111:role/eks",
        vpcConfig: { subnetIds: ["subnet-a"], endpointPrivateAccess: true, ...vpc },
        encryptionConfig: { resources: ["secrets"], provider: { keyArn: KEY_ARN } },
        enabledClusterLogTypes: ["api", "audit", "authenticator"],
        accessConfig: { authenticationMode: "API" },
        ...extra,
    },
});
const component = (extra: Record<string, unknown>): TestResource => ({
    type: "eks:index:Cluster",
    props: { endpointPrivateAccess: true, endpointPublicAccess: false, encryptionConfigKeyArn: KEY_ARN, enabledClusterLogTypes: ["api", "audit", "authenticator"], authenticationMode: "API", ...extra },
});
const policyDocument = (statement: unknown) => JSON.stringify({ Version: "2012-10-17", Statement: statement });
const irsa = (condition: unknown) =>
    policyDocument([{ Effect: "Allow", Principal: { Federated: "arn:aws:iam::111111111111:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/ABC" }, Action: "sts:AssumeRoleWithWebIdentity", Condition: condition }]);
/** A bucket with the s3-bucket-data-protection controls inline (TLS-only policy, SSE-KMS, access logging), so only its public access block is judged. */
const bucket = (name: string): TestResource => ({
    type: "aws:s3/bucket:Bucket",
    name,
    props: {
        bucket: `moka-${name}`,
        policy: policyDocument({ Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [`arn:aws:s3:::moka-${name}`, `arn:aws:s3:::moka-${name}/*`], Condition: { Bool: { "aws:SecureTransport": "false" } } }),
        serverSideEncryptionConfiguration: { rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY_ARN } } },
        logging: { targetBucket: "moka-access-logs", targetPrefix: `${name}/` },
    },
});
const launchTemplate = (extra: Record<string, unknown>): TestResource => ({
    type: "aws:ec2/launchTemplate:LaunchTemplate",
    props: {
        metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
        blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 100, encrypted: "true" } }],
        ...extra,
    },
});
const service = (spec: Record<string, unknown>, annotations: Record<string, string> = {}): TestResource => ({
    type: "kubernetes:core/v1:Service",
    props: { apiVersion: "v1", kind: "Service", metadata: { name: "api", namespace: "analytics", annotations }, spec: { selector: { app: "api" }, ports: [{ port: 443 }], ...spec } },
});
const trust = (condition?: unknown): TestResource => ({
    type: "aws:iam/role:Role",
    props: { assumeRolePolicy: policyDocument({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::222222222222:root" }, Action: "sts:AssumeRole", ...(condition ? { Condition: condition } : {}) }) },
    provider: { type: "pulumi:providers:aws", props: { region: "us-west-2", allowedAccountIds: "[\"111111111111\"]" } },
});

interface Case {
    readonly policy: string;
    readonly label: string;
    readonly bad: TestResource[];
    readonly good: TestResource[];
}

const CASES: Case[] = [
    { policy: "eks-endpoint-private", label: "aws.eks.Cluster public by default", bad: [awsCluster({})], good: [awsCluster({ endpointPublicAccess: false })] },
    { policy: "eks-endpoint-private", label: "eks.Cluster public to 0.0.0.0/0", bad: [component({ endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/0"] })], good: [component({ endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] })] },
    { policy: "eks-secrets-encrypted", label: "no secrets encryption", bad: [component({ encryptionConfigKeyArn: undefined })], good: [component({})] },
    { policy: "eks-control-plane-logging", label: "audit log missing", bad: [awsCluster({ endpointPublicAccess: false }, { enabledClusterLogTypes: ["api", "authenticator"] })], good: [awsCluster({ endpointPublicAccess: false })] },
    { policy: "eks-auth-mode-api", label: "CONFIG_MAP by default", bad: [awsCluster({ endpointPublicAccess: false }, { accessConfig: undefined })], good: [awsCluster({ endpointPublicAccess: false })] },
    { policy: "karpenter-imds-hardened", label: "httpTokens optional", bad: [nodeClass({ metadataOptions: { httpTokens: "optional" } })], good: [nodeClass({})] },
    { policy: "karpenter-ebs-encrypted", label: "unencrypted EBS", bad: [nodeClass({ blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: "100Gi" } }] })], good: [nodeClass({ blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: "100Gi", encrypted: true } }] })] },
    { policy: "karpenter-no-public-ip", label: "public IP", bad: [nodeClass({ associatePublicIPAddress: true })], good: [nodeClass({ associatePublicIPAddress: false })] },
    { policy: "karpenter-removed-api", label: "v1alpha5 Provisioner", bad: [{ type: "kubernetes:karpenter.sh/v1alpha5:Provisioner", props: { metadata: { name: "default" }, spec: {} } }], good: [{ type: "kubernetes:karpenter.sh/v1:NodePool", props: { metadata: { name: "default" }, spec: {} } }] },
    { policy: "sg-no-public-ingress", label: "SSH from ::/0", bad: [{ type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", props: { securityGroupId: "sg-1", ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv6: "::/0" } }], good: [{ type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", props: { securityGroupId: "sg-1", ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv4: "10.0.0.0/8" } }] },
    { policy: "s3-bucket-public-access-block", label: "bucket without PAB", bad: [bucket("raw")], good: [bucket("raw"), { type: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", name: "raw-pab", props: { bucket: UNKNOWN, ...ALL_ON }, propertyDependencies: { bucket: ["urn:pulumi:test::moka::aws:s3/bucket:Bucket::raw"] } }] },
    { policy: "s3-no-public-acl", label: "public-read ACL", bad: [{ type: "aws:s3/bucketAclV2:BucketAclV2", props: { bucket: "b", acl: "public-read" } }], good: [{ type: "aws:s3/bucketAclV2:BucketAclV2", props: { bucket: "b", acl: "private" } }] },
    { policy: "kms-key-rotation", label: "no rotation", bad: [{ type: "aws:kms/key:Key", props: { description: "k" } }], good: [{ type: "aws:kms/key:Key", props: { description: "k", enableKeyRotation: true } }] },
    { policy: "sqs-sse-enabled", label: "SSE off", bad: [{ type: "aws:sqs/queue:Queue", props: { sqsManagedSseEnabled: false } }], good: [{ type: "aws:sqs/queue:Queue", props: {} }] },
    { policy: "ecr-scan-on-push", label: "no scan", bad: [{ type: "aws:ecr/repository:Repository", props: { imageTagMutability: "IMMUTABLE" } }], good: [{ type: "aws:ecr/repository:Repository", props: { imageTagMutability: "IMMUTABLE", imageScanningConfiguration: { scanOnPush: true } } }] },
    { policy: "ecr-immutable-tags", label: "mutable tags", bad: [{ type: "aws:ecr/repository:Repository", props: { imageScanningConfiguration: { scanOnPush: true } } }], good: [{ type: "aws:ecr/repository:Repository", props: { imageTagMutability: "IMMUTABLE_WITH_EXCLUSION", imageScanningConfiguration: { scanOnPush: true } } }] },
    { policy: "iam-no-wildcard-permissions", label: "Action * on *", bad: [{ type: "aws:iam/rolePolicy:RolePolicy", props: { role: "r", policy: policyDocument({ Effect: "Allow", Action: "*", Resource: "*" }) } }], good: [{ type: "aws:iam/rolePolicy:RolePolicy", props: { role: "r", policy: policyDocument({ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" }) } }] },
    { policy: "resource-policy-no-public-access", label: "public queue policy", bad: [{ type: "aws:sqs/queuePolicy:QueuePolicy", props: { queueUrl: "q", policy: policyDocument({ Effect: "Allow", Principal: "*", Action: "sqs:*", Resource: "*" }) } }], good: [{ type: "aws:sqs/queuePolicy:QueuePolicy", props: { queueUrl: "q", policy: policyDocument({ Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sqs:SendMessage", Resource: "*" }) } }] },
    { policy: "iam-web-identity-sub-pinned", label: "wildcard sub", bad: [{ type: "aws:iam/role:Role", props: { assumeRolePolicy: irsa({ StringLike: { "oidc.eks.us-west-2.amazonaws.com/id/ABC:sub": "system:serviceaccount:*" } }) } }], good: [{ type: "aws:iam/role:Role", props: { assumeRolePolicy: irsa({ StringEquals: { "oidc.eks.us-west-2.amazonaws.com/id/ABC:sub": "system:serviceaccount:spark:driver" } }) } }] },
    { policy: "helm-release-version-pinned", label: "range version", bad: [{ type: "kubernetes:helm.sh/v3:Release", props: { chart: "karpenter", repositoryOpts: { repo: "oci://public.ecr.aws/karpenter" }, version: "1.x" } }], good: [{ type: "kubernetes:helm.sh/v3:Release", props: { chart: "karpenter", repositoryOpts: { repo: "oci://public.ecr.aws/karpenter" }, version: "1.6.3" } }] },
    { policy: "image-tag-pinned", label: "latest tag", bad: [dep.make("analytics", "111111111111.dkr.ecr.us-west-2.amazonaws.com/app:latest")], good: [dep.make("analytics")] },
    { policy: "image-registry-allowed", label: "Docker Hub image", bad: [spark.make("analytics", "apache/spark:3.5.3")], good: [spark.make("analytics", APP_IMAGE)] },
    { policy: "pod-no-privileged-containers", label: "privileged", bad: [{ ...dep.make("analytics"), props: JSON.parse(JSON.stringify(dep.make("analytics").props).replace('"allowPrivilegeEscalation":false', '"privileged":true')) }], good: [dep.make("analytics")] },
    // Issue 12 (security half): one case per new or extended mandatory rule.
    { policy: "eks-endpoint-private", label: "almost-open CIDR 1.1.1.1/1", bad: [awsCluster({ endpointPublicAccess: true, publicAccessCidrs: ["1.1.1.1/1"] })], good: [awsCluster({ endpointPublicAccess: true, publicAccessCidrs: ["1.1.1.1/32"] })] },
    { policy: "eks-endpoint-private", label: "default public access with explicit CIDRs is not open (false alarm fixed)", bad: [component({ endpointPublicAccess: undefined, publicAccessCidrs: [] })], good: [component({ endpointPublicAccess: undefined, publicAccessCidrs: ["203.0.113.0/24"] })] },
    { policy: "ec2-launch-template-imds-hardened", label: "IMDSv1 and hop limit 2", bad: [launchTemplate({ metadataOptions: { httpTokens: "optional", httpPutResponseHopLimit: 2 } })], good: [launchTemplate({})] },
    { policy: "ec2-launch-template-no-public-ip", label: "public IP", bad: [launchTemplate({ networkInterfaces: [{ associatePublicIpAddress: "true" }] })], good: [launchTemplate({ networkInterfaces: [{ associatePublicIpAddress: "false" }] })] },
    { policy: "ec2-launch-template-ebs-encrypted", label: "EBS encryption unset", bad: [launchTemplate({ blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 100 } }] })], good: [launchTemplate({})] },
    { policy: "eks-node-group-ssh-restricted", label: "SSH open to the world", bad: [{ type: "aws:eks/nodeGroup:NodeGroup", props: { clusterName: "moka", remoteAccess: { ec2SshKey: "ops" } } }], good: [{ type: "aws:eks/nodeGroup:NodeGroup", props: { clusterName: "moka", remoteAccess: { ec2SshKey: "ops", sourceSecurityGroupIds: ["sg-bastion"] } } }] },
    { policy: "service-no-public-exposure", label: "internet-facing LoadBalancer", bad: [service({ type: "LoadBalancer" })], good: [service({ type: "LoadBalancer" }, { "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal" })] },
    { policy: "service-no-public-exposure", label: "NodePort and externalIPs", bad: [service({ type: "NodePort", externalIPs: ["198.51.100.10"] })], good: [service({ type: "ClusterIP" })] },
    { policy: "kms-no-lockout-bypass", label: "lockout safety check bypassed", bad: [{ type: "aws:kms/key:Key", props: { enableKeyRotation: true, bypassPolicyLockoutSafetyCheck: true } }], good: [{ type: "aws:kms/key:Key", props: { enableKeyRotation: true, bypassPolicyLockoutSafetyCheck: false } }] },
    { policy: "iam-no-wildcard-permissions", label: "AmazonS3FullAccess attached", bad: [{ type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment", props: { role: "team-a", policyArn: "arn:aws:iam::aws:policy/AmazonS3FullAccess" } }], good: [{ type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment", props: { role: "team-a", policyArn: "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess" } }] },
    { policy: "iam-sensitive-actions-scoped", label: "iam:PassRole on *", bad: [{ type: "aws:iam/policy:Policy", props: { policy: policyDocument({ Effect: "Allow", Action: "iam:PassRole", Resource: "*" }) } }], good: [{ type: "aws:iam/policy:Policy", props: { policy: policyDocument({ Effect: "Allow", Action: "iam:PassRole", Resource: "arn:aws:iam::111111111111:role/moka-node" }) } }] },
    { policy: "iam-cross-account-trust-pinned", label: "foreign account root without ExternalId", bad: [trust()], good: [trust({ StringEquals: { "sts:ExternalId": "moka-7f3a" } })] },
    { policy: "resource-policy-no-public-access", label: "world-readable bucket (s3:GetObject to *)", bad: [{ type: "aws:s3/bucketPolicy:BucketPolicy", props: { bucket: "b", policy: policyDocument({ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" }) } }], good: [{ type: "aws:s3/bucketPolicy:BucketPolicy", props: { bucket: "b", policy: policyDocument({ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*", Condition: { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } } }) } }] },
    { policy: "resource-policy-no-public-access", label: "ArnLike aws:PrincipalArn arn:aws:iam::* pins nothing", bad: [{ type: "aws:sqs/queuePolicy:QueuePolicy", props: { queueUrl: "q", policy: policyDocument({ Effect: "Allow", Principal: "*", Action: "sqs:SendMessage", Resource: "*", Condition: { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*" } } }) } }], good: [{ type: "aws:sqs/queuePolicy:QueuePolicy", props: { queueUrl: "q", policy: policyDocument({ Effect: "Allow", Principal: "*", Action: "sqs:SendMessage", Resource: "*", Condition: { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::111111111111:role/producer-*" } } }) } }] },
    { policy: "pod-no-host-access", label: "hostPID", bad: [{ ...dep.make("analytics"), props: JSON.parse(JSON.stringify(dep.make("analytics").props).replace('"serviceAccountName"', '"hostPID":true,"serviceAccountName"')) }], good: [dep.make("analytics")] },
    // Issue 12, workloads and isolation half: pods read through policies/lib/pod-spec.ts, tenancy in the isolation pack.
    { policy: "pod-no-host-access", label: "hostPath through Spark sparkConf", bad: [withProps(spark.make("analytics"), (p) => (p.spec.sparkConf = { "spark.kubernetes.executor.volumes.hostPath.data.options.path": "/mnt/k8s-disks", "spark.kubernetes.executor.volumes.hostPath.data.mount.path": "/data" }))], good: [withProps(spark.make("analytics"), (p) => (p.spec.sparkConf = { "spark.kubernetes.executor.volumes.emptyDir.data.mount.path": "/data" }))] },
    { policy: "pod-no-root-user", label: "runAsUser 0", bad: [withProps(dep.make("analytics"), (p) => (p.spec.template.spec.securityContext.runAsUser = 0))], good: [dep.make("analytics")] },
    { policy: "pod-no-added-capabilities", label: "SYS_ADMIN in a Spark executor template", bad: [withProps(spark.make("analytics"), (p) => (p.spec.executor.template = { spec: { containers: [{ name: "spark-kubernetes-executor", securityContext: { capabilities: { add: ["SYS_ADMIN"] } } }] } }))], good: [withProps(spark.make("analytics"), (p) => (p.spec.executor.template = { spec: { containers: [{ name: "spark-kubernetes-executor", securityContext: { capabilities: { add: ["NET_BIND_SERVICE"], drop: ["ALL"] } } }] } }))] },
    { policy: "pod-seccomp-not-unconfined", label: "seccomp Unconfined", bad: [withProps(dep.make("analytics"), (p) => (p.spec.template.spec.securityContext.seccompProfile = { type: "Unconfined" }))], good: [dep.make("analytics")] },
    { policy: "pod-no-host-ports", label: "hostPort", bad: [withProps(dep.make("analytics"), (p) => (p.spec.template.spec.containers[0].ports = [{ containerPort: 53, hostPort: 53 }]))], good: [withProps(dep.make("analytics"), (p) => (p.spec.template.spec.containers[0].ports = [{ containerPort: 53 }]))] },
    { policy: "image-registry-allowed", label: "SparkConnect from Docker Hub", bad: [connect.make("analytics", "docker.io/apache/spark:4.0.1")], good: [connect.make("analytics")] },
    { policy: "workload-namespace-not-default", label: "Deployment in default", bad: [dep.make("default")], good: [dep.make("analytics")] },
    { policy: "workload-service-account-not-default", label: "pods as the default ServiceAccount with its token", bad: [withProps(dep.make("analytics"), (p) => delete p.spec.template.spec.serviceAccountName)], good: [withProps(dep.make("analytics"), (p) => { delete p.spec.template.spec.serviceAccountName; p.spec.template.spec.automountServiceAccountToken = false; })] },
    { policy: "network-policy-no-allow-all", label: "allow-all ingress", bad: [netpol({ podSelector: {}, policyTypes: ["Ingress"], ingress: [{}] })], good: [netpol({ podSelector: {}, policyTypes: ["Ingress"] })] },
    { policy: "tenant-rbac-namespace-scoped", label: "Role reading Secrets bound to a tenant ServiceAccount", bad: roleGrant(["secrets"], ["get", "list"]), good: roleGrant(["pods"], ["get", "list"]) },
    { policy: "spark-apps-use-team-queue", label: "another team's queue (a hierarchical own queue passes)", bad: [withProps(spark.make("analytics"), (p) => (p.spec.batchSchedulerOptions = { queue: "root.spark.growth" }))], good: [withProps(spark.make("analytics"), (p) => (p.spec.batchSchedulerOptions = { queue: "root.spark.analytics" }))] },
    { policy: "tenant-service-accounts-own-namespace", label: "another team's role (the association's own namespace wins over the name pattern)", bad: [emrAssociation("emr-data-team-b")], good: [emrAssociation("emr-data-team-a")] },
];

/** Drops keys whose value is undefined (the wire has no undefined). */
function clean(r: TestResource): TestResource {
    return { ...r, props: JSON.parse(JSON.stringify(r.props)) };
}

// ---------------------------------------------------------------------------------------------

describe("policy packs over the CLI protocol (run-policy-pack + gRPC)", function () {
    this.timeout(300000);
    const running = new Map<string, RunningPack>();

    before(async () => {
        execFileSync(process.execPath, [path.join(ROOT, "scripts/build-packs.js")], { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
        // One at a time, so each cold start is measured without the others competing for CPU.
        for (const dir of PACK_DIRS) {
            const r = await startPack(dir);
            running.set(dir, r);
            console.log(`    [protocol] ${dir}: cold start ${r.coldStartMs.toFixed(0)} ms (spawn → port line), port ${r.port}`);
        }
    });

    after(() => {
        for (const r of running.values()) {
            r.client.close();
            if (r.proc.exitCode === null) {
                r.proc.kill("SIGTERM");
            }
        }
    });

    it("finds the security pack (and any other pack with a package.json)", () => {
        assert.ok(PACK_DIRS.includes("security"), `pack dirs: ${PACK_DIRS.join(", ")}`);
    });

    for (const dir of PACK_DIRS) {
        describe(`policies/${dir}`, () => {
            const pack = packDefinition(dir);
            const rp = () => running.get(dir)!;

            it("GetAnalyzerInfo lists every policy with its metadata", async () => {
                assert.ok(pack, `policies/${dir}/pack.ts exports a PackDefinition`);
                const info: analyzerproto.AnalyzerInfo = await rpc(rp().client, "getAnalyzerInfo", new emptyproto.Empty());
                assert.equal(info.getName(), pack.name);
                assert.equal(info.getVersion(), pack.version);
                assert.equal(info.getSupportsconfig(), true);
                const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "policies", dir, "package.json"), "utf8"));
                assert.equal(pkg.version, pack.version);
                const wire = info.getPoliciesList();
                assert.deepEqual(wire.map((p) => p.getName()), (pack.policies as Policy[]).map((p) => p.name));
                for (const [i, p] of (pack.policies as Policy[]).entries()) {
                    const w = wire[i];
                    assert.equal(w.getDescription(), p.description, p.name);
                    assert.equal(LEVEL_NAME[w.getEnforcementlevel()], p.enforcementLevel ?? pack.enforcementLevel, p.name);
                    assert.equal(w.getSeverity(), p.severity ? SEVERITY_ENUM[p.severity] : 0, p.name);
                    assert.equal(w.getRemediationSteps(), p.remediationSteps ?? "", p.name);
                    assert.deepEqual(w.getTagsList(), p.tags ?? [], p.name);
                    assert.equal(w.getUrl(), p.url ?? "", p.name);
                    assert.equal(w.getPolicyType(), "validateStack" in p ? 2 : 1, p.name);
                    const fw = w.getFramework();
                    assert.deepEqual(
                        fw ? { name: fw.getName(), version: fw.getVersion(), reference: fw.getReference(), specification: fw.getSpecification() } : undefined,
                        p.framework ? { ...p.framework, specification: p.framework.specification ?? "" } : undefined,
                        p.name,
                    );
                    const schema = w.getConfigschema();
                    assert.deepEqual(schema ? schema.getProperties()?.toJavaScript() : undefined, p.configSchema ? JSON.parse(JSON.stringify(p.configSchema.properties)) : undefined, p.name);
                }
            });

            it("Configure accepts the CLI's per-policy config (defaults filled in)", async () => {
                await rpc(rp().client, "configure", configureRequest(pack!));
            });

            it("Analyze and AnalyzeStack give the same diagnostics as the in-process evaluation", async () => {
                await rpc(rp().client, "configure", configureRequest(pack!));
                const corpus = CASES.flatMap((c, i) => [...c.bad, ...c.good].map((r, j) => toAnalyzer(clean({ ...r, name: r.name ?? `c${i}-${j}` }))));
                // Analyze responses carry no URN: compare resource by resource, then the one AnalyzeStack.
                const resourceOnly: PackDefinition = { ...pack!, policies: (pack!.policies as Policy[]).filter((p) => !("validateStack" in p)) };
                for (const r of corpus) {
                    const wire = await analyzeAll(rp().client, [r]);
                    const local = await analyzePacks([resourceOnly], [r]);
                    assert.deepEqual(wire.map(key).sort(), local.map((d) => key({ ...d, level: d.enforcementLevel, urn: r.urn })).sort(), r.urn);
                }
                const wireStack = await analyzeStack(rp().client, corpus);
                const localStack = await analyzePacks([pack!], corpus, { perResource: false });
                assert.deepEqual(wireStack.map(key).sort(), localStack.map((d) => key({ ...d, level: d.enforcementLevel, urn: d.urn ?? "" })).sort());
            });

            it("answers an empty stack and unrelated resources without diagnostics", async () => {
                await rpc(rp().client, "configure", configureRequest(pack!));
                assert.deepEqual(await analyzeStack(rp().client, []), []);
                const other = toAnalyzer({ type: "random:index/randomPet:RandomPet", props: { length: 2 } });
                assert.deepEqual(await analyzeAll(rp().client, [other]), []);
            });

            describe("bad cases draw a mandatory diagnostic; corrected twins none (this pack's policies)", () => {
                for (const c of CASES.filter((x) => (pack?.policies as Policy[] | undefined)?.some((p) => p.name === x.policy))) {
                    it(`${c.policy}: ${c.label}`, async () => {
                        await rpc(rp().client, "configure", configureRequest(pack!));
                        const bad = c.bad.map((r, i) => toAnalyzer(clean({ ...r, name: r.name ?? `bad${i}` })));
                        const good = c.good.map((r, i) => toAnalyzer(clean({ ...r, name: r.name ?? `good${i}` })));
                        const badDiags = [...(await analyzeAll(rp().client, bad)), ...(await analyzeStack(rp().client, bad))];
                        const hits = badDiags.filter((d) => d.policy === c.policy);
                        assert.ok(hits.length > 0, `no ${c.policy} diagnostic: ${JSON.stringify(badDiags)}`);
                        assert.ok(hits.every((d) => d.level === "mandatory" && d.pack === pack!.name));
                        const goodDiags = [...(await analyzeAll(rp().client, good)), ...(await analyzeStack(rp().client, good))];
                        assert.deepEqual(goodDiags, []);
                    });
                }
            });

            if (dir === "security") {
                it("Configure applies policy config and enforcement-level overrides", async () => {
                    const client = rp().client;
                    const open443 = [toAnalyzer({ type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", props: { securityGroupId: "sg", ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0" } })];
                    const kms = [toAnalyzer({ type: "aws:kms/key:Key", props: {} })];

                    await rpc(client, "configure", configureRequest(pack!, { "sg-no-public-ingress": { allowedPublicPorts: [443] } }));
                    assert.deepEqual(await analyzeAll(client, open443), []);

                    await rpc(client, "configure", configureRequest(pack!, { "kms-key-rotation": "advisory", "sg-no-public-ingress": "disabled" }));
                    assert.deepEqual(await analyzeAll(client, open443), []);
                    assert.deepEqual((await analyzeAll(client, kms)).map((d) => [d.policy, d.level]), [["kms-key-rotation", "advisory"]]);

                    await rpc(client, "configure", configureRequest(pack!));
                    assert.deepEqual((await analyzeAll(client, open443)).map((d) => [d.policy, d.level]), [["sg-no-public-ingress", "mandatory"]]);
                    assert.deepEqual((await analyzeAll(client, kms)).map((d) => [d.policy, d.level]), [["kms-key-rotation", "mandatory"]]);
                });

                it("without Configure-supplied values, rules fall back to their defaults", async () => {
                    // An empty Configure leaves every policy's getConfig() empty: code must use its fallbacks.
                    await rpc(rp().client, "configure", new analyzerproto.ConfigureAnalyzerRequest());
                    const ds = await analyzeAll(rp().client, [toAnalyzer(clean(awsCluster({ endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] })))]);
                    assert.deepEqual(ds, []);
                    await rpc(rp().client, "configure", configureRequest(pack!));
                });

                it("turns a preview-unknown value into an advisory over the wire", async () => {
                    await rpc(rp().client, "configure", configureRequest(pack!));
                    const ds = await analyzeAll(rp().client, [toAnalyzer({ type: "aws:kms/key:Key", props: { enableKeyRotation: UNKNOWN } })]);
                    assert.deepEqual(ds.map((d) => [d.policy, d.level, /can't run policy/.test(d.message)]), [["kms-key-rotation", "advisory", true]]);
                });
            }
        });
    }

    // The deployability pack over the wire: its stack rules in AnalyzeStack, its resource rule in Analyze.
    describe("policies/deployability: day-one breakages over the wire", () => {
        const rp = () => running.get("deployability");
        const pack = () => packDefinition("deployability")!;
        // The platform's component (skipDefaultSecurityGroups: every security group it outputs is EKS's cluster group).
        const cluster = toAnalyzer({ type: "eks:index:Cluster", name: "cluster-eks", props: { name: "moka-prod", endpointPrivateAccess: true, endpointPublicAccess: false, skipDefaultSecurityGroups: true } });
        const nodeSg = toAnalyzer({ type: "aws:ec2/securityGroup:SecurityGroup", name: "node-sg", props: { tags: { "karpenter.sh/discovery": "moka-prod" } } });
        const rule = (name: string, source: Record<string, unknown>, deps: Record<string, string[]> = {}) => toAnalyzer({
            type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", name,
            props: { securityGroupId: UNKNOWN, ipProtocol: "tcp", fromPort: 443, toPort: 443, ...source },
            propertyDependencies: { securityGroupId: [cluster.urn], ...deps },
        });
        const fromNodes = rule("nodes-to-api", { referencedSecurityGroupId: UNKNOWN }, { referencedSecurityGroupId: [nodeSg.urn] });
        const fromBastion = rule("api-from-bastion", { referencedSecurityGroupId: "sg-0a1b2c3d4e5f60718" });

        it("a private API reachable only from the nodes is a mandatory eks-api-reachable; a second network clears it", async function () {
            if (!rp()) {
                this.skip();
            }
            await rpc(rp()!.client, "configure", configureRequest(pack()));
            const bad = (await analyzeStack(rp()!.client, [cluster, nodeSg, fromNodes])).filter((d) => d.policy === "eks-api-reachable");
            assert.deepEqual(bad.map((d) => [d.level, d.urn, d.pack]), [["mandatory", cluster.urn, "moka-deployability"]]);
            assert.deepEqual(await analyzeStack(rp()!.client, [cluster, nodeSg, fromNodes, fromBastion]), []);
        });

        it("a NodePool that can launch metal is a mandatory nodepool-excludes-metal (Analyze); unknown requirements only the advisory", async function () {
            if (!rp()) {
                this.skip();
            }
            await rpc(rp()!.client, "configure", configureRequest(pack()));
            const pool = (requirements: unknown) => toAnalyzer({ type: "kubernetes:karpenter.sh/v1:NodePool", props: { metadata: { name: "spark-x86" }, spec: { template: { spec: { requirements } } } } });
            const sizes = { key: "karpenter.k8s.aws/instance-size", operator: "NotIn", values: ["metal"] };
            const families = { key: "karpenter.k8s.aws/instance-family", operator: "In", values: ["m7i"] };
            assert.deepEqual((await analyzeAll(rp()!.client, [pool([families, sizes])])).map((d) => [d.policy, d.level]), [["nodepool-excludes-metal", "mandatory"]]);
            assert.deepEqual(await analyzeAll(rp()!.client, [pool([families, sizes, { key: "karpenter.k8s.aws/instance-hypervisor", operator: "In", values: ["nitro"] }])]), []);
            const unknown = await analyzeAll(rp()!.client, [pool(UNKNOWN)]);
            assert.deepEqual(unknown.map((d) => [d.policy, d.level, /can't run policy/.test(d.message)]), [["nodepool-excludes-metal", "advisory", true]]);
        });
    });

    // Last, after every request above: stdout held the port line only, and every pack is still up.
    describe("after all requests", () => {
        for (const dir of PACK_DIRS) {
            it(`policies/${dir} wrote nothing to stdout but the port, and is still serving`, () => {
                const rp = running.get(dir)!;
                assert.equal(rp.stdout, `${rp.port}\n`, `stdout: ${JSON.stringify(rp.stdout)}`);
                assert.equal(rp.proc.exitCode, null, `stderr: ${rp.stderr}`);
            });
        }
    });
});
