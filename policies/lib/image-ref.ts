/**
 * Container image references: parsing (registry, repository, tag, digest) the way Docker / containerd
 * normalise them, and matching against registry allow-lists.
 *
 *   "nginx"                                  → docker.io / library/nginx, no tag (implicit latest)
 *   "bitnami/spark:3.5"                      → docker.io / bitnami/spark : 3.5
 *   "localhost:5000/app"                     → localhost:5000 / app
 *   "1234….dkr.ecr.us-west-2.amazonaws.com/app@sha256:…" → digest-pinned
 *
 * Shared by the security pack (registry allow-list, pinned tags) and the deployability pack (which image
 * has a producer). Exported API (stable):
 *   interface ImageRef { raw, registry, repository, tag?, digest?, explicitRegistry }
 *   parseImageRef(image), imageName(ref), matchesRegistryPrefix(ref, prefix), normaliseRegistryPrefix(p),
 *   mutableTagProblem(ref), ecrRegistryOf(ref)
 */
import { ECR_PRIVATE_HOST } from "../../lib/patterns";

export interface ImageRef {
    /** The reference as written (trimmed). */
    readonly raw: string;
    /** Registry host (lower-cased), `docker.io` when none is written. */
    readonly registry: string;
    /** Repository path without registry, tag or digest (`library/` added for Docker Hub official images). */
    readonly repository: string;
    readonly tag?: string;
    /** `sha256:…` (algorithm included) when pinned by digest. */
    readonly digest?: string;
    /** True when the reference names its registry. */
    readonly explicitRegistry: boolean;
}

const DOCKER_HUB_ALIASES = new Set(["docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"]);

/** Parses an image reference; undefined for non-strings, empty strings and references with spaces. */
export function parseImageRef(image: unknown): ImageRef | undefined {
    if (typeof image !== "string") {
        return undefined;
    }
    const raw = image.trim();
    if (raw === "" || /\s/.test(raw)) {
        return undefined;
    }
    let rest = raw;
    let digest: string | undefined;
    const at = rest.indexOf("@");
    if (at >= 0) {
        digest = rest.slice(at + 1);
        rest = rest.slice(0, at);
    }
    let tag: string | undefined;
    const lastSlash = rest.lastIndexOf("/");
    const colon = rest.lastIndexOf(":");
    if (colon > lastSlash) {
        tag = rest.slice(colon + 1);
        rest = rest.slice(0, colon);
    }
    const parts = rest.split("/");
    let registry = "docker.io";
    let explicitRegistry = false;
    if (parts.length > 1 && (parts[0].includes(".") || parts[0].includes(":") || parts[0] === "localhost")) {
        registry = parts.shift()!.toLowerCase();
        explicitRegistry = true;
    }
    if (DOCKER_HUB_ALIASES.has(registry)) {
        registry = "docker.io";
    }
    let repository = parts.join("/");
    if (registry === "docker.io" && !repository.includes("/")) {
        repository = `library/${repository}`;
    }
    return { raw, registry, repository, tag: tag === "" ? undefined : tag, digest: digest === "" ? undefined : digest, explicitRegistry };
}

/** `registry/repository`, the string allow-list prefixes are matched against. */
export function imageName(ref: ImageRef): string {
    return `${ref.registry}/${ref.repository}`;
}

/** Lower-cases the host part and drops a scheme and trailing slashes: "https://Quay.io/org/" → "quay.io/org". */
export function normaliseRegistryPrefix(prefix: string): string {
    const p = prefix.trim().replace(/^[a-z]+:\/\//i, "").replace(/\/+$/, "");
    const slash = p.indexOf("/");
    const host = (slash < 0 ? p : p.slice(0, slash)).toLowerCase();
    const path = slash < 0 ? "" : p.slice(slash);
    return DOCKER_HUB_ALIASES.has(host) ? `docker.io${path}` : `${host}${path}`;
}

/**
 * True when the image lies under the prefix on a path boundary: "quay.io/jetstack" matches
 * "quay.io/jetstack/cert-manager-controller" but not "quay.io/jetstackevil/x"; "docker.io" does not
 * match "docker.io.evil.example/x".
 */
export function matchesRegistryPrefix(ref: ImageRef, prefix: string): boolean {
    const p = normaliseRegistryPrefix(prefix);
    if (p === "") {
        return false;
    }
    const name = imageName(ref);
    return name === p || name.startsWith(`${p}/`);
}

/**
 * Why the reference is not immutable: "latest" (explicit latest tag), "untagged" (implicit latest),
 * or undefined when it is digest-pinned or carries another tag.
 */
export function mutableTagProblem(ref: ImageRef): "latest" | "untagged" | undefined {
    if (ref.digest !== undefined) {
        return undefined;
    }
    if (ref.tag === undefined) {
        return "untagged";
    }
    return ref.tag.toLowerCase() === "latest" ? "latest" : undefined;
}

/** Account and region of an image in a private ECR registry (`<acct>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]`), or undefined. */
export function ecrRegistryOf(ref: ImageRef): { account: string; region: string } | undefined {
    const m = ECR_PRIVATE_HOST.exec(ref.registry);
    return m ? { account: m[1], region: m[2] } : undefined;
}
