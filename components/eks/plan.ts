/**
 * Pure logic for the Cluster component: argument validation, the system node AMI type, the VPC CNI
 * add-on configuration, KMS and IAM documents and the ENIConfig objects. No Pulumi imports.
 */
import { isAnyAddress, parseCidr } from "../../lib/cidr";
import { archOfFamily, familyOf } from "../../lib/instance-families";
import { IAM_ROLE_ARN } from "../../lib/patterns";
import { logGroupKeyPolicy, type PolicyDocument } from "../shared/iam";

/** All five EKS control-plane log types. */
export const CLUSTER_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;

/** EKS managed add-ons the platform installs itself (eks.Cluster is told not to install any). */
export const MANAGED_ADDONS = ["vpc-cni", "kube-proxy", "eks-pod-identity-agent", "coredns"] as const;
export type ManagedAddon = (typeof MANAGED_ADDONS)[number];

/** AWS managed policies on the system node role. No AmazonEKS_CNI_Policy: the VPC CNI gets its own Pod Identity role. */
export const SYSTEM_NODE_MANAGED_POLICIES = ["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly", "AmazonSSMManagedInstanceCore"] as const;

/** The CloudWatch log group EKS writes control-plane logs to; it must be exactly this name. */
export function clusterLogGroupName(clusterName: string): string {
    return `/aws/eks/${clusterName}/cluster`;
}

export interface ClusterArgsToCheck {
    readonly clusterName: string;
    readonly kubernetesVersion: string;
    readonly publicAccessCidrs: readonly string[];
    readonly deployerRoleArn: string;
    readonly adminRoleArns: readonly string[];
    readonly instanceTypes: readonly string[];
    readonly minSize: number;
    readonly desiredSize: number;
    readonly maxSize: number;
    readonly diskSizeGi: number;
    /** The Service CIDR to state on the cluster, if any. */
    readonly serviceCidr?: string;
}

/**
 * Every problem with the Cluster arguments, each naming the arg. Config validation catches these too;
 * the component re-checks so a caller that bypasses config.ts cannot open the API to the internet or
 * lock everybody out.
 */
export function clusterArgProblems(a: ClusterArgsToCheck): string[] {
    const problems: string[] = [];
    if (!a.clusterName) {
        problems.push("args.clusterName is required");
    }
    if (!/^1\.\d{2}$/.test(a.kubernetesVersion)) {
        problems.push(`args.cluster.kubernetesVersion must be a Kubernetes minor version such as "1.35", got "${a.kubernetesVersion}"`);
    }
    a.publicAccessCidrs.forEach((c, i) => {
        if (isAnyAddress(c)) {
            problems.push(`args.cluster.publicAccessCidrs[${i}] is ${c}, which would expose the Kubernetes API to the internet; list specific CIDRs, or none for a private-only endpoint`);
        } else if (!parseCidr(c)) {
            problems.push(`args.cluster.publicAccessCidrs[${i}] "${c}" is not a valid IPv4 CIDR`);
        }
    });
    if (a.adminRoleArns.length === 0) {
        problems.push("args.cluster.adminRoleArns must list at least one IAM role, or nobody can administer the cluster");
    }
    if (!IAM_ROLE_ARN.test(a.deployerRoleArn ?? "")) {
        problems.push(`args.cluster.deployerRoleArn "${a.deployerRoleArn ?? ""}" is not an IAM role ARN`);
    }
    a.adminRoleArns.forEach((arn, i) => {
        if (!IAM_ROLE_ARN.test(arn)) {
            problems.push(`args.cluster.adminRoleArns[${i}] "${arn}" is not an IAM role ARN`);
        } else if (a.adminRoleArns.indexOf(arn) !== i) {
            problems.push(`args.cluster.adminRoleArns[${i}] duplicates ${arn}`);
        } else if (arn === a.deployerRoleArn) {
            problems.push(`args.cluster.adminRoleArns[${i}] is args.cluster.deployerRoleArn: EKS already gives the cluster creator an admin entry, and a second one fails with ResourceInUseException`);
        }
    });
    if (a.instanceTypes.length === 0) {
        problems.push("args.cluster.systemNodes.instanceTypes must list at least one instance type");
    } else {
        const archs = new Set(a.instanceTypes.map((t) => archOfFamily(familyOf(t))));
        if (archs.has(undefined)) {
            problems.push(`args.cluster.systemNodes.instanceTypes has an unknown instance type (${a.instanceTypes.join(", ")})`);
        } else if (archs.size > 1) {
            problems.push("args.cluster.systemNodes.instanceTypes must all share one architecture (a managed node group has one AMI type)");
        }
    }
    if (!(a.minSize >= 1 && a.minSize <= a.desiredSize && a.desiredSize <= a.maxSize)) {
        problems.push(`args.cluster.systemNodes sizes must satisfy 1 <= minSize <= desiredSize <= maxSize (got ${a.minSize}/${a.desiredSize}/${a.maxSize})`);
    }
    if (!(Number.isInteger(a.diskSizeGi) && a.diskSizeGi >= 20)) {
        problems.push(`args.cluster.systemNodes.diskSizeGi must be a whole number of at least 20, got ${a.diskSizeGi}`);
    }
    if (a.serviceCidr !== undefined) {
        const block = parseCidr(a.serviceCidr);
        if (block === undefined || block.prefix < 12 || block.prefix > 24) {
            problems.push(`args.serviceCidr must be an IPv4 CIDR between /12 and /24 (EKS's limits), got "${a.serviceCidr}"`);
        }
    }
    return problems;
}

