import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { DRIVER_NODE_LABEL, DRIVER_TOLERATIONS } from "../../lib/platform";
import {
    executorAffinity, platformSparkDefaults, sparkContainerSecurityContext, sparkPodSecurityContext,
} from "../../components/tenancy/spark-defaults";
import { buildContractOutputs, TeamSource } from "../../contract";
import { MockRunResult, PROJECT_ROOT, readStackConfig, runUnderMocks } from "../../preview/mocks";
import { byName, ofType } from "../helpers/resources";
import { mockStackReferences, restrictedProblems } from "./support";
import { esmImport } from "../helpers/esm";

// kubernetes-models is ESM-only; a real dynamic import loads it.

const EXAMPLE_DIR = path.join(PROJECT_ROOT, "examples", "team-spark-job");
const PLATFORM_STACK = "acme/moka/dev";
const REPO = "222222222222.dkr.ecr.us-west-2.amazonaws.com/moka-dev/spark";
const EVENT_BUCKET = "moka-dev-spark-events-222222222222";
const SPARK_APP = "kubernetes:sparkoperator.k8s.io/v1beta2:SparkApplication";

function loadExample(): () => Promise<Record<string, unknown>> {

    return require(EXAMPLE_DIR);
}

function team(name: string): TeamSource {
    return {
        teamName: name, namespace: name, serviceAccount: "spark", roleArn: `arn:aws:iam::222222222222:role/moka-dev-team-${name}`,
        queue: `root.${name}`, dataPrefix: `teams/${name}`,
        sparkDefaults: platformSparkDefaults({ eventLogBucket: EVENT_BUCKET, eventLogPrefix: "spark-events", team: name, region: "us-west-2" }),
    };
}

/** The dev platform stack's outputs, as the platform program would publish them. */
async function platformOutputs(): Promise<Record<string, unknown>> {
    const r = await runUnderMocks({
        stack: "dev", config: { "aws:region": "us-west-2", "moka:accountId": "222222222222" },
        program: () => buildContractOutputs({
            region: "us-west-2",
            cluster: {
                name: "moka-dev", endpoint: "https://moka-dev.gr7.us-west-2.eks.amazonaws.com",
                kubeconfig: { apiVersion: "v1", kind: "Config", "current-context": "moka-dev" },
                oidcProviderArn: "arn:aws:iam::222222222222:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/MOKADEV",
                oidcProviderUrl: "https://oidc.eks.us-west-2.amazonaws.com/id/MOKADEV",
            },
            storage: { eventLogBucket: EVENT_BUCKET, dataBucket: "moka-dev-data-222222222222" },
            historyServerUrls: { "ads-ranking": "http://history-ads-ranking.spark-history.svc:18080", growth: "http://history-growth.spark-history.svc:18080" },
            imageRepositories: { spark: REPO },
            teams: [team("ads-ranking"), team("growth")],
        }),
    });
    return r.outputs;
}

function runExample(published: Record<string, unknown>, overrides: Record<string, string> = {}): Promise<MockRunResult> {
    const program = loadExample();
    return runUnderMocks({
        stack: "dev",
        config: { ...readStackConfig("dev", EXAMPLE_DIR), ...overrides },
        program: () => {
            mockStackReferences({ [PLATFORM_STACK]: { outputs: published, secretOutputNames: ["kubeconfig"] } });
            return program();
        },
    });
}

