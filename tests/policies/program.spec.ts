/**
 * Program level: the platform's prod and dev stacks, run under the project's mocks and sent through all
 * four packs with their per-stack policy config (exactly what `npm start` does), draw zero mandatory
 * violations; deliberately broken variants of the same stack draw the expected ones.
 */
import { strict as assert } from "assert";
import { analyzePacks, AnalyzerResource, Diagnostic, toAnalyzerResources } from "../../preview/analyze";
import { runStack } from "../helpers/stack";
import { defaultPolicyConfigFiles, loadPacks, readPolicyConfig } from "../../preview/run";

const packs = loadPacks();
const mandatoryOf = (ds: Diagnostic[]) => ds.filter((d) => d.enforcementLevel === "mandatory").map((d) => `${d.policy} @ ${d.resourceName ?? "(stack)"}`).sort();

function mutate(resources: AnalyzerResource[], pick: (r: AnalyzerResource) => boolean, change: (props: any) => void): AnalyzerResource[] {
    let hit = 0;
    const out = resources.map((r) => {
        if (!pick(r)) {
            return r;
        }
        hit++;
        const props = JSON.parse(JSON.stringify(r.properties));
        change(props);
        return { ...r, properties: props };
    });
    assert.ok(hit > 0, "the mutation matched no resource");
    return out;
}

