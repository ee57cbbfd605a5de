/**
 * Supply-chain rules: pinned Helm chart versions, pinned image tags, and images only from approved
 * registries.
 *
 * Helm shapes: `kubernetes:helm.sh/v3:Release` and `kubernetes:helm.sh/v4:Chart` ({chart, version,
 * repositoryOpts}); `kubernetes:helm.sh/v3:Chart` ({chart, version, fetchOpts.version, path}), whose
 * inputs are invisible when PULUMI_NODEJS_SKIP_COMPONENT_INPUTS is set (then nothing is flagged).
 *
 * Registries (`image-registry-allowed`, a STACK policy): with the default empty `allowedRegistries`,
 * the approved registry is "ECR in the stack's account and region", derived from
 *   - `pulumi:providers:aws` resources (and each resource's AWS provider): `region`, `allowedAccountIds`;
 *   - `aws:ecr/repository:Repository` resources: `repositoryUrl` host, `arn`, `registryId`, `region`.
 * Accounts known → `<account>.dkr.ecr.<region>.amazonaws.com` for the known regions (any region if
 * none is known). No account known but regions known → any 12-digit account in those regions. Nothing
 * known → any private ECR registry (`<12 digits>.dkr.ecr.<region>.amazonaws.com`).
 */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { cisEks } from "../../lib/frameworks";
import { containsUnknown, isUnknownValue, rawProps, UnknownTracker } from "../../lib/known";
import { imageUses, isWorkloadType, unknownPodParts, workloadLabel } from "../../lib/pod-spec";
import { asString, configValue, get, isStringArray } from "../../lib/props";
import { listText } from "../../lib/text";
import { URLS } from "../common";
import {
    AWS_PROVIDER_TYPE,
    ECR_REPOSITORY_TYPE,
    ecrRegistryHost,
    parseArn,
    parseEcrHost,
    providerAllowedAccountIds,
    providerRegion,
} from "../lib/aws";
import { ImageRef, matchesRegistryPrefix, mutableTagProblem, parseImageRef } from "../../lib/image-ref";

// ---------------------------------------------------------------------------------------------
// Helm
// ---------------------------------------------------------------------------------------------

const HELM_RELEASE = "kubernetes:helm.sh/v3:Release";
const HELM_CHART_V3 = "kubernetes:helm.sh/v3:Chart";
const HELM_CHART_V4 = "kubernetes:helm.sh/v4:Chart";

/** An exact SemVer 2 version (optionally v-prefixed): no ranges, wildcards, partial versions or "latest". */
const EXACT_VERSION = /^v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

/**
 * A chart on disk (a path or a packaged .tgz) is pinned by its files. A bare name ("nginx") is treated
 * as a repository chart even without repositoryOpts: Helm only resolves it from a local directory if
 * one happens to exist, so write local charts as paths ("./charts/app").
 */
function isLocalChart(chart: string): boolean {
    const c = chart.trim();
    return /^(\.{1,2}\/|\/|file:\/\/)/.test(c) || /\.tgz$/i.test(c);
}

export const helmReleaseVersionPinned: ResourceValidationPolicy = {
    name: "helm-release-version-pinned",
    description: "Checks that every Helm release or chart from a repository pins an exact chart version.",
    enforcementLevel: "mandatory",
    severity: "high",
    tags: ["helm", "supply-chain"],
    url: URLS.helm,
    remediationSteps:
        'Set version to an exact chart version ("1.16.2"), not a range ("^1", "~1.2", "1.x", ">=1"), a partial version or "latest". ' +
        'Reference charts on disk by path ("./charts/app").',
    validateResource: (args, reportViolation) => {
        if (args.type !== HELM_RELEASE && args.type !== HELM_CHART_V3 && args.type !== HELM_CHART_V4) {
            return;
        }
        const props = args.props;
        if (args.type === HELM_CHART_V3 && asString(props.path)) {
            return; // a local chart directory: pinned by its files
        }
        const chart = asString(props.chart)?.trim();
        if (!chart) {
            return; // no chart reference visible (component inputs skipped) — nothing to judge
        }
        if (isLocalChart(chart)) {
            return;
        }
        const version = (asString(props.version) ?? asString(get(props, "fetchOpts", "version")))?.trim() ?? "";
        if (version === "" && /^oci:\/\/.+@sha256:[0-9a-f]{64}$/i.test(chart)) {
            return; // OCI chart pinned by digest
        }
        if (!EXACT_VERSION.test(version)) {
            reportViolation(
                `Helm chart "${chart}" is not pinned to an exact version (version: ${version === "" ? "not set" : `"${version}"`}). ` +
                    "Every deploy could then pull a newer chart with different images, RBAC or defaults than the one reviewed. " +
                    'Set version to an exact chart version such as "1.2.3".',
            );
        }
    },
};

