import * as assert from "assert";
import * as k8s from "@pulumi/kubernetes";
import { SYSTEM_NODE_LABEL, SYSTEM_TOLERATIONS } from "../../../lib/platform";
import { SYSTEM_RESOURCES } from "../../../lib/capacity/platform";
import { Grafana, GRAFANA_DEFAULTS, type GrafanaArgs } from "../../../components/observability/grafana";
import {
    ampDatasource, ampQueryPolicy, DEFAULT_PREINSTALLED_PLUGINS, grafanaValues, type GrafanaValuesInput,
} from "../../../components/observability/grafana-values";
import { dashboardContext } from "../../../components/observability/dashboards";
import { MockRunResult, RecordedResource, runUnderMocks } from "../../../preview/mocks";
import { byName, ofType, policyDoc } from "../../helpers/resources";
import { constructionErrors } from "../../helpers/construct";
import { esmImport } from "../../helpers/esm";
import { restrictedProblems } from "../../examples/support";

const ACCOUNT = "111111111111";
const REGION = "us-west-2";
const CONFIG = { "aws:region": REGION, "moka:accountId": ACCOUNT };
const TAGS = { "cost-center": "data-platform", owner: "platform@example.com" };
const WS_ARN = `arn:aws:aps:${REGION}:${ACCOUNT}:workspace/ws-1`;
const WS_ENDPOINT = `https://aps-workspaces.${REGION}.amazonaws.com/workspaces/ws-1/`;
const CTX = dashboardContext({
    teams: ["ads-ranking", "growth"],
    nodePools: { graviton: { arch: "arm64", instanceFamilies: ["m7g", "r8g"], cpuLimit: 100 }, x86: { arch: "amd64", instanceFamilies: ["m7i"], cpuLimit: 50 } },
    region: REGION, accountId: ACCOUNT, baseName: "moka-test", containerLogPrefix: "container-logs",
});

const T = {
    component: "moka:observability:Grafana",
    password: "random:index/randomPassword:RandomPassword",
    secret: "kubernetes:core/v1:Secret",
    configMap: "kubernetes:core/v1:ConfigMap",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    podIdentity: "aws:eks/podIdentityAssociation:PodIdentityAssociation",
    k8sRole: "kubernetes:rbac.authorization.k8s.io/v1:Role",
    release: "kubernetes:helm.sh/v3:Release",
} as const;

function args(provider: k8s.Provider, over: Partial<GrafanaArgs> = {}): GrafanaArgs {
    return {
        k8sProvider: provider, clusterName: "moka-test", baseName: "moka-test", region: REGION, tags: TAGS,
        workspaceArn: WS_ARN, prometheusEndpoint: WS_ENDPOINT, dashboards: CTX, ...over,
    };
}

const VALUES_INPUT: GrafanaValuesInput = {
    fullname: "grafana", serviceAccountName: "grafana", image: GRAFANA_DEFAULTS.image, sidecarImage: GRAFANA_DEFAULTS.sidecarImage,
    adminSecretName: "grafana-admin", readerRoleName: "grafana-dashboard-reader", prometheusEndpoint: WS_ENDPOINT, region: REGION,
    nodeSelector: { ...SYSTEM_NODE_LABEL }, tolerations: SYSTEM_TOLERATIONS.map((t) => ({ ...t })),
};

/**
 * Leaf key paths of grafana-community/helm-charts charts/grafana/values.yaml at tag grafana-12.11.1 that the
 * component sets (hand-checked against the chart; a misplaced key is silently ignored by Helm).
 */
