import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Team } from "../components/tenancy";
import {
    assertCompatibleContract, buildContractOutputs, CONTRACT_OUTPUT_KEYS, CONTRACT_VERSION, ContractSources, majorOf, OUTPUTS_SINCE, pickTeam,
    PlatformOutputs, PlatformReference, SECRET_OUTPUT_KEYS, SparkApplicationDefaults, TeamAccess, TeamContract, TeamSource, withPlatformDefaults,
} from "../contract";
import { sparkApplicationDefaults } from "../components/tenancy/spark-defaults";
import { MockRunResult, PROJECT_ROOT, runUnderMocks } from "../preview/mocks";
import { mockStackReferences } from "./examples/support";

const CONFIG = { "aws:region": "us-west-2", "moka:accountId": "111111111111" };
const STACK = "acme/moka/dev";

const bucketOf = (name: string) => `moka-dev-team-${name}-111111111111`;
const defaultsOf = (name: string): SparkApplicationDefaults => sparkApplicationDefaults({ bucket: bucketOf(name), eventLogPrefix: "spark-events", team: name, region: "us-west-2" });
function accessOf(name: string): TeamAccess {
    return {
        namespace: name,
        kubernetesGroups: { edit: `moka:team:${name}:edit`, view: `moka:team:${name}:view` },
        principals: [{
            roleArn: `arn:aws:iam::111111111111:role/${name}-ci`, kind: "ci", level: "edit", accessPolicy: "AmazonEKSEditPolicy",
            accessScope: { type: "namespace", namespaces: [name] }, kubernetesGroups: [`moka:team:${name}:edit`],
        }],
        kubernetesPermissions: { edit: [], view: [] },
    };
}

function teamSource(name: string): TeamSource {
    return {
        teamName: name,
        namespace: pulumi.output(name),
        serviceAccount: "spark",
        roleArn: pulumi.output(`arn:aws:iam::111111111111:role/moka-dev-team-${name}`),
        queue: `root.${name}`,
        bucket: pulumi.output(bucketOf(name)),
        dataPrefix: `teams/${name}`,
        dataUri: `s3a://${bucketOf(name)}/teams/${name}/`,
        eventLogUri: `s3a://${bucketOf(name)}/spark-events/`,
        containerLogUri: `s3a://${bucketOf(name)}/container-logs/`,
        sharedReadUris: [],
        sparkDefaults: pulumi.output(defaultsOf(name).sparkConf),
        sparkApplicationDefaults: pulumi.output(defaultsOf(name)),
        access: accessOf(name),
    };
}

/** What the contract publishes for team `name` of {@link sources}. */
function teamContract(name: string): TeamContract {
    return {
        namespace: name,
        serviceAccount: "spark",
        roleArn: `arn:aws:iam::111111111111:role/moka-dev-team-${name}`,
        queue: `root.${name}`,
        bucket: bucketOf(name),
        dataPrefix: `teams/${name}`,
        dataUri: `s3a://${bucketOf(name)}/teams/${name}/`,
        eventLogUri: `s3a://${bucketOf(name)}/spark-events/`,
        containerLogUri: `s3a://${bucketOf(name)}/container-logs/`,
        sharedReadUris: [],
        historyServerUrl: `http://spark-history-${name}.spark-history.svc.cluster.local:18080`,
        sparkConf: defaultsOf(name).sparkConf,
        sparkApplicationDefaults: defaultsOf(name),
        access: accessOf(name),
    };
}

const SPARK_IMAGE = "111111111111.dkr.ecr.us-west-2.amazonaws.com/moka-dev/spark:4.1.2-r2@sha256:abababababababababababababababababababababababababababababababab";

function sources(patch: Partial<ContractSources> = {}): ContractSources {
    return {
        region: "us-west-2",
        cluster: {
            name: pulumi.output("moka-dev"),
            endpoint: "https://moka-dev.gr7.us-west-2.eks.amazonaws.com",
            kubeconfig: { apiVersion: "v1", kind: "Config", clusters: [] },
            oidcProviderArn: "arn:aws:iam::111111111111:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/X",
            oidcProviderUrl: "https://oidc.eks.us-west-2.amazonaws.com/id/X",
        },
        otlpEndpoints: { grpc: "otel-collector.observability.svc:4317", http: "http://otel-collector.observability.svc:4318" },
        historyServerUrls: {
            "ads-ranking": "http://spark-history-ads-ranking.spark-history.svc.cluster.local:18080",
            growth: pulumi.output("http://spark-history-growth.spark-history.svc.cluster.local:18080"),
        },
        imageRepositories: { spark: "111111111111.dkr.ecr.us-west-2.amazonaws.com/moka-dev/spark" },
        sparkImage: pulumi.output(SPARK_IMAGE),
        sparkVersion: "4.1.2",
        teams: [teamSource("ads-ranking"), teamSource("growth")],
        ...patch,
    };
}

