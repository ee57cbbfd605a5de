/**
 * Pod-security rules for workloads outside the system namespaces: Pods, Deployments, StatefulSets,
 * DaemonSets, ReplicaSets, Jobs, CronJobs and Spark Operator (Scheduled)SparkApplications (driver
 * and executor), all read through podSpecs() from policies/lib/k8s.ts. System namespaces
 * (config `systemNamespaces`) host node agents — e.g. the Fluent Bit DaemonSet in observability,
 * which needs hostPath — and are exempt.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { cisEks } from "../../lib/frameworks";
import { isWorkloadType, namespaceOf, nameOf, podSpecs } from "../../lib/k8s";
import { asArray, asBool, asString, configValue, get, isRecord, isStringArray } from "../../lib/props";
import { listText } from "../../lib/text";
import { DEFAULT_SYSTEM_NAMESPACES, URLS } from "../common";

const SYSTEM_NAMESPACES_SCHEMA = {
    systemNamespaces: {
        type: "array" as const,
        items: { type: "string" as const },
        default: [...DEFAULT_SYSTEM_NAMESPACES],
        description: "Namespaces exempt from this rule (node agents, CNI, log shippers).",
    },
};

/** Pod specs of a workload outside the system namespaces, or [] when exempt / not a workload. */
function userPodSpecs(args: { type: string; props: Record<string, unknown>; getConfig: <T extends object>() => T }) {
    if (!isWorkloadType(args.type)) {
        return [];
    }
    const system = configValue(args.getConfig(), "systemNamespaces", [...DEFAULT_SYSTEM_NAMESPACES], isStringArray);
    if (system.includes(namespaceOf(args.props))) {
        return [];
    }
    return podSpecs(args.type, args.props);
}

function label(type: string, props: Record<string, unknown>): string {
    const kind = type.split(":").pop() ?? type;
    const name = nameOf(props);
    return `${name ? `${kind} "${name}"` : kind} in namespace "${namespaceOf(props)}"`;
}

export const podNoPrivilegedContainers: ResourceValidationPolicy = {
    name: "pod-no-privileged-containers",
    description: "Checks that workloads outside the system namespaces run no privileged containers and none with allowPrivilegeEscalation: true.",
    enforcementLevel: "mandatory",
    severity: "critical",
    tags: ["kubernetes", "pod-security", "cis"],
    url: URLS.podSecurity,
    framework: cisEks("4.2.1", "Minimize the admission of privileged containers (also 4.2.5: allowPrivilegeEscalation)"),
    remediationSteps: "Remove securityContext.privileged and set securityContext.allowPrivilegeEscalation: false on every container.",
    configSchema: { properties: SYSTEM_NAMESPACES_SCHEMA },
    validateResource: (args, reportViolation) => {
        const privileged: string[] = [];
        const escalation: string[] = [];
        for (const view of userPodSpecs(args)) {
            for (const c of view.containers) {
                const name = `${view.path}:${asString(c.name) ?? "?"}`;
                if (asBool(get(c, "securityContext", "privileged")) === true) {
                    privileged.push(name);
                }
                if (asBool(get(c, "securityContext", "allowPrivilegeEscalation")) === true) {
                    escalation.push(name);
                }
            }
        }
        if (privileged.length > 0) {
            reportViolation(
                `${label(args.type, args.props)} runs privileged containers (${listText(privileged)}). A privileged container has ` +
                    "every capability and all host devices: escaping to the node (and its IAM role) is trivial. Remove securityContext.privileged.",
            );
        }
        if (escalation.length > 0) {
            reportViolation(
                `${label(args.type, args.props)} sets allowPrivilegeEscalation: true on ${listText(escalation)}, letting processes gain ` +
                    "more privileges than their parent (setuid binaries). Set allowPrivilegeEscalation: false.",
            );
        }
    },
};

export const podNoHostAccess: ResourceValidationPolicy = {
    name: "pod-no-host-access",
    description: "Checks that workloads outside the system namespaces share no host namespaces (network, PID, IPC) and mount no hostPath volumes.",
    enforcementLevel: "mandatory",
    severity: "critical",
    tags: ["kubernetes", "pod-security", "cis"],
    url: URLS.podSecurity,
    framework: cisEks("4.2.2", "Minimize the admission of containers wishing to share the host process ID namespace (also 4.2.3 IPC, 4.2.4 network)"),
    remediationSteps:
        "Remove hostNetwork, hostPID and hostIPC (or set false) and replace hostPath volumes with emptyDir, a PVC, a ConfigMap/Secret " +
        "or a CSI volume. Node agents belong in a system namespace.",
    configSchema: { properties: SYSTEM_NAMESPACES_SCHEMA },
    validateResource: (args, reportViolation) => {
        const problems: string[] = [];
        for (const view of userPodSpecs(args)) {
            for (const field of ["hostNetwork", "hostPID", "hostIPC"]) {
                if (asBool(view.pod[field]) === true) {
                    problems.push(`${field}: true (${view.path})`);
                }
            }
            for (const v of asArray(view.pod.volumes)) {
                const hp = get(v, "hostPath");
                if (isRecord(hp)) {
                    problems.push(`hostPath volume "${asString(get(v, "name")) ?? "?"}" → ${asString(hp.path) ?? "?"} (${view.path})`);
                }
            }
        }
        if (problems.length > 0) {
            reportViolation(
                `${label(args.type, args.props)} reaches into the node: ${listText([...new Set(problems)])}. Host namespaces and host ` +
                    "paths let a compromised container see other pods' traffic and processes, read node credentials or escape to the " +
                    "node. Remove them, or run the workload in a system namespace if it is a node agent.",
            );
        }
    },
};
