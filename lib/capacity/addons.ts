/**
 * The pods the EKS managed add-ons run, with their requests, for the capacity model. Facts:
 *
 *  - coredns: 2 replicas, 100m CPU / 70Mi each, tolerates CriticalAddonsOnly (so at first boot, before
 *    Karpenter has launched anything, both land on the system nodes). eksctl-io/eksctl
 *    pkg/addons/default/assets/coredns-1.33.json at 99984ad, a dump of a default EKS 1.33 cluster's CoreDNS
 *    Deployment. The add-on's `configurationValues` may override `replicaCount` and `resources`.
 *  - vpc-cni (DaemonSet aws-node, host network): 25m for aws-node plus 25m for the network-policy agent
 *    (aws-eks-nodeagent), no memory requests. aws/amazon-vpc-cni-k8s config/master/aws-k8s-cni.yaml at v1.23.0.
 *  - kube-proxy (DaemonSet, host network): 100m CPU, no memory request. EKS does not publish the add-on's
 *    current manifest; the EKS kube-proxy DaemonSet dumped in eksctl-io/eksctl
 *    pkg/addons/default/testdata/sample-old-kube-proxy-amd.json at 99984ad requests `cpu: 100m` and no memory.
 *    That dump is of an old (1.15) add-on, so re-check on a live cluster with
 *    `kubectl -n kube-system get ds kube-proxy -o yaml`.
 *  - eks-pod-identity-agent (DaemonSet, host network): no requests in the public chart
 *    (aws/eks-pod-identity-agent charts values.yaml at d4dc0f3, `resources: {}`); the add-on's own manifest
 *    is not published, so it counts as 0 here (UNVERIFIED).
 */
import type { PodGroup } from "./model";

/** Add-on name → the pods it runs (`perNode` for DaemonSets). */
export const EKS_ADDON_PODS: Readonly<Record<string, readonly PodGroup[]>> = {
    "coredns": [{ name: "coredns", source: "EKS add-on coredns (default 2 replicas × 100m/70Mi)", perNode: false, replicas: 2, requests: { cpuMillis: 100, memoryMiB: 70 } }],
    "vpc-cni": [{ name: "aws-node", source: "EKS add-on vpc-cni (aws-node 25m + network policy agent 25m)", perNode: true, replicas: 1, requests: { cpuMillis: 50, memoryMiB: 0 }, hostNetwork: true }],
    "kube-proxy": [{ name: "kube-proxy", source: "EKS add-on kube-proxy (100m)", perNode: true, replicas: 1, requests: { cpuMillis: 100, memoryMiB: 0 }, hostNetwork: true }],
    "eks-pod-identity-agent": [{ name: "eks-pod-identity-agent", source: "EKS add-on eks-pod-identity-agent (no requests)", perNode: true, replicas: 1, requests: { cpuMillis: 0, memoryMiB: 0 }, hostNetwork: true }],
};

/** CoreDNS's tolerations (the EKS default): CriticalAddonsOnly and the control-plane taint. */
export const COREDNS_TOLERATED_TAINT_KEYS: readonly string[] = ["CriticalAddonsOnly", "node-role.kubernetes.io/control-plane"];
