/**
 * Pure EC2 instance-family classification shared by config validation, the Karpenter component and the
 * cost policies. Families are the part of an instance type before the dot ("m7g" in "m7g.2xlarge").
 */

/** Families are lower-case letters, a generation number, then attribute letters (m7g, c7gn, r6id, x2gd, im4gn). */
const FAMILY_RE = /^([a-z]+)(\d+)([a-z-]*)$/;

export interface FamilyInfo {
    /** Series letters, e.g. "m", "c", "r", "im", "inf". */
    readonly series: string;
    /** Generation number, e.g. 7. */
    readonly generation: number;
    /** Attribute letters, e.g. "gd" (Graviton + local NVMe). */
    readonly attributes: string;
}

export function parseFamily(family: unknown): FamilyInfo | undefined {
    if (typeof family !== "string") {
        return undefined;
    }
    const m = FAMILY_RE.exec(family.trim().toLowerCase());
    if (!m) {
        return undefined;
    }
    return { series: m[1], generation: Number(m[2]), attributes: m[3] };
}

/** The family of an instance type ("m7g.large" → "m7g"); a bare family is returned as is. */
export function familyOf(instanceType: string): string {
    return instanceType.trim().toLowerCase().split(".")[0];
}

/**
 * Graviton (arm64) families carry a "g" as the first attribute letter after the generation:
 * m7g, c7gn, r8g, x2gd, im4gn, is4gen, t4g, g5g. Everything else that parses is x86_64 (amd64).
 */
export function isGravitonFamily(family: string): boolean {
    const info = parseFamily(family);
    return info !== undefined && info.attributes.startsWith("g");
}

export type Arch = "arm64" | "amd64";

export function archOfFamily(family: string): Arch | undefined {
    if (!parseFamily(family)) {
        return undefined;
    }
    return isGravitonFamily(family) ? "arm64" : "amd64";
}

/**
 * Series that carry GPUs or ML accelerators (p, g, gr, inf, trn, dl, f, vt): also the instance categories
 * (`karpenter.k8s.aws/instance-category` values) of the accelerated families, as Karpenter labels them.
 */
export const ACCELERATED_CATEGORIES: readonly string[] = ["p", "g", "gr", "inf", "trn", "dl", "f", "vt"];
const ACCELERATED_SERIES = new Set(ACCELERATED_CATEGORIES);

export function isAcceleratedFamily(family: string): boolean {
    const info = parseFamily(family);
    return info !== undefined && ACCELERATED_SERIES.has(info.series);
}

/** Oldest generation we call "current" per architecture: Graviton2 (6g) and 6th-gen Intel/AMD. */
export const CURRENT_GENERATION_MIN = 6;

export function isCurrentGeneration(family: string): boolean {
    const info = parseFamily(family);
    return info !== undefined && info.generation >= CURRENT_GENERATION_MIN;
}
