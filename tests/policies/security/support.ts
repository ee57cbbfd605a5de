/**
 * Assertions shared by the security-pack rule tests (not a spec file itself). All go through the
 * real @pulumi/policy server handlers via tests/helpers/policy.ts.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import type { EnforcementLevel, Policy, StackValidationPolicy } from "@pulumi/policy";
import { check as runCheck, Diagnostic, TestResource, toAnalyzer } from "../../helpers/policy";

// ---------------------------------------------------------------------------------------------
// Golden-diagnostics recorder. RECORD_DIAGNOSTIC_SNAPSHOTS=1 npx mocha tests/policies/<pack>/*.spec.ts
// appends the inputs of every test that the pack's snapshots/diagnostics.json does not know yet (matched by
// test title; the snapshot is the one beside the spec file, so security, cost and isolation specs record
// into their own pack's) as new cases with empty diagnostics; then fill them with
// UPDATE_DIAGNOSTIC_SNAPSHOTS=1 (see tests/policies/diagnostics-snapshot.ts) and review the diff. Inputs go
// through the helpers below.
// ---------------------------------------------------------------------------------------------

const RECORD = process.env.RECORD_DIAGNOSTIC_SNAPSHOTS === "1";
let currentTest = "";
let currentSnapshot = "";
const recorded: { snapshot: string; policy: string; from: string; resources: unknown[]; opts: Record<string, unknown> }[] = [];

if (RECORD) {
    beforeEach(function () {
        const t = this.currentTest;
        const dir = t?.file ? path.dirname(t.file) : "";
        currentSnapshot = dir ? path.join(dir, "snapshots/diagnostics.json") : "";
        currentTest = t && fs.existsSync(currentSnapshot) ? `${path.basename(dir)}/${path.basename(t.file ?? "")}: ${t.fullTitle()}` : "";
    });
    after(() => {
        for (const file of new Set(recorded.map((r) => r.snapshot))) {
            const snap = JSON.parse(fs.readFileSync(file, "utf8"));
            const known = new Set((snap.cases as { from: string }[]).map((c) => c.from));
            const fresh = recorded.filter((r) => r.snapshot === file && !known.has(r.from));
            for (const r of fresh) {
                const refs = r.resources.map((res) => {
                    snap.resources.push(res);
                    return snap.resources.length - 1;
                });
                snap.cases.push({ policy: r.policy, from: r.from, resources: refs, opts: r.opts, diagnostics: [] });
            }
            const lines = ["{", `"_": ${JSON.stringify(snap._)},`, '"resources": [', snap.resources.map((x: unknown) => JSON.stringify(x)).join(",\n"), "],", '"cases": [', snap.cases.map((x: unknown) => JSON.stringify(x)).join(",\n"), "]", "}"];
            fs.writeFileSync(file, lines.join("\n") + "\n");
        }
    });
}

/** Runs one policy through the server handlers (tests/helpers/policy.ts check), recording the inputs when asked. */
export async function check(policy: Policy, resources: TestResource | TestResource[], config?: Record<string, unknown>): Promise<Diagnostic[]> {
    const list = Array.isArray(resources) ? resources : [resources];
    if (RECORD && currentTest !== "") {
        recorded.push({ snapshot: currentSnapshot, policy: policy.name, from: currentTest, resources: list.map((r) => toAnalyzer(r)), opts: config ? { config: { [policy.name]: config } } : {} });
    }
    return runCheck(policy, list, config);
}

/** Violations only (excludes the advisory "can't run during preview" diagnostics for unknown values). */
export async function violations(policy: Policy, resources: TestResource | TestResource[], config?: Record<string, unknown>): Promise<Diagnostic[]> {
    return (await check(policy, resources, config)).filter((d) => !d.unknownValue);
}

/** Deep copy of a fixture with one change applied. */
export function mutate<T>(base: T, change: (draft: any) => void): T {
    const copy = JSON.parse(JSON.stringify(base));
    change(copy);
    return copy;
}