const CHART_12_11_1_KEYS = new Set([
    "fullnameOverride", "replicas", "image.registry", "image.repository", "image.tag", "testFramework.enabled",
    "serviceAccount.create", "serviceAccount.name", "serviceAccount.automountServiceAccountToken", "automountServiceAccountToken",
    "rbac.create", "rbac.namespaced", "rbac.useExistingRole",
    "service.enabled", "service.type", "service.port", "service.targetPort", "ingress.enabled", "persistence.enabled",
    "admin.existingSecret", "admin.userKey", "admin.passwordKey", "plugins", "grafana.ini", "datasources",
    "sidecar.image.registry", "sidecar.image.repository", "sidecar.image.tag", "sidecar.resources", "sidecar.securityContext",
    "sidecar.dashboards.enabled", "sidecar.dashboards.label", "sidecar.dashboards.labelValue", "sidecar.dashboards.resource",
    "sidecar.dashboards.provider.name", "sidecar.dashboards.provider.folder", "sidecar.dashboards.provider.disableDelete", "sidecar.dashboards.provider.allowUiUpdates",
    "sidecar.datasources.enabled", "nodeSelector", "tolerations", "resources", "securityContext", "containerSecurityContext",
]);
/** Values that are maps/lists in the chart: their contents are free-form (grafana.ini is rendered as ini, datasources as provisioning files). */
const OPAQUE = new Set(["plugins", "grafana.ini", "datasources", "sidecar.resources", "sidecar.securityContext", "nodeSelector", "tolerations", "resources", "securityContext", "containerSecurityContext"]);

function leafPaths(v: unknown, prefix = ""): string[] {
    if (OPAQUE.has(prefix) || v === null || typeof v !== "object" || Array.isArray(v)) {
        return [prefix];
    }
    return Object.entries(v as Record<string, unknown>).flatMap(([k, x]) => leafPaths(x, prefix ? `${prefix}.${k}` : k));
}

/** The pod the chart renders from these values (templates/_pod.tpl at grafana-12.11.1, persistence off, dashboards sidecar on). */
function renderedPod(v: any) {
    return {
        securityContext: v.securityContext,
        automountServiceAccountToken: v.automountServiceAccountToken,
        nodeSelector: v.nodeSelector,
        tolerations: v.tolerations,
        containers: [
            { name: "grafana-sc-dashboard", image: `${v.sidecar.image.registry}/${v.sidecar.image.repository}:${v.sidecar.image.tag}`, securityContext: v.sidecar.securityContext, resources: v.sidecar.resources },
            { name: "grafana", image: `${v.image.registry}/${v.image.repository}:${v.image.tag}`, securityContext: v.containerSecurityContext, resources: v.resources },
        ],
        volumes: [
            { name: "config", configMap: { name: "grafana" } },
            { name: "storage", emptyDir: {} },
            { name: "search", emptyDir: {} },
            { name: "sc-dashboard-volume", emptyDir: {} },
            { name: "sc-dashboard-provider", configMap: { name: "grafana-config-dashboards" } },
        ],
    };
}

