/**
 * The platform's image registry: one private ECR repository per engine (`<baseName>/spark` always,
 * `<baseName>/flink` and `<baseName>/ray` when those engines are on), scan-on-push, immutable tags,
 * KMS encryption and a lifecycle policy. By default (`sparkImage.source: "build"`) it also builds and
 * pushes the platform Spark base image (images/spark/Dockerfile) for linux/amd64 and linux/arm64 with
 * @pulumi/docker-build, so Spark runs on both the Graviton and the x86 pools.
 *
 * Why the build is the default: the official apache/spark images carry no hadoop-aws and no AWS SDK
 * (apache/spark-docker 4.1.2 Dockerfiles unpack spark-4.1.2-bin-hadoop3.tgz, built without -Phadoop-cloud
 * by dev/create-release/release-build.sh), so the History Servers cannot read s3a:// event logs without
 * this image, and a repository nobody pushes to leaves them in ImagePullBackOff. `sparkImage` is the
 * build's `ref` output — `<repository>:<tag>@sha256:<digest>`, set by @pulumi/docker-build 0.0.22 only
 * once the push returned a digest (provider/internal/image.go at v0.0.22) — so every workload that runs it
 * depends on the push and pulls exactly the pushed bytes. With `source: "external"` the caller names an
 * existing image (pinned by digest; config refuses one in this stack's own repository).
 *
 * Tags are immutable except the build's own tag (`<sparkVersion>-<imageRevision>`), which is the one
 * exclusion of the spark repository (IMMUTABLE_WITH_EXCLUSION, botocore ecr service-2.json
 * ImageTagMutabilityExclusionFilter). @pulumi/docker-build 0.0.22 rebuilds and re-pushes whenever its
 * contextHash changes, and that hash covers every file's contents, path and mode (provider/internal/context.go
 * hashFile at v0.0.22): a checkout with other file modes, or an edit without a revision bump, re-pushes the
 * same tag with a new digest, which an IMMUTABLE repository refuses (ImageTagAlreadyExistsException) and
 * `pulumi up` stops. Nothing runs the image by that tag alone: workloads run the pushed `ref` (tag@digest),
 * so a re-push rolls them to the new digest and the old one expires untagged. The revision still names the
 * content: IMAGES_DEFAULTS.contextSha256 records what `imageRevision` was built from, and a test fails when
 * images/spark or SPARK_LINES change without a new revision.
 *
 * Why the default is Spark 4.1: workload identity is EKS Pod Identity only (team roles trust
 * `pods.eks.amazonaws.com`, node IMDS has a hop limit of 1, no IRSA roles), and the platform's Spark
 * defaults set the S3A credentials provider to the AWS SDK v2 `ContainerCredentialsProvider`. S3A takes
 * SDK v2 providers from Hadoop 3.4 on, and Pod Identity needs SDK v2 >= 2.21.30 (or v1 >= 1.12.746). Spark
 * 4.1.x bundles Hadoop 3.4.2 (SDK v2 2.29.52); Spark 3.5.x bundles Hadoop 3.3.4 (SDK v1 1.12.262) and
 * cannot authenticate at all here, so it is rejected (UNSUPPORTED_SPARK_LINES) rather than offered.
 */
import * as aws from "@pulumi/aws";
import * as dockerBuild from "@pulumi/docker-build";
import * as pulumi from "@pulumi/pulumi";
import { throwArgProblems } from "../shared/arg-errors";

/** Image build coordinates. The Spark base image is docker.io/apache/spark (official, multi-arch). */
export const IMAGES_DEFAULTS = {
    /** apache/spark-docker versions.json: 4.1.2 carries the `latest` tag (the current stable line). */
    sparkVersion: "4.1.2",
    untaggedExpireDays: 14,
    keepTaggedImages: 50,
    context: "images/spark",
    dockerfile: "images/spark/Dockerfile",
    /** Bumped whenever anything in images/spark or SPARK_LINES changes (tests/components/images/images.spec.ts checks it). */
    imageRevision: "r2",
    /**
     * What `imageRevision` was built from: sha256 over every file of the build context (path and contents,
     * sorted by path) and SPARK_LINES (JSON), as tests/components/images/images.spec.ts computes it.
     */
    contextSha256: "c451b103306f16ebe16d587dfcc31d2bdd6025d8da9197310a516cfad6e09a55",
    platforms: [dockerBuild.Platform.Linux_amd64, dockerBuild.Platform.Linux_arm64],
} as const;