/** AL2023 AMI type for a managed node group's instance types: arm64 (Graviton) or x86_64. */
export function systemNodeAmiType(instanceTypes: readonly string[]): "AL2023_ARM_64_STANDARD" | "AL2023_x86_64_STANDARD" {
    const archs = new Set(instanceTypes.map((t) => archOfFamily(familyOf(t))));
    if (archs.size !== 1 || archs.has(undefined)) {
        throw new Error(`instance types ${instanceTypes.join(", ")} do not share one known architecture`);
    }
    return archs.has("arm64") ? "AL2023_ARM_64_STANDARD" : "AL2023_x86_64_STANDARD";
}

/** Stable resource-name suffix for an admin role: its name without the path, e.g. "moka-prod-platform-admin". */
export function adminRoleSlug(roleArn: string): string {
    return roleArn.replace(/^.*:role\//, "").replace(/[^A-Za-z0-9-]+/g, "-");
}

/** Kubernetes taint effect → EKS managed node group taint effect. */
export function nodeGroupTaintEffect(effect: "NoSchedule" | "PreferNoSchedule" | "NoExecute"): "NO_SCHEDULE" | "PREFER_NO_SCHEDULE" | "NO_EXECUTE" {
    return ({ NoSchedule: "NO_SCHEDULE", PreferNoSchedule: "PREFER_NO_SCHEDULE", NoExecute: "NO_EXECUTE" } as const)[effect];
}

/** The label the VPC CNI reads to pick a node's ENIConfig; ENIConfigs are therefore named after the AZ. */
export const ENI_CONFIG_LABEL = "topology.kubernetes.io/zone";

/**
 * The vpc-cni add-on `configurationValues`: custom networking on (pod ENIs in the pod subnets, picked by
 * the node's zone label) and the network-policy agent on so NetworkPolicies are enforced.
 */
export function vpcCniConfiguration(): { env: Record<string, string>; enableNetworkPolicy: string } {
    return {
        env: {
            AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: "true",
            ENI_CONFIG_LABEL_DEF: ENI_CONFIG_LABEL,
        },
        enableNetworkPolicy: "true",
    };
}

/** The ENIConfig for one AZ (crd.k8s.amazonaws.com/v1alpha1, installed by the vpc-cni add-on). */
export function eniConfigObject(availabilityZone: string, subnetId: string, securityGroupIds: readonly string[]) {
    return {
        apiVersion: "crd.k8s.amazonaws.com/v1alpha1",
        kind: "ENIConfig",
        metadata: { name: availabilityZone },
        spec: { subnet: subnetId, securityGroups: [...securityGroupIds] },
    };
}

/**
 * Key policy for the cluster key: the account administers the key through IAM, and CloudWatch Logs may use
 * it only for the cluster's control-plane log group (encryption-context condition; shared/log-key.ts).
 */
export function clusterKeyPolicy(partition: string, region: string, accountId: string, clusterName: string): PolicyDocument {
    return logGroupKeyPolicy(partition, region, accountId, [clusterLogGroupName(clusterName)], "CloudWatchLogsForControlPlaneLogGroup");
}

/** Trust policy of the EKS cluster service role. */
export function clusterRoleTrustPolicy(): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] }],
    };
}

/** What the cluster role needs on the key for envelope encryption of Secrets, scoped to that key. */
export function clusterRoleKmsPolicy(keyArn: string): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [{
            Sid: "EnvelopeEncryptSecrets",
            Effect: "Allow",
            Action: ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"],
            Resource: keyArn,
        }],
    };
}

/** Trust policy of the node role (EC2 instances). */
export function nodeRoleTrustPolicy(): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
    };
}

// ---------------------------------------------------------------------------------------------
// The cluster creator
// ---------------------------------------------------------------------------------------------

