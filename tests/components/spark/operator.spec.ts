import { strict as assert } from "assert";
import * as k8s from "@pulumi/kubernetes";
import { SPARK_OPERATOR_DEFAULTS, SparkOperator, SparkOperatorArgs, sparkOperatorValues } from "../../../components/spark/operator";
import { MockRunResult, RecordedResource, runUnderMocks } from "../../../preview/mocks";
import { byName, ofType } from "../../helpers/resources";
import { esmImport } from "../../helpers/esm";

// kubernetes-models is ESM-only; a real dynamic import loads it.

const CONFIG = { "aws:region": "us-west-2", "moka:accountId": "111111111111" };
const RELEASE = "kubernetes:helm.sh/v3:Release";
const NAMESPACE = "kubernetes:core/v1:Namespace";

/**
 * Leaf key paths of kubeflow/spark-operator charts/spark-operator-chart/values.yaml at v2.5.2 that this
 * component may set (hand-checked against the chart; a misplaced key is silently ignored by Helm).
 */
const CHART_2_5_2_KEYS = new Set([
    "controller.replicas", "controller.leaderElection.enable",
    "controller.batchScheduler.enable", "controller.batchScheduler.kubeSchedulerNames", "controller.batchScheduler.default",
    "controller.serviceAccount.create", "controller.serviceAccount.name",
    "controller.nodeSelector", "controller.tolerations", "controller.resources",
    "webhook.enable", "webhook.replicas", "webhook.failurePolicy", "webhook.serviceAccount.create", "webhook.serviceAccount.name",
    "webhook.nodeSelector", "webhook.tolerations", "webhook.resources",
    "webhook.podDisruptionBudget.enable", "webhook.podDisruptionBudget.minAvailable",
    "spark.jobNamespaces", "spark.serviceAccount.create", "spark.serviceAccount.name", "spark.rbac.create",
    "prometheus.metrics.enable", "prometheus.metrics.port", "prometheus.metrics.portName", "prometheus.metrics.endpoint", "prometheus.metrics.labels",
    "prometheus.podMonitor.create",
]);
/** Values that are maps/lists in the chart: their contents are free-form. */
const OPAQUE = new Set(["controller.nodeSelector", "controller.tolerations", "controller.resources", "webhook.nodeSelector", "webhook.tolerations", "webhook.resources", "spark.jobNamespaces"]);

function leafPaths(v: unknown, prefix = ""): string[] {
    if (OPAQUE.has(prefix) || v === null || typeof v !== "object" || Array.isArray(v)) {
        return [prefix];
    }
    return Object.entries(v as Record<string, unknown>).flatMap(([k, x]) => leafPaths(x, prefix ? `${prefix}.${k}` : k));
}

