/**
 * The program under mocks, against what the platform publishes (tests/fixtures/platform-dev.json: the dev
 * platform stack's contract outputs; the platform repository's own tests keep it equal to the real thing).
 * Then every resource goes through the platform's guardrail packs, started exactly as the Pulumi CLI starts
 * them, from the installed @moka/guardrails package.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { readStackConfig, runProgram, RunResult } from "./mocks";
import { imageTagProblem } from "../app";

const ROOT = path.join(__dirname, "..");
const PLATFORM = JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", "platform-dev.json"), "utf8")) as Record<string, any>;
const CONFIG = readStackConfig(fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8"));
const SPARK_APP = "kubernetes:sparkoperator.k8s.io/v1beta2:SparkApplication";

function run(overrides: Record<string, string> = {}): Promise<RunResult> {
    // A fresh copy of the program module per run (it is a function export, so requiring once would do too).
    const program = require(path.join(ROOT, "index")) as () => Promise<Record<string, unknown>>;
    return runProgram(program, {
        project: "team-spark-job",
        stack: "dev",
        config: { ...CONFIG, ...overrides },
        stackReferences: { [CONFIG["team-spark-job:platformStack"]]: { outputs: PLATFORM, secretOutputNames: ["kubeconfig"] } },
    });
}

describe("team-spark-job under mocks", () => {
    let res: RunResult;
    let spec: any;
    const team = PLATFORM.teams[CONFIG["team-spark-job:team"]];

    before(async () => {
        res = await run();
        spec = res.resources.find((r) => r.type === SPARK_APP)!.inputs.spec;
    });

    it("creates exactly a Kubernetes provider from the platform kubeconfig and one SparkApplication", () => {
        assert.deepEqual(res.resources.map((r) => r.type).sort(), ["pulumi:providers:kubernetes", SPARK_APP].sort());
        // Passed through as a secret (Pulumi's secret envelope on the wire), never as plain text.
        assert.deepEqual(res.resources.find((r) => r.type === "pulumi:providers:kubernetes")!.inputs.kubeconfig,
            { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: PLATFORM.kubeconfig });
    });

    it("deploys into the team namespace, in the team's YuniKorn queue, as the team ServiceAccount", () => {
        const app = res.resources.find((r) => r.type === SPARK_APP)!.inputs;
        assert.deepEqual(app.metadata, { name: "spark-pi", namespace: team.namespace, labels: { "app.kubernetes.io/name": "spark-pi" } });
        assert.equal(spec.batchScheduler, "yunikorn");
        assert.deepEqual(spec.batchSchedulerOptions, { queue: team.queue });
        assert.equal(spec.driver.serviceAccount, team.serviceAccount);
        assert.equal(spec.executor.serviceAccount, team.serviceAccount);
        assert.deepEqual(res.outputs, { appName: "spark-pi", namespace: team.namespace, queue: team.queue, eventLogUri: team.eventLogUri, historyServerUrl: team.historyServerUrl });
    });

    it("uses the team's bucket: event logs and warehouse, with every platform Spark property", () => {
        assert.deepEqual(spec.sparkConf, { ...team.sparkConf, "spark.sql.warehouse.dir": `${team.dataUri}warehouse/` });
        assert.equal(spec.sparkConf["spark.eventLog.dir"], team.eventLogUri);
        assert.ok(team.eventLogUri.startsWith(`s3a://${team.bucket}/`) && team.dataUri.startsWith(`s3a://${team.bucket}/`));
    });

    it("is spot-safe: the driver is do-not-disrupt on on-demand capacity; executors outlive the decommission force-kill timeout", () => {
        assert.equal(spec.driver.annotations["karpenter.sh/do-not-disrupt"], "true");
        assert.equal(spec.driver.nodeSelector["karpenter.sh/capacity-type"], "on-demand");
        assert.deepEqual(spec.driver.tolerations, team.sparkApplicationDefaults.driver.tolerations);
        const forceKill = Number(spec.sparkConf["spark.executor.decommission.forceKillTimeout"].replace(/s$/, ""));
        assert.ok(spec.executor.terminationGracePeriodSeconds > forceKill, `${spec.executor.terminationGracePeriodSeconds} > ${forceKill}`);
        assert.equal(spec.executor.lifecycle, undefined, "a lifecycle would replace Spark's decommission preStop hook");
        assert.equal(spec.sparkConf["spark.decommission.enabled"], "true");
    });

    it("keeps every platform default and adds only the app's settings", () => {
        const d = team.sparkApplicationDefaults;
        assert.deepEqual(spec.driver, { ...d.driver, cores: 1, memory: "2g" });
        assert.deepEqual(spec.executor, { ...d.executor, instances: 2, cores: 2, memory: "4g" });
    });

    it("runs the platform's Spark image, pinned by digest, with its Spark release (contract sparkImage, sparkVersion)", () => {
        assert.equal(spec.image, PLATFORM.sparkImage);
        assert.match(spec.image, /^[^@]+:[\w.-]+@sha256:[0-9a-f]{64}$/);
        assert.equal(spec.sparkVersion, PLATFORM.sparkVersion);
        assert.equal(spec.mainApplicationFile, `local:///opt/spark/examples/jars/spark-examples_2.13-${PLATFORM.sparkVersion}.jar`);
        assert.equal(imageTagProblem("latest"), "imageTag \"latest\" must be a pinned image tag (not \"latest\")");
    });

    it("an imageTag in config picks another tag of the platform's spark repository", async () => {
        const r = await run({ "team-spark-job:imageTag": "4.1.2-r3" });
        assert.equal(r.resources.find((x) => x.type === SPARK_APP)!.inputs.spec.image, `${PLATFORM.imageRepositories.spark}:4.1.2-r3`);
    });

    it("leaves the finished SparkApplication to Pulumi: no timeToLiveSeconds (the operator deleting it would drift the stack)", () => {
        assert.equal(spec.timeToLiveSeconds, undefined);
    });

    it("rejects an unpinned image tag", async () => {
        await assert.rejects(run({ "team-spark-job:imageTag": "latest" }), { message: "team-spark-job:imageTag \"latest\" must be a pinned image tag (not \"latest\")" });
    });

    it("follows the team in config", async () => {
        const other = Object.keys(PLATFORM.teams).find((t) => t !== CONFIG["team-spark-job:team"])!;
        const r = await run({ "team-spark-job:team": other });
        const s = r.resources.find((x) => x.type === SPARK_APP)!.inputs;
        assert.equal(s.metadata.namespace, PLATFORM.teams[other].namespace);
        assert.equal(s.spec.sparkConf["spark.eventLog.dir"], PLATFORM.teams[other].eventLogUri);
    });
});

describe("team-spark-job through the platform's guardrail packs", function () {
    this.timeout(300000);
    // The installed package; MOKA_GUARDRAILS_MODULE points elsewhere (the platform repository runs this suite against its own packs).
    const guardrails = (() => {
        try {
            return require(process.env.MOKA_GUARDRAILS_MODULE ?? "@moka/guardrails") as {
                checkResources(resources: object[], packDirs?: string[]): Promise<{ pack: string; policy: string; level: string; message: string; urn?: string }[]>;
                packagedPacks(): string[];
            };
        } catch {
            return undefined;
        }
    })();
    const packDirs = (): string[] => (process.env.MOKA_GUARDRAIL_PACK_DIRS ? process.env.MOKA_GUARDRAIL_PACK_DIRS.split(path.delimiter) : guardrails!.packagedPacks());
    const analyzable = (r: RunResult) => r.resources.filter((x) => !x.type.startsWith("pulumi:providers:")).map((x) => ({ urn: x.urn, type: x.type, name: x.name, properties: x.inputs }));

    before(function () {
        if (!guardrails) {
            this.skip();
        }
    });

    it("no pack raises a mandatory violation on this program", async () => {
        assert.ok(packDirs().length >= 3, `packs: ${packDirs().join(", ")}`);
        const diags = await guardrails!.checkResources(analyzable(await run()), packDirs());
        assert.deepEqual(diags.filter((d) => d.level === "mandatory"), []);
    });

    it("the check has teeth: another team's queue is a mandatory violation", async () => {
        const r = await run();
        const app = r.resources.find((x) => x.type === SPARK_APP)!;
        app.inputs.spec.batchSchedulerOptions = { queue: "root.some-other-team" };
        const diags = await guardrails!.checkResources(analyzable(r), packDirs());
        assert.deepEqual(diags.filter((d) => d.level === "mandatory").map((d) => d.policy), ["spark-apps-use-team-queue"]);
    });
});
