import { strict as assert } from "assert";
import * as k8s from "@pulumi/kubernetes";
import * as yaml from "js-yaml";
import { TeamConfig, TeamQuota } from "../../../config";
import { DRIVER_NODE_LABEL, LABELS, NAMESPACES } from "../../../lib/platform";
import { executorPodTemplate, platformSparkDefaults, sparkDefaultsConfigMapData } from "../../../components/tenancy/spark-defaults";
import { renderSparkDefaultsConf } from "../../../components/shared/spark-conf";
import { Team, TeamArgs, teamArgsProblems } from "../../../components/tenancy";
import { prefixListValues, prefixObjectArns, teamAccessPolicy, teamAccessPolicyProblems, teamRoleName, teamTrustPolicy } from "../../../components/tenancy/iam";
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
const DATA_BUCKET = `moka-dev-data-${ACCOUNT}`;
const EVENT_BUCKET = `moka-dev-spark-events-${ACCOUNT}`;
const DATA_ARN = `arn:aws:s3:::${DATA_BUCKET}`;
const EVENT_ARN = `arn:aws:s3:::${EVENT_BUCKET}`;
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
    object: "aws:s3/bucketObjectv2:BucketObjectv2",
    team: "moka:tenancy:Team",
} as const;

/** Children of one Team, by type. */
const PER_TEAM: Record<string, number> = {
    [T.namespace]: 1, [T.quota]: 1, [T.limits]: 1, [T.netpol]: 8, [T.sa]: 1, [T.role]: 1, [T.roleBinding]: 1, [T.configMap]: 1,
    [T.iamRole]: 1, [T.rolePolicy]: 1, [T.podIdentity]: 1, [T.object]: 1,
};
const NETPOL_NAMES = [
    "default-deny-ingress", "default-deny-egress", "allow-same-namespace", "allow-ingress-from-scrapers", "allow-ingress-from-operators",
    "allow-egress-dns", "allow-egress-pod-identity", "allow-egress-https",
];

const QUOTA: TeamQuota = { cpu: 64, memoryGi: 256, pods: 200, pvcs: 20, maxApplications: 10, guaranteedCpu: 16, guaranteedMemoryGi: 64 };

function teamConfig(name: string, patch: Partial<TeamConfig> = {}): TeamConfig {
    return { name, namespace: name, quota: QUOTA, dataPrefix: `teams/${name}`, sharedPrefixes: [], podSecurity: "restricted", ...patch };
}

