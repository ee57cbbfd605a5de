import * as assert from "assert";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import { SYSTEM_TOLERATIONS } from "../../../lib/platform";
import { KARPENTER_DEFAULTS, Karpenter, karpenterChartValues, type KarpenterArgs } from "../../../components/karpenter";
import {
    INTERRUPTION_RULES,
    controllerPolicyDocument,
    interruptionQueuePolicyDocument,
    nodeRoleTrustPolicy,
} from "../../../components/karpenter/iam";
import type { NodePoolsInput } from "../../../components/karpenter/node-pools";
import { podIdentityTrustPolicy, type PolicyDocument } from "../../../components/shared/iam";
import { partitionOfRegion as partitionOf } from "../../../lib/aws-partition";
import { MockRunResult, RecordedResource, runUnderMocks } from "../../../preview/mocks";
import { byName, ofType, policyDoc } from "../../helpers/resources";
import { esmImport } from "../../helpers/esm";

// @kubernetes-models/* and kubernetes-models are ESM-only; a real dynamic import loads them.

const ACCOUNT = "111111111111";
const REGION = "us-west-2";
const CONFIG = { "aws:region": REGION, "moka:accountId": ACCOUNT };
const CLUSTER = "moka-test";
const TAGS = { "cost-center": "data-platform", owner: "platform-team@example.com", environment: "test", "managed-by": "pulumi" };
const QUEUE_NAME = "moka-test-karpenter-interruption";
const QUEUE_ARN = `arn:aws:sqs:${REGION}:${ACCOUNT}:${QUEUE_NAME}`;
const NODE_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/moka-test-karpenter-node`;

const POOLS: NodePoolsInput = {
    graviton: { arch: "arm64", role: "executor", cpuLimit: 1000, memoryLimitGi: 4000, instanceFamilies: ["m7g", "c7g", "r7g"], capacityTypes: ["spot", "on-demand"], weight: 60, consolidateAfter: "5m", expireAfter: "720h", rootVolumeGi: 200 },
    x86: { arch: "amd64", role: "executor", cpuLimit: 500, memoryLimitGi: 2000, instanceFamilies: ["m7i", "c7i", "r7i"], capacityTypes: ["spot"], weight: 20, consolidateAfter: "5m", expireAfter: "720h", rootVolumeGi: 200 },
    driver: { arch: "arm64", role: "driver", cpuLimit: 64, memoryLimitGi: 256, instanceFamilies: ["m7g", "r7g"], capacityTypes: ["on-demand"], weight: 50, consolidateAfter: "2m", expireAfter: "720h", rootVolumeGi: 100 },
};

const T = {
    component: "moka:karpenter:Karpenter",
    role: "aws:iam/role:Role",
    attachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    accessEntry: "aws:eks/accessEntry:AccessEntry",
    podIdentity: "aws:eks/podIdentityAssociation:PodIdentityAssociation",
    queue: "aws:sqs/queue:Queue",
    queuePolicy: "aws:sqs/queuePolicy:QueuePolicy",
    rule: "aws:cloudwatch/eventRule:EventRule",
    target: "aws:cloudwatch/eventTarget:EventTarget",
    namespace: "kubernetes:core/v1:Namespace",
    release: "kubernetes:helm.sh/v3:Release",
    nodePool: "kubernetes:karpenter.sh/v1:NodePool",
    nodeClass: "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass",
} as const;

type Stand = { provider: k8s.Provider; systemNodes: aws.eks.NodeGroup };

function standIns(): Stand {
    return {
        provider: new k8s.Provider("k8s", { kubeconfig: "{}" }),
        systemNodes: new aws.eks.NodeGroup("system-nodes", {
            clusterName: CLUSTER,
            nodeRoleArn: `arn:aws:iam::${ACCOUNT}:role/system`,
            subnetIds: ["subnet-a", "subnet-b"],
            scalingConfig: { minSize: 2, desiredSize: 2, maxSize: 3 },
        }),
    };
}

function args(s: Stand, over: Partial<KarpenterArgs> = {}): KarpenterArgs {
    return {
        clusterName: CLUSTER,
        clusterEndpoint: `https://${CLUSTER}.gr7.${REGION}.eks.amazonaws.com`,
        k8sProvider: s.provider,
        nodePools: POOLS,
        baseName: "moka-test",
        region: REGION,
        accountId: ACCOUNT,
        tags: TAGS,
        dependsOn: [s.systemNodes],
        ...over,
    };
}

// ---------------------------------------------------------------------------------------------
// Least-privilege checks for any IAM document
// ---------------------------------------------------------------------------------------------

const READ_ONLY = /^[a-z0-9-]+:(Describe|Get|List)[A-Za-z]*$/;
const asList = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Problems that make an identity policy not least-privilege. Empty for a good document. */
function leastPrivilegeProblems(doc: PolicyDocument): string[] {
    const problems: string[] = [];
    const sids = new Set<string>();
    for (const s of doc.Statement) {
        if (!s.Sid) {
            problems.push("statement without Sid");
        } else if (sids.has(s.Sid)) {
            problems.push(`duplicate Sid ${s.Sid}`);
        }
        sids.add(s.Sid!);
        if (s.Effect !== "Allow") {
            continue;
        }
        const actions = asList(s.Action);
        const resources = asList(s.Resource);
        const anyResource = resources.includes("*");
        for (const a of actions) {
            if (a === "*" || /^[a-z0-9-]+:\*$/.test(a)) {
                problems.push(`${s.Sid}: wildcard action ${a}${anyResource ? " on Resource *" : ""}`);
            }
            const mutating = !READ_ONLY.test(a);
            if (mutating && anyResource) {
                problems.push(`${s.Sid}: mutating ${a} on Resource *`);
            }
            if (mutating && resources.some((r) => r.includes("*")) && !s.Condition) {
                problems.push(`${s.Sid}: mutating ${a} on a wildcard resource without a Condition`);
            }
        }
    }
    return problems;
}

