/**
 * The system-node capacity, read from the resources: for every EKS managed node group
 * (`aws:eks/nodeGroup:NodeGroup`) the pods that land on it — Helm releases' pods (through the chart table,
 * lib/capacity/charts.ts), Deployments/StatefulSets/DaemonSets/Pods in the stack, and the EKS managed
 * add-ons (lib/capacity/addons.ts) — summed with the same model config uses (lib/capacity/model.ts)
 * against what the group can allocate at its minimum size.
 *
 * A Deployment-like pod lands on the group when its nodeSelector (or a required node-affinity `In` term)
 * selects the group's labels; a DaemonSet pod when it selects them (an empty selector selects every node)
 * and tolerates the group's taints. CoreDNS (no selector, tolerates CriticalAddonsOnly) is counted on a
 * group whose taints it tolerates: at first boot, before Karpenter launches anything, that is where it runs.
 * A pod pinned to the group that states no CPU or memory request (Kubernetes copies limits into missing
 * requests, so limits count) is a problem of its own, and so is one that cannot tolerate the group's taints.
 */
import { COREDNS_TOLERATED_TAINT_KEYS, EKS_ADDON_PODS } from "../../../lib/capacity/addons";
import { CHARTS, chartName, type ChartPod, type ValuesPath } from "../../../lib/capacity/charts";
import { DEFAULT_HEADROOM_PERCENT, fitSystemNodes, smallestNodeGroupCapacity, type CapacityFit, type PodGroup } from "../../../lib/capacity/model";
import { SYSTEM_NODE_HEADROOM_TAG } from "../../../lib/platform";
import { archOfFamily, familyOf } from "../../../lib/instance-families";
import { parseCpuMillis, parseMemoryMi } from "../../../lib/quantity";
import { isUnknownValue } from "../known";
import { asArray, asBool, asNumber, asString, isRecord, parseJsonish } from "../props";
import { HELM_RELEASE } from "./images";
import { at, hasUnknown, known, type ResView, type UnknownAt } from "./view";

const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";
const ADDON = "aws:eks/addon:Addon";
const WORKLOAD_KINDS: Readonly<Record<string, "replicas" | "daemon" | "one">> = {
    "kubernetes:apps/v1:Deployment": "replicas",
    "kubernetes:apps/v1:StatefulSet": "replicas",
    "kubernetes:apps/v1:ReplicaSet": "replicas",
    "kubernetes:apps/v1:DaemonSet": "daemon",
    "kubernetes:core/v1:Pod": "one",
};
const TAINT_EFFECTS: Readonly<Record<string, string>> = { NO_SCHEDULE: "NoSchedule", NO_EXECUTE: "NoExecute", PREFER_NO_SCHEDULE: "PreferNoSchedule" };

interface Taint { readonly key: string; readonly value?: string; readonly effect: string }

/** A pod as the placement check sees it. */
interface Candidate {
    readonly group: PodGroup;
    readonly urn: string;
    readonly owner: string;
    readonly nodeSelector: Record<string, string>;
    readonly tolerations: readonly Record<string, unknown>[];
    /** Containers without an explicit CPU or memory request (values path or container name). */
    readonly missing: readonly string[];
    /** Counted wherever its tolerations allow (CoreDNS), not by selector. */
    readonly byTolerationOnly?: boolean;
}

export interface NodeGroupFit {
    readonly urn: string;
    readonly name: string;
    readonly fit?: CapacityFit;
    readonly pods: readonly PodGroup[];
    /** Violations: the misfit, pods without requests, pods that cannot tolerate the group, unknown instance types. */
    readonly problems: readonly string[];
    readonly unknowns: readonly UnknownAt[];
}

const stringMap = (v: unknown): Record<string, string> | undefined => {
    if (!isRecord(v)) {
        return undefined;
    }
    const out: Record<string, string> = {};
    for (const [k, x] of Object.entries(v)) {
        const s = known(x);
        if (s === undefined) {
            return undefined;
        }
        out[k] = s;
    }
    return out;
};

