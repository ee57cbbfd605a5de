import * as assert from "assert";
import * as k8s from "@pulumi/kubernetes";
import { NAMESPACES, SYSTEM_NODE_LABEL, SYSTEM_TOLERATIONS } from "../../../lib/platform";
import { ENGINES_DEFAULTS, Engines, flinkOperatorValues, kuberayOperatorValues, type EnginesArgs } from "../../../components/engines";
import { MockRunResult, RecordedResource, runUnderMocks } from "../../../preview/mocks";
import { byName, ofType } from "../../helpers/resources";
import { constructionErrors } from "../../helpers/construct";
import { esmImport } from "../../helpers/esm";

// kubernetes-models is ESM-only; a real dynamic import loads it.

const CONFIG = { "aws:region": "us-west-2", "moka:accountId": "111111111111" };
const TEAMS = ["team-a", "team-b"];

const T = {
    component: "moka:engines:Engines",
    namespace: "kubernetes:core/v1:Namespace",
    release: "kubernetes:helm.sh/v3:Release",
} as const;

const RESTRICTED = {
    "app.kubernetes.io/managed-by": "pulumi",
    "pod-security.kubernetes.io/enforce": "restricted",
    "pod-security.kubernetes.io/enforce-version": "latest",
    "pod-security.kubernetes.io/audit": "restricted",
    "pod-security.kubernetes.io/warn": "restricted",
};

interface Run { run: MockRunResult; providerUrn: string; teamNsUrn: string }

async function runEngines(over: Partial<EnginesArgs>): Promise<Run> {
    const run = await runUnderMocks({
        stack: "test",
        config: CONFIG,
        program: () => {
            const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
            // Stand-in for the tenancy component's team namespace.
            const teamNs = new k8s.core.v1.Namespace("team-a-ns", { metadata: { name: "team-a" } }, { provider });
            const e = new Engines("eng", { k8sProvider: provider, teamNamespaces: TEAMS, dependsOn: [teamNs], ...over });
            return { enabled: e.enabled, namespaces: e.namespaces };
        },
    });
    return {
        run,
        providerUrn: run.resources.find((r) => r.type === "pulumi:providers:kubernetes")!.urn,
        teamNsUrn: byName(run.resources, "team-a-ns").urn,
    };
}

const children = (run: MockRunResult) => {
    const comp = ofType(run.resources, T.component)[0];
    return run.resources.filter((r) => r.parent === comp.urn).map((r) => `${r.type} ${r.name}`).sort();
};

