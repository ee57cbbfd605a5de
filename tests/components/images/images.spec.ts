import * as assert from "assert";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { SPARK_UID } from "../../../lib/platform";
import {
    IMAGES_DEFAULTS, ImageRegistry, SPARK_LINES, UNSUPPORTED_SPARK_LINES, lifecyclePolicy, registryEngines, repositoryTagMutability, sparkBuildArgs,
    sparkImageTag, sparkLineKey, unsupportedSparkReason, type ImageRegistryArgs,
} from "../../../components/images";
import { MockRunResult, PROJECT_ROOT, RecordedResource, runUnderMocks } from "../../../preview/mocks";
import { byName, ofType } from "../../helpers/resources";
import { constructionErrors } from "../../helpers/construct";

const ACCOUNT = "111111111111";
const REGION = "us-west-2";
const CONFIG = { "aws:region": REGION, "moka:accountId": ACCOUNT };
const TAGS = { "cost-center": "data-platform", owner: "platform@example.com", environment: "test", "managed-by": "pulumi" };
const REGISTRY = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`;

const T = {
    component: "moka:images:ImageRegistry",
    repo: "aws:ecr/repository:Repository",
    lifecycle: "aws:ecr/lifecyclePolicy:LifecyclePolicy",
    image: "docker-build:index:Image",
} as const;

function args(over: Partial<ImageRegistryArgs> = {}): ImageRegistryArgs {
    return { baseName: "moka-test", tags: TAGS, protect: false, ...over };
}

async function runRegistry(over: Partial<ImageRegistryArgs>): Promise<MockRunResult> {
    return runUnderMocks({
        stack: "test",
        config: CONFIG,
        program: () => {
            const reg = new ImageRegistry("img", args(over));
            return { repositoryUrls: reg.repositoryUrls, repositoryArns: reg.repositoryArns, sparkImage: reg.sparkImage, sparkImageTag: reg.sparkImageTag };
        },
    });
}

const children = (run: MockRunResult) => {
    const comp = ofType(run.resources, T.component)[0];
    return run.resources.filter((r) => r.parent === comp.urn).map((r) => `${r.type} ${r.name}`).sort();
};

/** Pulumi's wire marker for a secret value ("4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270"). */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const isSecret = (v: any) => v !== null && typeof v === "object" && SECRET_SIG in v;
const unsecret = (v: any) => (isSecret(v) ? v.value : v);

/** The default line's pins, spelled out so a change to SPARK_LINES must be made here too. */
const LINE_4_1 = {
    HADOOP_AWS_VERSION: "3.4.2",
    HADOOP_AWS_SHA256: "d2d24e6b715b5656b9d238bf13b6682a07e2004dd36aad74a73aeb854319f4d9",
    HADOOP_AWS_SHA1: "16f9de6da5c7862241d55a13d34843404d0cbb88",
    AWS_SDK_BUNDLE_PATH: "software/amazon/awssdk/bundle/2.29.52/bundle-2.29.52.jar",
    AWS_SDK_BUNDLE_SHA256: "62638f33045690c6bc5e496b54b0b2e89a9ad38cbedacdf6e017fea6bc85f55c",
    AWS_SDK_BUNDLE_SHA1: "b63eb928c2ac13bde07746bcfe7fb38bbdb4b5c5",
};
const SPARK_35_REJECTED = "Spark 3.5.x bundles Hadoop 3.3.4, whose S3A uses the AWS SDK v1 bundle 1.12.262: it cannot load "
    + "the SDK v2 ContainerCredentialsProvider the platform's Spark defaults set, and that SDK predates EKS Pod Identity "
    + "(needs v1 >= 1.12.746 or v2 >= 2.21.30), the platform's only workload identity; use Spark 4.1.x";
const NO_PINNED_4_0 = "no pinned hadoop-aws/AWS SDK jars for Spark 4.0.x (supported: 4.1); add the line to SPARK_LINES in components/images/index.ts";

/** Compare dotted versions numerically. */
const versionAtLeast = (v: string, min: string) => {
    const a = v.split(".").map(Number);
    const b = min.split(".").map(Number);
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
        if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
    }
    return true;
};

describe("images (pure)", () => {
    it("lifecycle policy: untagged expire after N days, keep the newest M tagged", () => {
        assert.deepStrictEqual(lifecyclePolicy(14, 50).rules, [
            { rulePriority: 1, description: "Expire untagged images 14 days after push", selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 14 }, action: { type: "expire" } },
            { rulePriority: 2, description: "Keep the 50 most recent tagged images", selection: { tagStatus: "tagged", tagPatternList: ["*"], countType: "imageCountMoreThan", countNumber: 50 }, action: { type: "expire" } },
        ]);
    });

    const engines: [{ flink: boolean; ray: boolean }, string[]][] = [
        [{ flink: false, ray: false }, ["spark"]],
        [{ flink: true, ray: false }, ["spark", "flink"]],
        [{ flink: false, ray: true }, ["spark", "ray"]],
        [{ flink: true, ray: true }, ["spark", "flink", "ray"]],
    ];
    for (const [e, expected] of engines) {
        it(`repositories for ${JSON.stringify(e)}: ${expected.join(", ")}`, () => assert.deepStrictEqual(registryEngines(e), expected));
    }

    it("tags carry the Spark version and the image revision", () => assert.strictEqual(sparkImageTag("4.1.2"), "4.1.2-r2"));

    it("the default Spark version is 4.1.2, on a supported 4.x line", () => {
        assert.strictEqual(IMAGES_DEFAULTS.sparkVersion, "4.1.2");
        assert.strictEqual(sparkLineKey(IMAGES_DEFAULTS.sparkVersion), "4.1");
        assert.ok(SPARK_LINES[sparkLineKey(IMAGES_DEFAULTS.sparkVersion)]);
        assert.strictEqual(unsupportedSparkReason(IMAGES_DEFAULTS.sparkVersion), undefined);
    });

    it("supported lines: exactly 4.1; rejected lines: exactly 3.5", () => {
        assert.deepStrictEqual(Object.keys(SPARK_LINES), ["4.1"]);
        assert.deepStrictEqual(Object.keys(UNSUPPORTED_SPARK_LINES), ["3.5"]);
    });

    const supported: [string, Record<string, string>][] = [
        ["4.1.2", { SPARK_BASE_TAG: "4.1.2-scala2.13-java21-python3-ubuntu", ...LINE_4_1 }],
        ["4.1.0", { SPARK_BASE_TAG: "4.1.0-scala2.13-java21-python3-ubuntu", ...LINE_4_1 }],
    ];
    for (const [v, expected] of supported) {
        it(`build args for ${v} pin Hadoop 3.4.2's hadoop-aws and its SDK v2 bundle by SHA-256 and SHA-1`, () => {
            assert.deepStrictEqual(sparkBuildArgs(v), expected);
        });
    }

    for (const [key, line] of Object.entries(SPARK_LINES)) {
        it(`line ${key}: well-formed digests, Hadoop >= 3.4 with an SDK v2 bundle that reads EKS Pod Identity (>= 2.21.30)`, () => {
            assert.match(line.hadoopAwsSha256, /^[0-9a-f]{64}$/);
            assert.match(line.awsSdkBundleSha256, /^[0-9a-f]{64}$/);
            assert.match(line.hadoopAwsSha1, /^[0-9a-f]{40}$/);
            assert.match(line.awsSdkBundleSha1, /^[0-9a-f]{40}$/);
            assert.ok(versionAtLeast(line.hadoopAwsVersion, "3.4.0"), line.hadoopAwsVersion);
            const m = /^software\/amazon\/awssdk\/bundle\/(\d+\.\d+\.\d+)\/bundle-\1\.jar$/.exec(line.awsSdkBundlePath);
            assert.ok(m, line.awsSdkBundlePath);
            assert.ok(versionAtLeast(m![1], "2.21.30"), m![1]);
            assert.match(line.baseTagSuffix, /^scala2\.13-java(17|21)-python3-ubuntu$/);
        });
    }

    const badVersions: [string, string][] = [
        ["3.5.6", SPARK_35_REJECTED],
        ["3.5.0", SPARK_35_REJECTED],
        ["4.0.0", NO_PINNED_4_0],
        ["4.2.0", "no pinned hadoop-aws/AWS SDK jars for Spark 4.2.x (supported: 4.1); add the line to SPARK_LINES in components/images/index.ts"],
        ["3.5", 'sparkVersion must be a Spark release such as 4.1.2, got "3.5"'],
        ["4.1.2-preview1", 'sparkVersion must be a Spark release such as 4.1.2, got "4.1.2-preview1"'],
    ];
    for (const [v, message] of badVersions) {
        it(`build args for ${v} fail: ${message}`, () => assert.throws(() => sparkBuildArgs(v), { message }));
    }

    const reasons: [string, string | undefined][] = [
        ["3.5.6", SPARK_35_REJECTED],
        ["4.1.2", undefined],
        ["4.0.0", undefined],
    ];
    for (const [v, reason] of reasons) {
        it(`unsupportedSparkReason(${v}) is ${reason === undefined ? "undefined" : "the 3.5 reason"}`, () => {
            assert.strictEqual(unsupportedSparkReason(v), reason);
        });
    }
});

