/**
 * Pure builder of the karpenter.k8s.aws/v1 EC2NodeClass spec each pool gets (one per pool, same name as
 * its NodePool), and the checks of what goes into it: the pinned AL2023 AMI alias and the cost tags.
 *
 * Field names follow aws/karpenter-provider-aws pkg/apis/crds/karpenter.k8s.aws_ec2nodeclasses.yaml as
 * shipped with chart 1.14.1; the tests validate every spec against @kubernetes-models/karpenter.
 */
import { DISCOVERY_TAG_KEY } from "./iam";
import { type PoolRole, ROOT_VOLUME_PERFORMANCE, rootVolumeProblem } from "./node-pools";

export interface BlockDeviceMapping {
    readonly deviceName: string;
    readonly rootVolume: boolean;
    readonly ebs: {
        readonly volumeSize: string;
        readonly volumeType: "gp3";
        readonly iops: number;
        readonly throughput: number;
        readonly encrypted: boolean;
        readonly deleteOnTermination: boolean;
    };
}

export interface Ec2NodeClassSpec {
    readonly amiSelectorTerms: { readonly alias: string }[];
    readonly role: string;
    readonly subnetSelectorTerms: { readonly tags: Record<string, string> }[];
    readonly securityGroupSelectorTerms: { readonly tags: Record<string, string> }[];
    readonly associatePublicIPAddress: boolean;
    readonly metadataOptions: {
        readonly httpEndpoint: "enabled" | "disabled";
        readonly httpProtocolIPv6: "enabled" | "disabled";
        readonly httpPutResponseHopLimit: number;
        readonly httpTokens: "required" | "optional";
    };
    readonly blockDeviceMappings: BlockDeviceMapping[];
    readonly tags: Record<string, string>;
}

/** AL2023 EKS AMI aliases pinned to a release (`al2023@vYYYYMMDD`). */
const AMI_ALIAS = /^al2023@v\d{8}$/;

/** Why `alias` is not a pinned AL2023 alias (naming `args.amiAlias`), or undefined. */
export function amiAliasProblem(alias: string): string | undefined {
    return AMI_ALIAS.test(alias)
        ? undefined
        : `args.amiAlias must pin an AL2023 EKS AMI release such as al2023@v20260714, got "${alias}" (@latest would roll every node whenever AWS publishes an AMI)`;
}

/** Tag keys EC2NodeClass.spec.tags rejects (Karpenter sets them itself). */
export function restrictedTagProblem(key: string): string | undefined {
    if (key === "") {
        return "empty tag keys are not allowed";
    }
    if (key.startsWith("kubernetes.io/cluster")) {
        return "kubernetes.io/cluster/* is set by Karpenter";
    }
    if (["eks:eks-cluster-name", "karpenter.sh/nodepool", "karpenter.sh/nodeclaim", "karpenter.k8s.aws/ec2nodeclass"].includes(key)) {
        return `${key} is set by Karpenter`;
    }
    if (key.toLowerCase().startsWith("aws:")) {
        return "the aws: prefix is reserved by AWS";
    }
    return undefined;
}

/** Problems with tags meant for EC2NodeClass.spec.tags, each naming `args.tags["<key>"]`. */
export function nodeClassTagProblems(tags: Readonly<Record<string, unknown>>): string[] {
    const problems: string[] = [];
    for (const [k, v] of Object.entries(tags)) {
        const problem = restrictedTagProblem(k);
        if (problem) {
            problems.push(`args.tags["${k}"] cannot be put on EC2NodeClass.spec.tags: ${problem}`);
        }
        if (typeof v !== "string") {
            problems.push(`args.tags["${k}"] must be a string`);
        }
    }
    return problems;
}

/** gp3 IOPS and throughput of a role's root volume; throws when gp3 cannot serve them on `rootVolumeGi`. */
export function volumeFor(role: PoolRole, rootVolumeGi: number): { iops: number; throughput: number } {
    const problem = rootVolumeProblem(role, rootVolumeGi);
    if (problem) {
        throw new Error(`volumeFor: ${problem}`);
    }
    return { ...ROOT_VOLUME_PERFORMANCE[role] };
}

export interface NodeClassInputs {
    readonly role: PoolRole;
    readonly clusterName: string;
    /** Name (not ARN) of the node IAM role; Karpenter manages the instance profile. */
    readonly nodeRoleName: string;
    readonly rootVolumeGi: number;
    readonly amiAlias: string;
    /** Cost-allocation tags for instances, volumes, ENIs and launch templates. */
    readonly tags: Readonly<Record<string, string>>;
}

/** AL2023's root device. */
export const ROOT_DEVICE_NAME = "/dev/xvda";

/** The EC2NodeClass spec. Throws (listing every problem) on an unpinned AMI alias or a tag Karpenter reserves. */
export function buildEc2NodeClassSpec(i: NodeClassInputs): Ec2NodeClassSpec {
    const problems = [amiAliasProblem(i.amiAlias), ...nodeClassTagProblems(i.tags)].filter((p): p is string => p !== undefined);
    if (problems.length > 0) {
        throw new Error(`buildEc2NodeClassSpec: ${problems.join("; ")}`);
    }
    const discovery = { [DISCOVERY_TAG_KEY]: i.clusterName };
    const perf = volumeFor(i.role, i.rootVolumeGi);
    return {
        amiSelectorTerms: [{ alias: i.amiAlias }],
        role: i.nodeRoleName,
        subnetSelectorTerms: [{ tags: { ...discovery } }],
        securityGroupSelectorTerms: [{ tags: { ...discovery } }],
        associatePublicIPAddress: false,
        // IMDSv2 only, hop limit 1: pods cannot reach the node role's credentials through IMDS.
        metadataOptions: { httpEndpoint: "enabled", httpProtocolIPv6: "disabled", httpPutResponseHopLimit: 1, httpTokens: "required" },
        blockDeviceMappings: [{
            deviceName: ROOT_DEVICE_NAME,
            rootVolume: true,
            ebs: {
                volumeSize: `${i.rootVolumeGi}Gi`,
                volumeType: "gp3",
                iops: perf.iops,
                throughput: perf.throughput,
                encrypted: true,
                deleteOnTermination: true,
            },
        }],
        tags: { ...i.tags },
    };
}
