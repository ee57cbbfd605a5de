import { strict as assert } from "assert";
import { check, TestResource, UNKNOWN, violations } from "../../helpers/policy";
import { helmReleaseVersionPinned, imageRegistryAllowed, imageTagPinned } from "../../../policies/security/rules/supply-chain";
import { APP_IMAGE, ECR, expectClean, expectUnknownAdvisory, expectViolation, mutate, runStackDirect, WORKLOADS } from "./support";
import { benchSize } from "../bench-scale";
import { expectUnknownsAddNoViolation } from "../regression";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const release = (extra: Record<string, unknown> = {}): TestResource => {
    const props: Record<string, unknown> = { chart: "karpenter", version: "1.6.3", repositoryOpts: { repo: "oci://public.ecr.aws/karpenter" }, namespace: "karpenter", values: {}, ...extra };
    return { type: RELEASE, props: JSON.parse(JSON.stringify(props)) }; // undefined = absent
};
const deployment = WORKLOADS.find((w) => w.kind === "Deployment")!;
const awsProvider = (props: Record<string, unknown>): TestResource => ({ type: "pulumi:providers:aws", name: "aws", props });

describe("security: supply-chain rules", () => {
    describe("helm-release-version-pinned", () => {
        it("passes exact versions", async () => {
            for (const version of ["1.6.3", "v0.17.0", "2.0.0-rc.1", "1.2.3+build.5"]) {
                await expectClean(helmReleaseVersionPinned, release({ version }));
            }
        });
        const bad: [string, unknown][] = [
            ["absent", undefined], ["empty", ""], ["caret range", "^1.6.0"], ["tilde range", "~1.6"], ["x range", "1.x"],
            ["comparison", ">=1.0.0"], ["latest", "latest"], ["partial", "1.6"], ["star", "*"], ["or-range", "1.0.0 || 2.0.0"], ["number", 1],
        ];
        for (const [label, version] of bad) {
            it(`flags a ${label} version`, async () => {
                const r = mutate(release(), (d) => (version === undefined ? delete d.props.version : (d.props.version = version)));
                await expectViolation(helmReleaseVersionPinned, r, /not pinned to an exact version/);
            });
        }
        it("covers helm v4 Chart and v3 Chart (version or fetchOpts.version)", async () => {
            await expectViolation(helmReleaseVersionPinned, { type: "kubernetes:helm.sh/v4:Chart", props: { chart: "oci://registry-1.docker.io/bitnamicharts/nginx" } }, /not set/);
            await expectClean(helmReleaseVersionPinned, { type: "kubernetes:helm.sh/v4:Chart", props: { chart: "oci://registry-1.docker.io/bitnamicharts/nginx", version: "18.2.4" } });
            await expectViolation(helmReleaseVersionPinned, { type: "kubernetes:helm.sh/v3:Chart", props: { chart: "nginx", fetchOpts: { repo: "https://charts.bitnami.com/bitnami", version: "^18" } } }, /"\^18"/);
            await expectClean(helmReleaseVersionPinned, { type: "kubernetes:helm.sh/v3:Chart", props: { chart: "nginx", fetchOpts: { repo: "https://charts.bitnami.com/bitnami", version: "18.2.4" } } });
        });
        it("treats local charts and invisible component inputs as pinned", async () => {
            await expectClean(helmReleaseVersionPinned, release({ chart: "./charts/moka", version: undefined, repositoryOpts: undefined }));
            await expectClean(helmReleaseVersionPinned, release({ chart: "../charts/moka-0.1.0.tgz", repositoryOpts: undefined, version: undefined }));
            await expectClean(helmReleaseVersionPinned, { type: "kubernetes:helm.sh/v3:Chart", props: { path: "./charts/app" } });
            await expectClean(helmReleaseVersionPinned, { type: "kubernetes:helm.sh/v3:Chart", props: {} });
        });
        it("flags repo-alias and bare chart names without a version", async () => {
            await expectViolation(helmReleaseVersionPinned, release({ chart: "bitnami/nginx", repositoryOpts: undefined, version: undefined }), /bitnami\/nginx/);
            await expectViolation(helmReleaseVersionPinned, release({ chart: "ingress-nginx", repositoryOpts: undefined, version: undefined }), /"ingress-nginx"/);
        });
        it("turns an unknown version into an advisory", async () => {
            await expectUnknownAdvisory(helmReleaseVersionPinned, release({ version: UNKNOWN }));
        });
        it("skips charts on disk and OCI charts pinned by digest, but only those", async () => {
            const digest = `oci://registry.example.com/charts/app@sha256:${"a".repeat(64)}`;
            for (const chart of ["./charts/app", "../app", "/srv/charts/app", "file:///srv/app", "app-1.0.0.TGZ", " ./charts/app ", digest]) {
                await expectClean(helmReleaseVersionPinned, release({ chart, version: undefined, repositoryOpts: undefined }));
            }
            for (const chart of [".../app", "app.tgz.bak", `oci://registry.example.com/charts/app@sha256:${"a".repeat(63)}`, `x${digest}`, `${digest}x`]) {
                await expectViolation(helmReleaseVersionPinned, release({ chart, version: undefined }), /\(version: not set\)/);
            }
            await expectViolation(helmReleaseVersionPinned, release({ chart: digest, version: "^1" }), /\(version: "\^1"\)/);
        });
        it("applies to helm.sh/v3 and v4 Charts (v3 with a local path is pinned by its files) and nothing else", async () => {
            await expectClean(helmReleaseVersionPinned, { type: "kubernetes:helm.sh/v3:Chart", props: { path: "./charts/app", chart: "nginx" } });
            await expectClean(helmReleaseVersionPinned, { type: "kubernetes:helm.sh/v3:Chart", props: { chart: " nginx ", fetchOpts: { version: " 1.2.3 " } } });
            await expectViolation(helmReleaseVersionPinned, { type: "kubernetes:helm.sh/v3:Chart", props: { chart: "nginx", fetchOpts: {} } }, /^[^]*Helm chart "nginx" is not pinned/);
            await expectViolation(helmReleaseVersionPinned, { type: "kubernetes:helm.sh/v4:Chart", props: { chart: " nginx " } }, /Helm chart "nginx" is not pinned to an exact version \(version: not set\)/);
            await expectViolation(helmReleaseVersionPinned, { type: "kubernetes:helm.sh/v4:Chart", props: { path: "./x", chart: "nginx" } }, /"nginx"/);
            await expectClean(helmReleaseVersionPinned, { type: "kubernetes:core/v1:ConfigMap", props: { chart: "nginx" } });
        });
    });

    describe("image-tag-pinned", () => {
        for (const w of WORKLOADS) {
            it(`${w.kind}: passes a version tag and a digest, flags latest and untagged`, async () => {
                await expectClean(imageTagPinned, w.make("analytics"));
                await expectClean(imageTagPinned, w.make("analytics", `${ECR}/moka/app@sha256:${"a".repeat(64)}`));
                await expectClean(imageTagPinned, w.make("analytics", `${ECR}/moka/app:latest@sha256:${"b".repeat(64)}`));
                await expectViolation(imageTagPinned, w.make("analytics", `${ECR}/moka/app:latest`), /app:latest \(tag latest/);
                await expectViolation(imageTagPinned, w.make("analytics", "nginx"), /nginx \(no tag, i\.e\. latest/);
                await expectViolation(imageTagPinned, w.make("kube-system", "localhost:5000/tool"), /localhost:5000\/tool \(no tag/);
            });
        }
        it("checks init and sidecar containers", async () => {
            const r = mutate(deployment.make("analytics"), (d) => (d.props.spec.template.spec.initContainers = [{ name: "init", image: "busybox" }]));
            await expectViolation(imageTagPinned, r, /busybox.*initContainers|busybox \(no tag/);
        });
        it("turns an unknown image into an advisory", async () => {
            await expectUnknownAdvisory(imageTagPinned, deployment.make("analytics", UNKNOWN));
        });
        it("survives containers without images and odd shapes", async () => {
            await expectClean(imageTagPinned, mutate(deployment.make("analytics"), (d) => (d.props.spec.template.spec.containers = [{ name: "x" }, null, 3])));
            await expectClean(imageTagPinned, { type: "kubernetes:apps/v1:Deployment", props: { spec: "weird" } });
        });
    });

    describe("image-registry-allowed (stack)", () => {
        it("with no AWS context, accepts any private ECR registry and flags everything else", async () => {
            for (const w of WORKLOADS) {
                await expectClean(imageRegistryAllowed, [w.make("analytics")]);
                await expectViolation(imageRegistryAllowed, [w.make("analytics", "docker.io/library/nginx:1.27")], /unapproved registries: docker\.io\/library\/nginx:1\.27 \(registry docker\.io\)/);
                await expectViolation(imageRegistryAllowed, [w.make("analytics", "nginx:1.27")], /registry docker\.io, implicit/);
                await expectViolation(imageRegistryAllowed, [w.make("analytics", "public.ecr.aws/karpenter/controller:1.6.3")], /public\.ecr\.aws/);
            }
        });
        it("derives account and region from the AWS provider (allowedAccountIds as JSON string or list)", async () => {
            const wrongAccount = deployment.make("analytics", "222222222222.dkr.ecr.us-west-2.amazonaws.com/app:1.0.0");
            const wrongRegion = deployment.make("analytics", "111111111111.dkr.ecr.eu-west-1.amazonaws.com/app:1.0.0");
            for (const ids of ['["111111111111"]', ["111111111111"], "111111111111"]) {
                const provider = awsProvider({ region: "us-west-2", allowedAccountIds: ids });
                await expectClean(imageRegistryAllowed, [provider, deployment.make("analytics")]);
                await expectViolation(imageRegistryAllowed, [provider, wrongAccount], /ECR in this stack's account and region \(111111111111\.dkr\.ecr\.us-west-2\.amazonaws\.com\)/);
                await expectViolation(imageRegistryAllowed, [provider, wrongRegion], /eu-west-1/);
            }
        });
        it("with only a region known, accepts any account's ECR in that region", async () => {
            const provider = awsProvider({ region: "us-west-2" });
            await expectClean(imageRegistryAllowed, [provider, deployment.make("analytics", "222222222222.dkr.ecr.us-west-2.amazonaws.com/app:1.0.0")]);
            await expectViolation(imageRegistryAllowed, [provider, deployment.make("analytics", "111111111111.dkr.ecr.eu-west-1.amazonaws.com/app:1.0.0")], /account not determinable/);
        });
        it("reads the region from a resource's provider reference too", async () => {
            const w = { ...deployment.make("analytics", "111111111111.dkr.ecr.eu-west-1.amazonaws.com/app:1.0.0") };
            const bucket: TestResource = { type: "aws:s3/bucket:Bucket", props: {}, provider: { type: "pulumi:providers:aws", props: { region: "us-west-2" } } };
            await expectViolation(imageRegistryAllowed, [bucket, w], /us-west-2/);
        });
        it("derives the account from ECR repositories in the stack (repositoryUrl, arn, registryId)", async () => {
            const repoUrl: TestResource = { type: "aws:ecr/repository:Repository", props: { name: "moka/app", repositoryUrl: `${ECR}/moka/app` } };
            const repoArn: TestResource = { type: "aws:ecr/repository:Repository", props: { name: "moka/app", arn: "arn:aws:ecr:us-west-2:111111111111:repository/moka/app" } };
            for (const repo of [repoUrl, repoArn]) {
                await expectClean(imageRegistryAllowed, [repo, deployment.make("analytics")]);
                await expectViolation(imageRegistryAllowed, [repo, deployment.make("analytics", "222222222222.dkr.ecr.us-west-2.amazonaws.com/app:1.0.0")], /222222222222/);
            }
        });
        it("ignores unknown ECR outputs when deriving, and still judges the workloads", async () => {
            const repo: TestResource = { type: "aws:ecr/repository:Repository", props: { name: "moka/app", repositoryUrl: UNKNOWN, arn: UNKNOWN } };
            await expectViolation(imageRegistryAllowed, [repo, deployment.make("analytics", "quay.io/x/y:1")], /quay\.io/);
        });
        it("honours allowedRegistries prefixes on path boundaries", async () => {
            const cfg = { allowedRegistries: ["public.ecr.aws/karpenter", "quay.io", "https://Docker.io/bitnami/"] };
            await expectClean(imageRegistryAllowed, [deployment.make("analytics", "public.ecr.aws/karpenter/controller:1.6.3")], cfg);
            await expectClean(imageRegistryAllowed, [deployment.make("analytics", "quay.io/jetstack/cert-manager-controller:v1.16.2")], cfg);
            await expectClean(imageRegistryAllowed, [deployment.make("analytics", "bitnami/spark:3.5.3")], cfg);
            await expectViolation(imageRegistryAllowed, [deployment.make("analytics", "public.ecr.aws/karpenterx/evil:1")], /the allowedRegistries config/, { config: cfg });
            await expectViolation(imageRegistryAllowed, [deployment.make("analytics", "quay.io.evil.example/x:1")], /quay\.io\.evil\.example/, { config: cfg });
            await expectViolation(imageRegistryAllowed, [deployment.make("analytics", APP_IMAGE)], /dkr\.ecr/, { config: cfg });
        });
        it("reports violations for known images and an advisory for unknown ones", async () => {
            const ds = await check(imageRegistryAllowed, [deployment.make("a", UNKNOWN), { ...deployment.make("b", "nginx:1.27"), name: "bad" }]);
            assert.equal(ds.filter((d) => !d.unknownValue && d.enforcementLevel === "mandatory").length, 1);
            assert.ok(ds.some((d) => d.unknownValue && d.enforcementLevel === "advisory"));
        });
        it("applies to system namespaces too, and to Spark driver/executor image overrides", async () => {
            await expectViolation(imageRegistryAllowed, [deployment.make("kube-system", "registry.k8s.io/pause:3.10")], /registry\.k8s\.io/);
            const spark = WORKLOADS.find((w) => w.kind === "SparkApplication")!;
            const r = mutate(spark.make("analytics"), (d) => (d.props.spec.executor.image = "apache/spark:3.5.3"));
            await expectViolation(imageRegistryAllowed, [r], /apache\/spark:3\.5\.3/);
        });
        it("lists each image once, however many containers run it (issue 12: driver and executor used to repeat it)", async () => {
            const spark = WORKLOADS.find((w) => w.kind === "SparkApplication")!;
            const [v] = await expectViolation(imageRegistryAllowed, [spark.make("analytics", "docker.io/apache/spark:4.0.4")], /unapproved registries: docker\.io\/apache\/spark:4\.0\.4 \(registry docker\.io\)\. /);
            assert.equal(v.message.split("apache/spark:4.0.4").length - 1, 1, v.message);
            const [t] = await expectViolation(imageTagPinned, spark.make("analytics", "apache/spark"), /apache\/spark \(no tag, i\.e\. latest; spec\.driver:spark-kubernetes-driver and spec\.executor:spark-kubernetes-executor\)/);
            assert.equal(t.message.split("apache/spark (").length - 1, 1);
        });
        it("reads SparkConnect images and Spark pod-template sidecars; a template's Spark container runs spec.image instead of its own", async () => {
            const connect = WORKLOADS.find((w) => w.kind === "SparkConnect")!;
            await expectViolation(imageRegistryAllowed, [connect.make("analytics", "docker.io/apache/spark:4.0.4")], /docker\.io\/apache\/spark:4\.0\.4/);
            // kubeflow/spark-operator v2.5.2 options.go: a server/executor container without an image runs spec.image.
            await expectViolation(imageRegistryAllowed, [mutate(connect.make("analytics"), (d) => { delete d.props.spec.executor.template.spec.containers[0].image; d.props.spec.image = "quay.io/x/spark:1"; })], /quay\.io\/x\/spark:1/);
            const spark = WORKLOADS.find((w) => w.kind === "SparkApplication")!;
            const withTemplate = mutate(spark.make("analytics"), (d) => (d.props.spec.driver.template = { spec: { containers: [{ name: "spark-kubernetes-driver", image: "ignored/by-spark:1" }, { name: "proxy", image: "ghcr.io/x/proxy:2" }] } }));
            const [v] = await expectViolation(imageRegistryAllowed, [withTemplate], /unapproved registries: ghcr\.io\/x\/proxy:2 \(registry ghcr\.io\)\. /);
            assert.doesNotMatch(v.message, /ignored\/by-spark/);
            // Without spec.image the template's Spark container image is what runs.
            await expectViolation(imageRegistryAllowed, [mutate(withTemplate, (d) => delete d.props.spec.image)], /ignored\/by-spark:1/);
        });
        it("with only allowedAccountIds known, accepts that account's ECR in any region and names it", async () => {
            const provider = awsProvider({ allowedAccountIds: JSON.stringify(["111111111111"]) });
            const ds = await violations(imageRegistryAllowed, [provider, deployment.make("a", "111111111111.dkr.ecr.eu-west-1.amazonaws.com/app:1.0.0"), { ...deployment.make("b", "222222222222.dkr.ecr.us-west-2.amazonaws.com/app:1.0.0"), name: "b" }]);
            assert.equal(ds.length, 1);
            assert.match(ds[0].urn!, /::b$/);
            assert.match(ds[0].message, /Approved: ECR in this stack's account \(111111111111\), any region\./);
        });
        it("combines a repository's registryId with its region, and ignores malformed ones", async () => {
            const repo = (props: Record<string, unknown>): TestResource => ({ type: "aws:ecr/repository:Repository", props: { name: "x", ...props } });
            const ds = await violations(imageRegistryAllowed, [repo({ registryId: "111111111111", region: "us-west-2" }), deployment.make("a", "111111111111.dkr.ecr.us-west-2.amazonaws.com/app:1.0.0"), { ...deployment.make("b", "111111111111.dkr.ecr.eu-west-1.amazonaws.com/app:1.0.0"), name: "b" }]);
            assert.deepEqual(ds.map((d) => d.urn!.replace(/.*::/, "")), ["b"]);
            assert.match(ds[0].message, /Approved: ECR in this stack's account and region \(111111111111\.dkr\.ecr\.us-west-2\.amazonaws\.com\)/);
            // A registryId that is not 12 digits and a region that is not a region name are not evidence: any private ECR passes.
            await expectClean(imageRegistryAllowed, [repo({ registryId: "12345", region: "uswest2" }), deployment.make("a", "222222222222.dkr.ecr.eu-west-1.amazonaws.com/app:1.0.0")]);
            await expectClean(imageRegistryAllowed, [repo({ arn: "arn:aws:ecr:us-west-2:1111111111112:repository/x" }), deployment.make("a", "333333333333.dkr.ecr.eu-west-1.amazonaws.com/app:1.0.0")]);
            // An ARN without a region yields the account only.
            const arnOnly = await violations(imageRegistryAllowed, [repo({ arn: "arn:aws:ecr::111111111111:repository/x" }), deployment.make("a", "111111111111.dkr.ecr.eu-west-1.amazonaws.com/app:1.0.0"), { ...deployment.make("b", "222222222222.dkr.ecr.eu-west-1.amazonaws.com/app:1.0.0"), name: "b" }]);
            assert.deepEqual(arnOnly.map((d) => d.urn!.replace(/.*::/, "")), ["b"]);
        });
        it("an unknown region or account id turns a possibly-approved ECR image into an advisory, never a pass or a violation", async () => {
            const provider = awsProvider({ region: "us-west-2", allowedAccountIds: JSON.stringify(["111111111111"]) });
            const other = (image: string): TestResource => ({ ...deployment.make("b", image), name: "b" });
            const cases: [TestResource[], string][] = [
                // repository region unknown: the known account's ECR in another region might be approved
                [[provider, { type: "aws:ecr/repository:Repository", props: { name: "x", region: UNKNOWN } }, deployment.make("a", "111111111111.dkr.ecr.eu-west-1.amazonaws.com/app:1.0.0"), other("222222222222.dkr.ecr.eu-west-1.amazonaws.com/app:1.0.0")], "region"],
                // repository registryId unknown: another account's ECR in the known region might be approved
                [[provider, { type: "aws:ecr/repository:Repository", props: { name: "x", registryId: UNKNOWN } }, deployment.make("a", "222222222222.dkr.ecr.us-west-2.amazonaws.com/app:1.0.0"), other("222222222222.dkr.ecr.eu-west-1.amazonaws.com/app:1.0.0")], "registryId"],
                // provider region unknown
                [[awsProvider({ region: UNKNOWN, allowedAccountIds: JSON.stringify(["111111111111"]) }), { type: "aws:ecr/repository:Repository", props: { name: "x", repositoryUrl: "111111111111.dkr.ecr.us-west-2.amazonaws.com/x" } }, deployment.make("a", "111111111111.dkr.ecr.eu-west-1.amazonaws.com/app:1.0.0"), other("222222222222.dkr.ecr.us-west-2.amazonaws.com/app:1.0.0")], "region"],
                // provider allowedAccountIds unknown
                [[awsProvider({ region: "us-west-2", allowedAccountIds: UNKNOWN }), { type: "aws:ecr/repository:Repository", props: { name: "x", repositoryUrl: "111111111111.dkr.ecr.us-west-2.amazonaws.com/x" } }, deployment.make("a", "222222222222.dkr.ecr.us-west-2.amazonaws.com/app:1.0.0"), other("222222222222.dkr.ecr.eu-west-1.amazonaws.com/app:1.0.0")], "allowedAccountIds"],
            ];
            for (const [resources, key] of cases) {
                const ds = await check(imageRegistryAllowed, resources);
                const mandatory = ds.filter((d) => !d.unknownValue);
                assert.deepEqual(mandatory.map((d) => d.urn!.replace(/.*::/, "")), ["b"], key);
                assert.equal(mandatory[0].enforcementLevel, "mandatory");
                const advisories = ds.filter((d) => d.unknownValue);
                assert.equal(advisories.length, 1, key);
                assert.equal(advisories[0].enforcementLevel, "advisory");
                assert.match(advisories[0].message, new RegExp(`at \\.${key} can't be known during preview`));
            }
        });
        it("trims allowedRegistries entries and drops empty ones", async () => {
            await expectClean(imageRegistryAllowed, [deployment.make("a", "quay.io/x/y:1")], { allowedRegistries: [" quay.io ", ""] });
            await expectViolation(imageRegistryAllowed, [deployment.make("a", "docker.io/x/y:1")], /Approved: the allowedRegistries config \(quay\.io\)/, { config: { allowedRegistries: [" quay.io ", ""] } });
        });
        it("is linear: 10,000 workloads", async function () {
            this.timeout(120000);
            const list = Array.from({ length: benchSize(10000) }, (_, i) => ({ ...deployment.make("analytics", i === 7 ? "nginx:1.27" : APP_IMAGE), name: `w${i}` }));
            const { violations: vs, ms } = await runStackDirect(imageRegistryAllowed, [awsProvider({ region: "us-west-2" }), ...list]);
            assert.equal(vs.length, 1);
            assert.ok(ms < 2000, `validateStack took ${ms} ms for 10,000 workloads`);
        });
    });
});

describe("security: image-registry-allowed — fuzz regressions (unknowns never add a violation)", () => {
    const ECR_111 = "111111111111.dkr.ecr.us-west-2.amazonaws.com/app:1.0";
    const ECR_222 = "222222222222.dkr.ecr.us-west-2.amazonaws.com/app:1.0";
    const provider = (props: Record<string, unknown>, name = "default"): TestResource => ({ type: "pulumi:providers:aws", name, props });
    const repo = (props: Record<string, unknown>): TestResource => ({
        type: "aws:ecr/repository:Repository", name: "repo", props: { name: "app", imageTagMutability: "IMMUTABLE", imageScanningConfiguration: { scanOnPush: true }, ...props },
    });
    const app = (image: string): TestResource => ({
        type: "kubernetes:apps/v1:Deployment", name: "app", props: { metadata: { name: "app", namespace: "team-a" }, spec: { template: { spec: { containers: [{ name: "app", image }] } } } },
    });
    const account111 = { region: "us-west-2", allowedAccountIds: "[\"111111111111\"]" };
    const mandatoryOf = async (rs: TestResource[]) =>
        (await check(imageRegistryAllowed, rs)).filter((d) => d.enforcementLevel === "mandatory" && !d.unknownValue).map((d) => d.resourceName);
    const advisoriesOf = async (rs: TestResource[]) => (await check(imageRegistryAllowed, rs)).filter((d) => d.unknownValue).length;

    it("SEC-4: unknown provider allowedAccountIds do not shrink the approved ECR registries", async () => {
        // Root cause: the derived allow-list skipped unknown allowedAccountIds, so it approved fewer accounts than the stack will have.
        await expectUnknownsAddNoViolation(
            imageRegistryAllowed,
            [provider(account111), repo({ repositoryUrl: "222222222222.dkr.ecr.us-west-2.amazonaws.com/app" }), app(ECR_111)],
            [provider({ ...account111, allowedAccountIds: UNKNOWN }), repo({ repositoryUrl: "222222222222.dkr.ecr.us-west-2.amazonaws.com/app" }), app(ECR_111)],
        );
    });

    it("SEC-5: a new ECR repository (URL, ARN and registry id unknown) does not shrink the approved registries", async () => {
        // Root cause: a repository whose URL, ARN and registry id were unknown added no account to the allow-list.
        await expectUnknownsAddNoViolation(
            imageRegistryAllowed,
            [provider(account111), repo({ repositoryUrl: "222222222222.dkr.ecr.us-west-2.amazonaws.com/app", arn: "arn:aws:ecr:us-west-2:222222222222:repository/app", registryId: "222222222222" }), app(ECR_222)],
            [provider(account111), repo({ repositoryUrl: UNKNOWN, arn: UNKNOWN, registryId: UNKNOWN }), app(ECR_222)],
        );
    });

    it("SEC-6: an unknown provider region does not drop that region from the approved registries", async () => {
        // Root cause: an AWS provider whose region was unknown added no region, so that region's ECR images were rejected.
        const euImage = "111111111111.dkr.ecr.eu-central-1.amazonaws.com/app:1.0";
        await expectUnknownsAddNoViolation(
            imageRegistryAllowed,
            [provider(account111), provider({ region: "eu-central-1" }, "eu"), app(euImage)],
            [provider(account111), provider({ region: UNKNOWN }, "eu"), app(euImage)],
        );
    });

    it("SEC-4..6: unknown provider/repository inputs defer private-ECR images only; public registries are still flagged", async () => {
        const unknownIds = [provider({ region: "us-west-2", allowedAccountIds: UNKNOWN }), repo({ repositoryUrl: "111111111111.dkr.ecr.us-west-2.amazonaws.com/app" })];
        assert.deepEqual(await mandatoryOf([...unknownIds, app(ECR_222)]), []);
        assert.equal(await advisoriesOf([...unknownIds, app(ECR_222)]), 1);
        // Unknown account ids cannot add a region: another region's ECR and public registries are still flagged.
        assert.deepEqual(await mandatoryOf([...unknownIds, app("222222222222.dkr.ecr.eu-central-1.amazonaws.com/app:1")]), ["app"]);
        assert.deepEqual(await mandatoryOf([...unknownIds, app("docker.io/library/nginx:1.27")]), ["app"]);
        assert.deepEqual(await mandatoryOf([provider(account111), app(ECR_222)]), ["app"]);
    });
});
