/**
 * examples/team-spark-job, the app-team repository template:
 * - its fixture of what the platform publishes is what the dev platform stack really publishes;
 * - its own test suite (program under mocks + the guardrail packs) passes, run here the way the template runs
 *   it, in a child process, with `@moka/contract` resolved to this repository's contract/index.ts;
 * - the program runs as the team's CI role: every object it deploys is within what the contract says that
 *   role may do (the namespace-scoped access policy and the team group's RBAC);
 * - its project files make a repository of their own (package.json, Pulumi.yaml, stack config, a CI
 *   workflow calling the reusable one).
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { validateWorkflow } from "@action-validator/core";
import { CONTRACT_OUTPUT_KEYS, CONTRACT_VERSION, TeamContract } from "../../contract";
import { PROJECT_ROOT } from "../../preview/mocks";
import { runStack } from "../helpers/stack";
import { sparkApplicationDefaults } from "../../components/tenancy/spark-defaults";

const EXAMPLE_DIR = path.join(PROJECT_ROOT, "examples", "team-spark-job");
const FIXTURE = path.join(EXAMPLE_DIR, "tests", "fixtures", "platform-dev.json");
const SPARK_APP = "kubernetes:sparkoperator.k8s.io/v1beta2:SparkApplication";

/** Runs the template's own mocha suite; returns the child's exit code and output. */
function runTemplateSuite(extraArgs: string[] = [], env: Record<string, string> = {}): { status: number | null; out: string } {
    const r = spawnSync(process.execPath, [
        path.join(PROJECT_ROOT, "node_modules", "mocha", "bin", "mocha.js"), "--require", path.join(__dirname, "contract-alias.js"), "--reporter", "dot", ...extraArgs,
    ], {
        cwd: EXAMPLE_DIR,
        encoding: "utf8",
        env: {
            ...process.env,
            MOKA_GUARDRAILS_MODULE: path.join(PROJECT_ROOT, "scripts", "guardrails", "offline-check.js"),
            MOKA_GUARDRAIL_PACK_DIRS: fs.readdirSync(path.join(PROJECT_ROOT, "policies"), { withFileTypes: true })
                .filter((e) => e.isDirectory() && fs.existsSync(path.join(PROJECT_ROOT, "policies", e.name, "PulumiPolicy.yaml")))
                .map((e) => path.join(PROJECT_ROOT, "policies", e.name)).join(path.delimiter),
            ...env,
        },
    });
    return { status: r.status, out: `${r.stdout}\n${r.stderr}` };
}

/** May the access description's principal `roleArn` do `verb` on `apiGroup/resource` in `namespace`, by its EKS access policy or its group's RBAC? */
function mayDo(team: TeamContract, roleArn: string, q: { apiGroup: string; resource: string; namespace: string; verb: string }): boolean {
    const p = team.access.principals.find((x) => x.roleArn === roleArn);
    if (!p) {
        return false;
    }
    const inScope = p.accessScope.type === "cluster" || (p.accessScope.namespaces ?? []).includes(q.namespace);
    // The custom resources are not in any EKS access policy (awsdocs access-policy-reference); only the group's Role grants them.
    const rules = p.level === "edit" ? team.access.kubernetesPermissions.edit : team.access.kubernetesPermissions.view;
    const byRbac = p.kubernetesGroups.length > 0 && rules.some((r) => r.apiGroups.includes(q.apiGroup) && r.resources.includes(q.resource) && r.verbs.includes(q.verb));
    return inScope && (byRbac || p.accessPolicy === "AmazonEKSClusterAdminPolicy");
}

