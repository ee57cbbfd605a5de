/**
 * Pod views for the pod-spec reader (policies/lib/pod-spec.ts): every pod-spec-shaped source of a
 * workload, with its pod-level fields, metadata and containers.
 */
import { isUnknownValue } from "../known";
import { asArray, asString, isRecord } from "../props";
import { fieldAt, type Field, type Path, pathText } from "./fields";
import { isSparkKind, type PodRole, SPARK_CONTAINER, sparkBase, sparkRoles, workloadKind } from "./kinds";

export interface ContainerView {
    /** Container name ("?" when absent); the Spark container of a role is `spark-kubernetes-<role>`. */
    readonly name: string;
    /** Where it is, for messages: "spec.template.spec.containers[0]" or, for a Spark role's own settings, "spec.driver". */
    readonly where: string;
    readonly init: boolean;
    /** A container field (securityContext, ports, image…) with its path. */
    readonly field: (key: string) => Field;
}

export interface PodView {
    /** Where the pod-level settings are, for messages: "spec", "spec.template.spec", "spec.driver", "spec.driver.template.spec". */
    readonly where: string;
    readonly role: PodRole;
    /** A pod-level field (hostNetwork, hostPID, hostIPC, securityContext, volumes…) with its path. */
    readonly field: (key: string) => Field;
    /** A field of the pod's metadata (labels, annotations). */
    readonly metadataField: (key: string) => Field;
    readonly containers: readonly ContainerView[];
    /** Container lists that are preview-unknown (their containers cannot be judged yet). */
    readonly unknownContainers: readonly Field[];
}

const CONTAINER_LISTS: readonly (readonly [string, boolean])[] = [["containers", false], ["initContainers", true], ["ephemeralContainers", true]];

function listContainers(root: unknown, listPath: Path, init: boolean, out: ContainerView[], unknown: Field[]): void {
    const list = fieldAt(root, listPath);
    if (isUnknownValue(list.value)) {
        unknown.push(list);
        return;
    }
    const isArray = Array.isArray(list.value);
    asArray(list.value).forEach((c, i) => {
        if (!isRecord(c)) {
            return;
        }
        const path: Path = isArray ? [...listPath, i] : listPath;
        out.push({ name: asString(c.name) ?? "?", where: pathText(path), init, field: (key) => fieldAt(root, [...path, key]) });
    });
}

/** A view of a real pod spec at `specPath` with metadata at `metaPath`. */
function realView(root: unknown, where: Path, role: PodRole, metaPath: Path): PodView | undefined {
    const spec = fieldAt(root, where);
    if (!isRecord(spec.value)) {
        return undefined;
    }
    const containers: ContainerView[] = [];
    const unknownContainers: Field[] = [];
    for (const [list, init] of CONTAINER_LISTS) {
        listContainers(root, [...where, list], init, containers, unknownContainers);
    }
    return {
        where: pathText(where),
        role,
        field: (key) => fieldAt(root, [...where, key]),
        metadataField: (key) => fieldAt(root, [...metaPath, key]),
        containers,
        unknownContainers,
    };
}

/** The pod a SparkApplication role's own settings describe (what the operator's webhook patches onto the pod). */
function sparkRoleView(root: unknown, base: Path, role: "driver" | "executor"): PodView | undefined {
    const rolePath: Path = [...base, role];
    if (!isRecord(fieldAt(root, rolePath).value)) {
        return undefined;
    }
    // Pod-level fields the webhook sets from the role (and the app-wide volumes it mounts).
    const podFields: Readonly<Record<string, Path>> = {
        hostNetwork: [...rolePath, "hostNetwork"],
        shareProcessNamespace: [...rolePath, "shareProcessNamespace"],
        securityContext: [...rolePath, "podSecurityContext"],
        volumes: [...base, "volumes"],
    };
    const main: ContainerView = {
        name: SPARK_CONTAINER[role],
        where: pathText(rolePath),
        init: false,
        // The Spark container's securityContext and ports are the role's own fields.
        field: (key) => (key === "securityContext" || key === "ports" ? fieldAt(root, [...rolePath, key]) : { value: undefined, path: [...rolePath, key] }),
    };
    const containers: ContainerView[] = [main];
    const unknownContainers: Field[] = [];
    listContainers(root, [...rolePath, "sidecars"], false, containers, unknownContainers);
    listContainers(root, [...rolePath, "initContainers"], true, containers, unknownContainers);
    return {
        where: pathText(rolePath),
        role,
        field: (key) => (podFields[key] ? fieldAt(root, podFields[key]) : { value: undefined, path: [...rolePath, key] }),
        metadataField: (key) => fieldAt(root, [...rolePath, key]), // role labels / annotations
        containers,
        unknownContainers,
    };
}

/**
 * Every pod-spec-shaped source of a workload. Plain workloads have one; a SparkApplication role has
 * its own settings and, when given, a template (two views); a SparkConnect role has its template.
 */
export function podViews(type: string, props: unknown): PodView[] {
    const kind = workloadKind(type);
    if (!kind) {
        return [];
    }
    const views: (PodView | undefined)[] = [];
    if (kind === "Pod") {
        views.push(realView(props, ["spec"], "pod", ["metadata"]));
    } else if (kind === "CronJob") {
        views.push(realView(props, ["spec", "jobTemplate", "spec", "template", "spec"], "pod", ["spec", "jobTemplate", "spec", "template", "metadata"]));
    } else if (isSparkKind(kind)) {
        const base = sparkBase(kind);
        for (const role of sparkRoles(kind)) {
            if (role !== "server" && kind !== "SparkConnect") {
                views.push(sparkRoleView(props, base, role));
            }
            views.push(realView(props, [...base, role, "template", "spec"], role, [...base, role, "template", "metadata"]));
        }
    } else {
        views.push(realView(props, ["spec", "template", "spec"], "pod", ["spec", "template", "metadata"]));
    }
    return views.filter((v): v is PodView => v !== undefined);
}

/** Parts of a workload that are preview-unknown and hide pods (a whole spec, template or Spark role). */
export function unknownPodParts(type: string, props: unknown): Field[] {
    const kind = workloadKind(type);
    if (!kind) {
        return [];
    }
    const paths: Path[] = kind === "Pod" ? [["spec"]]
        : kind === "CronJob" ? [["spec", "jobTemplate", "spec", "template", "spec"]]
            : isSparkKind(kind)
                ? sparkRoles(kind).flatMap((r) => [[...sparkBase(kind), r], [...sparkBase(kind), r, "template", "spec"]])
                : [["spec", "template", "spec"]];
    const out = new Map<string, Field>();
    for (const p of paths) {
        const f = fieldAt(props, p);
        if (isUnknownValue(f.value)) {
            out.set(f.path.join("\u0000"), f);
        }
    }
    return [...out.values()];
}