function teamArgs(team: TeamConfig, provider: k8s.Provider, patch: Partial<TeamArgs> = {}): TeamArgs {
    return {
        team, environment: "dev", baseName: BASE, clusterName: BASE, k8sProvider: provider,
        dataBucket: DATA_BUCKET, dataBucketArn: DATA_ARN, eventLogBucket: EVENT_BUCKET, eventLogBucketArn: EVENT_ARN, kmsKeyArn: KMS_ARN,
        eventLogPrefix: "spark-events", region: REGION, tags: TAGS, ...patch,
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
                    queue: team.queue, dataPrefix: team.dataPrefix, dataUri: team.dataUri, eventLogPrefix: team.eventLogPrefix, sparkDefaults: team.sparkDefaults,
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
    before(async () => {
        await loadModels();
        res = await run([teamConfig(name, { sharedPrefixes: ["teams/growth/exports", "reference"] })]);
        all = res.resources;
    });

    it("registers one moka:tenancy:Team and exactly its children, by type", () => {
        assert.equal(ofType(all, T.team).length, 1);
        const counts = countByType(all.filter((r) => r.type !== T.team && r.type !== "pulumi:providers:kubernetes"));
        assert.deepEqual(counts, PER_TEAM);
    });

    it("names every child <component>-<role>", () => {
        const names = all.filter((r) => r.parent === byName(all, p).urn).map((r) => r.name).sort();
        assert.deepEqual(names, [
            `${p}-access`, `${p}-event-log-dir`, `${p}-limits`, `${p}-namespace`, ...NETPOL_NAMES.map((n) => `${p}-netpol-${n}`),
            `${p}-pod-identity`, `${p}-quota`, `${p}-role`, `${p}-spark-defaults`, `${p}-spark-role`, `${p}-spark-rolebinding`, `${p}-spark-sa`,
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
        assert.equal(k8sObjects.length, 15);
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

    it("limit range: container defaults and max", () => {
        const l = byName(all, `${p}-limits`).inputs;
        assert.equal(l.metadata.name, "team-limits");
        assert.deepEqual(l.spec.limits, [{
            type: "Container",
            defaultRequest: { cpu: "500m", memory: "1Gi" },
            default: { memory: "2Gi" },
            max: { cpu: "32", memory: "256Gi" },
        }]);
    });

    it("network policies: exact names and specs", () => {
        const pols = ofType(all, T.netpol);
        assert.deepEqual(pols.map((x) => x.inputs.metadata.name).sort(), [...NETPOL_NAMES].sort());
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
                to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
                ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }],
            }],
        });
        assert.deepEqual(spec("allow-egress-pod-identity"), {
            podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: "169.254.170.23/32" } }], ports: [{ protocol: "TCP", port: 80 }] }],
        });
        assert.deepEqual(spec("allow-egress-https"), {
            podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ protocol: "TCP", port: 443 }] }],
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

    it("access policy: only the team prefix, its shared read prefixes, its event-log directory and the storage key", () => {
        const pol = byName(all, `${p}-access`);
        assert.equal(pol.inputs.role, "moka-dev-team-ads-ranking");
        const doc = policyDoc(pol.inputs.policy);
        assert.equal(doc.Version, "2012-10-17");
        const sid = (s: string) => doc.Statement.find((x) => x.Sid === s);
        assert.deepEqual(doc.Statement.map((s) => s.Sid), ["TeamDataReadWrite", "TeamDataList", "SharedDataRead", "TeamEventLogWrite", "TeamEventLogList", "StorageKeyViaS3"]);
        assert.deepEqual(sid("TeamDataReadWrite"), {
            Sid: "TeamDataReadWrite", Effect: "Allow",
            Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"],
            Resource: [`${DATA_ARN}/teams/ads-ranking`, `${DATA_ARN}/teams/ads-ranking/*`],
        });
        assert.deepEqual(sid("TeamDataList"), {
            Sid: "TeamDataList", Effect: "Allow", Action: "s3:ListBucket", Resource: DATA_ARN,
            Condition: { StringLike: { "s3:prefix": ["teams/ads-ranking/", "teams/ads-ranking/*", "teams/growth/exports/", "teams/growth/exports/*", "reference/", "reference/*"] } },
        });
        assert.deepEqual(sid("SharedDataRead"), {
            Sid: "SharedDataRead", Effect: "Allow", Action: "s3:GetObject",
            Resource: [`${DATA_ARN}/teams/growth/exports`, `${DATA_ARN}/teams/growth/exports/*`, `${DATA_ARN}/reference`, `${DATA_ARN}/reference/*`],
        });
        assert.deepEqual(sid("TeamEventLogWrite"), {
            Sid: "TeamEventLogWrite", Effect: "Allow",
            Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"],
            Resource: [`${EVENT_ARN}/spark-events/ads-ranking`, `${EVENT_ARN}/spark-events/ads-ranking/*`],
        });
        assert.deepEqual(sid("TeamEventLogList"), {
            Sid: "TeamEventLogList", Effect: "Allow", Action: "s3:ListBucket", Resource: EVENT_ARN,
            Condition: { StringLike: { "s3:prefix": ["spark-events/ads-ranking/", "spark-events/ads-ranking/*"] } },
        });
        assert.deepEqual(sid("StorageKeyViaS3"), {
            Sid: "StorageKeyViaS3", Effect: "Allow", Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"], Resource: KMS_ARN,
            Condition: { StringEquals: { "kms:ViaService": "s3.us-west-2.amazonaws.com" } },
        });
    });

    it("access policy: no wildcard actions or resources, and shared prefixes are read-only", () => {
        const doc = policyDoc(byName(all, `${p}-access`).inputs.policy);
        for (const s of doc.Statement) {
            assert.equal(s.Effect, "Allow");
            for (const a of [s.Action].flat()) {
                assert.ok(!a.includes("*"), `${s.Sid} action ${a}`);
            }
            for (const r of [s.Resource].flat()) {
                assert.notEqual(r, "*");
                assert.ok(!/:::[^/]+\/\*$/.test(r), `${s.Sid} grants a whole bucket: ${r}`);
                assert.ok(r.includes("moka-dev"), `${s.Sid} resource ${r} does not carry the environment`);
            }
        }
        const writes = doc.Statement.filter((s) => [s.Action].flat().some((a: string) => /Put|Delete/.test(a)));
        for (const r of writes.flatMap((s) => [s.Resource].flat())) {
            assert.ok(r.startsWith(`${DATA_ARN}/teams/ads-ranking`) || r.startsWith(`${EVENT_ARN}/spark-events/ads-ranking`), `write outside the team: ${r}`);
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
            .flatMap(expand).filter((x) => x.startsWith("arn:"));
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

    it("event-log directory marker: `<eventLogPrefix>/<team>/` in the event-log bucket", () => {
        const o = byName(all, `${p}-event-log-dir`).inputs;
        assert.deepEqual({ bucket: o.bucket, key: o.key, content: o.content }, { bucket: EVENT_BUCKET, key: "spark-events/ads-ranking/", content: "" });
        assert.deepEqual(o.tags, { ...TAGS, team: name });
    });

    it("ConfigMap `spark-defaults` holds the platform conf and both pod templates", () => {
        const cm = byName(all, `${p}-spark-defaults`).inputs;
        assert.equal(cm.metadata.name, "spark-defaults");
        const input = { eventLogBucket: EVENT_BUCKET, eventLogPrefix: "spark-events", team: name, region: REGION };
        assert.deepEqual(cm.data, sparkDefaultsConfigMapData(input));
        assert.ok(cm.data["spark-defaults.conf"].includes(`spark.eventLog.dir s3a://${EVENT_BUCKET}/spark-events/ads-ranking/\n`));
        assert.ok(cm.data["driver-pod-template.yaml"].includes(Object.keys(DRIVER_NODE_LABEL)[0]));
    });

    it("outputs: namespace, serviceAccount, roleArn, queue, prefixes, sparkDefaults", () => {
        assert.deepEqual(res.outputs[name], {
            teamName: name,
            namespace: name,
            serviceAccount: "spark",
            roleArn: `arn:aws:iam::${ACCOUNT}:role/moka-dev-team-ads-ranking`,
            queue: "root.ads-ranking",
            dataPrefix: "teams/ads-ranking",
            dataUri: `s3a://${DATA_BUCKET}/teams/ads-ranking/`,
            eventLogPrefix: "spark-events/ads-ranking",
            sparkDefaults: platformSparkDefaults({ eventLogBucket: EVENT_BUCKET, eventLogPrefix: "spark-events", team: name, region: REGION }),
        });
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
        assert.deepEqual(ofType(res.resources, T.object).map((r) => r.inputs.key).sort(), names.map((n) => `spark-events/${n}/`).sort());
    });

    it("never lets one team's policy touch another team's prefix", () => {
        for (const n of names) {
            const doc = policyDoc(byName(res.resources, `team-${n}-access`).inputs.policy);
            const text = JSON.stringify(doc);
            for (const other of names.filter((o) => o !== n)) {
                assert.ok(!text.includes(`teams/${other}`), `${n} mentions teams/${other}`);
                assert.ok(!text.includes(`spark-events/${other}`), `${n} mentions spark-events/${other}`);
            }
            assert.ok(!doc.Statement.some((s) => s.Sid === "SharedDataRead"), "no shared statement without shared prefixes");
        }
    });

    it("places each team's namespaced objects in its own namespace", () => {
        for (const n of names) {
            const children = res.resources.filter((r) => r.parent === byName(res.resources, `team-${n}`).urn && r.type.startsWith("kubernetes:") && r.type !== T.namespace);
            assert.equal(children.length, 14);
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

    it("executor pod template follows the executor pools' architectures", async () => {
        const res = await run([teamConfig("ads")], { executorArchitectures: ["amd64"] });
        const data = byName(res.resources, "team-ads-spark-defaults").inputs.data;
        assert.deepEqual(yaml.load(data["executor-pod-template.yaml"]), executorPodTemplate(["amd64"]));
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
            ["big quota caps per container at 32 CPU / 256Gi", { cpu: 512, memoryGi: 4096 },
                { defaultRequest: { cpu: "500m", memory: "1Gi" }, default: { memory: "2Gi" }, max: { cpu: "32", memory: "256Gi" } }],
            ["small quota caps at the quota", { cpu: 8, memoryGi: 16 },
                { defaultRequest: { cpu: "500m", memory: "1Gi" }, default: { memory: "2Gi" }, max: { cpu: "8", memory: "16Gi" } }],
            ["tiny quota clamps defaults to max", { cpu: 0.25, memoryGi: 1 },
                { defaultRequest: { cpu: "250m", memory: "1Gi" }, default: { memory: "1Gi" }, max: { cpu: "250m", memory: "1Gi" } }],
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
            dataBucketArn: DATA_ARN, eventLogBucketArn: EVENT_ARN, kmsKeyArn: KMS_ARN, dataPrefix: "teams/a", sharedPrefixes: [] as string[],
            eventLogPrefix: "spark-events/a", region: REGION,
        };
        it("prefix helpers never use a bare `<prefix>*`", () => {
            assert.deepEqual(prefixObjectArns(DATA_ARN, "teams/a"), [`${DATA_ARN}/teams/a`, `${DATA_ARN}/teams/a/*`]);
            assert.deepEqual(prefixListValues("teams/a"), ["teams/a/", "teams/a/*"]);
        });
        const bad: [string, object, string][] = [
            ["a wildcard data prefix", { dataPrefix: "teams/*" }, "dataPrefix \"teams/*\" is not an S3 prefix (no wildcards, no leading or trailing '/', no '..')"],
            ["a shared prefix with '..'", { sharedPrefixes: ["teams/../x"] }, "sharedPrefixes[0] \"teams/../x\" is not an S3 prefix (no wildcards, no leading or trailing '/', no '..')"],
            ["an empty event-log prefix", { eventLogPrefix: "" }, "eventLogPrefix \"\" is not an S3 prefix (no wildcards, no leading or trailing '/', no '..')"],
            ["a bucket name instead of an ARN", { dataBucketArn: DATA_BUCKET }, `dataBucketArn "${DATA_BUCKET}" is not an S3 bucket ARN`],
            ["an object ARN as bucket", { eventLogBucketArn: `${EVENT_ARN}/*` }, `eventLogBucketArn "${EVENT_ARN}/*" is not an S3 bucket ARN`],
            ["a KMS alias", { kmsKeyArn: `arn:aws:kms:${REGION}:${ACCOUNT}:alias/x` }, `kmsKeyArn "arn:aws:kms:${REGION}:${ACCOUNT}:alias/x" is not a KMS key ARN`],
        ];
        for (const [label, patch, problem] of bad) {
            it(`rejects ${label}`, () => {
                assert.deepEqual(teamAccessPolicyProblems({ ...input, ...patch }), [problem]);
                assert.throws(() => teamAccessPolicy({ ...input, ...patch }), { message: `teamAccessPolicy: ${problem}` });
            });
        }
        it("uses the china S3 host for kms:ViaService in cn regions", () => {
            const doc = teamAccessPolicy({ ...input, region: "cn-north-1", dataBucketArn: "arn:aws-cn:s3:::b-dev", eventLogBucketArn: "arn:aws-cn:s3:::e-dev", kmsKeyArn: "arn:aws-cn:kms:cn-north-1:111111111111:key/k" });
            assert.deepEqual(doc.Statement.at(-1)!.Condition, { StringEquals: { "kms:ViaService": "s3.cn-north-1.amazonaws.com.cn" } });
        });
        it("trust policy conditions on all three Pod Identity session tags", () => {
            const doc = teamTrustPolicy({ clusterName: "c", namespace: "n", serviceAccount: "s" });
            assert.deepEqual(Object.keys(doc.Statement[0].Condition!.StringEquals).sort(),
                ["aws:RequestTag/eks-cluster-name", "aws:RequestTag/kubernetes-namespace", "aws:RequestTag/kubernetes-service-account"]);
        });
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

    it("renderSparkDefaultsConf of the team defaults mentions only the team's directory", () => {
        const text = renderSparkDefaultsConf(platformSparkDefaults({ eventLogBucket: EVENT_BUCKET, eventLogPrefix: "spark-events", team: "a", region: REGION }));
        assert.ok(text.includes("spark-events/a/"));
    });
});