const mutatingActions = (doc: PolicyDocument) => doc.Statement.filter((s) => s.Effect === "Allow").flatMap((s) => asList(s.Action).filter((a) => !READ_ONLY.test(a)).map((a) => ({ a, s })));

describe("karpenter-iam (pure)", () => {
    const base = { partition: "aws", region: REGION, accountId: ACCOUNT, clusterName: CLUSTER, nodeRoleArn: NODE_ROLE_ARN, queueArn: QUEUE_ARN };
    const doc = controllerPolicyDocument(base);
    const bySid = (sid: string) => {
        const s = doc.Statement.find((x) => x.Sid === sid);
        assert.ok(s, `statement ${sid}`);
        return s!;
    };

    it("passes the least-privilege checks", () => assert.deepStrictEqual(leastPrivilegeProblems(doc), []));

    const teeth: [string, PolicyDocument["Statement"][number], RegExp][] = [
        ["Action * on *", { Sid: "Bad", Effect: "Allow", Action: "*", Resource: "*" }, /wildcard action \* on Resource \*/],
        ["ec2:* on *", { Sid: "Bad", Effect: "Allow", Action: "ec2:*", Resource: "*" }, /wildcard action ec2:\* on Resource \*/],
        ["TerminateInstances on *", { Sid: "Bad", Effect: "Allow", Action: "ec2:TerminateInstances", Resource: "*" }, /mutating ec2:TerminateInstances on Resource \*/],
        ["unconditioned CreateTags", { Sid: "Bad", Effect: "Allow", Action: "ec2:CreateTags", Resource: "arn:aws:ec2:us-west-2:111111111111:instance/*" }, /without a Condition/],
        ["missing Sid", { Sid: "", Effect: "Allow", Action: "ec2:DescribeImages", Resource: "*" }, /without Sid/],
    ];
    for (const [title, statement, problem] of teeth) {
        it(`the checker flags ${title}`, () => {
            const problems = leastPrivilegeProblems({ ...doc, Statement: [...doc.Statement, statement] });
            assert.ok(problems.some((p) => problem.test(p)), problems.join("\n"));
        });
    }

    it("every statement has a unique Sid", () => {
        const sids = doc.Statement.map((s) => s.Sid);
        assert.strictEqual(new Set(sids).size, sids.length);
        assert.ok(sids.every((s) => /^[A-Za-z0-9]+$/.test(s ?? "")));
    });

    it("every mutating action carries a Condition unless it targets one exact ARN", () => {
        for (const { a, s } of mutatingActions(doc)) {
            const exact = asList(s.Resource).every((r) => !r.includes("*"));
            assert.ok(s.Condition || exact, `${s.Sid} ${a}`);
        }
        const unconditioned = mutatingActions(doc).filter(({ s }) => !s.Condition).map(({ a }) => a).sort();
        assert.deepStrictEqual(unconditioned, ["sqs:DeleteMessage", "sqs:ReceiveMessage"]);
    });

    it("Resource * only for read-only calls that have no resource-level permissions", () => {
        const star = doc.Statement.filter((s) => asList(s.Resource).includes("*")).flatMap((s) => asList(s.Action)).sort();
        assert.ok(star.every((a) => READ_ONLY.test(a)), star.join(","));
        assert.ok(star.includes("pricing:GetProducts") && star.includes("ec2:DescribeInstanceTypes") && star.includes("iam:ListInstanceProfiles"));
        assert.deepStrictEqual(bySid("AllowRegionalReadActions").Condition, { StringEquals: { "aws:RequestedRegion": REGION } });
    });

    const launchTable: [string, string[], Record<string, Record<string, unknown>>][] = [
        ["AllowScopedEC2InstanceActionsWithTags", ["ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate"], {
            StringEquals: { [`aws:RequestTag/kubernetes.io/cluster/${CLUSTER}`]: "owned", "aws:RequestTag/eks:eks-cluster-name": CLUSTER },
            StringLike: { "aws:RequestTag/karpenter.sh/nodepool": "*" },
        }],
        ["AllowScopedEC2LaunchTemplateAccessActions", ["ec2:RunInstances", "ec2:CreateFleet"], {
            StringEquals: { [`aws:ResourceTag/kubernetes.io/cluster/${CLUSTER}`]: "owned" },
            StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
        }],
        ["AllowScopedDeletion", ["ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"], {
            StringEquals: { [`aws:ResourceTag/kubernetes.io/cluster/${CLUSTER}`]: "owned" },
            StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
        }],
        ["AllowScopedEC2SubnetAndSecurityGroupUse", ["ec2:RunInstances", "ec2:CreateFleet"], {
            StringEquals: { "aws:ResourceTag/karpenter.sh/discovery": CLUSTER },
        }],
    ];
    for (const [sid, actions, condition] of launchTable) {
        it(`${sid}: actions and tag conditions`, () => {
            assert.deepStrictEqual(asList(bySid(sid).Action), actions);
            assert.deepStrictEqual(bySid(sid).Condition, condition);
        });
    }

    it("creation tagging only on create actions; later tagging limited to Name/nodeclaim keys", () => {
        assert.deepStrictEqual((bySid("AllowScopedResourceCreationTagging").Condition as any).StringEquals["ec2:CreateAction"], ["RunInstances", "CreateFleet", "CreateLaunchTemplate"]);
        assert.deepStrictEqual((bySid("AllowScopedResourceTagging").Condition as any)["ForAllValues:StringEquals"], { "aws:TagKeys": ["eks:eks-cluster-name", "karpenter.sh/nodeclaim", "Name"] });
        assert.deepStrictEqual(bySid("AllowScopedResourceTagging").Resource, `arn:aws:ec2:${REGION}:${ACCOUNT}:instance/*`);
    });

    it("ARNs are pinned to the region and account", () => {
        for (const s of doc.Statement) {
            for (const r of asList(s.Resource).filter((x) => x.startsWith("arn:aws:ec2:"))) {
                assert.ok(r.startsWith(`arn:aws:ec2:${REGION}:${ACCOUNT}:`) || r.startsWith(`arn:aws:ec2:${REGION}::`), r);
            }
        }
        assert.deepStrictEqual(bySid("AllowScopedEC2ImageAndSnapshotUse").Resource, [`arn:aws:ec2:${REGION}::image/*`, `arn:aws:ec2:${REGION}::snapshot/*`]);
    });

    it("iam:PassRole only on the node role, only to EC2", () => {
        const passers = doc.Statement.filter((s) => asList(s.Action).includes("iam:PassRole"));
        assert.strictEqual(passers.length, 1);
        assert.strictEqual(passers[0].Resource, NODE_ROLE_ARN);
        assert.deepStrictEqual(passers[0].Condition, { StringEquals: { "iam:PassedToService": "ec2.amazonaws.com" } });
    });

    it("instance-profile actions are scoped by tags to this cluster and region", () => {
        for (const sid of ["AllowScopedInstanceProfileCreationActions", "AllowScopedInstanceProfileTagActions", "AllowScopedInstanceProfileActions"]) {
            const s = bySid(sid);
            assert.strictEqual(s.Resource, `arn:aws:iam::${ACCOUNT}:instance-profile/*`);
            const eq = (s.Condition as any).StringEquals;
            const owned = eq[`aws:RequestTag/kubernetes.io/cluster/${CLUSTER}`] ?? eq[`aws:ResourceTag/kubernetes.io/cluster/${CLUSTER}`];
            assert.strictEqual(owned, "owned", sid);
            assert.ok(eq["aws:RequestTag/topology.kubernetes.io/region"] === REGION || eq["aws:ResourceTag/topology.kubernetes.io/region"] === REGION, sid);
        }
    });

    it("SQS only on the interruption queue; eks:DescribeCluster only on the cluster; SSM only public AMI parameters", () => {
        const sqs = doc.Statement.filter((s) => asList(s.Action).some((a) => a.startsWith("sqs:")));
        assert.deepStrictEqual(sqs.map((s) => s.Resource), [QUEUE_ARN]);
        assert.deepStrictEqual(asList(sqs[0].Action), ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"]);
        assert.strictEqual(bySid("AllowAPIServerEndpointDiscovery").Resource, `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/${CLUSTER}`);
        assert.deepStrictEqual(bySid("AllowAPIServerEndpointDiscovery").Action, "eks:DescribeCluster");
        assert.strictEqual(bySid("AllowSSMReadActions").Resource, `arn:aws:ssm:${REGION}::parameter/aws/service/*`);
        assert.strictEqual(bySid("AllowSSMReadActions").Action, "ssm:GetParameter");
    });

    it("fits the 10,240-character inline role policy quota", () => {
        assert.ok(JSON.stringify(doc).length < 10240, `${JSON.stringify(doc).length} characters`);
    });

    const partitions: [string, string, string][] = [
        ["us-west-2", "aws", "ec2.amazonaws.com"],
        ["cn-north-1", "aws-cn", "ec2.amazonaws.com.cn"],
        ["us-gov-west-1", "aws-us-gov", "ec2.amazonaws.com"],
    ];
    for (const [region, partition, ec2] of partitions) {
        it(`partition of ${region} is ${partition}`, () => {
            assert.strictEqual(partitionOf(region), partition);
            const d = controllerPolicyDocument({ ...base, region, partition });
            for (const r of d.Statement.flatMap((s) => asList(s.Resource)).filter((x) => x.startsWith("arn:") && x !== NODE_ROLE_ARN && x !== QUEUE_ARN)) {
                assert.ok(r.startsWith(`arn:${partition}:`), r);
            }
            assert.deepStrictEqual((d.Statement.find((s) => s.Sid === "AllowPassingInstanceRole")!.Condition as any).StringEquals["iam:PassedToService"], ec2);
            assert.deepStrictEqual(nodeRoleTrustPolicy(partition).Statement[0].Principal, { Service: ec2 });
        });
    }

    it("trust policies: Pod Identity for the controller", () => {
        assert.deepStrictEqual(podIdentityTrustPolicy().Statement, [{ Sid: "AllowEksPodIdentity", Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] }]);
    });

    it("queue policy: EventBridge only from our rules, SQS service, TLS enforced", () => {
        const rules = ["arn:aws:events:us-west-2:111111111111:rule/a", "arn:aws:events:us-west-2:111111111111:rule/b"];
        const q = interruptionQueuePolicyDocument({ queueArn: QUEUE_ARN, ruleArns: rules });
        assert.deepStrictEqual(q.Statement.map((s) => [s.Sid, s.Effect, s.Principal, s.Action, s.Resource]), [
            ["AllowEventBridgeRulesToSend", "Allow", { Service: "events.amazonaws.com" }, "sqs:SendMessage", QUEUE_ARN],
            ["AllowSqsServiceToSend", "Allow", { Service: "sqs.amazonaws.com" }, "sqs:SendMessage", QUEUE_ARN],
            ["DenyInsecureTransport", "Deny", "*", "sqs:*", QUEUE_ARN],
        ]);
        assert.deepStrictEqual(q.Statement[0].Condition, { ArnEquals: { "aws:SourceArn": rules } });
        assert.deepStrictEqual(q.Statement[2].Condition, { Bool: { "aws:SecureTransport": "false" } });
        assert.throws(() => interruptionQueuePolicyDocument({ queueArn: QUEUE_ARN, ruleArns: [] }), /ruleArns must not be empty/);
    });

    it("four interruption rules with the detail-types Karpenter parses", () => {
        assert.deepStrictEqual(INTERRUPTION_RULES.map((r) => [(r.pattern.source as string[])[0], (r.pattern["detail-type"] as string[])[0]]), [
            ["aws.ec2", "EC2 Spot Instance Interruption Warning"],
            ["aws.ec2", "EC2 Instance Rebalance Recommendation"],
            ["aws.ec2", "EC2 Instance State-change Notification"],
            ["aws.health", "AWS Health Event"],
        ]);
        assert.deepStrictEqual(INTERRUPTION_RULES[3].pattern.detail, { service: ["EC2"], eventTypeCategory: ["scheduledChange"] });
        assert.deepStrictEqual(INTERRUPTION_RULES[2].pattern.detail, { state: ["stopping", "stopped", "shutting-down", "terminated"] });
    });
});

