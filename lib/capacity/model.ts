/**
 * The system-node capacity model: does what the platform pins to the system node group fit what that
 * group can allocate at its minimum size, with headroom for one rolling update?
 *
 * Pure and shared: config/cross-checks.ts runs it on the pods the configuration implies
 * (lib/capacity/platform.ts) before anything is created; the deployability pack's
 * `system-nodes-capacity-fits` rule runs it on the pods it reads from the resources (Helm values,
 * Deployments, DaemonSets, EKS add-ons); the offline preview prints `describeFit`.
 *
 * What counts: every pod group's requests × replicas, DaemonSets once per node, and for each pod the
 * fact that it must fit on one node next to the DaemonSets. A group with required pod anti-affinity on
 * the hostname (Karpenter's two controllers) needs that many distinct nodes. Pod slots: the kubelet's
 * max pods, and, with VPC CNI custom networking, the pod IPs of the secondary ENIs.
 *
 * The check is monotone: adding a pod, or raising a request, never turns a misfit into a fit (so a policy
 * that sees only part of the pods can still refuse what it sees). Bin-packing order is not modelled;
 * the headroom covers fragmentation as well as the surge pod of a rolling update.
 */
import { nodeAllocatable, type NodeAllocatable } from "./kubelet";
import { SYSTEM_INSTANCE_TYPES } from "./instances";

/** Requests of one pod (all its containers). */
export interface PodResources {
    readonly cpuMillis: number;
    readonly memoryMiB: number;
}

/** A set of identical pods that land on the node group. */
export interface PodGroup {
    /** What they are, e.g. "karpenter controller". */
    readonly name: string;
    /** Where the figures come from, e.g. `Helm release "karpenter" values controller.resources`. */
    readonly source?: string;
    /** A DaemonSet: one pod on every node of the group. */
    readonly perNode: boolean;
    /** Pods of a Deployment/StatefulSet (ignored for DaemonSets). */
    readonly replicas: number;
    readonly requests: PodResources;
    /** Required pod anti-affinity on kubernetes.io/hostname: every replica on its own node. */
    readonly distinctNodes?: boolean;
    /** On the host network: uses a pod slot but no pod IP. */
    readonly hostNetwork?: boolean;
}

/** The node group at its minimum size. */
export interface NodeGroupCapacity {
    /** The instance type sized for (the smallest one when a group allows several). */
    readonly instanceType: string;
    readonly nodes: number;
    readonly node: NodeAllocatable;
}

/**
 * The headroom the platform keeps by default (moka:cluster.systemNodes.headroomPercent's default), and what
 * the capacity policy assumes for a node group that does not state its own (SYSTEM_NODE_HEADROOM_TAG).
 */
export const DEFAULT_HEADROOM_PERCENT = 20;

export interface FitOptions {
    /** Percent of allocatable CPU and memory kept free for one rolling update. */
    readonly headroomPercent: number;
    /** VPC CNI custom networking: pods get IPs from the secondary ENIs only. */
    readonly customNetworking: boolean;
}

export interface CapacityFit {
    readonly instanceType: string;
    readonly nodes: number;
    readonly headroomPercent: number;
    /** Everything the group can allocate (all nodes). */
    readonly allocatable: PodResources;
    /** Everything requested on the group (all nodes, DaemonSets included). */
    readonly demand: PodResources;
    readonly cpuPercent: number;
    readonly memoryPercent: number;
    /** Pods on the group, and how many of them need a pod IP. */
    readonly pods: number;
    readonly podNetworkPods: number;
    readonly maxPods: number;
    readonly podIps?: number;
    /** Why it does not fit; empty when it does. */
    readonly problems: readonly string[];
    readonly fits: boolean;
}

/** The capacity of `nodes` nodes of `instanceType`, or undefined for a type not in lib/capacity/instances.ts. */
export function nodeGroupCapacity(instanceType: string, nodes: number): NodeGroupCapacity | undefined {
    const shape = SYSTEM_INSTANCE_TYPES[instanceType];
    return shape ? { instanceType, nodes, node: nodeAllocatable(shape) } : undefined;
}

/**
 * The capacity of a group that may launch any of `instanceTypes`: sized for the smallest (least CPU, then
 * least memory), because a managed node group may come up with any of them. Undefined when a type is unknown.
 */
export function smallestNodeGroupCapacity(instanceTypes: readonly string[], nodes: number): NodeGroupCapacity | undefined {
    const caps = instanceTypes.map((t) => nodeGroupCapacity(t, nodes));
    if (caps.length === 0 || caps.some((c) => c === undefined)) {
        return undefined;
    }
    return (caps as NodeGroupCapacity[]).reduce((a, b) => (b.node.cpuMillis < a.node.cpuMillis || (b.node.cpuMillis === a.node.cpuMillis && b.node.memoryMiB < a.node.memoryMiB) ? b : a));
}

/** Instance types the capacity model knows (the system node group must use one of them). */
export function knownInstanceTypes(): string[] {
    return Object.keys(SYSTEM_INSTANCE_TYPES);
}

