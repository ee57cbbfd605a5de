/**
 * Which environment (prod, staging, dev, test…) a stack or a resource belongs to, for the policies
 * that treat prod and non-prod differently, plus the tag readers they need.
 *
 * Detection order (first hit wins):
 *   1. the policy's own config key `environment` (set per stack in policies/config/<stack>/<pack>.json);
 *   2. the AWS provider's `defaultTags.tags.environment` — the program tags every AWS resource through
 *      the provider. The engine hands provider inputs to analyzers as JSON strings
 *      (`"{\"tags\":{\"environment\":\"prod\"}}"`); programs and tests may pass an object: both work;
 *   3. resource tags (`tags.environment`) or, on Kubernetes objects, the `moka.dev/environment` label.
 * Stack-wide detection takes the most common value at step 2, then at step 3 (ties: first seen).
 * Tag maps are read with policies/lib/tags.ts (object, JSON string or {key,value} list). Stack-level
 * readers use `peek` (policies/lib/known.ts), so one preview-unknown tag never aborts a stack policy;
 * unknown values are simply skipped here.
 *
 * Exported API (stable; reusable by every pack):
 *   ENVIRONMENT_TAG_KEYS, DEFAULT_PROD_ENVIRONMENTS, EnvironmentSource, DetectedEnvironment,
 *   environmentFromTags(tags), resourceEnvironment(config, props, providerProps?),
 *   stackEnvironment(config, resources), isProdEnvironment(env, prodEnvironments?)
 */
import { isUnknownValue, peek, peekPath } from "./known";
import { isRecord } from "./props";
import { asTagMap, providerDefaultTags, resourceTags, type TagMap } from "./tags";

/** Tag/label keys that name the environment, in order of preference. */
export const ENVIRONMENT_TAG_KEYS: readonly string[] = ["environment", "Environment", "env", "moka.dev/environment"];
/** Environment names that count as production. */
export const DEFAULT_PROD_ENVIRONMENTS: readonly string[] = ["prod", "production"];

const AWS_PROVIDER_TYPE = "pulumi:providers:aws";

export type EnvironmentSource = "policy config" | "provider defaultTags" | "resource tags";

export interface DetectedEnvironment {
    /** Lower-cased environment name. */
    readonly environment: string;
    readonly source: EnvironmentSource;
}

/** The environment named by a tag/label map, lower-cased; undefined when none of ENVIRONMENT_TAG_KEYS is set. */
export function environmentFromTags(tags: Readonly<TagMap>): string | undefined {
    for (const k of ENVIRONMENT_TAG_KEYS) {
        const v = tags[k];
        if (typeof v === "string" && v.trim() !== "" && !isUnknownValue(v)) {
            return v.trim().toLowerCase();
        }
    }
    return undefined;
}

function configEnvironment(config: unknown): string | undefined {
    const v = isRecord(config) ? config.environment : undefined;
    return typeof v === "string" && v.trim() !== "" ? v.trim().toLowerCase() : undefined;
}

function labelsOf(props: unknown): TagMap {
    const meta = isRecord(props) ? props.metadata : undefined;
    return isRecord(meta) ? asTagMap(meta.labels) : {};
}

/**
 * One resource's environment (for resource policies): policy config, else its provider's default
 * tags, else its own tags/labels. Reads go through the policy proxy, so an unknown tag value raises
 * the usual "can't run during preview" advisory.
 */
export function resourceEnvironment(config: unknown, props: unknown, providerProps?: unknown): DetectedEnvironment | undefined {
    const fromConfig = configEnvironment(config);
    if (fromConfig) {
        return { environment: fromConfig, source: "policy config" };
    }
    if (providerProps !== undefined) {
        const fromProvider = environmentFromTags(providerDefaultTags(providerProps));
        if (fromProvider) {
            return { environment: fromProvider, source: "provider defaultTags" };
        }
    }
    const own = environmentFromTags({ ...labelsOf(props), ...resourceTags(props) });
    return own ? { environment: own, source: "resource tags" } : undefined;
}

/** A resource as stack policies see it (only the fields detection reads). */
export interface EnvironmentResource {
    readonly type: string;
    readonly props: unknown;
    readonly provider?: { readonly type: string; readonly props: unknown };
}

class Votes {
    private readonly counts = new Map<string, number>();
    add(v: string | undefined): void {
        if (v) {
            this.counts.set(v, (this.counts.get(v) ?? 0) + 1);
        }
    }
    winner(): string | undefined {
        let best: string | undefined;
        let n = 0;
        for (const [k, c] of this.counts) {
            if (c > n) {
                best = k;
                n = c;
            }
        }
        return best;
    }
}

function peekedDefaultTagsEnv(providerProps: unknown): string | undefined {
    const raw = peek(providerProps, "defaultTags");
    return isUnknownValue(raw) ? undefined : environmentFromTags(providerDefaultTags({ defaultTags: raw }));
}

/**
 * The stack's environment (for stack policies), in one linear pass: policy config, else the
 * majority of AWS providers' default tags (provider resources in the list and the providers of
 * resources), else the majority of resource tags / `moka.dev/environment` labels. Never throws on
 * unknown values.
 */
export function stackEnvironment(config: unknown, resources: readonly EnvironmentResource[]): DetectedEnvironment | undefined {
    const fromConfig = configEnvironment(config);
    if (fromConfig) {
        return { environment: fromConfig, source: "policy config" };
    }
    const providers = new Votes();
    const tags = new Votes();
    for (const r of resources) {
        if (r.type === AWS_PROVIDER_TYPE) {
            providers.add(peekedDefaultTagsEnv(r.props));
        }
        if (r.provider && r.provider.type === AWS_PROVIDER_TYPE) {
            providers.add(peekedDefaultTagsEnv(r.provider.props));
        }
        const own = peek(r.props, "tags");
        const labels = peekPath(r.props, "metadata", "labels");
        tags.add(environmentFromTags({
            ...(isUnknownValue(labels) ? {} : asTagMap(labels)),
            ...(isUnknownValue(own) ? {} : asTagMap(own)),
        }));
    }
    const p = providers.winner();
    if (p) {
        return { environment: p, source: "provider defaultTags" };
    }
    const t = tags.winner();
    return t ? { environment: t, source: "resource tags" } : undefined;
}

/** True when the environment is one of the production names (case-insensitive). */
export function isProdEnvironment(env: string | undefined, prodEnvironments: readonly string[] = DEFAULT_PROD_ENVIRONMENTS): boolean {
    return env !== undefined && prodEnvironments.some((p) => p.toLowerCase() === env.toLowerCase());
}