// ---------------------------------------------------------------------------------------------
// Images
// ---------------------------------------------------------------------------------------------

/** Distinct image references of a workload (raw: unknowns are sentinel strings), each with the containers that run it. */
function distinctImages(type: string, raw: unknown): { image: unknown; path: readonly (string | number)[]; containers: string[] }[] {
    const byImage = new Map<unknown, { image: unknown; path: readonly (string | number)[]; containers: string[] }>();
    for (const use of imageUses(type, raw)) {
        const key = typeof use.image.value === "string" ? use.image.value.trim() : use.image.value;
        const entry = byImage.get(key) ?? byImage.set(key, { image: use.image.value, path: use.image.path, containers: [] }).get(key)!;
        entry.containers.push(use.container);
    }
    return [...byImage.values()];
}

export const imageTagPinned: ResourceValidationPolicy = {
    name: "image-tag-pinned",
    description: "Checks that every workload container image is pinned by a tag other than latest, or by digest.",
    enforcementLevel: "mandatory",
    severity: "high",
    tags: ["kubernetes", "images", "supply-chain"],
    url: URLS.images,
    remediationSteps: 'Reference images as "<registry>/<repository>:<version>" or "...@sha256:<digest>"; never omit the tag or use "latest".',
    validateResource: (args, reportViolation) => {
        if (!isWorkloadType(args.type)) {
            return;
        }
        // Read raw: an unknown image (built in this stack) is judged after preview, the others now.
        const raw = rawProps(args.props);
        const tracker = new UnknownTracker();
        const bad: string[] = [];
        for (const part of unknownPodParts(args.type, raw)) {
            tracker.note(args.props, ...part.path);
        }
        for (const use of distinctImages(args.type, raw)) {
            if (isUnknownValue(use.image)) {
                tracker.note(args.props, ...use.path);
                continue;
            }
            const ref = parseImageRef(use.image);
            const problem = ref ? mutableTagProblem(ref) : undefined;
            if (ref && problem) {
                bad.push(`${ref.raw} (${problem === "latest" ? "tag latest" : "no tag, i.e. latest"}; ${listText(use.containers)})`);
            }
        }
        if (bad.length > 0) {
            reportViolation(
                `${workloadLabel(args.type, raw)} runs mutable image references: ${bad.join(", ")}. "latest" changes under ` +
                    "you, so nodes may run different code than was reviewed and rollbacks are impossible. Pin each image to a version " +
                    "tag or an @sha256 digest.",
            );
        }
        tracker.rethrow();
    },
};

/** The approved-registry matcher and a description of it for messages. */
interface RegistryMatcher {
    readonly matches: (ref: ImageRef) => boolean;
    readonly describe: string;
    /**
     * Inputs the derived matcher could not read because they are preview-unknown (a provider's region
     * or allowedAccountIds, an ECR repository's URL/ARN/registry/region), noted for the re-raise.
     */
    readonly unknownInputs: readonly { readonly obj: unknown; readonly key: string }[];
    /**
     * True when a rejected image might be approved once those inputs are known (they can only add
     * accounts or regions): such an image is judged after preview instead of being flagged now.
     */
    readonly mightApprove: (ref: ImageRef) => boolean;
}

