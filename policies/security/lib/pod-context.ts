/**
 * What the security pack's pod rules (rules/pods.ts) work on: a workload's pod views read raw through
 * the pod-spec reader (policies/lib/pod-spec.ts), its namespace scope, and an unknown tracker on its
 * props. Pack-private.
 *
 * Exported API: HOST_SCOPE, TENANT_SCOPE, PodContext, podContext(args, defaultSystem), containerName(view, container)
 */
import type { ResourceValidationArgs } from "@pulumi/policy";
import { HOST_ACCESS_NAMESPACES, SYSTEM_NAMESPACES } from "../../../lib/platform";
import { isUnknownValue, rawProps, UnknownTracker } from "../../lib/known";
import { type Field, isWorkloadType, podViews, type PodView, unknownPodParts, workloadLabel, workloadNamespace } from "../../lib/pod-spec";
import { configValue, isStringArray } from "../../lib/props";

function namespacesSchema(defaults: readonly string[], what: string) {
    return {
        systemNamespaces: {
            type: "array" as const,
            items: { type: "string" as const },
            default: [...defaults],
            description: what,
        },
    };
}

/** configSchema of the host-escape rules: every namespace but the node agents' is judged. */
export const HOST_SCOPE = namespacesSchema(HOST_ACCESS_NAMESPACES, "Namespaces exempt from this rule (node agents, CNI, log shippers).");
/** configSchema of the restricted-profile rules: tenant namespaces (and default) are judged. */
export const TENANT_SCOPE = namespacesSchema(SYSTEM_NAMESPACES, "Namespaces exempt from this rule (Kubernetes' and the platform's own); every other namespace, default included, is judged.");

/** What a pod rule works on: the workload's pod views (raw), its label, and an unknown tracker on its props. */
export interface PodContext {
    readonly views: readonly PodView[];
    readonly raw: Record<string, unknown>;
    readonly label: string;
    /** Notes a raw field the rule needed that is unknown (re-raised by done()). */
    readonly note: (f: Field) => void;
    /** True when the field is a preview-unknown (and notes it). */
    readonly unknown: (f: Field) => boolean;
    /** Re-raises the first noted unknown as the "can't run during preview" advisory. Call last. */
    readonly done: () => void;
}

/**
 * The pods of a workload outside the exempt namespaces, or undefined (not a workload, exempt, or
 * its namespace is unknown — then the advisory is raised here).
 */
export function podContext(args: ResourceValidationArgs, defaultSystem: readonly string[]): PodContext | undefined {
    if (!isWorkloadType(args.type)) {
        return undefined;
    }
    const raw = rawProps(args.props);
    const tracker = new UnknownTracker();
    const provider = args.provider ? { type: args.provider.type, props: rawProps(args.provider.props) } : undefined;
    const ns = workloadNamespace(raw, provider);
    if (ns.unknown) {
        tracker.note(ns.unknown.path[0] === "metadata" ? args.props : args.provider?.props, ...ns.unknown.path);
        tracker.rethrow();
        return undefined;
    }
    const system = configValue(args.getConfig(), "systemNamespaces", [...defaultSystem], isStringArray);
    if (system.includes(ns.name!)) {
        return undefined;
    }
    const note = (f: Field) => tracker.note(args.props, ...f.path);
    for (const part of unknownPodParts(args.type, raw)) {
        note(part);
    }
    const views = podViews(args.type, raw);
    for (const v of views) {
        v.unknownContainers.forEach(note);
    }
    return {
        views,
        raw,
        label: `${workloadLabel(args.type, raw)} in namespace "${ns.name}"`,
        note,
        unknown: (f) => {
            if (isUnknownValue(f.value)) {
                note(f);
                return true;
            }
            return false;
        },
        done: () => tracker.rethrow(),
    };
}

/** `spec.template.spec:app` — a container as messages name it. */
export const containerName = (view: PodView, c: { name: string }) => `${view.where}:${c.name}`;