/** requests (else limits, as Kubernetes defaults them) of one container's `resources`. */
function containerRequests(resources: unknown): { cpu?: number; memory?: number } {
    const pick = (k: string) => at(resources, "requests", k) ?? at(resources, "limits", k);
    return { cpu: parseCpuMillis(pick("cpu")), memory: parseMemoryMi(pick("memory")) };
}

function tolerates(tolerations: readonly Record<string, unknown>[], t: Taint): boolean {
    return tolerations.some((x) => {
        const key = asString(x.key) ?? "";
        const op = asString(x.operator) ?? "Equal";
        const effect = asString(x.effect) ?? "";
        return (key === "" ? op === "Exists" : key === t.key) && (op === "Exists" || (asString(x.value) ?? "") === (t.value ?? "")) && (effect === "" || effect === t.effect);
    });
}

/** The pods of one Helm release, via the chart table. */
function releasePods(r: ResView, unknowns: UnknownAt[]): Candidate[] | "unknown-chart" {
    const values = r.props.values;
    const spec = CHARTS[chartName(known(r.props.chart) ?? "")];
    if (!spec) {
        return "unknown-chart";
    }
    const owner = `Helm release "${known(r.props.name) ?? r.name}"`;
    const read = (p: ValuesPath) => at(values, ...p);
    const unknownAt = (p: ValuesPath) => {
        unknowns.push({ urn: r.urn, path: ["values", ...p] });
    };
    const out: Candidate[] = [];
    const pod = (p: ChartPod) => {
        const toggle = (t?: { path: ValuesPath; default: boolean }) => (t ? asBool(read(t.path)) ?? (isUnknownValue(read(t.path)) ? undefined : t.default) : true);
        const enabled = toggle(p.enabledBy);
        if (enabled === undefined) {
            return unknownAt(p.enabledBy!.path);
        }
        if (!enabled) {
            return;
        }
        const kindValue = typeof p.perNode === "boolean" ? undefined : read(p.perNode.path);
        if (isUnknownValue(kindValue)) {
            return unknownAt((p.perNode as { path: ValuesPath }).path);
        }
        const perNode = typeof p.perNode === "boolean" ? p.perNode : (known(kindValue) ?? p.perNode.default) === p.perNode.daemonSetValue;
        const replicasRaw = p.replicas?.path ? read(p.replicas.path) : undefined;
        const selectorRaw = read(p.nodeSelector);
        const tolerationsRaw = read(p.tolerations);
        for (const [v, path] of [[replicasRaw, p.replicas?.path], [selectorRaw, p.nodeSelector], [tolerationsRaw, p.tolerations]] as const) {
            if (path && hasUnknown(v)) {
                return unknownAt(path);
            }
        }
        const nodeSelector = selectorRaw === undefined ? { ...(p.defaultNodeSelector ?? {}) } : stringMap(selectorRaw) ?? {};
        const tolerations = tolerationsRaw === undefined ? [...(p.defaultTolerations ?? [])] : asArray(tolerationsRaw).filter(isRecord);
        let cpu = 0;
        let memory = 0;
        const missing: string[] = [];
        for (const c of p.containers) {
            if (toggle(c.enabledBy) === false) {
                continue;
            }
            const res = read(c.resources);
            if (hasUnknown(res)) {
                unknownAt(c.resources);
                continue;
            }
            const req = containerRequests(res);
            const dflt = containerRequests(c.defaultResources);
            if (req.cpu === undefined || req.memory === undefined) {
                missing.push(`values ${c.resources.join(".")} (${c.name})`);
            }
            cpu += req.cpu ?? dflt.cpu ?? 0;
            memory += req.memory ?? dflt.memory ?? 0;
        }
        const affinity = p.distinctNodes ? read(p.distinctNodes.affinityPath) : undefined;
        const distinct = p.distinctNodes !== undefined && (affinity === undefined || requiredHostAntiAffinity(affinity));
        // An unknown hostNetwork counts as host network: the fewest pod IPs, so an unknown never adds a problem.
        const hostNetworkRaw = p.hostNetwork ? read(p.hostNetwork.path) : undefined;
        if (isUnknownValue(hostNetworkRaw)) {
            unknownAt(p.hostNetwork!.path);
        }
        const hostNetwork = p.hostNetwork ? isUnknownValue(hostNetworkRaw) || (asBool(hostNetworkRaw) ?? p.hostNetwork.default) : false;
        out.push({
            urn: r.urn, owner, nodeSelector, tolerations, missing,
            group: { name: p.name, source: owner, perNode, replicas: perNode ? 1 : asNumber(replicasRaw) ?? p.replicas?.default ?? 1, requests: { cpuMillis: cpu, memoryMiB: memory }, distinctNodes: distinct, hostNetwork },
        });
    };
    spec.pods.forEach(pod);
    return out;
}

