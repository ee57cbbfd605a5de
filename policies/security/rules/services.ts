/**
 * Kubernetes Service exposure (`kubernetes:core/v1:Service`): what leaves the cluster.
 *
 *   - type LoadBalancer: on EKS the in-tree AWS cloud provider creates an internet-facing load balancer
 *     unless `service.beta.kubernetes.io/aws-load-balancer-internal` is true. The AWS Load Balancer
 *     Controller (kubernetes-sigs/aws-load-balancer-controller v3.5.0, commit 11eb202c,
 *     docs/guide/service/annotations.md and pkg/service/model_build_load_balancer.go) handles Services
 *     with `spec.loadBalancerClass: service.k8s.aws/nlb` or `aws-load-balancer-type: external | nlb-ip`;
 *     for those `service.beta.kubernetes.io/aws-load-balancer-scheme` decides (internal | internet-facing),
 *     else the deprecated `aws-load-balancer-internal` (a Go bool), else internal (default since v2.2.0).
 *     The scheme annotation wins over the legacy one. A plain LoadBalancer Service without annotations
 *     is judged internet-facing: which controller serves it (the in-tree provider, or the controller's
 *     optional mutating webhook from v2.5.0) is not visible to a policy, and the in-tree default is public;
 *   - type NodePort: a port on every node, outside NetworkPolicy-style ingress control at the VPC level;
 *   - spec.externalIPs: any user who may create such a Service can capture traffic to those IPs
 *     (CVE-2020-8554, kubernetes/kubernetes#97076).
 * Allowances are per namespace (an ingress controller's namespace, say) and, for external IPs, per IP.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { isUnknownValue, peek, peekPath } from "../../lib/known";
import { isK8sKind } from "../../lib/k8s";
import { asString, asStringArray, configValue, get, isRecord, isStringArray } from "../../lib/props";
import { listText } from "../../lib/text";
import { URLS } from "../common";

const ANNOTATION = "service.beta.kubernetes.io/";
const LBC_CLASS = "service.k8s.aws/nlb";
const LBC_TYPES = new Set(["external", "nlb-ip"]);
/** Go's strconv.ParseBool, which the Load Balancer Controller uses for boolean annotations. */
const GO_TRUE = new Set(["1", "t", "T", "TRUE", "true", "True"]);
const GO_FALSE = new Set(["0", "f", "F", "FALSE", "false", "False"]);

/** Why a LoadBalancer Service is internet-facing, or undefined when it is internal. Reads through the proxy. */
function internetFacingReason(props: Record<string, unknown>): string | undefined {
    const annotations = get(props, "metadata", "annotations");
    const annotation = (suffix: string): string | undefined => (isRecord(annotations) ? asString(annotations[ANNOTATION + suffix])?.trim() : undefined);
    const scheme = annotation("aws-load-balancer-scheme");
    if (scheme !== undefined) {
        return scheme === "internal" ? undefined : `${ANNOTATION}aws-load-balancer-scheme is "${scheme}"`;
    }
    const internal = annotation("aws-load-balancer-internal");
    if (internal !== undefined && GO_TRUE.has(internal)) {
        return undefined;
    }
    if (internal !== undefined) {
        return GO_FALSE.has(internal)
            ? `${ANNOTATION}aws-load-balancer-internal is "${internal}"`
            : `${ANNOTATION}aws-load-balancer-internal is "${internal}", not a boolean the AWS Load Balancer Controller accepts`;
    }
    const managedByLbc = asString(get(props, "spec", "loadBalancerClass"))?.trim() === LBC_CLASS || LBC_TYPES.has(annotation("aws-load-balancer-type") ?? "");
    if (managedByLbc) {
        return undefined; // the AWS Load Balancer Controller defaults to internal
    }
    return "no scheme annotation: the in-tree AWS cloud provider creates internet-facing load balancers by default";
}