/** Exactly `count` violations (default 1) of this policy, at `level`, each matching `fragment`. */
export async function expectViolation(
    policy: Policy,
    resources: TestResource | TestResource[],
    fragment: RegExp,
    opts: { config?: Record<string, unknown>; level?: EnforcementLevel; count?: number } = {},
): Promise<Diagnostic[]> {
    const vs = await violations(policy, resources, opts.config);
    assert.equal(vs.length, opts.count ?? 1, `expected ${opts.count ?? 1} violation(s), got: ${JSON.stringify(vs.map((v) => v.message), null, 1)}`);
    for (const v of vs) {
        assert.equal(v.policy, policy.name);
        assert.equal(v.enforcementLevel, opts.level ?? "mandatory");
        assert.match(v.message, fragment);
    }
    return vs;
}

/** No diagnostics at all (neither violations nor unknown-value advisories). */
export async function expectClean(policy: Policy, resources: TestResource | TestResource[], config?: Record<string, unknown>): Promise<void> {
    const ds = await check(policy, resources, config);
    assert.deepEqual(ds.map((d) => d.message), []);
}

/** No mandatory diagnostic and at least one advisory "can't run during preview" diagnostic. */
export async function expectUnknownAdvisory(policy: Policy, resources: TestResource | TestResource[], config?: Record<string, unknown>): Promise<void> {
    const ds = await check(policy, resources, config);
    assert.deepEqual(ds.filter((d) => d.enforcementLevel === "mandatory").map((d) => d.message), []);
    assert.ok(ds.some((d) => d.unknownValue && d.enforcementLevel === "advisory"), `expected an unknown-value advisory, got ${JSON.stringify(ds)}`);
}

// ---------------------------------------------------------------------------------------------
// Workload fixtures: every kind policies/lib/pod-spec.ts reads, with one way to reach its pod and main container.
// ---------------------------------------------------------------------------------------------

export const ECR = "111111111111.dkr.ecr.us-west-2.amazonaws.com";
export const APP_IMAGE = `${ECR}/moka/app:1.4.2`;

export interface WorkloadKind {
    readonly kind: string;
    readonly type: string;
    /** Builds the object in namespace `ns` running `image`. */
    readonly make: (ns: string, image?: string) => TestResource;
    /** The pod-level object (where hostNetwork etc. live) inside a fixture's props. */
    readonly pod: (props: any) => any;
    /** The main container (where image and securityContext live) inside a fixture's props. */
    readonly main: (props: any) => any;
    /** Where volumes live inside a fixture's props. */
    readonly volumesHolder: (props: any) => any;
    /** The pod-level securityContext of the main pod, created if absent (a Spark role's podSecurityContext). */
    readonly podSecurity: (props: any) => any;
    /** The field that names the main pod's ServiceAccount ("serviceAccount" on a SparkApplication role). */
    readonly saField: "serviceAccountName" | "serviceAccount";
    /** Host namespace fields the main pod carries (a SparkApplication role has hostNetwork only; its template has all). */
    readonly hostFields: readonly ("hostNetwork" | "hostPID" | "hostIPC")[];
}

const ALL_HOST_FIELDS = ["hostNetwork", "hostPID", "hostIPC"] as const;
const podLevel = (pod: any) => (pod.securityContext ??= {});

function podSpec(image: string) {
    return {
        serviceAccountName: "app",
        securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: "RuntimeDefault" } },
        containers: [
            {
                name: "app",
                image,
                securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
                resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "128Mi" } },
            },
        ],
        volumes: [{ name: "scratch", emptyDir: {} }],
    };
}

/** A hardened SparkApplication spec (kubeflow/spark-operator v1beta2) running `image` as the team's spark ServiceAccount. */
function sparkAppSpec(image: string) {
    const role = { podSecurityContext: { runAsNonRoot: true, runAsUser: 185, seccompProfile: { type: "RuntimeDefault" } }, securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } } };
    return {
        type: "Scala",
        mode: "cluster",
        image,
        mainClass: "com.example.Etl",
        mainApplicationFile: "local:///opt/spark/jars/etl.jar",
        sparkVersion: "3.5.3",
        batchScheduler: "yunikorn",
        volumes: [{ name: "scratch", emptyDir: {} }],
        driver: { cores: 1, memory: "2g", serviceAccount: "spark", ...role },
        executor: { cores: 2, instances: 2, memory: "4g", serviceAccount: "spark", ...role },
    };
}

