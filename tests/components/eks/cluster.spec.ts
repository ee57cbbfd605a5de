import { podIdentityTrustPolicy } from "../../../components/shared/iam";
import { strict as assert } from "assert";
import type { ClusterConfig, NetworkConfig } from "../../../config";
import {
    adminRoleSlug, callerRole, CLUSTER_LOG_TYPES, clusterArgProblems, type ClusterArgsToCheck, clusterKeyPolicy, clusterRoleKmsPolicy, creatorCheck, deployerCallerNote, deployerCallerProblem,
    eniConfigObject, nodeGroupTaintEffect, roleNameOf, systemNodeAmiType, vpcCniConfiguration,
} from "../../../components/eks/plan";
import { MockRunResult, RecordedResource, resolveValue, runUnderMocks } from "../../../preview/mocks";
import { byName, ofType, policyDoc } from "../../helpers/resources";

const CONFIG = { "aws:region": "us-west-2", "moka:accountId": "111111111111" };
const TAGS = { "cost-center": "data-platform", owner: "platform-team@example.com", environment: "prod", "managed-by": "pulumi" };
const ADMIN_A = "arn:aws:iam::111111111111:role/moka-prod-platform-admin";
const ADMIN_B = "arn:aws:iam::111111111111:role/breakglass/oncall";
const DEPLOYER = "arn:aws:iam::111111111111:role/ci/moka-prod-deployer";

const T = {
    eks: "eks:index:Cluster",
    key: "aws:kms/key:Key",
    alias: "aws:kms/alias:Alias",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    role: "aws:iam/role:Role",
    attach: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    accessEntry: "aws:eks/accessEntry:AccessEntry",
    accessPolicy: "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
    addon: "aws:eks/addon:Addon",
    nodeGroup: "aws:eks/nodeGroup:NodeGroup",
    lt: "aws:ec2/launchTemplate:LaunchTemplate",
    ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    eniConfig: "kubernetes:crd.k8s.amazonaws.com/v1alpha1:ENIConfig",
    k8sProvider: "pulumi:providers:kubernetes",
};

function clusterConfig(over: Partial<ClusterConfig> = {}, nodes: Partial<ClusterConfig["systemNodes"]> = {}): ClusterConfig {
    return {
        kubernetesVersion: "1.33",
        publicAccessCidrs: [],
        privateAccess: [],
        deployer: { network: "public", egressCidrs: ["203.0.113.0/24"] },
        deployerRoleArn: DEPLOYER,
        adminRoleArns: [ADMIN_A, ADMIN_B],
        logRetentionDays: 365,
        systemNodes: { instanceTypes: ["m7g.large"], minSize: 3, desiredSize: 3, maxSize: 6, diskSizeGi: 50, headroomPercent: 20, ...nodes },
        ...over,
    };
}

const AZS = ["us-west-2a", "us-west-2b", "us-west-2c"];

interface ClusterRun {
    readonly result: MockRunResult;
    readonly of: (type: string) => RecordedResource[];
    readonly get: (name: string) => RecordedResource;
}

const TEAM_CI = "arn:aws:iam::111111111111:role/team-growth-ci";

async function runCluster(cluster: ClusterConfig, protect = true, azCount = 3, extra: { callerArn?: string; apiAccess?: boolean; existingClusters?: string[] } = {}): Promise<ClusterRun> {
    const { Cluster } = await import("../../../components/eks");
    const aws = await import("@pulumi/aws");
    const result = await runUnderMocks({
        stack: "test",
        config: CONFIG,
        callerArn: extra.callerArn,
        existingClusters: extra.existingClusters,
        program: () => {
            const apiAccess = extra.apiAccess ? [new aws.ec2.Route("tgw-route", { routeTableId: "rtb-1", destinationCidrBlock: "10.255.0.0/24", transitGatewayId: "tgw-00000000000000000" })] : undefined;
            const c = new Cluster("eks", {
                clusterName: "moka-prod",
                cluster,
                vpcId: "vpc-123",
                privateSubnetIds: ["subnet-n0", "subnet-n1", "subnet-n2"],
                podSubnets: AZS.map((availabilityZone, i) => ({ availabilityZone, subnetId: `subnet-p${i}` })),
                azCount,
                nodeSecurityGroupId: "sg-nodes",
                tags: TAGS,
                protect,
                apiAccess,
                teamPrincipals: [{ key: "moka:teams[0].access.ci", arn: TEAM_CI }],
            });
            return {
                clusterName: c.clusterName,
                eksClusterName: c.eksClusterName,
                kubeconfig: c.kubeconfig,
                endpoint: c.endpoint,
                oidcProviderArn: c.oidcProviderArn,
                oidcProviderUrl: c.oidcProviderUrl,
                clusterSecurityGroupId: c.clusterSecurityGroupId,
                kmsKeyArn: c.kmsKeyArn,
                systemNodeRoleArn: c.systemNodeRoleArn,
                providerIsK8s: c.provider.constructor.name,
            };
        },
    });
    return { result, of: (t) => ofType(result.resources, t), get: (n) => byName(result.resources, n) };
}