describe("sparkOperatorValues", () => {
    const values = sparkOperatorValues({ jobNamespaces: ["analytics", "ml"], driverRbac: false }) as any;

    it("sets only keys that exist in the 2.5.2 chart", () => {
        for (const path of leafPaths(values)) {
            assert.ok(CHART_2_5_2_KEYS.has(path), `unknown chart key ${path}`);
        }
    });

    it("enables the batch scheduler at controller.batchScheduler with YuniKorn as the default (not top-level batchScheduler)", () => {
        assert.deepEqual(values.controller.batchScheduler, { enable: true, default: "yunikorn" });
        assert.equal(values.batchScheduler, undefined);
        assert.equal(values.controller.batchScheduler.kubeSchedulerNames, undefined);
    });

    it("watches exactly the team namespaces", () => {
        assert.deepEqual(values.spark.jobNamespaces, ["analytics", "ml"]);
        assert.ok(!values.spark.jobNamespaces.includes(""), "an empty string would make the operator watch every namespace");
    });

    it("enables the webhook (failurePolicy Fail, two replicas with a PDB) and Prometheus metrics", () => {
        assert.equal(values.webhook.enable, true);
        assert.equal(values.webhook.failurePolicy, "Fail");
        assert.equal(values.webhook.replicas, 2);
        assert.deepEqual(values.webhook.podDisruptionBudget, { enable: true, minAvailable: 1 });
        assert.deepEqual(values.prometheus.metrics, { enable: true, port: 8080, portName: "metrics", endpoint: "/metrics", labels: "namespace" });
    });

    it("runs controller and webhook on the system nodes", () => {
        for (const part of ["controller", "webhook"]) {
            assert.deepEqual(values[part].nodeSelector, { "moka.dev/node-role": "system" }, part);
            assert.deepEqual(values[part].tolerations, [{ key: "CriticalAddonsOnly", operator: "Exists", effect: "NoSchedule" }], part);
            assert.ok(values[part].resources.requests && values[part].resources.limits, part);
        }
    });

    it("names the controller ServiceAccount explicitly (the identity Spark drivers are created under)", () => {
        assert.deepEqual(values.controller.serviceAccount, { create: true, name: "spark-operator-controller" });
        assert.deepEqual(values.webhook.serviceAccount, { create: true, name: "spark-operator-webhook" });
    });

    const rbacCases: [boolean, boolean][] = [[false, false], [true, true]];
    for (const [driverRbac, expected] of rbacCases) {
        it(`never creates the spark ServiceAccount; driver Role only when driverRbac=${driverRbac}`, () => {
            const v = sparkOperatorValues({ jobNamespaces: ["a"], driverRbac }) as any;
            assert.deepEqual(v.spark.serviceAccount, { create: false, name: "spark" });
            assert.equal(v.spark.rbac.create, expected);
        });
    }
});

