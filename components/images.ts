/**
 * The platform's image registry: one private ECR repository per engine (`<baseName>/spark` always,
 * `<baseName>/flink` and `<baseName>/ray` when those engines are on), scan-on-push, immutable tags,
 * KMS encryption and a lifecycle policy. Behind `buildSparkImage`, it also builds and pushes the
 * platform Spark base image (images/spark/Dockerfile) for linux/amd64 and linux/arm64 with
 * @pulumi/docker-build, so Spark runs on both the Graviton and the x86 pools.
 *
 * Tags are immutable, so the image tag carries a revision: `<sparkVersion>-<IMAGE_REVISION>`. Bump
 * IMAGE_REVISION whenever the Dockerfile or its inputs change; re-pushing an existing tag would fail.
 * `sparkImage` is that exact reference; when the build switch is off, CI is expected to push the same
 * tag from the same Dockerfile.
 */
import * as aws from "@pulumi/aws";
import * as dockerBuild from "@pulumi/docker-build";
import * as pulumi from "@pulumi/pulumi";

/** Image build coordinates. The Spark base image is docker.io/apache/spark (official, multi-arch). */
export const IMAGES_DEFAULTS = {
    sparkVersion: "3.5.6",
    untaggedExpireDays: 14,
    keepTaggedImages: 50,
    context: "images/spark",
    dockerfile: "images/spark/Dockerfile",
    /** Bumped whenever images/spark/Dockerfile or SPARK_LINES change. */
    imageRevision: "r1",
    platforms: [dockerBuild.Platform.Linux_amd64, dockerBuild.Platform.Linux_arm64],
} as const;

/** What a Spark release line needs in the image; digests are SHA-256 of the Maven Central jars. */
export interface SparkLine {
    /** Suffix of the apache/spark tag after the version (Scala, Java, Python, OS). */
    readonly baseTagSuffix: string;
    /** The Hadoop version Spark bundles; hadoop-aws must match it exactly. */
    readonly hadoopAwsVersion: string;
    readonly hadoopAwsSha256: string;
    /** Maven Central path of the AWS SDK bundle that hadoop-aws release was built against. */
    readonly awsSdkBundlePath: string;
    readonly awsSdkBundleSha256: string;
}

/**
 * Supported Spark lines. 3.5.x bundles Hadoop 3.3.4 (apache/spark pom.xml `hadoop.version` on
 * branch-3.5), whose hadoop-aws is built against the AWS SDK v1 bundle 1.12.262. A 4.x line (Hadoop 3.4,
 * SDK v2 `software.amazon.awssdk:bundle`) is added here once its digests are verified.
 */
export const SPARK_LINES: Readonly<Record<string, SparkLine>> = {
    "3.5": {
        baseTagSuffix: "scala2.12-java17-python3-ubuntu",
        hadoopAwsVersion: "3.3.4",
        hadoopAwsSha256: "53f9ae03c681a30a50aa17524bd9790ab596b28481858e54efd989a826ed3a4a",
        awsSdkBundlePath: "com/amazonaws/aws-java-sdk-bundle/1.12.262/aws-java-sdk-bundle-1.12.262.jar",
        awsSdkBundleSha256: "873fe7cf495126619997bec21c44de5d992544aea7e632fdc77adb1a0915bae5",
    },
};

const SPARK_VERSION = /^(\d+)\.(\d+)\.(\d+)$/;

/** The tag the platform Spark image is pushed under. */
export function sparkImageTag(sparkVersion: string, revision: string = IMAGES_DEFAULTS.imageRevision): string {
    return `${sparkVersion}-${revision}`;
}

/** Docker build args for a Spark version, or an exact error naming what is missing. */
export function sparkBuildArgs(sparkVersion: string): Record<string, string> {
    const m = SPARK_VERSION.exec(sparkVersion);
    if (!m) {
        throw new Error(`sparkVersion must be a Spark release such as 3.5.6, got "${sparkVersion}"`);
    }
    const lineKey = `${m[1]}.${m[2]}`;
    const line = SPARK_LINES[lineKey];
    if (!line) {
        throw new Error(`no pinned hadoop-aws/AWS SDK jars for Spark ${lineKey}.x (supported: ${Object.keys(SPARK_LINES).join(", ")}); add the line to SPARK_LINES in components/images.ts`);
    }
    return {
        SPARK_BASE_TAG: `${sparkVersion}-${line.baseTagSuffix}`,
        HADOOP_AWS_VERSION: line.hadoopAwsVersion,
        HADOOP_AWS_SHA256: line.hadoopAwsSha256,
        AWS_SDK_BUNDLE_PATH: line.awsSdkBundlePath,
        AWS_SDK_BUNDLE_SHA256: line.awsSdkBundleSha256,
    };
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
    /** Build and push the platform Spark image from images/spark. Defaults to false. */
    readonly buildSparkImage?: boolean;
    /** Spark release of the platform image. Defaults to "3.5.6". */
    readonly sparkVersion?: string;
}

