/**
 * Which pod may open a connection to which, under a set of Kubernetes NetworkPolicies: a pure model of the
 * NetworkPolicy semantics (kubernetes.io/docs/concepts/services-networking/network-policies, networking.k8s.io/v1
 * API reference), for tests that must show a path is open or closed rather than that a rule looks right.
 *
 *  - A pod is isolated for ingress (egress) when some policy in ITS namespace selects it and has that policy
 *    type (`policyTypes` unset: Ingress, plus Egress when the policy has egress rules).
 *  - An isolated pod admits (sends) only what at least one such policy's rule allows: a rule matches when one of
 *    its peers matches the other pod (no `from`/`to`: any peer) and one of its ports matches (no `ports`: any).
 *  - Peers: `podSelector` alone = pods of the policy's namespace; `namespaceSelector` alone = every pod of the
 *    matching namespaces; both = matching pods in matching namespaces; `ipBlock` = the pod's IP in the CIDR and
 *    not in `except` (pods without an IP never match an ipBlock).
 *  - A connection needs the sender's egress AND the receiver's ingress.
 * Namespaces carry `kubernetes.io/metadata.name: <name>` (set by the API server since 1.21) plus any labels given.
 * Node traffic (kubelet probes) and `kubectl port-forward` (delivered inside the pod's network namespace) are
 * outside NetworkPolicy and outside this model.
 */
import { mustParseCidr, cidrContains } from "../../lib/cidr";

export interface ModelPod {
    readonly namespace: string;
    readonly labels: Readonly<Record<string, string>>;
    readonly ip?: string;
}

interface LabelSelector {
    readonly matchLabels?: Readonly<Record<string, string>>;
    readonly matchExpressions?: readonly { readonly key: string; readonly operator: string; readonly values?: readonly string[] }[];
}

interface Peer {
    readonly podSelector?: LabelSelector;
    readonly namespaceSelector?: LabelSelector;
    readonly ipBlock?: { readonly cidr: string; readonly except?: readonly string[] };
}

interface Rule {
    readonly from?: readonly Peer[];
    readonly to?: readonly Peer[];
    readonly ports?: readonly { readonly protocol?: string; readonly port?: number | string; readonly endPort?: number }[];
}

/** A NetworkPolicy as the program registers it (its `metadata.namespace` and `spec`). */
export interface ModelNetworkPolicy {
    readonly metadata: { readonly namespace: string; readonly name?: string };
    readonly spec: {
        readonly podSelector: LabelSelector;
        readonly policyTypes?: readonly string[];
        readonly ingress?: readonly Rule[];
        readonly egress?: readonly Rule[];
    };
}

/** Does the label selector select these labels? (An empty selector selects everything.) */
export function selects(selector: LabelSelector | undefined, labels: Readonly<Record<string, string>>): boolean {
    const s = selector ?? {};
    const byLabels = Object.entries(s.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
    const byExpressions = (s.matchExpressions ?? []).every((e) => {
        switch (e.operator) {
            case "In": return labels[e.key] !== undefined && (e.values ?? []).includes(labels[e.key]);
            case "NotIn": return labels[e.key] === undefined || !(e.values ?? []).includes(labels[e.key]);
            case "Exists": return labels[e.key] !== undefined;
            case "DoesNotExist": return labels[e.key] === undefined;
            default: throw new Error(`unknown selector operator ${e.operator}`);
        }
    });
    return byLabels && byExpressions;
}

function types(p: ModelNetworkPolicy): readonly string[] {
    return p.spec.policyTypes ?? ["Ingress", ...(p.spec.egress ? ["Egress"] : [])];
}

function namespaceLabels(name: string, extra: Readonly<Record<string, Record<string, string>>>): Record<string, string> {
    return { "kubernetes.io/metadata.name": name, ...(extra[name] ?? {}) };
}

function peerMatches(peer: Peer, policyNamespace: string, other: ModelPod, nsLabels: Readonly<Record<string, Record<string, string>>>): boolean {
    if (peer.ipBlock) {
        if (!other.ip) {
            return false;
        }
        const ip = mustParseCidr(`${other.ip}/32`);
        return cidrContains(mustParseCidr(peer.ipBlock.cidr), ip) && !(peer.ipBlock.except ?? []).some((x) => cidrContains(mustParseCidr(x), ip));
    }
    const inNamespace = peer.namespaceSelector ? selects(peer.namespaceSelector, namespaceLabels(other.namespace, nsLabels)) : other.namespace === policyNamespace;
    return inNamespace && selects(peer.podSelector, other.labels);
}

function portMatches(rule: Rule, port: number, protocol: string): boolean {
    const ports = rule.ports ?? [];
    return ports.length === 0 || ports.some((p) => (p.protocol ?? "TCP") === protocol
        && (p.port === undefined || (typeof p.port === "number" && (p.endPort !== undefined ? port >= p.port && port <= p.endPort : port === p.port))));
}

function allowed(direction: "Ingress" | "Egress", policies: readonly ModelNetworkPolicy[], self: ModelPod, other: ModelPod, port: number, protocol: string,
    nsLabels: Readonly<Record<string, Record<string, string>>>): boolean {
    const applying = policies.filter((p) => p.metadata.namespace === self.namespace && selects(p.spec.podSelector, self.labels) && types(p).includes(direction));
    if (applying.length === 0) {
        return true;
    }
    return applying.some((p) => ((direction === "Ingress" ? p.spec.ingress : p.spec.egress) ?? []).some((rule) => {
        const peers = (direction === "Ingress" ? rule.from : rule.to) ?? [];
        return (peers.length === 0 || peers.some((peer) => peerMatches(peer, p.metadata.namespace, other, nsLabels))) && portMatches(rule, port, protocol);
    }));
}

/** May `from` open a `protocol` connection to `to` on `port` (the destination pod's port)? Egress of `from` and ingress of `to`. */
export function canConnect(policies: readonly ModelNetworkPolicy[], from: ModelPod, to: ModelPod, port: number, protocol = "TCP",
    nsLabels: Readonly<Record<string, Record<string, string>>> = {}): boolean {
    return allowed("Egress", policies, from, to, port, protocol, nsLabels) && allowed("Ingress", policies, to, from, port, protocol, nsLabels);
}

/** The NetworkPolicies among recorded resources (`kubernetes:networking.k8s.io/v1:NetworkPolicy`), as the model reads them. */
export function networkPoliciesOf(resources: readonly { readonly type: string; readonly inputs: Record<string, any> }[]): ModelNetworkPolicy[] {
    return resources.filter((r) => r.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy").map((r) => ({ metadata: r.inputs.metadata, spec: r.inputs.spec }));
}
