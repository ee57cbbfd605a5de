import { strict as assert } from "assert";
import * as k8s from "@pulumi/kubernetes";
import * as yaml from "js-yaml";
import { TeamConfig, TeamQuota } from "../../../config";
import { DRIVER_NODE_LABEL, LABELS, NAMESPACES } from "../../../lib/platform";
import { executorAffinity, platformSparkDefaults, sparkApplicationDefaults, sparkDefaultsConfigMapData } from "../../../components/tenancy/spark-defaults";
import { renderSparkDefaultsConf } from "../../../components/shared/spark-conf";
import { Team, TeamArgs, teamArgsProblems } from "../../../components/tenancy";
import { prefixListValues, prefixObjectArns, prefixOwner, teamAccessPolicy, teamAccessPolicyProblems, teamRoleName, teamTrustPolicy } from "../../../components/tenancy/iam";
import { teamNamespaceLabels } from "../../../components/tenancy/namespace";
import { teamNetworkPolicies } from "../../../components/tenancy/network-policies";
import { cpuQuantity, limitRangeLimits, memoryQuantity, quotaHard } from "../../../components/tenancy/quota";
import { sparkDriverRules } from "../../../components/tenancy/rbac";
import { MockRunResult, RecordedResource, runUnderMocks } from "../../../preview/mocks";
import { byName, ofType, policyDoc } from "../../helpers/resources";
import { esmImport } from "../../helpers/esm";

// kubernetes-models is ESM-only; a real dynamic import loads it.