function requiredHostAntiAffinity(affinity: unknown): boolean {
    return asArray(at(affinity, "podAntiAffinity", "requiredDuringSchedulingIgnoredDuringExecution")).some((t) => at(t, "topologyKey") === "kubernetes.io/hostname");
}

/** nodeSelector plus the `In` terms of a single required node-affinity term (a common way to pin). */
function podSelector(pod: Record<string, unknown>): Record<string, string> {
    const sel = stringMap(pod.nodeSelector) ?? {};
    const terms = asArray(at(pod, "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms"));
    if (terms.length === 1) {
        for (const e of asArray(at(terms[0], "matchExpressions"))) {
            const values = asArray(at(e, "values"));
            if (at(e, "operator") === "In" && values.length === 1 && known(at(e, "key")) && known(values[0])) {
                sel[known(at(e, "key"))!] = known(values[0])!;
            }
        }
    }
    return sel;
}

function workloadPods(r: ResView, unknowns: UnknownAt[]): Candidate[] {
    const kind = WORKLOAD_KINDS[r.type];
    const path = kind === "one" ? ["spec"] : ["spec", "template", "spec"];
    const pod = at(r.props, ...path);
    if (hasUnknown(at(pod, "nodeSelector")) || hasUnknown(at(pod, "affinity")) || hasUnknown(at(pod, "tolerations")) || hasUnknown(at(r.props, "spec", "replicas"))) {
        unknowns.push({ urn: r.urn, path: ["spec"] });
        return [];
    }
    if (!isRecord(pod)) {
        return [];
    }
    const owner = `${r.type.split(":").pop()} ${known(at(r.props, "metadata", "name")) ?? r.name}`;
    let cpu = 0;
    let memory = 0;
    const missing: string[] = [];
    for (const c of asArray(pod.containers).filter(isRecord)) {
        if (hasUnknown(c.resources)) {
            unknowns.push({ urn: r.urn, path: ["spec"] });
            return [];
        }
        const req = containerRequests(c.resources);
        if (req.cpu === undefined || req.memory === undefined) {
            missing.push(`container ${asString(c.name) ?? "?"}`);
        }
        cpu += req.cpu ?? 0;
        memory += req.memory ?? 0;
    }
    const replicas = kind === "replicas" ? asNumber(at(r.props, "spec", "replicas")) ?? 1 : 1;
    if (isUnknownValue(pod.hostNetwork)) {
        unknowns.push({ urn: r.urn, path: [...path, "hostNetwork"] });
    }
    return [{
        urn: r.urn, owner, nodeSelector: podSelector(pod), tolerations: asArray(pod.tolerations).filter(isRecord), missing,
        group: { name: owner, source: owner, perNode: kind === "daemon", replicas, requests: { cpuMillis: cpu, memoryMiB: memory }, distinctNodes: requiredHostAntiAffinity(pod.affinity), hostNetwork: isUnknownValue(pod.hostNetwork) || asBool(pod.hostNetwork) === true },
    }];
}

