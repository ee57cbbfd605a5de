import { strict as assert } from "assert";
import { check, TestResource, UNKNOWN } from "../../helpers/policy";
import { nonprodNoProdReferences, prodStatefulResourcesProtected } from "../../../policies/isolation/rules/environments";
import { expectClean, expectUnknownAdvisory, expectViolation, mutate, runStackDirect } from "../security/support";
import { benchSize } from "../bench-scale";
import { expectUnknownsAddNoViolation, unknownOutcome } from "../regression";

const PROD_ACCOUNT = "111111111111";
const DEV_ACCOUNT = "222222222222";
const awsProvider = (environment: string) => ({
    type: "pulumi:providers:aws",
    name: "aws",
    props: { region: "us-west-2", defaultTags: JSON.stringify({ tags: { "cost-center": "data-platform", owner: "x@example.com", environment } }) },
});
const policyDoc = (resources: string[]) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:GetObject"], Resource: resources }] });
const rolePolicy = (resources: string[], env = "dev"): TestResource => ({
    type: "aws:iam/rolePolicy:RolePolicy",
    name: "team-ads-ranking-access",
    props: { name: "team-data-access", role: "moka-dev-team-ads-ranking", policy: policyDoc(resources) },
    provider: awsProvider(env),
});

describe("isolation: environments", () => {
    describe("nonprod-no-prod-references", () => {
        it("passes a dev stack that references only dev resources", async () => {
            await expectClean(nonprodNoProdReferences, rolePolicy([`arn:aws:s3:::moka-dev-data-${DEV_ACCOUNT}/teams/ads-ranking/*`]));
        });
        it("flags a dev stack reading a prod bucket (name pattern)", async () => {
            const [v] = await expectViolation(nonprodNoProdReferences, rolePolicy([`arn:aws:s3:::moka-prod-data-${PROD_ACCOUNT}/teams/ads-ranking/*`]), /RolePolicy "team-ads-ranking-access" in this dev stack \(environment from provider defaultTags\) references prod: policy = /);
            assert.match(v.urn ?? "", /team-ads-ranking-access$/);
        });
        it("flags prod account ids (ARNs, ECR hosts) when prodAccountIds is configured", async () => {
            const config = { prodAccountIds: [PROD_ACCOUNT] };
            await expectViolation(nonprodNoProdReferences, rolePolicy([`arn:aws:s3:::shared-data-${PROD_ACCOUNT}/*`]), /\(prod account 111111111111\)/, { config });
            const dep: TestResource = {
                type: "kubernetes:apps/v1:Deployment",
                name: "app",
                props: { metadata: { name: "app", namespace: "ads-ranking" }, spec: { template: { spec: { containers: [{ name: "app", image: `${PROD_ACCOUNT}.dkr.ecr.us-west-2.amazonaws.com/moka/app:1.0` }] } } } },
            };
            await expectViolation(nonprodNoProdReferences, [dep, { type: "pulumi:providers:aws", name: "aws", props: awsProvider("dev").props }], /spec\.template\.spec\.containers\.0\.image = .*prod account/, { config });
            await expectClean(nonprodNoProdReferences, rolePolicy([`arn:aws:s3:::data-${PROD_ACCOUNT}1/*`]), config);
        });
        it("flags prod names in nested objects, tags and k8s fields", async () => {
            const cm: TestResource = { type: "kubernetes:core/v1:ConfigMap", name: "cfg", props: { metadata: { name: "cfg", namespace: "a" }, data: { "spark-defaults.conf": "x", endpoint: "s3a://moka-prod-data/exports/" } } };
            await expectViolation(nonprodNoProdReferences, cm, /data\.endpoint = "s3a:\/\/moka-prod-data\/exports\/"/, { config: { environment: "dev" } });
            const tagged = mutate(rolePolicy([]), (d) => (d.props.tags = { environment: "prod" }));
            await expectViolation(nonprodNoProdReferences, tagged, /tags\.environment = "prod"/);
        });
        it("does not flag words that merely contain prod", async () => {
            const r: TestResource = { type: "aws:s3/bucket:Bucket", name: "b", props: { bucket: "moka-dev-products", tags: { description: "mirror of production metrics", team: "prodigy" } }, provider: awsProvider("dev") };
            await expectClean(nonprodNoProdReferences, r);
        });
        it("is silent in prod stacks and when the environment cannot be told", async () => {
            await expectClean(nonprodNoProdReferences, rolePolicy([`arn:aws:s3:::moka-prod-data/*`], "prod"));
            await expectClean(nonprodNoProdReferences, rolePolicy([`arn:aws:s3:::moka-prod-data/*`], "production"));
            await expectClean(nonprodNoProdReferences, { type: "aws:s3/bucketPolicy:BucketPolicy", props: { policy: policyDoc(["arn:aws:s3:::moka-prod-data/*"]) } });
        });
        it("takes the environment from config first", async () => {
            await expectClean(nonprodNoProdReferences, rolePolicy([`arn:aws:s3:::moka-prod-data/*`], "dev"), { environment: "prod" });
            await expectViolation(nonprodNoProdReferences, { type: "aws:s3/bucketPolicy:BucketPolicy", name: "p", props: { policy: policyDoc(["arn:aws:s3:::moka-prod-data/*"]) } }, /environment from policy config/, { config: { environment: "staging" } });
        });
        it("takes the environment from resource tags when there is no provider", async () => {
            await expectViolation(nonprodNoProdReferences, [
                { type: "aws:s3/bucket:Bucket", name: "b", props: { bucket: "moka-dev-x", tags: { environment: "dev" } } },
                { type: "aws:s3/bucketPolicy:BucketPolicy", name: "p", props: { policy: policyDoc(["arn:aws:s3:::moka-prod-data/*"]) } },
            ], /environment from resource tags/);
        });
        it("skips kubeconfig and configured keys", async () => {
            const k8s: TestResource = { type: "pulumi:providers:kubernetes", name: "k8s", props: { kubeconfig: "clusters: [{name: moka-prod}]" } };
            await expectClean(nonprodNoProdReferences, [k8s, rolePolicy([])]);
            await expectClean(nonprodNoProdReferences, rolePolicy(["arn:aws:s3:::moka-prod-data/*"]), { excludeKeys: ["policy"] });
        });
        it("honours a custom prodPattern and falls back on an invalid one", async () => {
            await expectViolation(nonprodNoProdReferences, rolePolicy(["arn:aws:s3:::moka-live-data/*"]), /moka-live-data/, { config: { prodPattern: "-live-" } });
            await expectViolation(nonprodNoProdReferences, rolePolicy(["arn:aws:s3:::moka-prod-data/*"]), /moka-prod-data/, { config: { prodPattern: "(" } });
        });
        it("survives odd shapes (numbers, nulls, arrays, deep nesting)", async () => {
            let deep: unknown = "moka-prod-deep";
            for (let i = 0; i < 30; i++) {
                deep = { x: deep };
            }
            await expectClean(nonprodNoProdReferences, { type: "x:y:Z", name: "z", props: { a: 1, b: null, c: [true, [null, 2]], d: deep }, provider: awsProvider("dev") });
        });
        it("reports known references before raising the unknown-value advisory", async () => {
            await expectUnknownAdvisory(nonprodNoProdReferences, mutate(rolePolicy([]), (d) => (d.props.policy = UNKNOWN)));
            const ds = await check(nonprodNoProdReferences, [mutate(rolePolicy([]), (d) => (d.props.role = UNKNOWN)), { ...rolePolicy(["arn:aws:s3:::moka-prod-data/*"]), name: "other" }]);
            assert.equal(ds.filter((d) => d.enforcementLevel === "mandatory").length, 1);
            assert.equal(ds.filter((d) => d.unknownValue).length, 1);
        });
        it("quotes a window around the match in long values, matches the pattern case-insensitively, and skips the Stack resource", async () => {
            const long = mutate(rolePolicy([]), (d) => (d.props.policy = `${"x".repeat(100)}moka-PROD-data${"y".repeat(100)}`));
            const [v] = await expectViolation(nonprodNoProdReferences, long, /references prod: policy = "\.\.\.x{26}moka-PROD-datay{40}\.\.\."\. A non-prod stack/);
            assert.ok(v);
            const atStart = mutate(rolePolicy([]), (d) => (d.props.policy = `moka-prod-data${"y".repeat(100)}`));
            await expectViolation(nonprodNoProdReferences, atStart, /policy = "moka-prod-datay{66}\.\.\."\./);
            const exactly80 = mutate(rolePolicy([]), (d) => (d.props.policy = `moka-prod-data${"y".repeat(66)}`));
            await expectViolation(nonprodNoProdReferences, exactly80, /policy = "moka-prod-datay{66}"\./);
            await expectClean(nonprodNoProdReferences, [{ type: "pulumi:pulumi:Stack", name: "s", props: { x: "moka-prod-data" }, provider: awsProvider("dev") }, rolePolicy(["arn:aws:s3:::moka-dev-data/*"])]);
        });
        it("trims configured prod account ids and ignores ones that are not 12 digits", async () => {
            const r = rolePolicy([`arn:aws:s3:::bucket-${DEV_ACCOUNT}/x`, "arn:aws:s3:::bucket-2222/x"]);
            await expectViolation(nonprodNoProdReferences, r, new RegExp(`\\(prod account ${DEV_ACCOUNT}\\)`), { config: { prodAccountIds: [` ${DEV_ACCOUNT} `, "2222"] } });
            await expectClean(nonprodNoProdReferences, r, { prodAccountIds: ["2222", `x${DEV_ACCOUNT}`] });
        });
        it("is linear: 10,000 resources in well under two seconds", async () => {
            const many = Array.from({ length: benchSize(10_000) }, (_, i) => ({ ...rolePolicy([`arn:aws:s3:::moka-dev-data/${i}/*`]), name: `p${i}` }));
            const { violations, ms } = await runStackDirect(nonprodNoProdReferences, many, { prodAccountIds: [PROD_ACCOUNT] });
            assert.equal(violations.length, 0);
            assert.ok(ms < 2000, `${ms} ms`);
        });
    });

    describe("prod-stateful-resources-protected", () => {
        const prod = awsProvider("prod");
        const bucket = (protect = true, type = "aws:s3/bucket:Bucket"): TestResource => ({ type, name: "storage-data", protect, props: { bucket: "moka-prod-data-111111111111", forceDestroy: false }, provider: prod });
        const key = (protect = true, window?: unknown): TestResource => ({ type: "aws:kms/key:Key", name: "storage-key", protect, props: { enableKeyRotation: true, ...(window !== undefined ? { deletionWindowInDays: window } : {}) }, provider: prod });
        const repo = (protect = true): TestResource => ({ type: "aws:ecr/repository:Repository", name: "images-spark", protect, props: { name: "moka-prod/spark" }, provider: prod });
        const logGroup = (name: unknown, protect = true): TestResource => ({ type: "aws:cloudwatch/logGroup:LogGroup", name: "cluster-logs", protect, props: { name, retentionInDays: 365 }, provider: prod });

        it("passes protected prod buckets, keys, repositories and audit log groups", async () => {
            await expectClean(prodStatefulResourcesProtected, [bucket(), bucket(true, "aws:s3/bucketV2:BucketV2"), key(), key(true, 30), key(true, "30"), repo(), logGroup("/aws/eks/moka-prod/cluster")]);
        });
        it("flags an unprotected prod bucket (Bucket and BucketV2)", async () => {
            await expectViolation(prodStatefulResourcesProtected, bucket(false), /S3 bucket "moka-prod-data-111111111111" in this prod stack \(environment from provider defaultTags\) is not protected \(protect: true\)/);
            await expectViolation(prodStatefulResourcesProtected, bucket(false, "aws:s3/bucketV2:BucketV2"), /S3 bucket/);
        });
        it("flags an unprotected KMS key and a short deletion window", async () => {
            await expectViolation(prodStatefulResourcesProtected, key(false), /KMS key "storage-key" .* is not protected/);
            await expectViolation(prodStatefulResourcesProtected, key(false, 7), /is not protected \(protect: true\) and has deletionWindowInDays 7 \(minimum 30 in prod\).*Set \{ protect: true, retainOnDelete: true \} on it and deletionWindowInDays: 30 or more\./);
            await expectViolation(prodStatefulResourcesProtected, key(true, "soon"), /deletionWindowInDays "soon"/);
            await expectClean(prodStatefulResourcesProtected, key(true, 14), { minKmsDeletionWindowDays: 14 });
        });
        it("tells an already protected key with a short window what is wrong, not to set protect: true (issue 12 message defect)", async () => {
            const [v] = await expectViolation(prodStatefulResourcesProtected, key(true, 7), /KMS key "storage-key" in this prod stack \(environment from provider defaultTags\) is protected but has a short deletion window: deletionWindowInDays 7 \(minimum 30 in prod\)\..*Set deletionWindowInDays: 30 or more \(or leave it unset: AWS defaults to 30\)\.$/);
            assert.doesNotMatch(v.message, /protect: true, retainOnDelete|is not protected/);
        });
        it("flags an unprotected ECR repository", async () => {
            await expectViolation(prodStatefulResourcesProtected, repo(false), /ECR repository "moka-prod\/spark"/);
        });
        it("flags an unprotected audit log group only", async () => {
            await expectViolation(prodStatefulResourcesProtected, logGroup("/aws/eks/moka-prod/cluster", false), /audit log group "\/aws\/eks\/moka-prod\/cluster"/);
            await expectClean(prodStatefulResourcesProtected, logGroup("/moka/moka-prod/containers", false));
            await expectClean(prodStatefulResourcesProtected, mutate(logGroup("x", false), (d) => delete d.props.name));
            await expectViolation(prodStatefulResourcesProtected, logGroup("/moka/audit", false), /audit log group/, { config: { auditLogGroupPatterns: ["/audit$", "("] } });
        });
        it("is silent outside prod (provider tags, config, resource tags)", async () => {
            await expectClean(prodStatefulResourcesProtected, { ...bucket(false), provider: awsProvider("dev") });
            await expectClean(prodStatefulResourcesProtected, bucket(false), { environment: "dev" });
            await expectClean(prodStatefulResourcesProtected, { ...bucket(false), provider: undefined });
            await expectViolation(prodStatefulResourcesProtected, { ...bucket(false), provider: undefined, props: { bucket: "b", tags: { environment: "prod" } } }, /environment from resource tags/);
            await expectViolation(prodStatefulResourcesProtected, { ...bucket(false), provider: awsProvider("dev") }, /environment from policy config/, { config: { environment: "prod" } });
        });
        it("survives odd shapes", async () => {
            await expectViolation(prodStatefulResourcesProtected, { type: "aws:s3/bucket:Bucket", name: "b", props: { bucket: 5 }, provider: { type: "pulumi:providers:aws", props: { defaultTags: { tags: { environment: "prod" } } } } }, /S3 bucket "b"/);
            await expectClean(prodStatefulResourcesProtected, { type: "aws:s3/bucket:Bucket", props: {}, provider: { type: "pulumi:providers:aws", props: { defaultTags: "junk" } } });
        });
        it("does not let an unknown bucket name hide the violation; unknown deciding values raise the advisory", async () => {
            await expectViolation(prodStatefulResourcesProtected, mutate(bucket(false), (d) => (d.props.bucket = UNKNOWN)), /S3 bucket "storage-data"/);
            await expectUnknownAdvisory(prodStatefulResourcesProtected, logGroup(UNKNOWN, false));
            await expectUnknownAdvisory(prodStatefulResourcesProtected, key(true, UNKNOWN));
            await expectUnknownAdvisory(prodStatefulResourcesProtected, { ...bucket(false), provider: { type: "pulumi:providers:aws", props: { defaultTags: UNKNOWN } } });
        });
    });
});

