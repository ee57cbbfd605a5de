/**
 * Karpenter NodePool requirements as the cost model and the cost pack read them: the
 * `spec.template.spec.requirements` list normalised, the combined constraint on one key, and how a
 * pool is exposed to accelerated (GPU/ML) instances. Operators are Kubernetes' node-selector ones
 * (In, NotIn, Exists, DoesNotExist, Gt, Lt); keys are Karpenter's well-known labels (KARPENTER_KEYS).
 *
 * Exported API: KARPENTER_KEYS, NodePoolRequirement, nodePoolRequirements(props), KeyConstraint,
 *   keyConstraint(reqs, key), AcceleratedExposure, acceleratedExposure(reqs)
 */
import { ACCELERATED_CATEGORIES, familyOf, isAcceleratedFamily } from "../../../lib/instance-families";
import { asArray, asString, get, isRecord } from "../props";

/** Requirement keys Karpenter (AWS) schedules on that matter for cost. */
export const KARPENTER_KEYS = {
    arch: "kubernetes.io/arch",
    capacityType: "karpenter.sh/capacity-type",
    instanceFamily: "karpenter.k8s.aws/instance-family",
    instanceCategory: "karpenter.k8s.aws/instance-category",
    instanceType: "node.kubernetes.io/instance-type",
    instanceTypeBeta: "beta.kubernetes.io/instance-type",
    gpuCount: "karpenter.k8s.aws/instance-gpu-count",
    gpuName: "karpenter.k8s.aws/instance-gpu-name",
    gpuManufacturer: "karpenter.k8s.aws/instance-gpu-manufacturer",
    acceleratorCount: "karpenter.k8s.aws/instance-accelerator-count",
    acceleratorName: "karpenter.k8s.aws/instance-accelerator-name",
    acceleratorManufacturer: "karpenter.k8s.aws/instance-accelerator-manufacturer",
} as const;

/** One `spec.template.spec.requirements` entry, normalised (values always an array of strings). */
export interface NodePoolRequirement {
    readonly key: string;
    readonly operator: string;
    readonly values: readonly string[];
}

/**
 * The requirements of a NodePool (karpenter.sh v1 and v1beta1 both keep them at
 * `spec.template.spec.requirements`). Entries without a string key/operator are skipped; a single
 * value where an array belongs is accepted.
 */
export function nodePoolRequirements(props: unknown): NodePoolRequirement[] {
    const out: NodePoolRequirement[] = [];
    for (const r of asArray(get(props, "spec", "template", "spec", "requirements"))) {
        if (!isRecord(r)) {
            continue;
        }
        const key = asString(r.key);
        const operator = asString(r.operator);
        if (key === undefined || operator === undefined) {
            continue;
        }
        const values = asArray(r.values).map((v) => (typeof v === "number" ? String(v) : v)).filter((v): v is string => typeof v === "string");
        out.push({ key: key.trim(), operator: operator.trim(), values: values.map((v) => v.trim()) });
    }
    return out;
}

/** What the requirements on one key allow (requirements on the same key are ANDed). */
export interface KeyConstraint {
    /** Allowed values (intersection of every `In`), when any `In` was given. */
    readonly in?: ReadonlySet<string>;
    /** Excluded values (union of every `NotIn`). */
    readonly notIn: ReadonlySet<string>;
    readonly exists: boolean;
    readonly doesNotExist: boolean;
    /** Strictest `Gt` bound. */
    readonly gt?: number;
    /** Strictest `Lt` bound. */
    readonly lt?: number;
}

/** The combined constraint on one key, or undefined when no requirement names it. */
export function keyConstraint(reqs: readonly NodePoolRequirement[], key: string): KeyConstraint | undefined {
    let inSet: Set<string> | undefined;
    const notIn = new Set<string>();
    let exists = false;
    let doesNotExist = false;
    let gt: number | undefined;
    let lt: number | undefined;
    let seen = false;
    for (const r of reqs) {
        if (r.key !== key) {
            continue;
        }
        seen = true;
        switch (r.operator) {
            case "In": {
                const vals = new Set(r.values.map((v) => v.toLowerCase()));
                inSet = inSet === undefined ? vals : new Set([...inSet].filter((v) => vals.has(v)));
                break;
            }
            case "NotIn":
                r.values.forEach((v) => notIn.add(v.toLowerCase()));
                break;
            case "Exists":
                exists = true;
                break;
            case "DoesNotExist":
                doesNotExist = true;
                break;
            case "Gt": {
                const n = Number(r.values[0]);
                if (Number.isFinite(n)) {
                    gt = gt === undefined ? n : Math.max(gt, n);
                }
                break;
            }
            case "Lt": {
                const n = Number(r.values[0]);
                if (Number.isFinite(n)) {
                    lt = lt === undefined ? n : Math.min(lt, n);
                }
                break;
            }
            default:
                break;
        }
    }
    if (!seen) {
        return undefined;
    }
    const allowed = inSet === undefined ? undefined : new Set([...inSet].filter((v) => !notIn.has(v)));
    return { in: allowed, notIn, exists, doesNotExist, gt, lt };
}

