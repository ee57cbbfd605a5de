/**
 * What the mocks answer: realistic computed outputs per resource type and the provider functions the
 * program calls (preview/mocks.ts runs the program with them). Split from mocks.ts to keep each file small.
 */
import { createHash } from "crypto";

/** The partition/region/account the mocks pretend to run in, and who `pulumi up` runs as. */
export interface MockCloud {
    readonly accountId: string;
    readonly region: string;
    /** What getCallerIdentity answers: the stack's deployer role session (moka:cluster.deployerRoleArn) unless a run says otherwise. */
    readonly callerArn?: string;
    /** The EKS cluster names aws.eks.getClusters lists in the region (the clusters that already exist). Defaults to none: a first `pulumi up`. */
    readonly existingClusters?: readonly string[];
}

const SERVICE_BY_MODULE: Record<string, string> = {
    "aws:ec2": "ec2", "aws:vpc": "ec2", "aws:iam": "iam", "aws:kms": "kms", "aws:s3": "s3", "aws:sqs": "sqs",
    "aws:cloudwatch": "logs", "aws:eks": "eks", "aws:ecr": "ecr", "aws:amp": "aps", "aws:sns": "sns",
};

/** Realistic computed outputs for a resource, so programs that read arn/id/name see plausible values. */
export function mockOutputs(cloud: MockCloud, type: string, name: string, inputs: Record<string, any>): { id: string; state: Record<string, any> } {
    const { accountId: acct, region } = cloud;
    const physical = typeof inputs.name === "string" ? inputs.name : name;
    const id = `${physical}-id`;
    const state: Record<string, any> = { ...inputs };
    const module = type.split("/")[0];
    const service = SERVICE_BY_MODULE[module] ?? module.split(":")[1];
    switch (type) {
        case "aws:iam/role:Role":
            Object.assign(state, { arn: `arn:aws:iam::${acct}:role/${physical}`, name: physical, uniqueId: `AROA${id}` });
            break;
        case "aws:iam/policy:Policy":
            Object.assign(state, { arn: `arn:aws:iam::${acct}:policy/${physical}`, name: physical });
            break;
        case "aws:iam/openIdConnectProvider:OpenIdConnectProvider":
            Object.assign(state, { arn: `arn:aws:iam::${acct}:oidc-provider/${String(inputs.url ?? physical).replace(/^https:\/\//, "")}` });
            break;
        case "aws:s3/bucket:Bucket":
        case "aws:s3/bucketV2:BucketV2": {
            const bucket = inputs.bucket ?? `${name}-${acct}`;
            Object.assign(state, { bucket, arn: `arn:aws:s3:::${bucket}`, bucketDomainName: `${bucket}.s3.amazonaws.com`, region });
            return { id: bucket, state };
        }
        case "aws:kms/key:Key":
            Object.assign(state, { arn: `arn:aws:kms:${region}:${acct}:key/${id}`, keyId: id });
            break;
        case "aws:kms/alias:Alias":
            Object.assign(state, { arn: `arn:aws:kms:${region}:${acct}:${physical}` });
            break;
        case "aws:sqs/queue:Queue": {
            const qn = inputs.name ?? name;
            Object.assign(state, { name: qn, arn: `arn:aws:sqs:${region}:${acct}:${qn}`, url: `https://sqs.${region}.amazonaws.com/${acct}/${qn}` });
            return { id: `https://sqs.${region}.amazonaws.com/${acct}/${qn}`, state };
        }
        case "aws:cloudwatch/logGroup:LogGroup":
            Object.assign(state, { arn: `arn:aws:logs:${region}:${acct}:log-group:${physical}`, name: physical });
            return { id: physical, state };
        case "aws:cloudwatch/eventRule:EventRule":
            Object.assign(state, { arn: `arn:aws:events:${region}:${acct}:rule/${physical}`, name: physical });
            break;
        case "aws:ecr/repository:Repository":
            Object.assign(state, {
                arn: `arn:aws:ecr:${region}:${acct}:repository/${physical}`,
                name: physical,
                registryId: acct,
                repositoryUrl: `${acct}.dkr.ecr.${region}.amazonaws.com/${physical}`,
            });
            return { id: physical, state };
        case "aws:amp/workspace:Workspace":
            Object.assign(state, {
                arn: `arn:aws:aps:${region}:${acct}:workspace/ws-${name}`,
                prometheusEndpoint: `https://aps-workspaces.${region}.amazonaws.com/workspaces/ws-${name}/`,
            });
            return { id: `ws-${name}`, state };
        case "aws:ec2/vpc:Vpc":
            Object.assign(state, { arn: `arn:aws:ec2:${region}:${acct}:vpc/vpc-${name}`, defaultSecurityGroupId: `sg-default-${name}` });
            return { id: `vpc-${name}`, state };
        case "aws:ec2/subnet:Subnet":
            Object.assign(state, { arn: `arn:aws:ec2:${region}:${acct}:subnet/subnet-${name}` });
            return { id: `subnet-${name}`, state };
        case "aws:ec2/securityGroup:SecurityGroup":
            Object.assign(state, { arn: `arn:aws:ec2:${region}:${acct}:security-group/sg-${name}` });
            return { id: `sg-${name}`, state };
        case "aws:eks/podIdentityAssociation:PodIdentityAssociation":
            Object.assign(state, { associationArn: `arn:aws:eks:${region}:${acct}:podidentityassociation/${name}`, associationId: `a-${name}` });
            break;
        case "docker-build:index:Image": {
            // @pulumi/docker-build 0.0.22 (provider/internal/image.go): after a push, `digest` is the manifest
            // (list) digest and `ref` the first tag with that digest appended.
            const tag = Array.isArray(inputs.tags) && typeof inputs.tags[0] === "string" ? inputs.tags[0] : `${name}:latest`;
            const digest = `sha256:${createHash("sha256").update(`${type}::${name}::${tag}`).digest("hex")}`;
            Object.assign(state, { digest: inputs.push === true ? digest : "", ref: inputs.push === true ? `${tag}@${digest}` : tag });
            return { id: digest, state };
        }
        case "eks:index:Cluster": {
            const clusterName = inputs.name ?? name;
            const endpoint = `https://${clusterName}.gr7.${region}.eks.amazonaws.com`;
            const issuer = `https://oidc.eks.${region}.amazonaws.com/id/${clusterName.toUpperCase().replace(/-/g, "")}`;
            const kubeconfig = {
                apiVersion: "v1",
                kind: "Config",
                clusters: [{ name: clusterName, cluster: { server: endpoint, "certificate-authority-data": "bW9jaw==" } }],
                contexts: [{ name: clusterName, context: { cluster: clusterName, user: clusterName } }],
                "current-context": clusterName,
                users: [{ name: clusterName, user: { exec: { apiVersion: "client.authentication.k8s.io/v1beta1", command: "aws", args: ["eks", "get-token", "--cluster-name", clusterName] } } }],
            };
            Object.assign(state, {
                kubeconfig,
                kubeconfigJson: JSON.stringify(kubeconfig),
                oidcIssuer: issuer.replace(/^https:\/\//, ""),
                oidcProviderUrl: issuer,
                oidcProviderArn: `arn:aws:iam::${acct}:oidc-provider/${issuer.replace(/^https:\/\//, "")}`,
                clusterSecurityGroupId: `sg-${clusterName}-cluster`,
                nodeSecurityGroupId: `sg-${clusterName}-node`,
                eksCluster: {
                    name: clusterName,
                    arn: `arn:aws:eks:${region}:${acct}:cluster/${clusterName}`,
                    endpoint,
                    version: inputs.version,
                    vpcConfig: { clusterSecurityGroupId: `sg-${clusterName}-eks-managed`, vpcId: inputs.vpcId },
                    identities: [{ oidcs: [{ issuer }] }],
                },
                core: { endpoint, clusterSecurityGroupId: `sg-${clusterName}-cluster`, vpcId: inputs.vpcId },
            });
            return { id: clusterName, state };
        }
        case "random:index/randomPassword:RandomPassword":
            // A fixed, recognisable stand-in of the requested length (never a real credential).
            state.result = "mock-password-".padEnd(Number(inputs.length ?? 16), "x");
            return { id: name, state };
        default:
            if (type.startsWith("aws:") && !("arn" in state)) {
                state.arn = `arn:aws:${service}:${region}:${acct}:${type.split(":").pop()!.toLowerCase()}/${physical}`;
            }
            if (type.startsWith("kubernetes:") && inputs.metadata && typeof inputs.metadata === "object") {
                state.metadata = { ...inputs.metadata, name: inputs.metadata.name ?? name, uid: `uid-${name}` };
            }
            if (type === "kubernetes:helm.sh/v3:Release") {
                state.status = { name: inputs.name ?? name, namespace: inputs.namespace ?? "default", status: "deployed", version: inputs.version };
                state.name = inputs.name ?? name;
            }
    }
    return { id, state };
}

/** Answers the provider functions the program calls; anything else throws so a new call is never silently faked. */
export function mockInvoke(cloud: MockCloud, token: string, inputs: Record<string, any>): Record<string, any> {
    switch (token) {
        case "aws:index/getAvailabilityZones:getAvailabilityZones": {
            const names = ["a", "b", "c", "d", "e", "f"].map((s) => `${cloud.region}${s}`);
            return { names, zoneIds: names.map((_, i) => `${cloud.region.slice(0, 3)}${cloud.region.slice(-1)}-az${i + 1}`), state: inputs.state, id: cloud.region };
        }
        case "aws:index/getCallerIdentity:getCallerIdentity":
            return { accountId: cloud.accountId, arn: cloud.callerArn ?? `arn:aws:iam::${cloud.accountId}:user/mock`, userId: "AIDAMOCK", id: cloud.accountId };
        case "aws:eks/getClusters:getClusters":
            return { names: [...(cloud.existingClusters ?? [])], region: inputs.region ?? cloud.region, id: inputs.region ?? cloud.region };
        case "aws:index/getRegion:getRegion":
            return { name: cloud.region, region: cloud.region, id: cloud.region, endpoint: `ec2.${cloud.region}.amazonaws.com` };
        case "aws:index/getPartition:getPartition":
            return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" };
        case "aws:ecr/getAuthorizationToken:getAuthorizationToken":
            return {
                authorizationToken: Buffer.from("AWS:mock-token").toString("base64"),
                userName: "AWS",
                password: "mock-token",
                proxyEndpoint: `https://${inputs.registryId ?? cloud.accountId}.dkr.ecr.${cloud.region}.amazonaws.com`,
                expiresAt: "2099-01-01T00:00:00Z",
                id: cloud.region,
            };
        default:
            throw new Error(`unmocked invoke ${token}; add it to mockInvoke in preview/mocks.ts`);
    }
}