describe("karpenterChartValues (pure)", () => {
    const v = karpenterChartValues({ clusterName: CLUSTER, clusterEndpoint: "https://x", interruptionQueueName: QUEUE_NAME, region: REGION }) as any;
    it("sets exactly the keys verified against values.yaml 1.14.1", () => {
        assert.deepStrictEqual(Object.keys(v).sort(), ["controller", "nodeSelector", "replicas", "serviceAccount", "settings", "tolerations"]);
        assert.deepStrictEqual(Object.keys(v.settings).sort(), ["clusterEndpoint", "clusterName", "interruptionQueue", "reservedENIs"]);
        assert.deepStrictEqual(Object.keys(v.controller).sort(), ["env", "resources"]);
        assert.deepStrictEqual(Object.keys(v.serviceAccount).sort(), ["create", "name"]);
    });
    it("queue by name, system-node placement, HA, sized controller", () => {
        assert.strictEqual(v.settings.interruptionQueue, QUEUE_NAME);
        assert.strictEqual(v.settings.reservedENIs, "1", "custom networking: the primary ENI holds no pod IPs");
        assert.deepStrictEqual(v.nodeSelector, { "kubernetes.io/os": "linux", "moka.dev/node-role": "system" });
        assert.deepStrictEqual(v.tolerations, SYSTEM_TOLERATIONS);
        assert.strictEqual(v.replicas, 2);
        assert.deepStrictEqual(v.controller.resources, { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } });
        assert.deepStrictEqual(v.controller.env, [{ name: "AWS_REGION", value: REGION }]);
    });
});