/**
 * What a Spark release line needs in the image. Digests are of the Maven Central jars: the SHA-256 is
 * enforced by `ADD --checksum`, the SHA-1 (Maven Central's `.sha1` sidecar value, taken from a second,
 * independent record) by a `sha1sum --check` step, so two independent records must agree on the bytes.
 */
export interface SparkLine {
    /** Suffix of the apache/spark tag after the version (Scala, Java, Python, OS). */
    readonly baseTagSuffix: string;
    /** The Hadoop version Spark bundles; hadoop-aws must match it exactly. */
    readonly hadoopAwsVersion: string;
    /** SHA-256 of hadoop-aws-<hadoopAwsVersion>.jar. */
    readonly hadoopAwsSha256: string;
    /** SHA-1 of hadoop-aws-<hadoopAwsVersion>.jar (independent cross-check). */
    readonly hadoopAwsSha1: string;
    /** Maven Central path of the AWS SDK bundle that hadoop-aws release was built against. */
    readonly awsSdkBundlePath: string;
    /** SHA-256 of the AWS SDK bundle jar. */
    readonly awsSdkBundleSha256: string;
    /** SHA-1 of the AWS SDK bundle jar (independent cross-check). */
    readonly awsSdkBundleSha1: string;
}

/**
 * Supported Spark lines.
 *
 * 4.1 (verified at v4.1.2):
 * - apache/spark pom.xml at tag v4.1.2 (commit f0bb2e6a47d0ebda424ffd633fcea8644a597954): `hadoop.version`
 *   3.4.2, `aws.java.sdk.v2.version` 2.29.52; the 4.1.2 distribution's RELEASE file reads "built for Hadoop 3.4.2".
 *   4.1.0 and 4.1.1 also ship Hadoop 3.4.2 by secondary sources only; a patch release that moves Hadoop
 *   needs its own check (the line is keyed by minor version).
 * - Hadoop 3.4.2 (rel/release-3.4.2, commit 84e8b89ee2ebe6923691205b9e171badde7a495c) was built against
 *   the AWS SDK v2 bundle 2.29.52: apache/hadoop-release-support src/releases/release-info-3.4.2.properties
 *   `aws.sdk2.version=2.29.52` (the `aws-java-sdk-v2.version` of hadoop-project/pom.xml). 2.29.52 >= 2.21.30,
 *   the first SDK v2 release that reads EKS Pod Identity credentials.
 * - Base image: apache/spark-docker versions.json `4.1.2/scala2.13-java21-python3-ubuntu` (tags
 *   4.1.2-scala2.13-java21-python3-ubuntu, 4.1.2, python3, latest), published for linux/amd64 and
 *   linux/arm64 by .github/workflows/main.yml. Java 21 is the line's primary variant.
 * - Digests: SHA-256 from one public build manifest (evgenii-karpov/olist-mds docker/spark/jars.sha256, which
 *   its build checks with `sha256sum --check --strict`); no second SHA-256 record was found, so the SHA-1
 *   values come from an unrelated project's Dockerfile that checks them with `sha1sum -c`. A wrong pin fails
 *   the build; it cannot admit different bytes. Re-verify (`sha256sum`, Maven Central `.sha1`) when a version changes.
 */
export const SPARK_LINES: Readonly<Record<string, SparkLine>> = {
    "4.1": {
        baseTagSuffix: "scala2.13-java21-python3-ubuntu",
        hadoopAwsVersion: "3.4.2",
        hadoopAwsSha256: "d2d24e6b715b5656b9d238bf13b6682a07e2004dd36aad74a73aeb854319f4d9",
        hadoopAwsSha1: "16f9de6da5c7862241d55a13d34843404d0cbb88",
        awsSdkBundlePath: "software/amazon/awssdk/bundle/2.29.52/bundle-2.29.52.jar",
        awsSdkBundleSha256: "62638f33045690c6bc5e496b54b0b2e89a9ad38cbedacdf6e017fea6bc85f55c",
        awsSdkBundleSha1: "b63eb928c2ac13bde07746bcfe7fb38bbdb4b5c5",
    },
};

