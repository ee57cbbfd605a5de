/**
 * Pod-security rules at preview time, for every workload kind the pod-spec reader knows
 * (policies/lib/pod-spec.ts: Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob,
 * SparkApplication / ScheduledSparkApplication roles and their pod templates, SparkConnect), so a
 * Deployment, a Job and a SparkApplication driver are judged alike.
 *
 * Two scopes (config `systemNamespaces` of each rule):
 *   - host escape (privileged, allowPrivilegeEscalation, host namespaces, hostPath): every namespace but
 *     lib/platform.ts HOST_ACCESS_NAMESPACES, where node agents (the Fluent Bit DaemonSet) need them;
 *   - the restricted-profile rules (root, added capabilities, seccomp Unconfined, host ports): tenant
 *     namespaces, i.e. every namespace but lib/platform.ts SYSTEM_NAMESPACES (Kubernetes' and the
 *     platform's, whose charts run their own controllers). `default` is judged in both.
 *
 * Semantics follow the Kubernetes Pod Security Standards checks field by field (k8s.io/pod-security-admission
 * policy checks; Kyverno's pod-security/{baseline,restricted} policies match them): a forbidden value
 * set at the pod OR the container level is a violation, whatever the other level says. Only explicit
 * values count: an unset runAsNonRoot or seccompProfile is not flagged (tenant namespaces enforce PSA
 * restricted at admission, which rejects those; this pack catches what is written, before deploy).
 *
 * Values are read raw (an unknown image never hides a privileged container); an unknown value a rule
 * needs is re-raised last as @pulumi/policy's "can't run during preview" advisory.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { HOST_ACCESS_NAMESPACES, SYSTEM_NAMESPACES } from "../../../lib/platform";
import { cisEks, podSecurityStandard } from "../../lib/frameworks";
import { type Field, sparkConfHostPaths, sub } from "../../lib/pod-spec";
import { asArray, asBool, asNumber, asString, configValue, isRecord, isStringArray } from "../../lib/props";
import { listText } from "../../lib/text";
import { URLS } from "../common";
import { containerName, HOST_SCOPE, podContext, TENANT_SCOPE } from "../lib/pod-context";

// ---------------------------------------------------------------------------------------------
// Host escape
// ---------------------------------------------------------------------------------------------

export const podNoPrivilegedContainers: ResourceValidationPolicy = {
    name: "pod-no-privileged-containers",
    description: "Checks that workloads outside the system namespaces run no privileged containers and none with allowPrivilegeEscalation: true.",
    enforcementLevel: "mandatory",
    severity: "critical",
    tags: ["kubernetes", "pod-security", "cis"],
    url: URLS.podSecurity,
    framework: cisEks("4.2.1", "Minimize the admission of privileged containers (also 4.2.5: allowPrivilegeEscalation)"),
    remediationSteps: "Remove securityContext.privileged and set securityContext.allowPrivilegeEscalation: false on every container.",
    configSchema: { properties: HOST_SCOPE },
    validateResource: (args, reportViolation) => {
        const ctx = podContext(args, HOST_ACCESS_NAMESPACES);
        if (!ctx) {
            return;
        }
        const privileged: string[] = [];
        const escalation: string[] = [];
        for (const view of ctx.views) {
            for (const c of view.containers) {
                const sc = c.field("securityContext");
                const p = sub(sc, "privileged");
                const e = sub(sc, "allowPrivilegeEscalation");
                if (!ctx.unknown(p) && asBool(p.value) === true) {
                    privileged.push(containerName(view, c));
                }
                if (!ctx.unknown(e) && asBool(e.value) === true) {
                    escalation.push(containerName(view, c));
                }
            }
        }
        if (privileged.length > 0) {
            reportViolation(
                `${ctx.label} runs privileged containers (${listText(privileged)}). A privileged container has ` +
                    "every capability and all host devices: escaping to the node (and its IAM role) is trivial. Remove securityContext.privileged.",
            );
        }
        if (escalation.length > 0) {
            reportViolation(
                `${ctx.label} sets allowPrivilegeEscalation: true on ${listText(escalation)}, letting processes gain ` +
                    "more privileges than their parent (setuid binaries). Set allowPrivilegeEscalation: false.",
            );
        }
        ctx.done();
    },
};

export const podNoHostAccess: ResourceValidationPolicy = {
    name: "pod-no-host-access",
    description: "Checks that workloads outside the system namespaces share no host namespaces (network, PID, IPC) and mount no hostPath volumes (Spark sparkConf hostPath volumes included).",
    enforcementLevel: "mandatory",
    severity: "critical",
    tags: ["kubernetes", "pod-security", "cis"],
    url: URLS.podSecurity,
    framework: cisEks("4.2.2", "Minimize the admission of containers wishing to share the host process ID namespace (also 4.2.3 IPC, 4.2.4 network)"),
    remediationSteps:
        "Remove hostNetwork, hostPID and hostIPC (or set false) and replace hostPath volumes (spec.volumes, or Spark's " +
        "spark.kubernetes.{driver,executor}.volumes.hostPath.* sparkConf keys) with emptyDir, a PVC, a ConfigMap/Secret or a CSI volume. " +
        "Node agents belong in a system namespace.",
    configSchema: { properties: HOST_SCOPE },
    validateResource: (args, reportViolation) => {
        const ctx = podContext(args, HOST_ACCESS_NAMESPACES);
        if (!ctx) {
            return;
        }
        const problems: string[] = [];
        for (const view of ctx.views) {
            for (const field of ["hostNetwork", "hostPID", "hostIPC"]) {
                const f = view.field(field);
                if (!ctx.unknown(f) && asBool(f.value) === true) {
                    problems.push(`${field}: true (${view.where})`);
                }
            }
            const volumes = view.field("volumes");
            if (ctx.unknown(volumes)) {
                continue;
            }
            const where = volumes.path.filter((k) => typeof k === "string").join(".");
            asArray(volumes.value).forEach((v, i) => {
                const hp = sub({ value: v, path: [...volumes.path, i] }, "hostPath");
                if (ctx.unknown(hp) || !isRecord(hp.value)) {
                    return;
                }
                const path = sub(hp, "path");
                ctx.unknown(path);
                problems.push(`hostPath volume "${asString(isRecord(v) ? v.name : undefined) ?? "?"}" → ${asString(path.value) ?? "?"} (${where})`);
            });
        }
        const conf = sparkConfHostPaths(args.type, ctx.raw);
        if (conf.unknown) {
            ctx.note(conf.unknown);
        }
        for (const hp of conf.paths) {
            problems.push(`hostPath volume "${hp.volume}" → ${hp.hostPath ?? "?"} (${hp.role}, sparkConf ${hp.key})`);
        }
        if (problems.length > 0) {
            reportViolation(
                `${ctx.label} reaches into the node: ${listText([...new Set(problems)])}. Host namespaces and host ` +
                    "paths let a compromised container see other pods' traffic and processes, read node credentials or escape to the " +
                    "node. Remove them, or run the workload in a system namespace if it is a node agent.",
            );
        }
        ctx.done();
    },
};

// ---------------------------------------------------------------------------------------------
// Restricted profile (tenant namespaces)
// ---------------------------------------------------------------------------------------------

export const podNoRootUser: ResourceValidationPolicy = {
    name: "pod-no-root-user",
    description: "Checks that no workload in a tenant namespace sets runAsUser: 0 or runAsNonRoot: false, at pod or container level.",
    enforcementLevel: "mandatory",
    severity: "high",
    tags: ["kubernetes", "pod-security", "pss-restricted"],
    url: URLS.podSecurity,
    framework: podSecurityStandard("restricted", "Running as Non-root user"),
    remediationSteps:
        "Remove runAsUser: 0 and runAsNonRoot: false; set securityContext.runAsNonRoot: true and a non-zero runAsUser (Spark images run as 185) " +
        "on the pod (a SparkApplication role's podSecurityContext) and do not override them per container.",
    configSchema: { properties: TENANT_SCOPE },
    validateResource: (args, reportViolation) => {
        const ctx = podContext(args, SYSTEM_NAMESPACES);
        if (!ctx) {
            return;
        }
        const problems: string[] = [];
        const judge = (sc: Field, where: string) => {
            const user = sub(sc, "runAsUser");
            const nonRoot = sub(sc, "runAsNonRoot");
            if (!ctx.unknown(user) && asNumber(user.value) === 0) {
                problems.push(`runAsUser: 0 (${where})`);
            }
            if (!ctx.unknown(nonRoot) && asBool(nonRoot.value) === false) {
                problems.push(`runAsNonRoot: false (${where})`);
            }
        };
        for (const view of ctx.views) {
            const pod = view.field("securityContext");
            judge(pod, pod.path.filter((k) => typeof k === "string").join("."));
            for (const c of view.containers) {
                judge(c.field("securityContext"), containerName(view, c));
            }
        }
        if (problems.length > 0) {
            reportViolation(
                `${ctx.label} runs as root: ${listText([...new Set(problems)])}. A root process in a container is root on the node's ` +
                    "kernel: any container escape or writable host mount becomes full node compromise (and the node's IAM role). Set " +
                    "runAsNonRoot: true with a non-zero runAsUser and remove the root settings.",
            );
        }
        ctx.done();
    },
};

const DEFAULT_ALLOWED_CAPABILITIES: readonly string[] = ["NET_BIND_SERVICE"];

/** "cap_sys_admin" → "SYS_ADMIN". */
function capabilityName(v: string): string {
    return v.trim().toUpperCase().replace(/^CAP_/, "");
}

