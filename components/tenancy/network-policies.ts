/**
 * Pure builders for a team namespace's NetworkPolicies (components/tenancy/index.ts). Enforced by the VPC CNI
 * network policy agent, which the Cluster component enables.
 *
 * Ingress: deny by default; allow from pods in the same namespace, from the metrics scrapers'
 * namespaces and from the operator namespaces (controllers that call into team pods, e.g. the Flink
 * operator's JobManager REST calls).
 * Egress: deny by default; allow DNS to kube-dns, the EKS Pod Identity agent (credentials), HTTPS
 * anywhere (S3, STS, ECR, and the Kubernetes API, which Spark drivers call to create executors), every
 * port inside the namespace (Spark driver <-> executor RPC, block manager and shuffle ports are dynamic),
 * and every in-cluster endpoint the contract hands to the team: the OTLP collector (gRPC 4317, HTTP 4318)
 * and the team's own History Server (18080).
 *
 * Service ClusterIPs: the agent enforces egress before DNAT, so a rule reaches a Service's ClusterIP only
 * when the controller adds that IP to the PolicyEndpoint, which it does only for Services whose
 * `spec.selector` the rule's podSelector matches (aws/amazon-network-policy-controller-k8s
 * pkg/resolvers/endpoints.go @ecc7e6a, getMatchingServiceClusterIPs). The OTLP and History Server rules
 * therefore use exactly their Services' selectors. DNS additionally allows the kube-dns ClusterIP as an
 * ipBlock, so it keeps working when the controller misses the ClusterIP (#222: a Service with more ports
 * than the policy allows lost its ClusterIP in controller v1.1.2–v1.1.4; kube-dns has 53/udp, 53/tcp and
 * 9153/tcp).
 */

/** Namespace label every namespace carries (Kubernetes >= 1.21), used to select namespaces by name. */
export const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";
/** Label of the CoreDNS pods on EKS. */
export const KUBE_DNS_SELECTOR = { "k8s-app": "kube-dns" } as const;
/** EKS Pod Identity agent (host network, link-local) that serves the pods' AWS credentials. */
export const POD_IDENTITY_AGENT_CIDR = "169.254.170.23/32";
export const POD_IDENTITY_AGENT_PORT = 80;

export interface NetworkPolicySpec {
    readonly podSelector: Record<string, unknown>;
    readonly policyTypes: ("Ingress" | "Egress")[];
    readonly ingress?: Record<string, unknown>[];
    readonly egress?: Record<string, unknown>[];
}

/** One NetworkPolicy: its Kubernetes name and spec. */
export interface TeamNetworkPolicy {
    readonly name: string;
    readonly spec: NetworkPolicySpec;
}

/** An in-cluster endpoint team pods may call: the pods behind a Service (its selector) in a namespace, on ports. */
export interface ServiceEndpoint {
    readonly namespace: string;
    /** The Service's `spec.selector`, used verbatim as the rule's podSelector (see the file comment). */
    readonly selector: Readonly<Record<string, string>>;
    readonly ports: readonly number[];
}

export interface TeamNetworkInput {
    /** Namespaces whose pods scrape metrics from team pods. */
    readonly scraperNamespaces: readonly string[];
    /** Operator/controller namespaces that must reach team pods. */
    readonly operatorNamespaces: readonly string[];
    /** The kube-dns Service ClusterIP, allowed as an ipBlock next to the pod selector. Omitted: selector only. */
    readonly kubeDnsIp?: string;
    /** The OpenTelemetry Collector's OTLP endpoint. Omitted: no OTLP egress. */
    readonly otlp?: ServiceEndpoint;
    /** The team's History Server. Omitted: no History Server egress. */
    readonly historyServer?: ServiceEndpoint;
}

function endpointPolicy(name: string, e: ServiceEndpoint): TeamNetworkPolicy {
    return {
        name,
        spec: {
            podSelector: {},
            policyTypes: ["Egress"],
            egress: [{
                to: [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: e.namespace } }, podSelector: { matchLabels: { ...e.selector } } }],
                ports: e.ports.map((port) => ({ protocol: "TCP", port })),
            }],
        },
    };
}

function namespacesPeer(names: readonly string[]) {
    return { namespaceSelector: { matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: "In", values: [...names] }] } };
}

/**
 * The team namespace's NetworkPolicies, in a fixed order. A scraper or operator policy is left out
 * when its namespace list is empty.
 */
export function teamNetworkPolicies(input: TeamNetworkInput): TeamNetworkPolicy[] {
    const all = {};
    const policies: TeamNetworkPolicy[] = [
        { name: "default-deny-ingress", spec: { podSelector: all, policyTypes: ["Ingress"] } },
        { name: "default-deny-egress", spec: { podSelector: all, policyTypes: ["Egress"] } },
        {
            name: "allow-same-namespace",
            spec: {
                podSelector: all,
                policyTypes: ["Ingress", "Egress"],
                ingress: [{ from: [{ podSelector: all }] }],
                egress: [{ to: [{ podSelector: all }] }],
            },
        },
    ];
    if (input.scraperNamespaces.length > 0) {
        policies.push({
            name: "allow-ingress-from-scrapers",
            spec: { podSelector: all, policyTypes: ["Ingress"], ingress: [{ from: [namespacesPeer(input.scraperNamespaces)] }] },
        });
    }
    if (input.operatorNamespaces.length > 0) {
        policies.push({
            name: "allow-ingress-from-operators",
            spec: { podSelector: all, policyTypes: ["Ingress"], ingress: [{ from: [namespacesPeer(input.operatorNamespaces)] }] },
        });
    }
    policies.push(
        {
            name: "allow-egress-dns",
            spec: {
                podSelector: all,
                policyTypes: ["Egress"],
                egress: [{
                    to: [
                        {
                            namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: "kube-system" } },
                            podSelector: { matchLabels: { ...KUBE_DNS_SELECTOR } },
                        },
                        ...(input.kubeDnsIp !== undefined ? [{ ipBlock: { cidr: `${input.kubeDnsIp}/32` } }] : []),
                    ],
                    ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }],
                }],
            },
        },
        {
            name: "allow-egress-pod-identity",
            spec: {
                podSelector: all,
                policyTypes: ["Egress"],
                egress: [{ to: [{ ipBlock: { cidr: POD_IDENTITY_AGENT_CIDR } }], ports: [{ protocol: "TCP", port: POD_IDENTITY_AGENT_PORT }] }],
            },
        },
        {
            name: "allow-egress-https",
            spec: {
                podSelector: all,
                policyTypes: ["Egress"],
                egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ protocol: "TCP", port: 443 }] }],
            },
        },
    );
    if (input.otlp) {
        policies.push(endpointPolicy("allow-egress-otlp", input.otlp));
    }
    if (input.historyServer) {
        policies.push(endpointPolicy("allow-egress-history-server", input.historyServer));
    }
    return policies;
}
