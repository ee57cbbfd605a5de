/**
 * Kubernetes shapes as policies see them: Pulumi type tokens of Kubernetes kinds and object metadata.
 * Pods inside workloads are read by policies/lib/pod-spec.ts (the one pod-spec reader).
 */
import { asString, get } from "./props";

/** Pulumi type token for a Kubernetes kind: `kubernetes:<group>/<version>:<Kind>` (core group is `core`). */
export function k8sType(apiVersion: string, kind: string): string {
    const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["core", apiVersion];
    return `kubernetes:${group}/${version}:${kind}`;
}

/** Parses a Kubernetes Pulumi type token; undefined for non-Kubernetes types. */
export function parseK8sType(type: string): { group: string; version: string; kind: string } | undefined {
    const m = /^kubernetes:([^/]+)\/([^:]+):(.+)$/.exec(type);
    return m ? { group: m[1], version: m[2], kind: m[3] } : undefined;
}

export function isK8sKind(type: string, kind: string, group?: string): boolean {
    const t = parseK8sType(type);
    return t !== undefined && t.kind === kind && (group === undefined || t.group === group);
}

/** Namespace of a namespaced object (metadata.namespace), "default" when absent. */
export function namespaceOf(props: unknown): string {
    return asString(get(props, "metadata", "namespace")) ?? "default";
}

export function nameOf(props: unknown): string | undefined {
    return asString(get(props, "metadata", "name"));
}