function addonPods(r: ResView, unknowns: UnknownAt[]): Candidate[] {
    const name = known(r.props.addonName);
    if (name === undefined) {
        if (isUnknownValue(r.props.addonName)) {
            unknowns.push({ urn: r.urn, path: ["addonName"] });
        }
        return [];
    }
    if (hasUnknown(r.props.configurationValues)) {
        unknowns.push({ urn: r.urn, path: ["configurationValues"] });
        return [];
    }
    const conf = parseJsonish(r.props.configurationValues);
    return (EKS_ADDON_PODS[name] ?? []).map((g) => {
        const req = containerRequests(at(conf, "resources"));
        const replicas = asNumber(at(conf, "replicaCount"));
        const group: PodGroup = { ...g, replicas: replicas ?? g.replicas, requests: { cpuMillis: req.cpu ?? g.requests.cpuMillis, memoryMiB: req.memory ?? g.requests.memoryMiB } };
        const everywhere = [{ operator: "Exists" }];
        return g.perNode
            ? { urn: r.urn, owner: `EKS add-on ${name}`, nodeSelector: {}, tolerations: everywhere, missing: [], group }
            : { urn: r.urn, owner: `EKS add-on ${name}`, nodeSelector: {}, tolerations: COREDNS_TOLERATED_TAINT_KEYS.map((key) => ({ key, operator: "Exists" })), missing: [], group, byTolerationOnly: true };
    });
}

/**
 * The headroom a node group is checked with: the one it states (SYSTEM_NODE_HEADROOM_TAG, which the platform
 * sets from moka:cluster.systemNodes.headroomPercent), else DEFAULT_HEADROOM_PERCENT; a stricter minimum
 * (the policy's minimumHeadroomPercent) raises it. Undefined when the tag is unknown at preview.
 */
export function headroomOf(ng: ResView, minimumHeadroomPercent = 0): number | undefined {
    const raw = at(ng.props, "tags", SYSTEM_NODE_HEADROOM_TAG);
    if (isUnknownValue(raw)) {
        return undefined;
    }
    const stated = /^\d{1,2}$/.test(known(raw) ?? "") ? Number(known(raw)) : undefined;
    return Math.min(90, Math.max(0, minimumHeadroomPercent, stated !== undefined && stated <= 90 ? stated : DEFAULT_HEADROOM_PERCENT));
}

