/**
 * The app-team promises of the prod stack, for every team in Pulumi.prod.yaml, computed from the resources
 * the program registers (issue 11, "Done when"):
 * - a namespace-scoped EKS access entry for each team principal, in the team's Kubernetes group;
 * - the team role holds Hadoop S3A's permission list on its own bucket, S3 answers its HEAD on a missing key
 *   with 404 (lib/iam-eval.ts headMissingKeyStatus, a pure model of the S3 rule), and no other team's role
 *   can write or list that bucket; a shared read is read-only, listing only its prefix (HEAD → 403 there);
 * - its History Server role reads only its own event logs;
 * - the contract hands out the spot-safe defaults, and every in-cluster endpoint it names is reachable
 *   through a NetworkPolicy rule of the team namespace.
 */
import { strict as assert } from "assert";
import { isDeepStrictEqual } from "util";
import { parseConfigMap } from "./../config";
import { canListKeys, canWriteBucket, headMissingKeyStatus, IamStatement, isAllowed, s3aMissingPermissions } from "../lib/iam-eval";
import { collectorServiceSelector } from "../components/observability/collector";
import { historyServerSelector } from "../components/spark/history-server-objects";
import { MockRunResult, readStackConfig, RecordedResource } from "../preview/mocks";
import { runStack } from "./helpers/stack";
import { policyDoc } from "./helpers/resources";
import { canConnect, networkPoliciesOf } from "./helpers/network-policy";
import type { TeamContract } from "../contract";

const ACCOUNT = "111111111111";
const KMS_CONTEXT = { "kms:ViaService": "s3.us-west-2.amazonaws.com" };
const bucketArn = (team: string) => `arn:aws:s3:::moka-prod-team-${team}-${ACCOUNT}`;