describe("program level: platform stacks through all four packs", function () {
    this.timeout(300_000);
    const stacks: Record<string, AnalyzerResource[]> = {};

    before(async () => {
        for (const stack of ["prod", "dev"]) {
            stacks[stack] = toAnalyzerResources((await runStack(stack)).resources);
        }
    });

    for (const stack of ["prod", "dev"]) {
        it(`${stack}: zero mandatory violations`, async () => {
            const ds = await analyzePacks(packs, stacks[stack], { config: readPolicyConfig(defaultPolicyConfigFiles(stack)) });
            assert.deepEqual(mandatoryOf(ds), []);
            assert.ok(stacks[stack].length > 150);
        });
    }

    describe("broken prod variants draw exactly the expected mandatory violations", () => {
        const config = () => readPolicyConfig(defaultPolicyConfigFiles("prod"));
        const cases: { title: string; expect: string[]; apply: (rs: AnalyzerResource[]) => AnalyzerResource[] }[] = [
            {
                title: "EKS endpoint left at its default (public)",
                expect: ["eks-endpoint-private @ cluster-eks"],
                apply: (rs) => mutate(rs, (r) => r.type === "eks:index:Cluster", (p) => { delete p.endpointPublicAccess; }),
            },
            {
                title: "EKS endpoint open to 0.0.0.0/0",
                expect: ["eks-endpoint-private @ cluster-eks"],
                apply: (rs) => mutate(rs, (r) => r.type === "eks:index:Cluster", (p) => { p.endpointPublicAccess = true; p.publicAccessCidrs = ["0.0.0.0/0"]; }),
            },
            {
                title: "audit logs turned off and the aws-auth ConfigMap mode",
                expect: ["eks-auth-mode-api @ cluster-eks", "eks-control-plane-logging @ cluster-eks"],
                apply: (rs) => mutate(rs, (r) => r.type === "eks:index:Cluster", (p) => { p.enabledClusterLogTypes = ["api", "authenticator"]; p.authenticationMode = "CONFIG_MAP"; }),
            },
            {
                title: "an EC2NodeClass with optional IMDS tokens",
                expect: ["karpenter-imds-hardened @ karpenter-nodeclass-x86"],
                apply: (rs) => mutate(rs, (r) => r.type === "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass" && r.name === "karpenter-nodeclass-x86", (p) => { p.spec.metadataOptions.httpTokens = "optional"; }),
            },
            {
                title: "a NodePool without limits",
                expect: ["nodepool-limits-required @ karpenter-nodepool-graviton"],
                apply: (rs) => mutate(rs, (r) => r.type === "kubernetes:karpenter.sh/v1:NodePool" && r.name === "karpenter-nodepool-graviton", (p) => { delete p.spec.limits; }),
            },
            {
                title: "a bucket without protect in prod",
                expect: ["prod-stateful-resources-protected @ storage-data"],
                apply: (rs) => rs.map((r) => (r.type === "aws:s3/bucket:Bucket" && r.name === "storage-data" ? { ...r, protect: false } : r)),
            },
            {
                title: "a tenant namespace without the pod-security enforce label",
                expect: ["namespace-pod-security-enforced @ team-growth-namespace"],
                apply: (rs) => mutate(rs, (r) => r.type === "kubernetes:core/v1:Namespace" && r.name === "team-growth-namespace", (p) => { delete p.metadata.labels["pod-security.kubernetes.io/enforce"]; }),
            },
            // Day one (issue 10): each way a first pulumi up used to stop is a mandatory deployability violation.
            {
                title: "a private endpoint with no way in from the deployer's network (the 443 rule from ci-runners gone)",
                expect: ["eks-api-reachable @ cluster-eks"],
                apply: (rs) => {
                    const out = rs.filter((r) => r.name !== "cluster-api-from-ci-runners");
                    assert.equal(out.length, rs.length - 1);
                    return out;
                },
            },
            {
                title: "the network path without its routes (the 443 rule stays, the transit-gateway routes are gone)",
                expect: ["eks-api-reachable @ cluster-eks"],
                apply: (rs) => rs.filter((r) => !/^network-access-ci-runners-\d$/.test(r.name)),
            },
            {
                title: "History Servers on an image in the stack's repository that nothing builds (the build gone, the tag kept)",
                expect: ["ecr-images-have-producer @ history-ads-ranking", "ecr-images-have-producer @ history-growth", "ecr-images-have-producer @ history-trust-safety"],
                apply: (rs) => mutate(rs.filter((r) => r.type !== "docker-build:index:Image"), (r) => r.type === "kubernetes:apps/v1:Deployment", (p) => {
                    const c = p.spec.template.spec.containers[0];
                    c.image = c.image.replace(/@sha256:[0-9a-f]+$/, "");
                }).map((r) => (r.type === "kubernetes:apps/v1:Deployment" ? { ...r, propertyDependencies: { ...r.propertyDependencies, spec: (r.propertyDependencies?.spec ?? []).filter((u) => !u.includes("docker-build")) } } : r)),
            },
            {
                title: "one small system node",
                expect: ["system-nodes-capacity-fits @ cluster-system"],
                apply: (rs) => mutate(rs, (r) => r.type === "aws:eks/nodeGroup:NodeGroup", (p) => { p.instanceTypes = ["m7g.large"]; p.scalingConfig.minSize = 1; }),
            },
            {
                title: "a NodePool that can launch metal (only the size list, without the hypervisor requirement)",
                expect: ["nodepool-excludes-metal @ karpenter-nodepool-x86"],
                apply: (rs) => mutate(rs, (r) => r.name === "karpenter-nodepool-x86", (p) => {
                    p.spec.template.spec.requirements = p.spec.template.spec.requirements.filter((q: any) => q.key !== "karpenter.k8s.aws/instance-hypervisor");
                    p.spec.template.spec.requirements.find((q: any) => q.key === "karpenter.k8s.aws/instance-size").values.push("metal");
                }),
            },
            {
                title: "a pinned release without requests (the Flink operator before this change)",
                expect: ["system-nodes-capacity-fits @ cluster-system"],
                apply: (rs) => mutate(rs, (r) => r.name === "engines-flink-operator", (p) => { delete p.values.operatorPod.resources; }),
            },
        ];
        for (const c of cases) {
            it(c.title, async () => {
                const ds = await analyzePacks(packs, c.apply(stacks.prod), { config: config() });
                assert.deepEqual(mandatoryOf(ds), c.expect.sort());
            });
        }
    });
});
