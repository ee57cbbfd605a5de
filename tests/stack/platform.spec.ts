/**
 * The whole program, per stack file, under mocks: what each stack registers, with the properties the
 * issues promise (foundation, data plane, tenancy), and the exported contract.
 */
import { strict as assert } from "assert";
import { MockRunResult, RecordedResource } from "../../preview/mocks";
import { runStack } from "../helpers/stack";
import { ofType, policyDoc } from "../helpers/resources";
import { parseConfigMap } from "../../config";
import { readStackConfig } from "../../preview/mocks";
import { CONTRACT_OUTPUT_KEYS } from "../../contract";

const one = (rs: RecordedResource[], pred: (r: RecordedResource) => boolean, what: string): RecordedResource => {
    const found = rs.filter(pred);
    assert.equal(found.length, 1, `expected one ${what}, found ${found.length}`);
    return found[0];
};
const meta = (r: RecordedResource) => r.inputs.metadata ?? {};
const helmValues = (r: RecordedResource) => (typeof r.inputs.values === "string" ? JSON.parse(r.inputs.values) : r.inputs.values) ?? {};
const releaseOf = (rs: RecordedResource[], chart: RegExp) => one(ofType(rs, "kubernetes:helm.sh/v3:Release"), (r) => chart.test(String(r.inputs.chart)), `release ${chart}`);