/** Every file of the Spark build context, by path relative to it ("/"-separated), with its contents. */
function contextFiles(): Record<string, string> {
    const root = path.join(PROJECT_ROOT, IMAGES_DEFAULTS.context);
    const files: Record<string, string> = {};
    const walk = (dir: string) => {
        for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
            const full = path.join(dir, e.name);
            if (e.isDirectory()) {
                walk(full);
            } else {
                files[path.relative(root, full).split(path.sep).join("/")] = fs.readFileSync(full, "utf8");
            }
        }
    };
    walk(root);
    return files;
}

/**
 * What the image revision was built from, the way @pulumi/docker-build decides to rebuild: every file of the
 * build context by path and contents (provider/internal/context.go hashBuildContext at v0.0.22 also hashes
 * file modes, which a checkout may change; the repository's tag exclusion absorbs that re-push), plus the
 * build args (SPARK_LINES). Line endings are normalised so a CRLF checkout does not fail the test.
 */
function buildInputsSha256(files: Record<string, string>, lines: unknown = SPARK_LINES): string {
    const h = createHash("sha256");
    for (const f of Object.keys(files).sort()) {
        h.update(`${f}\0${files[f].replace(/\r\n/g, "\n")}\0`);
    }
    h.update(JSON.stringify(lines));
    return h.digest("hex");
}