/** ECR repositories for the engines, plus the optional platform Spark image build. */
export class ImageRegistry extends pulumi.ComponentResource {
    /** Repository URL per engine ("spark", "flink", "ray"). */
    public readonly repositoryUrls: pulumi.Output<Record<string, string>>;
    /** Repository ARN per engine (for CI push policies). */
    public readonly repositoryArns: pulumi.Output<Record<string, string>>;
    /** The pinned platform Spark image: `<acct>.dkr.ecr.<region>.amazonaws.com/<baseName>/spark:<sparkVersion>-<rev>`. */
    public readonly sparkImage: pulumi.Output<string>;
    /** The registry-qualified digest reference of the built image; undefined when the build is off. */
    public readonly sparkImageRef: pulumi.Output<string | undefined>;

    constructor(name: string, args: ImageRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
        super("moka:images:ImageRegistry", name, {}, opts);

        const fail = (msg: string): never => { throw new Error(`moka:images:ImageRegistry "${name}": ${msg}`); };
        if (!args.baseName) {
            fail("args.baseName is required");
        }
        if (typeof args.protect !== "boolean") {
            fail("args.protect is required (true for prod and staging)");
        }
        const untaggedExpireDays = args.untaggedExpireDays ?? IMAGES_DEFAULTS.untaggedExpireDays;
        const keepTaggedImages = args.keepTaggedImages ?? IMAGES_DEFAULTS.keepTaggedImages;
        const sparkVersion = args.sparkVersion ?? IMAGES_DEFAULTS.sparkVersion;
        const buildSparkImage = args.buildSparkImage ?? false;
        const engines = args.engines ?? { flink: false, ray: false };
        if (!Number.isInteger(untaggedExpireDays) || untaggedExpireDays < 1 || untaggedExpireDays > 365) {
            fail(`args.untaggedExpireDays must be a whole number between 1 and 365, got ${untaggedExpireDays}`);
        }
        if (!Number.isInteger(keepTaggedImages) || keepTaggedImages < 1 || keepTaggedImages > 1000) {
            fail(`args.keepTaggedImages must be a whole number between 1 and 1000, got ${keepTaggedImages}`);
        }
        if (!SPARK_VERSION.test(sparkVersion)) {
            fail(`args.sparkVersion must be a Spark release such as 3.5.6, got "${sparkVersion}"`);
        }
        let buildArgs: Record<string, string> | undefined;
        if (buildSparkImage) {
            try {
                buildArgs = sparkBuildArgs(sparkVersion);
            } catch (e) {
                fail(`args.sparkVersion: ${(e as Error).message}`);
            }
        }
        const protect = args.protect;

        const repos: Record<string, aws.ecr.Repository> = {};
        for (const engine of registryEngines(engines)) {
            const repo = new aws.ecr.Repository(`${name}-${engine}`, {
                name: `${args.baseName}/${engine}`,
                imageTagMutability: "IMMUTABLE",
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
        const sparkImage = pulumi.interpolate`${spark.repositoryUrl}:${sparkImageTag(sparkVersion)}`;
        let sparkImageRef: pulumi.Output<string | undefined> = pulumi.output(undefined);

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
                tags: [sparkImage],
                registries: [{
                    address: spark.repositoryUrl.apply((url) => url.split("/")[0]),
                    username: auth.userName,
                    password: pulumi.secret(auth.password),
                }],
            }, { parent: this });
            sparkImageRef = image.ref;
        }

        const entries = Object.entries(repos);
        this.repositoryUrls = pulumi.all(entries.map(([, r]) => r.repositoryUrl))
            .apply((urls) => Object.fromEntries(entries.map(([engine], i) => [engine, urls[i]])));
        this.repositoryArns = pulumi.all(entries.map(([, r]) => r.arn))
            .apply((arns) => Object.fromEntries(entries.map(([engine], i) => [engine, arns[i]])));
        this.sparkImage = sparkImage;
        this.sparkImageRef = sparkImageRef;

        this.registerOutputs({
            repositoryUrls: this.repositoryUrls,
            repositoryArns: this.repositoryArns,
            sparkImage: this.sparkImage,
            sparkImageRef: this.sparkImageRef,
        });
    }
}
