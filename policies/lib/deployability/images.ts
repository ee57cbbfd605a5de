/**
 * Where every image the stack runs comes from, from the resources alone:
 *
 *  - "built": a build in the stack pushes it — a `docker-build:index:Image` (or pulumi-docker
 *    `docker:index/image:Image`) whose tags name the same repository — and the reference is provably that
 *    push: the workload's image property depends on the build (the `ref` output is unknown until the push,
 *    so at preview the dependency is the link) and names a tag or digest the build pushes, or, with no
 *    dependency, it is pinned to the digest the build already pushed (a known output);
 *  - "unordered": the tag the build pushes, but no dependency on the build — on a first `pulumi up` the
 *    rollout races the push (the pods pull before the image exists);
 *  - "pull-through": an `aws:ecr/pullThroughCacheRule:PullThroughCacheRule` whose ECR repository prefix
 *    starts the image's repository serves it (ECR creates the cache repository on the first pull);
 *  - "missing": it points into an ECR repository this stack creates and nothing above fills it, or into a
 *    built repository by a tag or digest the build does not push — the pods would sit in ImagePullBackOff
 *    and the Deployment wait would time out;
 *  - "external": any other registry (public registries, other accounts' ECR), which serves it already;
 *  - "unknown": the reference or its producer is unknown at preview.
 *
 * Images are read from workloads (Pods, Deployments, DaemonSets…, SparkApplications: policies/lib/pod-spec.ts)
 * and from Helm releases: for a chart in lib/capacity/charts.ts its image values (or the chart default),
 * for any other chart every `image` value in its values.
 */
import { CHARTS, chartName, type ValuesPath } from "../../../lib/capacity/charts";
import { ecrRegistryOf, parseImageRef, type ImageRef } from "../image-ref";
import { imageUses } from "../pod-spec";
import { isUnknownValue } from "../known";
import { asArray, asBool, asString, isRecord, parseJsonish } from "../props";
import { at, hasUnknown, intersects, known, refKeys, selfKeys, type ResView, type UnknownAt } from "./view";

export const HELM_RELEASE = "kubernetes:helm.sh/v3:Release";
const ECR_REPOSITORY = "aws:ecr/repository:Repository";
const PULL_THROUGH = "aws:ecr/pullThroughCacheRule:PullThroughCacheRule";
const BUILD_TYPES = new Set(["docker-build:index:Image", "docker:index/image:Image"]);

export type ImageSource = "built" | "pull-through" | "external" | "missing" | "unordered" | "unknown";

export interface ImageUse {
    readonly urn: string;
    /** "Deployment history-growth" or `Helm release "karpenter"`. */
    readonly owner: string;
    readonly container: string;
    /** The reference, when known. */
    readonly image?: string;
    readonly source: ImageSource;
    /** The build or pull-through rule that serves it, the stack repository that lacks one, or the registry. */
    readonly detail: string;
    readonly unknowns: readonly UnknownAt[];
}

interface Producer {
    readonly r: ResView;
    readonly repos: Set<string>;
    /** The known tags it pushes, as parsed references. */
    readonly refs: ImageRef[];
    readonly reposUnknown: boolean;
    readonly pushes: boolean | undefined;
}

/** `registry/repository` of a reference, without tag or digest. */
const repoOf = (ref: ImageRef) => `${ref.registry}/${ref.repository}`;

function producers(views: readonly ResView[]): Producer[] {
    return views.filter((r) => BUILD_TYPES.has(r.type)).map((r) => {
        const tags = r.type === "docker:index/image:Image" ? [r.props.imageName] : asArray(r.props.tags);
        const refs = tags.map((t) => parseImageRef(known(t))).filter((x): x is ImageRef => x !== undefined);
        const push = r.type === "docker:index/image:Image" ? asBool(at(r.props, "skipPush")) === true ? false : true : asBool(r.props.push);
        return { r, repos: new Set(refs.map(repoOf)), refs, reposUnknown: hasUnknown(r.props.tags) || hasUnknown(r.props.imageName), pushes: isUnknownValue(r.props.push) ? undefined : push };
    });
}