describe("grafana (pure)", () => {
    const v = grafanaValues(VALUES_INPUT) as any;

    it("sets only keys that exist in the chart's values.yaml at 12.11.1", () => {
        assert.deepStrictEqual(leafPaths(v).filter((p) => !CHART_12_11_1_KEYS.has(p)), []);
    });

    it("ClusterIP only: no LoadBalancer, NodePort, ingress or route", () => {
        assert.deepStrictEqual(v.service, { enabled: true, type: "ClusterIP", port: 80, targetPort: 3000 });
        assert.deepStrictEqual(v.ingress, { enabled: false });
        assert.strictEqual(v.route, undefined);
        assert.doesNotMatch(JSON.stringify(v), /LoadBalancer|NodePort/);
    });

    it("admin credential from the existing Secret; no password anywhere in the values", () => {
        assert.deepStrictEqual(v.admin, { existingSecret: "grafana-admin", userKey: "admin-user", passwordKey: "admin-password" });
        assert.strictEqual(v.adminPassword, undefined);
        assert.strictEqual(v["grafana.ini"].security, undefined);
        assert.doesNotMatch(JSON.stringify(v), /admin_password|adminPassword|secureJsonData|sigV4SecretKey/);
    });

    it("the pinned AMP plugin, its Pod Identity environment, no unpinned default apps, no AWS keys or assume-role", () => {
        assert.deepStrictEqual(v.plugins, ["grafana-amazonprometheus-datasource@3.2.0"]);
        assert.deepStrictEqual(v["grafana.ini"].plugins, { forward_host_env_vars: "grafana-amazonprometheus-datasource", disable_plugins: DEFAULT_PREINSTALLED_PLUGINS.join(",") });
        assert.deepStrictEqual(v["grafana.ini"].aws, { allowed_auth_providers: "default", assume_role_enabled: false, forward_settings_to_plugins: "grafana-amazonprometheus-datasource" });
        assert.deepStrictEqual(v["grafana.ini"].analytics, { check_for_updates: false, check_for_plugin_updates: false, reporting_enabled: false });
        assert.deepStrictEqual((grafanaValues({ ...VALUES_INPUT, pluginUrl: "https://mirror.internal/amp-3.2.0.zip" }) as any).plugins,
            ["grafana-amazonprometheus-datasource@3.2.0@https://mirror.internal/amp-3.2.0.zip"]);
    });

    it("AMP data source: the workspace URL, SigV4 with the default chain, query-only", () => {
        assert.deepStrictEqual(ampDatasource(WS_ENDPOINT, REGION), {
            apiVersion: 1,
            datasources: [{
                name: "Amazon Managed Prometheus", uid: "amp", type: "grafana-amazonprometheus-datasource", access: "proxy",
                url: `https://aps-workspaces.${REGION}.amazonaws.com/workspaces/ws-1`, isDefault: true, editable: false,
                jsonData: { httpMethod: "POST", sigV4Auth: true, sigV4AuthType: "default", sigV4Region: REGION, sigv4Service: "aps", manageAlerts: false },
            }],
        });
        assert.deepStrictEqual(v.datasources["datasources.yaml"], ampDatasource(WS_ENDPOINT, REGION));
        assert.doesNotMatch(JSON.stringify(v.datasources), /\{\{/, "the chart renders datasources through tpl");
    });

    it("IAM: exactly the four AMP read actions, on the one workspace", () => {
        assert.deepStrictEqual(ampQueryPolicy(WS_ARN).Statement, [{
            Sid: "QueryWorkspace", Effect: "Allow", Action: ["aps:QueryMetrics", "aps:GetSeries", "aps:GetLabels", "aps:GetMetricMetadata"], Resource: WS_ARN,
        }]);
    });

    it("system nodes, explicit requests on Grafana and the sidecar, the restricted Pod Security Standard", () => {
        assert.deepStrictEqual(v.nodeSelector, SYSTEM_NODE_LABEL);
        assert.deepStrictEqual(v.tolerations, SYSTEM_TOLERATIONS);
        assert.deepStrictEqual(v.resources, { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "1Gi" } });
        assert.deepStrictEqual(v.sidecar.resources, { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "256Mi" } });
        assert.deepStrictEqual([v.resources, v.sidecar.resources], [SYSTEM_RESOURCES.grafana, SYSTEM_RESOURCES.grafanaSidecar]);
        for (const r of [v.resources, v.sidecar.resources]) {
            assert.ok(r.requests.cpu && r.requests.memory && r.limits.memory);
        }
        assert.strictEqual(v.persistence.enabled, false, "persistence would add the root initChownData container");
        assert.deepStrictEqual(restrictedProblems(renderedPod(v)), []);
        assert.deepStrictEqual(restrictedProblems({ ...renderedPod(v), initContainers: [{ name: "init-chown-data", securityContext: { runAsNonRoot: false, runAsUser: 0, capabilities: { add: ["CHOWN"], drop: ["ALL"] } } }] }).length > 0, true);
    });

    it("the sidecar loads labelled ConfigMaps of its own namespace through our Role (no ClusterRole, no Secrets)", () => {
        assert.deepStrictEqual(v.rbac, { create: true, namespaced: true, useExistingRole: "grafana-dashboard-reader" });
        assert.deepStrictEqual(v.sidecar.dashboards, {
            enabled: true, label: "grafana_dashboard", labelValue: "1", resource: "configmap",
            provider: { name: "moka", folder: "Moka", disableDelete: true, allowUiUpdates: false },
        });
        assert.strictEqual(v.sidecar.dashboards.searchNamespace, undefined);
        assert.deepStrictEqual(v.testFramework, { enabled: false });
    });
});

