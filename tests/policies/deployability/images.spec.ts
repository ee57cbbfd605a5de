import { strict as assert } from "assert";
import { ecrImagesHaveProducer } from "../../../policies/deployability/rules/images";
import type { TestResource } from "../../helpers/policy";
import { expectUnknownsAddNoViolation } from "../regression";
import { AWS_PROVIDER, expectClean, expectUnknown, expectViolations, T, UNKNOWN, urnOf } from "./support";

const REGISTRY = "111111111111.dkr.ecr.us-west-2.amazonaws.com";
const TAG = `${REGISTRY}/moka-prod/spark:4.1.2-r2`;
const DIGEST = `sha256:${"ab".repeat(32)}`;

const repo = (name = "moka-prod/spark"): TestResource => ({ type: T.repo, name: `repo-${name.split("/").pop()}`, props: { name, imageTagMutability: "IMMUTABLE" }, provider: AWS_PROVIDER });
const build = (tags: unknown = [TAG], extra: Record<string, unknown> = {}, deps: Record<string, string[]> = {}): TestResource => ({
    type: T.build, name: "spark-image", props: { tags, push: true, platforms: ["linux/amd64", "linux/arm64"], ...extra }, propertyDependencies: deps,
});
const deployment = (image: unknown, deps: string[] = [], name = "history-growth"): TestResource => ({
    type: T.deployment, name,
    props: { apiVersion: "apps/v1", kind: "Deployment", metadata: { name, namespace: "spark-history" }, spec: { replicas: 1, template: { spec: { containers: [{ name: "history-server", image }] } } } },
    propertyDependencies: deps.length > 0 ? { spec: deps } : {},
});

