/**
 * network-policy-no-allow-all: in a namespace outside `systemNamespaces` (tenants and `default`), no
 * NetworkPolicy selects every pod (`podSelector: {}`) and then allows all traffic in a direction it
 * governs. NetworkPolicies are additive (Kubernetes network-policies concept page): one allow-all
 * policy cancels the namespace's default-deny for every pod, whatever the other policies say.
 *
 * A rule allows all traffic when it restricts no port (`ports` absent or empty) and no peer: its
 * `from` / `to` is absent or empty, or one of its peers matches everything — `namespaceSelector: {}`
 * (every pod of every namespace, with no or an empty podSelector) or an `ipBlock` of 0.0.0.0/0 or ::/0
 * without `except`. Directions: `policyTypes`, or when absent Ingress plus Egress if egress rules are
 * given (the API's defaulting).
 *
 * Egress counts too, on purpose: tenant namespaces deny egress by default and allow only DNS, the Pod
 * Identity agent and HTTPS (components/team-network.ts); an allow-all egress policy reopens every port
 * to the VPC (databases, node kubelets, other tenants' services behind their own allow rules) and to
 * the internet for exfiltration. The platform's own team policies (same-namespace peers, ports on the
 * broad ones) pass. A policy that selects some pods only (a non-empty podSelector) is a deliberate
 * exposure of those pods and is not judged here.
 *
 * Resource policy on `kubernetes:networking.k8s.io/v1:NetworkPolicy`, raw reads; an unknown value it
 * needs becomes the usual advisory.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { cisEks } from "../../lib/frameworks";
import { isUnknownValue, rawProps, UnknownTracker } from "../../lib/known";
import { fieldAt, type Field, sub, workloadNamespace } from "../../lib/pod-spec";
import { asArray, asString, isRecord } from "../../lib/props";
import { listText } from "../../lib/text";
import { SYSTEM_NAMESPACES_SCHEMA, systemNamespaces, URLS } from "../common";
import { isEmptySelector, isKind } from "../lib/tenancy";

const OPEN_CIDRS = new Set(["0.0.0.0/0", "::/0"]);

/** Why a (raw) peer matches every source/destination, or undefined; null when an unknown decides. */
function openPeer(peer: unknown): string | undefined | null {
    if (isUnknownValue(peer)) {
        return null;
    }
    if (!isRecord(peer)) {
        return undefined;
    }
    const block = peer.ipBlock;
    if (isRecord(block)) {
        if (isUnknownValue(block.cidr) || isUnknownValue(block.except)) {
            return null;
        }
        const cidr = asString(block.cidr)?.trim();
        return cidr !== undefined && OPEN_CIDRS.has(cidr) && asArray(block.except).length === 0 ? `ipBlock ${cidr}` : undefined;
    }
    if (peer.namespaceSelector === undefined || peer.namespaceSelector === null) {
        return undefined; // a podSelector alone: pods of this namespace only
    }
    const ns = isEmptySelector(peer.namespaceSelector);
    const pods = isEmptySelector(peer.podSelector);
    if (ns === undefined || pods === undefined) {
        return null;
    }
    return ns && pods ? "namespaceSelector {} (every pod of every namespace)" : undefined;
}

/** Why a (raw) ingress/egress rule allows all traffic, or undefined; null when an unknown decides. */
function allowsAll(rule: unknown, peersKey: "from" | "to"): string | undefined | null {
    if (isUnknownValue(rule)) {
        return null;
    }
    if (!isRecord(rule)) {
        return undefined;
    }
    const ports = rule.ports;
    const peers = rule[peersKey];
    if (isUnknownValue(ports) || isUnknownValue(peers)) {
        return null;
    }
    if (asArray(ports).length > 0) {
        return undefined;
    }
    const list = asArray(peers);
    if (list.length === 0) {
        return `a rule with no ${peersKey} and no ports`;
    }
    let unknown = false;
    for (const p of list) {
        const why = openPeer(p);
        if (why) {
            return `${peersKey} ${why} on every port`;
        }
        unknown ||= why === null;
    }
    return unknown ? null : undefined;
}

