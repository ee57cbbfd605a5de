/**
 * What a workload's pods use, for the pod-spec reader (policies/lib/pod-spec.ts): images, service
 * accounts and token mounting, and Spark conf host paths.
 */
import { isUnknownValue } from "../known";
import { isRecord } from "../props";
import { fieldAt, type Field, type Path, pathText } from "./fields";
import { isSparkKind, type PodRole, SPARK_CONTAINER, sparkBase, sparkRoles, workloadKind } from "./kinds";
import { podViews, type PodView } from "./views";

export interface ImageUse {
    /** The image reference (raw: a string, a preview-unknown sentinel, or anything odd). */
    readonly image: Field;
    /** The container it runs in, for messages ("spec.driver:spark-kubernetes-driver"). */
    readonly container: string;
}

function present(v: unknown): boolean {
    return v !== undefined && v !== null && v !== "";
}

/** The first candidate that is set (an unknown counts as set: it decides, and it is unknown). */
function firstSet(candidates: readonly Field[]): Field | undefined {
    return candidates.find((f) => present(f.value));
}

/** Index of a template's Spark container: the one with the Spark name, else the first. */
function sparkContainerIndex(root: unknown, listPath: Path, name: string): number | undefined {
    const list = fieldAt(root, listPath).value;
    if (!Array.isArray(list) || list.length === 0) {
        return undefined;
    }
    const i = list.findIndex((c) => isRecord(c) && c.name === name);
    return i >= 0 ? i : 0;
}

