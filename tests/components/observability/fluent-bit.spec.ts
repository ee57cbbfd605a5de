import * as assert from "assert";
import * as k8s from "@pulumi/kubernetes";
import { NAMESPACES } from "../../../lib/platform";
import { FLUENT_BIT_DEFAULTS, FluentBit, type FluentBitArgs } from "../../../components/observability/fluent-bit";
import {
    NAMESPACE_REGEX, NO_APP, SPARK_APP_ID_REGEX, YUNIKORN_LOG_REGEX, containerLogGroupName, containerLogPrefixProblem,
    fluentBitPipeline, fluentBitPolicy, namespaceTagMatch, renderSection, s3KeyFormat,
} from "../../../components/observability/fluent-bit-pipeline";
import { isAllowed } from "../../../lib/iam-eval";
import { MockRunResult, runUnderMocks } from "../../../preview/mocks";
import { byName, ofType, policyDoc } from "../../helpers/resources";
import { constructionErrors } from "../../helpers/construct";
import { esmImport } from "../../helpers/esm";

// kubernetes-models is ESM-only; a real dynamic import loads it.

const ACCOUNT = "111111111111";
const REGION = "us-west-2";
const CONFIG = { "aws:region": REGION, "moka:accountId": ACCOUNT };
const TAGS = { "cost-center": "data-platform", owner: "platform@example.com", environment: "test", "managed-by": "pulumi" };
const bucketOf = (team: string) => `moka-test-team-${team}-${ACCOUNT}`;
const TEAM_BUCKETS = { "team-a": bucketOf("team-a"), "team-b": bucketOf("team-b") };
const PATTERN = `arn:aws:s3:::moka-test-team-*-${ACCOUNT}`;
const KMS_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const LOG_GROUP = "/moka/moka-test/containers";
const LOG_GROUP_ARN = `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${LOG_GROUP}`;

const T = {
    component: "moka:observability:FluentBit",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    podIdentity: "aws:eks/podIdentityAssociation:PodIdentityAssociation",
    release: "kubernetes:helm.sh/v3:Release",
    key: "aws:kms/key:Key",
    alias: "aws:kms/alias:Alias",
} as const;

function args(provider: k8s.Provider, over: Partial<FluentBitArgs> = {}): FluentBitArgs {
    return {
        k8sProvider: provider,
        clusterName: "moka-test",
        baseName: "moka-test",
        region: REGION,
        tags: TAGS,
        teamBuckets: TEAM_BUCKETS,
        teamBucketArnPattern: PATTERN,
        accountId: ACCOUNT,
        containerLogPrefix: "container-logs",
        kmsKeyArn: KMS_ARN,
        logRetentionDays: 30,
        ...over,
    };
}

const asList = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v as string]);

/**
 * Emulates the pipeline for one record: the rewrite_tag rules (first match wins, absent key never matches)
 * give the tag `applog.<namespace>.<app>`; the S3 output whose Match is `applog.<team>.*` takes it into that
 * team's bucket at `<prefix>/<app>/`. Returns `<bucket>/<prefix>/<app>/`, or undefined for CloudWatch only.
 */
function s3LocationFor(record: { namespace?: string; labels?: Record<string, string> }, prefix: string, outputs: string): string | undefined {
    const app = record.labels?.["spark-app-selector"];
    let tag: string | undefined;
    if (record.namespace && app !== undefined && new RegExp(SPARK_APP_ID_REGEX).test(app)) {
        tag = `applog.${record.namespace}.${app}`;
    } else if (record.namespace && new RegExp(NAMESPACE_REGEX).test(record.namespace)) {
        tag = `applog.${record.namespace}.${NO_APP}`;
    }
    if (tag === undefined) {
        return undefined;
    }
    for (const section of outputs.split("[OUTPUT]").filter((x) => /Name +s3$/m.test(x))) {
        const match = /^ {4}Match +(\S+)$/m.exec(section)![1];
        if (new RegExp(`^${match.replace(/\./g, "\\.").replace(/\*/g, ".*")}$`).test(tag)) {
            return `${/^ {4}bucket +(\S+)$/m.exec(section)![1]}/${prefix}/${tag.split(".")[2]}/`;
        }
    }
    return undefined;
}