/** Resolves an Output to its value or its rejection. */
function settle<T>(o: pulumi.Output<T>): Promise<{ value?: T; error?: Error }> {
    return ((o as any).promise() as Promise<T>).then((value) => ({ value }), (error: Error) => ({ error }));
}

/**
 * Runs `fn` while unhandled rejections carrying one of `expected` messages are swallowed (and counted);
 * any other unhandled rejection fails the test. A failed contract check rejects every Output derived
 * from it, and Pulumi's own internal promises along those chains have no handlers: in a real program the
 * language host reports them and fails the update, which is the intended behaviour; under mocha they
 * would be blamed on whichever test is running.
 */
async function expectingRejections<T>(expected: readonly string[], fn: () => Promise<T>): Promise<{ result: T; swallowed: number }> {
    const saved = process.listeners("unhandledRejection");
    process.removeAllListeners("unhandledRejection");
    let swallowed = 0;
    const unexpected: unknown[] = [];
    process.on("unhandledRejection", (reason: any) => {
        if (expected.includes(reason?.message)) {
            swallowed++;
        } else {
            unexpected.push(reason);
        }
    });
    try {
        const result = await fn();
        await new Promise((r) => setTimeout(r, 50));
        if (unexpected.length > 0) {
            throw unexpected[0];
        }
        return { result, swallowed };
    } finally {
        process.removeAllListeners("unhandledRejection");
        for (const l of saved) {
            process.on("unhandledRejection", l as (...args: any[]) => void);
        }
    }
}

describe("contract: versioning", () => {
    it("CONTRACT_VERSION is semver", () => assert.match(CONTRACT_VERSION, /^\d+\.\d+\.\d+$/));

    const majors: [unknown, number | undefined][] = [["1.0.0", 1], ["2.3.4", 2], ["1.2.3-rc.1", 1], ["1.0", undefined], ["v1.0.0", undefined], [1, undefined], [undefined, undefined]];
    for (const [v, m] of majors) {
        it(`majorOf(${JSON.stringify(v)}) = ${m}`, () => assert.equal(majorOf(v), m));
    }

    it("accepts the same major with any minor/patch", () => {
        assertCompatibleContract("1.0.0", STACK, "1.0.0");
        assertCompatibleContract("1.7.2", STACK, "1.0.0");
        assertCompatibleContract("1.0.0", STACK, "1.4.0");
    });

    const bad: [unknown, string, string][] = [
        ["2.0.0", "1.0.0", `Platform stack "${STACK}" publishes contract 2.0.0, but this program was built against contract 1.0.0 (major 1); copy the newer contract/index.ts from the platform repository and adapt this program.`],
        ["1.5.0", "2.0.0", `Platform stack "${STACK}" publishes contract 1.5.0, but this program was built against contract 2.0.0 (major 2); this program expects a newer platform; upgrade the platform stack or pin an older contract/index.ts.`],
        ["banana", "1.0.0", `Platform stack "${STACK}" publishes contractVersion "banana", which is not a semver version; is it a Moka platform stack?`],
        [undefined, "1.0.0", `Platform stack "${STACK}" publishes contractVersion undefined, which is not a semver version; is it a Moka platform stack?`],
    ];
    for (const [published, expected, message] of bad) {
        it(`rejects ${JSON.stringify(published)} against ${expected}`, () => {
            assert.throws(() => assertCompatibleContract(published, STACK, expected), { message });
        });
    }

    it("pickTeam: returns the team, or names the teams the stack has", () => {
        const teams = { b: {} as TeamContract, a: {} as TeamContract };
        assert.equal(pickTeam(teams, "a", STACK), teams.a);
        assert.throws(() => pickTeam(teams, "c", STACK), { message: `Team "c" is not defined in platform stack "${STACK}"; it has: a, b.` });
        assert.throws(() => pickTeam({}, "c", STACK), { message: `Team "c" is not defined in platform stack "${STACK}"; it has: no teams.` });
        assert.throws(() => pickTeam(teams, "toString", STACK), { message: `Team "toString" is not defined in platform stack "${STACK}"; it has: a, b.` });
    });
});