describe("Grafana component", () => {
    let run: MockRunResult;
    let models: Record<string, any>;
    const childrenOf = (parent: RecordedResource) => run.resources.filter((r) => r.parent === parent.urn);

    before(async () => {
        models = {
            Secret: (await esmImport("kubernetes-models/v1/Secret")).Secret,
            ConfigMap: (await esmImport("kubernetes-models/v1/ConfigMap")).ConfigMap,
            Role: (await esmImport("kubernetes-models/rbac.authorization.k8s.io/v1/Role")).Role,
            Pod: (await esmImport("kubernetes-models/v1/Pod")).Pod,
        };
        run = await runUnderMocks({
            stack: "test",
            config: CONFIG,
            program: () => {
                const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
                const g = new Grafana("g", args(provider));
                return { portForward: g.portForward, roleArn: g.roleArn, uids: g.dashboardUids, secret: g.adminSecretName };
            },
        });
    });

    it("creates exactly the password, its Secret, the query role, the sidecar Role, four dashboards and the chart", () => {
        const comp = ofType(run.resources, T.component)[0];
        assert.deepStrictEqual(childrenOf(comp).map((r) => `${r.type} ${r.name}`).sort(), [
            `${T.password} g-admin-password`,
            `${T.secret} g-admin`,
            `${T.role} g-role`,
            `${T.rolePolicy} g-policy`,
            `${T.podIdentity} g-pod-identity`,
            `${T.k8sRole} g-dashboard-reader`,
            `${T.configMap} g-dashboard-spark-jobs`,
            `${T.configMap} g-dashboard-queues`,
            `${T.configMap} g-dashboard-capacity-cost`,
            `${T.configMap} g-dashboard-platform-health`,
            `${T.release} g-release`,
        ].sort());
        assert.deepStrictEqual(run.outputs.uids, ["moka-spark-jobs", "moka-queues", "moka-capacity-cost", "moka-platform-health"]);
        assert.strictEqual(run.outputs.portForward, "kubectl -n observability port-forward svc/grafana 3000:80");
    });

    it("the admin password is generated and reaches the Secret only as a secret; the values name the Secret", () => {
        const pw = byName(run.resources, "g-admin-password").inputs;
        assert.deepStrictEqual([pw.length, pw.special], [32, false]);
        const secret = byName(run.resources, "g-admin");
        // The whole stringData is a Pulumi secret (signature 4dabf18193072939515e22adb298388d) because the password is.
        const SECRET_SIG = "4dabf18193072939515e22adb298388d";
        assert.strictEqual(secret.inputs.stringData[SECRET_SIG], "1b47061264138c4ac30d75fd1eb44270");
        const data = secret.inputs.stringData.value;
        assert.deepStrictEqual(Object.keys(data).sort(), ["admin-password", "admin-user"]);
        assert.strictEqual(data["admin-user"], "admin");
        assert.strictEqual(data["admin-password"].length, 32);
        assert.ok(secret.dependencies.includes(byName(run.resources, "g-admin-password").urn));
        const release = byName(run.resources, "g-release");
        assert.strictEqual(release.inputs.values.admin.existingSecret, "grafana-admin");
        assert.doesNotMatch(JSON.stringify(release.inputs), /mock-password/);
        new models.Secret({ ...secret.inputs, stringData: data }).validate();
    });

    it("query-only role through Pod Identity for the chart's ServiceAccount", () => {
        const role = byName(run.resources, "g-role").inputs;
        assert.strictEqual(role.name, "moka-test-grafana");
        assert.deepStrictEqual(policyDoc(role.assumeRolePolicy).Statement[0].Principal, { Service: "pods.eks.amazonaws.com" });
        assert.deepStrictEqual(policyDoc(byName(run.resources, "g-policy").inputs.policy).Statement, ampQueryPolicy(WS_ARN).Statement);
        const pia = byName(run.resources, "g-pod-identity").inputs;
        assert.deepStrictEqual([pia.namespace, pia.serviceAccount, pia.clusterName], ["observability", "grafana", "moka-test"]);
        assert.strictEqual(byName(run.resources, "g-release").inputs.values.serviceAccount.name, "grafana");
    });

    it("the chart is pinned, installed with the explicit provider after its identity, Secret and Role", () => {
        const release = byName(run.resources, "g-release");
        assert.deepStrictEqual([release.inputs.chart, release.inputs.version, release.inputs.repositoryOpts.repo, release.inputs.namespace],
            ["grafana", "12.11.1", "https://grafana-community.github.io/helm-charts", "observability"]);
        const providerUrn = run.resources.find((r) => r.type === "pulumi:providers:kubernetes")!.urn;
        for (const name of ["g-release", "g-admin", "g-dashboard-reader", "g-dashboard-queues"]) {
            assert.ok(byName(run.resources, name).provider?.startsWith(`${providerUrn}::`), name);
        }
        for (const dep of ["g-pod-identity", "g-policy", "g-admin", "g-dashboard-reader"]) {
            assert.ok(release.dependencies.includes(byName(run.resources, dep).urn), dep);
        }
        assert.strictEqual(release.inputs.values.datasources["datasources.yaml"].datasources[0].url, WS_ENDPOINT.slice(0, -1));
    });

    it("dashboards as labelled ConfigMaps the sidecar loads; the sidecar's Role reads ConfigMaps only", () => {
        for (const slug of ["spark-jobs", "queues", "capacity-cost", "platform-health"]) {
            const cm = byName(run.resources, `g-dashboard-${slug}`).inputs;
            assert.deepStrictEqual(cm.metadata, { name: `grafana-dashboard-${slug}`, namespace: "observability", labels: { grafana_dashboard: "1", "app.kubernetes.io/part-of": "moka" } });
            const dashboard = JSON.parse(cm.data[`${slug}.json`]);
            assert.strictEqual(dashboard.uid, `moka-${slug}`);
            assert.ok(dashboard.panels.length >= 4);
            new models.ConfigMap(cm).validate();
        }
        const role = byName(run.resources, "g-dashboard-reader").inputs;
        assert.deepStrictEqual(role.rules, [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list", "watch"] }]);
        assert.strictEqual(role.metadata.namespace, "observability");
        new models.Role(role).validate();
    });

    it("the pod the chart renders validates as a v1 Pod", () => {
        const v = byName(run.resources, "g-release").inputs.values;
        new models.Pod({ metadata: { name: "grafana" }, spec: renderedPod(v) }).validate();
        assert.throws(() => new models.Pod({ metadata: { name: "grafana" }, spec: { ...renderedPod(v), containers: [{ name: "grafana", resources: { requests: { cpu: [] } } }] } }).validate());
    });

    it("fails fast with every problem, creating nothing", async () => {
        const { errors, created } = await constructionErrors((provider) => new Grafana("bad", {
            ...args(provider), region: "", pluginUrl: "http://grafana.com/x@y", dashboards: { ...CTX, teams: [], pools: [] },
        }));
        assert.deepStrictEqual(errors, [
            'moka:observability:Grafana "bad": args.region is required; args.pluginUrl must be an https:// URL without \'@\' or spaces, got "http://grafana.com/x@y"; args.dashboards.teams must name at least one team; args.dashboards.pools must name at least one NodePool',
        ]);
        assert.strictEqual(created, 0);
    });
});