/** Images a Helm release runs: a known chart's image values (or its default), else every `image` value. */
function releaseImages(r: ResView): { container: string; value: unknown; path: (string | number)[] }[] {
    const values = r.props.values;
    const chart = chartName(known(r.props.chart) ?? "");
    const spec = CHARTS[chart];
    const read = (p: ValuesPath | undefined) => (p ? at(values, ...p) : undefined);
    if (spec) {
        return spec.pods.flatMap((pod) => pod.images.map((img, i) => {
            const parts = [read(img.registry), read(img.repository), read(img.tag), read(img.digest)];
            if (parts.some(isUnknownValue)) {
                return { container: `${pod.name} image ${i + 1}`, value: parts.find(isUnknownValue), path: ["values", ...img.repository] };
            }
            const [registry, repository, tag, digest] = parts.map(known);
            const value = repository === undefined ? img.default
                : `${registry ? `${registry}/` : ""}${repository}${tag ? `:${tag}` : ""}${digest ? `@${digest}` : ""}`;
            return { container: `${pod.name}${pod.images.length > 1 ? ` (${img.repository.join(".")})` : ""}`, value, path: ["values", ...img.repository] };
        })).filter((x) => x.value !== "");
    }
    const out: { container: string; value: unknown; path: (string | number)[] }[] = [];
    const walk = (v: unknown, path: (string | number)[], depth: number) => {
        if (depth > 12 || (!isRecord(v) && !Array.isArray(v))) {
            return;
        }
        for (const [k, child] of Object.entries(v)) {
            const p = [...path, Array.isArray(v) ? Number(k) : k];
            if (k === "image" && (typeof child === "string" || isRecord(child))) {
                const value = typeof child === "string" ? child : isRecord(child) && asString(child.repository) !== undefined
                    ? `${known(child.registry) ? `${known(child.registry)}/` : ""}${child.repository}${known(child.tag) ? `:${known(child.tag)}` : ""}${known(child.digest) ? `@${known(child.digest)}` : ""}`
                    : undefined;
                if (value !== undefined) {
                    out.push({ container: p.slice(1).join("."), value: hasUnknown(child) ? [...Object.values(isRecord(child) ? child : {})].find(isUnknownValue) ?? child : value, path: p });
                    continue;
                }
            }
            walk(child, p, depth + 1);
        }
    };
    walk(values, ["values"], 0);
    return out;
}

/** Every image use in the stack, with where it comes from. */
/**
 * The registry host of a stack repository: from its URL, else `<account>.dkr.ecr.<region>.amazonaws.com`
 * from its registry id or ARN and its AWS provider (allowedAccountIds, region). "unknown" when a value it
 * needs is unknown at preview; undefined when nothing says (then the name alone decides).
 */
function repoHost(r: ResView): string | "unknown" | undefined {
    const url = r.props.repositoryUrl;
    if (isUnknownValue(url)) {
        return "unknown";
    }
    if (known(url)) {
        return known(url)!.split("/")[0].toLowerCase();
    }
    const arn = /^arn:aws[a-z-]*:ecr:([a-z0-9-]+):(\d{12}):/.exec(known(r.props.arn) ?? "");
    const ids = parseJsonish(r.provider?.props.allowedAccountIds);
    const region = arn?.[1] ?? known(r.provider?.props.region);
    const account = arn?.[2] ?? known(r.props.registryId) ?? (Array.isArray(ids) && ids.length === 1 ? known(ids[0]) : undefined);
    if ([r.props.arn, r.props.registryId, r.provider?.props.region, r.provider?.props.allowedAccountIds].some(hasUnknown) && (account === undefined || region === undefined)) {
        return "unknown";
    }
    return account !== undefined && region !== undefined ? `${account}.dkr.ecr.${region}.amazonaws.com${region.startsWith("cn-") ? ".cn" : ""}` : undefined;
}

/**
 * A reference into a repository that a build of the stack pushes to: is it provably what the build pushes?
 * A registry pulls `tag@digest` by the digest. The dependency orders the rollout after the push; a literal
 * digest equal to the build's known `digest` output names bytes already pushed.
 */