describe("examples/team-spark-job", () => {
    let published: Record<string, unknown>;
    let res: MockRunResult;
    let app: any;
    let models: Record<string, any>;

    before(async () => {
        const names = ["PodSecurityContext", "SecurityContext", "Affinity", "Toleration"];
        const mods = await Promise.all(names.map((n) => esmImport(`kubernetes-models/v1/${n}`)));
        models = Object.fromEntries(names.map((n, i) => [n, mods[i][n]]));
        published = await platformOutputs();
        res = await runExample(published);
        app = byName(res.resources, "spark-pi");
    });

    it("is a function export (runs under mocks) and exports the app name", () => {
        assert.equal(typeof loadExample(), "function");
        assert.deepEqual(res.outputs, { appName: "spark-pi", namespace: "ads-ranking", historyServerUrl: "http://history-ads-ranking.spark-history.svc:18080" });
    });

    it("creates exactly a Kubernetes provider from the platform kubeconfig and one SparkApplication", () => {
        assert.deepEqual(res.resources.map((r) => r.type).sort(), ["pulumi:providers:kubernetes", SPARK_APP].sort());
        const provider = byName(res.resources, "platform");
        // Passed through as a secret (the engine's secret envelope), never as plain text.
        assert.equal(provider.inputs.kubeconfig["4dabf18193072939515e22adb298388d"], "1b47061264138c4ac30d75fd1eb44270");
        assert.equal(provider.inputs.kubeconfig.value, published.kubeconfig);
        assert.ok(app.provider?.startsWith(`${provider.urn}::`));
    });

    it("deploys into the team namespace as the team ServiceAccount", () => {
        assert.equal(app.inputs.apiVersion, "sparkoperator.k8s.io/v1beta2");
        assert.equal(app.inputs.kind, "SparkApplication");
        assert.deepEqual(app.inputs.metadata, { name: "spark-pi", namespace: "ads-ranking", labels: { "app.kubernetes.io/name": "spark-pi" } });
        assert.equal(app.inputs.spec.driver.serviceAccount, "spark");
        assert.equal(app.inputs.spec.executor.serviceAccount, "spark");
    });

    it("uses YuniKorn with the team queue and mounts the spark-defaults ConfigMap", () => {
        const spec = app.inputs.spec;
        assert.equal(spec.batchScheduler, "yunikorn");
        assert.deepEqual(spec.batchSchedulerOptions, { queue: "root.ads-ranking" });
        assert.equal(spec.sparkConfigMap, "spark-defaults");
    });

    it("merges the platform Spark properties into spec.sparkConf (spark-submit ignores the mounted spark-defaults.conf)", () => {
        assert.deepEqual(app.inputs.spec.sparkConf, platformSparkDefaults({ eventLogBucket: EVENT_BUCKET, eventLogPrefix: "spark-events", team: "ads-ranking", region: "us-west-2" }));
    });

    it("runs the platform Spark image with a pinned tag", () => {
        assert.equal(app.inputs.spec.image, `${REPO}:4.1.2-r2`);
        assert.equal(app.inputs.spec.sparkVersion, "4.1.2");
        assert.equal(app.inputs.spec.mainApplicationFile, "local:///opt/spark/examples/jars/spark-examples_2.13-4.1.2.jar");
    });

    for (const role of ["driver", "executor"] as const) {
        it(`${role}: restricted-PSA security contexts identical to the platform pod templates`, () => {
            const s = app.inputs.spec[role];
            assert.deepEqual(s.podSecurityContext, sparkPodSecurityContext());
            assert.deepEqual(s.securityContext, sparkContainerSecurityContext());
            new models.PodSecurityContext(s.podSecurityContext).validate();
            new models.SecurityContext(s.securityContext).validate();
            assert.deepEqual(restrictedProblems({ securityContext: s.podSecurityContext, containers: [{ name: role, securityContext: s.securityContext }] }), []);
        });
    }

    it("driver: tolerates the driver-pool taint and selects the driver pool", () => {
        const d = app.inputs.spec.driver;
        assert.deepEqual(d.tolerations, DRIVER_TOLERATIONS);
        assert.deepEqual(d.nodeSelector, DRIVER_NODE_LABEL);
        for (const t of d.tolerations) {
            new models.Toleration(t).validate();
        }
        assert.equal(d.affinity, undefined);
    });

    it("executor: requires arm64|amd64, prefers arm64 (weight 100), no driver-pool toleration", () => {
        const e = app.inputs.spec.executor;
        assert.deepEqual(e.affinity, executorAffinity());
        new models.Affinity(e.affinity).validate();
        assert.equal(e.tolerations, undefined);
        assert.equal(e.nodeSelector, undefined);
    });

    it("targets another team by config", async () => {
        const r = await runExample(published, { "team-spark-job:team": "growth" });
        const spec = byName(r.resources, "spark-pi").inputs;
        assert.equal(spec.metadata.namespace, "growth");
        assert.deepEqual(spec.spec.batchSchedulerOptions, { queue: "root.growth" });
        assert.equal(spec.spec.sparkConf["spark.eventLog.dir"], `s3a://${EVENT_BUCKET}/spark-events/growth/`);
        assert.equal(ofType(r.resources, SPARK_APP).length, 1);
    });

    it("rejects an unpinned image tag", async () => {
        await assert.rejects(runExample(published, { "team-spark-job:imageTag": "latest" }),
            { message: "team-spark-job:imageTag \"latest\" must be a pinned image tag (not \"latest\")" });
    });
});

describe("examples/team-spark-job: project files", () => {
    it("Pulumi.yaml: project team-spark-job on the nodejs runtime, declaring its config", () => {
        const doc = yaml.load(fs.readFileSync(path.join(EXAMPLE_DIR, "Pulumi.yaml"), "utf8")) as any;
        assert.equal(doc.name, "team-spark-job");
        assert.equal(doc.runtime.name, "nodejs");
        assert.deepEqual(Object.keys(doc.config).sort(), ["imageTag", "platformStack", "team"]);
    });

    it("Pulumi.dev.yaml: every key is in the project's namespace and names a fully qualified platform stack", () => {
        const cfg = readStackConfig("dev", EXAMPLE_DIR);
        assert.ok(Object.keys(cfg).every((k) => k.startsWith("team-spark-job:")), Object.keys(cfg).join(", "));
        assert.match(cfg["team-spark-job:platformStack"], /^[^/]+\/[^/]+\/[^/]+$/);
        assert.notEqual(cfg["team-spark-job:imageTag"], "latest");
    });

    it("package.json depends on nothing the repository root does not already install (same ranges)", () => {
        const root = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8"));
        const pkg = JSON.parse(fs.readFileSync(path.join(EXAMPLE_DIR, "package.json"), "utf8"));
        assert.equal(pkg.devDependencies, undefined);
        for (const [dep, range] of Object.entries(pkg.dependencies ?? {})) {
            assert.equal(root.dependencies[dep], range, dep);
        }
    });

    it("index.ts imports only those packages and the contract", () => {
        const text = fs.readFileSync(path.join(EXAMPLE_DIR, "index.ts"), "utf8");
        const specifiers = [...text.matchAll(/from\s+["']([^"']+)["']/g)].map((m) => m[1]).sort();
        assert.deepEqual(specifiers, ["../../contract", "@pulumi/kubernetes", "@pulumi/pulumi"]);
    });
});