/**
 * Spark lines that cannot work on this platform, with the reason. Rejected even when the image build is
 * off, because CI would push the same broken image.
 */
export const UNSUPPORTED_SPARK_LINES: Readonly<Record<string, string>> = {
    "3.5": "Spark 3.5.x bundles Hadoop 3.3.4, whose S3A uses the AWS SDK v1 bundle 1.12.262: it cannot load "
        + "the SDK v2 ContainerCredentialsProvider the platform's Spark defaults set, and that SDK predates "
        + "EKS Pod Identity (needs v1 >= 1.12.746 or v2 >= 2.21.30), the platform's only workload identity",
};

const SPARK_VERSION = /^(\d+)\.(\d+)\.(\d+)$/;

/** The tag the platform Spark image is pushed under. */
export function sparkImageTag(sparkVersion: string, revision: string = IMAGES_DEFAULTS.imageRevision): string {
    return `${sparkVersion}-${revision}`;
}

/** The release line ("4.1") of a Spark version, or an exact error for a malformed version. */
export function sparkLineKey(sparkVersion: string): string {
    const m = SPARK_VERSION.exec(sparkVersion);
    if (!m) {
        throw new Error(`sparkVersion must be a Spark release such as ${IMAGES_DEFAULTS.sparkVersion}, got "${sparkVersion}"`);
    }
    return `${m[1]}.${m[2]}`;
}

/** Why a Spark version cannot run on this platform, or undefined when nothing is known against it. */
export function unsupportedSparkReason(sparkVersion: string): string | undefined {
    const lineKey = sparkLineKey(sparkVersion);
    const reason = UNSUPPORTED_SPARK_LINES[lineKey];
    return reason ? `${reason}; use Spark ${Object.keys(SPARK_LINES).join(" or ")}.x` : undefined;
}

/** Docker build args for a Spark version, or an exact error naming what is missing. */
export function sparkBuildArgs(sparkVersion: string): Record<string, string> {
    const lineKey = sparkLineKey(sparkVersion);
    const unsupported = unsupportedSparkReason(sparkVersion);
    if (unsupported) {
        throw new Error(unsupported);
    }
    const line = SPARK_LINES[lineKey];
    if (!line) {
        throw new Error(`no pinned hadoop-aws/AWS SDK jars for Spark ${lineKey}.x (supported: ${Object.keys(SPARK_LINES).join(", ")}); add the line to SPARK_LINES in components/images/index.ts`);
    }
    return {
        SPARK_BASE_TAG: `${sparkVersion}-${line.baseTagSuffix}`,
        HADOOP_AWS_VERSION: line.hadoopAwsVersion,
        HADOOP_AWS_SHA256: line.hadoopAwsSha256,
        HADOOP_AWS_SHA1: line.hadoopAwsSha1,
        AWS_SDK_BUNDLE_PATH: line.awsSdkBundlePath,
        AWS_SDK_BUNDLE_SHA256: line.awsSdkBundleSha256,
        AWS_SDK_BUNDLE_SHA1: line.awsSdkBundleSha1,
    };
}

/**
 * The tag mutability of an engine repository: IMMUTABLE, except that the one tag the stack's own build pushes
 * is excluded (an exact WILDCARD filter without wildcards, so no other tag becomes mutable) — a rebuild
 * re-pushes it, and consumers pull the build's digest anyway.
 */
export function repositoryTagMutability(buildTag?: string): { imageTagMutability: string; imageTagMutabilityExclusionFilters?: { filterType: "WILDCARD"; filter: string }[] } {
    return buildTag === undefined
        ? { imageTagMutability: "IMMUTABLE" }
        : { imageTagMutability: "IMMUTABLE_WITH_EXCLUSION", imageTagMutabilityExclusionFilters: [{ filterType: "WILDCARD", filter: buildTag }] };
}

