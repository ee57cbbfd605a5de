import { strict as assert } from "assert";
import * as yaml from "js-yaml";
import { DRIVER_NODE_LABEL, DRIVER_TOLERATIONS, SPARK_UID } from "../../../lib/platform";
import {
    DECOMMISSION_FORCE_KILL_SECONDS, EXECUTOR_TERMINATION_GRACE_SECONDS, executorAffinity, platformSparkDefaults, SPARK_APPLICATION_DEFAULTS_KEY,
    sparkApplicationDefaults, SPARK_DEFAULTS_CONF_KEY, sparkDefaultsConfigMapData,
} from "../../../components/tenancy/spark-defaults";
import { POD_IDENTITY_CREDENTIALS_PROVIDER, renderSparkDefaultsConf } from "../../../components/shared/spark-conf";
import { restrictedProblems } from "../../examples/support";
import { esmImport } from "../../helpers/esm";

// kubernetes-models is ESM-only; a real dynamic import loads it.

const BUCKET = "moka-dev-team-ads-ranking-111111111111";
const INPUT = { bucket: BUCKET, eventLogPrefix: "spark-events", team: "ads-ranking", region: "us-west-2" };

describe("spark-defaults: platformSparkDefaults", () => {
    const props = platformSparkDefaults(INPUT);

    const expected: [string, string][] = [
        ["spark.eventLog.enabled", "true"],
        ["spark.eventLog.dir", `s3a://${BUCKET}/spark-events/`],
        ["spark.eventLog.rolling.enabled", "true"],
        ["spark.eventLog.rolling.maxFileSize", "64m"],
        ["spark.ui.prometheus.enabled", "true"],
        ["spark.metrics.conf.*.sink.prometheusServlet.class", "org.apache.spark.metrics.sink.PrometheusServlet"],
        ["spark.metrics.conf.*.sink.prometheusServlet.path", "/metrics/prometheus"],
        ["spark.metrics.appStatusSource.enabled", "true"],
        ["spark.metrics.namespace", "spark"],
        ["spark.hadoop.fs.s3a.impl", "org.apache.hadoop.fs.s3a.S3AFileSystem"],
        ["spark.hadoop.fs.s3a.aws.credentials.provider", "software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider"],
        ["spark.hadoop.fs.s3a.endpoint.region", "us-west-2"],
        ["spark.decommission.enabled", "true"],
        ["spark.storage.decommission.enabled", "true"],
        ["spark.storage.decommission.shuffleBlocks.enabled", "true"],
        ["spark.storage.decommission.rddBlocks.enabled", "true"],
        ["spark.executor.decommission.forceKillTimeout", "110s"],
        ["spark.kubernetes.scheduler.name", "yunikorn"],
        ["spark.kubernetes.driver.label.queue", "root.ads-ranking"],
        ["spark.kubernetes.executor.label.queue", "root.ads-ranking"],
        ["spark.kubernetes.driver.annotation.karpenter.sh/do-not-disrupt", "true"],
    ];
    for (const [key, value] of expected) {
        it(`sets ${key} = ${value}`, () => assert.equal(props[key], value));
    }

    it("sets exactly these keys", () => {
        assert.deepEqual(Object.keys(props).sort(), expected.map(([k]) => k).sort());
    });

    it("does not point spark-submit at pod template files it cannot read (see file header)", () => {
        assert.ok(!Object.keys(props).some((k) => k.includes("podTemplateFile")));
    });

    it("is deterministic", () => {
        assert.deepEqual(platformSparkDefaults(INPUT), props);
        assert.equal(renderSparkDefaultsConf(platformSparkDefaults(INPUT)), renderSparkDefaultsConf(props));
    });

    it("puts each team's event logs in its own bucket", () => {
        const other = platformSparkDefaults({ ...INPUT, bucket: "moka-dev-team-growth-111111111111", team: "growth" });
        assert.equal(other["spark.eventLog.dir"], "s3a://moka-dev-team-growth-111111111111/spark-events/");
        assert.equal(other["spark.kubernetes.driver.label.queue"], "root.growth");
    });

    it("accepts a credentials provider override (Hadoop 3.3 images)", () => {
        const p = platformSparkDefaults({ ...INPUT, credentialsProvider: "com.example.Provider" });
        assert.equal(p["spark.hadoop.fs.s3a.aws.credentials.provider"], "com.example.Provider");
        assert.equal(POD_IDENTITY_CREDENTIALS_PROVIDER, "software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider");
    });

    const bad: [string, Partial<typeof INPUT>, string][] = [
        ["bucket ARN instead of name", { bucket: "arn:aws:s3:::b" }, "platformSparkDefaults: bucket \"arn:aws:s3:::b\" is not an S3 bucket name"],
        ["prefix with trailing slash", { eventLogPrefix: "spark-events/" }, "platformSparkDefaults: eventLogPrefix \"spark-events/\" must be a non-empty S3 prefix without leading or trailing '/'"],
        ["empty prefix", { eventLogPrefix: "" }, "platformSparkDefaults: eventLogPrefix \"\" must be a non-empty S3 prefix without leading or trailing '/'"],
        ["empty team", { team: "" }, "platformSparkDefaults: team must not be empty"],
        ["bad region", { region: "west" }, "platformSparkDefaults: region \"west\" is not an AWS region"],
    ];
    for (const [label, patch, message] of bad) {
        it(`rejects ${label}`, () => assert.throws(() => platformSparkDefaults({ ...INPUT, ...patch }), { message }));
    }
});

