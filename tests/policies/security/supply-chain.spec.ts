import { strict as assert } from "assert";
import { check, TestResource, UNKNOWN } from "../../helpers/policy";
import { helmReleaseVersionPinned, imageRegistryAllowed, imageTagPinned } from "../../../policies/security/rules/supply-chain";
import { APP_IMAGE, ECR, expectClean, expectUnknownAdvisory, expectViolation, mutate, runStackDirect, WORKLOADS } from "./support";

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
        it("is linear: 10,000 workloads", async function () {
            this.timeout(120000);
            const list = Array.from({ length: 10000 }, (_, i) => ({ ...deployment.make("analytics", i === 7 ? "nginx:1.27" : APP_IMAGE), name: `w${i}` }));
            const { violations: vs, ms } = await runStackDirect(imageRegistryAllowed, [awsProvider({ region: "us-west-2" }), ...list]);
            assert.equal(vs.length, 1);
            assert.ok(ms < 2000, `validateStack took ${ms} ms for 10,000 workloads`);
        });
    });
});