describe("platform program, prod stack", function () {
    this.timeout(120_000);
    let run: MockRunResult;
    const cfg = parseConfigMap(readStackConfig("prod"));
    before(async () => {
        run = await runStack("prod");
    });

    describe("foundation", () => {
        it("EKS: private endpoint, API auth, KMS secrets encryption, all five log types", () => {
            const eks = one(run.resources, (r) => r.type === "eks:index:Cluster", "eks:index:Cluster");
            assert.equal(eks.inputs.name, "moka-prod");
            assert.equal(eks.inputs.endpointPrivateAccess, true);
            assert.equal(eks.inputs.endpointPublicAccess, false);
            assert.equal(eks.inputs.authenticationMode, "API");
            assert.match(String(eks.inputs.encryptionConfigKeyArn), /^arn:aws:kms:us-west-2:111111111111:key\//);
            assert.deepEqual([...eks.inputs.enabledClusterLogTypes].sort(), ["api", "audit", "authenticator", "controllerManager", "scheduler"]);
            // Secrets are encrypted with the Cluster component's own rotating key, not the storage key.
            const key = one(run.resources, (r) => r.type === "aws:kms/key:Key" && r.name === "cluster-key", "cluster KMS key");
            assert.equal(key.parent, eks.parent, "the key belongs to the same Cluster component");
            assert.match(String(key.state.arn), /^arn:aws:kms:us-west-2:111111111111:key\//);
            assert.equal(eks.inputs.encryptionConfigKeyArn, key.state.arn);
            assert.deepEqual(eks.propertyDependencies.encryptionConfigKeyArn, [key.urn]);
            const storageKey = one(run.resources, (r) => r.type === "aws:kms/key:Key" && r.name === "storage-key", "storage KMS key");
            assert.notEqual(storageKey.state.arn, key.state.arn, "the two keys have distinct ARNs, so the check can tell them apart");
            for (const k of ofType(run.resources, "aws:kms/key:Key")) {
                assert.equal(k.inputs.enableKeyRotation, true);
            }
        });

        it("network: 3 AZs, per-AZ NAT, pod CIDR association, endpoints", () => {
            assert.equal(ofType(run.resources, "aws:ec2/natGateway:NatGateway").length, 3);
            assert.equal(ofType(run.resources, "aws:ec2/subnet:Subnet").length, 9);
            const assoc = one(run.resources, (r) => r.type === "aws:ec2/vpcIpv4CidrBlockAssociation:VpcIpv4CidrBlockAssociation", "pod CIDR association");
            assert.equal(assoc.inputs.cidrBlock, "100.64.0.0/16");
            const services = ofType(run.resources, "aws:ec2/vpcEndpoint:VpcEndpoint").map((r) => String(r.inputs.serviceName).split(".").slice(3).join(".")).sort();
            assert.deepEqual(services, ["ec2", "ecr.api", "ecr.dkr", "logs", "s3", "sqs", "sts"]);
        });

        it("Karpenter: arm64-only and amd64-only pools with limits, an on-demand tainted driver pool, safe node classes", () => {
            const pools = ofType(run.resources, "kubernetes:karpenter.sh/v1:NodePool");
            assert.deepEqual(pools.map((p) => meta(p).name).sort(), ["spark-driver", "spark-graviton", "spark-x86"]);
            const req = (p: RecordedResource, key: string) => p.inputs.spec.template.spec.requirements.find((r: any) => r.key === key);
            const byName = (n: string) => pools.find((p) => meta(p).name === n)!;
            assert.deepEqual(req(byName("spark-graviton"), "kubernetes.io/arch").values, ["arm64"]);
            assert.deepEqual(req(byName("spark-x86"), "kubernetes.io/arch").values, ["amd64"]);
            assert.deepEqual(req(byName("spark-driver"), "karpenter.sh/capacity-type").values, ["on-demand"]);
            assert.ok(byName("spark-driver").inputs.spec.template.spec.taints.length >= 1);
            assert.ok(byName("spark-graviton").inputs.spec.weight > byName("spark-x86").inputs.spec.weight);
            for (const p of pools) {
                assert.ok(p.inputs.spec.limits.cpu !== undefined && p.inputs.spec.limits.memory !== undefined, `${meta(p).name} has limits`);
                assert.ok(p.inputs.spec.disruption.consolidateAfter && p.inputs.spec.disruption.budgets.length > 0);
                assert.ok(p.inputs.spec.template.spec.expireAfter);
            }
            for (const nc of ofType(run.resources, "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass")) {
                assert.equal(nc.inputs.spec.metadataOptions.httpTokens, "required");
                assert.ok(nc.inputs.spec.metadataOptions.httpPutResponseHopLimit <= 2);
                assert.ok(nc.inputs.spec.blockDeviceMappings.every((b: any) => b.ebs.encrypted === true));
                assert.equal(nc.inputs.spec.associatePublicIPAddress, false);
            }
        });

        it("Karpenter AWS side: interruption queue with its 4 rules, EC2_LINUX node access entry, chart pinned", () => {
            const q = one(run.resources, (r) => r.type === "aws:sqs/queue:Queue", "interruption queue");
            assert.equal(q.inputs.sqsManagedSseEnabled, true);
            assert.equal(ofType(run.resources, "aws:cloudwatch/eventRule:EventRule").length, 4);
            assert.equal(ofType(run.resources, "aws:cloudwatch/eventTarget:EventTarget").length, 4);
            one(run.resources, (r) => r.type === "aws:eks/accessEntry:AccessEntry" && r.inputs.type === "EC2_LINUX", "EC2_LINUX access entry");
            const chart = releaseOf(run.resources, /karpenter$/);
            assert.equal(releaseOf(run.resources, /karpenter-crd$/).inputs.version, chart.inputs.version, "CRDs at the controller's version");
            assert.match(String(chart.inputs.version), /^1\.\d+\.\d+$/);
            assert.equal(helmValues(chart).settings.interruptionQueue, q.inputs.name);
        });
    });

    describe("data plane", () => {
        it("Spark Operator: YuniKorn batch scheduler at the chart's key path, team job namespaces", () => {
            const v = helmValues(releaseOf(run.resources, /spark-operator/));
            assert.equal(v.controller.batchScheduler.enable, true);
            assert.equal(v.controller.batchScheduler.default, "yunikorn");
            assert.deepEqual([...v.spark.jobNamespaces].sort(), cfg.teams.map((t) => t.name).sort());
            assert.equal(v.webhook.enable, true);
        });

        it("YuniKorn: one queue per team and a namespace placement rule", () => {
            const v = helmValues(releaseOf(run.resources, /yunikorn/));
            const queues = String(v.yunikornDefaults["queues.yaml"]);
            for (const t of cfg.teams) {
                assert.match(queues, new RegExp(`name: "?${t.name}"?\\n`));
            }
            assert.match(queues, /placementrules:\n\s+- name: "?tag"?\n\s+value: "?namespace"?\n\s+create: false/);
            assert.doesNotMatch(queues, /name: "?provided"?/);
        });

        it("every bucket (a bucket per team, the access-log bucket, the retained legacy pair): public access block, encryption, versioning, lifecycle, TLS-only policy, protected in prod", () => {
            const buckets = ofType(run.resources, "aws:s3/bucket:Bucket");
            assert.deepEqual(buckets.map((b) => b.inputs.bucket).sort(), [
                "moka-prod-data-111111111111", "moka-prod-s3-access-logs-111111111111", "moka-prod-spark-events-111111111111",
                ...cfg.teams.map((t) => `moka-prod-team-${t.name}-111111111111`),
            ].sort());
            for (const b of buckets) {
                assert.equal(b.protect, true, `${b.name} protected`);
                assert.equal(b.retainOnDelete, true);
                const linked = (type: string) => run.resources.filter((r) => r.type === type && r.propertyDependencies.bucket?.includes(b.urn));
                const pab = linked("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock");
                assert.equal(pab.length, 1);
                for (const f of ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"]) {
                    assert.equal(pab[0].inputs[f], true, f);
                }
                const sse = linked("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")[0];
                // The access-log destination is SSE-S3 (what S3 server access log delivery supports); every other bucket SSE-KMS.
                assert.equal(sse.inputs.rules[0].applyServerSideEncryptionByDefault.sseAlgorithm, /s3-access-logs/.test(b.inputs.bucket) ? "AES256" : "aws:kms");
                assert.equal(linked("aws:s3/bucketVersioning:BucketVersioning")[0].inputs.versioningConfiguration.status, "Enabled");
                assert.ok(linked("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")[0].inputs.rules.length >= 1);
                const policy = policyDoc(linked("aws:s3/bucketPolicy:BucketPolicy")[0].inputs.policy);
                assert.ok(policy.Statement.some((s) => s.Effect === "Deny" && s.Condition?.Bool?.["aws:SecureTransport"] === "false"));
                // Server access logging into the platform's log bucket, for every bucket but that one.
                assert.equal(linked("aws:s3/bucketLogging:BucketLogging").length, /s3-access-logs/.test(b.inputs.bucket) ? 0 : 1, `${b.name} access logging`);
            }
        });

        it("History Server roles: one per team, read-only on that team's event logs", () => {
            for (const t of cfg.teams) {
                const role = one(run.resources, (r) => r.type === "aws:iam/role:Role" && r.inputs.name === `moka-prod-spark-history-${t.name}`, `history role of ${t.name}`);
                const policies = run.resources.filter((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.propertyDependencies.role?.includes(role.urn));
                assert.equal(policies.length, 1);
                for (const st of policyDoc(policies[0].inputs.policy).Statement) {
                    const actions = [].concat(st.Action);
                    assert.ok(actions.every((a: string) => /^(s3:(Get|List)|kms:Decrypt)/.test(a)), `read-only: ${actions}`);
                    assert.ok([].concat(st.Resource).every((r: string) => r !== "*" && (r.startsWith("arn:aws:kms:") || r.includes(`moka-prod-team-${t.name}-`))), `only ${t.name}'s bucket`);
                }
            }
            assert.equal(run.resources.filter((r) => r.type === "aws:iam/role:Role" && /spark-history/.test(String(r.inputs.name))).length, cfg.teams.length);
        });

        it("Fluent Bit, the OTel collector, the Prometheus-compatible store, ECR repositories and the Flink operator", () => {
            releaseOf(run.resources, /fluent-bit/);
            releaseOf(run.resources, /opentelemetry-collector/);
            one(run.resources, (r) => r.type === "aws:amp/workspace:Workspace", "AMP workspace");
            const repos = ofType(run.resources, "aws:ecr/repository:Repository");
            assert.deepEqual(repos.map((r) => r.inputs.name).sort(), ["moka-prod/flink", "moka-prod/spark"]);
            for (const r of repos) {
                // Every tag immutable, except the tag the stack's own Spark build (re-)pushes.
                const spark = r.inputs.name === "moka-prod/spark";
                assert.equal(r.inputs.imageTagMutability, spark ? "IMMUTABLE_WITH_EXCLUSION" : "IMMUTABLE");
                assert.deepEqual(r.inputs.imageTagMutabilityExclusionFilters, spark ? [{ filterType: "WILDCARD", filter: "4.1.2-r2" }] : undefined);
                assert.equal(r.inputs.imageScanningConfiguration.scanOnPush, true);
                assert.equal(r.protect, true);
            }
            releaseOf(run.resources, /flink-kubernetes-operator/);
            assert.equal(ofType(run.resources, "kubernetes:helm.sh/v3:Release").filter((r) => /kuberay/.test(String(r.inputs.chart))).length, 0, "Ray is off in prod");
            for (const r of ofType(run.resources, "kubernetes:helm.sh/v3:Release")) {
                assert.match(String(r.inputs.version), /^\d+\.\d+\.\d+$/, `${r.inputs.chart} pinned`);
            }
        });
    });

    describe("tenancy", () => {
        for (const team of ["ads-ranking", "growth", "trust-safety"]) {
            it(`${team}: namespace with PSA enforce, quota, limits, default deny, spark SA + RoleBinding, scoped role, queue`, () => {
                const inNs = (type: string) => run.resources.filter((r) => r.type === type && meta(r).namespace === team);
                const ns = one(run.resources, (r) => r.type === "kubernetes:core/v1:Namespace" && meta(r).name === team, `${team} namespace`);
                assert.equal(meta(ns).labels["pod-security.kubernetes.io/enforce"], "restricted");
                assert.equal(inNs("kubernetes:core/v1:ResourceQuota").length, 1);
                assert.equal(inNs("kubernetes:core/v1:LimitRange").length, 1);
                assert.ok(inNs("kubernetes:networking.k8s.io/v1:NetworkPolicy").some((p) => Object.keys(p.inputs.spec.podSelector ?? {}).length === 0 && p.inputs.spec.policyTypes.includes("Ingress") && !p.inputs.spec.ingress));
                assert.ok(inNs("kubernetes:core/v1:ServiceAccount").some((s) => meta(s).name === "spark"));
                assert.ok(inNs("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding").some((b) => b.inputs.subjects.some((s: any) => s.name === "spark")));
                const role = one(run.resources, (r) => r.type === "aws:iam/role:Role" && r.inputs.name === `moka-prod-team-${team}`, `${team} role`);
                const policy = run.resources.find((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && String(r.inputs.role).includes(`team-${team}`))!;
                const resources = policyDoc(policy.inputs.policy).Statement.flatMap((s) => [].concat(s.Resource));
                assert.ok(resources.some((r: string) => r.endsWith(`/teams/${team}/*`)), `prefix-scoped: ${resources}`);
                assert.ok(resources.every((r: string) => r !== "*"));
                assert.ok(role);
                one(run.resources, (r) => r.type === "aws:eks/podIdentityAssociation:PodIdentityAssociation" && r.inputs.namespace === team && r.inputs.serviceAccount === "spark", `${team} pod identity`);
            });
        }

        it("no ClusterRoleBinding names a team subject", () => {
            const teams = new Set(cfg.teams.map((t) => t.name));
            for (const crb of ofType(run.resources, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding")) {
                assert.ok(!(crb.inputs.subjects ?? []).some((s: any) => teams.has(s.namespace)), meta(crb).name);
            }
        });
    });

    describe("IAM scope across the whole stack", () => {
        it("every S3 grant names a bucket, and every object grant a prefix inside it (never * or a whole bucket)", () => {
            const docs = run.resources.filter((r) => ["aws:iam/rolePolicy:RolePolicy", "aws:iam/policy:Policy"].includes(r.type));
            assert.ok(docs.length >= 8);
            let objectGrants = 0;
            for (const d of docs) {
                for (const st of policyDoc(d.inputs.policy).Statement.filter((x) => x.Effect === "Allow")) {
                    const actions: string[] = [].concat(st.Action);
                    const resources: string[] = [].concat(st.Resource ?? []);
                    if (!actions.some((a) => a.startsWith("s3:"))) {
                        continue;
                    }
                    assert.ok(!actions.includes("s3:*"), `${d.name}: s3:*`);
                    for (const res of resources) {
                        assert.notEqual(res, "*", `${d.name}: S3 on *`);
                        assert.doesNotMatch(res, /^arn:aws:s3:::\*/, `${d.name}: every bucket`);
                        if (res.includes("/")) {
                            objectGrants++;
                            // One bucket, or (Fluent Bit) the team-bucket pattern pinned to the account with s3:ResourceAccount.
                            const teamPattern = res.startsWith("arn:aws:s3:::moka-prod-team-*-111111111111/") && st.Condition?.StringEquals?.["s3:ResourceAccount"] === "111111111111";
                            assert.ok(teamPattern || /^arn:aws:s3:::[a-z0-9.-]+\/[^*]+(\/\*)?$/.test(res), `${d.name}: object grant ${res} is not prefix-scoped`);
                        }
                    }
                }
            }
            assert.ok(objectGrants >= 6, `found ${objectGrants} object grants`);
        });

        it("no Allow statement grants * or service:* on Resource *", () => {
            for (const d of run.resources.filter((r) => ["aws:iam/rolePolicy:RolePolicy", "aws:iam/policy:Policy"].includes(r.type))) {
                for (const st of policyDoc(d.inputs.policy).Statement.filter((x) => x.Effect === "Allow")) {
                    const actions: string[] = [].concat(st.Action);
                    if ([].concat(st.Resource ?? []).includes("*" as never)) {
                        assert.ok(actions.every((a) => a !== "*" && !a.endsWith(":*")), `${d.name}: ${actions}`);
                    }
                }
            }
        });
    });

    describe("data safety", () => {
        it("prod protects every stateful resource: buckets, KMS keys (30-day window), ECR repositories, the audit log group", () => {
            const stateful = run.resources.filter((r) => ["aws:s3/bucket:Bucket", "aws:kms/key:Key", "aws:ecr/repository:Repository"].includes(r.type)
                || (r.type === "aws:cloudwatch/logGroup:LogGroup" && /^\/aws\/eks\/.+\/cluster$/.test(String(r.inputs.name))));
            assert.ok(stateful.length >= 7, `found ${stateful.length}`);
            for (const r of stateful) {
                assert.equal(r.protect, true, `${r.type} ${r.name} protect`);
                assert.equal(r.retainOnDelete, true, `${r.type} ${r.name} retainOnDelete`);
            }
            for (const k of ofType(run.resources, "aws:kms/key:Key")) {
                assert.equal(k.inputs.deletionWindowInDays, 30);
            }
            for (const b of ofType(run.resources, "aws:s3/bucket:Bucket")) {
                assert.notEqual(b.inputs.forceDestroy, true);
            }
        });
    });

    describe("outputs", () => {
        it("export the versioned contract with the teams map, kubeconfig as a secret", () => {
            for (const k of CONTRACT_OUTPUT_KEYS) {
                assert.ok(k in run.outputs, `output ${k}`);
            }
            assert.ok(run.secretOutputs.includes("kubeconfig"));
            const teams = run.outputs.teams as Record<string, any>;
            assert.deepEqual(Object.keys(teams).sort(), ["ads-ranking", "growth", "trust-safety"]);
            assert.deepEqual(Object.keys(teams.growth).sort(), [
                "access", "bucket", "containerLogUri", "dataPrefix", "dataUri", "eventLogUri", "historyServerUrl", "namespace", "queue", "roleArn",
                "serviceAccount", "sharedReadUris", "sparkApplicationDefaults", "sparkConf",
            ]);
            assert.deepEqual(run.outputs.otlpEndpoints, { grpc: "otel-collector.observability.svc:4317", http: "http://otel-collector.observability.svc:4318" });
            assert.equal(teams.growth.queue, "root.growth");
            assert.equal(run.outputs.clusterName, "moka-prod");
            assert.ok(Array.isArray(run.outputs.nodePools) && (run.outputs.nodePools as unknown[]).length === 3);
            assert.match(String(run.outputs.interruptionQueueName), /^moka-prod-/);
        });
    });
});

describe("platform program, dev stack", function () {
    this.timeout(120_000);
    let run: MockRunResult;
    before(async () => {
        run = await runStack("dev");
    });

    it("differs from prod: single NAT, 2 AZs, data not protected, names carry the environment", () => {
        assert.equal(ofType(run.resources, "aws:ec2/natGateway:NatGateway").length, 1);
        assert.equal(ofType(run.resources, "aws:s3/bucket:Bucket").filter((b) => b.protect).length, 0);
        for (const r of run.resources.filter((x) => typeof x.inputs.name === "string" && x.type.startsWith("aws:") && !x.type.startsWith("aws:eks/addon"))) {
            assert.ok(!/prod/.test(r.inputs.name), `${r.type} ${r.inputs.name}`);
        }
    });

    it("every ARN in the dev stack's IAM policies names dev resources (none reference prod)", () => {
        const docs = run.resources.filter((r) => ["aws:iam/rolePolicy:RolePolicy", "aws:iam/policy:Policy", "aws:s3/bucketPolicy:BucketPolicy", "aws:sqs/queuePolicy:QueuePolicy", "aws:kms/key:Key", "aws:iam/role:Role"].includes(r.type));
        const arns: string[] = [];
        for (const r of docs) {
            for (const field of ["policy", "assumeRolePolicy"]) {
                if (r.inputs[field]) {
                    JSON.stringify(policyDoc(r.inputs[field])).replace(/arn:aws[a-z-]*:[^"]+/g, (m) => { arns.push(m); return m; });
                }
            }
        }
        assert.ok(arns.length > 20, `found ${arns.length} ARNs`);
        for (const arn of arns) {
            assert.ok(!/prod|111111111111/.test(arn), `dev policy references a prod resource: ${arn}`);
        }
        const own = arns.filter((a) => a.includes("moka-dev") || a.includes("222222222222"));
        assert.ok(own.length > 0);
    });

    it("enables Ray as its engines config says", () => {
        assert.ok(ofType(run.resources, "kubernetes:helm.sh/v3:Release").some((r) => /kuberay/.test(String(r.inputs.chart))));
    });
});

describe("every platform Helm release", function () {
    this.timeout(120_000);
    it("is pinned, in an existing namespace, and rolls back on failure", async () => {
        const run = await runStack("dev");
        const releases = ofType(run.resources, "kubernetes:helm.sh/v3:Release");
        // karpenter-crd (issue 10) and grafana (issue 14) joined the original eight.
        assert.equal(releases.length, 10);
        for (const r of releases) {
            assert.match(String(r.inputs.version), /^\d+\.\d+\.\d+$/, String(r.inputs.chart));
            assert.equal(r.inputs.createNamespace, false);
            assert.equal(r.inputs.atomic, true);
            assert.equal(r.inputs.cleanupOnFail, true);
        }
    });
});