describe("SparkOperator", () => {
    let r: MockRunResult;
    let provider: RecordedResource;
    let marker: RecordedResource;
    let Namespace: any;

    before(async () => {
        ({ Namespace } = await esmImport("kubernetes-models/v1/Namespace"));
        r = await runUnderMocks({
            stack: "test",
            config: CONFIG,
            program: () => {
                const p = new k8s.Provider("k8s", { kubeconfig: "{}" });
                const teamNs = new k8s.core.v1.Namespace("team-analytics", { metadata: { name: "analytics" } }, { provider: p });
                const op = new SparkOperator("so", { k8sProvider: p, jobNamespaces: ["analytics", "ml"], dependsOn: [teamNs] });
                return { namespace: op.namespace, releaseName: op.releaseName, controllerServiceAccount: op.controllerServiceAccount };
            },
        });
        provider = byName(r.resources, "k8s");
        marker = byName(r.resources, "team-analytics");
    });

    it("creates exactly one namespace and one Helm release under the component", () => {
        const component = ofType(r.resources, "moka:spark:SparkOperator");
        assert.equal(component.length, 1);
        const children = r.resources.filter((x) => x.parent === component[0].urn);
        assert.deepEqual(children.map((x) => `${x.type} ${x.name}`).sort(), [`${NAMESPACE} so-namespace`, `${RELEASE} so-release`]);
    });

    it("uses the explicit provider for every Kubernetes child", () => {
        for (const name of ["so-namespace", "so-release"]) {
            assert.ok(byName(r.resources, name).provider?.startsWith(provider.urn), name);
        }
    });

    it("creates the spark-operator namespace with the restricted Pod Security level (valid Namespace)", () => {
        const ns = byName(r.resources, "so-namespace");
        assert.equal(ns.inputs.metadata.name, "spark-operator");
        assert.deepEqual(ns.inputs.metadata.labels, {
            "pod-security.kubernetes.io/enforce": "restricted",
            "pod-security.kubernetes.io/enforce-version": "latest",
            "pod-security.kubernetes.io/audit": "restricted",
            "pod-security.kubernetes.io/warn": "restricted",
            "app.kubernetes.io/managed-by": "pulumi",
        });
        new Namespace({ apiVersion: ns.inputs.apiVersion, kind: ns.inputs.kind, metadata: ns.inputs.metadata }).validate();
    });

    it("pins the kubeflow chart 2.5.2 from the kubeflow repository into that namespace", () => {
        const rel = byName(r.resources, "so-release");
        assert.equal(rel.inputs.chart, "spark-operator");
        assert.equal(rel.inputs.version, "2.5.2");
        assert.equal(rel.inputs.version, SPARK_OPERATOR_DEFAULTS.version);
        assert.deepEqual(rel.inputs.repositoryOpts, { repo: "https://kubeflow.github.io/spark-operator" });
        assert.equal(rel.inputs.namespace, "spark-operator");
        assert.equal(rel.inputs.name, "spark-operator");
        assert.equal(rel.inputs.createNamespace, false);
        assert.match(rel.inputs.version, /^2\.\d+\.\d+$/);
    });

    it("passes the values from sparkOperatorValues, with YuniKorn at controller.batchScheduler.default", () => {
        const values: any = byName(r.resources, "so-release").inputs.values;
        assert.deepEqual(byName(r.resources, "so-release").inputs.values, sparkOperatorValues({ jobNamespaces: ["analytics", "ml"], driverRbac: false }));
        assert.equal(values.controller.batchScheduler.enable, true);
        assert.equal(values.controller.batchScheduler.default, "yunikorn");
        assert.deepEqual(values.spark.jobNamespaces, ["analytics", "ml"]);
    });

    it("waits for its namespace and the resources in args.dependsOn (team namespaces)", () => {
        const rel = byName(r.resources, "so-release");
        assert.ok(rel.dependencies.includes(byName(r.resources, "so-namespace").urn));
        assert.ok(rel.dependencies.includes(marker.urn));
    });

    it("exports the namespace, release name and controller ServiceAccount", () => {
        assert.deepEqual(r.outputs, { namespace: "spark-operator", releaseName: "spark-operator", controllerServiceAccount: "spark-operator-controller" });
    });

    describe("argument validation", () => {
        const cases: { title: string; a: (p: k8s.Provider) => SparkOperatorArgs; message: string }[] = [
            { title: "no provider", a: () => ({ k8sProvider: undefined as unknown as k8s.Provider, jobNamespaces: ["a"] }), message: "moka:spark:SparkOperator \"so\": args.k8sProvider is required" },
            { title: "no namespaces", a: (p) => ({ k8sProvider: p, jobNamespaces: [] }), message: "moka:spark:SparkOperator \"so\": args.jobNamespaces must list at least one team namespace" },
            { title: "empty string (all namespaces)", a: (p) => ({ k8sProvider: p, jobNamespaces: [""] }), message: "moka:spark:SparkOperator \"so\": args.jobNamespaces entry \"\" is not a namespace name (DNS-1123 label)" },
            { title: "upper case", a: (p) => ({ k8sProvider: p, jobNamespaces: ["Team"] }), message: "moka:spark:SparkOperator \"so\": args.jobNamespaces entry \"Team\" is not a namespace name (DNS-1123 label)" },
            { title: "duplicate", a: (p) => ({ k8sProvider: p, jobNamespaces: ["a", "a"] }), message: "moka:spark:SparkOperator \"so\": args.jobNamespaces lists \"a\" twice" },
            { title: "platform namespace", a: (p) => ({ k8sProvider: p, jobNamespaces: ["yunikorn"] }), message: "moka:spark:SparkOperator \"so\": args.jobNamespaces entry \"yunikorn\" is a platform namespace, not a team namespace" },
            { title: "kube-system", a: (p) => ({ k8sProvider: p, jobNamespaces: ["kube-system"] }), message: "moka:spark:SparkOperator \"so\": args.jobNamespaces entry \"kube-system\" is a platform namespace, not a team namespace" },
        ];
        for (const c of cases) {
            it(`throws: ${c.title}`, async () => {
                await assert.rejects(runUnderMocks({
                    stack: "test",
                    config: CONFIG,
                    program: () => {
                        const p = new k8s.Provider("k8s", { kubeconfig: "{}" });
                        new SparkOperator("so", c.a(p));
                        return {};
                    },
                }), { message: c.message });
            });
        }
    });
});
