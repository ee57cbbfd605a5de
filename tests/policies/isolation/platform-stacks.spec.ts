/**
 * The platform's own stacks under the cost and isolation packs: run the real program for prod and dev
 * under the project's mocks and evaluate both packs with that stack's policy config files. The platform
 * must draw no diagnostics at all (a rule that flags the platform's safe defaults would teach people to
 * ignore the packs), and the same resources with one guardrail broken must draw the mandatory violation.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { analyzePacks, AnalyzerResource, PolicyPackConfig, toAnalyzerResources } from "../../../preview/analyze";
import { runStack } from "../../helpers/stack";
import { costPack } from "../../../policies/cost/pack";
import { isolationPack } from "../../../policies/isolation/pack";

const ROOT = path.resolve(__dirname, "../../..");
function policyConfig(stack: string): PolicyPackConfig {
    const read = (pack: string) => JSON.parse(fs.readFileSync(path.join(ROOT, "policies/config", stack, `${pack}.json`), "utf8"));
    return { ...read("cost"), ...read("isolation") };
}

describe("cost + isolation packs on the platform stacks (mocks)", function () {
    this.timeout(300000);
    const stacks: Record<string, AnalyzerResource[]> = {};

    before(async () => {
        for (const stack of ["prod", "dev"]) {
            const run = await runStack(stack);
            stacks[stack] = toAnalyzerResources(run.resources);
        }
    });

    for (const stack of ["prod", "dev"]) {
        it(`${stack}: no diagnostics under policies/config/${stack}/*.json`, async () => {
            const ds = await analyzePacks([costPack, isolationPack], stacks[stack], { config: policyConfig(stack) });
            assert.deepEqual(ds.map((d) => `${d.policy}: ${d.message}`), []);
            assert.ok(stacks[stack].some((r) => r.type === "kubernetes:karpenter.sh/v1:NodePool"));
            assert.ok(stacks[stack].some((r) => r.type === "kubernetes:core/v1:ResourceQuota"));
        });
    }

    it("prod: an unprotected bucket, a removed quota and a cross-team Pod Identity association are caught", async () => {
        const prod = stacks.prod;
        const bucket = prod.find((r) => r.type === "aws:s3/bucket:Bucket")!;
        const quota = prod.find((r) => r.type === "kubernetes:core/v1:ResourceQuota")!;
        const pias = prod.filter((r) => r.type === "aws:eks/podIdentityAssociation:PodIdentityAssociation" && /team-/.test(r.name));
        assert.ok(pias.length >= 2);
        const swapped = { ...pias[0], propertyDependencies: { ...pias[0].propertyDependencies, roleArn: pias[1].propertyDependencies?.roleArn ?? [] }, properties: { ...pias[0].properties, roleArn: pias[1].properties.roleArn } };
        const broken = prod
            .filter((r) => r !== quota)
            .map((r) => (r === bucket ? { ...r, protect: false } : r === pias[0] ? swapped : r));
        const ds = await analyzePacks([costPack, isolationPack], broken, { config: policyConfig("prod") });
        const policies = ds.filter((d) => d.enforcementLevel === "mandatory").map((d) => d.policy).sort();
        assert.deepEqual(policies, ["prod-stateful-resources-protected", "tenant-namespace-guardrails", "tenant-service-accounts-own-namespace"]);
    });

    it("dev: a reference to the prod account's bucket is caught", async () => {
        const dev = stacks.dev;
        const policy = dev.find((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && /team-/.test(r.name))!;
        const leaked = { ...policy, properties: { ...policy.properties, policy: String(policy.properties.policy).replace(/moka-dev-(team-[a-z0-9-]+)-222222222222/g, "moka-prod-$1-111111111111") } };
        assert.notEqual(leaked.properties.policy, policy.properties.policy);
        const ds = await analyzePacks([isolationPack], dev.map((r) => (r === policy ? leaked : r)), { config: policyConfig("dev") });
        assert.deepEqual(ds.filter((d) => d.enforcementLevel === "mandatory").map((d) => d.policy), ["nonprod-no-prod-references"]);
    });
});
