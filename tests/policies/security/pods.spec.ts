import { strict as assert } from "assert";
import type { Policy } from "@pulumi/policy";
import { check, UNKNOWN } from "../../helpers/policy";
import {
    podNoAddedCapabilities, podNoHostAccess, podNoHostPorts, podNoPrivilegedContainers, podNoRootUser, podSeccompNotUnconfined,
} from "../../../policies/security/rules/pods";
import { expectClean, expectUnknownAdvisory, expectViolation, mutate, WORKLOADS } from "./support";
import { esmImport } from "../../helpers/esm";

// Workload fixtures are validated against the upstream Kubernetes schemas (kubernetes-models is ESM-only).
const MODELS: Record<string, string> = {
    Pod: "kubernetes-models/v1/Pod",
    Deployment: "kubernetes-models/apps/v1/Deployment",
    StatefulSet: "kubernetes-models/apps/v1/StatefulSet",
    DaemonSet: "kubernetes-models/apps/v1/DaemonSet",
    ReplicaSet: "kubernetes-models/apps/v1/ReplicaSet",
    Job: "kubernetes-models/batch/v1/Job",
    CronJob: "kubernetes-models/batch/v1/CronJob",
};

const ALL: Policy[] = [podNoPrivilegedContainers, podNoHostAccess, podNoRootUser, podNoAddedCapabilities, podSeccompNotUnconfined, podNoHostPorts];
const TENANT_RULES: Policy[] = [podNoRootUser, podNoAddedCapabilities, podSeccompNotUnconfined, podNoHostPorts];
const byKind = (kind: string) => WORKLOADS.find((w) => w.kind === kind)!;