describe("engines (pure values)", () => {
    it("flink: watches the team namespaces, webhook off, pinned image, system nodes, restricted contexts", () => {
        const v = flinkOperatorValues(TEAMS) as any;
        assert.deepStrictEqual(v.watchNamespaces, TEAMS);
        assert.deepStrictEqual(v.webhook, { create: false });
        assert.deepStrictEqual(v.image, { repository: "apache/flink-kubernetes-operator", tag: "1.15.0" });
        assert.notStrictEqual(v.image.tag, "latest");
        // Explicit requests (the chart sets none): the figures its values.yaml suggests, one replica.
        assert.deepStrictEqual(v.operatorPod, { nodeSelector: SYSTEM_NODE_LABEL, tolerations: SYSTEM_TOLERATIONS, resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { memory: "1Gi" } } });
        assert.strictEqual(v.replicas, 1);
        assert.deepStrictEqual(v.podSecurityContext, { runAsUser: 9999, runAsGroup: 9999, runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
        assert.deepStrictEqual(v.operatorSecurityContext.capabilities, { drop: ["ALL"] });
        assert.strictEqual(v.operatorSecurityContext.allowPrivilegeEscalation, false);
    });

    it("kuberay: namespaced RBAC in the watched team namespaces only, pinned image, system nodes", () => {
        const v = kuberayOperatorValues(TEAMS) as any;
        assert.deepStrictEqual(v.watchNamespace, TEAMS);
        assert.deepStrictEqual([v.rbacEnable, v.singleNamespaceInstall, v.crNamespacedRbacEnable], [true, true, true]);
        assert.deepStrictEqual(v.image, { repository: "quay.io/kuberay/operator", tag: "v1.7.0" });
        assert.deepStrictEqual(v.nodeSelector, SYSTEM_NODE_LABEL);
        assert.deepStrictEqual(v.tolerations, SYSTEM_TOLERATIONS);
        // The chart's default limits (requests default to them) made explicit.
        assert.deepStrictEqual(v.resources, { requests: { cpu: "100m", memory: "512Mi" }, limits: { cpu: "100m", memory: "512Mi" } });
        assert.strictEqual(v.replicas, 1);
    });

    it("values do not alias the caller's namespace list", () => {
        const teams = ["team-a"];
        const v = flinkOperatorValues(teams) as any;
        teams.push("team-z");
        assert.deepStrictEqual(v.watchNamespaces, ["team-a"]);
    });
});

describe("Engines component: switch combinations", () => {
    let Namespace: any;
    let Pod: any;
    before(async () => {
        ({ Namespace } = await esmImport("kubernetes-models/v1/Namespace"));
        ({ Pod } = await esmImport("kubernetes-models/v1/Pod"));
    });

    const combos: [string, Partial<EnginesArgs>, string[], string[]][] = [
        ["neither", {}, [], []],
        ["flink only", { flink: true }, [`${T.namespace} eng-flink-namespace`, `${T.release} eng-flink-operator`], ["flink"]],
        ["ray only", { ray: true }, [`${T.namespace} eng-kuberay-namespace`, `${T.release} eng-kuberay-operator`], ["ray"]],
        ["both", { flink: true, ray: true }, [
            `${T.namespace} eng-flink-namespace`, `${T.namespace} eng-kuberay-namespace`,
            `${T.release} eng-flink-operator`, `${T.release} eng-kuberay-operator`,
        ], ["flink", "ray"]],
    ];
    for (const [label, over, expected, enabled] of combos) {
        it(`${label}: exactly ${expected.length} children`, async () => {
            const { run } = await runEngines(over);
            assert.deepStrictEqual(children(run), [...expected].sort());
            assert.deepStrictEqual(run.outputs.enabled, enabled);
        });
    }

    describe("both engines", () => {
        let r: Run;
        before(async () => { r = await runEngines({ flink: true, ray: true }); });

        it("operator namespaces are PSA restricted and validate", () => {
            const nss = ofType(r.run.resources, T.namespace).filter((n) => n.name.startsWith("eng-"));
            assert.deepStrictEqual(nss.map((n) => n.inputs.metadata.name), [NAMESPACES.flinkOperator, NAMESPACES.kuberay]);
            for (const ns of nss) {
                assert.deepStrictEqual(ns.inputs.metadata.labels, RESTRICTED);
                new Namespace(ns.inputs).validate();
            }
            assert.deepStrictEqual(r.run.outputs.namespaces, ["flink-operator", "kuberay"]);
        });

        it("flink release: pinned chart from archive.apache.org (downloads.apache.org drops superseded releases), in flink-operator, after the team namespaces", () => {
            const rel = byName(r.run.resources, "eng-flink-operator");
            assert.deepStrictEqual([rel.inputs.name, rel.inputs.chart, rel.inputs.version, rel.inputs.repositoryOpts.repo], [
                "flink-kubernetes-operator", "flink-kubernetes-operator", "1.15.0", "https://archive.apache.org/dist/flink/flink-kubernetes-operator-1.15.0/",
            ]);
            assert.strictEqual(rel.inputs.namespace, "flink-operator");
            assert.deepStrictEqual(rel.inputs.values, flinkOperatorValues(TEAMS));
            assert.ok(rel.dependencies.includes(r.teamNsUrn));
            assert.ok(rel.dependencies.includes(byName(r.run.resources, "eng-flink-namespace").urn));
        });

        it("kuberay release: pinned chart from the kuberay-helm repo, in kuberay, after the team namespaces", () => {
            const rel = byName(r.run.resources, "eng-kuberay-operator");
            assert.deepStrictEqual([rel.inputs.name, rel.inputs.chart, rel.inputs.version, rel.inputs.repositoryOpts.repo], [
                "kuberay-operator", "kuberay-operator", "1.7.0", "https://ray-project.github.io/kuberay-helm/",
            ]);
            assert.strictEqual(rel.inputs.namespace, "kuberay");
            assert.deepStrictEqual(rel.inputs.values, kuberayOperatorValues(TEAMS));
            assert.ok(rel.dependencies.includes(r.teamNsUrn));
            assert.strictEqual(rel.inputs.version, ENGINES_DEFAULTS.kuberay.version);
        });

        it("every Kubernetes child uses the explicit provider", () => {
            const comp = ofType(r.run.resources, T.component)[0];
            const kids: RecordedResource[] = r.run.resources.filter((x) => x.parent === comp.urn);
            assert.strictEqual(kids.length, 4);
            for (const k of kids) assert.ok(k.provider?.startsWith(`${r.providerUrn}::`), k.name);
        });

        it("operator pod fragments validate as Pods", () => {
            const f = byName(r.run.resources, "eng-flink-operator").inputs.values;
            new Pod({
                metadata: { name: "flink-operator", namespace: "flink-operator" },
                spec: {
                    nodeSelector: f.operatorPod.nodeSelector,
                    tolerations: f.operatorPod.tolerations,
                    securityContext: f.podSecurityContext,
                    containers: [{ name: "flink-kubernetes-operator", image: `${f.image.repository}:${f.image.tag}`, securityContext: f.operatorSecurityContext }],
                },
            }).validate();
            const k = byName(r.run.resources, "eng-kuberay-operator").inputs.values;
            new Pod({
                metadata: { name: "kuberay-operator", namespace: "kuberay" },
                spec: { nodeSelector: k.nodeSelector, tolerations: k.tolerations, containers: [{ name: "kuberay-operator", image: `${k.image.repository}:${k.image.tag}` }] },
            }).validate();
        });
    });
});

describe("Engines component: arguments", () => {
    const cases: [string, Partial<EnginesArgs>, string][] = [
        ["flink with no team namespaces", { flink: true, teamNamespaces: [] },
            'moka:engines:Engines "bad": args.teamNamespaces must list at least one namespace when flink or ray is enabled (an empty list would make the operators watch every namespace)'],
        ["ray with team namespaces omitted", { ray: true, teamNamespaces: undefined },
            'moka:engines:Engines "bad": args.teamNamespaces must list at least one namespace when flink or ray is enabled (an empty list would make the operators watch every namespace)'],
        ["a platform namespace", { flink: true, teamNamespaces: ["team-a", "karpenter", "kube-system"] },
            'moka:engines:Engines "bad": args.teamNamespaces must be team namespaces (DNS-1123 labels, not platform or kube-* namespaces), got "karpenter", "kube-system"'],
        ["a non-DNS name", { ray: true, teamNamespaces: ["Team_A"] },
            'moka:engines:Engines "bad": args.teamNamespaces must be team namespaces (DNS-1123 labels, not platform or kube-* namespaces), got "Team_A"'],
        ["duplicates", { ray: true, teamNamespaces: ["team-a", "team-a"] }, 'moka:engines:Engines "bad": args.teamNamespaces must not contain duplicates'],
        ["no provider", { k8sProvider: undefined as unknown as k8s.Provider }, 'moka:engines:Engines "bad": args.k8sProvider is required'],
    ];
    for (const [label, over, message] of cases) {
        it(`rejects ${label}`, async () => {
            const { errors, created } = await constructionErrors((provider) => {
                new Engines("bad", { k8sProvider: provider, teamNamespaces: TEAMS, ...over });
            }, CONFIG);
            assert.deepStrictEqual(errors, [message]);
            assert.strictEqual(created, 0);
        });
    }
});