describe("contract: buildContractOutputs", () => {
    let res: MockRunResult;
    before(async () => {
        res = await runUnderMocks({ stack: "dev", config: CONFIG, program: () => buildContractOutputs(sources()) });
    });

    it("exports exactly the contract keys", () => {
        assert.deepEqual(Object.keys(res.outputs), [...CONTRACT_OUTPUT_KEYS]);
    });

    it("publishes only the kubeconfig as a secret", () => {
        assert.deepEqual(res.secretOutputs, [...SECRET_OUTPUT_KEYS]);
    });

    it("resolves to the PlatformOutputs shape", () => {
        const expected: PlatformOutputs = {
            contractVersion: CONTRACT_VERSION,
            region: "us-west-2",
            clusterName: "moka-dev",
            clusterEndpoint: "https://moka-dev.gr7.us-west-2.eks.amazonaws.com",
            kubeconfig: JSON.stringify({ apiVersion: "v1", kind: "Config", clusters: [] }),
            oidcProviderArn: "arn:aws:iam::111111111111:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/X",
            oidcProviderUrl: "https://oidc.eks.us-west-2.amazonaws.com/id/X",
            otlpEndpoints: { grpc: "otel-collector.observability.svc:4317", http: "http://otel-collector.observability.svc:4318" },
            historyServerUrl: {
                "ads-ranking": "http://spark-history-ads-ranking.spark-history.svc.cluster.local:18080",
                growth: "http://spark-history-growth.spark-history.svc.cluster.local:18080",
            },
            imageRepositories: { spark: "111111111111.dkr.ecr.us-west-2.amazonaws.com/moka-dev/spark" },
            sparkImage: SPARK_IMAGE,
            sparkVersion: "4.1.2",
            teams: Object.fromEntries(["ads-ranking", "growth"].map((n) => [n, teamContract(n)])),
        };
        assert.deepEqual(res.outputs, expected);
    });

    it("passes a kubeconfig string through unchanged", async () => {
        const r = await runUnderMocks({
            stack: "dev", config: CONFIG,
            program: () => ({ k: buildContractOutputs(sources({ cluster: { ...sources().cluster, kubeconfig: pulumi.output("{\"a\":1}") } })).kubeconfig }),
        });
        assert.equal(r.outputs.k, "{\"a\":1}");
        assert.deepEqual(r.secretOutputs, ["k"]);
    });

    const errors: [string, Partial<ContractSources>, string][] = [
        ["a team without a History Server URL", { historyServerUrls: { "ads-ranking": "x" } }, "buildContractOutputs: historyServerUrls has no entry for team \"growth\""],
        ["a History Server URL for an unknown team", { historyServerUrls: { "ads-ranking": "x", growth: "y", ghost: "z" } }, "buildContractOutputs: historyServerUrls has an entry for \"ghost\", which is not a team"],
        ["a duplicated team", { teams: [teamSource("ads-ranking"), teamSource("growth"), teamSource("growth")] }, "buildContractOutputs: teams lists \"growth\" more than once"],
    ];
    for (const [label, patch, message] of errors) {
        it(`rejects ${label}`, () => assert.throws(() => buildContractOutputs(sources(patch)), { message }));
    }

    it("accepts Team components as team sources", async () => {
        const r = await runUnderMocks({
            stack: "dev", config: CONFIG,
            program: () => {
                const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
                const team = new Team("team-ads", {
                    team: {
                        name: "ads", namespace: "ads", quota: { cpu: 8, memoryGi: 32, pods: 50, pvcs: 5, maxApplications: 5, guaranteedCpu: 2, guaranteedMemoryGi: 8 }, dataPrefix: "teams/ads",
                        sharedPrefixes: [], podSecurity: "restricted", access: { ci: "arn:aws:iam::111111111111:role/ads-ci", developers: [], allowAdminOverlap: false },
                    },
                    environment: "dev", baseName: "moka-dev", clusterName: "moka-dev", k8sProvider: provider,
                    bucket: bucketOf("ads"), bucketArn: `arn:aws:s3:::${bucketOf("ads")}`,
                    kmsKeyArn: "arn:aws:kms:us-west-2:111111111111:key/k", eventLogPrefix: "spark-events", containerLogPrefix: "container-logs", region: "us-west-2", tags: {},
                });
                return buildContractOutputs(sources({ teams: [team], historyServerUrls: { ads: "http://h" } }));
            },
        });
        const ads = (r.outputs.teams as Record<string, TeamContract>).ads;
        assert.equal(ads.namespace, "ads");
        assert.equal(ads.serviceAccount, "spark");
        assert.equal(ads.roleArn, "arn:aws:iam::111111111111:role/moka-dev-team-ads");
        assert.equal(ads.queue, "root.ads");
        assert.equal(ads.sparkConf["spark.eventLog.dir"], `s3a://${bucketOf("ads")}/spark-events/`);
        assert.equal(ads.bucket, bucketOf("ads"));
        assert.deepEqual(ads.sparkApplicationDefaults, defaultsOf("ads"));
        assert.equal(ads.access.principals[0].accessPolicy, "AmazonEKSEditPolicy");
        assert.deepEqual(ads.access.principals[0].accessScope, { type: "namespace", namespaces: ["ads"] });
    });
});

