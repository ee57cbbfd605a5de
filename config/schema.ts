/**
 * The stack configuration schema: one zod schema per `moka:*` key (plus `aws:region`). Defaults are
 * filled here (zod defaults and transforms), and every config type is inferred from these schemas, so a
 * new setting is one edit. Cross-field checks live in cross-checks.ts, reading and error reporting in
 * load.ts.
 */
import { z } from "zod";
import { cidrProblem, isAnyAddress } from "../lib/cidr";
import { AWS_ACCOUNT_ID, AWS_REGION, DNS1123_LABEL, IAM_ROLE_ARN, S3_PREFIX } from "../lib/patterns";
import { isLogRetentionDays, LOG_RETENTION_MESSAGE } from "../lib/aws-limits";
import { isReservedNamespace, TEAM_ACCESS_LEVELS } from "../lib/platform";
import { nodePoolsSchema } from "../components/karpenter/node-pools";
import { DEFAULT_HEADROOM_PERCENT } from "../lib/capacity/model";

/** The config namespace of every platform key (`moka:<key>`). */
export const CONFIG_NAMESPACE = "moka";

// ---------------------------------------------------------------------------------------------
// Field schemas
// ---------------------------------------------------------------------------------------------

const cidr = z.string().superRefine((v, ctx) => {
    const problem = cidrProblem(v);
    if (problem) {
        ctx.addIssue({ code: "custom", message: problem });
    }
});

const positiveInt = z.number().int("must be a whole number").positive("must be greater than zero");
const positiveNumber = z.number().positive("must be greater than zero");

const retentionDays = z.number().int().refine(isLogRetentionDays, { message: LOG_RETENTION_MESSAGE });

const awsId = (prefix: string, example: string) => z.string().regex(new RegExp(`^${prefix}-[0-9a-f]{8}([0-9a-f]{9})?$`), `must be an id such as ${example}`);
const availabilityZone = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d[a-z]$/, "must be an availability zone name such as us-west-2a");

/** Bring your own VPC: nothing of the VPC is created; the platform tags the given subnets (aws.ec2.Tag). */
const existingVpcSchema = z.strictObject({
    vpcId: awsId("vpc", "vpc-0a1b2c3d4e5f60718"),
    /** The VPC's primary CIDR (the node subnets' block). */
    vpcCidr: cidr,
    /** Further CIDR blocks associated with the VPC (e.g. the pod subnets' 100.64.0.0/16). */
    secondaryCidrs: z.array(cidr).default([]),
    /** Private subnets for nodes and the control-plane ENIs (get the Karpenter discovery and internal-ELB tags). */
    nodeSubnetIds: z.array(awsId("subnet", "subnet-0a1b2c3d4e5f60718")).min(2, "needs at least two node subnets (EKS wants two AZs)"),
    /** One pod subnet per AZ (VPC CNI custom networking: an ENIConfig each). */
    podSubnets: z.array(z.strictObject({ availabilityZone, subnetId: awsId("subnet", "subnet-0a1b2c3d4e5f60718") })).min(2, "needs a pod subnet in at least two AZs"),
    /** Public subnets for internet-facing load balancers (get the ELB role tag). */
    publicSubnetIds: z.array(awsId("subnet", "subnet-0a1b2c3d4e5f60718")).default([]),
    /** Route tables of the node subnets; routes to moka:cluster.privateAccess networks are added to them. */
    routeTableIds: z.array(awsId("rtb", "rtb-0a1b2c3d4e5f60718")).default([]),
    /** Create the interface endpoints (STS, ECR, EC2, SQS, Logs) and the S3 gateway endpoint in the VPC. */
    createEndpoints: z.boolean().default(false),
});

const networkSchema = z.strictObject({
    vpcCidr: cidr.default("10.0.0.0/16"),
    podCidr: cidr.default("100.64.0.0/16"),
    azCount: z.number().int("must be a whole number").min(2, "must be between 2 and 6").max(6, "must be between 2 and 6").default(3),
    natMode: z.enum(["perAz", "single"]).default("perAz"),
    availabilityZones: z.array(availabilityZone).optional(),
    existingVpc: existingVpcSchema.optional(),
});