export const podNoAddedCapabilities: ResourceValidationPolicy = {
    name: "pod-no-added-capabilities",
    description: "Checks that no container of a workload in a tenant namespace adds Linux capabilities other than NET_BIND_SERVICE.",
    enforcementLevel: "mandatory",
    severity: "high",
    tags: ["kubernetes", "pod-security", "pss-restricted"],
    url: URLS.podSecurity,
    framework: podSecurityStandard("restricted", "Capabilities"),
    remediationSteps:
        "Remove the capabilities from securityContext.capabilities.add (keep at most NET_BIND_SERVICE) and drop ALL. If a workload really " +
        "needs one, add it to this rule's allowedCapabilities for that stack with a recorded reason.",
    configSchema: {
        properties: {
            ...TENANT_SCOPE,
            allowedCapabilities: {
                type: "array",
                items: { type: "string" },
                default: [...DEFAULT_ALLOWED_CAPABILITIES],
                description: "Capabilities a container may add (Pod Security Standards restricted allows only NET_BIND_SERVICE).",
            },
        },
    },
    validateResource: (args, reportViolation) => {
        const ctx = podContext(args, SYSTEM_NAMESPACES);
        if (!ctx) {
            return;
        }
        const allowed = new Set(configValue(args.getConfig(), "allowedCapabilities", [...DEFAULT_ALLOWED_CAPABILITIES], isStringArray).map(capabilityName));
        const problems: string[] = [];
        for (const view of ctx.views) {
            for (const c of view.containers) {
                const add = sub(c.field("securityContext"), "capabilities", "add");
                if (ctx.unknown(add)) {
                    continue;
                }
                const bad = asArray(add.value)
                    .map((cap, i) => ({ cap, f: { value: cap, path: Array.isArray(add.value) ? [...add.path, i] : add.path } }))
                    .filter(({ f }) => !ctx.unknown(f))
                    .map(({ cap }) => (typeof cap === "string" ? capabilityName(cap) : undefined))
                    .filter((cap): cap is string => cap !== undefined && cap !== "" && !allowed.has(cap));
                if (bad.length > 0) {
                    problems.push(`${[...new Set(bad)].join(", ")} (${containerName(view, c)})`);
                }
            }
        }
        if (problems.length > 0) {
            reportViolation(
                `${ctx.label} adds Linux capabilities: ${listText(problems)}. Capabilities such as SYS_ADMIN, NET_ADMIN, SYS_PTRACE or ` +
                    "NET_RAW (packet spoofing on the node network) hand a container kernel powers that make escaping to the node or attacking " +
                    `other pods far easier. Remove them from capabilities.add (allowed: ${listText([...allowed].sort()) || "none"}).`,
            );
        }
        ctx.done();
    },
};

