/**
 * EC2 instance shapes the system node group may use, and the kubelet reservation AL2023 applies to them.
 * Data table (facts, not logic) for the capacity model in lib/capacity/model.ts.
 *
 * Sources, read at the pinned versions:
 *  - vCPUs, memory (MiB) and architecture: aws/karpenter-provider-aws website/content/en/v1.14/reference/
 *    instance-types.md at commit 1d927085d ("docs: update for patch release v1.14.1"), labels
 *    karpenter.k8s.aws/instance-cpu, karpenter.k8s.aws/instance-memory, kubernetes.io/arch;
 *  - default ENIs and IPv4 addresses per ENI: awslabs/amazon-eks-ami nodeadm/internal/kubelet/
 *    instance-info.jsonl at tag v20260714 (the AMI release Karpenter's amiAlias pins, and what nodeadm
 *    reads to compute max pods on a managed node group).
 * The allocatable figures computed from these rows (lib/capacity/kubelet.ts) equal the ones the Karpenter
 * reference publishes for every row (checked when the table was written; tests/lib/capacity.spec.ts
 * pins a sample).
 *
 * To add a type: copy its two source lines into a row here.
 */

export interface InstanceShape {
    readonly arch: "arm64" | "amd64";
    readonly vcpu: number;
    /** EC2 MemoryInfo.SizeInMiB. */
    readonly memoryMiB: number;
    /** EC2 NetworkInfo.DefaultMaximumNetworkInterfaces (as nodeadm reads it). */
    readonly maxEnis: number;
    /** EC2 NetworkInfo.Ipv4AddressesPerInterface. */
    readonly ipv4PerEni: number;
}

const row = (arch: InstanceShape["arch"], vcpu: number, memoryMiB: number, maxEnis: number, ipv4PerEni: number): InstanceShape => ({ arch, vcpu, memoryMiB, maxEnis, ipv4PerEni });

/** Instance type → shape. General-purpose, compute and memory families of the 5th to 8th generation, large to 4xlarge. */
export const SYSTEM_INSTANCE_TYPES: Readonly<Record<string, InstanceShape>> = {
    "m5.large": row("amd64", 2, 8192, 3, 10),
    "m5.xlarge": row("amd64", 4, 16384, 4, 15),
    "m5.2xlarge": row("amd64", 8, 32768, 4, 15),
    "m5.4xlarge": row("amd64", 16, 65536, 8, 30),
    "m6g.large": row("arm64", 2, 8192, 3, 10),
    "m6g.xlarge": row("arm64", 4, 16384, 4, 15),
    "m6g.2xlarge": row("arm64", 8, 32768, 4, 15),
    "m6g.4xlarge": row("arm64", 16, 65536, 8, 30),
    "m6i.large": row("amd64", 2, 8192, 3, 10),
    "m6i.xlarge": row("amd64", 4, 16384, 4, 15),
    "m6i.2xlarge": row("amd64", 8, 32768, 4, 15),
    "m6i.4xlarge": row("amd64", 16, 65536, 8, 30),
    "m6a.large": row("amd64", 2, 8192, 3, 10),
    "m6a.xlarge": row("amd64", 4, 16384, 4, 15),
    "m6a.2xlarge": row("amd64", 8, 32768, 4, 15),
    "m6a.4xlarge": row("amd64", 16, 65536, 8, 30),
    "m7g.large": row("arm64", 2, 8192, 3, 10),
    "m7g.xlarge": row("arm64", 4, 16384, 4, 15),
    "m7g.2xlarge": row("arm64", 8, 32768, 4, 15),
    "m7g.4xlarge": row("arm64", 16, 65536, 8, 30),
    "m7i.large": row("amd64", 2, 8192, 3, 10),
    "m7i.xlarge": row("amd64", 4, 16384, 4, 15),
    "m7i.2xlarge": row("amd64", 8, 32768, 4, 15),
    "m7i.4xlarge": row("amd64", 16, 65536, 8, 30),
    "m7a.large": row("amd64", 2, 8192, 3, 10),
    "m7a.xlarge": row("amd64", 4, 16384, 4, 15),
    "m7a.2xlarge": row("amd64", 8, 32768, 4, 15),
    "m7a.4xlarge": row("amd64", 16, 65536, 8, 30),
    "m8g.large": row("arm64", 2, 8192, 3, 10),
    "m8g.xlarge": row("arm64", 4, 16384, 4, 15),
    "m8g.2xlarge": row("arm64", 8, 32768, 4, 15),
    "m8g.4xlarge": row("arm64", 16, 65536, 8, 30),
    "c6g.large": row("arm64", 2, 4096, 3, 10),
    "c6g.xlarge": row("arm64", 4, 8192, 4, 15),
    "c6g.2xlarge": row("arm64", 8, 16384, 4, 15),
    "c6g.4xlarge": row("arm64", 16, 32768, 8, 30),
    "c6i.large": row("amd64", 2, 4096, 3, 10),
    "c6i.xlarge": row("amd64", 4, 8192, 4, 15),
    "c6i.2xlarge": row("amd64", 8, 16384, 4, 15),
    "c6i.4xlarge": row("amd64", 16, 32768, 8, 30),
    "c7g.large": row("arm64", 2, 4096, 3, 10),
    "c7g.xlarge": row("arm64", 4, 8192, 4, 15),
    "c7g.2xlarge": row("arm64", 8, 16384, 4, 15),
    "c7g.4xlarge": row("arm64", 16, 32768, 8, 30),
    "c7i.large": row("amd64", 2, 4096, 3, 10),
    "c7i.xlarge": row("amd64", 4, 8192, 4, 15),
    "c7i.2xlarge": row("amd64", 8, 16384, 4, 15),
    "c7i.4xlarge": row("amd64", 16, 32768, 8, 30),
    "r6g.large": row("arm64", 2, 16384, 3, 10),
    "r6g.xlarge": row("arm64", 4, 32768, 4, 15),
    "r6g.2xlarge": row("arm64", 8, 65536, 4, 15),
    "r6g.4xlarge": row("arm64", 16, 131072, 8, 30),
    "r6i.large": row("amd64", 2, 16384, 3, 10),
    "r6i.xlarge": row("amd64", 4, 32768, 4, 15),
    "r6i.2xlarge": row("amd64", 8, 65536, 4, 15),
    "r6i.4xlarge": row("amd64", 16, 131072, 8, 30),
    "r7g.large": row("arm64", 2, 16384, 3, 10),
    "r7g.xlarge": row("arm64", 4, 32768, 4, 15),
    "r7g.2xlarge": row("arm64", 8, 65536, 4, 15),
    "r7g.4xlarge": row("arm64", 16, 131072, 8, 30),
    "r7i.large": row("amd64", 2, 16384, 3, 10),
    "r7i.xlarge": row("amd64", 4, 32768, 4, 15),
    "r7i.2xlarge": row("amd64", 8, 65536, 4, 15),
    "r7i.4xlarge": row("amd64", 16, 131072, 8, 30),
    "t3.large": row("amd64", 2, 8192, 3, 12),
    "t3.xlarge": row("amd64", 4, 16384, 4, 15),
    "t3.2xlarge": row("amd64", 8, 32768, 4, 15),
    "t4g.large": row("arm64", 2, 8192, 3, 12),
    "t4g.xlarge": row("arm64", 4, 16384, 4, 15),
    "t4g.2xlarge": row("arm64", 8, 32768, 4, 15),
};
