import * as assert from "assert";
import {
    amiAliasProblem,
    buildEc2NodeClassSpec,
    nodeClassTagProblems,
    restrictedTagProblem,
    volumeFor,
} from "../../../components/karpenter/node-classes";
import type { PoolRole } from "../../../components/karpenter/node-pools";
import { esmImport } from "../../helpers/esm";

const TAGS = { "cost-center": "data-platform", owner: "platform-team@example.com", environment: "test", "managed-by": "pulumi" };
const ROLES: PoolRole[] = ["executor", "driver"];

describe("karpenter node classes", () => {
    let EC2NodeClass: any;
    before(async () => {
        ({ EC2NodeClass } = await esmImport("@kubernetes-models/karpenter/karpenter.k8s.aws/v1/EC2NodeClass"));
    });

    describe("buildEc2NodeClassSpec", () => {
        const spec = (role: PoolRole = "executor", over: Partial<Parameters<typeof buildEc2NodeClassSpec>[0]> = {}) => buildEc2NodeClassSpec({
            role,
            clusterName: "moka-test",
            nodeRoleName: "moka-test-karpenter-node",
            rootVolumeGi: 250,
            amiAlias: "al2023@v20260714",
            tags: TAGS,
            ...over,
        });

        it("validates against the karpenter.k8s.aws/v1 EC2NodeClass schema for every role", () => {
            for (const role of ROLES) {
                new EC2NodeClass({ metadata: { name: `spark-${role}` }, spec: spec(role) }).validate();
            }
        });
        it("the schema check has teeth", () => {
            const broken = { ...spec(), metadataOptions: { ...spec().metadataOptions, httpTokens: "sometimes" } };
            assert.throws(() => new EC2NodeClass({ metadata: { name: "x" }, spec: broken }).validate());
        });
        it("IMDSv2 only, hop limit 1, no IPv6 endpoint", () => {
            assert.deepStrictEqual(spec().metadataOptions, { httpEndpoint: "enabled", httpProtocolIPv6: "disabled", httpPutResponseHopLimit: 1, httpTokens: "required" });
        });
        it("no public IPs", () => assert.strictEqual(spec().associatePublicIPAddress, false));
        it("encrypted gp3 root volume sized from the pool, deleted with the instance", () => {
            assert.deepStrictEqual(spec("executor", { rootVolumeGi: 400 }).blockDeviceMappings, [{
                deviceName: "/dev/xvda",
                rootVolume: true,
                ebs: { volumeSize: "400Gi", volumeType: "gp3", iops: 6000, throughput: 500, encrypted: true, deleteOnTermination: true },
            }]);
            assert.deepStrictEqual(spec("driver", { rootVolumeGi: 100 }).blockDeviceMappings[0].ebs, { volumeSize: "100Gi", volumeType: "gp3", iops: 3000, throughput: 125, encrypted: true, deleteOnTermination: true });
        });
        it("discovers subnets and security groups by the karpenter.sh/discovery tag", () => {
            const s = spec();
            assert.deepStrictEqual(s.subnetSelectorTerms, [{ tags: { "karpenter.sh/discovery": "moka-test" } }]);
            assert.deepStrictEqual(s.securityGroupSelectorTerms, [{ tags: { "karpenter.sh/discovery": "moka-test" } }]);
        });
        it("role, pinned AMI alias, cost tags", () => {
            const s = spec();
            assert.strictEqual(s.role, "moka-test-karpenter-node");
            assert.deepStrictEqual(s.amiSelectorTerms, [{ alias: "al2023@v20260714" }]);
            assert.deepStrictEqual(s.tags, TAGS);
        });

        const aliases: [string, boolean][] = [
            ["al2023@v20260714", true],
            ["al2023@latest", false],
            ["al2@v20260714", false],
            ["bottlerocket@v1.40.0", false],
            ["al2023", false],
        ];
        for (const [alias, good] of aliases) {
            it(`amiAlias ${alias} ${good ? "accepted" : "rejected"}`, () => {
                if (good) {
                    assert.strictEqual(amiAliasProblem(alias), undefined);
                    assert.deepStrictEqual(spec("executor", { amiAlias: alias }).amiSelectorTerms, [{ alias }]);
                } else {
                    const problem = `args.amiAlias must pin an AL2023 EKS AMI release such as al2023@v20260714, got "${alias}" (@latest would roll every node whenever AWS publishes an AMI)`;
                    assert.strictEqual(amiAliasProblem(alias), problem);
                    assert.throws(() => spec("executor", { amiAlias: alias }), { message: `buildEc2NodeClassSpec: ${problem}` });
                }
            });
        }

        const restricted: [string, string | undefined][] = [
            ["kubernetes.io/cluster/moka-test", "kubernetes.io/cluster/* is set by Karpenter"],
            ["karpenter.sh/nodepool", "karpenter.sh/nodepool is set by Karpenter"],
            ["karpenter.sh/nodeclaim", "karpenter.sh/nodeclaim is set by Karpenter"],
            ["karpenter.k8s.aws/ec2nodeclass", "karpenter.k8s.aws/ec2nodeclass is set by Karpenter"],
            ["eks:eks-cluster-name", "eks:eks-cluster-name is set by Karpenter"],
            ["aws:cloudformation:stack-name", "the aws: prefix is reserved by AWS"],
            ["", "empty tag keys are not allowed"],
            ["cost-center", undefined],
            ["karpenter.sh/discovery", undefined],
        ];
        for (const [key, problem] of restricted) {
            it(`tag key ${JSON.stringify(key)}: ${problem ?? "allowed"}`, () => {
                assert.strictEqual(restrictedTagProblem(key), problem);
                assert.deepStrictEqual(nodeClassTagProblems({ owner: "x", [key]: "v" }), problem ? [`args.tags["${key}"] cannot be put on EC2NodeClass.spec.tags: ${problem}`] : []);
            });
        }
    });
});

describe("karpenter node classes: volumeFor", () => {
    const table: [PoolRole, number, { iops: number; throughput: number }][] = [
        ["executor", 200, { iops: 6000, throughput: 500 }],
        ["executor", 20, { iops: 6000, throughput: 500 }],
        ["driver", 20, { iops: 3000, throughput: 125 }],
        ["driver", 16384, { iops: 3000, throughput: 125 }],
    ];
    for (const [role, gi, expected] of table) {
        it(`${role} ${gi} GiB`, () => {
            assert.deepStrictEqual(volumeFor(role, gi), expected);
            assert.ok(expected.throughput <= expected.iops / 4, "gp3 throughput is capped at IOPS/4");
        });
    }
    it("throws when gp3 cannot serve the role on that size", () => {
        assert.throws(() => volumeFor("executor", 10), { message: "volumeFor: gp3 IOPS 6000 is out of range for a 10 GiB root volume" });
    });
    it("lists every bad tag and the unpinned alias together", () => {
        assert.throws(() => buildEc2NodeClassSpec({ role: "driver", clusterName: "c", nodeRoleName: "r", rootVolumeGi: 100, amiAlias: "al2023@latest", tags: { "aws:x": "1", "karpenter.sh/nodepool": "p" } }), {
            message: "buildEc2NodeClassSpec: args.amiAlias must pin an AL2023 EKS AMI release such as al2023@v20260714, got \"al2023@latest\" (@latest would roll every node whenever AWS publishes an AMI); "
                + "args.tags[\"aws:x\"] cannot be put on EC2NodeClass.spec.tags: the aws: prefix is reserved by AWS; args.tags[\"karpenter.sh/nodepool\"] cannot be put on EC2NodeClass.spec.tags: karpenter.sh/nodepool is set by Karpenter",
        });
    });
});