describe("contract: PlatformReference", () => {
    let published: Record<string, unknown>;
    before(async () => {
        // What the platform publishes, produced by the platform-side builder: names cannot drift.
        published = (await runUnderMocks({ stack: "dev", config: CONFIG, program: () => buildContractOutputs(sources()) })).outputs;
    });

    it("reads every contract output back with the same values (round trip), kubeconfig secret", async () => {
        const r = await runUnderMocks({
            stack: "app", config: CONFIG,
            program: () => {
                mockStackReferences({ [STACK]: { outputs: published, secretOutputNames: ["kubeconfig"] } });
                const ref = new PlatformReference(STACK);
                return Object.fromEntries(CONTRACT_OUTPUT_KEYS.map((k) => [k, ref[k]]));
            },
        });
        assert.deepEqual(r.outputs, published);
        assert.deepEqual(r.secretOutputs, ["kubeconfig"]);
    });

    it("team(name) returns that team's typed fields", async () => {
        const r = await runUnderMocks({
            stack: "app", config: CONFIG,
            program: () => {
                mockStackReferences({ [STACK]: { outputs: published } });
                const ref = new PlatformReference(STACK);
                return { ...ref.team("growth"), spark: ref.imageRepository("spark") };
            },
        });
        assert.deepEqual(r.outputs, { ...teamContract("growth"), spark: "111111111111.dkr.ecr.us-west-2.amazonaws.com/moka-dev/spark" });
    });

    /** Runs an app program against `outputs`; resolves with what the program collected, or rejects like `pulumi up` would. */
    function runApp(outputs: Record<string, unknown>, program: (ref: PlatformReference) => unknown): Promise<MockRunResult> {
        return runUnderMocks({
            stack: "app", config: CONFIG,
            program: () => {
                mockStackReferences({ [STACK]: { outputs } });
                return program(new PlatformReference(STACK));
            },
        });
    }

    it("fails the program clearly for a team the platform does not have", async () => {
        const ghost = `Team "ghost" is not defined in platform stack "${STACK}"; it has: ads-ranking, growth.`;
        const messages: (string | undefined)[] = [];
        await expectingRejections([ghost], () => assert.rejects(runApp(published, async (ref) => {
            const t = ref.team("ghost");
            messages.push(...(await Promise.all(Object.values(t).map((o) => settle(o as pulumi.Output<unknown>)))).map((x) => x.error?.message));
            return {};
        }), { message: ghost }));
        assert.deepEqual(messages, Array(Object.keys(teamContract("x")).length).fill(ghost));
        assert.equal(messages.length, 14);
    });

    it("fails every output, and the program, clearly when the platform's contract major differs", async () => {
        const msg = `Platform stack "${STACK}" publishes contract 1.0.0, but this program was built against contract ${CONTRACT_VERSION} (major 2); this program expects a newer platform; upgrade the platform stack or pin an older contract/index.ts.`;
        const messages: (string | undefined)[] = [];
        await expectingRejections([msg], () => assert.rejects(runApp({ ...published, contractVersion: "1.0.0" }, async (ref) => {
            messages.push(...(await Promise.all(CONTRACT_OUTPUT_KEYS.map((k) => settle(ref[k] as pulumi.Output<unknown>)))).map((x) => x.error?.message));
            return {};
        }), { message: msg }));
        assert.deepEqual(messages, CONTRACT_OUTPUT_KEYS.map(() => msg));
    });

    it("fails the program when it reads an output the stack lacks", async () => {
        const { teams: _omit, ...withoutTeams } = published;
        const missing = `Required output 'teams' does not exist on stack '${STACK}'.`;
        await expectingRejections([missing], () => assert.rejects(runApp(withoutTeams, (ref) => {
            void ref.teams;
            return {};
        }), { message: missing }));
    });

    it("an output added in a minor version: read from an older platform of the same major, it fails naming both versions", async () => {
        const { sparkImage: _i, sparkVersion: _v, ...v20 } = published;
        const older = { ...v20, contractVersion: "2.0.0" };
        const msg = `Platform stack "${STACK}" publishes contract 2.0.0, which has no "sparkImage" (added in contract 2.1.0); upgrade the platform stack, or do not read sparkImage.`;
        await expectingRejections([msg], () => assert.rejects(runApp(older, (ref) => ({ image: ref.sparkImage })), { message: msg }));
        // The rest of a 2.0 platform still reads fine: same major.
        const r = await runApp(older, (ref) => ({ region: ref.region, repo: ref.imageRepository("spark") }));
        assert.deepEqual(r.outputs, { region: "us-west-2", repo: "111111111111.dkr.ecr.us-west-2.amazonaws.com/moka-dev/spark" });
        assert.deepEqual(OUTPUTS_SINCE, { sparkImage: "2.1.0", sparkVersion: "2.1.0" });
    });

    it("does not fail on outputs the program never reads (outputs are created lazily)", async () => {
        const { oidcProviderUrl: _a, oidcProviderArn: _b, ...partial } = published;
        const r = await runApp(partial, (ref) => ({ ns: ref.team("growth").namespace, region: ref.region }));
        assert.deepEqual(r.outputs, { ns: "growth", region: "us-west-2" });
    });

    it("memoizes outputs: reading a key twice yields the same Output", async () => {
        await runApp(published, (ref) => {
            assert.equal(ref.clusterName, ref.clusterName);
            assert.equal(ref.contractVersion, ref.contractVersion);
            return {};
        });
    });

    it("fails the program clearly for an image repository the platform does not publish", async () => {
        const noImage = `Platform stack "${STACK}" publishes no image repository "flink"; it has: spark.`;
        await expectingRejections([noImage], () => assert.rejects(runApp(published, (ref) => {
            void ref.imageRepository("flink");
            return {};
        }), { message: noImage }));
    });

    it("rejects a stack name that is not fully qualified", async () => {
        await assert.rejects(runUnderMocks({ stack: "app", config: CONFIG, program: () => { new PlatformReference("prod"); return {}; } }),
            { message: "PlatformReference: stackName \"prod\" must be fully qualified as <org>/<project>/<stack>, e.g. \"acme/moka/prod\"" });
    });
});