describe("Karpenter component", () => {
    let run: MockRunResult;
    let component: RecordedResource;
    let stand: { provider: string; systemNodes: string };
    const of = (type: string) => ofType(run.resources, type);

    before(async () => {
        let s: Stand | undefined;
        run = await runUnderMocks({
            stack: "test",
            config: CONFIG,
            program: () => {
                s = standIns();
                const k = new Karpenter("karpenter", args(s));
                return {
                    nodePools: k.nodePools,
                    interruptionQueueName: k.interruptionQueueName,
                    interruptionQueueArn: k.interruptionQueueArn,
                    nodeRoleArn: k.nodeRoleArn,
                    nodeRoleName: k.nodeRoleName,
                    controllerRoleArn: k.controllerRoleArn,
                    releaseName: k.release.name,
                };
            },
        });
        component = byName(run.resources, "karpenter");
        const providerUrn = run.resources.find((r) => r.type === "pulumi:providers:kubernetes")!.urn;
        stand = { provider: providerUrn, systemNodes: byName(run.resources, "system-nodes").urn };
        assert.ok(s);
    });

    it("creates exactly the expected children", () => {
        const expected: Record<string, number> = {
            [T.role]: 2, [T.attachment]: 4, [T.rolePolicy]: 1, [T.accessEntry]: 1, [T.podIdentity]: 1,
            [T.queue]: 1, [T.queuePolicy]: 1, [T.rule]: 4, [T.target]: 4,
            [T.namespace]: 1, [T.release]: 2, [T.nodePool]: 3, [T.nodeClass]: 3,
        };
        for (const [type, n] of Object.entries(expected)) {
            assert.strictEqual(of(type).length, n, type);
        }
        const children = run.resources.filter((r) => r.parent === component.urn);
        assert.strictEqual(children.length, Object.values(expected).reduce((a, b) => a + b, 0));
        assert.deepStrictEqual([...new Set(children.map((c) => c.type))].sort(), Object.keys(expected).sort());
        assert.strictEqual(component.type, T.component);
    });

    it("names children after the component", () => {
        const names = run.resources.filter((r) => r.parent === component.urn).map((r) => r.name).sort();
        assert.ok(names.every((n) => n.startsWith("karpenter-")), names.join(","));
        for (const n of ["karpenter-node-role", "karpenter-controller-role", "karpenter-controller-policy", "karpenter-node-access", "karpenter-pod-identity",
            "karpenter-interruption", "karpenter-interruption-policy", "karpenter-namespace", "karpenter-release", "karpenter-crds",
            "karpenter-nodepool-graviton", "karpenter-nodepool-x86", "karpenter-nodepool-driver",
            "karpenter-nodeclass-graviton", "karpenter-nodeclass-x86", "karpenter-nodeclass-driver"]) {
            byName(run.resources, n);
        }
    });

    it("every Kubernetes child uses the explicit provider", () => {
        const kube = run.resources.filter((r) => r.parent === component.urn && r.type.startsWith("kubernetes:"));
        assert.strictEqual(kube.length, 9);
        for (const r of kube) {
            assert.ok(r.provider?.startsWith(`${stand.provider}::`), `${r.name}: ${r.provider}`);
        }
    });

    it("every taggable AWS child carries the cost tags", () => {
        const taggable = [T.role, T.accessEntry, T.podIdentity, T.queue, T.rule];
        for (const r of run.resources.filter((x) => taggable.includes(x.type as any))) {
            assert.deepStrictEqual(r.inputs.tags, TAGS, r.name);
        }
    });

    describe("interruption queue", () => {
        it("named from baseName, SSE, 5-minute retention", () => {
            const q = of(T.queue)[0];
            assert.strictEqual(q.inputs.name, QUEUE_NAME);
            assert.strictEqual(q.inputs.sqsManagedSseEnabled, true);
            assert.strictEqual(q.inputs.messageRetentionSeconds, 300);
        });

        it("four rules, each with one target on the queue", () => {
            const rules = of(T.rule);
            const patterns = rules.map((r) => JSON.parse(r.inputs.eventPattern));
            assert.deepStrictEqual(patterns.map((p) => p["detail-type"][0]).sort(), [
                "AWS Health Event", "EC2 Instance Rebalance Recommendation", "EC2 Instance State-change Notification", "EC2 Spot Instance Interruption Warning",
            ]);
            assert.deepStrictEqual(patterns.find((p) => p.source[0] === "aws.health").detail.eventTypeCategory, ["scheduledChange"]);
            assert.deepStrictEqual(rules.map((r) => r.inputs.name).sort(), [
                "moka-test-karpenter-rebalance", "moka-test-karpenter-scheduled-change", "moka-test-karpenter-spot-interruption", "moka-test-karpenter-state-change",
            ]);
            const targets = of(T.target);
            assert.deepStrictEqual(targets.map((t) => t.inputs.rule).sort(), rules.map((r) => r.inputs.name).sort());
            for (const t of targets) {
                assert.strictEqual(t.inputs.arn, QUEUE_ARN);
            }
        });

        it("queue policy: send only to this queue, only from our rules, deny non-TLS", () => {
            const qp = of(T.queuePolicy)[0];
            assert.strictEqual(qp.inputs.queueUrl, `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${QUEUE_NAME}`);
            const doc = policyDoc(qp.inputs.policy);
            for (const s of doc.Statement) {
                assert.strictEqual(s.Resource, QUEUE_ARN);
            }
            const allow = doc.Statement.filter((s) => s.Effect === "Allow");
            assert.deepStrictEqual(allow.map((s) => s.Principal.Service).sort(), ["events.amazonaws.com", "sqs.amazonaws.com"]);
            assert.ok(allow.every((s) => s.Action === "sqs:SendMessage"));
            const ruleArns = of(T.rule).map((r) => `arn:aws:events:${REGION}:${ACCOUNT}:rule/${r.inputs.name}`).sort();
            assert.deepStrictEqual([...allow[0].Condition.ArnEquals["aws:SourceArn"]].sort(), ruleArns);
            const deny = doc.Statement.filter((s) => s.Effect === "Deny");
            assert.deepStrictEqual(deny, [{ Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "sqs:*", Resource: QUEUE_ARN, Condition: { Bool: { "aws:SecureTransport": "false" } } }]);
        });
    });

    describe("IAM", () => {
        it("controller role: Pod Identity trust, karpenter/karpenter association", () => {
            const role = byName(run.resources, "karpenter-controller-role");
            assert.strictEqual(role.inputs.name, "moka-test-karpenter-controller");
            const trust = policyDoc(role.inputs.assumeRolePolicy);
            assert.deepStrictEqual(trust.Statement.map((s) => [s.Principal, s.Action]), [[{ Service: "pods.eks.amazonaws.com" }, ["sts:AssumeRole", "sts:TagSession"]]]);
            const pia = of(T.podIdentity)[0];
            assert.deepStrictEqual([pia.inputs.clusterName, pia.inputs.namespace, pia.inputs.serviceAccount, pia.inputs.roleArn],
                [CLUSTER, "karpenter", "karpenter", `arn:aws:iam::${ACCOUNT}:role/moka-test-karpenter-controller`]);
        });

        it("controller policy is the least-privilege document with real ARNs", () => {
            const rp = of(T.rolePolicy)[0];
            assert.strictEqual(rp.inputs.role, "moka-test-karpenter-controller");
            const doc = policyDoc(rp.inputs.policy) as PolicyDocument;
            assert.deepStrictEqual(leastPrivilegeProblems(doc), []);
            assert.deepStrictEqual(doc, controllerPolicyDocument({ partition: "aws", region: REGION, accountId: ACCOUNT, clusterName: CLUSTER, nodeRoleArn: NODE_ROLE_ARN, queueArn: QUEUE_ARN }));
        });

        it("node role: EC2 trust, the four managed policies, one EC2_LINUX access entry", () => {
            const role = byName(run.resources, "karpenter-node-role");
            assert.strictEqual(role.inputs.name, "moka-test-karpenter-node");
            assert.deepStrictEqual(policyDoc(role.inputs.assumeRolePolicy).Statement.map((s) => [s.Principal, s.Action]), [[{ Service: "ec2.amazonaws.com" }, "sts:AssumeRole"]]);
            assert.deepStrictEqual(of(T.attachment).map((a) => a.inputs.policyArn).sort(), [
                "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",
                "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
                "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
                "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
            ]);
            assert.ok(of(T.attachment).every((a) => a.inputs.role === "moka-test-karpenter-node"));
            const entry = of(T.accessEntry)[0];
            assert.deepStrictEqual([entry.inputs.clusterName, entry.inputs.principalArn, entry.inputs.type], [CLUSTER, NODE_ROLE_ARN, "EC2_LINUX"]);
        });
    });

    describe("Kubernetes", () => {
        let Namespace: any;
        let NodePool: any;
        let EC2NodeClass: any;
        before(async () => {
            ({ Namespace } = await esmImport("kubernetes-models/v1/Namespace"));
            ({ NodePool } = await esmImport("@kubernetes-models/karpenter/karpenter.sh/v1/NodePool"));
            ({ EC2NodeClass } = await esmImport("@kubernetes-models/karpenter/karpenter.k8s.aws/v1/EC2NodeClass"));
        });

        it("namespace karpenter enforces Pod Security restricted and validates", () => {
            const ns = of(T.namespace)[0];
            assert.deepStrictEqual(ns.inputs.metadata, {
                name: "karpenter",
                labels: {
                    "pod-security.kubernetes.io/enforce": "restricted",
                    "pod-security.kubernetes.io/audit": "restricted",
                    "pod-security.kubernetes.io/warn": "restricted",
                    "app.kubernetes.io/managed-by": "pulumi",
                    "moka.dev/environment": "test",
                },
            });
            new Namespace({ apiVersion: "v1", kind: "Namespace", metadata: ns.inputs.metadata }).validate();
        });

        it("CRDs: the karpenter-crd chart at the controller's version, first (upgraded with every version, unlike the chart's crds/)", () => {
            const crds = byName(run.resources, "karpenter-crds");
            assert.strictEqual(crds.inputs.chart, "oci://public.ecr.aws/karpenter/karpenter-crd");
            assert.strictEqual(crds.inputs.version, "1.14.1");
            assert.strictEqual(crds.inputs.version, KARPENTER_DEFAULTS.version);
            assert.strictEqual(crds.inputs.name, "karpenter-crd");
            assert.strictEqual(crds.inputs.namespace, "karpenter");
            assert.deepStrictEqual(crds.inputs.values, {});
            assert.strictEqual(crds.inputs.atomic, true);
            assert.ok(crds.dependencies.includes(stand.systemNodes), "waits for the system nodes like the controller");
        });

        it("release: pinned OCI chart without its install-once CRDs, after the CRD release, identity and system nodes", () => {
            const rel = byName(run.resources, "karpenter-release");
            assert.strictEqual(rel.inputs.chart, "oci://public.ecr.aws/karpenter/karpenter");
            assert.strictEqual(rel.inputs.version, "1.14.1");
            assert.strictEqual(rel.inputs.chart, KARPENTER_DEFAULTS.chart);
            assert.strictEqual(rel.inputs.name, "karpenter");
            assert.strictEqual(rel.inputs.namespace, "karpenter");
            assert.strictEqual(rel.inputs.skipCrds, true);
            assert.ok(rel.dependencies.includes(byName(run.resources, "karpenter-crds").urn), "dependsOn the CRD release");
            assert.strictEqual(rel.inputs.createNamespace, false);
            assert.strictEqual(rel.inputs.repositoryOpts, undefined);
            assert.ok(rel.dependencies.includes(stand.systemNodes), "dependsOn the system node group");
            assert.ok(rel.dependencies.includes(of(T.podIdentity)[0].urn), "dependsOn the pod identity association");
            assert.ok(rel.dependencies.includes(of(T.rolePolicy)[0].urn), "dependsOn the controller policy");
        });

        it("release values: queue NAME (not ARN), cluster, service account, HA, system nodes", () => {
            const v = byName(run.resources, "karpenter-release").inputs.values;
            assert.deepStrictEqual(v.settings, { clusterName: CLUSTER, clusterEndpoint: `https://${CLUSTER}.gr7.${REGION}.eks.amazonaws.com`, interruptionQueue: QUEUE_NAME, reservedENIs: "1" });
            assert.ok(!String(v.settings.interruptionQueue).startsWith("arn:"));
            assert.deepStrictEqual(v.serviceAccount, { create: true, name: "karpenter" });
            assert.strictEqual(v.replicas, 2);
            assert.deepStrictEqual(v.nodeSelector, { "kubernetes.io/os": "linux", "moka.dev/node-role": "system" });
            assert.deepStrictEqual(v.tolerations, [{ key: "CriticalAddonsOnly", operator: "Exists", effect: "NoSchedule" }]);
            assert.deepStrictEqual(v.controller.resources.requests, { cpu: "1", memory: "1Gi" });
        });

        it("three EC2NodeClasses, one per pool, valid against the schema", () => {
            const classes = of(T.nodeClass);
            assert.deepStrictEqual(classes.map((c) => c.inputs.metadata.name).sort(), ["spark-driver", "spark-graviton", "spark-x86"]);
            const release = byName(run.resources, "karpenter-release").urn;
            const crds = byName(run.resources, "karpenter-crds").urn;
            for (const c of classes) {
                assert.strictEqual(c.inputs.apiVersion, "karpenter.k8s.aws/v1");
                assert.strictEqual(c.inputs.kind, "EC2NodeClass");
                new EC2NodeClass({ metadata: c.inputs.metadata, spec: c.inputs.spec }).validate();
                assert.ok(c.dependencies.includes(release), `${c.name} dependsOn the controller release`);
                assert.ok(c.dependencies.includes(crds), `${c.name} dependsOn the CRD release`);
                const s = c.inputs.spec;
                assert.strictEqual(s.role, "moka-test-karpenter-node");
                assert.deepStrictEqual(s.metadataOptions, { httpEndpoint: "enabled", httpProtocolIPv6: "disabled", httpPutResponseHopLimit: 1, httpTokens: "required" });
                assert.strictEqual(s.associatePublicIPAddress, false);
                assert.strictEqual(s.blockDeviceMappings[0].ebs.encrypted, true);
                assert.strictEqual(s.blockDeviceMappings[0].ebs.deleteOnTermination, true);
                assert.deepStrictEqual(s.amiSelectorTerms, [{ alias: "al2023@v20260714" }]);
                assert.deepStrictEqual(s.subnetSelectorTerms, [{ tags: { "karpenter.sh/discovery": CLUSTER } }]);
                assert.deepStrictEqual(s.tags, TAGS);
            }
            const size = (n: string) => classes.find((c) => c.inputs.metadata.name === n)!.inputs.spec.blockDeviceMappings[0].ebs.volumeSize;
            assert.deepStrictEqual([size("spark-graviton"), size("spark-x86"), size("spark-driver")], ["200Gi", "200Gi", "100Gi"]);
        });

        it("three NodePools valid against the schema, with weights, limits, taints", () => {
            const pools = of(T.nodePool);
            const byPool = (n: string) => pools.find((p) => p.inputs.metadata.name === n)!;
            assert.deepStrictEqual(pools.map((p) => p.inputs.metadata.name).sort(), ["spark-driver", "spark-graviton", "spark-x86"]);
            for (const p of pools) {
                assert.strictEqual(p.inputs.apiVersion, "karpenter.sh/v1");
                new NodePool({ metadata: p.inputs.metadata, spec: p.inputs.spec }).validate();
                assert.ok(p.dependencies.includes(byName(run.resources, "karpenter-release").urn), `${p.name} dependsOn the release`);
                assert.ok(p.dependencies.includes(byName(run.resources, "karpenter-crds").urn), `${p.name} dependsOn the CRD release`);
                assert.ok(p.dependencies.includes(of(T.accessEntry)[0].urn), `${p.name} dependsOn the access entry`);
                assert.strictEqual(p.inputs.spec.template.spec.nodeClassRef.name, p.inputs.metadata.name);
            }
            assert.ok(byPool("spark-graviton").inputs.spec.weight > byPool("spark-x86").inputs.spec.weight);
            assert.deepStrictEqual(byPool("spark-graviton").inputs.spec.limits, { cpu: "1000", memory: "4000Gi" });
            assert.deepStrictEqual(byPool("spark-x86").inputs.spec.limits, { cpu: "500", memory: "2000Gi" });
            const driver = byPool("spark-driver").inputs.spec;
            assert.deepStrictEqual(driver.template.spec.taints, [{ key: "moka.dev/spark-role", value: "driver", effect: "NoSchedule" }]);
            assert.deepStrictEqual(driver.template.metadata.labels, { "moka.dev/spark-role": "driver" });
            assert.strictEqual(driver.disruption.consolidationPolicy, "WhenEmpty");
            assert.deepStrictEqual(driver.template.spec.requirements.find((r: any) => r.key === "karpenter.sh/capacity-type").values, ["on-demand"]);
            assert.deepStrictEqual(byPool("spark-x86").inputs.spec.template.spec.requirements.find((r: any) => r.key === "karpenter.sh/capacity-type").values, ["spot"]);
        });
    });

    it("outputs", () => {
        assert.deepStrictEqual(run.outputs, {
            nodePools: [
                { name: "spark-graviton", arch: "arm64", capacityTypes: ["on-demand", "spot"] },
                { name: "spark-x86", arch: "amd64", capacityTypes: ["spot"] },
                { name: "spark-driver", arch: "arm64", capacityTypes: ["on-demand"] },
            ],
            interruptionQueueName: QUEUE_NAME,
            interruptionQueueArn: QUEUE_ARN,
            nodeRoleArn: NODE_ROLE_ARN,
            nodeRoleName: "moka-test-karpenter-node",
            controllerRoleArn: `arn:aws:iam::${ACCOUNT}:role/moka-test-karpenter-controller`,
            releaseName: "karpenter",
        });
    });

    describe("constructor validation", () => {
        const K = "moka:karpenter:Karpenter \"karpenter\": ";
        const bad: [string, (s: Stand) => Partial<KarpenterArgs>, string][] = [
            ["empty clusterName", () => ({ clusterName: "" }), `${K}args.clusterName must be an EKS cluster name (letters, digits, '-', '_'; at most 100), got ""`],
            ["missing provider", () => ({ k8sProvider: undefined as unknown as k8s.Provider }), `${K}args.k8sProvider is required`],
            ["baseName with capitals", () => ({ baseName: "Moka-Test" }), `${K}args.baseName must be 1-36 lower-case letters, digits and '-', got "Moka-Test"`],
            ["short account id", () => ({ accountId: "11111111111" }), `${K}args.accountId must be a 12-digit AWS account id, got "11111111111"`],
            ["bad region", () => ({ region: "oregon" }), `${K}args.region must be an AWS region such as us-west-2, got "oregon"`],
            ["m7i in the Graviton pool", () => ({ nodePools: { ...POOLS, graviton: { ...POOLS.graviton, instanceFamilies: ["m7g", "m7i"] } } }),
                `${K}args.nodePools.graviton.instanceFamilies[1]: m7i is an x86 (amd64) family but the pool's arch is arm64: use Graviton families such as m7g, c7g, r7g`],
            ["r7g in the x86 pool", () => ({ nodePools: { ...POOLS, x86: { ...POOLS.x86, instanceFamilies: ["r7g"] } } }),
                `${K}args.nodePools.x86.instanceFamilies[0]: r7g is a Graviton (arm64) family but the pool's arch is amd64: use x86 families such as m7i, c7i, r7i`],
            ["x86 weighted above Graviton", () => ({ nodePools: { ...POOLS, x86: { ...POOLS.x86, weight: 70 } } }),
                `${K}args.nodePools.x86.weight: must be below the weight of arm64 executor pool "graviton" (60) so Graviton is preferred`],
            ["spot drivers", () => ({ nodePools: { ...POOLS, driver: { ...POOLS.driver, capacityTypes: ["spot"] } } }),
                `${K}args.nodePools.driver.capacityTypes[0]: a driver pool is on-demand only: losing a driver to a spot interruption kills the whole Spark application`],
            ["no driver pool", () => ({ nodePools: { graviton: POOLS.graviton, x86: POOLS.x86 } }),
                `${K}args.nodePools: needs at least one pool with role driver (Spark drivers are placed on the driver pools only)`],
            ["missing pools", () => ({ nodePools: undefined as unknown as NodePoolsInput }), `${K}args.nodePools: is required`],
            ["reserved tag", () => ({ tags: { ...TAGS, [`kubernetes.io/cluster/${CLUSTER}`]: "owned" } }),
                `${K}args.tags["kubernetes.io/cluster/${CLUSTER}"] cannot be put on EC2NodeClass.spec.tags: kubernetes.io/cluster/* is set by Karpenter`],
            ["unpinned AMI", () => ({ amiAlias: "al2023@latest" }),
                `${K}args.amiAlias must pin an AL2023 EKS AMI release such as al2023@v20260714, got "al2023@latest" (@latest would roll every node whenever AWS publishes an AMI)`],
            ["every problem at once", () => ({ region: "oregon", baseName: "", nodePools: { ...POOLS, x86: { ...POOLS.x86, weight: 0 } }, amiAlias: "al2023@latest" }),
                `${K}args.baseName must be 1-36 lower-case letters, digits and '-', got ""; args.region must be an AWS region such as us-west-2, got "oregon"; `
                + "args.nodePools.x86.weight: must be between 1 and 100; "
                + "args.amiAlias must pin an AL2023 EKS AMI release such as al2023@v20260714, got \"al2023@latest\" (@latest would roll every node whenever AWS publishes an AMI)"],
        ];
        for (const [title, over, message] of bad) {
            it(`throws: ${title}`, async () => {
                await assert.rejects(runUnderMocks({
                    stack: "test",
                    config: CONFIG,
                    program: () => {
                        const s = standIns();
                        new Karpenter("karpenter", args(s, over(s)));
                        return {};
                    },
                }), { message });
            });
        }
    });
});