describe("spark-defaults: renderSparkDefaultsConf", () => {
    it("renders sorted `key value` lines after a header", () => {
        const text = renderSparkDefaultsConf({ "spark.b": "2", "spark.a": "1 2" });
        assert.equal(text, "# Managed by the Moka platform (Pulumi). Do not edit: changes are overwritten.\nspark.a 1 2\nspark.b 2\n");
    });

    it("round-trips every platform property", () => {
        const props = platformSparkDefaults(INPUT);
        const lines = renderSparkDefaultsConf(props).split("\n").filter((l) => l && !l.startsWith("#"));
        const parsed = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(" ")), l.slice(l.indexOf(" ") + 1)]));
        assert.deepEqual(parsed, props);
    });

    const bad: [string, Record<string, string>, string][] = [
        ["a key with a space", { "spark a": "1" }, "renderSparkDefaultsConf: key \"spark a\" is empty or contains whitespace"],
        ["an empty key", { "": "1" }, "renderSparkDefaultsConf: key \"\" is empty or contains whitespace"],
        ["a value with a newline", { "spark.a": "1\nspark.b 2" }, "renderSparkDefaultsConf: value of \"spark.a\" contains a line break"],
    ];
    for (const [label, props, message] of bad) {
        it(`rejects ${label}`, () => assert.throws(() => renderSparkDefaultsConf(props), { message }));
    }
});

/**
 * Fields of kubeflow/spark-operator v2.5.2 api/v1beta2/sparkapplication_types.go the fragment may use
 * (SparkApplicationSpec; SparkPodSpec, inlined into DriverSpec and ExecutorSpec).
 */
const SPEC_FIELDS = ["batchScheduler", "batchSchedulerOptions", "sparkConf"];
const POD_FIELDS = ["serviceAccount", "annotations", "nodeSelector", "tolerations", "affinity", "terminationGracePeriodSeconds", "podSecurityContext", "securityContext"];

