/**
 * The platform's own resources against the issue-12 security rules, from the real program under mocks:
 * the system node launch template and node group, the IAM roles and policies, the buckets and the
 * interruption queue pass every mandatory rule; breaking the launch template is caught.
 */
import { strict as assert } from "assert";
import type { Policy } from "@pulumi/policy";
import { securityPack } from "../../../policies/security/pack";
import { analyzePacks, AnalyzerResource, toAnalyzerResources } from "../../../preview/analyze";
import { runStack } from "../../../preview/mocks";
import { defaultPolicyConfigFiles, readPolicyConfig } from "../../../preview/run";

describe("security: the platform's own resources (prod, under mocks)", function () {
    this.timeout(120_000);
    let resources: AnalyzerResource[];
    const config = () => ({ ...readPolicyConfig(defaultPolicyConfigFiles("prod")), "eks-version-supported": { today: "2026-12-06" } });

    before(async () => {
        resources = toAnalyzerResources((await runStack("prod")).resources);
    });

    it("the system node launch template and node group pass the launch-template and node-group rules", async () => {
        const lt = resources.filter((r) => r.type === "aws:ec2/launchTemplate:LaunchTemplate");
        const ng = resources.filter((r) => r.type === "aws:eks/nodeGroup:NodeGroup");
        assert.equal(lt.length, 1);
        assert.equal(ng.length, 1);
        const rules = (securityPack.policies as Policy[]).filter((p) => p.name.startsWith("ec2-launch-template-") || p.name === "eks-node-group-ssh-restricted");
        assert.equal(rules.length, 4);
        assert.deepEqual(await analyzePacks([{ ...securityPack, policies: rules }], [...lt, ...ng]), []);
    });

    it("draws no mandatory security finding, and no advisory beyond the known ones (1.33 past standard support, no access logging yet, two log groups without KMS)", async () => {
        const ds = await analyzePacks([securityPack], resources, { config: config() });
        assert.deepEqual(ds.filter((d) => d.enforcementLevel === "mandatory").map((d) => `${d.policy} @ ${d.resourceName}`), []);
        const known = new Set([
            "cloudwatch-log-group-kms-encrypted @ fluent-bit-log-group",
            "cloudwatch-log-group-kms-encrypted @ network-flow-logs",
            "eks-version-supported @ cluster-eks",
            "s3-bucket-data-protection @ storage-data",
            "s3-bucket-data-protection @ storage-spark-events",
        ]);
        assert.deepEqual(ds.filter((d) => d.enforcementLevel === "advisory").map((d) => `${d.policy} @ ${d.resourceName}`).filter((x) => !known.has(x)), []);
        // The bucket advisories are about access logging only: TLS-only and SSE-KMS are in place.
        for (const d of ds.filter((x) => x.policy === "s3-bucket-data-protection")) {
            assert.match(d.message, /lacks server access logging into a separate log bucket \(aws\.s3\.BucketLogging\): nothing records who read or changed its objects\. Add it\.$/);
        }
    });

    it("a hop limit of 2 or IMDSv1 on the system template is caught", async () => {
        const lt = resources.find((r) => r.type === "aws:ec2/launchTemplate:LaunchTemplate")!;
        const broken = { ...lt, properties: { ...lt.properties, metadataOptions: { httpEndpoint: "enabled", httpTokens: "optional", httpPutResponseHopLimit: 2 } } };
        const ds = await analyzePacks([securityPack], [broken], { config: config() });
        assert.deepEqual(ds.map((d) => [d.policy, d.enforcementLevel]), [["ec2-launch-template-imds-hardened", "mandatory"]]);
    });
});