describe("app teams on the prod stack (every team in Pulumi.prod.yaml)", function () {
    this.timeout(120_000);
    const cfg = parseConfigMap(readStackConfig("prod"));
    const names = cfg.teams.map((t) => t.name);
    let run: MockRunResult;
    const statementsOfRole = (roleName: string): IamStatement[] => {
        const role = run.resources.find((r) => r.type === "aws:iam/role:Role" && r.inputs.name === roleName);
        assert.ok(role, `role ${roleName}`);
        const docs = run.resources.filter((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && (r.propertyDependencies.role ?? []).includes(role.urn));
        assert.equal(docs.length, 1, `${roleName}: one inline policy`);
        return policyDoc(docs[0].inputs.policy).Statement as IamStatement[];
    };
    const ofType = (type: string): RecordedResource[] => run.resources.filter((r) => r.type === type);
    const kmsArn = () => run.resources.find((r) => r.type === "aws:kms/key:Key" && r.name === "storage-key")!.state.arn as string;

    before(async () => {
        run = await runStack("prod");
    });

    it("the stack declares three teams, each with a CI role", () => {
        assert.deepEqual(names, ["ads-ranking", "growth", "trust-safety"]);
        assert.ok(cfg.teams.every((t) => t.access.ci.startsWith(`arn:aws:iam::${ACCOUNT}:role/`)));
    });

    for (const team of cfg.teams) {
        describe(team.name, () => {
            it("every principal has a STANDARD access entry in the team group and a namespace-scoped policy (never cluster scope)", () => {
                const principals = [{ arn: team.access.ci, level: "edit" }, ...team.access.developers.map((d) => ({ arn: d.roleArn, level: d.level }))];
                for (const p of principals) {
                    const entries = ofType("aws:eks/accessEntry:AccessEntry").filter((e) => e.inputs.principalArn === p.arn);
                    assert.equal(entries.length, 1, `one entry for ${p.arn}`);
                    assert.equal(entries[0].inputs.type, "STANDARD");
                    assert.deepEqual(entries[0].inputs.kubernetesGroups, [`moka:team:${team.name}:${p.level}`]);
                    const assoc = ofType("aws:eks/accessPolicyAssociation:AccessPolicyAssociation").filter((a) => a.inputs.principalArn === p.arn);
                    assert.equal(assoc.length, 1);
                    assert.deepEqual(assoc[0].inputs.accessScope, { type: "namespace", namespaces: [team.namespace] });
                    assert.equal(assoc[0].inputs.policyArn, `arn:aws:eks::aws:cluster-access-policy/${p.level === "edit" ? "AmazonEKSEditPolicy" : "AmazonEKSViewPolicy"}`);
                }
            });

            it("the team role: S3A's list on its own bucket, and S3 answers its HEAD on a missing key with 404", () => {
                const st = statementsOfRole(`moka-prod-team-${team.name}`);
                for (const prefix of [team.dataPrefix, cfg.storage.eventLogPrefix]) {
                    assert.deepEqual(s3aMissingPermissions(st, { bucketArn: bucketArn(team.name), prefix, mode: "write", kmsKeyArn: kmsArn(), kmsContext: KMS_CONTEXT }), [], prefix);
                    assert.equal(headMissingKeyStatus(st, bucketArn(team.name), `${prefix}/not-there-yet/_SUCCESS`), 404);
                    assert.equal(headMissingKeyStatus(st, bucketArn(team.name), prefix), 404, "the directory key itself (S3A's first probe)");
                }
                assert.deepEqual(s3aMissingPermissions(st, { bucketArn: bucketArn(team.name), prefix: cfg.storage.containerLogPrefix, mode: "read", kmsKeyArn: kmsArn(), kmsContext: KMS_CONTEXT }), []);
                assert.ok(!canWriteBucket(st, bucketArn(team.name), [`${cfg.storage.containerLogPrefix}/app/x.json.gz`]), "container logs are read-only for the team");
            });

            it("no other team's role can write its bucket or list its key names", () => {
                const keys = [`${team.dataPrefix}/x.parquet`, `${cfg.storage.eventLogPrefix}/app-1`, `${cfg.storage.containerLogPrefix}/app/x.json.gz`, "anything"];
                for (const other of names.filter((n) => n !== team.name)) {
                    const st = statementsOfRole(`moka-prod-team-${other}`);
                    assert.ok(!canWriteBucket(st, bucketArn(team.name), keys), `${other} writes ${team.name}'s bucket`);
                    assert.ok(!canListKeys(st, bucketArn(team.name), ""), `${other} lists ${team.name}'s bucket`);
                    assert.ok(!canListKeys(st, bucketArn(team.name), `${cfg.storage.eventLogPrefix}/`), `${other} lists ${team.name}'s event logs`);
                    assert.equal(headMissingKeyStatus(st, bucketArn(team.name), `${team.dataPrefix}/missing`), 403);
                }
            });

            it("shared reads are read-only and list only the shared prefix; S3 answers HEAD on a key there that does not exist with 403", () => {
                const st = statementsOfRole(`moka-prod-team-${team.name}`);
                for (const prefix of team.sharedPrefixes) {
                    const owner = cfg.teams.find((t) => prefix.startsWith(`${t.dataPrefix}/`))!.name;
                    assert.deepEqual(s3aMissingPermissions(st, { bucketArn: bucketArn(owner), prefix, mode: "read", kmsKeyArn: kmsArn(), kmsContext: KMS_CONTEXT }), []);
                    assert.ok(isAllowed(st, "s3:GetObject", `${bucketArn(owner)}/${prefix}/part-0.parquet`));
                    assert.ok(!canWriteBucket(st, bucketArn(owner), [`${prefix}/part-0.parquet`]));
                    assert.ok(canListKeys(st, bucketArn(owner), `${prefix}/`));
                    assert.ok(!canListKeys(st, bucketArn(owner), `${cfg.teams.find((t) => t.name === owner)!.dataPrefix}/`), "the rest of the owner's keys stay private");
                    assert.ok(!canListKeys(st, bucketArn(owner), ""));
                    // The price of keeping the owner's key names private (README, "Storage"): no 404 without a plain ListBucket.
                    assert.equal(headMissingKeyStatus(st, bucketArn(owner), `${prefix}/missing`), 403);
                }
            });

            it("its History Server role reads only its own event logs", () => {
                const st = statementsOfRole(`moka-prod-spark-history-${team.name}`);
                assert.deepEqual(s3aMissingPermissions(st, { bucketArn: bucketArn(team.name), prefix: cfg.storage.eventLogPrefix, mode: "read", kmsKeyArn: kmsArn(), kmsContext: KMS_CONTEXT }), []);
                assert.equal(headMissingKeyStatus(st, bucketArn(team.name), cfg.storage.eventLogPrefix), 404);
                assert.ok(!isAllowed(st, "s3:GetObject", `${bucketArn(team.name)}/${team.dataPrefix}/x.parquet`), "no data");
                assert.ok(!canWriteBucket(st, bucketArn(team.name), [`${cfg.storage.eventLogPrefix}/app-1`]), "read-only");
                for (const other of names.filter((n) => n !== team.name)) {
                    assert.ok(!isAllowed(st, "s3:GetObject", `${bucketArn(other)}/${cfg.storage.eventLogPrefix}/app-1`), `reads ${other}'s event logs`);
                    assert.ok(!canListKeys(st, bucketArn(other), ""));
                }
            });

            it("the contract hands it the spot-safe defaults", () => {
                const t = (run.outputs.teams as Record<string, TeamContract>)[team.name];
                const d = t.sparkApplicationDefaults;
                assert.equal(d.driver.annotations?.["karpenter.sh/do-not-disrupt"], "true");
                assert.equal(d.driver.nodeSelector?.["karpenter.sh/capacity-type"], "on-demand");
                assert.equal(d.driver.nodeSelector?.["moka.dev/spark-role"], "driver");
                assert.ok(d.executor.terminationGracePeriodSeconds! > Number(d.sparkConf["spark.executor.decommission.forceKillTimeout"].replace(/s$/, "")));
                assert.deepEqual(d.batchSchedulerOptions, { queue: `root.${team.name}` });
                assert.equal(d.sparkConf["spark.eventLog.dir"], t.eventLogUri);
            });

            it("every in-cluster endpoint of the contract is reachable from its namespace, and DNS does not depend on ClusterIP tracking", () => {
                const egress = ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy")
                    .filter((p) => p.inputs.metadata.namespace === team.namespace)
                    .flatMap((p) => (p.inputs.spec.egress ?? []) as { to: any[]; ports: { protocol: string; port: number }[] }[]);
                const reaches = (namespace: string, selector: Record<string, string>, port: number) => egress.some((rule) => (rule.ports ?? []).some((p) => p.protocol === "TCP" && p.port === port)
                    && rule.to.some((peer) => peer.namespaceSelector?.matchLabels?.["kubernetes.io/metadata.name"] === namespace && isDeepStrictEqual(peer.podSelector?.matchLabels, selector)));
                const otlp = run.outputs.otlpEndpoints as { grpc: string; http: string };
                const [grpcHost, grpcPort] = otlp.grpc.split(":");
                const http = new URL(otlp.http);
                assert.equal(grpcHost.split(".")[1], "observability");
                assert.ok(reaches("observability", collectorServiceSelector(grpcHost.split(".")[0]), Number(grpcPort)), "OTLP gRPC");
                assert.ok(reaches("observability", collectorServiceSelector(http.hostname.split(".")[0]), Number(http.port)), "OTLP HTTP");
                const hs = new URL((run.outputs.teams as Record<string, TeamContract>)[team.name].historyServerUrl);
                assert.equal(hs.hostname.split(".")[1], "spark-history");
                assert.ok(reaches("spark-history", historyServerSelector(team.name), Number(hs.port)), "its History Server");
                const service = ofType("kubernetes:core/v1:Service").find((s) => s.inputs.metadata.name === hs.hostname.split(".")[0])!;
                assert.deepEqual(service.inputs.spec.selector, historyServerSelector(team.name), "the rule selects the Service's own selector");
                for (const other of names.filter((n) => n !== team.name)) {
                    assert.ok(!reaches("spark-history", historyServerSelector(other), Number(hs.port)), `not ${other}'s History Server`);
                }
                // End to end, both ends' policies (the team's egress, spark-history's ingress): its own History Server only.
                const policies = networkPoliciesOf(run.resources);
                const driver = { namespace: team.namespace, labels: { "spark-role": "driver" } };
                const historyPod = (t: string) => ({ namespace: "spark-history", labels: ofType("kubernetes:apps/v1:Deployment").find((d) => d.inputs.metadata.name === `history-${t}`)!.inputs.spec.template.metadata.labels });
                assert.ok(canConnect(policies, driver, historyPod(team.name), Number(hs.port)), "reaches its History Server");
                for (const other of names.filter((n) => n !== team.name)) {
                    assert.ok(!canConnect(policies, driver, historyPod(other), Number(hs.port)), `reaches ${other}'s History Server`);
                    // Even if its own egress allowed it (a team may edit NetworkPolicies in its namespace), spark-history's ingress refuses.
                    const open = policies.filter((pol) => pol.metadata.namespace !== team.namespace);
                    assert.ok(!canConnect(open, driver, historyPod(other), Number(hs.port)), `${other}'s History Server admits ${team.name}`);
                }
                // VPC 10.40.0.0/16 is in 10/8, so EKS's default service CIDR is 172.20.0.0/16 and kube-dns is 172.20.0.10;
                // the cluster states that CIDR, so the ipBlock names the address kube-dns really has.
                const eksCluster = ofType("eks:index:Cluster")[0];
                assert.equal(eksCluster.inputs.kubernetesServiceIpAddressRange, "172.20.0.0/16");
                assert.ok(egress.some((rule) => rule.to.some((peer) => peer.ipBlock?.cidr === "172.20.0.10/32") && (rule.ports ?? []).some((p) => p.port === 53 && p.protocol === "UDP")));
            });
        });
    }

    it("executor TGPS reaches the pods: the Spark Operator's mutating webhook (which applies it) is on, failing closed", () => {
        const release = ofType("kubernetes:helm.sh/v3:Release").find((r) => r.inputs.chart === "spark-operator")!;
        const values = typeof release.inputs.values === "string" ? JSON.parse(release.inputs.values) : release.inputs.values;
        assert.equal(values.webhook.enable, true);
        assert.equal(values.webhook.failurePolicy, "Fail");
    });

    it("no executor pool consolidates running executors for savings: every NodePool consolidates only when empty", () => {
        for (const np of ofType("kubernetes:karpenter.sh/v1:NodePool")) {
            assert.equal(np.inputs.spec.disruption.consolidationPolicy, "WhenEmpty", np.inputs.metadata.name);
        }
    });
});

describe("README: the app-team walkthrough and the guardrails section", () => {
    const readme = require("fs").readFileSync(require("path").join(__dirname, "..", "README.md"), "utf8") as string;
    const section = (title: string) => {
        const start = readme.indexOf(`\n## ${title}\n`);
        assert.ok(start > 0, `README lacks "## ${title}"`);
        const end = readme.indexOf("\n## ", start + 4);
        return readme.slice(start, end < 0 ? undefined : end);
    };

    it("walks a new team from moka:teams to a running job, with the commands", () => {
        const s = section("App teams: from your first PR to a running job");
        for (const needle of ["moka:teams:", "access:", "npm run up -- --stack prod", "npm run pack:guardrails", "npm test", "pulumi config set team",
            "pulumi up", "kubectl -n fraud get sparkapplications", "port-forward svc/history-fraud", "retainLegacySharedBuckets", "pulumi state unprotect"]) {
            assert.ok(s.includes(needle), `walkthrough lacks ${needle}`);
        }
    });

    it("documents every new team access and storage key in the configuration reference", () => {
        for (const key of ["moka:teams[].access.ci", "moka:teams[].access.developers", "moka:teams[].access.allowAdminOverlap", "moka:storage.accessLogRetentionDays", "moka:storage.retainLegacySharedBuckets"]) {
            assert.ok(readme.includes(`| \`${key}`), `README lacks ${key}`);
        }
    });

    it("documents server-side enforcement for Pulumi Cloud users", () => {
        const s = section("Guardrails for app teams");
        assert.match(s, /pulumi policy publish acme/);
        assert.match(s, /pulumi policy enable acme\/moka-\$pack latest --policy-group \$env --config policies\/config\/\$env\/\$pack\.json/);
        assert.match(s, /--policy-pack node_modules\/@moka\/guardrails\/security/);
        assert.match(s, /uses: acme\/moka\/\.github\/workflows\/app-team\.yml@/);
    });
});