describe("fluent-bit-config (pure)", () => {
    const pipeline = fluentBitPipeline({ region: REGION, teamBuckets: TEAM_BUCKETS, containerLogPrefix: "container-logs", logGroupName: LOG_GROUP, yunikornNamespace: "yunikorn" });

    it("renders classic sections with one aligned key per line", () => {
        assert.strictEqual(renderSection("OUTPUT", [["Name", "s3"], ["Match", "a.*"], ["total_file_size", "50M"]]),
            "[OUTPUT]\n    Name            s3\n    Match           a.*\n    total_file_size 50M\n");
    });

    it("tails container logs with CRI/docker multiline and a tail database", () => {
        assert.match(pipeline.inputs, /^\[INPUT\]\n {4}Name +tail$/m);
        assert.match(pipeline.inputs, /^ {4}Path +\/var\/log\/containers\/\*\.log$/m);
        assert.match(pipeline.inputs, /^ {4}multiline\.parser +docker, cri$/m);
        assert.match(pipeline.inputs, /^ {4}Tag +kube\.\*$/m);
    });

    it("runs parser (yunikorn only) → kubernetes → rewrite_tag, in that order", () => {
        const names = [...pipeline.filters.matchAll(/^ {4}Name +(\S+)$/gm)].map((m) => m[1]);
        assert.deepStrictEqual(names, ["parser", "kubernetes", "rewrite_tag"]);
        assert.match(pipeline.filters, /^ {4}Match +kube\.var\.log\.containers\.\*_yunikorn_\*$/m);
        assert.match(pipeline.filters, /^ {4}Labels +On$/m);
    });

    it("rewrite rules key on spark-app-selector first, then the namespace with the no-app fallback", () => {
        const rules = [...pipeline.filters.matchAll(/^ {4}Rule +(.+)$/gm)].map((m) => m[1]);
        assert.deepStrictEqual(rules, [
            "$kubernetes['labels']['spark-app-selector'] ^([A-Za-z0-9_-]+)$ applog.$kubernetes['namespace_name'].$1 false",
            "$kubernetes['namespace_name'] ^([a-z0-9-]+)$ applog.$1.no-app false",
        ]);
    });

    const routing: [string, { namespace?: string; labels?: Record<string, string> }, string | undefined][] = [
        ["spark driver", { namespace: "team-a", labels: { "spark-app-selector": "spark-0a1b2c3d4e5f", "spark-role": "driver" } }, `${bucketOf("team-a")}/container-logs/spark-0a1b2c3d4e5f/`],
        ["spark executor", { namespace: "team-b", labels: { "spark-app-selector": "spark-99", "spark-role": "executor" } }, `${bucketOf("team-b")}/container-logs/spark-99/`],
        ["non-Spark pod of a team", { namespace: "team-a", labels: { app: "notebook" } }, `${bucketOf("team-a")}/container-logs/no-app/`],
        ["platform pod (CloudWatch only)", { namespace: "yunikorn", labels: { app: "yunikorn" } }, undefined],
        ["a namespace that only starts like a team", { namespace: "team-a-archive", labels: { "spark-app-selector": "spark-1" } }, undefined],
        ["label with a dot or slash cannot split the key", { namespace: "team-a", labels: { "spark-app-selector": "a.b/c" } }, `${bucketOf("team-a")}/container-logs/no-app/`],
        ["no kubernetes metadata", {}, undefined],
    ];
    for (const [label, record, expected] of routing) {
        it(`routes ${label} to ${expected ?? "CloudWatch only"}`, () => assert.strictEqual(s3LocationFor(record, "container-logs", pipeline.outputs), expected));
    }

    it("one S3 output per team, into the team's bucket, with its own buffer directory; keys start with '/' (out_s3 requires it)", () => {
        assert.strictEqual(s3KeyFormat("container-logs"), "/container-logs/$TAG[2]/%Y/%m/%d/%H%M%S-$UUID.json.gz");
        const sections = pipeline.outputs.split("[OUTPUT]").filter((x) => /Name +s3$/m.test(x));
        assert.strictEqual(sections.length, 2);
        for (const [team, bucket] of Object.entries(TEAM_BUCKETS)) {
            const section = sections.find((x) => x.includes(`applog.${team}.*`))!;
            assert.match(section, new RegExp(`^ {4}bucket +${bucket}$`, "m"));
            assert.match(section, new RegExp(`^ {4}store_dir +/tmp/fluent-bit/s3/${team}$`, "m"));
            assert.match(section, /^ {4}s3_key_format +\/container-logs\/\$TAG\[2\]\//m);
            assert.match(section, /^ {4}s3_key_format_tag_delimiters +\.$/m);
            assert.match(section, /^ {4}use_put_object +On$/m);
            assert.match(section, /^ {4}total_file_size +50M$/m);
        }
        assert.doesNotMatch(pipeline.outputs, /\{\{/, "the chart runs config through tpl");
    });

    it("CloudWatch output writes to the pre-created group and never creates one", () => {
        assert.match(pipeline.outputs, /^ {4}Name +cloudwatch_logs$/m);
        assert.match(pipeline.outputs, new RegExp(`^ {4}log_group_name +${LOG_GROUP.replace(/\//g, "\\/")}$`, "m"));
        assert.match(pipeline.outputs, /^ {4}auto_create_group +false$/m);
        assert.match(pipeline.outputs, /^ {4}log_stream_template +\$kubernetes\['namespace_name'\]\.\$kubernetes\['pod_name'\]\.\$kubernetes\['container_name'\]$/m);
    });

    const yunikornLines: [string, string, Record<string, string | undefined> | undefined][] = [
        ["info with fields", "2025-06-01T10:11:12.345Z\tINFO\tshim.context\tcache/context.go:123\tAdding node\t{\"nodeID\": \"ip-10-0-1-2\"}",
            { time: "2025-06-01T10:11:12.345Z", level: "INFO", logger: "shim.context", caller: "cache/context.go:123", message: "Adding node", fields: "{\"nodeID\": \"ip-10-0-1-2\"}" }],
        ["offset time, no fields", "2025-06-01T10:11:12.345+0200\tWARN\tcore.scheduler\tscheduler/partition.go:9\tqueue full",
            { time: "2025-06-01T10:11:12.345+0200", level: "WARN", logger: "core.scheduler", caller: "scheduler/partition.go:9", message: "queue full", fields: undefined }],
        ["a JSON line is not YuniKorn's format", "{\"level\":\"info\",\"msg\":\"x\"}", undefined],
    ];
    for (const [label, line, groups] of yunikornLines) {
        it(`YuniKorn console parser: ${label}`, () => {
            const m = new RegExp(YUNIKORN_LOG_REGEX).exec(line);
            assert.deepStrictEqual(m ? { ...m.groups } : undefined, groups);
        });
    }

    it("declares the YuniKorn parser with time handling and JSON field decoding", () => {
        assert.match(pipeline.customParsers, /^ {4}Name +yunikorn_zap_console$/m);
        assert.match(pipeline.customParsers, /^ {4}Time_Format +%Y-%m-%dT%H:%M:%S\.%L%z$/m);
        assert.match(pipeline.customParsers, /^ {4}Decode_Field_As +json fields$/m);
        assert.strictEqual(namespaceTagMatch("yunikorn"), "kube.var.log.containers.*_yunikorn_*");
    });

    const prefixes: [string, string | undefined][] = [
        ["container-logs", undefined],
        ["logs/containers", undefined],
        ["", "must not be empty"],
        ["/container-logs", "must not start or end with '/'"],
        ["container-logs/", "must not start or end with '/'"],
        ["logs/*", "must not contain wildcards, '$' or whitespace"],
        ["a//b", "must not contain empty, '.' or '..' segments"],
        ["a/../b", "must not contain empty, '.' or '..' segments"],
    ];
    for (const [prefix, problem] of prefixes) {
        it(`container log prefix "${prefix}" → ${problem ?? "ok"}`, () => assert.strictEqual(containerLogPrefixProblem(prefix), problem));
    }

    it("IAM: PutObject on the team buckets' container-log prefix only (in the stack's account), KMS via S3 only, logs on the one group", () => {
        const doc = fluentBitPolicy({ teamBucketArnPattern: PATTERN, accountId: ACCOUNT, containerLogPrefix: "container-logs", kmsKeyArn: KMS_ARN, logGroupArn: LOG_GROUP_ARN, region: REGION });
        assert.deepStrictEqual(doc.Statement.map((s) => [s.Sid, s.Action, s.Resource]), [
            ["PutContainerLogObjects", ["s3:PutObject"], `${PATTERN}/container-logs/*`],
            ["EncryptWithStorageKeyViaS3", ["kms:GenerateDataKey", "kms:Encrypt"], KMS_ARN],
            ["WriteContainerLogStreams", ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"], [LOG_GROUP_ARN, `${LOG_GROUP_ARN}:*`]],
        ]);
        assert.deepStrictEqual(doc.Statement[0].Condition, { StringEquals: { "s3:ResourceAccount": ACCOUNT } });
        assert.deepStrictEqual(doc.Statement[1].Condition, { StringEquals: { "kms:ViaService": `s3.${REGION}.amazonaws.com` } });
        const ctx = { "s3:ResourceAccount": ACCOUNT };
        for (const bucket of Object.values(TEAM_BUCKETS)) {
            assert.ok(isAllowed(doc.Statement, "s3:PutObject", `arn:aws:s3:::${bucket}/container-logs/app/x.json.gz`, ctx), bucket);
            assert.ok(!isAllowed(doc.Statement, "s3:PutObject", `arn:aws:s3:::${bucket}/teams/${bucket}/data.parquet`, ctx), "no data writes");
            assert.ok(!isAllowed(doc.Statement, "s3:GetObject", `arn:aws:s3:::${bucket}/container-logs/app/x.json.gz`, ctx), "no reads");
        }
        assert.ok(!isAllowed(doc.Statement, "s3:PutObject", "arn:aws:s3:::moka-test-s3-access-logs-111111111111/container-logs/x", ctx), "not the log bucket");
        assert.ok(!isAllowed(doc.Statement, "s3:PutObject", `arn:aws:s3:::${bucketOf("x")}/container-logs/x`, { "s3:ResourceAccount": "999999999999" }), "not another account's lookalike");
    });
});

describe("FluentBit component", () => {
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
                const fb = new FluentBit("logs", args(provider));
                return { logGroupName: fb.logGroupName, logGroupArn: fb.logGroupArn, roleArn: fb.roleArn, s3Locations: fb.s3Locations };
            },
        });
        providerUrn = run.resources.find((r) => r.type === "pulumi:providers:kubernetes")!.urn;
    });

    const component = () => ofType(run.resources, T.component)[0];
    const children = () => run.resources.filter((r) => r.parent === component().urn);

    it("creates exactly its log group and its key, role, inline policy, pod identity association and chart", () => {
        assert.strictEqual(ofType(run.resources, T.component).length, 1);
        assert.deepStrictEqual(children().map((r) => `${r.type} ${r.name}`).sort(), [
            `${T.logGroup} logs-log-group`,
            `${T.key} logs-log-key`,
            `${T.alias} logs-log-key-alias`,
            `${T.podIdentity} logs-pod-identity`,
            `${T.role} logs-role`,
            `${T.rolePolicy} logs-policy`,
            `${T.release} logs-release`,
        ].sort());
    });

    it("log group /moka/<baseName>/containers with the configured retention and tags", () => {
        const lg = byName(run.resources, "logs-log-group").inputs;
        assert.strictEqual(lg.name, containerLogGroupName("moka-test"));
        assert.strictEqual(lg.name, LOG_GROUP);
        assert.strictEqual(lg.retentionInDays, 30);
        assert.deepStrictEqual(lg.tags, TAGS);
    });

    it("log group encrypted with its own rotating key, usable by CloudWatch Logs for that group only", () => {
        const key = byName(run.resources, "logs-log-key");
        assert.strictEqual(byName(run.resources, "logs-log-group").inputs.kmsKeyId, key.state.arn);
        assert.strictEqual(key.inputs.enableKeyRotation, true);
        assert.strictEqual(key.protect, false);
        const logs = policyDoc(key.inputs.policy).Statement.find((st) => st.Principal?.Service === `logs.${REGION}.amazonaws.com`);
        assert.deepStrictEqual(logs.Condition, { ArnEquals: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${LOG_GROUP}` } });
        assert.strictEqual(byName(run.resources, "logs-log-key-alias").inputs.name, "alias/moka-test-container-logs");
    });

    it("role trusts EKS Pod Identity only", () => {
        const role = byName(run.resources, "logs-role").inputs;
        assert.strictEqual(role.name, "moka-test-fluent-bit");
        assert.deepStrictEqual(role.tags, TAGS);
        const trust = policyDoc(role.assumeRolePolicy);
        assert.deepStrictEqual(trust.Statement, [{
            Sid: "AllowEksPodIdentity", Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"],
        }]);
    });

    it("inline policy is scoped to the prefix, the key and the log group (no '*' resources)", () => {
        const doc = policyDoc(byName(run.resources, "logs-policy").inputs.policy);
        const resources = doc.Statement.flatMap((s) => asList(s.Resource));
        assert.ok(!resources.includes("*"));
        assert.deepStrictEqual(resources, [`${PATTERN}/container-logs/*`, KMS_ARN, LOG_GROUP_ARN, `${LOG_GROUP_ARN}:*`]);
        assert.deepStrictEqual(doc.Statement.flatMap((s) => asList(s.Action)).sort(), [
            "kms:Encrypt", "kms:GenerateDataKey", "logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents", "s3:PutObject",
        ]);
    });

    it("associates the chart's service account in the observability namespace with the role", () => {
        const pia = byName(run.resources, "logs-pod-identity").inputs;
        assert.deepStrictEqual(
            { clusterName: pia.clusterName, namespace: pia.namespace, serviceAccount: pia.serviceAccount, roleArn: pia.roleArn },
            { clusterName: "moka-test", namespace: NAMESPACES.observability, serviceAccount: "fluent-bit", roleArn: `arn:aws:iam::${ACCOUNT}:role/moka-test-fluent-bit` },
        );
    });

    it("pins the chart and installs it with the explicit provider after the pod identity association", () => {
        const rel = byName(run.resources, "logs-release");
        assert.strictEqual(rel.inputs.chart, "fluent-bit");
        assert.strictEqual(rel.inputs.version, "0.58.1");
        assert.strictEqual(rel.inputs.version, FLUENT_BIT_DEFAULTS.version);
        assert.deepStrictEqual(rel.inputs.repositoryOpts, { repo: "https://fluent.github.io/helm-charts" });
        assert.strictEqual(rel.inputs.namespace, NAMESPACES.observability);
        assert.strictEqual(rel.inputs.createNamespace, false);
        assert.ok(rel.provider?.startsWith(`${providerUrn}::`), rel.provider);
        assert.ok(rel.dependencies.includes(byName(run.resources, "logs-pod-identity").urn));
        assert.ok(rel.dependencies.includes(byName(run.resources, "logs-policy").urn));
    });

    it("values: DaemonSet, pinned image, tolerate every taint, no busybox:latest test pod", () => {
        const v = byName(run.resources, "logs-release").inputs.values;
        assert.strictEqual(v.kind, "DaemonSet");
        assert.deepStrictEqual(v.image, { repository: "cr.fluentbit.io/fluent/fluent-bit", tag: "5.1.1" });
        assert.deepStrictEqual(v.tolerations, [{ operator: "Exists" }]);
        assert.deepStrictEqual(v.testFramework, { enabled: false });
        assert.deepStrictEqual(v.serviceAccount, { create: true, name: "fluent-bit" });
        assert.strictEqual(v.nodeSelector, undefined, "a log shipper must run on every node");
    });

    it("values: pipeline carries the team buckets, the prefix, the region and the created log group", () => {
        const cfg = byName(run.resources, "logs-release").inputs.values.config;
        assert.deepStrictEqual(Object.keys(cfg).sort(), ["customParsers", "filters", "inputs", "outputs"]);
        for (const bucket of Object.values(TEAM_BUCKETS)) {
            assert.match(cfg.outputs, new RegExp(`^ {4}bucket +${bucket}$`, "m"));
        }
        assert.match(cfg.outputs, /^ {4}s3_key_format +\/container-logs\/\$TAG\[2\]\//m);
        assert.match(cfg.outputs, new RegExp(`^ {4}region +${REGION}$`, "m"));
        assert.match(cfg.outputs, /^ {4}log_group_name +\/moka\/moka-test\/containers$/m);
        assert.match(cfg.filters, /_yunikorn_/);
    });

    it("the pod fragment the values produce validates as a Pod", () => {
        const v = byName(run.resources, "logs-release").inputs.values;
        const pod = new Pod({
            metadata: { name: "fluent-bit", namespace: NAMESPACES.observability },
            spec: {
                priorityClassName: v.priorityClassName,
                tolerations: v.tolerations,
                volumes: v.extraVolumes,
                containers: [{
                    name: "fluent-bit",
                    image: `${v.image.repository}:${v.image.tag}`,
                    securityContext: v.securityContext,
                    resources: v.resources,
                    volumeMounts: v.extraVolumeMounts,
                }],
            },
        });
        pod.validate();
        assert.strictEqual(v.securityContext.privileged, false);
        assert.strictEqual(v.securityContext.allowPrivilegeEscalation, false);
        assert.deepStrictEqual(v.securityContext.capabilities, { drop: ["ALL"] });
    });

    it("exposes the log group, role and each team's S3 location", () => {
        assert.deepStrictEqual(run.outputs, {
            logGroupName: LOG_GROUP,
            logGroupArn: LOG_GROUP_ARN,
            roleArn: `arn:aws:iam::${ACCOUNT}:role/moka-test-fluent-bit`,
            s3Locations: { "team-a": `s3://${bucketOf("team-a")}/container-logs/`, "team-b": `s3://${bucketOf("team-b")}/container-logs/` },
        });
    });
});

describe("FluentBit component: arguments", () => {
    const cases: [string, Partial<FluentBitArgs>, string][] = [
        ["retention not allowed by CloudWatch", { logRetentionDays: 31 }, 'moka:observability:FluentBit "bad": args.logRetentionDays must be a CloudWatch Logs retention value (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653), got 31'],
        ["prefix with a leading slash", { containerLogPrefix: "/logs" }, 'moka:observability:FluentBit "bad": args.containerLogPrefix must not start or end with \'/\', got "/logs"'],
        ["empty prefix", { containerLogPrefix: "" }, 'moka:observability:FluentBit "bad": args.containerLogPrefix must not be empty, got ""'],
        ["no baseName", { baseName: "" }, 'moka:observability:FluentBit "bad": args.baseName is required'],
        ["no provider", { k8sProvider: undefined as unknown as k8s.Provider }, 'moka:observability:FluentBit "bad": args.k8sProvider is required'],
        ["a bad account id", { accountId: "12" }, 'moka:observability:FluentBit "bad": args.accountId must be a 12-digit AWS account id, got "12"'],
        ["a team key that is not a namespace", { teamBuckets: { Team_A: "b" } }, 'moka:observability:FluentBit "bad": args.teamBuckets key "Team_A" is not a team namespace name'],
    ];
    for (const [label, over, message] of cases) {
        it(`rejects ${label}`, async () => {
            const { errors, created } = await constructionErrors((provider) => {
                new FluentBit("bad", args(provider, over));
            }, CONFIG);
            assert.deepStrictEqual(errors, [message]);
            assert.strictEqual(created, 0);
        });
    }
});
