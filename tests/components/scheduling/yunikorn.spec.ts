import { strict as assert } from "assert";
import * as k8s from "@pulumi/kubernetes";
import * as yaml from "js-yaml";
import type { TeamConfig, TeamQuota } from "../../../config";
import { teamQueue } from "../../../lib/platform";
import { YUNIKORN_DEFAULTS, YuniKorn, YuniKornArgs, yunikornValues } from "../../../components/scheduling";
import {
    memoryQuantity, vcoreQuantity, yunikornAcl, yunikornQueues, yunikornQueuesConfig, YUNIKORN_ACL_GROUP, YUNIKORN_ACL_USER,
} from "../../../components/scheduling/queues";
import { MockRunResult, runUnderMocks } from "../../../preview/mocks";
import { byName, ofType } from "../../helpers/resources";
import { esmImport } from "../../helpers/esm";

// kubernetes-models is ESM-only; a real dynamic import loads it.

const CONFIG = { "aws:region": "us-west-2", "moka:accountId": "111111111111" };

function team(name: string, quota: Partial<TeamQuota> = {}): TeamConfig {
    return {
        name,
        namespace: name,
        quota: { cpu: 64, memoryGi: 256, pods: 500, pvcs: 50, maxApplications: 20, guaranteedCpu: 16, guaranteedMemoryGi: 64, ...quota },
        dataPrefix: `teams/${name}`,
        sharedPrefixes: [],
        podSecurity: "restricted",
        access: { ci: `arn:aws:iam::111111111111:role/${name}-ci`, developers: [], allowAdminOverlap: false },
    };
}