function derivedEcrMatcher(resources: readonly { type: string; props: Record<string, unknown>; provider?: { urn: string; type: string; props: Record<string, unknown> } }[]): RegistryMatcher {
    const accounts = new Set<string>();
    const regions = new Set<string>();
    const hosts = new Set<string>();
    const seenProviders = new Set<string>();
    const unknownInputs: { obj: unknown; key: string }[] = [];
    let moreAccounts = false;
    let moreRegions = false;
    /** `proxied` is the object the policy received (noted for the re-raise); `raw` its peeked copy. */
    const fromProvider = (proxied: unknown, raw: Record<string, unknown>) => {
        if (containsUnknown(raw.region)) {
            unknownInputs.push({ obj: proxied, key: "region" });
            moreRegions = true;
        }
        const region = providerRegion(raw);
        if (region && !isUnknownValue(region)) {
            regions.add(region);
        }
        const ids = raw.allowedAccountIds;
        if (containsUnknown(ids)) {
            unknownInputs.push({ obj: proxied, key: "allowedAccountIds" });
            moreAccounts = true;
        }
        if (!isUnknownValue(ids)) {
            providerAllowedAccountIds(raw).forEach((a) => accounts.add(a));
        }
    };
    for (const r of resources) {
        if (r.type === AWS_PROVIDER_TYPE) {
            fromProvider(r.props, rawProps(r.props));
        }
        if (r.provider && r.provider.type === AWS_PROVIDER_TYPE && !seenProviders.has(r.provider.urn)) {
            seenProviders.add(r.provider.urn);
            fromProvider(r.provider.props, rawProps(r.provider.props));
        }
        if (r.type === ECR_REPOSITORY_TYPE) {
            const raw = rawProps(r.props);
            for (const key of ["repositoryUrl", "arn", "registryId", "region"]) {
                if (isUnknownValue(raw[key])) {
                    unknownInputs.push({ obj: r.props, key });
                    moreAccounts ||= key !== "region";
                    moreRegions ||= key !== "registryId";
                }
            }
            const url = asString(raw.repositoryUrl);
            const host = url && !isUnknownValue(url) ? url.split("/")[0] : undefined;
            const ecr = parseEcrHost(host);
            if (ecr) {
                hosts.add(host!.toLowerCase());
                accounts.add(ecr.account);
                regions.add(ecr.region);
            }
            const arn = parseArn(isUnknownValue(raw.arn) ? undefined : raw.arn);
            if (arn && /^\d{12}$/.test(arn.account)) {
                accounts.add(arn.account);
                if (arn.region) {
                    regions.add(arn.region);
                }
            }
            const registryId = asString(raw.registryId);
            if (registryId && /^\d{12}$/.test(registryId)) {
                accounts.add(registryId);
            }
            const region = asString(raw.region);
            if (region && !isUnknownValue(region) && /^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) {
                regions.add(region);
            }
        }
    }
    const mightApprove = (ref: ImageRef): boolean => {
        const ecr = parseEcrHost(ref.registry);
        return ecr !== undefined && (moreAccounts || moreRegions)
            && (accounts.size === 0 || accounts.has(ecr.account) || moreAccounts)
            && (regions.size === 0 || regions.has(ecr.region) || moreRegions);
    };
    if (accounts.size > 0) {
        if (regions.size > 0) {
            for (const a of accounts) {
                for (const g of regions) {
                    hosts.add(ecrRegistryHost(a, g));
                }
            }
            return { matches: (ref) => hosts.has(ref.registry), describe: `ECR in this stack's account and region (${listText([...hosts].sort())})`, unknownInputs, mightApprove };
        }
        return {
            matches: (ref) => hosts.has(ref.registry) || accounts.has(parseEcrHost(ref.registry)?.account ?? ""),
            describe: `ECR in this stack's account (${listText([...accounts].sort())}), any region`,
            unknownInputs,
            mightApprove,
        };
    }
    if (regions.size > 0) {
        return {
            matches: (ref) => hosts.has(ref.registry) || regions.has(parseEcrHost(ref.registry)?.region ?? ""),
            describe: `private ECR in this stack's region (${listText([...regions].sort())}; account not determinable from the stack)`,
            unknownInputs,
            mightApprove,
        };
    }
    return { matches: (ref) => parseEcrHost(ref.registry) !== undefined, describe: "private ECR (<account>.dkr.ecr.<region>.amazonaws.com; account and region not determinable)", unknownInputs, mightApprove };
}