describe("images: the revision names the content (a rebuild re-pushes the tag)", () => {
    it(`images/spark and SPARK_LINES are what revision ${IMAGES_DEFAULTS.imageRevision} was built from`, () => {
        const now = buildInputsSha256(contextFiles());
        assert.strictEqual(now, IMAGES_DEFAULTS.contextSha256,
            `images/spark or SPARK_LINES changed since image revision ${IMAGES_DEFAULTS.imageRevision} (recorded ${IMAGES_DEFAULTS.contextSha256}, now ${now}): `
            + "bump IMAGES_DEFAULTS.imageRevision and set contextSha256 to the new value, so the new image gets a tag of its own");
    });

    it("the fingerprint follows the content: an edited or added file, or a changed pin, changes it; CRLF does not", () => {
        const files = contextFiles();
        assert.deepStrictEqual(Object.keys(files), ["Dockerfile"]);
        const base = buildInputsSha256(files);
        assert.notStrictEqual(buildInputsSha256({ ...files, Dockerfile: `${files.Dockerfile}# an edit\n` }), base);
        assert.notStrictEqual(buildInputsSha256({ ...files, "extra.txt": "x" }), base);
        assert.notStrictEqual(buildInputsSha256(files, { "4.1": { ...SPARK_LINES["4.1"], hadoopAwsVersion: "3.4.3" } }), base);
        assert.strictEqual(buildInputsSha256({ Dockerfile: files.Dockerfile.replace(/\n/g, "\r\n") }), base);
    });

    it("only the build's own tag is mutable: an exact filter (no wildcard) within ECR's filter pattern", () => {
        assert.deepStrictEqual(repositoryTagMutability(), { imageTagMutability: "IMMUTABLE" });
        const m = repositoryTagMutability(sparkImageTag(IMAGES_DEFAULTS.sparkVersion));
        assert.deepStrictEqual(m, { imageTagMutability: "IMMUTABLE_WITH_EXCLUSION", imageTagMutabilityExclusionFilters: [{ filterType: "WILDCARD", filter: "4.1.2-r2" }] });
        // botocore ecr 2015-09-21 ImageTagMutabilityExclusionFilterValue: ^[0-9a-zA-Z._*-]{1,128}$.
        assert.match(m.imageTagMutabilityExclusionFilters![0].filter, /^[0-9a-zA-Z._-]{1,128}$/);
    });
});