/** Namespace/name for messages, read raw so that a computed name does not hide a finding. */
function label(props: Record<string, unknown>, provider: { type: string; props: Record<string, unknown> } | undefined): string {
    const shown = (v: unknown): string | undefined => (typeof v === "string" && !isUnknownValue(v) && v.trim() !== "" ? v.trim() : undefined);
    const raw = peekPath(props, "metadata", "namespace");
    const ns = shown(raw) ?? (raw === undefined && provider?.type === "pulumi:providers:kubernetes" ? shown(peek(provider.props, "namespace")) : undefined);
    const name = shown(peekPath(props, "metadata", "name"));
    return `${ns ?? (isUnknownValue(raw) ? "(namespace computed at deploy)" : "default")}/${name ?? "(auto-named)"}`;
}

/** The namespace, read through the proxy (an unknown throws): only needed when an allowance could apply. */
function namespaceOf(props: Record<string, unknown>, provider: { type: string; props: Record<string, unknown> } | undefined): string {
    const ns = asString(get(props, "metadata", "namespace"))?.trim();
    if (ns) {
        return ns;
    }
    return (provider?.type === "pulumi:providers:kubernetes" ? asString(get(provider.props, "namespace"))?.trim() : undefined) || "default";
}

export const serviceNoPublicExposure: ResourceValidationPolicy = {
    name: "service-no-public-exposure",
    description: "Checks that Kubernetes Services are not exposed outside the cluster: no internet-facing LoadBalancer, no NodePort and no externalIPs.",
    enforcementLevel: "mandatory",
    severity: "high",
    tags: ["kubernetes", "network", "public-access"],
    url: URLS.services,
    remediationSteps:
        "Use type ClusterIP behind an internal ingress, or annotate the LoadBalancer Service with " +
        "service.beta.kubernetes.io/aws-load-balancer-scheme: internal. Drop NodePort and spec.externalIPs. A deliberately public entry " +
        "point (an ingress controller) goes in allowedLoadBalancerNamespaces.",
    configSchema: {
        properties: {
            allowedLoadBalancerNamespaces: {
                type: "array",
                items: { type: "string" },
                default: [],
                description: "Namespaces whose LoadBalancer Services may be internet-facing (e.g. the ingress controller's).",
            },
            allowedNodePortNamespaces: { type: "array", items: { type: "string" }, default: [], description: "Namespaces whose Services may be type NodePort." },
            allowedExternalIps: { type: "array", items: { type: "string" }, default: [], description: "IP addresses a Service may list in spec.externalIPs." },
        },
    },
    validateResource: (args, reportViolation) => {
        if (!isK8sKind(args.type, "Service", "core")) {
            return;
        }
        const config = args.getConfig();
        const lbNamespaces = configValue(config, "allowedLoadBalancerNamespaces", [] as string[], isStringArray);
        const npNamespaces = configValue(config, "allowedNodePortNamespaces", [] as string[], isStringArray);
        const allowedIps = new Set(configValue(config, "allowedExternalIps", [] as string[], isStringArray).map((ip) => ip.trim()));
        const type = asString(get(args.props, "spec", "type"))?.trim() ?? "ClusterIP";
        const problems: string[] = [];
        if (type === "LoadBalancer") {
            const reason = internetFacingReason(args.props);
            if (reason !== undefined && !(lbNamespaces.length > 0 && lbNamespaces.includes(namespaceOf(args.props, args.provider)))) {
                problems.push(`is type LoadBalancer with an internet-facing AWS load balancer (${reason}), reachable by anyone on the internet`);
            }
        } else if (type === "NodePort") {
            if (!(npNamespaces.length > 0 && npNamespaces.includes(namespaceOf(args.props, args.provider)))) {
                problems.push("is type NodePort, which opens its port on every node, bypassing the cluster's ingress path");
            }
        }
        const ips = asStringArray(get(args.props, "spec", "externalIPs")).map((ip) => ip.trim()).filter((ip) => ip !== "" && !allowedIps.has(ip));
        if (ips.length > 0) {
            problems.push(`sets spec.externalIPs ${listText(ips)}, which lets it capture cluster traffic to those addresses (CVE-2020-8554)`);
        }
        if (problems.length > 0) {
            reportViolation(
                `Service "${label(args.props, args.provider)}" ${problems.join("; and ")}. Expose it as ClusterIP behind an internal ingress, ` +
                    'or annotate service.beta.kubernetes.io/aws-load-balancer-scheme: "internal"; allow deliberate public entry points per namespace in this policy\'s config.',
            );
        }
    },
};