/** A hardened pod template spec with one Spark container named `name` (SparkConnect server/executor). */
function sparkTemplatePod(name: string, image: string) {
    return {
        securityContext: { runAsNonRoot: true, runAsUser: 185, seccompProfile: { type: "RuntimeDefault" } },
        containers: [{ name, image, securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } } }],
        volumes: [{ name: "scratch", emptyDir: {} }],
    };
}

function templated(apiVersion: string, kind: string, extra: (pod: unknown) => Record<string, unknown>) {
    return (ns: string, image = APP_IMAGE): TestResource => ({
        type: `kubernetes:${apiVersion}:${kind}`,
        name: `${kind.toLowerCase()}-${ns}`,
        props: { apiVersion, kind, metadata: { name: "app", namespace: ns }, spec: extra(podSpec(image)) },
    });
}

const labels = { app: "app" };
const templatePod = (p: any) => p.spec.template.spec;

export const WORKLOADS: readonly WorkloadKind[] = [
    {
        kind: "Pod",
        type: "kubernetes:core/v1:Pod",
        make: (ns, image = APP_IMAGE) => ({ type: "kubernetes:core/v1:Pod", name: `pod-${ns}`, props: { apiVersion: "v1", kind: "Pod", metadata: { name: "app", namespace: ns }, spec: podSpec(image) } }),
        pod: (p) => p.spec,
        main: (p) => p.spec.containers[0],
        volumesHolder: (p) => p.spec,
        podSecurity: (p) => podLevel(p.spec),
        saField: "serviceAccountName",
        hostFields: ALL_HOST_FIELDS,
    },
    ...(
        [
            ["apps/v1", "Deployment", (pod: unknown) => ({ replicas: 2, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: pod } })],
            ["apps/v1", "StatefulSet", (pod: unknown) => ({ serviceName: "app", selector: { matchLabels: labels }, template: { metadata: { labels }, spec: pod } })],
            ["apps/v1", "DaemonSet", (pod: unknown) => ({ selector: { matchLabels: labels }, template: { metadata: { labels }, spec: pod } })],
            ["apps/v1", "ReplicaSet", (pod: unknown) => ({ replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: pod } })],
            ["batch/v1", "Job", (pod: any) => ({ backoffLimit: 1, template: { spec: { ...pod, restartPolicy: "Never" } } })],
        ] as const
    ).map(([apiVersion, kind, extra]) => ({
        kind,
        type: `kubernetes:${apiVersion}:${kind}`,
        make: templated(apiVersion, kind, extra),
        pod: templatePod,
        main: (p: any) => templatePod(p).containers[0],
        volumesHolder: templatePod,
        podSecurity: (p: any) => podLevel(templatePod(p)),
        saField: "serviceAccountName" as const,
        hostFields: ALL_HOST_FIELDS,
    })),
    {
        kind: "CronJob",
        type: "kubernetes:batch/v1:CronJob",
        make: templated("batch/v1", "CronJob", (pod: any) => ({ schedule: "0 * * * *", jobTemplate: { spec: { template: { spec: { ...pod, restartPolicy: "OnFailure" } } } } })),
        pod: (p) => p.spec.jobTemplate.spec.template.spec,
        main: (p) => p.spec.jobTemplate.spec.template.spec.containers[0],
        volumesHolder: (p) => p.spec.jobTemplate.spec.template.spec,
        podSecurity: (p) => podLevel(p.spec.jobTemplate.spec.template.spec),
        saField: "serviceAccountName",
        hostFields: ALL_HOST_FIELDS,
    },
    {
        kind: "SparkApplication",
        type: "kubernetes:sparkoperator.k8s.io/v1beta2:SparkApplication",
        make: (ns, image = APP_IMAGE) => ({
            type: "kubernetes:sparkoperator.k8s.io/v1beta2:SparkApplication",
            name: `spark-${ns}`,
            props: { apiVersion: "sparkoperator.k8s.io/v1beta2", kind: "SparkApplication", metadata: { name: "etl", namespace: ns }, spec: sparkAppSpec(image) },
        }),
        pod: (p) => p.spec.driver,
        main: (p) => p.spec.driver,
        volumesHolder: (p) => p.spec,
        podSecurity: (p) => (p.spec.driver.podSecurityContext ??= {}),
        saField: "serviceAccount",
        hostFields: ["hostNetwork"],
    },
    {
        kind: "ScheduledSparkApplication",
        type: "kubernetes:sparkoperator.k8s.io/v1beta2:ScheduledSparkApplication",
        make: (ns, image = APP_IMAGE) => ({
            type: "kubernetes:sparkoperator.k8s.io/v1beta2:ScheduledSparkApplication",
            name: `scheduled-${ns}`,
            props: { apiVersion: "sparkoperator.k8s.io/v1beta2", kind: "ScheduledSparkApplication", metadata: { name: "nightly", namespace: ns }, spec: { schedule: "@daily", concurrencyPolicy: "Forbid", template: sparkAppSpec(image) } },
        }),
        pod: (p) => p.spec.template.driver,
        main: (p) => p.spec.template.driver,
        volumesHolder: (p) => p.spec.template,
        podSecurity: (p) => (p.spec.template.driver.podSecurityContext ??= {}),
        saField: "serviceAccount",
        hostFields: ["hostNetwork"],
    },
    {
        kind: "SparkConnect",
        type: "kubernetes:sparkoperator.k8s.io/v1alpha1:SparkConnect",
        make: (ns, image = APP_IMAGE) => ({
            type: "kubernetes:sparkoperator.k8s.io/v1alpha1:SparkConnect",
            name: `connect-${ns}`,
            props: {
                apiVersion: "sparkoperator.k8s.io/v1alpha1",
                kind: "SparkConnect",
                metadata: { name: "connect", namespace: ns },
                spec: {
                    sparkVersion: "4.0.1",
                    server: { template: { metadata: { labels }, spec: { ...sparkTemplatePod("spark-kubernetes-driver", image), serviceAccountName: "spark" } } },
                    executor: { instances: 2, cores: 1, memory: "4g", template: { spec: { ...sparkTemplatePod("spark-kubernetes-executor", image), serviceAccountName: "spark" } } },
                },
            },
        }),
        pod: (p) => p.spec.server.template.spec,
        main: (p) => p.spec.server.template.spec.containers[0],
        volumesHolder: (p) => p.spec.server.template.spec,
        podSecurity: (p) => podLevel(p.spec.server.template.spec),
        saField: "serviceAccountName",
        hostFields: ALL_HOST_FIELDS,
    },
];