/** The role name of an IAM role ARN (the last path segment): "arn:aws:iam::1:role/ci/deployer" → "deployer". */
export function roleNameOf(roleArn: string): string {
    return roleArn.replace(/^.*:role\//, "").split("/").pop() ?? roleArn;
}

/**
 * The account and role name behind an STS caller ARN — an assumed-role session
 * (`arn:aws:sts::<acct>:assumed-role/<role>/<session>`, what `aws sts get-caller-identity` shows for a role)
 * or a role ARN — or undefined for an IAM user, the root user or anything else.
 */
export function callerRole(callerArn: string): { readonly account: string; readonly roleName: string } | undefined {
    const m = /^arn:aws[a-z-]*:sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(callerArn) ?? /^arn:aws[a-z-]*:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(callerArn);
    return m ? { account: m[1], roleName: m[2] } : undefined;
}

const accountOf = (roleArn: string) => /::(\d{12}):/.exec(roleArn)?.[1];

/** A principal that gets an access entry of its own from this stack, with the config key that names it. */
export interface EntryPrincipal {
    /** e.g. `moka:teams[0].access.ci`. */
    readonly key: string;
    /** An IAM role ARN. */
    readonly arn: string;
}

const sameRole = (caller: { account: string; roleName: string }, roleArn: string) => roleNameOf(roleArn) === caller.roleName && accountOf(roleArn) === caller.account;

/**
 * Why `pulumi up` must not create the cluster as this caller, or undefined. pulumi-eks 4.3.0 always creates
 * the cluster with `bootstrapClusterCreatorAdminPermissions: true` (nodejs/eks/cluster/cluster.ts at v4.3.0, no
 * input turns it off; pulumi/pulumi-eks#2373), so EKS gives the caller that creates the cluster its own admin
 * access entry. If that caller is also an admin role or a team principal, the program's entry for it fails
 * with ResourceInUseException (409): an IAM principal can be in only one access entry. Only creation makes
 * the creator entry: see {@link creatorCheck}.
 */
export function deployerCallerProblem(callerArn: string, deployerRoleArn: string, adminRoleArns: readonly string[], teamPrincipals: readonly EntryPrincipal[] = []): string | undefined {
    const caller = callerRole(callerArn);
    if (!caller) {
        return undefined;
    }
    const i = adminRoleArns.findIndex((arn) => sameRole(caller, arn));
    const team = i < 0 ? teamPrincipals.find((p) => sameRole(caller, p.arn)) : undefined;
    if (i < 0 && !team) {
        return undefined;
    }
    const who = team ? `${team.key} (${team.arn})` : `moka:cluster.adminRoleArns[${i}] (${adminRoleArns[i]})`;
    const entry = team ? "the team's access entry this stack creates for that role" : "the admin entry this stack creates for that role";
    return `pulumi up runs as ${callerArn}, which is ${who}. EKS gives the identity that creates the cluster an admin access entry of its own, so ${entry} would fail with ResourceInUseException. Run pulumi up as moka:cluster.deployerRoleArn (${deployerRoleArn}), e.g. from the CI runner, not as ${team ? "a team principal" : "an admin role"}`;
}

/** A note when `pulumi up` runs as a role other than the declared deployer (the creator entry then belongs to it), or undefined. */
export function deployerCallerNote(callerArn: string, deployerRoleArn: string): string | undefined {
    const caller = callerRole(callerArn);
    if (!caller || sameRole(caller, deployerRoleArn)) {
        return undefined;
    }
    return `pulumi up runs as ${callerArn}, not as moka:cluster.deployerRoleArn (${deployerRoleArn}); if this run creates the cluster, EKS makes this role its creator (with an admin entry)`;
}

/**
 * What to say about the caller of this run. The creator entry is made only when the cluster is created, so
 * a caller with an entry of its own (an admin role, a team principal) is refused only while the cluster does
 * not exist yet (`clusterExists`: its name is among aws.eks.getClusters' names in the region); afterwards it is
 * a warning (break-glass runs by an admin are fine, but that role must never create the cluster).
 */
export function creatorCheck(c: {
    readonly callerArn: string; readonly deployerRoleArn: string; readonly adminRoleArns: readonly string[];
    readonly teamPrincipals: readonly EntryPrincipal[]; readonly clusterName: string; readonly clusterExists: boolean;
}): { readonly error?: string; readonly warning?: string } {
    const problem = deployerCallerProblem(c.callerArn, c.deployerRoleArn, c.adminRoleArns, c.teamPrincipals);
    if (problem && !c.clusterExists) {
        return { error: problem };
    }
    if (problem) {
        return { warning: `EKS cluster ${c.clusterName} already exists, so this run makes no creator entry and nothing collides. But never let this role create the cluster: ${problem}` };
    }
    const note = c.clusterExists ? undefined : deployerCallerNote(c.callerArn, c.deployerRoleArn);
    return note ? { warning: note } : {};
}
