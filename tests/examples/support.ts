/**
 * Test support for the contract and the example app-team program.
 *
 * `mockStackReferences`: preview/mocks.ts answers every resource with its inputs, so a
 * `pulumi.StackReference` (read as `pulumi:pulumi:StackReference`) comes back without `outputs` and
 * `requireOutput` crashes. Call this at the start of a `runUnderMocks` program to answer named stack
 * references with fixed outputs; everything else still goes to the shared mocks. (Proposed for
 * preview/mocks.ts as a `stackReferences` option; see the helper's report.)
 *
 * `restrictedProblems`: the Pod Security Standard `restricted` checks that apply to a pod spec we
 * build (pod templates, SparkApplication driver/executor fields).
 */
import * as settings from "@pulumi/pulumi/runtime/settings";

export interface MockStackReference {
    readonly outputs: Record<string, unknown>;
    readonly secretOutputNames?: readonly string[];
}

export const STACK_REFERENCE_TYPE = "pulumi:pulumi:StackReference";

/** Answers `new pulumi.StackReference(<name>)` with `refs[<name>]`; throws for an unknown stack name. */
export function mockStackReferences(refs: Readonly<Record<string, MockStackReference>>): void {
    const monitor = settings.getMonitor() as any;
    const inner = monitor?.mocks;
    if (!inner || typeof inner.newResource !== "function") {
        throw new Error("mockStackReferences must run inside a runUnderMocks program (no mock monitor installed)");
    }
    monitor.mocks = {
        newResource(args: any) {
            if (args.type === STACK_REFERENCE_TYPE) {
                const name = String(args.inputs?.name ?? args.name);
                const ref = refs[name];
                if (!ref) {
                    throw new Error(`unmocked StackReference "${name}"; mocked: ${Object.keys(refs).join(", ")}`);
                }
                return { id: name, state: { name, outputs: ref.outputs, secretOutputNames: [...(ref.secretOutputNames ?? [])] } };
            }
            return inner.newResource(args);
        },
        call(args: any) {
            return inner.call(args);
        },
    };
}

const RESTRICTED_VOLUME_TYPES = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"];

/** Violations of the `restricted` Pod Security Standard in a pod spec; empty when it complies. */
export function restrictedProblems(spec: any): string[] {
    const problems: string[] = [];
    const pod = spec?.securityContext ?? {};
    if (spec?.hostNetwork || spec?.hostPID || spec?.hostIPC) {
        problems.push("host namespaces");
    }
    for (const v of spec?.volumes ?? []) {
        const kinds = Object.keys(v).filter((k) => k !== "name");
        if (!kinds.every((k) => RESTRICTED_VOLUME_TYPES.includes(k))) {
            problems.push(`volume ${v.name} type ${kinds.join(",")}`);
        }
    }
    if (pod.runAsUser === 0) {
        problems.push("pod runAsUser 0");
    }
    const containers = [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])];
    if (containers.length === 0) {
        problems.push("no containers");
    }
    for (const c of containers) {
        const sc = c.securityContext ?? {};
        if (sc.privileged) {
            problems.push(`${c.name}: privileged`);
        }
        if (sc.allowPrivilegeEscalation !== false) {
            problems.push(`${c.name}: allowPrivilegeEscalation must be false`);
        }
        if (!(sc.capabilities?.drop ?? []).includes("ALL")) {
            problems.push(`${c.name}: capabilities must drop ALL`);
        }
        if ((sc.capabilities?.add ?? []).some((a: string) => a !== "NET_BIND_SERVICE")) {
            problems.push(`${c.name}: adds capabilities`);
        }
        if ((sc.runAsNonRoot ?? pod.runAsNonRoot) !== true) {
            problems.push(`${c.name}: runAsNonRoot must be true`);
        }
        if (sc.runAsUser === 0) {
            problems.push(`${c.name}: runAsUser 0`);
        }
        const seccomp = sc.seccompProfile?.type ?? pod.seccompProfile?.type;
        if (seccomp !== "RuntimeDefault" && seccomp !== "Localhost") {
            problems.push(`${c.name}: seccompProfile must be RuntimeDefault or Localhost`);
        }
        if ((c.ports ?? []).some((p: any) => p.hostPort)) {
            problems.push(`${c.name}: hostPort`);
        }
    }
    return problems;
}