export const imageRegistryAllowed: StackValidationPolicy = {
    name: "image-registry-allowed",
    description: "Checks that every workload image comes from an approved registry (by default, ECR in the stack's account and region).",
    enforcementLevel: "mandatory",
    severity: "high",
    tags: ["kubernetes", "images", "supply-chain", "cis"],
    url: URLS.images,
    framework: cisEks("5.1.4", "Minimize Container Registries to only those approved"),
    remediationSteps:
        "Mirror the image into the stack's ECR (e.g. an ECR pull-through cache or a docker-build push) and reference it there, or add " +
        "the registry prefix (host or host/path) to the policy config allowedRegistries.",
    configSchema: {
        properties: {
            allowedRegistries: {
                type: "array",
                items: { type: "string" },
                default: [],
                description:
                    'Approved registry prefixes ("123456789012.dkr.ecr.us-west-2.amazonaws.com", "public.ecr.aws/karpenter"), matched on ' +
                    "path boundaries. Empty means ECR in the stack's account and region (derived from the AWS provider and ECR repositories).",
            },
        },
    },
    validateStack: (args, reportViolation) => {
        const configured = configValue(args.getConfig(), "allowedRegistries", [] as string[], isStringArray)
            .map((p) => p.trim())
            .filter((p) => p !== "");
        const matcher: RegistryMatcher =
            configured.length > 0
                ? { matches: (ref) => configured.some((p) => matchesRegistryPrefix(ref, p)), describe: `the allowedRegistries config (${listText(configured)})`, unknownInputs: [], mightApprove: () => false }
                : derivedEcrMatcher(args.resources);
        const tracker = new UnknownTracker();
        for (const r of args.resources) {
            if (!isWorkloadType(r.type)) {
                continue;
            }
            const raw = rawProps(r.props);
            const bad: string[] = [];
            const uses = distinctImages(r.type, raw);
            // An unknown image, or a pod template that is itself (partly) unknown, is judged after preview.
            let unknown = unknownPodParts(r.type, raw).length > 0 || (uses.length === 0 && containsUnknown(raw.spec));
            for (const use of uses) {
                if (isUnknownValue(use.image)) {
                    unknown = true;
                    continue;
                }
                const ref = parseImageRef(use.image);
                if (ref && !matcher.matches(ref) && matcher.mightApprove(ref)) {
                    // A private ECR registry the stack's unknown provider/repository inputs may yet approve.
                    for (const u of matcher.unknownInputs) {
                        tracker.note(u.obj, u.key);
                    }
                    continue;
                }
                if (ref && !matcher.matches(ref)) {
                    bad.push(`${ref.raw} (registry ${ref.explicitRegistry ? ref.registry : `${ref.registry}, implicit`})`);
                }
            }
            if (unknown) {
                tracker.note(r.props, "spec");
            }
            if (bad.length > 0) {
                reportViolation(
                    `${workloadLabel(r.type, raw)} pulls images from unapproved registries: ${bad.join(", ")}. Public or third-party ` +
                        "registries can serve tampered or vanished images and are outside our scanning. Approved: " +
                        `${matcher.describe}. Mirror the image into ECR or add the registry to allowedRegistries.`,
                    r.urn,
                );
            }
        }
        tracker.rethrow();
    },
};