describe("security: pod-security rules", () => {
    it("workload fixtures are valid Kubernetes objects", async () => {
        for (const w of WORKLOADS) {
            const path = MODELS[w.kind];
            if (path) {
                const Model = (await esmImport(path))[w.kind];
                new Model(w.make("analytics").props).validate();
            }
        }
    });

    for (const w of WORKLOADS) {
        describe(w.kind, () => {
            it("passes the hardened fixture under every pod rule", async () => {
                for (const policy of ALL) {
                    await expectClean(policy, w.make("analytics"));
                }
            });
            it("flags a privileged container", async () => {
                const r = mutate(w.make("analytics"), (d) => (w.main(d.props).securityContext = { privileged: true }));
                await expectViolation(podNoPrivilegedContainers, r, /in namespace "analytics" runs privileged containers/);
            });
            it("flags allowPrivilegeEscalation: true", async () => {
                const r = mutate(w.make("analytics"), (d) => (w.main(d.props).securityContext.allowPrivilegeEscalation = true));
                await expectViolation(podNoPrivilegedContainers, r, /allowPrivilegeEscalation: true/);
            });
            for (const field of w.hostFields) {
                it(`flags ${field}: true`, async () => {
                    const r = mutate(w.make("analytics"), (d) => (w.pod(d.props)[field] = true));
                    await expectViolation(podNoHostAccess, r, new RegExp(`${field}: true`));
                });
            }
            it("flags a hostPath volume", async () => {
                const r = mutate(w.make("analytics"), (d) => w.volumesHolder(d.props).volumes.push({ name: "varlog", hostPath: { path: "/var/log" } }));
                await expectViolation(podNoHostAccess, r, /hostPath volume "varlog" → \/var\/log/);
            });
            it("flags runAsUser: 0 and runAsNonRoot: false at pod and container level", async () => {
                await expectViolation(podNoRootUser, mutate(w.make("analytics"), (d) => (w.podSecurity(d.props).runAsUser = 0)), /in namespace "analytics" runs as root: runAsUser: 0/);
                await expectViolation(podNoRootUser, mutate(w.make("analytics"), (d) => (w.podSecurity(d.props).runAsNonRoot = false)), /runAsNonRoot: false/);
                await expectViolation(podNoRootUser, mutate(w.make("analytics"), (d) => (w.main(d.props).securityContext.runAsUser = 0)), /runAsUser: 0 \(spec[^)]*\)/);
            });
            it("flags added capabilities beyond NET_BIND_SERVICE, and passes NET_BIND_SERVICE", async () => {
                await expectViolation(podNoAddedCapabilities, mutate(w.make("analytics"), (d) => (w.main(d.props).securityContext.capabilities.add = ["SYS_ADMIN", "NET_RAW"])), /adds Linux capabilities: SYS_ADMIN, NET_RAW \(/);
                await expectClean(podNoAddedCapabilities, mutate(w.make("analytics"), (d) => (w.main(d.props).securityContext.capabilities.add = ["NET_BIND_SERVICE"])));
            });
            it("flags seccomp Unconfined at pod or container level", async () => {
                await expectViolation(podSeccompNotUnconfined, mutate(w.make("analytics"), (d) => (w.podSecurity(d.props).seccompProfile = { type: "Unconfined" })), /runs without seccomp: seccompProfile Unconfined/);
                await expectViolation(podSeccompNotUnconfined, mutate(w.make("analytics"), (d) => (w.main(d.props).securityContext.seccompProfile = { type: "Unconfined" })), /seccompProfile Unconfined/);
            });
            it("flags a hostPort", async () => {
                await expectViolation(podNoHostPorts, mutate(w.make("analytics"), (d) => (w.main(d.props).ports = [{ containerPort: 8080, hostPort: 8080 }])), /binds ports on the node: hostPort 8080/);
                await expectClean(podNoHostPorts, mutate(w.make("analytics"), (d) => (w.main(d.props).ports = [{ containerPort: 8080, hostPort: 0 }])));
            });
            it("exempts the system namespaces (observability hosts fluent-bit; platform namespaces for the tenant rules)", async () => {
                for (const ns of ["kube-system", "karpenter", "observability"]) {
                    const r = mutate(w.make(ns), (d) => {
                        w.pod(d.props).hostNetwork = true;
                        w.volumesHolder(d.props).volumes.push({ name: "varlog", hostPath: { path: "/var/log" } });
                        w.main(d.props).securityContext = { privileged: true, runAsUser: 0, capabilities: { add: ["SYS_ADMIN"] } };
                    });
                    for (const policy of ALL) {
                        await expectClean(policy, r);
                    }
                }
                const platform = mutate(w.make("spark-operator"), (d) => (w.podSecurity(d.props).runAsUser = 0));
                await expectClean(podNoRootUser, platform);
            });
        });
    }

    it("treats a missing namespace as default (not exempt), and reads the provider's namespace", async () => {
        const dep = byKind("Deployment");
        const r = mutate(dep.make("x"), (d) => { delete d.props.metadata.namespace; d.props.spec.template.spec.hostPID = true; });
        await expectViolation(podNoHostAccess, r, /namespace "default"/);
        await expectClean(podNoHostAccess, { ...r, provider: { type: "pulumi:providers:kubernetes", props: { namespace: "kube-system" } } });
        await expectUnknownAdvisory(podNoHostAccess, { ...r, provider: { type: "pulumi:providers:kubernetes", props: { namespace: UNKNOWN } } });
    });

    it("honours a systemNamespaces config and falls back on a malformed one", async () => {
        const dep = byKind("DaemonSet");
        const r = mutate(dep.make("logging"), (d) => (d.props.spec.template.spec.hostNetwork = true));
        await expectClean(podNoHostAccess, r, { systemNamespaces: ["logging"] });
        await expectViolation(podNoHostAccess, r, /hostNetwork/, { config: { systemNamespaces: "logging" } });
        await expectViolation(podNoHostAccess, mutate(r, (d) => (d.props.metadata.namespace = "observability")), /hostNetwork/, { config: { systemNamespaces: ["logging"] } });
        const root = mutate(dep.make("logging"), (d) => (d.props.spec.template.spec.securityContext.runAsUser = 0));
        await expectClean(podNoRootUser, root, { systemNamespaces: ["logging"] });
        await expectViolation(podNoRootUser, root, /runAsUser: 0/, { config: { systemNamespaces: 7 } });
    });

    it("judges the default namespace with the tenant rules", async () => {
        await expectViolation(podNoRootUser, mutate(byKind("Pod").make("default"), (d) => (d.props.spec.securityContext.runAsUser = 0)), /in namespace "default" runs as root/);
    });

    it("checks init containers and Spark executors", async () => {
        const job = byKind("Job");
        const r = mutate(job.make("analytics"), (d) => (d.props.spec.template.spec.initContainers = [{ name: "setup", image: "x:1", securityContext: { privileged: true } }]));
        await expectViolation(podNoPrivilegedContainers, r, /spec\.template\.spec:setup/);
        const spark = byKind("SparkApplication");
        const s = mutate(spark.make("analytics"), (d) => (d.props.spec.executor.hostNetwork = true));
        await expectViolation(podNoHostAccess, s, /hostNetwork: true \(spec\.executor\)/);
        await expectViolation(podNoAddedCapabilities, mutate(spark.make("analytics"), (d) => (d.props.spec.executor.sidecars = [{ name: "tap", image: "x:1", securityContext: { capabilities: { add: ["NET_ADMIN"] } } }])), /NET_ADMIN \(spec\.executor:tap\)/);
    });

    describe("Spark pod templates, SparkConnect and sparkConf host paths (issue 12)", () => {
        const spark = byKind("SparkApplication");
        const template = (spec: Record<string, unknown>) => ({ metadata: { labels: { app: "etl" } }, spec: { containers: [{ name: "spark-kubernetes-executor" }], ...spec } });
        it("reads driver.template / executor.template pod specs", async () => {
            await expectViolation(podNoHostAccess, mutate(spark.make("analytics"), (d) => (d.props.spec.executor.template = template({ hostPID: true }))), /hostPID: true \(spec\.executor\.template\.spec\)/);
            await expectViolation(podNoRootUser, mutate(spark.make("analytics"), (d) => (d.props.spec.driver.template = template({ securityContext: { runAsUser: 0 } }))), /runAsUser: 0 \(spec\.driver\.template\.spec\.securityContext\)/);
            await expectViolation(podNoAddedCapabilities, mutate(spark.make("analytics"), (d) => (d.props.spec.driver.template = template({ containers: [{ name: "spark-kubernetes-driver", securityContext: { capabilities: { add: ["ALL"] } } }] }))), /ALL \(spec\.driver\.template\.spec:spark-kubernetes-driver\)/);
            await expectViolation(podNoHostPorts, mutate(spark.make("analytics"), (d) => (d.props.spec.executor.template = template({ containers: [{ name: "x", ports: [{ containerPort: 1, hostPort: 7077 }] }] }))), /hostPort 7077/);
            await expectViolation(podSeccompNotUnconfined, mutate(spark.make("analytics"), (d) => (d.props.spec.driver.template = { metadata: { annotations: { "seccomp.security.alpha.kubernetes.io/pod": "unconfined" } }, spec: {} })), /annotation seccomp\.security\.alpha\.kubernetes\.io\/pod: unconfined \(spec\.driver\.template\.spec\)/);
        });
        it("flags hostPath volumes mounted through Spark conf (data-on-eks yunikorn-gang-scheduling.yaml shape), once per volume", async () => {
            const conf = {
                "spark.local.dir": "/data1",
                "spark.kubernetes.driver.volumes.hostPath.spark-local-dir-1.options.path": "/mnt/k8s-disks",
                "spark.kubernetes.driver.volumes.hostPath.spark-local-dir-1.mount.path": "/data1",
                "spark.kubernetes.executor.volumes.hostPath.spark-local-dir-1.mount.path": "/data1",
                "spark.kubernetes.driver.volumes.emptyDir.scratch.mount.path": "/tmp",
            };
            const [v] = await expectViolation(podNoHostAccess, mutate(spark.make("analytics"), (d) => (d.props.spec.sparkConf = conf)), /hostPath volume "spark-local-dir-1" → \/mnt\/k8s-disks \(driver, sparkConf spark\.kubernetes\.driver\.volumes\.hostPath\.spark-local-dir-1\.\*\) and hostPath volume "spark-local-dir-1" → \? \(executor/);
            assert.doesNotMatch(v.message, /emptyDir|scratch/);
            await expectClean(podNoHostAccess, mutate(spark.make("analytics"), (d) => (d.props.spec.sparkConf = { "spark.kubernetes.driver.volumes.emptyDir.x.mount.path": "/x" })));
            await expectUnknownAdvisory(podNoHostAccess, mutate(spark.make("analytics"), (d) => (d.props.spec.sparkConf = UNKNOWN)));
        });
        it("reads SparkConnect server and executor templates", async () => {
            const connect = byKind("SparkConnect");
            await expectViolation(podNoRootUser, mutate(connect.make("analytics"), (d) => (d.props.spec.executor.template.spec.securityContext.runAsNonRoot = false)), /runAsNonRoot: false \(spec\.executor\.template\.spec\.securityContext\)/);
            await expectViolation(podNoPrivilegedContainers, mutate(connect.make("analytics"), (d) => (d.props.spec.executor.template.spec.containers[0].securityContext = { privileged: true })), /spec\.executor\.template\.spec:spark-kubernetes-executor/);
        });
        it("ignores hostPID/hostIPC on a SparkApplication role: SparkPodSpec has no such fields and the CRD prunes them (only the template keeps unknown fields)", async () => {
            await expectClean(podNoHostAccess, mutate(spark.make("analytics"), (d) => Object.assign(d.props.spec.driver, { hostPID: true, hostIPC: true })));
        });
    });

    it("normalises capability names and honours allowedCapabilities", async () => {
        const pod = byKind("Pod");
        await expectViolation(podNoAddedCapabilities, mutate(pod.make("analytics"), (d) => (d.props.spec.containers[0].securityContext.capabilities.add = ["cap_sys_ptrace", "CAP_NET_BIND_SERVICE"])), /SYS_PTRACE \(spec:app\)\. /);
        await expectClean(podNoAddedCapabilities, mutate(pod.make("analytics"), (d) => (d.props.spec.containers[0].securityContext.capabilities.add = ["CHOWN"])), { allowedCapabilities: ["NET_BIND_SERVICE", "chown"] });
        await expectViolation(podNoAddedCapabilities, mutate(pod.make("analytics"), (d) => (d.props.spec.containers[0].securityContext.capabilities.add = ["CHOWN"])), /CHOWN/, { config: { allowedCapabilities: "CHOWN" } });
    });

    it("flags only explicit unsafe values (unset runAsNonRoot and seccomp pass), in either of two levels", async () => {
        const pod = byKind("Pod");
        await expectClean(podNoRootUser, mutate(pod.make("analytics"), (d) => { delete d.props.spec.securityContext; }));
        await expectClean(podSeccompNotUnconfined, mutate(pod.make("analytics"), (d) => { delete d.props.spec.securityContext.seccompProfile; }));
        // Pod Security Standards check each level: a container's runAsNonRoot: true does not excuse the pod's runAsUser: 0.
        await expectViolation(podNoRootUser, mutate(pod.make("analytics"), (d) => { d.props.spec.securityContext.runAsUser = 0; d.props.spec.containers[0].securityContext.runAsUser = 1000; }), /runAsUser: 0 \(spec\.securityContext\)/);
        await expectViolation(podSeccompNotUnconfined, mutate(pod.make("analytics"), (d) => (d.props.metadata.annotations = { "container.seccomp.security.alpha.kubernetes.io/app": "Unconfined" })), /annotation container\.seccomp\.security\.alpha\.kubernetes\.io\/app: unconfined/);
    });

    it("ignores false values, odd shapes and non-workloads", async () => {
        const pod = WORKLOADS[0];
        await expectClean(podNoHostAccess, mutate(pod.make("analytics"), (d) => Object.assign(d.props.spec, { hostNetwork: false, hostPID: "false", volumes: [null, "x", { name: "v", hostPath: null }] })));
        await expectClean(podNoPrivilegedContainers, mutate(pod.make("analytics"), (d) => (d.props.spec.containers = [{ name: "a", securityContext: "weird" }, 7])));
        for (const policy of ALL) {
            await expectClean(policy, { type: "kubernetes:core/v1:ConfigMap", props: { metadata: { name: "x" }, data: { hostNetwork: "true" } } });
            await expectClean(policy, { type: "kubernetes:example.com/v1:Deployment", props: { spec: { template: { spec: { hostNetwork: true, containers: [{ securityContext: { runAsUser: 0, privileged: true } }] } } } } });
            for (const props of [{}, { spec: null }, { spec: [] }, { spec: { template: "x" } }, { metadata: "x", spec: { template: { spec: { containers: { name: "single", ports: "x", securityContext: { capabilities: { add: "SYS_ADMIN" } } } } } } }]) {
                await check(policy, { type: "kubernetes:apps/v1:Deployment", props });
            }
        }
        // A single container object (not a list) is still read.
        await expectViolation(podNoAddedCapabilities, { type: "kubernetes:apps/v1:Deployment", props: { metadata: { namespace: "analytics" }, spec: { template: { spec: { containers: { name: "single", securityContext: { capabilities: { add: "SYS_ADMIN" } } } } } } } }, /SYS_ADMIN \(spec\.template\.spec:single\)/);
    });

    it("turns unknown values into advisories", async () => {
        const pod = WORKLOADS[0];
        await expectUnknownAdvisory(podNoHostAccess, mutate(pod.make("analytics"), (d) => (d.props.spec.hostNetwork = UNKNOWN)));
        await expectUnknownAdvisory(podNoPrivilegedContainers, mutate(pod.make("analytics"), (d) => (d.props.spec.containers[0].securityContext.privileged = UNKNOWN)));
        await expectUnknownAdvisory(podNoHostAccess, mutate(pod.make("analytics"), (d) => (d.props.metadata.namespace = UNKNOWN)));
        await expectUnknownAdvisory(podNoRootUser, mutate(pod.make("analytics"), (d) => (d.props.spec.securityContext.runAsUser = UNKNOWN)));
        await expectUnknownAdvisory(podNoAddedCapabilities, mutate(pod.make("analytics"), (d) => (d.props.spec.containers[0].securityContext.capabilities.add = [UNKNOWN])));
        await expectUnknownAdvisory(podSeccompNotUnconfined, mutate(pod.make("analytics"), (d) => (d.props.spec.securityContext.seccompProfile = UNKNOWN)));
        await expectUnknownAdvisory(podNoHostPorts, mutate(pod.make("analytics"), (d) => (d.props.spec.containers[0].ports = UNKNOWN)));
        for (const policy of ALL) {
            await expectUnknownAdvisory(policy, mutate(byKind("Deployment").make("analytics"), (d) => (d.props.spec.template = UNKNOWN)));
        }
    });

    it("never lets an unknown image hide a finding: values are read raw (an image built in the stack is unknown at preview)", async () => {
        const pod = byKind("Pod").make("analytics", UNKNOWN);
        const ds = await check(podNoPrivilegedContainers, mutate(pod, (d) => (d.props.spec.containers[0].securityContext.privileged = true)));
        assert.deepEqual(ds.map((d) => [d.enforcementLevel, d.unknownValue]), [["mandatory", false]]);
        for (const policy of TENANT_RULES) {
            await expectClean(policy, pod);
        }
    });

    it("reports a privileged and an escalating container as two diagnostics", async () => {
        const pod = WORKLOADS[0];
        const r = mutate(pod.make("analytics"), (d) => d.props.spec.containers.push({ name: "b", image: "x:1", securityContext: { privileged: true, allowPrivilegeEscalation: true } }));
        const vs = await expectViolation(podNoPrivilegedContainers, r, /spec:b/, { count: 2 });
        assert.equal(new Set(vs.map((v) => v.message)).size, 2);
    });
});