export const networkPolicyNoAllowAll: ResourceValidationPolicy = {
    name: "network-policy-no-allow-all",
    description: "Checks that no NetworkPolicy outside the system namespaces selects every pod and allows all ingress or all egress, which cancels the namespace's default-deny.",
    enforcementLevel: "mandatory",
    severity: "high",
    tags: ["isolation", "network-policy", "multi-tenancy", "cis"],
    url: URLS.networkPolicyBehavior,
    framework: cisEks("4.3.2", "Ensure that all Namespaces have Network Policies defined (a policy that allows everything defines none)"),
    remediationSteps:
        "Delete the allow-all policy, or narrow it: select only the pods that need the traffic (podSelector with labels), name the peers " +
        "(podSelector / namespaceSelector with labels, or specific ipBlocks) and the ports. Team namespaces already allow same-namespace " +
        "traffic, the metrics scrapers, DNS, the Pod Identity agent and outbound HTTPS.",
    configSchema: { properties: { systemNamespaces: SYSTEM_NAMESPACES_SCHEMA } },
    validateResource: (args, reportViolation) => {
        if (!isKind(args.type, "NetworkPolicy")) {
            return;
        }
        const raw = rawProps(args.props);
        const tracker = new UnknownTracker();
        const note = (f: Field) => tracker.note(args.props, ...f.path);
        const provider = args.provider ? { type: args.provider.type, props: rawProps(args.provider.props) } : undefined;
        const ns = workloadNamespace(raw, provider);
        if (ns.unknown) {
            tracker.note(ns.unknown.path[0] === "metadata" ? args.props : args.provider?.props, ...ns.unknown.path);
            tracker.rethrow();
            return;
        }
        if (systemNamespaces(args.getConfig()).has(ns.name!)) {
            return;
        }
        const spec = fieldAt(raw, ["spec"]);
        const selector = sub(spec, "podSelector");
        const types = sub(spec, "policyTypes");
        if ([spec, selector, types].some((f) => isUnknownValue(f.value))) {
            [spec, selector, types].filter((f) => isUnknownValue(f.value)).forEach(note);
            tracker.rethrow();
            return;
        }
        const empty = isEmptySelector(selector.value);
        if (empty !== true || !isRecord(spec.value)) {
            if (empty === undefined) {
                note(selector);
            }
            tracker.rethrow();
            return;
        }
        const egressRules = sub(spec, "egress");
        const typeList = types.value === undefined || types.value === null
            ? ["Ingress", ...(asArray(egressRules.value).length > 0 || isUnknownValue(egressRules.value) ? ["Egress"] : [])]
            : asArray(types.value);
        const problems: string[] = [];
        for (const [direction, key, peersKey] of [["Ingress", "ingress", "from"], ["Egress", "egress", "to"]] as const) {
            if (typeList.some(isUnknownValue)) {
                note(types);
            }
            if (!typeList.includes(direction)) {
                continue;
            }
            const rules = sub(spec, key);
            if (isUnknownValue(rules.value)) {
                note(rules);
                continue;
            }
            asArray(rules.value).forEach((rule, i) => {
                const why = allowsAll(rule, peersKey);
                if (why === null) {
                    note({ value: rule, path: [...rules.path, ...(Array.isArray(rules.value) ? [i] : [])] });
                } else if (why) {
                    problems.push(`all ${direction.toLowerCase()} (${key}[${i}]: ${why})`);
                }
            });
        }
        if (problems.length > 0) {
            const name = fieldAt(raw, ["metadata", "name"]).value;
            reportViolation(
                `NetworkPolicy ${typeof name === "string" && !isUnknownValue(name) ? `"${name}" ` : ""}in namespace "${ns.name}" selects every pod ` +
                    `(podSelector {}) and allows ${listText(problems)}. NetworkPolicies add up, so this one policy cancels the namespace's ` +
                    "default-deny for every pod: any pod in the cluster (or the internet, through a load balancer) can reach them, or they can " +
                    "reach anything. Remove it or narrow its pods, peers and ports.",
            );
        }
        tracker.rethrow();
    },
};