const SECCOMP_POD_ANNOTATION = "seccomp.security.alpha.kubernetes.io/pod";
const SECCOMP_CONTAINER_ANNOTATION = "container.seccomp.security.alpha.kubernetes.io/";

export const podSeccompNotUnconfined: ResourceValidationPolicy = {
    name: "pod-seccomp-not-unconfined",
    description: "Checks that no workload in a tenant namespace turns seccomp off (seccompProfile type Unconfined, or the legacy unconfined annotation).",
    enforcementLevel: "mandatory",
    severity: "medium",
    tags: ["kubernetes", "pod-security", "pss-baseline"],
    url: URLS.podSecurity,
    framework: podSecurityStandard("baseline", "Seccomp"),
    remediationSteps:
        "Set securityContext.seccompProfile.type: RuntimeDefault on the pod (or Localhost with a reviewed profile) and remove Unconfined from " +
        "pods, containers and the seccomp.security.alpha.kubernetes.io annotations.",
    configSchema: { properties: TENANT_SCOPE },
    validateResource: (args, reportViolation) => {
        const ctx = podContext(args, SYSTEM_NAMESPACES);
        if (!ctx) {
            return;
        }
        const problems: string[] = [];
        const unconfined = (f: Field) => !ctx.unknown(f) && typeof f.value === "string" && f.value.trim().toLowerCase() === "unconfined";
        for (const view of ctx.views) {
            const pod = sub(view.field("securityContext"), "seccompProfile", "type");
            if (unconfined(pod)) {
                problems.push(`seccompProfile Unconfined (${pod.path.slice(0, -2).filter((k) => typeof k === "string").join(".")})`);
            }
            for (const c of view.containers) {
                if (unconfined(sub(c.field("securityContext"), "seccompProfile", "type"))) {
                    problems.push(`seccompProfile Unconfined (${containerName(view, c)})`);
                }
            }
            const annotations = view.metadataField("annotations");
            if (ctx.unknown(annotations) || !isRecord(annotations.value)) {
                continue;
            }
            for (const [key, value] of Object.entries(annotations.value)) {
                if (key === SECCOMP_POD_ANNOTATION || key.startsWith(SECCOMP_CONTAINER_ANNOTATION)) {
                    if (unconfined({ value, path: [...annotations.path, key] })) {
                        problems.push(`annotation ${key}: unconfined (${view.where})`);
                    }
                }
            }
        }
        if (problems.length > 0) {
            reportViolation(
                `${ctx.label} runs without seccomp: ${listText([...new Set(problems)])}. Unconfined lets a container make every system ` +
                    "call, including the rarely used ones most kernel exploits need to escape to the node. Use seccompProfile type RuntimeDefault.",
            );
        }
        ctx.done();
    },
};

