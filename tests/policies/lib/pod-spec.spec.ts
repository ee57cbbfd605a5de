import { strict as assert } from "assert";
import * as fc from "fast-check";
import { UNKNOWN } from "../../../preview/analyze";
import {
    fieldAt, identityUses, imageUses, isDefaultServiceAccount, isWorkloadType, pathText, podViews, sparkConfHostPaths, tokenAutomounted, unknownPodParts,
    workloadKind, workloadLabel, workloadNamespace,
} from "../../../policies/lib/pod-spec";

const SPARK = "kubernetes:sparkoperator.k8s.io/v1beta2:SparkApplication";
const SCHEDULED = "kubernetes:sparkoperator.k8s.io/v1beta2:ScheduledSparkApplication";
const CONNECT = "kubernetes:sparkoperator.k8s.io/v1alpha1:SparkConnect";

describe("policies/lib/pod-spec: the one pod-spec reader", () => {
    it("recognises workload kinds only in their API groups", () => {
        const yes: [string, string][] = [
            ["kubernetes:core/v1:Pod", "Pod"], ["kubernetes:apps/v1:Deployment", "Deployment"], ["kubernetes:extensions/v1beta1:Deployment", "Deployment"],
            ["kubernetes:apps/v1:StatefulSet", "StatefulSet"], ["kubernetes:apps/v1:DaemonSet", "DaemonSet"], ["kubernetes:apps/v1:ReplicaSet", "ReplicaSet"],
            ["kubernetes:core/v1:ReplicationController", "ReplicationController"], ["kubernetes:batch/v1:Job", "Job"], ["kubernetes:batch/v1:CronJob", "CronJob"],
            [SPARK, "SparkApplication"], [SCHEDULED, "ScheduledSparkApplication"], [CONNECT, "SparkConnect"],
        ];
        for (const [t, kind] of yes) {
            assert.equal(workloadKind(t), kind, t);
            assert.equal(isWorkloadType(t), true, t);
        }
        for (const t of ["kubernetes:example.com/v1:Pod", "kubernetes:example.com/v1:SparkApplication", "kubernetes:example.com/v1:Deployment", "kubernetes:batch/v1:Deployment",
            "kubernetes:sparkoperator.k8s.io/v1beta2:Other", "kubernetes:core/v1:Service", "kubernetes:core/v1:toString", "Pod", "aws:s3/bucket:Bucket"]) {
            assert.equal(isWorkloadType(t), false, t);
            assert.deepEqual(podViews(t, { spec: { containers: [{ name: "x" }], driver: { image: "i" } } }), [], t);
            assert.deepEqual(imageUses(t, { spec: { containers: [{ name: "x", image: "i" }] } }), [], t);
            assert.deepEqual(identityUses(t, { spec: {} }), [], t);
        }
    });

    it("reads every container list of a pod (a single object included) with its path", () => {
        const [pod] = podViews("kubernetes:core/v1:Pod", { spec: { containers: [{ name: "a" }, "junk"], initContainers: { name: "b" }, ephemeralContainers: [{ name: "c" }] } });
        assert.deepEqual(pod.containers.map((c) => [c.name, c.where, c.init]), [["a", "spec.containers[0]", false], ["b", "spec.initContainers", true], ["c", "spec.ephemeralContainers[0]", true]]);
        assert.deepEqual(pod.field("hostNetwork").path, ["spec", "hostNetwork"]);
        assert.deepEqual(podViews("kubernetes:core/v1:Pod", { spec: "x" }), []);
        const [cron] = podViews("kubernetes:batch/v1:CronJob", { spec: { jobTemplate: { spec: { template: { metadata: { annotations: { a: "b" } }, spec: { containers: [{ name: "x" }] } } } } } });
        assert.equal(cron.where, "spec.jobTemplate.spec.template.spec");
        assert.deepEqual(cron.metadataField("annotations").value, { a: "b" });
    });

    it("reads SparkApplication roles (their own settings and their templates) and ScheduledSparkApplication under spec.template", () => {
        const role = { image: "img:1", hostNetwork: true, podSecurityContext: { runAsUser: 0 }, securityContext: { privileged: true }, sidecars: [{ name: "side" }], initContainers: { name: "init" }, labels: { l: "1" } };
        const spec = { image: "base:1", volumes: [{ name: "v" }], driver: role, executor: { template: { metadata: { labels: { t: "1" } }, spec: { hostPID: true, containers: [{ name: "spark-kubernetes-executor" }] } } } };
        for (const [type, props, base] of [[SPARK, { spec }, "spec"], [SCHEDULED, { spec: { template: spec } }, "spec.template"]] as const) {
            const views = podViews(type, props);
            assert.deepEqual(views.map((v) => [v.where, v.role]), [[`${base}.driver`, "driver"], [`${base}.executor`, "executor"], [`${base}.executor.template.spec`, "executor"]]);
            const driver = views[0];
            assert.deepEqual(driver.containers.map((c) => [c.name, c.where, c.init]), [["spark-kubernetes-driver", `${base}.driver`, false], ["side", `${base}.driver.sidecars[0]`, false], ["init", `${base}.driver.initContainers`, true]]);
            assert.deepEqual(driver.field("securityContext").value, { runAsUser: 0 }, "pod level = podSecurityContext");
            assert.equal(pathText(driver.field("securityContext").path), `${base}.driver.podSecurityContext`);
            assert.deepEqual(driver.containers[0].field("securityContext").value, { privileged: true }, "Spark container = securityContext");
            assert.deepEqual(driver.field("volumes").value, [{ name: "v" }], "app-wide volumes");
            assert.equal(driver.field("hostPID").value, undefined, "SparkPodSpec has no hostPID");
            assert.deepEqual(driver.metadataField("labels").value, { l: "1" });
            assert.equal(views[2].field("hostPID").value, true);
            assert.deepEqual(views[2].metadataField("labels").value, { t: "1" });
        }
    });

    it("reads SparkConnect server and executor templates (kubeflow/spark-operator v2.5.2 v1alpha1)", () => {
        const props = { spec: { image: "base:1", server: { template: { spec: { containers: [{ name: "spark-kubernetes-driver" }, { name: "proxy", image: "p:1" }], serviceAccount: "connect" } } }, executor: { instances: 2, template: { spec: { containers: [{ name: "other", image: "o:1" }] } } } } };
        assert.deepEqual(podViews(CONNECT, props).map((v) => [v.where, v.role]), [["spec.server.template.spec", "server"], ["spec.executor.template.spec", "executor"]]);
        // Server: the Spark container has no image, so it runs spec.image; executor: no container named spark-kubernetes-executor, the first one is Spark's.
        assert.deepEqual(imageUses(CONNECT, props).map((u) => [u.container, u.image.value]), [
            ["spec.server:spark-kubernetes-driver", "base:1"], ["spec.server.template.spec:proxy", "p:1"], ["spec.executor:spark-kubernetes-executor", "o:1"],
        ]);
        const ids = identityUses(CONNECT, props);
        assert.deepEqual(ids.map((u) => [u.where, u.needsToken, isDefaultServiceAccount(u)]), [["spec.server", true, false], ["spec.executor", false, true]]);
    });

    it("resolves the Spark container's image the way the operator and spark-submit do", () => {
        const app = (spec: Record<string, unknown>) => imageUses(SPARK, { spec }).map((u) => [u.container, u.image.value]);
        assert.deepEqual(app({ image: "base:1", driver: { image: "drv:1" }, executor: {} }), [["spec.driver:spark-kubernetes-driver", "drv:1"], ["spec.executor:spark-kubernetes-executor", "base:1"]]);
        assert.deepEqual(app({ driver: {}, executor: {}, sparkConf: { "spark.kubernetes.container.image": "conf:1", "spark.kubernetes.executor.container.image": "exec:1" } }),
            [["spec.driver:spark-kubernetes-driver", "conf:1"], ["spec.executor:spark-kubernetes-executor", "exec:1"]]);
        // A template's Spark container image is overridden by spec.image; its other containers keep theirs.
        const withTemplate = { image: "base:1", driver: { template: { spec: { containers: [{ name: "spark-kubernetes-driver", image: "tmpl:1" }, { name: "side", image: "side:1" }] } } }, executor: {} };
        assert.deepEqual(app(withTemplate), [["spec.driver:spark-kubernetes-driver", "base:1"], ["spec.driver.template.spec:side", "side:1"], ["spec.executor:spark-kubernetes-executor", "base:1"]]);
        assert.deepEqual(app({ ...withTemplate, image: undefined }).slice(0, 1), [["spec.driver:spark-kubernetes-driver", "tmpl:1"]]);
        // An unknown image decides (and is unknown); it is not skipped in favour of a lower-precedence one.
        assert.deepEqual(app({ image: "base:1", driver: { image: UNKNOWN }, executor: {} })[0], ["spec.driver:spark-kubernetes-driver", UNKNOWN]);
        assert.deepEqual(fieldAt({ spec: UNKNOWN }, ["spec", "driver", "image"]), { value: UNKNOWN, path: ["spec"] });
    });

    it("names each pod's ServiceAccount settings in precedence order; executors fall back to the driver's", () => {
        const ids = identityUses(SPARK, { spec: { sparkConf: { "spark.kubernetes.authenticate.driver.serviceAccountName": "conf-sa" }, driver: { serviceAccount: "drv" }, executor: { template: { spec: { automountServiceAccountToken: false } } } } });
        assert.deepEqual(ids.map((u) => u.serviceAccount.map((f) => pathText(f.path))), [
            ["spec.driver.serviceAccount", 'spec.sparkConf["spark.kubernetes.authenticate.driver.serviceAccountName"]', "spec.driver.template.spec.serviceAccountName", "spec.driver.template.spec.serviceAccount"],
            ["spec.executor.serviceAccount", 'spec.sparkConf["spark.kubernetes.authenticate.executor.serviceAccountName"]', "spec.executor.template.spec.serviceAccountName", "spec.executor.template.spec.serviceAccount",
                "spec.driver.serviceAccount", 'spec.sparkConf["spark.kubernetes.authenticate.driver.serviceAccountName"]'],
        ]);
        assert.deepEqual(ids.map((u) => [isDefaultServiceAccount(u), tokenAutomounted(u), u.needsToken]), [[false, true, true], [false, false, false]]);
        const [dep] = identityUses("kubernetes:apps/v1:Deployment", { spec: { template: { spec: { serviceAccount: "legacy" } } } });
        assert.equal(isDefaultServiceAccount(dep), false);
        const judge = (sa: unknown, automount?: unknown) => {
            const [u] = identityUses("kubernetes:core/v1:Pod", { spec: { serviceAccountName: sa, automountServiceAccountToken: automount } });
            return [isDefaultServiceAccount(u), tokenAutomounted(u)];
        };
        assert.deepEqual(judge(undefined), [true, true]);
        assert.deepEqual(judge(""), [true, true]);
        assert.deepEqual(judge("default", "false"), [true, false]);
        assert.deepEqual(judge(UNKNOWN, UNKNOWN), [undefined, undefined]);
        assert.deepEqual(judge(7, true), [undefined, true]);
    });

    it("collects Spark conf hostPath volumes once per (role, volume)", () => {
        const conf = {
            "spark.kubernetes.driver.volumes.hostPath.a.mount.path": "/data", "spark.kubernetes.driver.volumes.hostPath.a.options.path": "/mnt/a",
            "spark.kubernetes.executor.volumes.hostPath.a.mount.readOnly": "true", "spark.kubernetes.driver.volumes.persistentVolumeClaim.p.mount.path": "/p",
            "spark.kubernetes.driver.volumes.hostPath.b.options.path": UNKNOWN,
        };
        assert.deepEqual(sparkConfHostPaths(SPARK, { spec: { sparkConf: conf } }).paths, [
            { role: "driver", volume: "a", key: "spark.kubernetes.driver.volumes.hostPath.a.*", hostPath: "/mnt/a" },
            { role: "executor", volume: "a", key: "spark.kubernetes.executor.volumes.hostPath.a.*" },
            { role: "driver", volume: "b", key: "spark.kubernetes.driver.volumes.hostPath.b.*" },
        ]);
        assert.deepEqual(sparkConfHostPaths(SCHEDULED, { spec: { template: { sparkConf: UNKNOWN } } }), { paths: [], unknown: { value: UNKNOWN, path: ["spec", "template", "sparkConf"] } });
        assert.deepEqual(sparkConfHostPaths("kubernetes:core/v1:Pod", { spec: { sparkConf: conf } }), { paths: [] });
    });

    it("finds unknown parts that hide pods, and the namespace (metadata, provider, default)", () => {
        assert.deepEqual(unknownPodParts("kubernetes:apps/v1:Deployment", { spec: { template: UNKNOWN } }).map((f) => f.path), [["spec", "template"]]);
        assert.deepEqual(unknownPodParts(SPARK, { spec: { driver: UNKNOWN, executor: { template: { spec: UNKNOWN } } } }).map((f) => f.path), [["spec", "driver"], ["spec", "executor", "template", "spec"]]);
        assert.deepEqual(unknownPodParts("kubernetes:core/v1:Pod", { spec: {} }), []);
        assert.deepEqual(workloadNamespace({ metadata: { namespace: "a" } }), { name: "a" });
        assert.deepEqual(workloadNamespace({}, { type: "pulumi:providers:kubernetes", props: { namespace: "b" } }), { name: "b" });
        assert.deepEqual(workloadNamespace({}, { type: "pulumi:providers:aws", props: { namespace: "b" } }), { name: "default" });
        assert.deepEqual(workloadNamespace({ metadata: { namespace: UNKNOWN } }), { unknown: { value: UNKNOWN, path: ["metadata", "namespace"] } });
        assert.deepEqual(workloadNamespace({}, { type: "pulumi:providers:kubernetes", props: { namespace: UNKNOWN } }), { unknown: { value: UNKNOWN, path: ["namespace"] } });
        assert.equal(workloadLabel(SPARK, { metadata: { name: "etl" } }), 'SparkApplication "etl"');
        assert.equal(workloadLabel(SPARK, { metadata: { name: UNKNOWN } }), "SparkApplication");
    });

    it("never throws on arbitrary input (property)", () => {
        const types = ["kubernetes:core/v1:Pod", "kubernetes:apps/v1:Deployment", "kubernetes:batch/v1:CronJob", SPARK, SCHEDULED, CONNECT];
        fc.assert(fc.property(fc.constantFrom(...types), fc.anything({ maxDepth: 6, withNullPrototype: true }), (type, props) => {
            for (const v of podViews(type, props)) {
                v.field("hostNetwork");
                v.metadataField("annotations");
                v.containers.forEach((c) => c.field("securityContext"));
            }
            imageUses(type, props);
            identityUses(type, props).forEach((u) => [isDefaultServiceAccount(u), tokenAutomounted(u)]);
            sparkConfHostPaths(type, props);
            unknownPodParts(type, props);
            workloadNamespace(props);
        }), { numRuns: 300, seed: 12 });
    });
});
