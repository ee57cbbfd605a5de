import * as assert from "assert";
import * as k8s from "@pulumi/kubernetes";
import { NAMESPACES, SYSTEM_NODE_LABEL, SYSTEM_TOLERATIONS } from "../../../lib/platform";
import { METRICS_DEFAULTS, Metrics, type MetricsArgs } from "../../../components/observability/metrics";
import { ObservabilityNamespace } from "../../../components/observability/namespace";
import { podSecurityLabels } from "../../../components/shared/namespaces";
import {
    collectorConfig, collectorValues, kubeStateMetricsValues, remoteWritePolicy, remoteWriteUrl, scrapeJobs, type CollectorConfigInput,
} from "../../../components/observability/collector";
import { MockRunResult, RecordedResource, runUnderMocks } from "../../../preview/mocks";
import { byName, ofType, policyDoc } from "../../helpers/resources";
import { constructionErrors } from "../../helpers/construct";
import { esmImport } from "../../helpers/esm";

// kubernetes-models is ESM-only; a real dynamic import loads it.

const ACCOUNT = "111111111111";
const REGION = "us-west-2";
const CONFIG = { "aws:region": REGION, "moka:accountId": ACCOUNT };
const TAGS = { "cost-center": "data-platform", owner: "platform@example.com", environment: "test", "managed-by": "pulumi" };
// What the mocks return for a workspace registered as "m-workspace".
const WS_ARN = `arn:aws:aps:${REGION}:${ACCOUNT}:workspace/ws-m-workspace`;
const WS_ENDPOINT = `https://aps-workspaces.${REGION}.amazonaws.com/workspaces/ws-m-workspace/`;

const T = {
    component: "moka:observability:Metrics",
    nsComponent: "moka:observability:ObservabilityNamespace",
    namespace: "kubernetes:core/v1:Namespace",
    workspace: "aws:amp/workspace:Workspace",
    workspaceConfig: "aws:amp/workspaceConfiguration:WorkspaceConfiguration",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    podIdentity: "aws:eks/podIdentityAssociation:PodIdentityAssociation",
    release: "kubernetes:helm.sh/v3:Release",
} as const;

function args(provider: k8s.Provider, over: Partial<MetricsArgs> = {}): MetricsArgs {
    return {
        k8sProvider: provider,
        clusterName: "moka-test",
        baseName: "moka-test",
        region: REGION,
        tags: TAGS,
        metricsRetentionDays: 150,
        ...over,
    };
}

const CFG_INPUT: CollectorConfigInput = {
    remoteWriteUrl: `${WS_ENDPOINT}api/v1/remote_write`,
    region: REGION,
    clusterName: "moka-test",
    namespaces: { yunikorn: "yunikorn", karpenter: "karpenter", observability: "observability", sparkOperator: "spark-operator" },
};

const childrenOf = (run: MockRunResult, parent: RecordedResource) => run.resources.filter((r) => r.parent === parent.urn);