/** Instance categories (the series letters) of the accelerated families: lib/instance-families.ts. */
/** Excluding these categories (or all GPUs via instance-gpu-count) counts as "excludes GPUs". */
const GPU_CATEGORIES = ["g", "p"];

/** How a NodePool's requirements expose it to accelerated (GPU/ML) instances. */
export interface AcceleratedExposure {
    /** Accelerated families, categories, instance types or accelerator requirements the pool names explicitly. */
    readonly explicit: readonly string[];
    /** True when nothing restricts the pool to non-accelerated families and GPUs are not excluded. */
    readonly unrestricted: boolean;
}

function hasPositiveCount(c: KeyConstraint | undefined): boolean {
    if (!c) {
        return false;
    }
    if (c.in !== undefined) {
        return [...c.in].some((v) => Number(v) > 0);
    }
    return c.exists || (c.gt !== undefined && c.gt >= 0);
}

function excludesCount(c: KeyConstraint | undefined): boolean {
    if (!c) {
        return false;
    }
    if (c.doesNotExist) {
        return true;
    }
    if (c.in !== undefined) {
        return [...c.in].every((v) => Number(v) === 0);
    }
    return c.lt !== undefined && c.lt <= 1;
}

/**
 * Which accelerated instances a NodePool allows. `explicit` lists what the requirements name
 * (families such as g5, categories such as p, types such as p5.48xlarge, or instance-gpu-count /
 * accelerator-count > 0 / Exists, or gpu/accelerator name/manufacturer requirements). `unrestricted`
 * is true when no `In` on family, category or instance type pins the pool to other families and
 * GPUs are not excluded (instance-gpu-count DoesNotExist / In ["0"] / Lt "1", or category NotIn
 * covering g and p).
 */
export function acceleratedExposure(reqs: readonly NodePoolRequirement[]): AcceleratedExposure {
    const explicit: string[] = [];
    const family = keyConstraint(reqs, KARPENTER_KEYS.instanceFamily);
    const category = keyConstraint(reqs, KARPENTER_KEYS.instanceCategory);
    const types = [keyConstraint(reqs, KARPENTER_KEYS.instanceType), keyConstraint(reqs, KARPENTER_KEYS.instanceTypeBeta)];
    for (const f of family?.in ?? []) {
        if (isAcceleratedFamily(f)) {
            explicit.push(`instance-family ${f}`);
        }
    }
    for (const c of category?.in ?? []) {
        if (ACCELERATED_CATEGORIES.includes(c)) {
            explicit.push(`instance-category ${c}`);
        }
    }
    for (const t of types) {
        for (const it of t?.in ?? []) {
            if (isAcceleratedFamily(familyOf(it))) {
                explicit.push(`instance-type ${it}`);
            }
        }
    }
    for (const key of [KARPENTER_KEYS.gpuCount, KARPENTER_KEYS.acceleratorCount]) {
        if (hasPositiveCount(keyConstraint(reqs, key))) {
            explicit.push(`${key.split("/")[1]} > 0`);
        }
    }
    for (const key of [KARPENTER_KEYS.gpuName, KARPENTER_KEYS.gpuManufacturer, KARPENTER_KEYS.acceleratorName, KARPENTER_KEYS.acceleratorManufacturer]) {
        const c = keyConstraint(reqs, key);
        if (c && (c.exists || (c.in !== undefined && c.in.size > 0))) {
            explicit.push(`${key.split("/")[1]} ${c.in ? [...c.in].join(",") : "Exists"}`);
        }
    }
    const pinned = family?.in !== undefined || category?.in !== undefined || types.some((t) => t?.in !== undefined);
    const gpusExcluded = excludesCount(keyConstraint(reqs, KARPENTER_KEYS.gpuCount))
        || (category !== undefined && GPU_CATEGORIES.every((c) => category.notIn.has(c)));
    return { explicit, unrestricted: !pinned && !gpusExcluded };
}
