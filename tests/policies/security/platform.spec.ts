/**
 * The platform's own resources against the issue-12 security rules, from the real program under mocks:
 * the system node launch template and node group, the IAM roles and policies, the buckets and the
 * interruption queue pass every mandatory rule; breaking the launch template is caught.
 */
import { strict as assert } from "assert";
import type { Policy } from "@pulumi/policy";
import { securityPack } from "../../../policies/security/pack";
import { analyzePacks, AnalyzerResource, toAnalyzerResources } from "../../../preview/analyze";
import { runStack } from "../../helpers/stack";
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

    it("draws no security finding at all: a supported EKS version, access logging on every bucket, every log group on its own KMS key", async () => {
        const ds = await analyzePacks([securityPack], resources, { config: config() });
        assert.deepEqual(ds.map((d) => `${d.enforcementLevel} ${d.policy} @ ${d.resourceName}`), []);
    });

    it("a hop limit of 2 or IMDSv1 on the system template is caught", async () => {
        const lt = resources.find((r) => r.type === "aws:ec2/launchTemplate:LaunchTemplate")!;
        const broken = { ...lt, properties: { ...lt.properties, metadataOptions: { httpEndpoint: "enabled", httpTokens: "optional", httpPutResponseHopLimit: 2 } } };
        const ds = await analyzePacks([securityPack], [broken], { config: config() });
        assert.deepEqual(ds.map((d) => [d.policy, d.enforcementLevel]), [["ec2-launch-template-imds-hardened", "mandatory"]]);
    });
});