describe("metrics-collector (pure)", () => {
    const remoteWrite: [string, string][] = [
        [WS_ENDPOINT, `${WS_ENDPOINT}api/v1/remote_write`],
        [WS_ENDPOINT.slice(0, -1), `${WS_ENDPOINT}api/v1/remote_write`],
    ];
    for (const [endpoint, url] of remoteWrite) {
        it(`remote-write URL from ${endpoint}`, () => assert.strictEqual(remoteWriteUrl(endpoint), url));
    }

    const jobs = scrapeJobs(CFG_INPUT);
    const job = (name: string) => {
        const j = jobs.find((x) => x.job_name === name);
        assert.ok(j, `job ${name}`);
        return j!;
    };
    const keepRule = (name: string, label: string) => job(name).relabel_configs?.find((r) => r.action === "keep" && r.source_labels?.[0] === label)?.regex;

    it("has exactly the platform's scrape jobs", () => {
        assert.deepStrictEqual(jobs.map((j) => j.job_name), ["spark-driver", "spark-executors", "yunikorn", "karpenter", "kube-state-metrics", "fluent-bit", "spark-operator", "otel-collector"]);
    });

    const table: [string, string | undefined, string | undefined, string | undefined, string[] | undefined][] = [
        // job, metrics_path, kept container port, kept spark-role, namespaces
        ["spark-driver", "/metrics/prometheus/", "4040", "driver", undefined],
        ["spark-executors", "/metrics/executors/prometheus/", "4040", "driver", undefined],
        ["yunikorn", "/ws/v1/metrics", "9080", undefined, ["yunikorn"]],
        ["karpenter", "/metrics", "8080", undefined, ["karpenter"]],
        ["kube-state-metrics", "/metrics", undefined, undefined, ["observability"]],
    ];
    for (const [name, path, port, role, namespaces] of table) {
        it(`${name}: path ${path}, port ${port ?? "-"}, role ${role ?? "-"}, namespaces ${namespaces?.join(",") ?? "all"}`, () => {
            const j = job(name);
            assert.strictEqual(j.metrics_path, path);
            assert.strictEqual(keepRule(name, "__meta_kubernetes_pod_container_port_number"), port);
            assert.strictEqual(keepRule(name, "__meta_kubernetes_pod_label_spark_role"), role);
            assert.deepStrictEqual(j.kubernetes_sd_configs, [{ role: "pod", ...(namespaces ? { namespaces: { names: namespaces } } : {}) }]);
        });
    }

    it("spark jobs skip finished drivers and label series with the Spark application", () => {
        for (const name of ["spark-driver", "spark-executors"]) {
            const rules = job(name).relabel_configs!;
            assert.ok(rules.some((r) => r.action === "drop" && r.source_labels?.[0] === "__meta_kubernetes_pod_phase" && r.regex === "Succeeded|Failed"));
            assert.ok(rules.some((r) => r.target_label === "spark_app_id" && r.source_labels?.[0] === "__meta_kubernetes_pod_label_spark_app_selector"));
        }
    });

    it("fluent-bit: the DaemonSet's http port (2020) in the observability namespace, its v2 Prometheus endpoint, the node label", () => {
        const j = job("fluent-bit");
        assert.strictEqual(j.metrics_path, "/api/v2/metrics/prometheus");
        assert.deepStrictEqual(j.kubernetes_sd_configs, [{ role: "pod", namespaces: { names: ["observability"] } }]);
        assert.strictEqual(keepRule("fluent-bit", "__meta_kubernetes_pod_label_app_kubernetes_io_name"), "fluent-bit");
        assert.strictEqual(keepRule("fluent-bit", "__meta_kubernetes_pod_container_port_name"), "http");
        assert.deepStrictEqual(j.relabel_configs?.filter((r) => r.action === "replace").map((r) => r.target_label), ["namespace", "pod", "container", "node"]);
        assert.strictEqual(j.honor_labels, undefined);
    });

    it("spark-operator: controller and webhook metrics ports in spark-operator, honouring the operator's namespace label, with the pod's component", () => {
        const j = job("spark-operator");
        assert.strictEqual(j.metrics_path, "/metrics");
        assert.deepStrictEqual(j.kubernetes_sd_configs, [{ role: "pod", namespaces: { names: ["spark-operator"] } }]);
        assert.strictEqual(keepRule("spark-operator", "__meta_kubernetes_pod_container_port_name"), "metrics");
        assert.strictEqual(j.honor_labels, true);
        assert.ok(j.relabel_configs?.some((r) => r.target_label === "component" && r.source_labels?.[0] === "__meta_kubernetes_pod_label_app_kubernetes_io_component"));
    });

    it("kube-state-metrics keeps the chart's pod and its http port, honouring its labels", () => {
        assert.strictEqual(keepRule("kube-state-metrics", "__meta_kubernetes_pod_label_app_kubernetes_io_name"), "kube-state-metrics");
        assert.strictEqual(keepRule("kube-state-metrics", "__meta_kubernetes_pod_container_port_name"), "http");
        assert.strictEqual(job("kube-state-metrics").honor_labels, true);
    });

    const cfg = collectorConfig(CFG_INPUT);

    it("exports with prometheusremotewrite to the workspace, signed by sigv4auth for aps", () => {
        assert.deepStrictEqual(cfg.exporters.prometheusremotewrite, {
            endpoint: `${WS_ENDPOINT}api/v1/remote_write`,
            auth: { authenticator: "sigv4auth" },
            external_labels: { cluster: "moka-test" },
        });
        assert.deepStrictEqual(cfg.extensions.sigv4auth, { region: REGION, service: "aps" });
    });

    it("receives OTLP on 4317 (gRPC) and 4318 (HTTP)", () => {
        assert.strictEqual(cfg.receivers.otlp.protocols.grpc.endpoint, "${env:MY_POD_IP}:4317");
        assert.strictEqual(cfg.receivers.otlp.protocols.http.endpoint, "${env:MY_POD_IP}:4318");
    });

    it("every component the pipelines and service reference is defined (and health_check is on)", () => {
        const p = cfg.service.pipelines.metrics;
        for (const r of p.receivers) assert.ok(r in cfg.receivers, r);
        for (const x of p.processors) assert.ok(x in cfg.processors, x);
        for (const e of p.exporters) assert.ok(e in cfg.exporters, e);
        for (const e of cfg.service.extensions) assert.ok(e in cfg.extensions, e);
        assert.ok(cfg.service.extensions.includes("health_check"));
        assert.deepStrictEqual(Object.keys(cfg.service.pipelines), ["metrics"]);
    });

    it("uses '$' only for the chart's env references (the collector expands ${...})", () => {
        const text = JSON.stringify(cfg);
        const dollars = [...text.matchAll(/\$[^{]|\$\{(?!env:MY_POD_IP\})/g)];
        assert.deepStrictEqual(dollars.map((m) => m[0]), []);
        assert.doesNotMatch(text, /\{\{/, "the chart runs the config through tpl");
    });

    it("collector values: the chart's required image.repository and mode, contrib image, ClusterRole for pod discovery", () => {
        const v = collectorValues({ config: cfg, imageRepository: "otel/opentelemetry-collector-contrib", imageTag: "0.158.0", fullname: "otel-collector", serviceAccountName: "otel-collector", nodeSelector: { a: "b" }, tolerations: [] }) as any;
        assert.strictEqual(v.mode, "deployment");
        assert.strictEqual(v.replicaCount, 1);
        assert.deepStrictEqual(v.image, { repository: "otel/opentelemetry-collector-contrib", tag: "0.158.0" });
        assert.deepStrictEqual(v.command, { name: "otelcol-contrib" });
        assert.deepStrictEqual(v.clusterRole, { create: true, rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch"] }] });
        assert.strictEqual(v.alternateConfig, cfg);
        assert.strictEqual(v.config, undefined, "alternateConfig replaces config; nothing may be merged into it");
        for (const p of ["jaeger-compact", "jaeger-thrift", "jaeger-grpc", "zipkin"]) assert.deepStrictEqual(v.ports[p], { enabled: false });
    });

    it("kube-state-metrics values drop the secrets collector and allow the node and pod labels the dashboards join on", () => {
        const v = kubeStateMetricsValues({ imageTag: "v2.20.0", fullname: "kube-state-metrics", nodeSelector: {}, tolerations: [] }) as any;
        assert.deepStrictEqual(v.collectorsExclude, ["secrets"]);
        assert.deepStrictEqual(v.metricLabelsAllowlist, [
            "nodes=[karpenter.sh/nodepool,karpenter.sh/capacity-type,kubernetes.io/arch,karpenter.k8s.aws/instance-family]",
            "pods=[spark-role,spark-app-selector,spark-app-name,queue]",
        ]);
        assert.deepStrictEqual(v.image, { tag: "v2.20.0" });
    });

    it("IAM: aps:RemoteWrite on the workspace only", () => {
        assert.deepStrictEqual(remoteWritePolicy(WS_ARN).Statement, [{ Sid: "RemoteWriteToWorkspace", Effect: "Allow", Action: ["aps:RemoteWrite"], Resource: WS_ARN }]);
    });
});

describe("ObservabilityNamespace component", () => {
    let run: MockRunResult;
    let Namespace: any;

    before(async () => {
        ({ Namespace } = await esmImport("kubernetes-models/v1/Namespace"));
        run = await runUnderMocks({
            stack: "test",
            config: CONFIG,
            program: () => {
                const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
                const ns = new ObservabilityNamespace("obs", { k8sProvider: provider });
                return { namespaceName: ns.namespaceName };
            },
        });
    });

    it("creates one privileged namespace with the explicit provider", () => {
        const comp = ofType(run.resources, T.nsComponent)[0];
        assert.deepStrictEqual(childrenOf(run, comp).map((r) => `${r.type} ${r.name}`), [`${T.namespace} obs-namespace`]);
        const ns = byName(run.resources, "obs-namespace");
        const providerUrn = run.resources.find((r) => r.type === "pulumi:providers:kubernetes")!.urn;
        assert.ok(ns.provider?.startsWith(`${providerUrn}::`));
        assert.strictEqual(ns.inputs.metadata.name, NAMESPACES.observability);
        assert.deepStrictEqual(ns.inputs.metadata.labels, {
            "app.kubernetes.io/managed-by": "pulumi",
            "pod-security.kubernetes.io/enforce": "privileged",
            "pod-security.kubernetes.io/enforce-version": "latest",
            "pod-security.kubernetes.io/audit": "privileged",
            "pod-security.kubernetes.io/warn": "privileged",
        });
        new Namespace(ns.inputs).validate();
        assert.strictEqual(run.outputs.namespaceName, "observability");
    });

    it("podSecurityLabels enforces, audits and warns at one level", () => {
        assert.deepStrictEqual(Object.values(podSecurityLabels("restricted")), ["restricted", "latest", "restricted", "restricted"]);
    });
});

describe("Metrics component", () => {
    let run: MockRunResult;
    let providerUrn: string;
    let Pod: any;

    before(async () => {
        ({ Pod } = await esmImport("kubernetes-models/v1/Pod"));
        run = await runUnderMocks({
            stack: "test",
            config: CONFIG,
            program: () => {
                const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
                const m = new Metrics("m", args(provider));
                return { remoteWriteUrl: m.remoteWriteUrl, workspaceArn: m.workspaceArn, otlpGrpcEndpoint: m.otlpGrpcEndpoint, otlpHttpEndpoint: m.otlpHttpEndpoint };
            },
        });
        providerUrn = run.resources.find((r) => r.type === "pulumi:providers:kubernetes")!.urn;
    });

    it("creates exactly the workspace, its retention, the collector identity and two charts", () => {
        const comp = ofType(run.resources, T.component)[0];
        assert.deepStrictEqual(childrenOf(run, comp).map((r) => `${r.type} ${r.name}`).sort(), [
            `${T.workspace} m-workspace`,
            `${T.workspaceConfig} m-workspace-config`,
            `${T.role} m-collector-role`,
            `${T.rolePolicy} m-collector-policy`,
            `${T.podIdentity} m-collector-pod-identity`,
            `${T.release} m-kube-state-metrics`,
            `${T.release} m-collector`,
        ].sort());
        assert.strictEqual(ofType(run.resources, T.logGroup).length, 0, "workspace logging is off by default");
    });

    it("workspace is tagged, unprotected by default, and keeps samples for metricsRetentionDays", () => {
        const ws = byName(run.resources, "m-workspace");
        assert.strictEqual(ws.inputs.alias, "moka-test-metrics");
        assert.deepStrictEqual(ws.inputs.tags, TAGS);
        assert.strictEqual(ws.inputs.loggingConfiguration, undefined);
        assert.strictEqual(ws.protect, false);
        const conf = byName(run.resources, "m-workspace-config").inputs;
        assert.strictEqual(conf.retentionPeriodInDays, 150);
        assert.strictEqual(conf.workspaceId, "ws-m-workspace");
    });

    it("collector role: Pod Identity trust, aps:RemoteWrite on this workspace only", () => {
        const role = byName(run.resources, "m-collector-role").inputs;
        assert.strictEqual(role.name, "moka-test-otel-collector");
        assert.deepStrictEqual(policyDoc(role.assumeRolePolicy).Statement[0].Principal, { Service: "pods.eks.amazonaws.com" });
        const doc = policyDoc(byName(run.resources, "m-collector-policy").inputs.policy);
        assert.deepStrictEqual(doc.Statement, [{ Sid: "RemoteWriteToWorkspace", Effect: "Allow", Action: ["aps:RemoteWrite"], Resource: WS_ARN }]);
        const pia = byName(run.resources, "m-collector-pod-identity").inputs;
        assert.deepStrictEqual([pia.namespace, pia.serviceAccount, pia.clusterName], ["observability", "otel-collector", "moka-test"]);
    });

    it("charts are pinned and installed with the explicit provider", () => {
        const col = byName(run.resources, "m-collector");
        const ksm = byName(run.resources, "m-kube-state-metrics");
        assert.deepStrictEqual([col.inputs.chart, col.inputs.version, col.inputs.repositoryOpts.repo],
            ["opentelemetry-collector", "0.170.0", "https://open-telemetry.github.io/opentelemetry-helm-charts"]);
        assert.deepStrictEqual([ksm.inputs.chart, ksm.inputs.version, ksm.inputs.repositoryOpts.repo],
            ["kube-state-metrics", "8.4.0", "https://prometheus-community.github.io/helm-charts"]);
        assert.strictEqual(col.inputs.version, METRICS_DEFAULTS.collector.version);
        for (const r of [col, ksm]) {
            assert.ok(r.provider?.startsWith(`${providerUrn}::`), r.name);
            assert.strictEqual(r.inputs.namespace, "observability");
        }
        assert.ok(col.dependencies.includes(byName(run.resources, "m-collector-pod-identity").urn));
    });

    it("collector values carry the workspace remote-write URL and run on the system nodes", () => {
        const v = byName(run.resources, "m-collector").inputs.values;
        assert.strictEqual(v.mode, "deployment");
        assert.strictEqual(v.image.repository, "otel/opentelemetry-collector-contrib");
        assert.match(v.image.tag, /^\d+\.\d+\.\d+$/);
        assert.strictEqual(v.alternateConfig.exporters.prometheusremotewrite.endpoint, `${WS_ENDPOINT}api/v1/remote_write`);
        assert.strictEqual(v.alternateConfig.exporters.prometheusremotewrite.external_labels.cluster, "moka-test");
        assert.deepStrictEqual(v.nodeSelector, SYSTEM_NODE_LABEL);
        assert.deepStrictEqual(v.tolerations, SYSTEM_TOLERATIONS);
        assert.deepStrictEqual(v.serviceAccount, { create: true, name: "otel-collector" });
        assert.strictEqual(run.outputs.remoteWriteUrl, `${WS_ENDPOINT}api/v1/remote_write`);
        assert.strictEqual(run.outputs.otlpGrpcEndpoint, "otel-collector.observability.svc:4317");
    });

    it("kube-state-metrics values: pinned image, system nodes, no secrets collector", () => {
        const v = byName(run.resources, "m-kube-state-metrics").inputs.values;
        assert.deepStrictEqual(v.image, { tag: "v2.20.0" });
        assert.deepStrictEqual(v.nodeSelector, SYSTEM_NODE_LABEL);
        assert.deepStrictEqual(v.tolerations, SYSTEM_TOLERATIONS);
        assert.deepStrictEqual(v.collectorsExclude, ["secrets"]);
        assert.deepStrictEqual(v.metricLabelsAllowlist, [
            "nodes=[karpenter.sh/nodepool,karpenter.sh/capacity-type,kubernetes.io/arch,karpenter.k8s.aws/instance-family]",
            "pods=[spark-role,spark-app-selector,spark-app-name,queue]",
        ]);
        assert.strictEqual(v.fullnameOverride, "kube-state-metrics");
    });

    it("the collector and kube-state-metrics pod fragments validate as Pods", () => {
        const col = byName(run.resources, "m-collector").inputs.values;
        const ksm = byName(run.resources, "m-kube-state-metrics").inputs.values;
        new Pod({
            metadata: { name: "otel-collector" },
            spec: {
                nodeSelector: col.nodeSelector,
                tolerations: col.tolerations,
                containers: [{ name: "c", image: `${col.image.repository}:${col.image.tag}`, securityContext: col.securityContext, resources: col.resources }],
            },
        }).validate();
        new Pod({
            metadata: { name: "ksm" },
            spec: { nodeSelector: ksm.nodeSelector, tolerations: ksm.tolerations, containers: [{ name: "c", image: `registry.k8s.io/kube-state-metrics/kube-state-metrics:${ksm.image.tag}`, resources: ksm.resources }] },
        }).validate();
        assert.strictEqual(col.securityContext.runAsNonRoot, true);
    });
});

describe("Metrics component: workspace logging and protection", () => {
    let run: MockRunResult;

    before(async () => {
        run = await runUnderMocks({
            stack: "test",
            config: CONFIG,
            program: () => {
                const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
                new Metrics("m", args(provider, { protect: true, workspaceLogging: true, workspaceLogRetentionDays: 14, metricsRetentionDays: 400 }));
                return {};
            },
        });
    });

    it("adds a vended-logs group and points the workspace at <arn>:*", () => {
        const lgs = ofType(run.resources, T.logGroup);
        assert.deepStrictEqual(lgs.map((r) => r.name), ["m-workspace-log-group"]);
        assert.strictEqual(lgs[0].inputs.name, "/aws/vendedlogs/prometheus/moka-test");
        assert.strictEqual(lgs[0].inputs.retentionInDays, 14);
        assert.deepStrictEqual(byName(run.resources, "m-workspace").inputs.loggingConfiguration, {
            logGroupArn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/vendedlogs/prometheus/moka-test:*`,
        });
    });

    it("protects the workspace and applies the retention", () => {
        const ws = byName(run.resources, "m-workspace");
        assert.strictEqual(ws.protect, true);
        assert.strictEqual(ws.retainOnDelete, true);
        assert.strictEqual(byName(run.resources, "m-workspace-config").inputs.retentionPeriodInDays, 400);
    });
});

describe("Metrics component: arguments", () => {
    const cases: [string, Partial<MetricsArgs>, string][] = [
        ["zero retention", { metricsRetentionDays: 0 }, 'moka:observability:Metrics "bad": args.metricsRetentionDays must be a whole number of days between 1 and 1095, got 0'],
        ["retention beyond AMP's maximum", { metricsRetentionDays: 1096 }, 'moka:observability:Metrics "bad": args.metricsRetentionDays must be a whole number of days between 1 and 1095, got 1096'],
        ["invalid log retention", { workspaceLogRetentionDays: 10 }, 'moka:observability:Metrics "bad": args.workspaceLogRetentionDays must be a CloudWatch Logs retention value (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653), got 10'],
        ["no region", { region: "" }, 'moka:observability:Metrics "bad": args.region is required'],
    ];
    for (const [label, over, message] of cases) {
        it(`rejects ${label}`, async () => {
            const { errors, created } = await constructionErrors((provider) => {
                new Metrics("bad", args(provider, over));
            }, CONFIG);
            assert.deepStrictEqual(errors, [message]);
            assert.strictEqual(created, 0);
        });
    }
});
