import { strict as assert } from "assert";
import * as yaml from "js-yaml";
import { DRIVER_NODE_LABEL, DRIVER_TOLERATIONS, SPARK_UID } from "../../../lib/platform";
import {
    DRIVER_CONTAINER_NAME, DRIVER_POD_TEMPLATE_KEY, driverPodTemplate, EXECUTOR_CONTAINER_NAME, EXECUTOR_POD_TEMPLATE_KEY,
    EXECUTOR_TERMINATION_GRACE_SECONDS, executorAffinity, executorPodTemplate, platformSparkDefaults,
    podTemplateYaml, SPARK_DEFAULTS_CONF_KEY, sparkDefaultsConfigMapData,
} from "../../../components/tenancy/spark-defaults";
import { POD_IDENTITY_CREDENTIALS_PROVIDER, renderSparkDefaultsConf } from "../../../components/shared/spark-conf";
import { restrictedProblems } from "../../examples/support";
import { esmImport } from "../../helpers/esm";

// kubernetes-models is ESM-only; a real dynamic import loads it.

const INPUT = { eventLogBucket: "moka-dev-spark-events-111111111111", eventLogPrefix: "spark-events", team: "ads-ranking", region: "us-west-2" };

describe("spark-defaults: platformSparkDefaults", () => {
    const props = platformSparkDefaults(INPUT);

    const expected: [string, string][] = [
        ["spark.eventLog.enabled", "true"],
        ["spark.eventLog.dir", "s3a://moka-dev-spark-events-111111111111/spark-events/ads-ranking/"],
        ["spark.eventLog.rolling.enabled", "true"],
        ["spark.eventLog.rolling.maxFileSize", "64m"],
        ["spark.ui.prometheus.enabled", "true"],
        ["spark.metrics.conf.*.sink.prometheusServlet.class", "org.apache.spark.metrics.sink.PrometheusServlet"],
        ["spark.metrics.conf.*.sink.prometheusServlet.path", "/metrics/prometheus"],
        ["spark.metrics.appStatusSource.enabled", "true"],
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

    it("puts each team in its own event-log directory", () => {
        const other = platformSparkDefaults({ ...INPUT, team: "growth" });
        assert.equal(other["spark.eventLog.dir"], "s3a://moka-dev-spark-events-111111111111/spark-events/growth/");
        assert.equal(other["spark.kubernetes.driver.label.queue"], "root.growth");
    });

    it("accepts a credentials provider override (Hadoop 3.3 images)", () => {
        const p = platformSparkDefaults({ ...INPUT, credentialsProvider: "com.example.Provider" });
        assert.equal(p["spark.hadoop.fs.s3a.aws.credentials.provider"], "com.example.Provider");
        assert.equal(POD_IDENTITY_CREDENTIALS_PROVIDER, "software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider");
    });

    const bad: [string, Partial<typeof INPUT>, string][] = [
        ["bucket ARN instead of name", { eventLogBucket: "arn:aws:s3:::b" }, "platformSparkDefaults: eventLogBucket \"arn:aws:s3:::b\" is not an S3 bucket name"],
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

describe("spark-defaults: pod templates", () => {
    let Pod: any;
    before(async () => {
        ({ Pod } = await esmImport("kubernetes-models/v1/Pod"));
    });

    const templates: [string, any, string][] = [
        ["driver", driverPodTemplate(), DRIVER_CONTAINER_NAME],
        ["executor", executorPodTemplate(), EXECUTOR_CONTAINER_NAME],
    ];
    for (const [role, template, container] of templates) {
        it(`${role}: validates as a v1 Pod`, () => {
            new Pod(template).validate();
        });

        it(`${role}: the YAML form parses back to the same object and validates`, () => {
            const parsed = yaml.load(podTemplateYaml(template)) as any;
            assert.deepEqual(parsed, template);
            new Pod(parsed).validate();
        });

        it(`${role}: passes the restricted Pod Security Standard`, () => {
            assert.deepEqual(restrictedProblems(template.spec), []);
        });

        it(`${role}: runs as the Spark user with RuntimeDefault seccomp`, () => {
            assert.deepEqual(template.spec.securityContext, {
                runAsNonRoot: true, runAsUser: SPARK_UID, runAsGroup: SPARK_UID, fsGroup: SPARK_UID, seccompProfile: { type: "RuntimeDefault" },
            });
            assert.equal(template.spec.containers.length, 1);
            assert.equal(template.spec.containers[0].name, container);
            assert.deepEqual(template.spec.containers[0].securityContext, {
                allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, runAsNonRoot: true, runAsUser: SPARK_UID,
            });
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

    it("driver: tolerates the driver taint and selects the driver pool", () => {
        const spec = driverPodTemplate().spec as any;
        assert.deepEqual(spec.tolerations, DRIVER_TOLERATIONS);
        assert.deepEqual(spec.nodeSelector, DRIVER_NODE_LABEL);
        assert.equal(spec.affinity, undefined);
    });

    it("executor: requires arm64 or amd64 and prefers arm64 with weight 100; no driver-pool toleration", () => {
        const spec = executorPodTemplate().spec as any;
        assert.deepEqual(spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms, [
            { matchExpressions: [{ key: "kubernetes.io/arch", operator: "In", values: ["arm64", "amd64"] }] },
        ]);
        assert.deepEqual(spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution, [
            { weight: 100, preference: { matchExpressions: [{ key: "kubernetes.io/arch", operator: "In", values: ["arm64"] }] } },
        ]);
        assert.equal(spec.tolerations, undefined);
        assert.equal(spec.nodeSelector, undefined);
    });

    const affinityTable: [string, ("arm64" | "amd64")[], string[], string[] | undefined][] = [
        ["Graviton and x86 executor pools", ["arm64", "amd64"], ["arm64", "amd64"], ["arm64"]],
        ["Graviton executor pools only", ["arm64"], ["arm64"], undefined],
        ["x86 executor pools only", ["amd64"], ["amd64"], undefined],
    ];
    for (const [title, archs, required, preferred] of affinityTable) {
        it(`executor affinity from the pools' architectures: ${title}`, () => {
            const affinity = (executorPodTemplate(archs).spec as any).affinity.nodeAffinity;
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

    it("executor: gives decommissioning time beyond Spark's force-kill timeout", () => {
        const spec = executorPodTemplate().spec as any;
        assert.equal(spec.terminationGracePeriodSeconds, EXECUTOR_TERMINATION_GRACE_SECONDS);
        const timeout = Number(platformSparkDefaults(INPUT)["spark.executor.decommission.forceKillTimeout"].replace("s", ""));
        assert.ok(timeout < EXECUTOR_TERMINATION_GRACE_SECONDS);
    });
});

describe("spark-defaults: sparkDefaultsConfigMapData", () => {
    it("holds exactly the conf file and both templates", () => {
        const data = sparkDefaultsConfigMapData(INPUT);
        assert.deepEqual(Object.keys(data).sort(), [DRIVER_POD_TEMPLATE_KEY, EXECUTOR_POD_TEMPLATE_KEY, SPARK_DEFAULTS_CONF_KEY].sort());
        assert.deepEqual(Object.keys(data), ["spark-defaults.conf", "driver-pod-template.yaml", "executor-pod-template.yaml"]);
        assert.equal(data[SPARK_DEFAULTS_CONF_KEY], renderSparkDefaultsConf(platformSparkDefaults(INPUT)));
        assert.deepEqual(yaml.load(data[DRIVER_POD_TEMPLATE_KEY]), driverPodTemplate());
        assert.deepEqual(yaml.load(data[EXECUTOR_POD_TEMPLATE_KEY]), executorPodTemplate());
    });

    it("the executor template follows the executor pools' architectures", () => {
        const data = sparkDefaultsConfigMapData({ ...INPUT, executorArchitectures: ["amd64"] });
        assert.deepEqual(yaml.load(data[EXECUTOR_POD_TEMPLATE_KEY]), executorPodTemplate(["amd64"]));
        assert.notDeepEqual(executorPodTemplate(["amd64"]), executorPodTemplate());
    });
});