const systemNodesSchema = z.strictObject({
    instanceTypes: z.array(z.string().regex(/^[a-z0-9-]+\.[a-z0-9]+$/, "must be an instance type such as m7g.xlarge")).min(1).default(["m7g.xlarge"]),
    minSize: z.number().int().min(1, "must be at least 1").default(2),
    desiredSize: z.number().int().min(1, "must be at least 1").default(2),
    maxSize: z.number().int().min(1, "must be at least 1").default(4),
    diskSizeGi: positiveInt.default(50),
    /**
     * Percent of the group's allocatable CPU and memory kept free for one rolling update (lib/capacity/model.ts).
     * The one home of the figure: the node group carries it as its SYSTEM_NODE_HEADROOM_TAG tag, which the
     * deployability pack reads (its own minimumHeadroomPercent can only raise it).
     */
    headroomPercent: z.number().int("must be a whole number").min(0, "must be between 0 and 90").max(90, "must be between 0 and 90").default(DEFAULT_HEADROOM_PERCENT),
});

/** How a network outside the node subnets reaches the private API endpoint (443 on the cluster security group). */
export const PRIVATE_ACCESS_VIA = ["transitGateway", "vpcPeering", "vpn", "inVpc"] as const;

const privateAccessSchema = z.strictObject({
    /** A name for the network; `moka:cluster.deployer.network` refers to it. */
    name: z.string().max(40, "must be at most 40 characters").regex(DNS1123_LABEL, "must be a DNS-1123 label (lower-case letters, digits and '-')"),
    via: z.enum(PRIVATE_ACCESS_VIA, { error: () => `must be one of ${PRIVATE_ACCESS_VIA.join(", ")}` }),
    /** The network's CIDR: 443 ingress from it, and (outside the VPC) routes to it. */
    cidr: cidr.refine((v) => !isAnyAddress(v), "0.0.0.0/0 is not a network; list the connected network's CIDR").optional(),
    /**
     * A security group of the network (in the same VPC, or a peered VPC in the same Region): 443 ingress from
     * it instead of the CIDR. Refused with via transitGateway: a transit gateway resolves security group
     * references only with SecurityGroupReferencingSupport enabled, which is off by default for a gateway
     * (botocore ec2 service-2.json TransitGatewayOptions) and not visible to this stack; admit the cidr.
     */
    securityGroupId: awsId("sg", "sg-0a1b2c3d4e5f60718").optional(),
    transitGatewayId: awsId("tgw", "tgw-0a1b2c3d4e5f60718").optional(),
    vpcPeeringConnectionId: awsId("pcx", "pcx-0a1b2c3d4e5f60718").optional(),
    vpnGatewayId: awsId("vgw", "vgw-0a1b2c3d4e5f60718").optional(),
});

/** Where `pulumi up` runs from: a moka:cluster.privateAccess network, or the internet (the public endpoint). */
const deployerSchema = z.strictObject({
    network: z.string().min(1, "must name a moka:cluster.privateAccess network or be \"public\""),
    /** With network "public": the public addresses the deployer's requests come from (NAT/egress IPs). */
    egressCidrs: z.array(cidr).optional(),
});

const clusterSchema = z.strictObject({
    kubernetesVersion: z.string().regex(/^1\.\d{2}$/, "must be a Kubernetes minor version such as \"1.35\"").default("1.35"),
    publicAccessCidrs: z.array(cidr.refine((v) => !isAnyAddress(v), "0.0.0.0/0 would expose the Kubernetes API to the internet; list specific CIDRs or leave empty for private-only")).default([]),
    privateAccess: z.array(privateAccessSchema).default([]),
    deployer: deployerSchema,
    /** The role `pulumi up` runs as. EKS makes it the cluster creator (an admin entry pulumi-eks cannot turn off). */
    deployerRoleArn: z.string().regex(IAM_ROLE_ARN, "must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)"),
    adminRoleArns: z.array(z.string().regex(IAM_ROLE_ARN, "must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)")).min(1, "needs at least one admin role, or nobody can administer the cluster"),
    logRetentionDays: retentionDays.default(90),
    systemNodes: systemNodesSchema.default(() => systemNodesSchema.parse({})),
});

const tagsSchema = z.record(
    z.string().regex(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u, "tag keys are 1-128 characters of letters, digits, spaces and _ . : / = + - @").refine((k) => !k.toLowerCase().startsWith("aws:"), "the aws: prefix is reserved"),
    z.string().max(256, "tag values are at most 256 characters"),
).superRefine((tags, ctx) => {
    for (const required of REQUIRED_TAG_KEYS) {
        if (!(required in tags)) {
            ctx.addIssue({ code: "custom", message: `missing required cost-allocation tag "${required}"`, path: [required] });
        }
    }
});

/** Cost-allocation tag keys every stack must set in `moka:tags`. `environment` and `managed-by` are added by the program. */
export const REQUIRED_TAG_KEYS = ["cost-center", "owner"] as const;