/** ECR lifecycle policy: expire untagged images after N days, keep the newest M tagged images. */
export function lifecyclePolicy(untaggedExpireDays: number, keepTaggedImages: number): { rules: unknown[] } {
    return {
        rules: [
            {
                rulePriority: 1,
                description: `Expire untagged images ${untaggedExpireDays} days after push`,
                selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: untaggedExpireDays },
                action: { type: "expire" },
            },
            {
                rulePriority: 2,
                description: `Keep the ${keepTaggedImages} most recent tagged images`,
                selection: { tagStatus: "tagged", tagPatternList: ["*"], countType: "imageCountMoreThan", countNumber: keepTaggedImages },
                action: { type: "expire" },
            },
        ],
    };
}

/** The engines that get a repository, in a stable order: spark always. */
export function registryEngines(engines: { readonly flink: boolean; readonly ray: boolean }): string[] {
    return ["spark", ...(engines.flink ? ["flink"] : []), ...(engines.ray ? ["ray"] : [])];
}

/** Arguments for {@link ImageRegistry}. */
export interface ImageRegistryArgs {
    /** Stem of repository names, e.g. "moka-prod" → "moka-prod/spark". Required. */
    readonly baseName: string;
    /** Tags for every repository. Required. */
    readonly tags: Record<string, string>;
    /** Protect the repositories (and their images) from deletion. Required. */
    readonly protect: boolean;
    /** Which optional engines get a repository. Defaults to neither. */
    readonly engines?: { readonly flink: boolean; readonly ray: boolean };
    /** Days after which untagged images expire (1-365). Defaults to 14. */
    readonly untaggedExpireDays?: number;
    /** Tagged images kept per repository (1-1000). Defaults to 50. */
    readonly keepTaggedImages?: number;
    /** Where the platform Spark image comes from: built and pushed here from images/spark, or an existing image pinned by digest. Defaults to `{ source: "build" }`. */
    readonly sparkImage?: { readonly source: "build" | "external"; readonly image?: string };
    /** Spark release of the platform image; its line must be in SPARK_LINES to build, and must not be in UNSUPPORTED_SPARK_LINES. Defaults to "4.1.2". */
    readonly sparkVersion?: string;
}

const TYPE = "moka:images:ImageRegistry";

/** ECR repositories for the engines, plus the optional platform Spark image build. */
export class ImageRegistry extends pulumi.ComponentResource {
    /** Repository URL per engine ("spark", "flink", "ray"). */
    public readonly repositoryUrls: pulumi.Output<Record<string, string>>;
    /** Repository ARN per engine (for CI push policies). */
    public readonly repositoryArns: pulumi.Output<Record<string, string>>;
    /** The platform Spark image to run: the build's pushed `<repository>:<tag>@sha256:<digest>` (known after the push), or the external image. */
    public readonly sparkImage: pulumi.Output<string>;
    /** The tag the build pushes, `<acct>.dkr.ecr.<region>.amazonaws.com/<baseName>/spark:<sparkVersion>-<rev>` (also the tag CI may push for teams); the external image with source external. */
    public readonly sparkImageTag: pulumi.Output<string>;