/** The ENIConfig CRD's spec schema (aws/amazon-vpc-cni-k8s charts/aws-vpc-cni/crds/customresourcedefinition.yaml, v1alpha1). */
function eniConfigSchemaProblems(obj: any): string[] {
    const out: string[] = [];
    if (obj.apiVersion !== "crd.k8s.amazonaws.com/v1alpha1") out.push(`apiVersion ${obj.apiVersion}`);
    if (obj.kind !== "ENIConfig") out.push(`kind ${obj.kind}`);
    if (typeof obj.metadata?.name !== "string" || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(obj.metadata.name)) out.push("metadata.name must be a DNS subdomain");
    const spec = obj.spec ?? {};
    for (const k of Object.keys(spec)) {
        if (k !== "subnet" && k !== "securityGroups") out.push(`unknown spec field ${k} (pruned by the API server)`);
    }
    if (typeof spec.subnet !== "string") out.push("spec.subnet is required and must be a string");
    if (spec.securityGroups !== undefined && !(Array.isArray(spec.securityGroups) && spec.securityGroups.every((s: unknown) => typeof s === "string"))) {
        out.push("spec.securityGroups must be an array of strings");
    }
    return out;
}

describe("cluster-plan", () => {
    it("derives the AMI type from the instance architecture", () => {
        const cases: [string[], string][] = [
            [["m7g.large"], "AL2023_ARM_64_STANDARD"],
            [["m7g.large", "c7g.xlarge", "r8g.large"], "AL2023_ARM_64_STANDARD"],
            [["t4g.medium"], "AL2023_ARM_64_STANDARD"],
            [["m7i.large"], "AL2023_x86_64_STANDARD"],
            [["m7a.large", "c6i.xlarge"], "AL2023_x86_64_STANDARD"],
        ];
        for (const [types, ami] of cases) {
            assert.equal(systemNodeAmiType(types), ami, types.join(","));
        }
        assert.throws(() => systemNodeAmiType(["m7g.large", "m7i.large"]), /do not share one known architecture/);
    });

    it("configures the VPC CNI for custom networking by zone and network policies", () => {
        assert.deepEqual(vpcCniConfiguration(), {
            env: { AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: "true", ENI_CONFIG_LABEL_DEF: "topology.kubernetes.io/zone" },
            enableNetworkPolicy: "true",
        });
    });

    it("builds a schema-valid ENIConfig", () => {
        const obj = eniConfigObject("us-west-2a", "subnet-1", ["sg-1"]);
        assert.deepEqual(eniConfigSchemaProblems(obj), []);
        assert.deepEqual(obj.spec, { subnet: "subnet-1", securityGroups: ["sg-1"] });
        assert.ok(eniConfigSchemaProblems({ ...obj, spec: { subnetId: "x" } }).length > 0, "the schema check itself rejects a wrong field");
    });

    it("scopes the key policy's CloudWatch Logs grant to the control-plane log group", () => {
        const doc = policyDoc(clusterKeyPolicy("aws", "us-west-2", "111111111111", "moka-prod"));
        assert.equal(doc.Statement.length, 2);
        const [admin, logs] = doc.Statement;
        assert.deepEqual(admin.Principal, { AWS: "arn:aws:iam::111111111111:root" });
        assert.deepEqual(logs.Principal, { Service: "logs.us-west-2.amazonaws.com" });
        assert.deepEqual(logs.Condition, { ArnEquals: { "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:us-west-2:111111111111:log-group:/aws/eks/moka-prod/cluster" } });
        assert.ok(!logs.Action.includes("kms:*"));
    });

    it("scopes the cluster role's key access to the key", () => {
        const doc = policyDoc(clusterRoleKmsPolicy("arn:aws:kms:us-west-2:111111111111:key/k"));
        assert.deepEqual(doc.Statement[0].Resource, "arn:aws:kms:us-west-2:111111111111:key/k");
        assert.deepEqual(doc.Statement[0].Action, ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"]);
    });

    it("trusts EKS Pod Identity for the CNI role", () => {
        const st = policyDoc(podIdentityTrustPolicy({ sourceAccount: "111111111111" })).Statement[0];
        assert.deepEqual(st.Principal, { Service: "pods.eks.amazonaws.com" });
        assert.deepEqual(st.Action, ["sts:AssumeRole", "sts:TagSession"]);
    });

    it("maps taint effects and slugs admin roles", () => {
        assert.equal(nodeGroupTaintEffect("NoSchedule"), "NO_SCHEDULE");
        assert.equal(nodeGroupTaintEffect("NoExecute"), "NO_EXECUTE");
        assert.equal(adminRoleSlug(ADMIN_A), "moka-prod-platform-admin");
        assert.equal(adminRoleSlug(ADMIN_B), "breakglass-oncall");
    });

    describe("the cluster creator (deployerCallerProblem)", () => {
        const session = (role: string, acct = "111111111111") => `arn:aws:sts::${acct}:assumed-role/${role}/pulumi-1700000000`;
        it("reads the role behind an assumed-role session or a role ARN, and nothing else", () => {
            assert.deepEqual(callerRole(session("moka-prod-deployer")), { account: "111111111111", roleName: "moka-prod-deployer" });
            assert.deepEqual(callerRole("arn:aws:iam::111111111111:role/ci/moka-prod-deployer"), { account: "111111111111", roleName: "moka-prod-deployer" });
            assert.equal(callerRole("arn:aws:iam::111111111111:user/alice"), undefined);
            assert.equal(callerRole("arn:aws:iam::111111111111:root"), undefined);
            assert.equal(roleNameOf(ADMIN_B), "oncall");
        });
        it("refuses an admin role (a session drops the role path, so names are compared)", () => {
            assert.equal(deployerCallerProblem(session("oncall"), DEPLOYER, [ADMIN_A, ADMIN_B]),
                `pulumi up runs as ${session("oncall")}, which is moka:cluster.adminRoleArns[1] (${ADMIN_B}). EKS gives the identity that creates the cluster an admin access entry of its own, so the admin entry this stack creates for that role would fail with ResourceInUseException. Run pulumi up as moka:cluster.deployerRoleArn (${DEPLOYER}), e.g. from the CI runner, not as an admin role`);
        });
        it("accepts the deployer, other roles, users, and a same-named role of another account", () => {
            for (const caller of [session("moka-prod-deployer"), session("someone-else"), "arn:aws:iam::111111111111:user/alice", session("oncall", "222222222222")]) {
                assert.equal(deployerCallerProblem(caller, DEPLOYER, [ADMIN_A, ADMIN_B]), undefined, caller);
            }
        });
        it("refuses a team principal too (the team's access entry would collide with the creator's)", () => {
            assert.equal(deployerCallerProblem(session("team-growth-ci"), DEPLOYER, [ADMIN_A], [{ key: "moka:teams[0].access.ci", arn: TEAM_CI }]),
                `pulumi up runs as ${session("team-growth-ci")}, which is moka:teams[0].access.ci (${TEAM_CI}). EKS gives the identity that creates the cluster an admin access entry of its own, so the team's access entry this stack creates for that role would fail with ResourceInUseException. Run pulumi up as moka:cluster.deployerRoleArn (${DEPLOYER}), e.g. from the CI runner, not as a team principal`);
        });
        it("creatorCheck: refuses only while the cluster does not exist; afterwards warns (break-glass)", () => {
            const base = { deployerRoleArn: DEPLOYER, adminRoleArns: [ADMIN_A, ADMIN_B], teamPrincipals: [{ key: "moka:teams[0].access.ci", arn: TEAM_CI }], clusterName: "moka-prod" };
            const rows: [string, boolean, "error" | "warning" | "none", RegExp?][] = [
                [session("oncall"), false, "error", /which is moka:cluster\.adminRoleArns\[1\]/],
                [session("oncall"), true, "warning", /^EKS cluster moka-prod already exists, so this run makes no creator entry and nothing collides\. But never let this role create the cluster: pulumi up runs as .*adminRoleArns\[1\]/],
                [session("team-growth-ci"), false, "error", /moka:teams\[0\]\.access\.ci/],
                [session("team-growth-ci"), true, "warning", /already exists/],
                [session("moka-prod-deployer"), false, "none"],
                [session("moka-prod-deployer"), true, "none"],
                [session("someone-else"), false, "warning", /not as moka:cluster\.deployerRoleArn .*if this run creates the cluster/],
                [session("someone-else"), true, "none"],
            ];
            for (const [callerArn, clusterExists, kind, re] of rows) {
                const r = creatorCheck({ ...base, callerArn, clusterExists });
                const label = `${callerArn} exists=${clusterExists}`;
                assert.deepEqual(Object.keys(r), kind === "none" ? [] : [kind], label);
                if (re) {
                    assert.match((r.error ?? r.warning)!, re, label);
                }
            }
        });
        it("notes a role that is not the declared deployer", () => {
            assert.equal(deployerCallerNote(session("moka-prod-deployer"), DEPLOYER), undefined);
            assert.equal(deployerCallerNote("arn:aws:iam::111111111111:user/alice", DEPLOYER), undefined);
            assert.match(deployerCallerNote(session("someone-else"), DEPLOYER) ?? "", /not as moka:cluster.deployerRoleArn/);
        });
    });

    describe("clusterArgProblems", () => {
        const ok: ClusterArgsToCheck = {
            clusterName: "moka-prod", kubernetesVersion: "1.33", publicAccessCidrs: [] as string[], deployerRoleArn: DEPLOYER, adminRoleArns: [ADMIN_A],
            instanceTypes: ["m7g.large"], minSize: 2, desiredSize: 2, maxSize: 4, diskSizeGi: 50,
        };
        it("accepts a valid set", () => assert.deepEqual(clusterArgProblems(ok), []));
        const cases: [string, Partial<ClusterArgsToCheck>, string][] = [
            ["0.0.0.0/0", { publicAccessCidrs: ["203.0.113.0/24", "0.0.0.0/0"] }, "args.cluster.publicAccessCidrs[1] is 0.0.0.0/0, which would expose the Kubernetes API to the internet; list specific CIDRs, or none for a private-only endpoint"],
            ["a non-CIDR", { publicAccessCidrs: ["example.com"] }, "args.cluster.publicAccessCidrs[0] \"example.com\" is not a valid IPv4 CIDR"],
            ["no admins", { adminRoleArns: [] }, "args.cluster.adminRoleArns must list at least one IAM role, or nobody can administer the cluster"],
            ["a user ARN as admin", { adminRoleArns: ["arn:aws:iam::111111111111:user/bob"] }, "args.cluster.adminRoleArns[0] \"arn:aws:iam::111111111111:user/bob\" is not an IAM role ARN"],
            ["duplicate admins", { adminRoleArns: [ADMIN_A, ADMIN_A] }, `args.cluster.adminRoleArns[1] duplicates ${ADMIN_A}`],
            ["the deployer among the admins", { adminRoleArns: [ADMIN_A, DEPLOYER] }, "args.cluster.adminRoleArns[1] is args.cluster.deployerRoleArn: EKS already gives the cluster creator an admin entry, and a second one fails with ResourceInUseException"],
            ["a deployer that is no role", { deployerRoleArn: "arn:aws:iam::111111111111:user/ci" }, "args.cluster.deployerRoleArn \"arn:aws:iam::111111111111:user/ci\" is not an IAM role ARN"],
            ["mixed architectures", { instanceTypes: ["m7g.large", "m7i.large"] }, "args.cluster.systemNodes.instanceTypes must all share one architecture (a managed node group has one AMI type)"],
            ["bad sizes", { minSize: 3, desiredSize: 2 }, "args.cluster.systemNodes sizes must satisfy 1 <= minSize <= desiredSize <= maxSize (got 3/2/4)"],
            ["a tiny disk", { diskSizeGi: 8 }, "args.cluster.systemNodes.diskSizeGi must be a whole number of at least 20, got 8"],
            ["a service CIDR EKS refuses", { serviceCidr: "172.20.0.0/25" }, "args.serviceCidr must be an IPv4 CIDR between /12 and /24 (EKS's limits), got \"172.20.0.0/25\""],
            ["a bad version", { kubernetesVersion: "1.33.1" }, "args.cluster.kubernetesVersion must be a Kubernetes minor version such as \"1.35\", got \"1.33.1\""],
        ];
        for (const [title, over, message] of cases) {
            it(`rejects ${title}`, () => assert.deepEqual(clusterArgProblems({ ...ok, ...over }), [message]));
        }
    });
});

describe("Cluster component", () => {
    describe("prod: private endpoint, protected, Graviton system nodes", () => {
        let run: ClusterRun;
        let eksInputs: Record<string, any>;
        before(async () => {
            run = await runCluster(clusterConfig());
            eksInputs = run.get("eks-eks").inputs;
        });

        it("creates exactly the expected resources", () => {
            const counts: Record<string, number> = {};
            for (const r of run.result.resources) {
                counts[r.type] = (counts[r.type] ?? 0) + 1;
            }
            assert.deepEqual(counts, {
                "moka:eks:Cluster": 1,
                [T.key]: 1, [T.alias]: 1, [T.logGroup]: 1,
                [T.role]: 3, [T.attach]: 5, [T.rolePolicy]: 1,
                [T.eks]: 1, [T.k8sProvider]: 1, [T.ingress]: 2,
                [T.accessEntry]: 2, [T.accessPolicy]: 2,
                [T.addon]: 4, [T.eniConfig]: 3, [T.lt]: 1, [T.nodeGroup]: 1,
            });
        });

        it("parents every child to the component and tags every taggable AWS resource", () => {
            const comp = run.get("eks");
            const untaggable = new Set([T.alias, T.attach, T.rolePolicy, T.accessPolicy, T.eniConfig, T.k8sProvider]);
            for (const r of run.result.resources.filter((x) => x !== comp)) {
                assert.equal(r.parent, comp.urn, r.name);
                if (!untaggable.has(r.type)) {
                    for (const [k, v] of Object.entries(TAGS)) {
                        assert.equal(r.inputs.tags?.[k], v, `${r.name} tag ${k}`);
                    }
                }
            }
        });

        it("passes a private, API-authenticated, encrypted, fully logged cluster to eks.Cluster", () => {
            assert.equal(eksInputs.name, "moka-prod");
            assert.equal(eksInputs.version, "1.33");
            assert.equal(eksInputs.vpcId, "vpc-123");
            assert.deepEqual(eksInputs.privateSubnetIds, ["subnet-n0", "subnet-n1", "subnet-n2"]);
            assert.equal(eksInputs.endpointPrivateAccess, true);
            assert.equal(eksInputs.endpointPublicAccess, false);
            assert.ok(!("publicAccessCidrs" in eksInputs), "no publicAccessCidrs when the endpoint is private");
            assert.ok(!("kubernetesServiceIpAddressRange" in eksInputs), "no Service CIDR unless one is given (EKS picks)");
            assert.equal(eksInputs.authenticationMode, "API");
            assert.equal(eksInputs.encryptionConfigKeyArn, run.get("eks-key").state.arn);
            assert.deepEqual(eksInputs.enabledClusterLogTypes, ["api", "audit", "authenticator", "controllerManager", "scheduler"]);
            assert.deepEqual([...CLUSTER_LOG_TYPES], eksInputs.enabledClusterLogTypes);
            assert.equal(eksInputs.createOidcProvider, true);
            assert.equal(eksInputs.deletionProtection, true);
            assert.equal(eksInputs.tags["cost-center"], "data-platform");
            assert.equal(eksInputs.roleMappings, undefined, "no aws-auth mappings in API mode");
            assert.equal(eksInputs.userMappings, undefined);
        });

        it("tells eks.Cluster to install no node group, security groups or add-ons of its own", () => {
            assert.equal(eksInputs.skipDefaultNodeGroup, true);
            assert.equal(eksInputs.skipDefaultSecurityGroups, true);
            assert.equal(eksInputs.createInstanceRole, false);
            assert.equal(eksInputs.bootstrapSelfManagedAddons, false);
            assert.equal(eksInputs.useDefaultVpcCni, true);
            assert.equal(eksInputs.vpcCniOptions, undefined);
            assert.equal(eksInputs.corednsAddonOptions.enabled, false);
            assert.equal(eksInputs.kubeProxyAddonOptions.enabled, false);
        });

        it("uses its own cluster role with the EKS policy and key access, created before the cluster", async () => {
            const eks = run.get("eks-eks");
            const role = run.get("eks-cluster-role");
            assert.equal(role.inputs.name, "moka-prod-cluster");
            assert.deepEqual(policyDoc(role.inputs.assumeRolePolicy).Statement[0].Principal, { Service: "eks.amazonaws.com" });
            assert.equal(run.get("eks-cluster-role-policy").inputs.policyArn, "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy");
            const kms = policyDoc(run.get("eks-cluster-role-kms").inputs.policy);
            assert.equal(kms.Statement[0].Resource, run.get("eks-key").state.arn);
            for (const dep of ["eks-cluster-role-policy", "eks-cluster-role-kms", "eks-control-plane-logs"]) {
                assert.ok(eks.dependencies.includes(run.get(dep).urn), `eks.Cluster must depend on ${dep}`);
            }
            assert.equal((await resolveValue(eks.inputs.serviceRole?.urn)).value, role.urn, "serviceRole must be our role");
        });

        it("creates a rotating, protected KMS key whose policy lets CloudWatch Logs use it only for the cluster log group", () => {
            const key = run.get("eks-key");
            assert.equal(key.inputs.enableKeyRotation, true);
            assert.equal(key.inputs.deletionWindowInDays, 30);
            assert.equal(key.protect, true);
            assert.equal(key.retainOnDelete, true);
            const doc = policyDoc(key.inputs.policy);
            const logs = doc.Statement.find((s) => s.Principal?.Service === "logs.us-west-2.amazonaws.com");
            assert.deepEqual(logs.Condition.ArnEquals, { "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:us-west-2:111111111111:log-group:/aws/eks/moka-prod/cluster" });
            assert.equal(run.get("eks-key-alias").inputs.name, "alias/moka-prod-eks");
        });

        it("pre-creates the control-plane log group: exact name, retention, encrypted, protected", () => {
            const lg = run.get("eks-control-plane-logs");
            assert.equal(lg.inputs.name, "/aws/eks/moka-prod/cluster");
            assert.equal(lg.inputs.retentionInDays, 365);
            assert.equal(lg.inputs.kmsKeyId, run.get("eks-key").state.arn);
            assert.equal(lg.protect, true);
            assert.equal(lg.retainOnDelete, true);
        });

        it("grants each admin role cluster admin through an access entry", () => {
            for (const [arn, slug] of [[ADMIN_A, "moka-prod-platform-admin"], [ADMIN_B, "breakglass-oncall"]]) {
                const entry = run.get(`eks-admin-${slug}`);
                // In the platform admin group: YuniKorn's root-queue admin ACL names it (lib/platform.ts).
                assert.deepEqual({ ...entry.inputs, tags: undefined }, { clusterName: "moka-prod", principalArn: arn, type: "STANDARD", kubernetesGroups: ["platform-admins"], tags: undefined });
                const assoc = run.get(`eks-admin-${slug}-policy`);
                assert.deepEqual(assoc.inputs, {
                    clusterName: "moka-prod",
                    principalArn: arn,
                    policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
                    accessScope: { type: "cluster" },
                });
                assert.ok(assoc.dependencies.includes(entry.urn));
            }
        });

        it("manages exactly vpc-cni, kube-proxy, eks-pod-identity-agent and coredns, overwriting conflicts", () => {
            const addons = run.of(T.addon);
            assert.deepEqual(addons.map((a) => a.inputs.addonName).sort(), ["coredns", "eks-pod-identity-agent", "kube-proxy", "vpc-cni"]);
            for (const a of addons) {
                assert.equal(a.inputs.clusterName, "moka-prod");
                assert.equal(a.inputs.resolveConflictsOnCreate, "OVERWRITE");
                assert.equal(a.inputs.resolveConflictsOnUpdate, "OVERWRITE");
                assert.equal(a.inputs.addonVersion, undefined, "EKS default version unless pinned");
            }
        });

        it("configures vpc-cni for custom networking and network policy, with a Pod Identity role", () => {
            const cni = run.get("eks-addon-vpc-cni");
            assert.deepEqual(JSON.parse(cni.inputs.configurationValues), {
                env: { AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: "true", ENI_CONFIG_LABEL_DEF: "topology.kubernetes.io/zone" },
                enableNetworkPolicy: "true",
            });
            assert.deepEqual(cni.inputs.podIdentityAssociations, [{ serviceAccount: "aws-node", roleArn: "arn:aws:iam::111111111111:role/moka-prod-vpc-cni" }]);
            assert.equal(cni.inputs.serviceAccountRoleArn, undefined, "Pod Identity, not IRSA");
            const trust = policyDoc(run.get("eks-vpc-cni-role").inputs.assumeRolePolicy).Statement[0];
            assert.deepEqual(trust.Principal, { Service: "pods.eks.amazonaws.com" });
            assert.deepEqual(trust.Action, ["sts:AssumeRole", "sts:TagSession"]);
            assert.equal(run.get("eks-vpc-cni-policy").inputs.policyArn, "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy");
            assert.ok(cni.dependencies.includes(run.get("eks-addon-eks-pod-identity-agent").urn));
        });

        it("creates one schema-valid ENIConfig per AZ, named after the zone, with the cluster's provider", () => {
            const provider = run.get("eks-k8s");
            const eniConfigs = run.of(T.eniConfig);
            assert.equal(eniConfigs.length, AZS.length);
            eniConfigs.forEach((e, i) => {
                assert.equal(e.name, `eks-eniconfig-${i}`);
                assert.deepEqual(eniConfigSchemaProblems(e.inputs), []);
                assert.equal(e.inputs.metadata.name, AZS[i]);
                assert.deepEqual(e.inputs.spec, { subnet: `subnet-p${i}`, securityGroups: ["sg-nodes"] });
                assert.ok(e.provider?.startsWith(provider.urn), "ENIConfig must use the cluster's provider");
                assert.ok(e.dependencies.includes(run.get("eks-addon-vpc-cni").urn), "the add-on installs the ENIConfig CRD");
            });
        });

        it("builds the Kubernetes provider from the cluster kubeconfig with server-side apply", () => {
            const p = run.get("eks-k8s");
            assert.ok(String(p.inputs.kubeconfig).includes("moka-prod.gr7.us-west-2.eks.amazonaws.com"));
            // Provider inputs reach the engine as strings.
            assert.equal(p.inputs.enableServerSideApply, "true");
            assert.equal(p.inputs.deleteUnreachable, "false");
        });

        it("lets nodes reach the API and the control plane reach nodes, and nothing else", () => {
            const toApi = run.get("eks-nodes-to-api");
            assert.deepEqual({ ...toApi.inputs, tags: undefined, description: undefined }, {
                securityGroupId: "sg-moka-prod-eks-managed", referencedSecurityGroupId: "sg-nodes", ipProtocol: "tcp", fromPort: 443, toPort: 443, tags: undefined, description: undefined,
            });
            const toNodes = run.get("eks-api-to-nodes");
            assert.deepEqual({ ...toNodes.inputs, tags: undefined, description: undefined }, {
                securityGroupId: "sg-nodes", referencedSecurityGroupId: "sg-moka-prod-eks-managed", ipProtocol: "-1", tags: undefined, description: undefined,
            });
            for (const r of run.of(T.ingress)) {
                assert.equal(r.inputs.cidrIpv4, undefined);
            }
        });

        it("runs the system node group on-demand, tainted and labelled, in the node subnets", () => {
            const ng = run.get("eks-system");
            assert.equal(ng.inputs.clusterName, "moka-prod");
            assert.equal(ng.inputs.nodeGroupNamePrefix, "moka-prod-system-");
            assert.equal(ng.inputs.version, "1.33");
            assert.equal(ng.inputs.capacityType, "ON_DEMAND");
            assert.equal(ng.inputs.amiType, "AL2023_ARM_64_STANDARD");
            assert.deepEqual(ng.inputs.instanceTypes, ["m7g.large"]);
            assert.deepEqual(ng.inputs.scalingConfig, { minSize: 3, desiredSize: 3, maxSize: 6 });
            assert.deepEqual(ng.inputs.labels, { "moka.dev/node-role": "system" });
            assert.deepEqual(ng.inputs.taints, [{ key: "CriticalAddonsOnly", value: "true", effect: "NO_SCHEDULE" }]);
            assert.deepEqual(ng.inputs.subnetIds, ["subnet-n0", "subnet-n1", "subnet-n2"]);
            assert.equal(ng.inputs.nodeRoleArn, "arn:aws:iam::111111111111:role/moka-prod-system-node");
            assert.equal(ng.inputs.diskSize, undefined, "disk comes from the launch template");
            assert.equal(ng.inputs.launchTemplate.id, "eks-system-lt-id");
            // The headroom config sized the group for, stated on it for the capacity policy (the one home is config).
            assert.deepEqual(ng.inputs.tags, { ...TAGS, "moka.dev/headroom-percent": "20" });
        });

        it("gives the node role exactly the worker, ECR pull-only and SSM policies", () => {
            const attachments = run.of(T.attach).filter((a) => a.name.startsWith("eks-system-node-"));
            assert.deepEqual(attachments.map((a) => a.inputs.policyArn).sort(), [
                "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",
                "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
                "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
            ]);
            assert.deepEqual(policyDoc(run.get("eks-system-node-role").inputs.assumeRolePolicy).Statement[0].Principal, { Service: "ec2.amazonaws.com" });
        });

        it("launches system nodes with IMDSv2 only (hop limit 1), an encrypted gp3 root volume and the node SG", () => {
            const lt = run.get("eks-system-lt");
            assert.deepEqual(lt.inputs.metadataOptions, { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1, instanceMetadataTags: "disabled" });
            assert.deepEqual(lt.inputs.blockDeviceMappings, [{ deviceName: "/dev/xvda", ebs: { volumeSize: 50, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" } }]);
            assert.deepEqual(lt.inputs.vpcSecurityGroupIds, ["sg-nodes"]);
            assert.equal(lt.inputs.imageId, undefined, "EKS picks the AMI from amiType");
            assert.deepEqual(lt.inputs.tagSpecifications.map((t: any) => t.resourceType), ["instance", "volume", "network-interface"]);
        });

        it("orders add-ons, ENIConfigs, SG rules, node group and coredns", () => {
            const ng = run.get("eks-system");
            for (const dep of ["eks-addon-vpc-cni", "eks-addon-kube-proxy", "eks-addon-eks-pod-identity-agent", "eks-eniconfig-0", "eks-eniconfig-2", "eks-nodes-to-api", "eks-api-to-nodes", "eks-system-node-AmazonEKSWorkerNodePolicy"]) {
                assert.ok(ng.dependencies.includes(run.get(dep).urn), `node group must depend on ${dep}`);
            }
            assert.ok(run.get("eks-addon-coredns").dependencies.includes(ng.urn), "coredns needs nodes");
        });

        it("exports the outputs downstream components need", () => {
            const o = run.result.outputs;
            assert.equal(o.clusterName, "moka-prod");
            assert.equal(o.eksClusterName, "moka-prod");
            assert.equal(o.endpoint, "https://moka-prod.gr7.us-west-2.eks.amazonaws.com");
            assert.match(String(o.oidcProviderArn), /^arn:aws:iam::111111111111:oidc-provider\/oidc\.eks\.us-west-2\.amazonaws\.com\/id\//);
            assert.match(String(o.oidcProviderUrl), /^https:\/\/oidc\.eks\./);
            assert.equal(o.clusterSecurityGroupId, "sg-moka-prod-eks-managed");
            assert.equal(o.kmsKeyArn, run.get("eks-key").state.arn);
            assert.equal(o.systemNodeRoleArn, "arn:aws:iam::111111111111:role/moka-prod-system-node");
            assert.equal(o.providerIsK8s, "Provider");
            assert.ok(run.result.secretOutputs.includes("kubeconfig"), "kubeconfig must be secret");
            assert.equal(JSON.parse(String(o.kubeconfig)).kind, "Config");
        });
    });

    describe("dev: public endpoint limited to CIDRs, unprotected, x86 system nodes", () => {
        let run: ClusterRun;
        before(async () => {
            run = await runCluster(clusterConfig({ publicAccessCidrs: ["203.0.113.0/24"], adminRoleArns: [ADMIN_A], logRetentionDays: 30 }, { instanceTypes: ["m7i.large"], diskSizeGi: 80, headroomPercent: 35 }), false);
        });

        it("opens the public endpoint only to the listed CIDRs", () => {
            const eks = run.get("eks-eks").inputs;
            assert.equal(eks.endpointPrivateAccess, true);
            assert.equal(eks.endpointPublicAccess, true);
            assert.deepEqual(eks.publicAccessCidrs, ["203.0.113.0/24"]);
            assert.equal(eks.deletionProtection, false);
        });

        it("does not protect the key or the log group and uses the short deletion window", () => {
            const key = run.get("eks-key");
            assert.equal(key.inputs.deletionWindowInDays, 7);
            assert.equal(key.protect, false);
            assert.equal(key.retainOnDelete, false);
            assert.equal(run.get("eks-control-plane-logs").protect, false);
            assert.equal(run.get("eks-control-plane-logs").inputs.retentionInDays, 30);
        });

        it("uses the x86 AMI type and the configured disk", () => {
            assert.equal(run.get("eks-system").inputs.amiType, "AL2023_x86_64_STANDARD");
            assert.equal(run.get("eks-system-lt").inputs.blockDeviceMappings[0].ebs.volumeSize, 80);
            assert.equal(run.get("eks-system").inputs.tags["moka.dev/headroom-percent"], "35");
            assert.equal(run.of(T.accessEntry).length, 1);
        });
    });

    describe("wired to the Network component", () => {
        it("creates one ENIConfig per Network pod subnet and uses the Network's node subnets and SG", async () => {
            const { Network } = await import("../../../components/network");
            const { Cluster } = await import("../../../components/eks");
            const network: NetworkConfig = { vpcCidr: "10.50.0.0/16", podCidr: "100.64.0.0/16", azCount: 2, natMode: "single" };
            const result = await runUnderMocks({
                stack: "test",
                config: CONFIG,
                program: () => {
                    const net = new Network("net", { baseName: "moka-dev", clusterName: "moka-dev", network, tags: TAGS, flowLogRetentionDays: 14 });
                    new Cluster("eks", {
                        clusterName: "moka-dev",
                        cluster: clusterConfig({ adminRoleArns: [ADMIN_A] }),
                        vpcId: net.vpcId,
                        privateSubnetIds: net.privateSubnetIds,
                        podSubnets: net.podSubnets,
                        azCount: net.azCount,
                        nodeSecurityGroupId: net.nodeSecurityGroupId,
                        tags: TAGS,
                        protect: false,
                    });
                    return {};
                },
            });
            const eniConfigs = ofType(result.resources, T.eniConfig);
            assert.deepEqual(eniConfigs.map((e) => [e.inputs.metadata.name, e.inputs.spec.subnet, e.inputs.spec.securityGroups]), [
                ["us-west-2a", "subnet-net-pods-0", ["sg-net-node-sg"]],
                ["us-west-2b", "subnet-net-pods-1", ["sg-net-node-sg"]],
            ]);
            assert.deepEqual(byName(result.resources, "eks-system").inputs.subnetIds, ["subnet-net-private-0", "subnet-net-private-1"]);
            assert.equal(byName(result.resources, "eks-eks").inputs.vpcId, "vpc-net-vpc");
            assert.equal(byName(result.resources, "eks-api-to-nodes").inputs.securityGroupId, "sg-net-node-sg");
        });
    });

    describe("constructor validation (even when config validation was bypassed)", () => {
        it("rejects 0.0.0.0/0 in publicAccessCidrs", async () => {
            await assert.rejects(runCluster(clusterConfig({ publicAccessCidrs: ["0.0.0.0/0"] })), (e: Error) => {
                assert.equal(e.message, "moka:eks:Cluster \"eks\": args.cluster.publicAccessCidrs[0] is 0.0.0.0/0, which would expose the Kubernetes API to the internet; list specific CIDRs, or none for a private-only endpoint");
                return true;
            });
        });

        it("rejects an empty adminRoleArns", async () => {
            await assert.rejects(runCluster(clusterConfig({ adminRoleArns: [] })), (e: Error) => {
                assert.equal(e.message, "moka:eks:Cluster \"eks\": args.cluster.adminRoleArns must list at least one IAM role, or nobody can administer the cluster");
                return true;
            });
        });

        it("rejects a pod-subnet list that does not match azCount", async () => {
            await assert.rejects(runCluster(clusterConfig(), true, 2), (e: Error) => {
                assert.equal(e.message, "moka:eks:Cluster \"eks\": args.podSubnets has 3 entries but args.azCount is 2");
                return true;
            });
        });
    });

    describe("the API path for declared networks (moka:cluster.privateAccess)", () => {
        let run: ClusterRun;
        before(async () => {
            run = await runCluster(clusterConfig({
                privateAccess: [
                    { name: "ci-runners", via: "transitGateway", cidr: "10.255.0.0/24", transitGatewayId: "tgw-00000000000000000" },
                    { name: "bastion", via: "inVpc", securityGroupId: "sg-0a1b2c3d4e5f60718" },
                ],
                deployer: { network: "ci-runners" },
            }), true, 3, { apiAccess: true });
        });

        it("opens 443 on the EKS cluster security group from each network, by CIDR or by security group", () => {
            assert.deepEqual({ ...run.get("eks-api-from-ci-runners").inputs, tags: undefined }, {
                securityGroupId: "sg-moka-prod-eks-managed", cidrIpv4: "10.255.0.0/24", description: "Kubernetes API from ci-runners (transitGateway)", ipProtocol: "tcp", fromPort: 443, toPort: 443, tags: undefined,
            });
            assert.deepEqual({ ...run.get("eks-api-from-bastion").inputs, tags: undefined }, {
                securityGroupId: "sg-moka-prod-eks-managed", referencedSecurityGroupId: "sg-0a1b2c3d4e5f60718", description: "Kubernetes API from bastion (inVpc)", ipProtocol: "tcp", fromPort: 443, toPort: 443, tags: undefined,
            });
            assert.equal(run.of(T.ingress).length, 4);
        });

        it("makes the Kubernetes provider (and so every in-cluster resource) wait for the rules and the network's routes", () => {
            const deps = run.get("eks-k8s").dependencies;
            for (const n of ["eks-api-from-ci-runners", "eks-api-from-bastion", "tgw-route"]) {
                assert.ok(deps.includes(run.get(n).urn), `provider waits for ${n}`);
            }
        });
    });

    describe("refuses to create the cluster as an admin role or team principal (pulumi-eks makes the caller the creator)", () => {
        it("fails the run, naming both keys, when pulumi up runs as a role in adminRoleArns", async () => {
            await assert.rejects(runCluster(clusterConfig(), true, 3, { callerArn: "arn:aws:sts::111111111111:assumed-role/moka-prod-platform-admin/alice" }), (e: Error) => {
                assert.match(e.message, /moka:eks:Cluster "eks": pulumi up runs as arn:aws:sts::111111111111:assumed-role\/moka-prod-platform-admin\/alice, which is moka:cluster.adminRoleArns\[0\]/);
                assert.match(e.message, /Run pulumi up as moka:cluster.deployerRoleArn \(arn:aws:iam::111111111111:role\/ci\/moka-prod-deployer\)/);
                return true;
            });
        });

        it("refuses a team principal as the creator as well", async () => {
            await assert.rejects(runCluster(clusterConfig(), true, 3, { callerArn: "arn:aws:sts::111111111111:assumed-role/team-growth-ci/gha" }),
                /moka:eks:Cluster "eks": pulumi up runs as .*team-growth-ci\/gha, which is moka:teams\[0\]\.access\.ci/);
        });

        it("still refuses when only other clusters exist in the region (aws.eks.getClusters lists names)", async () => {
            await assert.rejects(runCluster(clusterConfig(), true, 3, { callerArn: "arn:aws:sts::111111111111:assumed-role/moka-prod-platform-admin/alice", existingClusters: ["moka-dev"] }), /adminRoleArns\[0\]/);
        });

        it("lets an admin role preview and update once the cluster exists (break-glass): no creator entry is made, so it only warns", async () => {
            const pulumi = await import("@pulumi/pulumi");
            const warnings: string[] = [];
            const original = pulumi.log.warn;
            (pulumi.log as { warn: typeof original }).warn = async (msg: string) => { warnings.push(msg); };
            try {
                const run = await runCluster(clusterConfig(), true, 3, { callerArn: "arn:aws:sts::111111111111:assumed-role/moka-prod-platform-admin/alice", existingClusters: ["other", "moka-prod"] });
                assert.equal(run.of(T.eks).length, 1);
                assert.deepEqual(run.get("eks-eks").inputs.tags, TAGS);
            } finally {
                (pulumi.log as { warn: typeof original }).warn = original;
            }
            assert.deepEqual(warnings.filter((w) => /creator/.test(w)).map((w) => w.split(". But")[0]), ["EKS cluster moka-prod already exists, so this run makes no creator entry and nothing collides"]);
        });

        it("creates it as the deployer role", async () => {
            const run = await runCluster(clusterConfig(), true, 3, { callerArn: "arn:aws:sts::111111111111:assumed-role/moka-prod-deployer/ci" });
            assert.equal(run.of(T.eks).length, 1);
            assert.deepEqual(run.get("eks-eks").inputs.tags, TAGS);
        });
    });
});