describe("Karpenter component: pools as data", () => {
    let run: MockRunResult;
    let NodePool: any;
    let EC2NodeClass: any;
    const MEMORY = { arch: "arm64", instanceFamilies: ["r8g", "r7g"], cpuLimit: 800, memoryLimitGi: 6400, weight: 40, rootVolumeGi: 300 } as const;

    before(async () => {
        ({ NodePool } = await esmImport("@kubernetes-models/karpenter/karpenter.sh/v1/NodePool"));
        ({ EC2NodeClass } = await esmImport("@kubernetes-models/karpenter/karpenter.k8s.aws/v1/EC2NodeClass"));
        run = await runUnderMocks({
            stack: "test",
            config: CONFIG,
            program: () => {
                const k = new Karpenter("karpenter", args(standIns(), { nodePools: { ...POOLS, memory: { ...MEMORY, instanceFamilies: [...MEMORY.instanceFamilies] } } }));
                return { nodePools: k.nodePools, executorArchitectures: k.executorArchitectures };
            },
        });
    });

    it("a fourth pool is one more map entry: one more EC2NodeClass and NodePool, named after its key", () => {
        const component = byName(run.resources, "karpenter");
        assert.strictEqual(run.resources.filter((r) => r.parent === component.urn).length, 30);
        const names = (type: string) => ofType(run.resources, type).map((r) => `${r.name} ${r.inputs.metadata.name}`).sort();
        assert.deepStrictEqual(names(T.nodePool), [
            "karpenter-nodepool-driver spark-driver", "karpenter-nodepool-graviton spark-graviton", "karpenter-nodepool-memory spark-memory", "karpenter-nodepool-x86 spark-x86",
        ]);
        assert.deepStrictEqual(names(T.nodeClass), [
            "karpenter-nodeclass-driver spark-driver", "karpenter-nodeclass-graviton spark-graviton", "karpenter-nodeclass-memory spark-memory", "karpenter-nodeclass-x86 spark-x86",
        ]);
    });

    it("the new pool's NodePool and EC2NodeClass: arm64 executor, its families, limits and weight, executor volume", () => {
        const pool = byName(run.resources, "karpenter-nodepool-memory");
        new NodePool({ metadata: pool.inputs.metadata, spec: pool.inputs.spec }).validate();
        const spec = pool.inputs.spec;
        const req = (key: string) => spec.template.spec.requirements.find((r: any) => r.key === key).values;
        assert.deepStrictEqual(req("kubernetes.io/arch"), ["arm64"]);
        assert.deepStrictEqual(req("karpenter.k8s.aws/instance-family"), ["r8g", "r7g"]);
        assert.deepStrictEqual(req("karpenter.sh/capacity-type"), ["on-demand", "spot"]);
        assert.deepStrictEqual(spec.limits, { cpu: "800", memory: "6400Gi" });
        assert.strictEqual(spec.weight, 40);
        assert.strictEqual(spec.template.spec.taints, undefined);
        assert.strictEqual(spec.disruption.consolidationPolicy, "WhenEmpty");
        assert.strictEqual(spec.template.spec.nodeClassRef.name, "spark-memory");
        const nodeClass = byName(run.resources, "karpenter-nodeclass-memory");
        new EC2NodeClass({ metadata: nodeClass.inputs.metadata, spec: nodeClass.inputs.spec }).validate();
        assert.strictEqual(nodeClass.inputs.metadata.name, "spark-memory");
        assert.deepStrictEqual(nodeClass.inputs.spec.blockDeviceMappings[0].ebs, { volumeSize: "300Gi", volumeType: "gp3", iops: 6000, throughput: 500, encrypted: true, deleteOnTermination: true });
        assert.ok(pool.dependencies.includes(nodeClass.urn));
    });

    it("outputs cover every pool", () => {
        assert.deepStrictEqual(run.outputs.nodePools, [
            { name: "spark-graviton", arch: "arm64", capacityTypes: ["on-demand", "spot"] },
            { name: "spark-x86", arch: "amd64", capacityTypes: ["spot"] },
            { name: "spark-driver", arch: "arm64", capacityTypes: ["on-demand"] },
            { name: "spark-memory", arch: "arm64", capacityTypes: ["on-demand", "spot"] },
        ]);
        assert.deepStrictEqual(run.outputs.executorArchitectures, ["arm64", "amd64"]);
    });
});