/** Every image a workload's pods run (each container once; overridden images are not listed). */
export function imageUses(type: string, props: unknown): ImageUse[] {
    const kind = workloadKind(type);
    if (!kind) {
        return [];
    }
    const out: ImageUse[] = [];
    const containerImages = (view: PodView, skip?: string) => {
        for (const c of view.containers) {
            if (c.where !== skip) {
                out.push({ image: c.field("image"), container: `${view.where}:${c.name}` });
            }
        }
    };
    if (!isSparkKind(kind)) {
        for (const view of podViews(type, props)) {
            containerImages(view);
        }
        return out;
    }
    const views = podViews(type, props);
    const base = sparkBase(kind);
    const conf = (key: string): Field => fieldAt(props, [...base, "sparkConf", key]);
    for (const role of sparkRoles(kind)) {
        const templateSpec: Path = [...base, role, "template", "spec"];
        const mainIndex = sparkContainerIndex(props, [...templateSpec, "containers"], SPARK_CONTAINER[role]);
        const mainPath: Path | undefined = mainIndex === undefined ? undefined : [...templateSpec, "containers", mainIndex];
        const templateImage: Field[] = mainPath ? [fieldAt(props, [...mainPath, "image"])] : [];
        let main: Field | undefined;
        if (kind === "SparkConnect") {
            // The server/executor container's own image wins over spec.image (options.go / reconciler.go).
            main = firstSet([...templateImage, fieldAt(props, [...base, "image"])]);
        } else {
            main = firstSet([
                fieldAt(props, [...base, role, "image"]),
                fieldAt(props, [...base, "image"]),
                conf(`spark.kubernetes.${role}.container.image`),
                conf("spark.kubernetes.container.image"),
                ...templateImage,
            ]);
        }
        if (main) {
            out.push({ image: main, container: `${pathText([...base, role])}:${SPARK_CONTAINER[role]}` });
        }
        for (const view of views.filter((v) => v.role === role)) {
            containerImages(view, view.where === pathText([...base, role]) ? pathText([...base, role]) : mainPath ? pathText(mainPath) : undefined);
        }
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// Service accounts
// ---------------------------------------------------------------------------------------------

export interface IdentityUse {
    /** Which pod, for messages ("spec.template.spec", "spec.driver", "spec.server"). */
    readonly where: string;
    readonly role: PodRole;
    /** Every setting that names the pod's ServiceAccount (absent ones included), highest precedence first. */
    readonly serviceAccount: readonly Field[];
    /** automountServiceAccountToken settings of the pod (absent: the token is mounted). */
    readonly automount: readonly Field[];
    /** Spark drivers and SparkConnect servers create executor pods: they need their token. */
    readonly needsToken: boolean;
}

/** ServiceAccount settings and token mounting of each pod of a workload. */
export function identityUses(type: string, props: unknown): IdentityUse[] {
    const kind = workloadKind(type);
    if (!kind) {
        return [];
    }
    const podSa = (spec: Path): Field[] => [fieldAt(props, [...spec, "serviceAccountName"]), fieldAt(props, [...spec, "serviceAccount"])];
    if (!isSparkKind(kind)) {
        return podViews(type, props).map((v) => {
            const spec = v.field("serviceAccountName").path.slice(0, -1);
            return { where: v.where, role: "pod", serviceAccount: podSa(spec), automount: [v.field("automountServiceAccountToken")], needsToken: false };
        });
    }
    const base = sparkBase(kind);
    const conf = (role: string): Field => fieldAt(props, [...base, "sparkConf", `spark.kubernetes.authenticate.${role}.serviceAccountName`]);
    const out: IdentityUse[] = [];
    for (const role of sparkRoles(kind)) {
        const rolePath: Path = [...base, role];
        if (!isRecord(fieldAt(props, rolePath).value)) {
            continue;
        }
        const template: Path = [...rolePath, "template", "spec"];
        const own = kind === "SparkConnect" ? [] : [fieldAt(props, [...rolePath, "serviceAccount"])];
        const sparkConfRole = role === "server" ? "driver" : role;
        const sources = [...own, conf(sparkConfRole), ...podSa(template)];
        if (role === "executor") {
            // Spark ≥ 3.1: executors without their own ServiceAccount use the driver's.
            sources.push(...(kind === "SparkConnect" ? [] : [fieldAt(props, [...base, "driver", "serviceAccount"])]), conf("driver"));
        }
        out.push({
            where: pathText(rolePath),
            role,
            serviceAccount: sources,
            automount: [fieldAt(props, [...template, "automountServiceAccountToken"])],
            needsToken: role !== "executor",
        });
    }
    return out;
}

/**
 * Whether the pod runs as the namespace's `default` ServiceAccount: true when no setting names
 * another one (absent, "" and "default" all mean default), false when one does, undefined when a
 * setting is preview-unknown or oddly typed (not judged).
 */
export function isDefaultServiceAccount(use: IdentityUse): boolean | undefined {
    let unknown = false;
    for (const f of use.serviceAccount) {
        const v = f.value;
        if (v === undefined || v === null || v === "" || v === "default") {
            continue;
        }
        if (typeof v !== "string" || isUnknownValue(v)) {
            unknown = true;
            continue;
        }
        return false;
    }
    return unknown ? undefined : true;
}

/** Whether the pod mounts its ServiceAccount token: true unless automountServiceAccountToken is false; undefined when unknown. */
export function tokenAutomounted(use: IdentityUse): boolean | undefined {
    let unknown = false;
    for (const f of use.automount) {
        if (f.value === false || f.value === "false") {
            return false;
        }
        unknown ||= isUnknownValue(f.value);
    }
    return unknown ? undefined : true;
}

// ---------------------------------------------------------------------------------------------
// Spark conf host paths
// ---------------------------------------------------------------------------------------------

export interface SparkHostPath {
    readonly role: "driver" | "executor";
    readonly volume: string;
    /** The host path (`...options.path`), when set. */
    readonly hostPath?: string;
    /** The sparkConf keys that declare it: `spark.kubernetes.<role>.volumes.hostPath.<name>.*`. */
    readonly key: string;
}

const HOST_PATH_CONF = /^spark\.kubernetes\.(driver|executor)\.volumes\.hostPath\.([^.]+)\.(.+)$/;

/**
 * hostPath volumes a Spark workload mounts through sparkConf (spark.kubernetes.{driver,executor}
 * .volumes.hostPath.<name>.{mount.path,options.path,…}, Spark's running-on-kubernetes "Using Kubernetes
 * Volumes"), one per (role, volume). `unknown` holds the sparkConf field when it is a preview-unknown.
 */
export function sparkConfHostPaths(type: string, props: unknown): { paths: SparkHostPath[]; unknown?: Field } {
    const kind = workloadKind(type);
    if (!kind || (!isSparkKind(kind))) {
        return { paths: [] };
    }
    const conf = fieldAt(props, [...sparkBase(kind), "sparkConf"]);
    if (isUnknownValue(conf.value)) {
        return { paths: [], unknown: conf };
    }
    if (!isRecord(conf.value)) {
        return { paths: [] };
    }
    const byVolume = new Map<string, { role: "driver" | "executor"; volume: string; hostPath?: string; key: string }>();
    for (const [key, value] of Object.entries(conf.value)) {
        const m = HOST_PATH_CONF.exec(key);
        if (!m) {
            continue;
        }
        const id = `${m[1]}/${m[2]}`;
        const entry = byVolume.get(id) ?? byVolume.set(id, { role: m[1] as "driver" | "executor", volume: m[2], key: `spark.kubernetes.${m[1]}.volumes.hostPath.${m[2]}.*` }).get(id)!;
        if (m[3] === "options.path" && typeof value === "string" && !isUnknownValue(value)) {
            entry.hostPath = value;
        }
    }
    return { paths: [...byVolume.values()] };
}