describe("examples/team-spark-job (the app-team template)", function () {
    this.timeout(240_000);
    let published: Record<string, any>;

    before(async () => {
        const run = await runStack("dev");
        published = Object.fromEntries(CONTRACT_OUTPUT_KEYS.map((k) => [k, run.outputs[k]]));
        if (process.env.UPDATE_EXAMPLE_FIXTURE === "1") {
            fs.writeFileSync(FIXTURE, `${JSON.stringify(published, null, 2)}\n`);
        }
    });

    it("its fixture is exactly what the dev platform stack publishes (regenerate: UPDATE_EXAMPLE_FIXTURE=1 npx mocha tests/examples/team-spark-job.spec.ts)", () => {
        assert.deepEqual(JSON.parse(fs.readFileSync(FIXTURE, "utf8")), JSON.parse(JSON.stringify(published)));
        assert.equal(published.contractVersion, CONTRACT_VERSION);
    });

    it("the contract hands each team the spot-safe SparkApplication defaults", () => {
        for (const [name, team] of Object.entries(published.teams as Record<string, TeamContract>)) {
            assert.deepEqual(team.sparkApplicationDefaults, sparkApplicationDefaults({ bucket: team.bucket, eventLogPrefix: "spark-events", team: name, region: "us-west-2" }));
        }
    });

    it("its own suite passes: the program under mocks, then every resource through the guardrail packs (none skipped)", () => {
        const r = runTemplateSuite();
        assert.equal(r.status, 0, r.out);
        assert.match(r.out, /\b12 passing\b/);
        assert.doesNotMatch(r.out, /pending/);
    });

    it("a failure in its suite fails the run (the child's exit code is checked, not assumed)", () => {
        const r = runTemplateSuite(["--grep", "guardrail packs"], { MOKA_GUARDRAIL_PACK_DIRS: path.join(EXAMPLE_DIR, "no-such-pack") });
        assert.notEqual(r.status, 0, r.out);
        assert.match(r.out, /\b2 failing\b/);
    });

    it("runs as the team's CI role: everything it deploys is within the role's namespace-scoped access and group RBAC", () => {
        const config = yaml.load(fs.readFileSync(path.join(EXAMPLE_DIR, "Pulumi.dev.yaml"), "utf8")) as { config: Record<string, string> };
        const team = (published.teams as Record<string, TeamContract>)[config.config["team-spark-job:team"]];
        const ci = team.access.principals.find((p) => p.kind === "ci")!;
        assert.equal(ci.accessPolicy, "AmazonEKSEditPolicy");
        assert.deepEqual(ci.accessScope, { type: "namespace", namespaces: [team.namespace] });
        for (const verb of ["get", "create", "update", "patch", "delete"]) {
            assert.ok(mayDo(team, ci.roleArn, { apiGroup: "sparkoperator.k8s.io", resource: "sparkapplications", namespace: team.namespace, verb }), verb);
        }
        // Not elsewhere, and not without the group: the Edit policy alone does not cover SparkApplications.
        const other = Object.values(published.teams as Record<string, TeamContract>).find((t) => t.namespace !== team.namespace)!;
        assert.ok(!mayDo(team, ci.roleArn, { apiGroup: "sparkoperator.k8s.io", resource: "sparkapplications", namespace: other.namespace, verb: "create" }));
        assert.ok(!mayDo({ ...team, access: { ...team.access, principals: [{ ...ci, kubernetesGroups: [] }] } }, ci.roleArn, { apiGroup: "sparkoperator.k8s.io", resource: "sparkapplications", namespace: team.namespace, verb: "create" }));
        // What the program registers (index.ts): one SparkApplication in the team namespace.
        const text = fs.readFileSync(path.join(EXAMPLE_DIR, "index.ts"), "utf8");
        assert.match(text, /apiVersion: "sparkoperator\.k8s\.io\/v1beta2",\s+kind: "SparkApplication"/);
        assert.equal(SPARK_APP.split(":")[1].split("/")[0], "sparkoperator.k8s.io");
    });

    describe("project files: a repository of its own", () => {
        const read = (f: string) => fs.readFileSync(path.join(EXAMPLE_DIR, f), "utf8");

        it("Pulumi.yaml: project team-spark-job on the nodejs runtime, declaring its config", () => {
            const doc = yaml.load(read("Pulumi.yaml")) as any;
            assert.equal(doc.name, "team-spark-job");
            assert.equal(doc.runtime.name, "nodejs");
            assert.deepEqual(Object.keys(doc.config).sort(), ["imageTag", "platformStack", "team"]);
        });

        it("Pulumi.dev.yaml: every key is in the project's namespace and names a fully qualified platform stack and a platform team", () => {
            const cfg = (yaml.load(read("Pulumi.dev.yaml")) as any).config as Record<string, string>;
            assert.ok(Object.keys(cfg).every((k) => k.startsWith("team-spark-job:")), Object.keys(cfg).join(", "));
            assert.match(cfg["team-spark-job:platformStack"], /^[^/]+\/[^/]+\/[^/]+$/);
            assert.ok(cfg["team-spark-job:team"] in published.teams);
            assert.notEqual(cfg["team-spark-job:imageTag"], "latest");
        });

        it("package.json: the contract at this major from this minor on (the template reads sparkImage), this repository's guardrails version; other ranges as the platform's", () => {
            const root = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8"));
            const pkg = JSON.parse(read("package.json"));
            const [major, minor] = CONTRACT_VERSION.split(".");
            assert.equal(pkg.dependencies["@moka/contract"], `^${major}.${minor}.0`);
            assert.equal(pkg.devDependencies["@moka/guardrails"], `^${root.version}`);
            for (const [dep, range] of Object.entries({ ...pkg.dependencies, ...pkg.devDependencies })) {
                if (!dep.startsWith("@moka/")) {
                    assert.equal(root.dependencies[dep] ?? root.devDependencies[dep], range, dep);
                }
            }
            assert.equal(pkg.scripts.test, "mocha");
            assert.deepEqual(JSON.parse(read(".mocharc.json")).spec, ["tests/**/*.spec.ts"]);
        });

        it(".npmrc maps the @moka scope to MOKA_NPM_REGISTRY (what the workflow sets), and nothing else", () => {
            const lines = read(".npmrc").split("\n").filter((l) => l.trim() && !l.startsWith("#"));
            assert.deepEqual(lines, ["@moka:registry=${MOKA_NPM_REGISTRY}"]);
            const reusable = yaml.load(fs.readFileSync(path.join(PROJECT_ROOT, ".github", "workflows", "app-team.yml"), "utf8")) as any;
            assert.ok("MOKA_NPM_REGISTRY" in reusable.env);
        });

        it("ships no package-lock.json (it would resolve @moka/* from no registry a team has); the workflow asks for the team's own", () => {
            assert.ok(!fs.existsSync(path.join(EXAMPLE_DIR, "package-lock.json")));
            assert.doesNotMatch(read(".gitignore"), /package-lock/);
            assert.match(read("README.md").replace(/\s+/g, " "), /Commit `package-lock\.json` after that first `npm install`/);
        });

        it("index.ts imports only the contract package, the Pulumi SDKs and its own app.ts", () => {
            const specifiers = [...read("index.ts").matchAll(/from\s+["']([^"']+)["']/g)].map((m) => m[1]).sort();
            assert.deepEqual(specifiers, ["./app", "@moka/contract", "@pulumi/kubernetes", "@pulumi/pulumi"]);
        });

        it("its CI workflow is valid and calls the platform's reusable app-team workflow with the team's CI role", () => {
            const text = read(".github/workflows/ci.yml");
            assert.deepEqual(validateWorkflow(text).errors, []);
            const wf = yaml.load(text) as any;
            const job = wf.jobs.platform;
            assert.match(job.uses, /\/\.github\/workflows\/app-team\.yml@/);
            assert.deepEqual(JSON.parse(job.with.stacks), ["acme/team-spark-job/dev"]);
            assert.deepEqual(Object.keys(job.secrets).sort(), ["AWS_ROLE_ARN", "PULUMI_ACCESS_TOKEN", "npm-token"]);
            // The preview runs where the cluster API admits it; @moka/* come from the organization's registry.
            assert.equal(job.with["runs-on"], "${{ vars.MOKA_PREVIEW_RUNS_ON || '[\"ubuntu-latest\"]' }}");
            assert.equal(job.with["npm-registry-url"], "${{ vars.MOKA_NPM_REGISTRY }}");
            assert.equal(job.permissions["id-token"], "write");
            const reusable = yaml.load(fs.readFileSync(path.join(PROJECT_ROOT, ".github", "workflows", "app-team.yml"), "utf8")) as any;
            assert.deepEqual(Object.keys(job.with).filter((k) => !(k in reusable.on.workflow_call.inputs)), [], "only inputs the reusable workflow declares");
        });
    });
});
