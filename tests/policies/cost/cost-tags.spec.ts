import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as path from "path";
import { TestResource, UNKNOWN } from "../../helpers/policy";
import { costAllocationTagsRequired } from "../../../policies/cost/rules/cost-tags";
import { AWS_TAGGABLE_TYPES } from "../../../policies/cost/data/aws-taggable-types";
import { expectClean, expectUnknownAdvisory, expectViolation, mutate } from "../security/support";

const TAGS = { "cost-center": "data-platform", owner: "platform-team@example.com", environment: "prod", "managed-by": "pulumi" };
/** The AWS provider as the engine hands it to analyzers: non-string inputs JSON-encoded. */
const provider = (tags: Record<string, string> = TAGS, encode = true) => ({
    type: "pulumi:providers:aws",
    name: "aws",
    props: { region: "us-west-2", defaultTags: encode ? JSON.stringify({ tags }) : { tags }, allowedAccountIds: "[\"111111111111\"]" },
});
/** A bucket; `prov` null = no explicit provider. */
const bucket = (extra: Record<string, unknown> = {}, prov: TestResource["provider"] | null = provider()): TestResource => ({
    type: "aws:s3/bucket:Bucket",
    name: "storage-data",
    props: { bucket: "moka-prod-data-111111111111", ...extra },
    provider: prov ?? undefined,
});
const nodeClass = (tags?: unknown): TestResource => ({
    type: "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass",
    name: "karpenter-nodeclass-graviton",
    props: { metadata: { name: "spark-graviton" }, spec: { role: "moka-prod-karpenter-node", ...(tags !== undefined ? { tags } : {}) } },
});
const advisory = { level: "advisory" as const };

