/**
 * Kubernetes resource quantities ("1000m", "4Gi", "1e3", 64) as numbers, for NodePool limits, the
 * cost model (policies/lib/pricing re-exports it) and the system-node capacity model (lib/capacity):
 * decimal SI suffixes (n u m k M G T P E), binary ones (Ki … Ei) and decimal exponents.
 *
 * Exported API: parseQuantity(v), parseCpuQuantity(v), parseMemoryGi(v), parseCpuMillis(v), parseMemoryMi(v)
 */

const QUANTITY_RE = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$/;
const SUFFIX: Readonly<Record<string, number>> = {
    n: 1e-9, u: 1e-6, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
    Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/**
 * A Kubernetes resource quantity in base units ("1000m" → 1, "4Gi" → 4294967296, "1e3" → 1000,
 * 64 → 64). Undefined for anything that is not a quantity (including negative or non-finite numbers).
 */
export function parseQuantity(v: unknown): number | undefined {
    if (typeof v === "number") {
        return Number.isFinite(v) && v >= 0 ? v : undefined;
    }
    if (typeof v !== "string") {
        return undefined;
    }
    const m = QUANTITY_RE.exec(v.trim());
    if (!m) {
        return undefined;
    }
    const base = Number(m[1]);
    const value = m[2] !== undefined ? base * 10 ** Number(m[2].slice(1)) : base * (m[3] ? SUFFIX[m[3]] : 1);
    return Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** CPU quantity in cores/vCPUs: "1000" → 1000, "1000m" → 1, 64 → 64. */
export function parseCpuQuantity(v: unknown): number | undefined {
    return parseQuantity(v);
}

/** Memory quantity in GiB: "4000Gi" → 4000, "1Ti" → 1024, "64G" → 59.6… */
export function parseMemoryGi(v: unknown): number | undefined {
    const bytes = parseQuantity(v);
    return bytes === undefined ? undefined : bytes / 2 ** 30;
}

/** CPU quantity in millicores: "250m" → 250, "1" → 1000, 2 → 2000. */
export function parseCpuMillis(v: unknown): number | undefined {
    const cores = parseQuantity(v);
    return cores === undefined ? undefined : Math.round(cores * 1000);
}

/** Memory quantity in MiB: "512Mi" → 512, "1Gi" → 1024, "1G" → 953.67… */
export function parseMemoryMi(v: unknown): number | undefined {
    const bytes = parseQuantity(v);
    return bytes === undefined ? undefined : bytes / 2 ** 20;
}