/** Every managed node group with what lands on it and whether it fits (headroom per group: headroomOf). */
export function systemNodeFits(views: readonly ResView[], opts: { readonly minimumHeadroomPercent?: number } = {}): NodeGroupFit[] {
    const unknowns: UnknownAt[] = [];
    const candidates: Candidate[] = [];
    const unknownCharts: ResView[] = [];
    for (const r of views) {
        if (r.type === HELM_RELEASE) {
            if (isUnknownValue(r.props.values) || isUnknownValue(r.props.chart)) {
                unknowns.push({ urn: r.urn, path: isUnknownValue(r.props.chart) ? ["chart"] : ["values"] });
                continue;
            }
            const pods = releasePods(r, unknowns);
            if (pods === "unknown-chart") {
                unknownCharts.push(r);
            } else {
                candidates.push(...pods);
            }
        } else if (WORKLOAD_KINDS[r.type]) {
            candidates.push(...workloadPods(r, unknowns));
        } else if (r.type === ADDON) {
            candidates.push(...addonPods(r, unknowns));
        }
    }
    const cni = views.find((r) => r.type === ADDON && known(r.props.addonName) === "vpc-cni");
    const customNetworking = known(at(parseJsonish(cni?.props.configurationValues), "env", "AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG")) === "true";

    return views.filter((r) => r.type === NODE_GROUP).map((ng) => {
        const own: UnknownAt[] = [...unknowns];
        const problems: string[] = [];
        const labelsRaw = ng.props.labels;
        const taintsRaw = ng.props.taints;
        const typesRaw = ng.props.instanceTypes;
        const minRaw = at(ng.props, "scalingConfig", "minSize");
        if ([labelsRaw, taintsRaw, typesRaw, minRaw].some(hasUnknown)) {
            own.push({ urn: ng.urn, path: hasUnknown(labelsRaw) ? ["labels"] : hasUnknown(taintsRaw) ? ["taints"] : hasUnknown(typesRaw) ? ["instanceTypes"] : ["scalingConfig", "minSize"] });
            return { urn: ng.urn, name: ng.name, pods: [], problems, unknowns: own };
        }
        const types = asArray(typesRaw).map(known).filter((t): t is string => t !== undefined);
        const arch = types.length > 0 ? archOfFamily(familyOf(types[0])) : undefined;
        const labels: Record<string, string> = { "kubernetes.io/os": "linux", ...(arch ? { "kubernetes.io/arch": arch } : {}), ...(stringMap(labelsRaw) ?? {}) };
        const taints: Taint[] = asArray(taintsRaw).filter(isRecord).map((t) => ({ key: asString(t.key) ?? "", value: asString(t.value), effect: TAINT_EFFECTS[asString(t.effect) ?? ""] ?? asString(t.effect) ?? "" }))
            .filter((t) => t.effect === "NoSchedule" || t.effect === "NoExecute");
        const selects = (sel: Record<string, string>) => Object.entries(sel).every(([k, v]) => labels[k] === v);
        const pinned = (c: Candidate) => Object.keys(c.nodeSelector).some((k) => k !== "kubernetes.io/os" && k !== "kubernetes.io/arch") && selects(c.nodeSelector);
        const fitsTaints = (c: Candidate) => taints.every((t) => tolerates(c.tolerations, t));
        const landing: Candidate[] = [];
        for (const c of candidates) {
            if (c.byTolerationOnly) {
                if (taints.every((t) => COREDNS_TOLERATED_TAINT_KEYS.includes(t.key))) {
                    landing.push(c);
                }
            } else if (c.group.perNode ? selects(c.nodeSelector) && fitsTaints(c) : pinned(c)) {
                if (!c.group.perNode && !fitsTaints(c)) {
                    problems.push(`${c.owner}: the ${c.group.name} pods select this node group (${JSON.stringify(c.nodeSelector)}) but do not tolerate its taint${taints.length === 1 ? "" : "s"} ${taints.map((t) => `${t.key}${t.value ? `=${t.value}` : ""}:${t.effect}`).join(", ")}, so they would stay Pending`);
                }
                landing.push(c);
            }
        }
        for (const c of landing) {
            for (const m of c.missing) {
                problems.push(`${c.owner}: the ${c.group.name} pods are pinned to this node group but ${m} states no CPU and/or memory request, so nobody can tell whether they fit; set resources.requests`);
            }
        }
        for (const r of unknownCharts) {
            const values = r.props.values;
            const pinnedSomewhere = JSON.stringify(values ?? {}).includes("\"nodeSelector\"") && findSelectors(values).some((s) => Object.keys(s).length > 0 && selects(s));
            if (pinnedSomewhere) {
                problems.push(`Helm release "${known(r.props.name) ?? r.name}" (chart ${known(r.props.chart) ?? "?"}) pins pods to this node group, but the chart is not in the capacity table (lib/capacity/charts.ts), so their requests cannot be counted; add the chart's pods there`);
            }
        }
        const pods = landing.map((c) => c.group);
        const minSize = asNumber(minRaw) ?? 1;
        const capacity = smallestNodeGroupCapacity(types, minSize);
        if (!capacity) {
            if (landing.some((c) => !c.byTolerationOnly && !c.group.perNode)) {
                problems.push(`instance type${types.length === 1 ? "" : "s"} ${types.join(", ") || "(none)"} not in the capacity model's table (lib/capacity/instances.ts), so the fit cannot be checked; use a listed type or add its row`);
            }
            return { urn: ng.urn, name: ng.name, pods, problems, unknowns: own };
        }
        const headroomPercent = headroomOf(ng, opts.minimumHeadroomPercent);
        if (headroomPercent === undefined) {
            return { urn: ng.urn, name: ng.name, pods, problems, unknowns: [...own, { urn: ng.urn, path: ["tags", SYSTEM_NODE_HEADROOM_TAG] }] };
        }
        const fit = fitSystemNodes(capacity, pods, { headroomPercent, customNetworking });
        if (landing.some((c) => !c.byTolerationOnly && !c.group.perNode)) {
            problems.push(...fit.problems);
        }
        return { urn: ng.urn, name: ng.name, fit, pods, problems, unknowns: own };
    });
}

function findSelectors(v: unknown, depth = 0): Record<string, string>[] {
    if (depth > 12 || (!isRecord(v) && !Array.isArray(v))) {
        return [];
    }
    return Object.entries(v).flatMap(([k, x]) => (k === "nodeSelector" ? [stringMap(x) ?? {}] : findSelectors(x, depth + 1)));
}