describe("spark-defaults: sparkApplicationDefaults (the spot-safe spec fragment)", () => {
    let Pod: any;
    const d = sparkApplicationDefaults(INPUT);
    before(async () => {
        ({ Pod } = await esmImport("kubernetes-models/v1/Pod"));
    });

    it("uses only SparkApplication v1beta2 spec fields (operator v2.5.2)", () => {
        assert.deepEqual(Object.keys(d).filter((k) => k !== "driver" && k !== "executor").sort(), [...SPEC_FIELDS].sort());
        for (const role of ["driver", "executor"] as const) {
            for (const k of Object.keys(d[role])) {
                assert.ok(POD_FIELDS.includes(k), `${role}.${k}`);
            }
        }
    });

    it("YuniKorn with the team queue, the platform Spark properties, the team ServiceAccount", () => {
        assert.equal(d.batchScheduler, "yunikorn");
        assert.deepEqual(d.batchSchedulerOptions, { queue: "root.ads-ranking" });
        assert.deepEqual(d.sparkConf, platformSparkDefaults(INPUT));
        assert.equal(d.driver.serviceAccount, "spark");
        assert.equal(d.executor.serviceAccount, "spark");
    });

    it("driver: karpenter.sh/do-not-disrupt, on the on-demand driver pool", () => {
        assert.deepEqual(d.driver.annotations, { "karpenter.sh/do-not-disrupt": "true" });
        assert.deepEqual(d.driver.nodeSelector, { ...DRIVER_NODE_LABEL, "karpenter.sh/capacity-type": "on-demand" });
        assert.deepEqual(d.driver.tolerations, DRIVER_TOLERATIONS);
        assert.equal((d.driver as any).affinity, undefined);
        assert.equal((d.driver as any).terminationGracePeriodSeconds, undefined);
    });

    it("executor: a grace period longer than the decommission force-kill timeout, no lifecycle (it would replace Spark's decom.sh preStop)", () => {
        assert.equal(d.executor.terminationGracePeriodSeconds, EXECUTOR_TERMINATION_GRACE_SECONDS);
        const forceKill = Number(d.sparkConf["spark.executor.decommission.forceKillTimeout"].replace(/s$/, ""));
        assert.equal(forceKill, DECOMMISSION_FORCE_KILL_SECONDS);
        assert.ok(d.executor.terminationGracePeriodSeconds > forceKill, `${d.executor.terminationGracePeriodSeconds} > ${forceKill}`);
        assert.equal(d.sparkConf["spark.decommission.enabled"], "true");
        assert.equal((d.executor as any).lifecycle, undefined);
        assert.equal((d.executor as any).annotations?.["karpenter.sh/do-not-disrupt"], undefined, "executors stay disruptible (decommissioning covers them)");
    });

    for (const role of ["driver", "executor"] as const) {
        it(`${role}: as a pod it validates as a v1 Pod and passes the restricted Pod Security Standard`, () => {
            const f = d[role] as any;
            const spec = {
                securityContext: f.podSecurityContext, nodeSelector: f.nodeSelector, tolerations: f.tolerations, affinity: f.affinity,
                terminationGracePeriodSeconds: f.terminationGracePeriodSeconds, serviceAccountName: f.serviceAccount,
                containers: [{ name: `spark-kubernetes-${role}`, image: "spark:4.1.2", securityContext: f.securityContext }],
            };
            new Pod({ apiVersion: "v1", kind: "Pod", metadata: { name: "x", annotations: f.annotations }, spec }).validate();
            assert.deepEqual(restrictedProblems(spec), []);
            assert.deepEqual(f.podSecurityContext, {
                runAsNonRoot: true, runAsUser: SPARK_UID, runAsGroup: SPARK_UID, fsGroup: SPARK_UID, seccompProfile: { type: "RuntimeDefault" },
            });
            assert.deepEqual(f.securityContext, { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, runAsNonRoot: true, runAsUser: SPARK_UID });
        });
    }

    it("the PSA checker catches a violating spec (self-test)", () => {
        const spec = { containers: [{ name: "c", securityContext: { allowPrivilegeEscalation: true } }] };
        assert.deepEqual(restrictedProblems(spec), [
            "c: allowPrivilegeEscalation must be false",
            "c: capabilities must drop ALL",
            "c: runAsNonRoot must be true",
            "c: seccompProfile must be RuntimeDefault or Localhost",
        ]);
    });

    const affinityTable: [string, ("arm64" | "amd64")[], string[], string[] | undefined][] = [
        ["Graviton and x86 executor pools", ["arm64", "amd64"], ["arm64", "amd64"], ["arm64"]],
        ["Graviton executor pools only", ["arm64"], ["arm64"], undefined],
        ["x86 executor pools only", ["amd64"], ["amd64"], undefined],
    ];
    for (const [title, archs, required, preferred] of affinityTable) {
        it(`executor affinity from the pools' architectures: ${title}`, () => {
            const affinity = (sparkApplicationDefaults({ ...INPUT, executorArchitectures: archs }).executor.affinity as any).nodeAffinity;
            assert.deepEqual(affinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms, [
                { matchExpressions: [{ key: "kubernetes.io/arch", operator: "In", values: required }] },
            ]);
            assert.deepEqual(affinity.preferredDuringSchedulingIgnoredDuringExecution?.map((p: any) => [p.weight, p.preference.matchExpressions[0].values]),
                preferred === undefined ? undefined : [[100, preferred]]);
            assert.deepEqual(executorAffinity(archs).nodeAffinity, affinity);
        });
    }
    it("executor affinity needs at least one architecture", () => {
        assert.throws(() => executorAffinity([]), { message: "executorAffinity: architectures must list at least one architecture (no executor pool?)" });
    });
});

describe("spark-defaults: sparkDefaultsConfigMapData", () => {
    it("holds exactly the conf file and the SparkApplication defaults (no pod templates: the operator never reads them)", () => {
        const data = sparkDefaultsConfigMapData(INPUT);
        assert.deepEqual(Object.keys(data), [SPARK_DEFAULTS_CONF_KEY, SPARK_APPLICATION_DEFAULTS_KEY]);
        assert.deepEqual(Object.keys(data), ["spark-defaults.conf", "sparkapplication-defaults.yaml"]);
        assert.equal(data[SPARK_DEFAULTS_CONF_KEY], renderSparkDefaultsConf(platformSparkDefaults(INPUT)));
        assert.deepEqual(yaml.load(data[SPARK_APPLICATION_DEFAULTS_KEY]), sparkApplicationDefaults(INPUT));
    });

    it("the executor affinity follows the executor pools' architectures", () => {
        const data = sparkDefaultsConfigMapData({ ...INPUT, executorArchitectures: ["amd64"] });
        assert.deepEqual((yaml.load(data[SPARK_APPLICATION_DEFAULTS_KEY]) as any).executor.affinity, executorAffinity(["amd64"]));
    });
});
