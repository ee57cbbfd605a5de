/**
 * What a node can give to pods: the AL2023 kubelet reservation and the pod limits, as pure functions of
 * the instance shape (lib/capacity/instances.ts).
 *
 * Read at awslabs/amazon-eks-ami tag v20260714 (the AMI release the platform pins),
 * nodeadm/internal/kubelet/config.go and eni_max_pods.go:
 *  - maxPods = ENIs × (IPv4 per ENI − 1) + 2 (`calculateStandardMaxPods`);
 *  - kubeReserved CPU: 6% of the first core, 1% of the second, 0.5% of cores 3–4, 0.25% above
 *    (`getCPUMillicoresToReserve`, each range truncated to whole millicores);
 *  - kubeReserved memory: 11 MiB × maxPods + 255 MiB; no systemReserved values;
 *  - evictionHard memory.available: 100Mi.
 * Memory capacity follows Karpenter's model (aws/karpenter-provider-aws pkg/providers/instancetype/types.go
 * at v1.14.1, `memory()`): EC2 memory, minus 64 MiB on Graviton (CMA), minus the 7.5% VM overhead
 * (rounded up). That is a little below what a real kubelet reports (the real MemTotal was not measured),
 * so the model errs on the safe side; with these inputs it reproduces the allocatable cpu/memory/pods the
 * Karpenter v1.14 instance-type reference publishes.
 *
 * Pod IPs: with VPC CNI custom networking (this platform's pod subnets, components/eks) the primary ENI
 * carries no pod IPs, so pods that are not on the host network get at most (ENIs − 1) × (IPv4 per ENI − 1)
 * addresses per node (the same count Karpenter's `reservedENIs: "1"` setting assumes).
 */
import type { InstanceShape } from "./instances";

/** Karpenter's default VM memory overhead (`--vm-memory-overhead-percent`, 0.075). */
export const VM_MEMORY_OVERHEAD = 0.075;
/** Graviton instances reserve 64 MiB of contiguous memory (CMA) the kubelet cannot use. */
export const ARM64_CMA_MIB = 64;
/** evictionHard memory.available on AL2023. */
export const EVICTION_HARD_MEMORY_MIB = 100;

const CPU_RESERVE_RANGES: readonly (readonly [number, number, number])[] = [
    [0, 1000, 0.06],
    [1000, 2000, 0.01],
    [2000, 4000, 0.005],
    [4000, 2 ** 31, 0.0025],
];

/** kube-reserved CPU in millicores for a node of `vcpu` vCPUs. */
export function kubeReservedCpuMillis(vcpu: number): number {
    const millis = vcpu * 1000;
    let reserved = 0;
    for (const [start, end, rate] of CPU_RESERVE_RANGES) {
        if (millis >= start) {
            reserved += Math.floor((Math.min(millis, end) - start) * rate);
        }
    }
    return reserved;
}

/** The kubelet's max pods on an AL2023 node (ENI formula). */
export function eniMaxPods(shape: Pick<InstanceShape, "maxEnis" | "ipv4PerEni">): number {
    return shape.maxEnis * (shape.ipv4PerEni - 1) + 2;
}

/** Pod IPs a node has under VPC CNI custom networking (no pod IPs on the primary ENI). */
export function customNetworkingPodIps(shape: Pick<InstanceShape, "maxEnis" | "ipv4PerEni">): number {
    return Math.max(0, shape.maxEnis - 1) * (shape.ipv4PerEni - 1);
}

/** kube-reserved memory in MiB for `maxPods`. */
export function kubeReservedMemoryMiB(maxPods: number): number {
    return 11 * maxPods + 255;
}

/** Memory capacity in MiB as Karpenter models it (EC2 memory − CMA on arm64 − VM overhead). */
export function memoryCapacityMiB(shape: Pick<InstanceShape, "arch" | "memoryMiB">): number {
    const mib = shape.memoryMiB - (shape.arch === "arm64" ? ARM64_CMA_MIB : 0);
    return mib - Math.ceil(mib * VM_MEMORY_OVERHEAD);
}

/** What one node offers pods. */
export interface NodeAllocatable {
    readonly cpuMillis: number;
    readonly memoryMiB: number;
    /** The kubelet's max pods. */
    readonly maxPods: number;
    /** Pod IPs under custom networking (pods not on the host network). */
    readonly podIps: number;
}

/** Allocatable CPU, memory and pod slots of one node of this shape. */
export function nodeAllocatable(shape: InstanceShape): NodeAllocatable {
    const maxPods = eniMaxPods(shape);
    return {
        cpuMillis: shape.vcpu * 1000 - kubeReservedCpuMillis(shape.vcpu),
        memoryMiB: memoryCapacityMiB(shape) - kubeReservedMemoryMiB(maxPods) - EVICTION_HARD_MEMORY_MIB,
        maxPods,
        podIps: customNetworkingPodIps(shape),
    };
}