/**
 * Runs a stack policy's validateStack directly on plain resources (no protobuf round trip), for
 * timing the policy itself at benchmark scale. Returns the reported violations and elapsed ms.
 */
export async function runStackDirect(
    policy: StackValidationPolicy,
    resources: TestResource[],
    config: Record<string, unknown> = {},
): Promise<{ violations: { message: string; urn?: string }[]; ms: number }> {
    const list = resources.map((r, i) => {
        const name = r.name ?? `d${i}`;
        return { urn: r.urn ?? `urn:pulumi:test::moka::${r.type}::${name}`, type: r.type, name, props: r.props, opts: {}, dependencies: [], propertyDependencies: {} as Record<string, any[]>, raw: r };
    });
    const byUrn = new Map(list.map((r) => [r.urn, r]));
    for (const r of list) {
        for (const [k, urns] of Object.entries(r.raw.propertyDependencies ?? {})) {
            r.propertyDependencies[k] = urns.map((u) => byUrn.get(u)).filter((x) => x);
        }
    }
    const out: { message: string; urn?: string }[] = [];
    const started = process.hrtime.bigint();
    await policy.validateStack(
        { resources: list as any, getConfig: (() => config) as any, stackTags: new Map() as any, notApplicable: (() => { throw new Error("n/a"); }) as any },
        (message: string, urn?: string) => out.push({ message, urn }),
    );
    return { violations: out, ms: Number(process.hrtime.bigint() - started) / 1e6 };
}