describe("isolation: nonprod-no-prod-references — fuzz regression ISO-2 (unknowns never add a violation)", () => {
    const obj = (defaultTags: unknown, tags: unknown = { environment: "dev" }): TestResource => ({
        type: "aws:s3/bucketObjectv2:BucketObjectv2", name: "obj",
        props: { bucket: "moka-prod-data", key: "a.json", tags },
        provider: { type: "pulumi:providers:aws", props: { region: "us-west-2", defaultTags } },
    });

    it("ISO-2: an unknown provider defaultTags does not let resource tags decide the environment", async () => {
        // Root cause: stackEnvironment skipped a provider whose defaultTags were unknown and fell through to the resources' own tags.
        await expectUnknownsAddNoViolation(nonprodNoProdReferences, [obj({ tags: { environment: "Production" } })], [obj(UNKNOWN)]);
        assert.deepEqual((await unknownOutcome(nonprodNoProdReferences, [obj({ tags: { environment: "Production" } })])).mandatory, []);
        const out = await unknownOutcome(nonprodNoProdReferences, [obj(UNKNOWN)]);
        assert.deepEqual(out.mandatory, []);
        assert.ok(out.advisory);
        // Same for an unknown tags map inside defaultTags, and for an unknown resource tag that could flip the tag majority.
        const inner = await unknownOutcome(nonprodNoProdReferences, [obj({ tags: UNKNOWN })]);
        assert.deepEqual(inner.mandatory, []);
        assert.ok(inner.advisory);
        const tagTier = await unknownOutcome(nonprodNoProdReferences, [obj({}), { type: "aws:s3/bucket:Bucket", name: "b", props: { bucket: "x", tags: UNKNOWN } }]);
        assert.deepEqual(tagTier.mandatory, []);
        assert.ok(tagTier.advisory);
        // Known providers outvoting the unknown one still decide: dev, and the prod reference is flagged.
        const outvoted = await unknownOutcome(nonprodNoProdReferences, [
            obj({ tags: { environment: "dev" } }),
            { type: "aws:s3/bucket:Bucket", name: "b", props: { bucket: "moka-dev-b" }, provider: { type: "pulumi:providers:aws", name: "dev2", props: { defaultTags: { tags: { environment: "dev" } } } } },
            { type: "aws:s3/bucket:Bucket", name: "c", props: { bucket: "moka-dev-c" }, provider: { type: "pulumi:providers:aws", name: "u", props: { defaultTags: UNKNOWN } } },
        ]);
        assert.equal(outvoted.mandatory.length, 1);
        assert.match(outvoted.mandatory[0], /moka-prod-data/);
    });
});
