import { strict as assert } from "assert";
import * as k8s from "@pulumi/kubernetes";
import { HistoryServer, HistoryServerArgs } from "../../../components/spark/history-server";
import {
    historyServerConfigMap, historyServerDeployment, historyServerNamespace, historyServerPolicy, historyServerService, historyServerSparkConf,
    historyServerUrl, historyServiceAccount, historyUiAccessRules, sha256, teamEventLogDirectory,
} from "../../../components/spark/history-server-objects";
import { headMissingKeyStatus, isAllowed, s3aMissingPermissions } from "../../../lib/iam-eval";
import { podIdentityTrustPolicy } from "../../../components/shared/iam";
import { renderSparkDefaultsConf } from "../../../components/shared/spark-conf";
import { MockRunResult, RecordedResource, runUnderMocks } from "../../../preview/mocks";
import { byName, ofType, policyDoc } from "../../helpers/resources";
import { esmImport } from "../../helpers/esm";
import { canConnect, type ModelPod, networkPoliciesOf } from "../../helpers/network-policy";

// kubernetes-models is ESM-only; a real dynamic import loads it.

const ACCOUNT = "111111111111";
const REGION = "us-west-2";
const CONFIG = { "aws:region": REGION, "moka:accountId": ACCOUNT };
const TAGS = { "cost-center": "data-platform", owner: "platform-team@example.com", environment: "test", "managed-by": "pulumi" };
const bucketOf = (team: string) => `moka-test-team-${team}-111111111111`;
const BUCKET = bucketOf("analytics");
const BUCKET_ARN = `arn:aws:s3:::${BUCKET}`;
const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const IMAGE = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/moka-test/spark:3.5.6-1`;

const T = {
    component: "moka:spark:HistoryServer",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    association: "aws:eks/podIdentityAssociation:PodIdentityAssociation",
    namespace: "kubernetes:core/v1:Namespace",
    serviceAccount: "kubernetes:core/v1:ServiceAccount",
    configMap: "kubernetes:core/v1:ConfigMap",
    deployment: "kubernetes:apps/v1:Deployment",
    service: "kubernetes:core/v1:Service",
    k8sRole: "kubernetes:rbac.authorization.k8s.io/v1:Role",
    k8sRoleBinding: "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
    networkPolicy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
};

/** Every action a statement allows, lower-cased. */
function actions(st: any): string[] {
    return ([] as string[]).concat(st.Action).map((a) => a.toLowerCase());
}

describe("history-server-config", () => {
    describe("historyServerPolicy", () => {
        const cases = [
            { prefix: "spark-events", bucketArn: BUCKET_ARN, region: REGION },
            { prefix: "logs/spark", bucketArn: "arn:aws:s3:::other-bucket", region: "eu-central-1" },
        ];
        for (const c of cases) {
            describe(`prefix ${c.prefix} in ${c.bucketArn}`, () => {
                const doc = historyServerPolicy({ bucketArn: c.bucketArn, eventLogPrefix: c.prefix, kmsKeyArn: KEY_ARN, region: c.region });
                it("is exactly list-the-team-bucket, get-under-prefix and decrypt-via-S3", () => {
                    assert.deepEqual(doc, {
                        Version: "2012-10-17",
                        Statement: [
                            { Sid: "ListTeamBucket", Effect: "Allow", Action: ["s3:ListBucket"], Resource: c.bucketArn },
                            { Sid: "ReadEventLogs", Effect: "Allow", Action: ["s3:GetObject"], Resource: [`${c.bucketArn}/${c.prefix}`, `${c.bucketArn}/${c.prefix}/*`] },
                            { Sid: "DecryptEventLogsViaS3", Effect: "Allow", Action: ["kms:Decrypt"], Resource: KEY_ARN, Condition: { StringEquals: { "kms:ViaService": `s3.${c.region}.amazonaws.com` } } },
                        ],
                    });
                });
                it("has no statement on Resource \"*\" and no wildcard action", () => {
                    for (const st of doc.Statement) {
                        assert.notEqual(st.Resource, "*");
                        assert.ok(!([] as string[]).concat(st.Resource ?? []).some((r) => r === "*" || r === "arn:aws:s3:::*"));
                        assert.ok(!actions(st).some((a) => a.includes("*")));
                    }
                });
                it("allows only Get/List on S3 and only Decrypt on KMS (read-only)", () => {
                    const all = doc.Statement.flatMap(actions);
                    assert.deepEqual(all.filter((a) => a.startsWith("s3:")).sort(), ["s3:getobject", "s3:listbucket"]);
                    assert.deepEqual(all.filter((a) => !a.startsWith("s3:")), ["kms:decrypt"]);
                    assert.ok(all.every((a) => /^s3:(get|list)/.test(a) || a === "kms:decrypt"));
                    assert.ok(doc.Statement.every((s) => s.Effect === "Allow"));
                });
                it("S3A can open the log directory: HEAD of the missing directory key answers 404 (then S3A lists it), reads only under the prefix", () => {
                    assert.equal(headMissingKeyStatus(doc.Statement, c.bucketArn, c.prefix), 404);
                    assert.deepEqual(s3aMissingPermissions(doc.Statement, {
                        bucketArn: c.bucketArn, prefix: c.prefix, mode: "read", kmsKeyArn: KEY_ARN, kmsContext: { "kms:ViaService": `s3.${c.region}.amazonaws.com` },
                    }), []);
                    assert.ok(!isAllowed(doc.Statement, "s3:GetObject", `${c.bucketArn}/teams/x/data.parquet`), "no data reads");
                    assert.ok(!isAllowed(doc.Statement, "s3:GetObject", `${c.bucketArn}/${c.prefix}-old/x`), "no sibling prefix");
                });
            });
        }
    });

    it("podIdentityTrustPolicy trusts pods.eks.amazonaws.com with AssumeRole + TagSession", () => {
        assert.deepEqual(podIdentityTrustPolicy().Statement, [{ Sid: "AllowEksPodIdentity", Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] }]);
    });

    describe("historyServerSparkConf", () => {
        const cases: [string, string, string][] = [
            ["spark-events", "analytics", `s3a://${bucketOf("analytics")}/spark-events/`],
            ["logs/spark", "ml", `s3a://${bucketOf("ml")}/logs/spark/`],
        ];
        for (const [prefix, team, dir] of cases) {
            it(`${prefix} in ${team}'s bucket -> ${dir}`, () => {
                assert.equal(teamEventLogDirectory(bucketOf(team), prefix), dir);
                assert.equal(historyServerSparkConf({ bucket: bucketOf(team), eventLogPrefix: prefix, region: REGION })["spark.history.fs.logDirectory"], dir);
            });
        }
        it("uses S3A with the Pod Identity (SDK v2 container) credentials provider and never cleans", () => {
            const conf = historyServerSparkConf({ bucket: BUCKET, eventLogPrefix: "spark-events", region: REGION });
            assert.equal(conf["spark.hadoop.fs.s3a.impl"], "org.apache.hadoop.fs.s3a.S3AFileSystem");
            assert.equal(conf["spark.hadoop.fs.s3a.aws.credentials.provider"], "software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider");
            assert.equal(conf["spark.hadoop.fs.s3a.endpoint.region"], REGION);
            assert.equal(conf["spark.history.fs.cleaner.enabled"], "false");
            assert.equal(conf["spark.history.ui.port"], "18080");
        });
        it("renders sorted spark-defaults.conf lines with the shared renderer (no header, as deployed)", () => {
            assert.equal(renderSparkDefaultsConf({ "b.key": "2", "a.key": "1" }, { header: false }), "a.key 1\nb.key 2\n");
        });
    });

    describe("Kubernetes objects validate against the upstream schemas", () => {
        let models: Record<string, any>;
        before(async () => {
            models = {
                Namespace: (await esmImport("kubernetes-models/v1/Namespace")).Namespace,
                ServiceAccount: (await esmImport("kubernetes-models/v1/ServiceAccount")).ServiceAccount,
                ConfigMap: (await esmImport("kubernetes-models/v1/ConfigMap")).ConfigMap,
                Service: (await esmImport("kubernetes-models/v1/Service")).Service,
                Deployment: (await esmImport("kubernetes-models/apps/v1/Deployment")).Deployment,
            };
        });
        it("Namespace, ServiceAccount, ConfigMap, Service, Deployment", () => {
            const objs: any[] = [
                historyServerNamespace(),
                historyServiceAccount("analytics"),
                historyServerConfigMap("analytics", "a 1\n"),
                historyServerService("analytics"),
                historyServerDeployment({ team: "analytics", image: IMAGE, configHash: sha256("a 1\n") }),
            ];
            for (const o of objs) {
                new models[o.kind](o).validate();
            }
        });
        it("a broken Deployment does not validate (the check has teeth)", () => {
            const d: any = historyServerDeployment({ team: "analytics", image: IMAGE, configHash: "x" });
            d.spec.template.spec.containers[0].ports[0].containerPort = "http";
            assert.throws(() => new models.Deployment(d).validate());
        });
    });

    it("historyServerUrl", () => {
        assert.equal(historyServerUrl("analytics"), "http://history-analytics.spark-history.svc.cluster.local:18080");
    });
});

describe("HistoryServer", () => {
    const teams = ["analytics", "ml", "bi"];
    let r: MockRunResult;
    let models: Record<string, any>;

    const teamArgs = (names: string[]) => names.map((t) => ({ name: t, bucket: bucketOf(t), bucketArn: `arn:aws:s3:::${bucketOf(t)}` }));
    function args(p: k8s.Provider, overrides: Partial<HistoryServerArgs> = {}): HistoryServerArgs {
        return {
            k8sProvider: p, clusterName: "moka-test", baseName: "moka-test", tags: TAGS, teams: teamArgs(teams),
            eventLogPrefix: "spark-events", kmsKeyArn: KEY_ARN, image: IMAGE, region: REGION, ...overrides,
        };
    }

    before(async () => {
        models = {
            Namespace: (await esmImport("kubernetes-models/v1/Namespace")).Namespace,
            ServiceAccount: (await esmImport("kubernetes-models/v1/ServiceAccount")).ServiceAccount,
            ConfigMap: (await esmImport("kubernetes-models/v1/ConfigMap")).ConfigMap,
            Service: (await esmImport("kubernetes-models/v1/Service")).Service,
            Deployment: (await esmImport("kubernetes-models/apps/v1/Deployment")).Deployment,
            NetworkPolicy: (await esmImport("kubernetes-models/networking.k8s.io/v1/NetworkPolicy")).NetworkPolicy,
        };
        r = await runUnderMocks({
            stack: "test",
            config: CONFIG,
            program: () => {
                const p = new k8s.Provider("k8s", { kubeconfig: "{}" });
                const h = new HistoryServer("hs", args(p));
                return { urls: h.urls, roleArns: h.roleArns, namespace: h.namespace };
            },
        });
    });

    const of = (t: string): RecordedResource[] => ofType(r.resources, t);

    it("creates the namespace with a default-deny ingress policy, and per team a role, inline policy, association, ServiceAccount, ConfigMap, Deployment, Service, ingress policy and UI Role + RoleBinding", () => {
        const counts = Object.fromEntries(Object.entries(T).map(([k, t]) => [k, of(t).length]));
        assert.deepEqual(counts, { component: 1, role: 3, rolePolicy: 3, association: 3, namespace: 1, serviceAccount: 3, configMap: 3, deployment: 3, service: 3, k8sRole: 3, k8sRoleBinding: 3, networkPolicy: 4 });
        const component = of(T.component)[0];
        const children = r.resources.filter((x) => x.parent === component.urn).map((x) => x.name).sort();
        assert.deepEqual(children, ["hs-namespace", "hs-netpol-default-deny-ingress", ...teams.flatMap((t) => [
            `hs-${t}`, `hs-${t}-conf`, `hs-${t}-service`, `hs-${t}-role`, `hs-${t}-read-event-logs`, `hs-${t}-pod-identity`, `hs-${t}-service-account`,
            `hs-${t}-ui-role`, `hs-${t}-ui-rolebinding`, `hs-${t}-netpol`,
        ])].sort());
    });

    it("gives every Kubernetes child the explicit provider", () => {
        const provider = byName(r.resources, "k8s");
        for (const x of r.resources.filter((y) => y.type.startsWith("kubernetes:"))) {
            assert.ok(x.provider?.startsWith(provider.urn), x.name);
        }
    });

    describe("IAM: one read-only role per team", () => {
        for (const team of teams) {
            it(`${team}: role moka-test-spark-history-${team} trusts EKS Pod Identity only for spark-history/history-${team} on the cluster (session tags), tagged`, () => {
                const role = byName(r.resources, `hs-${team}-role`);
                assert.equal(role.inputs.name, `moka-test-spark-history-${team}`);
                const st = policyDoc(role.inputs.assumeRolePolicy).Statement;
                assert.deepEqual(st, podIdentityTrustPolicy({ workload: { clusterName: "moka-test", namespace: "spark-history", serviceAccount: `history-${team}` } }).Statement);
                assert.deepEqual(st[0].Condition, { StringEquals: {
                    "aws:RequestTag/eks-cluster-name": "moka-test",
                    "aws:RequestTag/kubernetes-namespace": "spark-history",
                    "aws:RequestTag/kubernetes-service-account": `history-${team}`,
                } });
                assert.deepEqual(role.inputs.tags, TAGS);
            });
            it(`${team}: inline policy reads only its own bucket's event logs`, () => {
                const doc = policyDoc(byName(r.resources, `hs-${team}-read-event-logs`).inputs.policy);
                const arn = `arn:aws:s3:::${bucketOf(team)}`;
                assert.deepEqual(doc, historyServerPolicy({ bucketArn: arn, eventLogPrefix: "spark-events", kmsKeyArn: KEY_ARN, region: REGION }));
                assert.deepEqual(doc.Statement.flatMap(actions).sort(), ["kms:decrypt", "s3:getobject", "s3:listbucket"]);
                for (const other of teams.filter((o) => o !== team)) {
                    const otherArn = `arn:aws:s3:::${bucketOf(other)}`;
                    assert.ok(!isAllowed(doc.Statement, "s3:GetObject", `${otherArn}/spark-events/app-1`), `${team} reads ${other}'s event logs`);
                    assert.ok(!isAllowed(doc.Statement, "s3:ListBucket", otherArn), `${team} lists ${other}'s bucket`);
                }
                assert.ok(isAllowed(doc.Statement, "s3:GetObject", `${arn}/spark-events/app-1`));
            });
            it(`${team}: associates the role with spark-history/history-${team} on the cluster`, () => {
                const a = byName(r.resources, `hs-${team}-pod-identity`);
                assert.deepEqual(
                    [a.inputs.clusterName, a.inputs.namespace, a.inputs.serviceAccount, a.inputs.roleArn],
                    ["moka-test", "spark-history", `history-${team}`, `arn:aws:iam::${ACCOUNT}:role/moka-test-spark-history-${team}`],
                );
                assert.deepEqual(a.inputs.tags, TAGS);
                assert.equal(a.inputs.disableSessionTags, false, "the trust policy matches on the session tags");
                assert.ok(a.dependencies.includes(byName(r.resources, `hs-${team}-read-event-logs`).urn));
            });
        }
    });

    describe("Kubernetes", () => {
        it("namespace spark-history enforces the restricted Pod Security level and validates", () => {
            const ns = byName(r.resources, "hs-namespace");
            assert.equal(ns.inputs.metadata.name, "spark-history");
            for (const mode of ["enforce", "audit", "warn"]) {
                assert.equal(ns.inputs.metadata.labels[`pod-security.kubernetes.io/${mode}`], "restricted");
            }
            new models.Namespace(ns.inputs).validate();
        });
        it("one ServiceAccount per team, valid", () => {
            for (const team of teams) {
                const sa = byName(r.resources, `hs-${team}-service-account`);
                assert.deepEqual([sa.inputs.metadata.name, sa.inputs.metadata.namespace], [`history-${team}`, "spark-history"]);
                new models.ServiceAccount(sa.inputs).validate();
            }
        });

        for (const team of teams) {
            describe(`team ${team}`, () => {
                const dep = () => byName(r.resources, `hs-${team}`);
                const pod = () => dep().inputs.spec.template.spec;
                const container = () => pod().containers[0];

                it("ConfigMap points the History Server at s3a://<team bucket>/<prefix>/ and validates", () => {
                    const cm = byName(r.resources, `hs-${team}-conf`);
                    assert.equal(cm.inputs.metadata.name, `history-${team}-conf`);
                    const text: string = cm.inputs.data["spark-defaults.conf"];
                    assert.equal(text, renderSparkDefaultsConf(historyServerSparkConf({ bucket: bucketOf(team), eventLogPrefix: "spark-events", region: REGION }), { header: false }));
                    assert.match(text, new RegExp(`^spark.history.fs.logDirectory s3a://${bucketOf(team)}/spark-events/$`, "m"));
                    assert.match(text, /^spark.hadoop.fs.s3a.impl org.apache.hadoop.fs.s3a.S3AFileSystem$/m);
                    assert.match(text, /^spark.hadoop.fs.s3a.aws.credentials.provider software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider$/m);
                    new models.ConfigMap(cm.inputs).validate();
                });
                it("Deployment history-<team> validates and rolls on config changes", () => {
                    const d = dep();
                    assert.deepEqual([d.inputs.metadata.name, d.inputs.metadata.namespace], [`history-${team}`, "spark-history"]);
                    const conf = byName(r.resources, `hs-${team}-conf`).inputs.data["spark-defaults.conf"];
                    assert.equal(d.inputs.spec.template.metadata.annotations["moka.dev/config-sha256"], sha256(conf));
                    new models.Deployment(d.inputs).validate();
                });
                it("runs the pinned platform image as the History Server with the mounted properties file", () => {
                    const c = container();
                    assert.equal(c.image, IMAGE);
                    assert.doesNotMatch(c.image, /:latest$/);
                    assert.deepEqual(c.command, ["/opt/spark/bin/spark-class"]);
                    assert.deepEqual(c.args, ["org.apache.spark.deploy.history.HistoryServer", "--properties-file", "/etc/spark/conf/spark-defaults.conf"]);
                    assert.deepEqual(c.ports, [{ name: "http", containerPort: 18080, protocol: "TCP" }]);
                    assert.deepEqual(pod().volumes[0], { name: "conf", configMap: { name: `history-${team}-conf` } });
                });
                it("is locked down: non-root 185, RuntimeDefault seccomp, no privilege escalation, no capabilities, read-only root with an emptyDir /tmp", () => {
                    assert.equal(pod().serviceAccountName, `history-${team}`);
                    assert.deepEqual(pod().securityContext, { runAsNonRoot: true, runAsUser: 185, runAsGroup: 185, seccompProfile: { type: "RuntimeDefault" } });
                    assert.deepEqual(container().securityContext, {
                        allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ["ALL"] },
                    });
                    assert.ok(container().volumeMounts.some((m: any) => m.name === "tmp" && m.mountPath === "/tmp"));
                    assert.ok(pod().volumes.some((v: any) => v.name === "tmp" && v.emptyDir));
                    assert.equal(pod().hostNetwork, undefined);
                });
                it("sets resource requests and limits and runs on the system nodes", () => {
                    assert.deepEqual(container().resources, { requests: { cpu: "250m", memory: "1536Mi" }, limits: { cpu: "1", memory: "1536Mi" } });
                    assert.deepEqual(pod().nodeSelector, { "moka.dev/node-role": "system" });
                    assert.deepEqual(pod().tolerations, [{ key: "CriticalAddonsOnly", operator: "Exists", effect: "NoSchedule" }]);
                });
                it("waits for the namespace, ServiceAccount, ConfigMap and Pod Identity association", () => {
                    for (const n of ["hs-namespace", `hs-${team}-service-account`, `hs-${team}-conf`, `hs-${team}-pod-identity`]) {
                        assert.ok(dep().dependencies.includes(byName(r.resources, n).urn), n);
                    }
                });
                it("Service history-<team> is ClusterIP on 18080 selecting only this team's pods, and validates", () => {
                    const s = byName(r.resources, `hs-${team}-service`);
                    assert.equal(s.inputs.metadata.name, `history-${team}`);
                    assert.equal(s.inputs.spec.type, "ClusterIP");
                    assert.deepEqual(s.inputs.spec.ports, [{ name: "http", port: 18080, targetPort: "http", protocol: "TCP" }]);
                    assert.deepEqual(s.inputs.spec.selector, dep().inputs.spec.selector.matchLabels);
                    assert.equal(s.inputs.spec.selector["app.kubernetes.io/instance"], `history-${team}`);
                    new models.Service(s.inputs).validate();
                });
                it("the team's groups may port-forward to it: get its Service by name, find its pod, create pods/portforward", () => {
                    const role = byName(r.resources, `hs-${team}-ui-role`).inputs;
                    assert.deepEqual([role.metadata.name, role.metadata.namespace], [`history-${team}-ui`, "spark-history"]);
                    assert.deepEqual(role.rules, historyUiAccessRules(team));
                    assert.deepEqual(role.rules, [
                        { apiGroups: [""], resources: ["services"], resourceNames: [`history-${team}`], verbs: ["get"] },
                        { apiGroups: [""], resources: ["pods"], verbs: ["get", "list"] },
                        { apiGroups: [""], resources: ["pods/portforward"], verbs: ["create"] },
                    ]);
                    const rb = byName(r.resources, `hs-${team}-ui-rolebinding`).inputs;
                    assert.deepEqual(rb.roleRef, { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: `history-${team}-ui` });
                    assert.deepEqual(rb.subjects, [
                        { kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: `moka:team:${team}:view` },
                        { kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: `moka:team:${team}:edit` },
                    ]);
                });
            });
        }
    });

    describe("NetworkPolicies: a team's pods reach only their own History Server", () => {
        const hsPod = (team: string): ModelPod => ({ namespace: "spark-history", labels: byName(r.resources, `hs-${team}`).inputs.spec.template.metadata.labels });
        const teamPod = (namespace: string): ModelPod => ({ namespace, labels: { "spark-role": "driver" } });

        it("default deny for every pod of spark-history, then one ingress policy per team, all valid", () => {
            const deny = byName(r.resources, "hs-netpol-default-deny-ingress").inputs;
            assert.deepEqual([deny.metadata.name, deny.metadata.namespace, deny.spec], ["default-deny-ingress", "spark-history", { podSelector: {}, policyTypes: ["Ingress"] }]);
            for (const team of teams) {
                const p = byName(r.resources, `hs-${team}-netpol`).inputs;
                assert.deepEqual([p.metadata.name, p.metadata.namespace], [`history-${team}-ingress`, "spark-history"]);
                assert.deepEqual(p.spec, {
                    podSelector: { matchLabels: byName(r.resources, `hs-${team}`).inputs.spec.selector.matchLabels },
                    policyTypes: ["Ingress"],
                    ingress: [{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": team } } }], ports: [{ protocol: "TCP", port: 18080 }] }],
                });
            }
            for (const p of of(T.networkPolicy)) {
                new models.NetworkPolicy(p.inputs).validate();
            }
        });

        for (const team of teams) {
            it(`${team}: its namespace reaches history-${team} on 18080, and no other History Server`, () => {
                const policies = networkPoliciesOf(r.resources);
                assert.ok(canConnect(policies, teamPod(team), hsPod(team), 18080));
                assert.ok(!canConnect(policies, teamPod(team), hsPod(team), 4040), "only the UI port");
                for (const other of teams.filter((o) => o !== team)) {
                    assert.ok(!canConnect(policies, teamPod(team), hsPod(other), 18080), `${team} reaches history-${other}`);
                }
            });
        }

        it("nothing else reaches a History Server: not another platform namespace, not a pod of spark-history itself", () => {
            const policies = networkPoliciesOf(r.resources);
            for (const from of [teamPod("observability"), teamPod("default"), { namespace: "spark-history", labels: hsPod("ml").labels }]) {
                assert.ok(!canConnect(policies, from, hsPod("analytics"), 18080), from.namespace);
            }
            // Without the default deny, the namespace would be open: the model sees the difference.
            assert.ok(canConnect(policies.filter((p) => p.metadata.name !== "default-deny-ingress" && p.metadata.name !== "history-analytics-ingress"), teamPod("ml"), hsPod("analytics"), 18080));
        });
    });

    it("exports a URL and a role ARN per team, and the namespace", () => {
        assert.deepEqual(r.outputs, {
            urls: {
                analytics: "http://history-analytics.spark-history.svc.cluster.local:18080",
                ml: "http://history-ml.spark-history.svc.cluster.local:18080",
                bi: "http://history-bi.spark-history.svc.cluster.local:18080",
            },
            roleArns: Object.fromEntries(teams.map((t) => [t, `arn:aws:iam::${ACCOUNT}:role/moka-test-spark-history-${t}`])),
            namespace: "spark-history",
        });
    });

    describe("argument validation", () => {
        const cases: { title: string; o: (p: k8s.Provider) => Partial<HistoryServerArgs>; message: string }[] = [
            { title: "no provider", o: () => ({ k8sProvider: undefined as unknown as k8s.Provider }), message: "moka:spark:HistoryServer \"hs\": args.k8sProvider is required" },
            { title: "no baseName", o: () => ({ baseName: "" }), message: "moka:spark:HistoryServer \"hs\": args.baseName is required" },
            { title: "no teams", o: () => ({ teams: [] }), message: "moka:spark:HistoryServer \"hs\": args.teams must list at least one team" },
            { title: "bad team", o: () => ({ teams: teamArgs(["Team_A"]) }), message: "moka:spark:HistoryServer \"hs\": args.teams entry \"Team_A\" must be a DNS-1123 label of at most 40 characters" },
            { title: "duplicate team", o: () => ({ teams: teamArgs(["a", "a"]) }), message: "moka:spark:HistoryServer \"hs\": args.teams lists \"a\" twice" },
            { title: "prefix with slash", o: () => ({ eventLogPrefix: "/spark-events" }), message: "moka:spark:HistoryServer \"hs\": args.eventLogPrefix must be an S3 key prefix without leading or trailing '/', got \"/spark-events\"" },
            { title: "bad region", o: () => ({ region: "moon-1" }), message: "moka:spark:HistoryServer \"hs\": args.region must be an AWS region such as us-west-2, got \"moon-1\"" },
            {
                title: "role name too long",
                o: () => ({ baseName: "x".repeat(41), teams: teamArgs(["analytics"]) }),
                message: `moka:spark:HistoryServer "hs": IAM role name "${"x".repeat(41)}-spark-history-analytics" is longer than 64 characters; shorten args.baseName or the team name`,
            },
        ];
        for (const c of cases) {
            it(`throws: ${c.title}`, async () => {
                await assert.rejects(runUnderMocks({
                    stack: "test",
                    config: CONFIG,
                    program: () => {
                        const p = new k8s.Provider("k8s", { kubeconfig: "{}" });
                        new HistoryServer("hs", { ...args(p), ...c.o(p) });
                        return {};
                    },
                }), { message: c.message });
            });
        }
    });
});