const cpu = (m: number) => `${(m / 1000).toFixed(2)} vCPU`;
const mem = (m: number) => `${(m / 1024).toFixed(1)} GiB`;
const pct = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 100) : Infinity);

/** Whether `pods` fit the group, with the figures and every problem. */
export function fitSystemNodes(group: NodeGroupCapacity, pods: readonly PodGroup[], opts: FitOptions): CapacityFit {
    const { nodes, node } = group;
    const daemon = pods.filter((p) => p.perNode);
    const placed = pods.filter((p) => !p.perNode && p.replicas > 0);
    const perNode = {
        cpuMillis: daemon.reduce((s, p) => s + p.requests.cpuMillis, 0),
        memoryMiB: daemon.reduce((s, p) => s + p.requests.memoryMiB, 0),
    };
    const demand = {
        cpuMillis: perNode.cpuMillis * nodes + placed.reduce((s, p) => s + p.requests.cpuMillis * p.replicas, 0),
        memoryMiB: perNode.memoryMiB * nodes + placed.reduce((s, p) => s + p.requests.memoryMiB * p.replicas, 0),
    };
    const allocatable = { cpuMillis: node.cpuMillis * nodes, memoryMiB: node.memoryMiB * nodes };
    const budget = (100 - opts.headroomPercent) / 100;
    const problems: string[] = [];
    const where = `${nodes} × ${group.instanceType}`;

    if (demand.cpuMillis > allocatable.cpuMillis * budget) {
        problems.push(`CPU requests ${cpu(demand.cpuMillis)} exceed ${100 - opts.headroomPercent}% of the ${cpu(allocatable.cpuMillis)} that ${where} can allocate (${pct(demand.cpuMillis, allocatable.cpuMillis)}%; ${opts.headroomPercent}% is kept for a rolling update)`);
    }
    if (demand.memoryMiB > allocatable.memoryMiB * budget) {
        problems.push(`memory requests ${mem(demand.memoryMiB)} exceed ${100 - opts.headroomPercent}% of the ${mem(allocatable.memoryMiB)} that ${where} can allocate (${pct(demand.memoryMiB, allocatable.memoryMiB)}%)`);
    }
    for (const p of placed) {
        if (perNode.cpuMillis + p.requests.cpuMillis > node.cpuMillis || perNode.memoryMiB + p.requests.memoryMiB > node.memoryMiB) {
            problems.push(`one ${p.name} pod (${p.requests.cpuMillis}m CPU, ${Math.round(p.requests.memoryMiB)}Mi) does not fit on a ${group.instanceType} next to the DaemonSets (${perNode.cpuMillis}m, ${Math.round(perNode.memoryMiB)}Mi of ${node.cpuMillis}m, ${node.memoryMiB}Mi)`);
        }
        if (p.distinctNodes && p.replicas > nodes) {
            problems.push(`the ${p.replicas} ${p.name} pods must run on ${p.replicas} different nodes (required pod anti-affinity) but the group starts with ${nodes}`);
        }
    }
    const podCount = daemon.length * nodes + placed.reduce((s, p) => s + p.replicas, 0);
    const podNetworkPods = daemon.filter((p) => !p.hostNetwork).length * nodes + placed.filter((p) => !p.hostNetwork).reduce((s, p) => s + p.replicas, 0);
    if (podCount > node.maxPods * nodes) {
        problems.push(`${podCount} pods exceed the kubelet's ${node.maxPods} pods per ${group.instanceType} × ${nodes}`);
    }
    if (opts.customNetworking && podNetworkPods > node.podIps * nodes) {
        problems.push(`${podNetworkPods} pods need a pod IP but ${where} has ${node.podIps * nodes} under VPC CNI custom networking (${node.podIps} per node)`);
    }
    return {
        instanceType: group.instanceType,
        nodes,
        headroomPercent: opts.headroomPercent,
        allocatable,
        demand,
        cpuPercent: pct(demand.cpuMillis, allocatable.cpuMillis),
        memoryPercent: pct(demand.memoryMiB, allocatable.memoryMiB),
        pods: podCount,
        podNetworkPods,
        maxPods: node.maxPods * nodes,
        ...(opts.customNetworking ? { podIps: node.podIps * nodes } : {}),
        problems,
        fits: problems.length === 0,
    };
}

/** One line: "3 × m7g.xlarge: CPU 5.10 of 11.76 vCPU allocatable (43%), memory …, headroom 20% → fits". */
export function describeFit(f: CapacityFit): string {
    const podSlots = f.podIps !== undefined ? `${f.podNetworkPods} of ${f.podIps} pod IPs` : `${f.pods} of ${f.maxPods} pods`;
    return `${f.nodes} × ${f.instanceType}: CPU ${(f.demand.cpuMillis / 1000).toFixed(2)} of ${cpu(f.allocatable.cpuMillis)} allocatable (${f.cpuPercent}%), `
        + `memory ${(f.demand.memoryMiB / 1024).toFixed(1)} of ${mem(f.allocatable.memoryMiB)} (${f.memoryPercent}%), ${podSlots}; `
        + `headroom ${f.headroomPercent}% → ${f.fits ? "fits" : "does not fit"}`;
}