function fromBuild(ref: ImageRef, pushing: readonly Producer[], depsOn: ReadonlySet<string>): Pick<ImageUse, "source" | "detail" | "unknowns"> {
    const label = (b: Producer) => `build "${b.r.name}"`;
    const ordered = pushing.find((b) => intersects(depsOn, selfKeys(b.r)));
    const b = ordered ?? pushing[0];
    const builtDetail = `${b.r.type.split(":").pop()} "${b.r.name}"${ref.digest ? ` @ ${ref.digest.slice(0, 19)}…` : ""}`;
    if (ref.digest) {
        const digestRaw = b.r.props.digest;
        const digest = known(digestRaw);
        if (digest !== undefined && digest !== ref.digest) {
            return { source: "missing", detail: `ECR repository "${ref.repository}" pinned to ${ref.digest}, not the digest ${label(b)} pushed (${digest})`, unknowns: [] };
        }
        if (digest !== undefined || ordered) {
            // Equal to the pushed digest, or (digest not in view) taken from the build it depends on.
            return { source: "built", detail: builtDetail, unknowns: [] };
        }
        if (isUnknownValue(digestRaw)) {
            return { source: "unknown", detail: `${ref.repository}: ${label(b)}'s digest is unknown until it pushes`, unknowns: [{ urn: b.r.urn, path: ["digest"] }] };
        }
        return { source: "missing", detail: `ECR repository "${ref.repository}" pinned to ${ref.digest}, with no dependency on ${label(b)}, whose digest is not known here`, unknowns: [] };
    }
    const tag = ref.tag ?? "latest";
    const pushed = pushing.flatMap((p) => p.refs.filter((r) => repoOf(r) === repoOf(ref)).map((r) => r.tag ?? "latest"));
    if (!pushed.includes(tag)) {
        const undecided = pushing.filter((p) => p.reposUnknown);
        if (undecided.length > 0) {
            return { source: "unknown", detail: `${ref.repository}: a build's tags are unknown until the preview resolves them`, unknowns: undecided.map((p) => ({ urn: p.r.urn, path: ["tags"] })) };
        }
        return { source: "missing", detail: `ECR repository "${ref.repository}" by tag ${tag}, which ${label(b)} does not push (it pushes ${[...new Set(pushed)].join(", ")})`, unknowns: [] };
    }
    if (ordered) {
        return { source: "built", detail: builtDetail, unknowns: [] };
    }
    return { source: "unordered", detail: `${label(b)}, which pushes it`, unknowns: [] };
}