const ACCOUNT = "111111111111";
const REGION = "us-west-2";
const CONFIG = { "aws:region": REGION, "moka:accountId": ACCOUNT };
const BASE = "moka-dev";
const bucketOf = (team: string) => `moka-dev-team-${team}-${ACCOUNT}`;
const arnOf = (team: string) => `arn:aws:s3:::${bucketOf(team)}`;
const BUCKET = bucketOf("ads-ranking");
const BUCKET_ARN = arnOf("ads-ranking");
const GROWTH_ARN = arnOf("growth");
const OTLP = { namespace: "observability", selector: { "app.kubernetes.io/name": "opentelemetry-collector", "app.kubernetes.io/instance": "otel-collector", component: "standalone-collector" }, ports: [4317, 4318] };
const historyEndpoint = (team: string) => ({ namespace: "spark-history", selector: { "app.kubernetes.io/name": "spark-history-server", "app.kubernetes.io/instance": `history-${team}` }, ports: [18080] });
const KMS_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/moka-dev-storage`;
const TAGS = { "cost-center": "data-platform", owner: "platform-team@example.com", environment: "dev", "managed-by": "pulumi" };

const T = {
    quota: "kubernetes:core/v1:ResourceQuota",
    limits: "kubernetes:core/v1:LimitRange",
    namespace: "kubernetes:core/v1:Namespace",
    sa: "kubernetes:core/v1:ServiceAccount",
    configMap: "kubernetes:core/v1:ConfigMap",
    netpol: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
    role: "kubernetes:rbac.authorization.k8s.io/v1:Role",
    roleBinding: "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
    clusterRole: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole",
    clusterRoleBinding: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
    iamRole: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    podIdentity: "aws:eks/podIdentityAssociation:PodIdentityAssociation",
    accessEntry: "aws:eks/accessEntry:AccessEntry",
    accessPolicy: "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
    object: "aws:s3/bucketObjectv2:BucketObjectv2",
    team: "moka:tenancy:Team",
} as const;

/** Children of one Team, by type. */
const PER_TEAM: Record<string, number> = {
    [T.namespace]: 1, [T.quota]: 1, [T.limits]: 1, [T.netpol]: 8, [T.sa]: 1, [T.role]: 3, [T.roleBinding]: 3, [T.configMap]: 1,
    [T.iamRole]: 1, [T.rolePolicy]: 1, [T.podIdentity]: 1, [T.object]: 1, [T.accessEntry]: 1, [T.accessPolicy]: 1,
};
const NETPOL_NAMES = [
    "default-deny-ingress", "default-deny-egress", "allow-same-namespace", "allow-ingress-from-scrapers", "allow-ingress-from-operators",
    "allow-egress-dns", "allow-egress-pod-identity", "allow-egress-https",
];
/** With the OTLP and History Server endpoints passed (as the platform does). */
const ENDPOINT_NETPOLS = ["allow-egress-otlp", "allow-egress-history-server"];

const QUOTA: TeamQuota = { cpu: 64, memoryGi: 256, pods: 200, pvcs: 20, maxApplications: 10, guaranteedCpu: 16, guaranteedMemoryGi: 64 };

const ciArn = (team: string) => `arn:aws:iam::${ACCOUNT}:role/moka-dev-${team}-ci`;

function teamConfig(name: string, patch: Partial<TeamConfig> = {}): TeamConfig {
    return {
        name, namespace: name, quota: QUOTA, dataPrefix: `teams/${name}`, sharedPrefixes: [], podSecurity: "restricted",
        access: { ci: ciArn(name), developers: [], allowAdminOverlap: false }, ...patch,
    };
}

function teamArgs(team: TeamConfig, provider: k8s.Provider, patch: Partial<TeamArgs> = {}): TeamArgs {
    return {
        team, environment: "dev", baseName: BASE, clusterName: BASE, k8sProvider: provider,
        bucket: bucketOf(team.name), bucketArn: arnOf(team.name), kmsKeyArn: KMS_ARN,
        eventLogPrefix: "spark-events", containerLogPrefix: "container-logs", region: REGION, tags: TAGS, ...patch,
    };
}

function run(teams: TeamConfig[], patch: Partial<TeamArgs> = {}): Promise<MockRunResult> {
    return runUnderMocks({
        stack: "dev",
        config: CONFIG,
        program: () => {
            const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
            const out: Record<string, unknown> = {};
            for (const t of teams) {
                const team = new Team(`team-${t.name}`, teamArgs(t, provider, patch));
                out[t.name] = {
                    teamName: team.teamName, namespace: team.namespace, serviceAccount: team.serviceAccount, roleArn: team.roleArn,
                    queue: team.queue, bucket: team.bucket, dataPrefix: team.dataPrefix, dataUri: team.dataUri, eventLogPrefix: team.eventLogPrefix,
                    eventLogUri: team.eventLogUri, containerLogUri: team.containerLogUri, sharedReadUris: team.sharedReadUris,
                    sparkDefaults: team.sparkDefaults, sparkApplicationDefaults: team.sparkApplicationDefaults, access: team.access,
                };
            }
            return out;
        },
    });
}

function countByType(resources: readonly RecordedResource[]): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const r of resources) {
        counts[r.type] = (counts[r.type] ?? 0) + 1;
    }
    return counts;
}

function scaled(n: number): Record<string, number> {
    return Object.fromEntries(Object.entries(PER_TEAM).map(([k, v]) => [k, v * n]));
}

/** Every string in a JSON-able value. */
function strings(value: unknown): string[] {
    if (typeof value === "string") {
        return [value];
    }
    if (Array.isArray(value)) {
        return value.flatMap(strings);
    }
    if (value && typeof value === "object") {
        return Object.values(value).flatMap(strings);
    }
    return [];
}

let models: Record<string, any>;
async function loadModels(): Promise<void> {
    if (models) {
        return;
    }
    const [v1, rbac, net] = await Promise.all([
        Promise.all(["Namespace", "ResourceQuota", "LimitRange", "ServiceAccount", "ConfigMap"].map((k) => esmImport(`kubernetes-models/v1/${k}`))),
        Promise.all(["Role", "RoleBinding"].map((k) => esmImport(`kubernetes-models/rbac.authorization.k8s.io/v1/${k}`))),
        esmImport("kubernetes-models/networking.k8s.io/v1/NetworkPolicy"),
    ]);
    models = {
        [T.namespace]: v1[0].Namespace, [T.quota]: v1[1].ResourceQuota, [T.limits]: v1[2].LimitRange, [T.sa]: v1[3].ServiceAccount,
        [T.configMap]: v1[4].ConfigMap, [T.role]: rbac[0].Role, [T.roleBinding]: rbac[1].RoleBinding, [T.netpol]: net.NetworkPolicy,
    };
}
describe("Team (one team, dev)", () => {
    let res: MockRunResult;
    let all: RecordedResource[];
    const name = "ads-ranking";
    const p = `team-${name}`;
    const devArn = `arn:aws:iam::${ACCOUNT}:role/moka-dev-ads-ranking-developers`;
    const SHARED = [{ team: "growth", bucketArn: GROWTH_ARN, prefix: "teams/growth/exports" }];
    before(async () => {
        await loadModels();
        res = await run([teamConfig(name, {
            sharedPrefixes: ["teams/growth/exports"],
            access: { ci: ciArn(name), developers: [{ roleArn: devArn, level: "view" }], allowAdminOverlap: false },
        })], { sharedReads: SHARED, kubeDnsIp: "172.20.0.10", otlp: OTLP, historyServer: historyEndpoint(name), engines: { flink: true } });
        all = res.resources;
    });

    it("registers one moka:tenancy:Team and exactly its children, by type", () => {
        assert.equal(ofType(all, T.team).length, 1);
        const counts = countByType(all.filter((r) => r.type !== T.team && r.type !== "pulumi:providers:kubernetes"));
        assert.deepEqual(counts, { ...PER_TEAM, [T.netpol]: 10, [T.accessEntry]: 2, [T.accessPolicy]: 2 });
    });

    it("names every child <component>-<role>", () => {
        const names = all.filter((r) => r.parent === byName(all, p).urn).map((r) => r.name).sort();
        assert.deepEqual(names, [
            `${p}-access`, `${p}-event-log-dir`, `${p}-limits`, `${p}-namespace`, ...[...NETPOL_NAMES, ...ENDPOINT_NETPOLS].map((n) => `${p}-netpol-${n}`),
            `${p}-pod-identity`, `${p}-quota`, `${p}-role`, `${p}-spark-defaults`, `${p}-spark-role`, `${p}-spark-rolebinding`, `${p}-spark-sa`,
            `${p}-edit-role`, `${p}-edit-rolebinding`, `${p}-view-role`, `${p}-view-rolebinding`,
            `${p}-access-ci-moka-dev-ads-ranking-ci`, `${p}-access-ci-moka-dev-ads-ranking-ci-policy`,
            `${p}-access-dev-moka-dev-ads-ranking-developers`, `${p}-access-dev-moka-dev-ads-ranking-developers-policy`,
        ].sort());
    });

    it("parents every child to the Team and gives every Kubernetes child the explicit provider", () => {
        const team = byName(all, p);
        const provider = byName(all, "k8s");
        for (const r of all.filter((x) => x.type !== T.team && x.type !== "pulumi:providers:kubernetes")) {
            assert.equal(r.parent, team.urn, r.name);
            if (r.type.startsWith("kubernetes:")) {
                assert.ok(r.provider?.startsWith(`${provider.urn}::`), `${r.name} provider ${r.provider}`);
            }
        }
    });

    it("creates no cluster-scoped RBAC", () => {
        assert.equal(ofType(all, T.clusterRole).length, 0);
        assert.equal(ofType(all, T.clusterRoleBinding).length, 0);
        assert.ok(!all.some((r) => /ClusterRole/.test(r.type)));
    });

    it("validates every Kubernetes object against the upstream schema", () => {
        const k8sObjects = all.filter((r) => r.type.startsWith("kubernetes:") && r.type !== "pulumi:providers:kubernetes");
        assert.equal(k8sObjects.length, 21);
        for (const r of k8sObjects) {
            const Model = models[r.type];
            assert.ok(Model, `no model for ${r.type}`);
            new Model(r.inputs).validate();
        }
    });

    it("namespace: team name, PSA restricted enforce + audit/warn restricted, tenancy labels", () => {
        const ns = byName(all, `${p}-namespace`).inputs;
        assert.equal(ns.metadata.name, name);
        assert.deepEqual(ns.metadata.labels, {
            "pod-security.kubernetes.io/enforce": "restricted",
            "pod-security.kubernetes.io/enforce-version": "latest",
            "pod-security.kubernetes.io/audit": "restricted",
            "pod-security.kubernetes.io/audit-version": "latest",
            "pod-security.kubernetes.io/warn": "restricted",
            "pod-security.kubernetes.io/warn-version": "latest",
            [LABELS.team]: name,
            [LABELS.environment]: "dev",
            [LABELS.tenant]: "true",
            [LABELS.managedBy]: "pulumi",
        });
        assert.equal(ns.metadata.annotations, undefined);
    });

    it("puts every namespaced object in the team namespace with the team label", () => {
        for (const r of all.filter((x) => x.type.startsWith("kubernetes:") && x.type !== T.namespace && x.type !== "pulumi:providers:kubernetes")) {
            assert.equal(r.inputs.metadata.namespace, name, r.name);
            assert.equal(r.inputs.metadata.labels[LABELS.team], name, r.name);
        }
    });

    it("quota: requests.cpu/memory, limits.memory, pods, PVCs from the team quota; no limits.cpu", () => {
        const q = byName(all, `${p}-quota`).inputs;
        assert.equal(q.metadata.name, "team-quota");
        assert.deepEqual(q.spec.hard, { "requests.cpu": "64", "requests.memory": "256Gi", "limits.memory": "256Gi", pods: "200", persistentvolumeclaims: "20" });
    });

    it("limit range: container defaults and a memory max; no cpu max (it would refuse every pod without a cpu limit, i.e. every Spark pod)", () => {
        const l = byName(all, `${p}-limits`).inputs;
        assert.equal(l.metadata.name, "team-limits");
        assert.deepEqual(l.spec.limits, [{
            type: "Container",
            defaultRequest: { cpu: "500m", memory: "1Gi" },
            default: { memory: "2Gi" },
            max: { memory: "256Gi" },
        }]);
    });

    it("network policies: exact names and specs", () => {
        const pols = ofType(all, T.netpol);
        assert.deepEqual(pols.map((x) => x.inputs.metadata.name).sort(), [...NETPOL_NAMES, ...ENDPOINT_NETPOLS].sort());
        const spec = (n: string) => pols.find((x) => x.inputs.metadata.name === n)!.inputs.spec;
        assert.deepEqual(spec("default-deny-ingress"), { podSelector: {}, policyTypes: ["Ingress"] });
        assert.deepEqual(spec("default-deny-egress"), { podSelector: {}, policyTypes: ["Egress"] });
        assert.deepEqual(spec("allow-same-namespace"), {
            podSelector: {}, policyTypes: ["Ingress", "Egress"], ingress: [{ from: [{ podSelector: {} }] }], egress: [{ to: [{ podSelector: {} }] }],
        });
        assert.deepEqual(spec("allow-ingress-from-scrapers"), {
            podSelector: {}, policyTypes: ["Ingress"],
            ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: [NAMESPACES.observability] }] } }] }],
        });
        assert.deepEqual(spec("allow-ingress-from-operators"), {
            podSelector: {}, policyTypes: ["Ingress"],
            ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: [NAMESPACES.sparkOperator, NAMESPACES.yunikorn] }] } }] }],
        });
        assert.deepEqual(spec("allow-egress-dns"), {
            podSelector: {}, policyTypes: ["Egress"],
            egress: [{
                to: [
                    { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } },
                    { ipBlock: { cidr: "172.20.0.10/32" } },
                ],
                ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }],
            }],
        });
        assert.deepEqual(spec("allow-egress-pod-identity"), {
            podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: "169.254.170.23/32" } }], ports: [{ protocol: "TCP", port: 80 }] }],
        });
        assert.deepEqual(spec("allow-egress-https"), {
            podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ protocol: "TCP", port: 443 }] }],
        });
        assert.deepEqual(spec("allow-egress-otlp"), {
            podSelector: {}, policyTypes: ["Egress"],
            egress: [{
                to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "observability" } }, podSelector: { matchLabels: OTLP.selector } }],
                ports: [{ protocol: "TCP", port: 4317 }, { protocol: "TCP", port: 4318 }],
            }],
        });
        assert.deepEqual(spec("allow-egress-history-server"), {
            podSelector: {}, policyTypes: ["Egress"],
            egress: [{
                to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "spark-history" } }, podSelector: { matchLabels: historyEndpoint(name).selector } }],
                ports: [{ protocol: "TCP", port: 18080 }],
            }],
        });
    });

    it("no policy opens ingress from outside the namespace except the listed platform namespaces", () => {
        for (const pol of ofType(all, T.netpol)) {
            for (const rule of pol.inputs.spec.ingress ?? []) {
                assert.ok(Array.isArray(rule.from) && rule.from.length > 0, `${pol.name} has an allow-all ingress rule`);
                for (const peer of rule.from) {
                    assert.equal(peer.ipBlock, undefined, `${pol.name} ingress ipBlock`);
                }
            }
            for (const rule of pol.inputs.spec.egress ?? []) {
                assert.ok(Array.isArray(rule.to) && rule.to.length > 0, `${pol.name} has an allow-all egress rule`);
                if (rule.to.some((peer: any) => peer.ipBlock?.cidr === "0.0.0.0/0")) {
                    assert.deepEqual(rule.ports, [{ protocol: "TCP", port: 443 }], `${pol.name}: internet egress only on 443`);
                }
            }
        }
    });

    it("ServiceAccount `spark`; Role with exactly the Spark driver rules; RoleBinding to that SA only", () => {
        assert.equal(byName(all, `${p}-spark-sa`).inputs.metadata.name, "spark");
        const role = byName(all, `${p}-spark-role`).inputs;
        assert.equal(role.metadata.name, "spark-driver");
        assert.deepEqual(role.rules, [
            { apiGroups: [""], resources: ["pods"], verbs: ["create", "get", "list", "watch", "patch", "delete", "deletecollection"] },
            { apiGroups: [""], resources: ["services"], verbs: ["create", "get", "list", "watch", "delete", "deletecollection"] },
            { apiGroups: [""], resources: ["configmaps"], verbs: ["create", "get", "list", "watch", "delete", "deletecollection"] },
            { apiGroups: [""], resources: ["persistentvolumeclaims"], verbs: ["create", "get", "list", "watch", "delete", "deletecollection"] },
        ]);
        for (const rule of role.rules) {
            assert.ok(!rule.verbs.includes("*") && !rule.resources.includes("*") && !rule.apiGroups.includes("*"));
            assert.ok(!rule.resources.includes("secrets"), "no secrets access");
        }
        const rb = byName(all, `${p}-spark-rolebinding`).inputs;
        assert.deepEqual(rb.roleRef, { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "spark-driver" });
        assert.deepEqual(rb.subjects, [{ kind: "ServiceAccount", name: "spark", namespace: name }]);
    });

    it("access entries: one STANDARD entry per principal in the team's group, Edit (CI) / View (developer) scoped to the namespace", () => {
        const entries = ofType(all, T.accessEntry);
        assert.deepEqual(entries.map((e) => ({ principalArn: e.inputs.principalArn, type: e.inputs.type, groups: e.inputs.kubernetesGroups, cluster: e.inputs.clusterName })), [
            { principalArn: ciArn(name), type: "STANDARD", groups: ["moka:team:ads-ranking:edit"], cluster: BASE },
            { principalArn: devArn, type: "STANDARD", groups: ["moka:team:ads-ranking:view"], cluster: BASE },
        ]);
        const assoc = ofType(all, T.accessPolicy);
        assert.deepEqual(assoc.map((a) => ({ principalArn: a.inputs.principalArn, policyArn: a.inputs.policyArn, accessScope: a.inputs.accessScope })), [
            { principalArn: ciArn(name), policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy", accessScope: { type: "namespace", namespaces: [name] } },
            { principalArn: devArn, policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy", accessScope: { type: "namespace", namespaces: [name] } },
        ]);
        for (const a of assoc) {
            assert.notEqual(a.inputs.accessScope.type, "cluster");
            const entry = entries.find((e) => e.inputs.principalArn === a.inputs.principalArn)!;
            assert.ok(a.dependencies.includes(entry.urn), "the association waits for its entry");
        }
    });

    it("team group RBAC: view reads, edit writes SparkApplications (and Flink CRs when on); no escalation verbs, no wildcards", () => {
        const spark = { apiGroups: ["sparkoperator.k8s.io"], resources: ["sparkapplications", "scheduledsparkapplications"] };
        const flink = { apiGroups: ["flink.apache.org"], resources: ["flinkdeployments", "flinksessionjobs"] };
        const write = ["get", "list", "watch", "create", "update", "patch", "delete"];
        const read = ["get", "list", "watch"];
        assert.deepEqual(byName(all, `${p}-edit-role`).inputs.rules, [{ ...spark, verbs: write }, { ...flink, verbs: write }]);
        assert.deepEqual(byName(all, `${p}-view-role`).inputs.rules, [{ ...spark, verbs: read }, { ...flink, verbs: read }]);
        for (const level of ["edit", "view"]) {
            const role = byName(all, `${p}-${level}-role`).inputs;
            assert.equal(role.metadata.name, `team-${level}`);
            for (const rule of role.rules) {
                for (const v of ["*", "bind", "escalate", "impersonate", "deletecollection"]) {
                    assert.ok(!rule.verbs.includes(v), `${level}: ${v}`);
                }
                assert.ok(!rule.resources.some((r: string) => r === "*" || /roles|rolebindings|secrets/.test(r)));
            }
            const rb = byName(all, `${p}-${level}-rolebinding`).inputs;
            assert.deepEqual(rb.roleRef, { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: `team-${level}` });
            assert.deepEqual(rb.subjects, [{ kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: `moka:team:${name}:${level}` }]);
        }
    });

    it("IAM role `<baseName>-team-<team>`, trusted only by Pod Identity for <ns>/spark on the cluster", () => {
        const role = byName(all, `${p}-role`);
        assert.equal(role.inputs.name, "moka-dev-team-ads-ranking");
        assert.deepEqual(role.inputs.tags, { ...TAGS, team: name });
        const trust = policyDoc(role.inputs.assumeRolePolicy);
        assert.deepEqual(trust.Statement, [{
            Sid: "AllowEksPodIdentityForTeamServiceAccount",
            Effect: "Allow",
            Principal: { Service: "pods.eks.amazonaws.com" },
            Action: ["sts:AssumeRole", "sts:TagSession"],
            Condition: { StringEquals: {
                "aws:RequestTag/eks-cluster-name": BASE,
                "aws:RequestTag/kubernetes-namespace": name,
                "aws:RequestTag/kubernetes-service-account": "spark",
            } },
        }]);
    });

    it("access policy: plain list on its own bucket, S3A writes under data and event logs, reads container logs and the shared prefix, the storage key", () => {
        const pol = byName(all, `${p}-access`);
        assert.equal(pol.inputs.role, "moka-dev-team-ads-ranking");
        const doc = policyDoc(pol.inputs.policy);
        const write = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"];
        assert.deepEqual(doc, {
            Version: "2012-10-17",
            Statement: [
                { Sid: "TeamBucketList", Effect: "Allow", Action: ["s3:ListBucket", "s3:ListBucketMultipartUploads"], Resource: BUCKET_ARN },
                { Sid: "TeamDataReadWrite", Effect: "Allow", Action: write, Resource: [`${BUCKET_ARN}/teams/ads-ranking`, `${BUCKET_ARN}/teams/ads-ranking/*`] },
                { Sid: "TeamEventLogReadWrite", Effect: "Allow", Action: write, Resource: [`${BUCKET_ARN}/spark-events`, `${BUCKET_ARN}/spark-events/*`] },
                { Sid: "TeamContainerLogRead", Effect: "Allow", Action: "s3:GetObject", Resource: [`${BUCKET_ARN}/container-logs`, `${BUCKET_ARN}/container-logs/*`] },
                { Sid: "SharedDataRead", Effect: "Allow", Action: "s3:GetObject", Resource: [`${GROWTH_ARN}/teams/growth/exports`, `${GROWTH_ARN}/teams/growth/exports/*`] },
                {
                    Sid: "SharedDataListgrowth", Effect: "Allow", Action: "s3:ListBucket", Resource: GROWTH_ARN,
                    Condition: { StringLike: { "s3:prefix": ["teams/growth/exports/", "teams/growth/exports/*"] } },
                },
                {
                    Sid: "StorageKeyViaS3", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: KMS_ARN,
                    Condition: { StringEquals: { "kms:ViaService": "s3.us-west-2.amazonaws.com" } },
                },
            ],
        });
    });

    it("access policy: no wildcard actions, no whole-account resource; writes only in its own bucket", () => {
        const doc = policyDoc(byName(all, `${p}-access`).inputs.policy);
        for (const s of doc.Statement) {
            assert.equal(s.Effect, "Allow");
            for (const a of [s.Action].flat()) {
                assert.ok(!a.includes("*"), `${s.Sid} action ${a}`);
            }
            for (const r of [s.Resource].flat()) {
                assert.notEqual(r, "*");
                assert.ok(r.includes("moka-dev"), `${s.Sid} resource ${r} does not carry the environment`);
            }
        }
        const writes = doc.Statement.filter((s) => [s.Action].flat().some((a: string) => /Put|Delete/.test(a)));
        for (const r of writes.flatMap((s) => [s.Resource].flat())) {
            assert.ok(r.startsWith(`${BUCKET_ARN}/`), `write outside the team's bucket: ${r}`);
        }
    });

    it("Pod Identity association: cluster, namespace, `spark`, the team role; session tags on", () => {
        const a = byName(all, `${p}-pod-identity`);
        const role = byName(all, `${p}-role`);
        assert.deepEqual(
            { clusterName: a.inputs.clusterName, namespace: a.inputs.namespace, serviceAccount: a.inputs.serviceAccount, roleArn: a.inputs.roleArn, disableSessionTags: a.inputs.disableSessionTags },
            { clusterName: BASE, namespace: name, serviceAccount: "spark", roleArn: role.state.arn, disableSessionTags: false },
        );
        assert.equal(role.state.arn, `arn:aws:iam::${ACCOUNT}:role/moka-dev-team-ads-ranking`);
        assert.ok(a.dependencies.includes(byName(all, `${p}-access`).urn), "association waits for the access policy");
        assert.deepEqual(a.inputs.tags, { ...TAGS, team: name });
    });

    it("every ARN and AWS physical name carries the environment (dev)", () => {
        const aws = all.filter((r) => r.type.startsWith("aws:"));
        // ARNs in inputs (JSON policy documents parsed) plus the role's own ARN; other mock state ARNs are
        // fabricated by preview/mocks.ts from logical names.
        const expand = (v: string): string[] => (v.startsWith("{") ? strings(JSON.parse(v)) : [v]);
        const arns = [...aws.flatMap((r) => strings(r.inputs)), byName(all, `${p}-role`).state.arn]
            .flatMap(expand).filter((x) => x.startsWith("arn:") && !x.startsWith("arn:aws:eks::aws:cluster-access-policy/"));
        assert.ok(arns.length > 0);
        for (const arn of arns) {
            assert.match(arn, /moka-dev/, arn);
        }
        // Inline role policy names are scoped to their role, so only the others carry the environment.
        for (const r of aws.filter((x) => x.type !== T.rolePolicy)) {
            const physical = r.inputs.name ?? r.inputs.bucket;
            if (typeof physical === "string") {
                assert.match(physical, /dev/, `${r.name}: ${physical}`);
            }
        }
    });

    it("event-log directory marker: `<eventLogPrefix>/` in the team's bucket", () => {
        const o = byName(all, `${p}-event-log-dir`).inputs;
        assert.deepEqual({ bucket: o.bucket, key: o.key, content: o.content }, { bucket: BUCKET, key: "spark-events/", content: "" });
        assert.deepEqual(o.tags, { ...TAGS, team: name });
    });

    it("ConfigMap `spark-defaults` holds the platform conf and the SparkApplication defaults", () => {
        const cm = byName(all, `${p}-spark-defaults`).inputs;
        assert.equal(cm.metadata.name, "spark-defaults");
        const input = { bucket: BUCKET, eventLogPrefix: "spark-events", team: name, region: REGION };
        assert.deepEqual(cm.data, sparkDefaultsConfigMapData(input));
        assert.deepEqual(Object.keys(cm.data).sort(), ["spark-defaults.conf", "sparkapplication-defaults.yaml"]);
        assert.ok(cm.data["spark-defaults.conf"].includes(`spark.eventLog.dir s3a://${BUCKET}/spark-events/\n`));
        assert.deepEqual(yaml.load(cm.data["sparkapplication-defaults.yaml"]), sparkApplicationDefaults(input));
        assert.ok(cm.data["sparkapplication-defaults.yaml"].includes(Object.keys(DRIVER_NODE_LABEL)[0]));
    });

    it("outputs: namespace, bucket URIs, queue, spark defaults and the access it grants", () => {
        const input = { bucket: BUCKET, eventLogPrefix: "spark-events", team: name, region: REGION };
        const out = res.outputs[name] as Record<string, any>;
        assert.deepEqual({ ...out, access: undefined }, {
            teamName: name,
            namespace: name,
            serviceAccount: "spark",
            roleArn: `arn:aws:iam::${ACCOUNT}:role/moka-dev-team-ads-ranking`,
            queue: "root.ads-ranking",
            bucket: BUCKET,
            dataPrefix: "teams/ads-ranking",
            dataUri: `s3a://${BUCKET}/teams/ads-ranking/`,
            eventLogPrefix: "spark-events",
            eventLogUri: `s3a://${BUCKET}/spark-events/`,
            containerLogUri: `s3a://${BUCKET}/container-logs/`,
            sharedReadUris: [`s3a://${bucketOf("growth")}/teams/growth/exports/`],
            sparkDefaults: platformSparkDefaults(input),
            sparkApplicationDefaults: sparkApplicationDefaults(input),
            access: undefined,
        });
        assert.deepEqual(out.access.principals.map((x: any) => [x.roleArn, x.kind, x.level, x.accessPolicy, x.accessScope, x.kubernetesGroups]), [
            [ciArn(name), "ci", "edit", "AmazonEKSEditPolicy", { type: "namespace", namespaces: [name] }, ["moka:team:ads-ranking:edit"]],
            [devArn, "developer", "view", "AmazonEKSViewPolicy", { type: "namespace", namespaces: [name] }, ["moka:team:ads-ranking:view"]],
        ]);
        assert.deepEqual(out.access.kubernetesGroups, { edit: "moka:team:ads-ranking:edit", view: "moka:team:ads-ranking:view" });
        assert.deepEqual(out.access.kubernetesPermissions.edit, byName(all, `${p}-edit-role`).inputs.rules);
        assert.deepEqual(out.access.kubernetesPermissions.view, byName(all, `${p}-view-role`).inputs.rules);
    });
});

describe("Team (three teams)", () => {
    let res: MockRunResult;
    const names = ["ads-ranking", "growth", "fraud"];
    before(async () => {
        await loadModels();
        res = await run(names.map((n) => teamConfig(n)));
    });

    it("registers 3 Teams and 3x the per-team children", () => {
        assert.equal(ofType(res.resources, T.team).length, 3);
        const counts = countByType(res.resources.filter((r) => r.type !== T.team && r.type !== "pulumi:providers:kubernetes"));
        assert.deepEqual(counts, scaled(3));
    });

    it("gives each team its own namespace, role, association and event-log directory", () => {
        assert.deepEqual(ofType(res.resources, T.namespace).map((r) => r.inputs.metadata.name).sort(), [...names].sort());
        assert.deepEqual(ofType(res.resources, T.iamRole).map((r) => r.inputs.name).sort(), names.map((n) => `moka-dev-team-${n}`).sort());
        assert.deepEqual(ofType(res.resources, T.podIdentity).map((r) => `${r.inputs.namespace}/${r.inputs.serviceAccount}`).sort(), names.map((n) => `${n}/spark`).sort());
        assert.deepEqual(ofType(res.resources, T.object).map((r) => `${r.inputs.bucket}/${r.inputs.key}`).sort(), names.map((n) => `${bucketOf(n)}/spark-events/`).sort());
    });

    it("never lets one team's policy touch another team's bucket or prefix", () => {
        for (const n of names) {
            const doc = policyDoc(byName(res.resources, `team-${n}-access`).inputs.policy);
            const text = JSON.stringify(doc);
            for (const other of names.filter((o) => o !== n)) {
                assert.ok(!text.includes(bucketOf(other)), `${n} mentions ${bucketOf(other)}`);
                assert.ok(!text.includes(`teams/${other}`), `${n} mentions teams/${other}`);
            }
            assert.ok(!doc.Statement.some((s) => s.Sid === "SharedDataRead"), "no shared statement without shared prefixes");
        }
    });

    it("gives each team's CI role one namespace-scoped entry in its own group", () => {
        for (const n of names) {
            const entry = byName(res.resources, `team-${n}-access-ci-moka-dev-${n}-ci`).inputs;
            assert.deepEqual(entry.kubernetesGroups, [`moka:team:${n}:edit`]);
            assert.deepEqual(byName(res.resources, `team-${n}-access-ci-moka-dev-${n}-ci-policy`).inputs.accessScope, { type: "namespace", namespaces: [n] });
        }
    });

    it("places each team's namespaced objects in its own namespace", () => {
        for (const n of names) {
            const children = res.resources.filter((r) => r.parent === byName(res.resources, `team-${n}`).urn && r.type.startsWith("kubernetes:") && r.type !== T.namespace);
            assert.equal(children.length, 18);
            for (const c of children) {
                assert.equal(c.inputs.metadata.namespace, n, c.name);
            }
        }
    });

    it("validates every Kubernetes object against the upstream schema", () => {
        for (const r of res.resources.filter((x) => x.type.startsWith("kubernetes:") && x.type !== "pulumi:providers:kubernetes")) {
            new models[r.type](r.inputs).validate();
        }
    });
});

describe("Team (options)", () => {
    before(loadModels);

    it("baseline team: enforce baseline with the reason annotated; audit/warn stay restricted", async () => {
        const res = await run([teamConfig("legacy", { podSecurity: "baseline", podSecurityReason: "runs a vendor image that needs root until Q3" })]);
        const ns = byName(res.resources, "team-legacy-namespace").inputs;
        assert.equal(ns.metadata.labels["pod-security.kubernetes.io/enforce"], "baseline");
        assert.equal(ns.metadata.labels["pod-security.kubernetes.io/audit"], "restricted");
        assert.equal(ns.metadata.labels["pod-security.kubernetes.io/warn"], "restricted");
        assert.deepEqual(ns.metadata.annotations, { "moka.dev/pod-security-reason": "runs a vendor image that needs root until Q3" });
        new models[T.namespace](ns).validate();
    });

    it("custom scraper/operator namespaces, pinned PSA version and a storage quota", async () => {
        const res = await run([teamConfig("ads")], {
            scraperNamespaces: ["observability", "monitoring"], webhookNamespaces: ["spark-operator", "flink-operator"],
            podSecurityVersion: "v1.33", storageQuotaGi: 500,
        });
        const pol = (n: string) => ofType(res.resources, T.netpol).find((x) => x.inputs.metadata.name === n)!.inputs.spec;
        assert.deepEqual(pol("allow-ingress-from-scrapers").ingress[0].from[0].namespaceSelector.matchExpressions[0].values, ["observability", "monitoring"]);
        assert.deepEqual(pol("allow-ingress-from-operators").ingress[0].from[0].namespaceSelector.matchExpressions[0].values, ["spark-operator", "flink-operator"]);
        const labels = byName(res.resources, "team-ads-namespace").inputs.metadata.labels;
        assert.equal(labels["pod-security.kubernetes.io/enforce-version"], "v1.33");
        assert.equal(labels["pod-security.kubernetes.io/warn-version"], "v1.33");
        assert.equal(byName(res.resources, "team-ads-quota").inputs.spec.hard["requests.storage"], "500Gi");
    });

    it("the executor affinity follows the executor pools' architectures", async () => {
        const res = await run([teamConfig("ads")], { executorArchitectures: ["amd64"] });
        const data = byName(res.resources, "team-ads-spark-defaults").inputs.data;
        assert.deepEqual((yaml.load(data["sparkapplication-defaults.yaml"]) as any).executor.affinity, executorAffinity(["amd64"]));
    });

    it("a principal that is also a cluster admin (allowAdminOverlap) keeps its admin entry: no team entry, cluster scope in the contract", async () => {
        const admin = `arn:aws:iam::${ACCOUNT}:role/moka-dev-platform-admin`;
        const team = teamConfig("ads", { access: { ci: ciArn("ads"), developers: [{ roleArn: admin, level: "edit" }], allowAdminOverlap: true, adminOverlapReason: "the platform team develops this team's jobs" } });
        const res = await run([team], { adminRoleArns: [admin] });
        assert.deepEqual(ofType(res.resources, T.accessEntry).map((e) => e.inputs.principalArn), [ciArn("ads")]);
        const access = (res.outputs.ads as any).access;
        assert.deepEqual(access.principals[1], { roleArn: admin, kind: "developer", level: "edit", accessPolicy: "AmazonEKSClusterAdminPolicy", accessScope: { type: "cluster" }, kubernetesGroups: ["platform-admins"] });
    });

    it("Ray CRs join the group roles when Ray is on", async () => {
        const res = await run([teamConfig("ads")], { engines: { ray: true } });
        assert.deepEqual(byName(res.resources, "team-ads-edit-role").inputs.rules.map((r: any) => r.apiGroups[0]), ["sparkoperator.k8s.io", "ray.io"]);
        assert.deepEqual(byName(res.resources, "team-ads-view-role").inputs.rules[1].resources, ["rayclusters", "rayjobs", "rayservices"]);
    });

    it("empty scraper and operator lists leave those policies out (deny stays)", async () => {
        const res = await run([teamConfig("ads")], { scraperNamespaces: [], webhookNamespaces: [] });
        assert.deepEqual(ofType(res.resources, T.netpol).map((r) => r.inputs.metadata.name).sort(),
            NETPOL_NAMES.filter((n) => !n.startsWith("allow-ingress-from")).sort());
    });

    const errors: [string, Partial<TeamArgs> | ((t: TeamConfig) => TeamConfig), string][] = [
        ["a baseline team without a reason", (t) => ({ ...t, podSecurity: "baseline" }), "moka:tenancy:Team \"team-x\": args.team.podSecurityReason is required when args.team.podSecurity is \"baseline\""],
        ["an event-log prefix with a trailing slash", { eventLogPrefix: "spark-events/" }, "moka:tenancy:Team \"team-x\": args.eventLogPrefix \"spark-events/\" must be an S3 prefix without leading or trailing '/'"],
        ["a bad region", { region: "uswest2" }, "moka:tenancy:Team \"team-x\": args.region \"uswest2\" is not an AWS region"],
        ["an empty baseName", { baseName: "" }, "moka:tenancy:Team \"team-x\": args.baseName is required"],
        ["a bad scraper namespace", { scraperNamespaces: ["Observability"] }, "moka:tenancy:Team \"team-x\": args.scraperNamespaces[0] \"Observability\" is not a namespace name"],
        ["a bad PSA version", { podSecurityVersion: "1.33" }, "moka:tenancy:Team \"team-x\": args.podSecurityVersion \"1.33\" must be \"latest\" or \"v1.<minor>\""],
        ["a fractional storage quota", { storageQuotaGi: 1.5 }, "moka:tenancy:Team \"team-x\": args.storageQuotaGi 1.5 must be a positive whole number of GiB"],
        ["no executor architecture", { executorArchitectures: [] }, "moka:tenancy:Team \"team-x\": args.executorArchitectures [] must list arm64 and/or amd64, each once"],
        ["an admin role as a principal without allowAdminOverlap", { adminRoleArns: [ciArn("x")] },
            `moka:tenancy:Team "team-x": args.team.access names a cluster admin role (${ciArn("x")}) without allowAdminOverlap`],
        ["the same principal twice", (t) => ({ ...t, access: { ...t.access, developers: [{ roleArn: ciArn("x"), level: "view" }] } }),
            `moka:tenancy:Team "team-x": args.team.access lists ${ciArn("x")} twice; an IAM principal has one access entry and one level`],
        ["a shared read of its own bucket", { sharedReads: [{ team: "x", bucketArn: arnOf("x"), prefix: "teams/x/a" }] },
            "moka:tenancy:Team \"team-x\": args.sharedReads[0] names the team itself; shared reads are for other teams' buckets"],
    ];
    for (const [label, patch, message] of errors) {
        it(`rejects ${label}`, async () => {
            await assert.rejects(runUnderMocks({
                stack: "dev", config: CONFIG,
                program: () => {
                    const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
                    const base = teamConfig("x");
                    const team = typeof patch === "function" ? patch(base) : base;
                    new Team("team-x", teamArgs(team, provider, typeof patch === "function" ? {} : patch));
                    return {};
                },
            }), { message });
        });
    }

    it("rejects a role name over 64 characters (the 54-character case above is legal; check the limit itself)", () => {
        const team = teamConfig("b".repeat(40));
        const args = teamArgs(team, undefined as unknown as k8s.Provider, { baseName: "moka-staging-long1" });
        const role = teamRoleName("moka-staging-long1", team.name);
        assert.equal(role.length, 64);
        assert.deepEqual(teamArgsProblems(args), []);
        const longer = teamArgs(teamConfig("c".repeat(40)), undefined as unknown as k8s.Provider, { baseName: "moka-staging-long12" });
        assert.deepEqual(teamArgsProblems(longer), [
            `IAM role name "moka-staging-long12-team-${"c".repeat(40)}" is 65 characters; IAM allows 64. Shorten moka:namePrefix or the team name`,
        ]);
    });

    it("reports every problem at once", () => {
        const args = teamArgs(teamConfig("x", { podSecurity: "baseline" }), undefined as unknown as k8s.Provider, { region: "x", eventLogPrefix: "/a" });
        assert.equal(teamArgsProblems(args).length, 3);
    });
});

describe("team pure helpers", () => {
    describe("quotaHard / limitRangeLimits", () => {
        const cases: [string, TeamQuota, number | undefined, Record<string, string>][] = [
            ["whole cores", QUOTA, undefined, { "requests.cpu": "64", "requests.memory": "256Gi", "limits.memory": "256Gi", pods: "200", persistentvolumeclaims: "20" }],
            ["fractional cores + storage", { ...QUOTA, cpu: 2.5, memoryGi: 8, pods: 10, pvcs: 1 }, 100,
                { "requests.cpu": "2500m", "requests.memory": "8Gi", "limits.memory": "8Gi", pods: "10", persistentvolumeclaims: "1", "requests.storage": "100Gi" }],
        ];
        for (const [label, quota, storage, hard] of cases) {
            it(`quotaHard: ${label}`, () => assert.deepEqual(quotaHard(quota, storage), hard));
        }

        const limitCases: [string, Partial<TeamQuota>, object][] = [
            ["big quota caps memory per container at 256Gi", { cpu: 512, memoryGi: 4096 },
                { defaultRequest: { cpu: "500m", memory: "1Gi" }, default: { memory: "2Gi" }, max: { memory: "256Gi" } }],
            ["small quota caps at the quota", { cpu: 8, memoryGi: 16 },
                { defaultRequest: { cpu: "500m", memory: "1Gi" }, default: { memory: "2Gi" }, max: { memory: "16Gi" } }],
            ["tiny quota clamps defaults to the quota and the max", { cpu: 0.25, memoryGi: 1 },
                { defaultRequest: { cpu: "250m", memory: "1Gi" }, default: { memory: "1Gi" }, max: { memory: "1Gi" } }],
        ];
        for (const [label, patch, expected] of limitCases) {
            it(`limitRangeLimits: ${label}`, () => {
                assert.deepEqual(limitRangeLimits({ ...QUOTA, ...patch }), [{ type: "Container", ...expected }]);
            });
        }

        const quantities: [number, string][] = [[1, "1"], [64, "64"], [0.5, "500m"], [1.25, "1250m"], [0.001, "1m"]];
        for (const [cores, q] of quantities) {
            it(`cpuQuantity(${cores}) = ${q}`, () => assert.equal(cpuQuantity(cores), q));
        }
        it("cpuQuantity/memoryQuantity reject nonsense", () => {
            assert.throws(() => cpuQuantity(0), { message: "cpuQuantity: 0 is not a positive number of cores" });
            assert.throws(() => cpuQuantity(0.0001), { message: "cpuQuantity: 0.0001 is below one millicore" });
            assert.throws(() => memoryQuantity(1.5), { message: "memoryQuantity: 1.5 is not a positive whole number of GiB" });
        });
    });

    describe("teamNetworkPolicies", () => {
        it("always starts with both default denies and same-namespace", () => {
            const names = teamNetworkPolicies({ scraperNamespaces: [], operatorNamespaces: [] }).map((x) => x.name);
            assert.deepEqual(names, ["default-deny-ingress", "default-deny-egress", "allow-same-namespace", "allow-egress-dns", "allow-egress-pod-identity", "allow-egress-https"]);
        });
        it("every policy selects every pod in the namespace", () => {
            for (const pol of teamNetworkPolicies({ scraperNamespaces: ["a"], operatorNamespaces: ["b"] })) {
                assert.deepEqual(pol.spec.podSelector, {});
            }
        });
    });

    describe("teamAccessPolicy", () => {
        const input = {
            bucketArn: BUCKET_ARN, kmsKeyArn: KMS_ARN, dataPrefix: "teams/a", eventLogPrefix: "spark-events", containerLogPrefix: "container-logs",
            sharedReads: [] as { team: string; bucketArn: string; prefix: string }[], region: REGION,
        };
        it("prefix helpers never use a bare `<prefix>*`", () => {
            assert.deepEqual(prefixObjectArns(BUCKET_ARN, "teams/a"), [`${BUCKET_ARN}/teams/a`, `${BUCKET_ARN}/teams/a/*`]);
            assert.deepEqual(prefixListValues("teams/a"), ["teams/a/", "teams/a/*"]);
        });
        const bad: [string, object, string][] = [
            ["a wildcard data prefix", { dataPrefix: "teams/*" }, "dataPrefix \"teams/*\" is not an S3 prefix (no wildcards, no leading or trailing '/', no '..')"],
            ["a shared prefix with '..'", { sharedReads: [{ team: "growth", bucketArn: GROWTH_ARN, prefix: "teams/../x" }] }, "sharedReads[0].prefix \"teams/../x\" is not an S3 prefix (no wildcards, no leading or trailing '/', no '..')"],
            ["an empty event-log prefix", { eventLogPrefix: "" }, "eventLogPrefix \"\" is not an S3 prefix (no wildcards, no leading or trailing '/', no '..')"],
            ["a bucket name instead of an ARN", { bucketArn: BUCKET }, `bucketArn "${BUCKET}" is not an S3 bucket ARN`],
            ["an object ARN as a shared bucket", { sharedReads: [{ team: "growth", bucketArn: `${GROWTH_ARN}/*`, prefix: "teams/growth" }] }, `sharedReads[0].bucketArn "${GROWTH_ARN}/*" is not an S3 bucket ARN`],
            ["a shared read of its own bucket", { sharedReads: [{ team: "a", bucketArn: BUCKET_ARN, prefix: "x" }] }, "sharedReads[0] names the team's own bucket; shared reads are for other teams' buckets"],
            ["a KMS alias", { kmsKeyArn: `arn:aws:kms:${REGION}:${ACCOUNT}:alias/x` }, `kmsKeyArn "arn:aws:kms:${REGION}:${ACCOUNT}:alias/x" is not a KMS key ARN`],
        ];
        for (const [label, patch, problem] of bad) {
            it(`rejects ${label}`, () => {
                assert.deepEqual(teamAccessPolicyProblems({ ...input, ...patch }), [problem]);
                assert.throws(() => teamAccessPolicy({ ...input, ...patch }), { message: `teamAccessPolicy: ${problem}` });
            });
        }
        it("one prefix-conditioned list statement per shared bucket (a union would open one team's prefix in another's bucket)", () => {
            const other = arnOf("fraud");
            const doc = teamAccessPolicy({ ...input, sharedReads: [
                { team: "growth", bucketArn: GROWTH_ARN, prefix: "teams/growth/x" }, { team: "fraud", bucketArn: other, prefix: "teams/fraud/y" },
                { team: "growth", bucketArn: GROWTH_ARN, prefix: "teams/growth/z" },
            ] });
            assert.deepEqual(doc.Statement.filter((s) => s.Sid?.startsWith("SharedDataList")).map((s) => [s.Resource, s.Condition!.StringLike["s3:prefix"]]), [
                [GROWTH_ARN, ["teams/growth/x/", "teams/growth/x/*", "teams/growth/z/", "teams/growth/z/*"]],
                [other, ["teams/fraud/y/", "teams/fraud/y/*"]],
            ]);
        });
        it("uses the china S3 host for kms:ViaService in cn regions", () => {
            const doc = teamAccessPolicy({ ...input, region: "cn-north-1", bucketArn: "arn:aws-cn:s3:::b-dev", kmsKeyArn: "arn:aws-cn:kms:cn-north-1:111111111111:key/k" });
            assert.deepEqual(doc.Statement.at(-1)!.Condition, { StringEquals: { "kms:ViaService": "s3.cn-north-1.amazonaws.com.cn" } });
        });
        it("trust policy conditions on all three Pod Identity session tags", () => {
            const doc = teamTrustPolicy({ clusterName: "c", namespace: "n", serviceAccount: "s" });
            assert.deepEqual(Object.keys(doc.Statement[0].Condition!.StringEquals).sort(),
                ["aws:RequestTag/eks-cluster-name", "aws:RequestTag/kubernetes-namespace", "aws:RequestTag/kubernetes-service-account"]);
        });
        const owners: [string, string | undefined][] = [["teams/growth", "growth"], ["teams/growth/exports", "growth"], ["teams/growth-archive", undefined], ["reference", undefined]];
        for (const [prefix, owner] of owners) {
            it(`prefixOwner(${prefix}) = ${owner}`, () => {
                assert.equal(prefixOwner(prefix, [{ name: "ads", dataPrefix: "teams/ads" }, { name: "growth", dataPrefix: "teams/growth" }]), owner);
            });
        }
    });

    it("sparkDriverRules: core group only, no update/escalate/bind/impersonate", () => {
        for (const r of sparkDriverRules()) {
            assert.deepEqual(r.apiGroups, [""]);
            for (const v of ["update", "escalate", "bind", "impersonate", "*"]) {
                assert.ok(!r.verbs.includes(v), `${r.resources} ${v}`);
            }
        }
    });

    it("teamNamespaceLabels: enforce follows the team, audit/warn are always restricted", () => {
        const l = teamNamespaceLabels({ team: "t", environment: "prod", podSecurity: "baseline", podSecurityVersion: "latest" });
        assert.equal(l["pod-security.kubernetes.io/enforce"], "baseline");
        assert.equal(l["pod-security.kubernetes.io/audit"], "restricted");
        assert.equal(l["pod-security.kubernetes.io/warn"], "restricted");
        assert.equal(l[LABELS.environment], "prod");
    });

    it("renderSparkDefaultsConf of the team defaults names the team's own bucket", () => {
        const text = renderSparkDefaultsConf(platformSparkDefaults({ bucket: bucketOf("a"), eventLogPrefix: "spark-events", team: "a", region: REGION }));
        assert.ok(text.includes(`s3a://${bucketOf("a")}/spark-events/`));
    });
});
