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
 * readers use `peek` (policies/lib/known.ts), so one preview-unknown tag never aborts a stack policy.
 * An unknown vote (unknown defaultTags, tags, labels or environment tag value) is counted as such: when
 * the unknown votes could change a tier's outcome the environment is undetermined (undefined, and the
 * first unknown is noted in the caller's UnknownTracker) — detection never falls through to a lower
 * tier because a higher one was unknown.
 *
 * Pack-private to the isolation pack. Exported API (stable):
 *   ENVIRONMENT_TAG_KEYS, DEFAULT_PROD_ENVIRONMENTS, EnvironmentSource, DetectedEnvironment,
 *   environmentFromTags(tags), resourceEnvironment(config, props, providerProps?),
 *   stackEnvironment(config, resources, tracker?), isProdEnvironment(env, prodEnvironments?)
 */
import { LABELS } from "../../../lib/platform";
import { isUnknownValue, peek, peekPath, type UnknownTracker } from "../../lib/known";
import { isRecord, parseJsonish } from "../../lib/props";
import { asTagMap, providerDefaultTags, resourceTags, type TagMap } from "../../lib/tags";

/** Tag/label keys that name the environment, in order of preference. */
export const ENVIRONMENT_TAG_KEYS: readonly string[] = ["environment", "Environment", "env", LABELS.environment];
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

/** Where an unknown vote came from (obj being the proxied props), for UnknownTracker.note. */
interface UnknownAt {
    readonly obj: unknown;
    readonly path: readonly (string | number)[];
}

/** A tier's votes. `null` votes are unknown: they may name any environment, or none. */
class Votes {
    private readonly counts = new Map<string, number>();
    private unknowns = 0;
    firstUnknown: UnknownAt | undefined;
    add(v: string | undefined | null, at?: UnknownAt): void {
        if (v === null) {
            this.unknowns++;
            this.firstUnknown = this.firstUnknown ?? at;
        } else if (v) {
            this.counts.set(v, (this.counts.get(v) ?? 0) + 1);
        }
    }
    /** The most common value (ties: first seen); null when the unknown votes could change it; undefined when no votes. */
    winner(): string | undefined | null {
        let best: string | undefined;
        let n = 0;
        let second = 0;
        for (const [k, c] of this.counts) {
            if (c > n) {
                second = n;
                best = k;
                n = c;
            } else if (c > second) {
                second = c;
            }
        }
        if (this.unknowns > 0 && n - second <= this.unknowns) {
            return null;
        }
        return best;
    }
}

/** The environment of a raw tag map, null when an unknown (the map, or a preferred key's value) may decide it. */
function rawTagsEnvironment(raw: unknown): string | undefined | null {
    if (isUnknownValue(raw)) {
        return null;
    }
    const tags = asTagMap(raw);
    for (const k of ENVIRONMENT_TAG_KEYS) {
        const v = tags[k];
        if (isUnknownValue(v)) {
            return null;
        }
        if (typeof v === "string" && v.trim() !== "") {
            return v.trim().toLowerCase();
        }
    }
    return undefined;
}

/** True when the raw tag map sets the most preferred environment key (nothing can override it). */
function isPreferredKeySet(raw: unknown): boolean {
    const v = asTagMap(raw)[ENVIRONMENT_TAG_KEYS[0]];
    return typeof v === "string" && v.trim() !== "" && !isUnknownValue(v);
}

function peekedDefaultTagsEnv(providerProps: unknown): string | undefined | null {
    const raw = peek(providerProps, "defaultTags");
    if (isUnknownValue(raw)) {
        return null;
    }
    const dt = parseJsonish(raw);
    const blocks = Array.isArray(dt) ? dt : [dt];
    if (blocks.some((b) => isUnknownValue(b) || (isRecord(b) && isUnknownValue(b.tags)))) {
        return null;
    }
    return rawTagsEnvironment(providerDefaultTags({ defaultTags: raw }));
}

/**
 * The stack's environment (for stack policies), in one linear pass: policy config, else the
 * majority of AWS providers' default tags (provider resources in the list and the providers of
 * resources), else the majority of resource tags / `moka.dev/environment` labels. Never throws on
 * unknown values: when unknown votes could change the outcome of the first tier that has votes, the
 * environment is undetermined (undefined) and the first such unknown is noted in `tracker`.
 */
export function stackEnvironment(config: unknown, resources: readonly EnvironmentResource[], tracker?: UnknownTracker): DetectedEnvironment | undefined {
    const fromConfig = configEnvironment(config);
    if (fromConfig) {
        return { environment: fromConfig, source: "policy config" };
    }
    const providers = new Votes();
    const tags = new Votes();
    for (const r of resources) {
        if (r.type === AWS_PROVIDER_TYPE) {
            providers.add(peekedDefaultTagsEnv(r.props), { obj: r.props, path: ["defaultTags"] });
        }
        if (r.provider && r.provider.type === AWS_PROVIDER_TYPE) {
            providers.add(peekedDefaultTagsEnv(r.provider.props), { obj: r.provider.props, path: ["defaultTags"] });
        }
        // Tags override labels of the same key; preferred keys first (as environmentFromTags).
        const own = rawTagsEnvironment(peek(r.props, "tags"));
        const labels = rawTagsEnvironment(peekPath(r.props, "metadata", "labels"));
        if (own === null || (own === undefined && labels === null)) {
            tags.add(null, own === null ? { obj: r.props, path: ["tags"] } : { obj: r.props, path: ["metadata", "labels"] });
        } else if (labels === null && !isPreferredKeySet(peek(r.props, "tags"))) {
            // Known own tag, unknown labels: a label under a more preferred key could win.
            tags.add(null, { obj: r.props, path: ["metadata", "labels"] });
        } else {
            tags.add(environmentFromTags({ ...asTagMap(peekPath(r.props, "metadata", "labels")), ...asTagMap(peek(r.props, "tags")) }));
        }
    }
    for (const [votes, source] of [[providers, "provider defaultTags"], [tags, "resource tags"]] as const) {
        const w = votes.winner();
        if (w === null) {
            if (tracker && votes.firstUnknown) {
                tracker.note(votes.firstUnknown.obj, ...votes.firstUnknown.path);
            }
            return undefined;
        }
        if (w) {
            return { environment: w, source };
        }
    }
    return undefined;
}

/** True when the environment is one of the production names (case-insensitive). */
export function isProdEnvironment(env: string | undefined, prodEnvironments: readonly string[] = DEFAULT_PROD_ENVIRONMENTS): boolean {
    return env !== undefined && prodEnvironments.some((p) => p.toLowerCase() === env.toLowerCase());
}