describe("images/spark/Dockerfile", () => {
    const text = fs.readFileSync(path.join(PROJECT_ROOT, "images", "spark", "Dockerfile"), "utf8");
    const lines = text.split("\n").filter((l) => !l.startsWith("#"));
    const argDefaults = Object.fromEntries([...text.matchAll(/^ARG (\w+)=(\S+)$/gm)].map((m) => [m[1], m[2]]));
    const instructions = lines.join("\n").replace(/\s*\\\n\s*/g, " ").split("\n").filter((l) => /^[A-Z]+ /.test(l));

    it("its ARG defaults are exactly what the component passes for the default Spark version", () => {
        const { MAVEN_CENTRAL, ...rest } = argDefaults;
        assert.strictEqual(MAVEN_CENTRAL, "https://repo1.maven.org/maven2");
        assert.deepStrictEqual(rest, sparkBuildArgs(IMAGES_DEFAULTS.sparkVersion));
    });

    it("builds FROM the official apache/spark image at a pinned tag", () => {
        const from = instructions.filter((l) => l.startsWith("FROM "));
        assert.deepStrictEqual(from, ["FROM apache/spark:${SPARK_BASE_TAG}"]);
        assert.match(argDefaults.SPARK_BASE_TAG, /^\d+\.\d+\.\d+-scala\d\.\d+-java\d+-python3-ubuntu$/);
        assert.doesNotMatch(text, /:latest\b/);
    });

    it("verifies every download by SHA-256 and adds the jars read-only", () => {
        const adds = instructions.filter((l) => l.startsWith("ADD "));
        assert.strictEqual(adds.length, 2);
        for (const a of adds) {
            assert.match(a, /^ADD --checksum=sha256:\$\{[A-Z_]+_SHA256\} --chmod=0644 \$\{MAVEN_CENTRAL\}\/\S+ \/opt\/spark\/jars\/$/);
        }
        assert.match(adds[0], /hadoop-aws-\$\{HADOOP_AWS_VERSION\}\.jar/);
        assert.match(adds[1], /\$\{AWS_SDK_BUNDLE_PATH\}/);
        assert.ok(!instructions.some((l) => /^RUN .*(curl|wget)/.test(l)), "downloads go through ADD --checksum");
    });

    it("cross-checks both downloaded jars against the independent SHA-1 pins, after the downloads", () => {
        const runs = instructions.filter((l) => l.startsWith("RUN "));
        assert.strictEqual(runs.length, 1);
        const run = runs[0];
        assert.match(run, /\| sha1sum --check --strict -$/);
        assert.ok(run.includes('"${HADOOP_AWS_SHA1}" "/opt/spark/jars/hadoop-aws-${HADOOP_AWS_VERSION}.jar"'), run);
        assert.ok(run.includes('"${AWS_SDK_BUNDLE_SHA1}" "/opt/spark/jars/$(basename "${AWS_SDK_BUNDLE_PATH}")"'), run);
        const lastAdd = instructions.map((l) => l.startsWith("ADD ")).lastIndexOf(true);
        assert.ok(instructions.indexOf(run) > lastAdd);
    });

    it("documents the SDK v2 / Pod Identity reason and does not default to the 3.5 line", () => {
        assert.match(text, /AWS SDK for\s+#?\s*Java v2 bundle/);
        assert.match(text, /Spark 3\.5\.x \(Hadoop 3\.3\.4, SDK v1 bundle 1\.12\.262\) cannot use Pod Identity/);
        assert.doesNotMatch(lines.join("\n"), /3\.3\.4|1\.12\.262|scala2\.12/);
    });

    it(`runs as the non-root spark user (UID ${SPARK_UID}), numerically`, () => {
        const users = instructions.filter((l) => l.startsWith("USER "));
        assert.deepStrictEqual(users, [`USER ${SPARK_UID}:${SPARK_UID}`]);
        assert.strictEqual(instructions.indexOf(users[0]) > instructions.findIndex((l) => l.startsWith("ADD ")), true);
    });

    it("every variable used inside the build stage is declared by an ARG in that stage", () => {
        const from = instructions.findIndex((l) => l.startsWith("FROM "));
        const stage = instructions.slice(from + 1);
        const declared = new Set(stage.filter((l) => l.startsWith("ARG ")).map((l) => l.slice(4).split("=")[0]));
        const used = new Set(stage.filter((l) => !l.startsWith("ARG ")).flatMap((l) => [...l.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1])));
        assert.deepStrictEqual([...used].filter((v) => !declared.has(v)), []);
        assert.ok(used.has("SPARK_BASE_TAG"));
    });

    it("pins the Dockerfile frontend", () => assert.match(text.split("\n")[0], /^# syntax=docker\/dockerfile:\d+\.\d+$/));
});

describe("ImageRegistry component: defaults (spark only, built and pushed here)", () => {
    let run: MockRunResult;
    before(async () => { run = await runRegistry({}); });

    it("creates exactly the spark repository, its lifecycle policy and the image build", () => {
        assert.deepStrictEqual(children(run), [`${T.lifecycle} img-spark-lifecycle`, `${T.repo} img-spark`, `${T.image} img-spark-image`].sort());
    });

    it("repository: <baseName>/spark, scan on push, tags immutable but the build's own, KMS, tags; not protected", () => {
        const repo = byName(run.resources, "img-spark");
        assert.strictEqual(repo.inputs.name, "moka-test/spark");
        assert.deepStrictEqual(repo.inputs.imageScanningConfiguration, { scanOnPush: true });
        // A rebuild (docker-build's contextHash changed) re-pushes 4.1.2-r2 with a new digest; IMMUTABLE would refuse it.
        assert.strictEqual(repo.inputs.imageTagMutability, "IMMUTABLE_WITH_EXCLUSION");
        assert.deepStrictEqual(repo.inputs.imageTagMutabilityExclusionFilters, [{ filterType: "WILDCARD", filter: "4.1.2-r2" }]);
        assert.deepStrictEqual(repo.inputs.encryptionConfigurations, [{ encryptionType: "KMS" }]);
        assert.deepStrictEqual(repo.inputs.tags, TAGS);
        assert.strictEqual(repo.protect, false);
        assert.strictEqual(repo.retainOnDelete, false);
        assert.strictEqual(repo.inputs.forceDelete, true);
    });

    it("lifecycle policy uses the defaults (14 days untagged, 50 tagged)", () => {
        const lp = byName(run.resources, "img-spark-lifecycle").inputs;
        assert.strictEqual(lp.repository, "moka-test/spark");
        assert.deepStrictEqual(JSON.parse(lp.policy), lifecyclePolicy(14, 50));
    });

    it("outputs the repository URL, the pushed tag, and the image to run: that tag at the pushed digest", () => {
        assert.deepStrictEqual(run.outputs.repositoryUrls, { spark: `${REGISTRY}/moka-test/spark` });
        assert.deepStrictEqual(run.outputs.repositoryArns, { spark: `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/moka-test/spark` });
        assert.strictEqual(run.outputs.sparkImageTag, `${REGISTRY}/moka-test/spark:4.1.2-r2`);
        assert.match(String(run.outputs.sparkImage), new RegExp(`^${REGISTRY.replace(/\./g, "\\.")}/moka-test/spark:4\\.1\\.2-r2@sha256:[0-9a-f]{64}$`));
    });
});

describe("ImageRegistry component: an external Spark image (no build)", () => {
    const EXT = `222222222222.dkr.ecr.${REGION}.amazonaws.com/shared/spark:4.1.2@sha256:${"a".repeat(64)}`;
    let run: MockRunResult;
    before(async () => { run = await runRegistry({ sparkImage: { source: "external", image: EXT } }); });

    it("creates the repository (all tags immutable: nothing here pushes) but no build, and runs the external image as given", () => {
        assert.deepStrictEqual(children(run), [`${T.lifecycle} img-spark-lifecycle`, `${T.repo} img-spark`]);
        assert.strictEqual(byName(run.resources, "img-spark").inputs.imageTagMutability, "IMMUTABLE");
        assert.strictEqual(byName(run.resources, "img-spark").inputs.imageTagMutabilityExclusionFilters, undefined);
        assert.strictEqual(run.outputs.sparkImage, EXT);
        assert.strictEqual(run.outputs.sparkImageTag, EXT);
    });
});

describe("ImageRegistry component: every engine, protected, custom lifecycle", () => {
    let run: MockRunResult;
    before(async () => { run = await runRegistry({ engines: { flink: true, ray: true }, protect: true, untaggedExpireDays: 7, keepTaggedImages: 20 }); });

    it("creates spark, flink and ray repositories, each with a lifecycle policy", () => {
        assert.deepStrictEqual(children(run), [
            `${T.lifecycle} img-flink-lifecycle`, `${T.lifecycle} img-ray-lifecycle`, `${T.lifecycle} img-spark-lifecycle`,
            `${T.repo} img-flink`, `${T.repo} img-ray`, `${T.repo} img-spark`, `${T.image} img-spark-image`,
        ]);
        assert.deepStrictEqual(ofType(run.resources, T.repo).map((r) => r.inputs.name).sort(), ["moka-test/flink", "moka-test/ray", "moka-test/spark"]);
    });

    it("protects every repository and refuses force-deletes", () => {
        for (const r of ofType(run.resources, T.repo)) {
            assert.deepStrictEqual([r.protect, r.retainOnDelete, r.inputs.forceDelete, r.inputs.imageTagMutability, r.inputs.imageScanningConfiguration.scanOnPush],
                [true, true, false, r.name === "img-spark" ? "IMMUTABLE_WITH_EXCLUSION" : "IMMUTABLE", true], r.name);
        }
    });

    it("applies the lifecycle arguments", () => {
        for (const r of ofType(run.resources, T.lifecycle)) {
            assert.deepStrictEqual(JSON.parse(r.inputs.policy), lifecyclePolicy(7, 20), r.name);
        }
        assert.deepStrictEqual(Object.keys(run.outputs.repositoryUrls as object), ["spark", "flink", "ray"]);
    });
});

describe("ImageRegistry component: the Spark image build", () => {
    let run: MockRunResult;
    let image: RecordedResource;
    before(async () => {
        run = await runRegistry({ sparkImage: { source: "build" } });
        image = ofType(run.resources, T.image)[0];
    });

    it("adds exactly one docker-build Image under the component", () => {
        assert.deepStrictEqual(children(run), [`${T.lifecycle} img-spark-lifecycle`, `${T.repo} img-spark`, `${T.image} img-spark-image`].sort());
    });

    it("builds both architectures from images/spark and pushes the pinned tag", () => {
        assert.deepStrictEqual(image.inputs.platforms, ["linux/amd64", "linux/arm64"]);
        assert.strictEqual(image.inputs.push, true);
        assert.strictEqual(image.inputs.buildOnPreview, false);
        assert.deepStrictEqual(image.inputs.context, { location: "images/spark" });
        assert.deepStrictEqual(image.inputs.dockerfile, { location: "images/spark/Dockerfile" });
        assert.deepStrictEqual(image.inputs.tags, [`${REGISTRY}/moka-test/spark:4.1.2-r2`]);
        assert.deepStrictEqual(image.inputs.buildArgs, { SPARK_BASE_TAG: "4.1.2-scala2.13-java21-python3-ubuntu", ...LINE_4_1 });
        assert.ok(fs.existsSync(path.join(PROJECT_ROOT, image.inputs.dockerfile.location)));
    });

    it("authenticates to the repository's registry with the ECR token, kept secret", () => {
        assert.ok(isSecret(image.inputs.registries), "the registry password must reach the engine as a secret");
        const regs = unsecret(image.inputs.registries);
        assert.strictEqual(regs.length, 1);
        assert.strictEqual(regs[0].address, REGISTRY);
        assert.strictEqual(regs[0].username, "AWS");
        assert.strictEqual(unsecret(regs[0].password), "mock-token");
    });

    it("sparkImage is the build's ref (the pushed tag with its digest), so what runs it depends on the push", () => {
        assert.strictEqual(run.outputs.sparkImage, image.state.ref);
        assert.strictEqual(run.outputs.sparkImage, `${image.inputs.tags[0]}@${image.state.digest}`);
        assert.strictEqual(run.outputs.sparkImageTag, image.inputs.tags[0]);
    });
});

describe("ImageRegistry component: arguments", () => {
    const cases: [string, Partial<ImageRegistryArgs>, string][] = [
        ["a Spark line without pins when building", { sparkVersion: "4.0.0" },
            `moka:images:ImageRegistry "bad": args.sparkVersion: ${NO_PINNED_4_0}`],
        ["Spark 3.5 even with an external image", { sparkImage: { source: "external", image: `x.io/spark@sha256:${"b".repeat(64)}` }, sparkVersion: "3.5.6" }, `moka:images:ImageRegistry "bad": args.sparkVersion: ${SPARK_35_REJECTED}`],
        ["Spark 3.5 when building", { sparkVersion: "3.5.6" }, `moka:images:ImageRegistry "bad": args.sparkVersion: ${SPARK_35_REJECTED}`],
        ["an external image not pinned by digest", { sparkImage: { source: "external", image: "x.io/spark:4.1.2" } }, 'moka:images:ImageRegistry "bad": args.sparkImage.image must be an image pinned by digest (<registry>/<repository>@sha256:<digest>) with source external, got "x.io/spark:4.1.2"'],
        ["an image with source build", { sparkImage: { source: "build", image: `x.io/spark@sha256:${"b".repeat(64)}` } }, 'moka:images:ImageRegistry "bad": args.sparkImage.image applies only to source external'],
        ["a malformed Spark version", { sparkVersion: "latest" }, 'moka:images:ImageRegistry "bad": args.sparkVersion must be a Spark release such as 4.1.2, got "latest"'],
        ["zero untagged days", { untaggedExpireDays: 0 }, 'moka:images:ImageRegistry "bad": args.untaggedExpireDays must be a whole number between 1 and 365, got 0'],
        ["too many kept images", { keepTaggedImages: 1001 }, 'moka:images:ImageRegistry "bad": args.keepTaggedImages must be a whole number between 1 and 1000, got 1001'],
        ["no protect decision", { protect: undefined as unknown as boolean }, 'moka:images:ImageRegistry "bad": args.protect is required (true for prod and staging)'],
    ];
    for (const [label, over, message] of cases) {
        it(`rejects ${label}`, async () => {
            const { errors, created } = await constructionErrors((_provider) => {
                new ImageRegistry("bad", args(over));
            }, CONFIG);
            assert.deepStrictEqual(errors, [message]);
            assert.strictEqual(created, 0);
        });
    }

    it("a Spark line without digests is fine with an external image", async () => {
        const ext = `x.io/spark:4.0.0@sha256:${"c".repeat(64)}`;
        const run = await runRegistry({ sparkVersion: "4.0.0", sparkImage: { source: "external", image: ext } });
        assert.strictEqual(run.outputs.sparkImage, ext);
    });
});