const quotaSchema = z.strictObject({
    cpu: positiveNumber,
    memoryGi: positiveInt,
    pods: positiveInt.default(500),
    pvcs: positiveInt.default(50),
    maxApplications: positiveInt.default(20),
    /** YuniKorn guaranteed share. Defaults to a quarter of `cpu`. */
    guaranteedCpu: positiveNumber.optional(),
    /** YuniKorn guaranteed share. Defaults to a quarter of `memoryGi` (at least 1). */
    guaranteedMemoryGi: positiveInt.optional(),
}).transform((q) => ({
    ...q,
    guaranteedCpu: q.guaranteedCpu ?? q.cpu / 4,
    guaranteedMemoryGi: q.guaranteedMemoryGi ?? Math.max(1, Math.floor(q.memoryGi / 4)),
}));

const roleArn = z.string().regex(IAM_ROLE_ARN, "must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)");

/**
 * Who may use the team's namespace: each principal gets an EKS access entry with an access policy scoped to
 * the namespace (CI: edit; developers: view or edit) and the team's Kubernetes group (components/tenancy/access.ts).
 */
const teamAccessSchema = z.strictObject({
    /** The team's CI deployer role (edit in the namespace). */
    ci: roleArn,
    developers: z.array(z.strictObject({
        roleArn,
        level: z.enum(TEAM_ACCESS_LEVELS, { error: () => "must be view or edit" }).default("view"),
    })).default([]),
    /** A principal that is also in moka:cluster.adminRoleArns is refused unless this is true (with a reason). */
    allowAdminOverlap: z.boolean().default(false),
    adminOverlapReason: z.string().min(10, "must say why an admin role is also a team principal").optional(),
});

const teamSchema = z.strictObject({
    name: z.string()
        .max(40, "must be at most 40 characters")
        .regex(DNS1123_LABEL, "must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with an alphanumeric")
        .refine((n) => !isReservedNamespace(n), "is reserved for the platform"),
    quota: quotaSchema,
    dataPrefix: z.string().regex(S3_PREFIX, "must be an S3 key prefix without leading or trailing '/', wildcards or '..'").refine((p) => !p.split("/").includes(".."), "must not contain '..'").optional(),
    sharedPrefixes: z.array(z.string().regex(S3_PREFIX, "must be an S3 key prefix without leading or trailing '/' or wildcards")).default([]),
    podSecurity: z.enum(["restricted", "baseline"]).default("restricted"),
    podSecurityReason: z.string().min(10, "must explain why the team cannot run under restricted").optional(),
    access: teamAccessSchema,
}).transform((t) => ({
    ...t,
    /** The team's namespace; equal to the team name. */
    namespace: t.name,
    /** Prefix of the team's data in its own bucket (read/write). Defaults to `teams/<name>`, the pre-2.0 key layout, so a migration copies keys unchanged. */
    dataPrefix: t.dataPrefix ?? `teams/${t.name}`,
}));

const storageSchema = z.strictObject({
    eventLogPrefix: z.string().regex(S3_PREFIX, "must be an S3 key prefix without leading or trailing '/'").default("spark-events"),
    eventLogRetentionDays: z.number().int().min(1, "must be between 1 and 3650").max(3650, "must be between 1 and 3650").default(30),
    noncurrentVersionExpirationDays: z.number().int().min(1, "must be between 1 and 3650").max(3650, "must be between 1 and 3650").default(30),
    containerLogPrefix: z.string().regex(S3_PREFIX, "must be an S3 key prefix").default("container-logs"),
    accessLogRetentionDays: z.number().int().min(1, "must be between 1 and 3650").max(3650, "must be between 1 and 3650").default(365),
    /**
     * Keep the pre-2.0 shared event-log and data buckets in the stack (protected in prod, no team access)
     * while their data is copied into the team buckets. See the README's storage migration.
     */
    retainLegacySharedBuckets: z.boolean().default(false),
});

/** Grafana on the AMP workspace (components/observability/grafana.ts). */
const grafanaSchema = z.strictObject({
    enabled: z.boolean().default(true),
    /** An HTTPS mirror of the AMP data source plugin's zip, for networks without egress to grafana.com. */
    pluginUrl: z.string().regex(/^https:\/\/[^\s@]+$/, "must be an https:// URL without '@' or spaces").optional(),
});

const observabilitySchema = z.strictObject({
    logRetentionDays: retentionDays.default(30),
    metricsRetentionDays: z.number().int().min(1).max(1095).default(150),
    grafana: grafanaSchema.default(() => grafanaSchema.parse({})),
});

const enginesSchema = z.strictObject({
    flink: z.boolean().default(false),
    ray: z.boolean().default(false),
});