export const podNoHostPorts: ResourceValidationPolicy = {
    name: "pod-no-host-ports",
    description: "Checks that no container of a workload in a tenant namespace binds a hostPort.",
    enforcementLevel: "mandatory",
    severity: "medium",
    tags: ["kubernetes", "pod-security", "pss-baseline", "network"],
    url: URLS.podSecurity,
    framework: podSecurityStandard("baseline", "Host Ports"),
    remediationSteps: "Remove hostPort from the container ports and expose the workload through a ClusterIP Service (or an internal load balancer).",
    configSchema: { properties: TENANT_SCOPE },
    validateResource: (args, reportViolation) => {
        const ctx = podContext(args, SYSTEM_NAMESPACES);
        if (!ctx) {
            return;
        }
        const problems: string[] = [];
        for (const view of ctx.views) {
            for (const c of view.containers) {
                const ports = c.field("ports");
                if (ctx.unknown(ports)) {
                    continue;
                }
                asArray(ports.value).forEach((p, i) => {
                    const hp = sub({ value: p, path: Array.isArray(ports.value) ? [...ports.path, i] : ports.path }, "hostPort");
                    const n = ctx.unknown(hp) ? undefined : asNumber(hp.value);
                    if (n !== undefined && n !== 0) {
                        problems.push(`hostPort ${n} (${containerName(view, c)})`);
                    }
                });
            }
        }
        if (problems.length > 0) {
            reportViolation(
                `${ctx.label} binds ports on the node: ${listText([...new Set(problems)])}. A hostPort opens the port on the node's own ` +
                    "address, so whatever can reach the node (other tenants' pods, the VPC) can reach the container, and it pins pods to " +
                    "nodes where the port is free. Remove hostPort and use a Service.",
            );
        }
        ctx.done();
    },
};