describe("contract: withPlatformDefaults", () => {
    const defaults = defaultsOf("ads");
    it("merges objects key by key: the app adds conf, annotations and sizes and keeps every platform default", () => {
        const spec = withPlatformDefaults(defaults, {
            type: "Scala", sparkConf: { "spark.sql.shuffle.partitions": "400" },
            driver: { cores: 1, annotations: { "example.com/owner": "ads" } }, executor: { instances: 4 },
        });
        assert.deepEqual(spec.sparkConf, { ...defaults.sparkConf, "spark.sql.shuffle.partitions": "400" });
        assert.deepEqual(spec.driver, { ...defaults.driver, cores: 1, annotations: { "karpenter.sh/do-not-disrupt": "true", "example.com/owner": "ads" } });
        assert.deepEqual(spec.executor, { ...defaults.executor, instances: 4 });
        assert.equal(spec.batchScheduler, "yunikorn");
        assert.equal(spec.type, "Scala");
    });
    it("lets the app override a scalar or replace an array on purpose, and never mutates the defaults", () => {
        const before = JSON.stringify(defaults);
        const spec = withPlatformDefaults(defaults, { executor: { terminationGracePeriodSeconds: 300, tolerations: [] } });
        assert.equal((spec.executor as any).terminationGracePeriodSeconds, 300);
        assert.deepEqual((spec.executor as any).tolerations, []);
        assert.equal(JSON.stringify(defaults), before);
    });
});

describe("contract: portability", () => {
    it("contract/index.ts imports only @pulumi/pulumi", () => {
        const text = fs.readFileSync(path.join(PROJECT_ROOT, "contract", "index.ts"), "utf8");
        const specifiers = [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"\n]*?from\s+["']([^"']+)["']|require\(\s*["']([^"']+)["']\s*\)|import\(\s*["']([^"']+)["']\s*\)/g)]
            .map((m) => m[1] ?? m[2] ?? m[3]);
        assert.deepEqual([...new Set(specifiers)], ["@pulumi/pulumi"]);
    });
});