describe("cost: cost-allocation-tags-required", () => {
    it("passes a resource tagged through the provider's defaultTags (JSON string or object)", async () => {
        await expectClean(costAllocationTagsRequired, bucket());
        await expectClean(costAllocationTagsRequired, bucket({}, provider(TAGS, false)));
    });
    it("passes a resource with its own tags, and a mix of both", async () => {
        await expectClean(costAllocationTagsRequired, bucket({ tags: TAGS }, null));
        await expectClean(costAllocationTagsRequired, bucket({ tags: { owner: "a@b.c" } }, provider({ "cost-center": "x", environment: "dev" })));
    });
    it("flags an untagged taggable resource (advisory by default)", async () => {
        await expectViolation(costAllocationTagsRequired, bucket({}, null), /Bucket "storage-data" is missing the cost-allocation tags "cost-center", "owner" and "environment"/, advisory);
    });
    it("flags a single missing key and an empty value", async () => {
        await expectViolation(costAllocationTagsRequired, bucket({}, provider({ "cost-center": "x", environment: "prod" })), /missing the cost-allocation tag "owner" \(counting/, advisory);
        await expectViolation(costAllocationTagsRequired, bucket({ tags: { owner: " " } }, provider({ "cost-center": "x", environment: "prod" })), /tag "owner"/, advisory);
    });
    it("is raised to mandatory by the prod config", async () => {
        await expectViolation(costAllocationTagsRequired, bucket({}, null), /missing/, { config: { enforcementLevel: "mandatory" } });
    });
    it("honours custom requiredTags", async () => {
        await expectClean(costAllocationTagsRequired, bucket({}, null), { requiredTags: [] });
        await expectViolation(costAllocationTagsRequired, bucket(), /"team"/, { config: { requiredTags: ["team"] }, level: "advisory" });
    });
    it("counts a known tagsAll, and ignores an unknown one", async () => {
        await expectClean(costAllocationTagsRequired, bucket({ tagsAll: TAGS }, null));
        await expectViolation(costAllocationTagsRequired, bucket({ tagsAll: UNKNOWN }, null), /missing/, advisory);
    });
    it("judges taggable types from the schema list, and unlisted aws types only when they carry tags", async () => {
        assert.ok(AWS_TAGGABLE_TYPES.has("aws:eks/podIdentityAssociation:PodIdentityAssociation"));
        assert.ok(!AWS_TAGGABLE_TYPES.has("aws:s3/bucketPolicy:BucketPolicy"));
        await expectClean(costAllocationTagsRequired, { type: "aws:s3/bucketPolicy:BucketPolicy", props: { bucket: "b", policy: "{}" } });
        await expectViolation(costAllocationTagsRequired, { type: "aws:legacy/thing:Thing", props: { tags: { owner: "x" } } }, /"cost-center" and "environment"/, advisory);
        await expectClean(costAllocationTagsRequired, { type: "aws:legacy/thing:Thing", props: {} });
    });
    it("reads list-shaped tags (autoscaling groups)", async () => {
        const asg: TestResource = { type: "aws:autoscaling/group:Group", props: { tags: Object.entries(TAGS).map(([key, value]) => ({ key, value, propagateAtLaunch: true })) } };
        await expectClean(costAllocationTagsRequired, asg);
    });
    it("checks EC2NodeClass spec.tags only (provider defaultTags do not reach Karpenter's instances)", async () => {
        await expectClean(costAllocationTagsRequired, nodeClass(TAGS));
        await expectViolation(costAllocationTagsRequired, { ...nodeClass(), provider: provider() }, /EC2NodeClass "spark-graviton" spec\.tags lacks "cost-center", "owner" and "environment"/, advisory);
        await expectViolation(costAllocationTagsRequired, mutate(nodeClass(TAGS), (d) => { d.type = "kubernetes:karpenter.k8s.aws/v1beta1:EC2NodeClass"; delete d.props.spec.tags.owner; }), /lacks "owner"/, advisory);
    });
    it("ignores Kubernetes objects and component resources", async () => {
        await expectClean(costAllocationTagsRequired, { type: "kubernetes:core/v1:Namespace", props: { metadata: { name: "a" } } });
        await expectClean(costAllocationTagsRequired, { type: "eks:index:Cluster", props: {} });
    });
    it("survives odd shapes (null, string, array tags; junk defaultTags)", async () => {
        await expectViolation(costAllocationTagsRequired, bucket({ tags: null }, null), /missing/, advisory);
        await expectViolation(costAllocationTagsRequired, bucket({ tags: "owner=x" }, null), /missing/, advisory);
        await expectViolation(costAllocationTagsRequired, bucket({ tags: ["owner"] }, null), /missing/, advisory);
        await expectViolation(costAllocationTagsRequired, bucket({}, { type: "pulumi:providers:aws", props: { defaultTags: "{not json" } }), /missing/, advisory);
        await expectClean(costAllocationTagsRequired, bucket({}, { type: "pulumi:providers:aws", props: { defaultTags: [{ tags: TAGS }] } }));
        await expectViolation(costAllocationTagsRequired, nodeClass("junk"), /lacks/, advisory);
    });
    it("turns unknown tags or defaultTags into an advisory", async () => {
        await expectUnknownAdvisory(costAllocationTagsRequired, bucket({ tags: UNKNOWN }, null));
        await expectUnknownAdvisory(costAllocationTagsRequired, bucket({ tags: { owner: UNKNOWN } }, null));
        await expectUnknownAdvisory(costAllocationTagsRequired, bucket({}, { type: "pulumi:providers:aws", props: { defaultTags: UNKNOWN } }));
    });
    it("keeps the generated taggable-type list in sync with @pulumi/aws", () => {
        const r = spawnSync(process.execPath, [path.join(__dirname, "../../../policies/cost/data/generate-aws-taggable-types.js"), "--check"], { encoding: "utf8" });
        assert.equal(r.status, 0, r.stderr);
        assert.equal(r.stdout, "");
        assert.ok(AWS_TAGGABLE_TYPES.size > 800);
    });
});