    constructor(name: string, args: ImageRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
        super(TYPE, name, {}, opts);

        const problems: string[] = [];
        if (!args.baseName) {
            problems.push("args.baseName is required");
        }
        if (typeof args.protect !== "boolean") {
            problems.push("args.protect is required (true for prod and staging)");
        }
        const untaggedExpireDays = args.untaggedExpireDays ?? IMAGES_DEFAULTS.untaggedExpireDays;
        const keepTaggedImages = args.keepTaggedImages ?? IMAGES_DEFAULTS.keepTaggedImages;
        const sparkVersion = args.sparkVersion ?? IMAGES_DEFAULTS.sparkVersion;
        const source = args.sparkImage?.source ?? "build";
        const buildSparkImage = source === "build";
        const externalImage = args.sparkImage?.image;
        const engines = args.engines ?? { flink: false, ray: false };
        if (!Number.isInteger(untaggedExpireDays) || untaggedExpireDays < 1 || untaggedExpireDays > 365) {
            problems.push(`args.untaggedExpireDays must be a whole number between 1 and 365, got ${untaggedExpireDays}`);
        }
        if (!Number.isInteger(keepTaggedImages) || keepTaggedImages < 1 || keepTaggedImages > 1000) {
            problems.push(`args.keepTaggedImages must be a whole number between 1 and 1000, got ${keepTaggedImages}`);
        }
        let buildArgs: Record<string, string> | undefined;
        if (!SPARK_VERSION.test(sparkVersion)) {
            problems.push(`args.sparkVersion must be a Spark release such as ${IMAGES_DEFAULTS.sparkVersion}, got "${sparkVersion}"`);
        } else {
            const unsupported = unsupportedSparkReason(sparkVersion);
            if (unsupported) {
                problems.push(`args.sparkVersion: ${unsupported}`);
            } else if (buildSparkImage) {
                try {
                    buildArgs = sparkBuildArgs(sparkVersion);
                } catch (e) {
                    problems.push(`args.sparkVersion: ${(e as Error).message}`);
                }
            }
        }
        if (source !== "build" && source !== "external") {
            problems.push(`args.sparkImage.source must be "build" or "external", got "${String(source)}"`);
        } else if (source === "external" && !/^[^\s@]+@sha256:[0-9a-f]{64}$/.test(externalImage ?? "")) {
            problems.push(`args.sparkImage.image must be an image pinned by digest (<registry>/<repository>@sha256:<digest>) with source external, got "${externalImage ?? ""}"`);
        } else if (source === "build" && externalImage !== undefined) {
            problems.push("args.sparkImage.image applies only to source external");
        }
        throwArgProblems(TYPE, name, problems);
        const protect = args.protect;

        const repos: Record<string, aws.ecr.Repository> = {};
        for (const engine of registryEngines(engines)) {
            const repo = new aws.ecr.Repository(`${name}-${engine}`, {
                name: `${args.baseName}/${engine}`,
                ...repositoryTagMutability(engine === "spark" && buildArgs ? sparkImageTag(sparkVersion) : undefined),
                imageScanningConfiguration: { scanOnPush: true },
                encryptionConfigurations: [{ encryptionType: "KMS" }],
                forceDelete: !protect,
                tags: args.tags,
            }, { parent: this, protect, retainOnDelete: protect });
            new aws.ecr.LifecyclePolicy(`${name}-${engine}-lifecycle`, {
                repository: repo.name,
                policy: JSON.stringify(lifecyclePolicy(untaggedExpireDays, keepTaggedImages)),
            }, { parent: this });
            repos[engine] = repo;
        }

        const spark = repos.spark;
        const pushTag = pulumi.interpolate`${spark.repositoryUrl}:${sparkImageTag(sparkVersion)}`;
        let sparkImage: pulumi.Output<string> = pulumi.output(externalImage ?? "");

        if (buildArgs) {
            const auth = aws.ecr.getAuthorizationTokenOutput({ registryId: spark.registryId }, { parent: this });
            const image = new dockerBuild.Image(`${name}-spark-image`, {
                context: { location: IMAGES_DEFAULTS.context },
                dockerfile: { location: IMAGES_DEFAULTS.dockerfile },
                platforms: [...IMAGES_DEFAULTS.platforms],
                buildArgs,
                push: true,
                // A two-platform build under emulation takes many minutes; previews should not pay for it.
                buildOnPreview: false,
                tags: [pushTag],
                registries: [{
                    address: spark.repositoryUrl.apply((url) => url.split("/")[0]),
                    username: auth.userName,
                    password: pulumi.secret(auth.password),
                }],
            }, { parent: this });
            // The pushed tag with its digest: whatever runs it waits for the push and pulls those exact bytes.
            sparkImage = image.ref;
        }

        const entries = Object.entries(repos);
        this.repositoryUrls = pulumi.all(entries.map(([, r]) => r.repositoryUrl))
            .apply((urls) => Object.fromEntries(entries.map(([engine], i) => [engine, urls[i]])));
        this.repositoryArns = pulumi.all(entries.map(([, r]) => r.arn))
            .apply((arns) => Object.fromEntries(entries.map(([engine], i) => [engine, arns[i]])));
        this.sparkImage = sparkImage;
        this.sparkImageTag = buildSparkImage ? pushTag : sparkImage;

        this.registerOutputs({
            repositoryUrls: this.repositoryUrls,
            repositoryArns: this.repositoryArns,
            sparkImage: this.sparkImage,
            sparkImageTag: this.sparkImageTag,
        });
    }
}