describe("deployability: ecr-images-have-producer (stack)", () => {
    describe("passes", () => {
        it("an image the stack builds and pushes, run through the build's ref (tag@digest) or its tag, depending on the build", async () => {
            await expectClean(ecrImagesHaveProducer, [repo(), build(), deployment(`${TAG}@${DIGEST}`, [urnOf(T.build, "spark-image")])]);
            await expectClean(ecrImagesHaveProducer, [repo(), build(), deployment(TAG, [urnOf(T.build, "spark-image")])]);
        });
        it("without a dependency, only a digest equal to the one the build pushed (known after an earlier up) proves the image", async () => {
            await expectClean(ecrImagesHaveProducer, [repo(), build([TAG], { digest: DIGEST }), deployment(`${TAG}@${DIGEST}`)]);
        });
        it("at preview the ref is unknown: the workload's dependency on the build is the link", async () => {
            await expectClean(ecrImagesHaveProducer, [repo(), build([UNKNOWN]), deployment(UNKNOWN, [urnOf(T.build, "spark-image")])]);
        });
        it("an image served by a pull-through cache rule whose prefix starts its path (or ROOT)", async () => {
            const rule = (prefix: string): TestResource => ({ type: T.pullThrough, name: `ptc-${prefix}`, props: { ecrRepositoryPrefix: prefix, upstreamRegistryUrl: "public.ecr.aws" } });
            await expectClean(ecrImagesHaveProducer, [rule("ecr-public"), deployment(`${REGISTRY}/ecr-public/karpenter/controller:1.14.1`)]);
            await expectClean(ecrImagesHaveProducer, [repo("moka-prod/spark"), rule("moka-prod"), deployment(TAG)]);
            await expectClean(ecrImagesHaveProducer, [repo("moka-prod/spark"), rule("ROOT"), deployment(TAG)]);
        });
        it("images from public registries, other accounts or repositories this stack does not create", async () => {
            await expectClean(ecrImagesHaveProducer, [repo(), deployment("apache/yunikorn:scheduler-1.9.0"), deployment("222222222222.dkr.ecr.us-west-2.amazonaws.com/moka-prod/spark:1", [], "b"), deployment(`${REGISTRY}/other/app:1`, [], "c")]);
        });
        it("Helm release images: chart defaults and values outside the stack's repositories", async () => {
            const release: TestResource = { type: T.release, name: "karpenter", props: { name: "karpenter", chart: "oci://public.ecr.aws/karpenter/karpenter", version: "1.14.1", values: { nodeSelector: {} } } };
            await expectClean(ecrImagesHaveProducer, [repo(), release]);
        });
    });

    describe("fails", () => {
        it("a Deployment pointing into a stack repository nothing pushes to (the History Server before the fix)", async () => {
            const [v] = await expectViolations(ecrImagesHaveProducer, [repo(), deployment(TAG)], [
                /Deployment history-growth \(history-server\) runs 111111111111\.dkr\.ecr\.us-west-2\.amazonaws\.com\/moka-prod\/spark:4\.1\.2-r2 from ECR repository "moka-prod\/spark" \(repo-spark\) of this stack, which no build in the stack pushes to and no pull-through cache rule serves\. Nothing ever pushes that image/,
            ]);
            assert.equal(v.urn, urnOf(T.deployment, "history-growth"));
        });
        it("the stack repository's build pushes another tag, or another digest: that image is never pushed", async () => {
            const r1 = `${REGISTRY}/moka-prod/spark:4.1.2-r1`;
            await expectViolations(ecrImagesHaveProducer, [repo(), build(), deployment(r1)],
                [/Deployment history-growth \(history-server\) runs .*moka-prod\/spark:4\.1\.2-r1 from ECR repository "moka-prod\/spark" by tag 4\.1\.2-r1, which build "spark-image" does not push \(it pushes 4\.1\.2-r2\)\. Nothing ever pushes that image/]);
            await expectViolations(ecrImagesHaveProducer, [repo(), build(), deployment(r1, [urnOf(T.build, "spark-image")])], [/by tag 4\.1\.2-r1, which build "spark-image" does not push/]);
            const foreign = `sha256:${"cd".repeat(32)}`;
            await expectViolations(ecrImagesHaveProducer, [repo(), build([TAG], { digest: DIGEST }), deployment(`${TAG}@${foreign}`)], [/pinned to sha256:cdcd.*, not the digest build "spark-image" pushed \(sha256:abab/]);
            await expectViolations(ecrImagesHaveProducer, [repo(), build([TAG], { digest: DIGEST }), deployment(`${TAG}@${foreign}`, [urnOf(T.build, "spark-image")])], [/not the digest build "spark-image" pushed/]);
            // A literal digest with no dependency on a build whose digest is not visible: nothing ties it to the build.
            await expectViolations(ecrImagesHaveProducer, [repo(), build(), deployment(`${TAG}@${foreign}`)], [/pinned to sha256:cdcd.*, with no dependency on build "spark-image", whose digest is not known here/]);
        });
        it("the right tag with no dependency on the build: the rollout races the push", async () => {
            const [v] = await expectViolations(ecrImagesHaveProducer, [repo(), build(), deployment(TAG)], [
                /\nDeployment history-growth \(history-server\) runs .*moka-prod\/spark:4\.1\.2-r2 by tag with no dependency on build "spark-image", which pushes it: on a first pulumi up the pods can start before the push/,
            ]);
            assert.equal(v.urn, urnOf(T.deployment, "history-growth"));
        });
        it("a build that does not push, or pushes elsewhere, is no producer", async () => {
            await expectViolations(ecrImagesHaveProducer, [repo(), build([TAG], { push: false }), deployment(TAG)], [/no build in the stack pushes to/]);
            await expectViolations(ecrImagesHaveProducer, [repo(), build([`${REGISTRY}/moka-prod/flink:1`]), deployment(TAG)], [/no build in the stack pushes to/]);
        });
        it("a Helm release whose image values point into an unfilled stack repository", async () => {
            const release: TestResource = { type: T.release, name: "app", props: { name: "app", chart: "my-app", version: "1.0.0", values: { image: { repository: `${REGISTRY}/moka-prod/spark`, tag: "4.1.2-r2" } } } };
            await expectViolations(ecrImagesHaveProducer, [repo(), release], [/Helm release "app" \(image\) runs .*moka-prod\/spark:4\.1\.2-r2 from ECR repository "moka-prod\/spark"/]);
        });
    });

    describe("unknown at preview: the advisory, never a violation", () => {
        it("an unknown image with no build behind it", async () => {
            await expectUnknown(ecrImagesHaveProducer, [repo(), deployment(UNKNOWN, [urnOf(T.repo, "repo-spark")])]);
        });
        it("DEP-2: a build whose tags are unknown may push to the repository", async () => {
            const deps = [urnOf(T.build, "spark-image")];
            await expectUnknownsAddNoViolation(ecrImagesHaveProducer, [repo(), build([TAG]), deployment(TAG, deps)], [repo(), build(UNKNOWN), deployment(TAG, deps)]);
        });
        it("a digest-pinned image next to a build whose digest is unknown (it is being rebuilt)", async () => {
            await expectUnknownsAddNoViolation(ecrImagesHaveProducer, [repo(), build([TAG], { digest: DIGEST }), deployment(`${TAG}@${DIGEST}`)], [repo(), build([TAG], { digest: UNKNOWN }), deployment(`${TAG}@${DIGEST}`)]);
        });
        it("a repository whose account is unknown (provider inputs) may be the image's", async () => {
            const unknownAccount: TestResource = { ...repo(), provider: { ...AWS_PROVIDER, props: { region: "us-west-2", allowedAccountIds: UNKNOWN } } };
            await expectUnknown(ecrImagesHaveProducer, [unknownAccount, deployment(TAG)]);
        });
        it("a pull-through rule whose prefix is unknown may serve it", async () => {
            const ptc = (prefix: unknown): TestResource => ({ type: T.pullThrough, name: "ptc", props: { ecrRepositoryPrefix: prefix, upstreamRegistryUrl: "public.ecr.aws" } });
            await expectUnknownsAddNoViolation(ecrImagesHaveProducer, [repo(), ptc("moka-prod"), deployment(TAG)], [repo(), ptc(UNKNOWN), deployment(TAG)]);
        });
    });

    describe("odd shapes never crash", () => {
        for (const [label, props] of [["no spec", { metadata: { name: "x" } }], ["containers not a list", { spec: { template: { spec: { containers: "x" } } } }], ["image a number", { spec: { template: { spec: { containers: [{ image: 5 }] } } } }]] as const) {
            it(label, async () => {
                await expectClean(ecrImagesHaveProducer, [repo(), { type: T.deployment, name: "odd", props: props as Record<string, unknown> }, { type: T.build, name: "b", props: { tags: "not-a-list", push: "yes" } }]);
            });
        }
    });
});