/** YuniKorn's quantity grammar (apache/yunikorn-core pkg/common/resources/quantity.go), ported for the test. */
function parseYunikornQuantity(value: string, vcore: boolean): number {
    const m = /^([0-9]+)\s*(([mkKMGTPE]i?)?)$/.exec(value.trim());
    if (!m) {
        throw new Error(`invalid quantity ${value}`);
    }
    const mult: Record<string, number> = { "": 1, m: 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
    const suffix = m[2];
    if (!(suffix in mult) || (suffix === "m" && !vcore)) {
        throw new Error(`invalid suffix ${suffix}`);
    }
    const n = Number(m[1]) * mult[suffix];
    // ParseVCore returns millicores: a bare number is cores.
    return vcore && suffix !== "m" ? n * 1000 : n;
}

/** YuniKorn's ACL parse + check (apache/yunikorn-core pkg/common/security/acl.go), ported for the test. */
function aclAllows(acl: string, user: string, groups: string[]): boolean {
    if (acl.trim() === "*") {
        return true;
    }
    const [users = "", grp = ""] = acl.split(" ");
    const u = users.split(",").filter((x) => x !== "" && YUNIKORN_ACL_USER.test(x));
    const g = grp.split(",").filter((x) => x !== "" && YUNIKORN_ACL_GROUP.test(x));
    return u.includes(user) || groups.some((x) => g.includes(x));
}

describe("yunikorn-queues", () => {
    describe("vcoreQuantity (cores → what YuniKorn's ParseVCore reads)", () => {
        const cases: [number, string, number][] = [
            [16, "16", 16000],
            [1, "1", 1000],
            [2.5, "2500m", 2500],
            [0.25, "250m", 250],
            [0.1, "100m", 100],
            [1 / 3, "333m", 333],
            [64, "64", 64000],
        ];
        for (const [cores, expected, milli] of cases) {
            it(`${cores} cores -> "${expected}" (${milli} millicores)`, () => {
                assert.equal(vcoreQuantity(cores), expected);
                assert.equal(parseYunikornQuantity(expected, true), milli);
            });
        }
        for (const bad of [0, -1, 0.0001, Number.NaN]) {
            it(`rejects ${bad}`, () => assert.throws(() => vcoreQuantity(bad), /vcore quantity/));
        }
    });

    describe("memoryQuantity (GiB → bytes as YuniKorn reads them)", () => {
        const cases: [number, string][] = [[1, "1Gi"], [64, "64Gi"], [1024, "1024Gi"]];
        for (const [gi, expected] of cases) {
            it(`${gi} GiB -> "${expected}"`, () => {
                assert.equal(memoryQuantity(gi), expected);
                assert.equal(parseYunikornQuantity(expected, false), gi * 2 ** 30);
            });
        }
        for (const bad of [0, 1.5, -2]) {
            it(`rejects ${bad}`, () => assert.throws(() => memoryQuantity(bad), /memory quantity must be a positive whole number of GiB/));
        }
        it("YuniKorn would reject decimals, which is why quantities are never rendered as 2.5", () => {
            assert.throws(() => parseYunikornQuantity("2.5", true));
        });
    });

    describe("yunikornAcl", () => {
        const cases: [string[], string[], string][] = [
            [[], ["platform-admins"], " platform-admins"],
            [["alice"], [], "alice"],
            [["alice", "bob"], ["ops", "sre"], "alice,bob ops,sre"],
            [[], [], " "],
        ];
        for (const [users, groups, expected] of cases) {
            it(`${JSON.stringify(users)} ${JSON.stringify(groups)} -> ${JSON.stringify(expected)}`, () => assert.equal(yunikornAcl(users, groups), expected));
        }
        it("refuses Kubernetes service-account users and groups, which YuniKorn's ACL parser silently drops", () => {
            assert.throws(() => yunikornAcl(["system:serviceaccount:analytics:spark"], []), /YuniKorn ACL user "system:serviceaccount:analytics:spark" would be ignored/);
            assert.throws(() => yunikornAcl([], ["system:serviceaccounts:analytics"]), /YuniKorn ACL group "system:serviceaccounts:analytics" would be ignored/);
        });
    });

    describe("yunikornQueues", () => {
        it("one team: partition default, admin-only root, one leaf queue with the team's quota", () => {
            assert.deepEqual(yunikornQueues([team("analytics")]), {
                partitions: [{
                    name: "default",
                    placementrules: [{ name: "tag", value: "namespace", create: false }],
                    queues: [{
                        name: "root",
                        submitacl: " platform-admins",
                        adminacl: " platform-admins",
                        queues: [{
                            name: "analytics",
                            submitacl: "*",
                            maxapplications: 20,
                            resources: { guaranteed: { vcore: "16", memory: "64Gi" }, max: { vcore: "64", memory: "256Gi" } },
                        }],
                    }],
                }],
            });
        });

        it("three teams: one queue each, in order, named like constants.teamQueue", () => {
            const teams = [
                team("analytics"),
                team("ml", { cpu: 10, memoryGi: 40, maxApplications: 5, guaranteedCpu: 2.5, guaranteedMemoryGi: 10 }),
                team("bi", { cpu: 0.5, memoryGi: 2, maxApplications: 1, guaranteedCpu: 0.125, guaranteedMemoryGi: 1 }),
            ];
            const root = yunikornQueues(teams).partitions[0].queues[0];
            assert.deepEqual(root.queues.map((q) => [`root.${q.name}`, q.maxapplications, q.resources.guaranteed, q.resources.max]), [
                [teamQueue("analytics"), 20, { vcore: "16", memory: "64Gi" }, { vcore: "64", memory: "256Gi" }],
                [teamQueue("ml"), 5, { vcore: "2500m", memory: "10Gi" }, { vcore: "10", memory: "40Gi" }],
                [teamQueue("bi"), 1, { vcore: "125m", memory: "1Gi" }, { vcore: "500m", memory: "2Gi" }],
            ]);
        });

        it("places by namespace only: a single tag rule, create false, no provided rule, no root.default fallback", () => {
            const p = yunikornQueues([team("a"), team("b")]).partitions[0];
            assert.deepEqual(p.placementrules, [{ name: "tag", value: "namespace", create: false }]);
            assert.ok(!p.placementrules.some((r) => r.name === "provided"));
            assert.ok(!p.queues[0].queues.some((q) => q.name === "default"), "root.default would catch unplaced applications");
        });

        it("root is never open: its ACLs name only admins", () => {
            const root = yunikornQueues([team("a")], { adminGroups: ["data-platform-admins"], adminUsers: ["breakglass"] }).partitions[0].queues[0];
            assert.equal(root.submitacl, "breakglass data-platform-admins");
            assert.equal(root.adminacl, "breakglass data-platform-admins");
            for (const acl of [root.submitacl, root.adminacl]) {
                assert.notEqual(acl.trim(), "*");
            }
        });

        describe("who ends up where (YuniKorn's ACL check, ported)", () => {
            const cfg = yunikornQueues([team("analytics"), team("ml")]);
            const root = cfg.partitions[0].queues[0];
            const leaf = (n: string) => root.queues.find((q) => q.name === n)!;
            // The Spark Operator creates drivers; the driver creates executors.
            const operator = { user: "system:serviceaccount:spark-operator:spark-operator-controller", groups: ["system:serviceaccounts", "system:serviceaccounts:spark-operator", "system:authenticated"] };
            const driver = { user: "system:serviceaccount:analytics:spark", groups: ["system:serviceaccounts", "system:serviceaccounts:analytics", "system:authenticated"] };
            const admin = { user: "alice", groups: ["platform-admins", "system:authenticated"] };
            it("Spark jobs (operator- or driver-submitted) are accepted in the queue their namespace maps to", () => {
                for (const who of [operator, driver]) {
                    assert.ok(aclAllows(leaf("analytics").submitacl, who.user, who.groups), who.user);
                }
            });
            it("a service-account identity can never satisfy a narrower ACL (so the team ACL must not name one)", () => {
                assert.equal(aclAllows("system:serviceaccount:analytics:spark system:serviceaccounts:analytics", driver.user, driver.groups), false);
            });
            it("only admins pass the root ACL", () => {
                assert.equal(aclAllows(root.submitacl, driver.user, driver.groups), false);
                assert.equal(aclAllows(root.submitacl, operator.user, operator.groups), false);
                assert.equal(aclAllows(root.submitacl, admin.user, admin.groups), true);
            });
        });

        const bad: { title: string; teams: TeamConfig[]; opts?: Parameters<typeof yunikornQueues>[1]; message: string }[] = [
            { title: "no teams", teams: [], message: "yunikornQueues: teams must list at least one team" },
            { title: "duplicate team", teams: [team("a"), team("a")], message: "yunikornQueues: duplicate team \"a\"" },
            { title: "namespace differs", teams: [{ ...team("a"), namespace: "b" }], message: "yunikornQueues: team \"a\" has namespace \"b\"; the namespace placement rule needs them equal" },
            { title: "team called default", teams: [team("default")], message: "yunikornQueues: a team may not be called \"default\"; root.default is the YuniKorn fallback queue" },
            { title: "guarantee above max", teams: [team("a", { cpu: 4, guaranteedCpu: 8 })], message: "yunikornQueues: team \"a\" guarantees more than its maximum" },
            { title: "no admins", teams: [team("a")], opts: { adminGroups: [], adminUsers: [] }, message: "yunikornQueues: the root queue needs at least one admin user or group, and never \"*\"" },
            { title: "service-account admin", teams: [team("a")], opts: { adminUsers: ["system:serviceaccount:x:y"] }, message: "YuniKorn ACL user \"system:serviceaccount:x:y\" would be ignored by YuniKorn (allowed: ^[_a-zA-Z][a-zA-Z0-9_.@-]*[$]?$)" },
        ];
        for (const b of bad) {
            it(`throws: ${b.title}`, () => assert.throws(() => yunikornQueues(b.teams, b.opts), { message: b.message }));
        }
    });

    describe("yunikornQueuesConfig (queues.yaml text)", () => {
        const teams = [team("analytics"), team("ml", { guaranteedCpu: 2.5 })];
        const text = yunikornQueuesConfig(teams);
        it("round-trips to the same object", () => {
            assert.deepEqual(yaml.load(text), yunikornQueues(teams));
        });
        it("quotes ACLs so the leading space of a groups-only ACL survives", () => {
            assert.match(text, /submitacl: " platform-admins"/);
            assert.match(text, /submitacl: "\*"/);
        });
        it("writes quantities as strings YuniKorn parses", () => {
            assert.match(text, /vcore: "2500m"/);
            assert.match(text, /memory: "256Gi"/);
        });
    });
});

/** Leaf key paths of the yunikorn chart values this component may set (values.yaml at v1.8.0 and master 2026-05-28; 1.9.0 service_config.md). */
const CHART_KEYS = new Set([
    "image.repository", "image.tag", "image.pullPolicy", "nodeSelector", "tolerations", "hostNetwork",
    "resources.requests.cpu", "resources.requests.memory", "resources.limits.cpu", "resources.limits.memory",
    "embedAdmissionController", "enableWebService",
    "web.image.repository", "web.image.tag", "web.image.pullPolicy",
    "web.resources.requests.cpu", "web.resources.requests.memory", "web.resources.limits.cpu", "web.resources.limits.memory",
    "admissionController.image.repository", "admissionController.image.tag", "admissionController.image.pullPolicy",
    "admissionController.replicaCount", "admissionController.hostNetwork", "admissionController.nodeSelector", "admissionController.tolerations",
    "admissionController.resources.requests.cpu", "admissionController.resources.requests.memory", "admissionController.resources.limits.cpu", "admissionController.resources.limits.memory",
    "podSecurityContext", "schedulerSecurityContext", "webSecurityContext", "admissionPodSecurityContext", "admissionContainerSecurityContext",
    "yunikornDefaults",
]);
const OPAQUE = new Set(["nodeSelector", "tolerations", "admissionController.nodeSelector", "admissionController.tolerations", "podSecurityContext",
    "schedulerSecurityContext", "webSecurityContext", "admissionPodSecurityContext", "admissionContainerSecurityContext", "yunikornDefaults"]);

function leafPaths(v: unknown, prefix = ""): string[] {
    if (OPAQUE.has(prefix) || v === null || typeof v !== "object" || Array.isArray(v)) {
        return [prefix];
    }
    return Object.entries(v as Record<string, unknown>).flatMap(([k, x]) => leafPaths(x, prefix ? `${prefix}.${k}` : k));
}

describe("yunikornValues", () => {
    const teams = [team("analytics"), team("ml")];
    const v = yunikornValues(teams, { adminGroups: ["platform-admins"] }) as any;
    const SYSTEM = { nodeSelector: { "moka.dev/node-role": "system" }, tolerations: [{ key: "CriticalAddonsOnly", operator: "Exists", effect: "NoSchedule" }] };

    it("sets only keys the chart has", () => {
        for (const path of leafPaths(v)) {
            assert.ok(CHART_KEYS.has(path), `unknown chart key ${path}`);
        }
    });
    it("delivers queues.yaml through yunikornDefaults (the yunikorn-defaults ConfigMap), not the removed `configuration` key", () => {
        assert.equal(v.yunikornDefaults["queues.yaml"], yunikornQueuesConfig(teams));
        assert.equal(v.configuration, undefined);
        for (const val of Object.values(v.yunikornDefaults)) {
            assert.equal(typeof val, "string");
        }
    });
    it("hands only the team namespaces to YuniKorn", () => {
        assert.equal(v.yunikornDefaults["admissionController.filtering.processNamespaces"], "^analytics$,^ml$");
    });
    it("lets nobody pre-set the user.info annotation", () => {
        assert.equal(v.yunikornDefaults["admissionController.accessControl.bypassAuth"], "false");
        assert.equal(v.yunikornDefaults["admissionController.accessControl.externalUsers"], "");
        assert.equal(v.yunikornDefaults["admissionController.accessControl.externalGroups"], "");
    });
    it("turns the admission controller on, off the host network, two replicas", () => {
        assert.equal(v.embedAdmissionController, true);
        assert.equal(v.admissionController.hostNetwork, false);
        assert.equal(v.hostNetwork, false);
        assert.equal(v.admissionController.replicaCount, 2);
    });
    it("runs scheduler and admission controller on the system nodes", () => {
        assert.deepEqual({ nodeSelector: v.nodeSelector, tolerations: v.tolerations }, SYSTEM);
        assert.deepEqual({ nodeSelector: v.admissionController.nodeSelector, tolerations: v.admissionController.tolerations }, SYSTEM);
    });
    it("pins every image to the 1.9.0 release tags (never *-latest)", () => {
        assert.deepEqual([v.image.tag, v.admissionController.image.tag, v.web.image.tag], ["scheduler-1.9.0", "admission-1.9.0", "web-1.9.0"]);
        for (const img of [v.image, v.admissionController.image, v.web.image]) {
            assert.equal(img.repository, "apache/yunikorn");
            assert.doesNotMatch(img.tag, /latest/);
        }
    });
    it("meets the restricted Pod Security level: non-root 4444, RuntimeDefault seccomp, no privilege escalation, all capabilities dropped", () => {
        for (const pod of [v.podSecurityContext, v.admissionPodSecurityContext]) {
            assert.deepEqual(pod, { runAsNonRoot: true, runAsUser: 4444, runAsGroup: 4444, seccompProfile: { type: "RuntimeDefault" } });
        }
        for (const c of [v.schedulerSecurityContext, v.webSecurityContext, v.admissionContainerSecurityContext]) {
            assert.deepEqual(c, { allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
        }
    });
});

describe("YuniKorn", () => {
    const teams = [team("analytics"), team("ml", { guaranteedCpu: 2.5 })];
    let r: MockRunResult;
    let Namespace: any;

    before(async () => {
        ({ Namespace } = await esmImport("kubernetes-models/v1/Namespace"));
        r = await runUnderMocks({
            stack: "test",
            config: CONFIG,
            program: () => {
                const p = new k8s.Provider("k8s", { kubeconfig: "{}" });
                const y = new YuniKorn("yk", { k8sProvider: p, teams });
                return { namespace: y.namespace, releaseName: y.releaseName, schedulerName: y.schedulerName, queues: y.queues };
            },
        });
    });

    it("creates exactly one namespace and one Helm release, both through the explicit provider", () => {
        const component = ofType(r.resources, "moka:scheduling:YuniKorn");
        assert.equal(component.length, 1);
        const children = r.resources.filter((x) => x.parent === component[0].urn);
        assert.deepEqual(children.map((x) => `${x.type} ${x.name}`), ["kubernetes:core/v1:Namespace yk-namespace", "kubernetes:helm.sh/v3:Release yk-release"]);
        const provider = byName(r.resources, "k8s");
        for (const c of children) {
            assert.ok(c.provider?.startsWith(provider.urn), c.name);
        }
    });

    it("creates the yunikorn namespace at the restricted Pod Security level (valid Namespace)", () => {
        const ns = byName(r.resources, "yk-namespace");
        assert.equal(ns.inputs.metadata.name, "yunikorn");
        assert.equal(ns.inputs.metadata.labels["pod-security.kubernetes.io/enforce"], "restricted");
        new Namespace({ apiVersion: ns.inputs.apiVersion, kind: ns.inputs.kind, metadata: ns.inputs.metadata }).validate();
    });

    it("pins chart yunikorn 1.9.0 from the Apache repository", () => {
        const rel = byName(r.resources, "yk-release");
        assert.deepEqual(
            [rel.inputs.chart, rel.inputs.version, rel.inputs.repositoryOpts, rel.inputs.name, rel.inputs.namespace],
            ["yunikorn", "1.9.0", { repo: "https://apache.github.io/yunikorn-release" }, "yunikorn", "yunikorn"],
        );
        assert.equal(rel.inputs.version, YUNIKORN_DEFAULTS.version);
        assert.match(rel.inputs.version, /^1\.\d+\.\d+$/);
        assert.ok(rel.dependencies.includes(byName(r.resources, "yk-namespace").urn));
    });

    it("ships the team queues in the release values", () => {
        const values: any = byName(r.resources, "yk-release").inputs.values;
        assert.deepEqual(byName(r.resources, "yk-release").inputs.values, yunikornValues(teams, { adminGroups: ["platform-admins"] }));
        const queues = yaml.load(values.yunikornDefaults["queues.yaml"]) as any;
        assert.deepEqual(queues.partitions[0].queues[0].queues.map((q: any) => q.name), ["analytics", "ml"]);
        assert.deepEqual(queues.partitions[0].placementrules, [{ name: "tag", value: "namespace", create: false }]);
        assert.notEqual(queues.partitions[0].queues[0].submitacl.trim(), "*");
    });

    it("exports the namespace, scheduler name and the queue per team", () => {
        assert.deepEqual(r.outputs, {
            namespace: "yunikorn",
            releaseName: "yunikorn",
            schedulerName: "yunikorn",
            queues: { analytics: "root.analytics", ml: "root.ml" },
        });
    });

    describe("argument validation", () => {
        const cases: { title: string; a: (p: k8s.Provider) => YuniKornArgs; message: string }[] = [
            { title: "no provider", a: () => ({ k8sProvider: undefined as unknown as k8s.Provider, teams }), message: "moka:scheduling:YuniKorn \"yk\": args.k8sProvider is required" },
            { title: "no teams", a: (p) => ({ k8sProvider: p, teams: [] }), message: "moka:scheduling:YuniKorn \"yk\": args.teams must list at least one team" },
            { title: "empty admin groups", a: (p) => ({ k8sProvider: p, teams, adminGroups: [] }), message: "moka:scheduling:YuniKorn \"yk\": args.adminGroups must not be empty; omit it for the default" },
            { title: "admin group with a colon", a: (p) => ({ k8sProvider: p, teams, adminGroups: ["system:masters"] }), message: "moka:scheduling:YuniKorn \"yk\": YuniKorn ACL group \"system:masters\" would be ignored by YuniKorn (allowed: ^[_a-zA-Z][a-zA-Z0-9_-]*$)" },
            { title: "duplicate team", a: (p) => ({ k8sProvider: p, teams: [team("a"), team("a")] }), message: "moka:scheduling:YuniKorn \"yk\": yunikornQueues: duplicate team \"a\"" },
        ];
        for (const c of cases) {
            it(`throws: ${c.title}`, async () => {
                await assert.rejects(runUnderMocks({
                    stack: "test",
                    config: CONFIG,
                    program: () => {
                        const p = new k8s.Provider("k8s", { kubeconfig: "{}" });
                        new YuniKorn("yk", c.a(p));
                        return {};
                    },
                }), { message: c.message });
            });
        }
    });
});