export function imageSources(views: readonly ResView[]): ImageUse[] {
    const repos = views.filter((r) => r.type === ECR_REPOSITORY);
    const repoNames = new Map<string, { r: ResView; host: string | "unknown" | undefined }[]>();
    for (const r of repos) {
        const url = known(r.props.repositoryUrl);
        for (const n of [known(r.props.name), url ? url.slice(url.indexOf("/") + 1) : undefined]) {
            if (n) {
                repoNames.set(n, [...(repoNames.get(n) ?? []), { r, host: repoHost(r) }]);
            }
        }
    }
    const builds = producers(views);
    const rules = views.filter((r) => r.type === PULL_THROUGH).map((r) => ({ r, prefix: r.props.ecrRepositoryPrefix }));
    const out: ImageUse[] = [];

    const classify = (owner: ResView, label: string, container: string, value: unknown, depKey: string, path: (string | number)[]): ImageUse => {
        const base = { urn: owner.urn, owner: label, container };
        const depsOn = refKeys(owner, depKey, undefined);
        const depBuild = builds.find((b) => intersects(depsOn, selfKeys(b.r)) && b.pushes !== false);
        if (isUnknownValue(value) || (typeof value === "string" && hasUnknown(value))) {
            if (depBuild) {
                return { ...base, source: "built", detail: `${depBuild.r.type.split(":").pop()} "${depBuild.r.name}" (pushed digest, known after the push)`, unknowns: [] };
            }
            return { ...base, source: "unknown", detail: "the reference is unknown until the preview resolves it", unknowns: [{ urn: owner.urn, path }] };
        }
        const ref = parseImageRef(known(value));
        if (!ref) {
            return { ...base, source: "external", detail: "no image reference", unknowns: [] };
        }
        const image = ref.raw;
        const ecr = ecrRegistryOf(ref);
        if (!ecr) {
            return { ...base, image, source: "external", detail: ref.registry, unknowns: [] };
        }
        const pushing = builds.filter((b) => b.repos.has(repoOf(ref)) && b.pushes !== false);
        if (pushing.length > 0) {
            // Judged by the builds known to push here; one whose `push` or tags are unknown at preview may still decide it.
            const sure = pushing.filter((b) => b.pushes === true);
            const verdict = sure.length > 0 ? fromBuild(ref, sure, depsOn) : undefined;
            const maybe: UnknownAt[] = [
                ...pushing.filter((b) => b.pushes === undefined).map((b): UnknownAt => ({ urn: b.r.urn, path: ["push"] })),
                ...builds.filter((b) => b.reposUnknown && b.pushes !== false && !b.repos.has(repoOf(ref))).map((b): UnknownAt => ({ urn: b.r.urn, path: ["tags"] })),
            ];
            if (verdict && (verdict.source === "built" || maybe.length === 0)) {
                return { ...base, image, ...verdict };
            }
            return { ...base, image, source: "unknown", detail: `${ref.repository}: which build pushes what is unknown until the preview resolves it`, unknowns: maybe };
        }
        const rule = rules.find((x) => {
            const prefix = known(x.prefix);
            return prefix !== undefined && (prefix === "ROOT" || ref.repository === prefix || ref.repository.startsWith(`${prefix}/`));
        });
        if (rule) {
            return { ...base, image, source: "pull-through", detail: `pull-through cache rule "${rule.r.name}" (${known(rule.prefix)}/ → ${known(rule.r.props.upstreamRegistryUrl) ?? "upstream"})`, unknowns: [] };
        }
        const candidates = (repoNames.get(ref.repository) ?? []).filter((c) => c.host === undefined || c.host === "unknown" || c.host === ref.registry);
        const repo = candidates.find((c) => c.host !== "unknown")?.r;
        const pending = rules.filter((x) => isUnknownValue(x.prefix)).map((x) => ({ urn: x.r.urn, path: ["ecrRepositoryPrefix"] }));
        if (!repo) {
            const hostUnknown = candidates.map((c): UnknownAt => {
                const onProvider = ["allowedAccountIds", "region"].find((k) => hasUnknown(c.r.provider?.props[k]));
                const own = ["repositoryUrl", "arn", "registryId"].find((k) => isUnknownValue(c.r.props[k]));
                return own !== undefined || onProvider === undefined ? { urn: c.r.urn, path: [own ?? "name"] } : { urn: c.r.urn, path: [onProvider], onProvider: true };
            });
            const undecided = [...pending, ...hostUnknown];
            return { ...base, image, source: undecided.length > 0 ? "unknown" : "external", detail: `${ref.registry} (no repository of this stack)`, unknowns: undecided };
        }
        if (pending.length > 0) {
            return { ...base, image, source: "unknown", detail: `${ref.repository}: a pull-through cache rule's prefix is unknown until the preview resolves it`, unknowns: pending };
        }
        // In one of this stack's repositories with no producer found: unless a build's tags are still unknown.
        const undecided = builds.filter((b) => b.reposUnknown && b.pushes !== false && !(b.repos.size > 0 && !b.repos.has(repoOf(ref))));
        const linked = undecided.filter((b) => intersects(refKeys(b.r, "tags", undefined), selfKeys(repo)) || (b.r.deps.tags ?? []).length === 0);
        if (linked.length > 0 || builds.some((b) => b.pushes === undefined && b.repos.has(repoOf(ref)))) {
            return { ...base, image, source: "unknown", detail: `${ref.repository}: a build's tags are unknown until the preview resolves them`, unknowns: linked.map((b) => ({ urn: b.r.urn, path: ["tags"] })) };
        }
        return { ...base, image, source: "missing", detail: `ECR repository "${ref.repository}" (${repo.name}) of this stack, which no build in the stack pushes to and no pull-through cache rule serves`, unknowns: [] };
    };

    for (const r of views) {
        if (r.type === HELM_RELEASE) {
            for (const img of releaseImages(r)) {
                out.push(classify(r, `Helm release "${known(r.props.name) ?? r.name}"`, img.container, img.value, "values", img.path));
            }
            continue;
        }
        // The one pod-spec reader (policies/lib/pod-spec.ts): every container's image, with its path.
        for (const use of imageUses(r.type, r.props)) {
            const root = String(use.image.path[0] ?? "spec");
            const kind = r.type.split(":").pop();
            out.push(classify(r, `${kind} ${known(at(r.props, "metadata", "name")) ?? r.name}`, use.container.split(":").pop() ?? use.container, use.image.value, root, [...use.image.path]));
        }
    }
    return out;
}