/** Where the platform Spark image (History Servers, the teams' default) comes from. */
const sparkImageSchema = z.strictObject({
    /** `build`: built and pushed by this stack (images/spark, multi-arch); `external`: an existing image, pinned by digest. */
    source: z.enum(["build", "external"], { error: () => "must be build or external" }).default("build"),
    /** With source external: the image, `<registry>/<repository>@sha256:<digest>` (optionally with a tag before the digest). */
    image: z.string().optional(),
});

const imagesSchema = z.strictObject({
    buildSparkImage: z.unknown().refine((v) => v === undefined, "was replaced by moka:images.sparkImage.source (build, the default, or external with moka:images.sparkImage.image)").optional(),
    sparkImage: sparkImageSchema.default(() => sparkImageSchema.parse({})),
    sparkVersion: z.string().regex(/^\d+\.\d+\.\d+$/, "must be a Spark release such as 4.1.2").default("4.1.2"),
    untaggedExpireDays: z.number().int().min(1).max(365).default(14),
    keepTaggedImages: z.number().int().min(1).max(1000).default(50),
});

const environmentSchema = z.enum(["test", "dev", "staging", "prod"], { error: () => "must be one of test, dev, staging, prod" });

export const SECTIONS = {
    environment: environmentSchema,
    // Quote it in YAML: an unquoted id with a leading zero loses it and is rejected here.
    accountId: z.union([z.string(), z.number()]).transform((v) => String(v)).pipe(z.string().regex(AWS_ACCOUNT_ID, "must be a 12-digit AWS account id (quote it in YAML so leading zeros survive)")),
    region: z.string({ error: () => "is required (set aws:region)" }).regex(AWS_REGION, "must be an AWS region such as us-west-2"),
    namePrefix: z.string().max(16, "must be at most 16 characters").regex(DNS1123_LABEL, "must be a DNS-1123 label").default("moka"),
    network: networkSchema.default(() => networkSchema.parse({})),
    cluster: clusterSchema,
    // The pool map's schema and its cross-checks live with the Karpenter component (one copy for config and args).
    nodePools: nodePoolsSchema,
    tags: tagsSchema,
    teams: z.array(teamSchema).min(1, "needs at least one team"),
    storage: storageSchema.default(() => storageSchema.parse({})),
    observability: observabilitySchema.default(() => observabilitySchema.parse({})),
    engines: enginesSchema.default(() => enginesSchema.parse({})),
    images: imagesSchema.default(() => imagesSchema.parse({})),
    protectData: z.boolean().optional(),
} as const;

/** Each section as parsed (defaults filled). */
export type Sections = { [K in keyof typeof SECTIONS]: z.output<(typeof SECTIONS)[K]> };

/** Config keys the program reads; any other `moka:*` key is a typo and is rejected. */
export const CONFIG_KEYS = Object.keys(SECTIONS).filter((k) => k !== "region");

/** Derives what the program uses from the parsed sections: the name stem, the full tag set and the data-protection default. */
export function assembleConfig(s: Sections) {
    return {
        ...s,
        /** `<namePrefix>-<environment>`, the stem of every physical resource name (the EKS cluster name too). */
        baseName: `${s.namePrefix}-${s.environment}`,
        /** Cost-allocation tags, including the program-added `environment` and `managed-by`. */
        tags: { ...s.tags, environment: s.environment, "managed-by": "pulumi" } as Record<string, string>,
        /** Protect stateful resources (buckets, keys, repositories, audit log groups) from deletion. Defaults to true in prod and staging. */
        protectData: s.protectData ?? (s.environment === "prod" || s.environment === "staging"),
    };
}

/** The validated, defaulted stack configuration every component is built from. */
export type MokaConfig = Readonly<ReturnType<typeof assembleConfig>>;
export type Environment = Sections["environment"];
export type NetworkConfig = Sections["network"];
export type ClusterConfig = Sections["cluster"];
export type NodePoolsConfig = Sections["nodePools"];
export type NodePoolConfig = NodePoolsConfig[string];
export type TeamConfig = z.output<typeof teamSchema>;
export type TeamQuota = TeamConfig["quota"];
export type TeamAccessConfig = TeamConfig["access"];
export type StorageConfig = Sections["storage"];
export type ObservabilityConfig = Sections["observability"];
export type EnginesConfig = Sections["engines"];
export type ImagesConfig = Sections["images"];
export type SparkImageConfig = ImagesConfig["sparkImage"];
export type PrivateAccessNetwork = ClusterConfig["privateAccess"][number];
export type DeployerConfig = ClusterConfig["deployer"];
export type ExistingVpcConfig = NonNullable<NetworkConfig["existingVpc"]>;
